"""Are two captured requests the same request? `same_request(a, b)` says, with a readable diff.

Compared: method; path (as sent); query (as pairs, per name in order); the content type
(when either side has a body: a content type on a bodiless request describes nothing); the
auth headers (Kite: Authorization and X-Kite-Version; Dhan: access-token and client-id;
Groww: Authorization and X-API-VERSION); and the body, parsed:

- JSON bodies as JSON; form bodies (application/x-www-form-urlencoded) as their fields, with
  Kite's `condition` and `orders` decoded as the JSON texts they are;
- object keys and form fields in any order (neither JSON nor a form gives order a meaning);
  list items in order (a two-leg GTT's trigger values and orders pair up by index);
- numbers by value, exactly: Decimal of the text as sent, so 120.5 == 120.50 == 120.500 but
  120.5 != 120.50000000000001; a number never equals a string ("1428.00" is not 1428);
- a duplicate JSON key or form field, or a body that does not parse, is a difference itself.

Not compared: headers a client library adds of its own (User-Agent, Accept-Encoding, Accept,
Connection, Host, Content-Length): they say which library sent a request, not what it asks for.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl

from tests.wire.capture import Captured

AUTH_HEADERS = ("authorization", "x-kite-version", "access-token", "client-id", "x-api-version")
FORM = "application/x-www-form-urlencoded"
JSON_FORM_FIELDS = ("condition", "orders")  # Kite's form fields that carry JSON texts


class Number:
    """A JSON number as sent: compared by exact decimal value, shown as its text."""

    __slots__ = ("text", "value")

    def __init__(self, text: str):
        self.text = text
        self.value = Decimal(text)

    def __eq__(self, other):
        return isinstance(other, Number) and self.value == other.value

    def __hash__(self):
        return hash(self.value)

    def __repr__(self):
        return self.text


class Unparsed:
    """A body or field that is not what its content type says: equal only to the same bytes."""

    __slots__ = ("raw", "why")

    def __init__(self, raw, why: str):
        self.raw, self.why = raw, why

    def __eq__(self, other):
        return isinstance(other, Unparsed) and self.raw == other.raw

    def __hash__(self):
        return hash(self.raw)

    def __repr__(self):
        return f"<not parsed ({self.why}): {self.raw!r}>"


def _object(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def _constant(name):
    raise ValueError(f"{name} is not a JSON number")


def parse_json(text):
    """JSON with every number a Number; Unparsed when it is not valid JSON (or has a duplicate key)."""
    try:
        return json.loads(text, parse_float=Number, parse_int=Number, parse_constant=_constant, object_pairs_hook=_object)
    except (ValueError, InvalidOperation, UnicodeDecodeError) as e:
        return Unparsed(text, str(e))


def media_type(r: Captured) -> str | None:
    value = r.header("Content-Type")
    if value is None:
        return None
    return ";".join(part.strip().lower() for part in value.split(";") if part.strip())


def parse_form(raw: bytes):
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError) as e:
        return Unparsed(raw, str(e))
    fields: dict = {}
    for key, value in pairs:
        if key in fields:
            return Unparsed(raw, f"form field {key!r} twice")
        fields[key] = parse_json(value) if key in JSON_FORM_FIELDS else value
    return fields


def parse_body(r: Captured):
    """The body as data: None when empty, a form's fields, parsed JSON, or Unparsed."""
    if not r.body:
        return None
    kind = (media_type(r) or "").split(";")[0]
    if kind == FORM:
        return parse_form(r.body)
    if kind == "application/json" or kind.endswith("+json"):
        try:
            return parse_json(r.body.decode("utf-8"))
        except UnicodeDecodeError as e:
            return Unparsed(r.body, str(e))
    return Unparsed(r.body, f"content type {kind or 'none'}")


def query(r: Captured) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in r.query:
        out.setdefault(key, []).append(value)
    return out


def auth(r: Captured, names=AUTH_HEADERS) -> dict[str, str]:
    return {name: r.header(name) for name in names if r.header(name) is not None}


def _kind(value) -> str:
    return {Number: "number", str: "string", dict: "object", list: "array", bool: "boolean", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def diff(a, b, where: str) -> list[str]:
    """Lines saying where a and b differ (empty when they are the same)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in list(a) + [k for k in b if k not in a]:
            if key not in b:
                out.append(f"{where}.{key}: only in the first ({a[key]!r})")
            elif key not in a:
                out.append(f"{where}.{key}: only in the second ({b[key]!r})")
            else:
                out += diff(a[key], b[key], f"{where}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = [] if len(a) == len(b) else [f"{where}: {len(a)} items != {len(b)} items"]
        for i, (x, y) in enumerate(zip(a, b)):
            out += diff(x, y, f"{where}[{i}]")
        return out
    if type(a) is not type(b):
        return [f"{where}: {_kind(a)} {a!r} != {_kind(b)} {b!r}"]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


class Verdict:
    """True when the two requests are the same; its repr is the list of differences."""

    def __init__(self, differences: list[str]):
        self.differences = differences

    def __bool__(self):
        return not self.differences

    def __repr__(self):
        if not self.differences:
            return "<the same request>"
        return "<requests differ:\n  " + "\n  ".join(self.differences) + "\n>"

    __str__ = __repr__


def same_request(a: Captured, b: Captured, headers=AUTH_HEADERS) -> Verdict:
    """Whether a and b ask the broker for the same thing (see the module's docstring)."""
    out = []
    if a.method != b.method:
        out.append(f"method: {a.method} != {b.method}")
    if a.path != b.path:
        out.append(f"path: {a.path} != {b.path}")
    out += diff(query(a), query(b), "query")
    if (a.body or b.body) and media_type(a) != media_type(b):
        out.append(f"content type: {media_type(a)} != {media_type(b)}")
    out += diff(auth(a, headers), auth(b, headers), "header")
    out += diff(parse_body(a), parse_body(b), "body")
    return Verdict(out)


def plain(value):
    """Parsed data with Numbers as Decimals (exactly their text), for writing goldens with jsonout."""
    if isinstance(value, Number):
        return Decimal(value.text)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Unparsed):
        raise ValueError(f"cannot write an unparsed body as a golden: {value!r}")
    return value
