"""INDstocks' smart orders, as its Smart Order APIs page describes them
(https://api-docs.indstocks.com/smart_orders/).

Errors use INDstocks' error classes: {"status": "error", "error_type":
"InputException", "message": ...}, the validation's name first.
"""

from __future__ import annotations

from decimal import Decimal

from ordspec.paper import invalid

NAME = "indstocks"
LIST_ORDER = 2  # as compiler/indstocks.json lists it
MAX_MODIFICATIONS = 25  # INDstocks' API documentation: at most 25 modifications per order


def _error(status: int, kind: str, message: str):
    return status, {"status": "error", "error_type": kind, "message": message}


def auth(headers, body):
    token = headers.get("Authorization") or ""
    if not token or token.startswith("Bearer "):
        return _error(403, "TokenException", "send Authorization: <token> (the bare token, no Bearer)")
    return None


def _legs(body: dict) -> str | None:
    """The document's leg validations, for a BUY parent; mirrored for a SELL one."""
    buy = body.get("txn_type", "BUY") == "BUY"
    d = {k: Decimal(str(v)) for k, v in body.items() if k.endswith("_price")}
    below = (lambda a, b: a < b) if buy else (lambda a, b: a > b)
    above = (lambda a, b: a > b) if buy else (lambda a, b: a < b)
    parent = d.get("limit_price") or d.get("trigger_limit_price") or d.get("trigger_price")
    checks = [
        ("MaxSlTriggerPrice", "sl_trigger_price", parent, below, "SL Trigger Price should be less than the limit price"),
        ("MaxSlLimitPrice", "sl_limit_price", d.get("sl_trigger_price"), below, "SL Limit Price should be less than the SL trigger price"),
        ("MinTgtTriggerPrice", "tgt_trigger_price", parent, above, "Target Trigger Price should be greater than the limit price"),
        ("MinTgtLimitPrice", "tgt_limit_price", d.get("tgt_trigger_price"), above, "Target Limit Price should be greater than the target trigger price"),
    ]
    for name, field, reference, ok, text in checks:
        if field in d and reference is not None and not ok(d[field], reference):
            return f"{name}: {text}"
    return None


def place(store, params, query, body):
    problem = invalid("indstocks/place.schema.json", body)
    if problem:
        first = "QtyMustBeAboveZero: " if "qty" in problem else ""
        return _error(400, "InputException", first + problem)
    problem = _legs(body)
    if problem:
        return _error(400, "InputException", problem)
    prefix = "EQ-" if body["segment"] == "EQUITY" else "DRV-"
    parent = f"{prefix}{store.next_number('indstocks-parent', 28131450)}"
    out = {"order_id": parent, "order_status": "CREATED"}
    store.add(NAME, parent, body["order_type"], "CREATED", body, segment=body["segment"])
    if any(k in body for k in ("sl_trigger_price", "tgt_trigger_price")):
        child = f"GTT-{store.next_number('indstocks-child', 2914580)}"
        legs = {k: v for k, v in body.items() if k.startswith(("sl_", "tgt_"))}
        store.add(NAME, child, "CHILD", "CREATED", {**legs, "parent": parent, "segment": body["segment"]}, segment=body["segment"])
        out["child_order_details"] = {"order_id": child, "order_status": "CREATED"}
    return 200, {"status": "success", "data": {"order_data": [out]}}


def modify(store, params, query, body):
    problem = invalid("indstocks/modify.schema.json", body)
    if problem:
        return _error(400, "InputException", problem)
    order = store.get(NAME, body["order_id"])
    if order is None or order.segment != body["segment"]:
        return _error(404, "NotFoundException", f"OrderIdMissing: order {body['order_id']} not found in {body['segment']}")
    if "order_type" in body and order.kind != "CHILD" and body["order_type"] != order.kind:
        return _error(400, "InputException", f"Order Type Mismatch: {order.id} is a {order.kind} order")
    if order.status != "CREATED":
        return _error(400, "InputException", f"order {order.id} is {order.status}")
    if order.modifications >= MAX_MODIFICATIONS:
        return _error(400, "InputException", f"order {order.id} has been modified {MAX_MODIFICATIONS} times")
    data = {**order.data, **{k: v for k, v in body.items() if k not in ("order_id", "segment", "algo_id")}}
    problem = _legs(data) if order.kind != "CHILD" else None
    if problem:
        return _error(400, "InputException", problem)
    store.update(order, data=data, modified=True)
    return 200, {"status": "success", "data": {"order_id": order.id, "order_status": "MODIFIED"}}


