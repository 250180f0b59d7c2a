"""Slack's error answers (the published samples in tests/fixtures/slack-web-api/) named, and what
each means: whether retrying can help, and what the person is told will."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.errors import (
    ChannelUnreachable,
    NotInChannel,
    SlackAuthBroken,
    SlackError,
    SlackRateLimited,
    SlackScopeMissing,
    SlackUnavailable,
    user_message,
)
from bot.meet.service import is_permanent
from bot.slack.failures import backoff, classify, retry_after

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "slack-web-api"
GENERIC = "Something went wrong on our side"


def sample(name: str) -> dict[str, Any]:
    loaded = json.loads((SAMPLES / name).read_text())
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize(
    ("name", "method", "kind", "permanent", "told"),
    [
        ("auth.test.error.invalid_auth.json", "chat.postMessage", SlackAuthBroken, True,
         "needs to reinstall meetbot"),
        ("users.identity.error.account_inactive.json", "users.info", SlackAuthBroken, True,
         "needs to reinstall meetbot"),
        ("conversations.join.error.is_archived.json", "chat.postMessage", ChannelUnreachable,
         True, "because it is archived"),
        ("conversations.history.error.channel_not_found.json", "chat.update",
         ChannelUnreachable, True, "may have been deleted, or it is private"),
        ("conversations.history.error.channel_not_found.json", "chat.postMessage",
         NotInChannel, False, GENERIC),
        ("admin.apps.requests.list.error.missing_scope.json", "calls.add", SlackScopeMissing,
         True, "missing the Slack permission `admin.apps:read`"),
        ("chat.postMessage.error.invalid_blocks.observed.json", "chat.postMessage", SlackError,
         True, GENERIC),
    ],
    ids=["invalid_auth", "account_inactive", "is_archived", "gone-on-update",
         "private-on-post", "missing_scope", "invalid_blocks"],
)  # fmt: skip
def test_slacks_errors_are_named_with_what_will_fix_them(
    name: str, method: str, kind: type[SlackError], permanent: bool, told: str
) -> None:
    error = classify(method, 200, sample(name), {})

    assert type(error) is kind
    assert (error.method, error.error) == (method, sample(name)["error"])
    assert is_permanent(error) is permanent
    assert told in user_message(error)


def test_missing_scope_keeps_needed_and_provided_for_the_operator() -> None:
    error = classify(
        "calls.add", 200, sample("admin.apps.requests.list.error.missing_scope.json"), {}
    )

    assert isinstance(error, SlackScopeMissing)
    assert (error.needed, error.provided) == (
        "admin.apps:read",
        "read,client,admin,identify,post,apps",
    )
    assert "read,client" not in user_message(error), "the person is told what to add, no more"


def test_a_429_is_never_permanent_until_its_deadline() -> None:
    observed = {"ok": False, "error": "ratelimited"}  # ratelimited.429.observed.txt
    error = classify("chat.postMessage", 429, observed, {"retry-after": "1"})

    assert isinstance(error, SlackRateLimited) and error.retry_after == 1.0
    assert not is_permanent(error)
    gave_up = SlackRateLimited("chat.postMessage", retry_after=1, gave_up=True)
    assert is_permanent(gave_up)
    assert "Slack is limiting how fast meetbot can post" in user_message(gave_up)


def test_a_5xx_is_slacks_trouble_and_retried() -> None:
    error = classify("chat.postMessage", 503, "<html>Service Unavailable</html>", {})

    assert isinstance(error, SlackUnavailable) and error.error == "http_503"
    assert not is_permanent(error)


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [({"Retry-After": "30"}, 30.0), ({"retry-after": ["2"]}, 2.0), ({}, 1.0), ({"Retry-After": "soon"}, 1.0)],
)  # fmt: skip
def test_retry_after_is_read_however_it_is_spelled(headers: dict[str, Any], seconds: float) -> None:
    assert retry_after(headers) == seconds


def test_backoff_honours_retry_after_and_grows_while_slack_keeps_refusing() -> None:
    waits = [backoff(1.0, n) for n in range(1, 10)]

    assert all(w >= 1.0 for w in waits), "never sooner than Slack asked"
    assert waits[-1] >= 60.0 and all(w <= 66.0 for w in waits), "doubling, capped near a minute"
