"""Dhan's Forever orders and Super orders, as DhanHQ v2 describes them
(https://dhanhq.co/docs/v2/forever/, https://dhanhq.co/docs/v2/super-order/).

Answers: {"orderId", "orderStatus"} (PENDING on create and forever modify, TRANSIT on a super
order modify, CANCELLED on cancel); the lists are JSON arrays, a forever OCO listed as two
records, one per leg (legName). Errors: {"errorType", "errorCode", "errorMessage"} with the
Annexure's codes: DH-901 without an access token (or a body for another client id), DH-905 for
a request that breaks the page's rules (a field, disclosedQuantity of 30% or less, a super
order's target or stop-loss on the wrong side of its price, as the official client checks it),
DH-906 for an order that cannot be changed (unknown, no longer PENDING, 25 modifications, a
super order leg in the wrong phase or cancelled). Orders are not deduplicated: two creates with
one correlationId are two orders, as at Dhan.
"""

from __future__ import annotations

from decimal import Decimal

from ordspec.paper import invalid, now

NAME = "dhan"
LIST_ORDER = 6  # as compiler/dhan.json lists it
MAX_MODIFICATIONS = 25  # DhanHQ v2, Introduction: "Order Modifications are capped at 25 modifications/order"
LEGS = ("TARGET_LEG", "STOP_LOSS_LEG")


def _error(status: int, kind: str, code: str, message: str):
    return status, {"errorType": kind, "errorCode": code, "errorMessage": message}


def _input(message: str):
    return _error(400, "Input_Exception", "DH-905", message)


def _order_error(message: str):
    return _error(400, "Order_Error", "DH-906", message)


def auth(headers, body):
    if not headers.get("access-token"):
        return _error(401, "Invalid_Authentication", "DH-901", "Client ID or user generated access token is invalid or expired.")
    client = headers.get("client-id")
    if client and isinstance(body, dict) and body.get("dhanClientId") not in (None, client):
        return _error(401, "Invalid_Authentication", "DH-901", "the body's dhanClientId is not the client-id of this access token")
    return None


def _d(value) -> Decimal:
    return Decimal(str(value))


def _stamp() -> str:
    return now().strftime("%Y-%m-%d %H:%M:%S")


def _disclosed(body: dict) -> str | None:
    shown, qty = body.get("disclosedQuantity", 0), body.get("quantity", 0)
    if shown and shown * 10 <= qty * 3:
        return f"disclosedQuantity {shown}: keep more than 30% of quantity {qty}"
    return None


def _sides(side: str, price, target, stop_loss) -> str | None:
    """The official client's checks (dhanhq _super_order.py), in its words."""
    price, target, stop_loss = _d(price), _d(target), _d(stop_loss)
    if side == "BUY" and not target > price:
        return "For BUY, target price must be greater than price"
    if side == "BUY" and not stop_loss < price:
        return "For BUY, stop loss price must be less than price"
    if side == "SELL" and not target < price:
        return "For SELL, target price must be less than price"
    if side == "SELL" and not stop_loss > price:
        return "For SELL, stop loss price must be greater than price"
    return None


def _new_id(store) -> str:
    return str(store.next_number("dhan-order", 5132208051111))


def _changeable(store, ident: str, kinds: tuple, body: dict | None):
    """(order, None) or (None, the error) for an order a modify or cancel may act on."""
    order = store.get(NAME, ident)
    if order is None or order.kind not in kinds:
        return None, _order_error(f"order {ident} not found")
    if body is not None and str(body.get("orderId")) != ident:
        return None, _input(f"orderId {body.get('orderId')} is not the order of the path ({ident})")
    return order, None


# -- forever orders


def create_forever(store, params, query, body):
    problem = invalid("dhan/forever-create.schema.json", body) or _disclosed(body)
    if problem:
        return _input(problem)
    ident = _new_id(store)
    stamp = _stamp()
    data = {**body, "orderId": ident, "createTime": stamp, "updateTime": stamp}
    store.add(NAME, ident, body["orderFlag"], "PENDING", data, segment=body["exchangeSegment"])
    return 200, {"orderId": ident, "orderStatus": "PENDING"}


