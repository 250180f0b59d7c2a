"""Buttons in App Home: Pause / Resume / Delete a standup (block_actions via /slack/events).

Each button's value is the schedule id. Only the schedule's owner may use them (App Home
lists only your own schedules, so anyone else's click is a forged or stale payload). The
change is made in Redis before the ack, and the Home tab is re-published by a job.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.errors import Unavailable
from bot.slack.deps import ListenerDeps
from bot.slack.identity import workspace_of
from bot.standups.blocks import DELETE_ACTION_ID, PAUSE_ACTION_ID, RESUME_ACTION_ID

log = logging.getLogger(__name__)


def register(app: AsyncApp, deps: ListenerDeps) -> None:
    @app.action(PAUSE_ACTION_ID)
    @app.action(RESUME_ACTION_ID)
    @app.action(DELETE_ACTION_ID)
    async def standup_button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        assert deps.standups is not None, "standups are wired in bot.app.build"
        ws, user_id = workspace_of(body), body["user"]["id"]
        try:
            schedule = await deps.standups.store.get(str(action.get("value", "")))
            if schedule is None or schedule.owner_id != user_id or schedule.team_id != ws.team_id:
                log.info("standup button %s ignored: not the owner's", action.get("action_id"))
            elif action["action_id"] == PAUSE_ACTION_ID:
                await deps.standups.pause(schedule)
            elif action["action_id"] == RESUME_ACTION_ID:
                await deps.standups.resume(schedule)
            else:
                await deps.standups.cancel(schedule)
            await deps.jobs.refresh_home(ws, user_id, opened=True)
        except Unavailable:
            # Nothing changed; the Home tab still shows the button to try again.
            log.warning("standup button not applied: Redis unavailable")
