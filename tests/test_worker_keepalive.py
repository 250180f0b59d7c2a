"""The worker keeps its long-running jobs alive, and its keep-alive never rewrites a job it
no longer runs (one finished, or swept and queued again for another worker)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import redis.asyncio as aioredis
from saq import Job
from saq.job import Status

from bot.storage.jobs import make_worker
from bot.storage.queue import make_queue
from tests.job_wait import finished


async def test_a_job_running_past_its_heartbeat_runs_once(redis: aioredis.Redis) -> None:
    queue = make_queue(redis, name="keepalive-test")
    runs: list[int] = []
    done = asyncio.Event()

    async def slow(ctx: dict[str, Any]) -> str:
        runs.append(ctx["job"].attempts)
        await asyncio.sleep(2.5)  # more than twice the heartbeat, with sweeps every second
        done.set()
        return "finished"

    worker = make_worker(queue, {"slow": slow}, concurrency=2, keepalive=0.3)
    running = asyncio.create_task(worker.start())
    try:
        await queue.enqueue(Job(function="slow", key="long-one", heartbeat=1, retries=3))
        await asyncio.wait_for(done.wait(), 20)
        job = await queue.job("long-one")
        assert job is not None
        await finished(job, within=10)
    finally:
        await worker.stop()
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running

    assert runs == [1]  # never swept, never run a second time
    assert job.status is Status.COMPLETE and job.result == "finished"


async def test_the_keep_alive_leaves_a_finished_job_as_it_is(redis: aioredis.Redis) -> None:
    queue = make_queue(redis, name="keepalive-test")
    await queue.enqueue(Job(function="noop", key="quick", ttl=600))
    job = await queue.dequeue()
    assert job is not None
    job.attempts, job.worker_id = 1, "worker-a"
    await job.update(status=Status.ACTIVE)
    await job.finish(Status.COMPLETE, result="ok")

    await queue.touch([job])  # a beat computed just before the job finished

    stored = await queue.job("quick")
    assert stored is not None and stored.status is Status.COMPLETE and stored.result == "ok"
    assert await redis.ttl(job.id) > 0  # still expires as finished jobs do


async def test_the_keep_alive_leaves_a_swept_job_to_its_next_worker(
    redis: aioredis.Redis,
) -> None:
    queue = make_queue(redis, name="keepalive-test")
    await queue.enqueue(Job(function="noop", key="swept", retries=3))
    ours = await queue.dequeue()
    assert ours is not None
    ours.attempts, ours.worker_id = 1, "worker-a"
    await ours.update(status=Status.ACTIVE)
    await queue.retry(ours, error="swept")  # the sweep gave it up...
    theirs = await queue.dequeue()  # ...and another worker runs it now
    assert theirs is not None
    theirs.attempts, theirs.worker_id = 2, "worker-b"
    await theirs.update(status=Status.ACTIVE)
    ours.status = Status.ACTIVE

    await queue.touch([ours])

    stored = await queue.job("swept")
    assert stored is not None
    assert (stored.worker_id, stored.attempts) == ("worker-b", 2)


async def test_the_keep_alive_touches_a_job_it_still_runs(redis: aioredis.Redis) -> None:
    queue = make_queue(redis, name="keepalive-test")
    await queue.enqueue(Job(function="noop", key="running", heartbeat=1))
    job = await queue.dequeue()
    assert job is not None
    job.attempts, job.worker_id = 1, "worker-a"
    await job.update(status=Status.ACTIVE)
    before = job.touched
    await asyncio.sleep(0.01)

    await queue.touch([job])

    stored = await queue.job("running")
    assert stored is not None and stored.status is Status.ACTIVE
    assert stored.touched > before
