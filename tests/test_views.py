"""The "Start a meeting" modal (filled in and submitted as Slack would) and the App Home."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.domain.meeting import Meeting, MeetingStatus, Participant, RecordingInfo
from bot.domain.rooms import Capability, RoomKind
from bot.home.view import home_view
from bot.settings.model import WorkspacePolicy
from bot.slack import start_submission, views
from bot.slack.grammar import MeetOptions
from bot.slack.start_submission import StartFromModal, parse_start_meeting_submission
from tests.test_blocks import NOW, assert_valid, make_meeting


def link_for(recording_id: str) -> str:
    """Stands in for `RecordingLinks.url` (bot.recordings.links): the view only shows it."""
    return f"https://meetbot.example/recordings/{recording_id}.token"


def assert_valid_view(view: dict[str, Any]) -> None:
    assert view["type"] in ("modal", "home")
    for key in ("title", "submit", "close"):
        assert len(view.get(key, {"text": ""})["text"]) <= 24
    assert len(view.get("private_metadata", "")) <= 3000
    assert len(view.get("callback_id", "")) <= 255
    assert_valid(view["blocks"], max_blocks=100)
    View(**view).validate_json()


def submit(modal: dict[str, Any], **answers: Any) -> dict[str, Any]:
    """The view Slack sends back: each input's initial value unless `answers[block_id]` says."""
    values = {}
    for block in modal["blocks"]:
        if block["type"] == "input":
            element = block["element"]
            answer = answers.get(block["block_id"], _initial(element))
            values[block["block_id"]] = {element["action_id"]: _state(element, answer)}
    return {**modal, "id": "V1", "state": {"values": values}}


def _initial(element: dict[str, Any]) -> Any:
    return {
        "plain_text_input": element.get("initial_value"),
        "conversations_select": element.get("initial_conversation")
        or ("CHERE" if element.get("default_to_current_conversation") else None),
        "multi_users_select": element.get("initial_users", []),
        "checkboxes": bool(element.get("initial_options")),
        "radio_buttons": element.get("initial_option", {}).get("value"),
        "datepicker": element.get("initial_date"),
        "timepicker": element.get("initial_time"),
        "static_select": element.get("initial_option", {}).get("value"),
    }[element["type"]]


def _state(element: dict[str, Any], answer: Any) -> dict[str, Any]:
    kind = element["type"]
    state: dict[str, Any] = {"type": kind}
    if kind == "plain_text_input":
        state["value"] = answer
    elif kind == "conversations_select":
        state["selected_conversation"] = answer
    elif kind == "multi_users_select":
        state["selected_users"] = list(answer)
    elif kind == "checkboxes":
        state["selected_options"] = element["options"][:1] if answer else []
    elif kind in ("radio_buttons", "static_select"):
        state["selected_option"] = next(o for o in element["options"] if o["value"] == answer)
    elif kind == "timepicker":
        state["selected_time"] = answer
    else:
        state["selected_date"] = answer
    return state


def blocks_by_id(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


def test_the_blank_modal_posts_in_the_current_conversation_by_default() -> None:
    modal = views.start_meeting_modal()
    assert_valid_view(modal)
    assert modal["callback_id"] == "start_meeting_modal"
    select = blocks_by_id(modal)[start_submission.CONVERSATION_BLOCK_ID]["element"]
    assert select["default_to_current_conversation"] is True
    assert select["filter"]["exclude_bot_users"] is True
    assert select["response_url_enabled"] is True
    assert list(blocks_by_id(modal)) == [
        "title",
        "conversation",
        "invitees",
        "record",
        "notes",
        "room_kind",
        "expires_on",
        "expire_after_use",
        "repeat",
        "repeat_time",
        "repeat_here",
    ]


def test_meet_about_this_carries_the_thread_and_prefills_the_title() -> None:
    modal = views.start_meeting_modal(
        title="x" * 300, conversation_id="C1", thread=("C1", "1.2"), invitees=("U1", "U1")
    )
    assert_valid_view(modal)
    assert start_submission.CONVERSATION_BLOCK_ID not in blocks_by_id(modal)
    assert json.loads(modal["private_metadata"]) == {"thread": ["C1", "1.2"]}
    by_id = blocks_by_id(modal)
    assert by_id["title"]["element"]["initial_value"] == "x" * 199 + "…"
    assert by_id["invitees"]["element"]["initial_users"] == ["U1"]
    assert parse_start_meeting_submission(submit(modal, title="Launch"), now=NOW) == (
        StartFromModal(
            MeetOptions(title="Launch", invitees=("U1",)), channel_id="C1", thread_ts="1.2"
        )
    )


def test_a_chosen_conversation_is_preselected() -> None:
    select = blocks_by_id(views.start_meeting_modal(conversation_id="C7"))["conversation"]
    assert select["element"]["initial_conversation"] == "C7"
    assert "default_to_current_conversation" not in select["element"]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("*Launch* plan &amp; <@U1|ana>\nsecond line", "*Launch* plan & @ana"),
        ("\n\n  Retro  \n", "Retro"),
        ("y" * 250, "y" * 199 + "…"),
        ("", None),
    ],
)
def test_a_message_becomes_a_readable_title(text: str, title: str | None) -> None:
    assert views.title_from_message(text) == title


def test_a_filled_in_modal_starts_a_recorded_long_term_meeting_with_invitees() -> None:
    view = submit(
        views.start_meeting_modal(),
        title="  Q4 planning ",
        invitees=["U1", "U2", "U1"],
        record=True,
        room_kind="long_term",
        expires_on="2026-12-31",
        expire_after_use=True,
    )
    assert parse_start_meeting_submission(view, now=NOW) == StartFromModal(
        MeetOptions(
            title="Q4 planning",
            invitees=("U1", "U2"),
            record=True,
            kind=RoomKind.LONG_TERM,
            expires_at=datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC),
            expire_after_use=True,
        ),
        channel_id="CHERE",
    )


