"""The fake Slack answers each method meetbot calls the way Slack's published samples do
(tests/fixtures/slack-web-api/README.md): every field of a sample is in the fake's answer to the
same call, with the same JSON type, unless named below with the reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError

from tests.plugins.slack import FakeSlack

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "slack-web-api"
# Fields of a sample the fake leaves out, and why (see the README).
NOT_IN_FAKE = {
    "conversations.info.ok.json": {
        # Fields meetbot never reads (it reads `creator` only, for `/meet settings`).
        f"/channel/{name}": "not read by meetbot"
        for name in (
            "is_pending_ext_shared",
            "is_read_only",
            "last_read",
            "locale",
            "parent_conversation",
            "pending_shared",
            "previous_names",
            "unlinked",
        )
    },
    "chat.postMessage.ok.json": {
        "/message/subtype": "legacy bot_message subtype: bot-token posts carry none",
        "/message/username": "legacy bot_message field",
    },
}


def sample(name: str) -> dict[str, Any]:
    loaded = json.loads((SAMPLES / name).read_text())
    assert isinstance(loaded, dict)
    return loaded


def differences(expected: Any, actual: Any, path: str = "") -> dict[str, str]:
    """Sample fields the answer lacks or types differently, by JSON pointer."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return {path or "/": f"object expected, got {type(actual).__name__}"}
        found: dict[str, str] = {}
        for key, value in expected.items():
            if key not in actual:
                found[f"{path}/{key}"] = "missing"
            else:
                found |= differences(value, actual[key], f"{path}/{key}")
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return {path: f"array expected, got {type(actual).__name__}"}
        found = {}
        for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
            found |= differences(want, got, f"{path}/{index}")
        if len(actual) < len(expected):
            found[path] = f"{len(expected)} items expected, got {len(actual)}"
        return found
    if expected is None or actual is None:
        return {} if expected is actual else {path: f"{expected!r} vs {actual!r}"}
    if type(expected) is not type(actual) and not (
        isinstance(expected, int | float) and isinstance(actual, int | float)
    ):
        return {path: f"{type(expected).__name__} expected, got {type(actual).__name__}"}
    return {}


def assert_follows(name: str, answer: dict[str, Any]) -> None:
    allowed = NOT_IN_FAKE.get(name, {})
    assert {k: v for k, v in differences(sample(name), answer).items() if k not in allowed} == {}


@pytest.fixture
def fake(slack_api: FakeSlack) -> FakeSlack:
    slack_api.state.add_channel("C0GENERAL", "general")
    slack_api.state.add_user("U0ALICE", "alice", real_name="Alice Example")
    return slack_api


async def test_chat_answers_follow_slacks_samples(fake: FakeSlack) -> None:
    client = fake.client()
    attachment = {"fallback": "This is an attachment's fallback", "text": "This is an attachment"}
    posted = await client.chat_postMessage(
        channel="C0GENERAL", text="Here's a message for you", attachments=[attachment]
    )
    updated = await client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="Updated")
    ephemeral = await client.chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="Psst")

    assert_follows("chat.postMessage.ok.json", posted.data)  # type: ignore[arg-type]
    assert_follows("chat.update.ok.json", updated.data)  # type: ignore[arg-type]
    assert_follows("chat.postEphemeral.ok.json", ephemeral.data)  # type: ignore[arg-type]


async def test_views_answers_follow_slacks_samples(fake: FakeSlack) -> None:
    client = fake.client()
    modal_sample = sample("views.open.ok.json")["view"]
    modal = {k: modal_sample[k] for k in ("type", "title", "submit", "blocks", "callback_id")}
    modal["private_metadata"] = modal_sample["private_metadata"]
    home_sample = sample("views.publish.ok.json")["view"]
    home = {k: home_sample[k] for k in ("type", "blocks", "callback_id", "private_metadata")}

    opened = await client.views_open(trigger_id="12345.98765.abcd2358fdea", view=modal)
    published = await client.views_publish(user_id="U0ALICE", view=home)

    assert_follows("views.open.ok.json", opened.data)  # type: ignore[arg-type]
    assert_follows("views.publish.ok.json", published.data)  # type: ignore[arg-type]


