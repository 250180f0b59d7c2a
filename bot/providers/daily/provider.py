"""`DailyProvider`: Daily behind `bot.domain.rooms.RoomProvider`, in our own types.

Rooms are private, so both links carry a meeting token: the guest link a plain one, the host
link an owner one (`is_owner`), each expiring with the room; the host link is a secret like
the Meetings host URL. Daily has no instant rooms that expire when idle: an instant meeting
gets a room that lives `INSTANT_ROOM_LIFETIME`; every Daily room therefore reports
`RoomKind.LONG_TERM` (a fixed expiry), while the meeting record keeps the kind the user asked
for. A recorded room's host link starts the cloud recording when the host joins (the token's
`start_cloud_recording`, https://docs.daily.co/reference/rest-api/meeting-tokens/config), as
Meetings' `auto_record` did. `expire_after_use` has no Daily equivalent and is ignored.

Names: we choose each room's name, an HMAC of the request's `metadata` (our meeting id) keyed
with the API key, so it is unguessable yet the same on every attempt: a create repeated after
an ambiguous failure meets Daily's "already exists" and adopts the room instead of making a
second one, and `find_room(metadata)` is one GET.

Tokens expire with the room, so links are minted where they are handed out: `create_room`,
`find_room` and `extend_room` (a renewed standup room gets links valid to its new expiry).
They are self-signed (`bot.providers.daily.tokens`): no request, so a `/meet` costs Daily one
call (`POST /rooms`) instead of three, on a budget every workspace of the account shares. The
domain id they carry is fetched once (`bot.providers.daily.domain`). `self_sign=False` mints
them with `POST /meeting-tokens` as before (only bench/daily_budget.py compares the two).
`get_room` answers the bare room URL as both links: the reconcile sweep needs no links.

Host controls (issue 17): the lobby is Daily's knocking (`enable_knocking`); since any valid
meeting token lets its holder into a private room, a lobby room's guest link carries no token
and guests knock, while the host's owner token walks in and admits them. `end_room` moves the
room's `exp` to now and ejects whoever is present; the room itself stays (recordings).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.domain.rooms import Capability, Recording, Room, RoomKind, RoomRequest, Summary, Transcript
from bot.errors import NotFoundError, ValidationError
from bot.providers.daily.client import EJECT_MAX, DailyClient
from bot.providers.daily.domain import DomainId
from bot.providers.daily.models import DailyRecording, DailyRoom
from bot.providers.daily.notes import DailyTranscript
from bot.providers.daily.tokens import TokenClaims, daily_language

INSTANT_ROOM_LIFETIME = timedelta(days=1)
END_ROUNDS = 5  # presence reads while ending a room (each ejects whoever it still lists)
_STATUS = {"finished": "uploaded", "in-progress": "started", "canceled": "stopped"}


def room_name(key: bytes, metadata: str | None) -> str:
    """`mb-` and 24 url-safe characters (144 bits); Daily allows [A-Za-z0-9_-], 128 at most."""
    if metadata is None:
        return "mb-" + secrets.token_urlsafe(18)
    digest = hmac.new(key, metadata.encode(), hashlib.sha256).digest()
    return "mb-" + base64.urlsafe_b64encode(digest[:18]).decode()


def with_token(url: str, token: str) -> str:
    """Daily Prebuilt takes a meeting token as `?t=` on the room URL."""
    return f"{url}?t={token}"


def to_room(room: DailyRoom, *, now: datetime, guest_url: str, host_url: str) -> Room:
    return Room(
        id=room.name,
        title=room.name,
        kind=RoomKind.LONG_TERM,
        guest_url=guest_url,
        host_url=host_url,
        meeting_code=None,
        expires_at=room.exp,
        created_at=room.created_at,
        is_available=room.exp is None or room.exp > now,
        record=room.enable_recording == "cloud",
        lobby=room.enable_knocking,
        notes=room.enable_transcription_storage,
    )


class DailyProvider:
    """A `bot.domain.rooms.RoomProvider` over a `DailyClient`; raises the `bot.errors` tree."""

    name = "daily"
    capabilities = frozenset(
        {
            Capability.END,
            Capability.EXTEND,
            Capability.LOBBY,
            Capability.LOBBY_INSTANT,
            Capability.WAITING_EVENTS,
            Capability.NOTES,
        }
    )
    _label = "Daily"

    def __init__(
        self,
        client: DailyClient,
        *,
        name_key: bytes,
        clock: Callable[[], datetime],
        domain: DomainId | None = None,
        self_sign: bool = True,
    ) -> None:
        self.client = client
        self._name_key = name_key
        self._clock = clock
        self.domain = domain or DomainId(client)
        self._self_sign = self_sign

    async def create_room(self, request: RoomRequest) -> Room:
        now = self._clock()
        long_term = request.kind is RoomKind.LONG_TERM and request.expires_at is not None
        exp = (
            request.expires_at if long_term and request.expires_at else now + INSTANT_ROOM_LIFETIME
        )
        name = room_name(self._name_key, request.metadata)
        try:
            room = await self.client.create_room(
                name,
                exp=exp,
                record=request.record,
                knocking=request.lobby,
                transcribe=request.notes,
            )
        except ValidationError as exc:
            if "already exists" not in exc.message:
                raise
            # An earlier attempt created it before failing ambiguously: it is ours.
            room = await self.client.get_room(name)
        return await self._with_links(room, lang=daily_language(request.language))

    async def find_room(self, metadata: str) -> Room | None:
        try:
            room = await self.client.get_room(room_name(self._name_key, metadata))
        except NotFoundError:
            return None
        return await self._with_links(room)

    async def get_room(self, room_id: str) -> Room:
        room = await self.client.get_room(room_id)
        return to_room(room, now=self._clock(), guest_url=room.url, host_url=room.url)

    async def extend_room(self, room_id: str, expires_at: datetime) -> Room:
        """The room with a new `exp` and fresh links: the old links' tokens still expire at the
        old `exp`. One API call; only a standup's renewal (every ~45 days) makes it."""
        room = await self.client.set_room_exp(room_id, expires_at)
        return await self._with_links(room)

    async def get_recording(self, recording_id: str) -> Recording:
        return await self._recording(await self.client.get_recording(recording_id))

    async def session_recordings(self, session_id: str) -> list[Recording]:
        """Recordings of one meeting session, from the domain's newest 100 (Daily cannot
        filter by session; a session's recordings are among the newest while it matters)."""
        found = await self.client.list_recordings()
        return [await self._recording(r) for r in found if r.session_id == session_id]

    async def _with_links(self, room: DailyRoom, *, lang: str | None = None) -> Room:
        """Links carrying tokens; with `lang` (the creator's language, on a new room), both
        open Daily Prebuilt in it. Links made again later (found, extended) keep Daily's
        default: a room stores no language of ours."""
        exp = room.exp or self._clock() + INSTANT_ROOM_LIFETIME
        guest = TokenClaims(room.name, is_owner=False, exp=exp, lang=lang)
        host = TokenClaims(
            room.name,
            is_owner=True,
            exp=exp,
            start_cloud_recording=room.enable_recording == "cloud",
            auto_start_transcription=room.enable_transcription_storage,
            lang=lang,
        )
        # "Any valid meeting token grants access to a private room" (Daily, "Controlling who
        # joins a meeting"): with knocking on, the guest link is the bare room URL, so guests
        # knock; the host's owner token walks in and can let them in.
        guest_url = (
            room.url if room.enable_knocking else with_token(room.url, await self._token(guest))
        )
        return to_room(
            room,
            now=self._clock(),
            guest_url=guest_url,
            host_url=with_token(room.url, await self._token(host)),
        )

    async def _token(self, claims: TokenClaims) -> str:
        if not self._self_sign:
            return await self.client.meeting_token(
                claims.room_name,
                is_owner=claims.is_owner,
                exp=claims.exp,
                start_cloud_recording=claims.start_cloud_recording,
                user_name=claims.user_name,
                auto_start_transcription=claims.auto_start_transcription,
                lang=claims.lang,
            )
        domain_id = await self.domain.get()
        return self.client.sign_meeting_token(claims, domain_id=domain_id, now=self._clock())

    async def _recording(self, recording: DailyRecording) -> Recording:
        url = None
        if recording.status == "finished":
            url = (await self.client.recording_access_link(recording.id)).download_link
        ended = None
        if recording.started_at and recording.duration_seconds is not None:
            ended = recording.started_at + timedelta(seconds=recording.duration_seconds)
        return Recording(
            id=recording.id,
            session_id=recording.session_id or "",
            status=_STATUS.get(recording.status, recording.status),
            started_at=recording.started_at,
            ended_at=ended,
            url=url,
        )

    # Issue 17, host controls.

    async def end_room(self, room_id: str) -> None:
        """Close the door, then put everyone out. The room's `exp` becomes now ("users cannot
        join a room after this time"; our rooms also have `eject_at_room_exp`), then whoever
        `GET /rooms/:name/presence` still lists is ejected (`POST /rooms/:name/eject`), which
        ends the meeting as the last one leaves. The room is not deleted: its recordings stay
        reachable. Idempotent: a room already past its `exp` keeps it, a room Daily no
        longer has (it deletes expired rooms in time) has ended, an empty room needs no eject.
        Presence can lag, so it is asked again until it lists nobody Daily can still eject."""
        now = self._clock()
        try:
            room = await self.client.get_room(room_id)
        except NotFoundError:
            return
        if room.exp is None or room.exp > now:
            await self.client.set_room_exp(room_id, now)
        for _ in range(END_ROUNDS):
            present = [p.id for p in await self.client.room_presence(room_id)]
            ejected: list[str] = []
            for start in range(0, len(present), EJECT_MAX):
                ejected += await self.client.eject(room_id, present[start : start + EJECT_MAX])
            if not ejected:
                return

    async def set_lobby(self, room_id: str, on: bool) -> None:
        """Daily's knocking (`enable_knocking`). Setting what it already is changes nothing.

        Any valid meeting token lets its holder into a private room, so a lobby room's guest
        link is the bare room URL (`_with_links`): after switching, the guest link to hand out
        changes (`find_room` mints it), and guest links handed out before keep working as they
        did (a token with the lobby turned on: walks in; no token with it turned off: cannot
        join) until replaced."""
        await self.client.set_knocking(room_id, on)

    # Issue 16 seams: filled in by the provider work; until then, refused plainly.

    # Issue 16, meeting notes: a room made with `RoomRequest.notes` keeps each session's
    # transcript (room property `enable_transcription_storage`) and its host's link starts
    # transcription on joining (token property `auto_start_transcription`); a summary is a
    # batch-processor `summarize` job over the transcript's access link. Text is meeting
    # content: returned, never logged. Deleting what is already gone succeeds.

    async def session_transcripts(self, room_id: str) -> list[Transcript]:
        room = await self.client.get_room(room_id)
        found = await self.client.list_transcripts(room_uuid=room.id)
        return [_transcript(t, room_id=room_id) for t in found]

    async def get_transcript(self, transcript_id: str) -> Transcript:
        found = await self.client.get_transcript(transcript_id)
        text = None
        if found.our_status == "ready":
            link = await self.client.transcript_access_link(transcript_id)
            text = await self.client.download_text(link)
        return _transcript(found, text=text)

    async def start_summary(self, transcript_id: str) -> str:
        link = await self.client.transcript_access_link(transcript_id)
        return await self.client.submit_summary(link, name=f"summary-{transcript_id}")

    async def get_summary(self, job_id: str) -> Summary:
        job = await self.client.get_job(job_id)
        text = None
        if job.our_status == "ready":
            text = await self.client.download_text(await self.client.job_summary_link(job_id))
        return Summary(job_id=job.id, status=job.our_status, text=text, error=job.error)

    async def delete_transcript(self, transcript_id: str) -> None:
        with contextlib.suppress(NotFoundError):
            await self.client.delete_transcript(transcript_id)

    async def delete_summary(self, job_id: str) -> None:
        with contextlib.suppress(NotFoundError):
            await self.client.delete_job(job_id)

    async def delete_recording(self, recording_id: str) -> None:
        with contextlib.suppress(NotFoundError):
            await self.client.delete_recording(recording_id)


def _transcript(
    found: DailyTranscript, *, room_id: str | None = None, text: str | None = None
) -> Transcript:
    # Daily names the room by its uuid here; ours is its name, known only to the caller.
    return Transcript(
        id=found.id,
        status=found.our_status,
        room_id=room_id,
        session_id=found.session_id,
        text=text,
        error=found.error,
    )
