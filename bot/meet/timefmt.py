"""Human-readable times, durations and sizes for Slack text. Pure; `now` is always passed in.

Moments go through Slack's date formatting (`<!date^epoch^tokens|fallback>`) so each reader
sees their own time zone and locale; the fallback, for clients that cannot render it, is UTC.
https://api.slack.com/reference/surfaces/formatting#date-formatting
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.i18n import ENGLISH, Translator

_KB = 1000  # decimal units, as file managers and browsers show download sizes


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def slack_date(moment: datetime, *, now: datetime | None = None, t: Translator = ENGLISH) -> str:
    """`moment` as e.g. "Dec 31, 2026 at 11:59 PM" in the reader's zone.

    With `now`, a moment less than 12 hours away is shown as its time of day alone.
    """
    utc = _utc(moment)
    if now is not None and abs(utc - _utc(now)) < timedelta(hours=12):
        return f"<!date^{int(utc.timestamp())}^{{time}}|{utc:%H:%M} UTC>"
    # Slack fills the tokens in the reader's own locale; only the word between them is ours.
    tokens = t.gettext("%(date)s at %(time)s", date="{date_short_pretty}", time="{time}")
    return f"<!date^{int(utc.timestamp())}^{tokens}|{utc:%Y-%m-%d %H:%M} UTC>"


def duration_text(seconds: float, t: Translator = ENGLISH) -> str:
    """Precise: "45 s", "12 min 5 s", "1 h 2 min"; other languages through Babel's units
    ("1 Std. 2 Min."). English keeps its compact house style (Babel's is "1 hr 2 min")."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if t.language != ENGLISH.language:
        parts = [
            t.unit(amount, unit)
            for amount, unit in (
                (hours, "duration-hour"),
                (minutes, "duration-minute"),
                (secs if not hours else 0, "duration-second"),
            )
            if amount
        ]
        return " ".join(parts) or t.unit(0, "duration-second")
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def rough_duration_text(seconds: float, t: Translator = ENGLISH) -> str:
    """To the minute, for meetings: "less than a minute", "42 min", "1 h 5 min"."""
    minutes = round(max(0.0, seconds) / 60)
    if minutes < 1:
        return t.gettext("less than a minute")
    return duration_text(minutes * 60, t)


_SIZE_UNITS = (("KB", "digital-kilobyte"), ("MB", "digital-megabyte"), ("GB", "digital-gigabyte"))


def size_text(size_bytes: int, t: Translator = ENGLISH) -> str:
    """ "512 B", "1.5 KB", "48.2 MB", "1.3 GB" (German "48,2 MB", French "48,2 Mo")."""
    english = t.language == ENGLISH.language
    if size_bytes < _KB:
        count = max(0, size_bytes)
        return f"{count} B" if english else t.unit(count, "digital-byte")
    value = size_bytes / _KB
    for short, unit in _SIZE_UNITS:
        if round(value, 1) < _KB or short == "GB":
            return f"{value:.1f} {short}" if english else t.unit(value, unit, decimals=1)
        value /= _KB
    raise AssertionError("unreachable")
