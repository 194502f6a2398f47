"""Idempotency keys: a statement's `ref`, or one derived from what the order is.

A derived key hashes a versioned, broker-neutral description of the resolved
order (not its text: formatting or moving a default does not change it) and
its occurrence among identical orders in the file, so compiling twice gives
the same key, and two identical orders in one file get two keys. Dispatch
relies on this to never send an order twice.
"""

from __future__ import annotations

import json
from decimal import Decimal

VERSION = "ordspec-ref-v1"
_RESOLVED = ("ref", "segment", "position")  # described by their resolved values above
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode  # one encoder, not one per order
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"  # RFC 4648's alphabet, in lower case
_PAIRS: list = []  # 10 bits -> their two letters, made with the first id
_sha256 = None


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
    global _sha256
    if _sha256 is None:  # (hashlib is not imported by a lint that derives nothing)
        from hashlib import sha256 as _sha256

        _PAIRS.extend(a + b for a in _BASE32 for b in _BASE32)
    digest = _sha256(f"{identity_text}#{occurrence}".encode()).digest()
    # base32 writes each 5 bits as a letter: the first 10 bytes (80 bits) are the first 16 letters,
    # written here two at a time (10 bits) instead of base64.b32encode's padding and checks
    bits, p = int.from_bytes(digest[:10], "big"), _PAIRS
    return (
        f"os-{p[bits >> 70]}{p[(bits >> 60) & 1023]}{p[(bits >> 50) & 1023]}{p[(bits >> 40) & 1023]}"
        f"{p[(bits >> 30) & 1023]}{p[(bits >> 20) & 1023]}{p[(bits >> 10) & 1023]}{p[bits & 1023]}"
    )
