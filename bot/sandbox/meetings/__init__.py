"""A spec-faithful emulator of the retired Vonage Meetings API (aiohttp), for tests and demos.

`create_emulator_app(...)` builds the server; `app[STATE_KEY]` is its `EmulatorState`;
`EmulatorControl` drives it over HTTP; `python -m bot.sandbox.meetings` runs it standalone.
"""

from __future__ import annotations

from bot.sandbox.meetings.app import create_emulator_app
from bot.sandbox.meetings.clock import MutableClock
from bot.sandbox.meetings.control import EmulatorControl, EmulatorControlError
from bot.sandbox.meetings.keys import API_PREFIX, STATE_KEY
from bot.sandbox.meetings.state import EmulatorState

__all__ = [
    "API_PREFIX",
    "STATE_KEY",
    "EmulatorControl",
    "EmulatorControlError",
    "EmulatorState",
    "MutableClock",
    "create_emulator_app",
]
