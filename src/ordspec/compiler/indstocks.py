"""INDstocks smart orders: BRACKET (a LIMIT, MARKET or TRIGGER parent with optional
stop-loss and target legs) and GTT (a TRIGGER parent); modify; cancel.

Built from https://api-docs.indstocks.com/smart_orders/; the table is indstocks.json. Prices are
JSON numbers written exactly as the order file writes them (0.35 stays 0.35).
A GTT is INDstocks' TRIGGER order: `limit` sets its trigger_limit_price.
"""

from __future__ import annotations

from ordspec.compiler.base import Broker
from ordspec.compiler.request import Request


class Indstocks(Broker):
    """INDstocks is the base, plus: triggers fire one way per side; a child order has no entry;
    MARKET and trigger-market orders are changed as INDstocks takes them."""

    def compile(self, stmt, ctx) -> list[Request]:
        return [_compile(self, stmt)]

    def requirements(self, stmt, ctx) -> None:
        """missing-field: the security id, and the trigger of a TRIGGER order being modified."""
        if stmt.verb == "CREATE" and security_id(stmt) is None and "security" not in stmt.invalid:
            ctx.report(
                stmt.symbol,
                f"INDstocks needs the security_id of {stmt.symbol.value}",
                "add `security N`, or pass --instruments with INDstocks' instrument CSV",
            )
        if stmt.verb == "MODIFY" and order_type(self, stmt) == "TRIGGER":  # "Required when modifying a TRIGGER order"
            entry = stmt.entry
            if (entry is None or entry.trigger is None) and "entry.trigger" not in stmt.invalid:
                ctx.report(stmt.kind, "INDstocks needs trigger_price when a TRIGGER order is modified", "add `trigger PRICE` (the current trigger, if it does not change)")

    def unsupported(self, stmt, ctx) -> None:
        """unsupported: INDstocks triggers fire upward for BUY and downward for SELL only."""
        entry = stmt.entry
        if stmt.verb != "CREATE" or stmt.kind.value != "GTT" or entry is None or entry.direction is None or stmt.side is None:
            return
        fires = self.setting("trigger_fires")[stmt.side.value]
        if entry.direction.value != fires:
            ctx.report(
                entry.direction,
                f"INDstocks triggers a {stmt.side.value} only when the price rises above the trigger"
                if fires == "UP"
                else f"INDstocks triggers a {stmt.side.value} only when the price falls below the trigger",
                f"Groww's GTT takes a {stmt.side.value} triggered {entry.direction.value.lower()}: --broker groww",
            )

    def not_modifiable(self, stmt, ctx) -> None:
        """not-modifiable: a child (GTT-) order has no entry; a GTT cannot drop its trigger limit."""
        entry = stmt.entry
        child = stmt.order_id.value.startswith(self.setting("child_prefix"))
        if child and entry is not None:
            ctx.report(
                entry,
                f"{stmt.order_id.value} is a child order (its stop-loss and target legs): it has no entry to modify",
                "INDstocks modifies a parent and its child separately: modify the parent (EQ- or DRV-) for the entry",
            )
        if stmt.kind.value == "GTT" and entry is not None and entry.market is not None:
            ctx.report(
                entry.market,
                "INDstocks cannot make a trigger order trigger-market by modifying it: an omitted trigger_limit_price is left as it is",
                "cancel the order and place a new one",
            )

    def silent(self, stmt, ctx) -> None:
        """silent-conversion: what INDstocks changes without saying so."""
        if stmt.verb != "CREATE":
            return
        kind, entry = order_type(self, stmt), stmt.entry
        if kind == "MARKET":
            ctx.report(entry.market or entry, "INDstocks places a MARKET order as a LIMIT order at the live price", "write `limit PRICE` to choose the price yourself")
        elif kind == "TRIGGER" and entry is not None and entry.trigger is not None and entry.price is None:
            ctx.report(
                entry.market or entry.trigger,
                f"INDstocks sets trigger_limit_price to the trigger price: this order executes as a trigger-limit at {entry.trigger.value}, not at market",
                f"write `limit PRICE` after the trigger to choose the limit yourself",
            )


def order_type(broker: Indstocks, stmt) -> str | None:
    """INDstocks' order_type for the statement: TRIGGER for a GTT, the entry's type for a BRACKET."""
    if stmt.kind.value == "GTT":  # a GTT- id is a child order (its legs), which has no order type of its own
        return "TRIGGER" if stmt.verb == "CREATE" or not stmt.order_id.value.startswith(broker.setting("child_prefix")) else None
    entry = stmt.entry
    return entry.order_type.value if entry is not None and entry.order_type is not None else None


def security_id(stmt) -> str | None:
    given = stmt.options.get("security")
    if given is not None:
        return given.value
    return stmt.instrument.security_id if stmt.instrument is not None else None


def _algo(broker: Indstocks, stmt) -> str:
    exchange = stmt.options.get("exchange")
    return broker.setting("algo_id")[exchange.value if exchange is not None else "NSE"]


def _prices(broker: Indstocks, stmt, body: dict, kind: str | None) -> None:
    """The entry's and the legs' prices, in the order of the document's examples."""
    num = broker.price
    entry, sl, target = stmt.entry, stmt.sl, stmt.target
    if entry is not None:
        if kind == "LIMIT" and entry.price is not None:
            body["limit_price"] = num(entry.price)
        elif kind == "TRIGGER":
            if entry.trigger is not None:
                body["trigger_price"] = num(entry.trigger)
            if entry.price is not None:
                body["trigger_limit_price"] = num(entry.price)
    if sl is not None and sl.trigger is not None:
        body["sl_trigger_price"] = num(sl.trigger)
    if target is not None and target.trigger is not None:
        body["tgt_trigger_price"] = num(target.trigger)
    if sl is not None and sl.price is not None:
        body["sl_limit_price"] = num(sl.price)
    if target is not None and target.price is not None:
        body["tgt_limit_price"] = num(target.price)


def _compile(broker: Indstocks, stmt) -> Request:
    word = broker.word
    if stmt.verb == "CREATE":
        kind = order_type(broker, stmt)
        body = {
            "txn_type": stmt.side.value,
            "exchange": word("exchange", stmt.options["exchange"]),
            "segment": word("segment", stmt.segment),
            "product": word("product", stmt.options["product"]),
            "order_type": kind,
            "validity": word("validity", stmt.options["validity"]),
            "security_id": security_id(stmt),
            "qty": stmt.qty.value,
        }
        _prices(broker, stmt, body, kind)
        body["algo_id"] = _algo(broker, stmt)
        return broker.request(stmt, "CREATE", body, "indstocks/place.schema.json")
    if stmt.verb == "MODIFY":
        body = {"order_id": stmt.order_id.value, "segment": word("segment", stmt.segment), "algo_id": _algo(broker, stmt)}
        kind = order_type(broker, stmt)
        if kind is not None:
            body["order_type"] = kind
        if stmt.qty is not None:
            body["qty"] = stmt.qty.value
        _prices(broker, stmt, body, kind)
        return broker.request(stmt, "MODIFY", body, "indstocks/modify.schema.json")
    body = {"segment": word("segment", stmt.segment), "order_id": stmt.order_id.value}
    return broker.request(stmt, "CANCEL", body, "indstocks/cancel.schema.json")
