"""INDstocks smart orders: BRACKET (a LIMIT, MARKET or TRIGGER parent with optional
stop-loss and target legs) and GTT (a TRIGGER parent); modify; cancel.

Built from https://api-docs.indstocks.com/smart_orders/; the table is indstocks.json. Prices are
JSON numbers written exactly as the order file writes them (0.35 stays 0.35).
A GTT is INDstocks' TRIGGER order: `limit` sets its trigger_limit_price.
"""

from __future__ import annotations

from ordspec.compiler import get
from ordspec.compiler.request import Request

NAME = "indstocks"


def _table() -> dict:
    return get(NAME).table


def _num(field):
    return None if field is None else field.value  # a Decimal: compiler/jsonout.py writes it exactly


def _word(table: str, field) -> str:
    return _table()["enums"][table][field.value]


def order_type(stmt) -> str | None:
    """INDstocks' order_type for the statement: TRIGGER for a GTT, the entry's type for a BRACKET."""
    if stmt.kind.value == "GTT":  # a GTT- id is a child order (its legs), which has no order type of its own
        return "TRIGGER" if stmt.verb == "CREATE" or not stmt.order_id.value.startswith(_table()["child_prefix"]) else None
    entry = stmt.entry
    return entry.order_type.value if entry is not None and entry.order_type is not None else None


def security_id(stmt) -> str | None:
    given = stmt.options.get("security")
    if given is not None:
        return given.value
    return stmt.instrument.security_id if stmt.instrument is not None else None


def _algo(stmt) -> str:
    exchange = stmt.options.get("exchange")
    return _table()["algo_id"][exchange.value if exchange is not None else "NSE"]


def _request(stmt, verb: str, body: dict, schema: str) -> Request:
    op = _table()["operations"][verb]
    return Request(NAME, op["name"], op["method"], op["path"], {}, body, stmt, schema)


def _prices(stmt, body: dict, kind: str | None) -> None:
    """The entry's and the legs' prices, in the order of the document's examples."""
    entry, sl, target = stmt.entry, stmt.sl, stmt.target
    if entry is not None:
        if kind == "LIMIT" and entry.price is not None:
            body["limit_price"] = _num(entry.price)
        elif kind == "TRIGGER":
            if entry.trigger is not None:
                body["trigger_price"] = _num(entry.trigger)
            if entry.price is not None:
                body["trigger_limit_price"] = _num(entry.price)
    if sl is not None and sl.trigger is not None:
        body["sl_trigger_price"] = _num(sl.trigger)
    if target is not None and target.trigger is not None:
        body["tgt_trigger_price"] = _num(target.trigger)
    if sl is not None and sl.price is not None:
        body["sl_limit_price"] = _num(sl.price)
    if target is not None and target.price is not None:
        body["tgt_limit_price"] = _num(target.price)


def compile(stmt, ctx) -> list[Request]:
    if stmt.verb == "CREATE":
        kind = order_type(stmt)
        body = {
            "txn_type": stmt.side.value,
            "exchange": _word("exchange", stmt.options["exchange"]),
            "segment": _word("segment", stmt.segment),
            "product": _word("product", stmt.options["product"]),
            "order_type": kind,
            "validity": _word("validity", stmt.options["validity"]),
            "security_id": security_id(stmt),
            "qty": stmt.qty.value,
        }
        _prices(stmt, body, kind)
        body["algo_id"] = _algo(stmt)
        return [_request(stmt, "CREATE", body, "indstocks/place.schema.json")]
    if stmt.verb == "MODIFY":
        body = {"order_id": stmt.order_id.value, "segment": _word("segment", stmt.segment), "algo_id": _algo(stmt)}
        kind = order_type(stmt)
        if kind is not None:
            body["order_type"] = kind
        if stmt.qty is not None:
            body["qty"] = stmt.qty.value
        _prices(stmt, body, kind)
        return [_request(stmt, "MODIFY", body, "indstocks/modify.schema.json")]
    body = {"segment": _word("segment", stmt.segment), "order_id": stmt.order_id.value}
    return [_request(stmt, "CANCEL", body, "indstocks/cancel.schema.json")]


# What the table cannot say. Each yields (span, message, help) for the rule that calls it.


