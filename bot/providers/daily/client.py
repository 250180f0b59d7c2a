"""`DailyClient`: the async Daily REST API client (rooms, meeting tokens, recordings, webhooks).

It shares the Meetings client's transport (`bot.providers.http.transport`): one exception boundary,
`check_response` with Daily's error bodies, and the same retry policy (`bot.providers.http.retry`):
429 honouring `Retry-After` and 5xx, timeouts and connection errors on idempotent calls only.
A `POST` that failed ambiguously is raised, not repeated; `DailyProvider.create_room` makes a
repeated create harmless by choosing the room's name itself. Every request first takes its turn
from the account's shared budget when one is given (`bot.providers.http.budget`, sized by
`DAILY_LIMITS`). Meeting tokens are signed here with the key (`sign_meeting_token`), without a
request; `meeting_token` (`POST /meeting-tokens`) stays for comparison (bench/daily_budget.py).

    async with aiohttp.ClientSession() as session:
        client = DailyClient(session, base_url="https://api.daily.co/v1", api_key=key)
        room = await client.create_room("standup-x1", exp=expires_at, record=False)
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

import aiohttp

from bot.errors import ProviderAuthError
from bot.providers.daily.models import (
    AccessLink,
    DailyDomain,
    DailyPresence,
    DailyRecording,
    DailyRoom,
    DailyWebhook,
    ejected_from_json,
    token_from_json,
)
from bot.providers.daily.notes import (
    DailyJob,
    DailyTranscript,
    job_id,
    summary_link,
    transcript_link,
)
from bot.providers.daily.responses import check_daily
from bot.providers.daily.tokens import TokenClaims
from bot.providers.daily.tokens import meeting_token as self_signed_token
from bot.providers.http.budget import Budget, Limits, Rate, Rule
from bot.providers.http.paths import segment
from bot.providers.http.retry import RetryPolicy
from bot.providers.http.transport import RetryDecision, Sleep, Transport

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=30, sock_connect=10)
RECORDINGS_PAGE = 100  # Daily's maximum page size for GET /recordings
# POST /rooms/:name/eject takes "List of participant ids (max 100)"
# (https://docs.daily.co/reference/rest-api/rooms/session/eject).
EJECT_MAX = 100

# Daily's published limits, per domain (https://docs.daily.co/reference/rest-api, "Rate
# limits"; https://docs.daily.co/docs/rest-api/authentication): "20 requests per second, or 100
# requests over a 5 second window" for most endpoints; "about 2 requests per second, or 50
# requests over a 30 second window" for DELETE /rooms/:name and GET /recordings (we count every
# GET under /recordings, the stricter reading, and take the stricter 50 per 30 s); "about 1 request
# per second, or 5 requests over a 5 second window" to start a recording, a live stream, a PSTN
# or SIP call (we start none over REST: the host's token does). Lower-limited requests also
# count towards the overall limit (stricter than "two levels... affect different endpoints").
DAILY_LIMITS = Limits(
    overall=Rate(20, 1.0),
    rules=(
        Rule("rooms-delete", "DELETE", r"/rooms/[^/]+", Rate(50, 30.0)),
        Rule("recordings-get", "GET", r"/recordings(/.*)?", Rate(50, 30.0)),
        Rule("calls-start", "POST", r"/rooms/[^/]+/[\w-]+/start", Rate(5, 5.0)),
    ),
)


class ApiKey:
    """The transport's token source for a static bearer key: there is nothing to refresh, so a
    401 is final at once (Daily: `authentication-error`, the key is not valid)."""

    def __init__(self, key: str) -> None:
        self._key = key

    def token(self) -> str:
        return self._key

    async def refresh(self, rejected: str) -> str:
        raise ProviderAuthError("DAILY_API_KEY was rejected (authentication-error)")


class DailyClient:
    """Args:
    session: the process's shared `aiohttp.ClientSession` (we never close it).
    base_url: `https://api.daily.co/v1`, or the emulator's.
    api_key: the domain's REST API key (Daily dashboard, Developers).
    retry: `(exc, attempt) -> delay | None`; `bot.providers.http.retry.NO_RETRY` turns retries off.
    sleep: awaited between retries (tests and benchmarks pass their own).
    budget: the domain's request budget shared by every replica; None sends at once.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str,
        api_key: str,
        retry: RetryDecision | None = None,
        sleep: Sleep = asyncio.sleep,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        budget: Budget | None = None,
    ) -> None:
        self._api_key = api_key
        self._http = Transport(
            session,
            base_url=base_url,
            auth=ApiKey(api_key),
            retry=retry or RetryPolicy(),
            sleep=sleep,
            timeout=timeout,
            check=check_daily,
            label="Daily",
            budget=budget,
        )

    @property
    def base_url(self) -> str:
        return self._http.base_url

    # Domain: https://docs.daily.co/reference/rest-api/your-domain/get-domain-config

    async def domain_config(self) -> DailyDomain:
        """GET /: the domain's name and id (`domain_id` signs meeting tokens)."""
        return await self._http.call("GET", "/", parse=DailyDomain.from_json)

    # Rooms: https://docs.daily.co/reference/rest-api/rooms

    async def create_room(
        self,
        name: str,
        *,
        exp: datetime,
        record: bool,
        knocking: bool = False,
        transcribe: bool = False,
    ) -> DailyRoom:
        """POST /rooms: a private room that ends its meeting at `exp`, cloud-recorded if asked;
        with `knocking`, a guest without a token knocks and waits for an owner to admit them;
        with `transcribe`, its sessions' transcripts (WebVTT) are kept."""
        properties: dict[str, object] = {"exp": int(exp.timestamp()), "eject_at_room_exp": True}
        if record:
            properties["enable_recording"] = "cloud"
        if knocking:
            properties["enable_knocking"] = True
        if transcribe:
            properties["enable_transcription_storage"] = True
        body = {"name": name, "privacy": "private", "properties": properties}
        return await self._http.call("POST", "/rooms", json=body, parse=DailyRoom.from_json)

    async def get_room(self, name: str) -> DailyRoom:
        path = f"/rooms/{segment('name', name)}"
        return await self._http.call("GET", path, parse=DailyRoom.from_json)

    async def set_room_exp(self, name: str, exp: datetime) -> DailyRoom:
        """POST /rooms/{name} (Daily's "set room config") with a new `exp`."""
        path = f"/rooms/{segment('name', name)}"
        body = {"properties": {"exp": int(exp.timestamp())}}
        return await self._http.call("POST", path, json=body, parse=DailyRoom.from_json)

    async def delete_room(self, name: str) -> None:
        await self._http.call_no_content("DELETE", f"/rooms/{segment('name', name)}")

    # Host controls (issue 17): the lobby, who is in the room, and putting them out.

    async def set_knocking(self, name: str, on: bool) -> DailyRoom:
        """POST /rooms/{name} with `enable_knocking`: a private room's guests knock (the lobby)."""
        path = f"/rooms/{segment('name', name)}"
        body = {"properties": {"enable_knocking": on}}
        return await self._http.call("POST", path, json=body, parse=DailyRoom.from_json)

    async def room_presence(self, name: str) -> list[DailyPresence]:
        """GET /rooms/{name}/presence: who is in the room's meeting now (a snapshot, as many
        as Daily's default `limit` returns; `DailyProvider.end_room` asks again until none)."""
        path = f"/rooms/{segment('name', name)}/presence"
        return await self._http.call("GET", path, parse=DailyPresence.list_from_json)

    async def eject(self, name: str, participant_ids: Sequence[str]) -> list[str]:
        """POST /rooms/{name}/eject: put these participants out of the meeting (at most
        `EJECT_MAX` a call, as Daily allows); answers the ids Daily ejected. Ids no longer
        there are not an error ("the call is still considered successful")."""
        if len(participant_ids) > EJECT_MAX:
            raise ValueError(f"eject takes at most {EJECT_MAX} ids a call")
        path = f"/rooms/{segment('name', name)}/eject"
        body = {"ids": list(participant_ids)}
        return await self._http.call("POST", path, json=body, parse=ejected_from_json)

    # Meeting tokens: https://docs.daily.co/reference/rest-api/meeting-tokens

    def sign_meeting_token(self, claims: TokenClaims, *, domain_id: str, now: datetime) -> str:
        """A self-signed token for `claims` (no request): the key never leaves this client."""
        return self_signed_token(self._api_key, claims, domain_id=domain_id, now=now)

    async def meeting_token(
        self,
        room_name: str,
        *,
        is_owner: bool,
        exp: datetime,
        start_cloud_recording: bool = False,
        user_name: str | None = None,
        auto_start_transcription: bool = False,
    ) -> str:
        """POST /meeting-tokens for one room; the token lets its holder into a private room,
        and with `start_cloud_recording` starts the room's cloud recording when they join."""
        properties: dict[str, object] = {
            "room_name": room_name,
            "is_owner": is_owner,
            "exp": int(exp.timestamp()),
        }
        if start_cloud_recording:
            properties["start_cloud_recording"] = True
        if auto_start_transcription:
            properties["auto_start_transcription"] = True
        if user_name:
            properties["user_name"] = user_name
        body = {"properties": properties}
        return await self._http.call("POST", "/meeting-tokens", json=body, parse=token_from_json)

    # Recordings: https://docs.daily.co/reference/rest-api/recordings

    async def get_recording(self, recording_id: str) -> DailyRecording:
        path = f"/recordings/{segment('recording_id', recording_id)}"
        return await self._http.call("GET", path, parse=DailyRecording.from_json)

    async def recording_access_link(self, recording_id: str) -> AccessLink:
        """GET /recordings/{id}/access-link: a pre-signed download link (an hour by default)."""
        path = f"/recordings/{segment('recording_id', recording_id)}/access-link"
        return await self._http.call("GET", path, parse=AccessLink.from_json)

    async def list_recordings(self, *, room_name: str | None = None) -> list[DailyRecording]:
        """The newest page (up to 100) of the domain's recordings, or of one room's."""
        params = {"limit": str(RECORDINGS_PAGE)}
        if room_name:
            params["room_name"] = room_name
        return await self._http.call(
            "GET", "/recordings", params=params, parse=DailyRecording.list_from_json
        )

    async def delete_recording(self, recording_id: str) -> None:
        """DELETE /recordings/{id} (retention); a 404 is raised as NotFoundError."""
        path = f"/recordings/{segment('recording_id', recording_id)}"
        await self._http.call_no_content("DELETE", path)

    # Notes (issue 16). Transcripts: https://docs.daily.co/reference/rest-api/transcripts;
    # batch processor: https://docs.daily.co/reference/rest-api/batch-processor. Text is
    # fetched from pre-signed links on another host and never logged.

    async def list_transcripts(self, *, room_uuid: str) -> list[DailyTranscript]:
        """GET /transcript?roomId=: the room's transcripts (Daily filters by the room's uuid)."""
        params = {"roomId": room_uuid, "limit": str(RECORDINGS_PAGE)}
        return await self._http.call(
            "GET", "/transcript", params=params, parse=DailyTranscript.list_from_json
        )

    async def get_transcript(self, transcript_id: str) -> DailyTranscript:
        path = f"/transcript/{segment('transcript_id', transcript_id)}"
        return await self._http.call("GET", path, parse=DailyTranscript.from_json)

    async def transcript_access_link(self, transcript_id: str) -> str:
        path = f"/transcript/{segment('transcript_id', transcript_id)}/access-link"
        return await self._http.call("GET", path, parse=transcript_link)

    async def delete_transcript(self, transcript_id: str) -> None:
        path = f"/transcript/{segment('transcript_id', transcript_id)}"
        await self._http.call_no_content("DELETE", path)

    async def submit_summary(self, transcript_uri: str, *, name: str) -> str:
        """POST /batch-processor with the `summarize` preset over a transcript's access link
        (`sourceType` `transcriptUri`); answers the job id. Not repeated on an ambiguous
        failure (a POST): the caller's reconcile finds the transcript still unsummarised."""
        body = {
            "preset": "summarize",
            "inParams": {"sourceType": "transcriptUri", "uri": transcript_uri},
            "outParams": {"s3Config": {"s3KeyTemplate": name}},
        }
        return await self._http.call("POST", "/batch-processor", json=body, parse=job_id)

    async def get_job(self, job: str) -> DailyJob:
        path = f"/batch-processor/{segment('job_id', job)}"
        return await self._http.call("GET", path, parse=DailyJob.from_json)

    async def job_summary_link(self, job: str) -> str:
        path = f"/batch-processor/{segment('job_id', job)}/access-link"
        return await self._http.call("GET", path, parse=summary_link)

    async def delete_job(self, job: str) -> None:
        path = f"/batch-processor/{segment('job_id', job)}"
        await self._http.call_no_content("DELETE", path)

    async def download_text(self, url: str) -> str:
        """The UTF-8 text at a pre-signed link (a transcript's WebVTT, a summary)."""
        return (await self._http.download(url)).decode("utf-8", errors="replace")

    # Webhooks: https://docs.daily.co/reference/rest-api/webhooks (set up by `python -m bot
    # daily webhook`; Daily first POSTs a test body to `url` and refuses unless it gets a 200).

    async def list_webhooks(self) -> list[DailyWebhook]:
        return await self._http.call("GET", "/webhooks", parse=DailyWebhook.list_from_json)

    async def create_webhook(
        self, url: str, *, event_types: Sequence[str], hmac: str | None = None
    ) -> DailyWebhook:
        """POST /webhooks; without `hmac` (base64) Daily provisions a secret and returns it."""
        body = _webhook_body(url, event_types, hmac)
        return await self._http.call("POST", "/webhooks", json=body, parse=DailyWebhook.from_json)

    async def update_webhook(
        self, uuid: str, url: str, *, event_types: Sequence[str], hmac: str | None = None
    ) -> DailyWebhook:
        """POST /webhooks/{uuid}: also turns a webhook Daily switched off (FAILED) back on."""
        path = f"/webhooks/{segment('uuid', uuid)}"
        body = _webhook_body(url, event_types, hmac)
        return await self._http.call("POST", path, json=body, parse=DailyWebhook.from_json)


def _webhook_body(url: str, event_types: Sequence[str], hmac: str | None) -> dict[str, object]:
    # "exponential" retries a failed delivery with backoff instead of counting it towards the
    # circuit breaker at once; our route answers 503 while Redis is down, and wants it again.
    body: dict[str, object] = {
        "url": url,
        "retryType": "exponential",
        "eventTypes": list(event_types),
    }
    if hmac is not None:
        body["hmac"] = hmac
    return body
