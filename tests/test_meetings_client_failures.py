"""How the client fails against the emulator: auth, caps, retries, timeouts, dropped connections.

Retry delays are recorded by a fake sleep (`recorded_sleeps`) instead of being waited out.
"""

from __future__ import annotations

import logging
import socket

import aiohttp
import pytest
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pytest_aiohttp import AiohttpServer

from bot.errors import (
    LimitReachedError,
    ProviderAuthError,
    ProviderConnectionError,
    ProviderServerError,
    ProviderTimeout,
    RateLimitedError,
)
from bot.providers.http.retry import NO_RETRY, RetryPolicy
from bot.providers.meetings.bodies import CreateRoom
from bot.providers.meetings.client import MeetingsClient
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.meetings import MakeClient, RecordedSleeps


def other_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1/meetings"


async def test_a_wrong_key_is_an_auth_error_after_one_refresh(
    make_meetings_client: MakeClient, recorded_sleeps: RecordedSleeps
) -> None:
    client = make_meetings_client(private_key_pem=other_private_key())
    with pytest.raises(ProviderAuthError) as caught:
        await client.list_rooms()
    assert caught.value.status == 401
    assert "You did not provide correct credentials" in caught.value.message
    assert recorded_sleeps.delays == []


async def test_a_single_401_is_healed_by_refreshing_the_token(
    meetings_client: MeetingsClient, emulator: EmulatorHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await emulator.control.set_fault(method="GET", path="/rooms", status=401, times=1)
    page = await meetings_client.list_rooms()
    assert page.rooms == ()
    assert recorded_sleeps.delays == []


async def test_the_room_cap_is_a_limit_error(
    meetings_client: MeetingsClient, emulator: EmulatorHandle, recorded_sleeps: RecordedSleeps
) -> None:
    emulator.state.room_cap = 2
    await meetings_client.create_room(CreateRoom("one"))
    await meetings_client.create_room(CreateRoom("two"))
    with pytest.raises(LimitReachedError) as caught:
        await meetings_client.create_room(CreateRoom("three"))
    assert caught.value.status == 403
    assert recorded_sleeps.delays == []


async def test_create_retries_a_503_after_its_retry_after(
    meetings_client: MeetingsClient, emulator: EmulatorHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await emulator.control.set_fault(
        method="POST", path="/rooms", status=503, retry_after=1, times=1
    )
    room = await meetings_client.create_room(CreateRoom("after a 503"))
    assert recorded_sleeps.delays == [1.0]
    assert list(emulator.state.rooms) == [room.id]


async def test_429s_are_retried_honouring_retry_after(
    meetings_client: MeetingsClient, emulator: EmulatorHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await emulator.control.set_fault(
        method="GET", path="/rooms", status=429, retry_after=2, times=2
    )
    await meetings_client.list_rooms()
    assert recorded_sleeps.delays == [2.0, 2.0]


async def test_create_is_not_retried_on_a_500_because_the_room_may_exist(
    meetings_client: MeetingsClient, emulator: EmulatorHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await emulator.control.set_fault(method="POST", path="/rooms", status=500, times=1)
    with pytest.raises(ProviderServerError) as caught:
        await meetings_client.create_room(CreateRoom("ambiguous"))
    assert caught.value.status == 500
    assert recorded_sleeps.delays == []


async def test_reads_are_retried_on_a_500_with_jittered_backoff(
    meetings_client: MeetingsClient, emulator: EmulatorHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await emulator.control.set_fault(method="GET", path="/rooms", status=500, times=2)
    await meetings_client.list_rooms()
    # RetryPolicy(random=0.5): half of 0.5 s, then half of 1 s.
    assert recorded_sleeps.delays == [0.25, 0.5]


async def test_retries_stop_after_the_last_attempt(
    meetings_client: MeetingsClient, emulator: EmulatorHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await emulator.control.set_fault(method="GET", path="/dial-in-numbers", status=502, times=None)
    with pytest.raises(ProviderServerError):
        await meetings_client.dial_in_numbers()
    assert len(recorded_sleeps.delays) == RetryPolicy().max_attempts - 1


async def test_a_rate_limit_to_wait_out_for_an_hour_is_raised_at_once(
    meetings_client: MeetingsClient, emulator: EmulatorHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await emulator.control.set_fault(method="GET", path="/themes", status=429, retry_after=3600)
    with pytest.raises(RateLimitedError) as caught:
        await meetings_client.themes.list()
    assert caught.value.retry_after == 3600.0
    assert recorded_sleeps.delays == []


async def test_create_is_retried_when_the_connection_is_refused(
    make_meetings_client: MakeClient, recorded_sleeps: RecordedSleeps
) -> None:
    client = make_meetings_client(base_url=closed_port_url())
    with pytest.raises(ProviderConnectionError) as caught:
        await client.create_room(CreateRoom("nobody home"))
    assert isinstance(caught.value.__cause__, aiohttp.ClientConnectorError)
    assert len(recorded_sleeps.delays) == RetryPolicy().max_attempts - 1


async def test_no_answer_in_time_is_a_timeout_and_a_create_is_not_repeated(
    make_meetings_client: MakeClient, emulator: EmulatorHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await emulator.control.set_fault(method="POST", path="/rooms", delay_ms=2000)
    client = make_meetings_client(timeout=aiohttp.ClientTimeout(total=0.2))
    with pytest.raises(ProviderTimeout) as caught:
        await client.create_room(CreateRoom("slow"))
    assert isinstance(caught.value.__cause__, TimeoutError)
    assert recorded_sleeps.delays == []


async def test_a_slow_read_times_out_and_is_retried(
    make_meetings_client: MakeClient, emulator: EmulatorHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await emulator.control.set_fault(method="GET", path="/rooms", delay_ms=2000, times=1)
    client = make_meetings_client(timeout=aiohttp.ClientTimeout(total=0.2))
    await client.list_rooms()
    assert recorded_sleeps.delays == [0.25]


async def test_a_dropped_connection_is_ambiguous_for_a_create(
    meetings_client: MeetingsClient, emulator: EmulatorHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await emulator.control.set_fault(method="POST", path="/rooms", drop=True, times=1)
    with pytest.raises(ProviderServerError) as caught:
        await meetings_client.create_room(CreateRoom("dropped"))
    assert caught.value.status is None
    assert isinstance(caught.value.__cause__, aiohttp.ClientError)
    assert recorded_sleeps.delays == []


async def test_a_dropped_read_is_retried(
    meetings_client: MeetingsClient, emulator: EmulatorHandle, recorded_sleeps: RecordedSleeps
) -> None:
    # aiohttp itself repeats an idempotent request once on a dropped connection, so it takes
    # two drops in a row to reach our retry policy.
    await emulator.control.set_fault(method="GET", path="/rooms", drop=True, times=2)
    await meetings_client.list_rooms()
    assert recorded_sleeps.delays == [0.25]


async def test_no_secret_reaches_errors_or_logs(
    make_meetings_client: MakeClient,
    emulator: EmulatorHandle,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_meetings_client()
    room = await client.create_room(CreateRoom("Secret plans", metadata="job-7"))
    await emulator.control.set_fault(method="POST", path="/rooms", status=503, times=None)
    await emulator.control.set_fault(method="GET", path="/rooms/*", status=401, times=None)

    with pytest.raises(ProviderServerError) as create_failed:
        await client.create_room(CreateRoom("Secret plans", metadata="job-7"))
    with pytest.raises(ProviderAuthError) as get_failed:
        await client.get_room(room.id)

    assert room.host_url is not None
    seen = "\n".join([caplog.text, str(create_failed.value), str(get_failed.value)])
    for secret in ("Bearer", "eyJ", room.host_url, "participant_token", "Secret plans", "job-7"):
        assert secret not in seen
    assert "retry" in caplog.text  # the retries were logged, without any of the above


async def test_retries_can_be_turned_off(
    make_meetings_client: MakeClient, emulator: EmulatorHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await emulator.control.set_fault(method="GET", path="/rooms", status=503, times=1)
    client = make_meetings_client(retry=NO_RETRY)
    with pytest.raises(ProviderServerError):
        await client.list_rooms()
    assert recorded_sleeps.delays == []


async def test_an_unreadable_success_is_as_ambiguous_as_a_5xx(
    aiohttp_server: AiohttpServer, make_meetings_client: MakeClient, recorded_sleeps: RecordedSleeps
) -> None:
    async def created_but_garbled(request: web.Request) -> web.Response:
        return web.Response(status=201, text="<html>created</html>")

    app = web.Application()
    app.router.add_post("/v1/meetings/rooms", created_but_garbled)
    server = await aiohttp_server(app)
    client = make_meetings_client(base_url=str(server.make_url("/v1/meetings")))

    with pytest.raises(ProviderServerError) as caught:
        await client.create_room(CreateRoom("garbled"))
    assert caught.value.status == 201
    assert "unexpected response" in caught.value.message
    assert recorded_sleeps.delays == []
