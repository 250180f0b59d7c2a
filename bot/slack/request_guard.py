"""What Bolt's request verification leaves open: replays, and request bodies in its log.

Bolt accepts a correctly signed request whose timestamp is within 5 minutes of our clock, as
often as it arrives. Anyone who captures one (a proxy log, a leaked HAR file) can replay it in
that window: a replayed "Join" click or modal submission would act again. The signature is an
HMAC over timestamp and body, so a byte-identical replay carries the same signature: each is
remembered in Redis (`SET NX`, `Keys.slack_request`) for as long as it could verify, and a
second sighting is refused with 401. Slack's own retries are re-signed, so they pass.

Bolt also logs every request that fails verification *with its body* at INFO: the body of an
expired but genuine request holds its `response_url`, which can post to the channel for 30
minutes. `WithholdBodies` rewrites that line.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.errors import Unavailable
from bot.storage.seen_requests import SeenRequests

log = logging.getLogger(__name__)

# slack_bolt/middleware/request_verification/request_verification.py names its logger so.
BOLT_VERIFICATION_LOGGER = "slack_bolt.RequestVerification"
_INVALID_SIGNATURE = "Invalid request signature detected"


class ReplayGuard:
    def __init__(self, seen: SeenRequests) -> None:
        self._seen = seen

    async def first_sighting(self, signature: str) -> bool:
        """True unless this signature was seen before. Redis down counts as first: the
        listener fails the same way and answers "temporarily unavailable" itself."""
        try:
            return await self._seen.first_sighting(signature)
        except Unavailable:
            return True

    async def middleware(
        self,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],  # Bolt passes arguments by these names
    ) -> BoltResponse:
        """Bolt global middleware; runs after the signature was verified."""
        if req.mode == "socket_mode":  # nothing signed, nothing to replay over HTTP
            return await next()
        signature = req.headers.get("x-slack-signature", [""])[0]
        if not signature or await self.first_sighting(signature):
            return await next()
        log.warning("refused a replayed Slack request")
        # X-Slack-No-Retry: were it Slack itself sending the same bytes twice, the first was served.
        return BoltResponse(
            status=401, body={"error": "replayed request"}, headers={"X-Slack-No-Retry": "1"}
        )


class WithholdBodies(logging.Filter):
    """Drop the request body (and signature) from Bolt's "invalid signature" log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(_INVALID_SIGNATURE):
            record.msg, record.args = f"{_INVALID_SIGNATURE} (request withheld)", ()
        return True


def install(bolt: AsyncApp, seen: SeenRequests) -> None:
    """Guard `bolt` against replays and keep request bodies out of its verification log."""
    bolt.use(ReplayGuard(seen).middleware)
    logger = logging.getLogger(BOLT_VERIFICATION_LOGGER)
    if not any(isinstance(f, WithholdBodies) for f in logger.filters):
        logger.addFilter(WithholdBodies())
