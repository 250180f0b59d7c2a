"""Run the Daily emulator standalone: `python -m meetbot_sandbox.daily --port 8801`.

Prints the environment lines that point meetbot at it (a fresh API key and webhook secret
unless given). Webhooks go to `--webhook-url`, by default meetbot's own
`http://127.0.0.1:3000/callbacks/daily`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import secrets

from meetbot_sandbox.daily.app import create_daily_emulator
from meetbot_sandbox.daily.keys import API_PREFIX
from meetbot_sandbox.serve import serve_until_stopped


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m meetbot_sandbox.daily", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8801, help="0 picks a free port")
    parser.add_argument("--api-key", default=None, help="default: a new random key")
    parser.add_argument("--webhook-secret", default=None, help="base64; default: a new one")
    parser.add_argument("--webhook-url", default="http://127.0.0.1:3000/callbacks/daily")
    parser.add_argument(
        "--rate-limits",
        action="store_true",
        help="enforce Daily's published REST rate limits (429 rate-limit-error); off by default",
    )
    return parser.parse_args(argv)


def env_lines(api_url: str, api_key: str, secret_b64: str) -> list[str]:
    return [
        "ROOM_PROVIDER=daily",
        f"DAILY_API_URL={api_url}",
        f"DAILY_API_KEY={api_key}",
        f"DAILY_WEBHOOK_SECRET={secret_b64}",
    ]


async def serve(args: argparse.Namespace) -> None:
    api_key = args.api_key or secrets.token_hex(32)
    secret_b64 = args.webhook_secret or base64.b64encode(secrets.token_bytes(32)).decode()
    app = create_daily_emulator(
        api_key=api_key,
        webhook_secret=base64.b64decode(secret_b64),
        webhook_url=args.webhook_url or None,
        rate_limits=args.rate_limits,
    )
    await serve_until_stopped(
        app,
        host=args.host,
        port=args.port,
        announce=lambda root: env_lines(root + API_PREFIX, api_key, secret_b64),
    )


def main(argv: list[str] | None = None) -> None:
    asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
