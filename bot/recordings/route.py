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
The pages speak the browser's language (Accept-Language) where meetbot has it: whoever opens
the link is not known to Slack here, and their browser says what they read.

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
from bot.i18n import ENGLISH, LANGUAGES, N_, Translator, translator
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
    N_("Recording not available"),
    N_(
        "This recording link is not valid, or the recording has been deleted."
        " Ask the person who organised the meeting if you need it."
    ),
)
PROVIDER_DOWN = (
    N_("Recording temporarily unavailable"),
    N_("The video provider is not answering right now. Please try again in a minute."),
)
_ACCEPT_MAX = 16  # Accept-Language entries looked at; browsers send a handful


def browser_translator(accept_language: str | None) -> Translator:
    """The first of the browser's languages (Accept-Language, by weight) that meetbot has,
    else English. Matched here rather than with `bot.i18n.language_of`, which remembers every
    value it is given: a header is anyone's to fill."""
    wanted: list[tuple[float, int, str]] = []
    for position, entry in enumerate((accept_language or "").split(",")[:_ACCEPT_MAX]):
        tag, _, params = entry.strip().partition(";")
        try:
            weight = float(params.strip().removeprefix("q=")) if params else 1.0
        except ValueError:
            continue
        if weight > 0:  # q=0: "not this one"
            wanted.append((-weight, position, tag.strip().replace("-", "_")))
    for _, _, tag in sorted(wanted):
        lang, _, region = tag.partition("_")
        for candidate in (f"{lang.lower()}_{region.upper()}", lang.lower()):
            if candidate in LANGUAGES:
                return translator(candidate)
    return ENGLISH


def register(app: web.Application, *, links: RecordingLinks, provider: RoomProvider) -> None:
    app.router.add_get(ROUTE, RecordingRedirect(links, provider).handle)


def page(
    status: int,
    title: str,
    text: str,
    headers: dict[str, str] | None = None,
    *,
    t: Translator = ENGLISH,
) -> web.Response:
    """A small self-contained HTML page in `t`'s language: no scripts, styles inline, nothing
    fetched."""
    title, text = t.gettext(title), t.gettext(text)
    lang = t.language.replace("_", "-")
    body = (
        f"<!doctype html>\n<html lang={lang}><head><meta charset=utf-8>"
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
        headers={**_HEADERS, "Content-Language": lang, **(headers or {})},
    )


class RecordingRedirect:
    def __init__(self, links: RecordingLinks, provider: RoomProvider) -> None:
        self.links = links
        self.provider = provider

    async def handle(self, request: web.Request) -> web.Response:
        t = browser_translator(request.headers.get("Accept-Language"))
        recording_id = self.links.recording_id(request.match_info["token"])
        if recording_id is None:
            return page(404, *NOT_AVAILABLE, t=t)
        try:
            recording = await self.provider.get_recording(recording_id)
        except NotFoundError:
            log.info("recording %s: gone at the provider", recording_id)
            return page(404, *NOT_AVAILABLE, t=t)
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
            return page(503, *PROVIDER_DOWN, headers=retry, t=t)
        url = recording.url
        if url is None or urlsplit(url).scheme not in ("http", "https"):
            # Not downloadable (still processing, failed), or Daily's documented error string in
            # place of a link: nothing to send the person to.
            log.info("recording %s: no download link (status %s)", recording_id, recording.status)
            return page(404, *NOT_AVAILABLE, t=t)
        log.debug("recording %s: redirected to a fresh download link", recording_id)
        return web.Response(status=302, headers={**_HEADERS, "Location": url})
