"""Recording links that keep working: the link in the thread is meetbot's own
(`PUBLIC_URL/recordings/<token>`), and a click asks the provider for a fresh download link.

The provider's pre-signed links expire (Meetings' within a day, Daily's within an hour by
default); a week later the link in the thread must still open the recording, a deleted one
must say so plainly, and a made-up token must open nothing nor cost a provider call.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import unused_port
from meetbot_sandbox.daily import DailyState
from meetbot_sandbox.faults import FaultControl
from meetbot_sandbox.meetings import EmulatorState
from pytest_aiohttp import AiohttpServer

from bot.app import build, close, create_web_app
from bot.config import Settings
from bot.domain.clock import utc_now
from bot.providers.build import build_provider
from bot.recordings.links import RecordingLinks
from tests.plugins.bot import RunningBot, bot_env
from tests.plugins.providers import DailyRooms, ProviderBot, daily_env
from tests.recordings import click, open_recording, recording_link
from tests.test_lifecycle_card import start_on
from tests.test_lifecycle_recordings import thread_reply

LINKS = RecordingLinks.from_secret("secret", public_url="https://meetbot.example/", provider="x")
RECORDING = "e5b73c98-c087-4ee5-b61b-0ea08204fc65"  # get_recording.json's id
NOT_AVAILABLE = "Recording not available"


# The token itself (bot.recordings.links), pure


def test_a_link_names_its_recording_the_same_way_on_every_replica_and_after_restarts() -> None:
    link = LINKS.url(RECORDING)
    assert link.startswith("https://meetbot.example/recordings/")
    token = link.rsplit("/", 1)[1]
    assert LINKS.recording_id(token) == RECORDING
    again = RecordingLinks.from_secret("secret", public_url="https://meetbot.example", provider="x")
    assert again.url(RECORDING) == link, "derived from the secret: nothing stored, nothing lost"
    assert LINKS.url("another-recording") != link
    assert "secret" not in repr(LINKS) and repr(LINKS.key) not in repr(LINKS)


def _same_bytes(text: str) -> str:
    """`text` (base64url whose length leaves spare low bits in its last character) with that
    last character changed so that it still decodes to the same bytes."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    assert len(text) % 4 in (2, 3), "no spare bits to change"
    changed = text[:-1] + alphabet[alphabet.index(text[-1]) ^ 1]
    assert base64.urlsafe_b64decode(changed + "==") == base64.urlsafe_b64decode(text + "==")
    return changed


def _forgeries() -> dict[str, str]:
    token = LINKS.token(RECORDING)
    encoded_id, mac = token.split(".")
    other = LINKS.token("another-recording")
    short_id, short_mac = LINKS.token("rec-1").split(".")  # 5 bytes: 2 spare bits
    flipped = mac[:-2] + ("A" if mac[-2] != "A" else "B") + mac[-1]
    return {
        "another key": dataclasses.replace(LINKS, key=b"k" * 32).token(RECORDING),
        "another provider": dataclasses.replace(LINKS, provider="daily").token(RECORDING),
        "another recording's MAC": f"{encoded_id}.{other.split('.')[1]}",
        "one MAC character changed": f"{encoded_id}.{flipped}",
        "the MAC's spare bits changed": f"{encoded_id}.{_same_bytes(mac)}",
        "the id's spare bits changed": f"{_same_bytes(short_id)}.{short_mac}",
        "MAC cut short": f"{encoded_id}.{mac[:-1]}",
        "no MAC": encoded_id,
        "padding added": f"{encoded_id}==.{mac}",
        "not base64": f"{encoded_id}!.{mac}",
        "not ASCII inside": f"{'_w'}.{mac}",
        "a bare recording id": RECORDING,
        "too long": f"{'A' * 400}.{mac}",
    }


@pytest.mark.parametrize("name", sorted(_forgeries()))
def test_a_forged_or_damaged_token_names_no_recording(name: str) -> None:
    assert LINKS.recording_id(_forgeries()[name]) is None


@pytest.mark.parametrize("recording_id", ["", "has space", "x" * 129, "é"])
def test_an_id_that_cannot_be_linked_is_refused_when_minting(recording_id: str) -> None:
    with pytest.raises(ValueError, match="recording id"):
        LINKS.token(recording_id)


# Clicking it, through HTTP, on both providers


def provider_state(bot: ProviderBot) -> EmulatorState | DailyState:
    rooms = bot.rooms
    return rooms.daily.state if isinstance(rooms, DailyRooms) else bot.emulator.state


