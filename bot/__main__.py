"""Command line: `python -m bot [--role all|web|worker]`, `python -m bot meetings ...` and
`python -m bot daily ...`. With no credential at all it starts the local sandbox instead, when
the `meetbot-sandbox` distribution is installed."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings, has_no_credentials, log_level, process_env
from bot.logs import configure as configure_logging

if TYPE_CHECKING:
    from bot.run import Role

SANDBOX_MISSING = (
    "No Slack or room-provider credential is set, and the local sandbox is not installed: "
    "`pip install -e ./sandbox` (make run does it) to try meetbot without Slack, or set the "
    "variables in README.md (Configuration)."
)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    env = process_env()
    if argv[:1] == ["meetings"]:
        from bot.providers.meetings.cli import main as meetings_main

        return int(meetings_main(argv[1:], env))
    if argv[:1] == ["daily"]:
        from bot.providers.daily.cli import main as daily_main

        return daily_main(argv[1:], env)
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Run meetbot.",
        epilog="Admin commands: `python -m bot meetings --help` (Meetings API rooms, "
        "recordings, themes), `python -m bot daily --help` (Daily webhook setup).",
    )
    parser.add_argument(
        "--role",
        choices=["all", "web", "worker"],
        default="all",
        help="all (default): the web and worker roles as two supervised processes; web or "
        "worker to run one role alone (the Procfile, or to scale them apart)",
    )
    parser.add_argument("--log-level", default=log_level(env), help="default: LOG_LEVEL or INFO")
    args = parser.parse_args(argv)
    if args.role == "all" and has_no_credentials(env):
        # A fresh clone has no Slack app and no provider account: show the real bot in a
        # browser against the sandbox's fakes instead (README, "Try it without Slack").
        if importlib.util.find_spec("meetbot_sandbox") is None:
            print(SANDBOX_MISSING, file=sys.stderr)
            return 2
        from meetbot_sandbox.__main__ import main as sandbox_main

        return sandbox_main(["--log-level", args.log_level])
    configure_logging(args.log_level)
    try:
        settings = Settings.from_env(env)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        print("\nSee README.md (Configuration) and docs/slack-app.md.", file=sys.stderr)
        return 2
    from bot.run import Role

    if args.role == "all":
        # Two processes, so acks never wait behind jobs on one event loop (issue 20); the
        # supervisor has loaded bot.run (and so both roles' code) and forks them.
        from bot.supervisor import Supervisor

        return Supervisor(
            {
                "web": lambda: run_role(settings, Role.WEB),
                "worker": lambda: run_role(settings, Role.WORKER),
            }
        ).run()
    return run_role(settings, Role(args.role))


def run_role(settings: Settings, role: Role) -> int:
    """Run one role until it is stopped; 2 with one line when it refuses to start (a Slack
    token that Slack itself refuses), which the supervisor does not restart."""
    from bot.run import run_loop, serve

    try:
        run_loop(serve(settings, role))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
