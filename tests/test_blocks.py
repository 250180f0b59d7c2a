"""The channel card, DMs and thread replies, told as what people in Slack see.

`block_kit_problems` is a small structural check of Slack's Block Kit limits; test_views
uses it too. slack_sdk's own models are a second opinion (they drop unknown fields).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.domain.meeting import Meeting, MeetingStatus, Participant, RecordingInfo
from bot.domain.message import Message
from bot.domain.rooms import RoomKind
from bot.meet import blocks, replies
from bot.meet.timefmt import duration_text, rough_duration_text, size_text, slack_date

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
GUEST_URL = "https://meetings.vonage.com/613804614"
HOST_URL = "https://meetings.vonage.com/?room_token=613804614&participant_token=HOST-SECRET"
RECORDING_URL = "https://recordings.example/archive.mp4?Expires=1&Signature=abc%2F"
# meetbot's own link to a recording (bot.recordings.links), what replies and App Home show.
RECORDING_LINK = "https://meetbot.example/recordings/cjE.AAAAAAAAAAAAAAAAAAAAAA"

_BLOCK_TYPES = {"section", "actions", "context", "divider", "header", "input", "image"}
_ELEMENT_TYPES = {
    "button",
    "checkboxes",
    "radio_buttons",
    "datepicker",
    "timepicker",
    "static_select",
    "plain_text_input",
    "conversations_select",
    "multi_users_select",
    "image",
    "overflow",
}
# (container type, key) -> max characters of that text (https://api.slack.com/reference/block-kit)
_TEXT_MAX = {
    ("section", "text"): 3000,
    ("header", "text"): 150,
    ("button", "text"): 75,
    ("input", "label"): 2000,
    ("input", "hint"): 2000,
    ("option", "text"): 75,
    ("option", "description"): 75,
    ("*", "placeholder"): 150,
    # A confirmation dialog (a button's `confirm`, an object without a type).
    ("confirm", "title"): 100,
    ("confirm", "text"): 300,
    ("confirm", "confirm"): 30,
    ("confirm", "deny"): 30,
}


def block_kit_problems(items: Sequence[Mapping[str, Any]], *, max_blocks: int = 50) -> list[str]:
    """What Slack would refuse with `invalid_blocks`; empty when the blocks are fine."""
    problems = [f"{len(items)} blocks > {max_blocks}"] if len(items) > max_blocks else []
    block_ids = [b["block_id"] for b in items if "block_id" in b]
    if len(block_ids) != len(set(block_ids)):
        problems.append(f"duplicate block_id in {block_ids}")
    for i, block in enumerate(items):
        if block.get("type") not in _BLOCK_TYPES:
            problems.append(f"blocks[{i}]: unknown type {block.get('type')!r}")
        problems += [f"blocks[{i}]{where}: {p}" for where, p in _walk(block, block["type"], "")]
    return problems


def _walk(node: Any, kind: str, path: str) -> Iterator[tuple[str, str]]:
    """Problems under `node`, where `kind` is the type of the object holding it."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, kind, f"{path}[{i}]")
        return
    if not isinstance(node, dict):
        return
    if node.get("type") in ("plain_text", "mrkdwn"):
        key = path.rsplit(".", 1)[-1]
        limit = _TEXT_MAX.get((kind, key), _TEXT_MAX.get(("*", key), 3000))
        text = node.get("text")
        if not isinstance(text, str) or not text.strip():
            yield path, "empty text"
        elif len(text) > limit:
            yield path, f"text of {len(text)} > {limit} characters"
        return
    if path and "type" in node and node["type"] not in _ELEMENT_TYPES:
        yield path, f"unknown element type {node['type']!r}"
    if len(node.get("url", "")) > 3000 or len(node.get("action_id", "")) > 255:
        yield path, "url or action_id too long"
    if len(node.get("elements", ())) > (10 if node.get("type") == "context" else 25):
        yield path, "too many elements"
    for key, value in node.items():
        child = "option" if key in ("options", "initial_option") else node.get("type", kind)
        if key == "confirm" and isinstance(value, dict) and "type" not in value:
            child = "confirm"
        yield from _walk(value, child, f"{path}.{key}")


