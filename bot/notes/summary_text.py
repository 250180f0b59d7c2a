"""A provider's summary text read into its parts (a short paragraph, key points, action items),
and names in action items turned into Slack mentions. Pure.

The summary is free text (Daily's `summarize` preset writes prose with optional headed lists),
so the reading is lenient: headed sections when there are headings, otherwise the first
paragraph is the overview and any bullets are key points.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_HEADING = re.compile(
    r"^\s*(?:#+\s*)?(?:\*\*|__)?\s*(summary|overview|key points|key takeaways|highlights|"
    r"discussion|action items|next steps|to-?dos?|follow-?ups)\s*(?:\*\*|__)?\s*:?\s*(?:\*\*)?\s*$",
    re.IGNORECASE,
)
# "- item", "1. item", "* [ ] item", "[x] item": a list item, with its marker and checkbox dropped.
_BULLET = re.compile(r"^\s*(?:(?:[-*•◦‣]|\d{1,3}[.)])\s+(?:\[[ xX]?\]\s+)?|\[[ xX]?\]\s+)")
_ACTION_WORDS = ("action items", "next steps", "to-do", "todo", "todos", "to-dos", "follow")


@dataclass(frozen=True)
class SummaryParts:
    overview: str
    key_points: tuple[str, ...] = ()
    action_items: tuple[str, ...] = ()


def read_summary(text: str) -> SummaryParts:
    """The parts of a summary text."""
    overview: list[str] = []
    points: list[str] = []
    actions: list[str] = []
    section = "overview"
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            if section == "overview" and overview:
                section = "after-overview"
            continue
        heading = _HEADING.match(line)
        if heading:
            name = heading.group(1).lower()
            if name in ("summary", "overview"):
                section = "overview"
            elif name.startswith(_ACTION_WORDS):
                section = "actions"
            else:
                section = "points"
            continue
        bullet = _BULLET.match(line)
        item = line[bullet.end() :].strip() if bullet else line
        if section == "actions":
            actions.append(item)
        elif section == "points" or (bullet and section != "overview"):
            points.append(item)
        elif section == "overview" and not bullet:
            overview.append(line)
        elif bullet:
            points.append(item)
        else:  # prose after the first paragraph, outside any list: keep it with the overview
            overview.append(line)
    return SummaryParts(
        overview=" ".join(overview).strip(),
        key_points=tuple(p for p in points if p),
        action_items=tuple(a for a in actions if a),
    )


@dataclass(frozen=True)
class Member:
    """A channel member and the names people call them by (users.info)."""

    user_id: str
    names: tuple[str, ...]


def member_names(
    user_id: str, *, real_name: str = "", display_name: str = "", name: str = ""
) -> Member:
    """The names a summary may use for someone: full name, display name, handle, first name."""
    names = [real_name, display_name, name]
    if real_name.strip():
        names.append(real_name.split()[0])
    return Member(user_id, tuple(dict.fromkeys(n.strip() for n in names if len(n.strip()) >= 2)))


def mention_names(item: str, members: Iterable[Member]) -> str:
    """`item` with each name that matches exactly one member turned into `<@U…>`; a name
    shared by two members (two Anas) or by nobody stays as written. Longest names first, so
    "Ana Lopez" wins over "Ana"."""
    owners: dict[str, set[str]] = {}
    for member in members:
        for name in member.names:
            owners.setdefault(name.casefold(), set()).add(member.user_id)
    unique = {name: next(iter(ids)) for name, ids in owners.items() if len(ids) == 1}
    if not unique:
        return item
    names = sorted(owners, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w@])(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE
    )

    def swap(match: re.Match[str]) -> str:
        user_id = unique.get(match.group(1).casefold())
        return f"<@{user_id}>" if user_id else match.group(0)

    return pattern.sub(swap, item)
