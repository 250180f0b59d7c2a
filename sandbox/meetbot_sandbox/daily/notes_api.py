"""Meeting notes in the Daily emulator (issue 16): REST and control routes.

    GET    /v1/transcript?roomId=&mtgSessionId=&limit=   {total_count, data} newest first
    GET    /v1/transcript/{id}                           the transcript object
    GET    /v1/transcript/{id}/access-link               {transcriptId, download_link,
                                                          outParams}; 400 unless t_finished
    DELETE /v1/transcript/{id}                           the object, `t_deleted`; then gone
    POST   /v1/batch-processor                           `summarize` over `transcriptUri` -> {id}
    GET    /v1/batch-processor/{id}                      the job
    GET    /v1/batch-processor/{id}/access-link          {id, preset, status, transcription,
                                                          summary: {format, link}}; 400 unless
                                                          finished
    DELETE /v1/batch-processor/{id}                      {id, deleted}; then gone
    DELETE /v1/recordings/{id}                           {id, deleted}; then gone
    GET    /_storage/transcripts/{id}.vtt?sig=           the WebVTT (pre-signed link)
    GET    /_storage/summaries/{id}.txt?sig=             the summary text (pre-signed link)

    POST   /_control/sessions/{id}/transcript/ready      an ended session's transcript
                                                          finishes -> transcript.ready-to-download
    POST   /_control/sessions/{id}/transcript/fail       {"error"?} -> transcript.error
    POST   /_control/jobs/{id}/ready                     -> batch-processor.job-finished
    POST   /_control/jobs/{id}/fail                      {"error"?} -> batch-processor.error
    GET    /_control/jobs                                the jobs submitted so far

The two DELETE answers of the batch processor and recordings are not documented in any stored
copy of Daily's reference: `{id, deleted}` is this emulator's guess, and the bot reads nothing
from them. Links are signed with the API key, so a made-up link is refused (403).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from meetbot_sandbox.daily.api import json_body, origin
from meetbot_sandbox.daily.control_api import Event, fire
from meetbot_sandbox.daily.keys import CONTROL_PREFIX, HTTP_KEY, STATE_KEY
from meetbot_sandbox.daily.notes import (
    JobState,
    TranscriptState,
    build_summary,
    build_vtt,
    job_json,
    out_params,
    summary_s3,
    transcript_json,
    transcript_of,
)
from meetbot_sandbox.daily.state import DailyState, new_id
from meetbot_sandbox.daily.views import invalid, not_found

PRESETS = ("transcript", "summarize")
SOURCE_TYPES = ("uri", "recordingId", "transcriptUri")


def _sig(state: DailyState, path: str) -> str:
    return hmac.new(state.api_key.encode(), path.encode(), hashlib.sha256).hexdigest()[:32]


def _link(request: web.Request, path: str) -> str:
    return f"{origin(request)}{path}?sig={_sig(request.app[STATE_KEY], path)}"


def _transcript(state: DailyState, transcript_id: str) -> TranscriptState:
    found = state.transcripts.get(transcript_id)
    if found is None:
        raise not_found(f"transcript {transcript_id} was not found")
    return found  # type: ignore[no-any-return]


def _job(state: DailyState, job_id: str) -> JobState:
    job = state.jobs.get(job_id)
    if job is None:
        raise not_found(f"batch processor job {job_id} was not found")
    return job  # type: ignore[no-any-return]


async def list_transcripts(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    try:
        limit = min(int(request.query.get("limit", "100")), 100)
    except ValueError:
        raise invalid("limit must be a number") from None
    room, session = request.query.get("roomId"), request.query.get("mtgSessionId")
    found = [
        t
        for t in state.transcripts.values()
        if room in (None, t.room_id) and session in (None, t.session_id)
    ]
    found.sort(key=lambda t: t.created_at, reverse=True)
    data = [transcript_json(t, state, listed=True) for t in found[:limit]]
    return web.json_response({"total_count": len(found), "data": data})


async def get_transcript(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    found = _transcript(state, request.match_info["transcript_id"])
    return web.json_response(transcript_json(found, state, listed=False))


async def transcript_link(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    found = _transcript(state, request.match_info["transcript_id"])
    if found.status != "t_finished":
        raise invalid(f"transcript {found.id} is not finished")
    body = {
        "transcriptId": found.id,
        "download_link": _link(request, f"/_storage/transcripts/{found.id}.vtt"),
        "outParams": out_params(found, state.domain_name),
    }
    return web.json_response(body)


async def delete_transcript(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    found = _transcript(state, request.match_info["transcript_id"])
    found.status = "t_deleted"
    body = transcript_json(found, state, listed=False)
    body.pop("updated_at", None)  # as in the documented example
    del state.transcripts[found.id]
    return web.json_response(body)


def _transcript_from_link(state: DailyState, uri: str) -> TranscriptState:
    """The transcript a `transcriptUri` points at: one of our signed transcript links."""
    parts = urlsplit(uri)
    prefix, suffix = "/_storage/transcripts/", ".vtt"
    sig = dict(p.partition("=")[::2] for p in parts.query.split("&") if p).get("sig", "")
    if not (parts.path.startswith(prefix) and parts.path.endswith(suffix)):
        raise invalid("inParams.uri: not a transcript link of this domain")
    if not hmac.compare_digest(sig, _sig(state, parts.path)):
        raise invalid("inParams.uri: the link's signature is not valid")
    return _transcript(state, parts.path[len(prefix) : -len(suffix)])


async def submit_job(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    body = await json_body(request)
    preset = body.get("preset")
    if preset not in PRESETS:
        raise invalid(f"preset must be one of {', '.join(PRESETS)}")
    given, out = body.get("inParams"), body.get("outParams")
    if not isinstance(given, dict) or given.get("sourceType") not in SOURCE_TYPES:
        raise invalid(f"inParams.sourceType must be one of {', '.join(SOURCE_TYPES)}")
    config = out.get("s3Config") if isinstance(out, dict) else None
    key = config.get("s3KeyTemplate") if isinstance(config, dict) else None
    if not isinstance(key, str) or not key:
        raise invalid("outParams.s3Config.s3KeyTemplate is required")
    if preset != "summarize" or given["sourceType"] != "transcriptUri":
        raise invalid("this emulator runs only `summarize` jobs over a `transcriptUri`")
    uri = given.get("uri")
    if not isinstance(uri, str):
        raise invalid("inParams.uri is required with sourceType transcriptUri")
    found = _transcript_from_link(state, uri)
    job = JobState(new_id(), found.id, uri, key, status="processing")
    state.jobs[job.id] = job
    return web.json_response({"id": job.id})


async def get_job(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    return web.json_response(job_json(_job(state, request.match_info["job_id"]), state.domain_name))


async def job_link(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    job = _job(state, request.match_info["job_id"])
    if job.status != "finished":
        raise invalid(f"job {job.id} is not finished")
    link = _link(request, f"/_storage/summaries/{job.id}.txt")
    body = {
        "id": job.id,
        "preset": "summarize",
        "status": job.status,
        "transcription": [],
        "summary": {"format": "txt", "link": link},
    }
    return web.json_response(body)


async def delete_job(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    job = _job(state, request.match_info["job_id"])
    del state.jobs[job.id]
    return web.json_response({"id": job.id, "deleted": True})


async def delete_recording(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    recording_id = request.match_info["recording_id"]
    if state.recordings.pop(recording_id, None) is None:
        raise not_found(f"recording {recording_id} was not found")
    return web.json_response({"id": recording_id, "deleted": True})


def _signed(request: web.Request) -> None:
    if not hmac.compare_digest(
        request.query.get("sig", ""), _sig(request.app[STATE_KEY], request.path)
    ):
        raise web.HTTPForbidden()


async def download_transcript(request: web.Request) -> web.Response:
    _signed(request)
    found = request.app[STATE_KEY].transcripts.get(request.match_info["transcript_id"])
    if found is None or found.status != "t_finished":
        raise web.HTTPNotFound()
    return web.Response(text=found.vtt, content_type="text/vtt")


async def download_summary(request: web.Request) -> web.Response:
    _signed(request)
    job = request.app[STATE_KEY].jobs.get(request.match_info["job_id"])
    if job is None or job.status != "finished":
        raise web.HTTPNotFound()
    return web.Response(text=job.summary, content_type="text/plain")


# Control: what Daily's transcription and batch processor would do, and their webhooks.


async def _answer(request: web.Request, events: list[Event], body: dict[str, Any]) -> web.Response:
    if request.query.get("webhook", "true") != "false":
        made = await fire(request.app[HTTP_KEY], request.app[STATE_KEY], events)
        body["deliveries"] = [d.to_json() for d in made]
    return web.json_response(body)


def _ended_transcript(state: DailyState, session_id: str) -> TranscriptState:
    session = state.sessions.get(session_id)
    if session is None:
        raise not_found(f"session {session_id} was not found")
    found = transcript_of(state, session_id)
    if found is None:
        raise invalid("the session's room does not store transcripts")
    if session.ended_at is None:
        raise invalid("the meeting has not ended yet")
    if found.status != "t_in_progress":
        raise invalid(f"transcript {found.id} is already {found.status}")
    found.duration = int((session.ended_at - session.started_at).total_seconds())
    found.updated_at = state.now()
    return found


def _minutes(state: DailyState, found: TranscriptState) -> int:
    session = state.sessions[found.session_id]
    return max(1, len(session.attendance)) * max(1, found.duration // 60)


async def transcript_ready(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    found = _ended_transcript(state, request.match_info["session_id"])
    found.status = "t_finished"
    found.vtt = build_vtt(state.sessions[found.session_id])
    payload = {
        "id": found.id,
        "out_params": {"s3": out_params(found, state.domain_name)},
        "room_id": found.room_id,
        "room_name": found.room_name,
        "mtg_session_id": found.session_id,
        "duration": found.duration,
        "participant_minutes": _minutes(state, found),
        "status": found.status,
        "domain_id": state.domain_id,
    }
    event = ("transcript.ready-to-download", f"tra-rtd-{found.id}", payload)
    return await _answer(request, [event], {"transcript_id": found.id})


async def _reason(request: web.Request, default: str) -> str:
    reason = (await json_body(request)).get("error", default)
    if not isinstance(reason, str) or not reason:
        raise invalid('"error" must be a non-empty string')
    return reason


async def transcript_fail(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    reason = await _reason(request, "transcription failed")
    found = _ended_transcript(state, request.match_info["session_id"])
    found.status, found.error = "t_error", reason
    session = state.sessions[found.session_id]
    payload = {
        "id": found.id,
        "info": {
            "instanceId": found.instance_id,
            "startTs": int(session.started_at.timestamp()),
            "endTs": int(session.ended_at.timestamp()) if session.ended_at else None,
        },
        "room_id": found.room_id,
        "room_name": found.room_name,
        "mtg_session_id": found.session_id,
        "max_participants": max(1, len(session.attendance)),
        "duration": found.duration,
        "participant_minutes": _minutes(state, found),
        "status": found.status,
        "out_params": {"s3": out_params(found, state.domain_name)},
        "error": reason,
    }
    event = ("transcript.error", f"tra-err-{found.id}", payload)
    return await _answer(request, [event], {"transcript_id": found.id})


def _open_job(state: DailyState, job_id: str) -> JobState:
    job = _job(state, job_id)
    if job.status not in ("submitted", "processing"):
        raise invalid(f"job {job.id} is already {job.status}")
    return job


async def job_ready(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    job = _open_job(state, request.match_info["job_id"])
    found = state.transcripts.get(job.transcript_id)
    session = state.sessions.get(found.session_id) if found else None
    job.status, job.summary = "finished", build_summary(session)
    payload = {
        "id": job.id,
        "preset": "summarize",
        "status": "finished",
        "input": {"sourceType": "transcriptUri", "uri": job.uri},
        "output": {"summary": {"format": "txt", "s3Config": summary_s3(job, state.domain_name)}},
    }
    event = ("batch-processor.job-finished", f"bp-jf-{job.id}", payload)
    return await _answer(request, [event], {"job_id": job.id})


async def job_fail(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    reason = await _reason(request, "Error: Failed to summarize the transcript")
    job = _open_job(state, request.match_info["job_id"])
    job.status, job.error = "error", reason
    payload = {
        "id": job.id,
        "preset": "summarize",
        "status": "error",
        "input": {"sourceType": "transcriptUri", "uri": job.uri},
        "error": reason,
    }
    event = ("batch-processor.error", f"bp-je-{job.id}", payload)
    return await _answer(request, [event], {"job_id": job.id})


async def list_jobs(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    jobs = [job_json(job, state.domain_name) for job in state.jobs.values()]
    for body, job in zip(jobs, state.jobs.values(), strict=True):
        body["transcript_id"] = job.transcript_id  # control-only: which transcript it read
    return web.json_response({"jobs": jobs})


def add_notes_routes(router: web.UrlDispatcher, prefix: str) -> None:
    router.add_get(f"{prefix}/transcript", list_transcripts)
    router.add_get(f"{prefix}/transcript/{{transcript_id}}", get_transcript)
    router.add_get(f"{prefix}/transcript/{{transcript_id}}/access-link", transcript_link)
    router.add_delete(f"{prefix}/transcript/{{transcript_id}}", delete_transcript)
    router.add_post(f"{prefix}/batch-processor", submit_job)
    router.add_get(f"{prefix}/batch-processor/{{job_id}}", get_job)
    router.add_get(f"{prefix}/batch-processor/{{job_id}}/access-link", job_link)
    router.add_delete(f"{prefix}/batch-processor/{{job_id}}", delete_job)
    router.add_delete(f"{prefix}/recordings/{{recording_id}}", delete_recording)
    router.add_get("/_storage/transcripts/{transcript_id}.vtt", download_transcript)
    router.add_get("/_storage/summaries/{job_id}.txt", download_summary)
    p = CONTROL_PREFIX
    router.add_post(f"{p}/sessions/{{session_id}}/transcript/ready", transcript_ready)
    router.add_post(f"{p}/sessions/{{session_id}}/transcript/fail", transcript_fail)
    router.add_post(f"{p}/jobs/{{job_id}}/ready", job_ready)
    router.add_post(f"{p}/jobs/{{job_id}}/fail", job_fail)
    router.add_get(f"{p}/jobs", list_jobs)
