"""The long fuzz run: the same properties as tests/test_fuzz_*.py, with many more examples and
fresh randomness each run (`make test` runs them briefly with a fixed seed).

    .venv/bin/python bench/fuzz.py                    # 2,000 examples per property
    .venv/bin/python bench/fuzz.py --examples 200     # a quick look

Runs pytest on the fuzz tests with MEETBOT_FUZZ_EXAMPLES set (tests/fuzzing.py reads it) against
real Redis (database --redis-db, flushed by the tests; not 0, not the tests' 15), the running
bot, the Meetings emulator and the fake Slack. Prints the example counts, the time taken and
pytest's verdict; a failure prints hypothesis' shrunk counterexample.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests/test_fuzz_grammar.py", "tests/test_fuzz_slack.py", "tests/test_fuzz_callbacks.py"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=2000, help="per property (2000)")
    args = parser.parse_args(argv)
    # The suite starts a redis-server of its own (tests/conftest.py): nothing else is touched.
    env = {**os.environ, "MEETBOT_FUZZ_EXAMPLES": str(args.examples)}
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest", *TESTS, "-q", "-p", "no:cacheprovider",
               "--timeout", "3600", "--hypothesis-show-statistics"]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    took = time.monotonic() - started
    verdict = "passed" if done.returncode == 0 else f"FAILED (pytest exit {done.returncode})"
    print(f"\nbench/fuzz.py: {args.examples} examples per property, {took:.0f} s, {verdict}; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
