"""Every API request needs the application's RS256 JWT; anything else is the gateway's 401."""

from __future__ import annotations

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.plugins.emulator import RECORDED, EmulatorApi, EmulatorHandle

UNAUTHORIZED = json.loads((RECORDED / "unauthorized.json").read_text())


def other_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_valid_token_is_accepted(emulator_api: EmulatorApi) -> None:
    assert (await emulator_api.get("/dial-in-numbers")).status == 200


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Authorization": ""}, id="no-header"),
        pytest.param({"Authorization": "Basic dXNlcjpwYXNz"}, id="basic-auth"),
        pytest.param({"Authorization": "Bearer not-a-jwt"}, id="garbage"),
    ],
)
async def test_requests_without_a_usable_token_are_401(
    emulator_api: EmulatorApi, headers: dict[str, str]
) -> None:
    answer = await emulator_api.get("/rooms", headers=headers)

    assert answer.status == 401
    assert answer.body == UNAUTHORIZED


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"application_id": str(uuid.uuid4())}, id="other-application"),
        pytest.param({"exp": int(time.time()) - 60}, id="expired"),
        pytest.param({"exp": None}, id="no-exp"),
        pytest.param({"jti": None}, id="no-jti"),
        pytest.param({"iat": None}, id="no-iat"),
        pytest.param({"application_id": None}, id="no-application-id"),
    ],
)
async def test_tokens_with_wrong_or_missing_claims_are_401(
    emulator_api: EmulatorApi, emulator: EmulatorHandle, claims: dict[str, object]
) -> None:
    answer = await emulator_api.post(
        "/rooms", json={"display_name": "r"}, headers=emulator.auth_headers(**claims)
    )

    assert answer.status == 401 and answer.body == UNAUTHORIZED
    assert emulator.state.rooms == {}


async def test_a_token_signed_with_another_key_is_401(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    now = int(time.time())
    claims = {"application_id": emulator.application_id, "iat": now, "jti": "j", "exp": now + 60}
    forged = jwt.encode(claims, other_private_key(), algorithm="RS256")

    assert (await emulator_api.get("/themes", headers=bearer(forged))).status == 401


async def test_a_symmetric_token_is_not_accepted(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    now = int(time.time())
    claims = {"application_id": emulator.application_id, "iat": now, "jti": "j", "exp": now + 60}
    forged = jwt.encode(claims, "a-shared-secret-of-thirty-two-bytes!", algorithm="HS256")

    assert (await emulator_api.get("/themes", headers=bearer(forged))).status == 401


async def test_unknown_routes_answer_json_404s(emulator_api: EmulatorApi) -> None:
    answer = await emulator_api.get("/meetings/nowhere")

    assert answer.status == 404
    assert answer.body == {
        "message": "Route GET /v1/meetings/meetings/nowhere not found",
        "name": "NotFoundError",
        "status": 404,
    }
    wrong_method = await emulator_api.delete("/rooms")
    assert wrong_method.status == 405 and wrong_method.body["name"] == "MethodNotAllowedError"
