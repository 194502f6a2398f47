"""Dhan's official client (dhanhq 2.3, DhanHQ-py) driven with neutral order values.

`client(url)` builds a dhanhq on a DhanContext and points the context's DhanHTTP at the
capture server: `get_dhan_http().base_url = url`. DhanHTTP._send_request sends to
`base_url + endpoint` (plain concatenation; the default base is https://api.dhan.co/v2 and the
endpoints are /forever/orders, ...), so the capture server sees /forever/orders, as ordspec
will with `--base-url URL` over its own base https://api.dhan.co/v2.

dhanhq never raises on a failed request: it returns {"status": "failure", "remarks": ...}.
`_checked` turns that into an AssertionError, so that a request the capture server did not
route (or any other failure) cannot pass unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from dhanhq import DhanContext, dhanhq

from tests.wire.answers import DHAN_ORDER_ID
from tests.wire.orders import CREDENTIALS, Bracket, Credentials, ForeverLeg, Gtt, Oco, SuperLeg

PRODUCTS = {"CNC": "CNC", "MIS": "INTRADAY", "NRML": "MARGIN", "MTF": "MTF"}
SEGMENTS = {
    ("NSE", "CASH"): "NSE_EQ",
    ("BSE", "CASH"): "BSE_EQ",
    ("NSE", "FNO"): "NSE_FNO",
    ("BSE", "FNO"): "BSE_FNO",
    ("MCX", "COMMODITY"): "MCX_COMM",
    ("NSE", "CURRENCY"): "NSE_CURRENCY",
}


def client(url: str, credentials: Credentials = CREDENTIALS) -> dhanhq:
    context = DhanContext(credentials.client_id, credentials.token)
    http = context.get_dhan_http()
    http.base_url = url
    http.timeout = 10
    return dhanhq(context)


def _checked(answer: dict):
    if not isinstance(answer, dict) or answer.get("status") != "success":
        raise AssertionError(f"dhanhq reported a failed request: {answer!r}")
    return answer["data"]


def segment(o) -> str:
    return SEGMENTS[(o.exchange, o.segment)]


def _security(o) -> str:
    if o.security is None:
        raise ValueError("Dhan names instruments by securityId: give the order a security id")
    return o.security


def _leg(limit: Decimal | None) -> tuple[str, float]:
    """(orderType, price): a market leg is MARKET at price 0, the client's default for unused prices."""
    return ("MARKET", 0.0) if limit is None else ("LIMIT", float(limit))


def place_forever(d: dhanhq, o: Gtt | Oco):
    """A forever order: SINGLE for a GTT; OCO with the target as the first leg and the stop-loss as `...1`."""
    if isinstance(o, Gtt):
        order_type, price = _leg(o.limit)
        second = {}
        trigger = o.trigger
        flag = "SINGLE"
    else:
        target_type, price = _leg(o.target_limit)
        sl_type, sl_price = _leg(o.sl_limit)
        if target_type != sl_type:
            raise ValueError("a Dhan OCO has one orderType for both legs")
        order_type, trigger, flag = target_type, o.target, "OCO"
        second = {"price1": sl_price, "trigger_Price1": float(o.sl), "quantity1": o.qty}
    return _checked(
        d.place_forever(
            security_id=_security(o),
            exchange_segment=segment(o),
            transaction_type=o.side,
            product_type=PRODUCTS[o.product],
            order_type=order_type,
            quantity=o.qty,
            price=price,
            trigger_Price=float(trigger),
            order_flag=flag,
            validity=o.validity,
            tag=o.ref,
            **second,
        )
    )


def modify_forever(d: dhanhq, leg: ForeverLeg):
    # modify_forever coerces nothing: the types here are the ones the docs give (int, float).
    order_type, price = _leg(leg.limit)
    return _checked(
        d.modify_forever(
            order_id=leg.order_id,
            order_flag=leg.flag,
            order_type=order_type,
            leg_name=leg.leg,
            quantity=int(leg.qty),
            price=price,
            trigger_price=float(leg.trigger),
            disclosed_quantity=int(leg.disclosed),
            validity=leg.validity,
        )
    )


def cancel_forever(d: dhanhq, order_id: str):
    return _checked(d.cancel_forever(order_id))


def list_forever(d: dhanhq):
    return _checked(d.get_forever())


def place_super(d: dhanhq, b: Bracket):
    return _checked(
        d.place_super_order(
            security_id=_security(b),
            exchange_segment=segment(b),
            transaction_type=b.side,
            quantity=b.qty,
            order_type="LIMIT",
            product_type=PRODUCTS[b.product],
            price=float(b.price),
            targetPrice=float(b.target),
            stopLossPrice=float(b.stop_loss),
            trailingJump=float(b.trailing_jump),
            tag=b.ref,
        )
    )


def modify_super(d: dhanhq, leg: SuperLeg):
    return _checked(
        d.modify_super_order(
            order_id=leg.order_id,
            order_type=leg.order_type,
            leg_name=leg.leg,
            quantity=leg.qty,
            price=float(leg.price),
            targetPrice=float(leg.target),
            stopLossPrice=float(leg.stop_loss),
            trailingJump=float(leg.trailing_jump),
        )
    )


def cancel_super(d: dhanhq, order_id: str, leg: str = "ENTRY_LEG"):
    return _checked(d.cancel_super_order(order_id, leg))