def assert_valid(message: Message | Sequence[Mapping[str, Any]], *, max_blocks: int = 50) -> None:
    items = message.blocks if isinstance(message, Message) else message
    assert block_kit_problems(items, max_blocks=max_blocks) == []
    for block in items:
        parsed = Block.parse(dict(block))
        assert parsed is not None
        parsed.validate_json()
    if isinstance(message, Message):
        assert message.text.strip()


def make_meeting(**changes: Any) -> Meeting:
    meeting = Meeting(
        id="m1",
        team_id="T1",
        creator_id="UCREATOR",
        title="Design review",
        channel_id="C1",
        room_id="room-1",
        guest_url=GUEST_URL,
        host_url=HOST_URL,
        meeting_code="613804614",
        expires_at=NOW + timedelta(minutes=10),
        created_at=NOW,
        card_ts="1700000000.000100",
    )
    return meeting.replace(**changes)


ANA = Participant(id="p1", name="Ana", is_host=True, joined_at=NOW)
LI = Participant(id="p2", name="Li", joined_at=NOW)
GONE = Participant(id="p3", name="Bob", joined_at=NOW, left_at=NOW + timedelta(minutes=5))
LIVE = dict(status=MeetingStatus.LIVE, started_at=NOW, participants=(ANA, LI, GONE))
ENDED = dict(status=MeetingStatus.ENDED, started_at=NOW, ended_at=NOW + timedelta(minutes=42))
LONG_TERM = dict(kind=RoomKind.LONG_TERM, expires_at=NOW + timedelta(days=30))
READY = RecordingInfo(id="r1", status="ready", url=RECORDING_URL, duration_seconds=725.0)

EVERY_CARD = [
    make_meeting(status=status, kind=kind, record=True, participants=(ANA, LI, GONE))
    .replace(started_at=NOW, ended_at=NOW + timedelta(minutes=3))
    .replace(recordings=(RecordingInfo(id="r0"), READY))
    for status in MeetingStatus
    for kind in RoomKind
]


def texts(message: Message) -> str:
    return json.dumps(message.kwargs(), ensure_ascii=False)


def join_button(message: Message) -> dict[str, Any] | None:
    found = [
        b.get("accessory")
        for b in message.blocks
        if b.get("accessory", {}).get("action_id") == "join_meeting"
    ]
    return found[0] if found else None


@pytest.mark.parametrize("meeting", EVERY_CARD, ids=lambda m: f"{m.status}-{m.kind}")
def test_a_channel_card_never_contains_the_host_url(meeting: Meeting) -> None:
    card = blocks.meeting_card(meeting, now=NOW)
    assert "HOST-SECRET" not in texts(card)
    assert_valid(card)


@pytest.mark.parametrize("meeting", EVERY_CARD[:2], ids=["instant", "long-term"])
def test_invites_and_recording_replies_never_contain_the_host_url(meeting: Meeting) -> None:
    reply = replies.recording_reply(meeting, READY, link_url=RECORDING_LINK)
    for message in (replies.invite_dm(meeting), reply):
        assert "HOST-SECRET" not in texts(message)
        assert_valid(message)


def test_a_new_card_has_title_creator_join_button_code_and_expiry() -> None:
    card = blocks.meeting_card(make_meeting(), now=NOW)
    assert join_button(card) == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Join", "emoji": True},
        "action_id": "join_meeting",
        "style": "primary",
        "url": GUEST_URL,
    }
    shown = texts(card)
    for expected in ("Design review", "Started by <@UCREATOR>", "613804614", "Waiting for people"):
        assert expected in shown
    assert f"<!date^{int((NOW + timedelta(minutes=10)).timestamp())}^{{time}}|12:10 UTC>" in shown
    assert "Design review" in card.text and GUEST_URL in card.text


