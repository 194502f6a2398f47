"""The paper broker: a local stand-in for the brokers' APIs (see server.py; one module per broker in brokers/)."""

from __future__ import annotations

from datetime import datetime

from ordspec.dates import IST
_validators: dict = {}


def invalid(schema: str, body) -> str | None:
    """Why `body` breaks the request schema, or None. (jsonschema: full messages, with the path.)"""
    if schema not in _validators:
        import json
        import os

        from jsonschema import Draft7Validator

        # The schemas are the documents' request shapes, kept as data (src/ordspec/schemas): read here
        # with jsonschema, not through pipeline/compile.py (fastjsonschema), so the stand-in shares the
        # documents' data but no code with what it is there to check; what the documents say beyond a
        # body's shape (an OCO within its position, the list bounds, statuses) each handler checks itself.
        with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schemas", schema), encoding="utf-8") as f:
            _validators[schema] = Draft7Validator(json.load(f))
    if not isinstance(body, (dict, list)):  # (a list: Kite's `orders`)
        return "the body is not a JSON object"
    errors = sorted(_validators[schema].iter_errors(body), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    e = errors[0]
    where = ".".join(map(str, e.absolute_path))
    return f"{where}: {e.message}" if where else e.message


def now() -> datetime:
    return datetime.now(IST).replace(tzinfo=None, microsecond=0)
