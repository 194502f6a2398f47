"""Codifi's SIPs, as its SIP Orders API describes them: execute, modify, pause,
resume, cancel and the order book, with the pause/resume state machine."""

from __future__ import annotations

from ordspec.paper import invalid, now

NAME = "codifi"


def _fail(status: int, message: str):
    return status, {"status": "Not_Ok", "message": message, "result": None}


def auth(headers, body):
    token = headers.get("Authorization") or ""
    if not token.startswith("Bearer ") or len(token) <= len("Bearer "):
        return _fail(401, "session expired or invalid: send Authorization: Bearer <token>")
    return None


def _dashed(compact: str) -> str:
    return f"{compact[:2]}-{compact[2:4]}-{compact[4:]}" if len(compact) == 8 and compact.isdigit() else compact


def execute(store, params, query, body):
    problem = invalid("codifi/execute.schema.json", body)
    if problem:
        return _fail(400, problem)
    number = f"{now():%y%m%d}{store.next_number('codifi', 0):08d}"
    store.add(NAME, number, "SIP", "active", {**body, "prevExecDate": "0", "period": "0"})
    return 200, {"status": "Ok", "message": "Success", "result": [{"orderNo": number}]}


def _sip(store, body, schema: str):
    """(the SIP the body names, None) or (None, the failure to answer)."""
    problem = invalid(schema, body)
    if problem:
        return None, _fail(400, problem)
    order = store.get(NAME, body["orderNo"])
    if order is None:
        return None, _fail(400, f"SIP {body['orderNo']} not found")
    return order, None


def modify(store, params, query, body):
    order, failure = _sip(store, body, "codifi/modify.schema.json")
    if failure:
        return failure
    if order.status == "cancelled":
        return _fail(400, f"SIP {order.id} is cancelled")
    store.update(order, data={**order.data, **{k: v for k, v in body.items() if k != "orderNo"}}, modified=True)
    return 200, {"status": "Ok", "message": "Success", "result": None}


def _transition(allowed: tuple, to: str, verb: str):
    def handle(store, params, query, body):
        order, failure = _sip(store, body, "codifi/order-no.schema.json")
        if failure:
            return failure
        if order.status not in allowed:
            return _fail(400, f"SIP {order.id} is {order.status}: it cannot be {verb}")
        store.update(order, status=to)
        return 200, {"status": "Ok", "message": "Success", "result": [{"orderNo": order.id}]}

    return handle


def orderbook(store, params, query, body):
    result = []
    for order in store.all(NAME):
        d = order.data
        scrips = []
        for s in d["scrips"]:
            by_value = "price" in s
            scrips.append(
                {
                    "exchange": s["exchange"],
                    "token": s["token"],
                    "tradingSymbol": s["tradingSymbol"],
                    "product": s["product"],
                    "qty": None if by_value else s["qty"],
                    "sipType": "prc" if by_value else "qty",
                    "price": s["price"] if by_value else None,
                }
            )
        start = _dashed(d["startDate"])
        result.append(
            {
                "regDate": _dashed(d["regDate"]),
                "startDate": start,
                "frequency": d["frequency"],
                "endPeriod": d["endPeriod"],
                "sipName": d["sipName"],
                "scrips": scrips,
                "internal": {
                    "prevExecDate": d.get("prevExecDate", "0"),
                    "dueDate": d.get("dueDate", start),
                    "execDate": d.get("execDate", start),
                    "period": d.get("period", "0"),
                    "active": "true" if order.status == "active" else "false",
                    "orderNo": order.id,
                },
            }
        )
    return 200, {"status": "Ok", "message": "Success", "result": result}


ROUTES = [
    ("POST", "/orders/sip/execute", execute),
    ("POST", "/orders/sip/modify", modify),
    ("POST", "/orders/sip/pause", _transition(("active",), "paused", "paused")),
    ("POST", "/orders/sip/resume", _transition(("paused",), "active", "resumed")),
    ("POST", "/orders/sip/cancel", _transition(("active", "paused"), "cancelled", "cancelled")),
    ("GET", "/info/sip/orderbook", orderbook),
]


def fault(status: int) -> dict:
    """The body of an injected failure, in this broker's envelope."""
    return {"status": "Not_Ok", "message": "injected fault", "result": None}
