"""Rules on the shape and logic of an order: required parts, prices, legs, OCO positions, dates."""

from __future__ import annotations

from ordspec.language import applies
from ordspec.rules.registry import rule
from ordspec.rules.symbol import misread_contract


def _missing_parts(stmt):
    """(span, what is missing, help) for the parts every broker needs."""
    verb, kind = stmt.verb, stmt.kind.value
    bad = stmt.invalid
    if verb == "CREATE" and kind == "GTT":
        entry = stmt.entry
        if entry is None or (entry.trigger is None and "entry.trigger" not in bad):
            yield stmt.kind, "a GTT needs a trigger", "add `trigger PRICE up` or `trigger PRICE down`"
        elif entry.direction is None and "entry.direction" not in bad:
            yield entry.trigger or entry, "a GTT trigger needs a direction", "write `up` or `down` after the trigger price"
    elif verb == "CREATE" and kind == "OCO":
        if stmt.target is None:
            yield stmt.kind, "an OCO needs a target leg", "add `target PRICE [limit PRICE]`"
        if stmt.sl is None:
            yield stmt.kind, "an OCO needs a stop-loss leg", "add `sl PRICE [limit PRICE]`"
    elif verb == "CREATE" and kind == "BRACKET" and stmt.entry is None:
        yield stmt.kind, "a BRACKET needs an entry order", "add `limit PRICE`, `market` or `trigger PRICE [limit PRICE]`"
    elif verb == "CREATE" and kind == "SIP":
        if stmt.frequency is None and "frequency" not in bad:
            yield stmt.kind, "a SIP needs a frequency", "add `daily`, `weekly` or `monthly`"
        for name, help in (("start", "add `start YYYY-MM-DD`"), ("installments", "add `installments N`")):
            if name not in stmt.options and name not in bad:
                yield stmt.kind, f"a SIP needs `{name}`", help
    elif verb == "CREATE" and kind == "SMALLCASE" and "sc_type" not in bad:
        if stmt.sc_type.value == "SIP_SETUP":
            if "iscid" not in stmt.options and "iscid" not in bad:
                yield stmt.sc_type, "SIP_SETUP needs the invested smallcase's id", "add `iscid ID`"
        elif stmt.sc_type.value == "BUY" and stmt.scid is None:  # the first investment: no iscid exists yet
            yield stmt.sc_type, "a smallcase BUY needs the smallcase's id (scid)", "write `SMALLCASE BUY SCET_0010` (YAML: `scid: SCET_0010`)"
        elif stmt.scid is None and "iscid" not in stmt.options and "iscid" not in bad:
            kind = stmt.sc_type.value
            yield stmt.sc_type, f"a smallcase {kind} needs the invested smallcase's id (iscid) or the smallcase's (scid)", f"write `SMALLCASE {kind} iscid ID` (YAML: `iscid: ID`)"
    elif verb == "MODIFY":
        changes = [stmt.qty, stmt.entry, stmt.target, stmt.sl, stmt.frequency, stmt.amount] + list(stmt.scrips)
        changes += [f for name, f in stmt.options.items() if name not in ("segment", "side") and name not in stmt.defaulted]
        if not any(c is not None for c in changes) and not bad:
            yield stmt.kind, f"MODIFY {kind} changes nothing", "add what to change, such as `qty 40` or `target 122`"


    entry = stmt.entry
    if kind == "BRACKET" and entry is not None and entry.order_type is not None and entry.order_type.value == "TRIGGER":
        if entry.trigger is None and "entry.trigger" not in bad:
            yield entry.order_type, "a TRIGGER entry needs its trigger price", "add `trigger: PRICE` (in the DSL: `trigger PRICE [limit PRICE]`)"


def _broker_parts(stmt, ctx):
    broker = ctx.broker
    verb, kind = stmt.verb, stmt.kind.value
    for where, names in broker.table.get("required", {}).items():
        if not applies((where,), verb, kind):
            continue
        for name in names:
            if name == "segment" and verb == "CREATE":
                known = stmt.instrument
                if stmt.segment is None and "segment" not in stmt.invalid and not (known is not None and known.type == "IDX") and not misread_contract(stmt, ctx):
                    # (an index, a misread contract: index-symbol, contract-symbol say what to write instead)
                    what = f"{stmt.symbol.value}'s" if stmt.symbol is not None else "which"
                    yield stmt.symbol or stmt.kind, f"{broker.title} needs a segment and ordspec cannot tell {what}", "add `segment CASH` or `segment FNO`"
                continue
            if name not in stmt.options and name not in stmt.invalid:
                yield stmt.kind, f"{broker.title} needs `{name}` for {verb.lower()} {kind}", _REQUIRED_HELP.get(name)
    requirements = getattr(broker.module, "requirements", None)
    if requirements is not None:
        yield from requirements(stmt, ctx)


