"""RetryPolicy: idempotent calls retry on transient failures; creates only when surely unprocessed."""

from __future__ import annotations

import pytest

from bot.errors import (
    ConflictError,
    NotFoundError,
    ProviderAuthError,
    ProviderConnectionError,
    ProviderError,
    ProviderServerError,
    ProviderTimeout,
    RateLimitedError,
    ServiceUnavailableError,
    ValidationError,
)
from bot.providers.http.retry import NO_RETRY, RetryPolicy, is_retryable

URL = "http://meetings.test/v1/meetings/rooms"


def error(kind: type[ProviderError], method: str, status: int | None = None) -> ProviderError:
    return kind("failed", method=method, url=URL, status=status)


TRANSIENT = [
    error(RateLimitedError, "GET", 429),
    error(ProviderServerError, "GET", 500),
    error(ProviderServerError, "GET", 502),
    error(ServiceUnavailableError, "GET", 503),
    error(ProviderTimeout, "GET"),
    error(ProviderConnectionError, "GET"),
    error(ProviderServerError, "GET"),  # connection dropped mid-answer
]


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("exc", TRANSIENT, ids=lambda e: f"{type(e).__name__}-{e.status}")
def test_idempotent_calls_retry_transient_failures(method: str, exc: ProviderError) -> None:
    exc.method = method
    assert is_retryable(exc)


@pytest.mark.parametrize(
    ("exc", "retried"),
    [
        (error(ProviderConnectionError, "POST"), True),  # never reached the server
        (error(RateLimitedError, "POST", 429), True),  # refused before processing
        (error(ServiceUnavailableError, "POST", 503), True),
        (error(ProviderServerError, "POST", 500), False),  # the room may exist
        (error(ProviderServerError, "POST", 502), False),
        (error(ProviderServerError, "POST", 504), False),
        (error(ProviderServerError, "POST"), False),  # dropped mid-answer
        (error(ProviderTimeout, "POST"), False),
    ],
    ids=lambda v: f"{type(v).__name__}-{v.status}" if isinstance(v, ProviderError) else str(v),
)
def test_creates_retry_only_when_surely_unprocessed(exc: ProviderError, retried: bool) -> None:
    assert is_retryable(exc) is retried


@pytest.mark.parametrize(
    "exc",
    [
        error(ValidationError, "GET", 400),
        error(ProviderAuthError, "GET", 401),
        error(NotFoundError, "GET", 404),
        error(ConflictError, "PATCH", 409),
        error(ProviderError, "DELETE", 403),
    ],
)
def test_final_answers_are_never_retried(exc: ProviderError) -> None:
    assert RetryPolicy()(exc, 1) is None


def test_full_jitter_scales_an_exponential_ceiling() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay=0.5, max_delay=3.0, random=lambda: 0.5)
    exc = error(ProviderTimeout, "GET")
    assert [policy(exc, attempt) for attempt in range(1, 6)] == [0.25, 0.5, 1.0, 1.5, 1.5]


def test_jitter_source_bounds_the_delay() -> None:
    exc = error(ProviderTimeout, "GET")
    assert RetryPolicy(random=lambda: 0.0)(exc, 1) == 0.0
    assert RetryPolicy(random=lambda: 0.999, base_delay=1.0)(exc, 1) == pytest.approx(0.999)


def test_attempts_are_capped() -> None:
    policy = RetryPolicy(max_attempts=3, random=lambda: 1.0)
    exc = error(ProviderTimeout, "GET")
    assert policy(exc, 2) is not None
    assert policy(exc, 3) is None
    assert NO_RETRY(exc, 1) is None


def test_retry_after_is_honoured_instead_of_backoff() -> None:
    policy = RetryPolicy(random=lambda: 0.0)
    limited = RateLimitedError("slow down", retry_after=4.0, method="POST", url=URL, status=429)
    unavailable = ServiceUnavailableError(
        "busy", retry_after=1.0, method="GET", url=URL, status=503
    )
    assert policy(limited, 1) == 4.0
    assert policy(unavailable, 1) == 1.0


def test_a_retry_after_longer_than_max_delay_gives_up_now() -> None:
    policy = RetryPolicy(max_delay=30.0)
    limited = RateLimitedError("later", retry_after=3600, method="GET", url=URL, status=429)
    assert policy(limited, 1) is None
