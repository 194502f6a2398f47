"""The paper book moves: prices fed to /_paper/prices run the simulate engine over the stored orders.

    POST /_paper/prices         [{"symbol": "TCS", "price": "3984.50", "time": "2025-10-01T10:05:00"}, ...]
    POST /_paper/orders/{id}    {"status": "TRIGGERED"}  (optionally "broker": "groww" when ids collide)

Each broker module says how its stored requests read as engine orders (`engine_orders`) and
which of its own status words the engine's result means (`moved`): Groww's smart orders go
ACTIVE, TRIGGERED, COMPLETED or CANCELLED; INDstocks' parents EXECUTED or EXPIRED and their
children ACTIVE once the parent executed; Codifi's SIPs count their instalments; Kite's GTTs go
from active to triggered (or expired). Prices name a symbol: Groww's trading_symbol, INDstocks'
security_id, Codifi's tradingSymbol or token, Kite's tradingsymbol. A
price without a time is now (India time); an order is not moved by prices from before it
was placed. The engine's state of each order is kept beside it (Store.move), and forgotten
when the order changes (a modify) or its status is set directly.
"""

from __future__ import annotations

import json
from decimal import Decimal

from ordspec.paper import IST, codifi, groww, indstocks, kite, now
from ordspec.simulate.engine import Engine, Point
from ordspec.simulate.semantics import BROKERS as SEMANTICS

MOVERS = (groww, indstocks, codifi, kite)
# smallcase's document names no transaction status: PENDING is the paper broker's own, and the
# one word a smallcase transaction may be set to besides it is ordspec's (it has no trigger to move).
STATUS_WORDS = {m.NAME: m.STATUSES for m in MOVERS} | {"smallcase": ("PENDING", "COMPLETED")}


def _bad(message: str):
    return 400, {"error": message}


def _points(raw: bytes, aliases: dict):
    """(points in time order, None) or (None, what is wrong with the body)."""
    from ordspec.simulate.prices import read_price, read_time

    try:
        items = json.loads(raw or b"null", parse_float=Decimal)
    except ValueError:
        return None, "the body is not JSON: send [{\"symbol\", \"price\", \"time\"?}, ...]"
    if not isinstance(items, list) or not items:
        return None, "send a non-empty list of {\"symbol\", \"price\", \"time\"?}"
    points, last = [], {}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or set(item) - {"symbol", "price", "time"} or not {"symbol", "price"} <= set(item):
            return None, f"item {i}: expected {{\"symbol\", \"price\", \"time\"?}}"
        symbol = item["symbol"]
        if not isinstance(symbol, str) or not symbol or not symbol.isascii() or not symbol.isprintable() or " " in symbol:
            return None, f"item {i}: symbol {symbol!r} is not an ASCII symbol"
        value = item["price"]
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            return None, f"item {i}: price must be a decimal string or number"
        price, why = read_price(format(value, "f") if isinstance(value, Decimal) else str(value))
        if why:
            return None, f"item {i}: {why}"
        if "time" in item:
            if not isinstance(item["time"], str):
                return None, f"item {i}: time must be an ISO 8601 string"
            when, why = read_time(item["time"])
            if why:
                return None, f"item {i}: {why}"
        else:
            when = now().replace(tzinfo=IST)
        symbol = aliases.get(symbol, symbol)
        if symbol in last and when < last[symbol][0]:
            return None, f"item {i}: {symbol} at {when.isoformat()} is earlier than item {last[symbol][1]}"
        last[symbol] = (when, i)
        points.append(Point(when, symbol, price, f"item {i}"))
    points.sort(key=lambda p: p.time)  # stable: one time keeps the body's order
    return points, None


def feed(store, raw: bytes):
    """POST /_paper/prices: move every live order of every broker with these prices."""
    with store.lock:
        points, problem = _points(raw, codifi.aliases(store))
        if problem:
            return _bad(problem)
        engine, tracked = Engine(), []
        for module in MOVERS:
            rules = SEMANTICS[module.NAME]
            for row, orders in module.engine_orders(store):
                kept = [store.move(module.NAME, row.id, part) for part, _ in orders]
                if row.status != module.ARMED and None in kept:
                    continue  # a status set by hand (set_status): the engine has no state to go on from
                parts = []
                for (part, order), kept in zip(orders, kept):
                    fresh = kept is None or kept.get("order") != repr(order)  # new, or modified since
                    parts.append((part, engine.add(order, rules, None if fresh else kept["live"])))
                tracked.append((module, row, parts))
        events = engine.run(points)
        owner = {}
        for module, row, parts in tracked:
            lives = [live for _, live in parts]
            mine = [e for e in events if any(e.order is live.order for live in lives)]
            for part, live in parts:
                store.set_move(module.NAME, row.id, part, {"order": repr(live.order), "live": live.dump()})
            for e in mine:
                owner[id(e)] = module.NAME
            if mine:
                module.moved(store, store.get(module.NAME, row.id), lives, mine)
        out = [{"broker": owner[id(e)], **e.as_dict()} for e in events]
    return 200, {"events": out}


def set_status(store, id: str, raw: bytes):
    """POST /_paper/orders/{id}: set an order's status in its broker's words, as if the broker had."""
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        return _bad("the body is not JSON: send {\"status\": \"...\"}")
    if not isinstance(body, dict) or not isinstance(body.get("status"), str) or set(body) - {"status", "broker"}:
        return _bad("send {\"status\": \"...\"} (and \"broker\" when two brokers have this id)")
    with store.lock:
        found = [o for o in store.find(id) if body.get("broker") in (None, o.broker)]
        if not found:
            return 404, {"error": f"no order {id}"}
        if len(found) > 1:
            return 409, {"error": f"{id} is an order of {', '.join(o.broker for o in found)}: say which with \"broker\""}
        order = found[0]
        words = STATUS_WORDS.get(order.broker, ())
        if body["status"] not in words:
            return _bad(f"{order.broker} statuses are {', '.join(words)}")
        data = {**order.data, "status": body["status"]} if order.broker == "groww" else None
        store.update(order, status=body["status"], data=data)
        store.forget_moves(order.broker, order.id)  # set by hand: the engine starts again from this status
        changed = store.get(order.broker, order.id)
    return 200, {"broker": changed.broker, "id": changed.id, "status": changed.status}
