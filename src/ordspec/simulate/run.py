"""One simulation: orders and a path through the engine, with what it assumed and a summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ordspec.simulate.engine import EVENTS, Engine

GENERAL = (
    ("armed-at-first-price", "Every order is armed at the first price of its symbol on the path (a SIP on its start "
     "date); that first price is the last price at placement."),
    ("limit-fills-at-limit", "A triggered LIMIT (or SL) order fills when the path reaches its price, at its price, "
     "never better; a MARKET (or SL_M) order fills at the price that triggered it."),
    ("whole-orders", "Orders fill whole: no partial fills, no slippage, no queue; a price on the path is a price "
     "anyone could trade at."),
    ("path-ends-open", "An order still waiting when the path ends stays open: nothing is assumed after the last price."),
)
CANDLES = ("candle-route", "Inside a candle the path is unknown: ordspec takes the open, then the extreme nearer the "
           "open (the low when both are as near), then the other extreme, then the close, passing every trigger and "
           "limit price on the way. Events that would differ the other way round are marked ambiguous, and so is "
           "every later event of the same order.")


@dataclass
class Result:
    rules: object
    path: object
    events: list
    notes: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (file, line, title) of statements not simulated
    orders: int = 0
    open: int = 0

    def assumptions(self) -> list[dict]:
        out = [{"name": n, "text": t} for n, t in GENERAL]
        if self.path.kind == "candles":
            out.insert(0, {"name": CANDLES[0], "text": CANDLES[1]})
        out += [{"name": n.name, "text": n.summary + ".", "source": n.source} for n in self.rules.applied()]
        out += [{"name": "direction-from-last-price", "text": note} for note in self.notes]
        out += [{"name": "not-simulated", "text": f"{f}:{line}: {title} is not simulated (only new orders are)"} for f, line, title in self.skipped]
        return out

    def summary(self) -> dict:
        counts = Counter(e.event for e in self.events)
        path = self.path
        return {
            "broker": self.rules.name,
            "orders": self.orders,
            "open": self.open,
            "events": {name: counts[name] for name in EVENTS if counts[name]},
            "ambiguous": sum(1 for e in self.events if e.ambiguous),
            "path": {
                "file": path.file, "kind": path.kind, "rows": len(path.rows), "symbols": sorted(path.symbols),
                "from": path.first.isoformat() if path.first else None, "to": path.last.isoformat() if path.last else None,
            },
        }

    def as_json(self) -> dict:
        return {"events": [e.as_dict() for e in self.events], "assumptions": self.assumptions(), "summary": self.summary()}


def simulate(orders: list, path, rules, skipped=()) -> Result:
    """Arm `orders` (engine Orders) with `rules` (a broker's Semantics) and run `path` (prices.Path)."""
    engine = Engine()
    lives = [engine.add(order, rules) for order in orders]
    events = engine.run(path.rows)
    still = len({id(live.order) for live in lives if not live.done})
    distinct = len({(o.file, o.line) for o in orders})
    return Result(rules, path, events, list(engine.notes), list(skipped), distinct, still)
