"""Secrets in job arguments never reach the logs, even when a job fails."""

from __future__ import annotations

import logging

import pytest
from saq import Job

from bot.cards.reducer import SessionNotKnownYet
from bot.logs import OwnDebugOnly, protect_saq_logs


def test_a_failed_job_is_logged_without_its_arguments(caplog: pytest.LogCaptureFixture) -> None:
    protect_saq_logs()
    secret = "https://hooks.slack.com/commands/T1/2/secret-response-token"
    job = Job(function="start_meeting", kwargs={"request": {"response_url": secret}}, key="meet:1")
    with caplog.at_level(logging.ERROR, logger="saq"):
        logging.getLogger("saq").error("Error processing job %s", job)
    assert "start_meeting" in caplog.text
    assert secret not in caplog.text


def test_a_job_waiting_for_its_cause_is_an_info_line_without_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    protect_saq_logs()
    job = Job(function="room_event", key="event:m1:join")
    try:
        raise SessionNotKnownYet("session:participant:joined before its session started")
    except SessionNotKnownYet:
        with caplog.at_level(logging.INFO):
            logging.getLogger("saq").exception("Error processing job %s", job)
    [record] = caplog.records
    assert record.levelname == "INFO"
    assert "will retry (session:participant:joined before its session started)" in caplog.text
    assert "Traceback" not in caplog.text


def test_debug_logging_is_meetbot_s_own_not_the_libraries_payload_dumps() -> None:
    """`LOG_LEVEL=DEBUG` must not turn on slack_sdk's request/response dumps (host links)."""
    keep = OwnDebugOnly()

    def shown(name: str, level: int) -> bool:
        return keep.filter(logging.LogRecord(name, level, __file__, 1, "m", None, None))

    assert shown("bot.meet.service", logging.DEBUG)
    assert not shown("slack_sdk.web.async_base_client", logging.DEBUG)
    assert not shown("app.py:AsyncApp", logging.DEBUG)  # Bolt's app loggers
    assert not shown("saq", logging.DEBUG)
    assert shown("slack_bolt.App", logging.WARNING)
