"""Rules on the shape and logic of an order: required parts, prices, legs, OCO positions, dates."""

from __future__ import annotations

from ordspec.dates import day_month_year
from ordspec.language import applies
from ordspec.rules.declare import rule
from ordspec.rules.symbol import misread_contract


def _missing_parts(stmt, ctx):
    """Report the parts every broker needs."""
    verb, kind = stmt.verb, stmt.kind.value
    bad = stmt.invalid
    if verb == "CREATE" and kind == "GTT":
        entry = stmt.entry
        if entry is None or (entry.trigger is None and "entry.trigger" not in bad):
            ctx.report(stmt.kind, "a GTT needs a trigger", "add `trigger PRICE up` or `trigger PRICE down`")
        elif entry.direction is None and "entry.direction" not in bad:
            ctx.report(entry.trigger or entry, "a GTT trigger needs a direction", "write `up` or `down` after the trigger price")
    elif verb == "CREATE" and kind == "OCO":
        if stmt.target is None:
            ctx.report(stmt.kind, "an OCO needs a target leg", "add `target PRICE [limit PRICE]`")
        if stmt.sl is None:
            ctx.report(stmt.kind, "an OCO needs a stop-loss leg", "add `sl PRICE [limit PRICE]`")
    elif verb == "CREATE" and kind == "BRACKET" and stmt.entry is None:
        ctx.report(stmt.kind, "a BRACKET needs an entry order", "add `limit PRICE`, `market` or `trigger PRICE [limit PRICE]`")
    elif verb == "CREATE" and kind == "SIP":
        if stmt.frequency is None and "frequency" not in bad:
            ctx.report(stmt.kind, "a SIP needs a frequency", "add `daily`, `weekly` or `monthly`")
        for name, help in (("start", "add `start YYYY-MM-DD`"), ("installments", "add `installments N`")):
            if name not in stmt.options and name not in bad:
                ctx.report(stmt.kind, f"a SIP needs `{name}`", help)
    elif verb == "CREATE" and kind == "SMALLCASE" and "sc_type" not in bad:
        if stmt.sc_type.value == "SIP_SETUP":
            if "iscid" not in stmt.options and "iscid" not in bad:
                ctx.report(stmt.sc_type, "SIP_SETUP needs the invested smallcase's id", "add `iscid ID`")
        elif stmt.sc_type.value == "BUY" and stmt.scid is None:  # the first investment: no iscid exists yet
            ctx.report(stmt.sc_type, "a smallcase BUY needs the smallcase's id (scid)", "write `SMALLCASE BUY SCET_0010` (YAML: `scid: SCET_0010`)")
        elif stmt.scid is None and "iscid" not in stmt.options and "iscid" not in bad:
            kind = stmt.sc_type.value
            ctx.report(stmt.sc_type, f"a smallcase {kind} needs the invested smallcase's id (iscid) or the smallcase's (scid)", f"write `SMALLCASE {kind} iscid ID` (YAML: `iscid: ID`)")
    elif verb == "MODIFY":
        changes = [stmt.qty, stmt.entry, stmt.target, stmt.sl, stmt.frequency, stmt.amount] + list(stmt.scrips)
        changes += [f for name, f in stmt.options.items() if name not in ("segment", "side") and name not in stmt.defaulted]
        if not any(c is not None for c in changes) and not bad:
            ctx.report(stmt.kind, f"MODIFY {kind} changes nothing", "add what to change, such as `qty 40` or `target 122`")


    entry = stmt.entry
    if kind == "BRACKET" and entry is not None and entry.order_type is not None and entry.order_type.value == "TRIGGER":
        if entry.trigger is None and "entry.trigger" not in bad:
            ctx.report(entry.order_type, "a TRIGGER entry needs its trigger price", "add `trigger: PRICE` (in the DSL: `trigger PRICE [limit PRICE]`)")


