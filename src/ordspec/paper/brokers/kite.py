"""Zerodha Kite's GTTs, as Kite Connect v3 describes them (https://kite.trade/docs/connect/v3/gtt/).

A GTT comes as a form (`type`, and `condition` and `orders` as JSON texts); answers are
{"status": "success", "data": ...} and errors Kite's envelope {"status": "error", "error_type":
"InputException", "message": ...}. What is refused is what Kite and Zerodha's GTT terms say it
refuses: a missing or malformed field, an order that is not LIMIT, a product other than CNC (cash)
or NRML (derivatives), a trigger within 0.25% of the last price (9 paise below ₹50), a two-leg
GTT whose last price is not between its trigger values, a 251st active GTT. Statuses are the docs'
words: active, triggered, disabled, expired, cancelled, rejected, deleted.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from ordspec.paper import invalid, now

NAME = "kite"
LIST_ORDER = 5  # as compiler/kite.json lists it
MAX_ACTIVE = 250  # Zerodha's GTT terms: at most 250 active GTTs per account
TYPES = {"single": 1, "two-leg": 2}
PRODUCTS = {"CNC": ("NSE", "BSE"), "NRML": ("NFO", "BFO")}


def _error(status: int, kind: str, message: str):
    return status, {"status": "error", "error_type": kind, "message": message}


def _ok(data):
    return 200, {"status": "success", "data": data}


def auth(headers, body):
    """Authorization: token api_key:access_token, and X-Kite-Version: 3 (Kite Connect v3)."""
    scheme, _, pair = (headers.get("Authorization") or "").partition(" ")
    key, colon, token = pair.partition(":")
    if scheme != "token" or not colon or not key or not token:
        return _error(403, "TokenException", "Incorrect `api_key` or `access_token`: send Authorization: token api_key:access_token")
    if headers.get("X-Kite-Version") != "3":
        return _error(400, "InputException", "send X-Kite-Version: 3")
    return None


def _stamp(t) -> str:
    """Kite's times: "2025-10-01 10:00:00", India time."""
    return t.strftime("%Y-%m-%d %H:%M:%S")


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def _read(body):
    """(type, condition, orders) of a GTT form, or (None, error answer)."""
    if not isinstance(body, dict) or not {"type", "condition", "orders"} <= set(body):
        return None, _error(400, "InputException", "send a form (application/x-www-form-urlencoded) with type, condition and orders")
    kind = body["type"]
    if kind not in TYPES:
        return None, _error(400, "InputException", f"Invalid `type`: {kind!r} (single or two-leg)")
    parsed = {}
    for name in ("condition", "orders"):
        try:
            parsed[name] = json.loads(body[name], parse_float=Decimal, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            return None, _error(400, "InputException", f"Invalid `{name}`: not JSON")
        problem = invalid(f"kite/{name}.schema.json", parsed[name])
        if problem:
            return None, _error(400, "InputException", f"Invalid `{name}`: {problem}")
    condition, orders = parsed["condition"], parsed["orders"]
    values, last = condition["trigger_values"], condition["last_price"]
    if len(values) != TYPES[kind] or len(orders) != TYPES[kind]:
        return None, _error(400, "InputException", f"a {kind} GTT has {TYPES[kind]} trigger value(s) and as many orders")
    for order in orders:
        if (order["exchange"], order["tradingsymbol"]) != (condition["exchange"], condition["tradingsymbol"]):
            return None, _error(400, "InputException", "every order is on the condition's exchange and tradingsymbol")
        if condition["exchange"] not in PRODUCTS[order["product"]]:
            return None, _error(400, "InputException", f"product {order['product']} is not allowed on {condition['exchange']} for GTT")
    if kind == "two-leg" and not values[0] < last < values[1]:
        return None, _error(400, "InputException", "Invalid trigger values: the last price must lie between the lower and the upper trigger value")
    for value in values:
        least = last * Decimal("0.0025") if last >= 50 else Decimal("0.09")
        if abs(value - last) < least:
            return None, _error(400, "InputException", f"Trigger {value} is too close to the last price {last}: keep it at least {least} away")
    return (kind, condition, orders), None


def _plain(value):
    """Parsed JSON with Decimals as floats, for the stored answer (Kite answers JSON numbers)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _active(store, but=None) -> int:
    return sum(1 for o in store.all(NAME) if o.status == "active" and o.id != but)


def _answer(order) -> dict:
    return {**order.data, "status": order.status}


def place(store, params, query, body):
    read, error = _read(body)
    if error:
        return error
    if _active(store) >= MAX_ACTIVE:
        return _error(400, "InputException", f"You can have at most {MAX_ACTIVE} active GTTs")
    kind, condition, orders = read
    ident = store.next_number("kite-trigger", 122)  # the docs' example answers trigger_id 123
    stamp = now()
    data = {
        "id": ident,
        "user_id": "PAPER1",
        "parent_trigger": None,
        "type": kind,
        "created_at": _stamp(stamp),
        "updated_at": _stamp(stamp),
        "expires_at": _stamp(stamp + timedelta(days=365)),
        "condition": _plain(condition),
        "orders": [{**_plain(o), "result": None} for o in orders],
        "meta": {},
    }
    store.add(NAME, str(ident), "GTT" if kind == "single" else "OCO", "active", data)
    return _ok({"trigger_id": ident})


def _found(store, params):
    order = store.get(NAME, params["id"])
    if order is None:
        return None, _error(404, "InputException", f"GTT {params['id']} not found")
    return order, None


def modify(store, params, query, body):
    order, error = _found(store, params)
    if error:
        return error
    if order.status != "active":
        return _error(400, "InputException", f"GTT {order.id} is {order.status}: only an active GTT can be modified")
    read, error = _read(body)
    if error:
        return error
    kind, condition, orders = read
    data = {**order.data, "type": kind, "condition": _plain(condition), "orders": [{**_plain(o), "result": None} for o in orders]}
    data["updated_at"] = _stamp(now())
    store.update(order, data=data, modified=True)
    store.forget_moves(NAME, order.id)
    return _ok({"trigger_id": int(order.id)})


def delete(store, params, query, body):
    order, error = _found(store, params)
    if error:
        return error
    if order.status not in ("active", "disabled"):
        return _error(400, "InputException", f"GTT {order.id} is {order.status}: it cannot be deleted")
    store.update(order, status="deleted", data={**order.data, "updated_at": _stamp(now())})
    return _ok({"trigger_id": int(order.id)})


def info(store, params, query, body):
    order, error = _found(store, params)
    return error or _ok(_answer(order))


def listing(store, params, query, body):
    return _ok([_answer(o) for o in store.all(NAME)])


ROUTES = [
    ("POST", "/gtt/triggers", place),
    ("GET", "/gtt/triggers", listing),
    ("PUT", r"/gtt/triggers/(?P<id>[^/]+)", modify),
    ("DELETE", r"/gtt/triggers/(?P<id>[^/]+)", delete),
    ("GET", r"/gtt/triggers/(?P<id>[^/]+)", info),
]


def fault(status: int) -> dict:
    """The body of an injected failure, in Kite's envelope."""
    kind = "NetworkException" if status >= 500 else "InputException"
    return {"status": "error", "error_type": kind, "message": "injected fault"}


# -- the book moving with prices (book.py): a GTT is armed while active; a trigger makes it triggered

ARMED = "active"
STATUSES = ("active", "triggered", "disabled", "expired", "cancelled", "rejected", "deleted")


def engine_orders(store):
    """(row, [("", engine Order)]) for every active GTT: a single one as a GTT, a two-leg one as an
    OCO (trigger values low to high: for a SELL the stop-loss first, for a BUY the target)."""
    from datetime import datetime

    from ordspec.paper import IST
    from ordspec.simulate.engine import Leg, Order

    for row in store.all(NAME):
        if row.status != "active":
            continue
        d = row.data
        condition, orders = d["condition"], d["orders"]
        side, qty, symbol = orders[0]["transaction_type"], orders[0]["quantity"], condition["tradingsymbol"]
        pairs = sorted(zip((Decimal(str(v)) for v in condition["trigger_values"]), (Decimal(str(o["price"])) for o in orders)))
        start = datetime.strptime(d["created_at"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=IST)
        common = dict(id=row.id, start=start)
        if d["type"] == "single":
            (trigger, limit), last = pairs[0], Decimal(str(condition["last_price"]))
            entry = Leg("entry", trigger, "UP" if trigger > last else "DOWN", limit)
            order = Order("GTT", side, qty, symbol, entry=entry, **common)
        else:
            low, high = (Leg(r, t, None, x) for r, (t, x) in zip(("sl", "target") if side == "SELL" else ("target", "sl"), pairs))
            order = Order("OCO", side, qty, symbol, **{low.role: low, high.role: high}, **common)
        yield row, [("", order)]


def moved(store, row, lives, events) -> None:
    """Kite's words for where the engine left the GTT: triggered once a leg fired, expired, or active."""
    legs = lives[0].legs.values()
    if any(s in ("placed", "filled", "unfilled") for s in legs):
        status = "triggered"  # (the order it placed lives on as an order, not as the GTT)
    elif "expired" in legs:
        status = "expired"
    else:
        status = "active"
    data = dict(row.data)
    fired = [e for e in events if e.event == "triggered"]
    if fired:
        from ordspec.paper import IST

        data["updated_at"] = _stamp(fired[0].time.astimezone(IST))
        data["meta"] = {**data.get("meta", {}), "triggered_at": float(fired[0].price)}
    store.update(row, status=status, data=data)
