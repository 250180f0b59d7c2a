"""The host controls' overflow menu, for the card and App Home. Pure; no Block Kit helpers
from `bot.meet.blocks` (which draws the card with it).

Block Kit: an overflow holds 1 to 5 options, each text at most 75 characters and value at
most 150 (https://docs.slack.dev/reference/block-kit/block-elements/overflow-menu-element).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from bot.domain.meeting import Meeting
from bot.domain.rooms import Capability
from bot.hostctl.actions import HOST_CONTROLS_ACTION_ID, LABELS, option_value
from bot.hostctl.rules import offered
from bot.i18n import Translator, translator

MENU_BLOCK_PREFIX = "host_controls"
MAX_OPTIONS = 5


def host_menu(
    meeting: Meeting,
    capabilities: Collection[Capability],
    now: datetime,
    t: Translator | None = None,
) -> dict[str, Any] | None:
    """An actions block holding the menu, or None when nothing is offered. Its options speak
    `t` (App Home: the reader's language), by default the meeting's (the channel card's)."""
    actions = offered(meeting, capabilities, now)[:MAX_OPTIONS]
    if not actions:
        return None
    t = translator(meeting.language) if t is None else t
    options = [
        {
            "text": {"type": "plain_text", "text": t.gettext(LABELS[action]), "emoji": True},
            "value": option_value(action, meeting.id),
        }
        for action in actions
    ]
    overflow = {"type": "overflow", "action_id": HOST_CONTROLS_ACTION_ID, "options": options}
    # One block id per meeting: App Home lists several rooms, and block ids must be unique.
    return {
        "type": "actions",
        "block_id": f"{MENU_BLOCK_PREFIX}:{meeting.id}",
        "elements": [overflow],
    }
