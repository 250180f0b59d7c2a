"""Channel defaults, workspace policies and the short-lived answers Slack gave about people and
channels, in Redis (key names and TTLs: `bot.storage.keys.SettingsKeys`).

A submission is applied by one Lua call: its marker and every record it changes are written
together or not at all, and a second run of the same submission (a retried job, a double
submit) finds the marker and writes nothing.
"""

from __future__ import annotations

import redis.asyncio as aioredis

from bot.settings.model import ChannelDefaults, Role, WorkspacePolicy
from bot.storage.keys import (
    CHANNEL_CREATOR_TTL,
    SETTINGS_APPLIED_TTL,
    SLACK_ROLE_TTL,
    Keys,
    SettingsKeys,
)
from bot.storage.redis import text, unavailable_on_failure

# KEYS[1]: the submission's marker; KEYS[2..n]: records; ARGV[1]: the marker's TTL, ARGV[2..n]:
# the records' JSON. 1 when applied now, 0 when it was applied before.
_APPLY_ONCE = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
for i = 2, #KEYS do redis.call('SET', KEYS[i], ARGV[i]) end
return 1
"""
_NO_CREATOR = "-"


class SettingsStore:
    def __init__(self, redis: aioredis.Redis, *, keys: Keys | None = None) -> None:
        self.redis = redis
        self.keys = SettingsKeys((keys or Keys()).prefix)
        self._apply_once = redis.register_script(_APPLY_ONCE)

    @unavailable_on_failure
    async def for_channel(
        self, team_id: str, channel_id: str
    ) -> tuple[ChannelDefaults, WorkspacePolicy]:
        """A channel's defaults and its workspace's policy, in one round trip (the ack path)."""
        defaults, policy = await self.redis.mget(
            [self.keys.channel_defaults(team_id, channel_id), self.keys.workspace_policy(team_id)]
        )
        return ChannelDefaults.from_json(defaults), WorkspacePolicy.from_json(policy)

    @unavailable_on_failure
    async def policy(self, team_id: str) -> WorkspacePolicy:
        return WorkspacePolicy.from_json(await self.redis.get(self.keys.workspace_policy(team_id)))

    @unavailable_on_failure
    async def apply(
        self,
        submission: str,
        team_id: str,
        channel_id: str,
        *,
        defaults: ChannelDefaults | None,
        policy: WorkspacePolicy | None,
    ) -> bool:
        """Write what changed, once per `submission`; False if it was applied before."""
        keys, values = [self.keys.settings_applied(submission)], [str(SETTINGS_APPLIED_TTL)]
        if defaults is not None:
            keys.append(self.keys.channel_defaults(team_id, channel_id))
            values.append(defaults.to_json())
        if policy is not None:
            keys.append(self.keys.workspace_policy(team_id))
            values.append(policy.to_json())
        return bool(await self._apply_once(keys=keys, args=values))

    @unavailable_on_failure
    async def was_applied(self, submission: str) -> bool:
        return bool(await self.redis.exists(self.keys.settings_applied(submission)))

    @unavailable_on_failure
    async def cached_role(self, team_id: str, user_id: str) -> Role | None:
        raw = await self.redis.get(self.keys.slack_role(team_id, user_id))
        return Role.from_json(raw) if raw else None

    @unavailable_on_failure
    async def policy_and_cached_role(
        self, team_id: str, user_id: str
    ) -> tuple[WorkspacePolicy, Role | None]:
        """The workspace's policy and what Slack last said about `user_id`, in one round trip
        (every meeting start asks both)."""
        policy, role = await self.redis.mget(
            [self.keys.workspace_policy(team_id), self.keys.slack_role(team_id, user_id)]
        )
        return WorkspacePolicy.from_json(policy), Role.from_json(role) if role else None

    @unavailable_on_failure
    async def cache_role(self, team_id: str, role: Role) -> None:
        key = self.keys.slack_role(team_id, role.user_id)
        await self.redis.set(key, role.to_json(), ex=SLACK_ROLE_TTL)

    @unavailable_on_failure
    async def cached_creator(self, team_id: str, channel_id: str) -> tuple[bool, str | None]:
        """(known, creator): known False when Slack has not been asked lately."""
        raw = await self.redis.get(self.keys.channel_creator(team_id, channel_id))
        if raw is None:
            return False, None
        creator = text(raw)
        return True, None if creator == _NO_CREATOR else creator

    @unavailable_on_failure
    async def cache_creator(self, team_id: str, channel_id: str, creator: str | None) -> None:
        key = self.keys.channel_creator(team_id, channel_id)
        await self.redis.set(key, creator or _NO_CREATOR, ex=CHANNEL_CREATOR_TTL)
