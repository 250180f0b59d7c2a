"""What Slack listeners are given: the enqueue side of the job layer, a clock, and the view opener."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.jobs import Jobs
from bot.requests import Workspace


@dataclass(frozen=True)
class ListenerDeps:
    jobs: Jobs
    clock: Callable[[], datetime]


def workspace_of(body: dict[str, Any]) -> Workspace:
    """The install a Slack payload belongs to, whatever its shape (command, interaction, event)."""
    team = body.get("team")
    team_id = body.get("team_id") or (team.get("id") if isinstance(team, dict) else team) or ""
    enterprise = body.get("enterprise")
    enterprise_id = body.get("enterprise_id") or (
        enterprise.get("id") if isinstance(enterprise, dict) else enterprise
    )
    user = body.get("user")
    if not team_id and isinstance(user, dict):
        team_id = user.get("team_id", "")
    return Workspace(
        team_id=str(team_id), enterprise_id=str(enterprise_id) if enterprise_id else None
    )
