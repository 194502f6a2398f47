"""Rules read off a broker's table: what it supports, what it lets you modify, its price format."""

from __future__ import annotations

from decimal import Decimal

from ordspec.language import BROKER_OPTIONS
from ordspec.rules.declare import rule


def _anyone(verb: str, kind: str) -> bool:
    from ordspec.language import STATEMENTS

    return f"{verb} {kind}" in STATEMENTS


def _others(verb: str, kind: str, ctx) -> str | None:
    others = ctx.supporting(verb, kind)
    if others:
        names = [b.title for b in others]
        return f"{' and '.join(names)} {'does' if len(names) == 1 else 'do'}: use --broker {others[0].name}"
    return None


@rule("unsupported")
def unsupported(stmt, ctx):
    """
    What:
    Without a broker: a statement no broker offers (PAUSE on a GTT, LIST of
    BRACKET orders). With one: a kind or action that broker lacks (Groww has
    no BRACKET, SIP or SMALLCASE orders), a segment it does not take for that
    kind (Groww: no smart orders in COMMODITY), a product not allowed in
    that segment (CNC is for CASH, NRML for FNO; Groww's CASH OCO is MIS
    only), an exchange
    or validity it does not list, or GTT legs Groww cannot express. Help names
    a broker that does support it, where one does.

    Why:
    The broker would reject the request, perhaps in the middle of a batch.

    This rule cannot be suppressed: the broker has no request for the
    statement, or no word for the value, or the request would drop what the
    broker cannot take.

    Decision:
    Groww's CASH OCO, which its documents both refuse and describe, is
    `documents-disagree`, which can be suppressed. INDstocks lists only NSE in its exchange enum but
    gives an algo_id for BSE orders: ordspec takes BSE as offered and sends
    the BSE algo_id. Codifi's SIP takes CNC or MIS, on every scrip; a
    smallcase BUY takes no iscid (the BUY creates it). Kite: a GTT places
    LIMIT orders only (its docs' order_type; forum comment 51475), CNC in
    CASH and NRML in FNO (its GTT terms), and has no trigger direction: a
    single trigger whose written `up`/`down` is not its side of the last
    price is refused here, and so is a modify that would flip it unsaid, or
    that names a GTT of the other kind or one no longer active (--state).
    Kite's GTT has no net `position` and no `security`: both are refused.

    Dhan's forever orders (GTT, OCO) take productType CNC or MTF only, which
    are cash products: its page also lists NSE_FNO, but no F&O product, so
    ordspec offers them in CASH only (a super order, BRACKET, trades
    derivatives). A Dhan OCO has one orderType for both legs (both with a
    limit, or neither) and no net position. A super order's entry is LIMIT:
    the documents allow MARKET, but the official client refuses a price of
    0 and the documents give no price for a MARKET entry, so ordspec refuses
    `market` rather than invent one; its target and stop-loss are single
    prices (no leg `limit`) and it takes no validity. Dhan's lists take no
    filter, there is no GET of one order, and `disclosed` is Dhan's alone.

    Example:
    GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC validity IOC   # --broker groww
    # error: Groww does not take validity IOC

    Source:
    Groww Smart Orders API, https://groww.in/trade-api/docs/curl/smart-orders
    ("The COMMODITY segment is not supported for Smart Orders. OCO orders for
    CASH segment are currently not supported."); Groww Python SDK, Smart Orders,
    https://groww.in/trade-api/docs/python-sdk (CASH OCO is MIS only); DhanHQ
    v2, Forever Order, https://dhanhq.co/docs/v2/forever/ (productType "CNC
    MTF") and Super Order, https://dhanhq.co/docs/v2/super-order/;
    DhanHQ-py, github.com/dhan-oss/DhanHQ-py (place_super_order: "Price must
    be > 0"); each broker's document for its kinds, segments and products
    (compiler/<broker>.json);
    Kite Connect v3, GTT, https://kite.trade/docs/connect/v3/gtt/ and
    Zerodha's GTT terms, https://zerodha.com/tos/gtt.
    """
    verb, kind = stmt.verb, stmt.kind.value
    broker = ctx.broker
    if broker is None:
        if not _anyone(verb, kind):
            ctx.report(stmt.kind, f"no broker offers {verb} {kind}" if verb != "CREATE" else f"no broker offers {kind} orders")
        return
    offer = broker.supports(verb, kind)
    if offer is None:
        what = f"{kind} orders" if verb == "CREATE" else f"{verb} for {kind} orders"
        ctx.report(stmt.kind, f"{broker.title} does not support {what}", _others(verb, kind, ctx))
        return
    notes = broker.setting("unsupported")
    segments = offer.get("segments")
    segment = stmt.segment
    if segments is not None and segment is not None and segment.value not in segments:
        note = notes.get(f"{verb} {kind} {segment.value}") or notes.get(f"segment {segment.value}")
        ctx.report(segment, f"{broker.title} does not support {kind} in {segment.value}", note)
        return  # the exchange and validity that came with it say nothing more
    elif segments and segment is not None and "product" in stmt.options and segments.get(segment.value):
        product = stmt.options["product"]
        allowed = segments[segment.value]
        if product.value not in allowed:
            ctx.report(product, f"{broker.title} takes {' or '.join(allowed)} for {kind} in {segment.value}, not {product.value}")
    for name, allowed in (("exchange", broker.setting("exchanges")), ("validity", broker.setting("validities"))):
        field = stmt.options.get(name)
        if field is not None and allowed is not None and field.value not in allowed:
            ctx.report(field, f"{broker.title} does not take {name} {field.value}", f"{broker.title} takes {', '.join(allowed)}")
    for name in BROKER_OPTIONS:
        field = stmt.options.get(name)
        if field is not None and name not in broker.setting("options"):
            from ordspec import compiler

            takers = [b.title for b in compiler.brokers() if name in b.setting("options")]
            ctx.report(field, f"{broker.title} takes no `{name}`", f"{' and '.join(takers)} {'takes' if len(takers) == 1 else 'take'} it" if takers else None)
    note = notes.get(f"{kind} legs")
    if note and (stmt.target is not None or stmt.sl is not None):
        leg = stmt.target or stmt.sl
        ctx.report(leg, f"{broker.title} cannot take target or stop-loss legs on a {kind} here", note)
    broker.unsupported(stmt, ctx)



