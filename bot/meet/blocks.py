"""Block Kit builders for every message meetbot posts: pure functions of a `Meeting` and `now`.

Each returns a `Message`: `text` is the fallback Slack uses in notifications and screen
readers, `blocks` the layout. Builders for a channel (the card, thread replies) never read
`host_url`: only `host_dm` and the App Home (`bot.slack.views`) show it. Copy the user reads
about the command and the DMs and private replies are in `bot.meet.replies`.
Language (bot.i18n): a card and its thread replies speak the meeting's `language` (the
channel's); a DM or private reply speaks the `Translator` its caller passes (the reader's).
Limits: https://api.slack.com/reference/block-kit/blocks
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from bot.domain.meeting import Meeting, MeetingStatus, Participant
from bot.domain.message import Block, Message
from bot.domain.rooms import Capability, RoomKind
from bot.hostctl.menu import host_menu
from bot.i18n import N_, Translator, translator
from bot.meet.timefmt import rough_duration_text, slack_date
from bot.settings.model import HOME_ONLY, LOBBY, LONG_TERM, RECORD

# Link buttons still send a block_actions payload when clicked: ack these and do nothing.
JOIN_ACTION_ID = "join_meeting"
HOST_JOIN_ACTION_ID = "join_as_host"
RECORDING_ACTION_ID = "open_recording"
LINK_ACTION_IDS = frozenset({JOIN_ACTION_ID, HOST_JOIN_ACTION_ID, RECORDING_ACTION_ID})

# Slack's limits (invalid_blocks beyond them).
MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
SECTION_TEXT_MAX = 3000
BUTTON_TEXT_MAX = 75
URL_MAX = 3000

# The consent line: on the card and in every DM before anyone joins (issue 16).
NOTES_CONSENT = N_("📝 Notes on: this meeting is transcribed")
MAX_LISTED_PEOPLE = 20  # 20 names of <= 80 characters keep a section under its 3,000
_NAME_MAX = 80


def escape(text: str) -> str:
    """Make user text literal in mrkdwn (https://api.slack.com/reference/surfaces/formatting#escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def link(url: str, label: str | None = None) -> str:
    target = escape(url).replace("|", "%7C")
    return f"<{target}|{escape(label)}>" if label else f"<{target}>"


def section(text: str, accessory: Block | None = None) -> Block:
    block: Block = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT_MAX)},
    }
    if accessory is not None:
        block["accessory"] = accessory
    return block


def context(*parts: str) -> Block:
    text = clip(" · ".join(part for part in parts if part), SECTION_TEXT_MAX)
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def plain(text: str, limit: int = SECTION_TEXT_MAX) -> Block:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, 150)}


def input_block(
    block_id: str, label: str, element: Block, *, optional: bool = False, hint: str | None = None
) -> Block:
    """A modal's input block: `label` above `element`, `hint` below it."""
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }
    if hint is not None:
        block["hint"] = plain(hint)
    return block


def button(text: str, action_id: str, *, style: str | None = None) -> Block:
    block: Block = {"type": "button", "text": plain(text, BUTTON_TEXT_MAX), "action_id": action_id}
    return {**block, "style": style} if style else block


def link_button(
    text: str, url: str | None, action_id: str, *, style: str | None = None
) -> Block | None:
    """A button opening `url`, or None when there is no URL or it is too long for Slack."""
    if not url or len(url) > URL_MAX:
        return None
    return {**button(text, action_id, style=style), "url": url}


def is_joinable(meeting: Meeting, now: datetime) -> bool:
    """Whether the guest link still leads into a room: what decides the Join button."""
    if meeting.guest_url is None or meeting.status is MeetingStatus.EXPIRED:
        return False
    if meeting.closed_at is not None:  # ended from Slack: the room is closed
        return False
    if meeting.status is MeetingStatus.LIVE:
        return True
    if meeting.status is MeetingStatus.ENDED and meeting.kind is RoomKind.INSTANT:
        return False
    return meeting.expires_at is None or meeting.expires_at > now


