"""The App Home tab, a pure Block Kit builder: the creator's live and upcoming rooms with their
host links (besides the host DM, the one place that shows them: a lost DM is never a lost host
link) and recent recordings, each linked through `recording_link` (bot.recordings: a link
that keeps working, where the provider's own expires within hours). In the viewer's language
(`t`); the standups' blocks and the host controls' menu are still English.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

from bot.domain.meeting import Meeting, MeetingStatus
from bot.domain.message import Block
from bot.domain.rooms import Capability, RoomKind
from bot.hostctl.menu import host_menu
from bot.i18n import ENGLISH, Translator
from bot.meet.blocks import (
    JOIN_ACTION_ID,
    RECORDING_ACTION_ID,
    button,
    clip,
    context,
    escape,
    header,
    is_joinable,
    link,
    link_button,
    section,
)
from bot.meet.timefmt import duration_text, size_text, slack_date
from bot.settings.model import WorkspacePolicy
from bot.settings.policy import START_RULE_TEXT

HOME_START_MEETING_ACTION_ID = "home_start_meeting"
MAX_HOME_ROOMS = 12  # three blocks each (host link, host controls): with recordings, standups
# and the policy, inside a view's 100 blocks
MAX_HOME_RECORDINGS = 10


def home_view(
    *,
    meetings: Sequence[Meeting],
    now: datetime,
    recording_link: Callable[[str], str],
    viewer_id: str | None = None,
    standups: Sequence[Block] = (),
    notes: Sequence[Block] = (),
    capabilities: Collection[Capability] = (),
    policy: WorkspacePolicy | None = None,
    t: Translator = ENGLISH,
) -> dict[str, Any]:
    """The App Home tab of the person who created `meetings`.

    Args:
        meetings: the viewer's own meetings, in any order.
        now: the current time.
        recording_link: the link to show for a recording id (`RecordingLinks.url`).
        viewer_id: when given, host links show only on meetings this user created.
        standups: the viewer's schedules, built by `bot.standups.blocks.home_blocks`.
        notes: the viewer's meeting notes, built by `bot.notes.home.home_blocks`.
        capabilities: the provider's (bot.domain.rooms): the host controls beside each room
            the viewer hosts.
        policy: the workspace's meeting policy, shown read-only at the end.
        t: the viewer's language.
    """
    rooms = sorted((m for m in meetings if is_joinable(m, now)), key=_room_order)
    recordings = _recent_recordings(meetings, t)
    start = button(t.gettext("Start a meeting"), HOME_START_MEETING_ACTION_ID, style="primary")
    blocks: list[Block] = [
        header(t.gettext("Video meetings")),
        {"type": "actions", "elements": [start]},
        context(t.gettext("Or type `/meet` in any channel · `/meet help` shows the options")),
        {"type": "divider"},
    ]
    policy_blocks = _policy_blocks(policy, t)
    if not rooms and not recordings and not notes:
        blocks.append(
            section(
                t.gettext(
                    ":wave: No rooms yet. Start one above or with `/meet`: your live and upcoming"
                    " rooms, their host links and recordings will show up here."
                )
            )
        )
        return {"type": "home", "blocks": [*blocks, *standups, *policy_blocks]}
    blocks.append(header(t.gettext("Your live and upcoming rooms")))
    for meeting in rooms[:MAX_HOME_ROOMS]:
        hosts = viewer_id in (None, meeting.creator_id)
        blocks += _room_blocks(meeting, show_host=hosts, t=t)
        if hosts and (menu := host_menu(meeting, capabilities, now, t)) is not None:
            blocks.append(menu)
    if not rooms:
        blocks.append(section(t.gettext("_Nothing live or upcoming right now._")))
    elif len(rooms) > MAX_HOME_ROOMS:
        more = len(rooms) - MAX_HOME_ROOMS
        blocks.append(context(t.ngettext("and %(num)s more", "and %(num)s more", more)))
    blocks += [{"type": "divider"}, header(t.gettext("Recent recordings"))]
    too_long = t.gettext("_Link too long to show here: see the thread._")
    for meeting, recording_id, details in recordings[:MAX_HOME_RECORDINGS]:
        open_button = link_button(
            t.gettext("Open"), recording_link(recording_id), RECORDING_ACTION_ID
        )
        line = " · ".join(
            [f"*{escape(clip(meeting.title, 200))}*", *details, f"<#{meeting.channel_id}>"]
        )
        blocks.append(section(line if open_button else f"{line}\n{too_long}", open_button))
    if not recordings:
        blocks.append(section(t.gettext("_No recordings yet._")))
    if notes:
        blocks += [{"type": "divider"}, *notes]
    return {"type": "home", "blocks": [*blocks, *standups, *policy_blocks]}


def _policy_blocks(policy: WorkspacePolicy | None, t: Translator) -> list[Block]:
    """The workspace's meeting policy, read-only (admins change it with `/meet settings`)."""
    if policy is None:
        return []
    if policy.max_length_days:
        longest = t.ngettext("%(num)s day", "%(num)s days", policy.max_length_days)
    else:
        longest = t.gettext("a year")
    rule = t.gettext(START_RULE_TEXT[policy.who_may_start])  # catalog messages (N_)
    recording = t.gettext("allowed") if policy.recording_allowed else t.gettext("off")
    partners = t.gettext("yes") if policy.partners_may_start else t.gettext("no")
    notes_state = t.gettext("allowed") if policy.notes_allowed else t.gettext("off")
    lines = [
        t.gettext("• Who may start meetings: %(rule)s", rule=rule),
        t.gettext("• Recording: %(state)s", state=recording),
        t.gettext("• Meeting notes: %(state)s", state=notes_state),
        t.gettext("• Longest long-term room: %(length)s", length=longest),
        t.gettext("• Partner organisations may start meetings: %(answer)s", answer=partners),
    ]
    return [
        {"type": "divider"},
        header(t.gettext("Workspace meeting policy")),
        section("\n".join(lines)),
        context(t.gettext("Workspace admins and owners change it with `/meet settings`")),
    ]


