"""Every surface of the `/meet` story rendered in every language, checked against Block Kit's
limits (tests/test_blocks.py `assert_valid`, tests/test_views.py `assert_valid_view`): a German
button must stay within 75 characters, a modal title within 24, a section within 3,000. The
builders clip what would not fit (`bot.meet.blocks.clip`), so a translation that only fits by
being cut off fails here too: no text may be cut to one of those limits with the clip's "…".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.meeting import MeetingStatus, Participant, RecordingInfo
from bot.domain.message import Message
from bot.domain.rooms import Capability, RoomKind
from bot.errors import (
    ChannelUnreachable,
    LimitReachedError,
    ProviderServerError,
    SlackScopeMissing,
    Unavailable,
    UsageError,
    user_message,
)
from bot.home.view import home_view
from bot.i18n import LANGUAGES, Translator, translator
from bot.meet import blocks, replies
from bot.settings.modal import settings_modal
from bot.settings.model import ChannelDefaults, StartRule, WorkspacePolicy
from bot.slack.grammar import parse_meet
from tests.test_blocks import EVERY_CARD, NOW, READY, RECORDING_LINK, assert_valid, make_meeting
from tests.test_views import assert_valid_view

CROWD = tuple(
    Participant(id=f"p{i}", name=f"Person {i}", is_host=i == 0, joined_at=NOW) for i in range(30)
)
CAPABILITIES = frozenset(Capability)


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


# The lengths `clip` cuts to (buttons and options, headers, sections and context).
_CLIP_LIMITS = {75, 150, 3000}


def assert_unclipped(blocks_or_view: Any) -> None:
    clipped = [
        text
        for text in _strings(blocks_or_view)
        if text.endswith("…") and len(text) in _CLIP_LIMITS
    ]
    assert clipped == []


def _messages(t: Translator) -> Iterator[Message]:
    for meeting in EVERY_CARD:
        for language_meeting in (
            meeting.replace(language=t.language, notes=True),
            meeting.replace(language=t.language, participants=CROWD),
        ):
            yield blocks.meeting_card(language_meeting, now=NOW, capabilities=CAPABILITIES)
    long_term = make_meeting(
        language=t.language, kind=RoomKind.LONG_TERM, expires_at=NOW + timedelta(days=30)
    )
    noted = make_meeting(language=t.language, record=True, notes=True)
    for meeting in (noted, long_term):
        yield replies.host_dm(meeting, t)
        yield replies.host_dm(meeting.replace(thread_ts="1.2", card_ts=None), t)
        yield replies.invite_dm(meeting, t)
        yield replies.recording_reply(
            meeting,
            RecordingInfo(id="r", size_bytes=48_200_000, duration_seconds=3725.0),
            link_url=RECORDING_LINK,
        )
    yield replies.help_message(t)
    yield replies.unavailable_message(t)
    yield replies.private_channel_notice(t=t)
    yield replies.private_channel_notice(card_posted=False, t=t)
    everyone = tuple(f"U{i:08d}" for i in range(30))
    for home_only in (False, True):
        yield replies.meeting_starting_ack(
            "x" * 200, invitees=everyone, record=True, home_only=home_only, notes=True, t=t
        )
    for exc in _errors():
        yield replies.ephemeral_error(user_message(exc, t))


def _errors() -> Iterator[BaseException]:
    for text in (
        "--bogus",
        "--recrod",
        "--for",
        "--until 2026-02-30",
        "--for 12x",
        "@nobody",
        "--notes --for 2w --expire-after-use",
    ):
        try:
            parse_meet(text, now=NOW)
        except UsageError as exc:
            yield exc
    yield UsageError("Use either `--until` or `--for`, not both.")
    yield Unavailable("redis")
    yield ChannelUnreachable("chat.postMessage", "is_archived")
    yield SlackScopeMissing("chat.postMessage", "missing_scope", needed="chat:write")
    yield LimitReachedError("too many rooms")
    yield ProviderServerError("boom")


@pytest.mark.parametrize("language", LANGUAGES)
def test_messages_fit_slack_in_every_language(language: str) -> None:
    t = translator(language)
    for message in _messages(t):
        assert_valid(message)
        assert_unclipped(message.blocks)


@pytest.mark.parametrize("language", LANGUAGES)
def test_app_home_fits_slack_in_every_language(language: str) -> None:
    t = translator(language)
    rooms = [
        make_meeting(id=f"m{n}", title=f"Room {n}", created_at=NOW + timedelta(minutes=n))
        for n in range(15)
    ]
    rooms.append(
        make_meeting(id="live", status=MeetingStatus.LIVE, started_at=NOW, participants=CROWD)
    )
    rooms.append(make_meeting(id="rec", status=MeetingStatus.ENDED, recordings=(READY,)))
    policy = WorkspacePolicy(who_may_start=StartRule.MEMBERS, max_length_days=90)
    for meetings in ([], rooms):
        view = home_view(
            meetings=meetings,
            now=NOW,
            recording_link=lambda _: RECORDING_LINK,
            capabilities=CAPABILITIES,
            policy=policy,
            t=t,
        )
        assert_valid_view(view)
        assert_unclipped(view["blocks"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_settings_modal_fits_slack_with_every_channel_language(language: str) -> None:
    """With each language chosen as the channel's, the modal stays within Slack's limits."""
    view = settings_modal(
        "C1",
        ChannelDefaults(language=language),
        WorkspacePolicy(),
        edit_defaults=True,
        edit_policy=True,
        creator_id="U1",
    )
    assert_valid_view(view)
    assert_unclipped(view["blocks"])


def test_a_german_card_reads_german() -> None:
    german = make_meeting(language="de", status=MeetingStatus.ENDED, started_at=NOW)
    card = blocks.meeting_card(german.replace(ended_at=NOW + timedelta(minutes=42)), now=NOW)
    shown = json.dumps(card.kwargs(), ensure_ascii=False)
    assert ":white_check_mark: Beendet · Dauer: 42 Min." in shown
    assert "nach 42 Min. beendet, gestartet von <@UCREATOR>." in card.text
