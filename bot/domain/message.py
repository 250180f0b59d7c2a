"""A Slack message as the use cases hand it to Slack: fallback text plus Block Kit blocks.
Built by the renderers (`bot.meet.blocks`, `bot.standups.blocks`, `bot.home.view`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Block = dict[str, Any]


@dataclass(frozen=True)
class Message:
    """One Slack message: pass as `text=`, `blocks=` to chat.postMessage/update or a response."""

    text: str
    blocks: list[Block]

    def kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}
