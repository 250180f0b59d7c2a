"""Everything the sandbox page shows, as one JSON document: a pure function of the fake Slack's
state, the emulated rooms (`rooms.EmulatedRooms.rooms()`) and the sandbox's transcript.

The page renders it whole on every change (a few kilobytes), so there is no client-side
bookkeeping to drift: channels with threads, each person's private replies, DMs from the
bot, App Home tabs, open modals, and the emulated rooms with their controls' state.
"""

from __future__ import annotations

from collections import defaultdict

from meetbot_sandbox.demo.rooms import Provider
from meetbot_sandbox.demo.transcript import Transcript
from meetbot_sandbox.slack.models import JSON, Message
from meetbot_sandbox.slack.state import FakeSlackState

_OPENS_MODAL = ("views.open", "views.push")


def snapshot(
    slack: FakeSlackState, provider: Provider, rooms: list[JSON], transcript: Transcript
) -> JSON:
    bot = slack.workspace.bot_user_id
    people = [u for u in slack.users.values() if not u.is_bot and not u.deleted]
    channels = [c for c in slack.channels.values() if not c.is_im]
    return {
        "version": slack.version,
        "team": slack.workspace.team_name,
        "provider": provider.to_json(),
        "bot": {"id": bot, "name": slack.workspace.bot_user_name},
        "users": [
            {"id": u.id, "name": u.name, "real_name": u.real_name or u.name, "tz": u.tz}
            for u in people
        ],
        "channels": [
            {"id": c.id, "name": c.name, "is_private": c.is_private, "is_member": c.is_member}
            for c in channels
        ],
        "messages": {c.id: _conversation(slack, transcript, c.id) for c in channels},
        "dms": {
            c.user: {"channel": c.id, "messages": _conversation(slack, transcript, c.id)}
            for c in slack.channels.values()
            if c.is_im and c.user is not None
        },
        "home": {user: _view(view) for user, view in slack.home_tabs.items()},
        "modals": _modals(slack, transcript),
        "calls": slack.call_objects,
        "rooms": rooms,
    }


# A shared file's text shown on the page is cut here: a transcript is a few kilobytes.
FILE_TEXT_SHOWN = 20_000


def _message(message: Message, bot: str, slack: FakeSlackState | None = None) -> JSON:
    return {
        "ts": message.ts,
        "user": message.user,
        "is_bot": message.bot_id is not None or message.user == bot,
        "text": message.text,
        "blocks": message.blocks or [],
        "edited": message.updates > 0,
        "visible_to": message.visible_to,
        "thread_ts": message.thread_ts,
        "files": _files(message, slack),
        "replies": [],
    }


def _files(message: Message, slack: FakeSlackState | None) -> list[JSON]:
    """The files a message shares, as Slack shows them under it (title, type, size), with their
    text for the page's "Show" (the sandbox's own view: Slack would open the file)."""
    shown = []
    for shared in message.files or []:
        stored = slack.files.get(str(shared.get("id"))) if slack is not None else None
        if stored is None or stored.deleted:
            continue
        shown.append(
            {
                "id": stored.id,
                "title": stored.title or stored.name,
                "name": stored.name,
                "filetype": shared.get("filetype", ""),
                "size": len(stored.content or b""),
                "text": stored.text[:FILE_TEXT_SHOWN],
            }
        )
    return shown


def _conversation(slack: FakeSlackState, transcript: Transcript, channel: str) -> list[JSON]:
    """Top-level messages oldest first, each with its thread replies; private replies inline."""
    bot = slack.workspace.bot_user_id
    shown = [_message(m, bot, slack) for m in slack.messages.get(channel, {}).values()]
    shown += [_message(m, bot) for m in slack.ephemerals if m.channel == channel]
    shown += [_message(m, bot) for m in transcript.acks if m.channel == channel]
    for post in slack.response_posts:
        origin = transcript.origins.get(post.response_id)
        ts = transcript.response_ts.get(post.seq)
        if origin is None or ts is None or origin.channel != channel:
            continue
        body = post.body
        message = Message(
            channel=channel,
            ts=ts,
            text=str(body.get("text") or ""),
            blocks=body.get("blocks"),
            thread_ts=body.get("thread_ts") or origin.thread_ts,
            user=bot,
            visible_to=None if body.get("response_type") == "in_channel" else origin.user,
        )
        shown.append(_message(message, bot))
    shown.sort(key=lambda m: float(m["ts"]))
    top = {m["ts"]: m for m in shown if not m["thread_ts"] or m["thread_ts"] == m["ts"]}
    replies: dict[str, list[JSON]] = defaultdict(list)
    for m in shown:
        if m["ts"] not in top:
            parent = top.get(m["thread_ts"])
            (parent["replies"] if parent is not None else replies["orphans"]).append(m)
    return list(top.values()) + replies["orphans"]


def _view(view: JSON) -> JSON:
    keys = ("id", "type", "title", "submit", "close", "blocks", "callback_id")
    return {key: view.get(key) for key in keys}


def _modals(slack: FakeSlackState, transcript: Transcript) -> dict[str, JSON]:
    """Per person, the last modal the bot opened with a trigger of theirs and nobody closed."""
    open_: dict[str, JSON] = {}
    for call in slack.calls:
        if call.method not in _OPENS_MODAL or not call.ok:
            continue
        user = transcript.triggers.get(str(call.params.get("trigger_id")))
        view_id = str(call.response["view"]["id"])
        if user is None or view_id in transcript.closed_views:
            continue
        current: JSON = slack.views.get(view_id) or call.response["view"]
        open_[user] = {**_view(current), "errors": transcript.view_errors.get(view_id, {})}
    return open_