@rule("documents-disagree", on=("CREATE *",), needs=("disputed",))
def documents_disagree(stmt, ctx):
    """
    What:
    Groww's REST page opens with "OCO orders for CASH segment are currently
    not supported", while the same page's product_type ("For OCO in cash
    segment, only MIS is supported currently") and the SDK page ("In the
    CASH segment, OCO is restricted to intraday (MIS) positions") describe
    it. ordspec reports a CASH OCO here.

    Why:
    Whether the account can place it is for the author to know: the stricter
    statement is the default, and the broker may refuse the order.

    Decision:
    ordspec follows the stricter statement and reports it as an error. An
    account that has CASH OCO silences this rule on that line (`# ordspec:
    ignore[documents-disagree]`); compile then sends the OCO as written, in
    CASH, and `unsupported` still holds it to MIS, the one product both
    pages allow.

    Example:
    OCO SELL 10 TCS target 4200 sl 3900 product MIS   # --broker groww
    # error: Groww's documents disagree on OCO in CASH

    Source:
    Groww Trade API, Smart Orders (https://groww.in/trade-api/docs/curl/smart-orders:
    the note under Smart Orders; Create OCO, product_type); Groww Python
    SDK, Smart Orders (https://groww.in/trade-api/docs/python-sdk: Create
    OCO, "Important: OCO orders are meant to exit an existing position").
    """
    segment = stmt.segment
    if segment is None or not ctx.offered(stmt):
        return
    note = ctx.broker.setting("disputed").get(f"{stmt.verb} {stmt.kind.value} {segment.value}")
    if note is not None:
        ctx.report(
            segment,
            f"{ctx.broker.title}'s documents disagree on {stmt.kind.value} in {segment.value}: {note}",
            f"if your account has it, silence this line with `# ordspec: ignore[documents-disagree]`: the request is then sent as written",
        )

_QUANT = {n: Decimal(1).scaleb(-n) for n in range(0, 9)}

_LABELS = {
    "qty": "quantity",
    "trigger": "trigger price",
    "direction": "trigger direction",
    "order_type": "order type",
    "price": "limit price",
    "validity": "validity (duration)",
    "product": "product",
    "exchange": "exchange",
    "position": "net position",
    "legs": "target and stop-loss legs",
    "target.trigger": "target trigger price",
    "sl.trigger": "stop-loss trigger price",
    "target.price": "target limit price",
    "sl.price": "stop-loss limit price",
    "target.order_type": "target order type",
    "sl.order_type": "stop-loss order type",
}