_REQUIRED_HELP = {
    "product": "add `product CNC|MIS|NRML`, or a `default product ...` line",
    "segment": "add `segment CASH` or `segment FNO`: the segment the order was created in",
}


@rule("OS101", "missing-field", summary="A part the statement (or the named broker) needs is absent")
def missing_field(stmt, ctx):
    """
    What:
    Every broker needs these: a GTT a trigger with a direction; an OCO a target
    and a stop-loss leg; a BRACKET an entry (limit, market or trigger); a SIP a
    frequency, a start date and a number of installments; SIP_SETUP an iscid;
    a smallcase BUY its scid, a later smallcase order (INVESTMORE, FIX, ...,
    EXIT) the invested smallcase's iscid or its scid; a MODIFY something to
    change. With a broker named, its own required fields
    too: Groww needs product_type on create, the segment on modify, cancel and
    get (it routes by segment), and a GTT modify that changes the order needs
    the order's side. Kite needs the last price of every GTT (from --quotes)
    and, for a modify, the GTT as Kite has it (--state: it replaces the
    whole GTT).

    Why:
    A request without a required field is rejected by the broker, after the
    rest of a batch may already have gone out. ordspec never fills a field the
    author did not write, except the documented defaults (exchange NSE,
    validity DAY, segment from the symbol).

    This rule cannot be suppressed: the request would lack a field the
    broker needs, or ordspec would have to invent it.

    Example:
    OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95
    # with --broker groww: error: Groww needs `product` for create OCO

    Source:
    Groww Smart Orders API, https://groww.in/trade-api/docs/curl/smart-orders
    (request schemas, * required parameters; "order.transaction_type: required
    but not modifiable"); ordspec policy (README: The language); Codifi SIP
    Orders API, as each broker publishes it; smallcase Gateway, Transactions,
    https://developers.gateway.smallcase.com; Kite Connect v3, GTT,
    https://kite.trade/docs/connect/v3/gtt/ (last_price mandatory: kite.trade
    forum, discussions 7265 and 14166; modify takes the whole GTT).
    """
    yield from _missing_parts(stmt)
    if ctx.offered(stmt):
        yield from _broker_parts(stmt, ctx)


_NEEDS_PRICE = ("LIMIT", "SL")
_NO_PRICE = ("MARKET", "SL_M")
_ROLE = {"entry": "order", "target": "target leg", "sl": "stop-loss leg"}