async def test_users_history_and_auth_answers_follow_slacks_samples(fake: FakeSlack) -> None:
    client = fake.client()
    for text in ("one", "two", "three"):
        await client.chat_postMessage(channel="C0GENERAL", text=text)

    user = await client.users_info(user="U0ALICE")
    history = await client.conversations_history(channel="C0GENERAL", limit=2)
    auth = await client.auth_test()

    assert_follows("users.info.ok.json", user.data)  # type: ignore[arg-type]
    assert_follows("conversations.history.ok.json", history.data)  # type: ignore[arg-type]
    assert_follows("auth.test.ok.json", auth.data)  # type: ignore[arg-type]


async def test_conversations_info_answers_with_the_channels_creator(fake: FakeSlack) -> None:
    fake.state.channels["C0GENERAL"].creator = "W012A3BCD"

    info = await fake.client().conversations_info(channel="C0GENERAL")

    assert_follows("conversations.info.ok.json", info.data)  # type: ignore[arg-type]
    assert info["channel"]["creator"] == sample("conversations.info.ok.json")["channel"]["creator"]


async def test_calls_add_answers_with_its_call_as_the_docs_show(fake: FakeSlack) -> None:
    docs = sample("calls.add.ok.docs.json")["call"]
    args = {k: docs[k] for k in ("external_unique_id", "join_url", "external_display_id", "title")}
    added = await fake.client().calls_add(
        **args,
        desktop_app_join_url=docs["desktop_app_join_url"],
        date_start=docs["date_start"],
        created_by="U0ALICE",
        users=docs["users"],
    )

    assert_follows("calls.add.ok.json", added.data)  # type: ignore[arg-type]
    assert_follows("calls.add.ok.docs.json", added.data)  # type: ignore[arg-type]


async def test_error_answers_follow_slacks_samples(fake: FakeSlack) -> None:
    fake.state.channels["C0GENERAL"].is_archived = True
    fake.state.add_channel("C0OLD", "old", member=False).is_archived = True
    client = fake.client()
    answers = {}
    calls = {
        "auth.test.error.invalid_auth.json": fake.client("not-a-token").auth_test(),
        "conversations.history.error.channel_not_found.json": client.conversations_history(
            channel="C0NOWHERE"
        ),
        "conversations.join.error.is_archived.json": client.conversations_join(channel="C0OLD"),
        # conversations.info of a DM needs im:read, which the manifest does not ask for.
        "admin.apps.requests.list.error.missing_scope.json": client.conversations_info(
            channel=fake.state.dm_channel("U0ALICE").id
        ),
        "chat.postMessage.error.invalid_blocks.observed.json": client.chat_postMessage(
            channel="C0RANDOM", text="x", blocks=[{"type": "section", "text": {"type": "mrkdwn"}}]
        ),
    }
    fake.state.add_channel("C0RANDOM", "random")
    for name, call in calls.items():
        with pytest.raises(SlackApiError) as refused:
            await call
        answers[name] = refused.value.response.data
    fake.state.unexpected.clear()  # the invalid blocks were sent on purpose

    for name, answer in answers.items():
        assert_follows(name, answer)
        assert answer["error"] == sample(name)["error"]


async def test_a_rate_limited_call_answers_429_as_observed(fake: FakeSlack) -> None:
    observed = (SAMPLES / "ratelimited.429.observed.txt").read_text()
    assert "statusCode: `429`" in observed and "'retry-after': '1'" in observed
    fake.state.set_rate_limit("chat.postMessage", times=1, retry_after=1)

    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{fake.api_url}chat.postMessage",
            json={"channel": "C0GENERAL", "text": "hi"},
            headers={"Authorization": "Bearer xoxb-1-fake-bot-token"},
        ) as response,
    ):
        body = await response.json()

    assert (response.status, response.headers["Retry-After"]) == (429, "1")
    assert body == {"ok": False, "error": "ratelimited"}
