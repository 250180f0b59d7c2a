"""One error tree for meetbot, mapped to what a user reads in exactly one place (`user_message`).

    MeetbotError
    ├── UsageError               bad input from a user; carries the message and usage line
    ├── Unavailable              our own store (Redis) cannot be reached
    ├── RetryLater               not possible yet (an event ahead of its cause): the job retries
    ├── SlackError               a Slack Web API call failed (`error` is Slack's code)
    │   ├── NotInChannel             the bot is not a member of the conversation
    │   ├── ChannelUnreachable       archived, deleted or hidden from us: posting cannot work
    │   ├── SlackScopeMissing        missing_scope: `needed` (an admin reinstalls to grant it)
    │   ├── SlackAuthBroken          invalid_auth, token_revoked...: the install is dead
    │   ├── SlackRateLimited         429 past our patience: retried, `gave_up` after a deadline
    │   └── SlackUnavailable         Slack answered 5xx: maybe done, retried
    └── ProviderError            a room provider call failed (method, url, status)
        ├── ProviderAuthError        401: credentials rejected
        ├── NotFoundError            404: room, recording, theme or session unknown
        ├── ValidationError          400: request refused, `field_errors` says why
        │   └── ClientValidationError    refused before sending (our own checks)
        ├── LimitReachedError        403: room/theme cap reached (1,000 per account; Meetings)
        ├── ProviderForbiddenError   403: the key is valid but may not use that resource (Daily)
        ├── ConflictError            409: theme name or short URL already taken
        ├── RateLimitedError         429: `retry_after` seconds
        ├── ProviderServerError      5xx
        │   └── ServiceUnavailableError  503: refused unprocessed, may carry `retry_after`
        ├── ProviderTimeout          no answer in time: the request MAY have been processed
        └── ProviderConnectionError  never reached the server: certainly not processed

Both providers (Meetings and Daily) raise the same tree, so the service maps one set of errors
whatever the provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.i18n import ENGLISH, N_, Text, Translator


class MeetbotError(Exception):
    """Base of everything meetbot raises on purpose."""


class UsageError(MeetbotError):
    """The user asked for something we cannot do; `message` is safe to show them.

    `message` may be a catalog message (bot.i18n) with named `params`: `user_message` then
    shows it in the reader's language; `.message` is always the English text."""

    def __init__(
        self, message: str, *, usage: str | None = None, params: Mapping[str, str] | None = None
    ) -> None:
        if isinstance(message, Text) and params is None:
            params = message.params
            message = message.template
        self.template = message
        self.params = dict(params or {})
        self.message = message % self.params if self.params else message
        super().__init__(self.message)
        self.usage = usage

    def translated(self, t: Translator) -> str:
        return t.gettext(self.template, **self.params)


class Unavailable(MeetbotError):
    """Redis (state and queue) cannot be reached; almost always nothing was started."""


class RetryLater(MeetbotError):
    """Expected and temporary (a download link not ready, a join before its session's start):
    the job raises it to be retried with backoff, and the log says so without a traceback."""


class SlackError(MeetbotError):
    """A Slack Web API call answered ok:false. `error` is Slack's code, e.g. "channel_not_found"."""

    def __init__(self, method: str, error: str) -> None:
        super().__init__(f"Slack {method} failed: {error}")
        self.method = method
        self.error = error


# Our code for an `ok: true` answer missing what the method documents (calls.add without `call`).
SLACK_INVALID_ANSWER = "invalid_answer"


class NotInChannel(SlackError):
    pass


class SlackUnavailable(SlackError):
    """Slack answered 5xx: the call may or may not have taken effect; retry (the job does),
    and look for a post before repeating it (`MeetingService._post_once`)."""


class ChannelUnreachable(SlackError):
    """`is_archived`, or `channel_not_found` where joining cannot help: the channel is archived,
    deleted, or private without us. Retrying cannot fix it; the person can."""

    @property
    def archived(self) -> bool:
        return self.error == "is_archived"


class SlackScopeMissing(SlackError):
    """`missing_scope`: the installation lacks `needed`; an admin reinstalls to grant it.
    `provided` (the scopes the token has) is for the operator's log only."""

    def __init__(self, method: str, error: str, *, needed: str = "", provided: str = "") -> None:
        super().__init__(method, error)
        self.needed = needed
        self.provided = provided


class SlackAuthBroken(SlackError):
    """`invalid_auth`, `token_revoked`, `account_inactive`: the installation's token is dead.
    Nothing works for that workspace until meetbot is reinstalled (`bot.slack.pacing`)."""


class SlackRateLimited(SlackError):
    """Slack kept answering 429 (or our pacing queue was longer) past what one call waits.
    `retry_after`: seconds Slack (or the queue) asked for. `gave_up`: Slack has refused for
    longer than the step's deadline, so the person is told instead of the step retried."""

    def __init__(self, method: str, *, retry_after: float, gave_up: bool = False) -> None:
        super().__init__(method, "ratelimited")
        self.retry_after = retry_after
        self.gave_up = gave_up


class ProviderError(MeetbotError):
    """A room provider call failed. Never carries request bodies or auth headers."""

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        url: str = "",
        status: int | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.status = status
        self.name = name  # the API's own error name, e.g. "BadRequestError"

    def __str__(self) -> str:
        where = f" ({self.method} {self.url} -> {self.status})" if self.method else ""
        return f"{self.message}{where}"


class ProviderAuthError(ProviderError):
    pass


