"""The corpus of real Slack request bodies (tests/fixtures/slack/, each file's source in the
README there) and the few fields a test changes to point one at meetbot's own surfaces.

What identifies the installation (team, enterprise, user, `is_enterprise_install`, `view.
app_installed_team_id`, `authorizations`) is never changed. What is changed, and why:
- which of our surfaces it reaches: `command`, `callback_id`, `actions[0].action_id`, the
  submitted view's `callback_id`/`state.values`/`private_metadata`, `event.tab`;
- ids Slack makes fresh for every interaction: `trigger_id` and `view.id` (each opens one view,
  and meetbot keys a request's work to them, so the same sample twice is two requests);
- `response_url`: a URL of the fake Slack, so nothing leaves the test.
"""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from meetbot_sandbox.slack.signing import interactive_body, new_trigger_id

from bot.home.view import HOME_START_MEETING_ACTION_ID
from bot.slack.events_route import parse_slack_body
from bot.slack.shortcuts import GLOBAL_SHORTCUT, MESSAGE_SHORTCUT
from bot.slack.start_submission import START_MEETING_CALLBACK_ID

FIXTURES = Path(__file__).parent / "fixtures" / "slack"
JSON = dict[str, Any]
_views = itertools.count(1)


def raw(name: str) -> str:
    return (FIXTURES / name).read_text()


def body_of(name: str) -> JSON:
    """The body as meetbot's /slack/events parses it (form, `payload=` JSON or JSON)."""
    text = raw(name)
    if name.endswith(".payload.json"):  # stored decoded: Slack sends it as form field `payload`
        text = urlencode({"payload": text})
    body = parse_slack_body(text, None)
    assert body is not None, name
    return body


def meet_command(name: str, *, text: str, response_url: str, outside_grid: bool = False) -> bytes:
    """A slash command sample as `/meet <text>`. `outside_grid` drops `enterprise_id` and
    `enterprise_name`, which Slack sends only inside Enterprise Grid (no plain-workspace
    slash command body from Slack was found; see the README)."""
    fields = dict(parse_qsl(raw(name), keep_blank_values=True))
    fields.update(
        command="/meet", text=text, response_url=response_url, trigger_id=new_trigger_id()
    )
    if outside_grid:
        fields.pop("enterprise_id", None)
        fields.pop("enterprise_name", None)
    return urlencode(fields).encode()


def _payload(name: str) -> JSON:
    payload: JSON = copy.deepcopy(json.loads(raw(name)))
    payload["trigger_id"] = new_trigger_id()
    return payload


def shortcut(name: str, *, response_url: str | None = None) -> bytes:
    """A global (`shortcut`) or message (`message_action`) shortcut sample as ours."""
    payload = _payload(name)
    message = payload["type"] == "message_action"
    payload["callback_id"] = MESSAGE_SHORTCUT if message else GLOBAL_SHORTCUT
    if message and response_url is not None:
        payload["response_url"] = response_url
    return interactive_body(payload)


def submission(name: str, values: JSON, *, private_metadata: str = "") -> bytes:
    """A view_submission sample as a submitted "Start a meeting" modal."""
    payload = _payload(name)
    view = payload["view"]
    view.update(
        id=f"V{next(_views):08d}",
        callback_id=START_MEETING_CALLBACK_ID,
        state={"values": values},
        private_metadata=private_metadata,
    )
    return interactive_body(payload)


def home_button(name: str, *, response_url: str) -> bytes:
    """A block_actions sample as a click on App Home's "Start a meeting" button."""
    payload = _payload(name)
    payload["actions"][0]["action_id"] = HOME_START_MEETING_ACTION_ID
    payload["response_url"] = response_url
    return interactive_body(payload)


def event(name: str, *, tab: str | None = None) -> bytes:
    """An Events API sample, as is (`tab` re-aims app_home_opened at the Home tab)."""
    body = json.loads(raw(name))
    if tab is not None:
        body["event"]["tab"] = tab
    return json.dumps(body).encode()
