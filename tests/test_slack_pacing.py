"""Slack's rate limits kept by every replica together (bot.slack.pacing on the real Redis).

What an operator relies on: a burst takes turns at the rates Slack publishes instead of being
sent at once; a post stuck behind its busy channel does not hold back posts elsewhere; a 429
holds every replica back for Retry-After; a turn too far ahead is refused without being
taken; a broken installation gets no turn at all until a new token comes. The waits checked
are the schedule the pacer hands out (computed on Redis's clock), not measured durations.
"""

from __future__ import annotations

import itertools

import pytest
import redis.asyncio as aioredis

from bot.slack.pacing import SHARED_HOLD_MAX, SlackPacer
from bot.slack.tiers import POST_PER_WORKSPACE, TIER_2, buckets_for
from bot.storage.keys import STEP_TTL, Keys
from bot.storage.redis import RedisDown
from bot.storage.steps import StepLog

TEAM = "T0PACE"
INSTALL = "T0PACE:0123456789abcdef"
SLACK = 0.05  # seconds of leeway: the calls below run a few ms apart on Redis's clock


@pytest.fixture
def pacer(redis: aioredis.Redis) -> SlackPacer:
    return SlackPacer(redis, keys=Keys(prefix="pace-test"))


async def turns(pacer: SlackPacer, method: str, channels: list[str | None]) -> list[float]:
    waits = []
    for channel in channels:
        grant = await pacer.acquire(
            TEAM, method, channel=channel, installation=INSTALL, max_wait=120
        )
        assert grant.granted and grant.broken is None
        waits.append(grant.wait)
    return waits


async def test_a_channel_gets_one_post_a_second(pacer: SlackPacer) -> None:
    waits = await turns(pacer, "chat.postMessage", ["C1"] * 4)

    assert waits[0] < SLACK
    for earlier, later in itertools.pairwise(waits):
        assert later - earlier == pytest.approx(1.0, abs=SLACK)


async def test_the_workspace_gets_five_posts_a_second_across_channels(
    redis: aioredis.Redis, pacer: SlackPacer
) -> None:
    per_second = round(POST_PER_WORKSPACE.per_minute / 60)
    waits = await turns(pacer, "chat.postMessage", [f"C{n}" for n in range(3 * per_second)])

    # The shared calendar (one count per second of Redis's clock) every replica books from.
    calendar = await redis.hgetall(Keys(prefix="pace-test").slack_pace(TEAM, "chat.postMessage"))
    booked = {int(k): int(v) for k, v in calendar.items() if k.isdigit()}
    assert sum(booked.values()) == 3 * per_second and max(booked.values()) <= per_second
    assert waits[-1] > 1.0, "15 posts need a third second"


async def test_a_post_behind_a_busy_channel_does_not_hold_back_other_channels(
    pacer: SlackPacer,
) -> None:
    busy = await turns(pacer, "chat.postMessage", ["C0BUSY"] * 10)
    assert busy[-1] == pytest.approx(9.0, abs=SLACK)

    elsewhere = await turns(pacer, "chat.postMessage", ["C0QUIET", "D0DM"])

    assert max(elsewhere) < 2.0, "the workspace's seconds before 9 s are still free"


async def test_a_tier_2_method_bursts_then_takes_turns(pacer: SlackPacer) -> None:
    waits = await turns(pacer, "calls.add", [None] * (TIER_2.burst + 2))

    assert all(w < SLACK for w in waits[: TIER_2.burst])
    assert waits[-2] == pytest.approx(TIER_2.interval, abs=SLACK)
    assert waits[-1] == pytest.approx(2 * TIER_2.interval, abs=SLACK)


async def test_a_turn_further_than_the_caller_waits_is_refused_and_not_taken(
    pacer: SlackPacer,
) -> None:
    await turns(pacer, "chat.postMessage", ["C1"] * 3)  # C1 is busy for 2 s

    refused = await pacer.acquire(
        TEAM, "chat.postMessage", channel="C1", installation=INSTALL, max_wait=1.0
    )
    (after,) = await turns(pacer, "chat.postMessage", ["C1"])

    assert not refused.granted and refused.wait == pytest.approx(3.0, abs=SLACK)
    assert after == pytest.approx(3.0, abs=SLACK), "the refused turn was not used up"


async def test_a_429_holds_every_replica_back_and_a_success_clears_the_record(
    redis: aioredis.Redis, pacer: SlackPacer
) -> None:
    other_replica = SlackPacer(redis, keys=Keys(prefix="pace-test"))
    refused_for = await pacer.throttled(TEAM, "users.info", channel=None, retry_after=1.5)
    (held,) = await turns(other_replica, "users.info", [None])
    later = await pacer.throttled(TEAM, "users.info", channel=None, retry_after=30)
    grant = await other_replica.acquire(
        TEAM, "users.info", channel=None, installation=INSTALL, max_wait=120
    )

    assert refused_for == pytest.approx(0.0, abs=SLACK)
    assert held == pytest.approx(1.5, abs=SLACK)
    assert later >= 0 and grant.refused_for is not None, "Slack's refusals are remembered"
    await pacer.recovered(TEAM, "users.info", channel=None)
    cleared = await pacer.acquire(
        TEAM, "users.info", channel=None, installation=INSTALL, max_wait=120
    )
    assert cleared.refused_for is None


