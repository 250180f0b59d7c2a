"""The `/meet settings` modal, built and read back. Pure.

One modal, two sections: the channel's defaults (bot.settings.modal_channel), then the
workspace policy (bot.settings.modal_policy). A section the person may not change is shown
read-only with the reason, and is not read back. What the modal says about who may edit is a
courtesy: the worker asks Slack again before saving (`bot.settings.service`). Lengths are typed
(plain_text_input): Block Kit's number_input would do, but a typed number also shows how a
wrong one is refused.

The modal speaks the language of the person who opened it; it keeps that language in its
private_metadata, so the field errors of its submission speak it too without asking anyone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date

from bot.domain.message import Block
from bot.i18n import DEFAULT_LANGUAGE, ENGLISH, LANGUAGES, Translator
from bot.meet.blocks import context, plain, section
from bot.settings.modal_channel import defaults_inputs, defaults_summary
from bot.settings.modal_fields import (
    HOME_ONLY_ACTION,
    HOME_ONLY_BLOCK,
    KIND_ACTION,
    KIND_BLOCK,
    LANGUAGE_ACTION,
    LANGUAGE_BLOCK,
    LENGTH_ACTION,
    LENGTH_BLOCK,
    LOBBY_ACTION,
    LOBBY_BLOCK,
    LONGEST_ACTION,
    LONGEST_BLOCK,
    NOTES_ACTION,
    NOTES_ALLOWED_ACTION,
    NOTES_ALLOWED_BLOCK,
    NOTES_BLOCK,
    PARTNERS_ACTION,
    PARTNERS_BLOCK,
    RECORD_ACTION,
    RECORD_BLOCK,
    RECORDING_ACTION,
    RECORDING_BLOCK,
    SETTINGS_CALLBACK_ID,
    WHO_ACTION,
    WHO_BLOCK,
)
from bot.settings.modal_policy import policy_inputs, policy_summary
from bot.settings.model import MAX_LENGTH_DAYS, Change, ChannelDefaults, StartRule, WorkspacePolicy
from bot.settings.policy import WHO_CHANGES_POLICY, defaults_reason


@dataclass(frozen=True)
class SettingsForm:
    """A submission read back: the channel, and each section that was editable (None if not)."""

    channel_id: str
    defaults: ChannelDefaults | None
    policy: WorkspacePolicy | None


def last_changed(change: Change | None, t: Translator = ENGLISH) -> str:
    """ "Last changed by @ana on 3 Dec 2025", the date in the reader's own zone and locale
    (https://docs.slack.dev/messaging/formatting-message-text#date-formatting); the fallback,
    for clients that cannot render it, in the reader's language."""
    if change is None:
        return t.gettext("Never changed: these are meetbot's defaults.")
    at = change.at
    pattern = "d MMM y" if t.language == DEFAULT_LANGUAGE else "medium"
    fallback = format_date(at.date(), pattern, locale=t.language)
    when = f"<!date^{int(at.timestamp())}^{{date_short}}|{fallback}>"
    return t.gettext("Last changed by %(who)s on %(date)s", who=f"<@{change.by}>", date=when)


def settings_modal(
    channel_id: str,
    defaults: ChannelDefaults,
    policy: WorkspacePolicy,
    *,
    edit_defaults: bool,
    edit_policy: bool,
    creator_id: str | None,
    t: Translator = ENGLISH,
) -> dict[str, Any]:
    """The modal as this person may use it: editable sections as inputs, the rest read-only."""
    blocks: list[Block] = [
        section("*" + t.gettext("Defaults for %(channel)s", channel=f"<#{channel_id}>") + "*"),
        context(last_changed(defaults.changed, t)),
    ]
    if edit_defaults:
        blocks += defaults_inputs(defaults, policy, t)
    else:
        blocks += [
            section(defaults_summary(defaults, t)),
            context(f":lock: {t.text(defaults_reason(creator_id))}"),
        ]
    blocks += [
        {"type": "divider"},
        section("*" + t.gettext("Workspace policy") + "*"),
        context(last_changed(policy.changed, t)),
    ]
    if edit_policy:
        blocks += policy_inputs(policy, t)
    else:
        only_admins = t.gettext("Only workspace admins and owners can change the workspace policy.")
        blocks += [section(policy_summary(policy, t)), context(f":lock: {only_admins}")]
    editable = edit_defaults or edit_policy
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": SETTINGS_CALLBACK_ID,
        "title": plain(t.gettext("Meeting settings"), 24),
        "close": plain(t.gettext("Cancel") if editable else t.gettext("Close"), 24),
        "private_metadata": json.dumps(
            {
                "channel": channel_id,
                "defaults": edit_defaults,
                "policy": edit_policy,
                "language": t.language,
            }
        ),
        "blocks": blocks,
    }
    if editable:
        view["submit"] = plain(t.gettext("Save"), 24)
    return view


