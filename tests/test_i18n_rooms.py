"""The video room opens in its creator's language where the provider has one: Daily Prebuilt's
`lang`, carried by the links' meeting tokens (`uil` when self-signed; values from
https://docs.daily.co/docs/prebuilt/language: "jp" for Japanese, "pt-BR"), and the Meetings API's
`ui_settings.language` on create (Vonage's localization guide; the emulator's README has the
evidence), which has no Japanese."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from meetbot_sandbox.slack.signing import new_trigger_id

from bot.providers.daily.tokens import TokenClaims, daily_language
from tests.job_wait import finished
from tests.plugins.bot import CREATOR
from tests.plugins.providers import DailyRooms, MeetingsRooms, ProviderBot


def _claims(token: str) -> dict[str, object]:
    claims = jwt.decode(token, options={"verify_signature": False})
    assert isinstance(claims, dict)
    return claims


@pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)
async def test_a_japanese_creator_s_room_opens_in_japanese(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    assert isinstance(bot.rooms, DailyRooms)
    bot.slack.state.users[CREATOR].locale = "ja-JP"
    trigger_id = new_trigger_id()
    assert (await bot.command("朝会", trigger_id=trigger_id)).status == 200
    job = await bot.components.queue.job(f"meet:{trigger_id}")
    assert job is not None
    await finished(job, within=15)
    (room,) = bot.rooms.room_ids()
    guest, host = bot.rooms.link_tokens(room)
    assert _claims(guest)["uil"] == "jp" and _claims(host)["uil"] == "jp"
    root = f"{bot.rooms.daily.root_url}/{room}"
    assert bot.rooms.admits(f"{root}?t={host}") == "host", "Daily still lets them in"


@pytest.mark.parametrize("provider_bot", ["meetings"], indirect=True)
@pytest.mark.parametrize(
    ("locale", "ui_language"), [("pt-BR", "pt-br"), ("de-DE", "de"), ("ja-JP", "default")]
)
async def test_a_meetings_room_opens_in_its_creator_s_language(
    provider_bot: ProviderBot, locale: str, ui_language: str
) -> None:
    bot = provider_bot
    assert isinstance(bot.rooms, MeetingsRooms)
    bot.slack.state.users[CREATOR].locale = locale
    trigger_id = new_trigger_id()
    assert (await bot.command("Sprint review", trigger_id=trigger_id)).status == 200
    job = await bot.components.queue.job(f"meet:{trigger_id}")
    assert job is not None
    await finished(job, within=15)
    (room,) = bot.rooms.meetings.state.rooms.values()
    # Japanese is not among the Meetings UI's languages: nothing is sent, the room keeps its own.
    assert room.ui_settings == {"language": ui_language}


def test_english_and_languages_daily_lacks_send_no_lang() -> None:
    assert [daily_language(x) for x in ("de", "fr", "es", "ja", "pt_BR")] == [
        "de",
        "fr",
        "es",
        "jp",
        "pt-BR",
    ]
    assert daily_language("en") is None and daily_language(None) is None
    claims = TokenClaims("mb-room", is_owner=False, exp=datetime.now(UTC) + timedelta(hours=1))
    assert "uil" not in claims.payload(domain_id="d", now=datetime.now(UTC))