def test_a_long_term_card_shows_its_expiry_in_each_readers_time_zone() -> None:
    card = blocks.meeting_card(make_meeting(**LONG_TERM), now=NOW)
    epoch = int((NOW + timedelta(days=30)).timestamp())
    assert "Long-term room" in texts(card)
    assert f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|2026-05-31 12:00 UTC>" in texts(card)


def test_a_live_card_lists_who_is_there_with_a_host_badge_and_a_recording_badge() -> None:
    recording = RecordingInfo(id="r1", status="started")
    card = blocks.meeting_card(make_meeting(**LIVE, recordings=(recording,)), now=NOW)
    shown = texts(card)
    assert "Live* since <!date^" in shown and "people here" not in shown, "counted once, below"
    assert "Here now (2):* Ana _(host)_, Li" in shown and "Bob" not in shown
    assert ":red_circle: Recording" in shown
    assert join_button(card) is not None
    assert "live now with 2" in card.text


def test_a_live_card_drops_the_recording_badge_once_the_recording_stops() -> None:
    stopped = RecordingInfo(id="r1", status="ended")
    card = blocks.meeting_card(make_meeting(**LIVE, recordings=(stopped,)), now=NOW)
    assert ":red_circle: Recording" not in texts(card)


def test_an_ended_instant_room_loses_its_join_button_and_says_how_long_it_lasted() -> None:
    card = blocks.meeting_card(make_meeting(**ENDED, participants=(ANA, GONE)), now=NOW)
    assert join_button(card) is None
    assert "Ended · lasted 42 min" in texts(card)
    assert "Attended (2):* Ana _(host)_, Bob" in texts(card)
    assert "ended after 42 min" in card.text and GUEST_URL not in card.text


def test_an_ended_long_term_room_keeps_its_join_button_until_it_expires() -> None:
    ended = make_meeting(**ENDED, **LONG_TERM)
    assert join_button(blocks.meeting_card(ended, now=NOW)) is not None
    later = NOW + timedelta(days=31)
    assert join_button(blocks.meeting_card(ended, now=later)) is None


def test_an_expired_room_says_so_and_has_no_join_button() -> None:
    card = blocks.meeting_card(make_meeting(status=MeetingStatus.EXPIRED), now=NOW)
    assert "This room has expired" in texts(card)
    assert join_button(card) is None


def test_ready_recordings_are_counted_on_the_card_but_linked_only_in_the_thread() -> None:
    card = blocks.meeting_card(make_meeting(**ENDED, recordings=(READY,)), now=NOW)
    assert "1 recording in the thread" in texts(card)
    assert "recordings.example" not in texts(card)


def test_people_who_rejoin_are_named_once_and_long_lists_are_capped() -> None:
    crowd = tuple(Participant(id=f"p{i}", name=f"{'N' * 200}{i}") for i in range(45))
    rejoined = (LI, Participant(id="p9", name="Li", left_at=NOW))
    card = blocks.meeting_card(make_meeting(**ENDED, participants=rejoined + crowd), now=NOW)
    assert "Attended (46):* Li, " in texts(card)
    assert "and 26 more" in texts(card)
    assert_valid(card)


def test_a_title_cannot_ping_the_channel_or_break_the_markup() -> None:
    card = blocks.meeting_card(make_meeting(title="<!channel> & <@U1> *bold"), now=NOW)
    assert "<!channel>" not in texts(card)
    assert "&lt;!channel&gt; &amp; &lt;@U1&gt;" in card.blocks[0]["text"]["text"]


def test_the_host_dm_has_the_host_link_to_keep_and_the_guest_link_to_share() -> None:
    dm = replies.host_dm(make_meeting(**LONG_TERM))
    shown = texts(dm)
    assert "You're the host of *Design review* in <#C1>" in shown
    assert "don't share" in shown and "Home tab" in shown
    assert "participant_token=HOST-SECRET" in dm.text
    assert "participant_token=HOST-SECRET" in shown and GUEST_URL in shown
    assert_valid(dm)