def modal_language(view: Mapping[str, Any]) -> str:
    """The language the modal was shown in (English for one opened before it was kept)."""
    try:
        meta = json.loads(str(view.get("private_metadata") or "{}"))
    except ValueError:
        return DEFAULT_LANGUAGE
    language = meta.get("language") if isinstance(meta, dict) else None
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _days(raw: object, *, required: bool, t: Translator) -> int | str | None:
    """A day count typed in, or the problem with it."""
    value = str(raw or "").strip()
    if not value:
        return t.gettext("Give a number of days.") if required else None
    if not value.isdigit() or not 1 <= int(value) <= MAX_LENGTH_DAYS:
        return t.gettext(
            "Give a whole number of days from 1 to %(most)s.", most=t.number(MAX_LENGTH_DAYS)
        )
    return int(value)


def parse_settings_submission(
    view: Mapping[str, Any], *, current_policy: WorkspacePolicy, t: Translator = ENGLISH
) -> SettingsForm | dict[str, str]:
    """The submitted sections, or Slack's {block_id: message} errors in the reader's language
    (`t`). A default is checked against the policy being saved with it, or else the current
    one."""
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
        longest = _days(field(LONGEST_BLOCK, LONGEST_ACTION).get("value"), required=False, t=t)
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
        length = _days(field(LENGTH_BLOCK, LENGTH_ACTION).get("value"), required=True, t=t)
        if isinstance(length, str):
            errors[LENGTH_BLOCK] = length
        elif length is not None and length > rules.longest_days:
            errors[LENGTH_BLOCK] = t.ngettext(
                "At most %(num)s day: the workspace policy *Longest long-term room*."
                " %(who_changes)s",
                "At most %(num)s days: the workspace policy *Longest long-term room*."
                " %(who_changes)s",
                rules.longest_days,
                who_changes=t.gettext(WHO_CHANGES_POLICY),
            )
        record = ticked(RECORD_BLOCK, RECORD_ACTION)
        if record and not rules.recording_allowed:
            errors[RECORD_BLOCK] = (
                t.gettext(
                    "Recording is off in this workspace (workspace policy *Allow recording*):"
                    " untick this, or allow recording below."
                )
                if policy
                else t.gettext(
                    "Recording is off in this workspace (workspace policy *Allow recording*):"
                    " untick this."
                )
            )
        notes = ticked(NOTES_BLOCK, NOTES_ACTION)
        if notes and not rules.notes_allowed:
            errors[NOTES_BLOCK] = (
                t.gettext(
                    "Meeting notes are off in this workspace (workspace policy *Allow meeting"
                    " notes*): untick this, or allow them below."
                )
                if policy
                else t.gettext(
                    "Meeting notes are off in this workspace (workspace policy *Allow meeting"
                    " notes*): untick this."
                )
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
        lost = t.gettext("This form has lost its channel: open it again.")
        return {LENGTH_BLOCK if defaults else WHO_BLOCK: lost}
    return SettingsForm(channel_id=channel, defaults=defaults, policy=policy)
