"""Host controls with Redis unreachable: the click is answered at once and the person is told
privately that nothing was done; the Extend modal stays open with the reason."""

from __future__ import annotations

import json

import pytest
from meetbot_sandbox.slack.payloads import view_submission_payload

from bot.hostctl.actions import LABELS, HostAction, option_value
from bot.hostctl.blocks import EXTEND_CALLBACK_ID, UNTIL_ACTION, UNTIL_BLOCK
from tests.hostctl_helpers import DATEPICKER_STATE, pick, private_reply
from tests.plugins.bot import RunningBot
from tests.test_lifecycle_card import Card


@pytest.mark.parametrize("action", [HostAction.END, HostAction.EXTEND_30, HostAction.LOBBY_ON])
async def test_a_click_is_answered_and_told_temporarily_unavailable(
    bot_without_redis: RunningBot, action: HostAction
) -> None:
    bot = bot_without_redis
    card = Card("C0GENERAL", "1700000000.000100", "room", "abc123", "")
    option = {
        "text": {"type": "plain_text", "text": LABELS[action], "emoji": True},
        "value": option_value(action, card.meeting_id),
    }
    url = bot.slack.response_url()
    reply = await bot.interact(pick("host_controls:abc123", option, card=card, response_url=url))
    assert reply.status == 200 and reply.elapsed < 3.0
    assert "temporarily unavailable" in await private_reply(bot, url)


async def test_the_extend_modal_stays_open_with_the_reason(bot_without_redis: RunningBot) -> None:
    picked = {**DATEPICKER_STATE, "selected_date": "2030-01-01"}
    reply = await bot_without_redis.interact(
        view_submission_payload(
            EXTEND_CALLBACK_ID,
            {UNTIL_BLOCK: {UNTIL_ACTION: picked}},
            private_metadata=json.dumps({"meeting_id": "abc123", "response_url": None}),
        )
    )
    assert reply.body is not None and reply.body["response_action"] == "errors"
    assert "temporarily unavailable" in reply.body["errors"][UNTIL_BLOCK]
