"""Idempotency keys: a statement's `ref`, or one derived from what the order is.

A derived key hashes a versioned, broker-neutral description of the resolved
order (not its text: formatting or moving a default does not change it) and
its occurrence among identical orders in the file, so compiling twice gives
the same key, and two identical orders in one file get two keys. Dispatch
relies on this to never send an order twice.
"""

from __future__ import annotations

import json
from base64 import b32encode
from decimal import Decimal

VERSION = "ordspec-ref-v1"
_RESOLVED = ("ref", "segment", "position")  # described by their resolved values above
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode  # one encoder, not one per order


def _number(f):
    return None if f is None else format(f.value.normalize(), "f")


def _leg(leg):
    if leg is None:
        return None
    return [
        _number(leg.trigger),
        _number(leg.price),
        leg.order_type.value if leg.order_type else None,
        leg.direction.value if leg.direction else None,
    ]


def _value(f):
    if f is None:
        return None
    return format(f.value.normalize(), "f") if isinstance(f.value, Decimal) else str(f.value)


def identity(stmt) -> str:
    """What the order is, as stable text."""
    value, leg = _value, _leg
    described = {
        "verb": stmt.verb,
        "kind": stmt.kind.value,
        "id": value(stmt.order_id),
        "side": value(stmt.side),
        "qty": value(stmt.qty),
        "amount": value(stmt.amount),
        "symbol": value(stmt.symbol),
        "segment": value(stmt.segment),  # resolved: the same whether written or inferred
        "position": stmt.position() if stmt.kind.value == "OCO" and stmt.verb == "CREATE" else None,
        "sc": [value(stmt.sc_type), value(stmt.scid)],
        "legs": [leg(stmt.entry), leg(stmt.target), leg(stmt.sl)],
        "frequency": value(stmt.frequency),
        "scrips": [[value(s.qty), value(s.amount), value(s.symbol), sorted((k, value(v)) for k, v in s.options.items())] for s in stmt.scrips],
        "options": sorted((k, value(v)) for k, v in stmt.options.items() if k not in _RESOLVED),
    }
    return VERSION + _ENCODE(described)


def derive(identity_text: str, occurrence: int) -> str:
    """A Groww-valid reference id (8-20 letters and digits, one hyphen): os-XXXXXXXXXXXXXXXX."""
    from hashlib import sha256

    digest = sha256(f"{identity_text}#{occurrence}".encode()).digest()
    # base32 writes each 5 bytes as 8 characters: the first 10 bytes are the first 16 characters
    return "os-" + b32encode(digest[:10]).decode("ascii").lower()
