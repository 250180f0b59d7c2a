"""What notes ask of Slack beyond posting: a file upload in three steps, deleting the file, and
the channel's members (for mentions in action items). Every Web API call goes through
`SlackWeb`'s paced, classified call; the upload itself is a plain POST to Slack's upload URL.

Uploading (https://docs.slack.dev/reference/methods/files.getUploadURLExternal):
`files.getUploadURLExternal` (filename, length) answers `upload_url` and `file_id`; the bytes
are POSTed to `upload_url` (HTTP 200 when received); `files.completeUploadExternal` with
`files=[{id, title}]`, `channel_id` and `thread_ts` shares the file as a reply in that thread.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

from bot.domain.inputs import Workspace
from bot.errors import SlackError
from bot.notes.summary_text import Member, member_names
from bot.slack import failures
from bot.slack.web import SlackWeb

log = logging.getLogger(__name__)

# conversations.members pages of 200; past this many members nobody is mentioned by name
# (a summary's names are looked up one users.info each).
MEMBERS_MAX = 200
_GONE = {"file_not_found", "file_deleted"}
UPLOAD_TIMEOUT = aiohttp.ClientTimeout(total=60)


class NotesSlack:
    def __init__(self, web: SlackWeb, http: aiohttp.ClientSession) -> None:
        self.web = web
        self.http = http

    async def _call(self, ws: Workspace, method: str, **params: Any) -> dict[str, Any]:
        return await self.web.call(ws, method, **params)

    async def conversation(self, ws: Workspace, channel: str) -> str:
        """A channel id as given; a user id becomes our DM channel with them."""
        return await self.web.conversation(ws, channel)

    async def upload_url(self, ws: Workspace, filename: str, length: int) -> tuple[str, str]:
        """(file id, upload URL) for a file of `length` bytes. The URL is a credential for
        that upload: never logged."""
        method = "files.getUploadURLExternal"
        data = await self._call(ws, method, filename=filename, length=length)
        return failures.answer_text(data, method, "file_id"), failures.answer_text(
            data, method, "upload_url"
        )

    async def send_bytes(self, upload_url: str, filename: str, content: bytes) -> None:
        """POST the file's bytes to its upload URL; sending them again to the same URL
        replaces them (one file id either way)."""
        form = aiohttp.FormData()
        form.add_field("filename", content, filename=filename, content_type="text/vtt")
        try:
            async with self.http.post(upload_url, data=form, timeout=UPLOAD_TIMEOUT) as resp:
                if resp.status != 200:
                    raise SlackError("files.upload", f"http_{resp.status}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SlackError("files.upload", type(exc).__name__) from exc

    async def complete(
        self, ws: Workspace, file_id: str, *, title: str, channel: str, thread_ts: str | None
    ) -> None:
        params: dict[str, Any] = {
            "files": [{"id": file_id, "title": title}],
            "channel_id": await self.conversation(ws, channel),
        }
        if thread_ts:
            params["thread_ts"] = thread_ts
        await self._call(ws, "files.completeUploadExternal", **params)

    async def delete_file(self, ws: Workspace, file_id: str) -> None:
        """Gone from Slack; a file already gone is not an error."""
        try:
            await self._call(ws, "files.delete", file=file_id)
        except SlackError as exc:
            if exc.error not in _GONE:
                raise

    async def members(self, ws: Workspace, channel: str) -> list[Member]:
        """The channel's people and their names; empty where Slack will not list them (a DM,
        a channel hidden from us): then nobody is mentioned, and the names stay as written."""
        ids: list[str] = []
        params: dict[str, Any] = {"channel": channel, "limit": MEMBERS_MAX}
        try:
            while len(ids) < MEMBERS_MAX:
                data = await self._call(ws, "conversations.members", **params)
                ids += [str(m) for m in data.get("members") or []]
                cursor = (data.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
                params["cursor"] = cursor
        except SlackError as exc:
            log.info("notes: no member list for %s (%s): no mentions", channel, exc.error)
            return []
        if len(ids) >= MEMBERS_MAX:
            return []
        found = []
        for user_id in ids:
            try:
                user = (await self._call(ws, "users.info", user=user_id)).get("user") or {}
            except SlackError:
                continue
            if user.get("is_bot") or user.get("deleted"):
                continue
            profile = user.get("profile") or {}
            found.append(
                member_names(
                    user_id,
                    real_name=str(profile.get("real_name") or user.get("real_name") or ""),
                    display_name=str(profile.get("display_name") or ""),
                    name=str(user.get("name") or ""),
                )
            )
        return found