def meeting_card(
    meeting: Meeting,
    *,
    now: datetime,
    call_id: str | None = None,
    capabilities: Collection[Capability] = (),
) -> Message:
    """The channel card, in whatever state the meeting is. Never contains `host_url`.

    With `call_id` (a Slack Call registered by `bot.cards.calls`), the card carries its call block;
    with the provider's `capabilities`, the host controls' menu (bot.hostctl) where they apply.
    """
    t = translator(meeting.language)
    title = escape(clip(meeting.title, 200))
    join = link_button(t.gettext("Join"), meeting.guest_url, JOIN_ACTION_ID, style="primary")
    joinable = join is not None and is_joinable(meeting, now)
    state = _state_line(meeting, now, t)
    blocks = [section(f":video_camera: *{title}*\n{state}", join if joinable else None)]
    if call_id is not None:
        blocks.append({"type": "call", "call_id": call_id})
    people = meeting.present if meeting.status is MeetingStatus.LIVE else meeting.participants
    if people and meeting.status is not MeetingStatus.OPEN:
        live = meeting.status is MeetingStatus.LIVE
        blocks.append(section(_people(people, live=live, t=t)))
    blocks.append(context(*_facts(meeting, now, t)))
    if (menu := host_menu(meeting, capabilities, now)) is not None:
        blocks.append(menu)
    text = t.gettext(
        "%(title)s: %(state)s, started by %(creator)s.",
        title=title,
        state=_plain_state(meeting, t),
        creator=f"<@{meeting.creator_id}>",
    )
    if meeting.banner:
        blocks.insert(0, context(meeting.banner))
        text = f"{meeting.banner} {text}"
    if joinable and meeting.guest_url:
        text += " " + t.gettext("Join: %(url)s", url=link(meeting.guest_url))
    return Message(text=text, blocks=blocks)


def _state_line(meeting: Meeting, now: datetime, t: Translator) -> str:
    status = meeting.status
    if status is MeetingStatus.LIVE:
        # No head-count here: the "Here now (N)" section below names them, and the call block
        # (with Slack Calls) shows them again; three counts on one card read as noise.
        if meeting.started_at:
            since = slack_date(meeting.started_at, now=now, t=t)
            line = t.gettext(":large_green_circle: *Live* since %(time)s", time=since)
        else:
            line = t.gettext(":large_green_circle: *Live*")
        if any(r.status == "started" for r in meeting.recordings):
            line += " · " + t.gettext(":red_circle: Recording")
        return line
    lasted = meeting.duration_seconds
    how_long = (
        " · " + t.gettext("lasted %(duration)s", duration=rough_duration_text(lasted, t))
        if lasted is not None
        else ""
    )
    if meeting.closed_at is not None:
        if meeting.closed_by:
            ended = t.gettext(
                ":stop_sign: Ended by %(user)s · the room is closed", user=f"<@{meeting.closed_by}>"
            )
        else:
            ended = t.gettext(":stop_sign: Ended · the room is closed")
        return ended + how_long
    if status is MeetingStatus.ENDED:
        return t.gettext(":white_check_mark: Ended") + how_long
    if status is MeetingStatus.EXPIRED:
        return t.gettext(":no_entry_sign: This room has expired.")
    return t.gettext(":hourglass_flowing_sand: Waiting for people to join.")


def _plain_state(meeting: Meeting, t: Translator) -> str:
    if meeting.status is MeetingStatus.LIVE:
        return t.ngettext(
            "live now with %(num)s in the room",
            "live now with %(num)s in the room",
            len(meeting.present),
        )
    if meeting.closed_at is not None:
        return t.gettext("ended by the host, the room is closed")
    if meeting.status is MeetingStatus.ENDED:
        lasted = meeting.duration_seconds
        if lasted is None:
            return t.gettext("ended")
        return t.gettext("ended after %(duration)s", duration=rough_duration_text(lasted, t))
    if meeting.status is MeetingStatus.EXPIRED:
        return t.gettext("the room has expired")
    return t.gettext("a video meeting is open")