def list_super(d: dhanhq):
    return _checked(d.get_super_order_list())


@dataclass(frozen=True)
class Form:
    """A statement form: the client call for its example values, and the statement saying the same."""

    name: str
    call: Callable[[dhanhq], object]
    order: object | None
    statement: str
    source: str


D = Decimal
ID = DHAN_ORDER_ID
# Every create carries a correlationId (the order's key): the forms give a ref, which ordspec sends as it.
SINGLE = Gtt("BUY", 5, "HDFCBANK", D("1427"), "down", D("1428"), product="CNC", security="1333", ref="hdfc-single-01")
# The client's example has the target at trigger 1610, limit 1600: ordspec's leg-order wants a SELL
# target's limit at or above its trigger, so here the two are swapped.
OCO = Oco(
    "SELL",
    10,
    "HDFCBANK",
    target=D("1600"),
    target_limit=D("1610"),
    sl=D("1410"),
    sl_limit=D("1400"),
    product="CNC",
    security="1333",
    ref="hdfc-oco-01",
)
SUPER = Bracket(
    "BUY", 5, "TCS", price=D("1500"), target=D("1600"), stop_loss=D("1400"), product="CNC", security="11536", ref="123abc678"
)
MOVE_SINGLE = ForeverLeg(ID, "SINGLE", "TARGET_LEG", 5, D("1426"), D("1427"))
MOVE_OCO_TARGET = ForeverLeg(ID, "OCO", "TARGET_LEG", 10, D("1605"), D("1615"))
MOVE_OCO_SL = ForeverLeg(ID, "OCO", "STOP_LOSS_LEG", 10, D("1405"), D("1395"))
SUPER_ENTRY = SuperLeg(ID, "ENTRY_LEG", qty=5, price=D("1505"), target=D("1605"), stop_loss=D("1405"))
SUPER_TARGET = SuperLeg(ID, "TARGET_LEG", target=D("1610"))
SUPER_SL = SuperLeg(ID, "STOP_LOSS_LEG", stop_loss=D("1395"))  # trailingJump 0: the language has no trailing stop

FORMS = {
    f.name: f
    for f in [
        Form(
            "forever-single",
            lambda d: place_forever(d, SINGLE),
            SINGLE,
            SINGLE.statement(),
            "Dhan forever docs' request (first leg), with a correlationId",
        ),
        Form(
            "forever-oco",
            lambda d: place_forever(d, OCO),
            OCO,
            OCO.statement(),
            "DhanHQ-py examples/forever_order.py (OCO), the target's trigger and limit swapped, with a correlationId",
        ),
        Form(
            "super-order",
            lambda d: place_super(d, SUPER),
            SUPER,
            SUPER.statement(),
            "Dhan super order docs' request (trailingJump 0: the language has no trailing jump)",
        ),
        Form(
            "modify-forever-single",
            lambda d: modify_forever(d, MOVE_SINGLE),
            MOVE_SINGLE,
            f"MODIFY GTT {ID} qty 5 trigger 1426 limit 1427",
            "the SINGLE above, moved by 1 (Dhan replaces the leg whole: validity DAY and disclosed 0 as on create)",
        ),
        Form(
            "modify-forever-oco-target",
            lambda d: modify_forever(d, MOVE_OCO_TARGET),
            MOVE_OCO_TARGET,
            f"MODIFY OCO {ID} qty 10 target 1605 limit 1615",
            "the OCO above, its target leg moved",
        ),
        Form(
            "modify-forever-oco-stop-loss",
            lambda d: modify_forever(d, MOVE_OCO_SL),
            MOVE_OCO_SL,
            f"MODIFY OCO {ID} qty 10 sl 1405 limit 1395",
            "the OCO above, its stop-loss leg moved",
        ),
        Form(
            "modify-super-entry",
            lambda d: modify_super(d, SUPER_ENTRY),
            SUPER_ENTRY,
            f"MODIFY BRACKET {ID} qty 5 limit 1505 target 1605 sl 1405",
            "the super order above, moved by 5 (an ENTRY_LEG modify carries the target and stop-loss)",
        ),
        Form(
            "modify-super-target",
            lambda d: modify_super(d, SUPER_TARGET),
            SUPER_TARGET,
            f"MODIFY BRACKET {ID} target 1610",
            "the super order's target leg",
        ),
        Form(
            "modify-super-stop-loss",
            lambda d: modify_super(d, SUPER_SL),
            SUPER_SL,
            f"MODIFY BRACKET {ID} sl 1395",
            "the super order's stop-loss leg (trailingJump 0)",
        ),
        Form(
            "cancel-forever",
            lambda d: cancel_forever(d, ID),
            None,
            f"CANCEL GTT {ID}",
            "Dhan forever docs: DELETE /forever/orders/{order-id}",
        ),
        Form(
            "cancel-super",
            lambda d: cancel_super(d, ID),
            None,
            f"CANCEL BRACKET {ID}",
            "Dhan super order docs: DELETE /super/orders/{order-id}/ENTRY_LEG",
        ),
        Form("list-forever", list_forever, None, "LIST GTT", "Dhan forever docs: GET /forever/orders"),
        Form("list-super", list_super, None, "LIST BRACKET", "Dhan super order docs: GET /super/orders"),
    ]
}
