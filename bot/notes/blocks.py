"""Block Kit for notes: the thread reply (summary, transcript file, Delete button), what it
becomes once removed, the host's failure DM and the private refusal. Pure.

Summary text is meeting content: it goes into the reply's blocks and nowhere else (the
fallback `text` names the meeting only, since it shows in notifications). It is shown as the
provider wrote it; only meetbot's own words around it are translated (bot.i18n): the reply in
the language of the conversation it is in (`reply_translator`), DMs and refusals in the
reader's.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.domain.meeting import Meeting
from bot.domain.message import Block, Message
from bot.i18n import ENGLISH, Translator, translator
from bot.meet.blocks import button, clip, context, escape, plain, section
from bot.meet.timefmt import slack_date
from bot.notes.model import Notes, Removal, Stage
from bot.notes.summary_text import Member, SummaryParts, mention_names

DELETE_ACTION_ID = "delete_notes"
_ITEM_MAX = 300  # one key point or action item; a section holds at most 3,000 characters
_ITEMS_MAX = 8
# Confirmation dialogs: title 100, text 300, buttons 30 characters
# (https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object).
_CONFIRM_TITLE_MAX, _CONFIRM_TEXT_MAX, _CONFIRM_BUTTON_MAX = 100, 300, 30


def channel_translator(meeting: Meeting) -> Translator:
    """A reply in the card's thread speaks the channel's language, kept with the meeting."""
    return translator(meeting.language)


def transcript_filename(meeting: Meeting, notes: Notes) -> str:
    """A readable file name: the title's letters and digits, then the transcript's id. Not
    translated: it is the same in every language, so a resumed upload names the same file."""
    stem = "".join(c if c.isalnum() else "-" for c in meeting.title.lower()).strip("-")
    stem = "-".join(part for part in stem.split("-") if part)[:60] or "meeting"
    return f"{stem}-transcript-{notes.transcript_id[:8]}.vtt"


def transcript_title(meeting: Meeting, t: Translator = ENGLISH) -> str:
    """The file's title, as Slack shows it in the thread."""
    return t.gettext("Transcript: %(title)s", title=meeting.title)


def delete_value(notes: Notes) -> str:
    return json.dumps({"m": notes.meeting_id, "t": notes.transcript_id}, separators=(",", ":"))


def _delete_button(notes: Notes, t: Translator) -> Block:
    text = t.gettext(
        "The summary, the transcript file and the provider's copy are deleted for everyone."
        " This cannot be undone."
    )
    confirm = {
        "title": plain(t.gettext("Delete these notes?"), _CONFIRM_TITLE_MAX),
        "text": {"type": "mrkdwn", "text": clip(text, _CONFIRM_TEXT_MAX)},
        "confirm": plain(t.gettext("Delete"), _CONFIRM_BUTTON_MAX),
        "deny": plain(t.gettext("Keep them"), _CONFIRM_BUTTON_MAX),
        "style": "danger",
    }
    return {
        **button(t.gettext("Delete notes"), DELETE_ACTION_ID, style="danger"),
        "value": delete_value(notes),
        "confirm": confirm,
    }


def _bullets(
    items: Sequence[str], members: Sequence[Member], *, mention: bool, t: Translator
) -> str:
    lines = []
    for item in items[:_ITEMS_MAX]:
        text = escape(clip(item, _ITEM_MAX))
        lines.append("• " + (mention_names(text, members) if mention else text))
    if len(items) > _ITEMS_MAX:
        more = t.ngettext(
            "…and %(num)s more in the transcript",
            "…and %(num)s more in the transcript",
            len(items) - _ITEMS_MAX,
        )
        lines.append(f"_{more}_")
    return "\n".join(lines)


def _summary_blocks(summary: SummaryParts, members: Sequence[Member], t: Translator) -> list[Block]:
    found: list[Block] = []
    if summary.overview:
        found.append(section(escape(clip(summary.overview, 2000))))
    if summary.key_points:
        heading = t.gettext("Key points")
        points = _bullets(summary.key_points, members, mention=False, t=t)
        found.append(section(f"*{heading}*\n{points}"))
    if summary.action_items:
        heading = t.gettext("Action items")
        actions = _bullets(summary.action_items, members, mention=True, t=t)
        found.append(section(f"*{heading}*\n{actions}"))
    return found


