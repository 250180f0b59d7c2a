"""The seams the use cases talk through: Slack (`SlackPort`, implemented over slack_sdk in
`bot.slack.web`) and the job layer (`FollowUps`, implemented by `bot.storage.jobs.Jobs`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bot.domain.inputs import StartMeeting, Workspace
from bot.domain.message import Message

CallUser = dict[str, str]


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


@dataclass(frozen=True)
class SlackUser:
    """What users.info tells us about a person: their IANA time zone, whether they run the
    workspace (admins and owners may cancel anyone's standup, change channel defaults and the
    workspace policy), whether they are a guest (`is_restricted`: multi-channel,
    `is_ultra_restricted`: single-channel), and whether they belong to a partner organisation
    (Slack Connect: `is_external`, or `is_stranger`; slack-api-specs `objs_user`)."""

    id: str
    tz: str | None = None
    is_admin: bool = False
    is_owner: bool = False
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    is_external: bool = False


class PendingSteps(Protocol):
    """A job's recorded steps with results not yet written (`bot.storage.steps.JobSteps`): a
    post carries them so that its attempt marker is in Redis before the message goes out."""

    @property
    def key(self) -> str: ...

    @property
    def pending(self) -> dict[str, str]: ...

    def written(self, values: Mapping[str, str]) -> None: ...


class SlackPort(Protocol):
    """What the service needs from Slack. Implemented over slack_sdk in `bot.slack.web`."""

    async def post(
        self,
        ws: Workspace,
        channel: str,
        message: Message,
        *,
        thread_ts: str | None = None,
        marker: str | None = None,
        steps: PendingSteps | None = None,
    ) -> Posted:
        """Post to a channel, or DM when `channel` is a user id. Raises NotInChannel / SlackError.

        `steps`: their pending results are written before the post is sent (with its pacing
        turn: no round trip of their own), whatever happens to the post."""
        ...

    async def find_posted(
        self,
        ws: Workspace,
        channel: str,
        *,
        since: float,
        marker: str,
        thread_ts: str | None = None,
    ) -> str | None:
        """The ts of our own message carrying `marker`, posted in `channel` after `since`."""
        ...

    async def update(self, ws: Workspace, channel: str, ts: str, message: Message) -> None: ...

    async def join(self, ws: Workspace, channel: str) -> bool:
        """Join a public channel; False where joining is impossible (private channel, DM)."""
        ...

    async def respond(
        self, response_url: str, message: Message, *, in_channel: bool = False
    ) -> None: ...

    async def publish_home(self, ws: Workspace, user_id: str, view: dict[str, Any]) -> None: ...

    async def user_info(self, ws: Workspace, user_id: str) -> SlackUser: ...

    # Slack Calls API (https://api.slack.com/apis/calls); `CallUser` is an external user:
    # {"external_id": ..., "display_name": ...}.
    async def calls_add(
        self,
        ws: Workspace,
        *,
        external_unique_id: str,
        join_url: str,
        created_by: str,
        title: str | None = None,
        date_start: int | None = None,
        external_display_id: str | None = None,
        users: list[CallUser] | None = None,
    ) -> str:
        """Register a Call; returns its id (the `call_id` of a `call` block)."""
        ...

    async def calls_participants(
        self, ws: Workspace, call_id: str, users: list[CallUser], *, joined: bool
    ) -> None:
        """calls.participants.add (joined) or calls.participants.remove."""
        ...

    async def calls_end(
        self, ws: Workspace, call_id: str, *, duration: int | None = None
    ) -> None: ...


class FollowUps(Protocol):
    """Work the service asks the job layer to do later (implemented by `bot.storage.jobs`)."""

    async def refresh_home(self, ws: Workspace, user_id: str) -> None: ...


class ChannelSettings(Protocol):
    """The workspace policy and a channel's defaults, as a start meets them (bot.settings)."""

    async def start_refusal(
        self, ws: Workspace, user_id: str, *, known: SlackUser | None = None
    ) -> str | None:
        """Why the workspace policy refuses `user_id` a meeting or standup (mrkdwn), or None.
        `known`: what users.info said already (no second call)."""
        ...

    async def with_channel_defaults(
        self, req: StartMeeting, *, recording: bool = True
    ) -> StartMeeting:
        """`req` completed by its channel's defaults, within the workspace policy; without
        `recording` the recording default is left out (a standup's reused room)."""
        ...
