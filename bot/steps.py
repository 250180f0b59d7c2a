"""A job's recorded steps: what it has done, so that a retried job resumes instead of repeating.

Read once per run (`Store.resume`, `Store.job_steps`) and kept in step with Redis as they are
written; reads come from memory. Written through `Store`, whose keys and TTLs they use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store import Store

StepValues = Mapping[str, str]


class JobSteps:
    """A job's recorded steps, read once per run and kept in step with Redis as they are written
    (reads come from memory).

    `record` writes at once: it is for what must be in Redis before the next outside call (an
    attempt marker before a post). `note` keeps a step's result for the next write, so it
    costs no round trip of its own: a job that dies before that write finds the result again
    from its attempt marker (`MeetingService._post_once` looks for the marked post), so nothing
    is done twice. Store writes that take `steps` carry the noted results with them.
    """

    def __init__(self, store: Store, key: str, done: dict[str, str]) -> None:
        self.store = store
        self.key = key
        self._done = done
        self._pending: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self._done.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._done

    @property
    def pending(self) -> dict[str, str]:
        """Results noted but not yet written."""
        return dict(self._pending)

    def note(self, name: str, value: str) -> None:
        self._done[name] = value
        self._pending[name] = value

    def written(self, values: StepValues) -> None:
        """Called by the store once `values` are in Redis."""
        self._done.update(values)
        for name, value in values.items():
            if self._pending.get(name) == value:
                del self._pending[name]

    async def record(self, name: str, value: str) -> None:
        values = {**self._pending, name: value}
        await self.store.record_steps(self.key, values)
        self.written(values)

    async def flush(self) -> None:
        if self._pending:
            values = self.pending
            await self.store.record_steps(self.key, values)
            self.written(values)

    async def forget(self, name: str) -> None:
        await self.flush()
        await self.store.forget_step(self.key, name)
        self._done.pop(name, None)
