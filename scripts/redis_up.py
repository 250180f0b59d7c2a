"""Make sure a Redis answers on REDIS_URL; start a throwaway redis-server if none does.

Used by `make test` and `make run` so both work on a fresh machine. The server keeps
nothing on disk and is left running for the next command (it is cheap and idempotent).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def main() -> int:
    url = urlparse(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    host, port = url.hostname or "127.0.0.1", url.port or 6379
    if answers(host, port):
        return 0
    server = shutil.which("redis-server")
    if server is None:
        print(
            f"No Redis answers on {host}:{port} and redis-server is not installed.", file=sys.stderr
        )
        return 1
    args = [server, "--bind", host, "--port", str(port), "--save", "", "--appendonly", "no"]
    subprocess.Popen([*args, "--daemonize", "yes"])  # noqa: S603 - fixed argv, no shell
    for _ in range(50):
        if answers(host, port):
            print(f"Started a throwaway redis-server on {host}:{port}.")
            return 0
        time.sleep(0.1)
    print(f"redis-server did not come up on {host}:{port}.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
