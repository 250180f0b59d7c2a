"""The `/meet` grammar: command text in, `MeetOptions` (or `HelpRequest`) out, or a precise error.

Pure: `now` comes in and every mistake is a `UsageError` carrying `USAGE`. The manifest sets
`should_escape: true`, so Slack sends people as `<@U123|ana>` (or `<@U123>`), channels as
`<#C123|general>`, and a literal `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`. A plain `@word` is
a name Slack could not resolve to anyone. Limits are shared with the modal (`bot.slack.limits`);
`USAGE` and `HELP_TEXT` are re-exported from `bot.meet.blocks`, which owns all user-facing copy.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.domain.rooms import RoomKind
from bot.errors import UsageError
from bot.i18n import N_, Text
from bot.meet.replies import HELP_TEXT, NOTES_WITH_EXPIRE_AFTER_USE, USAGE
from bot.slack import limits

__all__ = ["HELP_TEXT", "USAGE", "HelpRequest", "MeetOptions", "parse_meet", "plain_text"]

_DASHES = ("--", "\u2014", "\u2013")  # `--`, and the em/en dash Slack/macOS autocorrect it to
_HELP_WORDS = frozenset({"help", "-h", "?", *(dash + "help" for dash in _DASHES)})
_FLAGS = ("record", "notes", "until", "for", "expire-after-use", "help")
_TOKEN = re.compile(r'<[^<>]*>|["“”][^"“”]*["“”]|[^\s<]+|<')
_FLAG = re.compile(rf"^(?:{'|'.join(_DASHES)})([^\W\d_][\w-]*)(?:=(.*))?$", re.DOTALL)
_UNKNOWN_USER = re.compile(r"^@[^\W\d_]")
_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_BROADCAST = re.compile(r"^<!(here|channel|everyone)(?:\|[^>]*)?>$")
_SUBTEAM = re.compile(r"^<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>$")
_ENTITY = re.compile(r"<([#@!]?)([^<>|]*)(?:\|([^<>]*))?>")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DURATION = re.compile(r"^(\d{1,6})\s*(h|hours?|d|days?|w|weeks?)$", re.IGNORECASE)
_UNIT_HOURS = {"h": 1, "d": 24, "w": 24 * 7}


@dataclass(frozen=True)
class MeetOptions:
    """What the user asked for. `title` None means "name it after the channel"."""

    title: str | None
    invitees: tuple[str, ...] = ()
    record: bool = False
    kind: RoomKind = RoomKind.INSTANT
    expires_at: datetime | None = None  # set exactly when kind is LONG_TERM
    expire_after_use: bool = False
    notes: bool = False  # transcribe it and post notes in the card's thread (bot.notes)


@dataclass(frozen=True)
class HelpRequest:
    """`/meet help`: answer with `HELP_TEXT`, start nothing."""


def plain_text(text: str) -> str:
    """Slack-escaped text made readable: `<#C1|general>` -> `#general`, `&amp;` -> `&`."""

    def label(match: re.Match[str]) -> str:
        sigil, target, name = match.group(1), match.group(2), match.group(3)
        if sigil in ("#", "@"):
            return sigil + (name or target).lstrip("#@")
        if sigil == "!":
            return name or f"@{target.split('^')[0]}"
        return name or target

    unescaped = _ENTITY.sub(label, text)
    return unescaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parse_meet(text: str, *, now: datetime) -> MeetOptions | HelpRequest:
    """Parse the text after `/meet`.

    Raises:
        UsageError: naming the first problem found (all unknown `@names` at once).
    """
    if text.strip().lower() in _HELP_WORDS:
        return HelpRequest()
    parsed = _Parsed()
    tokens = list(_tokens(text))
    i = 0
    while i < len(tokens):
        raw, quoted = tokens[i]
        flag = None if quoted else _FLAG.match(raw)
        if flag:
            i = parsed.flag(raw, flag, tokens, i)
        elif quoted:
            parsed.title.append(plain_text(raw[1:-1]))
        else:
            parsed.word(raw)
        i += 1
    if parsed.help:
        return HelpRequest()
    return parsed.options(now)


def _tokens(text: str) -> Iterator[tuple[str, bool]]:
    for match in _TOKEN.finditer(text):
        raw = match.group()
        yield raw, len(raw) >= 2 and raw[0] in '"“”' and raw[-1] in '"“”'


def _code(value: str) -> str:
    return "`" + value.replace("`", "'") + "`"


@dataclass
class _Parsed:
    title: list[str] = field(default_factory=list)
    invitees: dict[str, None] = field(default_factory=dict)  # ordered set
    unknown_users: list[str] = field(default_factory=list)
    values: dict[str, str | None] = field(default_factory=dict)
    help: bool = False

    def word(self, raw: str) -> None:
        if user := _USER.match(raw):
            self.invitees.setdefault(user.group(1))
        elif broadcast := _BROADCAST.match(raw):
            raise UsageError(
                N_("%(mention)s can't be invited: mention people one by one."),
                usage=USAGE,
                params={"mention": _code("@" + broadcast.group(1))},
            )
        elif subteam := _SUBTEAM.match(raw):
            name = subteam.group(2) or "@" + subteam.group(1)
            raise UsageError(
                N_("User groups like %(group)s can't be invited: mention people one by one."),
                usage=USAGE,
                params={"group": _code(name)},
            )
        elif _UNKNOWN_USER.match(raw):
            self.unknown_users.append(raw)
        elif raw.strip('"“”,;'):  # the commas of "@ana, @li" leave nothing to title
            self.title.append(plain_text(raw))

    def flag(self, raw: str, match: re.Match[str], tokens: list[tuple[str, bool]], i: int) -> int:
        """Record one flag; returns the index of the last token it consumed."""
        name, inline = match.group(1).lower().replace("_", "-"), match.group(2)
        if name not in _FLAGS:
            raise _unknown_flag(raw, name)
        if name == "help":
            self.help = True
            return i
        if name in self.values:
            raise UsageError(
                N_("%(flag)s is given twice."), usage=USAGE, params={"flag": _code("--" + name)}
            )
        if name in ("until", "for"):
            value = inline
            if value is None and i + 1 < len(tokens):
                nxt, quoted = tokens[i + 1]
                if quoted or not (_FLAG.match(nxt) or nxt.startswith("<")):
                    value, i = nxt.strip('"“”'), i + 1
            if not value or not value.strip():
                example = "2026-12-31" if name == "until" else "30d"
                raise UsageError(
                    N_("%(flag)s needs a value, like %(example)s."),
                    usage=USAGE,
                    params={"flag": _code("--" + name), "example": _code(f"--{name} {example}")},
                )
            self.values[name] = value.strip()
        elif inline is not None:
            raise UsageError(
                N_("%(flag)s takes no value."), usage=USAGE, params={"flag": _code("--" + name)}
            )
        else:
            self.values[name] = None
        return i

    def options(self, now: datetime) -> MeetOptions:
        if self.unknown_users:
            unknown = [_code(name) for name in dict.fromkeys(self.unknown_users)]
            names: str = unknown[-1]
            if len(unknown) > 1:
                names = Text(N_("%(names)s or %(last)s"), names=", ".join(unknown[:-1]), last=names)
            raise UsageError(
                N_(
                    "I can't find %(names)s in Slack: pick people from the @-autocomplete"
                    " so they turn into mentions."
                ),
                usage=USAGE,
                params={"names": names},
            )
        if "until" in self.values and "for" in self.values:
            raise UsageError(N_("Use either `--until` or `--for`, not both."), usage=USAGE)
        expires_at = _expiry(self.values, now)
        expire_after_use = "expire-after-use" in self.values
        if expire_after_use and expires_at is None:
            raise UsageError(
                N_(
                    "`--expire-after-use` is only for long-term rooms: add `--until YYYY-MM-DD`"
                    " or `--for 30d`."
                ),
                usage=USAGE,
            )
        notes = "notes" in self.values
        if notes and expire_after_use:
            raise UsageError(NOTES_WITH_EXPIRE_AFTER_USE, usage=USAGE)
        title = " ".join(part for part in (p.strip() for p in self.title) if part) or None
        problem = (title and limits.title_problem(title)) or limits.invitees_problem(
            len(self.invitees)
        )
        if problem:
            raise UsageError(problem, usage=USAGE)
        return MeetOptions(
            title=title,
            invitees=tuple(self.invitees),
            record="record" in self.values,
            kind=RoomKind.INSTANT if expires_at is None else RoomKind.LONG_TERM,
            expires_at=expires_at,
            expire_after_use=expire_after_use,
            notes=notes,
        )


def _unknown_flag(raw: str, name: str) -> UsageError:
    close = difflib.get_close_matches(name, [f for f in _FLAGS if f != "help"], n=1, cutoff=0.6)
    if close:
        return UsageError(
            N_("Unknown option %(option)s: did you mean %(flag)s?"),
            usage=USAGE,
            params={"option": _code(raw), "flag": _code("--" + close[0])},
        )
    return UsageError(
        N_(
            "Unknown option %(option)s. Options are `--record`, `--notes`, `--until`, `--for`"
            " and `--expire-after-use`; to start a title with a dash, put the title in quotes."
        ),
        usage=USAGE,
        params={"option": _code(raw)},
    )


def _expiry(values: dict[str, str | None], now: datetime) -> datetime | None:
    if (until := values.get("until")) is not None:
        given = _code(f"--until {until}")
        match = _DATE.match(until)
        if not match:
            raise UsageError(
                N_("%(given)s is not a date: use YYYY-MM-DD, like `2026-12-31`."),
                usage=USAGE,
                params={"given": given},
            )
        year, month, day_of_month = (int(part) for part in match.groups())
        if reason := _calendar_problem(year, month, day_of_month):
            raise UsageError(
                N_("%(given)s is not a valid date: %(reason)s."),
                usage=USAGE,
                params={"given": given, "reason": reason},
            )
        day = date(year, month, day_of_month)
        expires_at = limits.end_of_day_utc(day)
    elif (duration := values.get("for")) is not None:
        given = _code(f"--for {duration}")
        match = _DURATION.match(duration)
        if not match:
            raise UsageError(
                N_(
                    "%(given)s is not a duration: use hours, days or weeks, like `12h`, `30d` or `2w`."
                ),
                usage=USAGE,
                params={"given": given},
            )
        hours = int(match.group(1)) * _UNIT_HOURS[match.group(2)[0].lower()]
        expires_at = now + timedelta(hours=hours)
    else:
        return None
    if problem := limits.expiry_problem(expires_at, now=now, given=given):
        raise UsageError(problem, usage=USAGE)
    return expires_at


def _calendar_problem(year: int, month: int, day: int) -> Text | None:
    """Why `date(year, month, day)` would raise, in our own words (Python's are English only;
    these keep its wording)."""
    if year < 1:
        return Text(N_("year %(year)s is out of range"), year=str(year))
    if not 1 <= month <= 12:
        return Text(N_("month must be in 1..12"))
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return Text(N_("day is out of range for month"))
    return None
