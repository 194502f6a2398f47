"""Groww in a plan: its smart orders listed a month at a time, and fetched one by one; a modify
sends only what changes (with a GTT's side when its order changes)."""

from __future__ import annotations

from datetime import datetime, timedelta

from ordspec.plan import adapters
from ordspec.plan.books import CANCELLED, DONE, GONE, HELD, IST, LIVE, Book, BookOrder, Reader, RefreshError, failed, put, scalar


class Groww(Reader):
    readable = True
    WINDOW = timedelta(days=28)  # Groww lists at most a month at a time; 28 days always fit
    KINDS = ("GTT", "OCO")
    cannot_know = (
        "Groww lists a month at a time: active orders placed outside ordspec more than four weeks ago are not counted "
        "(ordspec's own are fetched one by one).",
        "Whether the order a TRIGGERED smart order placed was filled: it did its job, and is done either way.",
        "Groww documents no status for an expired GTT: one CANCELLED after its expire_at is taken as expired (done), "
        "one CANCELLED before it as cancelled outside ordspec (re-created).",
        "Fields Groww's answers leave out (an OCO's segment, side and net position) are taken from the journal, "
        "so a change made to them outside ordspec is not seen.",
    )

    def read(self, conn, managed: dict) -> Book:
        book = Book(True)
        end = datetime.now(IST).replace(tzinfo=None, microsecond=0) + timedelta(days=1)
        start = end - self.WINDOW
        segments = {}
        for kind in self.KINDS:
            offer = adapters.get(self.broker).supports("CREATE", kind) or {}
            segments[kind] = list(offer.get("segments") or ())
        for kind in self.KINDS:
            for segment in segments[kind]:
                for page in range(0, 501):
                    line = f"LIST {kind} segment {segment} status ACTIVE page {page} size 50 from {start.isoformat()} to {end.isoformat()}"
                    result = conn.read(line)
                    book.reads += 1
                    if result.state != "confirmed":
                        raise failed(self.broker, result, f"the active {kind} orders in {segment}")
                    orders = result.data.get("orders") if isinstance(result.data, dict) else None
                    if not isinstance(orders, list):
                        raise RefreshError(f"cannot read the active {kind} orders from Groww: the answer has no `orders` list")
                    for payload in orders:
                        found = self.order(payload, kind, segment)
                        if found is not None and found.id not in book.orders:
                            book.add(found)
                    if len(orders) < 50:
                        break
        for ident, (kind, segment) in managed.items():
            if ident in book.orders:
                continue
            result = conn.read(f"GET {kind} {ident} segment {segment}")
            book.reads += 1
            if adapters.not_found(self.broker, result):
                book.orders[ident] = BookOrder(ident, None, kind, segment, "not found", GONE, {}, f"Groww no longer has {ident} ({result.message})")
                continue
            if result.state != "confirmed":
                raise failed(self.broker, result, f"{kind} {ident}")
            found = self.order(result.data, kind, segment)
            if found is None or found.id != ident:
                raise RefreshError(f"cannot read {kind} {ident} from Groww: its answer is not that order")
            book.orders[ident] = found
        return book

    def order(self, payload, kind: str, segment: str) -> BookOrder | None:
        if not isinstance(payload, dict):
            return None
        ident = scalar(payload.get("smart_order_id"))
        if ident is None:
            return None
        status = scalar(payload.get("status")) or "?"
        f = self.fields(payload, kind)
        ref = scalar(payload.get("reference_id"))
        day = lambda name: (scalar(payload.get(name)) or "")[:10]  # noqa: E731
        if status == "ACTIVE":
            return BookOrder(ident, ref, kind, segment, status, LIVE, f)
        if status in ("TRIGGERED", "COMPLETED"):
            when = day("triggered_at") or day("updated_at")
            return BookOrder(ident, ref, kind, segment, status, DONE, f, f"{status.lower()} at Groww{' on ' + when if when else ''}")
        if status == "CANCELLED":
            expiry = scalar(payload.get("expire_at"))
            now = datetime.now(IST).replace(tzinfo=None)
            try:
                expired = expiry is not None and datetime.fromisoformat(expiry) <= now
            except ValueError:
                expired = False
            if expired:
                return BookOrder(ident, ref, kind, segment, status, DONE, f, f"expired at Groww on {expiry[:10]}")
            return BookOrder(ident, ref, kind, segment, status, CANCELLED, f, f"cancelled at Groww outside ordspec{' on ' + day('updated_at') if day('updated_at') else ''}")
        return BookOrder(ident, ref, kind, segment, status, HELD, f, f"status {status} at Groww, which ordspec does not know: left as it is")

    @staticmethod
    def fields(p: dict, kind: str) -> dict:
        out: dict = {"kind": kind}
        put(out, "symbol", p.get("trading_symbol"))
        put(out, "exchange", p.get("exchange"))
        put(out, "segment", p.get("segment"))
        put(out, "qty", p.get("quantity"))
        put(out, "product", p.get("product_type"))
        put(out, "validity", p.get("duration"))
        if kind == "GTT":
            order = p.get("order") if isinstance(p.get("order"), dict) else {}
            put(out, "trigger", p.get("trigger_price"))
            put(out, "direction", p.get("trigger_direction"))
            put(out, "order_type", order.get("order_type"))
            put(out, "price", order.get("price"))
            put(out, "side", order.get("transaction_type"))
        else:
            put(out, "side", p.get("transaction_type"))
            put(out, "position", p.get("net_position_quantity"))
            for leg, key in (("target", "target"), ("sl", "stop_loss")):
                part = p.get(key) if isinstance(p.get(key), dict) else {}
                put(out, f"{leg}.trigger", part.get("trigger_price"))
                put(out, f"{leg}.order_type", part.get("order_type"))
                put(out, f"{leg}.price", part.get("price"))
        return out

    def resolve_create(self, conn, book: Book, entry, fields: dict, claimed: set):
        import json

        try:
            body = json.loads(entry.body) if entry.body else None
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return Reader.resolve_create(self, conn, book, entry, fields, claimed)
        saved = {"operation": entry.operation, "method": "POST", "path": entry.path, "query": {}, "body": body, "schema": None,
                 "statement": {"verb": "CREATE", "kind": body.get("smart_order_type", "GTT"), "key": body.get("reference_id"), "order_id": None, "file": "<journal>", "line": 1}}
        try:
            found = adapters.find_by_reference(self.broker, saved, conn.sender.transport, entry.updated)
        except Exception as e:  # the broker's recovery reads the list: a failed read says nothing
            return "unknown", f"could not look for it at Groww ({type(e).__name__}): plan again"
        ident, differs = found if found else (None, None)
        if ident is None:
            return "absent", None
        if differs:
            return "unknown", f"Groww holds another order under its reference id ({ident}: {'; '.join(differs)})"
        if differs is None:
            return "unknown", f"Groww holds {ident} under its reference id, which ordspec cannot compare with this order"
        return "placed", ident

    def modify(self, builder, d, h, changed: set):
        f, kind = d.fields, d.kind
        words = [f"MODIFY {kind} {h.broker_id} segment {h.segment}"]
        if "qty" in changed:
            words.append(f"qty {f['qty']}")
        if kind == "GTT":
            if changed & {"trigger", "direction"}:
                words.append(f"trigger {f['trigger']}" + (f" {f['direction'].lower()}" if "direction" in changed else ""))
            if changed & {"order_type", "price"}:  # Groww sends the whole order, with its side
                words.append((f"limit {f['price']}" if "price" in f else "market") + f" side {f['side']}")
        else:
            for name in ("validity", "product"):
                if name in changed:
                    words.append(f"{name} {f[name]}")
            for leg in ("target", "sl"):
                if f"{leg}.trigger" in changed:
                    words.append(f"{leg} {f[leg + '.trigger']}")
        return [(" ".join(words), sorted(changed))]
