"""What only the sandbox knows about the conversation: replies the bot gave in its HTTP acks,
where each response_url it handed out was used, and which modals are open for whom.

Slack keeps these on its side (an ack's ephemeral reply, the origin of a response_url); the
fake Slack never sees them, so the page's relay records them here and `snapshot` merges them
with the fake's own state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from meetbot_sandbox.slack.models import JSON, Message
from meetbot_sandbox.slack.state import FakeSlackState


@dataclass(frozen=True)
class Origin:
    """Where a response_url was handed out: the conversation and the person who acted."""

    channel: str
    user: str
    thread_ts: str | None = None


@dataclass
class Transcript:
    acks: list[Message] = field(default_factory=list)
    origins: dict[str, Origin] = field(default_factory=dict)  # response_id -> where
    response_ts: dict[int, str] = field(default_factory=dict)  # response post seq -> ts
    triggers: dict[str, str] = field(default_factory=dict)  # trigger_id -> user
    closed_views: set[str] = field(default_factory=set)
    view_errors: dict[str, dict[str, str]] = field(default_factory=dict)

    def response_url(self, state: FakeSlackState, origin: Origin) -> str:
        url = state.response_url()
        self.origins[url.rsplit("/", 1)[-1]] = origin
        return url

    def add_ack(self, state: FakeSlackState, origin: Origin, body: JSON, bot_user: str) -> None:
        """An ack body with text or blocks: shown to the person alone, as Slack does."""
        if not body.get("text") and not body.get("blocks"):
            return
        message = Message(
            channel=origin.channel,
            ts=state.next_ts(),
            text=str(body.get("text") or ""),
            blocks=body.get("blocks"),
            thread_ts=origin.thread_ts,
            user=bot_user,
            visible_to=origin.user,
        )
        self.acks.append(message)
        state.touch()

    def stamp_responses(self, state: FakeSlackState) -> None:
        """Give each response_url post a place in time when first seen (they carry no ts)."""
        for post in state.response_posts:
            if post.seq not in self.response_ts:
                self.response_ts[post.seq] = state.next_ts()

    def close_view(self, state: FakeSlackState, view_id: str) -> None:
        self.closed_views.add(view_id)
        self.view_errors.pop(view_id, None)
        state.touch()

    def show_errors(self, state: FakeSlackState, view_id: str, errors: dict[str, str]) -> None:
        self.view_errors[view_id] = errors
        state.touch()