def test_an_invite_names_who_invited_and_carries_the_guest_link() -> None:
    dm = replies.invite_dm(make_meeting(record=True))
    assert "<@UCREATOR> invited you to *Design review*" in texts(dm)
    assert join_button(dm) is not None and "will be recorded" in texts(dm)


def test_a_recording_reply_links_it_with_human_duration_and_size() -> None:
    recording = RecordingInfo(
        id="r1", status="ready", url=RECORDING_URL, duration_seconds=725, size_bytes=48_200_000
    )
    reply = replies.recording_reply(make_meeting(), recording, link_url=RECORDING_LINK)
    assert "12 min 5 s · 48.2 MB" in texts(reply)
    assert reply.blocks[0]["accessory"]["url"] == RECORDING_LINK
    assert reply.text == "The recording of Design review is ready (12 min 5 s, 48.2 MB)."
    assert_valid(reply)


def test_a_recording_reply_never_shows_the_providers_expiring_link() -> None:
    reply = replies.recording_reply(make_meeting(), READY, link_url=RECORDING_LINK)
    assert "recordings.example" not in texts(reply) and RECORDING_LINK in texts(reply)


def test_a_recording_link_too_long_for_a_button_is_sent_as_plain_text() -> None:
    recording = RecordingInfo(id="r1", status="ready", url=RECORDING_URL)
    long_link = "https://x.example/recordings/" + "a" * 3000
    reply = replies.recording_reply(make_meeting(), recording, link_url=long_link)
    assert reply.blocks == [] and long_link in reply.text


@pytest.mark.parametrize(
    "message",
    [
        replies.help_message(),
        replies.unavailable_message(),
        replies.private_channel_notice(),
        replies.private_channel_notice(card_posted=False),
        replies.ephemeral_error("`--until 2025-01-01` is in the past.\nUsage: …"),
        replies.meeting_starting_ack("Design review", invitees=("U1", "U2"), record=True),
    ],
    ids=["help", "unavailable", "private", "private-not-posted", "error", "ack"],
)
def test_small_messages_are_valid_and_say_something(message: Message) -> None:
    assert_valid(message)


def test_help_shows_examples_and_the_usage_line() -> None:
    shown = texts(replies.help_message())
    assert "/meet Design review @ana @li --record" in shown and "--until YYYY-MM-DD" in shown
    # mrkdwn: a raw <id> would be read as a link; escaped, people read "<id>".
    assert "<id>" not in shown and "/meet cancel &lt;id&gt;" in shown


def test_the_private_channel_notice_says_how_to_get_live_updates() -> None:
    assert "`/invite @meetbot`" in replies.private_channel_notice().text


@pytest.mark.parametrize(
    ("seconds", "precise", "rough"),
    [
        (0, "0 s", "less than a minute"),
        (45, "45 s", "1 min"),
        (725, "12 min 5 s", "12 min"),
        (2520, "42 min", "42 min"),
        (3900, "1 h 5 min", "1 h 5 min"),
        (7200, "2 h", "2 h"),
    ],
)
def test_durations_read_like_people_say_them(seconds: float, precise: str, rough: str) -> None:
    assert (duration_text(seconds), rough_duration_text(seconds)) == (precise, rough)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (512, "512 B"),
        (1500, "1.5 KB"),
        (48_200_000, "48.2 MB"),
        (999_990, "1.0 MB"),
        (3 * 10**9, "3.0 GB"),
    ],
)
def test_sizes_read_like_a_download_manager_shows_them(size: int, text: str) -> None:
    assert size_text(size) == text


def test_slack_dates_fall_back_to_utc_text() -> None:
    assert slack_date(datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)) == (
        "<!date^1798761599^{date_short_pretty} at {time}|2026-12-31 23:59 UTC>"
    )


def test_the_block_check_catches_what_slack_refuses() -> None:
    bad: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "y" * 80},
                    "action_id": "a",
                }
            ],
        },
        {"type": "sectoin"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": ""}]},
    ]
    assert len(block_kit_problems(bad + [{"type": "divider"}] * 47)) == 5
