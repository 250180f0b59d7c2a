"""Typed views of Daily's transcript and batch-processor answers (issue 16), and their statuses
in our words. Shapes from Daily's reference (copies in tests/fixtures/daily/rest/, README there):

    GET /transcript[/{id}]          {transcriptId, domainId, roomId, mtgSessionId, status
                                     t_finished|t_in_progress|t_error|t_deleted, duration,
                                     isVttAvailable, outParams, error}; list: {total_count, data}
    GET /transcript/{id}/access-link {transcriptId, download_link, outParams} (Daily's generated
                                     SDK names the link `link`: either is read)
    POST /batch-processor           {id}
    GET /batch-processor/{id}       {id, preset, status submitted|processing|finished|error,
                                     input, output, error}
    GET /batch-processor/{id}/access-link {id, preset, status, transcription: [{format, link}],
                                     summary: {format, link}}

`roomId` is the room's uuid, not its name: a room's transcripts are found by its `id`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.providers.http.parse import as_object, as_objects, opt_object, opt_str, req_str

# Our three states (bot.domain.rooms.Transcript/Summary): in_progress | ready | failed.
TRANSCRIPT_STATUS = {
    "t_finished": "ready",
    "t_in_progress": "in_progress",
    "t_error": "failed",
    "t_deleted": "failed",
}
JOB_STATUS = {
    "finished": "ready",
    "submitted": "in_progress",
    "processing": "in_progress",
    "error": "failed",
}


@dataclass(frozen=True)
class DailyTranscript:
    id: str
    status: str  # Daily's word: t_finished | t_in_progress | t_error | t_deleted
    room_id: str | None = None  # the room's uuid
    session_id: str | None = None  # `mtgSessionId`
    error: str | None = None

    @property
    def our_status(self) -> str:
        return TRANSCRIPT_STATUS.get(self.status, "in_progress")

    @classmethod
    def from_json(cls, value: object) -> DailyTranscript:
        data = as_object(value, "transcript")
        return cls(
            id=req_str(data, "transcriptId"),
            status=opt_str(data, "status") or "t_in_progress",
            room_id=opt_str(data, "roomId"),
            session_id=opt_str(data, "mtgSessionId"),
            error=opt_str(data, "error"),
        )

    @classmethod
    def list_from_json(cls, value: object) -> list[DailyTranscript]:
        data = as_object(value, "transcripts")
        return [cls.from_json(item) for item in as_objects(data.get("data"), "data")]


def transcript_link(value: object) -> str:
    """The pre-signed WebVTT link of `GET /transcript/{id}/access-link` (never log it)."""
    data = as_object(value, "transcript access link")
    link = opt_str(data, "download_link") or opt_str(data, "link")
    if not link:
        raise ValueError("transcript access link without 'download_link'")
    return link


@dataclass(frozen=True)
class DailyJob:
    """A batch-processor job (`GET /batch-processor/{id}`)."""

    id: str
    status: str  # submitted | processing | finished | error
    preset: str | None = None
    transcript_uri: str | None = field(default=None, repr=False)  # a pre-signed input link
    error: str | None = None

    @property
    def our_status(self) -> str:
        return JOB_STATUS.get(self.status, "in_progress")

    @classmethod
    def from_json(cls, value: object) -> DailyJob:
        data = as_object(value, "batch-processor job")
        given = opt_object(data, "input") or {}
        return cls(
            id=req_str(data, "id"),
            status=opt_str(data, "status") or "submitted",
            preset=opt_str(data, "preset"),
            transcript_uri=opt_str(given, "uri"),
            error=opt_str(data, "error"),
        )


def job_id(value: object) -> str:
    """`POST /batch-processor` answers the new job's `id`."""
    return req_str(as_object(value, "batch-processor job"), "id")


def summary_link(value: object) -> str:
    """The summary output's link from `GET /batch-processor/{id}/access-link` (never log it)."""
    data = as_object(value, "batch-processor access link")
    summary = opt_object(data, "summary")
    link = opt_str(summary, "link") if summary else None
    if not link:
        raise ValueError("batch-processor access link without 'summary.link'")
    return link
