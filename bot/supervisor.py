"""`python -m bot` with both roles: the web and the worker role as two child processes, so the
acks never share an event loop with jobs (issue 20: one process missed the ack goals at 200 /s).

The supervisor loads the code both roles run, then forks one child per role (as gunicorn's
`--preload` does): the children start without importing anything again and share those pages
with it, so three processes cost little more memory than one. It:
- forwards SIGTERM/SIGINT to both children and exits once they have, with the worst exit code
  (a child ended by the SIGTERM it was sent counts as a clean stop);
- restarts a child that dies, after a back-off, with a log line; a child that exits with 2 (bad
  configuration) is not restarted: the other is stopped and 2 is the exit code;
- on Linux, has the kernel SIGTERM each child when the supervisor dies, even by SIGKILL
  (prctl PR_SET_PDEATHSIG), so no child outlives it.
The supervisor runs no event loop and opens no connection: nothing of it is shared by mistake.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType

log = logging.getLogger(__name__)

CONFIG_ERROR = 2  # what `python -m bot` exits with on bad configuration or usage
STOP_GRACE = 15.0  # seconds a child gets after SIGTERM before it is killed
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 30.0
HEALTHY_AFTER = 60.0  # a child that ran this long restarts with the first back-off again
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_POLL = 0.05

Role = Callable[[], int]  # runs in the child; returns its exit code


class _Stop(Exception):
    """Raised by the SIGTERM/SIGINT handler to leave a blocking wait in the supervisor."""


def exit_code(status: int) -> int:
    """A wait status as a shell reports it (killed by signal N -> 128 + N)."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


@dataclass
class Child:
    name: str
    role: Role
    pid: int = 0
    started: float = 0.0
    backoff: float = BACKOFF_FIRST


class Supervisor:
    def __init__(self, roles: Mapping[str, Role], *, backoff_first: float = BACKOFF_FIRST) -> None:
        self.children = {
            name: Child(name, role, backoff=backoff_first) for name, role in roles.items()
        }
        self.backoff_first = backoff_first
        self.code = 0

    def run(self) -> int:
        """Fork every role, keep them running until SIGTERM/SIGINT, stop them; the exit code."""
        previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        # Objects loaded so far are shared with the children: keep the collector from touching
        # (and so copying) their pages.
        gc.freeze()
        try:
            for child in self.children.values():
                self._fork(child)
            self._watch()
        except _Stop:
            pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self._stop_all()
        return self.code

    def _fork(self, child: Child) -> None:
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 1
            try:
                for sig in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(sig, signal.SIG_DFL)
                _die_with(parent)
                code = child.role()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        child.pid, child.started = pid, time.monotonic()
        log.info("%s role started (pid %d)", child.name, pid)

    def _watch(self) -> None:
        while True:
            pid, status = os.wait()
            child = next((c for c in self.children.values() if c.pid == pid), None)
            if child is None:
                continue
            child.pid = 0
            code = exit_code(status)
            if code == CONFIG_ERROR:
                log.error("%s role exited with %d (configuration); stopping", child.name, code)
                self.code = CONFIG_ERROR
                return
            if time.monotonic() - child.started >= HEALTHY_AFTER:
                child.backoff = self.backoff_first
            log.warning(
                "%s role exited with %d; restarting in %.0f s", child.name, code, child.backoff
            )
            time.sleep(child.backoff)
            child.backoff = min(child.backoff * 2, BACKOFF_MAX)
            self._fork(child)

    def _stop_all(self) -> None:
        running = [c for c in self.children.values() if c.pid]
        for child in running:
            _signal(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        while running:
            for child in list(running):
                pid, status = os.waitpid(child.pid, os.WNOHANG)
                if pid:
                    running.remove(child)
                    child.pid = 0
                    # Ended by the SIGTERM we sent is a clean stop, handled or not.
                    stopped = (
                        0
                        if os.waitstatus_to_exitcode(status) == -signal.SIGTERM
                        else exit_code(status)
                    )
                    if self.code != CONFIG_ERROR:
                        self.code = max(self.code, stopped)
            if running and time.monotonic() > deadline:
                for child in running:
                    log.warning(
                        "%s role did not stop in %.0f s; killing it", child.name, STOP_GRACE
                    )
                    _signal(child.pid, signal.SIGKILL)
                deadline = float("inf")
            if running:
                time.sleep(_POLL)


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _die_with(parent: int) -> None:
    """SIGTERM me when my parent dies (Linux); if it already has, stop now."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)
