"""Slack's failed answers, named: one pure mapping from (method, HTTP status, body, headers) onto
`bot.errors`, Retry-After read the way Slack sends it, and the backoff between 429s. Pure.

Error codes: each method's "Errors" table on docs.slack.dev (e.g.
https://docs.slack.dev/reference/methods/chat.postMessage#errors). A 429 carries
`{"ok": false, "error": "ratelimited"}` and a Retry-After header in seconds
(https://docs.slack.dev/apis/web-api/rate-limits).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from typing import Any

from bot.errors import (
    SLACK_INVALID_ANSWER,
    ChannelUnreachable,
    NotInChannel,
    SlackAuthBroken,
    SlackError,
    SlackRateLimited,
    SlackScopeMissing,
    SlackUnavailable,
)

log = logging.getLogger("bot.slack.web")  # one logger for every Web API failure line

# The token is dead: revoked, its user or app deactivated, or never valid. Only a reinstall
# (a new token) helps. (token_expired is not here: a rotating token is refreshed instead.)
AUTH_BROKEN = frozenset({"invalid_auth", "token_revoked", "account_inactive"})
# Posting where the bot is not a member: public channels say not_in_channel, private ones it
# cannot see say channel_not_found (https://docs.slack.dev/reference/methods/chat.postMessage).
# Joining may help, so these stay `NotInChannel` for chat.postMessage.
NOT_IN_CHANNEL = frozenset({"not_in_channel", "channel_not_found"})
CHANNEL_GONE = frozenset({"is_archived", "channel_not_found"})
# A Retry-After we cannot read: Slack's usual one (docs_excerpts: `retry-after: 1`).
DEFAULT_RETRY_AFTER = 1.0
BACKOFF_BASE = 0.25  # seconds; the nth refusal in a row waits at least BASE * 2^(n-1)
BACKOFF_CAP = 60.0


def retry_after(headers: Mapping[str, Any] | None) -> float:
    """Slack's Retry-After (seconds), whatever the header's case; DEFAULT_RETRY_AFTER if absent."""
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(float(raw), 0.0)
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER


def classify(
    method: str, status: int, body: Mapping[str, Any] | Any, headers: Mapping[str, Any] | None
) -> SlackError:
    """The error a failed call of `method` raises. `body` is Slack's JSON (or whatever came)."""
    data: Mapping[str, Any] = body if isinstance(body, Mapping) else {}
    error = str(data.get("error") or f"http_{status}")
    if status == 429 or error == "ratelimited":
        return SlackRateLimited(method, retry_after=retry_after(headers))
    if status >= 500:
        return SlackUnavailable(method, error)
    if error in AUTH_BROKEN:
        return SlackAuthBroken(method, error)
    if error == "missing_scope":
        needed, provided = data.get("needed"), data.get("provided")
        return SlackScopeMissing(
            method, error, needed=str(needed or ""), provided=str(provided or "")
        )
    if method == "chat.postMessage" and error in NOT_IN_CHANNEL:
        return NotInChannel(method, error)
    if error in CHANNEL_GONE:
        return ChannelUnreachable(method, error)
    return SlackError(method, error)


def backoff(retry_after: float, refusals: int, *, base: float = BACKOFF_BASE) -> float:
    """Seconds to wait after the `refusals`-th 429 in a row: at least Retry-After, doubling
    from `base` while Slack keeps refusing, capped, plus up to 10 % jitter so replicas that
    were refused together do not come back together."""
    grown = min(base * float(2 ** max(refusals - 1, 0)), BACKOFF_CAP)
    delay = max(retry_after, grown)
    return delay * (1 + random.random() / 10)  # noqa: S311 - jitter, not a secret


def next_wait(
    error: SlackRateLimited,
    *,
    refusals: int,
    refused_for: float,
    elapsed: float,
    patience: float,
    deadline: float,
    held: float = 0.0,
    base: float = BACKOFF_BASE,
) -> float:
    """After the `refusals`-th 429 in a row for one call: seconds to sleep before asking the
    pacer for a turn again, which itself waits out the `held` seconds it holds every replica
    to; together at least Retry-After. Raises `error` when waiting longer would
    pass the call's `patience` (the job retries it), and `SlackRateLimited(gave_up=True)` once
    Slack has refused for `deadline` seconds, however many calls and replicas it took."""
    method = error.method
    if refused_for >= deadline:
        log.warning(
            "Slack %s failed: ratelimited for %.0f s, giving up (deadline %.0f s)",
            method,
            refused_for,
            deadline,
        )
        raise SlackRateLimited(method, retry_after=error.retry_after, gave_up=True)
    delay = backoff(error.retry_after, refusals, base=base)
    if elapsed + delay > patience:
        log.info("Slack %s failed: ratelimited; the job retries it later", method)
        raise error
    log.info(
        "Slack %s failed: ratelimited (Retry-After %.0f s); waiting %.1f s",
        method,
        error.retry_after,
        delay,
    )
    return max(delay - held, 0.0)


def log_failure(error: SlackError) -> None:
    """The operator's line for a failed call: the method and Slack's code (for missing_scope
    also `needed` and `provided`), never the token or the message."""
    if isinstance(error, SlackScopeMissing):
        log.warning(
            "Slack %s failed: missing_scope (needed: %s; provided: %s)",
            error.method,
            error.needed or "?",
            error.provided or "?",
        )
        return
    level = logging.INFO if isinstance(error, NotInChannel) else logging.WARNING
    log.log(level, "Slack %s failed: %s", error.method, error.error)


def answer_text(data: dict[str, Any], method: str, *path: str) -> str:
    """A non-empty string at `path` of an ok answer; `SlackError(SLACK_INVALID_ANSWER)` when
    missing (Slack's own calls.add sample answer is `{"ok": true}`, without the call)."""
    value: Any = data
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    if not isinstance(value, str | int) or value == "":
        log.warning("Slack %s failed: %s (no %s)", method, SLACK_INVALID_ANSWER, ".".join(path))
        raise SlackError(method, SLACK_INVALID_ANSWER)
    return str(value)