def modify_forever(store, params, query, body):
    problem = invalid("dhan/forever-modify.schema.json", body) or _disclosed(body)
    if problem:
        return _input(problem)
    order, error = _changeable(store, params["id"], ("SINGLE", "OCO"), body)
    if error:
        return error
    if body["orderFlag"] != order.kind:
        return _order_error(f"order {order.id} is a {order.kind} forever order, not {body['orderFlag']}")
    if order.status != "PENDING":
        return _order_error(f"order {order.id} is {order.status}: only a PENDING forever order can be modified")
    if order.modifications >= MAX_MODIFICATIONS:
        return _order_error(f"order {order.id} has been modified {MAX_MODIFICATIONS} times")
    second = body["legName"] == "STOP_LOSS_LEG"
    suffix = "1" if second else ""
    data = dict(order.data)
    data.update({"price" + suffix: body["price"], "triggerPrice" + suffix: body["triggerPrice"], "quantity" + suffix: body["quantity"]})
    data.update(orderType=body["orderType"], validity=body["validity"], disclosedQuantity=body["disclosedQuantity"], updateTime=_stamp())
    store.update(order, data=data, modified=True)
    return 200, {"orderId": order.id, "orderStatus": "PENDING"}


def cancel_forever(store, params, query, body):
    order, error = _changeable(store, params["id"], ("SINGLE", "OCO"), None)
    if error:
        return error
    if order.status != "PENDING":
        return _order_error(f"order {order.id} is {order.status}: only a PENDING forever order can be cancelled")
    store.update(order, status="CANCELLED", data={**order.data, "updateTime": _stamp()})
    return 200, {"orderId": order.id, "orderStatus": "CANCELLED"}


def _forever_records(order) -> list[dict]:
    """A forever order as the list gives it: one record per leg (the page names no correlationId in it)."""
    d = order.data
    common = {
        "dhanClientId": d["dhanClientId"], "orderId": order.id, "orderStatus": order.status,
        "transactionType": d["transactionType"], "exchangeSegment": d["exchangeSegment"], "productType": d["productType"],
        "orderType": order.kind, "tradingSymbol": "", "securityId": d["securityId"],
    }
    times = {"createTime": d["createTime"], "updateTime": d["updateTime"], "exchangeTime": d["updateTime"],
             "drvExpiryDate": None, "drvOptionType": None, "drvStrikePrice": 0}
    out = [{**common, "quantity": d["quantity"], "price": d["price"], "triggerPrice": d["triggerPrice"], "legName": "TARGET_LEG", **times}]
    if order.kind == "OCO":
        out.append({**common, "quantity": d["quantity1"], "price": d["price1"], "triggerPrice": d["triggerPrice1"], "legName": "STOP_LOSS_LEG", **times})
    return out


def list_forever(store, params, query, body):
    return 200, [r for o in store.all(NAME) if o.kind in ("SINGLE", "OCO") for r in _forever_records(o)]


# -- super orders


def create_super(store, params, query, body):
    problem = invalid("dhan/super-create.schema.json", body)
    if problem is None:
        problem = _sides(body["transactionType"], body["price"], body["targetPrice"], body["stopLossPrice"])
    if problem:
        return _input(problem)
    ident = _new_id(store)
    stamp = _stamp()
    data = {**body, "orderId": ident, "legs": dict.fromkeys(LEGS, "PENDING"), "createTime": stamp, "updateTime": stamp}
    store.add(NAME, ident, "SUPER", "PENDING", data, segment=body["exchangeSegment"])
    return 200, {"orderId": ident, "orderStatus": "PENDING"}


def modify_super(store, params, query, body):
    problem = invalid("dhan/super-modify.schema.json", body)
    if problem:
        return _input(problem)
    order, error = _changeable(store, params["id"], ("SUPER",), body)
    if error:
        return error
    leg = body["legName"]
    # the Super Order page: the entry leg while it is pending; the target and stop-loss once it traded
    if leg == "ENTRY_LEG" and order.status != "PENDING":
        return _order_error(f"order {order.id} is {order.status}: its ENTRY_LEG can be modified only while PENDING")
    if leg != "ENTRY_LEG" and (order.status != "TRADED" or order.data["legs"][leg] != "PENDING"):
        why = f"its {leg} is {order.data['legs'][leg]}" if order.status == "TRADED" else f"it is {order.status}: legs change once the entry traded"
        return _order_error(f"order {order.id}: {why}")
    if order.modifications >= MAX_MODIFICATIONS:
        return _order_error(f"order {order.id} has been modified {MAX_MODIFICATIONS} times")
    data = {**order.data, **{k: v for k, v in body.items() if k not in ("orderId", "legName", "dhanClientId")}, "updateTime": _stamp()}
    problem = _sides(data["transactionType"], data["price"], data["targetPrice"], data["stopLossPrice"])
    if problem:
        return _input(problem)
    store.update(order, data=data, modified=True)
    return 200, {"orderId": order.id, "orderStatus": "TRANSIT"}


