"""Waiting for a saq job to finish, for tests.

Polled, not saq's `job.refresh(until_complete=...)`: that reads the status, then subscribes for
the change, so a job finishing in between is never heard of and the wait times out (it failed a
full run once).
"""

from __future__ import annotations

import asyncio

from saq import Job
from saq.job import TERMINAL_STATUSES


async def finished(job: Job, *, within: float) -> Job:
    """`job`, refreshed, once it has completed, failed or been aborted."""
    async with asyncio.timeout(within):
        while True:
            await job.refresh()
            if job.status in TERMINAL_STATUSES:
                return job
            await asyncio.sleep(0.02)
