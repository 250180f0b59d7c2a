"""The Meetings JWT: minted by a pure function, cached, and refreshed once after a 401."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from meetbot_sandbox.meetings.keypair import KeyPair

from bot.providers.meetings.auth import CLOCK_SKEW, TokenCache, mint_jwt

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def decode(token: str, keys: KeyPair) -> dict[str, object]:
    claims: dict[str, object] = jwt.decode(
        token, keys.public_pem, algorithms=["RS256"], options={"verify_exp": False}
    )
    return claims


def test_mint_jwt_carries_the_documented_claims_with_iat_backdated(rsa_keypair: KeyPair) -> None:
    token = mint_jwt(
        "app-1", rsa_keypair.private_pem, now=NOW, ttl=timedelta(minutes=15), jti="j-1"
    )

    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert decode(token, rsa_keypair) == {
        "application_id": "app-1",
        "iat": int((NOW - CLOCK_SKEW).timestamp()),
        "jti": "j-1",
        "exp": int((NOW + timedelta(minutes=15)).timestamp()),
    }


def test_mint_jwt_is_pure_same_inputs_same_token(rsa_keypair: KeyPair) -> None:
    def mint() -> str:
        return mint_jwt("a", rsa_keypair.private_pem, now=NOW, ttl=timedelta(minutes=5), jti="x")

    assert mint() == mint()


def test_a_bad_key_is_reported_without_echoing_it() -> None:
    with pytest.raises(ValueError, match="not a valid RSA private key") as caught:
        mint_jwt("a", "-----BEGIN PRIVATE KEY-----\nsecret\n", now=NOW, ttl=timedelta(1), jti="x")
    assert "secret" not in str(caught.value)


def test_cache_reuses_the_token_until_two_minutes_before_expiry(rsa_keypair: KeyPair) -> None:
    clock = FakeClock(NOW)
    cache = TokenCache("app-1", rsa_keypair.private_pem, clock=clock)

    first = cache.token()
    clock.now = NOW + timedelta(minutes=12, seconds=59)
    assert cache.token() == first
    assert cache.minted == 1

    clock.now = NOW + timedelta(minutes=13)
    second = cache.token()
    assert second != first
    assert cache.minted == 2
    assert decode(second, rsa_keypair)["exp"] == int(
        (clock.now + timedelta(minutes=15)).timestamp()
    )


def test_cache_keeps_the_key_out_of_repr(rsa_keypair: KeyPair) -> None:
    cache = TokenCache("app-1", rsa_keypair.private_pem, clock=FakeClock(NOW))
    assert "PRIVATE" not in repr(cache)


async def test_many_401s_with_one_token_mint_one_replacement(rsa_keypair: KeyPair) -> None:
    ids = iter(f"jti-{n}" for n in range(100))
    cache = TokenCache(
        "app-1", rsa_keypair.private_pem, clock=FakeClock(NOW), jti=lambda: next(ids)
    )
    rejected = cache.token()

    fresh = await asyncio.gather(*(cache.refresh(rejected) for _ in range(10)))

    assert len(set(fresh)) == 1
    assert fresh[0] != rejected
    assert cache.minted == 2


async def test_refresh_with_an_already_replaced_token_returns_the_current_one(
    rsa_keypair: KeyPair,
) -> None:
    cache = TokenCache("app-1", rsa_keypair.private_pem, clock=FakeClock(NOW))
    old = cache.token()
    current = await cache.refresh(old)

    assert await cache.refresh(old) == current
    assert cache.minted == 2


def test_refresh_window_must_be_shorter_than_the_lifetime(rsa_keypair: KeyPair) -> None:
    with pytest.raises(ValueError, match="refresh_before"):
        TokenCache("a", rsa_keypair.private_pem, clock=FakeClock(NOW), ttl=timedelta(minutes=1))
