"""Fixtures for the fake Slack Web API: `slack_api`, a real server on port 0 with its state.

The fixture fails the test at teardown if the app called a Web API method the fake does not
know, or POSTed to a response_url it never handed out (`state.unexpected`); a test that
provokes one on purpose clears that list after asserting on it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from meetbot_sandbox.slack import FakeSlackState, create_fake_slack_app
from pytest_aiohttp import AiohttpServer
from slack_sdk.web.async_client import AsyncWebClient

BOT_TOKEN = "xoxb-1-fake-bot-token"


@dataclass(frozen=True)
class FakeSlack:
    """A running fake Slack: `api_url` ends in "/api/", as AsyncWebClient's base_url must."""

    state: FakeSlackState
    url: str

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self) -> str:
        return self.state.response_url()

    def client(self, token: str = BOT_TOKEN, **kwargs: Any) -> AsyncWebClient:
        """An AsyncWebClient talking to this fake (and nothing else)."""
        return AsyncWebClient(token=token, base_url=self.api_url, **kwargs)


@pytest.fixture
async def slack_api(aiohttp_server: AiohttpServer) -> AsyncIterator[FakeSlack]:
    state = FakeSlackState()
    server = await aiohttp_server(create_fake_slack_app(state), port=0)
    url = str(server.make_url("")).rstrip("/")
    state.base_url = url
    yield FakeSlack(state=state, url=url)
    assert not state.unexpected, f"the fake Slack saw unexpected requests: {state.unexpected}"
