"""Daily's published REST rate limits, enforced when asked (`create_daily_emulator(rate_limits=
True)`, `--rate-limits`), and the request counts the emulator keeps either way.

https://docs.daily.co/reference/rest-api ("Rate limits"), per domain:

    most endpoints                        20 requests per second, or 100 over a 5 s window
    DELETE /rooms/:name, GET /recordings  about 2 per second, or 50 over a 30 s window
    start a recording, live stream,       about 1 per second, or 5 over a 5 s window
    PSTN or SIP call

Each limit is enforced in its window form, as a sliding window: the per-second figure is the
window's average, and Daily allows bursts within the window ("it is possible to do a burst of
requests as long as you are within the 5 requests in that 5 second window", the same page).
The lower-limited requests count towards the overall limit too (the stricter reading). Every GET under /recordings is
counted as "GET /recordings". A request over a limit is answered 429 `rate-limit-error`
without `Retry-After` (Daily documents none: "retry with an exponential backoff") and is not
counted against the windows. Times are the wall clock's (`time.monotonic`), never the
emulator's settable clock: the limit is about real requests.
"""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Window:
    count: int
    seconds: float


@dataclass(frozen=True)
class Limit:
    name: str
    method: str  # "*" for any
    path: str  # regex on the path after /v1
    windows: tuple[Window, ...]

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and re.fullmatch(self.path, path) is not None


PUBLISHED = (
    Limit("most endpoints", "*", r"/.*", (Window(100, 5.0),)),
    Limit("DELETE /rooms/:name", "DELETE", r"/rooms/[^/]+", (Window(50, 30.0),)),
    Limit("GET /recordings", "GET", r"/recordings(/.*)?", (Window(50, 30.0),)),
    Limit(
        "start recording, streaming, PSTN, SIP",
        "POST",
        r"/rooms/[^/]+/(recordings|live-streaming|dialOut)/start",
        (Window(5, 5.0),),
    ),
)


@dataclass
class RequestLog:
    """What the API was asked, by route ("POST /rooms"), and how many were refused as over the
    limits. `limits` empty: nothing is refused."""

    limits: tuple[Limit, ...] = ()
    clock: Callable[[], float] = time.monotonic
    counts: Counter[str] = field(default_factory=Counter)
    rate_limited: int = 0
    _seen: dict[str, deque[float]] = field(default_factory=dict)

    def admit(self, method: str, path: str, route: str) -> str | None:
        """Count the request; the name of the limit it exceeds (then refused), or None."""
        now = self.clock()
        mine = [limit for limit in self.limits if limit.matches(method, path)]
        for limit in mine:
            seen = self._seen.setdefault(limit.name, deque())
            longest = max(w.seconds for w in limit.windows)
            while seen and seen[0] <= now - longest:
                seen.popleft()
            for window in limit.windows:
                if sum(1 for at in seen if at > now - window.seconds) >= window.count:
                    self.rate_limited += 1
                    return limit.name
        for limit in mine:
            self._seen[limit.name].append(now)
        self.counts[f"{method} {route}"] += 1
        return None
