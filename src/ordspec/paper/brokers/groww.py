"""Groww's smart orders, as https://groww.in/trade-api/docs/curl/smart-orders describes them."""

from __future__ import annotations

from datetime import datetime, timedelta

from ordspec.dates import months_later
from ordspec.paper import invalid, now

NAME = "groww"
LIST_ORDER = 1  # as compiler/groww.json lists it


def _fail(status: int, code: str, message: str):
    return status, {"status": "FAILURE", "error": {"code": code, "message": message}}


def auth(headers, body):
    token = headers.get("Authorization") or ""
    if not token.startswith("Bearer ") or len(token) <= len("Bearer "):
        return _fail(401, "GA005", "unauthorised: send Authorization: Bearer <access token>")
    if headers.get("X-API-VERSION") != "1.0":
        return _fail(400, "GA001", "bad request: X-API-VERSION must be 1.0")
    return None


def _order(store, id):
    return store.get(NAME, id)


def create(store, params, query, body):
    kind = body.get("smart_order_type") if isinstance(body, dict) else None
    if kind not in ("GTT", "OCO"):
        return _fail(400, "GA001", "bad request: smart_order_type must be GTT or OCO")
    problem = invalid(f"groww/create-{kind.lower()}.schema.json", body)
    if problem:
        return _fail(400, "GA001", f"bad request: {problem}")
    if kind == "OCO" and body["quantity"] > abs(body["net_position_quantity"]):
        return _fail(400, "GA001", "bad request: quantity must be <= abs(net_position_quantity)")
    if store.by_ref(NAME, body["reference_id"]) is not None:
        return _fail(400, "GA007", "duplicate order reference id")
    id = store.hex_id("gtt_" if kind == "GTT" else "oco_")
    stamp = now().isoformat()
    order = {"smart_order_id": id, "status": "ACTIVE", **{k: v for k, v in body.items()}}
    order.update(
        is_cancellation_allowed=True,
        is_modification_allowed=True,
        created_at=stamp,
        expire_at=(now() + timedelta(days=365)).isoformat() if kind == "GTT" else None,
        triggered_at=None,
        updated_at=stamp,
    )
    store.add(NAME, id, kind, "ACTIVE", order, ref=body["reference_id"], segment=body["segment"])
    return 201, {"status": "SUCCESS", "payload": order}


MODIFIABLE = {
    "GTT": ("quantity", "trigger_price", "trigger_direction", "order"),
    "OCO": ("duration", "quantity", "product_type", "target", "stop_loss"),
}


def modify(store, params, query, body):
    order = _order(store, params["id"])
    if order is None:
        return _fail(404, "GA004", f"smart order {params['id']} not found")
    kind = body.get("smart_order_type") if isinstance(body, dict) else None
    if kind != order.kind:
        return _fail(400, "GA001", f"bad request: {params['id']} is a {order.kind}, not {kind}")
    problem = invalid(f"groww/modify-{kind.lower()}.schema.json", body)
    if problem:
        return _fail(400, "GA001", f"bad request: {problem}")
    if body["segment"] != order.segment:
        return _fail(404, "GA004", f"smart order {params['id']} not found in {body['segment']}")
    if order.status != "ACTIVE":
        return _fail(400, "GA006", f"cannot modify a {order.status} smart order")
    data = dict(order.data)
    for field in MODIFIABLE[kind]:
        if field in body:
            data[field] = {**data.get(field, {}), **body[field]} if isinstance(body[field], dict) else body[field]
    data["updated_at"] = now().isoformat()
    store.update(order, data=data, modified=True)
    return 202, {"status": "SUCCESS", "payload": {"smart_order_id": order.id, "smart_order_type": kind, "status": "ACTIVE", "quantity": data["quantity"]}}


def cancel(store, params, query, body):
    order = _order(store, params["id"])
    if order is None or order.kind != params["kind"] or order.segment != params["segment"]:
        return _fail(404, "GA004", f"smart order {params['id']} not found")
    if order.status != "ACTIVE":
        return _fail(400, "GA006", f"cannot cancel a {order.status} smart order")
    data = {**order.data, "status": "CANCELLED", "updated_at": now().isoformat()}
    store.update(order, status="CANCELLED", data=data)
    return 202, {"status": "SUCCESS", "payload": {"smart_order_id": order.id, "smart_order_type": order.kind, "status": "CANCELLED"}}


def status(store, params, query, body):
    order = _order(store, params["id"])
    if order is None or order.kind != params["kind"] or order.segment != params["segment"]:
        return _fail(404, "GA004", f"smart order {params['id']} not found")
    return 200, {"status": "SUCCESS", "payload": order.data}


