"""The DMs and private replies of the `/meet` story, and the command's usage and help: pure
functions of a `Meeting` and the reader's `Translator` (bot.i18n). The channel card and the
Block Kit pieces they share are in `bot.meet.blocks`; `bot.slack.grammar` re-exports the usage.
Only `host_dm` (and App Home) ever shows `host_url`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.meeting import Meeting, RecordingInfo
from bot.domain.message import Message
from bot.domain.rooms import RoomKind
from bot.errors import TEMPORARILY_UNAVAILABLE
from bot.i18n import ENGLISH, N_, Translator, translator
from bot.meet.blocks import (
    HOST_JOIN_ACTION_ID,
    JOIN_ACTION_ID,
    NOTES_CONSENT,
    RECORDING_ACTION_ID,
    clip,
    context,
    escape,
    link,
    link_button,
    section,
)
from bot.meet.timefmt import duration_text, size_text, slack_date

# Flags and keywords stay English in every language (README "Languages"): only the words
# around them are translated. Each line is its own message, so a translator sees one at a time.
USAGE = N_(
    "Usage: `/meet [title] [@people…] [--record] [--notes] [--until YYYY-MM-DD | --for 30d]"
    " [--expire-after-use]` · `/meet standup every weekday 09:30` · `/meet schedules`"
    " · `/meet help`"
)
HELP_LINES = (
    N_("*Start a video meeting from any channel*"),
    N_("• `/meet` — an instant room named after this channel"),
    N_("• `/meet Design review @ana @li --record` — a title, invite people by DM, record it"),
    N_(
        "• `/meet Design review --notes` — transcribed: a summary and the transcript come to the"
        " card's thread after the meeting (everyone is told before joining)"
    ),
    N_(
        "• `/meet Q4 planning --until 2026-12-31` — a long-term room until the end of that day"
        " (UTC)"
    ),
    N_(
        "• `/meet Retro --for 2w --expire-after-use` — long-term for two weeks, closed after one use"
    ),
    N_(
        "`--for` takes hours, days or weeks (`12h`, `30d`, `2w`); long-term rooms last at most a"
        " year."
    ),
    N_("*Standups* (in your Slack time zone, one room reused at every run)"),
    N_(
        "• `/meet standup every weekday 09:30` · `every monday 14:00` · `every 2 weeks on friday"
        " 16:00` · `daily 9:00` · `monthly on the last friday 17:00`; add a title, and `--here` to"
        " notify the channel"
    ),
    N_("• `/meet schedules` lists this channel's standups · `/meet cancel &lt;id&gt;` stops one"),
    N_("• `/meet settings` — this channel's defaults and the workspace's meeting policy"),
    N_(
        "Your host link comes by DM and stays in meetbot's *Home* tab. To meet in a thread,"
        ' use the "Meet about this" message shortcut.'
    ),
)
HELP_TEXT = "\n".join(HELP_LINES)
NOTES_WITH_EXPIRE_AFTER_USE = N_(
    "`--notes` can't be combined with `--expire-after-use`: a room that closes after its first"
    " meeting gives its notes nowhere to wait. Drop one of the two."
)


def host_dm(meeting: Meeting, t: Translator = ENGLISH) -> Message:
    """DM to the creator, in their language: the host link (a secret) and the guest link."""
    if meeting.host_url is None or meeting.guest_url is None:
        raise ValueError("host_dm needs a meeting whose room exists")
    title = escape(clip(meeting.title, 200))
    channel = f"<#{meeting.channel_id}>"
    if meeting.thread_ts and meeting.card_ts is None:
        # A thread card (the message shortcut) goes out before this DM; without its ts it could
        # not be posted (the bot is not in that conversation): don't say it is there.
        intro = t.gettext(
            ":key: You're the host of *%(title)s* for %(channel)s (its card could not be posted"
            " there).",
            title=title,
            channel=channel,
        )
    elif meeting.thread_ts:
        intro = t.gettext(
            ":key: You're the host of *%(title)s* in a thread in %(channel)s.",
            title=title,
            channel=channel,
        )
    else:
        intro = t.gettext(
            ":key: You're the host of *%(title)s* in %(channel)s.", title=title, channel=channel
        )
    host = link_button(
        t.gettext("Join as host"), meeting.host_url, HOST_JOIN_ACTION_ID, style="primary"
    )
    blocks = [
        section(intro),
        section(
            t.gettext("*Host link* (don't share it: it gives host controls)")
            + "\n"
            + link(meeting.host_url),
            host,
        ),
        section(t.gettext("*Guest link* to share") + "\n" + link(meeting.guest_url)),
        context(*_dm_facts(meeting, t), t.gettext("This host link is also in meetbot's Home tab")),
    ]
    text = t.gettext(
        "You're the host of %(title)s. Host link (don't share): %(url)s",
        title=title,
        url=link(meeting.host_url),
    )
    return Message(text=text, blocks=blocks)


def invite_dm(meeting: Meeting, t: Translator = ENGLISH) -> Message:
    """DM to each invited person, in their language: who invited them, the title, and the
    guest link only."""
    if meeting.guest_url is None:
        raise ValueError("invite_dm needs a meeting whose room exists")
    title = escape(clip(meeting.title, 200))
    creator, channel = f"<@{meeting.creator_id}>", f"<#{meeting.channel_id}>"
    who = t.gettext(
        ":wave: %(creator)s invited you to *%(title)s* in %(channel)s.",
        creator=creator,
        title=title,
        channel=channel,
    )
    join = link_button(t.gettext("Join"), meeting.guest_url, JOIN_ACTION_ID, style="primary")
    blocks = [
        section(who, join),
        context(
            t.gettext("Guest link: %(url)s", url=link(meeting.guest_url)), *_dm_facts(meeting, t)
        ),
    ]
    text = t.gettext(
        "%(creator)s invited you to %(title)s: %(url)s",
        creator=creator,
        title=title,
        url=link(meeting.guest_url),
    )
    return Message(text=text, blocks=blocks)


def _dm_facts(meeting: Meeting, t: Translator) -> list[str]:
    facts = []
    if meeting.kind is RoomKind.LONG_TERM and meeting.expires_at is not None:
        until = slack_date(meeting.expires_at, t=t)
        facts.append(t.gettext("Long-term room, available until %(date)s", date=until))
    else:
        facts.append(t.gettext("Instant room"))
    if meeting.record:
        facts.append(t.gettext("This meeting will be recorded"))
    if meeting.notes:
        facts.append(t.gettext(NOTES_CONSENT))
    return facts


def recording_reply(meeting: Meeting, recording: RecordingInfo, *, link_url: str) -> Message:
    """Thread reply under the card (or the creator's DM): a ready recording, its duration and
    size, and `link_url`, meetbot's own link to it (`bot.recordings`). Never the provider's
    download link: that one expires within hours, the thread stays."""
    t = translator(meeting.language)
    title = escape(clip(meeting.title, 200))
    seconds = recording.duration_seconds
    details = [duration_text(seconds, t)] if seconds else []
    if recording.size_bytes:
        details.append(size_text(recording.size_bytes, t))
    if details:
        text = t.gettext(
            "The recording of %(title)s is ready (%(details)s).",
            title=title,
            details=", ".join(details),
        )
    else:
        text = t.gettext("The recording of %(title)s is ready.", title=title)
    button = link_button(t.gettext("Open recording"), link_url, RECORDING_ACTION_ID)
    if button is None:  # a link too long for a button goes in the text, shown without blocks
        return Message(text=f"{text} {link(link_url)}", blocks=[])
    line = t.gettext(":movie_camera: The recording of *%(title)s* is ready", title=title) + (
        f"\n{' · '.join(details)}" if details else ""
    )
    return Message(text=text, blocks=[section(line, button)])


def ephemeral_error(message: str) -> Message:
    """A private error for the person who asked. `message` is already mrkdwn (user_message)."""
    return Message(text=message, blocks=[section(message)])


def help_text(t: Translator = ENGLISH) -> str:
    return "\n".join(t.gettext(line) for line in HELP_LINES)


def help_message(t: Translator = ENGLISH) -> Message:
    text = help_text(t)
    return Message(text=text, blocks=[section(text), context(t.gettext(USAGE))])


def unavailable_message(t: Translator = ENGLISH) -> Message:
    text = t.gettext(TEMPORARILY_UNAVAILABLE)
    return Message(text=text, blocks=[section(text)])


def private_channel_notice(*, card_posted: bool = True, t: Translator = ENGLISH) -> Message:
    """Ephemeral/DM note when meetbot is not in the channel and cannot join it (private, DM).

    Args:
        card_posted: True when the card went out through the command's response_url (it
            works, but cannot be updated); False when it could not be posted at all (modal).
    """
    if card_posted:
        text = t.gettext(
            ":information_source: I'm not a member of this conversation, so I posted the card"
            " through your command's response: it won't show who joins or when the meeting"
            " ends. For live updates, `/invite @meetbot` here."
        )
    else:
        # Not "try again": the room exists, and another try would make a second one.
        text = t.gettext(
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
    t: Translator = ENGLISH,
) -> Message:
    """The immediate private reply to `/meet`, before the worker has created the room."""
    shown = escape(clip(title, 200))
    if invitees:
        people = ", ".join(f"<@{user}>" for user in invitees)
        text = t.gettext(
            ":hourglass_flowing_sand: Starting *%(title)s* with %(people)s",
            title=shown,
            people=people,
        )
    else:
        text = t.gettext(":hourglass_flowing_sand: Starting *%(title)s*", title=shown)
    text += " " + t.gettext("(recorded)") if record else ""
    text += " " + t.gettext("(transcribed: notes in the thread afterwards)") if notes else ""
    if home_only:
        text += t.gettext(
            ". The card will appear in a moment; your host link is in meetbot's Home tab."
        )
    else:
        text += t.gettext(". The card will appear in a moment; your host link comes by DM.")
    return Message(text=text, blocks=[section(text)])
