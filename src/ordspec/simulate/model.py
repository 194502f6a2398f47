"""The engine's neutral order model: orders, legs, prices on the path, and the events they give.

`simulate` builds these from checked statements, the paper broker from its stored requests;
nothing here knows a broker or a statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

IST = timezone(timedelta(hours=5, minutes=30))
CLOSE = time(15, 30)
EVENTS = ("triggered", "placed", "filled", "cancelled", "activated", "expired", "unfilled", "installment")
DONE = ("filled", "cancelled", "expired", "unfilled")


@dataclass(frozen=True)
class Leg:
    """An order's entry, target or stop-loss: what fires it, and the order it places."""

    role: str  # "entry", "target" or "sl"
    trigger: Decimal | None = None
    direction: str | None = None  # "UP" or "DOWN" as written; None where the broker decides
    limit: Decimal | None = None  # None: a market order


@dataclass(frozen=True)
class Order:
    """A broker-neutral order: a GTT, OCO, BRACKET or one scrip of a SIP."""

    kind: str
    side: str
    qty: int | None
    symbol: str
    entry: Leg | None = None
    target: Leg | None = None
    sl: Leg | None = None
    validity: str = "DAY"
    start: datetime | None = None  # armed from then on; None: from its first price
    ref: str | None = None
    file: str | None = None
    line: int | None = None
    amount: Decimal | None = None  # a SIP by value
    frequency: str | None = None  # DAILY, WEEKLY, MONTHLY
    installments: int | None = None
    id: str | None = None  # the broker's order id (paper broker)

    def leg(self, role: str) -> Leg | None:
        return {"entry": self.entry, "target": self.target, "sl": self.sl}[role]


@dataclass(frozen=True)
class Point:
    """One price of the path: a tick, or a point on a candle's assumed route."""

    time: datetime
    symbol: str
    price: Decimal
    source: str | None = None  # "prices.csv:12": the row it comes from
    part: str | None = None  # in a candle: open, high, low, close, or level (a price passed on the way)


@dataclass(frozen=True)
class Candle:
    time: datetime  # its start
    symbol: str
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    source: str | None = None


@dataclass
class Event:
    time: datetime
    order: Order
    event: str
    leg: str | None
    price: Decimal | None
    side: str | None = None
    qty: int | None = None
    why: str | None = None
    point: Point | None = None
    ambiguous: bool = False

    def as_dict(self) -> dict:
        o = self.order
        out = {
            "time": self.time.isoformat(), "file": o.file, "line": o.line, "ref": o.ref, "event": self.event,
            "leg": self.leg, "price": None if self.price is None else format(self.price, "f"),
            "symbol": o.symbol, "kind": o.kind, "side": self.side, "qty": self.qty,
        }
        if o.id is not None:
            out["id"] = o.id
        if self.why:
            out["why"] = self.why
        if self.point is not None and self.point.source is not None:
            out["prices"] = self.point.source
        if self.point is not None and self.point.part:
            out["candle"] = self.point.part
        if self.ambiguous:
            out["ambiguous"] = True
        return out


def close_after(t: datetime) -> datetime:
    """The first market close (15:30 IST) at or after t."""
    t = t.astimezone(IST)
    close = datetime.combine(t.date(), CLOSE, IST)
    return close if t <= close else close + timedelta(days=1)


def year_after(t: datetime) -> datetime:
    try:
        return t.replace(year=t.year + 1)
    except ValueError:  # 29 February
        return t.replace(year=t.year + 1, day=28)


def next_due(order: Order, start: date, after: date) -> date:
    """The first due date of a SIP later than `after` (daily: the next day)."""
    if order.frequency == "WEEKLY":
        return after + timedelta(days=7 - (after - start).days % 7)
    if order.frequency == "MONTHLY":
        months = (after.year - start.year) * 12 + after.month - start.month
        while True:
            y, m = divmod(start.month - 1 + months, 12)
            y, m = start.year + y, m + 1
            last = (date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)).day
            due = date(y, m, min(start.day, last))
            if due > after:
                return due
            months += 1
    return after + timedelta(days=1)


def exit_side(side: str) -> str:
    return "SELL" if side == "BUY" else "BUY"
