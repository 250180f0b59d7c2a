"""Human-readable times, durations and sizes for Slack text. Pure; `now` is always passed in.

Moments go through Slack's date formatting (`<!date^epoch^tokens|fallback>`) so each reader
sees their own time zone and locale; the fallback, for clients that cannot render it, is UTC.
https://api.slack.com/reference/surfaces/formatting#date-formatting
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_KB = 1000  # decimal units, as file managers and browsers show download sizes


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def slack_date(moment: datetime, *, now: datetime | None = None) -> str:
    """`moment` as e.g. "Dec 31, 2026 at 11:59 PM" in the reader's zone.

    With `now`, a moment less than 12 hours away is shown as its time of day alone.
    """
    utc = _utc(moment)
    if now is not None and abs(utc - _utc(now)) < timedelta(hours=12):
        return f"<!date^{int(utc.timestamp())}^{{time}}|{utc:%H:%M} UTC>"
    return (
        f"<!date^{int(utc.timestamp())}^{{date_short_pretty}} at {{time}}|{utc:%Y-%m-%d %H:%M} UTC>"
    )


def duration_text(seconds: float) -> str:
    """Precise: "45 s", "12 min 5 s", "1 h 2 min"."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def rough_duration_text(seconds: float) -> str:
    """To the minute, for meetings: "less than a minute", "42 min", "1 h 5 min"."""
    minutes = round(max(0.0, seconds) / 60)
    if minutes < 1:
        return "less than a minute"
    return duration_text(minutes * 60)


def size_text(size_bytes: int) -> str:
    """ "512 B", "1.5 KB", "48.2 MB", "1.3 GB"."""
    if size_bytes < _KB:
        return f"{max(0, size_bytes)} B"
    value = size_bytes / _KB
    for unit in ("KB", "MB"):
        if round(value, 1) < _KB:
            return f"{value:.1f} {unit}"
        value /= _KB
    return f"{value:.1f} GB"