@rule("OS103", "missing-price", summary="A LIMIT or SL order without its limit price, or a GTT without its order", on=("CREATE GTT", "CREATE OCO", "CREATE BRACKET", "MODIFY GTT", "MODIFY OCO", "MODIFY BRACKET"))
def missing_price(stmt, ctx):
    """
    What:
    LIMIT and SL orders need a limit price. A GTT needs `limit PRICE` or
    `market` for the order its trigger places. In the DSL a leg's type follows
    from its words (a leg with `limit` is LIMIT or SL); in YAML an
    `order_type:` written out must come with `limit:` where it needs one.

    INDstocks takes no MARKET or SL_M legs: a stop-loss or target trigger
    needs its limit price too.

    Why:
    A LIMIT order without a price is rejected by the broker (Groww:
    "order.price required if order.order_type is LIMIT or SL"; INDstocks: "If
    you provide sl_trigger_price, you must also provide sl_limit_price ...
    or the order is rejected").

    This rule cannot be suppressed: the request would lack the price, or
    ordspec would have to invent one.

    Example:
    GTT BUY 10 TCS trigger 3985 down product CNC
    # error: this GTT places no order: write `limit PRICE` or `market`

    Source:
    Groww Smart Orders API, https://groww.in/trade-api/docs/curl/smart-orders
    (order.price, target.price, stop_loss.price); INDstocks Smart Order APIs,
    https://api-docs.indstocks.com/smart_orders/ ("Stop-Loss and Target Legs
    Require a Limit Price").
    """
    if stmt.verb == "CREATE" and stmt.kind.value == "GTT" and stmt.entry is not None:
        entry = stmt.entry
        if entry.order_type is None and entry.trigger is not None and "entry.price" not in stmt.invalid:
            yield entry.trigger, "this GTT places no order when it triggers", "write `limit PRICE` or `market` after the trigger"
    legs_need_limit = ctx.offered(stmt) and bool(ctx.broker.table.get("legs_need_limit"))
    for leg in stmt.legs():
        kind = leg.order_type
        if leg.price is not None or f"{leg.role}.price" in stmt.invalid:
            continue
        if kind is not None and kind.value in _NEEDS_PRICE:
            yield kind, f"a {kind.value} {_ROLE[leg.role]} needs a limit price{ctx.named('limit_positive') if leg.role == 'entry' else ''}", "add `limit PRICE`"
        elif legs_need_limit and leg.role != "entry" and leg.trigger is not None:
            field = "sl" if leg.role == "sl" else "tgt"
            yield (
                leg,
                f"{ctx.broker.title} needs a limit price on the {_ROLE[leg.role]}: {field}_limit_price must come with {field}_trigger_price",
                f"add `limit PRICE` after the {'sl' if leg.role == 'sl' else 'target'} trigger",
            )


@rule("OS104", "unexpected-price", summary="A price its order type does not take: a MARKET limit, a LIMIT entry's trigger", on=("CREATE GTT", "CREATE OCO", "CREATE BRACKET", "MODIFY GTT", "MODIFY OCO", "MODIFY BRACKET"))
def unexpected_price(stmt, ctx):
    """
    What:
    MARKET and SL_M orders take no limit price: `market limit 4000`, or a YAML
    leg with `order_type: SL_M` and a `limit`. A BRACKET entry that is
    `order_type: LIMIT` or `MARKET` takes no trigger (with a trigger it is a
    TRIGGER entry).

    Why:
    Either the price or the order type is a mistake, and which one decides
    what fills. Groww sends `"price": null` for MARKET and SL_M; INDstocks
    sends no trigger_price for a LIMIT or MARKET order ("Not used for
    TRIGGER orders", and the other way round).

    This rule cannot be suppressed: the request would either drop the price
    or contradict its own order type.

    Example:
    GTT SELL 10 TCS trigger 4100 up market limit 4090 product CNC
    # error: a MARKET order takes no limit price

    Source:
    Groww Smart Orders API, https://groww.in/trade-api/docs/curl/smart-orders
    ("order.price: set to null for MARKET/SL_M").
    """
    for leg in stmt.legs():
        kind = leg.order_type
        if kind is not None and kind.value in _NO_PRICE and leg.price is not None:
            yield leg.price, f"a {kind.value} {_ROLE[leg.role]} takes no limit price", "drop the `limit`, or make it a limit order"
    entry = stmt.entry
    if stmt.kind.value == "BRACKET" and entry is not None and entry.trigger is not None and entry.order_type is not None:
        if entry.order_type.value in ("LIMIT", "MARKET"):
            yield entry.trigger, f"a {entry.order_type.value} entry takes no trigger price", "drop the trigger, or make the entry `order_type: TRIGGER`"


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


