"""Reading a broker's book before planning: what every broker's plan module (plan/brokers/) builds on.

A reader turns what the broker answers into BookOrders (its id, status, and its fields in plan's
names), says what it cannot know, and writes the MODIFY of a change in place. A broker with no
read endpoint (INDstocks) has a reader that reads nothing: plan then works from the journal alone
and says so. Reader is also what a broker without a plan module gets: journal only, every change
a replace, and both said in the plan.
"""

from __future__ import annotations

from datetime import timedelta, timezone

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

    def add(self, order: BookOrder) -> None:
        """An order the broker listed (a live one is active)."""
        self.orders[order.id] = order
        if order.state == LIVE:
            self.active.append(order.id)

    def unlisted(self, managed: dict, status: str, why, kind: str | None = None) -> None:
        """The managed orders (id -> (kind, segment)) a whole listing left out are gone; why(id) says
        so. `kind`: the broker's one kind (Codifi's SIPs), in place of the journal's."""
        for ident, (known, segment) in managed.items():
            if ident not in self.orders:
                found = (kind, None) if kind else (known, segment)
                self.orders[ident] = BookOrder(ident, None, *found, status, GONE, {}, why(ident))

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


def scalar(value) -> str | None:
    """A scalar of an answer as text; anything else (an object where a value belongs) is absent."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    text = str(value)
    return text if text.isascii() and text.isprintable() and len(text) <= 100 else None


def put(out: dict, name: str, value) -> None:
    text = scalar(value)
    if text is not None and text != "":
        out[name] = text


def failed(broker: str, result, what: str) -> RefreshError:
    return RefreshError(f"cannot read {what} from {adapters.title(broker)}: {adapters.visible(result.message or result.state)}")


class Reader:
    """A broker with no read endpoint, and no modify written for it: plan works from the journal alone."""

    readable = False
    cannot_know: tuple[str, ...] = (
        "ordspec has no plan module for this broker (plan/brokers/): this plan is from the journal alone, and every change "
        "is a replace. It cannot see an order that triggered, executed, expired or was cancelled outside ordspec.",
    )

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

    def refuse(self, book: Book, actions: list) -> str | None:
        """Why the broker would refuse the plan as a whole (Kite: more than 250 active GTTs), or None."""
        return None

    def modify(self, builder, d, h, changed: set):
        """The MODIFY lines of a change in place, each with the fields it covers, or why it is a replace."""
        return f"ordspec does not write {adapters.title(self.broker)}'s modifies"
