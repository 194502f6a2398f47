"""Zerodha Kite Connect GTTs: single and two-leg create, modify, delete, get and list.

Built from https://kite.trade/docs/connect/v3/gtt/ and what the official client sends
(pykiteconnect, kiteconnect 5.2: place_gtt, modify_gtt; docs/brokers/kite-dhan-wire.md); the
table is kite.json. A GTT is a form of three fields, in the client's order: `condition` and
`orders`, JSON texts written as the client's json.dumps writes them (", " and ": "; condition
keys exchange, tradingsymbol, trigger_values, last_price; order keys exchange, tradingsymbol,
transaction_type, quantity, order_type, product, price), and `type`. Prices are JSON numbers
written from Decimal exactly, in the form float() gives the client (702 as 702.0, 120.50 as
120.5: the same value, never rounded). `GTT` is a single trigger, `OCO` a two-leg one, its
trigger values low to high with their orders in the same order. A modify replaces the whole
GTT, so it is built from the GTT as GET /gtt/triggers/{id} answered it (--state), with the
statement's changes merged in, as Codifi's SIP modify is. Kite's answers, and the search of its
GTT list after a lost create answer, are dispatch/answers/kite.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ordspec.compiler import kite_state
from ordspec.compiler.base import Broker
from ordspec.compiler.jsonout import dumps
from ordspec.compiler.request import Request

# Kite's exchange words: NSE or BSE for shares, NFO or BFO for their derivatives
EXCHANGES = {"CASH": {"NSE": "NSE", "BSE": "BSE"}, "FNO": {"NSE": "NFO", "BSE": "BFO"}}
ORDER_TYPE = "LIMIT"  # the one order type a GTT places (its docs' order_type; forum comment 51475)


def kite_exchange(segment: str | None, exchange: str | None) -> str | None:
    """Kite's exchange for a segment and exchange; None where Kite has none."""
    return EXCHANGES.get(segment or "", {}).get(exchange or "")


@dataclass(frozen=True)
class Leg:
    role: str  # entry (a single GTT's), target or sl
    trigger: Decimal | None
    limit: Decimal | None  # None: no limit price (a market leg, which Kite does not take)
    at: object  # the span a diagnostic about this leg points at


@dataclass(frozen=True)
class Plan:
    """A GTT as Kite takes it, in ordspec's terms: what a create, or a modify merged, would send."""

    kind: str  # GTT (single) or OCO (two-leg)
    exchange: str | None  # Kite's word (NFO for NSE derivatives); None where Kite has none
    symbol: str
    side: str
    qty: int
    product: str
    legs: tuple[Leg, ...]  # lowest trigger first: the order at index i fires at trigger value i
    last_price: Decimal | None  # from --quotes
    current: dict | None = None  # the GTT a modify replaces, as --state has it


def current(stmt, ctx) -> dict | None:
    """The GTT a MODIFY, CANCEL or GET names, as --state has it (None without one)."""
    if stmt.order_id is None or ctx.state is None:
        return None
    return ctx.state.gtt(str(stmt.order_id.value))


def _number(value: Decimal) -> Decimal:
    """A price as the client writes float(price): 702 -> 702.0, 120.50 -> 120.5. Exact: only
    trailing zeros go, so the value is the same and nothing is rounded."""
    whole, _, fraction = format(value, "f").partition(".")
    return Decimal(f"{whole}.{fraction.rstrip('0') or '0'}")


def _quote_help(ctx, symbol: str) -> str:
    if ctx.quotes is None:
        return f"pass --quotes FILE (columns symbol,last_price) with a row for {symbol}"
    return f"add a row `{symbol},PRICE` to {ctx.quotes}"


