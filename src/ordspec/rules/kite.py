"""Zerodha Kite's own rules: how near the last price a GTT may trigger, and how many may be live.

Kite's other facts are read by the shared rules from its table and module hooks
(compiler/kite.json, compiler/kite.py; trigger_distance and max_active in its table): products CNC and NRML (`unsupported`), LIMIT orders
only and a single trigger's direction (`unsupported`), the last price and the GTT a modify
replaces (`missing-field`).
"""

from __future__ import annotations

from ordspec.rules.declare import rule

GTT_KINDS = ("CREATE GTT", "CREATE OCO", "MODIFY GTT", "MODIFY OCO")


@rule("trigger-distance", on=GTT_KINDS, needs=("trigger_distance",))
def trigger_distance(stmt, ctx):
    """
    What:
    Every trigger value of a Kite GTT (the one of a single GTT, both of a
    two-leg one, and those a MODIFY leaves in place) must be at least 0.25%
    away from the last price (--quotes) when that price is ₹50 or more, and
    at least 9 paise away below ₹50.

    Why:
    Zerodha rejects a GTT placed nearer than that, or disables it: the
    order you meant to leave waiting never is.

    Decision:
    The support pages say a trigger "less than 0.25%" away is refused, so
    a trigger exactly 0.25% (or exactly 9 paise) away passes. The distance
    is measured from the last price given with --quotes, the one the
    request carries as condition.last_price.

    Example:
    GTT BUY 1 INFY trigger 797 down limit 797.5 product CNC   # --broker kite, --quotes with INFY at 798
    # error: Kite refuses a trigger within 0.25% of the last price 798: 797 is 1 away, at least 1.995 is needed

    Source:
    Zerodha support, "My buy GTT order rejected" and "GTTs disabled,
    cancelled or expired" (support.zerodha.com: a trigger less than 0.25%
    from the last price for a stock above ₹50, 9 paise below ₹50); Kite
    Connect v3, GTT, https://kite.trade/docs/connect/v3/gtt/ (condition:
    trigger_values, last_price).
    """
    if not ctx.offered(stmt):
        return
    found = ctx.broker.plan(stmt, ctx)  # (the back end's whole GTT: compiler/kite.py)
    if found is None or found.last_price is None:
        return
    last = found.last_price
    for leg in found.legs:
        least = ctx.broker.distance(leg.trigger, last)
        away = abs(leg.trigger - last)
        if away < least:
            what = "" if leg.role == "entry" else f"the {'target' if leg.role == 'target' else 'stop-loss'} "
            rule = "0.25% of" if last >= 50 else "9 paise from"
            ctx.report(
                leg.at,
                f"Kite refuses a trigger within {rule} the last price {last}: {what}{leg.trigger} is {away} away, at least {_plain(least)} is needed",
                f"move {what or 'the '}trigger to {_moved(leg.trigger, last, least)}",
            )


def _moved(trigger, last, least) -> str:
    """Where the trigger may go, on its own side of the last price."""
    below, above = f"{_plain(last - least)} or below", f"{_plain(last + least)} or above"
    return below if trigger < last else above if trigger > last else f"{below}, or {above}"


def _plain(value) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f").rstrip("0")


_seen = None  # run -> file -> (line, column) of each GTT create -> its number (a WeakKeyDictionary, once a Kite file is read)


def _numbers(run, file: str) -> dict:
    """The numbers of the GTTs this run has read in `file`, forgotten with the run."""
    global _seen
    if _seen is None:
        from weakref import WeakKeyDictionary  # here: a lint without Kite need not import weakref

        _seen = WeakKeyDictionary()
    return _seen.setdefault(run, {}).setdefault(file, {})


@rule("gtt-count", on=("CREATE GTT", "CREATE OCO"), needs=("max_active",))
def gtt_count(stmt, ctx):
    """
    What:
    A Kite account holds at most 250 active GTTs (single and two-leg count
    alike). A file that creates more than 250 is reported at each GTT past
    the 250th.

    Why:
    Kite refuses a GTT once the account has 250 active ones: the rest of the
    batch would fail at the broker, after the first 250 went out.

    Decision:
    Lint counts what one file creates, which it can do without the account.
    The GTTs already live at Kite count too: plan and apply read them
    (GET /gtt/triggers, compiler/kite.py `listing`) and can count those
    against the same limit.

    Example:
    A file of 251 `GTT BUY 1 INFY trigger 702 down limit 702.5 product CNC` lines   # --broker kite
    # error: this is GTT number 251 of this file: a Kite account holds at most 250 active GTTs

    Source:
    Zerodha's GTT terms, https://zerodha.com/tos/gtt (an account holds at
    most 250 active GTTs).
    """
    if not ctx.offered(stmt):
        return
    limit = ctx.broker.setting("max_active")
    seen = _numbers(ctx.run, stmt.file)
    number = seen.setdefault((stmt.line, stmt.column), len(seen) + 1)  # (a statement checked again keeps its number)
    if number > limit:
        ctx.report(
            stmt.kind,
            f"this is GTT number {number} of this file: a Kite account holds at most {limit} active GTTs",
            "split the orders over days or accounts, or cancel GTTs you no longer need; the account's live GTTs count too (`LIST GTT`)",
        )
