"""`MeetingsClient`: the async Vonage Meetings API client (rooms, recordings, dial-in numbers).

Theme operations hang off `client.themes` (`bot.providers.meetings.themes`). Everything raises the
`bot.errors.ProviderError` tree; which failures are retried here and which are left to the job
layer is documented in `bot.providers.http.retry`.

    async with aiohttp.ClientSession() as session:
        client = MeetingsClient.from_settings(session, settings)
        room = await client.create_room(CreateRoom("Design review"))
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Protocol

import aiohttp

from bot.domain.clock import Clock, utc_now
from bot.errors import invalid
from bot.providers.http.budget import Budget
from bot.providers.http.parse import as_objects
from bot.providers.http.paths import marker, page_params, segment
from bot.providers.http.retry import RetryPolicy
from bot.providers.http.transport import RetryDecision, Sleep, TokenSource, Transport
from bot.providers.meetings.auth import TokenCache
from bot.providers.meetings.bodies import REQUIRED, CreateRoom, UpdateRoom
from bot.providers.meetings.models import DialInNumber, Recording, Room, RoomPage
from bot.providers.meetings.themes import ThemesApi

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=30, sock_connect=10)


class MeetingsSettings(Protocol):
    """The three values the client needs; `bot.config.Settings` satisfies it."""

    @property
    def meetings_api_url(self) -> str: ...
    @property
    def vonage_application_id(self) -> str | None: ...
    @property
    def vonage_private_key(self) -> str | None: ...


class MeetingsClient:
    """Args:
    session: the process's shared `aiohttp.ClientSession` (we never close it).
    base_url: e.g. `https://api-eu.vonage.com/v1/meetings`, or the emulator's.
    auth: hands out the JWT (`TokenCache`), refreshed once after a 401.
    retry: `(exc, attempt) -> delay | None`; `bot.providers.http.retry.NO_RETRY` turns retries off.
    sleep: awaited between retries (tests pass a fake that records the delays).
    clock: "now" for our own checks, e.g. that an expiry is at least 10 minutes away.
    budget: the account's request budget shared by every replica (`bot.providers.http.budget`).
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str,
        auth: TokenSource,
        retry: RetryDecision | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = utc_now,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        budget: Budget | None = None,
    ) -> None:
        self._http = Transport(
            session,
            base_url=base_url,
            auth=auth,
            retry=retry or RetryPolicy(),
            sleep=sleep,
            timeout=timeout,
            budget=budget,
        )
        self._clock = clock
        self.themes = ThemesApi(self._http, self.iter_pages)

    @classmethod
    def from_settings(
        cls,
        session: aiohttp.ClientSession,
        settings: MeetingsSettings,
        *,
        clock: Clock = utc_now,
        retry: RetryDecision | None = None,
        sleep: Sleep = asyncio.sleep,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        budget: Budget | None = None,
    ) -> MeetingsClient:
        """The production client: a `TokenCache` over the configured application and key.

        Raises:
            ValueError: the application id or private key is not configured.
        """
        if not settings.vonage_application_id or not settings.vonage_private_key:
            raise ValueError(
                "VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY are required for the Meetings API"
            )
        auth = TokenCache(settings.vonage_application_id, settings.vonage_private_key, clock=clock)
        return cls(
            session,
            base_url=settings.meetings_api_url,
            auth=auth,
            retry=retry,
            sleep=sleep,
            clock=clock,
            timeout=timeout,
            budget=budget,
        )

    @property
    def base_url(self) -> str:
        return self._http.base_url

    # Rooms

    async def list_rooms(
        self,
        *,
        page_size: int | None = None,
        start_id: str | None = None,
        end_id: str | None = None,
    ) -> RoomPage:
        """One page of rooms; follow `page.next_query` (or use `iter_rooms`) for the rest."""
        params = page_params(page_size, start_id, end_id)
        return await self._http.call("GET", "/rooms", params=params, parse=RoomPage.from_json)

    def iter_rooms(self, *, page_size: int | None = None) -> AsyncIterator[Room]:
        """Every room of the application, page after page."""
        return self.iter_pages("/rooms", page_params(page_size, None, None))

    async def create_room(self, body: CreateRoom) -> Room:
        """POST /rooms. Not retried when the outcome is ambiguous: see `bot.providers.http.retry`."""
        body.validate(self._clock())
        return await self._http.call("POST", "/rooms", json=body.to_json(), parse=Room.from_json)

    async def get_room(self, room_id: str) -> Room:
        path = f"/rooms/{segment('room_id', room_id)}"
        return await self._http.call("GET", path, parse=Room.from_json)

    async def update_room(self, room_id: str, body: UpdateRoom) -> Room:
        path = f"/rooms/{segment('room_id', room_id)}"
        body.validate(self._clock())
        return await self._http.call("PATCH", path, json=body.to_json(), parse=Room.from_json)

    async def find_room_by_metadata(self, metadata: str) -> Room | None:
        """The room whose `metadata` equals `metadata`, for recovering an ambiguous create."""
        if not metadata:
            raise invalid("metadata", REQUIRED)
        async for room in self.iter_rooms():
            if room.metadata == metadata:
                return room
        return None

    async def iter_pages(self, path: str, params: Mapping[str, str] | None) -> AsyncIterator[Room]:
        """Follow `_links.next` from `path`, keeping our base URL and taking only its query."""
        seen = {marker(params)}
        while True:
            page = await self._http.call("GET", path, params=params, parse=RoomPage.from_json)
            for room in page.rooms:
                yield room
            next_query = page.next_query
            # The real API sends a `next` link even on its last page: stop on an empty page or
            # on a link we have already followed, so a buggy server cannot loop us forever.
            if not page.rooms or not next_query:
                return
            if marker(next_query) in seen:
                return
            seen.add(marker(next_query))
            params = next_query

    # Recordings and dial-in numbers

    async def get_recording(self, recording_id: str) -> Recording:
        path = f"/recordings/{segment('recording_id', recording_id)}"
        return await self._http.call("GET", path, parse=Recording.from_json)

    async def delete_recording(self, recording_id: str) -> None:
        path = f"/recordings/{segment('recording_id', recording_id)}"
        await self._http.call_no_content("DELETE", path)

    async def session_recordings(self, session_id: str) -> list[Recording]:
        path = f"/sessions/{segment('session_id', session_id)}/recordings"
        return await self._http.call("GET", path, parse=Recording.list_from_json)

    async def dial_in_numbers(self) -> list[DialInNumber]:
        return await self._http.call("GET", "/dial-in-numbers", parse=_dial_in_numbers)


def _dial_in_numbers(value: object) -> list[DialInNumber]:
    return [DialInNumber.from_json(item) for item in as_objects(value, "dial-in numbers")]
