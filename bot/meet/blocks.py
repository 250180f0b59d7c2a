"""Block Kit builders for every message meetbot posts: pure functions of a `Meeting` and `now`.

Each returns a `Message`: `text` is the fallback Slack uses in notifications and screen
readers, `blocks` the layout. Builders for a channel (the card, thread replies) never read
`host_url`: only `host_dm` and the App Home (`bot.slack.views`) show it. Copy the user reads
about the command (`USAGE`, `HELP_TEXT`) lives here too; `bot.slack.grammar` re-exports it.
Limits: https://api.slack.com/reference/block-kit/blocks
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from bot.domain.meeting import Meeting, MeetingStatus, Participant, RecordingInfo
from bot.domain.message import Block, Message
from bot.domain.rooms import Capability, RoomKind
from bot.errors import TEMPORARILY_UNAVAILABLE
from bot.hostctl.menu import host_menu
from bot.meet.timefmt import duration_text, rough_duration_text, size_text, slack_date
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

USAGE = (
    "Usage: `/meet [title] [@people…] [--record] [--notes] [--until YYYY-MM-DD | --for 30d]"
    " [--expire-after-use]` · `/meet standup every weekday 09:30` · `/meet schedules`"
    " · `/meet help`"
)
HELP_TEXT = (
    "*Start a video meeting from any channel*\n"
    "• `/meet` — an instant room named after this channel\n"
    "• `/meet Design review @ana @li --record` — a title, invite people by DM, record it\n"
    "• `/meet Design review --notes` — transcribed: a summary and the transcript come to the"
    " card's thread after the meeting (everyone is told before joining)\n"
    "• `/meet Q4 planning --until 2026-12-31` — a long-term room until the end of that day (UTC)\n"
    "• `/meet Retro --for 2w --expire-after-use` — long-term for two weeks, closed after one use\n"
    "`--for` takes hours, days or weeks (`12h`, `30d`, `2w`); long-term rooms last at most a year.\n"
    "*Standups* (in your Slack time zone, one room reused at every run)\n"
    "• `/meet standup every weekday 09:30` · `every monday 14:00` · `every 2 weeks on friday"
    " 16:00` · `daily 9:00` · `monthly on the last friday 17:00`; add a title, and `--here` to"
    " notify the channel\n"
    "• `/meet schedules` lists this channel's standups · `/meet cancel &lt;id&gt;` stops one\n"
    "• `/meet settings` — this channel's defaults and the workspace's meeting policy\n"
    "Your host link comes by DM and stays in meetbot's *Home* tab. To meet in a thread,"
    ' use the "Meet about this" message shortcut.'
)
NOTES_WITH_EXPIRE_AFTER_USE = (
    "`--notes` can't be combined with `--expire-after-use`: a room that closes after its first"
    " meeting gives its notes nowhere to wait. Drop one of the two."
)
# The consent line: on the card and in every DM before anyone joins (issue 16).
NOTES_CONSENT = "📝 Notes on: this meeting is transcribed"
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
    title = escape(clip(meeting.title, 200))
    join = link_button("Join", meeting.guest_url, JOIN_ACTION_ID, style="primary")
    joinable = join is not None and is_joinable(meeting, now)
    state = _state_line(meeting, now)
    blocks = [section(f":video_camera: *{title}*\n{state}", join if joinable else None)]
    if call_id is not None:
        blocks.append({"type": "call", "call_id": call_id})
    people = meeting.present if meeting.status is MeetingStatus.LIVE else meeting.participants
    if people and meeting.status is not MeetingStatus.OPEN:
        label = "Here now" if meeting.status is MeetingStatus.LIVE else "Attended"
        blocks.append(section(_people(label, people, live=meeting.status is MeetingStatus.LIVE)))
    blocks.append(context(*_facts(meeting, now)))
    if (menu := host_menu(meeting, capabilities, now)) is not None:
        blocks.append(menu)
    text = f"{title}: {_plain_state(meeting)}, started by <@{meeting.creator_id}>."
    if meeting.banner:
        blocks.insert(0, context(meeting.banner))
        text = f"{meeting.banner} {text}"
    if joinable and meeting.guest_url:
        text += f" Join: {link(meeting.guest_url)}"
    return Message(text=text, blocks=blocks)


def _state_line(meeting: Meeting, now: datetime) -> str:
    status = meeting.status
    if status is MeetingStatus.LIVE:
        # No head-count here: the "Here now (N)" section below names them, and the call block
        # (with Slack Calls) shows them again; three counts on one card read as noise.
        since = f" since {slack_date(meeting.started_at, now=now)}" if meeting.started_at else ""
        line = f":large_green_circle: *Live*{since}"
        if any(r.status == "started" for r in meeting.recordings):
            line += " · :red_circle: Recording"
        return line
    if meeting.closed_at is not None:
        lasted = meeting.duration_seconds
        by = f" by <@{meeting.closed_by}>" if meeting.closed_by else ""
        return f":stop_sign: Ended{by} · the room is closed" + (
            f" · lasted {rough_duration_text(lasted)}" if lasted is not None else ""
        )
    if status is MeetingStatus.ENDED:
        lasted = meeting.duration_seconds
        return ":white_check_mark: Ended" + (
            f" · lasted {rough_duration_text(lasted)}" if lasted is not None else ""
        )
    if status is MeetingStatus.EXPIRED:
        return ":no_entry_sign: This room has expired."
    return ":hourglass_flowing_sand: Waiting for people to join."


def _plain_state(meeting: Meeting) -> str:
    if meeting.status is MeetingStatus.LIVE:
        return f"live now with {len(meeting.present)} in the room"
    if meeting.closed_at is not None:
        return "ended by the host, the room is closed"
    if meeting.status is MeetingStatus.ENDED:
        lasted = meeting.duration_seconds
        return "ended" + (f" after {rough_duration_text(lasted)}" if lasted is not None else "")
    if meeting.status is MeetingStatus.EXPIRED:
        return "the room has expired"
    return "a video meeting is open"


def _people(label: str, people: Sequence[Participant], *, live: bool) -> str:
    """Names with a host badge, capped. Live: each connection; afterwards: each name once."""
    hosts: dict[str, bool] = {}
    for person in people:
        key = person.id if live else person.name
        hosts[key] = hosts.get(key, False) or person.is_host
    names = {p.id if live else p.name: p.name for p in people}
    shown = [
        escape(clip(names[key].strip() or "Guest", _NAME_MAX)) + (" _(host)_" if hosts[key] else "")
        for key in list(hosts)[:MAX_LISTED_PEOPLE]
    ]
    more = len(hosts) - len(shown)
    return f"*{label} ({len(hosts)}):* " + ", ".join(shown) + (f" and {more} more" if more else "")


def _facts(meeting: Meeting, now: datetime) -> list[str]:
    facts = [f"Started by <@{meeting.creator_id}>"]
    facts.append(
        _by_default(meeting, LONG_TERM, "Long-term room")
        if meeting.kind is RoomKind.LONG_TERM
        else "Instant room"
    )
    if meeting.meeting_code:
        facts.append(f"Code `{escape(meeting.meeting_code)}`")
    expires_at = meeting.expires_at
    if meeting.status is MeetingStatus.EXPIRED:
        if expires_at is not None and expires_at <= now:
            facts.append(f"Expired {slack_date(expires_at)}")
    elif expires_at is not None and meeting.kind is RoomKind.LONG_TERM:
        facts.append(f"Available until {slack_date(expires_at)}")
    elif expires_at is not None and meeting.status is MeetingStatus.OPEN:
        facts.append(f"Closes {slack_date(expires_at, now=now)} if nobody joins")
    if meeting.record and meeting.status in (MeetingStatus.OPEN, MeetingStatus.LIVE):
        facts.append(
            "Recording on (channel default)"
            if RECORD in meeting.defaulted
            else "This meeting will be recorded"
        )
    if meeting.notes and meeting.status is not MeetingStatus.EXPIRED:
        facts.append(NOTES_CONSENT)
    if meeting.lobby and meeting.status in (MeetingStatus.OPEN, MeetingStatus.LIVE):
        facts.append(_by_default(meeting, LOBBY, "Lobby on"))
    if HOME_ONLY in meeting.defaulted and meeting.status is MeetingStatus.OPEN:
        facts.append(_by_default(meeting, HOME_ONLY, "Host link in App Home"))
    ready = sum(1 for r in meeting.recordings if r.status == "ready")
    if ready:
        where = "in the thread" if meeting.card_ts else "ready"
        facts.append(f":movie_camera: {ready} recording{'s' if ready > 1 else ''} {where}")
    return facts


def _by_default(meeting: Meeting, setting: str, fact: str) -> str:
    """ "Recording on (channel default)" when the channel's defaults chose it (bot.settings)."""
    return f"{fact} (channel default)" if setting in meeting.defaulted else fact


