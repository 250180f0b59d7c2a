"""Injected faults fail, slow down or drop exactly the API requests they match."""

from __future__ import annotations

import time

import aiohttp
import pytest
from meetbot_sandbox.meetings import EmulatorControlError

from tests.plugins.emulator import EmulatorApi, EmulatorHandle


async def test_a_503_fails_the_next_matching_request_once(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    await emulator.control.set_fault(method="POST", path="/rooms", status=503, retry_after=1)

    failed = await emulator_api.post("/rooms", json={"display_name": "r"})
    assert failed.status == 503 and failed.headers["Retry-After"] == "1"
    assert failed.body == {
        "message": "Service Unavailable",
        "name": "ServiceUnavailableError",
        "status": 503,
    }
    assert emulator.state.rooms == {}

    assert (await emulator_api.post("/rooms", json={"display_name": "r"})).status == 201


async def test_a_fault_matches_method_and_path_glob_for_n_requests(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    room = (await emulator_api.post("/rooms", json={"display_name": "r"})).body
    await emulator.control.set_fault(
        method="GET", path="/rooms/*", status=429, retry_after=2, times=2
    )

    assert (await emulator_api.get("/rooms")).status == 200  # the glob needs a room id
    statuses = [(await emulator_api.get(f"/rooms/{room['id']}")).status for _ in range(3)]

    assert statuses == [429, 429, 200]


async def test_faults_act_before_the_token_is_checked(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    await emulator.control.set_fault(status=500)

    answer = await emulator_api.get("/themes", headers={"Authorization": ""})

    assert answer.status == 500 and answer.body["name"] == "InternalServerError"


async def test_a_delay_slows_matching_requests_until_cleared(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    await emulator.control.set_fault(method="POST", path="/rooms", delay_ms=300)

    for _ in range(2):
        started = time.monotonic()
        assert (await emulator_api.post("/rooms", json={"display_name": "r"})).status == 201
        assert time.monotonic() - started >= 0.3

    await emulator.control.clear_faults()
    assert (await emulator.control.call("GET", "/faults"))["faults"] == []


async def test_a_dropped_request_closes_the_connection_unprocessed(
    emulator: EmulatorHandle,
) -> None:
    await emulator.control.set_fault(method="POST", path="/rooms", drop=True)

    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await session.post(
                emulator.base_url + "/rooms",
                json={"display_name": "r"},
                headers=emulator.auth_headers(),
            )

    assert emulator.state.rooms == {}


async def test_the_control_api_is_never_faulted(emulator: EmulatorHandle) -> None:
    await emulator.control.set_fault(status=503, times=None)

    assert await emulator.control.deliveries() == []


@pytest.mark.parametrize(
    "fault",
    [
        {},
        {"status": 200},
        {"delay_ms": -1},
        {"status": 503, "times": 0},
        {"drop": "yes"},
        {"colour": 1},
    ],
)
async def test_malformed_faults_are_refused(
    emulator: EmulatorHandle, fault: dict[str, object]
) -> None:
    with pytest.raises(EmulatorControlError) as refused:
        await emulator.control.call("POST", "/faults", json=fault)
    assert refused.value.status == 400
