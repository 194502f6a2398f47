"""Dhan's answers: {"orderId", "orderStatus"} (a JSON array for a list), or {"errorType",
"errorCode" (DH-9xx), "errorMessage"}; and its book read back.

Dhan takes no idempotency key, so a create whose answer was lost is looked for in its book
(find_lost): by its correlationId, which the super order list carries (the forever list, as
documented, does not). The lists are GET /forever/orders and GET /super/orders (DhanHQ v2, Forever
Order and Super Order: "Retrieve an array of all existing forever orders", "... all super
orders"). A forever order is listed with its flag in `orderType` (SINGLE or OCO) and a leg in
`legName`; a super order with its entry's fields and its target and stop-loss in `legDetails`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ordspec.compiler.request import Request
from ordspec.dispatch.answers.base import Answers, server_error
from ordspec.dispatch.answers.groww import _equal, _shown  # (one notion of "the same JSON value" for every broker)
from ordspec.dispatch.outcome import CONFIRMED, REJECTED, RETRY, UNKNOWN, Outcome


class Dhan(Answers):
    def outcome(self, request, answer) -> Outcome:
        """A list answers a JSON array; any other 2xx answer that is not an object cannot be read."""
        if 200 <= answer.status < 300:
            body = answer.payload
            if request.method == "GET":
                if isinstance(body, list):
                    return Outcome(CONFIRMED, None, f"{len(body)} order{'s' if len(body) != 1 else ''}", data=body)
                return Outcome(UNKNOWN, message=f"HTTP {answer.status}: a list answered with something else than a list: {answer.text[:200]}")
            if not isinstance(body, dict):
                return server_error(answer, answer.text[:200])
        return super().outcome(request, answer)

    def succeeded(self, body: dict) -> bool:
        return body.get("orderStatus") != "REJECTED"

    def confirmed(self, request, body: dict) -> Outcome:
        given = request.statement.order_id
        ident = body.get("orderId") or (given.value if given is not None else None)
        return Outcome(CONFIRMED, ident, body.get("orderStatus"), data=body)

    def refused(self, request, answer, body: dict) -> Outcome:
        if 200 <= answer.status < 300:  # orderStatus REJECTED
            return Outcome(REJECTED, message=f"REJECTED: {body.get('omsErrorDescription') or answer.text[:200]}")
        code, kind = str(body.get("errorCode") or ""), str(body.get("errorType") or "")
        message = str(body.get("errorMessage") or answer.text[:200])
        if code in self.broker.setting("dispatch.retry_safe_errors"):
            return Outcome(RETRY, message=f"{code} {kind}: {message}", retry_after=answer.retry_after())
        if answer.status >= 500 or not body or code in ("DH-908", "DH-909"):  # the broker may have acted
            return server_error(answer, f"{code} {kind}: {message}".strip())
        return Outcome(REJECTED, message=f"{' '.join(w for w in (code or str(answer.status), kind) if w)}: {message}", code=code or None)

    def find_lost(self, request, transport, since: float | None = None) -> tuple:
        """The order Dhan holds under this create's correlationId, and how it differs from it: [] for
        the same order, None for one ordspec cannot compare; (None, None) when no order carries it
        (the forever list shows no correlationId), which proves nothing: the create is not resent."""
        body = request.body
        if not isinstance(body, dict) or "correlationId" not in body:
            return None, None
        kind = "BRACKET" if request.operation == self.broker.setting("operations")["CREATE BRACKET"]["name"] else "GTT"
        orders: dict = {}  # orderId -> its records (a forever OCO is listed once per leg)
        for r in self._listed(transport, kind) or ():  # an unreadable list proves nothing: (None, None)
            if r.get("correlationId") == body["correlationId"]:
                orders.setdefault(str(r.get("orderId")), []).append(r)
        found = [(ident, differences(held, body)) for ident, held in orders.items()]
        same = [f for f in found if f[1] == []]
        unclear = [f for f in found if f[1] is None]
        return (same or unclear or found or [(None, None)])[0]  # this order, if any is; else what there is

    def listing(self, transport) -> list[dict] | None:
        """The orders Dhan holds, as neutral records (see record), for plan/apply: every forever order
        (GET /forever/orders) and every super order (GET /super/orders); None when either list could
        not be read (an unread book is not an empty one: every order would look gone)."""
        out = []
        for kind in ("GTT", "BRACKET"):
            rows = self._listed(transport, kind)
            if rows is None:
                return None
            out.extend(record(r, kind, self.broker.table) for r in rows)
        return out

    def _listed(self, transport, kind: str) -> list[dict] | None:
        """One list's orders, or None when the answer is not a list (a refusal, an error page)."""
        op = self.broker.setting("operations")[f"LIST {kind}"]
        answer = transport.send(Request(self.broker.name, op["name"], "GET", op["path"], {}, None, _ORIGIN, None))
        if not 200 <= answer.status < 300 or not isinstance(answer.payload, list):
            return None
        return [r for r in answer.payload if isinstance(r, dict)]


