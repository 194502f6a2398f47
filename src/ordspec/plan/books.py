"""Reading a broker's book before planning: one small reader per broker (READERS).

A reader turns what the broker answers into BookOrders (its id, status, and its fields in plan's
names) and says what it cannot know. A broker with no read endpoint (INDstocks) has a reader that
reads nothing: plan then works from the journal alone and says so. Adding a broker is a reader
here: Kite would list its GTTs (GET /gtt), Dhan its forever and super orders, each a `read` and a
`fields` of a few lines.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ordspec.plan import adapters

IST = timezone(timedelta(hours=5, minutes=30))
LIVE, DONE, CANCELLED, GONE, INACTIVE, HELD = "live", "done", "cancelled", "gone", "inactive", "held"


class RefreshError(Exception):
    """The broker's book could not be read: nothing is planned (exit 1)."""


class BookOrder:
    __slots__ = ("id", "ref", "kind", "segment", "status", "state", "fields", "why")

    def __init__(self, id, ref, kind, segment, status, state, fields, why=""):
        self.id = id
        self.ref = ref  # the reference it was placed under, where the broker says
        self.kind = kind
        self.segment = segment
        self.status = status  # the broker's own word
        self.state = state  # LIVE, DONE, CANCELLED, GONE, INACTIVE or HELD
        self.fields = fields
        self.why = why

    def snapshot(self) -> dict:
        return {"status": self.status, "fields": self.fields}


class Book:
    """What was read: orders by id, and the live ones no name of this journal claims."""

    def __init__(self, readable: bool):
        self.readable = readable
        self.orders: dict[str, BookOrder] = {}
        self.active: list[str] = []  # live orders of every kind read, in the broker's order
        self.reads = 0
        self.state = None  # Codifi: the order book as a State, which SIP modifies are built from

    def snapshot(self) -> dict:
        return {"orders": {i: o.snapshot() for i, o in sorted(self.orders.items())}}


class Connection:
    """What a reader reads with: a Sender (reads are never journaled) and the day of the plan."""

    def __init__(self, broker: str, sender, as_of):
        self.broker = broker
        self.sender = sender
        self.as_of = as_of

    def read(self, line: str):
        result = self.sender.send(adapters.read_request(self.broker, line, self.as_of))
        return result