def _broker_parts(stmt, ctx):
    """Report the parts the broker's table requires, then what only its back end can tell."""
    broker = ctx.broker
    verb, kind = stmt.verb, stmt.kind.value
    key = (broker, verb, kind)  # (the Broker itself: a test may build another of the same name)
    required = _REQUIRED.get(key)
    if required is None:  # (the table's entries for this statement, found once)
        required = _REQUIRED[key] = [n for where, names in broker.setting("required").items() if applies((where,), verb, kind) for n in names]
    if required:
        for name in required:
            if name == "segment" and verb == "CREATE":
                known = stmt.instrument
                if stmt.segment is None and "segment" not in stmt.invalid and not (known is not None and known.type == "IDX") and not misread_contract(stmt, ctx):
                    # (an index, a misread contract: index-symbol, contract-symbol say what to write instead)
                    what = f"{stmt.symbol.value}'s" if stmt.symbol is not None else "which"
                    ctx.report(stmt.symbol or stmt.kind, f"{broker.title} needs a segment and ordspec cannot tell {what}", "add `segment CASH` or `segment FNO`")
                continue
            if name not in stmt.options and name not in stmt.invalid:
                ctx.report(stmt.kind, f"{broker.title} needs `{name}` for {verb.lower()} {kind}", _REQUIRED_HELP.get(name))
    broker.requirements(stmt, ctx)


_REQUIRED: dict = {}  # (broker, verb, kind) -> the names its table requires of such a statement
_REQUIRED_HELP = {
    "product": "add `product CNC|MIS|NRML`, or a `default product ...` line",
    "segment": "add `segment CASH` or `segment FNO`: the segment the order was created in",
}


@rule("missing-field")
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
    Dhan needs every instrument's securityId, a super
    order's target and stop-loss, and a modify that says its whole leg
    (quantity, trigger, limit or market; an ENTRY_LEG its price, target and
    stop-loss too), since Dhan replaces the leg with what the request says.

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
    forum, discussions 7265 and 14166; modify takes the whole GTT); DhanHQ v2,
    Forever Order and Super Order, https://dhanhq.co/docs/v2/forever/ and
    https://dhanhq.co/docs/v2/super-order/ (Modify: every field of the leg).
    """
    _missing_parts(stmt, ctx)
    if ctx.offered(stmt):
        _broker_parts(stmt, ctx)


_NEEDS_PRICE = ("LIMIT", "SL")
_NO_PRICE = ("MARKET", "SL_M")
_ROLE = {"entry": "order", "target": "target leg", "sl": "stop-loss leg"}


@rule("missing-price", on=("CREATE GTT", "CREATE OCO", "CREATE BRACKET", "MODIFY GTT", "MODIFY OCO", "MODIFY BRACKET"))
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
            ctx.report(entry.trigger, "this GTT places no order when it triggers", "write `limit PRICE` or `market` after the trigger")
    legs_need_limit = ctx.offered(stmt) and ctx.broker.setting("legs_need_limit")
    for leg in stmt.legs():
        kind = leg.order_type
        if leg.price is not None or f"{leg.role}.price" in stmt.invalid:
            continue
        if kind is not None and kind.value in _NEEDS_PRICE:
            ctx.report(kind, f"a {kind.value} {_ROLE[leg.role]} needs a limit price{ctx.named('limit_positive') if leg.role == 'entry' else ''}", "add `limit PRICE`")
        elif legs_need_limit and leg.role != "entry" and leg.trigger is not None:
            field = "sl" if leg.role == "sl" else "tgt"
            ctx.report(
                leg,
                f"{ctx.broker.title} needs a limit price on the {_ROLE[leg.role]}: {field}_limit_price must come with {field}_trigger_price",
                f"add `limit PRICE` after the {'sl' if leg.role == 'sl' else 'target'} trigger",
            )


@rule("unexpected-price", on=("CREATE GTT", "CREATE OCO", "CREATE BRACKET", "MODIFY GTT", "MODIFY OCO", "MODIFY BRACKET"))
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
            ctx.report(leg.price, f"a {kind.value} {_ROLE[leg.role]} takes no limit price", "drop the `limit`, or make it a limit order")
    entry = stmt.entry
    if stmt.kind.value == "BRACKET" and entry is not None and entry.trigger is not None and entry.order_type is not None:
        if entry.order_type.value in ("LIMIT", "MARKET"):
            ctx.report(entry.trigger, f"a {entry.order_type.value} entry takes no trigger price", "drop the trigger, or make the entry `order_type: TRIGGER`")


@rule("date-order", on=("CREATE SIP", "MODIFY SIP"))
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
        day = day_month_year(current.get("regDate")) if current else None
        if day is None:
            return
        what = f"was registered ({day}, in the order book)"
    if start.value < day:
        ctx.report(start, f"the SIP starts ({start.value}) before it {what}", "start on or after the registration date")
