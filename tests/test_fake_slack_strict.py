"""The fake Slack refuses what Slack refuses: Block Kit past Slack's limits (checked with
slack_sdk's own models) and, when asked to, calls past the published rate limits."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError

from tests.plugins.slack import FakeSlack


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


@pytest.fixture
def fake(slack_api: FakeSlack) -> FakeSlack:
    slack_api.state.add_channel("C0GENERAL", "general")
    slack_api.state.add_channel("C0RANDOM", "random")
    slack_api.state.add_user("U0ALICE", "alice")
    return slack_api


@pytest.mark.parametrize(
    ("blocks", "problem"),
    [
        ([section("x" * 3001)], "cannot exceed 3000 characters [json-pointer:/blocks/0]"),
        ([section("ok"), section("")], "must be more than 0 characters [json-pointer:/blocks/1"),
        ([{"type": "divider"}] * 51, "no more than 50 items allowed [json-pointer:/blocks]"),
        ([{"type": "carousel_of_joy"}], "unsupported type `carousel_of_joy`"),
        ([{"type": "divider", "block_id": "b"}] * 2, "duplicate block_id"),
    ],
    ids=["long-section", "empty-text", "51-blocks", "unknown-type", "duplicate-id"],
)
async def test_blocks_slack_would_refuse_are_invalid_blocks_and_nothing_is_posted(
    fake: FakeSlack, blocks: list[dict[str, Any]], problem: str
) -> None:
    with pytest.raises(SlackApiError) as refused:
        await fake.client().chat_postMessage(channel="C0GENERAL", text="card", blocks=blocks)

    answer = refused.value.response.data
    assert isinstance(answer, dict) and answer["error"] == "invalid_blocks"
    assert any(problem in error for error in answer["errors"]), answer
    assert answer["response_metadata"]["messages"] == [f"[ERROR] {e}" for e in answer["errors"]]
    assert fake.state.history("C0GENERAL") == []
    assert len(fake.state.unexpected) == 1, "always a bug in the app: the test fails loudly"
    fake.state.unexpected.clear()


async def test_a_prefill_longer_than_max_length_in_utf16_units_is_refused(
    fake: FakeSlack,
) -> None:
    title = "🎉" * 101  # 101 characters, 202 UTF-16 code units: Slack's count
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Start a meeting"},
        "blocks": [
            {
                "type": "input",
                "block_id": "title",
                "label": {"type": "plain_text", "text": "Title"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "title_input",
                    "max_length": 200,
                    "initial_value": title,
                },
            }
        ],
    }

    with pytest.raises(SlackApiError) as refused:
        await fake.client().views_open(trigger_id="1.2.a", view=modal)
    fake.state.unexpected.clear()

    answer = refused.value.response.data
    assert isinstance(answer, dict) and answer["error"] == "invalid_arguments"
    [message] = answer["response_metadata"]["messages"]
    assert "must be less than 201 characters" in message
    assert "/view/blocks/0/element/initial_value" in message


async def test_a_response_url_refuses_bad_blocks_with_400(fake: FakeSlack) -> None:
    url = fake.response_url()
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json={"text": "x", "blocks": [section("")]}) as response,
    ):
        assert (response.status, await response.text()) == (400, "invalid_blocks")
    assert fake.state.responses(url) == []
    fake.state.unexpected.clear()


async def test_rate_limits_are_not_enforced_unless_asked(fake: FakeSlack) -> None:
    client = fake.client()
    for n in range(5):
        await client.chat_postMessage(channel="C0GENERAL", text=f"{n}")

    assert all(call.ok for call in fake.state.calls)


async def test_enforced_a_channel_takes_one_post_a_second_after_a_short_burst(
    fake: FakeSlack,
) -> None:
    fake.state.tiers.enforce()
    client = fake.client()
    for n in range(2):  # "short bursts >1 allowed"
        await client.chat_postMessage(channel="C0GENERAL", text=f"{n}")

    with pytest.raises(SlackApiError) as limited:
        await client.chat_postMessage(channel="C0GENERAL", text="third")
    elsewhere = await client.chat_postMessage(channel="C0RANDOM", text="other channel")

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "1"
    assert limited.value.response.data == {"ok": False, "error": "ratelimited"}
    assert elsewhere["ok"] and fake.state.tiers.refused == 1
    assert [m.text for m in fake.state.history("C0GENERAL")] == ["0", "1"], "nothing counted"


async def test_enforced_a_tier_2_method_is_refused_past_its_burst(fake: FakeSlack) -> None:
    fake.state.tiers.enforce()
    client = fake.client()
    statuses = []
    for n in range(6):
        try:
            await client.calls_add(
                external_unique_id=f"call-{n}", join_url="https://x.example/j", created_by="U0ALICE"
            )
            statuses.append(200)
        except SlackApiError as error:
            statuses.append(error.response.status_code)
            retry_after = int(error.response.headers["Retry-After"])

    assert statuses == [200, 200, 200, 200, 429, 429]  # 20 a minute, a burst of 4
    assert retry_after == 3  # one call every 3 s, in whole seconds as Slack sends it
