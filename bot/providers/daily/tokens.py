"""Self-signed Daily meeting tokens: minted here, with no request to Daily. Pure.

Daily accepts a meeting token that we sign ourselves "as long as the API key is still active"
(https://docs.daily.co/reference/rest-api/meeting-tokens/self-signing-tokens): a JWT signed with
the domain's API key, whose payload uses abbreviated property names and must include the room
`r`, the issue time `iat` and the domain id `d` (from `GET /`, `DailyClient.domain_config`).
The signature is HMAC-SHA256, as in the token Daily itself returns from `POST /meeting-tokens`
(its documented example's header is `{"alg":"HS256","typ":"JWT"}`).

Our tokens carry what the REST-minted ones did: the room, the owner flag, the expiry (the
room's), the cloud recording start for a recorded room's host, and a name when given.

    property                 claim
    room_name                r
    domain_id                d
    is_owner                 o
    exp                      exp     (unix seconds)
    user_name                u
    start_cloud_recording    sr
    auto_start_transcription ast     (issue 16: the host's joining starts the transcript)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

HEADER = {"alg": "HS256", "typ": "JWT"}


@dataclass(frozen=True)
class TokenClaims:
    """What a link's token grants: one room until `exp`, as guest or owner."""

    room_name: str
    is_owner: bool
    exp: datetime
    start_cloud_recording: bool = False
    user_name: str | None = None
    auto_start_transcription: bool = False

    def payload(self, *, domain_id: str, now: datetime) -> dict[str, object]:
        """The JWT payload in Daily's abbreviations."""
        claims: dict[str, object] = {
            "r": self.room_name,
            "d": domain_id,
            "iat": int(now.timestamp()),
            "exp": int(self.exp.timestamp()),
            "o": self.is_owner,
        }
        if self.start_cloud_recording:
            claims["sr"] = True
        if self.user_name:
            claims["u"] = self.user_name
        if self.auto_start_transcription:
            claims["ast"] = True
        return claims


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _json(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def sign(api_key: str, payload: dict[str, object]) -> str:
    """An HS256 JWT of `payload`, keyed with the API key (RFC 7519, compact serialisation)."""
    signing_input = f"{_b64(_json(HEADER))}.{_b64(_json(payload))}"
    mac = hmac.new(api_key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


def meeting_token(api_key: str, claims: TokenClaims, *, domain_id: str, now: datetime) -> str:
    """A meeting token Daily accepts for `claims.room_name` of the domain `domain_id`."""
    return sign(api_key, claims.payload(domain_id=domain_id, now=now))