def listing(store, params, query, body):
    try:
        page = int(query.get("page", 0))
        size = int(query.get("page_size", 10))
    except ValueError:
        return _fail(400, "GA001", "bad request: page and page_size are numbers")
    if not 0 <= page <= 500 or not 1 <= size <= 50:
        return _fail(400, "GA001", "bad request: page is 0-500 and page_size 1-50")
    today = now().replace(hour=0, minute=0, second=0)
    try:
        start = datetime.fromisoformat(query["start_date_time"]) if "start_date_time" in query else today
        end = datetime.fromisoformat(query["end_date_time"]) if "end_date_time" in query else today + timedelta(days=1)
    except ValueError:
        return _fail(400, "GA001", "bad request: times are YYYY-MM-DDThh:mm:ss")
    if start.tzinfo is not None or end.tzinfo is not None:
        return _fail(400, "GA001", "bad request: times are YYYY-MM-DDThh:mm:ss, without a zone")
    if end < start:
        return _fail(400, "GA001", "bad request: end_date_time must not be before start_date_time")
    if end > months_later(start, 1):
        return _fail(400, "GA001", "bad request: the date range must not exceed one month")
    kind = query.get("smart_order_type", "OCO")
    wanted = query.get("status", "ACTIVE")
    found = [
        o.data
        for o in store.all(NAME)
        if o.kind == kind
        and o.status == wanted
        and ("segment" not in query or o.segment == query["segment"])
        and start <= datetime.fromisoformat(o.data["created_at"]) <= end
    ]
    return 200, {"status": "SUCCESS", "payload": {"orders": found[page * size : (page + 1) * size]}}


ROUTES = [
    ("POST", "/v1/order-advance/create", create),
    ("PUT", r"/v1/order-advance/modify/(?P<id>[^/]+)", modify),
    ("POST", r"/v1/order-advance/cancel/(?P<segment>[^/]+)/(?P<kind>[^/]+)/(?P<id>[^/]+)", cancel),
    ("GET", r"/v1/order-advance/status/(?P<segment>[^/]+)/(?P<kind>[^/]+)/internal/(?P<id>[^/]+)", status),
    ("GET", "/v1/order-advance/list", listing),
]


def fault(status: int) -> dict:
    """The body of an injected failure, in this broker's envelope."""
    return {"status": "FAILURE", "error": {"code": "GA003" if status >= 500 else "GA001", "message": "unable to serve (injected fault)"}}


# -- the book moving with prices (book.py): the engine's view of a smart order, and its statuses

ARMED = "ACTIVE"  # the status of an order the engine arms afresh
STATUSES = ("ACTIVE", "TRIGGERED", "COMPLETED", "CANCELLED")  # as the SDK's list filter names them


def _price(value):
    from decimal import Decimal

    return None if value in (None, "") else Decimal(str(value))


def with_status(data: dict, status: str) -> dict:
    """A smart order's record says its status too (status, in GET's answer)."""
    return {**data, "status": status}


def engine_orders(store):
    """(row, [(part, engine Order)]) for every smart order still ACTIVE or TRIGGERED."""
    from ordspec.paper import IST
    from ordspec.simulate.engine import Leg, Order

    for row in store.all(NAME):
        if row.status not in ("ACTIVE", "TRIGGERED"):
            continue
        d = row.data
        common = dict(ref=row.ref, id=row.id, validity=d.get("duration", "DAY"), start=datetime.fromisoformat(d["created_at"]).replace(tzinfo=IST))
        if row.kind == "GTT":
            o = d["order"]
            entry = Leg("entry", _price(d["trigger_price"]), d["trigger_direction"], _price(o.get("price")))
            order = Order("GTT", o["transaction_type"], d["quantity"], d["trading_symbol"], entry=entry, **common)
        else:
            t, s = d["target"], d["stop_loss"]
            order = Order(
                "OCO", d["transaction_type"], d["quantity"], d["trading_symbol"],
                target=Leg("target", _price(t["trigger_price"]), None, _price(t.get("price"))),
                sl=Leg("sl", _price(s["trigger_price"]), None, _price(s.get("price"))), **common,
            )
        yield row, [("", order)]


def moved(store, row, lives, events) -> None:
    """Groww's words for where the engine left the order: ACTIVE, TRIGGERED, COMPLETED or CANCELLED."""
    legs = lives[0].legs.values()
    status = (
        "COMPLETED" if "filled" in legs else "TRIGGERED" if "placed" in legs else "ACTIVE" if "armed" in legs else "CANCELLED"
    )
    data = dict(row.data)
    stamp = _stamp(max(e.time for e in events)) if events else data["updated_at"]
    triggered = [e for e in events if e.event == "triggered"]
    if triggered and not data.get("triggered_at"):
        data["triggered_at"] = _stamp(triggered[0].time)
    said = [e for e in events if e.event in ("filled", "cancelled", "expired", "unfilled")] or events[-1:]
    if said:
        name = {"entry": "order", "sl": "stop_loss", "target": "target"}
        data["remark"] = "; ".join(f"{name.get(e.leg, 'order')} {e.event}" + (f": {e.why}" if e.why and e.event != "cancelled" else "") for e in said)
    data.update(status=status, updated_at=stamp, is_cancellation_allowed=status == "ACTIVE", is_modification_allowed=status == "ACTIVE")
    store.update(row, status=status, data=data)


def _stamp(t) -> str:
    """Groww's times: ISO 8601 in India time, without an offset (as created_at)."""
    from ordspec.paper import IST

    return t.astimezone(IST).replace(tzinfo=None).isoformat()