def _people(people: Sequence[Participant], *, live: bool, t: Translator) -> str:
    """Names with a host badge, capped. Live: each connection; afterwards: each name once."""
    hosts: dict[str, bool] = {}
    for person in people:
        key = person.id if live else person.name
        hosts[key] = hosts.get(key, False) or person.is_host
    names = {p.id if live else p.name: p.name for p in people}
    guest = t.gettext("Guest")
    host = " " + t.gettext("_(host)_")
    shown = [
        escape(clip(names[key].strip() or guest, _NAME_MAX)) + (host if hosts[key] else "")
        for key in list(hosts)[:MAX_LISTED_PEOPLE]
    ]
    more = len(hosts) - len(shown)
    if live:
        label = t.ngettext("*Here now (%(num)s):*", "*Here now (%(num)s):*", len(hosts))
    else:
        label = t.ngettext("*Attended (%(num)s):*", "*Attended (%(num)s):*", len(hosts))
    names_text = ", ".join(shown)
    if more:
        names_text = t.ngettext(
            "%(names)s and %(num)s more", "%(names)s and %(num)s more", more, names=names_text
        )
    return f"{label} {names_text}"


def _facts(meeting: Meeting, now: datetime, t: Translator) -> list[str]:
    facts = [t.gettext("Started by %(user)s", user=f"<@{meeting.creator_id}>")]
    if meeting.kind is RoomKind.LONG_TERM:
        facts.append(
            t.gettext("Long-term room (channel default)")
            if LONG_TERM in meeting.defaulted
            else t.gettext("Long-term room")
        )
    else:
        facts.append(t.gettext("Instant room"))
    if meeting.meeting_code:
        facts.append(t.gettext("Code %(code)s", code=f"`{escape(meeting.meeting_code)}`"))
    expires_at = meeting.expires_at
    if meeting.status is MeetingStatus.EXPIRED:
        if expires_at is not None and expires_at <= now:
            facts.append(t.gettext("Expired %(date)s", date=slack_date(expires_at, t=t)))
    elif expires_at is not None and meeting.kind is RoomKind.LONG_TERM:
        facts.append(t.gettext("Available until %(date)s", date=slack_date(expires_at, t=t)))
    elif expires_at is not None and meeting.status is MeetingStatus.OPEN:
        when = slack_date(expires_at, now=now, t=t)
        facts.append(t.gettext("Closes %(date)s if nobody joins", date=when))
    if meeting.record and meeting.status in (MeetingStatus.OPEN, MeetingStatus.LIVE):
        facts.append(
            t.gettext("Recording on (channel default)")
            if RECORD in meeting.defaulted
            else t.gettext("This meeting will be recorded")
        )
    if meeting.notes and meeting.status is not MeetingStatus.EXPIRED:
        facts.append(t.gettext(NOTES_CONSENT))
    if meeting.lobby and meeting.status in (MeetingStatus.OPEN, MeetingStatus.LIVE):
        facts.append(
            t.gettext("Lobby on (channel default)")
            if LOBBY in meeting.defaulted
            else t.gettext("Lobby on")
        )
    if HOME_ONLY in meeting.defaulted and meeting.status is MeetingStatus.OPEN:
        facts.append(t.gettext("Host link in App Home (channel default)"))
    ready = sum(1 for r in meeting.recordings if r.status == "ready")
    if ready:
        if meeting.card_ts:
            text = t.ngettext(
                "%(num)s recording in the thread", "%(num)s recordings in the thread", ready
            )
        else:
            text = t.ngettext("%(num)s recording ready", "%(num)s recordings ready", ready)
        facts.append(f":movie_camera: {text}")
    return facts
