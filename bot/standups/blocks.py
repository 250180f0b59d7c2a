"""Block Kit for standups (pure): replies to `/meet standup|schedules|cancel`, the channel note
when a schedule starts, the card banner, and the App Home section with its buttons.

Each occurrence's card is the ordinary meeting card (`bot.meet.blocks.meeting_card`); only its
banner comes from here. Times go through Slack's date formatting, so readers see their own
zone; the schedule's own zone is named beside it because that is the zone the rule keeps.
Every builder takes its reader's `Translator`: the person's for private replies and App Home,
the schedule's `language` for what goes to the channel (the announcement, the banner).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.domain.message import Block, Message
from bot.i18n import ENGLISH, N_, Translator
from bot.meet.blocks import (
    MESSAGE_MAX_BLOCKS,
    SECTION_TEXT_MAX,
    button,
    clip,
    context,
    escape,
    header,
    section,
)
from bot.meet.timefmt import rough_duration_text, slack_date
from bot.standups.describe import describe
from bot.standups.store import Schedule

PAUSE_ACTION_ID = "standup_pause"
RESUME_ACTION_ID = "standup_resume"
DELETE_ACTION_ID = "standup_delete"
STANDUP_ACTION_IDS = (PAUSE_ACTION_ID, RESUME_ACTION_ID, DELETE_ACTION_ID)
MAX_HOME_SCHEDULES = 15  # two blocks each, beside the rooms and recordings (100 per view)
LIST_HEADING = N_("*Standups in this channel*")
# A message's fallback `text` is truncated past 40,000 characters
# (https://docs.slack.dev/reference/methods/chat.postMessage#truncating).
TEXT_MAX = 40_000


def _title(schedule: Schedule) -> str:
    return escape(clip(schedule.title, 200))


def described(rule: str, description: str, t: Translator = ENGLISH) -> str:
    """How the schedule repeats, in `t`'s language; the stored English for a rule we cannot
    word (none made by `parse_schedule`)."""
    return describe(rule, t) or description


def _when(schedule: Schedule, t: Translator) -> str:
    return f"{described(schedule.rule, schedule.description, t)} ({schedule.tz})"


def _next(next_due: datetime | None, schedule: Schedule, t: Translator) -> str:
    if schedule.paused:
        return t.gettext("paused")
    if next_due is None:
        return t.gettext("no more runs")
    return t.gettext("next %(date)s", date=slack_date(next_due, t=t))


def banner(schedule: Schedule, *, late_by: timedelta | None = None, t: Translator = ENGLISH) -> str:
    """The line above each occurrence's card: `@here` only if asked, and a late mark."""
    parts = ["<!here>"] if schedule.here else []
    when = escape(described(schedule.rule, schedule.description, t))
    parts.append(t.gettext(":repeat: Standup, %(when)s", when=when))
    if late_by is not None:
        late = rough_duration_text(late_by.total_seconds(), t)
        parts.append(t.gettext(":warning: posted %(duration)s late", duration=late))
    return " · ".join(parts)


def scheduling_ack(title: str, description: str, t: Translator = ENGLISH) -> Message:
    """`description`: the schedule in words (`described`), in the reader's language."""
    text = t.gettext(
        ":hourglass_flowing_sand: Scheduling *%(title)s* %(when)s in your time zone."
        " I'll confirm here in a moment.",
        title=escape(clip(title, 200)),
        when=escape(description),
    )
    return Message(text=text, blocks=[section(text)])


def announcement(schedule: Schedule, next_due: datetime | None, t: Translator = ENGLISH) -> Message:
    """Posted in the channel once, when a schedule is created (in the channel's language)."""
    text = t.gettext(
        ":calendar: %(owner)s scheduled *%(title)s* here, %(when)s: a meeting card will appear"
        " at each run (%(next)s).",
        owner=f"<@{schedule.owner_id}>",
        title=_title(schedule),
        when=escape(_when(schedule, t)),
        next=_next(next_due, schedule, t),
    )
    return Message(text=text, blocks=[section(text)])


def created(schedule: Schedule, next_due: datetime | None, t: Translator = ENGLISH) -> Message:
    """The creator's private confirmation: the id they need to cancel it."""
    text = t.gettext(
        ":white_check_mark: *%(title)s* is scheduled %(when)s, %(next)s. Its id is `%(id)s`:"
        " `/meet cancel %(id)s` stops it, and meetbot's *Home* tab can pause it.",
        title=_title(schedule),
        when=escape(_when(schedule, t)),
        next=_next(next_due, schedule, t),
        id=schedule.id,
    )
    return Message(text=text, blocks=[section(text)])


def schedules_list(
    schedules: Sequence[Schedule], next_due: dict[str, int], t: Translator = ENGLISH
) -> Message:
    """`/meet schedules`: this channel's schedules with their ids and next runs.

    One line per schedule, packed into as many sections as it takes (a section holds 3,000
    characters; a line is never cut, so every id shown can be typed into `/meet cancel`), up to
    Slack's 50 blocks; whatever does not fit is counted in the closing context."""
    if not schedules:
        text = t.gettext(
            "No standups are scheduled in this channel. Try `/meet standup every weekday 09:30`."
        )
        return Message(text=text, blocks=[section(text)])
    heading = t.gettext(LIST_HEADING)
    lines = [_listed(schedule, next_due.get(schedule.id), t) for schedule in schedules]
    sections, packed = _packed([heading, *lines], SECTION_TEXT_MAX, MESSAGE_MAX_BLOCKS - 1)
    hidden = len(lines) + 1 - packed
    more = t.ngettext("and %(num)s more", "and %(num)s more", hidden) if hidden else ""
    blocks = [section(text) for text in sections]
    blocks.append(context(more, t.gettext("`/meet cancel &lt;id&gt;` stops one")))
    fallback, _ = _packed([heading, *lines], TEXT_MAX - 100, 1)
    return Message(text="\n".join([*fallback, more]).strip(), blocks=blocks)