def provider_control(bot: ProviderBot) -> FaultControl:
    rooms = bot.rooms
    return rooms.daily.control if isinstance(rooms, DailyRooms) else bot.emulator.control


async def recorded(bot: ProviderBot) -> tuple[str, str, str]:
    """A recorded meeting whose recording is ready: (its id, the provider's download path,
    meetbot's link as posted in the card's thread)."""
    card = await start_on(bot, "Retro --record")
    session = await bot.rooms.start_session(card.room_id)
    await bot.rooms.join(session, "Ana", is_host=True)
    recording_id = await bot.rooms.start_recording(session)
    bot.rooms.advance(minutes=9)
    await bot.rooms.end_session(session)
    download = urlsplit(await bot.rooms.recording_ready(recording_id)).path
    reply = await thread_reply(bot, card)
    shown = json.dumps(reply.params)
    assert download not in shown, "the provider's own link expires: never posted"
    return recording_id, download, recording_link(shown, bot.url)


async def test_the_link_in_the_thread_still_opens_the_recording_a_day_later(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    recording_id, download, link = await recorded(bot)
    first = await open_recording(bot.http, link)
    assert download in first
    bot.rooms.advance(minutes=25 * 60)
    if not isinstance(bot.rooms, DailyRooms):  # the link Meetings' callback carried: expired
        posted = bot.emulator.state.recordings[recording_id].url
        assert posted is not None
        async with bot.http.get(posted) as expired:
            assert expired.status == 403
    later = await open_recording(bot.http, link)
    assert download in later and later != first, "a fresh link from the provider"


async def test_a_deleted_recording_gets_a_small_clear_page(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    recording_id, _, link = await recorded(bot)
    del provider_state(bot).recordings[recording_id]  # deleted by hand, or by retention
    response = await click(bot.http, link)
    assert response.status == 404
    assert response.content_type == "text/html"
    page = await response.text()
    assert NOT_AVAILABLE in page and "deleted" in page
    assert "Traceback" not in page and len(page) < 2000


async def test_a_forged_link_gets_the_same_page_without_asking_the_provider(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    recording_id, _, link = await recorded(bot)
    unknown = await click(bot.http, bot.components.recording_links.url("no-such-recording"))
    assert unknown.status == 404, "a genuine link to a recording the provider does not know"
    # Armed once: the first request to reach GET /recordings/{id} would use it up.
    await provider_control(bot).set_fault(method="GET", path="/recordings/*", status=500, times=1)
    forged_key = RecordingLinks.from_secret(
        "not-the-signing-secret", public_url=bot.url, provider=bot.components.provider.name
    )
    token = link.rsplit("/", 1)[1]
    forgeries = [
        forged_key.url(recording_id),
        link[:-1] + ("A" if link[-1] != "A" else "B"),
        f"{bot.url}/recordings/{recording_id}",
        f"{bot.url}/recordings/{token}.{token}",
    ]
    for forged in forgeries:
        response = await click(bot.http, forged)
        assert response.status == 404, forged
        assert await response.text() == await unknown.text(), "forged looks like unknown"
    assert len(provider_state(bot).faults) == 1, "no forged click reached the provider"


async def test_when_the_provider_cannot_answer_the_link_says_try_again(
    bot: RunningBot,
) -> None:
    links = bot.components.recording_links
    await bot.emulator.control.set_fault(
        method="GET", path="/recordings/*", status=503, retry_after=120, times=None
    )
    response = await click(bot.http, links.url(RECORDING))
    assert response.status == 503
    assert response.headers["Retry-After"] == "120"
    assert "try again" in await response.text()


async def test_a_link_posted_before_a_restart_opens_on_another_replica(
    provider_bot: ProviderBot, aiohttp_server: AiohttpServer, redis_url: str
) -> None:
    bot = provider_bot
    _, download, link = await recorded(bot)
    port = unused_port()
    if isinstance(bot.rooms, DailyRooms):
        env = daily_env(bot.emulator, bot.rooms.daily, bot.slack, redis_url, port)
    else:
        env = bot_env(bot.emulator, bot.slack, redis_url, port)
    settings = Settings.from_env(env)
    provider = build_provider(settings, http=bot.http, clock=utc_now)
    replica = await build(settings, http=bot.http, provider=provider)
    try:
        await aiohttp_server(create_web_app(replica), port=port)
        path = link.removeprefix(bot.url)
        assert download in await open_recording(bot.http, f"http://127.0.0.1:{port}{path}")
    finally:
        await close(replica, own_http=False, own_redis=True)
