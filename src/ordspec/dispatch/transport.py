"""HTTP to the broker (httpx: timeouts, one connection pool per run), rate-limited.

A failure is sorted by what it proves: NotSent when the request cannot have
reached the broker (no connection was made), Lost when it may have (the
connection broke or timed out after the request went out). Only the first
is safe to retry at a broker that does not deduplicate.
"""

from __future__ import annotations

import json
import time

MAX_ANSWER = 8 * 2**20  # bytes of an answer ordspec reads; a longer one is not read as JSON
MAX_DEPTH = 64  # nesting of an answer's JSON that ordspec reads


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
    def __init__(self, base_url: str, headers: dict, rate_per_second: float, timeout: float, clock=time.monotonic, sleep=time.sleep):
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
        self.clock, self.sleep = clock, sleep  # injectable: a test of the pacing need not wait

    def close(self) -> None:
        self.client.close()

    def _pace(self) -> None:
        now = self.clock()
        if now < self._next:
            self.sleep(self._next - now)
        self._next = max(now, self._next) + self.interval

    def send(self, request) -> Answer:
        """Send one request, its body encoded as the request says (Request.content)."""
        httpx = self._httpx
        self._pace()
        content = request.content()
        headers = {"Content-Type": request.content_type} if content is not None else {}
        try:
            with self.client.stream(request.method, request.path, params=request.query or None, content=content, headers=headers) as response:
                data = bytearray()
                for chunk in response.iter_bytes():
                    data += chunk
                    if len(data) > MAX_ANSWER:
                        break
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as e:
            raise NotSent(f"{type(e).__name__}: {e}") from None
        except httpx.RequestError as e:  # a broken connection, or an answer that came and cannot be decoded
            raise Lost(f"{type(e).__name__}: {e}") from None
        return read_answer(response.status_code, response.headers, bytes(data))


def read_answer(status: int, headers, data: bytes) -> Answer:
    """An answer from its bytes: JSON when it is JSON of a sane size and depth, else payload None."""
    whole = len(data) <= MAX_ANSWER
    text = data[:MAX_ANSWER].decode("utf-8", "replace")
    payload = None
    if whole and text.strip():
        try:
            payload = json.loads(text)
        except (ValueError, RecursionError):  # (json raises RecursionError on deep nesting)
            payload = None
        if not _shallow(payload):
            payload = None
    if not whole:
        text = text[:2000] + f" ... (an answer of more than {MAX_ANSWER // 2**20} MiB, not read)"
    return Answer(status, payload, headers, text)


def _shallow(value) -> bool:
    """Whether a parsed JSON value nests at most MAX_DEPTH deep (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                return False
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return True
