"""Rules on how an order's legs and prices fit together, and on the position an OCO exits."""

from __future__ import annotations

from ordspec.rules.declare import rule


def _legs(stmt, side: str) -> str:
    if stmt.kind.value == "OCO":
        return f"an OCO {side} exits a {'long' if side == 'SELL' else 'short'} position: its target is the {'higher' if side == 'SELL' else 'lower'} price"
    return f"the legs of a {stmt.side.value} {stmt.kind.value.lower()} {side.lower()}: the target is the {'higher' if side == 'SELL' else 'lower'} price"


def _exit_side(stmt) -> str | None:
    """The side of the legs: an OCO's own side; the opposite of a BRACKET's or GTT's entry."""
    if stmt.side is None:
        return None
    if stmt.kind.value == "OCO":
        return stmt.side.value
    return "SELL" if stmt.side.value == "BUY" else "BUY"


@rule("leg-order", on=("CREATE GTT", "CREATE OCO", "CREATE BRACKET", "MODIFY GTT", "MODIFY OCO", "MODIFY BRACKET"))
def leg_order(stmt, ctx):
    """
    What:
    For legs that SELL (exiting a long, or an OCO SELL): the target triggers
    above the stop-loss; a stop-loss limit is at or below its trigger; a
    target limit is at or above its trigger. Legs that BUY mirror this. A
    BRACKET's stop-loss triggers on the losing side of its entry price and its
    target on the winning side. Brokers that document strict inequalities
    (INDstocks) get them; elsewhere an equal price is allowed.

    Why:
    A stop-loss above the target (for a long) fires at once or never; a SELL
    stop-loss limit above its trigger never fills when the price falls
    through. These orders pass a broker's form and lose money.

    Decision:
    INDstocks states its validations for a parent that buys (SL trigger
    below the limit price, target limit above the target trigger); ordspec
    mirrors them for a parent that sells. INDstocks' own LIMIT example breaks
    MinTgtLimitPrice (target limit 38 under its trigger 41): ordspec enforces
    the written validation, so that example fails here; with a target limit
    above 41 (the spine example writes 42) it compiles. A Dhan super order
    is checked the same way (BUY: target above the price, stop-loss below;
    SELL the reverse, never equal), as the official client checks it.

    Example:
    OCO SELL 75 NIFTY25OCT24000CE target 95 sl 120.5 product MIS
    # error: the target (95) must trigger above the stop-loss (120.5)

    Source:
    brokers' support pages on stop-loss orders (Rmoney; Kotak: strictly; Zerodha
    forum: not equal): SELL trigger >= limit, BUY trigger <= limit, equality per
    broker; Groww Smart Orders API,
    https://groww.in/trade-api/docs/curl/smart-orders (OCO target/stop_loss; the
    leg directions derive from the position); INDstocks Smart Order APIs,
    https://api-docs.indstocks.com/smart_orders/ (MaxSlTriggerPrice,
    MaxSlLimitPrice, MinTgtTriggerPrice, MinTgtLimitPrice); DhanHQ-py,
    github.com/dhan-oss/DhanHQ-py (place_super_order: "For BUY, target price
    must be greater than price").
    """
    side = _exit_side(stmt)
    if side is None:
        return
    broker = ctx.broker if ctx.offered(stmt) else None
    strict = broker is not None and broker.setting("leg_order_strict")
    up = side == "SELL"  # legs that sell take profit above and cut losses below
    target, sl, entry = stmt.target, stmt.sl, stmt.entry

    def value(field):
        return None if field is None else field.value

    t_trig, s_trig = value(target and target.trigger), value(sl and sl.trigger)
    if t_trig is not None and s_trig is not None and (t_trig <= s_trig if up else t_trig >= s_trig):
        where = "above" if up else "below"
        ctx.report(target.trigger, f"the target ({t_trig}) must trigger {where} the stop-loss ({s_trig})", _legs(stmt, side))

    def worse(limit, trigger, below: bool) -> bool:
        if below:
            return limit > trigger or (strict and limit == trigger)
        return limit < trigger or (strict and limit == trigger)

    if sl is not None and sl.trigger is not None and sl.price is not None:
        if worse(sl.price.value, sl.trigger.value, below=up):
            rel = ("below" if up else "above") + ("" if strict else " or at")
            ctx.report(sl.price, f"the stop-loss limit ({sl.price.value}) must be {rel} its trigger ({sl.trigger.value}){ctx.named('sl_limit')}", _legs(stmt, side))
    if target is not None and target.trigger is not None and target.price is not None:
        if worse(target.price.value, target.trigger.value, below=not up):
            rel = ("above" if up else "below") + ("" if strict else " or at")
            ctx.report(target.price, f"the target limit ({target.price.value}) must be {rel} its trigger ({target.trigger.value}){ctx.named('tgt_limit')}", _legs(stmt, side))
    if stmt.kind.value == "BRACKET" and entry is not None:
        ref = entry.price or entry.trigger
        if ref is not None:
            if s_trig is not None and (s_trig >= ref.value if up else s_trig <= ref.value):
                where = "below" if up else "above"
                ctx.report(sl.trigger, f"the stop-loss ({s_trig}) must trigger {where} the entry price ({ref.value}){ctx.named('sl_trigger')}")
            if t_trig is not None and (t_trig <= ref.value if up else t_trig >= ref.value):
                where = "above" if up else "below"
                ctx.report(target.trigger, f"the target ({t_trig}) must trigger {where} the entry price ({ref.value}){ctx.named('tgt_trigger')}")


