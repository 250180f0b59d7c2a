"""Use cases of the host controls, run in worker jobs: apply one host action (End, Extend,
Lobby) exactly once in effect, and keep the host's "someone is waiting" DM current.

An action is checked against Slack (users.info, asked afresh: someone who lost admin rights
since they clicked is refused) and against the meeting as stored, under a per-meeting lock, so
a double click applies once and the second click is told why nothing changed. The provider is
called before the record changes (its host controls are idempotent), and the record's change
carries the step `applied` in the same write: a job killed in between calls the provider again
and then records; one killed after goes straight on to the card refresh and the reply.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.cards.reducer import close_meeting
from bot.domain.inputs import Workspace
from bot.domain.meeting import Meeting
from bot.errors import ProviderError, RetryLater, SlackError, UnsupportedError, user_message
from bot.hostctl import blocks
from bot.hostctl.actions import HostAction, HostRequest
from bot.hostctl.rules import (
    THAT_DATE,
    extend_problem,
    extend_target,
    may_act,
    not_allowed,
    state_refusal,
)
from bot.i18n import Text, Translator, translator
from bot.meet.service import MeetingService, is_permanent
from bot.meet.timefmt import slack_date
from bot.settings.model import LOBBY
from bot.settings.service import SettingsService
from bot.storage.jobs import Jobs

log = logging.getLogger(__name__)

Refresh = Callable[[str], Awaitable[None]]
LOCK_TTL = 60


class Busy(RetryLater):
    """Another host action on this meeting is running: this one goes after it."""


class HostControls:
    def __init__(
        self,
        *,
        meetings: MeetingService,
        settings: SettingsService,
        jobs: Jobs,
        refresh: Refresh,
    ) -> None:
        self.meetings = meetings
        self.provider = meetings.provider
        self.store = meetings.store
        self.slack = meetings.slack
        self.clock = meetings.clock
        self.settings = settings
        self.jobs = jobs
        self.refresh = refresh

    async def run(self, req: HostRequest) -> str:
        """Apply (or resume) one host action; what happened, for the job's log."""
        steps = await self.store.steps.load(req.key)
        if (told := steps.get("told")) is not None:
            return told
        meeting = await self.store.records.get(req.meeting_id)
        if meeting is None:
            t = await self._reader(req)
            text = t.gettext(
                ":information_source: I no longer know this meeting: its room has gone."
            )
            return await self._tell(req, "unknown", text)
        new_links = False
        if "applied" not in steps and not await self._allowed(req, meeting):
            log.info("host action %s on %s refused to %s", req.action, meeting.id, req.user_id)
            t = await self._reader(req)
            return await self._tell(req, "refused", t.text(not_allowed(req.action, meeting)))
        # After `_allowed`: its users.info answer (if it asked) left the locale in Redis.
        t = await self._reader(req)
        if "applied" not in steps:
            async with self.store.locks.exclusive(f"host:{meeting.id}", ttl=LOCK_TTL) as held:
                if not held:
                    raise Busy(f"another host action on {meeting.id} is running")
                current = await self.store.records.get(meeting.id)
                if current is None:
                    gone = t.gettext(":information_source: This room has gone.")
                    return await self._tell(req, "unknown", gone)
                refusal = await self._refusal(req, current, t)
                if refusal is not None:
                    return await self._tell(req, "refused", refusal)
                try:
                    change = await self._apply(req, current)
                except ProviderError as exc:
                    if not (isinstance(exc, UnsupportedError) or is_permanent(exc)):
                        raise  # the provider's trouble: the job retries
                    log.warning("host action %s on %s failed: %s", req.action, meeting.id, exc)
                    return await self._tell(req, "failed", user_message(exc, t))
                steps.note("applied", self.clock().isoformat())
                meeting = (
                    await self.store.records.update(meeting.id, change, steps=steps) or current
                )
                # Daily signs the links again for a new end; Meetings' links stay as they were.
                new_links = req.action.extends and meeting.host_url != current.host_url
            log.info("host action %s applied to %s by %s", req.action, meeting.id, req.user_id)
        await self.refresh(meeting.id)
        if meeting.waiting:
            await self.jobs.sync_waiting(meeting.id)
        await self.jobs.refresh_home(_workspace(meeting), meeting.creator_id)
        done = blocks.done_text(req.action, meeting, t, new_links=new_links)
        return await self._tell(req, "done", done)

    async def _reader(self, req: HostRequest) -> Translator:
        """The clicker's language: every reply to a host action is theirs alone."""
        return translator(await self.meetings.language_of(req.workspace, req.user_id))

    async def _allowed(self, req: HostRequest, meeting: Meeting) -> bool:
        if req.user_id == meeting.creator_id:
            return True
        # Asked afresh: admin rights lost since the click (or the modal) count.
        role = await self.settings.role(req.workspace, req.user_id, fresh=True)
        return may_act(meeting, req.user_id, role, req.workspace.team_id)

    async def _refusal(self, req: HostRequest, meeting: Meeting, t: Translator) -> str | None:
        now = self.clock()
        refusal = state_refusal(req.action, meeting, now)
        if refusal is None and req.action.extends:
            until = req.until or extend_target(meeting, now)
            if meeting.expires_at == until:  # a double click of "Extend by 30 days"
                return t.gettext(
                    ":information_source: This room is already available until %(date)s."
                    " Nothing was changed.",
                    date=slack_date(until, t=t),
                )
            policy = await self.settings.store.policy(meeting.team_id)
            problem = extend_problem(meeting, until, policy, now=now, given=Text(THAT_DATE))
            if problem is not None:
                return t.gettext("%(problem)s Nothing was changed.", problem=problem)
        return None if refusal is None else t.text(refusal)

    async def _apply(self, req: HostRequest, meeting: Meeting) -> Callable[[Meeting], Meeting]:
        """Call the provider; the record's change that follows from it."""
        assert meeting.room_id is not None
        action, now, by = req.action, self.clock(), req.user_id
        if action is HostAction.END:
            await self.provider.end_room(meeting.room_id)
            return lambda m: close_meeting(m, by=by, at=now)
        if action.lobby:
            on = action is HostAction.LOBBY_ON
            await self.provider.set_lobby(meeting.room_id, on)
            guest_url = None
            if self.provider.name == "daily":
                # Daily lets any meeting token into a private room, so a lobby room's guest
                # link is the bare room URL: the link to hand out changes with the lobby
                # (bot.providers.daily.provider.set_lobby); `find_room` gives the new one.
                room = await self.provider.find_room(meeting.id)
                guest_url = room.guest_url if room is not None else None
            # Set by hand now, no longer the channel's default.
            return lambda m: m.replace(
                lobby=on,
                defaulted=tuple(d for d in m.defaulted if d != LOBBY),
                guest_url=guest_url or m.guest_url,
            )
        until = req.until or extend_target(meeting, now)
        room = await self.provider.extend_room(meeting.room_id, until)
        return lambda m: m.replace(
            expires_at=room.expires_at or until,
            guest_url=room.guest_url or m.guest_url,
            host_url=room.host_url or m.host_url,
        )

    async def _tell(self, req: HostRequest, outcome: str, text: str) -> str:
        """The private reply: where the click came from (its response_url), else a DM."""
        message = blocks.reply(text)
        try:
            if req.response_url:
                try:
                    await self.slack.respond(req.response_url, message)
                except SlackError:
                    # A response_url lasts 30 minutes (a modal may stay open longer): a DM.
                    await self.slack.post(req.workspace, req.user_id, message)
            else:
                await self.slack.post(req.workspace, req.user_id, message)
        except SlackError as exc:
            # The action's outcome stands; a reply Slack refused is not worth a retry.
            log.warning("host action reply to %s failed: %s", req.user_id, exc.error)
        await self.store.steps.record(req.key, "told", outcome)
        return outcome

    # --- the "someone is waiting" DM -----------------------------------------------------------

    async def sync_waiting(self, meeting_id: str) -> str:
        """The `waiting_dm` job: post the host's DM when someone first waits, then edit it to
        the record's waiting list, whatever order the events came in."""
        async with self.store.locks.exclusive(f"waiting:{meeting_id}", ttl=30) as held:
            if not held:
                await self.jobs.sync_waiting(meeting_id)  # go after the one running
                return "busy"
            meeting = await self.store.records.get(meeting_id)
            if meeting is None:
                return "unknown meeting"
            key = f"waiting-dm:{meeting_id}"
            steps = await self.store.steps.load(key)
            ws = _workspace(meeting)
            # The host's language; the DM is edited into it should they change it.
            host = translator(await self.meetings.language_of(ws, meeting.creator_id))
            message = blocks.waiting_dm(meeting, host)
            ts = steps.get("dm")
            if ts is None:
                if not meeting.waiting_now:
                    return "nobody waiting"
                await self.meetings.post_once(key, "dm", ws, meeting.creator_id, message)
                await self.store.steps.record(key, "shown", message.text)
                return "posted"
            if steps.get("shown") == message.text:
                return "unchanged"
            await self.slack.update(ws, meeting.creator_id, ts, message)
            await self.store.steps.record(key, "shown", message.text)
            return "updated"


def _workspace(meeting: Meeting) -> Workspace:
    return Workspace(team_id=meeting.team_id, enterprise_id=meeting.enterprise_id)
