"""The event engine: what armed orders do on a price path, as a broker's semantics say.

One engine for `ordspec simulate` (orders from checked statements) and the paper broker
(orders from its stored requests): both turn what they hold into the neutral `Order` below,
add it with its broker's `Semantics`, and feed prices. The engine imports nothing from the
rules or the back ends: it must not share a mistake with the code it is used to check.

The path is discrete between ticks and between candles (a gap is a jump); inside a candle it
is continuous along one declared route (open, the extreme nearer the open, the other, close),
visited at every trigger and limit price it passes. The order of the extremes is assumed:
each candle that could end otherwise is run both ways, and the events whose outcome differs
are flagged `ambiguous` (with every later event of the same order).
"""

from __future__ import annotations

import heapq
from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from ordspec.simulate.model import (  # noqa: F401  (the model's names, for the engine's users)
    CLOSE, DONE, EVENTS, IST, Candle, Event, Leg, Order, Point, close_after, exit_side, next_due, year_after,
)


class Live:
    """An order in the engine and how far it has come."""

    def __init__(self, order: Order, rules, index: int):
        self.order = order
        self.rules = rules
        self.index = index
        self.armed_at = order.start
        self.first: Point | None = None  # its first price: the last price when it was placed
        self.legs: dict[str, str] = {}  # role -> new, armed, waiting, placed, or one of DONE
        self.placed: dict[str, tuple] = {}  # role -> (time, limit or None)
        self.direction: dict[str, str] = {}
        self.done_count = 0  # SIP instalments made
        self.due: date | None = order.start.date() if order.start else None
        self.tainted = False
        if order.kind == "GTT":
            self.legs["entry"] = "armed"
        elif order.kind == "OCO":
            self.legs.update({r: "armed" for r in ("target", "sl") if order.leg(r)})
        elif order.kind == "BRACKET":
            self.legs["entry"] = "armed" if order.entry.trigger is not None else "new"
            self.legs.update({r: "waiting" for r in ("target", "sl") if order.leg(r)})
        elif order.kind == "SIP":
            self.legs["entry"] = "armed"

    @property
    def done(self) -> bool:
        return all(s in DONE for s in self.legs.values())

    def side(self, role: str) -> str:
        """The side of the order a leg places: a bracket's children exit its entry."""
        return exit_side(self.order.side) if self.order.kind == "BRACKET" and role != "entry" else self.order.side

    def save(self) -> tuple:
        return (self.armed_at, self.first, dict(self.legs), dict(self.placed), dict(self.direction), self.done_count, self.due, self.tainted)

    def restore(self, saved: tuple) -> None:
        self.armed_at, self.first, legs, placed, direction, self.done_count, self.due, self.tainted = saved
        self.legs, self.placed, self.direction = dict(legs), dict(placed), dict(direction)

    def dump(self) -> dict:
        """Its state as JSON data, for a book that outlives one feed of prices (the paper broker)."""
        first = self.first
        return {
            "armed_at": self.armed_at.isoformat() if self.armed_at else None,
            "first": None if first is None else {"time": first.time.isoformat(), "price": format(first.price, "f")},
            "legs": dict(self.legs),
            "placed": {r: [t.isoformat(), None if x is None else format(x, "f")] for r, (t, x) in self.placed.items()},
            "direction": dict(self.direction),
            "done": self.done_count,
            "due": self.due.isoformat() if self.due else None,
        }

    def load(self, data: dict) -> None:
        self.armed_at = datetime.fromisoformat(data["armed_at"]) if data.get("armed_at") else self.armed_at
        first = data.get("first")
        self.first = None if first is None else Point(datetime.fromisoformat(first["time"]), self.order.symbol, Decimal(first["price"]))
        self.legs.update({r: v for r, v in data.get("legs", {}).items() if r in self.legs})  # (a leg since cancelled is left out)
        self.placed = {r: (datetime.fromisoformat(t), None if x is None else Decimal(x)) for r, (t, x) in data.get("placed", {}).items()}
        self.direction = dict(data.get("direction", {}))
        self.done_count = data.get("done", 0)
        self.due = date.fromisoformat(data["due"]) if data.get("due") else self.due


