"""App keys and path prefixes of the Daily emulator."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from meetbot_sandbox.daily.state import DailyState

API_PREFIX = "/v1"
CONTROL_PREFIX = "/_control"
STATE_KEY = web.AppKey("daily_state", DailyState)
HTTP_KEY = web.AppKey("daily_http", aiohttp.ClientSession)