def _room_order(meeting: Meeting) -> tuple[int, float]:
    rank = {MeetingStatus.LIVE: 0, MeetingStatus.OPEN: 1}.get(meeting.status, 2)
    return rank, -(meeting.created_at.timestamp() if meeting.created_at else 0.0)


def _room_blocks(meeting: Meeting, *, show_host: bool, t: Translator) -> list[Block]:
    if meeting.status is MeetingStatus.LIVE:
        here = len(meeting.present)
        status = t.ngettext(
            ":large_green_circle: Live now · %(num)s here",
            ":large_green_circle: Live now · %(num)s here",
            here,
        )
    elif meeting.status is MeetingStatus.OPEN:
        status = t.gettext(":white_circle: Open · nobody has joined yet")
    else:
        status = t.gettext(":repeat: Ended · ready to use again")
    if meeting.kind is RoomKind.LONG_TERM and meeting.expires_at:
        until = slack_date(meeting.expires_at, t=t)
        lasts = t.gettext("Long-term room, available until %(date)s", date=until)
    else:
        lasts = t.gettext("Instant room")
    text = f"*{escape(clip(meeting.title, 200))}*\n{status} · <#{meeting.channel_id}>\n{lasts}"
    join = link_button(t.gettext("Join"), meeting.guest_url, JOIN_ACTION_ID)
    blocks = [section(text, join)]
    if show_host and meeting.host_url:
        # A text link, not a button: it can be copied to hand to a co-host.
        host_link = link(meeting.host_url, t.gettext("Join as host"))
        blocks.append(
            context(t.gettext(":key: %(link)s (your host link: don't share it)", link=host_link))
        )
    return blocks


def _recent_recordings(
    meetings: Sequence[Meeting], t: Translator
) -> list[tuple[Meeting, str, list[str]]]:
    """Ready recordings (meeting, recording id, details), newest meeting first (RecordingInfo
    carries no time of its own). Ready means announced-ready: the provider gave a link once."""

    def when(meeting: Meeting) -> float:
        moment = meeting.ended_at or meeting.started_at or meeting.created_at
        return moment.timestamp() if moment else 0.0

    found: list[tuple[Meeting, str, list[str]]] = []
    for meeting in sorted(meetings, key=when, reverse=True):
        for recording in reversed(meeting.recordings):
            if recording.status == "ready" and recording.url:
                seconds, size = recording.duration_seconds, recording.size_bytes
                details = [duration_text(seconds, t)] if seconds else []
                details += [size_text(size, t)] if size else []
                found.append((meeting, recording.id, details))
    return found
