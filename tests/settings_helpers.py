"""Driving the `/meet settings` modal the way a person does: open it with the command, read
what it shows, change some fields, submit what the form then holds (Slack's state.values)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from meetbot_sandbox.slack.payloads import view_submission_payload
from meetbot_sandbox.slack.signing import new_trigger_id
from saq.job import Status

from bot.settings.modal_fields import SETTINGS_CALLBACK_ID
from tests.plugins.bot import CREATOR, GENERAL, RunningBot, SlackReply

Change = bool | str | None


async def open_settings(
    bot: RunningBot, *, user_id: str = CREATOR, channel_id: str = GENERAL
) -> dict[str, Any]:
    """`/meet settings`, and the view Slack opened after the ack."""
    trigger = new_trigger_id()
    reply = await bot.command(
        "settings", user_id=user_id, channel_id=channel_id, trigger_id=trigger
    )
    assert reply.status == 200 and reply.body is None, "an empty ack: the modal says the rest"
    opened = await bot.slack.state.wait_for(
        "views.open", lambda c: c.params.get("trigger_id") == trigger, timeout=10
    )
    assert opened.ok, opened.response
    view = opened.response["view"]
    assert isinstance(view, dict)
    return view


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def shown_text(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"])


def state_values(view: dict[str, Any], changes: dict[str, Change]) -> dict[str, Any]:
    """What the form holds after the person made `changes` (block id -> ticked / option value /
    text) to what the modal showed."""
    values: dict[str, Any] = {}
    for block_id, block in inputs(view).items():
        el = block["element"]
        change = changes.get(block_id, ...)
        if el["type"] == "checkboxes":
            ticked = bool(el.get("initial_options")) if change is ... else bool(change)
            state = {"selected_options": el["options"] if ticked else []}
        elif el["type"] in ("radio_buttons", "static_select"):
            value = (el.get("initial_option") or {}).get("value") if change is ... else change
            chosen = [o for o in el["options"] if o["value"] == value]
            state = {"selected_option": chosen[0] if chosen else None}
        else:
            state = {"value": el.get("initial_value") if change is ... else change}
        values[block_id] = {el["action_id"]: {"type": el["type"], **state}}
    return values


async def submit_settings(
    bot: RunningBot, view: dict[str, Any], changes: dict[str, Change], *, user_id: str = CREATOR
) -> SlackReply:
    payload = view_submission_payload(
        SETTINGS_CALLBACK_ID,
        state_values(view, changes),
        private_metadata=view["private_metadata"],
        view_id=view["id"],
        user_id=user_id,
    )
    payload["view"]["blocks"] = view["blocks"]
    return await bot.interact(payload)


async def job_result(bot: RunningBot, key: str) -> str:
    """The result of the job queued under `key`, once it is done (10 s at most)."""
    async with asyncio.timeout(10):
        while True:
            job = await bot.components.queue.job(key)
            if job is not None and job.status in (Status.COMPLETE, Status.FAILED):
                assert job.status is Status.COMPLETE, job.error
                return str(job.result)
            await asyncio.sleep(0.02)


async def saved(bot: RunningBot, view: dict[str, Any]) -> str:
    """What the worker made of a submission: "saved", "refused", "duplicate", "unchanged"."""
    return await job_result(bot, f"settings:{view['id']}")


async def make_admin(bot: RunningBot, user_id: str = CREATOR, *, owner: bool = False) -> None:
    user = bot.slack.state.users[user_id]
    user.is_owner, user.is_admin = owner, not owner
    # Slack's answer is cached briefly (bot.storage.keys.SLACK_ROLE_TTL): forget it, as if
    # that time had passed.
    store = bot.components.channel_settings.store
    await store.redis.delete(store.keys.slack_role(bot.slack.state.workspace.team_id, user_id))


ADMIN = "U0ADMIN"


async def as_admin_set(bot: RunningBot, changes: dict[str, Change]) -> None:
    """An admin (U0ADMIN) opens `/meet settings` in #general and saves `changes`."""
    if ADMIN not in bot.slack.state.users:
        bot.slack.state.add_user(ADMIN, "admin", is_admin=True)
    view = await open_settings(bot, user_id=ADMIN)
    reply = await submit_settings(bot, view, changes, user_id=ADMIN)
    assert reply.body is None, reply.body
    assert await saved(bot, view) == "saved"