def host_dm(meeting: Meeting) -> Message:
    """DM to the creator: the host link (a secret) and the guest link to share."""
    if meeting.host_url is None or meeting.guest_url is None:
        raise ValueError("host_dm needs a meeting whose room exists")
    title = escape(clip(meeting.title, 200))
    channel = f"<#{meeting.channel_id}>"
    if meeting.thread_ts and meeting.card_ts is None:
        # A thread card (the message shortcut) goes out before this DM; without its ts it could
        # not be posted (the bot is not in that conversation): don't say it is there.
        where = f"for {channel} (its card could not be posted there)"
    else:
        where = f"in a thread in {channel}" if meeting.thread_ts else f"in {channel}"
    host = link_button("Join as host", meeting.host_url, HOST_JOIN_ACTION_ID, style="primary")
    blocks = [
        section(f":key: You're the host of *{title}* {where}."),
        section(
            "*Host link* (don't share it: it gives host controls)\n" + link(meeting.host_url), host
        ),
        section("*Guest link* to share\n" + link(meeting.guest_url)),
        context(*_dm_facts(meeting), "This host link is also in meetbot's Home tab"),
    ]
    text = f"You're the host of {title}. Host link (don't share): {link(meeting.host_url)}"
    return Message(text=text, blocks=blocks)