def cancel_super(store, params, query, body):
    order, error = _changeable(store, params["id"], ("SUPER",), None)
    if error:
        return error
    leg = params["leg"]
    if leg not in ("ENTRY_LEG",) + LEGS:
        return _input(f"order leg {leg}: ENTRY_LEG, TARGET_LEG or STOP_LOSS_LEG")
    if order.status not in ("PENDING", "TRADED"):
        return _order_error(f"order {order.id} is {order.status}: nothing to cancel")
    if leg == "ENTRY_LEG":  # "Cancelling the main order ID cancels all legs"
        legs = {name: "CANCELLED" if state == "PENDING" else state for name, state in order.data["legs"].items()}
        store.update(order, status="CANCELLED", data={**order.data, "legs": legs, "updateTime": _stamp()})
        return 200, {"orderId": order.id, "orderStatus": "CANCELLED"}
    if order.data["legs"][leg] != "PENDING":
        return _order_error(f"order {order.id}: its {leg} is {order.data['legs'][leg]}")
    store.update(order, data={**order.data, "legs": {**order.data["legs"], leg: "CANCELLED"}, "updateTime": _stamp()})
    return 200, {"orderId": order.id, "orderStatus": "CANCELLED"}


def _super_record(order) -> dict:
    d = order.data
    qty, exit_side = d["quantity"], "SELL" if d["transactionType"] == "BUY" else "BUY"
    legs = [
        {"orderId": order.id, "legName": name, "transactionType": exit_side, "totalQuatity": qty, "remainingQuantity": qty,
         "triggeredQuantity": 0, "price": d["stopLossPrice" if name == "STOP_LOSS_LEG" else "targetPrice"],
         "orderStatus": d["legs"][name], "trailingJump": d["trailingJump"]}
        for name in ("STOP_LOSS_LEG", "TARGET_LEG")
    ]
    return {
        "dhanClientId": d["dhanClientId"], "orderId": order.id, "correlationId": d.get("correlationId", ""),
        "orderStatus": order.status, "transactionType": d["transactionType"], "exchangeSegment": d["exchangeSegment"],
        "productType": d["productType"], "orderType": d["orderType"], "validity": "DAY", "tradingSymbol": "",
        "securityId": d["securityId"], "quantity": qty, "remainingQuantity": 0 if order.status != "PENDING" else qty,
        "ltp": 0, "price": d["price"], "afterMarketOrder": False, "legName": "ENTRY_LEG", "exchangeOrderId": "",
        "createTime": d["createTime"], "updateTime": d["updateTime"], "exchangeTime": d["updateTime"],
        "omsErrorDescription": "", "averageTradedPrice": 0, "filledQty": 0 if order.status == "PENDING" else qty, "legDetails": legs,
    }


def list_super(store, params, query, body):
    return 200, [_super_record(o) for o in store.all(NAME) if o.kind == "SUPER"]


ROUTES = [
    ("POST", "/forever/orders", create_forever),
    ("PUT", r"/forever/orders/(?P<id>[^/]+)", modify_forever),
    ("DELETE", r"/forever/orders/(?P<id>[^/]+)", cancel_forever),
    ("GET", "/forever/orders", list_forever),
    ("POST", "/super/orders", create_super),
    ("PUT", r"/super/orders/(?P<id>[^/]+)", modify_super),
    ("DELETE", r"/super/orders/(?P<id>[^/]+)/(?P<leg>[^/]+)", cancel_super),
    ("GET", "/super/orders", list_super),
]


def fault(status: int) -> dict:
    """The body of an injected failure, in this broker's envelope."""
    if status >= 500:
        return {"errorType": "Internal_Server_Error", "errorCode": "DH-908", "errorMessage": "injected fault"}
    return {"errorType": "Input_Exception", "errorCode": "DH-905", "errorMessage": "injected fault"}


