"""Logging: how `python -m bot` logs, and the safeguard that nothing secret reaches a log line.

saq logs a failed job with its full repr, kwargs included (`logger.exception("Error processing
job %s", job)`). Our job kwargs carry Slack response URLs and provider callback payloads (which
hold pre-signed recording links), so saq's records get the abridged form without kwargs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.errors import RetryLater


class OwnDebugOnly(logging.Filter):
    """DEBUG lines from meetbot's own code only. The libraries' debug lines carry payloads:
    slack_sdk logs every Web API call's arguments and answers (host links in DMs, tokens from
    oauth.v2.access), Bolt logs request bodies (response_url), saq logs job kwargs. Put on the
    handler, not the loggers, because Bolt copies the root level into its loggers when built."""

    def filter(self, record: logging.LogRecord) -> bool:
        return (
            record.levelno >= logging.INFO or record.name == "bot" or record.name.startswith("bot.")
        )


class AbridgeJobs(logging.Filter):
    """Jobs without their kwargs; and a job that asked to be retried (`RetryLater`) is an INFO
    line naming the reason rather than an ERROR with a traceback an operator would chase."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Imported here: only the worker installs this filter, and saq is loaded there already;
        # the supervisor and the web role's start stay free of it.
        from saq import Job

        if isinstance(record.args, tuple) and any(isinstance(a, Job) for a in record.args):
            record.args = tuple(a.info(False) if isinstance(a, Job) else a for a in record.args)
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, RetryLater):
            if not logging.getLogger().isEnabledFor(logging.INFO):
                return False
            record.msg = f"{record.msg}: will retry ({exc})"
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


class DropEnvTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and, since we hand it our own
    client (one shared HTTP session) and an `authorize`, warns on every start that the token
    it found "will be unused" - which reads like a misconfiguration. It is exactly what we want."""

    MESSAGE = "As you gave `client` as well, `token` will be unused."

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self.MESSAGE


def quiet_bolt_env_token_warning() -> None:
    """Install `DropEnvTokenWarning` on Bolt's app logger once."""
    logger = logging.getLogger("slack_bolt.AsyncApp")
    if not any(isinstance(f, DropEnvTokenWarning) for f in logger.filters):
        logger.addFilter(DropEnvTokenWarning())


def protect_saq_logs() -> None:
    """Install the filter on saq's logger once (safe to call for every worker built)."""
    logger = logging.getLogger("saq")
    if not any(isinstance(f, AbridgeJobs) for f in logger.filters):
        logger.addFilter(AbridgeJobs())


def configure(level: str) -> None:
    """Process-wide logging for `python -m bot`."""
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    guard(logging.getLogger().handlers)


def guard(handlers: Iterable[logging.Handler]) -> None:
    """Keep secrets out of what these handlers write, at any root level.

    saq writes an INFO line for every job it enqueues and runs: at thousands of callbacks a
    second those lines cost ~15% of the ingest rate (bench/callbacks.py), so saq speaks at
    WARNING, and at INFO when the operator asks for DEBUG: never at DEBUG, where its lines
    carry each job's kwargs (response URLs, recording links).
    """
    debug = logging.getLogger().getEffectiveLevel() <= logging.DEBUG
    logging.getLogger("saq").setLevel(logging.INFO if debug else logging.WARNING)
    for handler in handlers:
        if not any(isinstance(f, OwnDebugOnly) for f in handler.filters):
            handler.addFilter(OwnDebugOnly())
    protect_saq_logs()
