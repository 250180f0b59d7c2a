"""The fake Slack's records (workspace, channel, user, message, recorded call) and their API shapes.

Plain data only: `FakeSlackState` owns the collections, the method handlers own the rules.
Shapes follow the examples on docs.slack.dev (conversations.info, users.info, chat.postMessage).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

JSON = dict[str, Any]

# Any fixed instant serves as "created"; Slack sends Unix seconds.
CREATED = 1_700_000_000


@dataclass(frozen=True)
class Workspace:
    """Who a bot token belongs to: what auth.test answers and oauth.v2.access installs."""

    team_id: str = "T0FAKE001"
    team_name: str = "Fake Workspace"
    team_domain: str = "fake-workspace"
    enterprise_id: str | None = None
    enterprise_name: str | None = None
    app_id: str = "A0FAKEAPP"
    bot_id: str = "B0FAKEBOT"
    bot_user_id: str = "U0FAKEBOT"
    bot_user_name: str = "meetbot"

    @property
    def url(self) -> str:
        return f"https://{self.team_domain}.slack.com/"


@dataclass
class Channel:
    """A conversation: public/private channel, DM (`is_im`, `user`) or group DM (`is_mpim`)."""

    id: str
    name: str
    is_private: bool = False
    is_member: bool = True
    is_archived: bool = False
    is_im: bool = False
    is_mpim: bool = False
    user: str | None = None
    creator: str = "U0CREATOR"  # conversations.info `creator`: who made the channel

    def to_api(self) -> JSON:
        if self.is_im:
            return {
                "id": self.id,
                "created": CREATED,
                "is_im": True,
                "is_org_shared": False,
                "user": self.user,
            }
        body: JSON = {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private and not self.is_mpim,
            "is_group": self.is_private and not self.is_mpim,
            "is_im": False,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_general": self.name == "general",
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": self.is_member,
            "created": CREATED,
            "creator": self.creator,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }
        return body


@dataclass
class User:
    """A workspace member; `tz` is an IANA name, as Slack's users.info reports it."""

    id: str
    name: str
    tz: str = "Europe/Berlin"
    real_name: str = ""
    display_name: str = ""
    team_id: str = "T0FAKE001"
    is_bot: bool = False
    deleted: bool = False
    is_admin: bool = False
    is_owner: bool = False
    is_restricted: bool = False  # a multi-channel guest
    is_ultra_restricted: bool = False  # a single-channel guest
    # A partner organisation's member (Slack Connect): users.info says `is_external: true`
    # (slack-api-specs `objs_user`); Slack leaves the field out for the workspace's own people.
    is_external: bool = False

    def to_api(self, now: datetime | None = None) -> JSON:
        now = now or datetime.now(UTC)
        local = now.astimezone(ZoneInfo(self.tz))
        offset = local.utcoffset()
        real_name = self.real_name or self.name
        avatar = hashlib.sha256(self.id.encode()).hexdigest()
        images = {
            f"image_{size}": f"https://avatars.fake-slack.example/{avatar[:32]}-{size}.png"
            for size in (24, 32, 48, 72, 192, 512)
        }
        profile = {
            "avatar_hash": avatar[:12],
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": self.display_name,
            "display_name_normalized": self.display_name,
            "email": f"{self.name}@fake-workspace.example",
            **images,
            "image_original": images["image_512"],
            "status_emoji": "",
            "status_text": "",
            "team": self.team_id,
        }
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "color": avatar[:6],
            "real_name": real_name,
            "tz": self.tz,
            "tz_label": local.tzname() or self.tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_restricted": self.is_restricted or self.is_ultra_restricted,
            "is_ultra_restricted": self.is_ultra_restricted,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "has_2fa": False,
            "updated": CREATED,
        } | ({"is_external": True} if self.is_external else {})


@dataclass
class Message:
    """A message as users see it now: chat.update changes it in place (`updates` counts)."""

    channel: str
    ts: str
    text: str = ""
    blocks: list[Any] | None = None
    attachments: list[Any] | None = None
    thread_ts: str | None = None
    user: str | None = None
    bot_id: str | None = None
    app_id: str | None = None
    team: str | None = None
    metadata: Any = None
    visible_to: str | None = None
    updates: int = 0
    files: list[Any] | None = None  # shared files (files.completeUploadExternal)

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_api(self) -> JSON:
        body: JSON = {"type": "message", "text": self.text, "ts": self.ts}
        optional = {
            "user": self.user,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team,
            "blocks": self.blocks,
            "attachments": self.attachments,
            "thread_ts": self.thread_ts,
            "metadata": self.metadata,
            "files": self.files,
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        return body


@dataclass(frozen=True)
class ApiCall:
    """One recorded Web API request and what the fake answered."""

    seq: int
    method: str
    params: JSON
    token: str | None
    status: int
    response: JSON = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.response.get("ok") is True

    @property
    def error(self) -> str | None:
        error = self.response.get("error")
        return error if isinstance(error, str) else None


@dataclass(frozen=True)
class ResponseUrlPost:
    """One JSON body an app POSTed to a `response_url` (response_type, text, blocks, ...)."""

    seq: int
    response_id: str
    body: JSON
