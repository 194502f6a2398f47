"""Kite's answers: {"status": "success", "data": {...}} or {"status": "error", "error_type", "message"}.

Kite takes no client id on a GTT, so a create whose answer was lost is looked for in the GTT list
(find_lost): confirmed only when exactly one GTT there is the whole order sent.
"""

from __future__ import annotations

import json
from decimal import Decimal

from ordspec.compiler import kite_state
from ordspec.dispatch.answers.base import Answers, server_error
from ordspec.dispatch.outcome import CONFIRMED, REJECTED, Outcome


class Kite(Answers):
    def succeeded(self, body: dict) -> bool:
        return body.get("status") == "success"

    def confirmed(self, request, body: dict) -> Outcome:
        data = body.get("data")
        ident = data.get("trigger_id") if isinstance(data, dict) else None
        given = request.statement.order_id if request.statement is not None else None
        status = data.get("status") if isinstance(data, dict) and isinstance(data.get("status"), str) else None
        return Outcome(CONFIRMED, ident if ident is not None else (given.value if given is not None else None), status, data=data)

    def refused(self, request, answer, body: dict) -> Outcome:
        kind = body.get("error_type") if isinstance(body.get("error_type"), str) else ""
        message = str(body.get("message") or answer.text[:200])
        # A 5xx, an unreadable answer, or an error of the OMS link (NetworkException, DataException,
        # GeneralException): Kite may have acted.
        if answer.status >= 500 or not body or kind in ("NetworkException", "DataException", "GeneralException"):
            return server_error(answer, f"{kind} {message}".strip())
        return Outcome(REJECTED, message=f"{kind or answer.status}: {message}", code=kind or None)

    def listing(self, transport) -> list[dict] | None:
        """Every GTT of the account (GET /gtt/triggers) as neutral records (kite_state.record), with
        the GTT as Kite answered it under "gtt"; None when the answer is not a readable GTT list.
        plan/apply's refresh of Kite's book, and dispatch's search after a lost answer, read this."""
        answer = transport.send(self.broker.request(None, "LIST", None, None))
        if not 200 <= answer.status < 300 or not isinstance(answer.payload, dict) or not isinstance(answer.payload.get("data"), list):
            return None
        try:  # read again with exact numbers: 3985.05 as a float is not 3985.05
            held = kite_state.gtts(json.loads(answer.text, parse_float=Decimal))
        except ValueError:  # (kite_state.GttError is one)
            return None
        return [{**kite_state.record(gtt), "gtt": gtt} for gtt in held.values()]

    def find_lost(self, request, transport, since: float | None = None) -> tuple:
        """After a create whose answer was lost: the GTT Kite holds that is this one, matched whole
        (type, condition and orders, prices by value), created since `since` (a clock's skew earlier).

        Returns (id, []) for exactly one such GTT, (None, None) for none or more than one: Kite has no
        client id to tell two identical GTTs apart, so only one match proves the order is there.
        """
        if request.statement is None or request.statement.verb != "CREATE" or not isinstance(request.body, dict):
            return None, None
        sent = {
            "type": request.body["type"],
            "condition": json.loads(request.body["condition"], parse_float=Decimal),
            "orders": json.loads(request.body["orders"], parse_float=Decimal),
        }
        found = self.listing(transport)
        if found is None:
            return None, None
        matches = [r["id"] for r in found if _created_since(r["created_at"], since) and same_gtt(r["gtt"], sent)]
        return (matches[0], []) if len(matches) == 1 else (None, None)


def same_gtt(held: dict, sent: dict) -> bool:
    """Whether a GTT as Kite lists it is the one sent: type, condition and every order, prices by value."""
    if held.get("type") != sent["type"]:
        return False
    for key in ("exchange", "tradingsymbol", "trigger_values", "last_price"):
        if not _same(held["condition"].get(key), sent["condition"][key]):
            return False
    keys = ("exchange", "tradingsymbol", "transaction_type", "quantity", "order_type", "product", "price")
    return len(held["orders"]) == len(sent["orders"]) and all(
        all(_same(h.get(k), s[k]) for k in keys) for h, s in zip(held["orders"], sent["orders"])
    )


def _same(held, sent) -> bool:
    if isinstance(held, list) and isinstance(sent, list):
        return len(held) == len(sent) and all(_same(h, s) for h, s in zip(held, sent))
    numbers = (int, Decimal)
    if isinstance(held, numbers) and isinstance(sent, numbers) and not isinstance(held, bool) and not isinstance(sent, bool):
        return Decimal(held) == Decimal(sent)
    return type(held) is type(sent) and held == sent


SKEW = 3600  # seconds before `since` a match may be created: the answer's wait, and the clocks' skew


def _created_since(stamp: str | None, since: float | None) -> bool:
    """Whether a GTT's created_at ("2025-10-01 10:00:00", India time) is after `since`; a stamp
    that cannot be read is not (no match on a guess)."""
    if since is None:
        return True
    from datetime import datetime, timedelta, timezone

    try:
        created = datetime.strptime(stamp or "", "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone(timedelta(hours=5, minutes=30)))
    except ValueError:
        return False
    return created.timestamp() >= since - SKEW
