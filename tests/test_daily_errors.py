"""Daily's errors by their `error` type (https://docs.daily.co/docs/rest-api/errors): the right
class of the error tree, a message for the user in their words, one for the operator in Daily's,
and never "room limit" for a 403 (that was the Meetings API's one 403)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from meetbot_sandbox.slack.signing import new_trigger_id

from bot.errors import (
    NotFoundError,
    ProviderAuthError,
    ProviderError,
    ProviderForbiddenError,
    ProviderServerError,
    RateLimitedError,
    ServiceUnavailableError,
    ValidationError,
    user_message,
)
from bot.providers.daily.client import DailyClient
from bot.providers.daily.responses import daily_error
from bot.providers.http.retry import NO_RETRY
from tests.job_wait import finished
from tests.plugins.daily import DailyHandle
from tests.plugins.providers import DailyRooms, ProviderBot

URL = "https://api.daily.co/v1/rooms"
TOMORROW = datetime.now(UTC) + timedelta(days=1)


def body(kind: str, info: str = "what Daily says") -> bytes:
    return json.dumps({"error": kind, "info": info}).encode()


@pytest.mark.parametrize(
    ("status", "kind", "expected", "user_says"),
    [
        (401, "authentication-error", ProviderAuthError, "credentials were rejected"),
        (400, "authorization-header-error", ProviderAuthError, "credentials were rejected"),
        (403, "forbidden-error", ProviderForbiddenError, "not allowed to do this"),
        (400, "json-parsing-error", ValidationError, "refused this request as invalid"),
        (400, "invalid-request-error", ValidationError, "refused this request as invalid"),
        (404, "not-found", NotFoundError, "no longer has this room"),
        (429, "rate-limit-error", RateLimitedError, "request allowance"),
        (500, "server-error", ProviderServerError, "not answering right now"),
        (503, "server-error", ServiceUnavailableError, "not answering right now"),
        # The type decides a 4xx; a status alone (no body, a new type) still maps.
        (400, "forbidden-error", ProviderForbiddenError, "not allowed to do this"),
        (403, None, ProviderForbiddenError, "not allowed to do this"),
        (404, None, NotFoundError, "no longer has this room"),
        (418, "a-type-added-later", ProviderError, "refused the request"),
        (403, "server-error", ProviderForbiddenError, "not allowed to do this"),
    ],
)
def test_each_documented_type_maps_to_its_class_and_words(
    status: int, kind: str | None, expected: type[ProviderError], user_says: str
) -> None:
    raw = body(kind) if kind else b""
    error = daily_error("POST", URL, status, {}, raw)
    assert type(error) is expected
    assert error.name == kind and error.status == status
    assert user_says in user_message(error)
    assert "room limit" not in user_message(error)
    if kind:
        assert kind in error.message and "what Daily says" in error.message


def test_a_429_keeps_a_retry_after_if_daily_ever_sends_one() -> None:
    error = daily_error("GET", URL, 429, {"Retry-After": "3"}, body("rate-limit-error"))
    assert isinstance(error, RateLimitedError) and error.retry_after == 3.0
    no_hint = daily_error("GET", URL, 429, {}, body("rate-limit-error"))
    assert isinstance(no_hint, RateLimitedError) and no_hint.retry_after is None


@pytest.mark.parametrize(
    ("status", "hint"),
    [(403, "may not use this resource"), (400, "refused the request as sent")],
)
async def test_the_operator_is_told_what_to_do_about_a_refusal(
    daily_client: DailyClient,
    daily: DailyHandle,
    caplog: pytest.LogCaptureFixture,
    status: int,
    hint: str,
) -> None:
    await daily.control.set_fault(method="POST", path="/rooms", status=status)
    with (
        caplog.at_level(logging.WARNING, logger="bot.providers.daily.responses"),
        pytest.raises(ProviderError),
    ):
        await daily_client.create_room("mb-x", exp=TOMORROW, record=False)
    (said,) = [r.getMessage() for r in caplog.records]
    assert said.startswith("Daily refused POST") and hint in said


async def test_a_wrong_key_says_so_to_the_operator(daily: DailyHandle) -> None:
    async with aiohttp.ClientSession() as session:
        wrong = DailyClient(session, base_url=daily.base_url, api_key="wrong", retry=NO_RETRY)
        with pytest.raises(ProviderAuthError) as caught:
            await wrong.get_room("mb-nope")
    assert "DAILY_API_KEY" in caught.value.message


@pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)
async def test_a_daily_403_tells_the_user_the_account_may_not_and_nothing_of_limits(
    provider_bot: ProviderBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = provider_bot
    assert isinstance(bot.rooms, DailyRooms)
    await bot.rooms.daily.control.set_fault(method="POST", path="/rooms", status=403)
    trigger_id, response_url = new_trigger_id(), bot.slack.response_url()
    with caplog.at_level(logging.WARNING):
        reply = await bot.command("Refused", trigger_id=trigger_id, response_url=response_url)
        assert reply.status == 200
        job = await bot.components.queue.job(f"meet:{trigger_id}")
        assert job is not None
        await finished(job, within=30)
    (notice,) = bot.slack.state.responses(response_url)
    text = json.dumps(notice)
    assert notice["response_type"] == "ephemeral"
    assert "not allowed to do this" in text and "room limit" not in text
    assert not bot.rooms.room_ids(), "nothing was made, and nothing retried into being"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "forbidden-error" in logged and "may not use this resource" in logged
