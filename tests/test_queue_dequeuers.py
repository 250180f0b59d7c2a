"""A worker's idle job slots wait their turn in memory: only a few hold a blocking dequeue in
Redis at once, yet every slot still runs a job of its own, and a stopping worker lets them go
without waiting out a dequeue each (bot.storage.queue.DEQUEUERS)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import redis.asyncio as aioredis
from saq import Job

from bot.storage.jobs import make_worker
from bot.storage.queue import MeetbotQueue, make_queue


class InRedis:
    """Counts the blocking dequeues a queue sends, and how many are in flight."""

    def __init__(self, queue: MeetbotQueue) -> None:
        self.sent = self.now = 0
        self.asked = 0
        blmove, dequeue = queue.redis.blmove, queue.dequeue

        async def counted_blmove(*args: Any, **kwargs: Any) -> Any:
            self.sent += 1
            self.now += 1
            try:
                return await blmove(*args, **kwargs)
            finally:
                self.now -= 1

        async def counted_dequeue(*args: Any, **kwargs: Any) -> Any:
            self.asked += 1
            return await dequeue(*args, **kwargs)

        queue.redis.blmove = counted_blmove  # type: ignore[method-assign]
        queue.dequeue = counted_dequeue  # type: ignore[method-assign]

    async def until(self, asked: int) -> None:
        for _ in range(500):
            if self.asked >= asked and self.now:
                return
            await asyncio.sleep(0.01)  # counters the loop feeds
        raise AssertionError(f"{self.asked} dequeues asked, {self.now} in Redis")


async def test_more_jobs_run_at_once_than_slots_wait_in_redis(redis: aioredis.Redis) -> None:
    queue = make_queue(redis, name="dequeuers-test", dequeuers=2)
    started: list[str] = []
    all_in = asyncio.Event()
    release = asyncio.Event()

    async def hold(ctx: dict[str, Any]) -> None:
        started.append(ctx["job"].key)
        if len(started) == 12:
            all_in.set()
        await release.wait()  # finishes only once all twelve are running together

    worker = make_worker(queue, {"hold": hold}, concurrency=16)
    running = asyncio.create_task(worker.start())
    try:
        for i in range(12):
            await queue.enqueue(Job(function="hold", key=f"job-{i}"))
        await asyncio.wait_for(all_in.wait(), 20)
        release.set()
    finally:
        await worker.stop()
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    assert sorted(started) == sorted(f"job-{i}" for i in range(12))


async def test_an_idle_worker_keeps_only_its_dequeuers_in_redis(redis: aioredis.Redis) -> None:
    queue = make_queue(redis, name="dequeuers-test", dequeuers=2)
    counted = InRedis(queue)
    worker = make_worker(queue, {}, concurrency=32)
    running = asyncio.create_task(worker.start())
    try:
        await counted.until(asked=32)  # every slot has asked for a job...
        await asyncio.sleep(0.2)
        in_flight, sent = counted.now, counted.sent
    finally:
        await worker.stop()
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    assert in_flight == 2  # ...and two of them wait in Redis (saq alone: 32)
    assert sent <= 4  # each times out after a second and is renewed


async def test_a_stopping_worker_lets_its_waiting_slots_go(redis: aioredis.Redis) -> None:
    queue = make_queue(redis, name="dequeuers-test", dequeuers=1)
    counted = InRedis(queue)
    slots = [asyncio.create_task(queue.dequeue(timeout=1.5)) for _ in range(5)]
    await counted.until(asked=5)  # one slot is in BLMOVE, the other four wait for their turn

    queue.stop_dequeuing()
    pending = set(slots)
    while len(pending) > 1:
        _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)

    # The four waiting slots gave up without asking Redis while the one in BLMOVE was still
    # there (it ends within its own timeout, as saq's do).
    assert counted.now == 1 and counted.sent == 1
    assert [slot.result() for slot in slots if slot not in pending] == [None] * 4
    blocked = pending
    await asyncio.gather(*blocked)
    assert await queue.dequeue() is None  # a stopped queue hands out nothing

    # And a worker started again on the same queue takes jobs as before.
    ran = asyncio.Event()

    async def note(_: dict[str, Any]) -> None:
        ran.set()

    worker = make_worker(queue, {"note": note}, concurrency=4)
    running = asyncio.create_task(worker.start())
    try:
        await queue.enqueue(Job(function="note", key="after-restart"))
        await asyncio.wait_for(ran.wait(), 20)
    finally:
        await worker.stop()
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
