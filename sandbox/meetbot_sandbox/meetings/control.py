"""EmulatorControl: a small async client for the emulator's /_control API.

Tests and demos use it to make things happen in rooms (sessions, participants, recordings,
expiry), to inject faults into the API, and to read the callbacks the emulator delivered.
`callback=False` loses the callback on purpose; `callback="twice"` duplicates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import aiohttp

from meetbot_sandbox.faults import FaultControl

Callback = bool | Literal["twice"]


class EmulatorControlError(Exception):
    """The control API refused a request (unknown id, wrong state, bad input)."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


@dataclass(frozen=True)
class Delivery:
    """One callback the emulator POSTed; `status` is None if the target never answered."""

    event: str
    url: str
    payload: dict[str, Any]
    status: int | None
    error: str | None


class EmulatorControl(FaultControl):
    """Args: session: any aiohttp ClientSession; base_url: the emulator root (http://host:port)."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self._session = session
        self._base = base_url.rstrip("/") + "/_control"

    async def call(
        self, method: str, path: str, *, callback: Callback | None = None, json: Any = None
    ) -> dict[str, Any]:
        """Any control request; returns the JSON body ({} for 204)."""
        params = {} if callback is None else {"callback": _callback_param(callback)}
        async with self._session.request(
            method, self._base + path, params=params, json=json
        ) as response:
            body = await response.json() if response.content_type == "application/json" else {}
            if response.status >= 400:
                raise EmulatorControlError(response.status, body)
            return dict(body)

    async def start_session(self, room_id: str, *, callback: Callback = True) -> str:
        body = await self.call("POST", f"/rooms/{room_id}/sessions", callback=callback)
        return str(body["session_id"])

    async def join(
        self,
        session_id: str,
        name: str = "Guest",
        *,
        is_host: bool = False,
        callback: Callback = True,
    ) -> str:
        payload = {"name": name, "is_host": is_host}
        body = await self.call(
            "POST", f"/sessions/{session_id}/participants", callback=callback, json=payload
        )
        return str(body["participant_id"])

    async def leave(
        self, session_id: str, participant_id: str, *, callback: Callback = True
    ) -> None:
        await self.call(
            "DELETE", f"/sessions/{session_id}/participants/{participant_id}", callback=callback
        )

    async def end_session(self, session_id: str, *, callback: Callback = True) -> None:
        await self.call("POST", f"/sessions/{session_id}/end", callback=callback)

    async def start_recording(self, session_id: str, *, callback: Callback = True) -> str:
        body = await self.call("POST", f"/sessions/{session_id}/recordings", callback=callback)
        return str(body["recording_id"])

    async def stop_recording(self, recording_id: str, *, callback: Callback = True) -> None:
        await self.call("POST", f"/recordings/{recording_id}/stop", callback=callback)

    async def upload_recording(self, recording_id: str, *, callback: Callback = True) -> str:
        """Mark a stopped recording uploaded; returns its download URL."""
        body = await self.call("POST", f"/recordings/{recording_id}/upload", callback=callback)
        return str(body["url"])

    async def expire_room(self, room_id: str, *, callback: Callback = True) -> None:
        await self.call("POST", f"/rooms/{room_id}/expire", callback=callback)

    async def expire_due(self, *, callback: Callback = True) -> list[str]:
        """Announce room:expired for rooms whose time ran out (after moving the clock)."""
        body = await self.call("POST", "/expire-due", callback=callback)
        return [str(room_id) for room_id in body["room_ids"]]

    async def deliveries(self) -> list[Delivery]:
        body = await self.call("GET", "/callbacks")
        return [
            Delivery(d["event"], d["url"], d["payload"], d["status"], d["error"])
            for d in body["deliveries"]
        ]

    async def clear_deliveries(self) -> None:
        await self.call("DELETE", "/callbacks")


def _callback_param(callback: Callback) -> str:
    if callback == "twice":
        return "twice"
    return "true" if callback else "false"
