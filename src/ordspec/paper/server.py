"""The paper broker: every broker's API on 127.0.0.1, as its documents describe it (paper/brokers/).

    ordspec paper-broker --port 8765 [--db PATH]
    ordspec dispatch orders.ord --base-url http://127.0.0.1:8765

Built on the standard library's ThreadingHTTPServer: it is enough for a local
stand-in, needs no dependency, and owns its sockets, which is what injecting
faults takes (answering 503 or 429, answering slowly, or acting and then
dropping the connection without an answer). The paths of the APIs do not
overlap, so one server is all of them. A body is JSON, or a form where its
Content-Type says so. Faults and a state dump are under /_paper/:

    POST /_paper/faults   [{"method": "POST", "path": "/v1/order-advance/create",
                            "status": 503 | "drop": "before" | "after" | "delay": 2.5,
                            "retry_after": 1, "times": 2,
                            "body": {...} | "raw": "not json", "repeat": 1000, "headers": {...}}, ...]
    DELETE /_paper/faults
    GET /_paper/orders
    POST /_paper/prices            [{"symbol", "price", "time"?}, ...]: the book moves (book.py)
    POST /_paper/orders/{id}       {"status": ...}: set an order's status
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, urlsplit

from ordspec.paper.brokers import handlers
from ordspec.paper.store import Store

FORM = "application/x-www-form-urlencoded"


def read_body(raw: bytes, content_type: str | None):
    """The body as the handlers take it: None when empty, a form's fields (a dict of strings), parsed
    JSON, or "not json" / "not form" for one that is not what it says."""
    if not raw:
        return None
    if (content_type or "").split(";")[0].strip().lower() == FORM:
        try:
            pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
        except (ValueError, UnicodeDecodeError):
            return "not form"
        fields = dict(pairs)
        return fields if len(fields) == len(pairs) else "not form"  # a field twice: which one counts?
    try:
        return json.loads(raw)
    except ValueError:
        return "not json"


class Faults:
    """Injected faults, matched in order; each applies `times` times (default once)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items: list[dict] = []

    def add(self, items: list[dict]) -> None:
        with self.lock:
            for item in items:
                self.items.append({"times": 1, **item})

    def clear(self) -> None:
        with self.lock:
            self.items.clear()

    def take(self, method: str, path: str) -> dict | None:
        with self.lock:
            for item in self.items:
                if item.get("method", method) == method and path.startswith(item.get("path", "")):
                    item["times"] -= 1
                    if item["times"] <= 0:
                        self.items.remove(item)
                    return item
        return None


class Paper:
    """The brokers' state and the routes to it."""

    def __init__(self, db: str = ":memory:"):
        self.store = Store(db)
        self.faults = Faults()
        self.routes = [
            (module.NAME, method, re.compile(pattern + "$"), handler)
            for module in handlers()
            for method, pattern, handler in module.ROUTES
        ]

    def route(self, method: str, path: str):
        for name, m, pattern, handler in self.routes:
            found = pattern.match(path)
            if found and m == method:
                return name, handler, found.groupdict()
        return None, None, None


class Handler(BaseHTTPRequestHandler):
    server_version = "ordspec-paper/1"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out without a 40 ms delayed-ACK wait

    def log_message(self, format, *args):  # method, path and status only: never headers (tokens)
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    def do_GET(self):
        self.handle_request("GET")

    def do_POST(self):
        self.handle_request("POST")

    def do_PUT(self):
        self.handle_request("PUT")

    def do_DELETE(self):
        self.handle_request("DELETE")

    def reply(self, status: int, payload, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(data)

    def reply_raw(self, status: int, data: bytes, repeat: int = 1, headers: dict | None = None) -> None:
        """An answer that is not JSON, or is `data` many times over (a fault: an answer to survive)."""
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data) * repeat))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        for _ in range(repeat):
            self.wfile.write(data)

    def drop(self) -> None:
        """Close the connection without an answer."""
        self.close_connection = True
        try:
            self.connection.shutdown(2)
        except OSError:
            pass

    def handle_request(self, method: str) -> None:
        paper: Paper = self.server.paper
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if url.path.startswith("/_paper/"):
            return self.control(method, url.path, raw)
        name, handler, params = paper.route(method, url.path)
        if handler is None:
            return self.reply(404, {"error": f"no such endpoint: {method} {url.path}"})
        module = next(m for m in handlers() if m.NAME == name)
        fault = paper.faults.take(method, url.path)
        if fault and fault.get("drop") == "before":
            return self.drop()
        if fault and "raw" in fault:
            return self.reply_raw(fault.get("status", 200), str(fault["raw"]).encode(), int(fault.get("repeat", 1)), fault.get("headers"))
        if fault and "status" in fault:
            headers = {"Retry-After": fault["retry_after"]} if "retry_after" in fault else {}
            return self.reply(fault["status"], fault.get("body") or module.fault(fault["status"]), headers)
        body = read_body(raw, self.headers.get("Content-Type"))
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        denied = module.auth(self.headers, body)
        if denied is not None:
            status, payload = denied
        else:
            with paper.store.lock:  # one request acts at a time: state changes are whole
                status, payload = handler(paper.store, params, query, body)
        if fault and fault.get("delay"):
            time.sleep(float(fault["delay"]))
        if fault and fault.get("drop") == "after":
            return self.drop()  # the broker acted; the answer is lost
        self.reply(status, payload)

    def control(self, method: str, path: str, raw: bytes) -> None:
        paper: Paper = self.server.paper
        if path == "/_paper/faults" and method == "POST":
            items = json.loads(raw or b"[]")
            paper.faults.add(items if isinstance(items, list) else [items])
            return self.reply(200, {"faults": len(paper.faults.items)})
        if path == "/_paper/faults" and method == "DELETE":
            paper.faults.clear()
            return self.reply(200, {"faults": 0})
        if path == "/_paper/orders" and method == "GET":
            rows = [
                {"broker": o.broker, "id": o.id, "ref": o.ref, "kind": o.kind, "segment": o.segment, "status": o.status, "data": o.data}
                for o in paper.store.all()
            ]
            return self.reply(200, {"orders": rows})
        if path == "/_paper/prices" and method == "POST":  # the book moves (book.py)
            from ordspec.paper import book

            return self.reply(*book.feed(paper.store, raw))
        if path.startswith("/_paper/orders/") and method == "POST":
            from ordspec.paper import book

            return self.reply(*book.set_status(paper.store, path[len("/_paper/orders/"):], raw))
        self.reply(404, {"error": f"no such control endpoint: {method} {path}"})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(port: int = 0, db: str = ":memory:", verbose: bool = False) -> Server:
    """A paper broker listening on 127.0.0.1 (port 0: any free port), not yet serving."""
    server = Server(("127.0.0.1", port), Handler)
    server.paper = Paper(db)
    server.verbose = verbose
    return server


def start(port: int = 0, db: str = ":memory:") -> Server:
    """A paper broker serving in a background thread (for tests and scripts)."""
    server = serve(port, db)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(port: int, db: str, verbose: bool = True) -> int:
    import sys

    server = serve(port, db, verbose)
    host, port = server.server_address[:2]
    sys.stdout.write(f"ordspec paper broker on http://{host}:{port} ({', '.join(m.NAME for m in handlers())}); Ctrl-C stops it\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