def _listed(schedule: Schedule, due: int | None, t: Translator) -> str:
    moment = datetime.fromtimestamp(due, UTC) if due is not None else None
    line = t.gettext(
        "• `%(id)s` *%(title)s*, %(when)s, by %(owner)s: %(next)s",
        id=schedule.id,
        title=_title(schedule),
        when=escape(_when(schedule, t)),
        owner=f"<@{schedule.owner_id}>",
        next=_next(moment, schedule, t),
    )
    return clip(line, SECTION_TEXT_MAX)  # never, for titles clipped to 200 characters


def _packed(lines: Sequence[str], limit: int, most: int) -> tuple[list[str], int]:
    """Whole lines joined into at most `most` texts of at most `limit` characters each, and
    how many of the lines they hold (the first ones)."""
    texts: list[str] = []
    for count, line in enumerate(lines):
        if texts and len(texts[-1]) + 1 + len(line) <= limit:
            texts[-1] += "\n" + line
        elif len(texts) < most:
            texts.append(line)
        else:
            return texts, count
    return texts, len(lines)


def cancelled(schedule: Schedule, t: Translator = ENGLISH) -> Message:
    text = t.gettext(
        ":wastebasket: *%(title)s* (`%(id)s`) is cancelled: no more runs.",
        title=_title(schedule),
        id=schedule.id,
    )
    return Message(text=text, blocks=[section(text)])


def cancel_refused(schedule: Schedule, t: Translator = ENGLISH) -> Message:
    text = t.gettext(
        ":no_entry: Only %(owner)s, who scheduled *%(title)s*, or a workspace admin can cancel it.",
        owner=f"<@{schedule.owner_id}>",
        title=_title(schedule),
    )
    return Message(text=text, blocks=[section(text)])


def unknown_schedule(schedule_id: str, t: Translator = ENGLISH) -> Message:
    text = t.gettext(
        "There is no standup `%(id)s`. `/meet schedules` lists the ids in a channel.",
        id=escape(clip(schedule_id, 40)),
    )
    return Message(text=text, blocks=[section(text)])


def cancel_checking(schedule: Schedule, t: Translator = ENGLISH) -> Message:
    text = t.gettext(
        ":hourglass_flowing_sand: Cancelling *%(title)s* if you are allowed to...",
        title=_title(schedule),
    )
    return Message(text=text, blocks=[section(text)])


def cannot_post_here(t: Translator = ENGLISH) -> Message:
    text = t.gettext(
        ":information_source: I can't post in this conversation, so I can't run a standup here."
        " `/invite @meetbot` and schedule it again."
    )
    return Message(text=text, blocks=[section(text)])


def already_scheduled(schedule: Schedule, t: Translator = ENGLISH) -> Message:
    """A second standup at the same times in the same channel: nothing is created."""
    text = t.gettext(
        ":information_source: This channel already has *%(title)s* %(when)s (`%(id)s`), so I"
        " didn't schedule another. `/meet cancel %(id)s` stops that one; or pick another time.",
        title=_title(schedule),
        when=escape(_when(schedule, t)),
        id=schedule.id,
    )
    return Message(text=text, blocks=[section(text)])


def home_blocks(
    schedules: Sequence[Schedule], next_due: dict[str, int], t: Translator = ENGLISH
) -> list[Block]:
    """App Home: the viewer's schedules with Pause / Resume / Delete (the value is the id)."""
    if not schedules:
        return []
    blocks: list[Block] = [{"type": "divider"}, header(t.gettext("Your standups"))]
    for schedule in schedules[:MAX_HOME_SCHEDULES]:
        due = next_due.get(schedule.id)
        moment = datetime.fromtimestamp(due, UTC) if due is not None else None
        blocks.append(
            section(
                f"*{_title(schedule)}* · <#{schedule.channel_id}> · `{schedule.id}`\n"
                f"{escape(_when(schedule, t))} · {_next(moment, schedule, t)}"
            )
        )
        toggle = (
            button(t.gettext("Resume"), RESUME_ACTION_ID, style="primary")
            if schedule.paused
            else button(t.gettext("Pause"), PAUSE_ACTION_ID)
        )
        delete = button(t.gettext("Delete"), DELETE_ACTION_ID, style="danger")
        delete["confirm"] = {
            "title": {"type": "plain_text", "text": t.gettext("Delete this standup?")},
            "text": {
                "type": "plain_text",
                "text": t.gettext("No more cards will be posted for it."),
            },
            "confirm": {"type": "plain_text", "text": t.gettext("Delete")},
            "deny": {"type": "plain_text", "text": t.gettext("Keep it")},
        }
        blocks.append(
            {
                "type": "actions",
                "block_id": f"standup:{schedule.id}",
                "elements": [{**toggle, "value": schedule.id}, {**delete, "value": schedule.id}],
            }
        )
    if len(schedules) > MAX_HOME_SCHEDULES:
        more = len(schedules) - MAX_HOME_SCHEDULES
        blocks.append(context(t.ngettext("and %(num)s more", "and %(num)s more", more)))
    return blocks
