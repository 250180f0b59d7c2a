"""App Home's "Recent notes": each posted notes reply of the viewer's meetings, next to their
recordings (`bot.home.view` places the blocks), in the viewer's language. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.meeting import Meeting
from bot.domain.message import Block
from bot.i18n import ENGLISH, Translator
from bot.meet.blocks import clip, escape, header, section
from bot.meet.timefmt import slack_date
from bot.notes.model import Notes, Removal, Stage

MAX_HOME_NOTES = 10


def home_blocks(found: Sequence[tuple[Meeting, Notes]], t: Translator = ENGLISH) -> list[Block]:
    """Newest first; nothing at all when none of the viewer's meetings took notes."""
    posted = [(m, n) for m, n in found if n.posted]
    if not posted:
        return []
    posted.sort(key=lambda pair: pair[1].ready_at.timestamp() if pair[1].ready_at else 0.0)
    blocks: list[Block] = [header(t.gettext("Recent notes"))]
    for meeting, notes in reversed(posted[-MAX_HOME_NOTES:]):
        when = f" · {slack_date(notes.ready_at, t=t)}" if notes.ready_at else ""
        title = escape(clip(meeting.title, 200))
        state = _state(meeting, notes, t)
        blocks.append(section(f"*{title}* · <#{meeting.channel_id}>{when}\n{state}"))
    return blocks


def _state(meeting: Meeting, notes: Notes, t: Translator) -> str:
    """Where the notes are, or who removed them. One message per case: where they are changes
    the sentence around it in other languages."""
    in_thread = bool(meeting.card_ts)
    if notes.removed is Removal.BY_RETENTION:
        return t.gettext(":wastebasket: removed under the retention policy")
    if notes.removed is not None:
        return t.gettext(":wastebasket: deleted by %(person)s", person=f"<@{notes.removed_by}>")
    if notes.summary is Stage.READY:
        if in_thread:
            return t.gettext(":memo: summary and transcript in the card's thread")
        return t.gettext(":memo: summary and transcript in your DMs")
    if notes.summary is Stage.FAILED:
        if in_thread:
            return t.gettext(":memo: transcript in the card's thread (no summary)")
        return t.gettext(":memo: transcript in your DMs (no summary)")
    if in_thread:
        return t.gettext(":memo: transcript in the card's thread, summary on its way")
    return t.gettext(":memo: transcript in your DMs, summary on its way")
