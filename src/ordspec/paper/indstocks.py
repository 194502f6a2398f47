"""INDstocks' smart orders, as its Smart Order APIs page describes them
(https://api-docs.indstocks.com/smart_orders/).

Errors use INDstocks' error classes: {"status": "error", "error_type":
"InputException", "message": ...}, the validation's name first.
"""

from __future__ import annotations

from decimal import Decimal

from ordspec.paper import invalid

NAME = "indstocks"
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
