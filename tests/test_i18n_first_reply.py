"""The very first `/meet` of someone meetbot never looked up reads in their language.

The ack cannot ask Slack (it answers first), and Redis has no locale for them yet: so their ack
is empty and the same reply comes through the command's response_url, ephemeral, from a job
that asked Slack (users.info, once): the starting note from the start job itself, a mistake, a
refusal or the help from a small reply job. Someone Redis knows is answered in the ack as
before, and without Redis the ack still answers in English. Over HTTP, with the fake Slack's
response_url (Slack accepts up to five posts to it within 30 minutes, `response_type`
"ephemeral" by default: https://docs.slack.dev/interactivity/handling-user-interaction).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from meetbot_sandbox.slack.signing import new_trigger_id

from bot.domain.inputs import StartMeeting, Workspace
from bot.domain.rooms import RoomKind
from bot.errors import UsageError, user_message
from bot.i18n import LANGUAGES, N_, Text, translator
from bot.meet import late_reply, replies
from bot.settings.model import ChannelDefaults, WorkspacePolicy
from bot.settings.policy import ask_within_policy
from bot.settings.store import SettingsStore
from bot.slack.grammar import parse_meet
from tests.job_wait import finished
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.test_blocks import NOW, assert_valid
from tests.test_i18n_surfaces import assert_unclipped

TEAM = "T0FAKE001"


def _german(bot: RunningBot) -> None:
    bot.slack.state.users[CREATOR].locale = "de-DE"


def _ephemeral(body: dict[str, Any]) -> bool:
    return body.get("response_type") == "ephemeral"


def _users_info_about(bot: RunningBot, user_id: str) -> int:
    return len([c for c in bot.slack.state.calls_to("users.info") if c.params["user"] == user_id])


async def _result(bot: RunningBot, key: str) -> Any:
    job = await bot.components.queue.job(key)
    assert job is not None
    return (await finished(job, within=15)).result


async def test_a_never_seen_german_person_reads_the_starting_note_in_german(
    bot: RunningBot,
) -> None:
    _german(bot)
    url, trigger_id = bot.slack.response_url(), new_trigger_id()

    reply = await bot.command("Planung", response_url=url, trigger_id=trigger_id, seen=False)

    assert reply.status == 200 and reply.body is None, "an empty ack: Slack shows nothing"
    note = await bot.slack.state.wait_for_response(url, _ephemeral, timeout=10)
    assert note["text"].startswith(":hourglass_flowing_sand: *Planung* startet")
    assert "per DM" in note["text"]
    await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=10
    )
    await _result(bot, f"meet:{trigger_id}")
    assert bot.slack.state.responses(url) == [note], "said once"
    assert _users_info_about(bot, CREATOR) == 1, "the start job's own lookup, no second one"

    # A retried start (the same request run again) does not say it again.
    job = await bot.components.queue.job(f"meet:{trigger_id}")
    assert job is not None
    assert job.kwargs is not None
    request = StartMeeting.from_dict(job.kwargs["request"])
    assert request.reply_late
    await bot.components.service.start_meeting(request)
    assert bot.slack.state.responses(url) == [note]

    # From now on Redis knows: the ack answers at once, in German, and nothing comes later.
    again_url, again_trigger = bot.slack.response_url(), new_trigger_id()
    again = await bot.command("Retro", response_url=again_url, trigger_id=again_trigger, seen=False)
    assert "*Retro* startet" in again.text
    await _result(bot, f"meet:{again_trigger}")
    assert bot.slack.state.responses(again_url) == []


async def test_a_starting_note_slack_refuses_does_not_stop_the_meeting(bot: RunningBot) -> None:
    gone = f"{bot.slack.url}/response/R-expired"  # Slack answers 404 to it
    trigger_id = new_trigger_id()

    await bot.command("Planung", response_url=gone, trigger_id=trigger_id, seen=False)

    await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=10
    )
    assert await _result(bot, f"meet:{trigger_id}") is not None
    assert bot.slack.state.unexpected == ["POST to a response_url the fake never issued: R-expired"]
    bot.slack.state.unexpected.clear()


async def test_a_never_seen_german_person_reads_a_mistake_in_german_once(bot: RunningBot) -> None:
    _german(bot)
    url, trigger_id = bot.slack.response_url(), new_trigger_id()

    reply = await bot.command("Retro --bogus", response_url=url, trigger_id=trigger_id, seen=False)

    assert reply.status == 200 and reply.body is None
    said = await bot.slack.state.wait_for_response(url, _ephemeral, timeout=10)
    assert "Unbekannte Option `--bogus`" in said["text"]
    assert "Aufruf: `/meet [Titel]" in json.dumps(said, ensure_ascii=False), "usage, flags English"
    assert await _result(bot, f"late-reply:{trigger_id}") == "sent"
    assert await bot.components.queue.count("queued") == 0, "nothing was started"

    # The same reply queued again (a retry) is not said twice.
    await late_reply.enqueue(
        bot.components.jobs,
        key=trigger_id,
        ws=Workspace(TEAM),
        user_id=CREATOR,
        response_url=url,
        said=late_reply.help_reply(),
    )
    assert await _result(bot, f"late-reply:{trigger_id}") == "duplicate"
    assert len(bot.slack.state.responses(url)) == 1

    # Their locale is cached now: the next mistake is answered in the ack, in German.
    known_url = bot.slack.response_url()
    known = await bot.command("Retro --bogus", response_url=known_url, seen=False)
    assert "Unbekannte Option `--bogus`" in known.text
    assert _users_info_about(bot, CREATOR) == 1
    assert bot.slack.state.responses(known_url) == []


async def test_a_never_seen_german_person_reads_the_help_in_german(bot: RunningBot) -> None:
    _german(bot)
    url = bot.slack.response_url()

    reply = await bot.command("help", response_url=url, seen=False)

    assert reply.body is None
    said = await bot.slack.state.wait_for_response(url, _ephemeral, timeout=10)
    assert "*Starte ein Videomeeting aus jedem Channel*" in said["text"]


async def test_a_never_seen_german_person_reads_a_policy_refusal_in_german(
    bot: RunningBot,
) -> None:
    _german(bot)
    c = bot.components
    store = SettingsStore(c.redis, keys=c.store.keys)
    policy = WorkspacePolicy(recording_allowed=False)
    await store.apply("view:policy", TEAM, GENERAL, defaults=None, policy=policy)
    url = bot.slack.response_url()

    reply = await bot.command("Taped --record", response_url=url, seen=False)

    assert reply.body is None
    said = await bot.slack.state.wait_for_response(url, _ephemeral, timeout=10)
    assert "Aufzeichnen ist in diesem Workspace aus" in said["text"]
    assert "können das mit `/meet settings` ändern" in said["text"], "the nested message too"
    assert await c.queue.count("queued") == 0


async def test_a_known_person_gets_the_ack_directly(bot: RunningBot) -> None:
    _german(bot)
    url, trigger_id = bot.slack.response_url(), new_trigger_id()

    reply = await bot.command("Planung", response_url=url, trigger_id=trigger_id)  # seen

    assert reply.body is not None and reply.body["response_type"] == "ephemeral"
    assert "*Planung* startet" in reply.text
    await _result(bot, f"meet:{trigger_id}")
    assert bot.slack.state.responses(url) == [], "no second starting note"
    mistake = await bot.command("--bogus", response_url=url)
    assert "Unbekannte Option `--bogus`" in mistake.text


async def test_without_redis_a_never_seen_person_is_still_answered_in_the_ack(
    bot_without_redis: RunningBot,
) -> None:
    bot = bot_without_redis
    bot.slack.state.add_user(CREATOR, "alice", locale="de-DE")
    assert "*Start a video meeting from any channel*" in (await bot.command("help")).text
    assert "Unknown option `--bogus`" in (await bot.command("--bogus", seen=False)).text
    assert "temporarily unavailable" in (await bot.command("Planung", seen=False)).text


def _said() -> list[late_reply.Said]:
    """Every kind of late reply, as the job receives it (through JSON)."""
    said = [late_reply.help_reply()]
    for text in ("--bogus", "--recrod", "sync @ana @li", "--until 2026-02-30", "x" * 201):
        with pytest.raises(UsageError) as caught:
            parse_meet(text, now=NOW)
        said.append(late_reply.error_reply(caught.value))
    refusal = ask_within_policy(
        record=True,
        kind=RoomKind.INSTANT,
        expires_at=None,
        defaults=ChannelDefaults(),
        policy=WorkspacePolicy(recording_allowed=False),
        now=NOW,
        given=Text(N_("The room's end date")),
    )
    assert isinstance(refusal, str)
    said.append(late_reply.refusal_reply(refusal))
    return [json.loads(json.dumps(one)) for one in said]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_late_reply_is_what_the_ack_would_have_said_and_fits_slack(language: str) -> None:
    t = translator(language)
    said = _said()
    assert late_reply.render(said[0], t) == replies.help_message(t)
    with pytest.raises(UsageError) as caught:
        parse_meet("sync @ana @li", now=NOW)
    assert late_reply.render(said[3], t) == replies.ephemeral_error(user_message(caught.value, t))
    for one in said:
        message = late_reply.render(one, t)
        assert "%(" not in message.text
        assert_valid(message)
        assert_unclipped(message.blocks)
    for home_only in (False, True):
        note = replies.meeting_starting_ack(
            "Planung", invitees=("U1", "U2"), record=True, home_only=home_only, notes=True, t=t
        )
        assert_valid(note)
        assert_unclipped(note.blocks)
