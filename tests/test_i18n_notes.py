"""Meeting notes, recordings and what else lands in a card's thread, in each reader's language,
end to end: the thread reply speaks the channel's language, a DM or private reply its reader's
(the fake Slack answers users.info with each person's `locale`), and a recording link's page
its browser's. The summary's own words are the provider's and stay as written."""

from __future__ import annotations

import json

import pytest
from meetbot_sandbox.slack.models import ApiCall
from meetbot_sandbox.slack.payloads import app_home_opened_event

from bot.settings.model import ChannelDefaults
from bot.settings.store import SettingsStore
from tests.notes_helpers import (
    blocks_text,
    daily_of,
    dm_notes_posted,
    notes_meeting,
    only_job,
    settled,
)
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.plugins.providers import ProviderBot
from tests.test_lifecycle_card import Card, start
from tests.test_notes_delete import click_delete, delete_button

PRIVATE = "G0SECRET"


def _german(bot: RunningBot) -> None:
    bot.slack.state.users[CREATOR].locale = "de-DE"


async def _thread_post(bot: ProviderBot, card: Card) -> ApiCall:
    return await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("thread_ts") == card.ts, timeout=15
    )


async def _edited(bot: RunningBot, ts: str, shows: str) -> ApiCall:
    return await bot.slack.state.wait_for(
        "chat.update",
        lambda c: c.ok and c.params.get("ts") == ts and shows in blocks_text(c),
        timeout=15,
    )


async def _channel_language(bot: RunningBot, channel: str, language: str) -> None:
    c = bot.components
    store = SettingsStore(c.redis, keys=c.store.keys)
    team = bot.slack.state.workspace.team_id
    defaults = ChannelDefaults(language=language)
    await store.apply(f"view:{channel}", team, channel, defaults=defaults, policy=None)


@pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)
async def test_a_german_meeting_gets_german_notes_and_each_person_reads_their_own(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    _german(bot)
    card, session = await notes_meeting(bot)
    bot.slack.state.users["U0ANA"].locale = "pt-BR"
    daily = daily_of(bot)
    await daily.control.transcript_ready(session)

    reply = await _thread_post(bot, card)
    assert reply.params["text"] == "Meeting-Notizen: Design review"
    assert "Zusammenfassung folgt…" in blocks_text(reply)
    assert "Vollständiges Transkript" in blocks_text(reply)
    (shared,) = bot.slack.state.calls_to("files.completeUploadExternal")
    assert shared.params["files"][0]["title"] == "Transkript: Design review"

    await daily.control.summary_ready((await only_job(bot))["id"])
    ts = str(reply.response["ts"])
    updated = await _edited(bot, ts, "Wichtigste Punkte")
    edited = blocks_text(updated)
    assert "*Aufgaben*" in edited and "Notizen löschen" in edited
    assert "<@U0ANA> will follow up" in edited, "the summary itself stays as the provider wrote it"
    confirm = delete_button(updated)["confirm"]
    assert (confirm["title"]["text"], confirm["confirm"]["text"]) == (
        "Diese Notizen löschen?",
        "Löschen",
    )
    await settled(bot)
    await bot.event(app_home_opened_event(CREATOR))
    home = await bot.slack.state.wait_for(
        "views.publish",
        lambda c: c.params.get("user_id") == CREATOR and "Neueste Notizen" in json.dumps(c.params),
        timeout=15,
    )
    assert "Zusammenfassung und Transkript im Thread der Karte" in json.dumps(
        home.params, ensure_ascii=False
    )

    # Ana reads Brazilian Portuguese: her refusal is hers, whatever the channel speaks.
    response_url = await click_delete(bot, card, updated, "U0ANA")
    refusal = await bot.slack.state.wait_for_response(response_url, timeout=10)
    assert "Só o anfitrião da reunião" in json.dumps(refusal, ensure_ascii=False)
    await click_delete(bot, card, updated, CREATOR)
    removed = await _edited(bot, ts, "wurden von")
    assert f"wurden von <@{CREATOR}> gelöscht" in blocks_text(removed)


@pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)
async def test_a_german_channel_tells_its_english_host_in_english(
    provider_bot: ProviderBot,
) -> None:
    """The channel's language is the thread's; the host's failure DM is the host's."""
    bot = provider_bot
    await _channel_language(bot, GENERAL, "de")
    card, session = await notes_meeting(bot)
    daily = daily_of(bot)
    await daily.control.transcript_ready(session)
    reply = await _thread_post(bot, card)
    await daily.control.summary_fails((await only_job(bot))["id"], "model overloaded")

    edited = await _edited(bot, str(reply.response["ts"]), "Keine Zusammenfassung")
    assert "Der Anbieter konnte dieses Meeting nicht zusammenfassen" in blocks_text(edited)
    dm = bot.slack.state.dm_channel(CREATOR).id
    told = await bot.slack.state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.params.get("channel") == dm and "failed" in c.params["text"],
        timeout=10,
    )
    assert "could not be made" in blocks_text(told) and "model overloaded" in blocks_text(told)
    assert told.params["text"] == "Notes of Design review: the summary failed."


@pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)
async def test_notes_of_a_card_without_a_thread_come_in_the_creators_language(
    provider_bot: ProviderBot,
) -> None:
    """A private channel meetbot is not in: the card (German, the channel's) goes through the
    command's response_url, and the notes go to the creator's DM, in English (theirs)."""
    bot = provider_bot
    state = bot.slack.state
    state.add_channel(PRIVATE, "secret", private=True, member=False)
    await _channel_language(bot, PRIVATE, "de")
    response_url = bot.slack.response_url()
    await bot.command(
        "Retro --notes", channel_id=PRIVATE, channel_name="privategroup", response_url=response_url
    )
    card = await state.wait_for_response(
        response_url, lambda body: body.get("response_type") == "in_channel", timeout=10
    )
    assert "Beitreten" in json.dumps(card, ensure_ascii=False)
    session = await bot.rooms.start_session(bot.rooms.only_room().id)
    await bot.rooms.join(session, "Ana")
    await bot.rooms.end_session(session)
    await daily_of(bot).control.transcript_ready(session)

    reply = await dm_notes_posted(bot)
    assert "Summary on its way" in blocks_text(reply)
    (shared,) = state.calls_to("files.completeUploadExternal")
    assert shared.params["files"][0]["title"] == "Transcript: Retro"
    await settled(bot)


async def test_a_recording_of_a_card_without_a_thread_comes_in_the_creators_language(
    bot: RunningBot,
) -> None:
    state = bot.slack.state
    state.add_channel(PRIVATE, "secret", private=True, member=False)
    await _channel_language(bot, PRIVATE, "en")
    _german(bot)
    response_url = bot.slack.response_url()
    await bot.command(
        "Retro --record", channel_id=PRIVATE, channel_name="privategroup", response_url=response_url
    )
    card = await state.wait_for_response(
        response_url, lambda body: body.get("response_type") == "in_channel", timeout=10
    )
    assert "Join" in json.dumps(card), "the channel's English"
    control = bot.emulator.control
    (room,) = bot.emulator.state.rooms.values()
    session = await control.start_session(room.id)
    await control.join(session, "Ana", is_host=True)
    bot.emulator.clock.advance(minutes=4)
    await control.end_session(session)
    (recording,) = bot.emulator.state.recordings.values()
    await control.upload_recording(recording.id)

    dm = state.dm_channel(CREATOR).id
    reply = await state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.params.get("channel") == dm and "Aufzeichnung" in c.params["text"],
        timeout=15,
    )
    assert "Aufzeichnung öffnen" in json.dumps(reply.params, ensure_ascii=False)


async def test_a_nameless_guest_in_the_slack_call_is_named_in_the_cards_language(
    bot: RunningBot,
) -> None:
    _german(bot)
    card = await start(bot, "Sync")
    session = await bot.emulator.control.start_session(card.room_id)
    await bot.emulator.control.join(session, "")
    added = await bot.slack.state.wait_for("calls.add", lambda c: c.ok, timeout=15)
    assert [u["display_name"] for u in added.params["users"]] == ["Gast"]


@pytest.mark.parametrize(
    ("accept_language", "title", "lang"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "Aufzeichnung nicht verfügbar", "de"),
        ("ko-KR, pt-BR;q=0.5", "Gravação indisponível", "pt-BR"),
        ("en;q=0.5, ja;q=0.9", "録画を利用できません", "ja"),
        ("fr;q=0, es", "Grabación no disponible", "es"),
        ("ko-KR", "Recording not available", "en"),
        (None, "Recording not available", "en"),
    ],
)
async def test_a_recording_page_speaks_the_browsers_language(
    bot: RunningBot, accept_language: str | None, title: str, lang: str
) -> None:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    async with bot.http.get(f"{bot.url}/recordings/not-a-token", headers=headers) as resp:
        page = await resp.text()
        assert resp.status == 404 and resp.headers["Content-Language"] == lang
    assert title in page and f"<html lang={lang}>" in page
