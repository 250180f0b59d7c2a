"""The admin CLI run in-process against the emulator: tables, --json, one-line errors."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.providers.meetings.cli import add_parser, main, meetings_config
from bot.providers.meetings.cli_commands import themes_delete
from tests.plugins.emulator import EmulatorHandle

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class Cli:
    def __init__(self, emulator: EmulatorHandle, capsys: pytest.CaptureFixture[str]) -> None:
        self.env = {
            "MEETINGS_API_URL": emulator.base_url,
            "VONAGE_APPLICATION_ID": emulator.application_id,
            "VONAGE_PRIVATE_KEY": emulator.private_key_pem,
        }
        self._capsys = capsys

    async def __call__(self, *argv: str) -> tuple[int, str, str]:
        # main() runs its own event loop (asyncio.run), so it gets a thread; the emulator keeps
        # serving on this test's loop meanwhile.
        code = await asyncio.to_thread(main, list(argv), self.env)
        captured = self._capsys.readouterr()
        return code, captured.out, captured.err

    async def json(self, *argv: str) -> object:
        code, out, err = await self("--json", *argv)
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def cli(emulator: EmulatorHandle, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(emulator, capsys)


async def test_rooms_create_show_list_update(cli: Cli) -> None:
    until = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    code, out, _ = await cli(
        "rooms", "create", "--name", "Q4 planning", "--until", until, "--record"
    )
    assert code == 0
    assert "Q4 planning" in out and "long_term" in out and "participant_token" in out

    created = await cli.json("rooms", "list")
    assert isinstance(created, list) and len(created) == 1
    room_id = created[0]["id"]
    assert "host_url" not in created[0]  # lists never show host links

    code, out, _ = await cli("rooms", "show", room_id)
    assert code == 0 and "host_url" in out and "participant_token=" in out
    assert f"{until} 23:59 UTC" in out

    later = (datetime.now(UTC) + timedelta(days=60)).date().isoformat()
    shown = await cli.json("rooms", "update", room_id, "--until", later)
    assert isinstance(shown, dict) and shown["expires_at"].startswith(later)

    code, out, _ = await cli("rooms", "list")
    assert code == 0
    assert out.splitlines()[0].split() == [
        "id",
        "display_name",
        "type",
        "expires_at",
        "is_available",
        "meeting_code",
        "metadata",
    ]
    assert "(1 total)" in out and "participant_token" not in out


async def test_recordings_commands(cli: Cli, emulator: EmulatorHandle) -> None:
    room = await cli.json("rooms", "create", "--name", "Recorded")
    assert isinstance(room, dict)
    session_id = await emulator.control.start_session(room["id"], callback=False)
    recording_id = await emulator.control.start_recording(session_id, callback=False)
    await emulator.control.stop_recording(recording_id, callback=False)
    await emulator.control.upload_recording(recording_id, callback=False)

    code, out, _ = await cli("recordings", "session", session_id)
    assert code == 0 and recording_id in out and "uploaded" in out
    shown = await cli.json("recordings", "show", recording_id)
    assert isinstance(shown, dict) and shown["url"]
    code, out, _ = await cli("recordings", "delete", recording_id)
    assert (code, out.strip()) == (0, f"deleted recording {recording_id}")


async def test_themes_commands_including_logos(cli: Cli, tmp_path: Path) -> None:
    theme = await cli.json(
        "themes", "create", "--color", "#12f64e", "--brand-text", "Acme", "--name", "acme"
    )
    assert isinstance(theme, dict)
    theme_id = theme["theme_id"]

    code, out, _ = await cli("themes", "list")
    assert code == 0 and "acme" in out and "#12f64e" in out
    updated = await cli.json("themes", "update", theme_id, "--brand-text", "Acme Ltd")
    assert isinstance(updated, dict) and updated["brand_text"] == "Acme Ltd"

    files = {}
    for kind in ("white", "colored", "favicon"):
        files[kind] = tmp_path / f"{kind}.png"
        files[kind].write_bytes(PNG)
    branded = await cli.json(
        "themes",
        "upload-logos",
        theme_id,
        "--white",
        str(files["white"]),
        "--colored",
        str(files["colored"]),
        "--favicon",
        str(files["favicon"]),
    )
    assert isinstance(branded, dict) and branded["brand_image_white"]

    application = await cli.json("themes", "set-default", theme_id)
    assert isinstance(application, dict) and application["default_theme_id"] == theme_id
    await cli.json("rooms", "create", "--name", "branded", "--theme", theme_id)
    rooms = await cli.json("themes", "rooms", theme_id)
    assert isinstance(rooms, list) and len(rooms) == 1

    code, _, err = await cli("themes", "delete", theme_id)
    assert code == 1 and err.startswith("error: could not delete theme")
    code, out, _ = await cli("themes", "delete", theme_id, "--force")
    assert code == 0 and "deleted theme" in out
    code, out, _ = await cli("themes", "list")
    assert out.strip() == "(none)"


async def test_dial_in_numbers_table(cli: Cli) -> None:
    code, out, _ = await cli("dial-in-numbers")
    assert code == 0
    assert out.splitlines()[0].split() == ["number", "locale", "display_name"]


async def test_errors_are_one_line_and_exit_1(cli: Cli) -> None:
    code, out, err = await cli("rooms", "show", "00000000-0000-0000-0000-000000000000")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith("error: Room 00000000")
    assert "-> 404" in err

    code, _, err = await cli("rooms", "create", "--name", "x" * 201)
    assert code == 1 and err.strip() == "error: --name: must be at most 200 characters, got 201"

    code, _, err = await cli("themes", "upload-logos", "t", "--white", "/no/such/file.png")
    assert code == 1 and err.startswith("error: ") and "No such file" in err


async def test_a_refused_expiry_names_the_flag_not_the_api_field(cli: Cli) -> None:
    """Issue 18: the person typed --until; `expires_at` is the API's name for it."""
    code, _, err = await cli("rooms", "create", "--name", "x", "--until", "2020-01-01")
    assert code == 1 and err.startswith("error: --until: ") and "expires_at" not in err


