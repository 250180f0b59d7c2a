"""/meet in the person's language, end to end: a signed slash command in, and the ephemeral
reply, the DMs and the card the fake Slack received, for a person whose Slack locale is German.

The fake Slack answers users.info with the `locale` Slack sends when asked `include_locale`
(tests/fixtures/slack/README.md, `webapi_users_info_java.json`)."""

from __future__ import annotations

import json
import logging

import pytest
from meetbot_sandbox.slack.models import ApiCall

from bot.i18n import language_of
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.plugins.providers import ProviderBot
from tests.settings_helpers import as_admin_set, inputs, open_settings
from tests.test_lifecycle_card import card_update, start_on

LI = "U0LI"


def _dump(call: ApiCall) -> str:
    return json.dumps(call.params, ensure_ascii=False)


async def _card(bot: RunningBot) -> ApiCall:
    return await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=10
    )


async def _dm(bot: RunningBot, user: str) -> ApiCall:
    opened = await bot.slack.state.wait_for(
        "conversations.open", lambda c: c.ok and c.params.get("users") == user, timeout=10
    )
    channel = opened.response["channel"]["id"]
    return await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == channel, timeout=10
    )


def _german(bot: RunningBot | ProviderBot) -> None:
    bot.slack.state.users[CREATOR].locale = "de-DE"


async def test_a_german_channel_and_a_german_creator_see_the_whole_story_in_german(
    bot: RunningBot,
) -> None:
    _german(bot)
    bot.slack.state.add_user(LI, "li", locale="pt-BR")
    await as_admin_set(bot, {"default_language": "de"})

    reply = await bot.command(f"Planung <@{LI}|li> --record")

    assert reply.status == 200
    assert "*Planung* startet mit" in reply.text and "per DM" in reply.text
    card = _dump(await _card(bot))
    assert "Beitreten" in card and "Gestartet von" in card
    assert "Dieses Meeting wird aufgezeichnet" in card
    host_dm = _dump(await _dm(bot, CREATOR))
    assert "Du bist Host von *Planung*" in host_dm and "Als Host beitreten" in host_dm
    # Each invitee reads their own language, whatever the channel's.
    invite = _dump(await _dm(bot, LI))
    assert "convidou você para *Planung*" in invite and "Entrar" in invite


async def test_a_german_creator_gets_german_dms_and_card_and_later_replies(
    bot: RunningBot,
) -> None:
    """No channel language: the card speaks its creator's. Before meetbot has asked Slack
    about someone, the ack cannot know their language (no Slack call before the ack): the first
    time it says nothing and the start job sends the note in theirs (tests/test_i18n_first_reply.py);
    from then on the ack speaks it."""
    _german(bot)

    url = bot.slack.response_url()
    first = await bot.command("Planung", response_url=url, seen=False)
    assert first.body is None
    note = await bot.slack.state.wait_for_response(url, timeout=10)
    assert "*Planung* startet" in note["text"]
    card = _dump(await _card(bot))
    assert "Wartet auf Teilnehmende" in card and "Beitreten" in card
    assert "Du bist Host von" in _dump(await _dm(bot, CREATOR))

    again = await bot.command("Retro")
    assert "*Retro* startet" in again.text
    mistake = await bot.command("Retro --bogus")
    assert "Unbekannte Option `--bogus`" in mistake.text
    assert "Aufruf: `/meet [Titel]" in mistake.text, "the usage line, flags still English"
    help_reply = await bot.command("help")
    assert "*Starte ein Videomeeting aus jedem Channel*" in help_reply.text
    assert "`--for` nimmt Stunden, Tage oder Wochen" in help_reply.text


async def test_the_settings_modal_keeps_the_channel_language(bot: RunningBot) -> None:
    await as_admin_set(bot, {"default_language": "ja"})
    view = await open_settings(bot, user_id="U0ADMIN")
    chosen = inputs(view)["default_language"]["element"]["initial_option"]
    assert chosen["value"] == "ja" and chosen["text"]["text"] == "日本語"


async def test_a_locale_without_a_catalog_falls_back_to_english(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.slack.state.users[CREATOR].locale = "ko-KR"
    language_of.cache_clear()
    with caplog.at_level(logging.DEBUG, logger="bot.i18n.locales"):
        await bot.command("Planung")
        card = _dump(await _card(bot))
        assert "Waiting for people to join" in card and "Join" in card
        assert "You're the host of *Planung*" in _dump(await _dm(bot, CREATOR))
        await bot.command("Retro")
    said = [r for r in caplog.records if "ko-KR" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.DEBUG, "logged once per locale"


async def test_the_card_keeps_its_language_as_the_room_changes(provider_bot: ProviderBot) -> None:
    """The language is kept with the meeting: each refresh of the card is German too, whoever
    the callbacks come from."""
    bot = provider_bot
    _german(bot)
    card = await start_on(bot, "Planung")
    session = await bot.rooms.start_session(card.room_id)
    await card_update(bot, card, lambda text: "*Live* seit" in text)
    ana = await bot.rooms.join(session, "Ana", is_host=True)
    await card_update(bot, card, lambda text: "Gerade da (1)" in text and "Ana _(Host)_" in text)
    await bot.rooms.leave(session, ana)
    bot.rooms.advance(minutes=30)
    await bot.rooms.end_session(session)
    ended = await card_update(bot, card, lambda text: "Beendet" in text)
    assert "Dauer: 30 Min." in json.dumps(ended["blocks"], ensure_ascii=False)
    assert "Teilgenommen (1)" in json.dumps(ended["blocks"], ensure_ascii=False)
    assert "nach 30 Min. beendet, gestartet von" in ended["text"]


async def test_without_redis_help_and_mistakes_are_answered_and_a_start_is_not(
    bot_without_redis: RunningBot,
) -> None:
    """The ack reads the person's language from Redis; without Redis it answers in English
    what needs no Redis, and says a start is unavailable."""
    bot = bot_without_redis
    assert "*Start a video meeting from any channel*" in (await bot.command("help")).text
    assert "Unknown option `--bogus`" in (await bot.command("--bogus")).text
    assert "temporarily unavailable" in (await bot.command("Planung")).text
