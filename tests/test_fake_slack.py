"""The fake Slack Web API, driven through slack_sdk's AsyncWebClient as meetbot drives Slack."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest
from meetbot_sandbox.slack import Workspace
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.plugins.slack import BOT_TOKEN, FakeSlack

CARD = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Standup* is live"}}]
DIVIDER = {"type": "divider"}
FIXTURES = Path(__file__).parent / "fixtures" / "slack"


async def test_a_card_posted_then_updated_reads_as_its_latest_version(slack_api: FakeSlack) -> None:
    slack_api.state.add_channel("C0GENERAL", "general")
    client = slack_api.client()

    posted = await client.chat_postMessage(channel="C0GENERAL", text="Standup", blocks=CARD)
    assert posted["channel"] == "C0GENERAL"
    assert posted["message"]["bot_id"] == "B0FAKEBOT"
    assert posted["message"]["blocks"] == CARD
    updated = await client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="Standup ended")

    card = slack_api.state.message("C0GENERAL", posted["ts"])
    assert (updated["ts"], updated["text"]) == (posted["ts"], "Standup ended")
    assert (card.text, card.blocks, card.updates) == ("Standup ended", CARD, 1)
    assert slack_api.state.calls_to("chat.update")[0].params["ts"] == posted["ts"]
    assert slack_api.state.calls_to("chat.update")[0].token == BOT_TOKEN


async def test_replies_land_in_the_thread_of_the_card(slack_api: FakeSlack) -> None:
    slack_api.state.add_channel("C0GENERAL", "general")
    client = slack_api.client()
    card = await client.chat_postMessage(channel="C0GENERAL", text="Standup")

    first = await client.chat_postMessage(
        channel="C0GENERAL", text="Recording", thread_ts=card["ts"]
    )
    second = await client.chat_postMessage(channel="C0GENERAL", text="More", thread_ts=first["ts"])

    assert first["ts"] > card["ts"]
    assert [m.text for m in slack_api.state.thread("C0GENERAL", card["ts"])] == [
        "Recording",
        "More",
    ]
    assert second["message"]["thread_ts"] == card["ts"]
    assert [m.text for m in slack_api.state.history("C0GENERAL")] == ["Standup"]


async def test_the_bot_posts_to_a_public_channel_only_after_joining_it(
    slack_api: FakeSlack,
) -> None:
    slack_api.state.add_channel("C0RANDOM", "random", member=False)
    client = slack_api.client()

    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="C0RANDOM", text="Standup")
    assert refused.value.response["error"] == "not_in_channel"
    assert slack_api.state.channels["C0RANDOM"].is_member is False

    joined = await client.conversations_join(channel="C0RANDOM")
    again = await client.conversations_join(channel="C0RANDOM")
    await client.chat_postMessage(channel="C0RANDOM", text="Standup")

    assert joined["channel"]["is_member"] is True
    assert again["warning"] == "already_in_channel"
    assert [m.text for m in slack_api.state.history("C0RANDOM")] == ["Standup"]


async def test_private_and_unknown_channels_cannot_be_joined(slack_api: FakeSlack) -> None:
    slack_api.state.add_channel("G0SECRET", "leadership", private=True, member=False)
    client = slack_api.client()

    errors = []
    for call in (
        client.conversations_join(channel="G0SECRET"),
        client.chat_postMessage(channel="G0SECRET", text="x"),
        client.conversations_join(channel="C0NOWHERE"),
    ):
        with pytest.raises(SlackApiError) as refused:
            await call
        errors.append(refused.value.response["error"])

    # A private channel the bot is not in is invisible to it: channel_not_found, as in Slack.
    assert errors == [
        "method_not_supported_for_channel_type",
        "channel_not_found",
        "channel_not_found",
    ]


async def test_a_dm_goes_to_the_channel_conversations_open_returns(slack_api: FakeSlack) -> None:
    slack_api.state.add_user("U0ALICE", "alice")
    client = slack_api.client()

    opened = await client.conversations_open(users="U0ALICE")
    await client.chat_postMessage(channel=opened["channel"]["id"], text="Your host link")
    by_user = await client.chat_postMessage(channel="U0ALICE", text="Another")
    reopened = await client.conversations_open(users="U0ALICE")

    dm = opened["channel"]["id"]
    assert dm.startswith("D") and by_user["channel"] == dm
    assert reopened["already_open"] is True and reopened["channel"]["id"] == dm
    assert [m.text for m in slack_api.state.history(dm)] == ["Your host link", "Another"]
    assert slack_api.state.channels[dm].user == "U0ALICE"


async def test_a_method_outside_the_manifests_scopes_is_missing_scope(slack_api: FakeSlack) -> None:
    slack_api.state.add_user("U0ALICE", "alice")
    slack_api.state.add_channel("C0GENERAL", "general")
    client = slack_api.client()
    dm = (await client.conversations_open(users="U0ALICE"))["channel"]["id"]

    refusals = []
    for channel in (dm,):  # im:read: the manifest does not ask for it
        with pytest.raises(SlackApiError) as refused:
            await client.conversations_info(channel=channel)
        refusals.append((refused.value.response["error"], refused.value.response["needed"]))
    info = await client.conversations_info(channel="C0GENERAL")  # channels:read: it does

    assert refusals == [("missing_scope", "im:read")]
    assert info["channel"]["creator"] == "U0CREATOR"


async def test_history_and_replies_find_a_post_by_its_metadata(slack_api: FakeSlack) -> None:
    slack_api.state.add_channel("C0GENERAL", "general")
    client = slack_api.client()
    marker = {"event_type": "meetbot_post", "event_payload": {"marker": "job-1:card"}}
    card = await client.chat_postMessage(channel="C0GENERAL", text="Standup", metadata=marker)
    reply = await client.chat_postMessage(
        channel="C0GENERAL", text="Recording", thread_ts=card["ts"], metadata=marker
    )
    later = await client.chat_postMessage(channel="C0GENERAL", text="Other")

    history = await client.conversations_history(
        channel="C0GENERAL", oldest=card["ts"], inclusive=True, include_all_metadata=True
    )
    bare = await client.conversations_history(channel="C0GENERAL")
    thread = await client.conversations_replies(
        channel="C0GENERAL", ts=card["ts"], include_all_metadata=True
    )

    assert [m["ts"] for m in history["messages"]] == [later["ts"], card["ts"]]
    assert history["messages"][1]["metadata"] == marker
    assert "metadata" not in bare["messages"][1]
    assert [m["ts"] for m in thread["messages"]] == [card["ts"], reply["ts"]]
    assert thread["messages"][1]["metadata"]["event_payload"]["marker"] == "job-1:card"


async def test_users_info_gives_the_time_zone_and_refuses_unknown_users(
    slack_api: FakeSlack,
) -> None:
    slack_api.state.add_user("U0BOB", "bob", "America/New_York", display_name="Bob")
    client = slack_api.client()

    bob = (await client.users_info(user="U0BOB"))["user"]
    with pytest.raises(SlackApiError) as unknown:
        await client.users_info(user="U0NOBODY")

    assert (bob["id"], bob["name"], bob["tz"], bob["profile"]["display_name"]) == (
        "U0BOB",
        "bob",
        "America/New_York",
        "Bob",
    )
    assert bob["tz_offset"] in (-5 * 3600, -4 * 3600)
    assert unknown.value.response["error"] == "user_not_found"


async def test_a_rate_limited_call_is_retried_by_the_rate_limit_handler(
    slack_api: FakeSlack,
) -> None:
    slack_api.state.add_channel("C0GENERAL", "general")
    slack_api.state.set_rate_limit("chat.postMessage", times=1, retry_after=0)
    client = slack_api.client(retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])

    await client.chat_postMessage(channel="C0GENERAL", text="Standup")

    assert [c.status for c in slack_api.state.calls_to("chat.postMessage")] == [429, 200]
    assert [m.text for m in slack_api.state.history("C0GENERAL")] == ["Standup"]


async def test_without_a_retry_handler_the_429_reaches_the_caller(slack_api: FakeSlack) -> None:
    slack_api.state.add_channel("C0GENERAL", "general")
    slack_api.state.set_rate_limit("chat.postMessage", times=1, retry_after=7)

    with pytest.raises(SlackApiError) as limited:
        await slack_api.client().chat_postMessage(channel="C0GENERAL", text="Standup")

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    assert limited.value.response["error"] == "ratelimited"


async def test_a_response_url_records_what_the_app_answered(slack_api: FakeSlack) -> None:
    url = slack_api.response_url()

    sent = await AsyncWebhookClient(url).send(
        text="Usage: /meet [title]", response_type="ephemeral"
    )

    assert (sent.status_code, sent.body) == (200, "ok")
    body = await slack_api.state.wait_for_response(url, lambda b: "Usage" in b["text"])
    assert body["response_type"] == "ephemeral"
    assert slack_api.state.responses(url) == [body]


async def test_an_unknown_method_is_a_loud_404(slack_api: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as unknown:
        await slack_api.client().api_call("chat.postMessages", json={"channel": "C1"})

    assert unknown.value.response.status_code == 404
    assert unknown.value.response["error"] == "unknown_method"
    assert slack_api.state.calls[-1].method == "chat.postMessages"
    assert slack_api.state.unexpected == [
        "unknown Web API method 'chat.postMessages' called with ['channel']"
    ]
    slack_api.state.unexpected.clear()


async def test_tokens_are_checked(slack_api: FakeSlack) -> None:
    slack_api.state.valid_tokens = {BOT_TOKEN}
    errors = []
    for token in ("xoxb-someone-else", ""):
        with pytest.raises(SlackApiError) as refused:
            await slack_api.client(token=token).auth_test()
        errors.append(refused.value.response["error"])
    slack_api.state.revoke_token(BOT_TOKEN)
    with pytest.raises(SlackApiError) as revoked:
        await slack_api.client().auth_test()

    assert errors == ["invalid_auth", "not_authed"]
    assert revoked.value.response["error"] == "token_revoked"


async def test_wait_for_wakes_when_the_awaited_call_arrives(slack_api: FakeSlack) -> None:
    slack_api.state.add_channel("C0GENERAL", "general")
    client = slack_api.client()
    card = await client.chat_postMessage(channel="C0GENERAL", text="Standup")
    waiter = asyncio.create_task(
        slack_api.state.wait_for("chat.update", lambda c: c.params["text"] == "ended")
    )

    await client.chat_update(channel="C0GENERAL", ts=card["ts"], text="live")
    await client.chat_update(channel="C0GENERAL", ts=card["ts"], text="ended")

    assert (await waiter).seq == 3
    with pytest.raises(TimeoutError, match=r"chat\.delete"):
        await slack_api.state.wait_for("chat.delete", timeout=0.01)


async def test_ephemeral_permalink_and_delete(slack_api: FakeSlack) -> None:
    slack_api.state.add_channel("C0GENERAL", "general")
    slack_api.state.add_user("U0ALICE", "alice")
    client = slack_api.client()
    card = await client.chat_postMessage(channel="C0GENERAL", text="Standup")

    hint = await client.chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="Only you")
    link = await client.chat_getPermalink(channel="C0GENERAL", message_ts=card["ts"])
    await client.chat_delete(channel="C0GENERAL", ts=card["ts"])

    assert slack_api.state.ephemerals[0].visible_to == "U0ALICE"
    assert hint["message_ts"] == slack_api.state.ephemerals[0].ts
    assert link["permalink"].endswith(f"/archives/C0GENERAL/p{card['ts'].replace('.', '')}")
    assert slack_api.state.history("C0GENERAL") == []


async def test_a_form_encoded_call_with_the_token_in_the_body_is_parsed(
    slack_api: FakeSlack,
) -> None:
    slack_api.state.add_channel("C0GENERAL", "general")
    form = {"token": BOT_TOKEN, "channel": "C0GENERAL", "blocks": '[{"type": "divider"}]'}

    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{slack_api.api_url}chat.postMessage", data=form) as response,
    ):
        body = await response.json()

    call = slack_api.state.calls_to("chat.postMessage")[0]
    assert body["ok"] is True
    assert (call.token, call.params) == (
        BOT_TOKEN,
        {"channel": "C0GENERAL", "blocks": [{"type": "divider"}]},
    )


async def test_a_trigger_opens_one_modal_and_home_tabs_are_per_user(slack_api: FakeSlack) -> None:
    client = slack_api.client()
    modal = {
        "type": "modal",
        "callback_id": "start_meeting",
        "title": {"type": "plain_text", "text": "Meet"},
        "blocks": [{"type": "section", "text": {"type": "plain_text", "text": "Hello"}}],
    }

    opened = (await client.views_open(trigger_id="1.2.abc", view=modal))["view"]
    with pytest.raises(SlackApiError) as reused:
        await client.views_open(trigger_id="1.2.abc", view=modal)
    updated = await client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal)
    home = await client.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": [DIVIDER]})

    assert opened["callback_id"] == "start_meeting"
    assert reused.value.response["error"] == "exchanged_trigger_id"
    assert updated["view"]["id"] == opened["id"]
    assert slack_api.state.home_tabs["U0ALICE"] == home["view"]


async def test_a_slack_call_is_added_joined_left_and_ended(slack_api: FakeSlack) -> None:
    client = slack_api.client()
    added = await client.calls_add(
        external_unique_id="room-1", join_url="https://meet.example/r1", created_by="U0ALICE"
    )
    call_id = added["call"]["id"]

    await client.calls_participants_add(
        id=call_id, users=[{"slack_id": "U0ALICE"}, {"slack_id": "U0BOB"}]
    )
    await client.calls_participants_remove(id=call_id, users=[{"slack_id": "U0BOB"}])
    await client.calls_end(id=call_id, duration=60)
    with pytest.raises(SlackApiError) as ended:
        await client.calls_update(id=call_id, title="late")

    assert call_id.startswith("R")
    assert slack_api.state.call_objects[call_id]["users"] == [{"slack_id": "U0ALICE"}]
    assert slack_api.state.call_objects[call_id]["duration"] == 60
    assert ended.value.response["error"] == "inactive_call"


# slack_sdk 3.48 builds aiohttp.BasicAuth for oauth.v2.access, which aiohttp 3.14 deprecates.
@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_oauth_exchanges_a_code_once_for_a_working_bot_token(slack_api: FakeSlack) -> None:
    grid = Workspace(
        team_id="T0GRID", team_name="Grid Co", enterprise_id="E0GRID", enterprise_name="Grid"
    )
    slack_api.state.add_oauth_code("code-1", grid, installer_user_id="U0ADMIN")
    slack_api.state.client_id, slack_api.state.client_secret = "111.222", "shh"
    client = slack_api.client(token="")

    with pytest.raises(SlackApiError) as wrong_secret:
        await client.oauth_v2_access(client_id="111.222", client_secret="guess", code="code-1")
    install = await client.oauth_v2_access(client_id="111.222", client_secret="shh", code="code-1")
    with pytest.raises(SlackApiError) as reused:
        await client.oauth_v2_access(client_id="111.222", client_secret="shh", code="code-1")
    who = await slack_api.client(token=install["access_token"]).auth_test()

    assert install["access_token"].startswith("xoxb-")
    assert (install["token_type"], install["bot_user_id"], install["app_id"]) == (
        "bot",
        "U0FAKEBOT",
        "A0FAKEAPP",
    )
    assert install["team"] == {"id": "T0GRID", "name": "Grid Co"}
    assert install["enterprise"] == {"id": "E0GRID", "name": "Grid"}
    assert (install["authed_user"], install["is_enterprise_install"]) == ({"id": "U0ADMIN"}, False)
    assert "calls:write" in install["scope"].split(",")
    assert wrong_secret.value.response["error"] == "bad_client_secret"
    assert reused.value.response["error"] == "invalid_code"
    assert (who["team_id"], who["enterprise_id"]) == ("T0GRID", "E0GRID")
    assert slack_api.state.calls_to("oauth.v2.access")[0].token is None


async def test_users_info_sends_the_locale_only_when_asked(slack_api: FakeSlack) -> None:
    """`include_locale=true` adds the user object's `locale`, a string beside `updated`, as in
    java-slack-sdk's sample (tests/fixtures/slack/webapi_users_info_java.json)."""
    sample = json.loads((FIXTURES / "webapi_users_info_java.json").read_text())
    slack_api.state.add_user("U0ANA", "ana", locale="pt-BR")
    client = slack_api.client()

    plain = (await client.users_info(user="U0ANA"))["user"]
    asked = (await client.users_info(user="U0ANA", include_locale=True))["user"]

    assert "locale" not in plain
    assert isinstance(sample["user"]["locale"], str) and asked["locale"] == "pt-BR"
