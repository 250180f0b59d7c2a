"""The workspace policy in the `/meet settings` modal: as inputs for workspace admins and
owners, else as a read-only summary. Pure; in the reader's language (`t`)."""

from __future__ import annotations

from bot.domain.message import Block
from bot.i18n import Translator
from bot.meet.blocks import input_block
from bot.settings.modal_fields import (
    LONGEST_ACTION,
    LONGEST_BLOCK,
    NOTES_ALLOWED_ACTION,
    NOTES_ALLOWED_BLOCK,
    PARTNERS_ACTION,
    PARTNERS_BLOCK,
    RECORDING_ACTION,
    RECORDING_BLOCK,
    WHO_ACTION,
    WHO_BLOCK,
    checkbox,
    days_input,
    option,
)
from bot.settings.model import MAX_LENGTH_DAYS, StartRule, WorkspacePolicy
from bot.settings.policy import START_RULE_TEXT


def policy_summary(p: WorkspacePolicy, t: Translator) -> str:
    """The workspace policy, read-only."""
    if p.max_length_days:
        longest = t.ngettext("%(num)s day", "%(num)s days", p.max_length_days)
    else:
        longest = t.gettext("a year (the provider's maximum)")

    def answer(flag: bool) -> str:
        return t.gettext("yes") if flag else t.gettext("no")

    lines = [
        t.gettext(
            "• Who may start meetings: %(rule)s", rule=t.gettext(START_RULE_TEXT[p.who_may_start])
        ),
        t.gettext("• Recording allowed: %(answer)s", answer=answer(p.recording_allowed)),
        t.gettext("• Meeting notes allowed: %(answer)s", answer=answer(p.notes_allowed)),
        t.gettext("• Longest long-term room: %(length)s", length=longest),
        t.gettext(
            "• Partner organisations may start meetings in shared channels: %(answer)s",
            answer=answer(p.partners_may_start),
        ),
    ]
    return "\n".join(lines)


def policy_inputs(p: WorkspacePolicy, t: Translator) -> list[Block]:
    rules = [option(t.gettext(START_RULE_TEXT[rule]), rule.value) for rule in StartRule]
    return [
        input_block(
            WHO_BLOCK,
            t.gettext("Who may start meetings"),
            {
                "type": "radio_buttons",
                "action_id": WHO_ACTION,
                "options": rules,
                "initial_option": rules[list(StartRule).index(p.who_may_start)],
            },
        ),
        checkbox(
            RECORDING_BLOCK,
            RECORDING_ACTION,
            t.gettext("Recording"),
            t.gettext("Allow recording"),
            p.recording_allowed,
        ),
        checkbox(
            NOTES_ALLOWED_BLOCK,
            NOTES_ALLOWED_ACTION,
            t.gettext("Meeting notes"),
            t.gettext("Allow meeting notes (transcripts and summaries)"),
            p.notes_allowed,
        ),
        days_input(
            LONGEST_BLOCK,
            LONGEST_ACTION,
            t.gettext("Longest long-term room (days)"),
            p.max_length_days,
            hint=t.gettext(
                "Empty: %(days)s days, the provider's maximum.", days=t.number(MAX_LENGTH_DAYS)
            ),
            placeholder=t.number(30),
        ),
        checkbox(
            PARTNERS_BLOCK,
            PARTNERS_ACTION,
            t.gettext("Slack Connect"),
            t.gettext("People from partner organisations may start meetings in shared channels"),
            p.partners_may_start,
        ),
    ]
