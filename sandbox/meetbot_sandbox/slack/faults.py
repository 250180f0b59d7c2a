"""Server errors the fake Slack can be told to answer, beside `set_rate_limit`'s 429s.

Slack's Web API answers an outage or an internal failure with an HTTP 5xx
(docs.slack.dev/apis/web-api: "5xx ... retry with exponential backoff"); the body is
`{"ok": false, "error": "internal_error"}` or an HTML page. `state.server_errors.set(method,
times=2)` makes the next two calls of `method` answer so, before authentication, and whether
the fake would otherwise have done anything (it does not: like Slack's 503, nothing is done).
"""

from __future__ import annotations


class ServerErrors:
    def __init__(self) -> None:
        self._pending: dict[str, tuple[int, int]] = {}

    def set(self, method: str, *, times: int, status: int = 500) -> None:
        """The next `times` calls of `method` answer HTTP `status` (500-599)."""
        if not 500 <= status <= 599:
            raise ValueError(f"a server error is 5xx, not {status}")
        self._pending[method] = (times, status)

    def take(self, method: str) -> int | None:
        """The status this call of `method` must answer, or None to answer normally."""
        times, status = self._pending.get(method, (0, 0))
        if times <= 0:
            return None
        self._pending[method] = (times - 1, status)
        return status