@rule("oco-quantity", on=("CREATE OCO",))
def oco_quantity(stmt, ctx):
    """
    What:
    An OCO's quantity must be at most the absolute net position it exits
    (`position N`; when omitted, the position is +qty for SELL and -qty for
    BUY, so it always fits). (A zero position is `not-positive`.)

    Why:
    Groww: "quantity must be <= abs(net_position_quantity)". An exit larger
    than the position would open a new one in the other direction.

    Example:
    OCO SELL 150 NIFTY25OCT24000CE target 120.5 sl 95 position 75 product MIS
    # error: quantity 150 is more than the position of 75 it protects

    Source:
    Groww Smart Orders API, https://groww.in/trade-api/docs/curl/smart-orders
    (Create OCO: quantity, net_position_quantity; Notes; Quick Tips).
    """
    if stmt.verb != "CREATE" or stmt.kind.value != "OCO" or stmt.qty is None:
        return
    position = stmt.options.get("position")
    if position is None or position.value == 0:
        return
    if stmt.qty.value > abs(position.value):
        ctx.report(stmt.qty, f"quantity {stmt.qty.value} is more than the position of {abs(position.value)} it protects", f"use a quantity of at most {abs(position.value)}")


@rule("oco-direction", on=("CREATE OCO",))
def oco_direction(stmt, ctx):
    """
    What:
    An OCO SELL exits a long position (position above zero); an OCO BUY exits
    a short one (position below zero).

    Why:
    Groww derives the leg directions from the net position; a side that does
    not match it would add to the position instead of protecting it.

    Example:
    OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95 position -75 product MIS
    # error: a SELL OCO exits a long position, but the position is -75

    Source:
    Groww Smart Orders API, https://groww.in/trade-api/docs/curl/smart-orders
    (transaction_type: "Direction of protection/exit for your position"; "The
    leg directions are derived from your net position").
    """
    if stmt.verb != "CREATE" or stmt.kind.value != "OCO" or stmt.side is None:
        return
    position = stmt.options.get("position")
    if position is None or position.value == 0:
        return
    side = stmt.side.value
    if side == "SELL" and position.value < 0:
        ctx.report(stmt.side, f"a SELL OCO exits a long position, but the position is {position.value}", "use BUY to exit a short position")
    elif side == "BUY" and position.value > 0:
        ctx.report(stmt.side, f"a BUY OCO exits a short position, but the position is {position.value}", "use SELL to exit a long position")