class _Origin:
    """Where a request ordspec makes of its own (a list, to find or plan) comes from."""

    file, line, verb, order_id, key = "<dhan book>", 0, "LIST", None, None


_ORIGIN = _Origin()


# A create's fields that a listed order must have for ordspec to tell whether it is the same order.
_FOREVER = ("transactionType", "exchangeSegment", "productType", "securityId", "quantity")
_SUPER = ("transactionType", "exchangeSegment", "productType", "orderType", "securityId", "quantity", "price")


def differences(held: list[dict], body: dict) -> list[str] | None:
    """`field X there, Y here` for each field of the create `body` that the listed order(s) `held`
    (every record with its correlationId) have otherwise; None when they leave out a field ordspec
    needs to tell (it cannot compare)."""
    out: list[str] = []
    if "orderFlag" in body:
        first = held[0]
        if any(name not in r for r in held for name in _FOREVER + ("price", "triggerPrice")):
            return None
        flag = first.get("orderType") if first.get("orderType") in ("SINGLE", "OCO") else first.get("orderFlag", body["orderFlag"])
        _compare(out, "orderFlag", flag, body["orderFlag"])
        for name in _FOREVER:
            _compare(out, name, first[name], body[name])
        for r in held:
            second = r.get("legName") == "STOP_LOSS_LEG"  # an OCO's second leg listed on its own
            _compare(out, "price1" if second else "price", r["price"], body["price1" if second else "price"])
            _compare(out, "triggerPrice1" if second else "triggerPrice", r["triggerPrice"], body["triggerPrice1" if second else "triggerPrice"])
            for name in ("price1", "triggerPrice1", "quantity1"):
                if name in r:
                    _compare(out, name, r[name], body[name])
        return _unique(out)
    first = held[0]
    legs = _legs(first)
    if any(name not in first for name in _SUPER) or "TARGET_LEG" not in legs or "STOP_LOSS_LEG" not in legs:
        return None
    for name in _SUPER:
        _compare(out, name, first[name], body[name])
    _compare(out, "targetPrice", legs["TARGET_LEG"].get("price"), body["targetPrice"])
    _compare(out, "stopLossPrice", legs["STOP_LOSS_LEG"].get("price"), body["stopLossPrice"])
    if "trailingJump" in legs["STOP_LOSS_LEG"]:
        _compare(out, "trailingJump", legs["STOP_LOSS_LEG"]["trailingJump"], body["trailingJump"])
    return out


def _legs(r: dict) -> dict:
    """A listed super order's legDetails by legName (whatever shape the answer has)."""
    details = r.get("legDetails")
    return {leg["legName"]: leg for leg in details if isinstance(leg, dict) and isinstance(leg.get("legName"), str)} if isinstance(details, list) else {}


def _compare(out: list, name: str, held, sent) -> None:
    if not _equal(held, sent):
        out.append(f"{name} {_shown(held)} there, {_shown(sent)} here")


def _unique(items: list) -> list:
    return list(dict.fromkeys(items))


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def record(r: dict, kind: str, table) -> dict:
    """One listed order in the language's words: kind (GTT, OCO or BRACKET), side, quantity, the
    instrument (securityId, symbol, exchange, segment), product, prices as Decimal, status and ref
    (correlationId), with Dhan's own record as `data`; `table` is Dhan's (compiler/dhan.json)."""
    word = lambda name: r.get(name) if isinstance(r.get(name), str) else None  # noqa: E731  (an answer of any shape)
    place = {v: k for k, v in table["exchange_segments"].items()}.get(word("exchangeSegment"), "")
    exchange, _, segment = place.partition(" ")
    products = {v: k for k, v in table["enums"]["product"].items()}
    out = {
        "broker": "dhan",
        "id": r.get("orderId"),
        "kind": kind,
        "status": r.get("orderStatus"),
        "ref": r.get("correlationId"),
        "side": r.get("transactionType"),
        "qty": r.get("quantity"),
        "symbol": r.get("tradingSymbol"),
        "security": r.get("securityId"),
        "exchange": exchange or None,
        "segment": segment or None,
        "product": products.get(word("productType")),
        "price": _decimal(r.get("price")),
        "data": r,
    }
    if kind == "BRACKET":
        legs = _legs(r)
        out["target"] = _decimal((legs.get("TARGET_LEG") or {}).get("price"))
        out["sl"] = _decimal((legs.get("STOP_LOSS_LEG") or {}).get("price"))
        return out
    out["kind"] = "OCO" if "OCO" in (r.get("orderType"), r.get("orderFlag")) else "GTT"
    out["leg"] = r.get("legName")
    out["trigger"] = _decimal(r.get("triggerPrice"))
    return out
