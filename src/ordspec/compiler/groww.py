"""Groww smart orders: GTT and OCO create, modify, cancel, get and list.

Built from https://groww.in/trade-api/docs/curl/smart-orders (request bodies,
paths) and the Python SDK's Smart Orders page; the table is groww.json. Bodies keep the
documents' key order, prices are two-place decimal strings.
"""

from __future__ import annotations

from ordspec.compiler import get
from ordspec.compiler.request import Request, fixed, path

NAME = "groww"


def _price(field):
    if field is None:
        return None
    return fixed(field.value, get(NAME).table["price"]["places"])


def _word(table: str, field):
    return get(NAME).table["enums"][table][field.value]


def _request(stmt, verb: str, body, query=None, schema=None, **params) -> Request:
    op = get(NAME).table["operations"][verb]
    return Request(NAME, op["name"], op["method"], path(op["path"], **params), query or {}, body, stmt, schema)


def compile(stmt, ctx) -> list[Request]:
    return [_COMPILE[stmt.verb](stmt)]


def _create(stmt) -> Request:
    kind = stmt.kind.value
    body = {
        "reference_id": stmt.key,
        "smart_order_type": kind,
        "segment": _word("segment", stmt.segment),
        "trading_symbol": stmt.symbol.value,
        "quantity": stmt.qty.value,
    }
    if kind == "GTT":
        entry = stmt.entry
        body["trigger_price"] = _price(entry.trigger)
        body["trigger_direction"] = _word("direction", entry.direction)
        body["order"] = {
            "order_type": entry.order_type.value,
            "price": _price(entry.price),
            "transaction_type": stmt.side.value,
        }
    else:  # OCO
        body["net_position_quantity"] = stmt.position()
        body["transaction_type"] = stmt.side.value
        body["target"] = _leg(stmt.target)
        body["stop_loss"] = _leg(stmt.sl)
    body["product_type"] = _word("product", stmt.options["product"])
    body["exchange"] = _word("exchange", stmt.options["exchange"])
    body["duration"] = _word("validity", stmt.options["validity"])
    return _request(stmt, "CREATE", body, schema=f"groww/create-{kind.lower()}.schema.json")


def _leg(leg) -> dict:
    return {"trigger_price": _price(leg.trigger), "order_type": leg.order_type.value, "price": _price(leg.price)}


def _modify(stmt) -> Request:
    kind = stmt.kind.value
    body = {"smart_order_type": kind, "segment": _word("segment", stmt.segment)}
    options = stmt.options
    if kind == "GTT":
        entry = stmt.entry
        if stmt.qty is not None:
            body["quantity"] = stmt.qty.value
        if entry is not None:
            if entry.trigger is not None:
                body["trigger_price"] = _price(entry.trigger)
            if entry.direction is not None:
                body["trigger_direction"] = _word("direction", entry.direction)
            if entry.order_type is not None:
                body["order"] = {
                    "order_type": entry.order_type.value,
                    "price": _price(entry.price),
                    "transaction_type": stmt.side.value,
                }
    else:  # OCO
        if "validity" in options:
            body["duration"] = _word("validity", options["validity"])
        if stmt.qty is not None:
            body["quantity"] = stmt.qty.value
        if "product" in options:
            body["product_type"] = _word("product", options["product"])
        if stmt.target is not None:
            body["target"] = {"trigger_price": _price(stmt.target.trigger)}
        if stmt.sl is not None:
            body["stop_loss"] = {"trigger_price": _price(stmt.sl.trigger)}
    return _request(stmt, "MODIFY", body, schema=f"groww/modify-{kind.lower()}.schema.json", id=stmt.order_id.value)


def _routed(verb: str):
    def build(stmt) -> Request:
        segment = _word("segment", stmt.segment)
        return _request(stmt, verb, None, segment=segment, kind=stmt.kind.value, id=stmt.order_id.value)

    return build


def _list(stmt) -> Request:
    options = stmt.options
    query = {}
    if stmt.segment is not None:
        query["segment"] = _word("segment", stmt.segment)
    query["smart_order_type"] = stmt.kind.value
    for name, key in (("status", "status"), ("page", "page"), ("size", "page_size")):
        if name in options:
            query[key] = options[name].value
    for name, key in (("from", "start_date_time"), ("to", "end_date_time")):
        if name in options:
            query[key] = options[name].value.isoformat()
    return _request(stmt, "LIST", None, query=query, schema="groww/list-query.schema.json")


_COMPILE = {"CREATE": _create, "MODIFY": _modify, "CANCEL": _routed("CANCEL"), "GET": _routed("GET"), "LIST": _list}


def unsupported(stmt, ctx):
    """unsupported: a side alone changes nothing (Groww sends it only inside the order it places)."""
    if stmt.verb == "MODIFY" and stmt.kind.value == "GTT" and stmt.side is not None:
        if stmt.entry is None or stmt.entry.order_type is None:
            yield (
                stmt.side,
                "Groww sends the side only inside a changed order (order.transaction_type), and cannot change it",
                "drop `side`, or change the order too (`limit PRICE` or `market`)",
            )


def requirements(stmt, ctx):
    """missing-field, for what Groww needs that its table cannot say: (span, message, help)."""
    if stmt.verb == "MODIFY" and stmt.kind.value == "GTT" and stmt.entry is not None:
        if stmt.entry.order_type is not None and stmt.side is None and "side" not in stmt.invalid:
            yield (
                stmt.entry.order_type,
                "Groww needs the order's transaction type when a GTT's order changes (order.transaction_type: required but not modifiable)",
                "add `side BUY` or `side SELL`, as the GTT was created",
            )


