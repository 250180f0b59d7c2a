"""One transcript's notes, as meetbot tracks them: what the provider said, where the reply is,
what it shows, and whether someone removed them. Pure data with a JSON form, and the pure
changes provider events make to it.

Events may come twice, out of order (a summary's before its transcript's) or never: every
change here is idempotent and commutes, so any order of the same events ends in one state.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Stage(StrEnum):
    """Where a transcript or its summary is."""

    PENDING = "pending"  # transcript: not ready yet; summary: not asked for yet
    REQUESTED = "requested"  # summary only: the job was started
    READY = "ready"
    FAILED = "failed"


# A later stage never goes back to an earlier one (a late "requested" after "ready" is stale).
_RANK = {Stage.PENDING: 0, Stage.REQUESTED: 1, Stage.READY: 2, Stage.FAILED: 2}


class Removal(StrEnum):
    BY_PERSON = "person"  # the host or a workspace admin, with the Delete button
    BY_RETENTION = "retention"  # NOTES_RETENTION_DAYS passed


@dataclass(frozen=True)
class Notes:
    """The notes of one transcript of one meeting (a long-term room has one per session)."""

    transcript_id: str
    meeting_id: str
    transcript: Stage = Stage.PENDING
    transcript_error: str | None = None
    job_id: str | None = None
    summary: Stage = Stage.PENDING
    summary_error: str | None = None
    # The reply in the card's thread (or the creator's DM) and the transcript file in Slack.
    reply_channel: str | None = None
    reply_ts: str | None = None
    file_id: str | None = None
    shown: Stage | None = None  # the summary stage the reply shows (None: not posted)
    ready_at: datetime | None = None  # when the transcript was found ready (retention counts)
    removed: Removal | None = None
    removed_by: str | None = None
    removed_at: datetime | None = None

    def replace(self, **changes: Any) -> Notes:
        return dataclasses.replace(self, **changes)

    @property
    def posted(self) -> bool:
        return self.reply_ts is not None

    @property
    def needs_edit(self) -> bool:
        """The reply shows an older summary stage than the record knows."""
        return self.posted and self.removed is None and self.shown != _shown_stage(self.summary)

    def to_json(self) -> str:
        data = dict(vars(self))
        for name in ("ready_at", "removed_at"):
            value = data[name]
            data[name] = value.isoformat() if value else None
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Notes:
        data = json.loads(raw)
        known = {f.name for f in dataclasses.fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        for name in ("transcript", "summary", "shown"):
            if data.get(name) is not None:
                data[name] = Stage(data[name])
        if data.get("removed") is not None:
            data["removed"] = Removal(data["removed"])
        for name in ("ready_at", "removed_at"):
            data[name] = datetime.fromisoformat(data[name]) if data.get(name) else None
        return cls(**data)


def _shown_stage(summary: Stage) -> Stage:
    """What the reply shows for a summary stage: pending and requested both read "on its way"."""
    return Stage.PENDING if summary is Stage.REQUESTED else summary


def shown_for(notes: Notes) -> Stage:
    return _shown_stage(notes.summary)


def advance(current: Stage, new: Stage) -> Stage:
    """The later of two stages; ready and failed are both final (the first one stays)."""
    return new if _RANK[new] > _RANK[current] else current


def transcript_ready(notes: Notes, *, at: datetime) -> Notes:
    if notes.transcript is Stage.READY:
        return notes
    return notes.replace(transcript=Stage.READY, ready_at=notes.ready_at or at)


def transcript_failed(notes: Notes, error: str | None) -> Notes:
    if notes.transcript is not Stage.PENDING:
        return notes  # a ready transcript stays ready; a repeated failure changes nothing
    return notes.replace(transcript=Stage.FAILED, transcript_error=error)


def summary_started(notes: Notes, job_id: str) -> Notes:
    if notes.job_id is not None:
        return notes
    return notes.replace(job_id=job_id, summary=advance(notes.summary, Stage.REQUESTED))


def summary_finished(notes: Notes, *, ok: bool, error: str | None = None) -> Notes:
    if notes.summary in (Stage.READY, Stage.FAILED):
        return notes
    if ok:
        return notes.replace(summary=Stage.READY)
    return notes.replace(summary=Stage.FAILED, summary_error=error)
