"""A compiled request: what `ordspec compile` prints and `ordspec dispatch` sends."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote


class Request:
    __slots__ = ("broker", "operation", "method", "path", "query", "body", "file", "line", "statement", "schema", "part")

    def __init__(self, broker, operation, method, path, query, body, stmt, schema, part=None):
        self.broker = broker
        self.operation = operation
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.file = stmt.file
        self.line = stmt.line
        self.statement = stmt
        self.schema = schema  # the schemas/ file its body (or query) must satisfy
        self.part = part  # which of its statement's requests this is, where it has several (a leg): its own journal key

    def as_dict(self) -> dict:
        return {
            "broker": self.broker,
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "body": self.body,
            "source": {"file": self.file, "line": self.line},
        }


def path(template: str, **params: str) -> str:
    """Fill a path template, percent-encoding each parameter as one path segment."""
    return template.format(**{k: segment(v) for k, v in params.items()})


def segment(value) -> str:
    """One path segment, percent-encoded; `.` and `..` too, which an HTTP client would otherwise
    remove from the path as dot segments (RFC 3986, 5.2.4) and send the request elsewhere."""
    text = quote(str(value), safe="")
    return text.replace(".", "%2E") if text in (".", "..") else text


def fixed(price: Decimal, places: int) -> str:
    """A decimal string with exactly `places` places; never rounds (price-precision runs first)."""
    text = format(price, f".{places}f")
    if Decimal(text) != price:
        raise ValueError(f"{price} needs more than {places} decimal places")
    return text
