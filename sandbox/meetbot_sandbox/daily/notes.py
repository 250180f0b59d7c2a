"""The emulator's meeting notes (issue 16): a transcript per session of a room with
transcription storage, and batch-processor `summarize` jobs over a transcript. Their text is
deterministic, built from who joined the session and when, so tests can check what the bot
posts. Shapes (transcript object, job object, access links) as Daily documents them
(tests/fixtures/daily/rest/, README there).

Daily starts transcription when an owner joins with a token carrying `auto_start_transcription`
(`ast`); here a room with `enable_transcription_storage` starts one with each session, as if
its host had joined with such a token (meetbot gives every notes room's host one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from meetbot_sandbox.daily.state import DailyState, SessionState, new_id
from meetbot_sandbox.daily.views import iso

CUE_SECONDS = 4  # each cue's length; a participant's cues start 10 s apart from their join


@dataclass
class TranscriptState:
    id: str
    room_id: str  # the room's uuid, as Daily's transcript object names it
    room_name: str
    session_id: str
    created_at: datetime
    updated_at: datetime
    status: str = "t_in_progress"  # t_in_progress | t_finished | t_error
    duration: int = 0
    error: str | None = None
    instance_id: str = field(default_factory=new_id)
    vtt: str = ""


@dataclass
class JobState:
    id: str
    transcript_id: str
    uri: str  # the input link as given (`inParams.uri`)
    key: str  # outParams.s3Config.s3KeyTemplate
    status: str = "submitted"  # submitted | processing | finished | error
    error: str | None = None
    summary: str = ""


def start_transcript(state: DailyState, session: SessionState) -> TranscriptState | None:
    room = state.rooms.get(session.room)
    if room is None or not room.enable_transcription_storage:
        return None
    now = state.now()
    found = TranscriptState(new_id(), room.id, room.name, session.id, now, now)
    state.transcripts[found.id] = found
    return found


def transcript_of(state: DailyState, session_id: str) -> TranscriptState | None:
    found = (t for t in state.transcripts.values() if t.session_id == session_id)
    return next(found, None)


def _stamp(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.000"


def lines_of(name: str) -> list[str]:
    """What each participant 'says': an update and a follow-up naming them."""
    return [
        f"Hello, this is {name}.",
        "My update: the work I own is on track.",
        f"Action: {name} will follow up on the open questions by Friday.",
    ]


def build_vtt(session: SessionState) -> str:
    """A WebVTT file with a few cues per participant, from their join time, in time order."""
    start = int(session.started_at.timestamp())
    cues: list[tuple[int, str, str]] = []
    for name, joined_at in session.attendance:
        offset = max(0, joined_at - start)
        for i, line in enumerate(lines_of(name)):
            cues.append((offset + 10 * i, name, line))
    cues.sort(key=lambda cue: cue[0])
    blocks = ["WEBVTT", ""]
    for n, (at, name, line) in enumerate(cues, start=1):
        blocks += [str(n), f"{_stamp(at)} --> {_stamp(at + CUE_SECONDS)}", f"<v {name}>{line}", ""]
    return "\n".join(blocks)


def build_summary(session: SessionState | None) -> str:
    """Plain text, as Daily's summarize output is ("written as a text file"): a paragraph,
    then key points and action items naming the participants."""
    names = list(dict.fromkeys(name for name, _ in (session.attendance if session else [])))
    who = ", ".join(names) if names else "nobody"
    points = [f"- {name} reported that the work they own is on track." for name in names]
    actions = [f"- {name} will follow up on the open questions by Friday." for name in names]
    return "\n".join(
        [
            # A summary speaks of what was said, not of the room's opaque name.
            f"The meeting brought together {who}. Each gave a short update; "
            "no blockers were raised.",
            "",
            "Key points:",
            *(points or ["- No updates were given."]),
            "",
            "Action items:",
            *(actions or ["- None."]),
            "",
        ]
    )


def out_params(found: TranscriptState, domain: str) -> dict[str, Any]:
    key = f"{domain}/{found.room_name}/{int(found.created_at.timestamp() * 1000)}.vtt"
    return {"key": key, "bucket": "emulated-transcripts", "region": "us-west-2"}


def transcript_json(found: TranscriptState, state: DailyState, *, listed: bool) -> dict[str, Any]:
    """The transcript object: the documented example's keys (`GET /transcript/:id`; the list's
    items lack `outParams`), plus `error` when failed (documented for `t_error`)."""
    body: dict[str, Any] = {
        "transcriptId": found.id,
        "domainId": state.domain_id,
        "roomId": found.room_id,
        "mtgSessionId": found.session_id,
        "status": found.status,
        "duration": found.duration,
    }
    if not listed:
        body["outParams"] = out_params(found, state.domain_name)
    body["created_at"] = iso(found.created_at)
    body["updated_at"] = iso(found.updated_at)
    if found.status == "t_error":
        body["error"] = found.error
    return body


def job_json(job: JobState, domain: str) -> dict[str, Any]:
    """`GET /batch-processor/:id` per its field table: output only when finished, error when
    failed."""
    body: dict[str, Any] = {
        "id": job.id,
        "preset": "summarize",
        "status": job.status,
        "input": {"sourceType": "transcriptUri", "uri": job.uri},
    }
    if job.status == "finished":
        body["output"] = {"summary": {"format": "txt", "s3Config": summary_s3(job, domain)}}
    if job.status == "error":
        body["error"] = job.error
    return body


def summary_s3(job: JobState, domain: str) -> dict[str, str]:
    # "domain_name/jobId/summary/s3Config.s3KeyTemplate" (submit-job page, s3KeyReplacement)
    key = f"{domain}/{job.id}/summary/{job.key}"
    return {"key": key, "bucket": "emulated-batch-processor", "region": "us-west-2"}