class Engine:
    def __init__(self):
        self.lives: list[Live] = []
        self.by_symbol: dict[str, list[Live]] = {}
        self.events: list[Event] = []
        self.notes: list[str] = []  # what the reader should know about a single order (an overridden direction)
        self._deadlines: list[tuple] = []
        self._seq = 0
        self._trial = False  # running a candle the other way: no deadlines, no notes

    def add(self, order: Order, rules, state: dict | None = None) -> Live:
        """Arm an order under a broker's rules; `state` (Live.dump) resumes one that has moved before."""
        live = Live(order, rules, len(self.lives))
        self.lives.append(live)
        self.by_symbol.setdefault(order.symbol, []).append(live)
        if state:
            live.load(state)
            if live.first is not None:  # its deadlines, as _start and _place set them
                self._expiries(live)
                for role, (when, limit) in live.placed.items():
                    if live.legs.get(role) == "placed" and limit is not None and order.validity != "IOC":
                        self._schedule(close_after(when), live, role, "unfilled")
        return live

    def run(self, rows) -> list[Event]:
        """Feed ticks (Point) and candles (Candle), in time order; return the events so far."""
        for row in rows:
            if isinstance(row, Candle):
                self._candle(row)
            else:
                self.due(row.time)
                self._point(row)
        return self.events

    # -- time passing: expiries and the close

    def due(self, now: datetime) -> None:
        """Act on every deadline before `now` (a price stamped exactly at 15:30 is still in the session)."""
        while self._deadlines and self._deadlines[0][0] < now:
            when, _, index, role, what = heapq.heappop(self._deadlines)
            live = self.lives[index]
            if what == "expired" and live.legs.get(role) == "armed":
                self._end(live, role, "expired", when, None, "its validity ended without a trigger")
            elif what == "unfilled" and live.legs.get(role) == "placed":
                limit = live.placed[role][1]
                self._end(live, role, "unfilled", when, limit, "not filled by the close (15:30 IST): cancelled at the end of the day")

    def _schedule(self, when: datetime, live: Live, role: str, what: str) -> None:
        if not self._trial:
            self._seq += 1
            heapq.heappush(self._deadlines, (when, self._seq, live.index, role, what))

    # -- one price

    def _point(self, p: Point) -> None:
        for live in self.by_symbol.get(p.symbol, ()):
            if live.done or (live.armed_at is not None and p.time < live.armed_at):
                continue
            if live.first is None:
                self._start(live, p)
            if live.order.kind == "SIP":
                self._installment(live, p)
                continue
            moved = True
            while moved:  # a fill activates children, which may fire at this same price
                moved = any([self._leg(live, role, p) for role in ("entry", "sl", "target") if role in live.legs])

    def _start(self, live: Live, p: Point) -> None:
        live.armed_at = live.armed_at or p.time
        live.first = p  # the price at placement
        for role in live.legs:
            leg = live.order.leg(role)
            if leg is None or leg.trigger is None:
                continue
            live.direction[role] = self._direction(live, role, leg, p)
        self._expiries(live)

    def _expiries(self, live: Live) -> None:
        o, rules = live.order, live.rules
        life = {"GTT": rules.gtt_life, "OCO": rules.oco_life, "BRACKET": rules.gtt_life}.get(o.kind)
        roles = [r for r in (("target", "sl") if o.kind == "OCO" else ("entry",)) if live.legs.get(r) == "armed"]
        if life is not None and life.value != "none" and roles:  # (a bracket's children live until one fires)
            when = year_after(live.armed_at) if life.value == "year" else close_after(live.armed_at)
            for role in roles:
                self._schedule(when, live, role, "expired")

    def _direction(self, live: Live, role: str, leg: Leg, p: Point) -> str:
        side = live.side(role)
        if role != "entry":  # an exit: the target above a long position, the stop-loss below it
            up = (role == "target") == (side == "SELL")
            return "UP" if up else "DOWN"
        by_side = "UP" if side == "BUY" else "DOWN"
        rule = live.rules.direction.value
        if rule == "side":
            return by_side
        if rule == "last-price" and leg.trigger != p.price:
            found = "UP" if leg.trigger > p.price else "DOWN"
            if leg.direction and found != leg.direction and not self._trial:
                o = live.order
                self.notes.append(
                    f"{o.file}:{o.line}: {live.rules.title} takes the direction from the last price at placement "
                    f"({format(p.price, 'f')}): {found}, not the written {leg.direction}"
                )
            return found
        return leg.direction or by_side

    def _leg(self, live: Live, role: str, p: Point) -> bool:
        """Move one leg at price p; True if it changed."""
        state, leg = live.legs[role], live.order.leg(role)
        if state == "new":  # a bracket's limit or market entry, placed when the order is
            self._place(live, role, leg.limit, p)
            return True
        if state == "armed":
            if not _met(live.direction[role], leg.trigger, p.price):
                return False
            self._emit(live, "triggered", role, p.price, p, why=_crossing(live.direction[role], leg.trigger, p, live.first is p))
            limit = leg.limit
            if limit is None and live.rules.trigger_market.value == "limit-at-trigger":
                limit = leg.trigger
            self._place(live, role, limit, p)
            if live.order.kind != "GTT" and role != "entry" and live.rules.oco.value == "trigger":
                self._siblings(live, role, p, "the other leg fired: a two-leg trigger fires once")
            return True
        if state == "placed":
            limit = live.placed[role][1]
            side = live.side(role)
            if limit is not None and not (p.price <= limit if side == "BUY" else p.price >= limit):
                if live.order.validity == "IOC":
                    self._end(live, role, "unfilled", p.time, limit, "IOC: not filled at once", p)
                    return True
                return False
            self._emit(live, "filled", role, p.price if limit is None else limit, p)
            live.legs[role] = "filled"
            if role == "entry":
                for child in ("target", "sl"):
                    if live.legs.get(child) == "waiting":
                        live.legs[child] = "armed"
                        live.direction[child] = self._direction(live, child, live.order.leg(child), p)
                        self._emit(live, "activated", child, None, p, why="its entry filled")
            else:
                self._siblings(live, role, p, f"the {_name(role)} filled")
            return True
        return False

    def _place(self, live: Live, role: str, limit: Decimal | None, p: Point) -> None:
        self._emit(live, "placed", role, p.price if limit is None else limit, p, why=None if limit is not None else "market")
        live.legs[role] = "placed"
        live.placed[role] = (p.time, limit)
        if limit is not None and live.order.validity != "IOC":
            self._schedule(close_after(p.time), live, role, "unfilled")

    def _siblings(self, live: Live, role: str, p: Point, why: str) -> None:
        for other in ("target", "sl"):
            if other != role and live.legs.get(other) in ("armed", "placed"):
                self._end(live, other, "cancelled", p.time, None, why, p)

    def _end(self, live: Live, role: str, event: str, when: datetime, price, why: str, p: Point | None = None) -> None:
        """A leg ends without a fill; a bracket entry's end leaves its children inactive."""
        live.legs[role] = event
        self._emit(live, event, role, price, p, why=why, when=when)
        if role == "entry":
            why = "the entry did not fill: " + ("the child legs stay inactive" if live.rules.orphans.value == "inactive" else "cancelled with it")
            for child in ("target", "sl"):
                if live.legs.get(child) == "waiting":
                    live.legs[child] = "cancelled"
                    self._emit(live, "cancelled", child, None, p, why=why, when=when)

    def _installment(self, live: Live, p: Point) -> None:
        o = live.order
        if live.due is None:
            live.due = p.time.astimezone(IST).date()
        today = p.time.astimezone(IST).date()
        if today < live.due:
            return
        qty = o.qty if o.qty is not None else int(o.amount // p.price)
        live.done_count += 1
        why = f"{live.done_count} of {o.installments}" + ("" if qty or o.qty else ": the amount buys no whole share at this price")
        self._emit(live, "installment", None, p.price, p, why=why, qty=qty)
        start = o.start.date() if o.start else today
        live.due = next_due(o, start, today)
        if live.done_count >= (o.installments or 1):
            live.legs["entry"] = "filled"

    def _emit(self, live: Live, event: str, role, price, p: Point | None, why=None, when=None, qty=None) -> None:
        o = live.order
        side = live.side(role) if role else o.side
        self.events.append(
            Event(when or p.time, o, event, role if o.kind != "SIP" else None, price, side, o.qty if qty is None else qty, why, p, live.tainted)
        )

    # -- a candle: its route, run both ways where that could matter

    def _candle(self, c: Candle) -> None:
        self.due(c.time)
        lives = [live for live in self.by_symbol.get(c.symbol, ()) if not live.done]
        levels = sorted({x for live in lives for x in _levels(live.order) if c.low <= x <= c.high})
        route, other = _routes(c, levels)
        if not levels or route == other:
            for p in route:
                self._point(p)
            return
        saved = [live.save() for live in lives]
        start = len(self.events)
        self._trial = True
        try:
            for p in other:
                self._point(p)
        finally:
            self._trial = False
        trial = self.events[start:]
        del self.events[start:]
        for live, s in zip(lives, saved):
            live.restore(s)
        for p in route:
            self._point(p)
        mine = self.events[start:]
        for live in lives:
            ours = [e for e in mine if e.order is live.order]
            if Counter(_key(e) for e in ours) != Counter(_key(e) for e in trial if e.order is live.order):
                live.tainted = True
                for e in ours:
                    if e.point is None or e.point.part != "open":
                        e.ambiguous = True


def _met(direction: str, trigger: Decimal, price: Decimal) -> bool:
    return price >= trigger if direction == "UP" else price <= trigger


def _crossing(direction: str, trigger: Decimal, p: Point, first: bool) -> str:
    word = f"{'at or above' if direction == 'UP' else 'at or below'} {format(trigger, 'f')}"
    if first:
        return f"already {word} when placed"
    if p.part == "open" and p.price != trigger:
        return f"opened past {format(trigger, 'f')}: a gap"
    return word


def _name(role: str) -> str:
    return {"sl": "stop-loss", "target": "target", "entry": "entry"}[role]


def _key(e: Event) -> tuple:
    return (e.event, e.leg, e.price)


def _levels(order: Order) -> list[Decimal]:
    return [x for leg in (order.entry, order.target, order.sl) if leg for x in (leg.trigger, leg.limit) if x is not None]


def _routes(c: Candle, levels: list[Decimal]) -> tuple[list[Point], list[Point]]:
    """The declared route through a candle (the extreme nearer the open first; the low on a tie) and the other."""
    high_first = c.high - c.open < c.open - c.low
    first, second = ("high", "low") if high_first else ("low", "high")
    return _route(c, first, second, levels), _route(c, second, first, levels)


def _route(c: Candle, first: str, second: str, levels: list[Decimal]) -> list[Point]:
    stops = [("open", c.open), (first, getattr(c, first)), (second, getattr(c, second)), ("close", c.close)]
    out = [Point(c.time, c.symbol, c.open, c.source, "open")]
    for (_, a), (part, b) in zip(stops, stops[1:]):
        between = [x for x in levels if min(a, b) < x < max(a, b)]
        for x in sorted(between, reverse=b < a):
            out.append(Point(c.time, c.symbol, x, c.source, "level"))
        if b != out[-1].price or part == "close":
            out.append(Point(c.time, c.symbol, b, c.source, part))
    return out
