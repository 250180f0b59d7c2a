"""One REST call per /meet on Daily: the guest and host links carry meeting tokens the bot signs
itself (https://docs.daily.co/reference/rest-api/meeting-tokens/self-signing-tokens), and the
emulator lets a link in only as Daily would: signed with the API key, abbreviated claims with
`r`, `iat` and the domain's `d`, within `exp`."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import jwt
import pytest
import redis.asyncio as aioredis
from meetbot_sandbox.daily import DailyState
from meetbot_sandbox.daily.state import RoomState
from meetbot_sandbox.meetings.clock import system_clock
from meetbot_sandbox.slack.signing import new_trigger_id

from bot.domain.rooms import RoomKind, RoomRequest
from bot.providers.daily.client import DailyClient
from bot.providers.daily.domain import DomainId
from bot.providers.daily.provider import DailyProvider
from bot.providers.daily.tokens import TokenClaims, meeting_token, sign
from bot.storage.keys import Keys
from tests.job_wait import finished
from tests.plugins.daily import DailyHandle
from tests.plugins.providers import DailyRooms, ProviderBot

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = "a5f3c1e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6"  # 64 hex, as Daily's
DOMAIN = "30f866c3-9123-452a-8723-ff58322d09c5"


@pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)
async def test_a_meet_is_one_call_to_daily_and_its_links_let_people_in(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    assert isinstance(bot.rooms, DailyRooms)
    for title in ("One", "Two", "Three --record"):
        trigger_id = new_trigger_id()
        assert (await bot.command(title, trigger_id=trigger_id)).status == 200
        job = await bot.components.queue.job(f"meet:{trigger_id}")
        assert job is not None
        await finished(job, within=15)
    requests = (await bot.rooms.daily.control.stats())["requests"]
    assert requests == {"POST /rooms": 3, "GET /": 1}, "the domain id is asked for once"
    for room in bot.rooms.room_ids():
        guest, host = bot.rooms.link_tokens(room)
        root = f"{bot.rooms.daily.root_url}/{room}"
        assert bot.rooms.admits(f"{root}?t={guest}") == "guest"
        assert bot.rooms.admits(f"{root}?t={host}") == "host"
        after = datetime.now(UTC) + timedelta(days=2)  # an instant room lives a day
        assert bot.rooms.admits(f"{root}?t={host}", at=after) is None
        assert bot.rooms.admits(f"{bot.rooms.daily.root_url}/other?t={host}") is None


def test_our_token_carries_the_rest_token_s_claims_abbreviated() -> None:
    claims = TokenClaims("mb-room", is_owner=True, exp=NOW + timedelta(days=1),
                         start_cloud_recording=True, user_name="Ana")  # fmt: skip
    token = meeting_token(KEY, claims, domain_id=DOMAIN, now=NOW)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    assert jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_exp": False}) == {
        "r": "mb-room",
        "d": DOMAIN,
        "iat": int(NOW.timestamp()),
        "exp": int((NOW + timedelta(days=1)).timestamp()),
        "o": True,
        "sr": True,
        "u": "Ana",
    }
    guest = TokenClaims("mb-room", is_owner=False, exp=NOW).payload(domain_id=DOMAIN, now=NOW)
    assert "sr" not in guest and "u" not in guest and guest["o"] is False


def emulated() -> DailyState:
    state = DailyState(api_key=KEY, webhook_secret=b"s", clock=lambda: NOW, domain_id=DOMAIN)
    state.signing_clock = system_clock
    return state


@pytest.mark.parametrize(
    ("case", "token", "admits"),
    [
        ("guest", sign(KEY, {"r": "mb-room", "d": DOMAIN, "iat": 1, "o": False}), "guest"),
        ("owner", sign(KEY, {"r": "mb-room", "d": DOMAIN, "iat": 1, "o": True}), "owner"),
        ("docs' minimum", sign(KEY, {"r": "mb-room", "iat": 1610596413, "d": DOMAIN}), "guest"),
        ("another key", sign(KEY[::-1], {"r": "mb-room", "d": DOMAIN, "iat": 1}), None),
        ("another domain", sign(KEY, {"r": "mb-room", "d": "other", "iat": 1}), None),
        ("another room", sign(KEY, {"r": "mb-other", "d": DOMAIN, "iat": 1}), None),
        ("full names", sign(KEY, {"room_name": "mb-room", "domain_id": DOMAIN, "iat": 1}), None),
        ("no iat", sign(KEY, {"r": "mb-room", "d": DOMAIN}), None),
        ("expired", sign(KEY, {"r": "mb-room", "d": DOMAIN, "iat": 1, "exp": 1000}), None),
        ("not yet", sign(KEY, {"r": "mb-room", "d": DOMAIN, "iat": 1, "nbf": 2**31}), None),
        ("unsigned", jwt.encode({"r": "mb-room", "d": DOMAIN, "iat": 1}, "", "none"), None),
        ("HS512", jwt.encode({"r": "mb-room", "d": DOMAIN, "iat": 1}, KEY, "HS512"), None),
        ("garbage", "eyJnot-a-token", None),
    ],
)
def test_the_emulator_admits_a_link_only_as_daily_would(
    case: str, token: str, admits: str | None
) -> None:
    state = emulated()
    state.rooms["mb-room"] = RoomState("id", "mb-room", "private", NOW)
    assert state.admits("mb-room", token) == admits, case


async def test_the_domain_id_is_fetched_once_for_every_replica(
    daily: DailyHandle, daily_client: DailyClient, redis: aioredis.Redis
) -> None:
    first = DomainId(daily_client, redis=redis, keys=Keys(), account="acct")
    assert await asyncio.gather(*(first.get() for _ in range(5))) == [daily.state.domain_id] * 5
    replica = DomainId(daily_client, redis=redis, keys=Keys(), account="acct")
    assert await replica.get() == daily.state.domain_id
    assert (await daily.control.stats())["requests"] == {"GET /": 1}


async def test_a_renewed_room_gets_links_valid_to_its_new_expiry_without_token_calls(
    daily: DailyHandle, daily_client: DailyClient
) -> None:
    provider = DailyProvider(daily_client, name_key=b"key", clock=lambda: datetime.now(UTC))
    until = datetime.now(UTC) + timedelta(days=30)
    room = await provider.create_room(
        RoomRequest("Standup", kind=RoomKind.LONG_TERM, expires_at=until, metadata="s-1")
    )
    later = until + timedelta(days=60)
    renewed = await provider.extend_room(room.id, later)
    old_host = room.host_url.partition("?t=")[2]
    new_host = renewed.host_url.partition("?t=")[2]
    between = until + timedelta(days=1)
    assert daily.state.admits(room.id, old_host, at=between) is None
    assert daily.state.admits(room.id, new_host, at=between) == "owner"
    requests = (await daily.control.stats())["requests"]
    assert "POST /meeting-tokens" not in requests
    assert requests == {"GET /": 1, "POST /rooms": 1, "POST /rooms/{name}": 1}
