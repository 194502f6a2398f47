"""Dhan in a plan: its forever orders (GTT, OCO) and super orders (BRACKET) listed whole; a modify
is one request per leg, each leg whole."""

from __future__ import annotations

from decimal import Decimal

from ordspec.plan import adapters
from ordspec.plan.books import CANCELLED, DONE, HELD, LIVE, Book, BookOrder, Reader, RefreshError, failed, put

# Dhan's orderStatus words as plan takes them, for a forever order and for a super order.
FOREVER = {
    "PENDING": (LIVE, ""),
    "TRIGGERED": (DONE, "triggered at Dhan"),
    "TRADED": (DONE, "traded at Dhan"),
    "EXPIRED": (DONE, "expired at Dhan"),
    "CANCELLED": (CANCELLED, "cancelled at Dhan outside ordspec"),
    "REJECTED": (HELD, "rejected at Dhan: left as it is (cancel it and plan again to place it anew)"),
}
SUPER = {
    "PENDING": (LIVE, ""),
    "TRANSIT": (LIVE, ""),
    "PART_TRADED": (DONE, "part traded at Dhan: its entry is in the market"),
    "TRADED": (DONE, "traded at Dhan"),
    "CLOSED": (DONE, "closed at Dhan (its target or stop-loss was hit)"),
    "TRIGGERED": (DONE, "triggered at Dhan"),
    "EXPIRED": (DONE, "expired at Dhan"),
    "CANCELLED": (CANCELLED, "cancelled at Dhan outside ordspec"),
    "REJECTED": (HELD, "rejected at Dhan: left as it is (cancel it and plan again to place it anew)"),
}
ZERO = Decimal(0)


