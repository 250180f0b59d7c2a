"""Command line: `python -m bot [--role all|web|worker] [--provider meetings|daily]` and
`python -m bot meetings ...`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine
from typing import Any

from bot.config import ConfigError, ProviderName, Settings, log_level, process_env, wants_sandbox
from bot.logs import configure as configure_logging


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    env = process_env()
    if argv[:1] == ["meetings"]:
        from bot.meetings.cli import main as meetings_main

        return int(meetings_main(argv[1:], env))
    if argv[:1] == ["daily"]:
        from bot.daily.cli import main as daily_main

        return daily_main(argv[1:], env)
    parser = argparse.ArgumentParser(prog="python -m bot", description="Run meetbot.")
    parser.add_argument(
        "--role",
        choices=["all", "web", "worker"],
        default="all",
        help="all (default): web and worker in one process; web or worker to scale them apart",
    )
    parser.add_argument(
        "--provider",
        choices=[p.value for p in ProviderName],
        default=None,
        help="the sandbox's emulated provider (no credentials set); default: ROOM_PROVIDER "
        "or meetings",
    )
    parser.add_argument("--log-level", default=log_level(env), help="default: LOG_LEVEL or INFO")
    args = parser.parse_args(argv)
    sandbox = args.role == "all" and wants_sandbox(env)
    if args.provider is not None and not sandbox:
        parser.error(
            "--provider picks the sandbox's emulator, which runs only with no credential set "
            "and --role all; with credentials, ROOM_PROVIDER picks the provider"
        )
    configure_logging(args.log_level)
    try:
        if sandbox:
            # A fresh clone has no Slack app and no provider account: show the real bot in a
            # browser against the bundled fakes instead (README, "Try it without Slack").
            from bot.sandbox.demo import choose_provider, run_sandbox

            run_loop(run_sandbox(env, choose_provider(args.provider, env)))
            return 0
        settings = Settings.from_env(env)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        print("\nSee README.md (Configuration) and docs/slack-app.md.", file=sys.stderr)
        return 2
    from bot.run import Role, serve

    run_loop(serve(settings, Role(args.role)))
    return 0


def run_loop(main: Coroutine[Any, Any, None]) -> None:
    """`asyncio.run`, on uvloop where it is installed (Linux: a dependency there).

    uvloop's event loop and transports are C: with hiredis, ~7 % less worker CPU per `/meet`
    and a steadier ack p99 for one process at 200 /s (docs/benchmarks.md, fourth round).
    Behaviour is asyncio's either way."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)


if __name__ == "__main__":
    sys.exit(main())