MODAL_MISTAKES = [
    ({"title": "   "}, "title", "Give the meeting a title."),
    ({"title": "x" * 201}, "title", "The title is 201 characters long; the limit is 200."),
    ({"conversation": None}, "conversation", "Choose where to post the meeting card."),
    ({"room_kind": "long_term"}, "expires_on", "Pick the last day of a long-term room."),
    (
        {"room_kind": "long_term", "expires_on": "2026-04-30"},
        "expires_on",
        "That day is in the past.",
    ),
    (
        {"room_kind": "long_term", "expires_on": "2027-05-02"},
        "expires_on",
        "That day is too far away: a room lasts at most a year (until 2027-05-01).",
    ),
    ({"expires_on": "2026-12-31"}, "expires_on", "Only long-term rooms have a last day"),
    ({"expire_after_use": True}, "expire_after_use", "Only long-term rooms can close after use"),
    ({"invitees": [f"U{i}" for i in range(31)]}, "invitees", "at most 30"),
]


@pytest.mark.parametrize(("answers", "block_id", "message"), MODAL_MISTAKES)
def test_modal_mistakes_are_shown_under_the_field(
    answers: dict[str, Any], block_id: str, message: str
) -> None:
    view = submit(views.start_meeting_modal(title="Sync"), **answers)
    errors = parse_start_meeting_submission(view, now=NOW)
    assert isinstance(errors, dict)
    assert message in errors[block_id]
    assert set(errors) <= set(blocks_by_id(view))


def test_the_last_day_ends_at_midnight_utc_like_until() -> None:
    late = datetime(2026, 5, 1, 23, 55, tzinfo=UTC)
    view = submit(
        views.start_meeting_modal(title="Sync"), room_kind="long_term", expires_on="2026-05-01"
    )
    assert parse_start_meeting_submission(view, now=late) == {
        "expires_on": "That day is too soon: a room must last more than 10 minutes."
    }


def room(n: int, **changes: Any) -> Meeting:
    return make_meeting(
        id=f"m{n}", title=f"Room {n}", created_at=NOW + timedelta(minutes=n), **changes
    )


def test_an_empty_home_invites_you_to_start_a_meeting() -> None:
    home = home_view(meetings=[], now=NOW, recording_link=link_for)
    assert_valid_view(home)
    actions = [b for b in home["blocks"] if b["type"] == "actions"]
    assert actions[0]["elements"][0]["action_id"] == "home_start_meeting"
    assert "No rooms yet" in json.dumps(home)


def test_home_lists_live_rooms_first_with_their_host_links() -> None:
    meetings = [
        room(1),
        room(2, status=MeetingStatus.LIVE, participants=(Participant(id="p", name="Ana"),)),
        room(3, status=MeetingStatus.ENDED),  # an ended instant room is gone
        room(4, status=MeetingStatus.EXPIRED),
        room(
            5,
            status=MeetingStatus.ENDED,
            kind=RoomKind.LONG_TERM,
            expires_at=NOW + timedelta(days=9),
        ),
    ]
    home = home_view(meetings=meetings, now=NOW, recording_link=link_for)
    assert_valid_view(home)
    shown = json.dumps(home, ensure_ascii=False)
    order = [shown.index(f"Room {n}") for n in (2, 1, 5)]
    assert order == sorted(order)
    assert "Room 3" not in shown and "Room 4" not in shown
    assert shown.count("participant_token=HOST-SECRET") == 3
    assert "Live now · 1 here" in shown and "<#C1>" in shown
    assert "No recordings yet" in shown


def test_home_shows_host_links_only_on_the_viewers_own_rooms() -> None:
    home = home_view(
        meetings=[room(1, creator_id="USOMEONE")],
        now=NOW,
        viewer_id="UCREATOR",
        recording_link=link_for,
    )
    assert "HOST-SECRET" not in json.dumps(home)
    assert "join_meeting" in json.dumps(home)


def test_recent_recordings_are_newest_first_capped_and_linked_through_meetbot() -> None:
    def recorded(n: int) -> Meeting:
        url = f"https://rec.example/{n}.mp4"
        ready = RecordingInfo(
            id=f"r{n}", status="ready", url=url, duration_seconds=60, size_bytes=10**6
        )
        return room(
            n, status=MeetingStatus.EXPIRED, ended_at=NOW + timedelta(hours=n), recordings=(ready,)
        )

    home = home_view(meetings=[recorded(n) for n in range(15)], now=NOW, recording_link=link_for)
    urls = [b["accessory"]["url"] for b in home["blocks"] if "/recordings/" in json.dumps(b)]
    assert urls == [link_for(f"r{n}") for n in range(14, 4, -1)]
    assert "rec.example" not in json.dumps(home), "the provider's link expires: never shown"
    assert "1 min · 1.0 MB" in json.dumps(home, ensure_ascii=False)


def test_a_busy_home_stays_within_slacks_100_blocks() -> None:
    ready = RecordingInfo(id="r", status="ready", url="https://rec.example/r.mp4")
    busy = [room(n, status=MeetingStatus.LIVE, recordings=(ready,) * 3) for n in range(60)]
    home = home_view(
        meetings=busy,
        now=NOW,
        recording_link=link_for,
        capabilities=frozenset(Capability),  # every room with its host controls
        policy=WorkspacePolicy(),
    )
    assert_valid_view(home)
    assert "and 48 more" in json.dumps(home)
    assert "Workspace meeting policy" in json.dumps(home)
