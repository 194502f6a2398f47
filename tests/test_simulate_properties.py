"""Properties of the engine on any path (hypothesis): for every broker's semantics and any order shape,
at most one leg of an OCO (or of a bracket's children) fills, no child acts before its parent filled,
events come in time order, a leg ends once, and every price in an event is a price of the path (a
tick, or a price inside the candle of that time) or the order's own limit."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st

from ordspec.simulate.engine import IST, Candle, Engine, Leg, Order, Point
from ordspec.simulate.semantics import BROKERS
from tests.conftest import examples

TRADERS = [b for b in BROKERS.values() if set(b.kinds) & {"GTT", "OCO", "BRACKET"}]
PRICE = st.integers(60, 140).map(lambda n: Decimal(n) / 1 if n % 3 else Decimal(n) + Decimal("0.05"))
START = datetime(2025, 10, 1, 9, 15, tzinfo=IST)


@st.composite
def orders(draw, rules):
    kind = draw(st.sampled_from([k for k in rules.kinds if k != "SIP"]))
    side = draw(st.sampled_from(["BUY", "SELL"]))
    low, mid, high = sorted(draw(st.lists(PRICE, min_size=3, max_size=3, unique=True)))
    limit = lambda around: draw(st.none() | st.just(around) | PRICE)  # noqa: E731
    validity = draw(st.sampled_from(["DAY", "DAY", "IOC"]))
    if kind == "GTT":
        entry = Leg("entry", mid, draw(st.sampled_from(["UP", "DOWN"])), limit(mid))
        return Order("GTT", side, 10, "X", entry=entry, validity=validity, ref="g", file="f", line=1)
    up, down = (high, low) if side == "SELL" else (low, high)  # a SELL exits a long: target above, stop below
    if kind == "OCO":
        return Order("OCO", side, 10, "X", target=Leg("target", up, None, limit(up)), sl=Leg("sl", down, None, limit(down)),
                     validity=validity, ref="o", file="f", line=2)
    entry_kind = draw(st.sampled_from(["limit", "market", "trigger"]))
    exit_up, exit_down = (high, low) if side == "BUY" else (low, high)  # the children exit the entry
    entry = {"limit": Leg("entry", None, None, mid), "market": Leg("entry"), "trigger": Leg("entry", mid, None, limit(mid))}[entry_kind]
    return Order("BRACKET", side, 10, "X", entry=entry, target=Leg("target", exit_up, None, limit(exit_up)),
                 sl=Leg("sl", exit_down, None, limit(exit_down)), validity=validity, ref="b", file="f", line=3)


@st.composite
def paths(draw):
    gaps = draw(st.lists(st.sampled_from([1, 5, 60, 400, 1440, 3000]), min_size=1, max_size=25))
    rows, t = [], START
    candles = draw(st.booleans())
    for i, gap in enumerate(gaps):
        t += timedelta(minutes=gap)
        if candles:
            o, c, a, b = (draw(PRICE) for _ in range(4))
            rows.append(Candle(t, "X", o, max(o, c, a, b), min(o, c, a, b), c, f"p:{i}"))
        else:
            rows.append(Point(t, "X", draw(PRICE), f"p:{i}"))
    return rows


def _prices_at(rows):
    """time -> what a price at that time may be: a set of ticks, or candles' (low, high)."""
    out = {}
    for r in rows:
        if isinstance(r, Candle):
            out.setdefault(r.time, []).append((r.low, r.high))
        else:
            out.setdefault(r.time, []).append((r.price, r.price))
    return out


@settings(max_examples=examples(500), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_engine_properties_on_any_path(data):
    rules = data.draw(st.sampled_from(TRADERS))
    order = data.draw(orders(rules))
    rows = data.draw(paths())
    engine = Engine()
    engine.add(order, rules)
    events = engine.run(rows)

    times = [e.time for e in events]
    assert times == sorted(times)

    filled = [e.leg for e in events if e.event == "filled"]
    assert filled.count("target") + filled.count("sl") <= 1, [(e.event, e.leg) for e in events]
    assert all(filled.count(leg) <= 1 for leg in ("entry", "target", "sl"))

    ended = set()
    for e in events:
        assert e.leg not in ended, f"{e.event} {e.leg} after it ended"
        if e.event in ("filled", "cancelled", "expired", "unfilled"):
            ended.add(e.leg)

    if order.kind == "BRACKET":
        entry_fill = next((i for i, e in enumerate(events) if e.event == "filled" and e.leg == "entry"), None)
        for i, e in enumerate(events):
            if e.leg in ("target", "sl") and e.event != "cancelled":
                assert entry_fill is not None and i > entry_fill, "a child acted before its parent filled"
            if e.leg in ("target", "sl") and e.event == "triggered":
                assert any(x.event == "activated" and x.leg == e.leg for x in events[:i])

    own = {x for leg in (order.entry, order.target, order.sl) if leg for x in (leg.limit,) if x is not None}
    if rules.trigger_market.value == "limit-at-trigger":
        own |= {leg.trigger for leg in (order.entry, order.target, order.sl) if leg and leg.trigger is not None and leg.limit is None}
    allowed = _prices_at(rows)
    for e in events:
        if e.price is None:
            continue
        on_path = any(lo <= e.price <= hi for lo, hi in allowed.get(e.time, ()))
        assert on_path or e.price in own, f"{e.event} {e.leg} at {e.price} on {e.time}: not on the path, not its limit"


@settings(max_examples=examples(200), deadline=None)
@given(st.data())
def test_a_candle_path_flags_what_the_route_decides(data):
    """Whatever the route, an event at a candle's open is never ambiguous; one flagged is inside a candle."""
    rules = data.draw(st.sampled_from(TRADERS))
    order = data.draw(orders(rules))
    rows = [r for r in data.draw(paths()) if isinstance(r, Candle)]
    engine = Engine()
    engine.add(order, rules)
    for e in engine.run(rows):
        if e.point is not None and e.point.part == "open" and not any(x.ambiguous for x in engine.events[: engine.events.index(e)]):
            assert not e.ambiguous
