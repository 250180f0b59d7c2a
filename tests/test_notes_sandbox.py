"""Meeting notes clicked through the sandbox page on Daily: `/meet … --notes`, the host joins
and ends the meeting from the room panel, "Transcript ready" and "Summary ready" finish Daily's
work, and the card's thread shows the transcript file and the reply, which the host deletes."""

from __future__ import annotations

import pytest
from meetbot_sandbox.demo.workspace import GENERAL

from tests.plugins.providers import ProviderBot
from tests.plugins.sandbox import Page
from tests.test_sandbox_rooms import ALICE, UPDATES, link_with, page  # noqa: F401 - fixture

pytestmark = pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)


async def test_the_notes_story_in_the_sandbox(page: Page, provider_bot: ProviderBot) -> None:  # noqa: F811
    slack = provider_bot.slack.state
    command = {"user": ALICE, "channel": GENERAL, "text": "/meet Design review --notes"}
    await page.post("command", command)
    card = await slack.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=UPDATES
    )
    await slack.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.params.get("channel") != GENERAL and "host" in str(c.params),
    )
    state = await page.state()
    (room,) = state["rooms"]
    host_link = link_with(provider_bot.rooms.only_room().host_secret, state["dms"][ALICE])
    await page.post("links", {"user": ALICE, "url": host_link})
    await page.post("links", {"user": "U0BOB", "url": link_with("?t=", card.params)})
    await page.post(f"rooms/{room['id']}/end", {"user": ALICE})

    status, body = await page.post(f"rooms/{room['id']}/transcript-ready", {"user": ALICE})
    assert status == 200, body
    card_ts = card.response["ts"]
    reply = await slack.wait_for(
        "chat.postMessage",
        lambda c: (
            c.ok and c.params.get("thread_ts") == card_ts and "Meeting notes" in str(c.params)
        ),
        timeout=UPDATES,
    )
    status, body = await page.post(f"rooms/{room['id']}/summary-ready", {"user": ALICE})
    assert status == 200, body
    reply_ts = reply.response["ts"]
    await slack.wait_for(
        "chat.update",
        lambda c: c.params.get("ts") == reply_ts and "Key points" in str(c.params),
        timeout=UPDATES,
    )

    shown = next(m for m in (await page.state())["messages"][GENERAL] if m["ts"] == card_ts)
    files = [f for r in shown["replies"] for f in r.get("files", [])]
    assert [f["name"].endswith(".vtt") for f in files] == [True], "the transcript file shows"
    notes = next(r for r in shown["replies"] if r["ts"] == reply_ts)
    (delete,) = [
        e
        for b in notes["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "delete_notes"
    ]
    status, _ = await page.post(
        "actions", {"user": ALICE, "action": delete, "where": {"channel": GENERAL, "ts": reply_ts}}
    )
    assert status == 200
    await slack.wait_for(
        "chat.update",
        lambda c: c.params.get("ts") == reply_ts and "deleted by" in str(c.params),
        timeout=UPDATES,
    )