class Kite(Broker):
    """Kite is the base, plus: a GTT is a form; its last price from --quotes; LIMIT orders only; no
    trigger direction (the last price's side); a modify sends the whole GTT, merged from --state."""

    def plan(self, stmt, ctx) -> Plan | None:
        """The whole GTT a CREATE or MODIFY sends, or None where a part is missing (rules say which)."""
        kind = stmt.kind.value
        if stmt.verb == "CREATE":
            if stmt.side is None or stmt.qty is None or stmt.symbol is None or "product" not in stmt.options:
                return None
            parts = [stmt.entry] if kind == "GTT" else [stmt.target, stmt.sl]
            if any(part is None or part.trigger is None for part in parts):
                return None
            legs = [Leg(p.role, p.trigger.value, p.price.value if p.price else None, p.trigger) for p in parts]
            segment = stmt.segment.value if stmt.segment else None
            exchange = kite_exchange(segment, stmt.opt("exchange"))
            symbol, side, qty, product, held = stmt.symbol.value, stmt.side.value, stmt.qty.value, stmt.opt("product"), None
        else:
            held = current(stmt, ctx)
            if held is None or held["type"] != self.table["types"][kind] or len({o["transaction_type"] for o in held["orders"]}) > 1:
                return None
            first = held["orders"][0]
            roles = kite_state.roles(first["transaction_type"], len(held["orders"]))
            changed = {"entry": stmt.entry, "target": stmt.target, "sl": stmt.sl}
            legs = []
            for role, (trigger, limit) in zip(roles, kite_state.legs(held)):
                part = changed[role]
                new_trigger = part.trigger.value if part is not None and part.trigger is not None else trigger
                new_limit = limit
                if part is not None and (part.price is not None or part.market is not None):
                    new_limit = part.price.value if part.price is not None else None
                at = (part.trigger if part is not None and part.trigger is not None else None) or stmt.order_id
                legs.append(Leg(role, new_trigger, new_limit, at))
            symbol, exchange = held["condition"]["tradingsymbol"], held["condition"]["exchange"]
            side = stmt.side.value if stmt.side is not None else first["transaction_type"]
            qty = stmt.qty.value if stmt.qty is not None else first["quantity"]
            product = first["product"]
        legs.sort(key=lambda leg: leg.trigger)
        return Plan(kind, exchange, symbol, side, qty, product, tuple(legs), ctx.refdata.last_price(symbol), held)

    def body(self, p: Plan) -> dict:
        """The form: condition and orders as the client's JSON texts, then type."""
        condition = {
            "exchange": p.exchange,
            "tradingsymbol": p.symbol,
            "trigger_values": [_number(leg.trigger) for leg in p.legs],
            "last_price": _number(p.last_price),
        }
        orders = [
            {
                "exchange": p.exchange,
                "tradingsymbol": p.symbol,
                "transaction_type": p.side,
                "quantity": p.qty,
                "order_type": ORDER_TYPE,
                "product": self.table["enums"]["product"][p.product],
                "price": _number(leg.limit),
            }
            for leg in p.legs
        ]
        return {"condition": dumps(condition, indent=None), "orders": dumps(orders, indent=None), "type": self.table["types"][p.kind]}

    def compile(self, stmt, ctx) -> list[Request]:
        verb = stmt.verb
        if verb in ("CREATE", "MODIFY"):
            p = self.plan(stmt, ctx)
            params = {"id": stmt.order_id.value} if verb == "MODIFY" else {}
            return [self.request(stmt, verb, self.body(p), "kite/gtt.schema.json", **params)]
        if verb == "LIST":
            return [self.request(stmt, "LIST", None, None)]
        return [self.request(stmt, verb, None, None, id=stmt.order_id.value)]

    def requirements(self, stmt, ctx) -> None:
        """missing-field: the last price of every GTT; for a modify, the GTT as Kite has it."""
        if stmt.verb not in ("CREATE", "MODIFY"):
            return
        if stmt.verb == "MODIFY":
            ident = stmt.order_id
            if ctx.state is None:
                ctx.report(
                    ident,
                    "Kite replaces the whole GTT on modify: ordspec needs the GTT as Kite has it to merge the change into",
                    f"pass --state with the JSON answer of GET /gtt/triggers/{ident.value} (`GET GTT {ident.value}` compiles it) or of GET /gtt/triggers",
                )
                return
            held = current(stmt, ctx)
            if held is None:
                ctx.report(ident, f"GTT {ident.value} is not in {ctx.state.path}", "check the id, or fetch the GTT again (`GET GTT ID`)")
                return
            symbol, at = held["condition"]["tradingsymbol"], ident
        elif stmt.symbol is None:
            return
        else:
            symbol, at = stmt.symbol.value, stmt.symbol
        if ctx.refdata.last_price(symbol) is None:
            ctx.report(
                at,
                f"Kite needs the last price of {symbol} in every GTT (condition.last_price: it checks the trigger against it and tells a single trigger's direction by it)",
                _quote_help(ctx, symbol),
            )

    def unsupported(self, stmt, ctx) -> None:
        """unsupported: numeric ids; LIMIT orders only; a single trigger's direction is the last
        price's side; a modify names an active GTT of its own kind, one side, on NSE or BSE."""
        ident = stmt.order_id
        if ident is not None and not str(ident.value).isdigit():
            ctx.report(ident, f"Kite's GTT ids are whole numbers (the trigger_id it answers), not {ident.value}", "write the trigger id Kite gave (`LIST GTT` lists them)")
            return
        if stmt.verb not in ("CREATE", "MODIFY"):
            return
        for name, why in (("position", "a two-leg GTT has no net position: its orders say what it sells or buys"),
                          ("security", "Kite names the instrument by its tradingsymbol and exchange")):
            if name in stmt.options and name not in stmt.defaulted:
                ctx.report(stmt.options[name], f"Kite takes no `{name}`: {why}", f"drop `{name}`")
        for leg in stmt.legs():
            kind = leg.order_type
            if kind is not None and kind.value in ("MARKET", "SL_M"):
                ctx.report(
                    leg.market or kind,
                    f"Kite places LIMIT orders only from a GTT: this {'order' if leg.role == 'entry' else 'leg'} would be a {kind.value} order",
                    "give it a limit price: `limit PRICE`",
                )
        if stmt.verb == "MODIFY":
            self._modify_problems(stmt, ctx)
        self._direction(stmt, ctx)

    def _modify_problems(self, stmt, ctx):
        held = current(stmt, ctx)
        if held is None:
            return
        ident, kind = stmt.order_id, stmt.kind.value
        other = "OCO" if kind == "GTT" else "GTT"
        if held["type"] != self.table["types"][kind]:
            ctx.report(stmt.kind, f"GTT {ident.value} is a {held['type']} GTT at Kite, not a {self.table['types'][kind]} one", f"write MODIFY {other} {ident.value}")
            return
        if held["status"] != "active":
            ctx.report(ident, f"GTT {ident.value} is {held['status']} (in {ctx.state.path}): Kite modifies an active GTT only", "fetch it again (`GET GTT ID`), or place a new GTT")
        if len({o["transaction_type"] for o in held["orders"]}) > 1:
            ctx.report(ident, f"GTT {ident.value}'s two orders buy and sell: an OCO has one side", "cancel it and place the GTT you mean")
        segment = kite_state.NEUTRAL.get(held["condition"]["exchange"], (None, None))[1]
        if segment is None:
            ctx.report(ident, f"GTT {ident.value} is on {held['condition']['exchange']}: ordspec builds Kite GTTs on NSE, BSE, NFO and BFO only")
        elif stmt.segment is not None and stmt.segment.value != segment:
            ctx.report(stmt.segment, f"GTT {ident.value} is in {segment} ({held['condition']['exchange']}), not {stmt.segment.value}", f"write `segment {segment}`, or leave it out")

    def _direction(self, stmt, ctx):
        """Kite sends no direction: a single trigger above the last price fires on the way up."""
        if stmt.kind.value != "GTT":
            return
        p = self.plan(stmt, ctx)
        if p is None or p.last_price is None or p.legs[0].trigger is None:
            return
        trigger, last = p.legs[0].trigger, p.last_price
        found = "UP" if trigger > last else "DOWN" if trigger < last else None
        entry = stmt.entry
        written = entry.direction if entry is not None else None
        if written is None and stmt.verb == "MODIFY" and p.current is not None and found is not None:
            before = p.current["condition"]
            was_last = before.get("last_price")
            was = None if was_last is None else "UP" if Decimal(before["trigger_values"][0]) > Decimal(was_last) else "DOWN"
            if was is not None and was != found:
                ctx.report(
                    p.legs[0].at,
                    f"this modify turns GTT {stmt.order_id.value} from a {was.lower()} trigger into an {found.lower()} one: Kite fires a single trigger on the side of the last price ({last})",
                    f"write `{found.lower()}` after the trigger to say so, or keep the trigger {'below' if was == 'DOWN' else 'above'} {last}",
                )
            return
        if written is not None and written.value != found:
            side = "above" if found == "UP" else "below" if found == "DOWN" else "at"
            ctx.report(
                written,
                f"Kite sends no trigger direction: it fires a single GTT on the side of the last price, so a trigger at {trigger} {side} the last price {last} cannot trigger {written.value.lower()}",
                f"write `{found.lower()}`, or a trigger {'below' if written.value == 'DOWN' else 'above'} {last}" if found else f"move the trigger off the last price {last}",
            )

    def distance(self, trigger: Decimal, last: Decimal) -> Decimal:
        """How far a trigger must at least be from the last price: 0.25% of it (₹50 and above), 9 paise below."""
        rule = self.table["trigger_distance"]
        return last * Decimal(rule["fraction"]) if last >= Decimal(rule["from_price"]) else Decimal(rule["below"])
