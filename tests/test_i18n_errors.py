"""The providers' own words, in the reader's language: a refusal (`UnsupportedError`) and our
own request checks (`ClientValidationError`) reach a person through `user_message(exc, t)`
translated, with the provider's and the field's names as they are; `str(exc)`, what the
operator's log shows, stays English.

End to end: a German creator whose long-term room the Meetings API client refuses before
sending it (its end is more than a year away by the provider's clock) reads why in German, in
the private notice the fake Slack received through the command's response_url."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from meetbot_sandbox.slack.signing import new_trigger_id

from bot.domain.clock import utc_now
from bot.domain.rooms import RoomRequest
from bot.errors import ClientValidationError, UnsupportedError, invalid, user_message
from bot.i18n import ENGLISH, LANGUAGES, N_, translator
from bot.meet import replies
from bot.providers.http.paths import page_params, segment
from bot.providers.meetings.bodies import CreateRoom, CreateTheme, UpdateRoom
from bot.providers.meetings.models import CallbackUrls, RoomType
from bot.providers.meetings.provider import MeetingsProvider
from tests.job_wait import finished
from tests.plugins.bot import CREATOR, RunningBot
from tests.plugins.meetings import MakeClient
from tests.test_blocks import assert_valid
from tests.test_i18n_surfaces import assert_unclipped

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# The bot's clock runs this far ahead of the provider's (the wall clock): a room the bot
# accepts as ending within a year is more than a year away for the Meetings API client.
AHEAD = timedelta(days=30)


@pytest.fixture
def bot_clock() -> Callable[[], datetime]:
    return lambda: utc_now() + AHEAD


@pytest.fixture
def provider(make_meetings_client: MakeClient) -> MeetingsProvider:
    return MeetingsProvider(make_meetings_client())


def _refused(check: Callable[[], object]) -> ClientValidationError:
    with pytest.raises(ClientValidationError) as caught:
        check()
    return caught.value


def _checks() -> Iterator[ClientValidationError]:
    """One of each problem our request checks name (bodies, paths, themes)."""
    long_term = RoomType.LONG_TERM
    for body in (
        CreateRoom(""),
        CreateRoom("x" * 201),
        CreateRoom("ok", type=long_term),
        CreateRoom("ok", type=long_term, expires_at=NOW + timedelta(minutes=5)),
        CreateRoom("ok", type=long_term, expires_at=NOW + timedelta(days=400)),
        CreateRoom("ok", type=long_term, expires_at=datetime(2026, 6, 1)),
        CreateRoom("ok", expires_at=NOW + timedelta(days=1)),
        CreateRoom("ok", join_approval_level="maybe"),
        CreateRoom("ok", callback_urls=CallbackUrls("ftp://x", None, None)),
        UpdateRoom(),
        CreateTheme(main_color="red", brand_text="Acme"),
        CreateTheme(main_color="#fff", brand_text="Acme", short_company_url="12345"),
    ):
        yield _refused(functools.partial(body.validate, NOW))
    yield _refused(lambda: segment("room_id", ""))
    yield _refused(lambda: page_params(0, None, None))
    yield invalid("logos", N_("give at least one logo"))


async def _refusals(provider: MeetingsProvider) -> list[UnsupportedError]:
    refusals = []
    for call in (
        lambda: provider.end_room("r1"),
        lambda: provider.session_transcripts("r1"),
        lambda: provider.start_summary("t1"),
        lambda: provider.delete_recording("rec1"),
    ):
        with pytest.raises(UnsupportedError) as caught:
            await call()
        refusals.append(caught.value)
    return refusals


async def _instant_lobby_refusal(provider: MeetingsProvider) -> UnsupportedError:
    room = await provider.create_room(RoomRequest("Now"))
    with pytest.raises(UnsupportedError) as caught:
        await provider.set_lobby(room.id, True)
    return caught.value


async def test_a_meetings_refusal_reads_german_and_the_log_keeps_english(
    provider: MeetingsProvider,
) -> None:
    [end, transcribe, summarise, delete] = await _refusals(provider)
    lobby = await _instant_lobby_refusal(provider)
    german = translator("de")

    assert user_message(end, german) == (
        ":warning: The Vonage Meetings API kann ein Meeting nicht beenden: Es endet, wenn alle"
        " gegangen sind oder der Raum abläuft."
    )
    assert "Warteraum nur in Dauerräumen" in user_message(lobby, german)
    assert "kann Meetings nicht transkribieren" in user_message(transcribe, german)
    assert "kann Meetings nicht zusammenfassen" in user_message(summarise, german)
    assert "Aufzeichnungen nicht über meetbot löschen" in user_message(delete, german)
    # English, as before, for English readers and for the operator's log.
    assert user_message(end) == (
        ":warning: The Vonage Meetings API has no way to end a meeting: it ends when everyone"
        " leaves, or when the room expires."
    )
    assert str(end).startswith("The Vonage Meetings API has no way to end a meeting")
    assert str(lobby).startswith("The Vonage Meetings API can turn the lobby on or off only")


def test_a_request_check_names_the_field_and_says_the_problem_in_german() -> None:
    error = _refused(lambda: CreateRoom("x" * 201).validate(NOW))
    assert user_message(error, translator("de")) == (
        ":warning: display_name: darf höchstens 200 Zeichen lang sein, hat aber 201"
    )
    assert user_message(error, translator("ja")) == (
        ":warning: display_name: 200 文字以内にしてください (現在 201 文字)"
    )
    assert user_message(error) == ":warning: display_name: must be at most 200 characters, got 201"
    assert str(error) == "display_name: must be at most 200 characters, got 201"
    assert error.field_errors[0].message == "must be at most 200 characters, got 201"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_provider_error_fits_slack_in_every_language(
    language: str, provider: MeetingsProvider
) -> None:
    t = translator(language)
    errors = [*_checks(), *await _refusals(provider), await _instant_lobby_refusal(provider)]
    for exc in errors:
        said = user_message(exc, t)
        assert "%(" not in said, "every placeholder filled"
        if language != "en":
            assert said != user_message(exc, ENGLISH), f"untranslated: {said}"
        message = replies.ephemeral_error(said)
        assert_valid(message)
        assert_unclipped(message.blocks)


async def test_a_german_creator_reads_the_request_check_in_german(bot: RunningBot) -> None:
    bot.slack.state.users[CREATOR].locale = "de-DE"
    # Within a year by the bot's clock, past a year by the provider's.
    until = (utc_now() + AHEAD + timedelta(days=363)).date().isoformat()
    trigger_id, url = new_trigger_id(), bot.slack.response_url()

    reply = await bot.command(
        f"Jahresplanung --until {until}", trigger_id=trigger_id, response_url=url
    )

    assert reply.status == 200 and "*Jahresplanung* startet" in reply.text
    job = await bot.components.queue.job(f"meet:{trigger_id}")
    assert job is not None
    await finished(job, within=15)
    notices = [b for b in bot.slack.state.responses(url) if b.get("response_type") == "ephemeral"]
    said = json.dumps(notices, ensure_ascii=False)
    assert "expires_at: darf höchstens ein Jahr in der Zukunft liegen" in said
    assert "must be at most one year" not in said
    assert not bot.emulator.state.rooms, "refused before any request"
