"""Application JWTs for the Meetings API: a pure `mint_jwt` and a `TokenCache` around it.

The API wants an RS256 JWT signed with the application's private key and carrying
`application_id`, `iat`, `jti` and `exp`. Signing costs an RSA operation, so the cache hands out
the same token until shortly before it expires, and mints a fresh one once after a 401 (the key
may have been rotated, or our clock may have drifted).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

# Backdate `iat` so a server whose clock runs a little behind ours does not reject the token as
# issued in the future (githubkit does the same, STYLE.md lesson 6).
CLOCK_SKEW = timedelta(seconds=60)
DEFAULT_TTL = timedelta(minutes=15)
REFRESH_BEFORE = timedelta(minutes=2)


def load_private_key(private_key_pem: str) -> RSAPrivateKey:
    """Parse the PEM once: loading (with its key checks) costs ~40 ms, signing ~0.5 ms.

    Raises:
        ValueError: not an unencrypted RSA private key in PEM (the key is never echoed).
    """
    try:
        key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    except (ValueError, TypeError) as e:
        raise ValueError("the Vonage private key is not a valid RSA private key (PEM)") from e
    if not isinstance(key, RSAPrivateKey):
        raise ValueError("the Vonage private key is not an RSA key (RS256 needs one)")
    return key


def mint_jwt(
    application_id: str,
    private_key_pem: str | RSAPrivateKey,
    *,
    now: datetime,
    ttl: timedelta,
    jti: str,
) -> str:
    """Sign an application JWT valid from `now - CLOCK_SKEW` until `now + ttl`.

    `private_key_pem` may also be a key from `load_private_key`, to skip re-parsing the PEM.

    Raises:
        ValueError: `private_key_pem` is not a usable RSA private key.
    """
    key = load_private_key(private_key_pem) if isinstance(private_key_pem, str) else private_key_pem
    claims = {
        "application_id": application_id,
        "iat": int((now - CLOCK_SKEW).timestamp()),
        "jti": jti,
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, key, algorithm="RS256")


def new_jti() -> str:
    return uuid.uuid4().hex


class TokenCache:
    """Returns one JWT until `refresh_before` its expiry, then mints the next.

    Args:
        clock: returns the current aware datetime (the test seam for expiry).
        ttl: lifetime of each token; refresh happens when less than `refresh_before` is left.
    """

    def __init__(
        self,
        application_id: str,
        private_key_pem: str,
        *,
        clock: Callable[[], datetime],
        ttl: timedelta = DEFAULT_TTL,
        refresh_before: timedelta = REFRESH_BEFORE,
        jti: Callable[[], str] = new_jti,
    ) -> None:
        if refresh_before >= ttl:
            raise ValueError("refresh_before must be shorter than ttl")
        self._application_id = application_id
        self._private_key_pem = private_key_pem
        self._private_key: RSAPrivateKey | None = None  # parsed at the first mint
        self._clock = clock
        self._ttl = ttl
        self._refresh_before = refresh_before
        self._jti = jti
        self._token: str | None = None
        self._expires_at: datetime | None = None
        self._lock = asyncio.Lock()
        self.minted = 0  # how many signatures so far; tests and the benchmark read it

    def __repr__(self) -> str:
        return f"TokenCache(application_id={self._application_id!r}, minted={self.minted})"

    def token(self) -> str:
        """The current token, minting one if there is none or it is about to expire."""
        now = self._clock()
        if (
            self._token is None
            or self._expires_at is None
            or now >= self._expires_at - self._refresh_before
        ):
            return self._mint(now)
        return self._token

    async def refresh(self, rejected: str) -> str:
        """Replace `rejected` (a token the API answered 401 to) with a fresh one.

        Many requests may fail with the same token at once; the lock plus the double-check make
        the first one mint and the others reuse its result.
        """
        async with self._lock:
            if self._token is not None and self._token != rejected:
                return self._token
            return self._mint(self._clock())

    def _mint(self, now: datetime) -> str:
        if self._private_key is None:
            self._private_key = load_private_key(self._private_key_pem)
        self._token = mint_jwt(
            self._application_id, self._private_key, now=now, ttl=self._ttl, jti=self._jti()
        )
        self._expires_at = now + self._ttl
        self.minted += 1
        return self._token
