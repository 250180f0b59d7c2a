"""`GET /recordings/{token}`: a recording link that keeps working (DESIGN §3).

signed token -> the recording id it was minted for (`RecordingLinks`) -> a fresh download link
from the provider (`RoomProvider.get_recording`) -> 302 to it. Every click asks the provider
again: the link it gives is pre-signed and short-lived, so it is never stored or cached here,
and `Cache-Control: no-store` keeps browsers and proxies from replaying an expired one.

Answers, for a person who clicked a link in Slack:
- 302 to the provider's download link;
- 404 with a small page when the token is malformed or forged (refused before any provider
  call), and the same page when the provider no longer has the recording (deleted, or never
  downloadable): whoever probes tokens learns nothing from the difference;
- 503 with a small page (and Retry-After) when the provider cannot answer right now.

Never logs the token (it opens the recording) nor the provider's link (pre-signed): log lines
name the recording id, which opens nothing without the provider's credentials.
"""

from __future__ import annotations

import logging
from html import escape
from urllib.parse import urlsplit

from aiohttp import web

from bot.domain.rooms import RoomProvider
from bot.errors import NotFoundError, ProviderError
from bot.recordings.links import ROUTE_PREFIX, RecordingLinks

log = logging.getLogger(__name__)

ROUTE = ROUTE_PREFIX + "{token}"
RETRY_AFTER_SECONDS = 60  # a provider outage is seldom shorter; the page says "in a minute"
_HEADERS = {
    "Cache-Control": "no-store",  # the redirect target expires: never replay it from a cache
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}
NOT_AVAILABLE = (
    "Recording not available",
    "This recording link is not valid, or the recording has been deleted."
    " Ask the person who organised the meeting if you need it.",
)
PROVIDER_DOWN = (
    "Recording temporarily unavailable",
    "The video provider is not answering right now. Please try again in a minute.",
)


def register(app: web.Application, *, links: RecordingLinks, provider: RoomProvider) -> None:
    app.router.add_get(ROUTE, RecordingRedirect(links, provider).handle)


def page(status: int, title: str, text: str, headers: dict[str, str] | None = None) -> web.Response:
    """A small self-contained HTML page: no scripts, styles inline, nothing fetched."""
    body = (
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>"
        '<body style="font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;'
        'padding:0 1em;color:#1d1c1d">'
        f'<h1 style="font-size:1.4em">{escape(title)}</h1><p>{escape(text)}</p>'
        "</body></html>\n"
    )
    return web.Response(
        status=status,
        text=body,
        content_type="text/html",
        charset="utf-8",
        headers={**_HEADERS, **(headers or {})},
    )


class RecordingRedirect:
    def __init__(self, links: RecordingLinks, provider: RoomProvider) -> None:
        self.links = links
        self.provider = provider

    async def handle(self, request: web.Request) -> web.Response:
        recording_id = self.links.recording_id(request.match_info["token"])
        if recording_id is None:
            return page(404, *NOT_AVAILABLE)
        try:
            recording = await self.provider.get_recording(recording_id)
        except NotFoundError:
            log.info("recording %s: gone at the provider", recording_id)
            return page(404, *NOT_AVAILABLE)
        except ProviderError as exc:
            # The class and status say enough; the error's own text names the API URL.
            log.warning(
                "recording %s: no fresh link (%s, status %s)",
                recording_id,
                type(exc).__name__,
                exc.status,
            )
            wait = getattr(exc, "retry_after", None)
            seconds = int(wait) if isinstance(wait, int | float) and wait > 0 else None
            retry = {"Retry-After": str(seconds or RETRY_AFTER_SECONDS)}
            return page(503, *PROVIDER_DOWN, headers=retry)
        url = recording.url
        if url is None or urlsplit(url).scheme not in ("http", "https"):
            # Not downloadable (still processing, failed), or Daily's documented error string in
            # place of a link: nothing to send the person to.
            log.info("recording %s: no download link (status %s)", recording_id, recording.status)
            return page(404, *NOT_AVAILABLE)
        log.debug("recording %s: redirected to a fresh download link", recording_id)
        return web.Response(status=302, headers={**_HEADERS, "Location": url})
