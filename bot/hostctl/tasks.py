"""The host controls' jobs: `host_action` (one End, Extend or Lobby click) and `waiting_dm`
(the host's "someone is waiting" DM brought up to date)."""

from __future__ import annotations

from typing import Any

from bot.hostctl.actions import HostRequest
from bot.hostctl.service import HostControls
from bot.storage.jobs import JobFunction, JobName


def hostctl_functions(controls: HostControls) -> dict[str, JobFunction]:
    async def host_action(ctx: dict[str, Any], *, request: dict[str, Any]) -> str:
        return await controls.run(HostRequest.from_dict(request))

    async def waiting_dm(ctx: dict[str, Any], *, meeting_id: str) -> str:
        return await controls.sync_waiting(meeting_id)

    return {JobName.HOST_ACTION: host_action, JobName.WAITING_DM: waiting_dm}
