"""`--notes` refused where notes cannot be taken, precisely and privately, with nothing created:
beside `--expire-after-use`, on the Meetings API (which cannot transcribe), where the workspace
policy forbids notes, and in a DM meetbot cannot post in. And where it is allowed, the card and
the DMs say so before anyone joins."""

from __future__ import annotations

import json

from meetbot_sandbox.slack.signing import new_trigger_id

from bot.settings.model import WorkspacePolicy
from bot.settings.store import SettingsStore
from tests.plugins.bot import GENERAL, RunningBot
from tests.plugins.providers import ProviderBot
from tests.test_lifecycle_card import start_on

CONSENT = "📝 Notes on: this meeting is transcribed"


async def test_notes_and_expire_after_use_do_not_go_together(bot_no_worker: RunningBot) -> None:
    reply = await bot_no_worker.command("Retro --notes --for 2w --expire-after-use")
    assert reply.body is not None and reply.body["response_type"] == "ephemeral"
    assert "`--notes` can't be combined with `--expire-after-use`" in reply.text
    assert "/meet [title]" in json.dumps(reply.body) and "[--notes]" in json.dumps(reply.body)
    assert await bot_no_worker.components.queue.count("queued") == 0, "nothing was started"


async def test_the_meetings_api_refuses_notes_by_name_and_creates_nothing(bot: RunningBot) -> None:
    response_url = bot.slack.response_url()
    trigger_id = new_trigger_id()
    reply = await bot.command(
        "Design review --notes", response_url=response_url, trigger_id=trigger_id
    )
    assert reply.status == 200

    refusal = await bot.slack.state.wait_for_response(
        response_url, lambda body: body.get("response_type") == "ephemeral", timeout=10
    )
    text = json.dumps(refusal)
    assert "The Vonage Meetings API" in text and "cannot transcribe" in text
    assert "Nothing was created" in text and "/meet [title]" in text
    job = await bot.components.queue.job(f"meet:{trigger_id}")
    assert job is not None
    await job.refresh(until_complete=10)
    assert bot.emulator.state.rooms == {}, "no room"
    assert bot.slack.state.calls_to("chat.postMessage") == [], "no card, no DM"


async def test_a_workspace_that_forbids_notes_says_so_at_once(bot_no_worker: RunningBot) -> None:
    c = bot_no_worker.components
    store = SettingsStore(c.redis, keys=c.store.keys)
    await store.apply(
        "view:policy",
        "T0FAKE001",
        GENERAL,
        defaults=None,
        policy=WorkspacePolicy(notes_allowed=False),
    )
    reply = await bot_no_worker.command("Design review --notes")
    assert reply.body is not None and reply.body["response_type"] == "ephemeral"
    assert "Meeting notes are off in this workspace" in reply.text
    assert "/meet settings" in reply.text, "says who can change it"
    assert await c.queue.count("queued") == 0


async def test_a_dm_meetbot_is_not_in_gets_no_notes_room(provider_bot: ProviderBot) -> None:
    if provider_bot.rooms.name != "daily":
        return  # the Meetings API refuses notes first (above)
    bot = provider_bot
    bot.slack.state.add_channel("D0OTHERS", "", private=True, member=False)
    response_url = bot.slack.response_url()
    await bot.command(
        "Pairing --notes",
        channel_id="D0OTHERS",
        channel_name="directmessage",
        response_url=response_url,
    )
    refusal = await bot.slack.state.wait_for_response(
        response_url, lambda body: body.get("response_type") == "ephemeral", timeout=10
    )
    assert "can't take notes in this conversation" in json.dumps(refusal)
    assert bot.rooms.room_ids() == []


async def test_the_card_and_both_dms_tell_everyone_before_they_join(
    provider_bot: ProviderBot,
) -> None:
    if provider_bot.rooms.name != "daily":
        return
    bot = provider_bot
    bot.slack.state.add_user("U0ANA", "ana")
    card = await start_on(bot, "Design review <@U0ANA> --notes")
    state = bot.slack.state

    def dms() -> list[str]:
        return [
            json.dumps(c.params["blocks"], ensure_ascii=False)
            for c in state.calls_to("chat.postMessage")
            if c.ok and c.params.get("channel") != GENERAL
        ]

    await state.wait_for("chat.postMessage", lambda c: len(dms()) >= 2, timeout=10)
    card_post = next(
        c for c in state.calls_to("chat.postMessage") if c.params["channel"] == GENERAL
    )
    assert CONSENT in json.dumps(card_post.params["blocks"], ensure_ascii=False)
    assert len(dms()) == 2, "the host's DM and the guest's"
    assert all(CONSENT in dm for dm in dms())
    assert card.room_id == bot.rooms.only_room().id


async def test_a_channel_default_takes_notes_and_the_card_says_so(
    provider_bot: ProviderBot,
) -> None:
    if provider_bot.rooms.name != "daily":
        return
    from bot.settings.model import ChannelDefaults

    c = provider_bot.components
    store = SettingsStore(c.redis, keys=c.store.keys)
    await store.apply(
        "view:defaults", "T0FAKE001", GENERAL, defaults=ChannelDefaults(notes=True), policy=None
    )
    await start_on(provider_bot, "Weekly")
    card = next(
        call
        for call in provider_bot.slack.state.calls_to("chat.postMessage")
        if call.params.get("channel") == GENERAL
    )
    assert CONSENT in json.dumps(card.params["blocks"], ensure_ascii=False)
    (room,) = provider_bot.rooms.daily.state.rooms.values()  # type: ignore[attr-defined]
    assert room.enable_transcription_storage, "the room transcribes"


async def test_a_channel_default_on_the_meetings_api_is_skipped_not_refused(
    bot: RunningBot,
) -> None:
    from bot.settings.model import ChannelDefaults

    store = SettingsStore(bot.components.redis, keys=bot.components.store.keys)
    await store.apply(
        "view:defaults", "T0FAKE001", GENERAL, defaults=ChannelDefaults(notes=True), policy=None
    )
    await bot.command("Weekly")
    card = await bot.slack.state.wait_for(
        "chat.postMessage", lambda call: call.ok and call.params["channel"] == GENERAL, timeout=10
    )
    assert CONSENT not in json.dumps(card.params["blocks"], ensure_ascii=False)
