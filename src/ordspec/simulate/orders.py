"""Checked statements as engine orders: one per GTT, OCO and BRACKET, one per scrip of a SIP."""

from __future__ import annotations

from datetime import datetime, time

from ordspec.ir import CREATE
from ordspec.simulate.engine import IST, Leg, Order


def _value(field):
    return None if field is None else field.value


def _leg(leg, role: str) -> Leg | None:
    if leg is None:
        return None
    limit = leg.price.value if leg.price is not None else None
    return Leg(role, _value(leg.trigger), _value(leg.direction), limit)


def from_statement(stmt) -> list[tuple[Order, object]]:
    """(Order, the span of its symbol) for a create statement; [] for anything else."""
    if stmt.verb != CREATE or stmt.kind.value not in ("GTT", "OCO", "BRACKET", "SIP"):
        return []
    kind = stmt.kind.value
    common = dict(ref=stmt.key or stmt.opt("ref"), file=stmt.file, line=stmt.line, validity=stmt.opt("validity", "DAY"))
    if kind == "SIP":
        start = stmt.opt("start")
        start = datetime.combine(start, time(0), IST) if start is not None else None
        sip = dict(frequency=_value(stmt.frequency), installments=stmt.opt("installments", 1), start=start, **common)
        out = [(Order(kind, stmt.side.value, _value(stmt.qty), stmt.symbol.value, amount=_value(stmt.amount), **sip), stmt.symbol)]
        for scrip in stmt.scrips:
            out.append((Order(kind, stmt.side.value, _value(scrip.qty), scrip.symbol.value, amount=_value(scrip.amount), **sip), scrip.symbol))
        return out
    order = Order(
        kind, stmt.side.value, stmt.qty.value, stmt.symbol.value,
        entry=_leg(stmt.entry, "entry"), target=_leg(stmt.target, "target"), sl=_leg(stmt.sl, "sl"), **common,
    )
    return [(order, stmt.symbol)]
