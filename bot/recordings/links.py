"""Recording links that keep working: `PUBLIC_URL/recordings/<token>` instead of the provider's
pre-signed download link, which expires (Daily's access links after an hour by default, 12
hours at most: https://docs.daily.co/reference/rest-api/recordings/get-recording-link; the
Meetings link in tests/fixtures/vonage-recorded/get_recording.json was valid about 20 hours).
A click on the link asks the provider for a fresh download link (`bot.recordings.route`).

Why a signed token, not a random one stored in Redis. The token is
`base64url(recording id) "." base64url(HMAC-SHA256(key, provider "\\n" recording id)[:16])`:

- It lives as long as the recording does. A stored token needs a TTL, and the longest we can
  justify is the meeting record's (its room's expiry plus `MEETING_GRACE_TTL`, 30 days): the
  link in the thread would die a month after the meeting, which is the complaint we are
  fixing. A signed token has nothing to expire; the provider says when the recording is gone
  (deleted by hand or by `RECORDING_RETENTION_DAYS`), and the link then answers a 404 page.
- Restarts and replicas: the key is derived from SLACK_SIGNING_SECRET, which every mode and
  both providers require, so every replica computes the same key and nothing is stored.
- Not forgeable: without the key, a valid MAC for another recording id is a 2^-128 guess
  (128-bit truncated HMAC-SHA256, NIST SP 800-107 §5.3.4); a wrong MAC is refused before any
  provider call, compared in constant time. The provider's name is signed too, so a link
  minted while meetbot ran on Meetings is not replayed against Daily after a switch.
- Key separation: the key is HMAC(signing secret, a fixed label), never the signing secret
  itself, so a recording token can never pass for a Slack request signature or the reverse.

The cost: regenerating the Slack signing secret (Slack app > Basic Information) makes the
links posted before it answer the 404 page; the recordings themselves are untouched (README).
A token carries the recording id in the clear, which without the provider's credentials
opens nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass, field

ROUTE_PREFIX = "/recordings/"
# Changing the label invalidates every link ever posted: only for a deliberate key rotation.
KEY_LABEL = b"meetbot/recording-link/v1"
MAC_BYTES = 16  # 128 bits
MAX_RECORDING_ID = 128  # Meetings and Daily recording ids are UUIDs (36 characters)
# base64url of at most MAX_RECORDING_ID bytes, a dot, base64url of the MAC: anything else is
# refused without decoding it.
_TOKEN = re.compile(r"([A-Za-z0-9_-]{2,172})\.([A-Za-z0-9_-]{22})")
_RECORDING_ID = re.compile(rf"[\x21-\x7e]{{1,{MAX_RECORDING_ID}}}")  # printable, no spaces


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class RecordingLinks:
    """Mints and checks recording tokens for one deployment (public URL, provider, key)."""

    public_url: str
    provider: str
    key: bytes = field(repr=False)

    @classmethod
    def from_secret(cls, secret: str, *, public_url: str, provider: str) -> RecordingLinks:
        key = hmac.new(secret.encode(), KEY_LABEL, hashlib.sha256).digest()
        return cls(public_url=public_url.rstrip("/"), provider=provider, key=key)

    def url(self, recording_id: str) -> str:
        """The link to post in Slack for this recording."""
        return f"{self.public_url}{ROUTE_PREFIX}{self.token(recording_id)}"

    def token(self, recording_id: str) -> str:
        if not _RECORDING_ID.fullmatch(recording_id):
            raise ValueError("a recording id is 1-128 printable characters without spaces")
        return f"{_b64(recording_id.encode())}.{_b64(self._mac(recording_id))}"

    def recording_id(self, token: str) -> str | None:
        """The recording this token was minted for, or None if it is malformed or forged."""
        match = _TOKEN.fullmatch(token)
        if match is None:
            return None
        try:
            recording_id = _unb64(match[1]).decode("ascii")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        # Compared as text, not as decoded bytes: base64 decoding ignores the spare low bits
        # of a last character, so several spellings decode alike; only ours is accepted.
        if not _RECORDING_ID.fullmatch(recording_id) or _b64(recording_id.encode()) != match[1]:
            return None
        if not hmac.compare_digest(match[2], _b64(self._mac(recording_id))):
            return None
        return recording_id

    def _mac(self, recording_id: str) -> bytes:
        message = f"{self.provider}\n{recording_id}".encode()
        return hmac.new(self.key, message, hashlib.sha256).digest()[:MAC_BYTES]
