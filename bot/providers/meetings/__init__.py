"""The Vonage Meetings API: async client, auth, models, callbacks and the room-provider adapter.

auth.py        JWT minting (pure) and the token cache
client.py      MeetingsClient: rooms, recordings, dial-in numbers (+ `client.themes`)
themes.py      themes and the 3-step logo upload
transport.py   HTTP exchange, retries, the one exception boundary
responses.py   check_response: status + error body -> bot.errors
retry.py       RetryPolicy and the retry/ambiguity contract for the job layer
models.py      response models;  bodies.py  request bodies + client-side validation
events.py      parse_callback: callback body -> bot.domain.rooms.RoomEvent
provider.py    MeetingsProvider (bot.domain.rooms.RoomProvider)
cli.py         admin commands (`python -m bot meetings ...`)
"""

from bot.providers.http.retry import NO_RETRY, RetryPolicy
from bot.providers.meetings.auth import TokenCache, mint_jwt
from bot.providers.meetings.bodies import CreateRoom, CreateTheme, UpdateRoom, UpdateTheme
from bot.providers.meetings.client import MeetingsClient
from bot.providers.meetings.events import parse_callback
from bot.providers.meetings.models import (
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
from bot.providers.meetings.provider import MeetingsProvider

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
