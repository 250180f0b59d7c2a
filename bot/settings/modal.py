"""The `/meet settings` modal, built and read back. Pure.

One modal, two sections: the channel's defaults, then the workspace policy. A section the
person may not change is shown read-only with the reason, and is not read back. What the modal
says about who may edit is a courtesy: the worker asks Slack again before saving
(`bot.settings.service`). Lengths are typed (plain_text_input): Block Kit's number_input would
do, but a typed number also shows how a wrong one is refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain.message import Block
from bot.i18n import LANGUAGES
from bot.i18n.locales import LANGUAGE_NAMES
from bot.meet.blocks import context, plain, section
from bot.settings.model import (
    MAX_LENGTH_DAYS,
    Change,
    ChannelDefaults,
    StartRule,
    WorkspacePolicy,
)
from bot.settings.policy import START_RULE_TEXT, WHO_CHANGES_POLICY, defaults_reason

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
_STARTERS_LANGUAGE = "starter"  # the option value of "no channel language" (ChannelDefaults)
# Said only while rooms do not honour it (host controls, the first half of issue 17).
LOBBY_HINT = (
    "New rooms start with it; the host turns it on or off from the card's menu."
    " Guests wait until a host in the call lets them in."
)


@dataclass(frozen=True)
class SettingsForm:
    """A submission read back: the channel, and each section that was editable (None if not)."""

    channel_id: str
    defaults: ChannelDefaults | None
    policy: WorkspacePolicy | None


def last_changed(change: Change | None) -> str:
    """ "Last changed by @ana on 3 Dec 2025", the date in the reader's own zone and locale
    (https://docs.slack.dev/messaging/formatting-message-text#date-formatting)."""
    if change is None:
        return "Never changed: these are meetbot's defaults."
    at = change.at
    fallback = f"{at.day} {at:%b %Y}"
    return (
        f"Last changed by <@{change.by}> on <!date^{int(at.timestamp())}^{{date_short}}|{fallback}>"
    )


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def _checkbox(block_id: str, action_id: str, label: str, text: str, on: bool) -> Block:
    option = _option(text, "yes")
    element: Block = {"type": "checkboxes", "action_id": action_id, "options": [option]}
    if on:
        element["initial_options"] = [option]
    return _input(block_id, label, element, optional=True)


def _input(block_id: str, label: str, element: Block, *, optional: bool = False) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }


def _days_input(block_id: str, action_id: str, label: str, value: int | None, hint: str) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": action_id,
        "max_length": 3,
        "placeholder": plain("30"),
    }
    if value is not None:
        element["initial_value"] = str(value)
    return {**_input(block_id, label, element, optional=value is None), "hint": plain(hint)}


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def _defaults_summary(d: ChannelDefaults) -> str:
    room = f"long-term, {d.length_days} days" if d.long_term else "instant"
    return (
        f"• Recording: {_on(d.record)}\n• Room: {room}\n"
        f"• Host link to App Home only (no DM): {_on(d.home_only)}\n• Lobby: {_on(d.lobby)}"
        f"\n• Meeting notes: {_on(d.notes)}\n• Language of cards: {_language_name(d.language)}"
    )


def _language_name(language: str | None) -> str:
    return LANGUAGE_NAMES[language] if language else "the Slack language of whoever starts"


def _language_input(d: ChannelDefaults) -> Block:
    """The channel's language (bot.i18n): its cards and thread replies speak it."""
    starters = _option("Whoever starts the meeting: their Slack language", _STARTERS_LANGUAGE)
    options = [starters, *(_option(LANGUAGE_NAMES[lang], lang) for lang in LANGUAGES)]
    chosen = options[1 + LANGUAGES.index(d.language)] if d.language in LANGUAGES else starters
    element: Block = {
        "type": "static_select",
        "action_id": LANGUAGE_ACTION,
        "options": options,
        "initial_option": chosen,
    }
    block = _input(LANGUAGE_BLOCK, "Language of cards", element)
    block["hint"] = plain(
        "Cards and their thread replies in this channel; DMs and private replies always come"
        " in each person's own Slack language."
    )
    return block


