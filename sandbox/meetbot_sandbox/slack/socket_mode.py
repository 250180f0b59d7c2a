"""The fake Slack's Socket Mode bookkeeping: tickets, open WebSockets, envelopes sent, acks.

Shapes: docs.slack.dev/apis/events-api/using-socket-mode. apps.connections.open issues a
single-use ticket (`issue_ticket`); the WebSocket endpoint (`socket_api`) turns it into an open
connection. Tests push envelopes with `send` (it waits for a connection, as Slack queues for
one) and read the app's acknowledgement with `wait_for_ack`. Waiting is event-driven.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from typing import TypeVar

from aiohttp import web

from meetbot_sandbox.slack.changes import Changes
from meetbot_sandbox.slack.models import JSON

T = TypeVar("T")

# What Slack delivers over Socket Mode; the app answers all three with an ack.
ENVELOPE_TYPES = frozenset({"slash_commands", "interactive", "events_api"})


@dataclass(frozen=True)
class SocketAck:
    """What the app sent back for one envelope: `{"envelope_id", "payload"?}`."""

    envelope_id: str
    payload: JSON | None


class SocketModeHub:
    """Socket Mode state of one fake Slack (`FakeSlackState.sockets`)."""

    def __init__(self) -> None:
        self.connections: dict[str, web.WebSocketResponse] = {}
        self.envelopes: dict[str, JSON] = {}
        self.acks: dict[str, SocketAck] = {}
        self._tickets: set[str] = set()
        self._changes = Changes()

    # -- used by the server ------------------------------------------------------------------

    def issue_ticket(self) -> str:
        ticket = secrets.token_hex(8)
        self._tickets.add(ticket)
        return ticket

    def take_ticket(self, ticket: str) -> bool:
        """True once per ticket apps.connections.open issued (a URL opens one connection)."""
        if ticket not in self._tickets:
            return False
        self._tickets.discard(ticket)
        return True

    def opened(self, ticket: str, socket: web.WebSocketResponse) -> None:
        self.connections[ticket] = socket
        self._notify()

    def closed(self, ticket: str) -> None:
        self.connections.pop(ticket, None)
        self._notify()

    def record_ack(self, text: str) -> str | None:
        """Record one message from the app; a description of what is wrong with it, if anything."""
        try:
            message = json.loads(text)
        except ValueError:
            return f"Socket Mode message that is not JSON: {text[:200]!r}"
        if not isinstance(message, dict):
            return f"Socket Mode message that is not an object: {text[:200]!r}"
        envelope_id = message.get("envelope_id")
        if not isinstance(envelope_id, str) or envelope_id not in self.envelopes:
            return f"Socket Mode ack for an envelope the fake never sent: {text[:200]!r}"
        if envelope_id in self.acks:
            return f"Socket Mode envelope acked twice: {envelope_id}"
        payload = message.get("payload")
        if payload is not None and not isinstance(payload, dict):
            return f"Socket Mode ack whose payload is not an object: {text[:200]!r}"
        self.acks[envelope_id] = SocketAck(envelope_id, payload)
        self._notify()
        return None

    # -- used by tests -----------------------------------------------------------------------

    async def send(
        self,
        type: str,
        payload: JSON,
        *,
        accepts_response_payload: bool | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a test-facing deadline, like asyncio.wait_for's
    ) -> str:
        """Deliver `payload` in a Slack envelope over an open connection; its envelope_id.

        `accepts_response_payload` defaults as Slack sets it: true for slash commands and
        interactivity (the ack may carry a message, errors or options), false for events.
        """
        if type not in ENVELOPE_TYPES:
            raise ValueError(f"Slack sends no {type!r} envelopes; one of {sorted(ENVELOPE_TYPES)}")
        if accepts_response_payload is None:
            accepts_response_payload = type != "events_api"
        socket = await self._changes.wait(
            self._open_connection, timeout, lambda: "Socket Mode: no open connection"
        )
        envelope: JSON = {
            "envelope_id": str(uuid.uuid4()),
            "type": type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if type == "events_api":
            envelope.update(retry_attempt=0, retry_reason="")
        self.envelopes[envelope["envelope_id"]] = envelope
        await socket.send_json(envelope)
        return str(envelope["envelope_id"])

    async def wait_for_ack(
        self,
        envelope_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - as above
    ) -> JSON | None:
        """The payload the app acked `envelope_id` with (None for a bare ack), once it arrives."""
        ack = await self._changes.wait(
            lambda: self.acks.get(envelope_id),
            timeout,
            lambda: f"Socket Mode: acks for {sorted(self.acks)}",
        )
        return ack.payload

    async def wait_connected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109 - as above
        """Until the app holds an open connection."""
        await self._changes.wait(
            self._open_connection, timeout, lambda: "Socket Mode: no open connection"
        )

    async def wait_disconnected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109 - as above
        """Until every connection the app opened is closed (its handler has finished)."""

        def none_open() -> bool | None:
            return True if not self.connections else None

        await self._changes.wait(
            none_open, timeout, lambda: f"Socket Mode: still open: {sorted(self.connections)}"
        )

    # -- internals ---------------------------------------------------------------------------

    def _open_connection(self) -> web.WebSocketResponse | None:
        return next((s for s in self.connections.values() if not s.closed), None)

    def _notify(self) -> None:
        self._changes.notify()
