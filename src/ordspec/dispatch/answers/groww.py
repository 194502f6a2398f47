"""Groww's answers: {"status": "SUCCESS", "payload": ...} or {"status": "FAILURE", "error": {"code", "message"}}.

GA007 (duplicate reference id) means Groww holds an order under this reference_id already:
recover() finds it in the list and says whether it is this order (Groww deduplicates, so a
request whose answer was lost is sent again and lands here).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ordspec.dates import month_before
from ordspec.dispatch.answers.base import Answers, refusal, server_error
from ordspec.dispatch.outcome import CONFIRMED, DUPLICATE, Outcome


class Groww(Answers):
    clock = staticmethod(datetime.now)  # the local time recover() searches up to (a test sets its own)

    def succeeded(self, body: dict) -> bool:
        return body.get("status") == "SUCCESS"

    def confirmed(self, request, body: dict) -> Outcome:
        payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
        ident = payload.get("smart_order_id")
        given = request.statement.order_id  # a modify, cancel or get names its order
        return Outcome(CONFIRMED, ident or (given.value if given is not None else None), payload.get("status"), data=payload)

    def refused(self, request, answer, body: dict) -> Outcome:
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        code, message = error.get("code"), error.get("message") or answer.text[:200]
        if code == "GA007":
            return Outcome(DUPLICATE, message=f"GA007: {message}")
        unknown = f"{code or ''} {message}".strip()
        if code in ("GA000", "GA003"):  # Groww's own "try again later" errors: it may have acted
            return server_error(answer, unknown)
        return refusal(answer, body, unknown, f"{code or answer.status}: {message}", code)

    def done_before(self, request, outcome: Outcome) -> bool:
        """After an answer was lost, whether this refusal says the first send worked (a cancel: GA006)."""
        return request.operation == "cancel_smart_order" and outcome.code == "GA006"

    def not_found(self, message: str) -> bool:
        """GA004: Groww has no order of that id (a GET of one it dropped)."""
        return message.startswith("GA004")

    def recover(self, request, transport, since: float | None = None) -> tuple:
        """After GA007: the order Groww holds under this reference_id, and how it differs from this one.

        Searched in the list, in every status, from `since` (when ordspec first sent it) or a month
        back; where the list leaves out a field the order is fetched whole (GET). Returns (id, the
        fields that differ), with [] for the same order, None for differences ordspec cannot tell;
        (None, None) when the order cannot be found.
        """
        body = request.body
        if not isinstance(body, dict) or "reference_id" not in body:
            return None, None  # GA007 is about a create's reference_id: any other request has nothing to look up
        broker, stmt = self.broker, request.statement
        size = broker.setting("list.size")[1]
        end = self.clock().replace(microsecond=0) + timedelta(days=1)
        floor = month_before(end)  # Groww lists at most a month, as list-window reads it
        start = max(datetime.fromtimestamp(since).replace(microsecond=0) - timedelta(days=1), floor) if since else floor
        for status in ("ACTIVE", "TRIGGERED", "COMPLETED", "CANCELLED"):
            for page in range(0, 20):
                query = {
                    "segment": body["segment"],
                    "smart_order_type": body["smart_order_type"],
                    "status": status,
                    "page": page,
                    "page_size": size,
                    "start_date_time": start.isoformat(),
                    "end_date_time": end.isoformat(),
                }
                answer = transport.send(broker.request(stmt, "LIST", None, None, query=query))
                payload = answer.payload.get("payload") if isinstance(answer.payload, dict) else None
                orders = payload.get("orders") if isinstance(payload, dict) else None
                if not isinstance(orders, list) or not orders:
                    break
                for order in orders:
                    if isinstance(order, dict) and order.get("reference_id") == body["reference_id"]:
                        ident = order.get("smart_order_id")
                        found = differences(order, body)
                        if found is None and isinstance(ident, str):
                            found = differences(self._fetch(request, transport, ident) or order, body)
                        return ident, found
                if len(orders) < size:
                    break
        return None, None

    def _fetch(self, request, transport, ident: str) -> dict | None:
        """The whole order, as GET gives it."""
        body = request.body
        fetch = self.broker.request(request.statement, "GET", None, None, segment=body["segment"], kind=body["smart_order_type"], id=ident)
        answer = transport.send(fetch)
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
