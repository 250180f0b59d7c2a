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

    def install_team(self, team_id: str) -> str:
        """A workspace-level installation's enterprise ("-" outside Enterprise Grid), by its
        workspace: a modal from a Slack Connect channel names our workspace but not our org."""
        return f"{self.prefix}:install-team:{team_id}"

    def token_refresh(self, enterprise_id: str | None, team_id: str | None) -> str:
        """The lock one replica holds while it refreshes an installation's rotating bot token."""
        return f"{self.prefix}:token-refresh:{enterprise_id or '-'}:{team_id or '-'}"

    # -- the provider account's request budget and Daily's webhook hints (issue 15) ------------

    def provider_budget(self, provider: str, account: str, bucket: str) -> str:
        """One bucket of a provider account's shared request budget (a GCRA "theoretical
        arrival time", `bot.providers.http.budget`); expires once the bucket is idle."""
        return f"{self.prefix}:budget:{provider}:{account}:{bucket}"

    def daily_domain(self, account: str) -> str:
        """The Daily domain id of an API key (for self-signed meeting tokens)."""
        return f"{self.prefix}:daily:domain:{account}"

    def daily_recording_room(self, recording_id: str) -> str:
        """Daily recording id -> room name (`recording.started` names no room)."""
        return f"{self.prefix}:daily:recording-room:{recording_id}"

    def daily_participant_room(self, participant_id: str) -> str:
        """Daily participant (session) id -> room name, from `participant.joined`: who starts a
        recording (`started_by`) is in its room."""
        return f"{self.prefix}:daily:participant-room:{participant_id}"

    def daily_unusable_event(self, event_id: str) -> str:
        """A Daily webhook event we could not use, already logged (redeliveries are not)."""
        return f"{self.prefix}:daily:unusable:{event_id}"

    # --- Slack pacing (bot.slack.pacing) ----------------------------------------------------

    def slack_pace(self, team_id: str, bucket: str) -> str:
        """Hash: one Slack rate-limit bucket of a workspace (`tat`: when it is next free, µs;
        `since`: Slack's first 429 without a success since). Expires once idle."""
        return f"{self.prefix}:slack-pace:{team_id}:{bucket}"

    def slack_broken(self, installation: str) -> str:
        """Slack said an installation's token is dead (invalid_auth, token_revoked...):
        `installation` is its org or workspace id and a hash of the token, so a reinstall,
        which brings a new token, is never blocked by it."""
        return f"{self.prefix}:slack-broken:{installation}"


# Issue 15's TTLs. A hint (recording or participant -> room) matters while that recording or
# participant is live; Daily instant rooms live a day, and redeliveries come within minutes.
DAILY_HINT_TTL = DAY
# Re-read the domain id once a day: it never changes for a key, but a rotated key may move.
DAILY_DOMAIN_TTL = DAY
# Daily retries a failed delivery for up to about an hour (exponential, 5 tries, at most
# 15 minutes apart: https://docs.daily.co/reference/rest-api/webhooks); a day covers it.
DAILY_UNUSABLE_TTL = DAY

# A broken installation's marker: work for it stops this long, or until it is reinstalled; if
# nobody reinstalls, the next call after it expires asks Slack again (and logs again).
SLACK_BROKEN_TTL = 30 * DAY


# --- channel defaults and workspace policy (issue 17, bot.settings) -----------------------------


@dataclass(frozen=True)
class SettingsKeys:
    """Keys of `bot.settings`, beside `Keys` (same prefix) so earlier key names never move."""

    prefix: str = "meetbot"

    def channel_defaults(self, team_id: str, channel_id: str) -> str:
        """A channel's defaults (JSON, no TTL: they last until changed)."""
        return f"{self.prefix}:settings:channel:{team_id}:{channel_id}"

    def workspace_policy(self, team_id: str) -> str:
        """A workspace's policy (JSON, no TTL)."""
        return f"{self.prefix}:settings:policy:{team_id}"

    def settings_applied(self, submission: str) -> str:
        """A settings submission (view id) already applied or refused: a retry does nothing."""
        return f"{self.prefix}:settings:applied:{submission}"

    def slack_role(self, team_id: str, user_id: str) -> str:
        """What users.info said of a person's role (admin, guest, partner), for a short while."""
        return f"{self.prefix}:settings:role:{team_id}:{user_id}"

    def slack_locale(self, team_id: str, user_id: str) -> str:
        """The Slack locale users.info last reported for a person ("" for none), kept longer than
        their role: the `/meet` ack reads it to answer in their language without asking Slack."""
        return f"{self.prefix}:settings:locale:{team_id}:{user_id}"

    def channel_creator(self, team_id: str, channel_id: str) -> str:
        """conversations.info's `creator` of a channel ("-": Slack names none)."""
        return f"{self.prefix}:settings:creator:{team_id}:{channel_id}"


# Admin status is Slack's to say (issue 17: "cached briefly"): starts and modal openings use an
# answer at most this old; saving settings always asks Slack again.
SLACK_ROLE_TTL = 5 * 60
# A person changes their Slack language rarely; every role lookup refreshes it.
SLACK_LOCALE_TTL = 30 * DAY
# A channel's creator never changes; a day bounds a stale "-" after a scope was granted.
CHANNEL_CREATOR_TTL = DAY
# As long as the job that applies a submission can be retried (steps live as long).
SETTINGS_APPLIED_TTL = STEP_TTL


# --- meeting notes and retention (issue 16, bot.notes) --------------------------------------------


@dataclass(frozen=True)
class NotesKeys:
    """Keys of `bot.notes`, beside `Keys` (same prefix)."""

    prefix: str = "meetbot"

    def notes(self, transcript_id: str) -> str:
        """One transcript's notes record (JSON): its meeting, where its reply is, what it shows.
        Never the transcript's or summary's text: that stays at the provider."""
        return f"{self.prefix}:notes:{transcript_id}"

    def notes_job(self, job_id: str) -> str:
        """A summary job we started -> its transcript id (batch-processor events name the job)."""
        return f"{self.prefix}:notes-job:{job_id}"

    def meeting_notes(self, meeting_id: str) -> str:
        """Set of a meeting's transcript ids (a long-term room has one per session)."""
        return f"{self.prefix}:meeting-notes:{meeting_id}"

    def retention_due(self) -> str:
        """Sorted set of deletions the retention policy will make, scored by when they are due:
        `notes:<transcript id>` and `recording:<meeting id>:<recording id>`."""
        return f"{self.prefix}:retention-due"


# A notes record outlives the longest retention policy we honour (a year), renewed on every
# write: the retention sweep must still find its reply to edit (bot.notes.retention).
NOTES_TTL = 400 * DAY
