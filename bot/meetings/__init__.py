"""The Vonage Meetings API: async client, auth, models, callbacks and the room-provider adapter.

auth.py        JWT minting (pure) and the token cache
client.py      MeetingsClient: rooms, recordings, dial-in numbers (+ `client.themes`)
themes.py      themes and the 3-step logo upload
transport.py   HTTP exchange, retries, the one exception boundary
responses.py   check_response: status + error body -> bot.errors
retry.py       RetryPolicy and the retry/ambiguity contract for the job layer
models.py      response models;  bodies.py  request bodies + client-side validation
events.py      parse_callback: callback body -> bot.rooms.RoomEvent
provider.py    MeetingsProvider (bot.rooms.RoomProvider)
cli.py         admin commands (`python -m bot meetings ...`)
"""

from bot.meetings.auth import TokenCache, mint_jwt
from bot.meetings.bodies import CreateRoom, CreateTheme, UpdateRoom, UpdateTheme
from bot.meetings.client import MeetingsClient
from bot.meetings.events import parse_callback
from bot.meetings.models import (
    Application,
    CallbackUrls,
    DialInNumber,
    LogoType,
    LogoUploadUrl,
    Recording,
    Room,
    RoomPage,
    RoomType,
    Theme,
)
from bot.meetings.provider import MeetingsProvider
from bot.meetings.retry import NO_RETRY, RetryPolicy

__all__ = [
    "NO_RETRY",
    "Application",
    "CallbackUrls",
    "CreateRoom",
    "CreateTheme",
    "DialInNumber",
    "LogoType",
    "LogoUploadUrl",
    "MeetingsClient",
    "MeetingsProvider",
    "Recording",
    "RetryPolicy",
    "Room",
    "RoomPage",
    "RoomType",
    "Theme",
    "TokenCache",
    "UpdateRoom",
    "UpdateTheme",
    "mint_jwt",
    "parse_callback",
]
