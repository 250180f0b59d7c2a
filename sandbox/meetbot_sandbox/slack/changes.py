"""Waiting for the fake's state to change: tests await a condition, the server signals changes.

One event per generation: `notify` wakes every waiter and starts a new generation, so a waiter
re-checks its condition after each change and never sleeps on a clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Changes:
    def __init__(self) -> None:
        self._changed = asyncio.Event()

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(
        self, find: Callable[[], T | None], seconds: float, describe: Callable[[], str]
    ) -> T:
        """What `find` returns once it is not None; TimeoutError naming `describe()` otherwise."""
        try:
            async with asyncio.timeout(seconds):
                while (found := find()) is None:
                    await self._changed.wait()
                return found
        except TimeoutError:
            raise TimeoutError(f"nothing matched within {seconds}s; {describe()}") from None