def cancel(store, params, query, body):
    problem = invalid("indstocks/cancel.schema.json", body)
    if problem:
        return _error(400, "InputException", f"OrderIdMissing: {problem}")
    order = store.get(NAME, body["order_id"])
    if order is None or order.segment != body["segment"]:
        return _error(400, "InputException", f"OrderIdMissing: order {body['order_id']} not found")
    if order.status != "CREATED":
        return _error(400, "InputException", f"OrderCannotBeCancelled: order {order.id} is {order.status}")
    store.update(order, status="CANCELLED")
    return 200, {"status": "success", "data": {"order_id": order.id, "order_status": "CANCELLED"}}


ROUTES = [
    ("POST", "/smart/order", place),
    ("POST", "/smart/order/modify", modify),
    ("POST", "/smart/order/cancel", cancel),
]


def fault(status: int) -> dict:
    """The body of an injected failure, in this broker's envelope."""
    return {"status": "error", "error_type": "ServiceUnavailableException" if status >= 500 else "InputException", "message": "injected fault"}


# -- the book moving with prices (book.py). INDstocks names CREATED and CANCELLED; the rest are
# ordspec's words for what its document describes: a parent EXECUTED (or EXPIRED at the close of
# its DAY validity), a child ACTIVE once its parent executed, TRIGGERED, EXECUTED.

ARMED = "CREATED"  # the status of an order the engine arms afresh
STATUSES = ("CREATED", "EXECUTED", "EXPIRED", "CANCELLED", "ACTIVE", "TRIGGERED")


def _price(body: dict, name: str):
    return Decimal(str(body[name])) if body.get(name) is not None else None


def engine_orders(store):
    """(parent row, [("", engine Order)]) for every parent still pending, or executed with a child still alive.

    A parent is a BRACKET in the engine: its entry (LIMIT, MARKET or TRIGGER) and the child's legs.
    Prices are fed by security_id. A cancelled child is left out: its legs never act.
    """
    from datetime import datetime

    from ordspec.paper import IST
    from ordspec.simulate.engine import Leg, Order

    rows = store.all(NAME)
    children = {r.data.get("parent"): r for r in rows if r.kind == "CHILD"}
    for row in rows:
        child = children.get(row.id)
        if row.kind == "CHILD" or row.status not in ("CREATED", "EXECUTED"):
            continue
        if row.status == "EXECUTED" and (child is None or child.status not in ("ACTIVE", "TRIGGERED")):
            continue
        d = row.data
        limit = _price(d, "limit_price") if d["order_type"] == "LIMIT" else _price(d, "trigger_limit_price")
        entry = Leg("entry", _price(d, "trigger_price") if d["order_type"] == "TRIGGER" else None, None, limit)
        legs = {}
        if child is not None and child.status != "CANCELLED":
            c = child.data
            if c.get("tgt_trigger_price") is not None:
                legs["target"] = Leg("target", _price(c, "tgt_trigger_price"), None, _price(c, "tgt_limit_price"))
            if c.get("sl_trigger_price") is not None:
                legs["sl"] = Leg("sl", _price(c, "sl_trigger_price"), None, _price(c, "sl_limit_price"))
        start = datetime.fromtimestamp(row.created, IST).replace(microsecond=0)
        yield row, [("", Order("BRACKET", d["txn_type"], d["qty"], d["security_id"], entry=entry, validity=d.get("validity", "DAY"), start=start, id=row.id, **legs))]


def moved(store, row, lives, events) -> None:
    legs = lives[0].legs
    entry = legs["entry"]
    status = {"filled": "EXECUTED", "expired": "EXPIRED", "unfilled": "EXPIRED"}.get(entry, row.status)
    if status != row.status:
        store.update(row, status=status)
    child = next((r for r in store.all(NAME) if r.kind == "CHILD" and r.data.get("parent") == row.id), None)
    if child is None or child.status == "CANCELLED":
        return
    states = [legs[r] for r in ("target", "sl") if r in legs]
    if "filled" in states:
        executed = next(r for r in ("target", "sl") if legs.get(r) == "filled")
        store.update(child, status="EXECUTED", data={**child.data, "executed_leg": {"sl": "stop_loss", "target": "target"}[executed]})
    elif "placed" in states:
        store.update(child, status="TRIGGERED")
    elif "armed" in states:
        store.update(child, status="ACTIVE")
    # a parent that never executed leaves its child as it is: "the linked child order remains inactive"
