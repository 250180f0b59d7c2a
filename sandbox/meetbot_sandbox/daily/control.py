"""DailyControl: a small async client for the Daily emulator's /_control API (tests, demos)."""

from __future__ import annotations

from typing import Any

import aiohttp

from meetbot_sandbox.faults import FaultControl


class DailyControlError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


class DailyControl(FaultControl):
    """Args: session: any aiohttp ClientSession; base_url: the emulator root (http://host:port)."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self._session = session
        self._base = base_url.rstrip("/") + "/_control"

    async def call(
        self, method: str, path: str, *, json: Any = None, webhook: bool = True
    ) -> dict[str, Any]:
        params = {} if webhook else {"webhook": "false"}
        async with self._session.request(
            method, self._base + path, json=json, params=params
        ) as response:
            body = await response.json() if response.content_type == "application/json" else {}
            if response.status >= 400:
                raise DailyControlError(response.status, body)
            return dict(body)

    async def set_webhook(self, url: str | None) -> None:
        await self.call("PUT", "/webhook", json={"url": url})

    async def start_session(self, room: str, *, webhook: bool = True) -> str:
        body = await self.call("POST", f"/rooms/{room}/sessions", webhook=webhook)
        return str(body["session_id"])

    async def join(
        self, session_id: str, name: str = "Guest", *, is_host: bool = False, webhook: bool = True
    ) -> str:
        payload = {"name": name, "is_host": is_host}
        path = f"/sessions/{session_id}/participants"
        return str((await self.call("POST", path, json=payload, webhook=webhook))["participant_id"])

    async def leave(self, session_id: str, participant_id: str, *, webhook: bool = True) -> None:
        path = f"/sessions/{session_id}/participants/{participant_id}"
        await self.call("DELETE", path, webhook=webhook)

    async def end_session(self, session_id: str, *, webhook: bool = True) -> None:
        await self.call("POST", f"/sessions/{session_id}/end", webhook=webhook)

    async def start_recording(self, session_id: str, *, webhook: bool = True) -> str:
        body = await self.call("POST", f"/sessions/{session_id}/recordings", webhook=webhook)
        return str(body["recording_id"])

    async def recording_ready(self, recording_id: str, *, webhook: bool = True) -> None:
        await self.call("POST", f"/recordings/{recording_id}/ready", webhook=webhook)

    # Issue 16, meeting notes: an ended session's transcript, and summarize jobs.

    async def transcript_ready(self, session_id: str, *, webhook: bool = True) -> str:
        """The ended session's transcript finishes (transcript.ready-to-download)."""
        path = f"/sessions/{session_id}/transcript/ready"
        return str((await self.call("POST", path, webhook=webhook))["transcript_id"])

    async def transcript_fails(
        self, session_id: str, error: str = "transcription failed", *, webhook: bool = True
    ) -> str:
        path = f"/sessions/{session_id}/transcript/fail"
        body = await self.call("POST", path, json={"error": error}, webhook=webhook)
        return str(body["transcript_id"])

    async def summary_ready(self, job_id: str, *, webhook: bool = True) -> None:
        """The summarize job finishes (batch-processor.job-finished)."""
        await self.call("POST", f"/jobs/{job_id}/ready", webhook=webhook)

    async def summary_fails(
        self, job_id: str, error: str = "summary failed", *, webhook: bool = True
    ) -> None:
        await self.call("POST", f"/jobs/{job_id}/fail", json={"error": error}, webhook=webhook)

    async def jobs(self) -> list[dict[str, Any]]:
        """The batch-processor jobs submitted so far, each with its `transcript_id`."""
        return list((await self.call("GET", "/jobs"))["jobs"])

    async def expire_room(self, room: str) -> None:
        await self.call("POST", f"/rooms/{room}/expire")

    async def deliveries(self) -> list[dict[str, Any]]:
        return list((await self.call("GET", "/deliveries"))["deliveries"])

    async def stats(self) -> dict[str, Any]:
        """Requests by route, 429s sent and rooms' creation times (`GET /_control/stats`)."""
        return await self.call("GET", "/stats")

    # Issue 17: knocking (meetbot_sandbox.daily.control_lobby).

    async def knock(self, room: str, name: str = "Guest", *, webhook: bool = True) -> str:
        """A guest knocks on `room` (-> waiting-participant.joined); their participant id."""
        body = await self.call("POST", f"/rooms/{room}/knock", json={"name": name}, webhook=webhook)
        return str(body["participant_id"])

    async def waiting(self, room: str) -> list[dict[str, Any]]:
        """Who is knocking on `room`: [{"id", "name"}]."""
        return list((await self.call("GET", f"/rooms/{room}/waiting"))["waiting"])

    async def admit(self, room: str, participant_id: str, *, webhook: bool = True) -> str:
        """An owner in the meeting lets them in (-> participant.joined); the session id."""
        path = f"/rooms/{room}/waiting/{participant_id}/admit"
        return str((await self.call("POST", path, webhook=webhook))["session_id"])

    async def deny(self, room: str, participant_id: str, *, webhook: bool = True) -> None:
        """An owner turns them away (-> waiting-participant.left)."""
        await self.call("POST", f"/rooms/{room}/waiting/{participant_id}/deny", webhook=webhook)

    async def give_up(self, room: str, participant_id: str, *, webhook: bool = True) -> None:
        """The guest stops knocking (-> waiting-participant.left)."""
        await self.call("DELETE", f"/rooms/{room}/waiting/{participant_id}", webhook=webhook)
