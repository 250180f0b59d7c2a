"""Admin commands for the Meetings API: `python -m bot meetings rooms|recordings|themes|...`.

`add_parser(subparsers)` + `run(args, settings)` plug into the main CLI; `main(argv, env)` runs
standalone from a Mapping of environment variables (only `bot/config.py` reads the process
environment; `bot/__main__.py` passes it in). It needs only the Meetings variables, not Slack's.
Every failure prints one line to stderr and exits 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import aiohttp

from bot.config import DEFAULT_MEETINGS_API_URL, ConfigError
from bot.errors import MeetbotError, ValidationError
from bot.providers.meetings import cli_commands as cmd
from bot.providers.meetings.cli_render import render
from bot.providers.meetings.client import MeetingsClient, MeetingsSettings


@dataclass(frozen=True)
class MeetingsConfig:
    """The three Meetings variables; satisfies `MeetingsSettings` like `bot.config.Settings`."""

    meetings_api_url: str
    vonage_application_id: str | None
    vonage_private_key: str | None = field(repr=False)


def meetings_config(env: Mapping[str, str]) -> MeetingsConfig:
    """Read MEETINGS_API_URL, VONAGE_APPLICATION_ID, VONAGE_PRIVATE_KEY(_PATH) from `env`."""
    problems: list[str] = []
    application_id = env.get("VONAGE_APPLICATION_ID", "").strip() or None
    if application_id is None:
        problems.append("VONAGE_APPLICATION_ID: required for the Meetings API")
    key = env.get("VONAGE_PRIVATE_KEY", "").strip().replace("\\n", "\n") or None
    path = env.get("VONAGE_PRIVATE_KEY_PATH", "").strip()
    if key is None and path:
        try:
            key = Path(path).read_text()
        except OSError as e:
            problems.append(f"VONAGE_PRIVATE_KEY_PATH: cannot read {path!r} ({e.strerror})")
    elif key is None:
        problems.append("VONAGE_PRIVATE_KEY or VONAGE_PRIVATE_KEY_PATH: required (RSA key, PEM)")
    if problems:
        raise ConfigError(problems)
    url = env.get("MEETINGS_API_URL", "").strip() or DEFAULT_MEETINGS_API_URL
    return MeetingsConfig(url.rstrip("/"), application_id, key)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:  # argparse's subparsers type is private
    """Add `meetings ...` to the main CLI's subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "meetings", help="administer the Meetings API (rooms, recordings, themes)"
    )
    build_parser(parser)
    return parser


def build_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")

    rooms = groups.add_parser("rooms", help="list, show, create and update rooms")
    room = rooms.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = room.add_parser("list", help="every room, all pages")
    listing.add_argument("--page-size", type=int, default=None)
    listing.set_defaults(handler=cmd.rooms_list)
    room.add_parser("show", help="one room, with its host URL").set_defaults(handler=cmd.rooms_show)
    room.choices["show"].add_argument("room_id")
    create = room.add_parser("create", help="create an instant or long-term room")
    create.add_argument("--name", required=True)
    create.add_argument("--long-term", action="store_true")
    create.add_argument("--until", type=cmd.until, help="expiry of a long-term room")
    create.add_argument("--record", action="store_true", help="record every session")
    create.add_argument("--metadata")
    create.add_argument("--theme")
    create.add_argument("--expire-after-use", action=argparse.BooleanOptionalAction)
    create.set_defaults(handler=cmd.rooms_create)
    update = room.add_parser("update", help="change a long-term room")
    update.add_argument("room_id")
    update.add_argument("--until", type=cmd.until)
    update.add_argument("--theme")
    update.add_argument("--expire-after-use", action=argparse.BooleanOptionalAction)
    update.set_defaults(handler=cmd.rooms_update)

    recordings = groups.add_parser("recordings", help="show and delete recordings")
    recording = recordings.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, handler, arg in (
        ("show", cmd.recordings_show, "recording_id"),
        ("delete", cmd.recordings_delete, "recording_id"),
        ("session", cmd.recordings_session, "session_id"),
    ):
        sub = recording.add_parser(name)
        sub.add_argument(arg)
        sub.set_defaults(handler=handler)

    themes = groups.add_parser("themes", help="manage themes and their logos")
    theme = themes.add_subparsers(dest="action", required=True, metavar="ACTION")
    theme.add_parser("list").set_defaults(handler=cmd.themes_list)
    for name, handler in (
        ("show", cmd.themes_show),
        ("rooms", cmd.themes_rooms),
        ("set-default", cmd.themes_set_default),
        ("delete", cmd.themes_delete),
        ("update", cmd.themes_update),
        ("upload-logos", cmd.themes_upload_logos),
    ):
        sub = theme.add_parser(name)
        sub.add_argument("theme_id")
        sub.set_defaults(handler=handler)
    theme.choices["rooms"].add_argument("--page-size", type=int, default=None)
    theme.choices["delete"].add_argument("--force", action="store_true", help="even if in use")
    create_theme = theme.add_parser("create")
    create_theme.add_argument("--color", required=True, help="main colour, e.g. #12f64e")
    create_theme.add_argument("--brand-text", required=True)
    create_theme.set_defaults(handler=cmd.themes_create)
    for sub in (create_theme, theme.choices["update"]):
        sub.add_argument("--name")
        sub.add_argument("--short-url")
    theme.choices["update"].add_argument("--color")
    theme.choices["update"].add_argument("--brand-text")
    for logo in ("white", "colored", "favicon"):
        theme.choices["upload-logos"].add_argument(f"--{logo}", metavar="FILE.png")

    numbers = groups.add_parser("dial-in-numbers", help="numbers to dial into a meeting")
    numbers.set_defaults(handler=cmd.dial_in_numbers)


async def run(
    args: argparse.Namespace,
    settings: MeetingsSettings,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run one parsed command; 0 on success, 1 (one line on stderr) on any failure."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        async with aiohttp.ClientSession() as session:
            client = MeetingsClient.from_settings(session, settings)
            result = await args.handler(client, args)
    except (MeetbotError, ConfigError, OSError, ValueError) as e:
        print(f"error: {_one_line(e)}", file=err)
        return 1
    render(result.value, out, as_json=args.json, reveal=result.reveal)
    return 0


def main(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """`python -m bot meetings ARGS`: parse, read the Meetings variables from `env`, run."""
    parser = argparse.ArgumentParser(
        prog="python -m bot meetings", description="Administer the Vonage Meetings API."
    )
    build_parser(parser)
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exit_:  # argparse already printed the usage line
        return int(exit_.code or 0)
    try:
        config = meetings_config(env)
    except ConfigError as e:
        print(f"error: {'; '.join(e.problems)}", file=sys.stderr)
        return 1
    return asyncio.run(run(args, config))


# The request fields a person sets through a flag: errors name the flag they typed.
FLAGS = {
    "expires_at": "--until",
    "display_name": "--name",
    "theme_id": "--theme",
    "expire_after_use": "--expire-after-use",
    "metadata": "--metadata",
}


def _one_line(exc: BaseException) -> str:
    text = " ".join((str(exc) or type(exc).__name__).split())
    if isinstance(exc, ValidationError):
        for field in {e.field for e in exc.field_errors} & FLAGS.keys():
            text = text.replace(f"{field}:", f"{FLAGS[field]}:")
    return text
