"""A spec-faithful emulator of the retired Vonage Meetings API (aiohttp), for tests and demos.

`create_emulator_app(...)` builds the server; `app[STATE_KEY]` is its `EmulatorState`;
`EmulatorControl` drives it over HTTP; `python -m meetbot_sandbox.meetings` runs it standalone.
"""

from __future__ import annotations

from meetbot_sandbox.meetings.app import create_emulator_app
from meetbot_sandbox.meetings.clock import MutableClock
from meetbot_sandbox.meetings.control import EmulatorControl, EmulatorControlError
from meetbot_sandbox.meetings.keys import API_PREFIX, STATE_KEY
from meetbot_sandbox.meetings.state import EmulatorState

__all__ = [
    "API_PREFIX",
    "STATE_KEY",
    "EmulatorControl",
    "EmulatorControlError",
    "EmulatorState",
    "MutableClock",
    "create_emulator_app",
]
