"""The "Delete notes" button: everyone sees it, a confirmation comes first, and it acts only for
the meeting's host and workspace admins: the Slack file, the summary and Daily's transcript go,
and the reply says who removed them and when. Anyone else is told privately, and nothing goes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from meetbot_sandbox.slack.models import ApiCall
from meetbot_sandbox.slack.payloads import block_actions_payload

from tests.notes_helpers import (
    blocks_text,
    daily_of,
    notes_meeting,
    only_job,
    reply_posted,
    reply_updated,
    settled,
)
from tests.plugins.bot import CREATOR, GENERAL
from tests.plugins.providers import ProviderBot
from tests.test_lifecycle_card import Card

pytestmark = pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)


def delete_button(reply: ApiCall) -> dict[str, Any]:
    (button,) = [
        element
        for block in reply.params["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element.get("action_id") == "delete_notes"
    ]
    return dict(button)


async def click_delete(bot: ProviderBot, card: Card, reply: ApiCall, user_id: str) -> str:
    button = delete_button(reply)
    response_url = bot.slack.response_url()
    payload = block_actions_payload(
        {
            "action_id": "delete_notes",
            "block_id": "notes",
            "type": "button",
            "value": button["value"],
            "text": button["text"],
        },
        container={
            "type": "message",
            "message_ts": reply.response["ts"],
            "channel_id": GENERAL,
            "is_ephemeral": False,
        },
        user_id=user_id,
        channel={"id": GENERAL, "name": "general"},
        message={"ts": reply.response["ts"], "thread_ts": card.ts, "text": "Meeting notes"},
        response_url=response_url,
    )
    answer = await bot.interact(payload)
    assert answer.status == 200
    return response_url


async def posted_notes(bot: ProviderBot) -> tuple[Card, ApiCall, str]:
    card, session = await notes_meeting(bot)
    transcript_id = await daily_of(bot).control.transcript_ready(session)
    reply = await reply_posted(bot, card)
    await daily_of(bot).control.summary_ready((await only_job(bot))["id"])
    await reply_updated(bot, str(reply.response["ts"]), "Key points")
    return card, reply, transcript_id


async def test_the_button_asks_for_confirmation_first(provider_bot: ProviderBot) -> None:
    _, reply, _ = await posted_notes(provider_bot)
    button = delete_button(reply)
    assert button["style"] == "danger"
    assert button["confirm"]["confirm"]["text"] == "Delete"
    assert "cannot be undone" in json.dumps(button["confirm"])


async def test_someone_else_is_refused_privately_and_nothing_is_deleted(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card, reply, transcript_id = await posted_notes(bot)
    response_url = await click_delete(bot, card, reply, "U0ANA")

    refusal = await bot.slack.state.wait_for_response(response_url, timeout=10)
    assert refusal["response_type"] == "ephemeral"
    assert "Only the meeting's host and workspace admins" in json.dumps(refusal)
    await settled(bot)
    assert bot.slack.state.calls_to("files.delete") == []
    assert transcript_id in daily_of(bot).state.transcripts
    assert not [
        c for c in bot.slack.state.calls_to("chat.update") if "deleted by" in blocks_text(c)
    ]


async def test_the_host_deletes_file_summary_and_transcript(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    card, reply, transcript_id = await posted_notes(bot)
    daily = daily_of(bot)
    (job,) = await daily.control.jobs()
    await click_delete(bot, card, reply, CREATOR)

    removed = await reply_updated(bot, str(reply.response["ts"]), "deleted by")
    text = blocks_text(removed)
    assert f"<@{CREATOR}>" in text and "<!date^" in text, "who and when"
    assert "Key points" not in text and "delete_notes" not in text
    (deleted,) = bot.slack.state.calls_to("files.delete")
    assert deleted.ok
    assert all(f.deleted for f in bot.slack.state.files.values())
    assert transcript_id not in daily.state.transcripts
    assert job["id"] not in daily.state.jobs


async def test_a_workspace_admin_may_delete_them_too(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    card, reply, transcript_id = await posted_notes(bot)
    bot.slack.state.add_user("U0ADMIN", "boss", is_admin=True)
    await click_delete(bot, card, reply, "U0ADMIN")
    removed = await reply_updated(bot, str(reply.response["ts"]), "deleted by")
    assert "<@U0ADMIN>" in blocks_text(removed)
    assert transcript_id not in daily_of(bot).state.transcripts