def _text(value) -> str | None:
    """A scalar of an answer as text; anything else (an object where a value belongs) is absent."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    text = str(value)
    return text if text.isascii() and text.isprintable() and len(text) <= 100 else None


def _put(out: dict, name: str, value) -> None:
    text = _text(value)
    if text is not None and text != "":
        out[name] = text


def _failed(broker: str, result, what: str) -> RefreshError:
    return RefreshError(f"cannot read {what} from {adapters.title(broker)}: {adapters.visible(result.message or result.state)}")


class Reader:
    """A broker with no read endpoint: plan works from the journal alone."""

    readable = False
    cannot_know: tuple[str, ...] = ()

    def __init__(self, broker: str):
        self.broker = broker

    def read(self, conn, managed: dict) -> Book:
        return Book(False)

    def resolve_create(self, conn, book: Book, entry, fields: dict, claimed: set):
        """After an apply was stopped mid-create: ("placed", id), ("absent", None) or ("unknown", why)."""
        return "unknown", (
            f"an earlier apply was stopped while sending this order, and {adapters.title(self.broker)} has no read endpoint to check: "
            f"look in its order book, then `ordspec journal resolve \"{entry.key}\" --placed ID` or `--not-placed`"
        )


class Indstocks(Reader):
    cannot_know = (
        "INDstocks has no read endpoint: this plan is from the journal alone. It cannot see an order that triggered, "
        "executed, expired or was cancelled or modified outside ordspec; such an order is planned as if it were as ordspec left it "
        "(a modify or cancel of it is then refused by INDstocks, and apply says so).",
        "An answer lost on a create, modify or cancel cannot be checked: the plan stops at that order until "
        "`ordspec journal resolve` records what happened.",
        "Orders placed outside ordspec are not counted.",
    )


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
                        raise _failed(self.broker, result, f"the active {kind} orders in {segment}")
                    orders = result.data.get("orders") if isinstance(result.data, dict) else None
                    if not isinstance(orders, list):
                        raise RefreshError(f"cannot read the active {kind} orders from Groww: the answer has no `orders` list")
                    for payload in orders:
                        found = self.order(payload, kind, segment)
                        if found is not None and found.id not in book.orders:
                            book.orders[found.id] = found
                            if found.state == LIVE:
                                book.active.append(found.id)
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
                raise _failed(self.broker, result, f"{kind} {ident}")
            found = self.order(result.data, kind, segment)
            if found is None or found.id != ident:
                raise RefreshError(f"cannot read {kind} {ident} from Groww: its answer is not that order")
            book.orders[ident] = found
        return book

    def order(self, payload, kind: str, segment: str) -> BookOrder | None:
        if not isinstance(payload, dict):
            return None
        ident = _text(payload.get("smart_order_id"))
        if ident is None:
            return None
        status = _text(payload.get("status")) or "?"
        f = self.fields(payload, kind)
        ref = _text(payload.get("reference_id"))
        day = lambda name: (_text(payload.get(name)) or "")[:10]  # noqa: E731
        if status == "ACTIVE":
            return BookOrder(ident, ref, kind, segment, status, LIVE, f)
        if status in ("TRIGGERED", "COMPLETED"):
            when = day("triggered_at") or day("updated_at")
            return BookOrder(ident, ref, kind, segment, status, DONE, f, f"{status.lower()} at Groww{' on ' + when if when else ''}")
        if status == "CANCELLED":
            expiry = _text(payload.get("expire_at"))
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
        _put(out, "symbol", p.get("trading_symbol"))
        _put(out, "exchange", p.get("exchange"))
        _put(out, "segment", p.get("segment"))
        _put(out, "qty", p.get("quantity"))
        _put(out, "product", p.get("product_type"))
        _put(out, "validity", p.get("duration"))
        if kind == "GTT":
            order = p.get("order") if isinstance(p.get("order"), dict) else {}
            _put(out, "trigger", p.get("trigger_price"))
            _put(out, "direction", p.get("trigger_direction"))
            _put(out, "order_type", order.get("order_type"))
            _put(out, "price", order.get("price"))
            _put(out, "side", order.get("transaction_type"))
        else:
            _put(out, "side", p.get("transaction_type"))
            _put(out, "position", p.get("net_position_quantity"))
            for leg, key in (("target", "target"), ("sl", "stop_loss")):
                part = p.get(key) if isinstance(p.get(key), dict) else {}
                _put(out, f"{leg}.trigger", part.get("trigger_price"))
                _put(out, f"{leg}.order_type", part.get("order_type"))
                _put(out, f"{leg}.price", part.get("price"))
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


class Codifi(Reader):
    readable = True
    cannot_know = (
        "Codifi's order book says a SIP is active or not: a paused SIP and a cancelled one both read \"false\". ordspec knows "
        "the cancels and pauses it sent; an inactive SIP it did not make so is left as it is (resume it, or cancel it with "
        "`ordspec dispatch`, and plan again).",
        "A SIP has no reference id: one whose answer was lost is looked for in the order book by its content; two identical "
        "SIPs cannot be told apart, and then the plan stops at that order.",
        "Whether each instalment was bought: a SIP that ran all its instalments is done.",
        "A SIP's registration day, where the file does not write one, is what the first apply sent: it is not compared.",
    )

    def read(self, conn, managed: dict) -> Book:
        book = Book(True)
        result = conn.read("LIST SIP")
        book.reads += 1
        if result.state != "confirmed":
            raise _failed(self.broker, result, "the SIP order book")
        state, problem = adapters.codifi_book(result.data)
        if problem:
            raise RefreshError(f"cannot read Codifi's answer: {problem}")
        book.state = state
        for number, entry in state.sips.items():
            found = self.order(number, entry)
            book.orders[number] = found
            if found.state == LIVE:
                book.active.append(number)
        for ident, (kind, segment) in managed.items():
            if ident not in book.orders:
                book.orders[ident] = BookOrder(ident, None, "SIP", None, "not found", GONE, {}, f"Codifi's order book no longer has SIP {ident}")
        return book

    def order(self, number: str, entry: dict) -> BookOrder:
        internal = entry["internal"]
        f = self.fields(entry)
        if str(internal["active"]).lower() == "true":
            return BookOrder(number, None, "SIP", None, "active", LIVE, f)
        period, total = str(internal.get("period", "0")), str(entry["endPeriod"])
        if period.isdigit() and total.isdigit() and int(period) >= int(total):
            return BookOrder(number, None, "SIP", None, "inactive", DONE, f, f"completed its {total} instalments at Codifi")
        return BookOrder(number, None, "SIP", None, "inactive", INACTIVE, f, "inactive at Codifi (paused or cancelled: its order book does not say which)")

    def fields(self, entry: dict) -> dict:
        frequencies = {code: word for word, code in adapters.get(self.broker).setting("frequencies").items()}
        out: dict = {"kind": "SIP", "side": "BUY"}
        first, rest = entry["scrips"][0], entry["scrips"][1:]
        _put(out, "symbol", first.get("tradingSymbol"))
        self._size(out, first)
        _put(out, "token", first.get("token"))
        _put(out, "exchange", first.get("exchange"))
        _put(out, "product", first.get("product"))
        out["frequency"] = frequencies.get(str(entry["frequency"]), f"code {entry['frequency']}")
        out["start"] = _iso(entry["startDate"])
        out["registered"] = _iso(entry["regDate"])
        _put(out, "installments", entry["endPeriod"])
        out["name"] = str(entry["sipName"])
        if rest:
            parts = []
            for s in rest:
                size = {}
                self._size(size, s)
                shown = f"INR{size['amount']}" if "amount" in size else size.get("qty", "?")
                parts.append(f"{shown} {s['tradingSymbol']} token {s['token']} {s['exchange']} {s['product']}")
            out["scrips"] = "; ".join(parts)
        return out

    @staticmethod
    def _size(out: dict, scrip: dict) -> None:
        if scrip.get("sipType") == "prc" or (scrip.get("qty") is None and scrip.get("price") is not None):
            _put(out, "amount", scrip.get("price"))
        else:
            _put(out, "qty", scrip.get("qty"))

    def resolve_create(self, conn, book: Book, entry, fields: dict, claimed: set):
        from ordspec.plan.model import changes

        matches = [
            o.id for o in book.orders.values()
            if o.id not in claimed and o.state != GONE and not changes(o.fields, fields)
        ]
        if len(matches) == 1:
            return "placed", matches[0]
        if not matches:
            return "absent", None
        return "unknown", f"Codifi's order book has {len(matches)} SIPs like it ({', '.join(matches)}): resolve it with `ordspec journal resolve \"{entry.key}\" --placed ID`"


def _iso(text: str) -> str:
    digits = text.replace("-", "")
    return f"{digits[4:]}-{digits[2:4]}-{digits[:2]}"


READERS = {"groww": Groww, "codifi": Codifi, "indstocks": Indstocks}


def reader(broker: str) -> Reader:
    return READERS.get(broker, Reader)(broker)
