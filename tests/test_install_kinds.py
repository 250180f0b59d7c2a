"""Every later surface acts with the installation the request came through: the card turning
live and ended, the recording in its thread, App Home, a standup's own cards.

A card, a standup or a Home tab only knows the workspace (and its org) it belongs to; an
org-wide installation is stored under the org alone, a Slack Connect modal names the
submitter's org. For each kind of installation the whole life of a meeting and a standup runs
here, and every Web API call it makes must carry that installation's token, with another
workspace's installation installed beside it.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import pytest
from meetbot_sandbox.slack.payloads import app_home_opened_event
from meetbot_sandbox.slack.signing import event_callback_body, slash_command_body

from bot.slack import views
from bot.standups.modal_repeat import CHOICES
from tests import slack_corpus as corpus
from tests.plugins.bot import RunningBot
from tests.plugins.installs import Installed, install_as, oauth_bot
from tests.test_lifecycle_card import Card, card_update
from tests.test_lifecycle_recordings import recorded_session, thread_reply
from tests.test_views import submit

__all__ = ["oauth_bot"]

CHANNEL = "C111"  # the Slack Connect sample's modal posts here too
PARTNER_SAMPLE = "view_submission_slack_connect_java.payload.json"


@dataclass(frozen=True)
class Kind:
    installed: Installed
    team_id: str  # the workspace the person acts in
    user: str = "U0ALICE"
    partner: bool = False  # of another organisation, in a Slack Connect channel (modal only)


ORG = Installed("T111", "E111", org_wide=True)
KINDS = {
    "workspace": Kind(Installed("T111"), "T111"),
    "grid-workspace": Kind(Installed("T111", "E111"), "T111"),
    "org-wide-from-one-workspace": Kind(ORG, "T111"),
    "org-wide-from-another-workspace": Kind(ORG, "T222", user="W222"),
    # The real sample's ids: the host workspace by view.app_installed_team_id, the user W111.
    "slack-connect-partner": Kind(
        Installed("T-installed-workspace", "E-host"), "T-installed-workspace", "W111", True
    ),
}


def command(bot: RunningBot, kind: Kind, text: str, response_url: str) -> bytes:
    installed = kind.installed
    return slash_command_body(
        text=text,
        user_id=kind.user,
        channel_id=CHANNEL,
        team_id=kind.team_id,
        enterprise_id=installed.enterprise_id,
        enterprise_name=f"Org {installed.enterprise_id}",
        is_enterprise_install=installed.org_wide,
        response_url=response_url,
    )


def modal(**answers: Any) -> dict[str, Any]:
    """What a submitted "Start a meeting" modal's state holds."""
    view = submit(views.start_meeting_modal(title="Kinds"), conversation=CHANNEL, **answers)
    values: dict[str, Any] = view["state"]["values"]
    return values


async def start_recorded(bot: RunningBot, kind: Kind) -> Card:
    state = bot.slack.state
    if kind.partner:
        body = corpus.submission(PARTNER_SAMPLE, modal(record=True))
    else:
        body = command(bot, kind, "Kinds --record", state.response_url())
    assert (await bot.post_slack(body)).status == 200
    posted = await state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == CHANNEL, timeout=10
    )
    room = next(r for r in bot.emulator.state.rooms.values() if r.callback_urls)
    meeting_id = await bot.components.store.records.id_for_room(room.id)
    assert meeting_id is not None
    return Card(CHANNEL, str(posted.response["ts"]), room.id, meeting_id, "")


async def schedule_standup(bot: RunningBot, kind: Kind) -> str:
    """A daily standup in CHANNEL, by command or by the modal's Repeat; its id."""
    every_day = CHOICES[1][1]
    if kind.partner:
        values = modal(repeat=every_day, repeat_time="09:30")
        body = corpus.submission(PARTNER_SAMPLE, values)
    else:
        body = command(bot, kind, f"standup Daily sync {every_day} 09:30", bot.slack.response_url())
    assert (await bot.post_slack(body)).status == 200
    store = bot.components.standups.store
    async with asyncio.timeout(10):
        while not (made := await store.channel_schedules(kind.team_id, CHANNEL)):  # noqa: ASYNC110
            await asyncio.sleep(0.05)  # the worker creates it after users.info
    return made[0].id


async def fire_now(bot: RunningBot, schedule_id: str) -> None:
    store = bot.components.standups.store
    await store.redis.zadd(store.keys.standups_due(), {schedule_id: int(time.time())})


@pytest.mark.parametrize("name", list(KINDS))
async def test_a_meeting_and_a_standup_live_their_lives_with_one_installation(
    oauth_bot: RunningBot,
    name: str,
) -> None:
    kind, state = KINDS[name], oauth_bot.slack.state
    await install_as(oauth_bot, Installed("T0DECOY", kind.installed.enterprise_id or "E0DECOY"))
    token = await install_as(oauth_bot, kind.installed)
    state.add_user(kind.user, "someone", tz="UTC")
    state.add_channel(CHANNEL, "kinds")
    since = len(state.calls)

    card = await start_recorded(oauth_bot, kind)
    _session, recording_id = await recorded_session(oauth_bot, card)
    await card_update(oauth_bot, card, lambda t: "Ended" in t)
    await oauth_bot.emulator.control.upload_recording(recording_id)
    await thread_reply(oauth_bot, card)

    if not kind.partner:  # their App Home is in their own workspace, not this installation's
        home = event_callback_body(
            app_home_opened_event(kind.user),
            team_id=kind.team_id,
            enterprise_id=kind.installed.enterprise_id,
            is_enterprise_install=kind.installed.org_wide,
        )
        assert (await oauth_bot.post_slack(home)).status == 200
        await state.wait_for(
            "views.publish",
            lambda c: c.ok and "Kinds" in json.dumps(c.params["view"]),
            timeout=10,
        )

    await fire_now(oauth_bot, await schedule_standup(oauth_bot, kind))
    await state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.params.get("channel") == CHANNEL and ":repeat:" in c.params["text"],
        timeout=10,
    )

    assert {c.token for c in state.calls[since:]} == {token}
    assert not [c for c in state.calls[since:] if not c.ok]
