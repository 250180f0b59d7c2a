"""/meet, end to end: a signed slash command in, the card and DMs out, through real HTTP."""

from __future__ import annotations

import json

from meetbot_sandbox.slack.models import ApiCall

from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.plugins.providers import ProviderBot


def _dump(call: ApiCall) -> str:
    return json.dumps(call.params)


async def _card_call(bot: RunningBot, channel: str = GENERAL) -> ApiCall:
    return await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == channel, timeout=10
    )


async def _dm_call(bot: RunningBot, user: str) -> ApiCall:
    dm = await bot.slack.state.wait_for(
        "conversations.open", lambda c: c.ok and c.params.get("users") == user, timeout=10
    )
    channel = dm.response["channel"]["id"]
    return await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == channel, timeout=10
    )


async def test_meet_posts_the_guest_link_to_the_channel_and_dms_the_host_link(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    reply = await bot.command("")
    assert reply.status == 200

    card = await _card_call(bot)
    host_dm = await _dm_call(bot, CREATOR)
    room = bot.rooms.only_room()
    assert room.guest_secret in _dump(card)
    assert room.host_secret not in _dump(card), "the host link must never reach the channel"
    assert room.host_secret in _dump(host_dm)
    assert "Join" in _dump(card)


async def test_a_meetings_room_is_named_after_the_channel_and_calls_back_here(
    bot: RunningBot,
) -> None:
    await bot.command("")
    await _card_call(bot)
    (room,) = bot.emulator.state.rooms.values()
    assert room.display_name == "#general meeting"
    assert room.type == "instant"
    # Every room carries callback URLs pointing back at this bot, one token per room.
    assert room.callback_urls is not None
    urls = set(room.callback_urls.values())
    assert len(urls) == 1 and urls.pop().startswith(f"{bot.url}/callbacks/meetings/")


async def test_title_mentions_and_record_flag(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    bot.slack.state.add_user("U0LI", "li")
    await bot.command("Design review <@U0LI|li> --record")

    card = await _card_call(bot)
    invite = await _dm_call(bot, "U0LI")
    room = bot.rooms.only_room()
    assert room.record
    assert "Design review" in _dump(card)
    assert room.guest_secret in _dump(invite)
    assert room.host_secret not in _dump(invite), "invitees get the guest link only"


async def test_long_term_room_for_thirty_days(provider_bot: ProviderBot) -> None:
    await provider_bot.command("Q4 planning --for 30d")
    await _card_call(provider_bot)
    room = provider_bot.rooms.only_room()
    assert room.expires_at is not None
    assert 29 <= (room.expires_at - room.created_at).days <= 30


async def test_a_meetings_long_term_room_can_expire_after_use(bot: RunningBot) -> None:
    await bot.command("Q4 planning --for 30d --expire-after-use")
    await _card_call(bot)
    (room,) = bot.emulator.state.rooms.values()
    assert room.type == "long_term"
    assert room.expire_after_use is True


async def test_mistakes_get_a_private_answer_with_the_usage_line(bot_no_worker: RunningBot) -> None:
    for text, problem in [
        ("--recrod", "--recrod"),
        ("--until 2001-01-01", "past"),
        ("--until 2999-01-01", "year"),
        ("x" * 201, "200"),
        ("sync @nobody", "@nobody"),
    ]:
        reply = await bot_no_worker.command(text)
        assert reply.status == 200
        assert reply.body is not None and reply.body["response_type"] == "ephemeral"
        assert problem in reply.text, (text, reply.text)
        assert "/meet [title]" in json.dumps(reply.body), "the usage line is shown"
    assert await bot_no_worker.components.queue.count("queued") == 0, "nothing was started"


async def test_help(bot_no_worker: RunningBot) -> None:
    reply = await bot_no_worker.command("help")
    assert reply.body is not None and reply.body["response_type"] == "ephemeral"
    assert "--until" in json.dumps(reply.body)


async def test_a_bad_signature_is_refused(bot_no_worker: RunningBot) -> None:
    from meetbot_sandbox.slack.signing import slash_command_body

    reply = await bot_no_worker.post_slack(slash_command_body(text="x"), secret="wrong")
    assert reply.status == 401
    assert await bot_no_worker.components.queue.count("queued") == 0


async def test_public_channel_without_the_bot_is_joined(bot: RunningBot) -> None:
    bot.slack.state.add_channel("C0RANDOM", "random", member=False)
    await bot.command("", channel_id="C0RANDOM", channel_name="random")
    await bot.slack.state.wait_for("conversations.join", lambda c: c.ok, timeout=10)
    card = await _card_call(bot, "C0RANDOM")
    assert "#random meeting" in _dump(card)


async def test_private_channel_gets_the_card_through_the_response_url(bot: RunningBot) -> None:
    bot.slack.state.add_channel("G0SECRET", "secret", private=True, member=False)
    response_url = bot.slack.response_url()
    await bot.command(
        "Retro", channel_id="G0SECRET", channel_name="privategroup", response_url=response_url
    )

    card = await bot.slack.state.wait_for_response(
        response_url, lambda body: body.get("response_type") == "in_channel", timeout=10
    )
    notice = await bot.slack.state.wait_for_response(
        response_url, lambda body: body.get("response_type") == "ephemeral", timeout=10
    )
    (room,) = bot.emulator.state.rooms.values()
    assert f"/{room.meeting_code}" in json.dumps(card)
    assert room.participant_token not in json.dumps(card)
    assert "/invite" in json.dumps(notice)
    await _dm_call(bot, CREATOR)  # the host link still arrives


async def test_one_request_makes_one_meeting_even_if_slack_sends_it_twice(bot: RunningBot) -> None:
    await bot.command("Once", trigger_id="111.222.abc")
    await bot.command("Once", trigger_id="111.222.abc")
    await _card_call(bot)
    await _dm_call(bot, CREATOR)
    assert len(bot.emulator.state.rooms) == 1
    cards = [
        c
        for c in bot.slack.state.calls_to("chat.postMessage")
        if c.params.get("channel") == GENERAL
    ]
    assert len(cards) == 1


async def test_slack_rate_limits_are_waited_out_not_dropped(bot: RunningBot) -> None:
    bot.slack.state.set_rate_limit("chat.postMessage", times=1, retry_after=1)
    await bot.command("Busy day")
    limited = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.status == 429, timeout=10
    )
    card = await _card_call(bot)
    assert card.seq > limited.seq
    assert (
        len(
            [
                c
                for c in bot.slack.state.calls_to("chat.postMessage")
                if c.ok and c.params["channel"] == GENERAL
            ]
        )
        == 1
    )
