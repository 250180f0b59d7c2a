"""Command line: `python -m bot [--role all|web|worker]` and `python -m bot meetings ...`."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import ConfigError, Settings, log_level, process_env, wants_sandbox
from bot.logs import configure as configure_logging


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    env = process_env()
    if argv[:1] == ["meetings"]:
        from bot.meetings.cli import main as meetings_main

        return int(meetings_main(argv[1:], env))
    parser = argparse.ArgumentParser(prog="python -m bot", description="Run meetbot.")
    parser.add_argument(
        "--role",
        choices=["all", "web", "worker"],
        default="all",
        help="all (default): web and worker in one process; web or worker to scale them apart",
    )
    parser.add_argument("--log-level", default=log_level(env), help="default: LOG_LEVEL or INFO")
    args = parser.parse_args(argv)
    configure_logging(args.log_level)
    try:
        if args.role == "all" and wants_sandbox(env):
            # A fresh clone has no Slack app and no provider account: show the real bot in a
            # browser against the bundled fakes instead (README, "Try it without Slack").
            from bot.sandbox.demo import run_sandbox

            asyncio.run(run_sandbox(env))
            return 0
        settings = Settings.from_env(env)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        print("\nSee README.md (Configuration) and docs/slack-app.md.", file=sys.stderr)
        return 2
    from bot.run import Role, serve

    asyncio.run(serve(settings, Role(args.role)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
