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
) -> str:
    """The shared file's id (uploading and sharing it first, unless a run before did); its
    title is in `t`, the language of the reply it goes with."""
    filename = blocks.transcript_filename(meeting, notes)
    content: bytes | None = None
    if "file:id" not in steps:
        content = await transcript_bytes(provider, notes)
        file_id, upload_url = await slack.upload_url(ws, filename, len(content))
        steps.note("file:url", upload_url)  # written with the id, in one step
        await steps.record("file:id", file_id)
    file_id = steps.get("file:id") or ""
    if "file:sent" not in steps:
        content = content or await transcript_bytes(provider, notes)
        await slack.send_bytes(steps.get("file:url") or "", filename, content)
        await steps.record("file:sent", "1")
    if "file:shared" not in steps:
        retried = "file:shared:attempt" in steps
        await steps.record("file:shared:attempt", "1")
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
        await steps.record("file:shared", "1")
    return file_id


async def transcript_bytes(provider: RoomProvider, notes: Notes) -> bytes:
    """The WebVTT text, fetched from the provider when needed (never stored, never logged)."""
    transcript = await provider.get_transcript(notes.transcript_id)
    if not transcript.text:
        raise RetryLater(f"transcript {notes.transcript_id} has no text yet")
    return transcript.text.encode()
