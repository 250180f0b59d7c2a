"""Fixtures for the Meetings API emulator: a live emulator per test, and a spec-checked client.

`emulator` serves `create_emulator_app` on a free port and yields an `EmulatorHandle` (URLs,
credentials, state, control client, settable clock). `emulator_api` calls the API with fresh
JWTs and checks every answer against the official OpenAPI spec (`SpecChecker`), so a test
using it cannot pass while the emulator drifts from the real API.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import jwt
import pytest
import yaml
from meetbot_sandbox.meetings import (
    API_PREFIX,
    STATE_KEY,
    EmulatorControl,
    EmulatorState,
    MutableClock,
    create_emulator_app,
)
from meetbot_sandbox.meetings.keypair import KeyPair
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from pytest_aiohttp import AiohttpServer
from yarl import URL

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SPEC_PATH = FIXTURES / "vonage-meetings-openapi.yml"
RECORDED = FIXTURES / "vonage-recorded"

# Where the recorded real API contradicts the spec, the emulator copies the real API and the
# spec is corrected here, in memory, with the evidence. Nothing else is relaxed. (Requests the
# emulator accepts beyond the spec are not checked here: sandbox/meetbot_sandbox/meetings/README.md.)
RECORDED_ERRATA: list[tuple[str, str, dict[str, Any], str]] = [
    ("Room", "metadata", {"nullable": True}, "meeting_room.json sends null"),
    ("Room", "theme_id", {"nullable": True}, "meeting_room.json sends null"),
    ("Room", "created_at", {"format": "date-time"}, "meeting_room.json: 2023-01-24T03:20:38.629Z"),
    ("Room", "expires_at", {"format": "date-time"}, "meeting_room.json: 2023-01-24T03:30:38.629Z"),
    *[
        ("Theme", name, {"nullable": True}, "theme.json sends null until logos are finalized")
        for name in (
            "brand_image_colored",
            "brand_image_white",
            "branded_favicon",
            "brand_image_colored_url",
            "brand_image_white_url",
            "branded_favicon_url",
        )
    ],
    ("Theme", "short_company_url", {"nullable": True}, "unset optional theme fields are null"),
    # The YAML single-quotes '^https?:\\/\\/.*$', so the regex wants literal backslashes and no
    # real URL matches; the intent (and the emulator's check) is ^https?://.
    *[
        ("CallbackUrls", name, {"pattern": "^https?://.*$"}, "double-escaped in the spec")
        for name in ("rooms_callback_url", "sessions_callback_url", "recordings_callback_url")
    ],
]

# The same for response bodies the spec describes inline (path, method, status, property,
# replacement): the real API sent a page's rooms as a bare `_embedded` list.
_BARE_ROOMS = {"type": "array", "items": {"$ref": "#/components/schemas/Room"}}
RESPONSE_ERRATA: list[tuple[str, str, str, str, dict[str, Any], str]] = [
    ("/rooms", "get", "200", "_embedded", _BARE_ROOMS, "multiple_rooms.json: a bare list"),
    (
        "/themes/{themeId}/rooms",
        "get",
        "200",
        "_embedded",
        _BARE_ROOMS,
        "list_rooms_with_theme_id.json: a bare list",
    ),
]

ERROR_BODY = {
    "type": "object",
    "required": ["message", "name", "status"],
    "additionalProperties": False,
    "properties": {
        "message": {"type": "string"},
        "name": {"type": "string", "pattern": "Error$"},
        "status": {"type": "integer"},
        "errors": {"type": "array"},
    },
}
UNAUTHORIZED_BODY = {
    "type": "object",
    "required": ["title", "detail"],
    "additionalProperties": False,
    "properties": {"title": {"const": "Unauthorized"}, "detail": {"type": "string"}},
}


@functools.cache
def meetings_spec() -> dict[str, Any]:
    """The spec with `:param` paths written `{param}` (and declared), plus RECORDED_ERRATA."""
    spec: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    paths = {}
    for path, item in spec["paths"].items():
        templated = re.sub(r":(\w+)", r"{\1}", path)
        names = re.findall(r"{(\w+)}", templated)
        if names:
            item = {**item, "parameters": [_path_param(name) for name in names]}
        paths[templated] = item
    spec["paths"] = paths
    for schema, prop, change, _why in RECORDED_ERRATA:
        spec["components"]["schemas"][schema]["properties"][prop].update(change)
    for path, method, status, prop, replacement, _why in RESPONSE_ERRATA:
        response_schema(spec, path, method, status)["properties"][prop] = replacement
    return spec


def response_schema(spec: dict[str, Any], path: str, method: str, status: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec["paths"][path][method]["responses"][status]["content"][
        "application/json"
    ]["schema"]
    return schema


def _path_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def operation_ids() -> set[str]:
    spec = meetings_spec()
    return {
        op["operationId"]
        for item in spec["paths"].values()
        for op in item.values()
        if "operationId" in op
    }


class SpecChecker:
    """Validates emulator answers with openapi-core against the spec served at `base_url`.

    Declared statuses are validated by openapi-core; undeclared success statuses fail; every
    error body must have the API's error shape (or the gateway's 401 shape).
    """

    def __init__(self, base_url: str) -> None:
        spec = copy.deepcopy(meetings_spec())
        spec["servers"] = [{"url": base_url}]
        self.spec = spec
        self.openapi = OpenAPI.from_dict(spec)
        self.base_path = URL(base_url).path
        self.seen: set[str] = set()  # operationIds validated with a success status
        ordered = sorted(spec["paths"], key=lambda path: path.count("{"))  # literal paths first
        self._templates = [
            (p, re.compile("^" + re.sub(r"{\w+}", "[^/]+", p) + "$")) for p in ordered
        ]

    def operation(self, method: str, api_path: str) -> tuple[str, dict[str, Any]] | None:
        for template, pattern in self._templates:
            if pattern.match(api_path):
                op = self.spec["paths"][template].get(method.lower())
                return (op["operationId"], op) if op else None
        return None

    def check(self, method: str, url: str, status: int, raw: bytes, content_type: str) -> None:
        parsed = URL(url)
        api_path = parsed.path.removeprefix(self.base_path)
        found = self.operation(method, api_path)
        if status == 401:
            jsonschema.validate(json.loads(raw), UNAUTHORIZED_BODY)
            return
        if status >= 400:
            body = json.loads(raw)
            jsonschema.validate(body, ERROR_BODY)
            assert body["status"] == status, body
        if found is None:
            assert status in (404, 405), (
                f"{method} {api_path} is not in the spec but answered {status}"
            )
            return
        operation_id, op = found
        if str(status) not in op["responses"]:
            assert status >= 400, f"{operation_id} answered {status}, undeclared in the spec"
            return
        request = MockRequest(
            f"{parsed.scheme}://{parsed.authority}",
            method.lower(),
            parsed.path,
            args=dict(parsed.query),
        )
        response = MockResponse(raw, status_code=status, content_type=content_type)
        self.openapi.validate_response(request, response)
        if status < 400:
            self.seen.add(operation_id)


def mint_token(
    application_id: str, private_key_pem: str, /, *, ttl: int = 900, **claims: Any
) -> str:
    """A Meetings JWT as Vonage documents it (RS256; application_id, iat, jti, exp).

    Claims passed in override the defaults; pass one as None to leave it out.
    """
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
    root_url: str  # http://127.0.0.1:PORT, where /_control and /_storage live
    clock: MutableClock = field(repr=False)

    def token(self, **claims: Any) -> str:
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
        application_id=application_id, public_key_pem=rsa_keypair.public_pem, clock=emulator_clock
    )
    server = await aiohttp_server(app, port=0)
    root_url = str(server.make_url("")).rstrip("/")
    async with aiohttp.ClientSession() as session:
        yield EmulatorHandle(
            base_url=root_url + API_PREFIX,
            application_id=application_id,
            private_key_pem=rsa_keypair.private_pem,
            state=app[STATE_KEY],
            control=EmulatorControl(session, root_url),
            root_url=root_url,
            clock=emulator_clock,
        )


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    body: Any  # parsed JSON, or the text of a non-JSON answer
    headers: Mapping[str, str]


class EmulatorApi:
    """Calls the emulator's API over HTTP with a fresh JWT and spec-checks each answer."""

    def __init__(self, session: aiohttp.ClientSession, handle: EmulatorHandle) -> None:
        self._session = session
        self._handle = handle
        self.checker = SpecChecker(handle.base_url)

    async def request(
        self, method: str, path: str, *, headers: Mapping[str, str] | None = None, **kw: Any
    ) -> ApiAnswer:
        """`path` is relative to the API base ("/rooms"); `headers` override the JWT."""
        sent = {**self._handle.auth_headers(), **(headers or {})}
        async with self._session.request(
            method, self._handle.base_url + path, headers=sent, **kw
        ) as r:
            raw = await r.read()
            body = await r.json() if r.content_type == "application/json" else raw.decode()
            self.checker.check(method, str(r.url), r.status, raw, r.content_type)
            return ApiAnswer(r.status, body, r.headers)

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
async def emulator_api(emulator: EmulatorHandle) -> AsyncIterator[EmulatorApi]:
    async with aiohttp.ClientSession() as session:
        yield EmulatorApi(session, emulator)