def outcome(request, answer):
    """Groww: {"status": "SUCCESS", "payload": ...} or {"status": "FAILURE", "error": {"code", "message"}}."""
    from ordspec.dispatch.outcome import CONFIRMED, DUPLICATE, REJECTED, Outcome, common, server_error

    found = common(answer)
    if found is not None:
        return found
    body = answer.payload if isinstance(answer.payload, dict) else {}
    if 200 <= answer.status < 300 and body.get("status") == "SUCCESS":
        payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
        ident = payload.get("smart_order_id")
        given = request.statement.order_id  # a modify, cancel or get names its order
        return Outcome(CONFIRMED, ident or (given.value if given is not None else None), payload.get("status"), data=payload)
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    code, message = error.get("code"), error.get("message") or answer.text[:200]
    if code == "GA007":
        return Outcome(DUPLICATE, message=f"GA007: {message}")
    if answer.status >= 500 or code in ("GA000", "GA003") or not body:
        return server_error(answer, f"{code or ''} {message}".strip())
    return Outcome(REJECTED, message=f"{code or answer.status}: {message}", code=code)


def done_before(request, outcome) -> bool:
    """After an answer was lost, whether this refusal says the first send worked (a cancel: GA006)."""
    return request.operation == "cancel_smart_order" and outcome.code == "GA006"


def recover(request, transport, since: float | None = None):
    """After GA007: the order Groww holds under this reference_id, and how it differs from this one.

    Searched in the list, in every status, from `since` (when ordspec first sent it) or a month
    back; where the list leaves out a field the order is fetched whole (GET). Returns (id, the
    fields that differ), with [] for the same order, None for differences ordspec cannot tell;
    (None, None) when the order cannot be found.
    """
    from datetime import datetime, timedelta

    from ordspec.compiler.request import Request

    body = request.body
    if not isinstance(body, dict) or "reference_id" not in body:
        return None, None  # GA007 is about a create's reference_id: any other request has nothing to look up
    op = get(NAME).table["operations"]["LIST"]
    end = datetime.now().replace(microsecond=0) + timedelta(days=1)
    start = datetime.fromtimestamp(since).replace(microsecond=0) - timedelta(days=1) if since else end - timedelta(days=30)
    start = max(start, end - timedelta(days=30))  # Groww lists at most a month
    for status in ("ACTIVE", "TRIGGERED", "COMPLETED", "CANCELLED"):
        for page in range(0, 20):
            query = {
                "segment": body["segment"],
                "smart_order_type": body["smart_order_type"],
                "status": status,
                "page": page,
                "page_size": 50,
                "start_date_time": start.isoformat(),
                "end_date_time": end.isoformat(),
            }
            listing = Request(NAME, op["name"], "GET", op["path"], query, None, request.statement, None)
            answer = transport.send(listing)
            payload = answer.payload.get("payload") if isinstance(answer.payload, dict) else None
            orders = payload.get("orders") if isinstance(payload, dict) else None
            if not isinstance(orders, list) or not orders:
                break
            for order in orders:
                if isinstance(order, dict) and order.get("reference_id") == body["reference_id"]:
                    ident = order.get("smart_order_id")
                    found = differences(order, body)
                    if found is None and isinstance(ident, str):
                        found = differences(_fetch(request, transport, ident) or order, body)
                    return ident, found
            if len(orders) < 50:
                break
    return None, None


def _fetch(request, transport, ident: str) -> dict | None:
    """The whole order, as GET gives it."""
    from ordspec.compiler.request import Request

    op = get(NAME).table["operations"]["GET"]
    route = path(op["path"], segment=request.body["segment"], kind=request.body["smart_order_type"], id=ident)
    answer = transport.send(Request(NAME, op["name"], "GET", route, {}, None, request.statement, None))
    payload = answer.payload.get("payload") if isinstance(answer.payload, dict) else None
    return payload if isinstance(payload, dict) else None


# What identifies an order: everything its create body says but the reference id itself. The
# first fields are in Groww's Smart Order Response schemas, and must be there to tell; the last
# are not (an OCO's answer has no segment, side or position): compared where the answer has them.
_IDENTITY = (
    "smart_order_type", "trading_symbol", "exchange", "quantity", "product_type", "duration",
    "trigger_price", "trigger_direction", "order.order_type", "order.price", "order.transaction_type",
    "target.trigger_price", "target.order_type", "target.price",
    "stop_loss.trigger_price", "stop_loss.order_type", "stop_loss.price",
)
_IF_GIVEN = ("segment", "net_position_quantity", "transaction_type")


def differences(order: dict, body: dict) -> list[str] | None:
    """`field X there, Y here` for every field of the create body the held order has otherwise;
    None when the held order leaves out a field its documented answer has (ordspec cannot tell)."""
    out = []
    for name in _IDENTITY + _IF_GIVEN:
        sent, has_sent = _at(body, name)
        if not has_sent:
            continue
        held, has_held = _at(order, name)
        if not has_held:
            if name in _IF_GIVEN:
                continue
            return None
        if not _equal(held, sent):
            out.append(f"{name} {_shown(held)} there, {_shown(sent)} here")
    return out


def _at(data, dotted: str):
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return None, False
        data = data[part]
    return data, True


def _equal(held, sent) -> bool:
    """Equal as the same JSON value would be: prices as decimals ("3990.00" is 3990), words as written."""
    from decimal import Decimal, InvalidOperation

    if held == sent and type(held) is type(sent):
        return True
    if isinstance(held, bool) or isinstance(sent, bool) or held is None or sent is None:
        return False
    try:
        return Decimal(str(held)) == Decimal(str(sent))
    except (InvalidOperation, ValueError):
        return False


def _shown(value) -> str:
    return "null" if value is None else str(value)[:40]
