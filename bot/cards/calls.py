"""The meeting's Slack Call (https://api.slack.com/apis/calls): registered when the session goes
live, its participants kept in step, ended with the session.

Slack shows a Call through a `call` block in the card; people in the room are external users
(`external_id` = the provider's participant id). What Slack has been told is recorded as steps
under `calls:<meeting id>` after each call succeeds, so a retried or repeated sync sends only
the difference and never registers a second Call for a session. A workspace that does not let
us use Calls (no `calls:write`, Calls turned off) switches them off for that meeting: the card
works the same without its call block.
"""

from __future__ import annotations

import json
import logging

from bot.cards.reducer import session_participants, split_participant_key
from bot.domain.inputs import Workspace
from bot.domain.meeting import Meeting, MeetingStatus
from bot.domain.ports import CallUser, SlackPort
from bot.errors import SLACK_INVALID_ANSWER, SlackError
from bot.i18n import translator
from bot.storage.store import Store

log = logging.getLogger(__name__)

# Answers meaning "this app may not use Calls here"; retrying cannot help
# (https://api.slack.com/methods/calls.add#errors).
CALLS_UNAVAILABLE = frozenset(
    {
        "missing_scope",
        "not_allowed_token_type",
        "not_allowed",
        "no_permission",
        "team_access_not_granted",
        "feature_not_enabled",
        # Slack said ok but named no Call (its own sample answer is `{"ok": true}`): one may
        # exist, so adding another at each refresh would only pile them up.
        SLACK_INVALID_ANSWER,
    }
)


def steps_key(meeting_id: str) -> str:
    return f"calls:{meeting_id}"


class CallSync:
    """Args: slack: the Slack port; store: where the steps go; enabled: False never uses Calls."""

    def __init__(self, slack: SlackPort, store: Store, *, enabled: bool = True) -> None:
        self.slack = slack
        self.store = store
        self.enabled = enabled

    async def sync(self, meeting: Meeting) -> str | None:
        """Bring the Call in line with `meeting`; the call id for the card's call block, if any.

        Never raises SlackError: a failed Calls request leaves the card as it would be without
        Calls, and the next card refresh retries the difference.
        """
        if not self.enabled or meeting.card_ts is None or meeting.session_id is None:
            return None
        key = steps_key(meeting.id)
        steps = await self.store.steps.read(key)
        if "off" in steps:
            return None
        session = meeting.session_id
        call_id = steps.get(f"call:{session}")
        try:
            if call_id is None:
                if meeting.status is not MeetingStatus.LIVE:
                    return None
                call_id = await self._add(meeting, key, session)
            elif f"ended:{session}" not in steps:
                await self._participants(meeting, key, session, call_id, steps)
            if meeting.status is not MeetingStatus.LIVE and f"ended:{session}" not in steps:
                duration = meeting.duration_seconds
                await self.slack.calls_end(
                    _workspace(meeting),
                    call_id,
                    duration=None if duration is None else int(duration),
                )
                await self.store.steps.record(key, f"ended:{session}", "1")
        except SlackError as exc:
            if exc.error in CALLS_UNAVAILABLE:
                log.info("Slack Calls unavailable for meeting %s (%s)", meeting.id, exc.error)
                await self.store.steps.record(key, "off", exc.error)
            else:
                log.warning(
                    "Slack Calls %s for meeting %s failed: %s", exc.method, meeting.id, exc.error
                )
        return call_id

    async def _add(self, meeting: Meeting, key: str, session: str) -> str:
        assert meeting.guest_url is not None
        users = _present(meeting)
        started = meeting.started_at
        call_id = await self.slack.calls_add(
            _workspace(meeting),
            external_unique_id=f"{meeting.id}:{session}",
            join_url=meeting.guest_url,
            created_by=meeting.creator_id,
            title=meeting.title,
            date_start=None if started is None else int(started.timestamp()),
            external_display_id=meeting.meeting_code,
            users=list(users.values()),
        )
        await self.store.steps.record(key, f"call:{session}", call_id)
        await self.store.steps.record(key, f"users:{session}", json.dumps(users))
        return call_id

    async def _participants(
        self, meeting: Meeting, key: str, session: str, call_id: str, steps: dict[str, str]
    ) -> None:
        told: dict[str, CallUser] = json.loads(steps.get(f"users:{session}", "{}"))
        wanted = _present(meeting)
        gone = [user for external_id, user in told.items() if external_id not in wanted]
        new = [user for external_id, user in wanted.items() if external_id not in told]
        ws = _workspace(meeting)
        if gone:
            await self.slack.calls_participants(ws, call_id, gone, joined=False)
            told = {k: v for k, v in told.items() if k in wanted}
            await self.store.steps.record(key, f"users:{session}", json.dumps(told))
        if new:
            await self.slack.calls_participants(ws, call_id, new, joined=True)
            await self.store.steps.record(key, f"users:{session}", json.dumps(wanted))


def _present(meeting: Meeting) -> dict[str, CallUser]:
    """External users for the people in the room now, by participant id. Someone the provider
    gave no name is a guest, in the card's (the channel's) language."""
    users: dict[str, CallUser] = {}
    guest = translator(meeting.language).gettext("Guest")
    for person in session_participants(meeting):
        if person.present:
            external_id = split_participant_key(person.id)[1]
            users[external_id] = {
                "external_id": external_id,
                "display_name": person.name or guest,
            }
    return users


def _workspace(meeting: Meeting) -> Workspace:
    return Workspace(team_id=meeting.team_id, enterprise_id=meeting.enterprise_id)
