"""Groww smart orders: GTT and OCO create, modify, cancel, get and list.

Built from https://groww.in/trade-api/docs/curl/smart-orders (request bodies,
paths) and the Python SDK's Smart Orders page; the table is groww.json. Bodies keep the
documents' key order, prices are two-place decimal strings.
"""

from __future__ import annotations

from ordspec.compiler.base import Broker
from ordspec.compiler.request import Request


class Groww(Broker):
    """Groww is the base, plus: a side alone changes nothing; a GTT order that changes needs its side."""

    def compile(self, stmt, ctx) -> list[Request]:
        return [_COMPILE[stmt.verb](self, stmt)]

    def unsupported(self, stmt, ctx) -> None:
        """unsupported: a side alone changes nothing (Groww sends it only inside the order it places)."""
        if stmt.verb == "MODIFY" and stmt.kind.value == "GTT" and stmt.side is not None:
            if stmt.entry is None or stmt.entry.order_type is None:
                ctx.report(
                    stmt.side,
                    "Groww sends the side only inside a changed order (order.transaction_type), and cannot change it",
                    "drop `side`, or change the order too (`limit PRICE` or `market`)",
                )

    def requirements(self, stmt, ctx) -> None:
        """missing-field, for what Groww needs that its table cannot say."""
        if stmt.verb == "MODIFY" and stmt.kind.value == "GTT" and stmt.entry is not None:
            if stmt.entry.order_type is not None and stmt.side is None and "side" not in stmt.invalid:
                ctx.report(
                    stmt.entry.order_type,
                    "Groww needs the order's transaction type when a GTT's order changes (order.transaction_type: required but not modifiable)",
                    "add `side BUY` or `side SELL`, as the GTT was created",
                )


def _create(broker: Groww, stmt) -> Request:
    kind = stmt.kind.value
    body = {
        "reference_id": stmt.key,
        "smart_order_type": kind,
        "segment": broker.word("segment", stmt.segment),
        "trading_symbol": stmt.symbol.value,
        "quantity": stmt.qty.value,
    }
    if kind == "GTT":
        entry = stmt.entry
        body["trigger_price"] = broker.price(entry.trigger)
        body["trigger_direction"] = broker.word("direction", entry.direction)
        body["order"] = {
            "order_type": entry.order_type.value,
            "price": broker.price(entry.price),
            "transaction_type": stmt.side.value,
        }
    else:  # OCO
        body["net_position_quantity"] = stmt.position()
        body["transaction_type"] = stmt.side.value
        body["target"] = _leg(broker, stmt.target)
        body["stop_loss"] = _leg(broker, stmt.sl)
    body["product_type"] = broker.word("product", stmt.options["product"])
    body["exchange"] = broker.word("exchange", stmt.options["exchange"])
    body["duration"] = broker.word("validity", stmt.options["validity"])
    return broker.request(stmt, "CREATE", body, f"groww/create-{kind.lower()}.schema.json")


def _leg(broker: Groww, leg) -> dict:
    return {"trigger_price": broker.price(leg.trigger), "order_type": leg.order_type.value, "price": broker.price(leg.price)}


def _modify(broker: Groww, stmt) -> Request:
    kind = stmt.kind.value
    body = {"smart_order_type": kind, "segment": broker.word("segment", stmt.segment)}
    options = stmt.options
    if kind == "GTT":
        entry = stmt.entry
        if stmt.qty is not None:
            body["quantity"] = stmt.qty.value
        if entry is not None:
            if entry.trigger is not None:
                body["trigger_price"] = broker.price(entry.trigger)
            if entry.direction is not None:
                body["trigger_direction"] = broker.word("direction", entry.direction)
            if entry.order_type is not None:
                body["order"] = {
                    "order_type": entry.order_type.value,
                    "price": broker.price(entry.price),
                    "transaction_type": stmt.side.value,
                }
    else:  # OCO
        if "validity" in options:
            body["duration"] = broker.word("validity", options["validity"])
        if stmt.qty is not None:
            body["quantity"] = stmt.qty.value
        if "product" in options:
            body["product_type"] = broker.word("product", options["product"])
        if stmt.target is not None:
            body["target"] = {"trigger_price": broker.price(stmt.target.trigger)}
        if stmt.sl is not None:
            body["stop_loss"] = {"trigger_price": broker.price(stmt.sl.trigger)}
    return broker.request(stmt, "MODIFY", body, f"groww/modify-{kind.lower()}.schema.json", id=stmt.order_id.value)


def _routed(verb: str):
    def build(broker: Groww, stmt) -> Request:
        segment = broker.word("segment", stmt.segment)
        return broker.request(stmt, verb, None, None, segment=segment, kind=stmt.kind.value, id=stmt.order_id.value)

    return build


def _list(broker: Groww, stmt) -> Request:
    options = stmt.options
    query = {}
    if stmt.segment is not None:
        query["segment"] = broker.word("segment", stmt.segment)
    query["smart_order_type"] = stmt.kind.value
    for name, key in (("status", "status"), ("page", "page"), ("size", "page_size")):
        if name in options:
            query[key] = options[name].value
    for name, key in (("from", "start_date_time"), ("to", "end_date_time")):
        if name in options:
            query[key] = options[name].value.isoformat()
    return broker.request(stmt, "LIST", None, "groww/list-query.schema.json", query=query)


_COMPILE = {"CREATE": _create, "MODIFY": _modify, "CANCEL": _routed("CANCEL"), "GET": _routed("GET"), "LIST": _list}
