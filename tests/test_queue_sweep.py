"""The sweep gives a dead worker's job to another worker, and never a live worker's.

A worker takes a job off the queue and marks it ACTIVE a moment later; saq's stock sweep
retried a job caught in that moment, so it ran twice (seen under load by bench/standups.py).
"""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis
from saq import Job
from saq.job import Status

from bot.storage.queue import make_queue

LOCK = 1  # seconds the sweep lock is held; a second sweep must wait it out


async def test_a_job_just_taken_by_a_worker_is_not_run_again(redis: aioredis.Redis) -> None:
    queue = make_queue(redis, name="sweep-test", grace=30)
    await queue.enqueue(Job(function="noop", key="busy-worker", retries=3))
    taken = await queue.dequeue()  # a worker took it and has not marked it ACTIVE yet
    assert taken is not None and taken.status is Status.QUEUED

    assert await queue.sweep(lock=LOCK) == []
    await asyncio.sleep(LOCK + 0.1)
    assert await queue.sweep(lock=LOCK) == []

    assert await queue.count("queued") == 0  # nobody else will run it
    stored = await queue.job("busy-worker")
    assert stored is not None and stored.status is Status.QUEUED and stored.attempts == 0


async def test_a_job_whose_worker_died_after_taking_it_is_retried(redis: aioredis.Redis) -> None:
    queue = make_queue(redis, name="sweep-test", grace=0.5)
    await queue.enqueue(Job(function="noop", key="dead-worker", retries=3))
    assert await queue.dequeue() is not None  # taken, then the worker died

    assert await queue.sweep(lock=LOCK) == []  # a suspect, not yet a dead one
    await asyncio.sleep(LOCK + 0.1)
    swept = await queue.sweep(lock=LOCK)

    assert len(swept) == 1
    assert await queue.count("queued") == 1  # back on the queue for a live worker
    stored = await queue.job("dead-worker")
    assert stored is not None and stored.status is Status.QUEUED and stored.error == "swept"


async def test_a_running_job_that_stopped_beating_is_retried(redis: aioredis.Redis) -> None:
    queue = make_queue(redis, name="sweep-test", grace=30)
    await queue.enqueue(Job(function="noop", key="stalled", retries=3, heartbeat=1))
    job = await queue.dequeue()
    assert job is not None
    job.attempts += 1
    await job.update(status=Status.ACTIVE)  # running, then its worker was killed
    await asyncio.sleep(1.2)  # past the heartbeat

    swept = await queue.sweep(lock=LOCK)

    assert len(swept) == 1
    assert await queue.count("queued") == 1
