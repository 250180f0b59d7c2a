"""App Home's "Recent notes": each posted notes reply of the viewer's meetings, next to their
recordings (`bot.home.view` places the blocks). Pure."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.meeting import Meeting
from bot.domain.message import Block
from bot.meet.blocks import clip, escape, header, section
from bot.meet.timefmt import slack_date
from bot.notes.model import Notes, Removal, Stage

MAX_HOME_NOTES = 10


def home_blocks(found: Sequence[tuple[Meeting, Notes]]) -> list[Block]:
    """Newest first; nothing at all when none of the viewer's meetings took notes."""
    posted = [(m, n) for m, n in found if n.posted]
    if not posted:
        return []
    posted.sort(key=lambda pair: pair[1].ready_at.timestamp() if pair[1].ready_at else 0.0)
    blocks: list[Block] = [header("Recent notes")]
    for meeting, notes in reversed(posted[-MAX_HOME_NOTES:]):
        where = "in the card's thread" if meeting.card_ts else "in your DMs"
        if notes.removed is Removal.BY_RETENTION:
            state = ":wastebasket: removed under the retention policy"
        elif notes.removed is not None:
            state = f":wastebasket: deleted by <@{notes.removed_by}>"
        elif notes.summary is Stage.READY:
            state = f":memo: summary and transcript {where}"
        elif notes.summary is Stage.FAILED:
            state = f":memo: transcript {where} (no summary)"
        else:
            state = f":memo: transcript {where}, summary on its way"
        when = f" · {slack_date(notes.ready_at)}" if notes.ready_at else ""
        title = escape(clip(meeting.title, 200))
        blocks.append(section(f"*{title}* · <#{meeting.channel_id}>{when}\n{state}"))
    return blocks
