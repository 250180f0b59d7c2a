"""Typed, frozen views of what Daily's REST API answers: rooms, meeting tokens, recordings.

Shapes from Daily's reference (https://docs.daily.co/reference/rest-api): the room object
(`id`, `name`, `privacy`, `url`, `created_at`, `config` holding only non-default properties
such as `exp` and `enable_recording`), `POST /meeting-tokens` -> `{"token"}`, the recording
object (`id`, `room_name`, `start_ts`, `status` finished|in-progress|canceled, `duration`,
`mtgSessionId`), `GET /recordings/{id}/access-link` -> `{"download_link", "expires"}`, the
webhook object (`uuid`, `url`, `hmac`, `eventTypes`, `retryType`, `state`, `failedCount`) and
the domain configuration (`GET /`: `domain_name`, `domain_id`, `config`). Daily's documented
examples for each are kept in tests/fixtures/daily/ (README there gives each one's source).
Times Daily sends as unix seconds become aware UTC datetimes here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.providers.http.parse import (
    JsonObject,
    as_object,
    as_objects,
    opt_bool,
    opt_datetime,
    opt_float,
    opt_object,
    opt_str,
    req_str,
)


def from_unix(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def opt_unix(data: JsonObject, key: str) -> datetime | None:
    """A unix-seconds field as a UTC datetime (Daily's `exp`, `start_ts`, `joined_at`...)."""
    return from_unix(opt_float(data, key))


@dataclass(frozen=True)
class DailyRoom:
    id: str
    name: str
    url: str
    privacy: str = "public"
    created_at: datetime | None = None
    exp: datetime | None = None
    enable_recording: str | None = None
    enable_knocking: bool = False  # issue 17: guests without a token knock (the lobby)
    enable_transcription_storage: bool = False  # issue 16: sessions' transcripts are kept

    @classmethod
    def from_json(cls, value: object) -> DailyRoom:
        data = as_object(value, "room")
        config = opt_object(data, "config") or {}
        return cls(
            id=req_str(data, "id"),
            name=req_str(data, "name"),
            url=req_str(data, "url"),
            privacy=opt_str(data, "privacy") or "public",
            created_at=opt_datetime(data, "created_at"),
            exp=opt_unix(config, "exp"),
            enable_recording=opt_str(config, "enable_recording"),
            enable_knocking=opt_bool(config, "enable_knocking"),
            enable_transcription_storage=config.get("enable_transcription_storage") is True,
        )


def token_from_json(value: object) -> str:
    return req_str(as_object(value, "meeting token"), "token")


@dataclass(frozen=True)
class DailyRecording:
    id: str
    room_name: str | None
    status: str  # finished | in-progress | canceled
    started_at: datetime | None = None
    duration_seconds: float | None = None
    session_id: str | None = None  # Daily's meeting session id (`mtgSessionId`)

    @classmethod
    def from_json(cls, value: object) -> DailyRecording:
        data = as_object(value, "recording")
        return cls(
            id=req_str(data, "id"),
            room_name=opt_str(data, "room_name"),
            status=req_str(data, "status"),
            started_at=opt_unix(data, "start_ts"),
            duration_seconds=opt_float(data, "duration"),
            # The reference's example says `mtgSessionId`; Daily's generated SDK models say
            # `mtg_session_id` (daily-co/daily-ruby, GetRecordingInfo200Response): either.
            session_id=opt_str(data, "mtgSessionId") or opt_str(data, "mtg_session_id"),
        )

    @classmethod
    def list_from_json(cls, value: object) -> list[DailyRecording]:
        data = as_object(value, "recordings")
        return [cls.from_json(item) for item in as_objects(data.get("data"), "data")]


@dataclass(frozen=True)
class AccessLink:
    download_link: str = field(repr=False)  # pre-signed: never log it
    expires: datetime | None = None

    @classmethod
    def from_json(cls, value: object) -> AccessLink:
        data = as_object(value, "access link")
        return cls(req_str(data, "download_link"), opt_unix(data, "expires"))


# Daily documents `state` both as "ACTIVE" | "FAILED" and as a number (FAILED 0, ACTIVE 1,
# STOPPED 2); either reads as the word.
_WEBHOOK_STATES = {0: "FAILED", 1: "ACTIVE", 2: "STOPPED"}


@dataclass(frozen=True)
class DailyWebhook:
    """The domain's webhook (https://docs.daily.co/reference/rest-api/webhooks)."""

    uuid: str
    url: str
    hmac: str | None = field(default=None, repr=False)  # base64 signing secret: never log it
    event_types: tuple[str, ...] = ()
    retry_type: str | None = None
    state: str | None = None
    failed_count: int | None = None

    @classmethod
    def from_json(cls, value: object) -> DailyWebhook:
        data = as_object(value, "webhook")
        events = data.get("eventTypes")
        state = data.get("state")
        failed = opt_float(data, "failedCount")
        return cls(
            uuid=req_str(data, "uuid"),
            url=req_str(data, "url"),
            hmac=opt_str(data, "hmac"),
            event_types=tuple(str(e) for e in events) if isinstance(events, list) else (),
            retry_type=opt_str(data, "retryType"),
            state=_WEBHOOK_STATES.get(state) if isinstance(state, int) else opt_str(data, "state"),
            failed_count=None if failed is None else int(failed),
        )

    @classmethod
    def list_from_json(cls, value: object) -> list[DailyWebhook]:
        """`GET /webhooks` answers a bare array of webhooks."""
        if not isinstance(value, list):
            raise ValueError("webhooks: expected a JSON array")
        return [cls.from_json(item) for item in value]


@dataclass(frozen=True)
class DailyDomain:
    """`GET /`: the domain's name and id (the id signs meeting tokens: `d`)."""

    domain_id: str
    domain_name: str | None = None

    @classmethod
    def from_json(cls, value: object) -> DailyDomain:
        data = as_object(value, "domain")
        return cls(domain_id=req_str(data, "domain_id"), domain_name=opt_str(data, "domain_name"))


# Host controls (issue 17): presence and eject.


@dataclass(frozen=True)
class DailyPresence:
    """One participant in `GET /rooms/:name/presence`'s `data` (https://docs.daily.co/reference/
    rest-api/rooms/get-room-presence): `id` is the participant (session) id that eject takes."""

    id: str
    room: str | None = None
    user_name: str | None = None
    session_id: str | None = None  # the meeting (`mtgSessionId`)

    @classmethod
    def from_json(cls, value: object) -> DailyPresence:
        data = as_object(value, "presence")
        return cls(
            id=req_str(data, "id"),
            room=opt_str(data, "room"),
            user_name=opt_str(data, "userName"),
            session_id=opt_str(data, "mtgSessionId"),
        )

    @classmethod
    def list_from_json(cls, value: object) -> list[DailyPresence]:
        """`{"total_count", "data": [...]}`."""
        data = as_object(value, "presence")
        return [cls.from_json(item) for item in as_objects(data.get("data"), "data")]


def ejected_from_json(value: object) -> list[str]:
    """`POST /rooms/:name/eject` -> `{"ejectedIds": [...]}`."""
    ids = as_object(value, "eject").get("ejectedIds")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ValueError("ejectedIds: expected a list of ids")
    return [str(i) for i in ids]
