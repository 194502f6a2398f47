"""Zerodha's official client (kiteconnect, pykiteconnect) driven with neutral order values.

`client(url)` points a KiteConnect at a capture server (`root=`: the client joins it with
urllib's urljoin and an absolute route, so any path on `url` is dropped: only scheme, host and
port count). One function per statement form; FORMS holds each with its example values.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from kiteconnect import KiteConnect

from tests.wire.answers import KITE_TRIGGER_ID
from tests.wire.orders import CREDENTIALS, Credentials, Gtt, Oco

PRODUCTS = {"CNC": "CNC", "NRML": "NRML", "MIS": "MIS"}  # Kite uses the neutral words


def client(url: str, credentials: Credentials = CREDENTIALS) -> KiteConnect:
    return KiteConnect(credentials.api_key, access_token=credentials.token, root=url, timeout=10)


def exchange(o: Gtt | Oco) -> str:
    """Kite's exchange for an order: NFO / BFO for derivatives, MCX, CDS / BCD for currency."""
    if o.segment == "FNO":
        return {"NSE": "NFO", "BSE": "BFO"}[o.exchange]
    if o.segment == "COMMODITY":
        return "MCX"
    if o.segment == "CURRENCY":
        return {"NSE": "CDS", "BSE": "BCD"}[o.exchange]
    return o.exchange


def _order(side: str, qty: int, product: str, limit: Decimal | None) -> dict:
    if limit is None:
        raise ValueError("a GTT at Kite places LIMIT orders only: give the leg a limit price")
    return {"transaction_type": side, "quantity": qty, "order_type": "LIMIT", "product": PRODUCTS[product], "price": float(limit)}


def legs(o: Oco) -> list[tuple[Decimal, Decimal | None]]:
    """(trigger, limit) of a two-leg GTT, trigger values low to high: the order at index i fires at value i."""
    return sorted([(o.sl, o.sl_limit), (o.target, o.target_limit)], key=lambda leg: leg[0])


def payload(o: Gtt | Oco) -> dict:
    """The keyword arguments of place_gtt / modify_gtt for an order."""
    if o.last_price is None:
        raise ValueError("Kite needs the last price in every GTT")
    if isinstance(o, Gtt):
        kind, triggers = KiteConnect.GTT_TYPE_SINGLE, [(o.trigger, o.limit)]
    else:
        kind, triggers = KiteConnect.GTT_TYPE_OCO, legs(o)
    return {
        "trigger_type": kind,
        "tradingsymbol": o.symbol,
        "exchange": exchange(o),
        "trigger_values": [float(t) for t, _ in triggers],
        "last_price": float(o.last_price),
        "orders": [_order(o.side, o.qty, o.product, limit) for _, limit in triggers],
    }


def place_gtt(kite: KiteConnect, o: Gtt | Oco):
    return kite.place_gtt(**payload(o))


def modify_gtt(kite: KiteConnect, trigger_id, o: Gtt | Oco):
    return kite.modify_gtt(trigger_id, **payload(o))


def cancel_gtt(kite: KiteConnect, trigger_id):
    return kite.delete_gtt(trigger_id)


def get_gtt(kite: KiteConnect, trigger_id):
    return kite.get_gtt(trigger_id)


def list_gtts(kite: KiteConnect):
    return kite.get_gtts()


@dataclass(frozen=True)
class Form:
    """A statement form: the client call for its example values, and the statement saying the same."""

    name: str
    call: Callable[[KiteConnect], object]
    order: object | None
    statement: str  # the ordspec statement (with `quotes`: --quotes symbol,last_price)
    source: str  # where the example values come from
    quotes: dict | None = None


D = Decimal
INFY = Gtt("BUY", 1, "INFY", D("702"), "down", D("702.5"), product="CNC", last_price=D("798"))
SBIN = Oco(
    "SELL", 1, "SBIN", target=D("480"), target_limit=D("480"), sl=D("470"), sl_limit=D("470"), product="CNC", last_price=D("473")
)
NIFTY = Oco(
    "SELL",
    75,
    "NIFTY25OCT24000CE",
    target=D("120.50"),
    target_limit=D("121"),
    sl=D("95"),
    sl_limit=D("94"),
    product="NRML",
    segment="FNO",
    last_price=D("110"),
)
INFY_MOVED = Gtt("BUY", 1, "INFY", D("705"), "down", D("705.5"), product="CNC", last_price=D("798"))
ID = KITE_TRIGGER_ID


def _form(name, call, order, statement, source):
    quotes = {order.symbol: order.last_price} if order is not None else None
    return Form(name, call, order, statement, source, quotes)


FORMS = {
    f.name: f
    for f in [
        _form(
            "gtt-single", lambda k: place_gtt(k, INFY), INFY, INFY.statement(), "Kite GTT docs, Placing triggers (curl example)"
        ),
        _form("gtt-oco", lambda k: place_gtt(k, SBIN), SBIN, SBIN.statement(), "pykiteconnect examples/gtt_order.py (two-leg)"),
        _form(
            "gtt-oco-nfo",
            lambda k: place_gtt(k, NIFTY),
            NIFTY,
            NIFTY.statement(),
            "the language's own OCO example, with a stop-loss limit (Kite GTT orders are LIMIT) and product NRML",
        ),
        _form(
            "modify-gtt",
            lambda k: modify_gtt(k, ID, INFY_MOVED),
            INFY_MOVED,
            f"MODIFY GTT {ID} qty 1 trigger 705 down limit 705.5 side BUY",
            "the docs' single GTT, moved by 3",
        ),
        _form("cancel-gtt", lambda k: cancel_gtt(k, ID), None, f"CANCEL GTT {ID}", "Kite GTT docs: DELETE /gtt/triggers/:id"),
        _form("get-gtt", lambda k: get_gtt(k, ID), None, f"GET GTT {ID}", "Kite GTT docs: GET /gtt/triggers/:id"),
        _form("list-gtt", list_gtts, None, "LIST GTT", "Kite GTT docs: GET /gtt/triggers"),
    ]
}
