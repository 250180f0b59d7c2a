"""Jobs that keep cards true: a room event (from either callback route), a coalesced card
refresh, and the reconciliation sweep."""

from __future__ import annotations

import logging
from typing import Any

from bot.cards.live import LiveCards
from bot.cards.reconcile import Reconciler
from bot.domain.rooms import RoomEvent
from bot.meet.service import is_permanent
from bot.storage.jobs import JobFunction, JobName

log = logging.getLogger(__name__)


def card_functions(live: LiveCards, reconciler: Reconciler) -> dict[str, JobFunction]:
    async def room_event(
        ctx: dict[str, Any],
        *,
        meeting_id: str,
        event: dict[str, Any],
        received_at: str | None = None,
    ) -> str:
        try:
            return await live.handle_callback(meeting_id, RoomEvent.from_dict(event), received_at)
        except Exception as exc:
            if isinstance(exc, ValueError) or is_permanent(exc):
                log.warning("room event for meeting %s dropped: %s", meeting_id, type(exc).__name__)
                return "dropped"
            raise

    async def refresh_card(ctx: dict[str, Any], *, meeting_id: str) -> str:
        return await live.refresh_card(meeting_id)

    async def reconcile(ctx: dict[str, Any]) -> int:
        return await reconciler.sweep()

    return {
        JobName.ROOM_EVENT: room_event,
        JobName.REFRESH_CARD: refresh_card,
        JobName.RECONCILE: reconcile,
    }
