"""Cold start and idle memory of `python -m bot`, next to the bare import time of the four
libraries it cannot start without, measured in the same run (issue 20).

    .venv/bin/python bench/startup.py            # 5 starts of each, medians
    .venv/bin/python bench/startup.py --runs 3 --redis-url redis://127.0.0.1:6379/8

Per start: a fresh process, from exec to the first 200 on /healthz (polled every 5 ms), against
a fake Slack Web API and the Meetings emulator (bench/_servers.py) on 127.0.0.1. The baseline is
`python -c "import slack_bolt.async_app, aiohttp.web, saq, redis.asyncio"` (exec to exit).
Idle memory: over every process `python -m bot` started (the supervisor and both roles, forked
from it), read from /proc 3 s after /healthz answered: PSS (shared pages split between the
processes sharing them: what they take in all) and the plain RSS sum (which counts a shared page
once per process). Goals: cold start ≤ 2x the bare import; idle memory ≤ 100 MB in all.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

if __package__ in (None, ""):  # `python bench/startup.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._procs import Processes, free_port, tree
from bench.ack import bot_env, start_helpers

BARE = "import slack_bolt.async_app, aiohttp.web, saq, redis.asyncio"
VARIANTS = {
    "python -m bot (supervisor + web + worker)": ("-m", "bot"),
    "python -m bot --role web": ("-m", "bot", "--role", "web"),
}


async def bare_import() -> float:
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", BARE)
    await proc.wait()
    return time.perf_counter() - started


def memory_mb(pid: int) -> tuple[float, float]:
    """RSS and PSS of `pid` and its descendants, summed, in MB (/proc smaps_rollup). RSS counts
    a page shared by the forked roles once per process; PSS splits it between them, so the PSS
    sum is the memory the processes take in all."""
    rss = pss = 0
    for each in tree(pid):
        for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss += int(line.split()[1])
            elif line.startswith("Pss:"):
                pss += int(line.split()[1])
    return rss / 1024, pss / 1024


async def cold_start(procs: Processes, argv: tuple[str, ...], env: dict[str, str], url: str,
                     measure: bool) -> tuple[float, tuple[float, float], int]:  # fmt: skip
    """Seconds from exec to the first 200 on /healthz; idle RSS and PSS (MB); process count."""
    started = time.perf_counter()
    proc = await procs.start("bot", *argv, env=env)
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            if proc.returncode is not None:
                raise RuntimeError(f"python {' '.join(argv)} exited; see {procs.logs}/bot.log")
            await asyncio.sleep(0.005)
    elapsed = time.perf_counter() - started
    memory, count = (0.0, 0.0), 0
    if measure:
        await asyncio.sleep(3)
        memory, count = memory_mb(proc.pid), len(tree(proc.pid))
    await procs.stop(proc)
    return elapsed, memory, count


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        procs = Processes(Path(tmp))
        try:
            others, slack, meetings = await start_helpers(procs, "startup", 1)
            bare = [await bare_import() for _ in range(args.runs)]
            rows = []
            for name, argv in VARIANTS.items():
                port = free_port()
                env = bot_env(port, slack, args.redis_url, meetings)
                runs = [await cold_start(procs, argv, env, f"http://127.0.0.1:{port}", i == 0)
                        for i in range(args.runs)]  # fmt: skip
                rows.append((name, statistics.median(r[0] for r in runs), runs[0][1], runs[0][2]))
            await procs.stop(*others)
        finally:
            await procs.stop()
    base = statistics.median(bare)
    print(f"`bench/startup.py {' '.join(sys.argv[1:])}`: medians of {args.runs} starts")
    print()
    print("| command | cold start to /healthz 200 | ratio to bare import | processes "
          "| idle PSS, all | idle RSS, summed |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| bare import of the four libraries | {base * 1000:.0f} ms | 1.0x | | | |")
    for name, start, (rss, pss), count in rows:
        print(f"| {name} | {start * 1000:.0f} ms | {start / base:.1f}x | {count} "
              f"| {pss:.0f} MB | {rss:.0f} MB |")  # fmt: skip
    print()
    default = rows[0]
    print(f"- cold start ≤ 2x bare import: {'met' if default[1] <= 2 * base else 'MISSED'}")
    print(f"- idle memory ≤ 100 MB in all (PSS): {'met' if default[2][1] <= 100 else 'MISSED'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="starts per command (5)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8",
                        help="a Redis DB of the benchmark's own")  # fmt: skip
    asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
