"""An ack, or for someone whose Slack locale Redis does not know yet, an empty ack and the same
reply later through the command's response_url, in their language (`bot.meet.late_reply`).

Shared by `/meet` (bot.slack.commands) and `/meet standup|schedules|cancel`
(bot.slack.standup_commands): both answer before any Slack call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.domain.inputs import Workspace
from bot.domain.message import Message
from bot.errors import Unavailable
from bot.meet import late_reply
from bot.slack.deps import ListenerDeps


@dataclass(frozen=True)
class Later:
    """Where a late reply goes: the command's response_url, once a job knows the language."""

    deps: ListenerDeps
    command: dict[str, Any]
    ws: Workspace

    @classmethod
    def unless_known(
        cls, deps: ListenerDeps, command: dict[str, Any], ws: Workspace, *, locale_known: bool
    ) -> Later | None:
        """A `Later` for someone Redis has no locale for (and a command with a response_url)."""
        if locale_known or not command.get("response_url"):
            return None
        return cls(deps, command, ws)

    async def queue(self, said: late_reply.Said) -> bool:
        """False when Redis went away meanwhile: the ack says it after all, as best it can."""
        try:
            await late_reply.enqueue(
                self.deps.jobs,
                key=self.command["trigger_id"],
                ws=self.ws,
                user_id=self.command["user_id"],
                response_url=self.command["response_url"],
                said=said,
            )
        except Unavailable:
            return False
        return True


async def reply(
    ack: AsyncAck, message: Message, later: Later | None, said: late_reply.Said
) -> None:
    """Ack with `message`, or, when `later` is given, ack with nothing and have a job send them
    `said` (the same reply) in their language."""
    if later is not None and await later.queue(said):
        await ack()
        return
    await ack_message(ack, message)


async def ack_message(ack: AsyncAck, message: Message) -> None:
    await ack(response_type="ephemeral", text=message.text, blocks=message.blocks)
