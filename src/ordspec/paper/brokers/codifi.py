"""Codifi's SIPs, as its SIP Orders API describes them: execute, modify, pause,
resume, cancel and the order book, with the pause/resume state machine."""

from __future__ import annotations

from ordspec.dates import day_month_year, reformat
from ordspec.paper import invalid, now

NAME = "codifi"
LIST_ORDER = 3  # as compiler/codifi.json lists it


def _fail(status: int, message: str):
    return status, {"status": "Not_Ok", "message": message, "result": None}


def auth(headers, body):
    token = headers.get("Authorization") or ""
    if not token.startswith("Bearer ") or len(token) <= len("Bearer "):
        return _fail(401, "session expired or invalid: send Authorization: Bearer <token>")
    return None


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
        start = reformat(d["startDate"], dashes=True)
        result.append(
            {
                "regDate": reformat(d["regDate"], dashes=True),
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


# -- the book moving with prices (book.py): a SIP's instalments on the dates the prices reach

ARMED = "active"  # the status of an order the engine arms afresh
STATUSES = ("active", "paused", "cancelled", "completed")  # "completed": the order book's "active, paused, or completed SIPs"
FREQUENCIES = {"0": "DAILY", "1": "WEEKLY", "2": "MONTHLY"}  # others (3 = custom) have no documented schedule


def engine_orders(store):
    """(row, [(scrip index, engine Order)]) for every active SIP with a documented frequency; one order per scrip."""
    from datetime import datetime, time
    from decimal import Decimal

    from ordspec.paper import IST
    from ordspec.simulate.engine import Order

    for row in store.all(NAME):
        d = row.data
        frequency = FREQUENCIES.get(str(d["frequency"]))
        if row.status != "active" or frequency is None:
            continue
        start = datetime.combine(day_month_year(d["startDate"]), time(0), IST)
        orders = []
        for i, s in enumerate(d["scrips"]):
            qty, amount = (None, Decimal(str(s["price"]))) if "price" in s else (int(s["qty"]), None)
            orders.append((str(i), Order("SIP", "BUY", qty, s["tradingSymbol"], amount=amount, frequency=frequency,
                                         installments=int(d["endPeriod"]), start=start, id=row.id)))
        yield row, orders


def aliases(store) -> dict:
    """Prices may name a scrip by its token too."""
    return {s["token"]: s["tradingSymbol"] for row in store.all(NAME) for s in row.data["scrips"] if s.get("token")}


def moved(store, row, lives, events) -> None:
    from ordspec.paper import IST

    made = [e for e in events if e.event == "installment"]
    data = dict(row.data)
    if made:
        last = max(e.time for e in made).astimezone(IST)
        data["prevExecDate"] = f"{last:%d%m%Y}"
    data["period"] = str(max(live.done_count for live in lives))
    due = min((live.due for live in lives if not live.done and live.due), default=None)
    if due is not None:
        data["dueDate"] = data["execDate"] = f"{due:%d-%m-%Y}"
    status = "completed" if all(live.done for live in lives) else row.status
    store.update(row, status=status, data=data)
