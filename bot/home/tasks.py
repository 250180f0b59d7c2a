"""The `refresh_home` job: render a person's App Home from their meetings and standups, and
publish it (enqueued by `Jobs.refresh_home`, coalesced per person and second)."""

from __future__ import annotations

from typing import Any

from bot.domain.inputs import Workspace
from bot.home.view import home_view
from bot.i18n import translator
from bot.meet.service import MeetingService
from bot.notes.home import home_blocks as notes_blocks
from bot.notes.store import NotesStore
from bot.recordings.links import RecordingLinks
from bot.settings.store import SettingsStore
from bot.standups import blocks as standup_blocks
from bot.standups.store import StandupStore
from bot.storage.jobs import JobFunction, JobName


def home_functions(
    service: MeetingService,
    schedules: StandupStore,
    links: RecordingLinks,
    *,
    policies: SettingsStore | None = None,
    notes: NotesStore | None = None,
) -> dict[str, JobFunction]:
    async def refresh_home(
        ctx: dict[str, Any], *, team_id: str, enterprise_id: str | None, user_id: str
    ) -> None:
        ws = Workspace(team_id=team_id, enterprise_id=enterprise_id)
        meetings = await service.store.records.user_meetings(team_id, user_id)
        mine = await schedules.user_schedules(team_id, user_id)
        next_due = await schedules.next_due([s.id for s in mine])
        taken = []
        for meeting in meetings if notes is not None else ():
            if meeting.notes and notes is not None:
                taken += [(meeting, n) for n in await notes.of_meeting(meeting.id)]
        t = translator(await service.language_of(ws, user_id))
        view = home_view(
            meetings=meetings,
            now=service.clock(),
            viewer_id=user_id,
            recording_link=links.url,
            standups=standup_blocks.home_blocks(mine, next_due, t),
            notes=notes_blocks(taken, t),
            capabilities=service.provider.capabilities,
            policy=await policies.policy(team_id) if policies is not None else None,
            t=t,
        )
        await service.slack.publish_home(ws, user_id, view)
        await service.store.home_viewers.mark(team_id, user_id)

    return {JobName.REFRESH_HOME: refresh_home}
