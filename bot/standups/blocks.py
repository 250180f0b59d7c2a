"""Block Kit for standups (pure): replies to `/meet standup|schedules|cancel`, the channel note
when a schedule starts, the card banner, and the App Home section with its buttons.

Each occurrence's card is the ordinary meeting card (`bot.meet.blocks.meeting_card`); only its
banner comes from here. Times go through Slack's date formatting, so readers see their own
zone; the schedule's own zone is named beside it because that is the zone the rule keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.domain.message import Block, Message
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
from bot.standups.store import Schedule

PAUSE_ACTION_ID = "standup_pause"
RESUME_ACTION_ID = "standup_resume"
DELETE_ACTION_ID = "standup_delete"
STANDUP_ACTION_IDS = (PAUSE_ACTION_ID, RESUME_ACTION_ID, DELETE_ACTION_ID)
MAX_HOME_SCHEDULES = 15  # two blocks each, beside the rooms and recordings (100 per view)
LIST_HEADING = "*Standups in this channel*"
# A message's fallback `text` is truncated past 40,000 characters
# (https://docs.slack.dev/reference/methods/chat.postMessage#truncating).
TEXT_MAX = 40_000


def _title(schedule: Schedule) -> str:
    return escape(clip(schedule.title, 200))


def _when(schedule: Schedule) -> str:
    return f"{schedule.description} ({schedule.tz})"


def _next(next_due: datetime | None, schedule: Schedule) -> str:
    if schedule.paused:
        return "paused"
    return f"next {slack_date(next_due)}" if next_due is not None else "no more runs"


def banner(schedule: Schedule, *, late_by: timedelta | None = None) -> str:
    """The line above each occurrence's card: `@here` only if asked, and a late mark."""
    parts = ["<!here>"] if schedule.here else []
    parts.append(f":repeat: Standup, {escape(schedule.description)}")
    if late_by is not None:
        parts.append(f":warning: posted {rough_duration_text(late_by.total_seconds())} late")
    return " · ".join(parts)


def scheduling_ack(title: str, description: str) -> Message:
    text = (
        f":hourglass_flowing_sand: Scheduling *{escape(clip(title, 200))}* {escape(description)}"
        " in your time zone. I'll confirm here in a moment."
    )
    return Message(text=text, blocks=[section(text)])


def announcement(schedule: Schedule, next_due: datetime | None) -> Message:
    """Posted in the channel once, when a schedule is created."""
    text = (
        f":calendar: <@{schedule.owner_id}> scheduled *{_title(schedule)}* here,"
        f" {escape(_when(schedule))}: a meeting card will appear at each run"
        f" ({_next(next_due, schedule)})."
    )
    return Message(text=text, blocks=[section(text)])


def created(schedule: Schedule, next_due: datetime | None) -> Message:
    """The creator's private confirmation: the id they need to cancel it."""
    text = (
        f":white_check_mark: *{_title(schedule)}* is scheduled {escape(_when(schedule))},"
        f" {_next(next_due, schedule)}. Its id is `{schedule.id}`: `/meet cancel {schedule.id}`"
        " stops it, and meetbot's *Home* tab can pause it."
    )
    return Message(text=text, blocks=[section(text)])


def schedules_list(schedules: Sequence[Schedule], next_due: dict[str, int]) -> Message:
    """`/meet schedules`: this channel's schedules with their ids and next runs.

    One line per schedule, packed into as many sections as it takes (a section holds 3,000
    characters; a line is never cut, so every id shown can be typed into `/meet cancel`), up to
    Slack's 50 blocks; whatever does not fit is counted in the closing context."""
    if not schedules:
        text = "No standups are scheduled in this channel. Try `/meet standup every weekday 09:30`."
        return Message(text=text, blocks=[section(text)])
    lines = [_listed(schedule, next_due.get(schedule.id)) for schedule in schedules]
    sections, packed = _packed([LIST_HEADING, *lines], SECTION_TEXT_MAX, MESSAGE_MAX_BLOCKS - 1)
    hidden = len(lines) + 1 - packed
    more = f"and {hidden} more" if hidden else ""
    blocks = [section(text) for text in sections]
    blocks.append(context(more, "`/meet cancel &lt;id&gt;` stops one"))
    fallback, _ = _packed([LIST_HEADING, *lines], TEXT_MAX - 100, 1)
    return Message(text="\n".join([*fallback, more]).strip(), blocks=blocks)