async def test_bad_arguments_exit_2_with_usage(cli: Cli) -> None:
    code, _, err = await cli("rooms", "create", "--name", "x", "--until", "someday")
    assert code == 2 and "expected a date like 2026-12-31" in err


async def test_a_wrong_key_is_reported_in_one_line(cli: Cli) -> None:
    cli.env["VONAGE_APPLICATION_ID"] = "someone-else"
    code, _, err = await cli("rooms", "list")
    assert code == 1 and "credentials rejected" in err and "eyJ" not in err


def test_meetings_config_needs_only_the_meetings_variables(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n")
    config = meetings_config({"VONAGE_APPLICATION_ID": "app", "VONAGE_PRIVATE_KEY_PATH": str(key)})
    assert config.meetings_api_url == "https://api-eu.vonage.com/v1/meetings"
    assert config.vonage_private_key is not None and "abc" in config.vonage_private_key
    assert "abc" not in repr(config)

    with pytest.raises(ConfigError) as caught:
        meetings_config({})
    assert len(caught.value.problems) == 2


def test_missing_configuration_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rooms", "list"], {}) == 1
    assert "VONAGE_APPLICATION_ID: required" in capsys.readouterr().err


def test_add_parser_plugs_into_the_main_cli() -> None:
    root = argparse.ArgumentParser(prog="python -m bot")
    add_parser(root.add_subparsers(dest="command"))
    args = root.parse_args(["meetings", "--json", "themes", "delete", "t-1", "--force"])
    assert (args.command, args.json, args.theme_id, args.force) == ("meetings", True, "t-1", True)
    assert args.handler is themes_delete
