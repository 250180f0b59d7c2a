"""`python -m meetbot_sandbox [--provider meetings|daily]`: the browser sandbox. The real bot
(both roles, Redis at REDIS_URL) against the chosen provider's emulator and the fake Slack,
on 127.0.0.1; prints the page's URL once it answers. `python -m bot` with no credential at
all comes here too."""

from __future__ import annotations

import argparse
import sys

from bot.config import ConfigError, ProviderName, log_level, process_env
from bot.logs import configure as configure_logging
from bot.run import run_loop
from meetbot_sandbox.demo import choose_provider, run_sandbox


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    env = process_env()
    parser = argparse.ArgumentParser(prog="python -m meetbot_sandbox", description=__doc__)
    parser.add_argument(
        "--provider",
        choices=[p.value for p in ProviderName],
        default=None,
        help="the emulated provider; default: ROOM_PROVIDER or meetings",
    )
    parser.add_argument("--log-level", default=log_level(env), help="default: LOG_LEVEL or INFO")
    args = parser.parse_args(argv)
    configure_logging(args.log_level)
    try:
        run_loop(run_sandbox(env, choose_provider(args.provider, env)))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
