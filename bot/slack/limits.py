"""The limits a meeting request must meet, checked once for `/meet` and the modal alike.

Each check returns a message naming the problem (or None) so the command can raise a
`UsageError` and the modal can map it onto a block. The numbers come from the provider:
the Meetings API caps `display_name` at 200 characters, and a long-term room must expire
more than 10 minutes and at most a year from now (Daily accepts the same window).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.i18n import N_, Text

TITLE_MAX_CHARS = 200
MAX_INVITEES = 30  # one DM each, sent by the worker; more is a broadcast, not a meeting
MIN_LIFETIME = timedelta(minutes=10)
# "One year" as 365 days: never longer than a calendar year, so the provider never refuses it.
MAX_LIFETIME = timedelta(days=365)


def end_of_day_utc(day: date) -> datetime:
    """The last second of `day` in UTC: what `--until` and the modal's date picker mean.

    A slash command carries no time zone and must be acked within 3 seconds, so looking up
    the caller's zone (`users.info`) first would cost a Web API round trip before the ack.
    UTC is predictable, and every card shows the exact moment in each reader's own zone.
    """
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def latest_expiry(now: datetime) -> datetime:
    return now + MAX_LIFETIME


def expiry_problem(expires_at: datetime, *, now: datetime, given: str) -> Text | None:
    """Why `expires_at` is refused, or None. `given` names it as the user gave it.

    Args:
        expires_at: the moment the room would expire.
        now: the current time (aware).
        given: how the user wrote it, e.g. "`--until 2025-01-01`" or "That day".
    """
    if expires_at < now:
        return Text(N_("%(given)s is in the past."), given=given)
    if expires_at <= now + MIN_LIFETIME:
        return Text(
            N_("%(given)s is too soon: a room must last more than 10 minutes."), given=given
        )
    if expires_at > latest_expiry(now):
        latest = latest_expiry(now).strftime("%Y-%m-%d")
        return Text(
            N_("%(given)s is too far away: a room lasts at most a year (until %(latest)s)."),
            given=given,
            latest=latest,
        )
    return None


def title_problem(title: str) -> Text | None:
    if len(title) > TITLE_MAX_CHARS:
        return Text(
            N_("The title is %(length)s characters long; the limit is %(limit)s."),
            length=str(len(title)),
            limit=str(TITLE_MAX_CHARS),
        )
    return None


def invitees_problem(count: int) -> Text | None:
    if count > MAX_INVITEES:
        return Text(
            N_("That's %(count)s people; you can invite at most %(limit)s to one meeting."),
            count=str(count),
            limit=str(MAX_INVITEES),
        )
    return None
