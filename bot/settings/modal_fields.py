"""The `/meet settings` modal's fields: the block and action ids its submission is read back by,
and the Block Kit inputs both of its sections are made of. Pure; texts come in translated."""

from __future__ import annotations

from typing import Any

from bot.domain.message import Block
from bot.meet.blocks import BUTTON_TEXT_MAX, input_block, plain

SETTINGS_CALLBACK_ID = "channel_settings_modal"
RECORD_BLOCK, RECORD_ACTION = "default_record", "default_record_checkbox"
KIND_BLOCK, KIND_ACTION = "default_room", "default_room_radio"
LENGTH_BLOCK, LENGTH_ACTION = "default_length", "default_length_input"
HOME_ONLY_BLOCK, HOME_ONLY_ACTION = "default_home_only", "default_home_only_checkbox"
LOBBY_BLOCK, LOBBY_ACTION = "default_lobby", "default_lobby_checkbox"
NOTES_BLOCK, NOTES_ACTION = "default_notes", "default_notes_checkbox"
NOTES_ALLOWED_BLOCK, NOTES_ALLOWED_ACTION = "policy_notes", "policy_notes_checkbox"
WHO_BLOCK, WHO_ACTION = "policy_who", "policy_who_radio"
RECORDING_BLOCK, RECORDING_ACTION = "policy_recording", "policy_recording_checkbox"
LONGEST_BLOCK, LONGEST_ACTION = "policy_longest", "policy_longest_input"
PARTNERS_BLOCK, PARTNERS_ACTION = "policy_partners", "policy_partners_checkbox"
LANGUAGE_BLOCK, LANGUAGE_ACTION = "default_language", "default_language_select"
STARTERS_LANGUAGE = "starter"  # the option value of "no channel language" (ChannelDefaults)
_PLACEHOLDER_MAX = 150


def option(text: str, value: str) -> dict[str, Any]:
    """An option of a menu, radio buttons or checkboxes (Slack: at most 75 characters)."""
    return {"text": plain(text, BUTTON_TEXT_MAX), "value": value}


def checkbox(block_id: str, action_id: str, label: str, text: str, on: bool) -> Block:
    """One optional checkbox under a label, ticked when `on`."""
    choice = option(text, "yes")
    element: Block = {"type": "checkboxes", "action_id": action_id, "options": [choice]}
    if on:
        element["initial_options"] = [choice]
    return input_block(block_id, label, element, optional=True)


def days_input(
    block_id: str, action_id: str, label: str, value: int | None, *, hint: str, placeholder: str
) -> Block:
    """A number of days, typed (a wrong one is refused with the reason, `parse_days`)."""
    element: Block = {
        "type": "plain_text_input",
        "action_id": action_id,
        "max_length": 3,
        "placeholder": plain(placeholder, _PLACEHOLDER_MAX),
    }
    if value is not None:
        element["initial_value"] = str(value)
    return input_block(block_id, label, element, optional=value is None, hint=hint)
