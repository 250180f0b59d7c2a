"""An emulator of Daily's REST API and webhooks (aiohttp), for tests, benchmarks and demos.

`create_daily_emulator(...)` builds the server; `app[STATE_KEY]` is its `DailyState`;
`DailyControl` drives it over HTTP; `python -m meetbot_sandbox.daily` runs it standalone.
"""

from __future__ import annotations

from meetbot_sandbox.daily.app import create_daily_emulator
from meetbot_sandbox.daily.control import DailyControl, DailyControlError
from meetbot_sandbox.daily.keys import API_PREFIX, STATE_KEY
from meetbot_sandbox.daily.state import DailyState

__all__ = [
    "API_PREFIX",
    "STATE_KEY",
    "DailyControl",
    "DailyControlError",
    "DailyState",
    "create_daily_emulator",
]
