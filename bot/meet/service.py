"""Use case: start a meeting — create the room, post the card, DM the host and invitees.

Runs in a worker job. Every outside call is preceded by a recorded attempt (`JobSteps.record`,
or for a post its pacing turn, which writes the noted attempt first) and each Slack post carries a marker in its message metadata, so a job killed between "posted"
and "recorded" finds its own message instead of posting twice. That is also why a result can
ride along with the next write (`JobSteps.note`) instead of costing a Redis round trip alone.
The service never imports aiohttp.web or slack_bolt: Slack is reached through `SlackPort`
(`bot.domain.ports`).
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.domain.clock import Clock
from bot.domain.inputs import StartMeeting, Workspace
from bot.domain.meeting import Meeting
from bot.domain.message import Message
from bot.domain.ports import ChannelSettings, FollowUps, SlackPort
from bot.domain.rooms import Capability, RoomProvider, RoomRequest
from bot.errors import (
    ClientValidationError,
    NotInChannel,
    ProviderAuthError,
    ProviderError,
    SlackAuthBroken,
    SlackError,
    SlackRateLimited,
    SlackUnavailable,
    Unavailable,
    UsageError,
    user_message,
)
from bot.i18n import DEFAULT_LANGUAGE, translator
from bot.meet import blocks, late_reply, replies
from bot.settings.model import NOTES
from bot.storage.steps import JobSteps
from bot.storage.store import Store

log = logging.getLogger(__name__)

# Why a request for notes cannot be met (mrkdwn), or None: asked before anything is created
# (`bot.notes.refusals`).
NotesCheck = Callable[[StartMeeting], Awaitable[str | None]]


# Errors that will not go away by retrying the same request.
PERMANENT = (UsageError, ClientValidationError, ProviderAuthError)
# Slack errors that are Slack's trouble, not the request's: the job retries.
SLACK_TRANSIENT = (NotInChannel, SlackUnavailable, SlackRateLimited)


def is_permanent(exc: BaseException) -> bool:
    """Whether retrying cannot help, so the person is told now (the job layer's decision).

    Slack's 429s are never permanent by themselves: `bot.slack.web` waits them out and the job
    retries, until Slack has refused for its deadline (`SlackRateLimited.gave_up`)."""
    if isinstance(exc, PERMANENT):
        return True
    if isinstance(exc, ProviderError) and exc.status is not None:
        return 400 <= exc.status < 500 and exc.status != 429
    if isinstance(exc, SlackRateLimited):
        return exc.gave_up
    return isinstance(exc, SlackError) and not isinstance(exc, SLACK_TRANSIENT)


class MeetingService:
    def __init__(
        self,
        *,
        provider: RoomProvider,
        slack: SlackPort,
        store: Store,
        followups: FollowUps,
        public_url: str,
        clock: Clock,
        recheck_after: timedelta = timedelta(minutes=1),
        settings: ChannelSettings | None = None,
        notes_check: NotesCheck | None = None,
    ) -> None:
        self.provider = provider
        self.notes_check = notes_check
        self.settings = settings
        self.slack = slack
        self.store = store
        self.followups = followups
        self.public_url = public_url.rstrip("/")
        self.clock = clock
        self.recheck_after = recheck_after

    def callback_url(self, token: str) -> str:
        return f"{self.public_url}/callbacks/meetings/{token}"

    async def start_meeting(self, req: StartMeeting) -> Meeting:
        """Run (or resume) every step of starting a meeting; safe to call again after a crash."""
        existing, steps = await self.store.records.resume(req.meeting_id, req.key)
        if existing is None and self.settings is not None:
            # Before anything exists: who may start is Slack's to say (users.info), so it is
            # checked here rather than at the ack; a refusal is told privately, once.
            refusal = await self.settings.start_refusal(req.workspace, req.user_id)
            if refusal is not None:
                log.info("meeting %s refused by the workspace policy", req.meeting_id)
                raise UsageError(refusal)
        if existing is None and req.notes and self.notes_check is not None:
            refusal = await self.notes_check(req)
            if refusal is not None and NOTES in req.defaulted:
                # Only the channel's default asked: the meeting goes ahead without notes.
                defaulted = tuple(name for name in req.defaulted if name != NOTES)
                req = dataclasses.replace(req, notes=False, defaulted=defaulted)
            elif refusal is not None:
                log.info("meeting %s refused: notes cannot be taken", req.meeting_id)
                raise UsageError(refusal, usage=replies.USAGE)
        # The creator's language (their Slack locale, cached with their role): their DM and the
        # room's UI; the card's too unless the channel has a default language.
        language = await self.language_of(req.workspace, req.user_id)
        if req.reply_late:  # the ack said nothing: say it now, in their language
            await late_reply.starting_note(self.slack, steps, req, translator(language))
        meeting = existing or self.new_meeting(req).replace(language=req.language or language)
        meeting = await self._room(
            req, meeting, steps, saved=existing is not None, language=language
        )
        meeting = await self._card(req, meeting, steps)
        if not req.home_only:  # a channel default: the host link is in App Home only
            host_dm = replies.host_dm(meeting, translator(language))
            await self._post_once(steps, "host_dm", req.workspace, req.user_id, host_dm)
        for user_id in req.invitees:
            if user_id == req.user_id:
                continue
            try:
                if f"invite:{user_id}" in steps:
                    continue  # sent (or failed) before a retry: no second users.info either
                invited = translator(await self.language_of(req.workspace, user_id))
                await self._post_once(
                    steps,
                    f"invite:{user_id}",
                    req.workspace,
                    user_id,
                    replies.invite_dm(meeting, invited),
                )
            except (SlackUnavailable, SlackRateLimited, SlackAuthBroken):
                raise  # Slack's trouble or the installation's, not the invitee's
            except SlackError as exc:
                # One unreachable invitee must not fail the meeting for everyone else.
                log.warning("invite DM to %s failed: %s", user_id, exc.error)
                await steps.record(f"invite:{user_id}", f"failed:{exc.error}")
        # `watch`, not `mark_active`: a callback handled meanwhile may have asked for sooner.
        # It also says whether the creator has opened App Home lately: only then is it
        # re-published (as `Jobs.refresh_home` decides), so most starts ask nothing more.
        viewer = await self.store.watchlist.watch(
            meeting.id,
            self.clock() + self.recheck_after,
            steps=steps,
            viewer=(req.workspace.team_id, req.user_id),
        )
        if viewer:
            await self.followups.refresh_home(req.workspace, req.user_id)
        return meeting

    async def language_of(self, ws: Workspace, user_id: str) -> str:
        """The language `user_id` reads meetbot in (bot.i18n); English without settings."""
        if self.settings is None:
            return DEFAULT_LANGUAGE
        return await self.settings.language_of(ws, user_id)

    def new_meeting(self, req: StartMeeting) -> Meeting:
        """The record `start_meeting` begins from; a standup saves it first with its own room."""
        return Meeting(
            id=req.meeting_id,
            team_id=req.workspace.team_id,
            enterprise_id=req.workspace.enterprise_id,
            creator_id=req.user_id,
            title=req.title,
            channel_id=req.channel_id,
            thread_ts=req.thread_ts,
            kind=req.kind,
            record=req.record,
            invitees=req.invitees,
            expires_at=req.expires_at,
            defaulted=req.defaulted,
            notes=req.notes,
            language=req.language or DEFAULT_LANGUAGE,
            # 192 bits: the token is the callback's only credential (the provider signs nothing).
            callback_token=secrets.token_urlsafe(24),
            created_at=self.clock(),
        )

    async def _room(
        self,
        req: StartMeeting,
        meeting: Meeting,
        steps: JobSteps,
        *,
        saved: bool,
        language: str | None = None,
    ) -> Meeting:
        if meeting.room_id is not None:
            return meeting
        assert meeting.callback_token is not None
        room = None
        if "room:attempt" in steps:
            # An earlier attempt may have created the room before failing ambiguously (timeout,
            # 500/502/504, a worker killed mid-request): look first. A second long-term room
            # would outlive us; a second instant one counts against the account's room cap.
            room = await self.provider.find_room(meeting.id)
        if room is None:
            attempt = self.clock().isoformat()
            if saved:
                await steps.record("room:attempt", attempt)
            else:
                # Saved before the room exists (a retry must reuse the token the room may
                # carry), in one transaction with the attempt.
                await self.store.records.save(
                    meeting, steps=steps, record={"room:attempt": attempt}
                )
            room = await self.provider.create_room(
                RoomRequest(
                    title=meeting.title,
                    kind=meeting.kind,
                    expires_at=req.expires_at,
                    record=req.record,
                    expire_after_use=req.expire_after_use,
                    callback_url=self.callback_url(meeting.callback_token),
                    metadata=meeting.id,
                    notes=meeting.notes,
                    lobby=req.lobby,
                    language=language,
                )
            )
        meeting = meeting.replace(
            room_id=room.id,
            guest_url=room.guest_url,
            host_url=room.host_url,
            meeting_code=room.meeting_code,
            expires_at=room.expires_at,
            # The channel's lobby default, where the provider has a lobby (bot.hostctl).
            lobby=room.lobby or (req.lobby and Capability.LOBBY in self.provider.capabilities),
        )
        await self.store.records.save(meeting, steps=steps)
        return meeting

    async def _card(self, req: StartMeeting, meeting: Meeting, steps: JobSteps) -> Meeting:
        if meeting.card_ts is not None or meeting.card_via_response_url:
            return meeting
        card = blocks.meeting_card(
            meeting, now=self.clock(), capabilities=self.provider.capabilities
        )
        try:
            ts = await self._post_once(
                steps, "card", req.workspace, req.channel_id, card, req.thread_ts
            )
        except NotInChannel:
            if await self.slack.join(req.workspace, req.channel_id):
                ts = await self._post_once(
                    steps, "card", req.workspace, req.channel_id, card, req.thread_ts
                )
            else:
                return await self._card_via_response_url(req, meeting, card, steps)
        # Read-modify-write: room events may already have changed the record (bot.cards.live).
        saved = await self.store.records.update(
            meeting.id, lambda m: m.replace(card_ts=ts), steps=steps, known=meeting
        )
        return saved or meeting.replace(card_ts=ts)

    async def _card_via_response_url(
        self, req: StartMeeting, meeting: Meeting, card: Message, steps: JobSteps
    ) -> Meeting:
        """Private channel or DM we cannot join: post through the command's response_url.

        Such a card has no ts we can address, so it can never be updated (README: "Live updates").
        The private note is in the creator's language (cached with their role by now).
        """
        t = translator(await self.language_of(req.workspace, req.user_id))
        if req.response_url is None:
            # A modal submission carries no response_url: tell the creator privately instead.
            await self._post_once(
                steps,
                "card:dm",
                req.workspace,
                req.user_id,
                replies.private_channel_notice(card_posted=False, t=t),
            )
        elif "card:response_url" not in steps:
            await self.slack.respond(req.response_url, card, in_channel=True)
            await steps.record("card:response_url", "sent")
            await self.slack.respond(req.response_url, replies.private_channel_notice(t=t))
        saved = await self.store.records.update(
            meeting.id, lambda m: m.replace(card_via_response_url=True), steps=steps
        )
        return saved or meeting.replace(card_via_response_url=True)

    async def post_once(
        self,
        key: str,
        step: str,
        ws: Workspace,
        channel: str,
        message: Message,
        thread_ts: str | None = None,
    ) -> str:
        """Post exactly once in effect for (key, step): recording replies use it too."""
        steps = await self.store.steps.load(key)
        posted = await self._post_once(steps, step, ws, channel, message, thread_ts)
        await steps.flush()
        return posted

    async def _post_once(
        self,
        steps: JobSteps,
        step: str,
        ws: Workspace,
        channel: str,
        message: Message,
        thread_ts: str | None = None,
    ) -> str:
        """Post `message` exactly once in effect for (job key, step). The result is noted, not
        written: the caller's next write (or `flush`) carries it."""
        done = steps.get(step)
        if done is not None:
            return done
        marker = f"{steps.key}:{step}"
        attempted = steps.get(f"{step}:attempt")
        if attempted is not None:
            found = await self.slack.find_posted(
                ws, channel, since=float(attempted), marker=marker, thread_ts=thread_ts
            )
            if found is not None:
                steps.note(step, found)
                return found
        # Slack's ts has microsecond resolution; one second of slack covers clock skew. The
        # attempt is written with the post's pacing turn, before the post goes out.
        steps.note(f"{step}:attempt", str(self.clock().timestamp() - 1))
        try:
            posted = await self.slack.post(
                ws, channel, message, thread_ts=thread_ts, marker=marker, steps=steps
            )
        except SlackUnavailable:
            raise  # maybe posted: the retry looks for it (the attempt stays recorded)
        except SlackError:
            # Slack answered and refused: nothing was posted, so there is nothing to look for.
            await steps.forget(f"{step}:attempt")
            raise
        steps.note(step, posted.ts)
        return posted.ts

    async def notify_failure(self, req: StartMeeting, exc: BaseException) -> None:
        """Tell the requester, once, that their meeting could not be started and why."""
        if "failed:notice" in await self.store.steps.read(req.key):
            return
        try:
            language = await self.language_of(req.workspace, req.user_id)
        except (SlackError, Unavailable):
            language = DEFAULT_LANGUAGE  # telling them in English beats not telling them
        t = translator(language)
        message = replies.ephemeral_error(user_message(exc, t))
        if req.response_url is not None:
            await self.slack.respond(req.response_url, message)
        else:
            try:
                await self.slack.post(req.workspace, req.user_id, message)
            except SlackAuthBroken:
                # No token to DM them with; the operator's log has the one ERROR about it.
                log.info(
                    "meeting %s: cannot tell %s, the installation is broken",
                    req.meeting_id,
                    req.user_id,
                )
        await self.store.steps.record(req.key, "failed:notice", type(exc).__name__)
