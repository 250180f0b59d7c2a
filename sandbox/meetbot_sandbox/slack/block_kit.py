"""Block Kit checked the way Slack checks it before posting: slack_sdk's own models
(`slack_sdk.models.blocks`, `slack_sdk.models.views`, whose validators carry Slack's documented
limits) plus the limits they leave out. Every problem is named with its JSON pointer, as Slack's
`invalid_blocks` answers name them.

Slack's answers (observed, tests/fixtures/slack-web-api/README.md): chat.* say
`{"ok": false, "error": "invalid_blocks", "errors": ["<problem> [json-pointer:/blocks/0/text]"],
"response_metadata": {"messages": ["[ERROR] <problem> [json-pointer:/blocks/0/text]"]}}`;
views.* say `invalid_arguments` with the same `response_metadata.messages`; a response_url
answers HTTP 400 with the body `invalid_blocks`.

Limits: https://docs.slack.dev/reference/block-kit/blocks (50 blocks in a message, 100 in a
modal or Home tab; block_id up to 255 characters, unique), the text object (at least 1
character), and plain_text_input (`initial_value` no longer than `max_length`, which Slack counts
in UTF-16 code units, as JavaScript strings are).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
BLOCK_ID_MAX = 255


def utf16_length(text: str) -> int:
    """Length as Slack counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def message_problems(blocks: list[Any]) -> list[str]:
    """What Slack would refuse in a message's `blocks` (chat.*, response_url); [] if none."""
    return _blocks(blocks, "/blocks", MESSAGE_MAX_BLOCKS)


def view_problems(view: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a modal or Home tab (views.*); [] if none."""
    problems: list[str] = []
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        return ["must provide an array [json-pointer:/view/blocks]"]
    problems += _blocks(blocks, "/view/blocks", VIEW_MAX_BLOCKS)
    if problems:
        return problems
    try:
        View(**{k: v for k, v in view.items() if k != "blocks"}, blocks=blocks).to_dict()
    except SlackObjectFormationError as exc:
        problems.append(f"{exc} [json-pointer:/view]")
    except TypeError:
        problems.append("unknown field [json-pointer:/view]")
    return problems


def _blocks(blocks: list[Any], pointer: str, max_blocks: int) -> list[str]:
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"no more than {max_blocks} items allowed [json-pointer:{pointer}]")
    seen_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"{pointer}/{index}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            problems.append(f"must provide an object with a type [json-pointer:{where}]")
            continue
        problems += _own_limits(block, where)
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if block_id in seen_ids:
                problems.append(f"duplicate block_id [json-pointer:{where}/block_id]")
            seen_ids.add(block_id)
        problems += _model_problems(block, where)
    return problems


def _model_problems(block: dict[str, Any], where: str) -> list[str]:
    """slack_sdk's verdict: an unknown type parses to None, a broken limit raises."""
    try:
        parsed = Block.parse(block)
        if parsed is None:
            return [f"unsupported type `{block['type']}` [json-pointer:{where}/type]"]
        parsed.to_dict()
    except SlackObjectFormationError as exc:
        return [f"{exc} [json-pointer:{where}]"]
    except (TypeError, ValueError, KeyError, AttributeError):
        return [f"failed to match all allowed schemas [json-pointer:{where}]"]
    return []


def _own_limits(block: dict[str, Any], where: str) -> list[str]:
    """The documented limits slack_sdk does not check."""
    problems = []
    for path, node in _walk(block, where):
        if node.get("type") in ("plain_text", "mrkdwn") and node.get("text") == "":
            problems.append(f"must be more than 0 characters [json-pointer:{path}/text]")
        if node.get("type") == "plain_text_input" and _too_long(node):
            most = node["max_length"]
            problems.append(
                f"must be less than {most + 1} characters [json-pointer:{path}/initial_value]"
            )
    return problems


def _too_long(element: dict[str, Any]) -> bool:
    initial, most = element.get("initial_value"), element.get("max_length")
    return isinstance(initial, str) and isinstance(most, int) and utf16_length(initial) > most


def _walk(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}/{index}")
