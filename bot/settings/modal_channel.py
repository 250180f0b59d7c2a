"""The channel's defaults in the `/meet settings` modal: as inputs for whoever may change them,
else as a read-only summary. Pure; in the reader's language (`t`)."""

from __future__ import annotations

from bot.domain.message import Block
from bot.i18n import LANGUAGES, N_, Translator
from bot.i18n.locales import LANGUAGE_NAMES
from bot.meet.blocks import input_block, plain
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
    NOTES_ACTION,
    NOTES_BLOCK,
    RECORD_ACTION,
    RECORD_BLOCK,
    STARTERS_LANGUAGE,
    checkbox,
    days_input,
    option,
)
from bot.settings.model import ChannelDefaults, WorkspacePolicy

# Said only while rooms do not honour it (host controls, the first half of issue 17).
LOBBY_HINT = N_(
    "New rooms start with it; the host turns it on or off from the card's menu."
    " Guests wait until a host in the call lets them in."
)


def defaults_summary(d: ChannelDefaults, t: Translator) -> str:
    """The channel's defaults, read-only. Each line is one message, on and off: "on" alone
    would have to agree with each setting's gender and number in French, Spanish, Portuguese."""
    if d.long_term:
        room = t.ngettext(
            "• Room: long-term, %(num)s day", "• Room: long-term, %(num)s days", d.length_days
        )
    else:
        room = t.gettext("• Room: instant")
    home_only = (
        N_("• Host link to App Home only (no DM): on")
        if d.home_only
        else N_("• Host link to App Home only (no DM): off")
    )
    lines = [
        t.gettext(N_("• Recording: on") if d.record else N_("• Recording: off")),
        room,
        t.gettext(home_only),
        t.gettext(N_("• Lobby: on") if d.lobby else N_("• Lobby: off")),
        t.gettext(N_("• Meeting notes: on") if d.notes else N_("• Meeting notes: off")),
        t.gettext("• Language of cards: %(language)s", language=_language_name(d, t)),
    ]
    return "\n".join(lines)


def _language_name(d: ChannelDefaults, t: Translator) -> str:
    if d.language:
        return LANGUAGE_NAMES[d.language]
    return t.gettext("the Slack language of whoever starts")


def _language_input(d: ChannelDefaults, t: Translator) -> Block:
    """The channel's language (bot.i18n): its cards and thread replies speak it. Each language
    is named in itself, whoever reads the menu."""
    starters = option(
        t.gettext("Whoever starts the meeting: their Slack language"), STARTERS_LANGUAGE
    )
    options = [starters, *(option(LANGUAGE_NAMES[lang], lang) for lang in LANGUAGES)]
    chosen = options[1 + LANGUAGES.index(d.language)] if d.language in LANGUAGES else starters
    element: Block = {
        "type": "static_select",
        "action_id": LANGUAGE_ACTION,
        "options": options,
        "initial_option": chosen,
    }
    block = input_block(LANGUAGE_BLOCK, t.gettext("Language of cards"), element)
    block["hint"] = plain(
        t.gettext(
            "Cards and their thread replies in this channel; DMs and private replies always come"
            " in each person's own Slack language."
        )
    )
    return block


def defaults_inputs(d: ChannelDefaults, policy: WorkspacePolicy, t: Translator) -> list[Block]:
    """The channel's defaults as inputs; a default the policy forbids says so in its hint."""
    instant = option(t.gettext("Instant"), "instant")
    long_term = option(t.gettext("Long-term"), "long_term")
    record = checkbox(
        RECORD_BLOCK, RECORD_ACTION, t.gettext("Recording"), t.gettext("Record meetings"), d.record
    )
    if not policy.recording_allowed:
        record["hint"] = plain(t.gettext("Recording is off in this workspace (workspace policy)."))
    lobby = checkbox(
        LOBBY_BLOCK,
        LOBBY_ACTION,
        t.gettext("Lobby"),
        t.gettext("Guests wait until the host lets them in"),
        d.lobby,
    )
    lobby["hint"] = plain(t.gettext(LOBBY_HINT))
    notes = checkbox(
        NOTES_BLOCK,
        NOTES_ACTION,
        t.gettext("Meeting notes"),
        t.gettext("Transcribe meetings and post notes"),
        d.notes,
    )
    if not policy.notes_allowed:
        notes["hint"] = plain(
            t.gettext("Meeting notes are off in this workspace (workspace policy).")
        )
    longest = t.ngettext(
        "When /meet is not given --until or --for. At most %(num)s day.",
        "When /meet is not given --until or --for. At most %(num)s days.",
        policy.longest_days,
    )
    return [
        record,
        notes,
        input_block(
            KIND_BLOCK,
            t.gettext("Room"),
            {
                "type": "radio_buttons",
                "action_id": KIND_ACTION,
                "options": [instant, long_term],
                "initial_option": long_term if d.long_term else instant,
            },
        ),
        days_input(
            LENGTH_BLOCK,
            LENGTH_ACTION,
            t.gettext("Length of a long-term room (days)"),
            d.length_days,
            hint=longest,
            placeholder=t.number(30),
        ),
        checkbox(
            HOME_ONLY_BLOCK,
            HOME_ONLY_ACTION,
            t.gettext("Host link"),
            t.gettext("Post the host link to App Home only (no DM)"),
            d.home_only,
        ),
        lobby,
        _language_input(d, t),
    ]
