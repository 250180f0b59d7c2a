"""One error tree for meetbot, mapped to what a user reads in exactly one place (`user_message`).

    MeetbotError
    ├── UsageError               bad input from a user; carries the message and usage line
    ├── Unavailable              our own store (Redis) cannot be reached
    ├── RetryLater               not possible yet (an event ahead of its cause): the job retries
    ├── SlackError               a Slack Web API call failed (`error` is Slack's code)
    │   ├── NotInChannel             the bot is not a member of the conversation
    │   └── SlackUnavailable         Slack answered 5xx: maybe done, retried
    └── ProviderError            a room provider call failed (method, url, status)
        ├── ProviderAuthError        401: credentials rejected
        ├── NotFoundError            404: room, recording, theme or session unknown
        ├── ValidationError          400: request refused, `field_errors` says why
        │   └── ClientValidationError    refused before sending (our own checks)
        ├── LimitReachedError        403: room/theme cap reached (1,000 per account)
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

from dataclasses import dataclass


class MeetbotError(Exception):
    """Base of everything meetbot raises on purpose."""


class UsageError(MeetbotError):
    """The user asked for something we cannot do; `message` is safe to show them."""

    def __init__(self, message: str, *, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


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


class NotInChannel(SlackError):
    pass


class SlackUnavailable(SlackError):
    """Slack answered 5xx: the call may or may not have taken effect; retry (the job does),
    and look for a post before repeating it (`MeetingService._post_once`)."""


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
    """Refused by our own checks before any request was sent."""


def invalid(field: str, problem: str) -> ClientValidationError:
    """The error for a request field we refuse before sending it (one named problem)."""
    return ClientValidationError(f"{field}: {problem}", field_errors=(FieldError(field, problem),))


class LimitReachedError(ProviderError):
    pass


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
TEMPORARILY_UNAVAILABLE = (
    ":warning: Meetings are temporarily unavailable, so this may not have gone through."
    " If no card appears within a minute, please try again."
)


def user_message(exc: BaseException) -> str:
    """The one mapping from an error to words a Slack user sees. Never includes internals."""
    if isinstance(exc, UsageError):
        return f"{exc.message}\n{exc.usage}" if exc.usage else exc.message
    if isinstance(exc, ClientValidationError):
        return f":warning: {exc.message}"
    if isinstance(exc, Unavailable):
        return TEMPORARILY_UNAVAILABLE
    if isinstance(exc, LimitReachedError):
        return ":warning: This workspace has reached its room limit. Ask an admin to free up rooms."
    if isinstance(
        exc, RateLimitedError | ProviderServerError | ProviderTimeout | ProviderConnectionError
    ):
        return ":warning: The video provider is not answering right now. Please try again shortly."
    if isinstance(exc, ProviderAuthError):
        return (
            ":warning: meetbot's video provider credentials were rejected. An admin has been told."
        )
    if isinstance(exc, ProviderError):
        return ":warning: The video provider refused the request. Please try again."
    return ":warning: Something went wrong on our side. Please try again."
