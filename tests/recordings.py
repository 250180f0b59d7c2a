"""What a person does with a recording link in Slack: find it in the message, click it.

meetbot posts its own link (`PUBLIC_URL/recordings/<token>`, bot.recordings) rather than the
provider's pre-signed one; a click answers 302 to a fresh provider link, which downloads.
"""

from __future__ import annotations

import re

import aiohttp

LINK = re.compile(r"https?://[^\s\"'|<>]+/recordings/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}")


def recording_link(shown: str, public_url: str) -> str:
    """The one meetbot recording link in `shown` (a message as JSON or text)."""
    found: set[str] = {
        link for link in LINK.findall(shown) if link.startswith(public_url + "/recordings/")
    }
    assert len(found) == 1, f"expected one recording link of {public_url}, found {found}"
    return found.pop()


async def click(http: aiohttp.ClientSession, link: str) -> aiohttp.ClientResponse:
    """GET the link without following redirects; the response, already read."""
    async with http.get(link, allow_redirects=False) as response:
        await response.read()
        return response


async def open_recording(http: aiohttp.ClientSession, link: str) -> str:
    """Click `link` as a browser would: the fresh download link it redirects to, once checked
    to download the video."""
    response = await click(http, link)
    assert response.status == 302, f"{response.status}: {await response.text()}"
    assert response.headers["Cache-Control"] == "no-store"
    download = response.headers["Location"]
    async with http.get(download) as video:
        assert video.status == 200, f"the provider refused the fresh link: {video.status}"
        assert video.content_type == "video/mp4"
    return download
