"""The transcript as a Slack file in the reply's thread, shared exactly once.

Three outside steps (https://docs.slack.dev/reference/methods/files.getUploadURLExternal):
ask for an upload URL and file id, send the bytes, complete the upload into the thread. Each is
recorded in the transcript's step hash before the next begins, so a job that dies anywhere
resumes where it was: never a second file id once one is recorded, never a second share.
"""

from __future__ import annotations

import logging

from bot.domain.inputs import Workspace
from bot.domain.meeting import Meeting
from bot.domain.rooms import RoomProvider
from bot.errors import (
    ChannelUnreachable,
    NotInChannel,
    RetryLater,
    SlackAuthBroken,
    SlackError,
    SlackRateLimited,
    SlackScopeMissing,
    SlackUnavailable,
)
from bot.i18n import ENGLISH, Translator
from bot.notes import blocks
from bot.notes.model import Notes
from bot.notes.slack_files import NotesSlack
from bot.storage.steps import JobSteps

log = logging.getLogger(__name__)


async def share_transcript(
    slack: NotesSlack,
    provider: RoomProvider,
    steps: JobSteps,
    ws: Workspace,
    meeting: Meeting,
    notes: Notes,
    channel: str,
    thread: str | None,
    t: Translator = ENGLISH,
    *,
    steps_prefix: str = "",
) -> str:
    """The shared file's id (uploading and sharing it first, unless a run before did); its
    title is in `t`, the language of the reply it goes with. `steps_prefix` keeps a second
    upload's steps apart (the DM a refused channel's notes go to: NotesService._post)."""

    def at(step: str) -> str:
        return steps_prefix + step

    filename = blocks.transcript_filename(meeting, notes)
    content: bytes | None = None
    if at("file:id") not in steps:
        content = await transcript_bytes(provider, notes)
        file_id, upload_url = await slack.upload_url(ws, filename, len(content))
        steps.note(at("file:url"), upload_url)  # written with the id, in one step
        await steps.record(at("file:id"), file_id)
    file_id = steps.get(at("file:id")) or ""
    if at("file:sent") not in steps:
        content = content or await transcript_bytes(provider, notes)
        await slack.send_bytes(steps.get(at("file:url")) or "", filename, content)
        await steps.record(at("file:sent"), "1")
    if at("file:shared") not in steps:
        retried = at("file:shared:attempt") in steps
        await steps.record(at("file:shared:attempt"), "1")
        try:
            title = blocks.transcript_title(meeting, t)
            await slack.complete(ws, file_id, title=title, channel=channel, thread_ts=thread)
        except (SlackUnavailable, SlackRateLimited):
            raise  # maybe completed: the retry finds out
        except (NotInChannel, ChannelUnreachable, SlackScopeMissing, SlackAuthBroken):
            raise  # the share itself is refused, whichever attempt this is: never "done"
        except SlackError as exc:
            if not retried:
                raise
            # The run that died completed it: Slack completes an upload once only.
            log.info("notes: file of %s was shared already (%s)", notes.transcript_id, exc.error)
        await steps.record(at("file:shared"), "1")
    return file_id


async def transcript_bytes(provider: RoomProvider, notes: Notes) -> bytes:
    """The WebVTT text, fetched from the provider when needed (never stored, never logged)."""
    transcript = await provider.get_transcript(notes.transcript_id)
    if not transcript.text:
        raise RetryLater(f"transcript {notes.transcript_id} has no text yet")
    return transcript.text.encode()
