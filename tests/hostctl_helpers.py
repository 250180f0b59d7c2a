"""Using a card's host controls the way a person does: read the overflow menu the card (or App
Home) shows, pick an option (a signed `block_actions` payload, its action shaped like Slack's
documented overflow action, tests/fixtures/slack/README.md), and read the private reply."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from meetbot_sandbox.slack.models import Workspace
from meetbot_sandbox.slack.payloads import block_actions_payload
from meetbot_sandbox.slack.signing import new_trigger_id

from bot.hostctl.actions import HOST_CONTROLS_ACTION_ID, HostAction, option_value, parse_value
from bot.hostctl.menu import MENU_BLOCK_PREFIX
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.settings_helpers import job_result
from tests.test_lifecycle_card import Card

FIXTURES = Path(__file__).parent / "fixtures" / "slack"
OVERFLOW_ACTION = json.loads((FIXTURES / "block_actions_overflow_action_docs.json").read_text())
DATEPICKER_STATE = json.loads((FIXTURES / "view_state_datepicker_docs.json").read_text())


def menu(blocks: list[dict[str, Any]]) -> dict[HostAction, tuple[str, dict[str, Any]]]:
    """The host controls shown in `blocks`: action -> (block id, option)."""
    found = {}
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") != HOST_CONTROLS_ACTION_ID:
                continue
            for option in element["options"]:
                parsed = parse_value(option["value"])
                assert parsed is not None, option
                found[parsed[0]] = (block["block_id"], option)
    return found


def card_blocks(bot: RunningBot, card: Card) -> list[dict[str, Any]]:
    return list(bot.slack.state.message(card.channel, card.ts).blocks or [])


def pick(
    block_id: str,
    option: dict[str, Any],
    *,
    user_id: str = CREATOR,
    card: Card | None = None,
    response_url: str | None = None,
    trigger_id: str | None = None,
    team_id: str | None = None,
) -> dict[str, Any]:
    """The block_actions payload of choosing `option` on a card (or, without one, App Home);
    `team_id`: the workspace the person acts from (a Slack Connect partner's, say)."""
    team = team_id or Workspace().team_id
    action = {k: v for k, v in OVERFLOW_ACTION.items() if k != "action_ts"}
    action.update(action_id=HOST_CONTROLS_ACTION_ID, block_id=block_id, selected_option=option)
    if card is None:
        return block_actions_payload(
            action,
            container={"type": "view", "view_id": "V0HOME"},
            user_id=user_id,
            trigger_id=trigger_id,
            team_id=team,
        )
    return block_actions_payload(
        action,
        container={
            "type": "message",
            "message_ts": card.ts,
            "channel_id": card.channel,
            "is_ephemeral": False,
        },
        channel={"id": card.channel, "name": "general"},
        message={"type": "message", "ts": card.ts, "text": "card"},
        response_url=response_url,
        user_id=user_id,
        trigger_id=trigger_id,
        team_id=team,
    )


async def choose(
    bot: RunningBot,
    card: Card,
    action: HostAction,
    *,
    user_id: str = CREATOR,
    team_id: str | None = None,
) -> tuple[str, str]:
    """Pick `action` in the card's menu as `user_id`; (response_url, the job's result). An
    action the menu does not offer is sent as an older card's menu would have held it."""
    block_id, option = menu(card_blocks(bot, card)).get(action) or (
        f"{MENU_BLOCK_PREFIX}:{card.meeting_id}",
        {
            "text": {"type": "plain_text", "text": action.value},
            "value": option_value(action, card.meeting_id),
        },
    )
    url, trigger = bot.slack.response_url(), new_trigger_id()
    payload = pick(
        block_id,
        option,
        user_id=user_id,
        card=card,
        response_url=url,
        trigger_id=trigger,
        team_id=team_id,
    )
    reply = await bot.interact(payload)
    assert reply.status == 200 and reply.body is None
    meeting_id = block_id.partition(":")[2]
    return url, await job_result(bot, f"host:{meeting_id}:{action.value}:{trigger}")


async def private_reply(bot: RunningBot, url: str) -> str:
    body = await bot.slack.state.wait_for_response(url, timeout=10)
    assert body.get("response_type") == "ephemeral" and body.get("replace_original") is False
    return str(body["text"])


def in_general(bot: RunningBot, card: Card) -> str:
    """What the card says now (the fake Slack's copy of the message)."""
    assert card.channel == GENERAL
    return json.dumps(card_blocks(bot, card))
