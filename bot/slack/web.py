"""`SlackPort` over slack_sdk's AsyncWebClient: the only module that calls the Slack Web API.

One shared aiohttp session for every call (slack_sdk would otherwise open a connection per
call). Every call takes its turn from Slack's rate limits first (`bot.slack.pacing`, shared by
all replicas), so a burst waits instead of collecting 429s. A 429 that comes anyway is waited
out as Retry-After says, backing off while Slack keeps refusing, for up to `patience` seconds in
one call; past that the call raises `SlackRateLimited` and the job retries it later, until
Slack has refused for `deadline` seconds: then the person is told. Slack's other `ok: false`
answers are named here and nowhere else (`bot.slack.failures`) and logged with the method and
Slack's code, never the token or the message. A dead token marks its installation broken: no
call is made for it again until it is reinstalled (a new token).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.inputs import Workspace
from bot.domain.message import Message
from bot.domain.ports import CallUser, PendingSteps, Posted, SlackUser
from bot.errors import SlackAuthBroken, SlackError, SlackRateLimited
from bot.slack import failures
from bot.slack.pacing import SHARED_HOLD_MAX, SlackPacer, installation_id

log = logging.getLogger(__name__)

# Given a workspace, the bot token to act in it (one fixed token, or the installation store).
TokenSource = Callable[[Workspace], Awaitable[str]]
Sleep = Callable[[float], Awaitable[None]]

MARKER_EVENT = "meetbot_post"
# conversations.history pages looked through for a post a crashed job may have made (200 each).
FIND_POSTED_MAX_PAGES = 50
_CANNOT_JOIN = {
    "method_not_supported_for_channel_type",
    "channel_not_found",
    "is_archived",
    "missing_scope",
}
# The longest one call waits for its turn or for Slack's Retry-After: a /meet job has JOB_TIMEOUT
# (300 s, bot.storage.jobs) for its card and DMs together.
CALL_PATIENCE = 60.0
# Slack refusing (429) this long, over any number of attempts and replicas: give up, tell them.
RATE_LIMIT_DEADLINE = 600.0
# views.open must land within 3 s of the click that made its trigger_id
# (https://docs.slack.dev/reference/methods/views.open): no point queueing longer.
VIEW_PATIENCE = 1.0

# Our clients' logger. slack_sdk builds a DEBUG line of every call's arguments and answer (card
# blocks, host links) whenever its logger's own level is unset (`logger.level <= DEBUG`), even
# though nothing prints it: bot.logs drops library DEBUG lines. An explicit INFO skips that work,
# ~3 % of a worker's CPU per /meet (bench/ack.py).
SDK_LOGGER = "slack_sdk.web.meetbot"


class SlackWeb:
    """Args: session: the shared HTTP session; base_url: Slack's Web API base; tokens: the bot
    token for a workspace; pacer: the shared rate limiter; patience, deadline, backoff_base:
    see the module docstring (tests shorten them); sleep: awaited for every wait."""

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession,
        base_url: str,
        tokens: TokenSource,
        pacer: SlackPacer,
        patience: float = CALL_PATIENCE,
        deadline: float = RATE_LIMIT_DEADLINE,
        backoff_base: float = failures.BACKOFF_BASE,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._logger = logging.getLogger(SDK_LOGGER)
        self._logger.setLevel(logging.INFO)
        self._session = session
        self._base_url = base_url
        self._tokens = tokens
        self.pacer = pacer
        self.patience = patience
        self.deadline = deadline
        self.backoff_base = backoff_base
        self._sleep = sleep
        self._clients: dict[str, AsyncWebClient] = {}
        self._dm_channels: dict[tuple[str, str], str] = {}
        self._dm_opening: dict[tuple[str, str], asyncio.Event] = {}

    async def client(self, ws: Workspace) -> AsyncWebClient:
        return self._client(await self._tokens(ws))

    def _client(self, token: str) -> AsyncWebClient:
        client = self._clients.get(token)
        if client is None:
            client = AsyncWebClient(
                token=token,
                base_url=self._base_url,
                session=self._session,
                logger=self._logger,
                # 429s are ours to handle (shared pacing, deadline); connection errors are not.
                retry_handlers=[AsyncConnectionErrorRetryHandler(max_retry_count=2)],
            )
            self._clients[token] = client
        return client

    async def _call(
        self,
        ws: Workspace,
        method: str,
        *,
        patience: float | None = None,
        steps: PendingSteps | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        """One Web API call, paced, its 429s waited out; raises the named `SlackError`.
        `steps`: pending step results written with the first pacing turn, before the call."""
        # chat.postMessage also counts against its channel's own 1/s (bot.slack.tiers).
        channel = str(params["channel"]) if method == "chat.postMessage" else None
        token = await self._tokens(ws)
        client = self._client(token)
        installation = installation_id(ws.enterprise_id or ws.team_id, token)
        loop = asyncio.get_running_loop()
        started, budget, refusals = loop.time(), self.patience if patience is None else patience, 0
        while True:
            left = max(budget - (loop.time() - started), 0.0)
            grant = await self.pacer.acquire(
                ws.team_id,
                method,
                channel=channel,
                installation=installation,
                max_wait=left,
                steps=steps,
            )
            if grant.broken is not None:
                log.debug("Slack %s not called: installation %s is broken", method, installation)
                raise SlackAuthBroken(method, grant.broken)
            if not grant.granted:
                log.info("Slack %s: our turn is %.0f s away; retrying later", method, grant.wait)
                raise SlackRateLimited(method, retry_after=grant.wait)
            if grant.wait > 0:
                await self._sleep(grant.wait)
            try:
                response = await client.api_call(method, json=params)
            except SlackApiError as exc:
                res = exc.response
                error = failures.classify(method, res.status_code, res.data, res.headers)
                if not isinstance(error, SlackRateLimited):
                    await self._failed(error, installation)
                    raise error from exc
                refusals += 1
                refused_for = await self.pacer.throttled(
                    ws.team_id, method, channel=channel, retry_after=error.retry_after
                )
                wait = failures.next_wait(
                    error,
                    refusals=refusals,
                    refused_for=refused_for,
                    elapsed=loop.time() - started,
                    patience=budget,
                    deadline=self.deadline,
                    held=min(error.retry_after, SHARED_HOLD_MAX),
                    base=self.backoff_base,
                )
                await self._sleep(wait)
                continue
            if refusals or grant.refused_for is not None:
                await self.pacer.recovered(ws.team_id, method, channel=channel)
            return dict(response.data) if isinstance(response.data, dict) else {}

    async def _failed(self, error: SlackError, installation: str) -> None:
        """Log a failed call; a dead token marks its installation broken (one ERROR each)."""
        if isinstance(error, SlackAuthBroken) and await self.pacer.mark_broken(
            installation, error.error
        ):
            log.error(
                "Slack %s failed: %s. Installation %s is broken: meetbot stops working there"
                " until it is reinstalled",
                error.method,
                error.error,
                installation,
            )
            return
        failures.log_failure(error)

    async def call(self, ws: Workspace, method: str, **params: Any) -> dict[str, Any]:
        """Any other Web API method, paced and classified like those above: for a feature's
        own methods (bot.notes: files.*, conversations.members)."""
        return await self._call(ws, method, **params)

    async def conversation(self, ws: Workspace, channel: str) -> str:
        """Where to post for `channel`: a user id becomes the bot's DM with them."""
        return await self._conversation(ws, channel)

    async def _conversation(self, ws: Workspace, channel: str) -> str:
        """A user id becomes the bot's DM channel with that user (cached). Jobs DMing the same
        person at once wait for one conversations.open (Tier 3) rather than each calling it."""
        if not channel.startswith(("U", "W")):
            return channel
        key = (ws.team_id, channel)
        while (opening := self._dm_opening.get(key)) is not None:
            await opening.wait()
        if (cached := self._dm_channels.get(key)) is not None:
            return cached
        self._dm_opening[key] = asyncio.Event()
        try:
            data = await self._call(ws, "conversations.open", users=channel)
            opened = failures.answer_text(data, "conversations.open", "channel", "id")
            self._dm_channels[key] = opened
        finally:
            # Waiters find the channel cached, or (if this open failed) try one themselves.
            self._dm_opening.pop(key).set()
        return opened

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
        conversation = await self._conversation(ws, channel)
        params: dict[str, Any] = {
            "channel": conversation,
            "text": message.text,
            "blocks": message.blocks,
        }
        if thread_ts:
            params["thread_ts"] = thread_ts
        if marker:
            # Message metadata lets a resumed job find a post it made before it crashed.
            params["metadata"] = {"event_type": MARKER_EVENT, "event_payload": {"marker": marker}}
        data = await self._call(ws, "chat.postMessage", steps=steps, **params)
        method = "chat.postMessage"
        return Posted(
            channel=failures.answer_text(data, method, "channel"),
            ts=failures.answer_text(data, method, "ts"),
        )

    async def find_posted(
        self,
        ws: Workspace,
        channel: str,
        *,
        since: float,
        marker: str,
        thread_ts: str | None = None,
    ) -> str | None:
        conversation = await self._conversation(ws, channel)
        common: dict[str, Any] = {
            "channel": conversation,
            "oldest": f"{since:.6f}",
            "include_all_metadata": True,
            "limit": 200,
        }
        if thread_ts:
            common["ts"] = thread_ts
        method = "conversations.replies" if thread_ts else "conversations.history"
        # Every page: a busy channel gets more than one page of messages between a crash and
        # the retry, and history is newest first, so ours is on the last (bench/faults.py).
        for _ in range(FIND_POSTED_MAX_PAGES):
            data = await self._call(ws, method, **common)
            for msg in data.get("messages", []):
                payload = (msg.get("metadata") or {}).get("event_payload") or {}
                if payload.get("marker") == marker:
                    return str(msg["ts"])
            cursor = (data.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
            common["cursor"] = cursor
        log.warning("gave up looking for a post after %d pages", FIND_POSTED_MAX_PAGES)
        return None

    async def update(self, ws: Workspace, channel: str, ts: str, message: Message) -> None:
        channel = await self._conversation(ws, channel)  # a DM by user id (bot.hostctl)
        await self._call(
            ws, "chat.update", channel=channel, ts=ts, text=message.text, blocks=message.blocks
        )

    async def join(self, ws: Workspace, channel: str) -> bool:
        try:
            await self._call(ws, "conversations.join", channel=channel)
        except SlackError as exc:
            if exc.error in _CANNOT_JOIN:
                return False
            raise
        return True

    async def can_post(self, ws: Workspace, channel: str) -> bool:
        """Whether meetbot can post in `channel`, asked before anything is made for it.

        conversations.history (a scope we hold anyway) answers channel_not_found for a private
        channel or DM meetbot is not in; not_in_channel means a public channel it can join.
        Anything else (a group DM without mpim:history, Slack down) is "maybe": the meeting's
        own post finds out and falls back as it always did."""
        try:
            await self._call(ws, "conversations.history", channel=channel, limit=1)
        except SlackError as exc:
            return exc.error != "channel_not_found"
        return True

    async def respond(
        self, response_url: str, message: Message, *, in_channel: bool = False
    ) -> None:
        body = {
            "response_type": "in_channel" if in_channel else "ephemeral",
            "text": message.text,
            "blocks": message.blocks,
            "replace_original": False,
        }
        async with self._session.post(response_url, json=body) as resp:
            if resp.status >= 400:
                # Never the URL: it is a credential for that conversation for 30 minutes.
                log.warning("Slack response_url failed: http_%d", resp.status)
                raise SlackError("response_url", f"http_{resp.status}")

    async def publish_home(self, ws: Workspace, user_id: str, view: dict[str, Any]) -> None:
        await self._call(ws, "views.publish", user_id=user_id, view=view)

    async def user_info(self, ws: Workspace, user_id: str) -> SlackUser:
        reply = await self._call(ws, "users.info", user=user_id, include_locale=True)
        user = reply.get("user") or {}
        return SlackUser(
            id=user_id,
            tz=user.get("tz") or None,
            is_admin=bool(user.get("is_admin")),
            is_owner=bool(user.get("is_owner")),
            is_restricted=bool(user.get("is_restricted")),
            is_ultra_restricted=bool(user.get("is_ultra_restricted")),
            is_external=bool(user.get("is_external") or user.get("is_stranger")),
            locale=user.get("locale") or None,
        )

    async def channel_creator(self, ws: Workspace, channel: str) -> str | None:
        """Who created `channel` (conversations.info `creator`), or None where Slack does not
        say: a DM, a group DM (we hold no mpim:read), a channel hidden from us."""
        if channel.startswith("D"):
            return None
        try:
            data = await self._call(ws, "conversations.info", channel=channel)
        except SlackError as exc:
            if exc.error in (
                "channel_not_found",
                "missing_scope",
                "method_not_supported_for_channel_type",
            ):
                return None
            raise
        creator = (data.get("channel") or {}).get("creator")
        return creator if isinstance(creator, str) and creator else None

    async def open_view(self, ws: Workspace, trigger_id: str, view: dict[str, Any]) -> None:
        await self._call(ws, "views.open", patience=VIEW_PATIENCE, trigger_id=trigger_id, view=view)

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
        optional: dict[str, Any] = {
            "title": title,
            "date_start": date_start,
            "external_display_id": external_display_id,
            "users": users or None,
        }
        params: dict[str, Any] = {
            "external_unique_id": external_unique_id,
            "join_url": join_url,
            "created_by": created_by,
            **{name: value for name, value in optional.items() if value is not None},
        }
        data = await self._call(ws, "calls.add", **params)
        # Slack's own sample answer is `{"ok": true}` alone (slack-api-specs, calls.add):
        # without a call id there is no call block to show.
        return failures.answer_text(data, "calls.add", "call", "id")

    async def calls_participants(
        self, ws: Workspace, call_id: str, users: list[CallUser], *, joined: bool
    ) -> None:
        method = "calls.participants.add" if joined else "calls.participants.remove"
        await self._call(ws, method, id=call_id, users=users)

    async def calls_end(self, ws: Workspace, call_id: str, *, duration: int | None = None) -> None:
        params: dict[str, Any] = {"id": call_id}
        if duration is not None:
            params["duration"] = duration
        await self._call(ws, "calls.end", **params)