def invite_dm(meeting: Meeting) -> Message:
    """DM to each invited person: who invited them, the title, and the guest link only."""
    if meeting.guest_url is None:
        raise ValueError("invite_dm needs a meeting whose room exists")
    title = escape(clip(meeting.title, 200))
    who = f"<@{meeting.creator_id}> invited you to *{title}* in <#{meeting.channel_id}>."
    join = link_button("Join", meeting.guest_url, JOIN_ACTION_ID, style="primary")
    blocks = [
        section(f":wave: {who}", join),
        context(f"Guest link: {link(meeting.guest_url)}", *_dm_facts(meeting)),
    ]
    text = f"<@{meeting.creator_id}> invited you to {title}: {link(meeting.guest_url)}"
    return Message(text=text, blocks=blocks)


def _dm_facts(meeting: Meeting) -> list[str]:
    facts = []
    if meeting.kind is RoomKind.LONG_TERM and meeting.expires_at is not None:
        facts.append(f"Long-term room, available until {slack_date(meeting.expires_at)}")
    else:
        facts.append("Instant room")
    if meeting.record:
        facts.append("This meeting will be recorded")
    if meeting.notes:
        facts.append(NOTES_CONSENT)
    return facts


def recording_reply(meeting: Meeting, recording: RecordingInfo, *, link_url: str) -> Message:
    """Thread reply under the card (or the creator's DM): a ready recording, its duration and
    size, and `link_url`, meetbot's own link to it (`bot.recordings`). Never the provider's
    download link: that one expires within hours, the thread stays."""
    title = escape(clip(meeting.title, 200))
    details = [duration_text(recording.duration_seconds)] if recording.duration_seconds else []
    if recording.size_bytes:
        details.append(size_text(recording.size_bytes))
    about = f" ({', '.join(details)})" if details else ""
    text = f"The recording of {title} is ready{about}."
    button = link_button("Open recording", link_url, RECORDING_ACTION_ID)
    if button is None:  # a link too long for a button goes in the text, shown without blocks
        return Message(text=f"{text} {link(link_url)}", blocks=[])
    line = f":movie_camera: The recording of *{title}* is ready" + (
        f"\n{' · '.join(details)}" if details else ""
    )
    return Message(text=text, blocks=[section(line, button)])


def ephemeral_error(message: str) -> Message:
    """A private error for the person who asked. `message` is already mrkdwn (user_message)."""
    return Message(text=message, blocks=[section(message)])


def help_message() -> Message:
    return Message(text=HELP_TEXT, blocks=[section(HELP_TEXT), context(USAGE)])


def unavailable_message() -> Message:
    return Message(text=TEMPORARILY_UNAVAILABLE, blocks=[section(TEMPORARILY_UNAVAILABLE)])


def private_channel_notice(*, card_posted: bool = True) -> Message:
    """Ephemeral/DM note when meetbot is not in the channel and cannot join it (private, DM).

    Args:
        card_posted: True when the card went out through the command's response_url (it
            works, but cannot be updated); False when it could not be posted at all (modal).
    """
    if card_posted:
        text = (
            ":information_source: I'm not a member of this conversation, so I posted the card"
            " through your command's response: it won't show who joins or when the meeting"
            " ends. For live updates, `/invite @meetbot` here."
        )
    else:
        # Not "try again": the room exists, and another try would make a second one.
        text = (
            ":information_source: I couldn't post the meeting card there because I'm not a"
            " member of that conversation. The room is ready: share its guest link (in this DM)"
            " with the people there. `/invite @meetbot` there so cards can be posted next time."
        )
    return Message(text=text, blocks=[section(text)])


def meeting_starting_ack(
    title: str,
    *,
    invitees: Sequence[str] = (),
    record: bool = False,
    home_only: bool = False,
    notes: bool = False,
) -> Message:
    """The immediate private reply to `/meet`, before the worker has created the room."""
    text = f":hourglass_flowing_sand: Starting *{escape(clip(title, 200))}*"
    if invitees:
        text += " with " + ", ".join(f"<@{user}>" for user in invitees)
    text += " (recorded)" if record else ""
    text += " (transcribed: notes in the thread afterwards)" if notes else ""
    where = "is in meetbot's Home tab" if home_only else "comes by DM"
    text += f". The card will appear in a moment; your host link {where}."
    return Message(text=text, blocks=[section(text)])
