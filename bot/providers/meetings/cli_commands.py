"""What each admin CLI command does with a `MeetingsClient`; printing is `cli_render`'s job.

Every handler takes the client and the parsed arguments and returns a `Result`: the value to
print and whether secrets (host URL, download link) may be shown for it.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from bot.providers.meetings.bodies import CreateRoom, CreateTheme, UpdateRoom, UpdateTheme
from bot.providers.meetings.client import MeetingsClient
from bot.providers.meetings.models import RoomType


@dataclass(frozen=True)
class Result:
    value: object
    reveal: bool = False  # single-object admin views may show the host URL / download link


Handler = Callable[[MeetingsClient, argparse.Namespace], Awaitable[Result]]


def until(raw: str) -> datetime:
    """`--until`: '2026-12-31' (the end of that day, UTC) or an ISO date-time (naive = UTC)."""
    try:
        if len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time(23, 59, 59), tzinfo=UTC)
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date like 2026-12-31 or 2026-12-31T18:00+01:00, got {raw!r}"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def rooms_list(client: MeetingsClient, args: argparse.Namespace) -> Result:
    return Result([room async for room in client.iter_rooms(page_size=args.page_size)])


async def rooms_show(client: MeetingsClient, args: argparse.Namespace) -> Result:
    return Result(await client.get_room(args.room_id), reveal=True)


async def rooms_create(client: MeetingsClient, args: argparse.Namespace) -> Result:
    long_term = args.long_term or args.until is not None
    body = CreateRoom(
        display_name=args.name,
        type=RoomType.LONG_TERM if long_term else RoomType.INSTANT,
        expires_at=args.until,
        metadata=args.metadata,
        auto_record=args.record,
        expire_after_use=args.expire_after_use,
        theme_id=args.theme,
    )
    return Result(await client.create_room(body), reveal=True)


async def rooms_update(client: MeetingsClient, args: argparse.Namespace) -> Result:
    body = UpdateRoom(
        expires_at=args.until, expire_after_use=args.expire_after_use, theme_id=args.theme
    )
    return Result(await client.update_room(args.room_id, body), reveal=True)


async def recordings_show(client: MeetingsClient, args: argparse.Namespace) -> Result:
    return Result(await client.get_recording(args.recording_id), reveal=True)


async def recordings_delete(client: MeetingsClient, args: argparse.Namespace) -> Result:
    await client.delete_recording(args.recording_id)
    return Result(f"deleted recording {args.recording_id}")


async def recordings_session(client: MeetingsClient, args: argparse.Namespace) -> Result:
    return Result(await client.session_recordings(args.session_id))


async def dial_in_numbers(client: MeetingsClient, args: argparse.Namespace) -> Result:
    return Result(await client.dial_in_numbers())


async def themes_list(client: MeetingsClient, args: argparse.Namespace) -> Result:
    return Result(await client.themes.list())


async def themes_show(client: MeetingsClient, args: argparse.Namespace) -> Result:
    return Result(await client.themes.get(args.theme_id))


async def themes_create(client: MeetingsClient, args: argparse.Namespace) -> Result:
    body = CreateTheme(
        main_color=args.color,
        brand_text=args.brand_text,
        theme_name=args.name,
        short_company_url=args.short_url,
    )
    return Result(await client.themes.create(body))


async def themes_update(client: MeetingsClient, args: argparse.Namespace) -> Result:
    body = UpdateTheme(
        theme_name=args.name,
        main_color=args.color,
        brand_text=args.brand_text,
        short_company_url=args.short_url,
    )
    return Result(await client.themes.update(args.theme_id, body))


async def themes_delete(client: MeetingsClient, args: argparse.Namespace) -> Result:
    await client.themes.delete(args.theme_id, force=args.force)
    return Result(f"deleted theme {args.theme_id}")


async def themes_rooms(client: MeetingsClient, args: argparse.Namespace) -> Result:
    rooms = client.themes.iter_rooms(args.theme_id, page_size=args.page_size)
    return Result([room async for room in rooms])


async def themes_upload_logos(client: MeetingsClient, args: argparse.Namespace) -> Result:
    files = {"white": args.white, "colored": args.colored, "favicon": args.favicon}
    logos = {
        kind: await asyncio.to_thread(Path(path).read_bytes)
        for kind, path in files.items()
        if path is not None
    }
    await client.themes.upload_logos(args.theme_id, logos)
    return Result(await client.themes.get(args.theme_id))


async def themes_set_default(client: MeetingsClient, args: argparse.Namespace) -> Result:
    return Result(await client.themes.set_default(args.theme_id))
