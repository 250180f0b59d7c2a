"""Fixtures for the Meetings API emulator: a live emulator per test, and a spec-checked API client.

`emulator` serves `create_emulator_app` on a free port and yields an `EmulatorHandle` (URLs,
credentials, state, control client, settable clock). `meetings_api` calls the emulator's API
with fresh JWTs and checks every answer against the official OpenAPI spec (see spec_check
below), so tests that use it cannot pass while the emulator drifts from the real API.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import jwt
import pytest
from pytest_aiohttp import AiohttpServer

from bot.sandbox.meetings import (
    API_PREFIX,
    EmulatorControl,
    EmulatorState,
    MutableClock,
    create_emulator_app,
)
from tests.conftest import KeyPair
from tests.plugins.spec_check import SpecChecker, spec_checker


def mint_token(
    application_id: str, private_key_pem: str, *, ttl: int = 900, **claims: Any
) -> str:
    """A Meetings JWT as Vonage documents it (RS256; application_id, iat, jti, exp)."""
    now = int(time.time())
    payload = {
        "application_id": application_id,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "exp": now + ttl,
    }
    payload.update(claims)
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, private_key_pem, "RS256")


@dataclass(frozen=True)
class EmulatorHandle:
    base_url: str  # what MEETINGS_API_URL would be: http://127.0.0.1:PORT/v1/meetings
    application_id: str
    private_key_pem: str = field(repr=False)
    state: EmulatorState = field(repr=False)
    control: EmulatorControl = field(repr=False)
    root_url: str  # http://127.0.0.1:PORT, for /_control and /_storage
    clock: MutableClock = field(repr=False)

    def token(self, **claims: Any) -> str:
        """A valid JWT for this emulator; pass claims to override (None drops a claim)."""
        return mint_token(self.application_id, self.private_key_pem, **claims)

    def auth_headers(self, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(**claims)}"}


@pytest.fixture
def emulator_clock() -> MutableClock:
    return MutableClock()


@pytest.fixture
async def emulator(
    aiohttp_server: AiohttpServer, rsa_keypair: KeyPair, emulator_clock: MutableClock
) -> AsyncIterator[EmulatorHandle]:
    application_id = str(uuid.uuid4())
    app = create_emulator_app(
        application_id=application_id,
        public_key_pem=rsa_keypair.public_pem,
        clock=emulator_clock,
    )
    server = await aiohttp_server(app, port=0)
    root_url = str(server.make_url("")).rstrip("/")
    async with aiohttp.ClientSession() as session:
        yield EmulatorHandle(
            base_url=root_url + API_PREFIX,
            application_id=application_id,
            private_key_pem=rsa_keypair.private_pem,
            state=app[_state_key()],
            control=EmulatorControl(session, root_url),
            root_url=root_url,
            clock=emulator_clock,
        )


def _state_key() -> Any:
    from bot.sandbox.meetings import STATE_KEY

    return STATE_KEY


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    body: Any  # parsed JSON, or the text when the answer is not JSON
    headers: Mapping[str, str]


class MeetingsApi:
    """Calls the emulator's API over HTTP and checks each answer against the spec."""

    def __init__(self, session: aiohttp.ClientSession, handle: EmulatorHandle, checker: SpecChecker):
        self._session = session
        self._handle = handle
        self.checker = checker

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ApiAnswer:
        """`path` is relative to the API base ("/rooms"); a fresh JWT is sent unless overridden."""
        sent = {**self._handle.auth_headers(), **(headers or {})}
        url = self._handle.base_url + path
        async with self._session.request(method, url, json=json, params=params, headers=sent) as r:
            raw = await r.read()
            body = await r.json() if r.content_type == "application/json" else raw.decode()
            self.checker.check(method, str(r.url), r.status, raw, r.content_type)
            return ApiAnswer(r.status, body, dict(r.headers))

    async def get(self, path: str, **kw: Any) -> ApiAnswer:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, **kw: Any) -> ApiAnswer:
        return await self.request("POST", path, **kw)

    async def patch(self, path: str, **kw: Any) -> ApiAnswer:
        return await self.request("PATCH", path, **kw)

    async def put(self, path: str, **kw: Any) -> ApiAnswer:
        return await self.request("PUT", path, **kw)

    async def delete(self, path: str, **kw: Any) -> ApiAnswer:
        return await self.request("DELETE", path, **kw)


@pytest.fixture
async def meetings_api(emulator: EmulatorHandle) -> AsyncIterator[MeetingsApi]:
    async with aiohttp.ClientSession() as session:
        yield MeetingsApi(session, emulator, spec_checker())
