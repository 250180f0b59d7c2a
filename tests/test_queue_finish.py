"""A job's lifecycle writes (`MeetbotQueue`: saq's, in fewer round trips) leave Redis as saq's
own do: a running job is ACTIVE, a finished one is off the active list and the incomplete set,
kept for its ttl (or deleted), and whoever waits on it hears its final status."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis
from saq import Job
from saq.job import Status

from bot.storage.queue import make_queue


async def test_a_finished_job_leaves_the_lists_is_kept_for_its_ttl_and_is_heard(
    redis: aioredis.Redis,
) -> None:
    queue = make_queue(redis, name="finish-test")
    await queue.enqueue(Job(function="noop", key="done", ttl=600))
    job = await queue.dequeue()
    assert job is not None
    job.attempts, job.worker_id = 1, "worker-a"
    await job.update(status=Status.ACTIVE)
    running = await queue.job("done")
    assert running is not None and running.status is Status.ACTIVE
    heard: list[Status] = []

    async def on_status(_key: str, status: Status) -> bool:
        heard.append(status)
        return True

    listening = asyncio.create_task(queue.listen(["done"], on_status, timeout=10))
    await asyncio.sleep(0.2)  # subscribed
    await job.finish(Status.COMPLETE, result="ok")
    await asyncio.wait_for(listening, 10)

    stored = await queue.job("done")
    assert heard == [Status.COMPLETE]
    assert stored is not None and (stored.status, stored.result) == (Status.COMPLETE, "ok")
    assert 590 < await redis.ttl(job.id) <= 600
    assert await queue.count("active") == 0 and await queue.count("incomplete") == 0


async def test_a_failed_job_without_ttl_is_deleted(redis: aioredis.Redis) -> None:
    queue = make_queue(redis, name="finish-test")
    await queue.enqueue(Job(function="noop", key="gone", ttl=-1))
    job = await queue.dequeue()
    assert job is not None

    await job.finish(Status.FAILED, error="boom")

    assert await queue.job("gone") is None
    assert await queue.count("active") == 0 and await queue.count("incomplete") == 0


async def test_a_waiter_that_subscribes_just_after_the_finish_still_hears_it(
    redis: aioredis.Redis,
) -> None:
    # saq's Job.refresh(until_complete=) reads the job, then subscribes: a job finishing in
    # between published its status to nobody, and the wait ran out.
    queue = make_queue(redis, name="finish-test")
    await queue.enqueue(Job(function="noop", key="raced", ttl=600))
    job = await queue.dequeue()
    assert job is not None
    waiter = await queue.job("raced")
    assert waiter is not None and not waiter.completed
    await job.finish(Status.COMPLETE, result="ok")

    await asyncio.wait_for(waiter.refresh(until_complete=10), 5)

    assert (waiter.status, waiter.result) == (Status.COMPLETE, "ok")


async def test_a_waiter_without_a_time_limit_waits_for_the_finish(redis: aioredis.Redis) -> None:
    queue = make_queue(redis, name="finish-test")
    await queue.enqueue(Job(function="noop", key="patient", ttl=600))
    job = await queue.dequeue()
    assert job is not None
    waiter = await queue.job("patient")
    assert waiter is not None

    async def finish_soon() -> None:
        await asyncio.sleep(0.3)
        await job.finish(Status.COMPLETE, result="ok")

    finishing = asyncio.create_task(finish_soon())
    await asyncio.wait_for(waiter.refresh(until_complete=0), 5)  # saq: 0 is "for ever"
    await finishing

    assert waiter.status is Status.COMPLETE
