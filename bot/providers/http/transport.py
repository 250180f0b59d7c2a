"""The providers' HTTP exchange: auth header, request budget, retries, the one exception boundary.

`_exchange` is the only place aiohttp/asyncio exceptions become `bot.errors` ones (`raise ... from
e`); `check_response` is the only place statuses do. Logs say method, path, status and error
class: never headers, tokens, request bodies or response bodies (a room carries its host URL).
"""

from __future__ import annotations

import json as jsonlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol, TypeVar
from urllib.parse import urlencode, urlsplit

import aiohttp
from multidict import CIMultiDictProxy

from bot.errors import (
    ProviderAuthError,
    ProviderConnectionError,
    ProviderError,
    ProviderServerError,
    ProviderTimeout,
)
from bot.providers.http.budget import Budget
from bot.providers.http.responses import check_response

T = TypeVar("T")
log = logging.getLogger("bot.providers.meetings")

Sleep = Callable[[float], Awaitable[None]]
RetryDecision = Callable[[ProviderError, int], "float | None"]
Exchange = tuple[int, "CIMultiDictProxy[str]", bytes]
CheckResponse = Callable[[str, str, int, "CIMultiDictProxy[str]", bytes], None]


class TokenSource(Protocol):
    """What the transport needs from auth (`bot.providers.meetings.auth.TokenCache` is the real one)."""

    def token(self) -> str: ...

    async def refresh(self, rejected: str) -> str: ...


class Transport:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str,
        auth: TokenSource,
        retry: RetryDecision,
        sleep: Sleep,
        timeout: aiohttp.ClientTimeout,
        check: CheckResponse = check_response,
        label: str = "Meetings",
        budget: Budget | None = None,
    ) -> None:
        """`check` maps an answer to the error tree and `label` names the API in logs and
        messages: the Daily client shares this transport with its own (`bot.providers.daily.client`).
        `budget` is the provider account's shared request budget (`bot.providers.http.budget`):
        every attempt, retries included, waits its turn there before it is sent."""
        self._session = session
        self.base_url = base_url.rstrip("/")
        self._auth = auth
        self._retry = retry
        self._sleep = sleep
        self._timeout = timeout
        self._check = check
        self._label = label
        self._budget = budget

    async def call(
        self,
        method: str,
        path: str,
        *,
        parse: Callable[[object], T],
        params: Mapping[str, str] | None = None,
        json: object = None,
    ) -> T:
        """Send an authenticated API request and parse its JSON answer with `parse`.

        Retries per the policy and refreshes the JWT once on a 401.
        """
        return await self._call(method, path, params, json, lambda body: parse(_json(body)))

    async def call_no_content(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: object = None,
    ) -> None:
        """Like `call` for operations whose answer carries nothing (204, or a bare "OK")."""
        await self._call(method, path, params, json, lambda body: None)

    async def _call(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        json: object,
        read: Callable[[bytes], T],
    ) -> T:
        url = self.base_url + path
        shown = f"{url}?{urlencode(params)}" if params else url
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            token = self._token(method, shown)
            if self._budget is not None:
                await self._budget.acquire(method, path)  # RateLimitedError: nothing was sent
            try:
                status, headers, body = await self._exchange(
                    method,
                    url,
                    shown,
                    params=params,
                    json=json,
                    headers={"Authorization": f"Bearer {token}"},
                )
                self._check(method, shown, status, headers, body)
                return _decode(method, shown, status, body, read, self._label)
            except ProviderAuthError:
                if refreshed:
                    raise
                refreshed, attempt = True, attempt - 1  # a refresh does not use up a retry
                log.info(
                    "%s: %s %s got 401, refreshing credentials once", self._label, method, path
                )
                await self._auth.refresh(token)
            except ProviderError as exc:
                await self._wait_or_raise(exc, attempt, path)

    async def post_form(self, url: str, form: Callable[[], aiohttp.FormData]) -> None:
        """POST a multipart form to a foreign URL (S3) without our Authorization header."""
        attempt = 0
        while True:
            attempt += 1
            try:
                status, headers, body = await self._exchange("POST", url, url, data=form())
                self._check("POST", url, status, headers, body)
                return
            except ProviderError as exc:
                await self._wait_or_raise(exc, attempt, urlsplit(url).path)

    async def download(self, url: str) -> bytes:
        """GET a pre-signed link on a foreign host (S3) without our Authorization header: the
        query string is the authorisation and is passed on unchanged. Never logged: the
        body is meeting content and the URL a secret; errors show the path only."""
        path = urlsplit(url).path
        attempt = 0
        while True:
            attempt += 1
            try:
                status, headers, body = await self._exchange("GET", url, path)
                self._check("GET", path, status, headers, body)
                return body
            except ProviderError as exc:
                await self._wait_or_raise(exc, attempt, path)

    async def _wait_or_raise(self, exc: ProviderError, attempt: int, path: str) -> None:
        delay = self._retry(exc, attempt)
        if delay is None:
            raise exc
        log.warning(
            "%s: %s %s failed (%s, status %s), retry %d in %.2fs",
            self._label,
            exc.method,
            path,
            type(exc).__name__,
            exc.status,
            attempt,
            delay,
        )
        await self._sleep(delay)

    def _token(self, method: str, shown: str) -> str:
        try:
            return self._auth.token()
        except ValueError as e:
            raise ProviderAuthError(str(e), method=method, url=shown) from e

    async def _exchange(
        self,
        method: str,
        url: str,
        shown: str,
        *,
        params: Mapping[str, str] | None = None,
        json: object = None,
        data: aiohttp.FormData | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Exchange:
        """One request/response; the single point where transport exceptions are mapped."""
        try:
            async with self._session.request(
                method,
                url,
                params=params,
                json=json,
                data=data,
                headers=headers,
                timeout=self._timeout,
            ) as response:
                return response.status, response.headers, await response.read()
        except aiohttp.ConnectionTimeoutError as e:
            # No connection was ever made, so the server cannot have seen the request.
            raise ProviderConnectionError(
                "could not connect in time", method=method, url=shown
            ) from e
        except TimeoutError as e:
            raise ProviderTimeout(
                "no answer in time; the request may have been processed", method=method, url=shown
            ) from e
        except (aiohttp.ClientConnectorError, aiohttp.InvalidURL) as e:
            raise ProviderConnectionError(
                f"could not connect ({type(e).__name__})", method=method, url=shown
            ) from e
        except aiohttp.ClientError as e:
            # Disconnected, reset or truncated mid-answer: the request may have been processed.
            raise ProviderServerError(
                f"connection lost before a complete answer ({type(e).__name__})",
                method=method,
                url=shown,
            ) from e


def _json(body: bytes) -> object:
    return jsonlib.loads(body) if body.strip() else None


def _decode(
    method: str, url: str, status: int, body: bytes, read: Callable[[bytes], T], label: str
) -> T:
    try:
        return read(body)
    except (ValueError, TypeError, KeyError) as e:
        # Processed (2xx) but unreadable: as ambiguous as a 5xx for whoever sent it.
        raise ProviderServerError(
            f"unexpected response from the {label} API: {e}", method=method, url=url, status=status
        ) from e
