"""The "Delete notes" button on a notes reply (block_actions via /slack/events).

Everyone sees the button; Slack shows its confirmation dialog before the click reaches us.
The listener only queues a `notes_delete` job: who clicked is checked there against the
meeting's host and Slack's word on workspace admins (bot.notes.tasks), and anyone else is
answered privately.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.errors import Unavailable
from bot.notes.blocks import DELETE_ACTION_ID
from bot.slack.deps import ListenerDeps
from bot.slack.identity import workspace_of
from bot.storage.jobs import JobName

log = logging.getLogger(__name__)


def register(app: AsyncApp, deps: ListenerDeps) -> None:
    @app.action(DELETE_ACTION_ID)
    async def delete_notes(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        try:
            value = json.loads(str(action.get("value") or ""))
            meeting_id, transcript_id = str(value["m"]), str(value["t"])
        except (ValueError, KeyError, TypeError):
            log.info("delete notes: a button value that is not ours, ignored")
            return
        user_id = body["user"]["id"]
        try:
            await deps.jobs.enqueue(
                JobName.NOTES_DELETE,
                f"notes-delete:{transcript_id}:{user_id}:{action.get('action_ts', '')}",
                meeting_id=meeting_id,
                transcript_id=transcript_id,
                user_id=user_id,
                workspace=workspace_of(body).to_dict(),
                response_url=body.get("response_url"),
            )
        except Unavailable:
            log.warning("delete notes not queued: Redis unavailable (the button still works)")
