"""A host action whose worker dies mid-way is resumed by the retry, with one effect: killed right
after the provider ended the room (nothing recorded yet), the retry ends it again (idempotent
at the provider) and records it; killed after the record changed, the retry only refreshes the
card and replies. Either way the card says "ended" and the host hears it once."""

from __future__ import annotations

from typing import Any

import pytest
from meetbot_sandbox.slack.signing import new_trigger_id

from bot.domain.inputs import Workspace
from bot.domain.rooms import RoomProvider
from bot.hostctl.actions import HostAction, HostRequest
from bot.hostctl.service import HostControls
from bot.meet.service import MeetingService
from bot.storage.jobs import JobName
from tests.plugins.bot import CREATOR
from tests.plugins.providers import ProviderBot
from tests.test_lifecycle_card import card_update, start_on

daily_only = pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)


class WorkerKilled(Exception):
    """Stands for the process dying at that point (nothing after it runs)."""


class DiesAfterEnding:
    """The real provider, whose worker dies just after Daily answered `end_room`."""

    def __init__(self, real: RoomProvider) -> None:
        self.real = real
        self.ended = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    async def end_room(self, room_id: str) -> None:
        await self.real.end_room(room_id)
        self.ended += 1
        raise WorkerKilled


def controls(bot: ProviderBot, provider: Any, refresh: Any = None) -> HostControls:
    c = bot.components
    meetings = MeetingService(
        provider=provider,
        slack=c.slack,
        store=c.store,
        followups=c.jobs,
        public_url=c.settings.public_url,
        clock=c.clock,
        settings=c.channel_settings,
    )

    async def schedule(meeting_id: str) -> None:  # LiveCards.schedule_refresh's job
        bucket = int(c.clock().timestamp() // 2)
        await c.jobs.enqueue(
            JobName.REFRESH_CARD,
            f"card:{meeting_id}:{bucket}",
            scheduled=(bucket + 1) * 2,
            meeting_id=meeting_id,
        )

    return HostControls(
        meetings=meetings, settings=c.channel_settings, jobs=c.jobs, refresh=refresh or schedule
    )


def end_request(bot: ProviderBot, meeting_id: str, response_url: str) -> HostRequest:
    return HostRequest(
        key=f"host:{meeting_id}:end:{new_trigger_id()}",
        action=HostAction.END,
        meeting_id=meeting_id,
        workspace=Workspace(team_id=bot.slack.state.workspace.team_id),
        user_id=CREATOR,
        response_url=response_url,
    )


@daily_only
async def test_killed_after_the_provider_ended_it_the_retry_records_it_once(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card = await start_on(bot, "Crash after end")
    url = bot.slack.response_url()
    req = end_request(bot, card.meeting_id, url)
    dying = DiesAfterEnding(bot.components.provider)

    with pytest.raises(WorkerKilled):
        await controls(bot, dying).run(req)
    meeting = await bot.components.store.records.get(card.meeting_id)
    assert meeting is not None and meeting.closed_at is None, "nothing recorded before the crash"

    assert await controls(bot, bot.components.provider).run(req) == "done"
    await card_update(bot, card, lambda t: "Ended by" in t)
    assert len(bot.slack.state.responses(url)) == 1, "told once"
    assert await controls(bot, bot.components.provider).run(req) == "done", "a rerun: no effect"
    assert len(bot.slack.state.responses(url)) == 1


@daily_only
async def test_killed_after_recording_the_retry_refreshes_the_card_and_replies(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card = await start_on(bot, "Crash after record")
    url = bot.slack.response_url()
    req = end_request(bot, card.meeting_id, url)
    ended_at_provider = 0

    async def dies(meeting_id: str) -> None:
        raise WorkerKilled

    class CountsEnds:
        def __getattr__(self, name: str) -> Any:
            return getattr(bot.components.provider, name)

        async def end_room(self, room_id: str) -> None:
            nonlocal ended_at_provider
            ended_at_provider += 1
            await bot.components.provider.end_room(room_id)

    with pytest.raises(WorkerKilled):
        await controls(bot, CountsEnds(), refresh=dies).run(req)
    meeting = await bot.components.store.records.get(card.meeting_id)
    assert meeting is not None and meeting.closed_by == CREATOR
    assert not bot.slack.state.responses(url)

    assert await controls(bot, CountsEnds()).run(req) == "done"
    assert ended_at_provider == 1, "the provider is not asked again"
    await card_update(bot, card, lambda t: "Ended by" in t)
    assert len(bot.slack.state.responses(url)) == 1
