"""manifest.yml is a valid Slack app manifest and keeps the contract the code and docs rely on."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from meetbot_sandbox.slack.scopes import BOT_SCOPES

ROOT = Path(__file__).resolve().parent.parent
REQUEST_URL = "https://YOUR-HOST/slack/events"
USAGE_HINT = (
    "[title] [@people…] [--record] [--until YYYY-MM-DD | --for 30d] [--expire-after-use] | help"
)


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def strings(node: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every string in the manifest with the key it sits under (list items: the list's key)."""
    if isinstance(node, str):
        yield key, node
    elif isinstance(node, dict):
        for child_key, value in node.items():
            yield from strings(value, child_key)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item, key)


def schema_errors(manifest: dict[str, Any]) -> list[str]:
    schema = json.loads((ROOT / "tests/fixtures/slack-manifest.schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(manifest)]


def test_it_validates_against_slacks_manifest_schema(manifest: dict[str, Any]) -> None:
    assert schema_errors(manifest) == []


def test_the_schema_check_would_catch_a_broken_manifest(manifest: dict[str, Any]) -> None:
    broken = copy.deepcopy(manifest)
    broken["features"]["shortcuts"][0]["name"] = "Start a meeting right now please"
    broken["settings"]["interactivity"].pop("is_enabled")

    assert len(schema_errors(broken)) == 2


def test_meet_is_the_one_slash_command(manifest: dict[str, Any]) -> None:
    [meet] = manifest["features"]["slash_commands"]

    assert meet["command"] == "/meet"
    assert meet["usage_hint"] == USAGE_HINT
    assert meet["should_escape"] is True  # mentions arrive as <@U…|name>, so we get user ids
    assert meet["url"] == REQUEST_URL


def test_the_shortcuts_keep_their_callback_ids(manifest: dict[str, Any]) -> None:
    shortcuts = {
        s["callback_id"]: (s["type"], s["name"]) for s in manifest["features"]["shortcuts"]
    }

    assert shortcuts == {
        "start_meeting": ("global", "Start a meeting"),
        "meet_about_message": ("message", "Meet about this"),
    }


def test_one_request_url_placeholder_serves_everything(manifest: dict[str, Any]) -> None:
    urls = [(key, value) for key, value in strings(manifest) if "://" in value]
    settings = manifest["settings"]

    assert {value for key, value in urls if key in ("url", "request_url")} == {REQUEST_URL}
    assert manifest["oauth_config"]["redirect_urls"] == ["https://YOUR-HOST/slack/oauth_redirect"]
    assert all(value.startswith("https://YOUR-HOST/") for _, value in urls)
    assert settings["event_subscriptions"]["request_url"] == REQUEST_URL
    assert settings["interactivity"] == {"is_enabled": True, "request_url": REQUEST_URL}


def test_events_home_and_settings(manifest: dict[str, Any]) -> None:
    features, settings = manifest["features"], manifest["settings"]

    assert manifest["display_information"]["name"] == "meetbot"
    assert features["bot_user"]["display_name"] == "meetbot"
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    }
    assert settings["org_deploy_enabled"] is True
    assert settings["socket_mode_enabled"] is False
    assert settings["token_rotation_enabled"] is False


def test_bot_scopes_are_the_minimal_set_the_fake_slack_grants(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]

    assert set(scopes) == {"bot"}
    assert tuple(scopes["bot"]) == BOT_SCOPES
    assert "chat:write.public" not in scopes["bot"]  # we join public channels instead


def test_no_scope_is_asked_for_that_no_code_uses(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    web = (ROOT / "bot/slack/web.py").read_text(encoding="utf-8")

    # conversations.info (a channel's creator, for `/meet settings`) is their only use.
    assert "channels:read" in scopes and "groups:read" in scopes
    assert '"conversations.info"' in web
    assert "mpim:read" not in scopes and "im:read" not in scopes


def test_every_scope_has_its_reason_in_the_setup_guide(manifest: dict[str, Any]) -> None:
    guide = (ROOT / "docs/slack-app.md").read_text(encoding="utf-8")
    table = guide[guide.index("## What the manifest asks for, and why") :]
    rows = {line.split("|")[1] for line in table.splitlines() if line.startswith("| `")}

    missing = [s for s in manifest["oauth_config"]["scopes"]["bot"] if f"`{s}`" not in str(rows)]
    assert missing == []
