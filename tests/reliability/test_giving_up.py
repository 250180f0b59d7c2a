"""When Slack or the Meetings API keep failing through a job's last attempt, the person who
asked is told once, privately, and nothing half-done is posted in the channel.

The job is the one `/meet` enqueues, with its retries cut from 8 (about two minutes of backoff)
to 2, so the last attempt comes within seconds; the worker is the real one.
"""

from __future__ import annotations

import json

from aiohttp.test_utils import unused_port
from meetbot_sandbox.slack.signing import new_trigger_id
from pytest_aiohttp import AiohttpServer
from saq import Job

from bot.domain.inputs import StartMeeting, Workspace
from bot.storage.jobs import HEARTBEAT, JOB_TIMEOUT
from tests.job_wait import finished
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.slack import FakeSlack
from tests.reliability.harness import running_bot


async def start_with_two_attempts(bot: RunningBot, title: str) -> tuple[Job, str]:
    response_url = bot.slack.response_url()
    request = StartMeeting(
        key=new_trigger_id(),
        workspace=Workspace(team_id="T0FAKE001"),
        user_id=CREATOR,
        channel_id=GENERAL,
        title=title,
        response_url=response_url,
    )
    job = Job(
        function="start_meeting",
        key=f"meet:{request.key}",
        kwargs={"request": request.to_dict()},
        timeout=JOB_TIMEOUT,
        heartbeat=HEARTBEAT,
        retries=2,
        retry_delay=0.5,
    )
    assert await bot.components.queue.enqueue(job) is not None
    await finished(job, within=30)
    return job, response_url


def channel_posts(bot: RunningBot, title: str) -> list[object]:
    return [
        c for c in bot.slack.state.calls_to("chat.postMessage")
        if c.ok and c.params.get("channel") == GENERAL and title in json.dumps(c.params)
    ]  # fmt: skip


async def test_slack_failing_to_the_end_gets_the_user_one_private_notice(
    bot: RunningBot,
) -> None:
    bot.slack.state.server_errors.set("chat.postMessage", times=100, status=503)
    job, response_url = await start_with_two_attempts(bot, "Slack is down")
    assert job.status == "failed"
    attempts = [c for c in bot.slack.state.calls_to("chat.postMessage") if c.status == 503]
    assert len(attempts) == 2, "one try per attempt: retried, then given up"
    (notice,) = bot.slack.state.responses(response_url)
    assert notice["response_type"] == "ephemeral"
    assert "went wrong" in notice["text"] or "try again" in notice["text"]
    assert not channel_posts(bot, "Slack is down")


async def test_the_provider_failing_to_the_end_gets_the_user_one_private_notice(
    bot: RunningBot,
) -> None:
    await bot.emulator.control.set_fault(method="POST", path="/rooms", status=500, times=None)
    job, response_url = await start_with_two_attempts(bot, "Provider is down")
    assert job.status == "failed"
    (notice,) = bot.slack.state.responses(response_url)
    assert notice["response_type"] == "ephemeral"
    assert "video provider is not answering" in notice["text"]
    assert not bot.emulator.state.rooms
    assert not channel_posts(bot, "Provider is down")


async def test_a_provider_refusing_connections_to_the_end_gets_one_private_notice(
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    redis: object,
) -> None:
    # Nothing listens there: every create is refused (retried by the client, then by the job).
    nowhere = f"http://127.0.0.1:{unused_port()}/v1/meetings"
    async with running_bot(
        aiohttp_server, emulator, slack_api, redis_url, MEETINGS_API_URL=nowhere
    ) as bot:
        job, response_url = await start_with_two_attempts(bot, "Nobody home")
        assert job.status == "failed"
        (notice,) = bot.slack.state.responses(response_url)
        assert "video provider is not answering" in notice["text"]
        assert not channel_posts(bot, "Nobody home")
