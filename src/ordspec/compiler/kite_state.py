"""Kite's GTT answers, read: GET /gtt/triggers/{id} (one GTT) or GET /gtt/triggers (a list).

They are side inputs twice over: as --state, the GTT a MODIFY is merged into (Kite replaces the
whole GTT on modify), and as the book dispatch reads after a lost answer and plan/apply reads
to see what is live. Every GTT is checked against the shape of the Kite GTT docs' GET answer
(id, type, status, condition, orders) before anything is copied from it; numbers are Decimal
(as the file writes them), never float. `record` turns one into a neutral record.
"""

from __future__ import annotations

from decimal import Decimal

STATUSES = ("active", "triggered", "disabled", "expired", "cancelled", "rejected", "deleted")  # the Kite GTT docs'
TYPES = {"single": 1, "two-leg": 2}  # type -> how many trigger values and orders
NEUTRAL = {"NSE": ("NSE", "CASH"), "BSE": ("BSE", "CASH"), "NFO": ("NSE", "FNO"), "BFO": ("BSE", "FNO")}


class GttError(ValueError):
    """A Kite answer that is not a GTT or a list of GTTs (the message says what is wrong)."""


def _word(value) -> bool:
    return isinstance(value, str) and value != "" and value.isascii() and value.isprintable() and " " not in value


def _price(value) -> bool:
    """A price above zero: a JSON number read exactly (Decimal or int), never a string or true."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return False
    return Decimal(value).is_finite() and value > 0


def _shown(value) -> str:
    """A value of the file as JSON writes it (a string in double quotes), cut short."""
    import json

    text = format(value, "f") if isinstance(value, Decimal) else json.dumps(value, default=str, ensure_ascii=True)
    return text if len(text) <= 40 else text[:37] + "..."


def problem(gtt) -> str | None:
    """What is wrong with one GTT of an answer, or None."""
    if not isinstance(gtt, dict):
        return "is not an object"
    ident = gtt.get("id")
    if isinstance(ident, bool) or not (isinstance(ident, int) and ident >= 0 or isinstance(ident, str) and ident.isascii() and ident.isdigit()):
        return f"has no id Kite gives (a whole number): {_shown(ident)}"
    kind = gtt.get("type")
    if kind not in TYPES:
        return f"has type {_shown(kind)}, not single or two-leg"
    if gtt.get("status") not in STATUSES:
        return f"has status {_shown(gtt.get('status'))}, not one of {', '.join(STATUSES)}"
    condition, orders = gtt.get("condition"), gtt.get("orders")
    if not isinstance(condition, dict):
        return "has no condition object"
    for name in ("exchange", "tradingsymbol"):
        if not _word(condition.get(name)):
            return f"has condition.{name} {_shown(condition.get(name))}, not a word"
    values = condition.get("trigger_values")
    if not isinstance(values, list) or len(values) != TYPES[kind] or not all(_price(v) for v in values):
        return f"has condition.trigger_values {_shown(values)}: a {kind} GTT has {TYPES[kind]} trigger price(s) above zero"
    if condition.get("last_price") is not None and not _price(condition["last_price"]):
        return f"has condition.last_price {_shown(condition['last_price'])}, not a price"
    if not isinstance(orders, list) or len(orders) != TYPES[kind]:
        return f"has {len(orders) if isinstance(orders, list) else 'no'} orders: a {kind} GTT has {TYPES[kind]}"
    for n, order in enumerate(orders):
        found = _order_problem(order)
        if found:
            return f"order {n} {found}"
    return None


def _order_problem(order) -> str | None:
    if not isinstance(order, dict):
        return "is not an object"
    for name in ("exchange", "tradingsymbol", "order_type", "product"):
        if not _word(order.get(name)):
            return f"has {name} {_shown(order.get(name))}, not a word"
    if order.get("transaction_type") not in ("BUY", "SELL"):
        return f"has transaction_type {_shown(order.get('transaction_type'))}, not BUY or SELL"
    qty = order.get("quantity")
    if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
        return f"has quantity {_shown(qty)}, not a whole number above zero"
    if not _price(order.get("price")):
        return f"has price {_shown(order.get('price'))}, not a price above zero"
    return None


def gtts(book) -> dict[str, dict]:
    """The GTTs of a Kite answer ({"status": "success", "data": GTT or [GTT, ...]}), by id as text."""
    if not isinstance(book, dict) or book.get("status") != "success" or "data" not in book:
        raise GttError('expected Kite\'s answer {"status": "success", "data": ...} to GET /gtt/triggers/{id} or GET /gtt/triggers')
    data = book["data"]
    entries = data if isinstance(data, list) else [data]
    found: dict[str, dict] = {}
    for n, gtt in enumerate(entries, 1):
        wrong = problem(gtt)
        if wrong is None and str(gtt["id"]) in found:
            wrong = f"repeats id {gtt['id']}"
        if wrong is not None:
            raise GttError(f"GTT #{n} of the answer {wrong}")
        found[str(gtt["id"])] = gtt
    return found


def legs(gtt: dict) -> list[tuple[Decimal, Decimal]]:
    """(trigger value, its order's limit price), low to high: the order at index i fires at value i."""
    pairs = [(Decimal(t), Decimal(o["price"])) for t, o in zip(gtt["condition"]["trigger_values"], gtt["orders"])]
    return sorted(pairs, key=lambda leg: leg[0])


def roles(side: str, count: int) -> tuple[str, ...]:
    """The roles of a GTT's legs, low trigger first: a single GTT's one entry; a two-leg GTT that
    SELLs exits a long (stop-loss below, target above), one that BUYs exits a short."""
    if count == 1:
        return ("entry",)
    return ("sl", "target") if side == "SELL" else ("target", "sl")


def record(gtt: dict) -> dict:
    """One (checked) GTT in ordspec's words: kind GTT or OCO, exchange and segment, side, qty,
    product, and its legs ({"trigger", "limit"}) as entry, or target and sl; status in Kite's words."""
    condition, first = gtt["condition"], gtt["orders"][0]
    exchange, segment = NEUTRAL.get(condition["exchange"], (condition["exchange"], None))
    out = {
        "id": str(gtt["id"]),
        "kind": "GTT" if gtt["type"] == "single" else "OCO",
        "status": gtt["status"],
        "live": gtt["status"] == "active",
        "fired": gtt["status"] == "triggered",
        "symbol": condition["tradingsymbol"],
        "exchange": exchange,
        "segment": segment,
        "side": first["transaction_type"],
        "sides": sorted({o["transaction_type"] for o in gtt["orders"]}),
        "qty": first["quantity"],
        "product": first["product"],
        "order_types": sorted({o["order_type"] for o in gtt["orders"]}),
        "last_price": None if condition.get("last_price") is None else Decimal(condition["last_price"]),
    }
    for role, (trigger, limit) in zip(roles(first["transaction_type"], len(gtt["orders"])), legs(gtt)):
        out[role] = {"trigger": trigger, "limit": limit}
    for name in ("created_at", "updated_at", "expires_at"):
        out[name] = gtt.get(name) if isinstance(gtt.get(name), str) else None
    return out