def requirements(stmt, ctx):
    """missing-field: the security id, and the trigger of a TRIGGER order being modified."""
    if stmt.verb == "CREATE" and security_id(stmt) is None and "security" not in stmt.invalid:
        yield (
            stmt.symbol,
            f"INDstocks needs the security_id of {stmt.symbol.value}",
            "add `security N`, or pass --instruments with INDstocks' instrument CSV",
        )
    if stmt.verb == "MODIFY" and order_type(stmt) == "TRIGGER":  # "Required when modifying a TRIGGER order"
        entry = stmt.entry
        if (entry is None or entry.trigger is None) and "entry.trigger" not in stmt.invalid:
            yield stmt.kind, "INDstocks needs trigger_price when a TRIGGER order is modified", "add `trigger PRICE` (the current trigger, if it does not change)"


def unsupported(stmt, ctx):
    """unsupported: INDstocks triggers fire upward for BUY and downward for SELL only."""
    entry = stmt.entry
    if stmt.verb != "CREATE" or stmt.kind.value != "GTT" or entry is None or entry.direction is None or stmt.side is None:
        return
    fires = _table()["trigger_fires"][stmt.side.value]
    if entry.direction.value != fires:
        yield (
            entry.direction,
            f"INDstocks triggers a {stmt.side.value} only when the price rises above the trigger"
            if fires == "UP"
            else f"INDstocks triggers a {stmt.side.value} only when the price falls below the trigger",
            f"Groww's GTT takes a {stmt.side.value} triggered {entry.direction.value.lower()}: --broker groww",
        )


def not_modifiable(stmt, ctx):
    """not-modifiable: a child (GTT-) order has no entry; a GTT cannot drop its trigger limit."""
    entry = stmt.entry
    child = stmt.order_id.value.startswith(_table()["child_prefix"])
    if child and entry is not None:
        yield (
            entry,
            f"{stmt.order_id.value} is a child order (its stop-loss and target legs): it has no entry to modify",
            "INDstocks modifies a parent and its child separately: modify the parent (EQ- or DRV-) for the entry",
        )
    if stmt.kind.value == "GTT" and entry is not None and entry.market is not None:
        yield (
            entry.market,
            "INDstocks cannot make a trigger order trigger-market by modifying it: an omitted trigger_limit_price is left as it is",
            "cancel the order and place a new one",
        )


def silent(stmt, ctx):
    """silent-conversion: what INDstocks changes without saying so."""
    if stmt.verb != "CREATE":
        return
    kind, entry = order_type(stmt), stmt.entry
    if kind == "MARKET":
        yield entry.market or entry, "INDstocks places a MARKET order as a LIMIT order at the live price", "write `limit PRICE` to choose the price yourself"
    elif kind == "TRIGGER" and entry is not None and entry.trigger is not None and entry.price is None:
        yield (
            entry.market or entry.trigger,
            f"INDstocks sets trigger_limit_price to the trigger price: this order executes as a trigger-limit at {entry.trigger.value}, not at market",
            f"write `limit PRICE` after the trigger to choose the limit yourself",
        )


def outcome(request, answer):
    """INDstocks: {"status": "success", "data": {"order_data": [{"order_id", "child_order_details"}]}}."""
    from ordspec.dispatch.outcome import CONFIRMED, REJECTED, RETRY, Outcome, common, server_error

    found = common(answer)
    if found is not None:
        return found
    body = answer.payload if isinstance(answer.payload, dict) else {}
    if 200 <= answer.status < 300 and str(body.get("status", "")).lower() == "success":
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        orders = data.get("order_data") if isinstance(data.get("order_data"), list) and data.get("order_data") else [data]
        first = orders[0] if isinstance(orders[0], dict) else {}
        ident = first.get("order_id") or (request.body or {}).get("order_id")
        details = first.get("child_order_details")
        child = details.get("order_id") if isinstance(details, dict) else None
        return Outcome(CONFIRMED, ident, f"child order {child}" if child else first.get("order_status"), data=body.get("data"))
    kind = str(body.get("error_type") or body.get("type") or "")
    message = str(body.get("message") or answer.text[:200])
    if kind in _table()["dispatch"].get("retry_safe_errors", ()):
        return Outcome(RETRY, message=f"{kind}: {message}", retry_after=answer.retry_after())
    if answer.status >= 500 or not body:
        return server_error(answer, f"{kind} {message}".strip())
    return Outcome(REJECTED, message=f"{kind or answer.status}: {message}")
