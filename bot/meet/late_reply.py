"""The first reply to someone meetbot has never looked up, in their language.

`/meet` acks before any Slack call, and until users.info has been asked about a person Redis
does not know their locale: an ack would have to guess (English, or the channel's language).
So for them alone the ack is empty (Slack shows nothing) and the same reply goes through the
command's `response_url` as an ephemeral message once a job has asked Slack:

- a start: the `start_meeting` job looks the person up anyway; it sends the starting note
  (`starting_note`) as soon as it knows their language, before it makes the room;
- a usage error, a refusal or the help: the `late_reply` job (bot.meet.tasks) looks up their locale
  (cached for every later ack) and posts the reply.

Each is sent once per command: the job's recorded step says it went out, so a retried job does
not repeat it (only a worker dying between Slack's answer and that write could).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.domain.inputs import StartMeeting, Workspace
from bot.domain.message import Message
from bot.domain.ports import SlackPort
from bot.errors import SlackError, UsageError, user_message
from bot.i18n import Text, Translator
from bot.meet import replies
from bot.storage.jobs import JobName, Jobs
from bot.storage.steps import JobSteps

log = logging.getLogger(__name__)

STARTING_NOTE = "reply:late"  # the start job's step: the starting note went out
REPLIED = "replied"  # the late_reply job's step

# What a late reply says, as it travels in the job: {"help": true}, or {"error": {"template",
# "params", "usage"}} for a UsageError (params may hold catalog messages themselves).
Said = dict[str, Any]
Encoded = str | dict[str, Any]


def help_reply() -> Said:
    return {"help": True}


def error_reply(exc: UsageError) -> Said:
    params = {name: _encode(value) for name, value in exc.params.items()}
    return {"error": {"template": exc.template, "params": params, "usage": exc.usage}}


def refusal_reply(refusal: str) -> Said:
    """A refusal the ack would show as is (`ask_within_policy`): an error without usage."""
    return error_reply(UsageError(refusal))


def render(said: Said, t: Translator) -> Message:
    """The reply in the reader's language: what the ack would have shown them."""
    if said.get("help"):
        return replies.help_message(t)
    error = said["error"]
    params = {name: _decode(value) for name, value in error["params"].items()}
    exc = UsageError(error["template"], usage=error.get("usage"), params=params)
    return replies.ephemeral_error(user_message(exc, t))


def _encode(value: str) -> Encoded:
    if isinstance(value, Text):
        return {
            "template": value.template,
            "params": {k: _encode(v) for k, v in value.params.items()},
        }
    return str(value)


def _decode(value: Encoded) -> str:
    if isinstance(value, dict):
        return Text(value["template"], **{k: _decode(v) for k, v in value["params"].items()})
    return str(value)


async def enqueue(
    jobs: Jobs, *, key: str, ws: Workspace, user_id: str, response_url: str, said: Said
) -> bool:
    """Queue the reply to the command `key` (its trigger_id). Raises Unavailable without Redis."""
    return await jobs.enqueue(
        JobName.LATE_REPLY,
        f"late-reply:{key}",
        workspace=ws.to_dict(),
        user_id=user_id,
        response_url=response_url,
        said=said,
    )


async def starting_note(
    slack: SlackPort, steps: JobSteps, req: StartMeeting, t: Translator
) -> None:
    """The start's ack, late: once, and never at the meeting's expense (the card follows)."""
    if req.response_url is None or STARTING_NOTE in steps:
        return
    note = replies.meeting_starting_ack(
        req.title,
        invitees=req.invitees,
        record=req.record,
        home_only=req.home_only,
        notes=req.notes,
        t=t,
    )
    try:
        await slack.respond(req.response_url, note)
    except Exception as exc:
        # A refused or unreachable URL must not fail the start; nor is the note retried: a
        # timeout may have delivered it, and the card says the rest.
        error = exc.error if isinstance(exc, SlackError) else type(exc).__name__
        log.warning("meeting %s: starting note not sent (%s)", req.meeting_id, error)
        await steps.record(STARTING_NOTE, f"failed:{error}")
        return
    await steps.record(STARTING_NOTE, "sent")
