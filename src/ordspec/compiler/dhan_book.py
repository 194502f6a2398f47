"""Dhan's book read back: a listed forever or super order compared with a create, or as a neutral record.

The lists are GET /forever/orders and GET /super/orders (DhanHQ v2, Forever Order and Super Order:
"Retrieve an array of all existing forever orders", "... all super orders"). A forever order is
listed with its flag in `orderType` (SINGLE or OCO) and a leg in `legName`; a super order with its
entry's fields and its target and stop-loss in `legDetails`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ordspec.compiler import get
from ordspec.compiler.groww import _equal, _shown  # (one notion of "the same JSON value" for every broker)

# A create's fields that a listed order must have for ordspec to tell whether it is the same order.
_FOREVER = ("transactionType", "exchangeSegment", "productType", "securityId", "quantity")
_SUPER = ("transactionType", "exchangeSegment", "productType", "orderType", "securityId", "quantity", "price")


def differences(held: list[dict], body: dict) -> list[str] | None:
    """`field X there, Y here` for each field of the create `body` that the listed order(s) `held`
    (every record with its correlationId) have otherwise; None when they leave out a field ordspec
    needs to tell (it cannot compare)."""
    out: list[str] = []
    if "orderFlag" in body:
        first = held[0]
        if any(name not in r for r in held for name in _FOREVER + ("price", "triggerPrice")):
            return None
        flag = first.get("orderType") if first.get("orderType") in ("SINGLE", "OCO") else first.get("orderFlag", body["orderFlag"])
        _compare(out, "orderFlag", flag, body["orderFlag"])
        for name in _FOREVER:
            _compare(out, name, first[name], body[name])
        for r in held:
            second = r.get("legName") == "STOP_LOSS_LEG"  # an OCO's second leg listed on its own
            _compare(out, "price1" if second else "price", r["price"], body["price1" if second else "price"])
            _compare(out, "triggerPrice1" if second else "triggerPrice", r["triggerPrice"], body["triggerPrice1" if second else "triggerPrice"])
            for name in ("price1", "triggerPrice1", "quantity1"):
                if name in r:
                    _compare(out, name, r[name], body[name])
        return _unique(out)
    first = held[0]
    legs = _legs(first)
    if any(name not in first for name in _SUPER) or "TARGET_LEG" not in legs or "STOP_LOSS_LEG" not in legs:
        return None
    for name in _SUPER:
        _compare(out, name, first[name], body[name])
    _compare(out, "targetPrice", legs["TARGET_LEG"].get("price"), body["targetPrice"])
    _compare(out, "stopLossPrice", legs["STOP_LOSS_LEG"].get("price"), body["stopLossPrice"])
    if "trailingJump" in legs["STOP_LOSS_LEG"]:
        _compare(out, "trailingJump", legs["STOP_LOSS_LEG"]["trailingJump"], body["trailingJump"])
    return out


def _legs(r: dict) -> dict:
    """A listed super order's legDetails by legName (whatever shape the answer has)."""
    details = r.get("legDetails")
    return {leg["legName"]: leg for leg in details if isinstance(leg, dict) and isinstance(leg.get("legName"), str)} if isinstance(details, list) else {}


def _compare(out: list, name: str, held, sent) -> None:
    if not _equal(held, sent):
        out.append(f"{name} {_shown(held)} there, {_shown(sent)} here")


def _unique(items: list) -> list:
    return list(dict.fromkeys(items))


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def record(r: dict, kind: str) -> dict:
    """One listed order in the language's words: kind (GTT, OCO or BRACKET), side, quantity, the
    instrument (securityId, symbol, exchange, segment), product, prices as Decimal, status and ref
    (correlationId), with Dhan's own record as `data`."""
    table = get("dhan").table
    word = lambda name: r.get(name) if isinstance(r.get(name), str) else None  # noqa: E731  (an answer of any shape)
    place = {v: k for k, v in table["exchange_segments"].items()}.get(word("exchangeSegment"), "")
    exchange, _, segment = place.partition(" ")
    products = {v: k for k, v in table["enums"]["product"].items()}
    out = {
        "broker": "dhan",
        "id": r.get("orderId"),
        "kind": kind,
        "status": r.get("orderStatus"),
        "ref": r.get("correlationId"),
        "side": r.get("transactionType"),
        "qty": r.get("quantity"),
        "symbol": r.get("tradingSymbol"),
        "security": r.get("securityId"),
        "exchange": exchange or None,
        "segment": segment or None,
        "product": products.get(word("productType")),
        "price": _decimal(r.get("price")),
        "data": r,
    }
    if kind == "BRACKET":
        legs = _legs(r)
        out["target"] = _decimal((legs.get("TARGET_LEG") or {}).get("price"))
        out["sl"] = _decimal((legs.get("STOP_LOSS_LEG") or {}).get("price"))
        return out
    out["kind"] = "OCO" if "OCO" in (r.get("orderType"), r.get("orderFlag")) else "GTT"
    out["leg"] = r.get("legName")
    out["trigger"] = _decimal(r.get("triggerPrice"))
    return out