# -- the book moving with prices (book.py). The Annexure's words: a forever order PENDING until its
# trigger places its order (TRIGGERED), then TRADED (or EXPIRED, its DAY order unfilled); a super
# order PENDING, TRADED once its entry fills (its legs come alive), TRIGGERED when a leg fires,
# CLOSED when a leg has traded, EXPIRED when its entry never filled.

ARMED = "PENDING"
STATUSES = ("PENDING", "TRIGGERED", "TRADED", "CLOSED", "EXPIRED", "CANCELLED", "REJECTED")


def _limit(data: dict, name: str):
    return _d(data[name]) if data.get("orderType") == "LIMIT" else None


def engine_orders(store):
    """(row, [("", engine Order)]) for every forever order PENDING or TRIGGERED, and every super order
    whose entry or legs are still alive. Prices are fed by securityId."""
    from datetime import datetime

    from ordspec.paper import IST
    from ordspec.simulate.engine import Leg, Order

    for row in store.all(NAME):
        d = row.data
        start = datetime.fromtimestamp(row.created, IST).replace(microsecond=0)
        common = dict(validity=d.get("validity", "DAY"), start=start, id=row.id)
        if row.kind == "SINGLE" and row.status in ("PENDING", "TRIGGERED"):
            entry = Leg("entry", _d(d["triggerPrice"]), None, _limit(d, "price"))
            yield row, [("", Order("GTT", d["transactionType"], d["quantity"], d["securityId"], entry=entry, **common))]
        elif row.kind == "OCO" and row.status in ("PENDING", "TRIGGERED"):
            target = Leg("target", _d(d["triggerPrice"]), None, _limit(d, "price"))
            sl = Leg("sl", _d(d["triggerPrice1"]), None, _limit(d, "price1"))
            yield row, [("", Order("OCO", d["transactionType"], d["quantity"], d["securityId"], target=target, sl=sl, **common))]
        elif row.kind == "SUPER" and row.status in ("PENDING", "TRADED", "TRIGGERED"):
            alive = ("PENDING", "TRIGGERED")
            legs = {}
            if d["legs"]["TARGET_LEG"] in alive:
                legs["target"] = Leg("target", _d(d["targetPrice"]), None, None)
            if d["legs"]["STOP_LOSS_LEG"] in alive:
                legs["sl"] = Leg("sl", _d(d["stopLossPrice"]), None, None)
            if row.status == "PENDING":  # the entry, and the legs that follow it
                entry = Leg("entry", None, None, _d(d["price"]))
                yield row, [("", Order("BRACKET", d["transactionType"], d["quantity"], d["securityId"], entry=entry, **common, **legs))]
            elif legs:  # the entry traded: its legs are an exit of the position, one cancelling the other
                exit_side = "SELL" if d["transactionType"] == "BUY" else "BUY"
                yield row, [("", Order("OCO", exit_side, d["quantity"], d["securityId"], **common, **legs))]


def moved(store, row, lives, events) -> None:
    """Dhan's words for where the engine left the order."""
    legs = lives[0].legs
    data = {**row.data, "updateTime": _stamp()}
    if row.kind in ("SINGLE", "OCO"):
        states = list(legs.values())
        status = (
            "TRADED" if "filled" in states else "EXPIRED" if {"expired", "unfilled"} & set(states)
            else "TRIGGERED" if "placed" in states else row.status
        )
        store.update(row, status=status, data=data)
        return
    entry = legs.get("entry")  # (None once the entry traded: the legs alone move)
    status = row.status
    if entry in ("expired", "unfilled"):
        status = "EXPIRED"
    elif entry == "filled" or entry is None:
        status = "TRADED" if status == "PENDING" else status
        names = {"target": "TARGET_LEG", "sl": "STOP_LOSS_LEG"}
        data["legs"] = dict(data["legs"])
        for role, name in names.items():
            state = legs.get(role)
            if state == "filled":
                data["legs"][name], status = "TRADED", "CLOSED"
            elif state == "placed":
                data["legs"][name] = "TRIGGERED"
                status = "TRIGGERED" if status != "CLOSED" else status
            elif state == "cancelled" and data["legs"][name] == "PENDING":
                data["legs"][name] = "CANCELLED"
    store.update(row, status=status, data=data)
