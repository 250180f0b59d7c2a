"""When the Meetings client retries a failed call by itself, and what it leaves to the job layer.

`RetryPolicy` is a pure `(exc, attempt) -> delay | None`: exponential backoff with full jitter
(the random source is injectable), a cap on attempts, and `Retry-After` honoured when the server
sends one (a wait longer than `max_delay` is not slept through: the error goes up instead).

Which failures are retried depends on whether repeating the request is harmless:

* GET, PUT, PATCH, DELETE are idempotent: retried on 429, 5xx, timeouts and connection errors.
* POST (`POST /rooms`, `POST /themes`, the S3 logo upload) is retried ONLY when the answer proves
  the request was refused unprocessed: `ProviderConnectionError` (never reached the server),
  429 and 503. A 500/502/504, a dropped connection or a timeout is *ambiguous*: the room may
  exist. The client raises it and the job layer decides.

Contract for the job layer after an ambiguous failure of room creation
(`ProviderTimeout`, or `ProviderServerError` whose status is not 503):

1. Instant room: create again. A duplicate is harmless, since an unused instant room expires
   10 minutes after creation, and the card only ever shows the room we got an answer for.
2. Long-term room: first look for the room the failed call may have created. Put the job's
   idempotency key in `CreateRoom.metadata` on every attempt; then after an ambiguous failure
   call `MeetingsClient.find_room_by_metadata(key)`. A room found is the result, with no second
   create; only `None` means create again (with the same key).
3. Anything else in the tree (400, 401 after one refresh, 403 cap, 404, 409) is final: retrying
   cannot help. Map it to the user with `bot.errors.user_message`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.errors import (
    ProviderConnectionError,
    ProviderError,
    ProviderServerError,
    ProviderTimeout,
    RateLimitedError,
)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"})


def is_retryable(exc: ProviderError) -> bool:
    """Whether repeating the request that raised `exc` is safe and may succeed."""
    if exc.method.upper() in IDEMPOTENT_METHODS:
        return isinstance(
            exc, RateLimitedError | ProviderServerError | ProviderTimeout | ProviderConnectionError
        )
    refused_unprocessed = isinstance(exc, ProviderConnectionError | RateLimitedError) or (
        isinstance(exc, ProviderServerError) and exc.status == 503
    )
    return refused_unprocessed


def retry_after(exc: ProviderError) -> float | None:
    # RateLimitedError and our ServiceUnavailableError (503) carry it; nothing else does.
    value = getattr(exc, "retry_after", None)
    return float(value) if isinstance(value, int | float) else None


@dataclass(frozen=True)
class RetryPolicy:
    """Decides whether and how long to wait before attempt `attempt + 1`.

    Args:
        max_attempts: total attempts including the first; 1 disables retries.
        base_delay: the backoff cap for the first retry, doubled for each later one.
        max_delay: no single wait is longer; a longer `Retry-After` means give up now.
        random: returns a float in [0, 1); the jitter source, injectable for tests.
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    random: Callable[[], float] = field(default=random.random, repr=False)

    def __call__(self, exc: ProviderError, attempt: int) -> float | None:
        """Seconds to wait before retrying after attempt number `attempt` (1-based) failed."""
        if attempt >= self.max_attempts or not is_retryable(exc):
            return None
        hinted = retry_after(exc)
        if hinted is not None:
            return hinted if hinted <= self.max_delay else None
        # Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): spreads the
        # retries of many clients that failed together instead of synchronising them.
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return self.random() * ceiling


NO_RETRY = RetryPolicy(max_attempts=1)