class Dhan(Reader):
    readable = True
    cannot_know = (
        "Dhan's forever order list carries no correlationId: a forever order whose create answer was lost cannot be found, "
        "and the plan stops at it until `ordspec journal resolve` records what happened (a super order is found by it).",
        "Whether the order a triggered forever order placed was filled: it did its job, and is done either way; so is an "
        "expired one. A super order that traded, or part traded, is done: its entry is in the market.",
        "A forever order's trigger direction: Dhan lists none, so it is not compared. The symbol neither: Dhan names the "
        "instrument by its securityId, which is compared.",
    )

    def read(self, conn, managed: dict) -> Book:
        book = Book(True)
        for kind, what in (("GTT", "the forever orders"), ("BRACKET", "the super orders")):
            result = conn.read(f"LIST {kind}")
            book.reads += 1
            if result.state != "confirmed":
                raise failed(self.broker, result, what)
            if not isinstance(result.data, list):
                raise RefreshError(f"cannot read {what} from Dhan: the answer is not a list")
            grouped: dict[str, list] = {}  # a forever OCO is listed once per leg
            for r in adapters.listed(self.broker, kind, result.data):
                if r.get("id") is not None:
                    grouped.setdefault(str(r["id"]), []).append(r)
            for ident, records in grouped.items():
                book.add(self.order(ident, records))
        book.unlisted(managed, "not listed", lambda ident: f"Dhan no longer lists order {ident}")
        return book

    def order(self, ident: str, records: list) -> BookOrder:
        first = records[0]
        kind, status = first["kind"], str(first.get("status"))
        words = SUPER if kind == "BRACKET" else FOREVER
        state, why = words.get(status, (HELD, f"status {status} at Dhan, which ordspec does not know: left as it is"))
        return BookOrder(ident, first.get("ref"), kind, first.get("segment"), status, state, self.fields(kind, records), why)

    @staticmethod
    def fields(kind: str, records: list) -> dict:
        first = records[0]
        out: dict = {"kind": kind}
        for name in ("side", "qty", "symbol", "segment", "exchange", "product", "security"):
            put(out, name, first.get(name))
        if kind == "BRACKET":
            _price(out, "", first.get("price"), "LIMIT")
            put(out, "target.trigger", first.get("target"))
            put(out, "sl.trigger", first.get("sl"))
            out["target.order_type"], out["sl.order_type"] = "MARKET", "SL_M"
            return out
        legs = {r.get("leg") or "TARGET_LEG": r for r in records}
        data = first.get("data") or {}
        if kind == "GTT":
            put(out, "trigger", first.get("trigger"))
            _price(out, "", first.get("price"), "LIMIT", "MARKET")
            return out
        target = legs.get("TARGET_LEG", first)
        put(out, "target.trigger", target.get("trigger"))
        _price(out, "target.", target.get("price"), "LIMIT", "MARKET")
        sl = legs.get("STOP_LOSS_LEG")
        if sl is not None:
            put(out, "sl.trigger", sl.get("trigger"))
            _price(out, "sl.", sl.get("price"), "SL", "SL_M")
        elif "triggerPrice1" in data:  # the OCO as one record, its stop-loss in price1 and triggerPrice1
            put(out, "sl.trigger", data.get("triggerPrice1"))
            _price(out, "sl.", data.get("price1"), "SL", "SL_M")
        return out

    def resolve_create(self, conn, book: Book, entry, fields: dict, claimed: set):
        """A super order is found by its correlationId; a forever order cannot be (its list has none)."""
        import json

        from ordspec.plan.model import changes

        try:
            body = json.loads(entry.body) if entry.body else None
        except ValueError:
            body = None
        ref = body.get("correlationId") if isinstance(body, dict) else None
        if ref is None or "orderFlag" in body:
            return "unknown", (
                f"an earlier apply was stopped while sending this order, and Dhan's forever order list carries no correlationId to find it by: "
                f"look in Dhan's book, then `ordspec journal resolve \"{entry.key}\" --placed ID` or `--not-placed`"
            )
        found = [o for o in book.orders.values() if o.ref == ref and o.id not in claimed]
        if not found:
            return "absent", None
        if len(found) > 1 or changes(found[0].fields, fields):
            return "unknown", f"Dhan holds another order under its correlationId ({', '.join(o.id for o in found)})"
        return "placed", found[0].id

    def modify(self, builder, d, h, changed: set):
        """One request per leg, each leg whole (Dhan replaces a leg); a super order's entry carries its legs."""
        f, kind = d.fields, d.kind
        head = f"MODIFY {kind} {h.broker_id}"
        if kind == "BRACKET":
            # a live super order has not traded: Dhan changes its legs with its entry (ENTRY_LEG), not apart
            return [(f"{head} qty {f['qty']} limit {f['price']} target {f['target.trigger']} sl {f['sl.trigger']}", sorted(changed))]
        validity = f" validity {f['validity']}" if "validity" in f else ""
        if kind == "GTT":
            return [(f"{head} qty {f['qty']} trigger {f['trigger']} {_order(f, '')}{validity}", sorted(changed))]
        words = [f"{head} qty {f['qty']}"]
        for leg in ("target", "sl"):
            if changed & {"qty", "validity", f"{leg}.trigger", f"{leg}.price", f"{leg}.order_type"}:
                if leg + ".price" not in f:  # (the language writes no `market` in a MODIFY OCO)
                    return f"ordspec cannot write a modify of a Dhan OCO's market {'target' if leg == 'target' else 'stop-loss'} leg"
                words.append(f"{leg} {f[leg + '.trigger']} limit {f[leg + '.price']}")
        return [(" ".join(words) + validity, sorted(changed))]


def _price(out: dict, prefix: str, value, limit: str, market: str | None = None) -> None:
    """A leg's limit, and its order type (Dhan lists a MARKET leg at price 0)."""
    if value is None:
        return
    if market is not None and Decimal(value) == ZERO:
        out[f"{prefix}order_type"] = market
        return
    put(out, f"{prefix}price", value)
    out[f"{prefix}order_type"] = limit


def _order(f: dict, prefix: str) -> str:
    return f"limit {f[prefix + 'price']}" if prefix + "price" in f else "market"
