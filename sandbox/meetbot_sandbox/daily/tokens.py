"""Meeting tokens as Daily reads them: JWTs signed with the domain's API key, abbreviated claims.

Daily takes a token it minted (`POST /meeting-tokens`) and one a customer signed with the API
key alike (https://docs.daily.co/reference/rest-api/meeting-tokens/self-signing-tokens): an
HS256 JWT (the header of Daily's own example token) whose payload names properties by their
abbreviations (`r` the room, `d` the domain id, `o` owner, `exp`, `u` user name, ...) and must
include `r`, `iat` and `d`. So this emulator mints its REST tokens the same way and checks
every token the same way: the signature with the API key (PyJWT, not the bot's own code), the
algorithm, the domain id, the required claims. A token signed with another key, for another
domain, with unabbreviated names or without `iat` lets nobody in.

`TokenBook[token]` gives a valid token's properties under their full names (`room_name`,
`is_owner`, `exp`, ...), KeyError otherwise; iterating it lists the tokens minted over REST.
(This emulator mints REST tokens for one room only: meetbot asks for no other kind.)
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import jwt

# https://docs.daily.co/reference/rest-api/meeting-tokens/self-signing-tokens, "Token property
# abbreviations" (knocking -> k appears only in the newer page).
ABBREVIATIONS: Mapping[str, str] = {
    "nbf": "nbf",
    "exp": "exp",
    "domain_id": "d",
    "room_name": "r",
    "user_id": "ud",
    "user_name": "u",
    "is_owner": "o",
    "knocking": "k",
    "close_tab_on_exit": "ctoe",
    "redirect_on_meeting_exit": "rome",
    "intercom_join_alert": "ij",
    "start_cloud_recording": "sr",
    "start_cloud_recording_opts": "sro",
    "auto_start_transcription": "ast",
    "enable_recording": "er",
    "enable_screenshare": "ss",
    "start_video_off": "vo",
    "start_audio_off": "ao",
    "meeting_join_hook": "mjh",
    "eject_at_token_exp": "ejt",
    "eject_after_elapsed": "eje",
    "lang": "uil",
    "enable_recording_ui": "erui",
    "permissions": "p",
}
FULL_NAMES = {short: full for full, short in ABBREVIATIONS.items()}
REQUIRED = ("r", "iat", "d")


class TokenBook(Mapping[str, dict[str, Any]]):
    def __init__(self, api_key: str, domain_id: str) -> None:
        self._api_key = api_key
        self.domain_id = domain_id
        self._minted: list[str] = []

    def mint(self, properties: Mapping[str, Any], *, iat: int) -> str:
        """A token as `POST /meeting-tokens` returns it: the properties abbreviated, signed."""
        payload = {ABBREVIATIONS[k]: v for k, v in properties.items() if k in ABBREVIATIONS}
        payload |= {"d": self.domain_id, "iat": iat}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)  # a short test key
            token = jwt.encode(payload, self._api_key, algorithm="HS256")
        self._minted.append(token)
        return token

    def __getitem__(self, token: str) -> dict[str, Any]:
        claims = self._verified(token)
        if claims is None:
            raise KeyError("not a meeting token of this domain")
        return {FULL_NAMES.get(key, key): value for key, value in claims.items()}

    def _verified(self, token: str) -> dict[str, Any] | None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)  # a short test key
                claims = jwt.decode(
                    token,
                    self._api_key,
                    algorithms=["HS256"],
                    # Times are checked against the emulator's clock (DailyState.admits).
                    options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
                )
        except jwt.PyJWTError:
            return None
        if not isinstance(claims, dict) or any(key not in claims for key in REQUIRED):
            return None
        if claims["d"] != self.domain_id:
            return None
        return claims

    def __iter__(self) -> Iterator[str]:
        return iter(self._minted)

    def __len__(self) -> int:
        return len(self._minted)