def _listed(schedule: Schedule, due: int | None) -> str:
    moment = datetime.fromtimestamp(due, UTC) if due is not None else None
    line = (
        f"• `{schedule.id}` *{_title(schedule)}*, {escape(_when(schedule))},"
        f" by <@{schedule.owner_id}>: {_next(moment, schedule)}"
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


def cancelled(schedule: Schedule) -> Message:
    text = f":wastebasket: *{_title(schedule)}* (`{schedule.id}`) is cancelled: no more runs."
    return Message(text=text, blocks=[section(text)])


def cancel_refused(schedule: Schedule) -> Message:
    text = (
        f":no_entry: Only <@{schedule.owner_id}>, who scheduled *{_title(schedule)}*, or a"
        " workspace admin can cancel it."
    )
    return Message(text=text, blocks=[section(text)])


def unknown_schedule(schedule_id: str) -> Message:
    text = (
        f"There is no standup `{escape(clip(schedule_id, 40))}`. `/meet schedules` lists"
        " the ids in a channel."
    )
    return Message(text=text, blocks=[section(text)])


def cancel_checking(schedule: Schedule) -> Message:
    text = f":hourglass_flowing_sand: Cancelling *{_title(schedule)}* if you are allowed to..."
    return Message(text=text, blocks=[section(text)])


def cannot_post_here() -> Message:
    text = (
        ":information_source: I can't post in this conversation, so I can't run a standup here."
        " `/invite @meetbot` and schedule it again."
    )
    return Message(text=text, blocks=[section(text)])


def already_scheduled(schedule: Schedule) -> Message:
    """A second standup at the same times in the same channel: nothing is created."""
    text = (
        f":information_source: This channel already has *{_title(schedule)}*"
        f" {escape(_when(schedule))} (`{schedule.id}`), so I didn't schedule another."
        f" `/meet cancel {schedule.id}` stops that one; or pick another time."
    )
    return Message(text=text, blocks=[section(text)])


def home_blocks(schedules: Sequence[Schedule], next_due: dict[str, int]) -> list[Block]:
    """App Home: the viewer's schedules with Pause / Resume / Delete (the value is the id)."""
    if not schedules:
        return []
    blocks: list[Block] = [{"type": "divider"}, header("Your standups")]
    for schedule in schedules[:MAX_HOME_SCHEDULES]:
        due = next_due.get(schedule.id)
        moment = datetime.fromtimestamp(due, UTC) if due is not None else None
        blocks.append(
            section(
                f"*{_title(schedule)}* · <#{schedule.channel_id}> · `{schedule.id}`\n"
                f"{escape(_when(schedule))} · {_next(moment, schedule)}"
            )
        )
        toggle = (
            button("Resume", RESUME_ACTION_ID, style="primary")
            if schedule.paused
            else button("Pause", PAUSE_ACTION_ID)
        )
        delete = button("Delete", DELETE_ACTION_ID, style="danger")
        delete["confirm"] = {
            "title": {"type": "plain_text", "text": "Delete this standup?"},
            "text": {"type": "plain_text", "text": "No more cards will be posted for it."},
            "confirm": {"type": "plain_text", "text": "Delete"},
            "deny": {"type": "plain_text", "text": "Keep it"},
        }
        blocks.append(
            {
                "type": "actions",
                "block_id": f"standup:{schedule.id}",
                "elements": [{**toggle, "value": schedule.id}, {**delete, "value": schedule.id}],
            }
        )
    if len(schedules) > MAX_HOME_SCHEDULES:
        blocks.append(context(f"and {len(schedules) - MAX_HOME_SCHEDULES} more"))
    return blocks