def _policy_summary(p: WorkspacePolicy) -> str:
    longest = (
        f"{p.max_length_days} days" if p.max_length_days else "a year (the provider's maximum)"
    )
    return (
        f"• Who may start meetings: {START_RULE_TEXT[p.who_may_start]}\n"
        f"• Recording allowed: {'yes' if p.recording_allowed else 'no'}\n"
        f"• Meeting notes allowed: {'yes' if p.notes_allowed else 'no'}\n"
        f"• Longest long-term room: {longest}\n"
        f"• Partner organisations may start meetings in shared channels:"
        f" {'yes' if p.partners_may_start else 'no'}"
    )


def _defaults_inputs(d: ChannelDefaults, policy: WorkspacePolicy) -> list[Block]:
    instant = _option("Instant", "instant")
    long_term = _option("Long-term", "long_term")
    record = _checkbox(RECORD_BLOCK, RECORD_ACTION, "Recording", "Record meetings", d.record)
    if not policy.recording_allowed:
        record["hint"] = plain("Recording is off in this workspace (workspace policy).")
    lobby = _checkbox(
        LOBBY_BLOCK, LOBBY_ACTION, "Lobby", "Guests wait until the host lets them in", d.lobby
    )
    lobby["hint"] = plain(LOBBY_HINT)
    notes = _checkbox(
        NOTES_BLOCK, NOTES_ACTION, "Meeting notes", "Transcribe meetings and post notes", d.notes
    )
    if not policy.notes_allowed:
        notes["hint"] = plain("Meeting notes are off in this workspace (workspace policy).")
    return [
        record,
        notes,
        _input(
            KIND_BLOCK,
            "Room",
            {
                "type": "radio_buttons",
                "action_id": KIND_ACTION,
                "options": [instant, long_term],
                "initial_option": long_term if d.long_term else instant,
            },
        ),
        _days_input(
            LENGTH_BLOCK,
            LENGTH_ACTION,
            "Length of a long-term room (days)",
            d.length_days,
            f"When /meet is not given --until or --for. At most {policy.longest_days} days.",
        ),
        _checkbox(
            HOME_ONLY_BLOCK,
            HOME_ONLY_ACTION,
            "Host link",
            "Post the host link to App Home only (no DM)",
            d.home_only,
        ),
        lobby,
        _language_input(d),
    ]


def _policy_inputs(p: WorkspacePolicy) -> list[Block]:
    rules = [_option(START_RULE_TEXT[rule], rule.value) for rule in StartRule]
    return [
        _input(
            WHO_BLOCK,
            "Who may start meetings",
            {
                "type": "radio_buttons",
                "action_id": WHO_ACTION,
                "options": rules,
                "initial_option": rules[list(StartRule).index(p.who_may_start)],
            },
        ),
        _checkbox(
            RECORDING_BLOCK, RECORDING_ACTION, "Recording", "Allow recording", p.recording_allowed
        ),
        _checkbox(
            NOTES_ALLOWED_BLOCK,
            NOTES_ALLOWED_ACTION,
            "Meeting notes",
            "Allow meeting notes (transcripts and summaries)",
            p.notes_allowed,
        ),
        _days_input(
            LONGEST_BLOCK,
            LONGEST_ACTION,
            "Longest long-term room (days)",
            p.max_length_days,
            f"Empty: {MAX_LENGTH_DAYS} days, the provider's maximum.",
        ),
        _checkbox(
            PARTNERS_BLOCK,
            PARTNERS_ACTION,
            "Slack Connect",
            "People from partner organisations may start meetings in shared channels",
            p.partners_may_start,
        ),
    ]


def settings_modal(
    channel_id: str,
    defaults: ChannelDefaults,
    policy: WorkspacePolicy,
    *,
    edit_defaults: bool,
    edit_policy: bool,
    creator_id: str | None,
) -> dict[str, Any]:
    """The modal as this person may use it: editable sections as inputs, the rest read-only."""
    blocks: list[Block] = [
        section(f"*Defaults for <#{channel_id}>*"),
        context(last_changed(defaults.changed)),
    ]
    if edit_defaults:
        blocks += _defaults_inputs(defaults, policy)
    else:
        blocks += [
            section(_defaults_summary(defaults)),
            context(f":lock: {defaults_reason(creator_id)}"),
        ]
    blocks += [
        {"type": "divider"},
        section("*Workspace policy*"),
        context(last_changed(policy.changed)),
    ]
    if edit_policy:
        blocks += _policy_inputs(policy)
    else:
        blocks += [
            section(_policy_summary(policy)),
            context(":lock: Only workspace admins and owners can change the workspace policy."),
        ]
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": SETTINGS_CALLBACK_ID,
        "title": plain("Meeting settings"),
        "close": plain("Cancel" if edit_defaults or edit_policy else "Close"),
        "private_metadata": json.dumps(
            {"channel": channel_id, "defaults": edit_defaults, "policy": edit_policy}
        ),
        "blocks": blocks,
    }
    if edit_defaults or edit_policy:
        view["submit"] = plain("Save")
    return view


