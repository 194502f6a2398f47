"""A capture server on 127.0.0.1: it records every request as it came over the wire
(method, path, query, headers, raw body) and answers each route with a documented success.

Both sides of a differential test (a broker's official client, and `ordspec dispatch`) are
pointed at one of these; the records are then compared with compare.same_request.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

DEADLINE = 30.0  # seconds stop() waits for the serving thread


@dataclass(frozen=True)
class Captured:
    """One request exactly as it arrived: nothing is decoded but the query string."""

    method: str
    path: str  # as sent, without the query; never percent-decoded
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]  # names in the case and order the client sent
    body: bytes
    status: int = 0  # what the capture server answered

    def header(self, name: str) -> str | None:
        """The value of a header, by case-insensitive name (None when absent)."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None


@dataclass(frozen=True)
class Route:
    """METHOD and a path pattern (`{name}` matches one segment) with the answer to give.

    `answer` is the JSON to send, or a function of the path's named segments returning it.
    """

    method: str
    pattern: str
    answer: object
    status: int = 200

    def match(self, method: str, path: str) -> dict | None:
        if method != self.method:
            return None
        regex = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.pattern)) + "$"
        found = re.match(regex, path)
        return found.groupdict() if found else None

    def body(self, params: dict):
        return self.answer(**params) if callable(self.answer) else self.answer


NOT_ROUTED = {"status": "error", "error_type": "GeneralException", "message": "the capture server has no route for this"}


@dataclass
class CaptureServer:
    """A ThreadingHTTPServer on 127.0.0.1:0 that records what it is sent; use it as a context manager."""

    routes: list[Route] = field(default_factory=list)
    requests: list[Captured] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = True  # server_close() waits for every handler thread
        self.host, self.port = self._server.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name=f"capture-{self.port}", daemon=True)
        self._thread.start()

    def answer(self, method: str, path: str) -> tuple[int, object]:
        for route in self.routes:
            params = route.match(method, path)
            if params is not None:
                return route.status, route.body(params)
        return 404, NOT_ROUTED

    def record(self, captured: Captured) -> None:
        with self._lock:
            self.requests.append(captured)

    def take(self) -> list[Captured]:
        """The requests recorded so far, oldest first; the record starts again empty."""
        with self._lock:
            taken, self.requests = self.requests, []
        return taken

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=DEADLINE)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _handler(capture: CaptureServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection: no handler thread idles on keep-alive
        disable_nagle_algorithm = True

        def log_message(self, *args):  # quiet: the record is the log
            pass

        def _serve(self):
            parts = urlsplit(self.path)
            body = self._body()
            status, answer = capture.answer(self.command, parts.path)
            capture.record(
                Captured(
                    method=self.command,
                    path=parts.path,
                    query=tuple(parse_qsl(parts.query, keep_blank_values=True)),
                    headers=tuple(self.headers.items()),
                    body=body,
                    status=status,
                )
            )
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    return Handler
