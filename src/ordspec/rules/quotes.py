"""The rule that reads the last price (--quotes): a trigger on the side of it that it says."""

from __future__ import annotations

from ordspec.rules.declare import rule


def _instrument(stmt):
    return stmt.instrument if stmt.verb == "CREATE" else None


@rule("last-price", on=("CREATE GTT", "CREATE OCO", "CREATE BRACKET"))
def last_price(stmt, ctx):
    """
    What:
    With `--quotes FILE` (a CSV of symbol,last_price), triggers are checked
    against the instrument's last price: a GTT that triggers `up` must
    trigger above it and one that triggers `down` below it; a BRACKET's
    TRIGGER entry that BUYs must trigger above it and one that SELLs below it
    (INDstocks: TriggerPriceVsCMP, strictly); an OCO's target and stop-loss
    must lie on either side of it (legs that SELL: target above, stop-loss
    below). The last price also picks the tick-size band of a share.

    Why:
    A trigger already crossed fires the moment the order is placed (or, at
    INDstocks, is rejected), which is not the order the author meant.

    Decision:
    Kite's GTT request has no direction: Kite fires a single trigger on the
    side of the last price. There a GTT whose written direction disagrees
    is `unsupported` instead, which cannot be suppressed (no request could
    say the written direction); this rule still checks Kite's two-leg legs.

    Example:
    GTT BUY 10 TCS trigger 3985 up limit 3990 product CNC   # --quotes with TCS at 4000
    # error: a GTT that triggers up must trigger above the last price 4000, not at 3985

    Source:
    INDstocks Smart Order APIs, https://api-docs.indstocks.com/smart_orders/
    (trigger_price: "For BUY: must be strictly greater than CMP. For SELL: must
    be strictly less than CMP"; TriggerPriceVsCMP); Groww Smart Orders API,
    https://groww.in/trade-api/docs/curl/smart-orders (trigger_direction:
    "Direction to monitor relative to the trigger price"); Kite Connect v3,
    GTT, https://kite.trade/docs/connect/v3/gtt/ (last_price; kite.trade forum,
    discussions 7265 and 14166: it tells a single trigger's direction);
    ordspec policy for the OCO legs.
    """
    inst = _instrument(stmt)
    last = ctx.refdata.last_price(stmt.symbol.value) if inst is not None else None
    if last is None:
        return
    entry, kind = stmt.entry, stmt.kind.value
    named = ctx.named("vs_last")
    if entry is not None and entry.trigger is not None:
        trigger = entry.trigger.value
        # (a broker that reads the direction off the last price says so in `unsupported`, which cannot be silenced)
        if kind == "GTT" and entry.direction is not None and not (ctx.offered(stmt) and ctx.broker.setting("direction_from_last_price")):
            up = entry.direction.value == "UP"
            if (trigger <= last) if up else (trigger >= last):
                where = "above" if up else "below"
                ctx.report(entry.trigger, f"a GTT that triggers {entry.direction.value.lower()} must trigger {where} the last price {last}, not at {trigger}{named}")
        elif kind == "BRACKET" and stmt.side is not None:
            up = stmt.side.value == "BUY"
            if (trigger <= last) if up else (trigger >= last):
                where = "above" if up else "below"
                ctx.report(entry.trigger, f"a {stmt.side.value} trigger must be {where} the last price {last}, not {trigger}{named}")
    if kind == "OCO" and stmt.side is not None:
        up = stmt.side.value == "SELL"
        for leg, above in ((stmt.target, up), (stmt.sl, not up)):
            if leg is not None and leg.trigger is not None:
                trigger = leg.trigger.value
                if (trigger <= last) if above else (trigger >= last):
                    name = "target" if leg.role == "target" else "stop-loss"
                    ctx.report(leg.trigger, f"the {name} ({trigger}) must trigger {'above' if above else 'below'} the last price {last}")
