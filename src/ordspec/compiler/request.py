"""A compiled request: what `ordspec compile` prints and `ordspec dispatch` sends."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote, urlencode

# How a body goes on the wire: a JSON document, or a form (application/x-www-form-urlencoded)
# whose body is a dict of strings, its fields in the order given.
CONTENT_TYPES = {"json": "application/json", "form": "application/x-www-form-urlencoded"}


class Request:
    __slots__ = ("broker", "operation", "method", "path", "query", "body", "file", "line", "statement", "schema", "part", "encoding")

    def __init__(self, broker, operation, method, path, query, body, stmt, schema, part=None, encoding="json"):
        if encoding not in CONTENT_TYPES:
            raise ValueError(f"no body encoding {encoding!r}")
        self.broker = broker
        self.operation = operation
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.file = stmt.file if stmt is not None else None  # (None: a read of dispatch's own, such as a listing)
        self.line = stmt.line if stmt is not None else None
        self.statement = stmt
        self.schema = schema  # the schemas/ file its body (or query) must satisfy
        self.part = part  # which of its statement's requests this is, where it has several (a leg): its own journal key
        self.encoding = encoding

    @property
    def content_type(self) -> str | None:
        return None if self.body is None else CONTENT_TYPES[self.encoding]

    def content(self) -> bytes | None:
        """The body's bytes as they go on the wire (a form as urllib and requests encode one)."""
        if self.body is None:
            return None
        if self.encoding == "form":
            return urlencode(list(self.body.items())).encode("ascii")
        from ordspec.compiler.jsonout import dumps

        return dumps(self.body, indent=None).encode()

    def as_dict(self) -> dict:
        out = {
            "broker": self.broker,
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "body": self.body,
        }
        if self.encoding != "json":  # (a body without `encoding` is JSON)
            out["encoding"] = self.encoding
        out["source"] = {"file": self.file, "line": self.line}
        return out


def path(template: str, **params: str) -> str:
    """Fill a path template, percent-encoding each parameter as one path segment."""
    return template.format(**{k: segment(v) for k, v in params.items()})


def segment(value) -> str:
    """One path segment, percent-encoded; `.` and `..` too, which an HTTP client would otherwise
    remove from the path as dot segments (RFC 3986, 5.2.4) and send the request elsewhere."""
    text = quote(str(value), safe="")
    return text.replace(".", "%2E") if text in (".", "..") else text


_SPECS: dict = {}  # places -> its format spec, made once (building it cost a third of a price)


def fixed(price: Decimal, places: int) -> str:
    """A decimal string with exactly `places` places; never rounds (price-precision runs first)."""
    spec = _SPECS.get(places)
    if spec is None:
        spec = _SPECS[places] = f".{places}f"
    text = format(price, spec)
    if Decimal(text) != price:
        raise ValueError(f"{price} needs more than {places} decimal places")
    return text
