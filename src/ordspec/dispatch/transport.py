"""HTTP to the broker (httpx: timeouts, one connection pool per run), rate-limited.

A failure is sorted by what it proves: NotSent when the request cannot have
reached the broker (no connection was made), Lost when it may have (the
connection broke or timed out after the request went out). Only the first
is safe to retry at a broker that does not deduplicate.
"""

from __future__ import annotations

import json
import time


class NotSent(Exception):
    """No connection was made: the broker cannot have acted."""


class Lost(Exception):
    """The request may have reached the broker, but no answer came back."""


class Answer:
    __slots__ = ("status", "payload", "headers", "text")  # text and payload are redacted by the Sender

    def __init__(self, status: int, payload, headers, text: str):
        self.status = status
        self.payload = payload  # parsed JSON, or None
        self.headers = headers
        self.text = text

    def retry_after(self) -> float | None:
        value = self.headers.get("retry-after") if self.headers else None
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            from email.utils import parsedate_to_datetime

            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                return None


class Transport:
    def __init__(self, base_url: str, headers: dict, rate_per_second: float, timeout: float):
        import httpx

        self._httpx = httpx
        self.client = httpx.Client(
            base_url=base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
        )
        self.interval = 1.0 / rate_per_second if rate_per_second > 0 else 0.0
        self._next = 0.0

    def close(self) -> None:
        self.client.close()

    def _pace(self) -> None:
        now = time.monotonic()
        if now < self._next:
            time.sleep(self._next - now)
        self._next = max(now, self._next) + self.interval

    def send(self, request) -> Answer:
        from ordspec.compiler.jsonout import dumps

        httpx = self._httpx
        self._pace()
        content = None if request.body is None else dumps(request.body, indent=None).encode()
        headers = {"Content-Type": "application/json"} if content is not None else {}
        try:
            response = self.client.request(request.method, request.path, params=request.query or None, content=content, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as e:
            raise NotSent(f"{type(e).__name__}: {e}") from None
        except httpx.TransportError as e:
            raise Lost(f"{type(e).__name__}: {e}") from None
        text = response.text
        try:
            payload = json.loads(text) if text else None
        except ValueError:
            payload = None
        return Answer(response.status_code, payload, response.headers, text)
