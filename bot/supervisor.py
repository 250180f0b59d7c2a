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

log = logging.getLogger(__name__)

CONFIG_ERROR = 2  # what `python -m bot` exits with on bad configuration or usage
STOP_GRACE = 15.0  # seconds a child gets after SIGTERM before it is killed
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 30.0
HEALTHY_AFTER = 60.0  # a child that ran this long restarts with the first back-off again
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_WAKE_MAX = 1.0  # seconds: the longest the supervisor sleeps without looking at its children
_WATCHED = {signal.SIGCHLD, signal.SIGTERM, signal.SIGINT}

Role = Callable[[], int]  # runs in the child; returns its exit code


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
    restart_at: float | None = None


class Supervisor:
    """Signals are received synchronously: SIGCHLD, SIGTERM and SIGINT stay blocked in the
    supervisor and are taken with sigtimedwait, so none can land inside a fork or a log call
    (a handler raising there leaves the supervisor stuck); the children unblock them."""

    def __init__(self, roles: Mapping[str, Role], *, backoff_first: float = BACKOFF_FIRST) -> None:
        self.children = {
            name: Child(name, role, backoff=backoff_first) for name, role in roles.items()
        }
        self.backoff_first = backoff_first
        self.code = 0

    def run(self) -> int:
        """Fork every role, keep them running until SIGTERM/SIGINT, stop them; the exit code."""
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, _WATCHED)
        # Objects loaded so far are shared with the children: keep the collector from touching
        # (and so copying) their pages.
        gc.freeze()
        try:
            for child in self.children.values():
                self._fork(child, mask)
            self._watch(mask)
        finally:
            self._stop_all()
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        return self.code

    def _fork(self, child: Child, mask: set[int | signal.Signals]) -> None:
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 1
            try:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
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
        child.pid, child.started, child.restart_at = pid, time.monotonic(), None
        log.info("%s role started (pid %d)", child.name, pid)

    def _watch(self, mask: set[int | signal.Signals]) -> None:
        while True:
            self._reap()
            if self.code == CONFIG_ERROR:
                return
            now = time.monotonic()
            for child in self.children.values():
                if child.restart_at is not None and child.restart_at <= now:
                    self._fork(child, mask)
            due = [c.restart_at for c in self.children.values() if c.restart_at is not None]
            # Woken by a child's exit or a stop signal; the timeout only bounds a lost SIGCHLD.
            timeout = min([_WAKE_MAX, *(max(d - now, 0.0) for d in due)])
            got = signal.sigtimedwait(_WATCHED, timeout)
            if got is not None and got.si_signo in (signal.SIGTERM, signal.SIGINT):
                return

    def _reap(self) -> None:
        """Collect every child that exited; schedule its restart (or stop on code 2)."""
        for child in self.children.values():
            if not child.pid:
                continue
            pid, status = os.waitpid(child.pid, os.WNOHANG)
            if not pid:
                continue
            child.pid = 0
            code = exit_code(status)
            if code == CONFIG_ERROR:
                log.error("%s role exited with %d (configuration); stopping", child.name, code)
                self.code = CONFIG_ERROR
                continue
            if time.monotonic() - child.started >= HEALTHY_AFTER:
                child.backoff = self.backoff_first
            log.warning(
                "%s role exited with %d; restarting in %.0f s", child.name, code, child.backoff
            )
            child.restart_at = time.monotonic() + child.backoff
            child.backoff = min(child.backoff * 2, BACKOFF_MAX)

    def _stop_all(self) -> None:
        running = [c for c in self.children.values() if c.pid]
        for child in running:
            _signal(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        killed = False
        while running:
            for child in list(running):
                pid, status = os.waitpid(child.pid, os.WNOHANG)
                if not pid:
                    continue
                running.remove(child)
                child.pid = 0
                # Ended by the SIGTERM we sent is a clean stop, handled or not.
                ended = os.waitstatus_to_exitcode(status) == -signal.SIGTERM
                if self.code != CONFIG_ERROR:
                    self.code = max(self.code, 0 if ended else exit_code(status))
            if not running:
                break
            left = deadline - time.monotonic()
            if left <= 0 and not killed:
                for child in running:
                    log.warning(
                        "%s role did not stop in %.0f s; killing it", child.name, STOP_GRACE
                    )
                    _signal(child.pid, signal.SIGKILL)
                killed = True
            signal.sigtimedwait({signal.SIGCHLD}, max(min(left, _WAKE_MAX), 0.05))


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
