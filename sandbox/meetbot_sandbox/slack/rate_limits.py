"""Slack's published Web API rate limits, enforced by the fake when a test or bench asks for it
(`state.tiers.enforce()`; off by default, so ordinary tests never wait on a clock).

Slack applies them "per API method per app per workspace" and answers a call over the limit
with HTTP 429, `{"ok": false, "error": "ratelimited"}` and Retry-After in whole seconds
(https://docs.slack.dev/apis/web-api/rate-limits; an observed answer is in
tests/fixtures/slack-web-api/). Tiers: Tier 2 "20+ per minute", Tier 3 "50+", Tier 4 "100+";
chat.postMessage: "1 message per second to a specific channel" and "several hundred messages
per minute" across the workspace (https://docs.slack.dev/reference/methods/chat.postMessage).
Tier per method: slackapi/java-slack-sdk `metadata/web-api/rate_limit_tiers.json`.

Slack does not publish its burst sizes or its algorithm. The fake counts each limit as a token
bucket (GCRA) at the published rate (the floor of each "N+"; 300 for "several hundred") with
the bursts below: a small one where the docs say "occasional"/"short" bursts, larger where they
say "generous". A refused call changes nothing; `refused` counts them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from meetbot_sandbox.slack.models import JSON


@dataclass(frozen=True)
class Limit:
    per_minute: float
    burst: int

    @property
    def interval(self) -> float:
        return 60.0 / self.per_minute


TIER_2 = Limit(20, 4)
TIER_3 = Limit(50, 11)
TIER_4 = Limit(100, 21)
AUTH_TEST = Limit(600, 21)  # "hundreds of requests per minute" (auth.test's page)
POST_PER_CHANNEL = Limit(60, 2)  # "1 per second ... Short bursts >1 allowed"
POST_PER_WORKSPACE = Limit(300, 31)  # "several hundred per minute ... Generous burst behavior"

TIERS: dict[str, Limit] = {
    "chat.update": TIER_3,
    "chat.postEphemeral": TIER_4,
    "chat.delete": TIER_3,
    "chat.getPermalink": AUTH_TEST,  # the same "hundreds per minute" special tier
    "conversations.open": TIER_3,
    "conversations.join": TIER_3,
    "conversations.info": TIER_3,
    "conversations.history": TIER_3,
    "conversations.replies": TIER_3,
    "conversations.members": TIER_4,
    "views.open": TIER_4,
    "views.publish": TIER_4,
    "views.update": TIER_4,
    "views.push": TIER_4,
    "users.info": TIER_4,
    "calls.add": TIER_2,
    "calls.update": TIER_2,
    "calls.end": TIER_2,
    "calls.participants.add": TIER_2,
    "calls.participants.remove": TIER_2,
    "auth.test": AUTH_TEST,
    "oauth.v2.access": TIER_4,
}
# Slack's own methods outside the table are not limited here (apps.connections.open, ...).


def buckets(team_id: str, method: str, params: JSON) -> list[tuple[str, Limit]]:
    """Every limit one call counts against."""
    if method == "chat.postMessage":
        found = [(f"{team_id}:chat.postMessage", POST_PER_WORKSPACE)]
        channel = params.get("channel")
        if isinstance(channel, str) and channel:
            found.insert(0, (f"{team_id}:chat.postMessage:{channel}", POST_PER_CHANNEL))
        return found
    limit = TIERS.get(method)
    return [] if limit is None else [(f"{team_id}:{method}", limit)]


class TierLimits:
    """The fake's rate limiter. `clock`: Unix seconds (the state's)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.enabled = False
        self.refused = 0
        self._tat: dict[str, float] = {}

    def enforce(self, on: bool = True) -> None:
        """Start (or stop) answering 429 past Slack's limits, from a clean slate."""
        self.enabled = on
        self._tat.clear()

    def refuse(self, team_id: str, method: str, params: JSON) -> int | None:
        """Retry-After seconds if this call is over a limit (nothing counted); None admits it."""
        if not self.enabled:
            return None
        now = self.clock()
        found = buckets(team_id, method, params)
        allowed_at = (
            max(
                (max(self._tat.get(key, now), now) - (limit.burst - 1) * limit.interval)
                for key, limit in found
            )
            if found
            else now
        )
        if allowed_at > now + 1e-6:
            self.refused += 1
            return max(1, math.ceil(allowed_at - now))
        for key, limit in found:
            self._tat[key] = max(self._tat.get(key, now), now) + limit.interval
        return None