def _days(raw: object, *, required: bool) -> int | str | None:
    """A day count typed in, or the problem with it."""
    value = str(raw or "").strip()
    if not value:
        return "Give a number of days." if required else None
    if not value.isdigit() or not 1 <= int(value) <= MAX_LENGTH_DAYS:
        return f"Give a whole number of days from 1 to {MAX_LENGTH_DAYS}."
    return int(value)


def parse_settings_submission(
    view: Mapping[str, Any], *, current_policy: WorkspacePolicy
) -> SettingsForm | dict[str, str]:
    """The submitted sections, or Slack's {block_id: message} errors. A default is checked
    against the policy being saved with it, or else the current one."""
    meta = json.loads(str(view.get("private_metadata") or "{}"))
    values: Mapping[str, Any] = (view.get("state") or {}).get("values") or {}

    def field(block_id: str, action_id: str) -> Mapping[str, Any]:
        return (values.get(block_id) or {}).get(action_id) or {}

    def ticked(block_id: str, action_id: str) -> bool:
        return bool(field(block_id, action_id).get("selected_options"))

    errors: dict[str, str] = {}
    policy = None
    if meta.get("policy") is True:
        chosen = (field(WHO_BLOCK, WHO_ACTION).get("selected_option") or {}).get("value")
        longest = _days(field(LONGEST_BLOCK, LONGEST_ACTION).get("value"), required=False)
        if isinstance(longest, str):
            errors[LONGEST_BLOCK] = longest
        policy = WorkspacePolicy(
            who_may_start=StartRule(chosen) if chosen in set(StartRule) else StartRule.EVERYONE,
            recording_allowed=ticked(RECORDING_BLOCK, RECORDING_ACTION),
            max_length_days=longest if isinstance(longest, int) else None,
            partners_may_start=ticked(PARTNERS_BLOCK, PARTNERS_ACTION),
            notes_allowed=ticked(NOTES_ALLOWED_BLOCK, NOTES_ALLOWED_ACTION),
        )
    rules = policy or current_policy
    defaults = None
    if meta.get("defaults") is True:
        length = _days(field(LENGTH_BLOCK, LENGTH_ACTION).get("value"), required=True)
        if isinstance(length, str):
            errors[LENGTH_BLOCK] = length
        elif length is not None and length > rules.longest_days:
            errors[LENGTH_BLOCK] = (
                f"At most {rules.longest_days} days: the workspace policy *Longest long-term"
                f" room*. {WHO_CHANGES_POLICY}"
            )
        record = ticked(RECORD_BLOCK, RECORD_ACTION)
        if record and not rules.recording_allowed:
            errors[RECORD_BLOCK] = (
                "Recording is off in this workspace (workspace policy *Allow recording*):"
                " untick this" + (", or allow recording below." if policy else ".")
            )
        notes = ticked(NOTES_BLOCK, NOTES_ACTION)
        if notes and not rules.notes_allowed:
            errors[NOTES_BLOCK] = (
                "Meeting notes are off in this workspace (workspace policy *Allow meeting"
                " notes*): untick this" + (", or allow them below." if policy else ".")
            )
        kind = (field(KIND_BLOCK, KIND_ACTION).get("selected_option") or {}).get("value")
        language = (field(LANGUAGE_BLOCK, LANGUAGE_ACTION).get("selected_option") or {}).get(
            "value"
        )
        defaults = ChannelDefaults(
            record=record,
            long_term=kind == "long_term",
            length_days=length if isinstance(length, int) else 0,
            home_only=ticked(HOME_ONLY_BLOCK, HOME_ONLY_ACTION),
            lobby=ticked(LOBBY_BLOCK, LOBBY_ACTION),
            notes=notes,
            language=language if language in LANGUAGES else None,
        )
    channel = meta.get("channel")
    if errors:
        return errors
    if not isinstance(channel, str) or not channel:
        return {
            LENGTH_BLOCK
            if defaults
            else WHO_BLOCK: "This form has lost its channel: open it again."
        }
    return SettingsForm(channel_id=channel, defaults=defaults, policy=policy)