@rule("OS105", "leg-order", summary="Target, stop-loss, limit and trigger prices in an order that cannot work", on=("CREATE GTT", "CREATE OCO", "CREATE BRACKET", "MODIFY GTT", "MODIFY OCO", "MODIFY BRACKET"))
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
    above 41 (the spine example writes 42) it compiles.

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
    MaxSlLimitPrice, MinTgtTriggerPrice, MinTgtLimitPrice).
    """
    side = _exit_side(stmt)
    if side is None:
        return
    broker = ctx.broker if ctx.offered(stmt) else None
    strict = bool(broker and broker.table.get("leg_order_strict"))
    up = side == "SELL"  # legs that sell take profit above and cut losses below
    target, sl, entry = stmt.target, stmt.sl, stmt.entry

    def value(field):
        return None if field is None else field.value

    t_trig, s_trig = value(target and target.trigger), value(sl and sl.trigger)
    if t_trig is not None and s_trig is not None and (t_trig <= s_trig if up else t_trig >= s_trig):
        where = "above" if up else "below"
        yield target.trigger, f"the target ({t_trig}) must trigger {where} the stop-loss ({s_trig})", _legs(stmt, side)

    def worse(limit, trigger, below: bool) -> bool:
        if below:
            return limit > trigger or (strict and limit == trigger)
        return limit < trigger or (strict and limit == trigger)

    if sl is not None and sl.trigger is not None and sl.price is not None:
        if worse(sl.price.value, sl.trigger.value, below=up):
            rel = ("below" if up else "above") + ("" if strict else " or at")
            yield sl.price, f"the stop-loss limit ({sl.price.value}) must be {rel} its trigger ({sl.trigger.value}){ctx.named('sl_limit')}", _legs(stmt, side)
    if target is not None and target.trigger is not None and target.price is not None:
        if worse(target.price.value, target.trigger.value, below=not up):
            rel = ("above" if up else "below") + ("" if strict else " or at")
            yield target.price, f"the target limit ({target.price.value}) must be {rel} its trigger ({target.trigger.value}){ctx.named('tgt_limit')}", _legs(stmt, side)
    if stmt.kind.value == "BRACKET" and entry is not None:
        ref = entry.price or entry.trigger
        if ref is not None:
            if s_trig is not None and (s_trig >= ref.value if up else s_trig <= ref.value):
                where = "below" if up else "above"
                yield sl.trigger, f"the stop-loss ({s_trig}) must trigger {where} the entry price ({ref.value}){ctx.named('sl_trigger')}"
            if t_trig is not None and (t_trig <= ref.value if up else t_trig >= ref.value):
                where = "above" if up else "below"
                yield target.trigger, f"the target ({t_trig}) must trigger {where} the entry price ({ref.value}){ctx.named('tgt_trigger')}"


@rule("OS106", "oco-quantity", summary="An OCO for more than the position it protects", on=("CREATE OCO",))
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
        yield stmt.qty, f"quantity {stmt.qty.value} is more than the position of {abs(position.value)} it protects", f"use a quantity of at most {abs(position.value)}"


@rule("OS107", "oco-direction", summary="An OCO whose side does not exit its position", on=("CREATE OCO",))
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
        yield stmt.side, f"a SELL OCO exits a long position, but the position is {position.value}", "use BUY to exit a short position"
    elif side == "BUY" and position.value > 0:
        yield stmt.side, f"a BUY OCO exits a short position, but the position is {position.value}", "use SELL to exit a long position"


@rule("OS108", "date-order", summary="A SIP that starts before it is registered", on=("CREATE SIP", "MODIFY SIP"))
def date_order(stmt, ctx):
    """
    What:
    A SIP's start date must not be before its registration date (`registered`,
    by default the --as-of day).

    Why:
    A plan cannot run before it exists; Codifi's own example registers on
    19-05-2025 and starts on 19-06-2025.

    On MODIFY SIP the registration is the one written, or else the order
    book's (--state).

    Example:
    SIP BUY 1 TCS-EQ daily start 2025-05-01 installments 1 name AD product CNC token 11536 registered 2025-05-19
    # error: the SIP starts (2025-05-01) before it is registered (2025-05-19)

    Source:
    Codifi SIP Orders API, as each broker publishes it (SIP Execute: regDate,
    startDate; SIP OrderBook: regDate).
    """
    start = stmt.options.get("start")
    registered = stmt.options.get("registered")
    if start is None or stmt.kind.value != "SIP":
        return
    if registered is not None:
        day, what = registered.value, f"is registered ({registered.value})"
    elif stmt.verb == "CREATE":
        day, what = ctx.as_of, f"is registered (the --as-of day, {ctx.as_of})"
    else:  # MODIFY: the registration the order book has, if it is given
        current = ctx.state.sip(stmt.order_id.value) if ctx.state is not None else None
        day = _book_date(current.get("regDate")) if current else None
        if day is None:
            return
        what = f"was registered ({day}, in the order book)"
    if start.value < day:
        yield start, f"the SIP starts ({start.value}) before it {what}", "start on or after the registration date"


def _book_date(text) -> object:
    from datetime import date

    digits = str(text or "").replace("-", "")
    if len(digits) == 8 and digits.isdigit():
        try:
            return date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
        except ValueError:
            return None
    return None