def changes(stmt):
    """(field name, span) for what a MODIFY statement changes, in the names of the modify tables."""
    if stmt.qty is not None:
        yield "qty", stmt.qty
    entry = stmt.entry
    if entry is not None:
        if entry.trigger is not None:
            yield "trigger", entry.trigger
        if entry.direction is not None:
            yield "direction", entry.direction
        if entry.order_type is not None:
            yield "order_type", entry.order_type
        if entry.price is not None:
            yield "price", entry.price
    for leg in (stmt.target, stmt.sl):
        if leg is None:
            continue
        if leg.trigger is not None:
            yield f"{leg.role}.trigger", leg.trigger
        if leg.price is not None:
            yield f"{leg.role}.price", leg.price
        if leg.explicit:
            yield f"{leg.role}.order_type", leg.order_type
    for name in ("validity", "product", "exchange", "position"):
        if name in stmt.options and name not in stmt.defaulted:
            yield name, stmt.options[name]


@rule("not-modifiable", on=("MODIFY *",), needs=("modifiable", "not_modifiable"))
def not_modifiable(stmt, ctx):
    """
    What:
    Groww's "Modify vs Cancel-Create" table: a GTT may change its quantity,
    trigger price and direction, order type and limit price, but not its
    validity, product or exchange; an OCO may change its quantity, validity,
    product and both trigger prices, but not its order types or limit prices.
    Symbol, exchange, segment and the order type (GTT or OCO) never change.
    For those, cancel the order and create a new one.

    Why:
    Groww honours only the listed fields: "everything else is ignored or
    rejected". An ignored change is worse than an error: the order stays as
    it was while you think it changed.

    This rule cannot be suppressed: the request would leave the change out,
    and the order would stay as it was while you think it changed.

    Decision:
    The SDK's modify call accepts a `duration` for a GTT, but the table says
    a GTT's duration is not modifiable. ordspec follows the table, which is
    the documented contract, and reports it here.

    INDstocks modifies quantity, prices and legs, and routes by segment (and
    exchange, for the algo_id); its triggers have no direction to change. A
    parent and its child are modified separately: a child order (GTT-) has no
    entry, and a trigger order cannot be turned trigger-market by a modify.
    Codifi's SIP modify sends the whole SIP, so every field of one may change
    (its table lists them); a size alone on a SIP of several scrips names no
    scrip. `ordspec plan` reads the same tables to tell a modify from a
    replace.

    Kite replaces the whole GTT, so a modify may change the quantity, the
    trigger values and limit prices (and a single GTT's side); its product
    is the one its segment allows (CNC, NRML), and a single GTT does not
    become a two-leg one.
    Dhan modifies one leg of a forever order at a time (quantity, trigger,
    limit or market, validity), never its product, exchange or a direction
    (it has none); a super order's entry (quantity, price), target price and
    stop-loss price, never a leg's `limit` (its legs are single prices).

    Example:
    MODIFY OCO oco_a12bc3 segment FNO target 122 limit 123
    # error: Groww cannot modify the target limit price of an OCO
    # help: cancel the OCO and create a new one

    Source:
    Groww's Smart Orders pages,
    https://groww.in/trade-api/docs/curl/smart-orders and
    https://groww.in/trade-api/docs/python-sdk ("Modifiable Fields - GTT",
    "Modifiable Fields - OCO", "Modify vs Cancel-Create"); INDstocks Smart Order
    APIs, https://api-docs.indstocks.com/smart_orders/ (Modify Smart Order;
    Modification and Cancellation); Kite Connect v3, GTT,
    https://kite.trade/docs/connect/v3/gtt/ (Modify: the same parameters as
    place) and Zerodha's GTT terms, https://zerodha.com/tos/gtt (products);
    DhanHQ v2, Forever Order
    (https://dhanhq.co/docs/v2/forever/: Modify Forever Order) and Super Order
    (https://dhanhq.co/docs/v2/super-order/: Modify Super Order).
    """
    if stmt.verb != "MODIFY" or not ctx.offered(stmt):
        return
    kind = stmt.kind.value
    table = ctx.broker.setting("modifiable").get(kind, {})
    routing = ctx.broker.setting("routing")
    for name, span in changes(stmt):
        allowed = table.get(name)
        if allowed is None and name.split(".")[0] in ("target", "sl"):
            allowed = table.get("legs")  # a broker that modifies the legs as one group
        if not allowed and name not in routing and table:
            ctx.report(
                span,
                f"{ctx.broker.title} cannot modify the {_LABELS.get(name, name)} of {'an' if kind[0] in 'AEIOU' else 'a'} {kind}",
                f"cancel the {kind} and create a new one",
            )
    ctx.broker.not_modifiable(stmt, ctx)