async def test_a_long_retry_after_holds_other_replicas_only_briefly(pacer: SlackPacer) -> None:
    # Slack does not say whether a post hit its channel's limit or the workspace's: other
    # channels (and a replica taking over a job) wait a moment, not the whole Retry-After,
    # which the refused call itself waits out (bot.slack.web).
    await pacer.throttled(TEAM, "chat.postMessage", channel="C1", retry_after=30)

    (other_channel,) = await turns(pacer, "chat.postMessage", ["C2"])

    assert SHARED_HOLD_MAX - SLACK <= other_channel <= SHARED_HOLD_MAX + 1


async def test_a_broken_installation_gets_no_turn_until_a_new_token(pacer: SlackPacer) -> None:
    assert await pacer.mark_broken(INSTALL, "token_revoked") is True
    assert await pacer.mark_broken(INSTALL, "token_revoked") is False, "news only once"

    dead = await pacer.acquire(TEAM, "users.info", installation=INSTALL, max_wait=10)
    reinstalled = await pacer.acquire(
        TEAM, "users.info", installation="T0PACE:fedcba9876543210", max_wait=10
    )

    assert (dead.granted, dead.broken) == (False, "token_revoked")
    assert reinstalled.granted and reinstalled.broken is None


async def test_without_redis_calls_go_out_unpaced() -> None:
    nowhere = aioredis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    pacer = SlackPacer(nowhere, keys=Keys())
    grant = await pacer.acquire(TEAM, "chat.postMessage", channel="C1", installation=INSTALL,
                                max_wait=1)  # fmt: skip
    await nowhere.aclose()

    assert grant.granted and grant.wait == 0.0


async def test_a_post_s_attempt_marker_is_written_with_its_turn_whatever_the_answer(
    redis: aioredis.Redis, pacer: SlackPacer
) -> None:
    # A post's attempt must be in Redis before the post goes out (a job killed after posting
    # finds its message from it): it rides on the turn's own script, so it is written even
    # when the turn is refused or the installation is broken (the caller then forgets it).
    log = StepLog(redis, Keys(prefix="pace-test"))
    granted = await log.load("meet:granted")
    granted.note("card:attempt", "1700000000.5")
    await turns(pacer, "chat.postMessage", ["C1"] * 2)  # C1 is busy for 1 s
    too_far = await log.load("meet:too-far")
    too_far.note("card:attempt", "1700000001.5")
    await pacer.mark_broken("T0PACE:dead", "token_revoked")
    broken = await log.load("meet:broken")
    broken.note("host_dm:attempt", "1700000002.5")

    ok = await pacer.acquire(TEAM, "chat.postMessage", channel="C2", installation=INSTALL,
                             max_wait=10, steps=granted)  # fmt: skip
    refused = await pacer.acquire(TEAM, "chat.postMessage", channel="C1", installation=INSTALL,
                                  max_wait=0.5, steps=too_far)  # fmt: skip
    dead = await pacer.acquire(TEAM, "chat.postMessage", channel="C2",
                               installation="T0PACE:dead", max_wait=10, steps=broken)  # fmt: skip

    assert ok.granted and not refused.granted and dead.broken == "token_revoked"
    assert await log.read("meet:granted") == {"card:attempt": "1700000000.5"}
    assert await log.read("meet:too-far") == {"card:attempt": "1700000001.5"}
    assert await log.read("meet:broken") == {"host_dm:attempt": "1700000002.5"}
    assert granted.pending == too_far.pending == broken.pending == {}, "known to be written"
    ttl = await redis.ttl(Keys(prefix="pace-test").steps("meet:granted"))
    assert STEP_TTL - 5 < ttl <= STEP_TTL


async def test_without_redis_a_post_that_must_record_its_attempt_first_gets_no_turn(
    redis: aioredis.Redis,
) -> None:
    steps = await StepLog(redis, Keys(prefix="pace-test")).load("meet:k")
    steps.note("card:attempt", "1700000000.5")
    nowhere = aioredis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    pacer = SlackPacer(nowhere, keys=Keys())

    with pytest.raises(RedisDown):
        await pacer.acquire(TEAM, "chat.postMessage", channel="C1", installation=INSTALL,
                            max_wait=1, steps=steps)  # fmt: skip
    await nowhere.aclose()

    assert steps.pending == {"card:attempt": "1700000000.5"}, "still to be written"


def test_every_method_meetbot_calls_has_its_published_tier() -> None:
    called = [
        "chat.postMessage", "chat.update", "conversations.open", "conversations.join",
        "conversations.history", "conversations.replies", "views.open", "views.publish",
        "users.info", "calls.add", "calls.participants.add", "calls.participants.remove",
        "calls.end",
    ]  # fmt: skip
    rates = {method: [b.rate.per_minute for b in buckets_for(method, "C1")] for method in called}

    assert rates["chat.postMessage"] == [60, 300]
    assert rates["chat.update"] == [50] and rates["conversations.open"] == [50]
    assert rates["views.publish"] == rates["views.open"] == rates["users.info"] == [100]
    assert all(rates[m] == [20] for m in called if m.startswith("calls."))
