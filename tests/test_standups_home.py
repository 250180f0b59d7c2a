"""App Home lists my standups with Pause / Resume / Delete, and the buttons do what they say."""

from __future__ import annotations

import json
import re

from meetbot_sandbox.slack.payloads import app_home_opened_event, block_actions_payload

from bot.standups.blocks import DELETE_ACTION_ID, PAUSE_ACTION_ID, RESUME_ACTION_ID
from tests.plugins.bot import CREATOR, RunningBot


async def _schedule(bot: RunningBot, text: str) -> str:
    url = bot.slack.response_url()
    await bot.command(text, response_url=url)
    body = await bot.slack.state.wait_for_response(url, lambda b: "Its id is" in b["text"], 10)
    found = re.search(r"Its id is `([a-z0-9]+)`", body["text"])
    assert found is not None
    return found.group(1)


def _click(action_id: str, schedule_id: str, user_id: str = CREATOR) -> dict[str, object]:
    return block_actions_payload(
        {
            "action_id": action_id,
            "block_id": f"standup:{schedule_id}",
            "type": "button",
            "value": schedule_id,
        },
        container={"type": "view", "view_id": "V0HOME"},
        user_id=user_id,
    )


async def _published(bot: RunningBot, after: int, needle: str) -> str:
    call = await bot.slack.state.wait_for(
        "views.publish", lambda c: c.seq > after and needle in json.dumps(c.params), timeout=10
    )
    return json.dumps(call.params)


async def test_home_lists_my_standups_and_pause_resume_delete_work(bot: RunningBot) -> None:
    schedule_id = await _schedule(bot, "standup Daily sync every weekday 09:30")
    await bot.event(app_home_opened_event(CREATOR))
    home = await _published(bot, 0, "Daily sync")
    assert "Your standups" in home and PAUSE_ACTION_ID in home and DELETE_ACTION_ID in home
    store = bot.components.standups.store

    seq = bot.slack.state.calls[-1].seq
    assert (await bot.interact(_click(PAUSE_ACTION_ID, schedule_id))).status == 200
    home = await _published(bot, seq, RESUME_ACTION_ID)
    assert "paused" in home
    assert await store.next_due([schedule_id]) == {}, "nothing is due while paused"

    seq = bot.slack.state.calls[-1].seq
    await bot.interact(_click(RESUME_ACTION_ID, schedule_id))
    await _published(bot, seq, PAUSE_ACTION_ID)
    assert schedule_id in await store.next_due([schedule_id])

    # Someone else's click (a forged or stale payload) changes nothing.
    bot.slack.state.add_user("U0BOB", "bob")
    await bot.interact(_click(DELETE_ACTION_ID, schedule_id, user_id="U0BOB"))
    await bot.slack.state.wait_for("views.publish", lambda c: c.params["user_id"] == "U0BOB")
    assert await store.get(schedule_id) is not None

    seq = bot.slack.state.calls[-1].seq
    await bot.interact(_click(DELETE_ACTION_ID, schedule_id))
    await bot.slack.state.wait_for(
        "views.publish",
        lambda c: (
            c.seq > seq
            and c.params["user_id"] == CREATOR
            and "Daily sync" not in json.dumps(c.params)
        ),
        timeout=10,
    )
    assert await store.get(schedule_id) is None