@rule("price-precision", on=("CREATE GTT", "CREATE OCO", "CREATE BRACKET", "MODIFY GTT", "MODIFY OCO", "MODIFY BRACKET"), needs=("price.places",))
def price_precision(stmt, ctx):
    """
    What:
    Groww takes prices as decimal strings with two places ("3985.00"). A
    price with more places, such as 120.505, cannot be sent as written.

    Why:
    ordspec never rounds a price: rounding 120.505 to 120.50 or 120.51 is a
    decision about money that belongs to the author.

    This rule cannot be suppressed: the request would have to carry a
    rounded price.

    Example:
    GTT BUY 10 TCS trigger 3985.005 down limit 3990 product CNC
    # error: Groww takes prices with at most 2 decimal places, not 3985.005

    Source:
    Groww Smart Orders API, https://groww.in/trade-api/docs/curl/smart-orders
    ("trigger_price: Trigger price as a decimal string. Example: 3985.00");
    Groww Python SDK, Smart Orders, https://groww.in/trade-api/docs/python-sdk
    ("All prices should be passed as decimal strings (e.g., "3985.00")").
    """
    if ctx.broker is None:
        return
    places = ctx.broker.setting("price.places")
    if places is None:
        return
    for leg, what, field in stmt.prices():
        exponent = field.value.as_tuple().exponent
        if -exponent > places and field.value != field.value.quantize(_QUANT[places]):
            ctx.report(
                field,
                f"{ctx.broker.title} takes prices with at most {places} decimal places, not {field.value}",
                "ordspec does not round prices: write the price you mean",
            )



@rule("silent-conversion", on=("CREATE GTT", "CREATE BRACKET"), needs=("silent",))
def silent_conversion(stmt, ctx):
    """
    What:
    INDstocks changes some orders as it takes them: a MARKET parent is placed
    as a LIMIT order at the live price, and a TRIGGER order without
    trigger_limit_price gets the trigger price as its limit, so a
    "trigger-market" order executes as a trigger-limit at the trigger. (A
    LIMIT parent outside the circuit bounds is placed as a GTT order instead;
    ordspec has no circuit data to warn of that.)

    Why:
    A trigger-limit at the trigger price may not fill in a fast market, when
    the author meant to get out at market. The order is valid, so this is a
    warning: write the limit to make the choice explicit.

    Example:
    GTT BUY 10 RELIANCE trigger 1520 up market product CNC security 3045   # --broker indstocks
    # warning: INDstocks sets trigger_limit_price to the trigger price: this order executes as a trigger-limit at 1520

    Source:
    INDstocks Smart Order APIs, https://api-docs.indstocks.com/smart_orders/
    ("Market Orders Are Converted to Limit Orders"; trigger_limit_price: "If
    omitted, trigger_limit_price is automatically set equal to trigger_price";
    How Smart Orders Work: the circuit bounds).
    """
    if ctx.offered(stmt):
        ctx.broker.silent(stmt, ctx)


@rule("order-id", on=("MODIFY *", "CANCEL *"), needs=("order_ids",))
def order_id(stmt, ctx):
    """
    What:
    INDstocks order ids carry a prefix: EQ- for parent orders in the EQUITY
    (CASH) segment, DRV- for parents in DERIVATIVE (FNO), GTT- for child orders
    and for parents placed as GTT. An EQ- id with `segment FNO`, or a DRV- id
    with `segment CASH`, names an order in the other segment. Ids without a
    prefix are taken as written: the document's own cancel example uses one
    ("123456789").

    Why:
    The request would go to the wrong segment: the broker finds no such
    order, or, worse, a stale modification is never applied.

    Example:
    CANCEL BRACKET DRV-28131451 segment CASH   # --broker indstocks
    # error: DRV-28131451 is a DERIVATIVE (FNO) order, not CASH

    Source:
    INDstocks Smart Order APIs, https://api-docs.indstocks.com/smart_orders/
    (Order ID Prefixes; Modify and Cancel: segment "Enum: EQUITY, DERIVATIVE").
    """
    prefixes = ctx.broker.setting("order_ids") if ctx.broker else {}
    segment = stmt.segment
    if segment is None or stmt.order_id is None:
        return
    for prefix, segments in prefixes.items():
        if stmt.order_id.value.startswith(prefix) and segment.value not in segments:
            words = ctx.broker.setting("enums")["segment"]
            where = " or ".join(f"{words.get(s, s)} ({s})" for s in segments)
            ctx.report(segment, f"{stmt.order_id.value} is {'an' if where[0] in 'AEIOU' else 'a'} {where} order, not {segment.value}", f"write `segment {segments[0]}`")
