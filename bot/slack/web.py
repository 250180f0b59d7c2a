"""`SlackPort` over slack_sdk's AsyncWebClient: the only module that calls the Slack Web API.

One shared aiohttp session for every call (slack_sdk would otherwise open a connection per
call), Slack's 429 Retry-After honoured by slack_sdk's retry handler, and Slack's `ok: false`
answers mapped onto `bot.errors.SlackError` here and nowhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.inputs import Workspace
from bot.domain.message import Message
from bot.domain.ports import CallUser, Posted, SlackUser
from bot.errors import NotInChannel, SlackError, SlackUnavailable

log = logging.getLogger(__name__)

# Given a workspace, the bot token to act in it (one fixed token, or the installation store).
TokenSource = Callable[[Workspace], Awaitable[str]]

MARKER_EVENT = "meetbot_post"
# conversations.history pages looked through for a post a crashed job may have made (200 each).
FIND_POSTED_MAX_PAGES = 50
# Posting where the bot is not a member: public channels say not_in_channel, private ones
# it cannot see say channel_not_found (https://api.slack.com/methods/chat.postMessage#errors).
_NOT_IN_CHANNEL = {"not_in_channel", "channel_not_found"}
_CANNOT_JOIN = {
    "method_not_supported_for_channel_type",
    "channel_not_found",
    "is_archived",
    "missing_scope",
}


# Our clients' logger. slack_sdk builds a DEBUG line of every call's arguments and answer (card
# blocks, host links) whenever its logger's own level is unset (`logger.level <= DEBUG`), even
# though nothing prints it: bot.logs drops library DEBUG lines. An explicit INFO skips that work,
# ~3 % of a worker's CPU per /meet (bench/ack.py).
SDK_LOGGER = "slack_sdk.web.meetbot"


class SlackWeb:
    def __init__(
        self, *, session: aiohttp.ClientSession, base_url: str, tokens: TokenSource
    ) -> None:
        self._logger = logging.getLogger(SDK_LOGGER)
        self._logger.setLevel(logging.INFO)
        self._session = session
        self._base_url = base_url
        self._tokens = tokens
        self._clients: dict[str, AsyncWebClient] = {}
        self._dm_channels: dict[tuple[str, str], str] = {}

    async def client(self, ws: Workspace) -> AsyncWebClient:
        token = await self._tokens(ws)
        client = self._clients.get(token)
        if client is None:
            client = AsyncWebClient(
                token=token,
                base_url=self._base_url,
                session=self._session,
                logger=self._logger,
                retry_handlers=[
                    AsyncRateLimitErrorRetryHandler(max_retry_count=5),
                    AsyncConnectionErrorRetryHandler(max_retry_count=2),
                ],
            )
            self._clients[token] = client
        return client

    async def _call(self, ws: Workspace, method: str, **params: Any) -> dict[str, Any]:
        client = await self.client(ws)
        try:
            response = await client.api_call(method, json=params)
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            if exc.response.status_code >= 500:
                raise SlackUnavailable(method, error) from exc
            if method == "chat.postMessage" and error in _NOT_IN_CHANNEL:
                raise NotInChannel(method, error) from exc
            raise SlackError(method, error) from exc
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def _conversation(self, ws: Workspace, channel: str) -> str:
        """A user id becomes the bot's DM channel with that user (cached)."""
        if not channel.startswith(("U", "W")):
            return channel
        cached = self._dm_channels.get((ws.team_id, channel))
        if cached is None:
            data = await self._call(ws, "conversations.open", users=channel)
            cached = str(data["channel"]["id"])
            self._dm_channels[(ws.team_id, channel)] = cached
        return cached

    async def post(
        self,
        ws: Workspace,
        channel: str,
        message: Message,
        *,
        thread_ts: str | None = None,
        marker: str | None = None,
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
        data = await self._call(ws, "chat.postMessage", **params)
        return Posted(channel=str(data["channel"]), ts=str(data["ts"]))

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
                raise SlackError("response_url", f"http_{resp.status}")

    async def publish_home(self, ws: Workspace, user_id: str, view: dict[str, Any]) -> None:
        await self._call(ws, "views.publish", user_id=user_id, view=view)

    async def user_info(self, ws: Workspace, user_id: str) -> SlackUser:
        user = (await self._call(ws, "users.info", user=user_id)).get("user") or {}
        return SlackUser(
            id=user_id,
            tz=user.get("tz") or None,
            is_admin=bool(user.get("is_admin")),
            is_owner=bool(user.get("is_owner")),
        )

    async def open_view(self, ws: Workspace, trigger_id: str, view: dict[str, Any]) -> None:
        await self._call(ws, "views.open", trigger_id=trigger_id, view=view)

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
        optional = {
            "title": title,
            "date_start": date_start,
            "external_display_id": external_display_id,
            "users": users or None,
        }
        data = await self._call(
            ws,
            "calls.add",
            external_unique_id=external_unique_id,
            join_url=join_url,
            created_by=created_by,
            **{name: value for name, value in optional.items() if value is not None},
        )
        return str(data["call"]["id"])

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