class NotFoundError(ProviderError):
    pass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationError(ProviderError):
    def __init__(
        self, message: str, *, field_errors: tuple[FieldError, ...] = (), **kw: object
    ) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.field_errors = field_errors


class ClientValidationError(ValidationError):
    """Refused by our own checks before any request was sent. Its `message` is a `Text`
    (`invalid`): the person reads the problem in their language, the operator's log English."""


def invalid(field: str, problem: str) -> ClientValidationError:
    """The error for a request field we refuse before sending it (one named problem).

    `problem` is a catalog message (`Text`, or a constant marked `N_`): `user_message` shows
    it translated after the field's name, which is the API's and stays as it is."""
    said = problem if isinstance(problem, Text) else Text(problem)
    message = Text("%(field)s: %(problem)s", field=field, problem=said)
    return ClientValidationError(message, field_errors=(FieldError(field, said),))


class LimitReachedError(ProviderError):
    pass


class ProviderForbiddenError(ProviderError):
    """403 from Daily (`forbidden-error`): the API key is valid but may not access the resource,
    e.g. a feature the account's plan lacks (https://docs.daily.co/docs/rest-api/errors)."""


class UnsupportedError(ProviderError):
    """The meeting's provider cannot do this (e.g. end a session on the Meetings API).
    `message` is said to the person: a `Text` (catalog message), shown in their language."""


class ConflictError(ProviderError):
    pass


class RateLimitedError(ProviderError):
    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ProviderServerError(ProviderError):
    pass


class ServiceUnavailableError(ProviderServerError):
    """503: the server refused the request unprocessed; may carry `retry_after` like a 429."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ProviderTimeout(ProviderError):
    pass


class ProviderConnectionError(ProviderError):
    pass


# Not "nothing was started": an enqueue Redis ran just before the connection died looks like a
# failure here and still runs (bench/faults.py redis saw it once in nine runs).
TEMPORARILY_UNAVAILABLE = N_(
    ":warning: Meetings are temporarily unavailable, so this may not have gone through."
    " If no card appears within a minute, please try again."
)


def slack_user_message(exc: SlackError, t: Translator = ENGLISH) -> str | None:
    """What to tell a person about a Slack error retrying cannot fix: what will fix it.
    None for the rest (they end as "something went wrong")."""
    if isinstance(exc, ChannelUnreachable):
        if exc.archived:
            return t.gettext(
                ":warning: I can't post in that channel because it is archived."
                " Unarchive it, or start the meeting from another channel."
            )
        return t.gettext(
            ":warning: I can't reach that channel: it may have been deleted, or it is private and"
            " I'm not in it. `/invite @meetbot` there, or use another channel."
        )
    if isinstance(exc, SlackScopeMissing):
        if exc.needed:
            return t.gettext(
                ":warning: meetbot is missing the Slack permission %(scope)s it needs for this."
                " A workspace admin can grant it by reinstalling meetbot.",
                scope=f"`{exc.needed}`",
            )
        return t.gettext(
            ":warning: meetbot is missing a Slack permission it needs for this."
            " A workspace admin can grant it by reinstalling meetbot."
        )
    if isinstance(exc, SlackAuthBroken):
        return t.gettext(
            ":warning: meetbot's installation in this workspace no longer works (Slack revoked"
            " or rejected its token). A workspace admin needs to reinstall meetbot."
        )
    if isinstance(exc, SlackRateLimited):
        return t.gettext(
            ":hourglass: Slack is limiting how fast meetbot can post in this workspace right"
            " now, so this did not go through. Please try again in a few minutes."
        )
    return None


def user_message(exc: BaseException, t: Translator = ENGLISH) -> str:
    """The one mapping from an error to words a Slack user sees, in their language (`t`).
    Never includes internals."""
    if isinstance(exc, UsageError):
        message = exc.translated(t)
        return f"{message}\n{t.gettext(exc.usage)}" if exc.usage else message
    if isinstance(exc, ClientValidationError):
        return f":warning: {t.text(exc.message)}"
    if isinstance(exc, Unavailable):
        return t.gettext(TEMPORARILY_UNAVAILABLE)
    if isinstance(exc, SlackError) and (slack := slack_user_message(exc, t)) is not None:
        return slack
    if isinstance(exc, LimitReachedError):
        return t.gettext(
            ":warning: This workspace has reached its room limit. Ask an admin to free up rooms."
        )
    if isinstance(exc, RateLimitedError):
        return t.gettext(
            ":warning: meetbot has used up the video provider's request allowance for the moment."
            " Please try again in a minute."
        )
    if isinstance(exc, ProviderServerError | ProviderTimeout | ProviderConnectionError):
        return t.gettext(
            ":warning: The video provider is not answering right now. Please try again shortly."
        )
    if isinstance(exc, ProviderAuthError):
        return t.gettext(
            ":warning: meetbot's video provider credentials were rejected. An admin has been told."
        )
    if isinstance(exc, ProviderForbiddenError):
        return t.gettext(
            ":warning: meetbot's video provider account is not allowed to do this."
            " An admin has been told."
        )
    if isinstance(exc, UnsupportedError):
        return f":warning: {t.text(exc.message)}"  # the provider's own words, translated
    if isinstance(exc, NotFoundError):
        return t.gettext(":warning: The video provider no longer has this room or recording.")
    if isinstance(exc, ValidationError):
        return t.gettext(
            ":warning: The video provider refused this request as invalid; trying again will not"
            " help. An admin has been told."
        )
    if isinstance(exc, ProviderError):
        return t.gettext(":warning: The video provider refused the request. Please try again.")
    return t.gettext(":warning: Something went wrong on our side. Please try again.")
