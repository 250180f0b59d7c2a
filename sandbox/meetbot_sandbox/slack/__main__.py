"""Run the fake Slack standalone: `python -m meetbot_sandbox.slack --port 8900`.

Seeds a small workspace (#general with the bot in it, #random without, a private channel,
two people) so a locally running meetbot with SLACK_API_URL=http://127.0.0.1:8900/api/ has
somewhere to post. Every call is logged.
"""

from __future__ import annotations

import argparse
import logging

from aiohttp import web

from meetbot_sandbox.slack.app import create_fake_slack_app
from meetbot_sandbox.slack.state import FakeSlackState


def demo_state(base_url: str) -> FakeSlackState:
    state = FakeSlackState()
    state.base_url = base_url
    state.add_channel("C0GENERAL", "general")
    state.add_channel("C0RANDOM", "random", member=False)
    state.add_channel("G0PRIVATE", "leadership", private=True, member=False)
    state.add_user("U0ALICE", "alice", "Europe/Berlin", real_name="Alice Example")
    state.add_user("U0BOB", "bob", "America/New_York", real_name="Bob Example")
    return state


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m meetbot_sandbox.slack", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    state = demo_state(f"http://{args.host}:{args.port}")
    print(f"fake Slack Web API at http://{args.host}:{args.port}/api/")
    web.run_app(
        create_fake_slack_app(state), host=args.host, port=args.port, print=None, access_log=None
    )


if __name__ == "__main__":
    main()
