"""The web role's part of the host controls: a click becomes a durable `host_action` job
before the ack, and "Extend to a date…" opens its modal right after the ack (the trigger
lasts 3 s), whose submission is checked against the record and the policy (field errors in
the modal) before its job is queued. Only Redis is read on the ack path; Slack is asked who
someone is after it (opening the modal) or in the job (acting).

Languages: everything here is read by the clicker alone, so it speaks their Slack locale; the
modal's field errors use the language the modal was drawn in (kept in its metadata)."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Protocol

from bot.domain.inputs import Workspace
from bot.domain.meeting import Meeting
from bot.domain.message import Message
from bot.domain.ports import Posted
from bot.errors import SlackError
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
from bot.i18n import ENGLISH, Text, Translator, translator
from bot.settings.policy import latest_end
from bot.settings.service import SettingsService
from bot.slack.limits import end_of_day_utc, latest_expiry
from bot.storage.jobs import JobName, Jobs
from bot.storage.redis import unavailable_when_down
from bot.storage.store import Store

log = logging.getLogger(__name__)


class DialogSlack(Protocol):
    async def open_view(self, ws: Workspace, trigger_id: str, view: dict[str, Any]) -> None: ...

    async def respond(
        self, response_url: str, message: Message, *, in_channel: bool = False
    ) -> None: ...

    async def post(
        self,
        ws: Workspace,
        channel: str,
        message: Message,
        *,
        thread_ts: str | None = None,
        marker: str | None = None,
    ) -> Posted: ...


class HostDialogs:
    def __init__(
        self,
        *,
        store: Store,
        settings: SettingsService,
        slack: DialogSlack,
        jobs: Jobs,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.settings = settings
        self.slack = slack
        self.jobs = jobs
        self.clock = clock

    async def _meeting(self, meeting_id: str) -> Meeting | None:
        with unavailable_when_down():  # the ack path: Redis down is "temporarily unavailable"
            return await self.store.records.get(meeting_id)

    async def enqueue(self, req: HostRequest) -> None:
        """Queue the action (raises Unavailable when Redis is down). Extend by 30 days is
        fixed to a date here, from the room's end as the person saw it: a double click asks
        for the same date twice, and the second finds it done."""
        if req.action is HostAction.EXTEND_30 and req.until is None:
            meeting = await self._meeting(req.meeting_id)
            if meeting is not None:
                req = dataclasses.replace(req, until=extend_target(meeting, self.clock()))
        await self.jobs.enqueue(JobName.HOST_ACTION, req.key, request=req.to_dict())

    async def open_extend(
        self,
        ws: Workspace,
        trigger_id: str,
        user_id: str,
        meeting_id: str,
        response_url: str | None,
    ) -> None:
        """The Extend modal, or the private reason it does not open: in the clicker's language
        (this runs after the ack, so Slack may be asked who they are)."""
        t = await self._reader(ws, user_id)
        meeting = await self.store.records.get(meeting_id)
        if meeting is None:
            gone = t.gettext(":information_source: This room has gone.")
            await self.tell(ws, user_id, response_url, gone)
            return
        action = HostAction.EXTEND_TO
        if user_id != meeting.creator_id:
            role = await self.settings.role(ws, user_id)
            if not may_act(meeting, user_id, role, ws.team_id):
                await self.tell(ws, user_id, response_url, t.text(not_allowed(action, meeting)))
                return
        now = self.clock()
        if (refusal := state_refusal(action, meeting, now)) is not None:
            await self.tell(ws, user_id, response_url, t.text(refusal))
            return
        policy = await self.settings.store.policy(meeting.team_id)
        latest = min(latest_expiry(now), latest_end(policy, now)).date()
        initial = min(extend_target(meeting, now).date(), latest)
        view = blocks.extend_modal(meeting, initial=initial, response_url=response_url, t=t)
        await self.slack.open_view(ws, trigger_id, view)

    async def _reader(self, ws: Workspace, user_id: str) -> Translator:
        try:
            return translator(await self.settings.language_of(ws, user_id))
        except SlackError as exc:
            # Nothing retries the modal after the ack: English rather than no modal at all.
            log.info("no locale for %s in %s (%s): English", user_id, ws.team_id, exc.error)
            return ENGLISH

    async def check_extend(
        self, meeting_id: str, day: date | None, t: Translator = ENGLISH
    ) -> datetime | str:
        """The new end a submitted modal asks for, or the field error (plain text, in the
        modal's language: this answers the submission, before any Slack call)."""
        if day is None:
            return t.gettext("Pick the room's new last day.")
        meeting = await self._meeting(meeting_id)
        if meeting is None:
            return t.gettext("This room has gone.")
        now, until = self.clock(), end_of_day_utc(day)
        problem = state_refusal(HostAction.EXTEND_TO, meeting, now)
        if problem is None:
            policy = await self.settings.store.policy(meeting.team_id)
            problem = extend_problem(meeting, until, policy, now=now, given=Text(THAT_DATE))
        return until if problem is None else _plain(t.text(problem))

    async def tell(self, ws: Workspace, user_id: str, response_url: str | None, text: str) -> None:
        message = blocks.reply(text)
        if response_url:
            await self.slack.respond(response_url, message)
        else:
            await self.slack.post(ws, user_id, message)


def _plain(text: str) -> str:
    """A modal field error is plain text: no emoji codes, bold or code marks."""
    text = re.sub(r"^:[a-z_]+: ", "", text)
    return text.replace("*", "").replace("`", "")
