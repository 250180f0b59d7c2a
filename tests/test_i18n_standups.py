"""Standups in the reader's language: `/meet standup|schedules|cancel`'s replies and mistakes in
the person's, the channel note and every run's card in the channel's, App Home's section and
the modal's Repeat fields in the viewer's. The phrases people type stay English.

End to end through HTTP with the fake Slack answering users.info with locale de-DE; then every
standup surface in every language against Block Kit's limits (tests/test_i18n_surfaces.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from meetbot_sandbox.meetings import MutableClock
from meetbot_sandbox.slack.models import ApiCall, Workspace
from meetbot_sandbox.slack.payloads import (
    app_home_opened_event,
    global_shortcut_payload,
    view_submission_payload,
)

from bot.domain.message import Message
from bot.errors import UsageError, user_message
from bot.home.view import home_view
from bot.i18n import ENGLISH, LANGUAGES, Translator, translator
from bot.meet import blocks, replies
from bot.standups import blocks as standup_blocks
from bot.standups.describe import describe
from bot.standups.grammar import parse_standup_command
from bot.standups.modal_repeat import CHOICES, choices, parse_repeat, repeat_blocks
from bot.standups.recurrence import parse_schedule
from bot.standups.store import Schedule
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.settings_helpers import as_admin_set
from tests.test_blocks import NOW, RECORDING_LINK, assert_valid, make_meeting
from tests.test_i18n_surfaces import assert_unclipped
from tests.test_standups import last_seq, next_run
from tests.test_views import assert_valid_view, submit

TEAM = Workspace().team_id  # the fake Slack's workspace, where the commands come from
# One of each shape a rule can have (bot.standups.describe words each).
PHRASES = (
    "every weekday 09:30",
    "every monday 14:00",
    "every mon, wed and fri 9:15",
    "every 2 weeks on friday 16:00",
    "every 2 weeks on mon tue wed thu fri 8:00",
    "daily 9:00",
    "every 3 days 7:45",
    "monthly on the last friday 17:00",
    "monthly on the 2nd tuesday 10:00",
    "monthly on the last day 18:00",
    "monthly on day 15 12:00",
)


@pytest.fixture
def bot_clock(emulator_clock: MutableClock) -> MutableClock:
    return emulator_clock


def _dump(call: ApiCall) -> str:
    return json.dumps(call.params, ensure_ascii=False)


async def _channel_post(bot: RunningBot, needle: str, after: int = 0) -> ApiCall:
    return await bot.slack.state.wait_for(
        "chat.postMessage",
        lambda c: (
            c.ok and c.params.get("channel") == GENERAL and needle in _dump(c)
            if c.seq > after
            else False
        ),
        timeout=10,
    )


async def test_a_german_channel_reads_its_standup_in_german_from_the_command_to_each_run(
    bot: RunningBot, bot_clock: MutableClock
) -> None:
    bot.slack.state.users[CREATOR].locale = "de-DE"
    await as_admin_set(bot, {"default_language": "de"})

    url = bot.slack.response_url()
    ack = await bot.command("standup Team sync every weekday 09:30", response_url=url)
    assert "Ich plane *Team sync* montags bis freitags um 09:30 in deiner Zeitzone" in ack.text
    confirmed = await bot.slack.state.wait_for_response(
        url, lambda b: "Die ID ist" in b["text"], 10
    )
    assert "montags bis freitags um 09:30 (Europe/Berlin)" in confirmed["text"]
    assert "nächster Termin <!date^" in confirmed["text"], "Slack still formats the time"
    found = re.search(r"Die ID ist `([a-z0-9]+)`: `/meet cancel \1`", confirmed["text"])
    assert found is not None, "the id and the command stay as typed"
    schedule_id = found.group(1)
    announced = await _channel_post(bot, "hier geplant")
    assert "Zu jedem Termin erscheint eine Meeting-Karte" in _dump(announced)

    listed = await bot.command("schedules")
    assert "*Standups in diesem Channel*" in listed.text and schedule_id in listed.text
    assert "`/meet cancel &lt;id&gt;` beendet eines" in json.dumps(listed.body, ensure_ascii=False)

    mark = last_seq(bot)
    bot_clock.set(await next_run(bot, schedule_id))
    card = await _channel_post(bot, ":repeat: Standup, montags bis freitags um 09:30", mark)
    assert "Beitreten" in _dump(card), "the run's card is the channel's language too"

    mistake = await bot.command("standup every monday")
    assert "Gib die Startzeit an, etwa `every monday 14:00`." in mistake.text
    assert "Beispiele: `/meet standup every weekday 09:30`" in mistake.text, "phrases English"
    assert "Es gibt kein Standup `nope`" in (await bot.command("cancel nope")).text
    done = await bot.command(f"cancel {schedule_id}")
    assert f"*Team sync* (`{schedule_id}`) ist abgesagt" in done.text


async def test_a_german_creator_s_standup_keeps_their_language_for_the_channel(
    bot: RunningBot,
) -> None:
    """No channel language: the schedule keeps its creator's, so the channel note (and every
    run) is German. meetbot has never looked them up: the ack says nothing (it could only
    guess), and the confirmation comes in German from the job that asked Slack."""
    bot.slack.state.users[CREATOR].locale = "de-DE"
    url = bot.slack.response_url()
    ack = await bot.command(
        "standup Retro every 2 weeks on friday 16:00", response_url=url, seen=False
    )
    assert ack.status == 200 and ack.body in (None, "", {}), ack.body
    confirmed = await bot.slack.state.wait_for_response(url, lambda b: "ID" in b["text"], 10)
    assert "alle 2 Wochen am Freitag um 16:00" in confirmed["text"]
    await _channel_post(bot, "*Retro* hier geplant, alle 2 Wochen am Freitag um 16:00")
    (saved,) = await bot.components.standups.store.channel_schedules(TEAM, GENERAL)
    assert saved.language == "de"

    await bot.event(app_home_opened_event(CREATOR))
    home = await bot.slack.state.wait_for(
        "views.publish", lambda c: "Deine Standups" in _dump(c), timeout=10
    )
    assert "Pausieren" in _dump(home) and "Dieses Standup löschen?" in _dump(home)
    again = await bot.command("schedules", seen=False)
    assert "alle 2 Wochen am Freitag um 16:00" in again.text, "known now: the ack speaks it"


async def test_a_first_standup_mistake_comes_in_german_through_the_response_url(
    bot: RunningBot,
) -> None:
    bot.slack.state.users[CREATOR].locale = "de-DE"
    url = bot.slack.response_url()
    ack = await bot.command("standup every monday", response_url=url, seen=False)
    assert ack.status == 200 and ack.body in (None, "", {}), ack.body
    said = await bot.slack.state.wait_for_response(url, lambda b: "Startzeit" in b["text"], 10)
    assert "Gib die Startzeit an, etwa `every monday 14:00`." in said["text"]
    assert said.get("response_type") == "ephemeral"


async def test_a_standup_stored_before_languages_runs_in_english_until_the_channel_has_one(
    bot: RunningBot,
) -> None:
    bot.slack.state.users[CREATOR].locale = "de-DE"
    components = bot.components
    old = _schedule(id="old00001", team_id=TEAM)
    assert old.language is None
    await components.standups.store.save(old)
    due = int((NOW + timedelta(days=400)).timestamp())

    await components.standups.fire(old.id, due, owner="test", late_seconds=0)
    card = await _channel_post(bot, ":repeat: Standup, every weekday at 09:30")
    assert '"Join"' in _dump(card)

    await as_admin_set(bot, {"default_language": "fr"})
    mark = last_seq(bot)
    await components.standups.fire(old.id, due + 86_400, owner="test", late_seconds=0)
    card = await _channel_post(bot, ":repeat: Standup, du lundi au vendredi à 09:30", mark)
    assert "Rejoindre" in _dump(card)


def _schedule(**changes: Any) -> Schedule:
    rule = "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=30;BYSECOND=0"
    schedule = Schedule(
        id="ab12cd34",
        key="k",
        team_id="T1",
        owner_id=CREATOR,
        channel_id=GENERAL,
        title="Platform squad daily standup & demo prep",
        rule=rule,
        description="every weekday at 09:30",
        tz="America/Argentina/ComodRivadavia",
        dtstart=NOW.replace(tzinfo=None),
        here=True,
    )
    return schedule.replace(**changes)


# --- pure: the words ----------------------------------------------------------------------


@pytest.mark.parametrize("phrase", PHRASES)
def test_english_is_the_stored_description_and_every_language_words_every_rule(
    phrase: str,
) -> None:
    recurrence, _ = parse_schedule(phrase.split())
    assert describe(recurrence.rule) == recurrence.description
    for language in LANGUAGES[1:]:
        worded = describe(recurrence.rule, translator(language))
        assert worded and worded != recurrence.description and "%(" not in worded, language


def test_schedules_are_worded_naturally() -> None:
    def said(phrase: str, language: str) -> str | None:
        return describe(parse_schedule(phrase.split())[0].rule, translator(language))

    assert (
        said("every mon, wed and fri 9:15", "de") == "jeden Montag, Mittwoch und Freitag um 09:15"
    )
    assert (
        said("monthly on the last friday 17:00", "fr") == "chaque mois le dernier vendredi à 17:00"
    )
    assert said("every 2 weeks on friday 16:00", "es") == "cada 2 semanas el viernes a las 16:00"
    assert said("monthly on day 15 12:00", "ja") == "毎月15日 12:00"
    assert said("every weekday 09:30", "pt_BR") == "de segunda a sexta às 09:30"
    assert describe("FREQ=YEARLY;BYHOUR=9;BYMINUTE=0") is None, "a shape we never make"
    unknown = _schedule(rule="FREQ=YEARLY;BYHOUR=9;BYMINUTE=0", description="yearly")
    assert "yearly" in standup_blocks.created(unknown, None, translator("de")).text


def test_the_modal_s_repeat_menu_is_translated_and_its_values_stay_the_phrases() -> None:
    german = choices(translator("de"))
    assert [value for _, value in german] == [value for _, value in CHOICES]
    assert ("Wöchentlich am Montag", "every monday") in german
    assert ("Monatlich am letzten Freitag", "monthly on the last friday") in german
    errors: dict[str, str] = {}

    def field(block_id: str, action_id: str) -> dict[str, Any]:
        return {"selected_option": {"value": "daily"}} if block_id == "repeat" else {}

    assert parse_repeat(field, errors) is None
    assert errors == {"repeat_time": "Pick the time it starts."}, "English, as every field error"
    assert translator("de").text(errors["repeat_time"]) == "Wähle die Uhrzeit, zu der es beginnt."


@pytest.mark.parametrize(
    "text",
    ["standup", "standup 09:30", "standup daily 25:00", "standup daily 9 --record", "cancel"],
)
def test_command_mistakes_are_catalog_messages(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_standup_command(text)
    german = user_message(caught.value, translator("de"))
    assert german != user_message(caught.value, ENGLISH)


# --- every surface in every language --------------------------------------------------------


def _messages(t: Translator) -> Iterator[Message]:
    schedule = _schedule()
    paused = _schedule(id="zz99yy88", paused=True, title="x" * 200)
    yield standup_blocks.scheduling_ack("x" * 200, describe(schedule.rule, t) or "", t)
    for next_due in (NOW, None):
        yield standup_blocks.announcement(schedule, next_due, t)
        yield standup_blocks.created(schedule, next_due, t)
    many = [_schedule(id=f"id{n:06d}", title="y" * 200, rule=_rules()[n % 11]) for n in range(60)]
    for listed in ([], [schedule, paused], many):
        yield standup_blocks.schedules_list(listed, {s.id: int(NOW.timestamp()) for s in listed}, t)
    yield standup_blocks.cancelled(schedule, t)
    yield standup_blocks.cancel_refused(schedule, t)
    yield standup_blocks.unknown_schedule("nope" * 20, t)
    yield standup_blocks.cancel_checking(schedule, t)
    yield standup_blocks.cannot_post_here(t)
    yield standup_blocks.already_scheduled(schedule, t)
    for late in (None, timedelta(minutes=12)):
        banner = standup_blocks.banner(schedule, late_by=late, t=t)
        yield blocks.meeting_card(make_meeting(language=t.language, banner=banner), now=NOW)
    for text in ("standup", "standup 09:30", "standup every funday 9:00", "standup daily 9 --x"):
        try:
            parse_standup_command(text)
        except UsageError as exc:
            yield replies.ephemeral_error(user_message(exc, t))


def _rules() -> list[str]:
    return [parse_schedule(phrase.split())[0].rule for phrase in PHRASES]


@pytest.mark.parametrize("language", LANGUAGES)
def test_standup_messages_fit_slack_in_every_language(language: str) -> None:
    t = translator(language)
    for message in _messages(t):
        assert_valid(message)
        assert_unclipped(message.blocks)
        assert "%(" not in message.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_app_home_s_standups_and_the_repeat_fields_fit_slack_in_every_language(
    language: str,
) -> None:
    t = translator(language)
    mine = [_schedule(id=f"s{n:07d}", paused=n % 2 == 0, rule=r) for n, r in enumerate(_rules())]
    mine += [_schedule(id=f"t{n:07d}") for n in range(10)]
    home = home_view(
        meetings=[],
        now=NOW,
        recording_link=lambda _: RECORDING_LINK,
        standups=standup_blocks.home_blocks(mine, {s.id: int(NOW.timestamp()) for s in mine}, t),
        t=t,
    )
    assert_valid_view(home)
    assert_unclipped(home["blocks"])
    for block in home["blocks"]:
        for element in block.get("elements", ()):
            if confirm := element.get("confirm"):
                assert len(confirm["title"]["text"]) <= 100 and len(confirm["text"]["text"]) <= 300
                assert max(len(confirm[k]["text"]) for k in ("confirm", "deny")) <= 30
    fields = repeat_blocks(t)
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Start"}, "blocks": fields}
    assert_valid_view(modal)
    assert_unclipped(fields)
    assert len(fields[0]["element"]["options"]) == 24


async def test_without_redis_standup_replies_are_english_and_say_what_happened(
    bot_without_redis: RunningBot,
) -> None:
    bot = bot_without_redis
    assert "Add the time it starts" in (await bot.command("standup every monday")).text
    assert "temporarily unavailable" in (await bot.command("schedules")).text


async def test_a_german_person_schedules_a_standup_from_the_modal_in_german(
    bot: RunningBot,
) -> None:
    """The Repeat fields speak the opener's language; their mistakes too; the values they send
    are the English phrases, so the standup is the one `/meet standup` would make."""
    bot.slack.state.users[CREATOR].locale = "de-DE"
    await bot.command("Planung")  # the worker asks Slack who they are; Redis keeps the locale
    await _channel_post(bot, "Planung")
    await bot.slack.state.wait_for(  # the host's DM: the start job is done
        "chat.postMessage", lambda c: c.ok and c.params["channel"].startswith("D"), timeout=10
    )
    view = await bot.opened_view(global_shortcut_payload("start_meeting", user_id=CREATOR))
    shown = json.dumps(view, ensure_ascii=False)
    assert "Wiederholen" in shown and "Wöchentlich am Montag" in shown
    assert "In deiner Slack-Zeitzone" in shown and "@here in der Karte jedes Termins" in shown

    mistake = await bot.interact(_submitted(view, repeat="daily", conversation=GENERAL))
    assert mistake.body is not None
    assert mistake.body["errors"] == {"repeat_time": "Wähle die Uhrzeit, zu der es beginnt."}
    fine = _submitted(view, repeat="every monday", repeat_time="14:00", conversation=GENERAL)
    assert (await bot.interact(fine)).body is None
    announced = await _channel_post(bot, "hier geplant")
    assert "jeden Montag um 14:00 (Europe/Berlin)" in _dump(announced)


def _submitted(view: dict[str, Any], **answers: Any) -> dict[str, Any]:
    values = submit(view, title="Wochenstart", **answers)["state"]["values"]
    return view_submission_payload(
        view["callback_id"], values, private_metadata=view["private_metadata"], view_id="V0REPEAT"
    )