def notes_reply(
    meeting: Meeting,
    notes: Notes,
    *,
    summary: SummaryParts | None,
    members: Sequence[Member] = (),
    t: Translator | None = None,
) -> Message:
    """The one thread reply: the summary (or where it is), the transcript file's name, and the
    Delete button (shown to everyone; it acts only for the host and workspace admins).

    Args:
        t: the reply's language: the channel's (the default), or the creator's when the reply
            is their DM (a card posted through a response_url has no thread).
    """
    t = t or channel_translator(meeting)
    title = escape(clip(meeting.title, 200))
    heading = t.gettext(":memo: *Meeting notes: %(title)s*", title=title)
    blocks: list[Block] = [section(heading)]
    if notes.summary is Stage.READY and summary is not None:
        blocks += _summary_blocks(summary, members, t)
    elif notes.summary is Stage.FAILED:
        blocks.append(
            context(
                t.gettext(":warning: No summary: the provider could not summarise this meeting.")
            )
        )
    else:
        blocks.append(context(t.gettext(":hourglass_flowing_sand: Summary on its way…")))
    blocks.append(
        context(
            t.gettext(
                ":page_facing_up: Full transcript: `%(file)s`, attached in this thread",
                file=transcript_filename(meeting, notes),
            )
        )
    )
    blocks.append({"type": "actions", "elements": [_delete_button(notes, t)]})
    return Message(text=t.gettext("Meeting notes: %(title)s", title=title), blocks=blocks)


def removed_reply(meeting: Meeting, notes: Notes, t: Translator | None = None) -> Message:
    """The reply once the notes are gone: who removed them and when, or the retention policy.
    `t` as for `notes_reply`."""
    t = t or channel_translator(meeting)
    title = escape(clip(meeting.title, 200))
    when = slack_date(notes.removed_at, t=t) if notes.removed_at else t.gettext("just now")
    if notes.removed is Removal.BY_RETENTION:
        line = t.gettext(
            ":wastebasket: The notes of *%(title)s* (summary and transcript) were removed on"
            " %(when)s under the workspace's retention policy.",
            title=title,
            when=when,
        )
    else:
        line = t.gettext(
            ":wastebasket: The notes of *%(title)s* (summary and transcript) were deleted by"
            " %(person)s on %(when)s.",
            title=title,
            person=f"<@{notes.removed_by}>",
            when=when,
        )
    text = t.gettext("The notes of %(title)s were removed.", title=title)
    return Message(text=text, blocks=[section(line)])


def recording_removed(
    meeting: Meeting, removed_at: datetime, t: Translator | None = None
) -> Message:
    """The recording reply once the retention policy removed the recording (`t` as for
    `notes_reply`)."""
    t = t or channel_translator(meeting)
    title = escape(clip(meeting.title, 200))
    line = t.gettext(
        ":wastebasket: The recording of *%(title)s* was removed on %(when)s under the"
        " workspace's retention policy.",
        title=title,
        when=slack_date(removed_at, t=t),
    )
    text = t.gettext("The recording of %(title)s was removed.", title=title)
    return Message(text=text, blocks=[section(line)])


def failure_dm(meeting: Meeting, what: str, error: str | None, t: Translator = ENGLISH) -> Message:
    """To the host, once per failure, in their language: what failed (the transcript or the
    summary) and what still comes. The provider's error is shown as it said it."""
    title = escape(clip(meeting.title, 200))
    reason = (
        " " + t.gettext("The provider said: _%(error)s_.", error=escape(clip(error, 200)))
        if error
        else ""
    )
    if what == "transcript":
        line = t.gettext(
            ":warning: The transcription of *%(title)s* failed, so there are no notes for it.",
            title=title,
        )
        text = t.gettext("Notes of %(title)s: the transcript failed.", title=title)
        return Message(text=text, blocks=[section(line + reason)])
    line = (
        t.gettext(":warning: The summary of *%(title)s* could not be made.", title=title)
        + reason
        + " "
        + t.gettext("The full transcript is posted in the card's thread without it.")
    )
    text = t.gettext("Notes of %(title)s: the summary failed.", title=title)
    return Message(text=text, blocks=[section(line)])


def delete_refused(t: Translator = ENGLISH) -> Message:
    """Private, to whoever clicked Delete without being the host or a workspace admin."""
    line = t.gettext(
        ":no_entry: Only the meeting's host and workspace admins can delete its notes."
        " Nothing was deleted."
    )
    return Message(text=line, blocks=[section(line)])
