"""The host controls in each reader's language (issue 19): the card's menu speaks the channel's,
everything one person reads (the replies to their click, the refusals, the Extend modal and its
field errors) speaks theirs, and the "someone is waiting" DM speaks the host's. End to end
through HTTP with the fake Slack returning each person's locale, then every surface in every
language against Block Kit's limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from meetbot_sandbox.slack.payloads import view_submission_payload

from bot.domain.clock import utc_now
from bot.domain.meeting import Meeting, MeetingStatus, Waiting
from bot.domain.message import Message
from bot.domain.rooms import Capability, RoomKind
from bot.hostctl import blocks
from bot.hostctl.actions import HostAction
from bot.hostctl.blocks import EXTEND_CALLBACK_ID, MODAL_TEXT_MAX, UNTIL_ACTION, UNTIL_BLOCK
from bot.hostctl.dialog import _plain
from bot.hostctl.menu import host_menu
from bot.hostctl.rules import THAT_DATE, extend_problem, not_allowed, state_refusal
from bot.i18n import LANGUAGES, Text, Translator, translator
from bot.settings.modal_fields import LOBBY_BLOCK
from bot.settings.model import WorkspacePolicy
from bot.slack.limits import end_of_day_utc
from tests.hostctl_helpers import (
    DATEPICKER_STATE,
    card_blocks,
    choose,
    menu,
    pick,
    private_reply,
)
from tests.plugins.bot import CREATOR, RunningBot
from tests.plugins.providers import ProviderBot
from tests.settings_helpers import as_admin_set
from tests.test_blocks import NOW, assert_valid, make_meeting
from tests.test_host_extend_and_home import field_error, open_extend, submit
from tests.test_i18n_surfaces import assert_unclipped
from tests.test_lifecycle_card import start, start_on
from tests.test_views import assert_valid_view

daily_only = pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)
BOB = "U0BOB"


def _option_texts(blocks_: list[dict[str, Any]]) -> dict[HostAction, str]:
    return {action: option["text"]["text"] for action, (_, option) in menu(blocks_).items()}


@daily_only
async def test_a_french_channels_menu_and_a_german_hosts_replies_and_waiting_dm(
    provider_bot: ProviderBot,
) -> None:
    """The card is the channel's (French); the host is German: the DM about who is waiting
    and the reply to their End are German; Bob (Japanese) is refused in Japanese."""
    bot = provider_bot
    bot.slack.state.users[CREATOR].locale = "de-DE"
    bot.slack.state.add_user(BOB, "bob", locale="ja-JP")
    await as_admin_set(bot, {LOBBY_BLOCK: True, "default_language": "fr"})
    card = await start_on(bot, "Sprechstunde --for 7d")

    options = _option_texts(card_blocks(bot, card))
    assert options[HostAction.END] == "Terminer la réunion pour tous"
    assert options[HostAction.LOBBY_OFF] == "Désactiver la salle d'attente"
    assert options[HostAction.EXTEND_TO] == "Prolonger jusqu'à une date…"

    daily = bot.rooms.daily  # type: ignore[attr-defined]
    await daily.control.knock(card.room_id, "Ana")
    dm = bot.slack.state.dm_channel(CREATOR)
    first = await bot.slack.state.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("channel") == dm.id and "Ana" in json.dumps(c.params),
        timeout=10,
    )
    shown = json.dumps(first.params, ensure_ascii=False)
    assert "1 Person wartet darauf, *Sprechstunde*" in shown
    assert "Lass sie im Meeting herein oder weise sie ab" in shown

    url, result = await choose(bot, card, HostAction.END, user_id=BOB)
    assert result == "refused"
    refused = await private_reply(bot, url)
    assert f"このミーティングを終了できるのは、ミーティングのホスト (<@{CREATOR}>)" in refused

    url, result = await choose(bot, card, HostAction.END)
    assert result == "done"
    ended = await private_reply(bot, url)
    assert "*Sprechstunde* ist beendet: Alle wurden entfernt" in ended


async def test_a_german_host_extends_through_a_german_modal(bot: RunningBot) -> None:
    bot.slack.state.users[CREATOR].locale = "de-DE"
    card = await start(bot, "Projektraum --for 30d")
    assert _option_texts(card_blocks(bot, card))[HostAction.EXTEND_30] == "Um 30 Tage verlängern"

    view, url = await open_extend(bot, card)
    assert view["title"]["text"] == "Raum verlängern"
    assert (view["submit"]["text"], view["close"]["text"]) == ("Verlängern", "Abbrechen")
    assert "*Projektraum* ist bis <!date^" in json.dumps(view["blocks"], ensure_ascii=False)

    today = utc_now().date()
    past = field_error(await submit(bot, view, today - timedelta(days=1)))
    assert past == "Dieses Datum liegt in der Vergangenheit."
    not_later = field_error(await submit(bot, view, today + timedelta(days=10)))
    assert not_later.startswith("Dieses Datum liegt nicht nach dem aktuellen Ende des Raums")

    reply = await submit(bot, view, today + timedelta(days=60))
    assert reply.status == 200 and reply.body is None
    assert "*Projektraum* ist jetzt bis <!date^" in await private_reply(bot, url)


async def test_someone_else_is_refused_the_modal_in_their_language(bot: RunningBot) -> None:
    bot.slack.state.add_user(BOB, "bob", locale="pt-BR")
    card = await start(bot, "Not yours --for 7d")
    view_url = bot.slack.response_url()
    block_id, option = menu(card_blocks(bot, card))[HostAction.EXTEND_TO]
    await bot.interact(pick(block_id, option, user_id=BOB, card=card, response_url=view_url))
    text = await private_reply(bot, view_url)
    assert "Só o anfitrião da reunião" in text and "pode estender esta sala" in text
    assert not bot.slack.state.calls_to("views.open")


async def test_without_redis_the_modal_answers_in_the_language_it_was_drawn_in(
    bot_without_redis: RunningBot,
) -> None:
    picked = {**DATEPICKER_STATE, "selected_date": "2030-01-01"}
    meta = {"meeting_id": "abc123", "response_url": None, "language": "de"}
    reply = await bot_without_redis.interact(
        view_submission_payload(
            EXTEND_CALLBACK_ID,
            {UNTIL_BLOCK: {UNTIL_ACTION: picked}},
            private_metadata=json.dumps(meta),
        )
    )
    assert reply.body is not None and reply.body["response_action"] == "errors"
    assert "Meetings sind gerade nicht verfügbar" in reply.body["errors"][UNTIL_BLOCK]


# --- every surface in every language ----------------------------------------------------------

LONG_TERM = make_meeting(
    title="x" * 200, kind=RoomKind.LONG_TERM, expires_at=NOW + timedelta(days=30)
)
LONG_NAMES = tuple(Waiting(id=f"w{i}", name=f"{i} " + "n" * 80) for i in range(30))


def _meetings(language: str) -> Iterator[Meeting]:
    for meeting in (
        LONG_TERM,
        LONG_TERM.replace(lobby=True, status=MeetingStatus.LIVE),
        LONG_TERM.replace(room_id=None),
        LONG_TERM.replace(closed_at=NOW, closed_by="U0ADMIN", status=MeetingStatus.ENDED),
        LONG_TERM.replace(closed_at=NOW, status=MeetingStatus.ENDED),
        LONG_TERM.replace(status=MeetingStatus.EXPIRED),
        LONG_TERM.replace(status=MeetingStatus.ENDED, kind=RoomKind.INSTANT),
        make_meeting(title="y" * 200),
    ):
        yield meeting.replace(language=language)


def _refusals(meeting: Meeting) -> Iterator[Text]:
    for action in HostAction:
        yield not_allowed(action, meeting)
        if (refusal := state_refusal(action, meeting, NOW)) is not None:
            yield refusal
    policy = WorkspacePolicy(max_length_days=45)
    for days in (-1, 0, 20, 90, 400):
        until = end_of_day_utc((NOW + timedelta(days=days)).date())
        problem = extend_problem(meeting, until, policy, now=NOW, given=Text(THAT_DATE))
        if problem is not None:
            yield problem


def _messages(t: Translator) -> Iterator[Message]:
    for meeting in _meetings(t.language):
        for action in HostAction:
            yield blocks.reply(blocks.done_text(action, meeting, t, new_links=True))
        for refusal in _refusals(meeting):
            yield blocks.reply(t.text(refusal))
            yield blocks.reply(t.gettext("%(problem)s Nothing was changed.", problem=refusal))
        for waiting in ((), LONG_NAMES[:1], LONG_NAMES[:2], LONG_NAMES):
            yield blocks.waiting_dm(meeting.replace(waiting=waiting), t)


@pytest.mark.parametrize("language", LANGUAGES)
def test_host_controls_fit_slack_in_every_language(language: str) -> None:
    t = translator(language)
    for message in _messages(t):
        assert_valid(message)
        assert_unclipped(message.blocks)
    for meeting in _meetings(language):
        for lobby in (False, True):
            for reader in (None, t):  # the card's (the meeting's language), App Home's
                block = host_menu(meeting.replace(lobby=lobby), frozenset(Capability), NOW, reader)
                if block is not None:
                    assert_valid([block])
                    texts = [o["text"]["text"] for o in block["elements"][0]["options"]]
                    assert all(len(text) <= 75 for text in texts), texts


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_extend_modal_fits_slack_in_every_language(language: str) -> None:
    t = translator(language)
    for meeting in (LONG_TERM, LONG_TERM.replace(expires_at=None)):
        view = blocks.extend_modal(
            meeting, initial=NOW.date(), response_url="https://hooks.slack.com/x" * 10, t=t
        )
        assert_valid_view(view)
        assert_unclipped(view)
        for key in ("title", "submit", "close"):
            text = view[key]["text"]
            assert not (len(text) == MODAL_TEXT_MAX and text.endswith("…")), (key, text)
        assert blocks.read_extend(view).language == language
    # Field errors are plain text: no emoji code, bold or code marks left in any language.
    for refusal in _refusals(LONG_TERM.replace(language=language)):
        error = _plain(t.text(refusal))
        assert error and not error.startswith(":") and "*" not in error and "`" not in error
