"""JWT checks on every API request, as the Vonage gateway did before the Meetings API saw it.

`Authorization: Bearer <jwt>`, RS256 over the application's public key, with the claims the
Vonage docs require: application_id (this application's), iat, jti and exp. Anything else gets
the gateway's 401 body (tests/fixtures/vonage-recorded/unauthorized.json).
"""

from __future__ import annotations

import logging

import jwt
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from meetbot_sandbox.meetings.errors import unauthorized_response
from meetbot_sandbox.meetings.keys import API_PREFIX

log = logging.getLogger(__name__)


def load_public_key(public_key_pem: str) -> RSAPublicKey:
    """Parse the application's key once, so a bad key fails at startup, not per request."""
    key = load_pem_public_key(public_key_pem.encode())
    if not isinstance(key, RSAPublicKey):
        raise ValueError("the Meetings application key must be an RSA public key")
    return key


def verify_token(token: str, *, application_id: str, public_key: RSAPublicKey) -> bool:
    """True if `token` is one the real gateway would have let through. Uses the wall clock."""
    try:
        claims = jwt.decode(
            token,
            public_key,
            algorithms=["RS256"],
            options={"require": ["application_id", "iat", "jti", "exp"]},
        )
    except jwt.PyJWTError as exc:
        log.info("meetings emulator: token refused: %s", exc)
        return False
    return claims.get("application_id") == application_id


def jwt_middleware(*, application_id: str, public_key_pem: str) -> Middleware:
    public_key = load_public_key(public_key_pem)

    @web.middleware
    async def check_jwt(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not verify_token(
            token.strip(), application_id=application_id, public_key=public_key
        ):
            return unauthorized_response()
        return await handler(request)

    return check_jwt
