"""Every Redis key name and TTL meetbot uses, in one place (saq's own keys live under `saq:`).

Keys are namespaced by a prefix so tests and several deployments can share one Redis.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY = 24 * 3600
# A meeting record outlives its room by a month so late recordings still find their card.
MEETING_GRACE_TTL = 30 * DAY
# Job step results: long enough for any retry of the job, short enough not to pile up.
STEP_TTL = 7 * DAY
# Someone who opened meetbot's Home tab gets it re-published when their meetings change; one
# who never did (or not for this long) has nothing to refresh: Home is built when opened.
HOME_VIEWER_TTL = 30 * DAY
# Slack's OAuth state is single-use and only needed while the user is on the consent page.
OAUTH_STATE_TTL = 10 * 60
# A signed Slack request is accepted while its timestamp is within 5 minutes of our clock, on
# either side (slack_sdk's SignatureVerifier): its signature is remembered for those 10 minutes
# plus one for clock skew, so a captured request cannot be replayed while it would verify.
SLACK_REPLAY_TTL = 11 * 60
# A standup occurrence's fired marker outlives any retry or take-over of its run (steps live 7 days).
STANDUP_FIRED_TTL = 7 * DAY


@dataclass(frozen=True)
class Keys:
    prefix: str = "meetbot"

    def meeting(self, meeting_id: str) -> str:
        return f"{self.prefix}:meeting:{meeting_id}"

    def callback_token(self, token: str) -> str:
        """Per-room callback token -> meeting id."""
        return f"{self.prefix}:cbtoken:{token}"

    def room(self, room_id: str) -> str:
        """Provider room id -> meeting id."""
        return f"{self.prefix}:room:{room_id}"

    def session(self, session_id: str) -> str:
        """Provider session id -> meeting id (recording callbacks carry only the session)."""
        return f"{self.prefix}:session:{session_id}"

    def user_meetings(self, team_id: str, user_id: str) -> str:
        """Sorted set of a user's meeting ids, scored by creation time (App Home)."""
        return f"{self.prefix}:user:{team_id}:{user_id}:meetings"

    def active_meetings(self) -> str:
        """Sorted set of meetings whose card may still change, scored by next check time."""
        return f"{self.prefix}:active"

    def steps(self, job_key: str) -> str:
        """Hash of a job's completed step results (room id, message ts, DM ts)."""
        return f"{self.prefix}:steps:{job_key}"

    def home_viewer(self, team_id: str, user_id: str) -> str:
        return f"{self.prefix}:home-viewer:{team_id}:{user_id}"

    def lock(self, name: str) -> str:
        return f"{self.prefix}:lock:{name}"

    def installation(
        self, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> str:
        """Latest installation for an org/workspace (Enterprise Grid: enterprise + team)."""
        who = f":{user_id}" if user_id else ""
        return f"{self.prefix}:install:{enterprise_id or '-'}:{team_id or '-'}{who}"

    def installers(self, enterprise_id: str | None, team_id: str | None) -> str:
        """Set of user ids holding a per-user installation in this org/workspace."""
        return f"{self.prefix}:install-users:{enterprise_id or '-'}:{team_id or '-'}"

    def bot(self, enterprise_id: str | None, team_id: str | None) -> str:
        return f"{self.prefix}:bot:{enterprise_id or '-'}:{team_id or '-'}"

    def oauth_state(self, state: str) -> str:
        return f"{self.prefix}:oauth-state:{state}"

    def slack_request(self, signature: str) -> str:
        """A verified Slack request's signature, seen once (replay guard)."""
        return f"{self.prefix}:slack-request:{signature}"

    def schedule(self, schedule_id: str) -> str:
        """A standup schedule's record (JSON, no TTL: it lives until cancelled)."""
        return f"{self.prefix}:schedule:{schedule_id}"

    def channel_schedules(self, team_id: str, channel_id: str) -> str:
        """Set of the schedule ids posting in a channel (`/meet schedules`)."""
        return f"{self.prefix}:channel:{team_id}:{channel_id}:schedules"

    def user_schedules(self, team_id: str, user_id: str) -> str:
        """Set of the schedule ids a user owns (App Home)."""
        return f"{self.prefix}:user:{team_id}:{user_id}:schedules"

    def standups_due(self) -> str:
        """Sorted set: schedule id -> epoch of its next occurrence (or of a claim's lease end)."""
        return f"{self.prefix}:standups:due"

    def standups_claimed(self) -> str:
        """Hash: schedule id -> epoch of the occurrence a scheduler claimed and has not advanced."""
        return f"{self.prefix}:standups:claimed"

    def standup_fired(self, schedule_id: str, due: int) -> str:
        """The claim that began an occurrence (`StandupStore.mark_fired`): a stale one stops."""
        return f"{self.prefix}:standup-fired:{schedule_id}:{due}"
