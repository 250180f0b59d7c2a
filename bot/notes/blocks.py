"""Block Kit for notes: the thread reply (summary, transcript file, Delete button), what it
becomes once removed, the host's failure DM and the private refusal. Pure.

Summary text is meeting content: it goes into the reply's blocks and nowhere else (the
fallback `text` names the meeting only, since it shows in notifications).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.domain.meeting import Meeting
from bot.domain.message import Block, Message
from bot.meet.blocks import button, clip, context, escape, plain, section
from bot.meet.timefmt import slack_date
from bot.notes.model import Notes, Removal, Stage
from bot.notes.summary_text import Member, SummaryParts, mention_names

DELETE_ACTION_ID = "delete_notes"
_ITEM_MAX = 300  # one key point or action item; a section holds at most 3,000 characters
_ITEMS_MAX = 8


def transcript_filename(meeting: Meeting, notes: Notes) -> str:
    """A readable file name: the title's letters and digits, then the transcript's id."""
    stem = "".join(c if c.isalnum() else "-" for c in meeting.title.lower()).strip("-")
    stem = "-".join(part for part in stem.split("-") if part)[:60] or "meeting"
    return f"{stem}-transcript-{notes.transcript_id[:8]}.vtt"


def delete_value(notes: Notes) -> str:
    return json.dumps({"m": notes.meeting_id, "t": notes.transcript_id}, separators=(",", ":"))


def _delete_button(notes: Notes) -> Block:
    confirm = {
        "title": plain("Delete these notes?"),
        "text": {
            "type": "mrkdwn",
            "text": "The summary, the transcript file and the provider's copy are deleted for"
            " everyone. This cannot be undone.",
        },
        "confirm": plain("Delete"),
        "deny": plain("Keep them"),
        "style": "danger",
    }
    return {
        **button("Delete notes", DELETE_ACTION_ID, style="danger"),
        "value": delete_value(notes),
        "confirm": confirm,
    }


def _bullets(items: Sequence[str], members: Sequence[Member], *, mention: bool) -> str:
    lines = []
    for item in items[:_ITEMS_MAX]:
        text = escape(clip(item, _ITEM_MAX))
        lines.append("• " + (mention_names(text, members) if mention else text))
    if len(items) > _ITEMS_MAX:
        lines.append(f"_…and {len(items) - _ITEMS_MAX} more in the transcript_")
    return "\n".join(lines)


def notes_reply(
    meeting: Meeting,
    notes: Notes,
    *,
    summary: SummaryParts | None,
    members: Sequence[Member] = (),
) -> Message:
    """The one thread reply: the summary (or where it is), the transcript file's name, and the
    Delete button (shown to everyone; it acts only for the host and workspace admins)."""
    title = escape(clip(meeting.title, 200))
    blocks: list[Block] = [section(f":memo: *Meeting notes: {title}*")]
    if notes.summary is Stage.READY and summary is not None:
        if summary.overview:
            blocks.append(section(escape(clip(summary.overview, 2000))))
        if summary.key_points:
            blocks.append(
                section("*Key points*\n" + _bullets(summary.key_points, members, mention=False))
            )
        if summary.action_items:
            blocks.append(
                section("*Action items*\n" + _bullets(summary.action_items, members, mention=True))
            )
    elif notes.summary is Stage.FAILED:
        blocks.append(
            context(":warning: No summary: the provider could not summarise this meeting.")
        )
    else:
        blocks.append(context(":hourglass_flowing_sand: Summary on its way…"))
    blocks.append(
        context(
            f":page_facing_up: Full transcript: `{transcript_filename(meeting, notes)}`, attached"
            " in this thread",
        )
    )
    blocks.append({"type": "actions", "elements": [_delete_button(notes)]})
    return Message(text=f"Meeting notes: {title}", blocks=blocks)


def removed_reply(meeting: Meeting, notes: Notes) -> Message:
    """The reply once the notes are gone: who removed them and when, or the retention policy."""
    title = escape(clip(meeting.title, 200))
    when = slack_date(notes.removed_at) if notes.removed_at else "just now"
    if notes.removed is Removal.BY_RETENTION:
        line = (
            f":wastebasket: The notes of *{title}* (summary and transcript) were removed on"
            f" {when} under the workspace's retention policy."
        )
    else:
        line = (
            f":wastebasket: The notes of *{title}* (summary and transcript) were deleted by"
            f" <@{notes.removed_by}> on {when}."
        )
    return Message(text=f"The notes of {title} were removed.", blocks=[section(line)])


def recording_removed(meeting: Meeting, removed_at: datetime) -> Message:
    """The recording reply once the retention policy removed the recording."""
    title = escape(clip(meeting.title, 200))
    line = (
        f":wastebasket: The recording of *{title}* was removed on {slack_date(removed_at)}"
        " under the workspace's retention policy."
    )
    return Message(text=f"The recording of {title} was removed.", blocks=[section(line)])


def failure_dm(meeting: Meeting, what: str, error: str | None) -> Message:
    """To the host, once per failure: what failed (the transcript or the summary) and what
    still comes."""
    title = escape(clip(meeting.title, 200))
    reason = f" The provider said: _{escape(clip(error, 200))}_." if error else ""
    if what == "transcript":
        line = (
            f":warning: The transcription of *{title}* failed, so there are no notes for it."
            f"{reason}"
        )
    else:
        line = (
            f":warning: The summary of *{title}* could not be made.{reason} The full transcript"
            " is posted in the card's thread without it."
        )
    return Message(text=f"Notes of {title}: the {what} failed.", blocks=[section(line)])


def delete_refused() -> Message:
    line = (
        ":no_entry: Only the meeting's host and workspace admins can delete its notes."
        " Nothing was deleted."
    )
    return Message(text=line, blocks=[section(line)])
