"""Use cases for standups: schedule one, fire one occurrence, pause, resume, cancel.

Runs in worker jobs (`bot.standups.tasks`). An occurrence is an ordinary meeting started by
`MeetingService.start_meeting` (same card, host DM, recorded steps, callbacks, recordings),
keyed `standup:{id}:{due}`; the only difference is that it reuses the schedule's long-term
room: its Meeting record is saved first with that room and the room's callback token, so
callbacks reach the newest card. The room is renewed (PATCH expires_at) when it has less
than RENEW_WITHIN left, and recreated when the provider says it is gone.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.clock import Clock
from bot.domain.inputs import CreateStandup, StartMeeting, Workspace
from bot.domain.meeting import Meeting
from bot.domain.message import Message
from bot.domain.ports import ChannelSettings
from bot.domain.rooms import Capability, Room, RoomKind
from bot.errors import (
    ChannelUnreachable,
    NotFoundError,
    NotInChannel,
    ProviderError,
    SlackAuthBroken,
    SlackError,
    user_message,
)
from bot.i18n import DEFAULT_LANGUAGE, Translator, language_of, translator
from bot.meet.blocks import section
from bot.meet.replies import ephemeral_error
from bot.meet.service import MeetingService, is_permanent
from bot.notes.refusals import provider_refusal
from bot.standups import blocks as standup_blocks
from bot.standups.recurrence import local_start, next_occurrence
from bot.standups.store import Schedule, StandupStore

log = logging.getLogger(__name__)

ROOM_LIFETIME = timedelta(days=90)
# Renewed at the first occurrence with less than this left: a monthly standup (runs at most
# 31 days apart) always renews its room before it expires.
RENEW_WITHIN = timedelta(days=45)
LATE_MARK = timedelta(minutes=1)  # fired later than this after its time: the card says so


def workspace(schedule: Schedule) -> Workspace:
    return Workspace(team_id=schedule.team_id, enterprise_id=schedule.enterprise_id)


def _zone(tz: str | None) -> str:
    try:
        return str(ZoneInfo(tz)) if tz else "UTC"
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"


def needs_renewal(room: Room, links_until: datetime | None, now: datetime) -> bool:
    """Renew when the room or the saved links (valid until the room's expiry when they were
    made) have less than RENEW_WITHIN left: a renewal that failed after moving the room's
    expiry, before its new links were saved, is then made again rather than skipped."""
    if room.expires_at is None:
        return True
    until = room.expires_at if links_until is None else min(room.expires_at, links_until)
    return until - now < RENEW_WITHIN


class StandupService:
    def __init__(
        self,
        *,
        meetings: MeetingService,
        store: StandupStore,
        clock: Clock,
        settings: ChannelSettings | None = None,
    ) -> None:
        self.meetings = meetings
        self.settings = settings
        self.slack = meetings.slack
        self.provider = meetings.provider
        self.store = store
        self.clock = clock

    def next_due(self, schedule: Schedule, after: datetime) -> datetime | None:
        return next_occurrence(schedule.rule, tz=schedule.tz, dtstart=schedule.dtstart, after=after)

    async def create(self, req: CreateStandup) -> Schedule | None:
        """Schedule it in the creator's zone; None (and a private reply) if we cannot post there."""
        existing = await self.store.get(req.schedule_id)
        if existing is not None and existing.key == req.key:
            return existing  # a retried job: done already
        user = await self.slack.user_info(req.workspace, req.user_id)
        t = translator(language_of(user.locale))  # the creator reads the private replies
        if self.settings is not None and (
            refusal := await self.settings.start_refusal(req.workspace, req.user_id, known=user)
        ):
            log.info("standup %s refused by the workspace policy", req.schedule_id)
            await self._reply(req, _private(t.text(refusal)))
            return None
        if req.notes and (refusal := provider_refusal(self.provider)):
            log.info("standup %s refused: the provider cannot take notes", req.schedule_id)
            await self._reply(req, _private(t.text(refusal)))
            return None
        now, tz = self.clock(), _zone(user.tz)
        if twin := await self._same_times_here(req, tz):
            log.info("standup not scheduled: %s already runs at those times", twin.id)
            await self._reply(req, standup_blocks.already_scheduled(twin, t))
            return None
        schedule = Schedule(
            id=req.schedule_id,
            key=req.key,
            team_id=req.workspace.team_id,
            enterprise_id=req.workspace.enterprise_id,
            owner_id=req.user_id,
            channel_id=req.channel_id,
            title=req.title,
            rule=req.rule,
            description=req.description,
            tz=tz,
            dtstart=local_start(now, tz),
            here=req.here,
            notes=req.notes,
            created_at=now,
        )
        schedule = schedule.replace(language=await self._channel_language(schedule) or t.language)
        first = self.next_due(schedule, now)
        try:
            await self._announce(req, schedule, first)
        except (NotInChannel, ChannelUnreachable) as exc:
            log.info("standup %s not scheduled: cannot post (%s)", schedule.id, exc.error)
            await self._reply(req, standup_blocks.cannot_post_here(t))
            return None
        except SlackError as exc:
            # Not "cannot post here": a missing scope or a dead token is told as what it is;
            # anything else (rate limits, Slack down) is raised, and the job retries it.
            if not is_permanent(exc):
                raise
            log.info("standup %s not scheduled: Slack %s", schedule.id, exc.error)
            if not isinstance(exc, SlackAuthBroken):  # no token left to answer with
                await self._reply(req, ephemeral_error(user_message(exc, t)))
            return None
        if first is None or not await self.store.create(schedule, first):
            raise RuntimeError(f"schedule id {schedule.id} is taken")
        await self._reply(req, standup_blocks.created(schedule, first, t))
        await self.meetings.followups.refresh_home(req.workspace, req.user_id)
        return schedule

    async def _channel_language(self, schedule: Schedule) -> str | None:
        """The channel's default language (bot.settings), None where it has none: asked the
        way a run asks for the channel's defaults, so both read the same setting."""
        if self.settings is None:
            return None
        run = self.occurrence_request(schedule, 0)
        return (await self.settings.with_channel_defaults(run, recording=False)).language

    async def _same_times_here(self, req: CreateStandup, tz: str) -> Schedule | None:
        """A schedule of this channel that repeats at the same local times in the same zone:
        a second one would post every card twice (issue 18). Its title does not matter."""
        for schedule in await self.store.channel_schedules(req.workspace.team_id, req.channel_id):
            if schedule.rule == req.rule and schedule.tz == tz and schedule.key != req.key:
                return schedule
        return None

    async def _announce(
        self, req: CreateStandup, schedule: Schedule, first: datetime | None
    ) -> None:
        """Tell the channel (once), in its language; this is also where we learn we cannot post
        there."""
        t = translator(schedule.language or DEFAULT_LANGUAGE)
        message = standup_blocks.announcement(schedule, first, t)
        key, ws = f"standup-create:{req.key}", req.workspace
        try:
            await self.meetings.post_once(key, "announce", ws, req.channel_id, message)
        except NotInChannel:
            if not await self.slack.join(ws, req.channel_id):
                raise
            await self.meetings.post_once(key, "announce", ws, req.channel_id, message)

    async def _reply(self, req: CreateStandup, message: Message) -> None:
        if req.response_url is not None:
            await self.slack.respond(req.response_url, message)
        else:
            await self.slack.post(req.workspace, req.user_id, message)

    async def fire(self, schedule_id: str, due: int, *, owner: str, late_seconds: float) -> str:
        """Post one occurrence's card and DM its host link, once; what happened, for the log."""
        if not await self.store.mark_fired(schedule_id, due, owner):
            return "duplicate"
        schedule = await self.store.get(schedule_id)
        if schedule is None or schedule.paused:
            return "cancelled" if schedule is None else "paused"
        req = self.occurrence_request(schedule, due)
        if self.settings is not None:
            # The channel's defaults as they are at this run: the host link and the lobby (not
            # recording: the run reuses a room made without it, and a schedule has no record).
            req = await self.settings.with_channel_defaults(req, recording=False)
        # The card speaks the channel's language: its default now, else the one kept with the
        # schedule (English for a schedule stored before languages).
        language = req.language or schedule.language or DEFAULT_LANGUAGE
        req = dataclasses.replace(req, language=language)
        if await self.meetings.store.records.get(req.meeting_id) is None:
            schedule = await self._renew(schedule)
            late = timedelta(seconds=late_seconds)
            seed = self.meetings.new_meeting(req).replace(
                banner=standup_blocks.banner(
                    schedule, late_by=late if late > LATE_MARK else None, t=translator(language)
                )
            )
            if schedule.room_id is not None:
                seed = seed.replace(
                    room_id=schedule.room_id,
                    guest_url=schedule.guest_url,
                    host_url=schedule.host_url,
                    meeting_code=schedule.meeting_code,
                    expires_at=schedule.room_expires_at,
                    callback_token=schedule.callback_token,
                )
                if req.lobby and Capability.LOBBY in self.meetings.provider.capabilities:
                    # The reused room takes the channel's lobby default at this run (issue 17);
                    # idempotent at the provider, so a retried run asks again harmlessly.
                    try:
                        await self.meetings.provider.set_lobby(schedule.room_id, True)
                        seed = seed.replace(lobby=True)
                    except ProviderError as exc:  # the run goes ahead; its card says no lobby
                        log.warning("standup %s: lobby not set: %s", schedule.id, exc)
            await self.meetings.store.records.save(seed)
        try:
            meeting = await self.meetings.start_meeting(req)
        finally:
            # Keep the room even if posting failed: the next occurrence reuses it.
            made = await self.meetings.store.records.get(req.meeting_id)
            if made is not None and made.room_id is not None:
                await self._adopt(schedule_id, made)
        return meeting.id

    def occurrence_request(self, schedule: Schedule, due: int) -> StartMeeting:
        return StartMeeting(
            key=f"standup:{schedule.id}:{due}",
            workspace=workspace(schedule),
            user_id=schedule.owner_id,
            channel_id=schedule.channel_id,
            title=schedule.title,
            kind=RoomKind.LONG_TERM,
            expires_at=schedule.room_expires_at or self.clock() + ROOM_LIFETIME,
            notes=schedule.notes,
            language=schedule.language,
        )

    async def _renew(self, schedule: Schedule) -> Schedule:
        """The schedule with a room good for RENEW_WITHIN more, or with none (one is created).

        A renewed room's links replace the saved ones: Daily's carry tokens that expire with
        the room's old expiry (`RoomProvider.extend_room`)."""
        if schedule.room_id is None:
            return schedule
        now = self.clock()
        room: Room | None
        extended = False
        try:
            room = await self.provider.get_room(schedule.room_id)
            if room.is_available and needs_renewal(room, schedule.room_expires_at, now):
                room = await self.provider.extend_room(schedule.room_id, now + ROOM_LIFETIME)
                extended = True
        except NotFoundError:
            room = None
        changed: dict[str, Any]
        if room is None or not room.is_available:
            log.info(
                "standup %s: room %s is gone; creating a new one", schedule.id, schedule.room_id
            )
            changed = {"room_id": None, "guest_url": None, "host_url": None, "meeting_code": None}
            changed |= {"room_expires_at": None, "callback_token": None}
        else:
            changed = {"room_expires_at": room.expires_at}
            if extended:
                changed |= {"guest_url": room.guest_url, "host_url": room.host_url}
                changed |= {"meeting_code": room.meeting_code}
        return await self.store.update(schedule.id, lambda s: s.replace(**changed)) or schedule

    async def _adopt(self, schedule_id: str, meeting: Meeting) -> None:
        def change(s: Schedule) -> Schedule:
            return s.replace(
                room_id=meeting.room_id,
                guest_url=meeting.guest_url,
                host_url=meeting.host_url,
                meeting_code=meeting.meeting_code,
                room_expires_at=meeting.expires_at,
                callback_token=meeting.callback_token,
                last_meeting_id=meeting.id,
            )

        await self.store.update(schedule_id, change)

    # --- managing ---------------------------------------------------------------------------

    async def pause(self, schedule: Schedule) -> Schedule | None:
        paused = await self.store.set_paused(schedule.id, None)
        await self.meetings.followups.refresh_home(workspace(schedule), schedule.owner_id)
        return paused

    async def resume(self, schedule: Schedule) -> Schedule | None:
        """Runs again from the next occurrence after now: what was missed is not made up."""
        resumed = await self.store.set_paused(schedule.id, self.next_due(schedule, self.clock()))
        await self.meetings.followups.refresh_home(workspace(schedule), schedule.owner_id)
        return resumed

    async def cancel(self, schedule: Schedule) -> None:
        await self.store.delete(schedule)
        await self.meetings.followups.refresh_home(workspace(schedule), schedule.owner_id)

    async def cancel_as(
        self, ws: Workspace, schedule_id: str, user_id: str, response_url: str | None
    ) -> str:
        """`/meet cancel` by someone other than the owner: only a workspace admin or owner may.
        The answer is in their language."""
        schedule = await self.store.get(schedule_id)
        if schedule is None or user_id == schedule.owner_id:
            allowed, t = True, translator(await self.meetings.language_of(ws, user_id))
        else:
            allowed, t = await self._is_admin(ws, user_id)
        if schedule is None:
            message, outcome = standup_blocks.unknown_schedule(schedule_id, t), "unknown"
        elif allowed:
            await self.cancel(schedule)
            message, outcome = standup_blocks.cancelled(schedule, t), "cancelled"
        else:
            message, outcome = standup_blocks.cancel_refused(schedule, t), "refused"
        if response_url is not None:
            await self.slack.respond(response_url, message)
        else:
            await self.slack.post(ws, user_id, message)
        return outcome

    async def _is_admin(self, ws: Workspace, user_id: str) -> tuple[bool, Translator]:
        """Whether they are a workspace admin or owner (Slack asked now), and their language
        from the same answer."""
        user = await self.slack.user_info(ws, user_id)
        return user.is_admin or user.is_owner, translator(language_of(user.locale))


def _private(text: str) -> Message:
    return Message(text=text, blocks=[section(text)])
