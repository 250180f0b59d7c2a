"""Time for the emulator: the system clock, and a settable one that tests move forward.

Room lifecycles (instant-room expiry, long-term limits, recording timestamps) read this clock;
JWT expiry does not, because tokens are minted by a real client against the real clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class MutableClock:
    """A frozen clock that only moves when told to; call it to read the time."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = (start or system_clock()).astimezone(UTC)

    def __call__(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | None = None, /, **kwargs: float) -> datetime:
        """Move forward by `delta` or by `timedelta(**kwargs)` (e.g. `minutes=11`)."""
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)
