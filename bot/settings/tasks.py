"""The `save_settings` job: a `/meet settings` submission, checked against Slack and saved."""

from __future__ import annotations

from typing import Any

from bot.domain.inputs import Workspace
from bot.settings.modal import SettingsForm
from bot.settings.model import ChannelDefaults, WorkspacePolicy
from bot.settings.service import SettingsService
from bot.storage.jobs import JobFunction, JobName


def settings_functions(settings: SettingsService) -> dict[str, JobFunction]:
    async def save_settings(
        ctx: dict[str, Any],
        *,
        workspace: dict[str, Any],
        user_id: str,
        submission: str,
        channel_id: str,
        defaults: str | None = None,
        policy: str | None = None,
    ) -> str:
        form = SettingsForm(
            channel_id=channel_id,
            defaults=ChannelDefaults.from_json(defaults) if defaults else None,
            policy=WorkspacePolicy.from_json(policy) if policy else None,
        )
        return await settings.save(Workspace.from_dict(workspace), user_id, submission, form)

    return {JobName.SAVE_SETTINGS: save_settings}
