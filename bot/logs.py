"""Logging: how `python -m bot` logs, and the safeguard that nothing secret reaches a log line.

saq logs a failed job with its full repr, kwargs included (`logger.exception("Error processing
job %s", job)`). Our job kwargs carry Slack response URLs and provider callback payloads (which
hold pre-signed recording links), so saq's records get the abridged form without kwargs.
"""

from __future__ import annotations

import logging

from saq import Job


class AbridgeJobs(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, Job) for a in record.args):
            record.args = tuple(a.info(False) if isinstance(a, Job) else a for a in record.args)
        return True


def protect_saq_logs() -> None:
    """Install the filter on saq's logger once (safe to call for every worker built)."""
    logger = logging.getLogger("saq")
    if not any(isinstance(f, AbridgeJobs) for f in logger.filters):
        logger.addFilter(AbridgeJobs())


def configure(level: str) -> None:
    """Process-wide logging for `python -m bot`.

    saq writes an INFO line for every job it enqueues and runs: at thousands of callbacks a
    second those lines cost ~15% of the ingest rate (bench/callbacks.py), so saq speaks at
    WARNING unless the operator asks for DEBUG.
    """
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("saq").setLevel(logging.WARNING)
    protect_saq_logs()
