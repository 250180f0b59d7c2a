"""The card's and App Home's host controls menu, and the Extend modal's submission
(bot.hostctl).

Anyone may open the menu; whether they may act is Slack's to say (users.info) and is asked by
the job. A click is queued before the ack, so an acknowledged click is never lost; the modal
opens after the ack. Replies are private: to the click's response_url (a card), else by DM
(App Home, whose clicks carry none), in the clicker's language.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.errors import TEMPORARILY_UNAVAILABLE, Unavailable
from bot.hostctl.actions import HOST_CONTROLS_ACTION_ID, HostAction, HostRequest, parse_value
from bot.hostctl.blocks import EXTEND_CALLBACK_ID, UNTIL_BLOCK, read_extend
from bot.hostctl.dialog import HostDialogs
from bot.i18n import translator
from bot.slack.deps import ListenerDeps
from bot.slack.identity import workspace_of

log = logging.getLogger(__name__)


def register(app: AsyncApp, deps: ListenerDeps, dialogs: HostDialogs) -> None:
    @app.action(HOST_CONTROLS_ACTION_ID)
    async def host_control(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        selected = action.get("selected_option")
        parsed = parse_value(selected.get("value") if isinstance(selected, dict) else None)
        if parsed is None:
            await ack()
            log.info("host controls: an option we did not send was ignored")
            return
        kind, meeting_id = parsed
        ws, user_id = workspace_of(body), body["user"]["id"]
        response_url = body.get("response_url")
        trigger_id = str(body.get("trigger_id") or action.get("action_ts") or "")
        if kind is HostAction.EXTEND_TO:
            await ack()
            deps.after_ack(dialogs.open_extend(ws, trigger_id, user_id, meeting_id, response_url))
            return
        request = HostRequest(
            key=f"host:{meeting_id}:{kind.value}:{trigger_id}",
            action=kind,
            meeting_id=meeting_id,
            workspace=ws,
            user_id=user_id,
            response_url=response_url,
        )
        try:
            await dialogs.enqueue(request)
        except Unavailable:
            await ack()
            # English: the clicker's locale is in Redis, which is what is down.
            deps.after_ack(dialogs.tell(ws, user_id, response_url, TEMPORARILY_UNAVAILABLE))
            return
        await ack()

    @app.view(EXTEND_CALLBACK_ID)
    async def extend_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        submitted = read_extend(view)
        meeting_id, response_url = submitted.meeting_id, submitted.response_url
        ws, user_id = workspace_of(body), body["user"]["id"]
        t = translator(submitted.language)  # the modal's: no Slack call before this ack
        try:
            until = await dialogs.check_extend(meeting_id, submitted.day, t)
            if isinstance(until, str):
                await ack(response_action="errors", errors={UNTIL_BLOCK: until})
                return
            # The view id is the key: a double submit is one job.
            await dialogs.enqueue(
                HostRequest(
                    key=f"host:{meeting_id}:extend:{view.get('id')}",
                    action=HostAction.EXTEND_TO,
                    meeting_id=meeting_id,
                    workspace=ws,
                    user_id=user_id,
                    response_url=response_url,
                    until=until,
                )
            )
        except Unavailable:
            unavailable = t.gettext(TEMPORARILY_UNAVAILABLE)
            await ack(response_action="errors", errors={UNTIL_BLOCK: unavailable})
            return
        await ack()
