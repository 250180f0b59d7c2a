"""`/meet settings` and its modal's submission (bot.settings).

The command acks at once (an empty ack shows nothing) and the modal opens right after it
(`ListenerDeps.after_ack`): who may edit what is Slack's to say (users.info,
conversations.info), which must not hold up the ack. A submission is checked at the ack
against what Redis knows (field errors in the modal, in the language the modal was shown in:
its private_metadata keeps it) and saved by the worker, which asks Slack again whether the
person may still change it.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.errors import TEMPORARILY_UNAVAILABLE, Unavailable
from bot.i18n import translator
from bot.settings.modal import modal_language, parse_settings_submission
from bot.settings.modal_fields import SETTINGS_CALLBACK_ID
from bot.settings.service import SettingsService
from bot.slack.deps import ListenerDeps
from bot.slack.identity import workspace_of
from bot.storage.jobs import JobName

SETTINGS_WORD = "settings"


def is_settings_command(text: str) -> bool:
    return text.strip().lower() == SETTINGS_WORD


async def open_settings(
    ack: AsyncAck, command: dict[str, Any], body: dict[str, Any], deps: ListenerDeps
) -> None:
    await ack()
    settings = _settings(deps)
    deps.after_ack(
        settings.open_modal(
            workspace_of(body), command["trigger_id"], command["user_id"], command["channel_id"]
        )
    )


def register(app: AsyncApp, deps: ListenerDeps) -> None:
    @app.view(SETTINGS_CALLBACK_ID)
    async def submit(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        settings, ws = _settings(deps), workspace_of(body)
        t = translator(modal_language(view))
        try:
            policy = await settings.store.policy(ws.team_id)
            result = parse_settings_submission(view, current_policy=policy, t=t)
            if isinstance(result, dict):
                await ack(response_action="errors", errors=result)
                return
            if result.defaults is not None or result.policy is not None:
                # The view id is the idempotency key: a resubmission finds the job or its marker.
                await deps.jobs.enqueue(
                    JobName.SAVE_SETTINGS,
                    f"settings:{view['id']}",
                    workspace=ws.to_dict(),
                    user_id=body["user"]["id"],
                    submission=str(view["id"]),
                    channel_id=result.channel_id,
                    defaults=result.defaults.to_json() if result.defaults else None,
                    policy=result.policy.to_json() if result.policy else None,
                )
        except Unavailable:
            await ack(
                response_action="errors",
                errors=_everywhere(view, t.gettext(TEMPORARILY_UNAVAILABLE)),
            )
            return
        await ack()


def _settings(deps: ListenerDeps) -> SettingsService:
    assert deps.settings is not None, "settings are wired in bot.app.build"
    return deps.settings


def _everywhere(view: dict[str, Any], message: str) -> dict[str, str]:
    """An error on the modal's first input (Slack shows errors only beside inputs)."""
    inputs = [b["block_id"] for b in view.get("blocks") or [] if b.get("type") == "input"]
    return {inputs[0]: message} if inputs else {}
