"""Rules read off a broker's table: what it supports, what it lets you modify, its price format."""

from __future__ import annotations

from decimal import Decimal

from ordspec import compiler
from ordspec.rules.registry import ALL, rule


def _anyone(verb: str, kind: str) -> bool:
    from ordspec.language import STATEMENTS

    return f"{verb} {kind}" in STATEMENTS


def _others(verb: str, kind: str, broker) -> str | None:
    names = [b.title for b in compiler.supporting(verb, kind, exclude=broker.name)]
    if names:
        return f"{' and '.join(names)} {'does' if len(names) == 1 else 'do'}: use --broker {compiler.supporting(verb, kind, exclude=broker.name)[0].name}"
    return None


@rule("OS301", "unsupported", summary="An order, segment, product, exchange or validity the broker does not offer", brokers=ALL)
def unsupported(stmt, ctx):
    """
    What:
    Without a broker: a statement no broker offers (PAUSE on a GTT, LIST of
    BRACKET orders). With one: a kind or action that broker lacks (Groww has
    no BRACKET, SIP or SMALLCASE orders), a segment it does not take for that
    kind (Groww: no smart orders in COMMODITY; no OCO in CASH), a product
    not allowed in that segment (CNC is for CASH, NRML for FNO), an exchange
    or validity it does not list, or GTT legs Groww cannot express. Help names
    a broker that does support it, where one does.

    Why:
    The broker would reject the request, perhaps in the middle of a batch.

    Decision:
    Groww's REST page says "OCO orders for CASH segment are currently not
    supported"; its SDK page says CASH OCO is "restricted to intraday (MIS)".
    The two disagree; ordspec follows the stricter REST statement and reports
    CASH OCO as unsupported. An account that has CASH OCO can silence the
    rule on that line. INDstocks lists only NSE in its exchange enum but
    gives an algo_id for BSE orders: ordspec takes BSE as offered and sends
    the BSE algo_id. Codifi's SIP takes CNC or MIS, on every scrip; a
    smallcase BUY takes no iscid (the BUY creates it).

    Example:
    OCO SELL 10 TCS target 4200 sl 3900 product MIS   # --broker groww
    # error: Groww does not support OCO in CASH

    Source:
    Groww Smart Orders API, https://groww.in/trade-api/docs/curl/smart-orders
    ("The COMMODITY segment is not supported for Smart Orders. OCO orders for
    CASH segment are currently not supported."); Groww Python SDK, Smart Orders,
    https://groww.in/trade-api/docs/python-sdk (CASH OCO is MIS only); each
    broker's document for its kinds, segments and products
    (compiler/<broker>.json).
    """
    verb, kind = stmt.verb, stmt.kind.value
    broker = ctx.broker
    if broker is None:
        if not _anyone(verb, kind):
            yield stmt.kind, f"no broker offers {verb} {kind}" if verb != "CREATE" else f"no broker offers {kind} orders"
        return
    offer = broker.supports(verb, kind)
    if offer is None:
        what = f"{kind} orders" if verb == "CREATE" else f"{verb} for {kind} orders"
        yield stmt.kind, f"{broker.title} does not support {what}", _others(verb, kind, broker)
        return
    notes = broker.table.get("unsupported", {})
    segments = offer.get("segments")
    segment = stmt.segment
    if segments is not None and segment is not None and segment.value not in segments:
        note = notes.get(f"{verb} {kind} {segment.value}") or notes.get(f"segment {segment.value}")
        yield segment, f"{broker.title} does not support {kind} in {segment.value}", note
        return  # the exchange and validity that came with it say nothing more
    elif segments and segment is not None and "product" in stmt.options and segments.get(segment.value):
        product = stmt.options["product"]
        allowed = segments[segment.value]
        if product.value not in allowed:
            yield product, f"{broker.title} takes {' or '.join(allowed)} for {kind} in {segment.value}, not {product.value}"
    for name, table in (("exchange", "exchanges"), ("validity", "validities")):
        field = stmt.options.get(name)
        allowed = broker.table.get(table)
        if field is not None and allowed is not None and field.value not in allowed:
            yield field, f"{broker.title} does not take {name} {field.value}", f"{broker.title} takes {', '.join(allowed)}"
    note = notes.get(f"{kind} legs")
    if note and (stmt.target is not None or stmt.sl is not None):
        leg = stmt.target or stmt.sl
        yield leg, f"{broker.title} cannot take target or stop-loss legs on a {kind} here", note
    hook = getattr(broker.module, "unsupported", None)
    if hook is not None:
        yield from hook(stmt, ctx)


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


@rule("OS302", "not-modifiable", summary="A MODIFY that changes a field the broker cannot modify", brokers=("groww", "indstocks", "codifi"), on=("MODIFY *",))
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

    Decision:
    The SDK's modify call accepts a `duration` for a GTT, but the table says
    a GTT's duration is not modifiable. ordspec follows the table, which is
    the documented contract, and reports it here.

    INDstocks modifies quantity, prices and legs, and routes by segment (and
    exchange, for the algo_id); its triggers have no direction to change. A
    parent and its child are modified separately: a child order (GTT-) has no
    entry, and a trigger order cannot be turned trigger-market by a modify.

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
    Modification and Cancellation).
    """
    if stmt.verb != "MODIFY" or not ctx.offered(stmt):
        return
    kind = stmt.kind.value
    table = ctx.broker.table.get("modifiable", {}).get(kind, {})
    routing = ctx.broker.table.get("routing", ())
    for name, span in changes(stmt):
        allowed = table.get(name)
        if allowed is None and name.split(".")[0] in ("target", "sl"):
            allowed = table.get("legs")  # a broker that modifies the legs as one group
        if not allowed and name not in routing and table:
            yield (
                span,
                f"{ctx.broker.title} cannot modify the {_LABELS.get(name, name)} of {'an' if kind[0] in 'AEIOU' else 'a'} {kind}",
                f"cancel the {kind} and create a new one",
            )
    hook = getattr(ctx.broker.module, "not_modifiable", None)
    if hook is not None:
        yield from hook(stmt, ctx)


@rule("OS303", "price-precision", summary="A price with more decimal places than the broker takes", brokers=("groww",), on=("CREATE GTT", "CREATE OCO", "CREATE BRACKET", "MODIFY GTT", "MODIFY OCO", "MODIFY BRACKET"))
def price_precision(stmt, ctx):
    """
    What:
    Groww takes prices as decimal strings with two places ("3985.00"). A
    price with more places, such as 120.505, cannot be sent as written.

    Why:
    ordspec never rounds a price: rounding 120.505 to 120.50 or 120.51 is a
    decision about money that belongs to the author.

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
    places = ctx.broker.table.get("price", {}).get("places")
    if places is None:
        return
    for leg, what, field in stmt.prices():
        exponent = field.value.as_tuple().exponent
        if -exponent > places and field.value != field.value.quantize(_QUANT[places]):
            yield (
                field,
                f"{ctx.broker.title} takes prices with at most {places} decimal places, not {field.value}",
                "ordspec does not round prices: write the price you mean",
            )



@rule(
    "OS310",
    "silent-conversion",
    severity="warning",
    summary="An order the broker will change without saying so",
    brokers=("indstocks",),
    on=("CREATE GTT", "CREATE BRACKET"),
)
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
    hook = getattr(ctx.broker.module, "silent", None) if ctx.offered(stmt) else None
    if hook is not None:
        yield from hook(stmt, ctx)


@rule(
    "OS309",
    "order-id",
    summary="An order id whose prefix does not fit the segment",
    brokers=("indstocks",),
    on=("MODIFY *", "CANCEL *"),
)
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
    prefixes = ctx.broker.table.get("order_ids", {}) if ctx.broker else {}
    segment = stmt.segment
    if segment is None or stmt.order_id is None:
        return
    for prefix, segments in prefixes.items():
        if stmt.order_id.value.startswith(prefix) and segment.value not in segments:
            words = ctx.broker.table["enums"]["segment"]
            where = " or ".join(f"{words.get(s, s)} ({s})" for s in segments)
            yield segment, f"{stmt.order_id.value} is {'an' if where[0] in 'AEIOU' else 'a'} {where} order, not {segment.value}", f"write `segment {segments[0]}`"


@rule(
    "OS311",
    "sip-state",
    summary="A SIP modify without the current SIP, or a pause or resume that its state does not allow",
    brokers=("codifi",),
    on=("MODIFY SIP", "PAUSE SIP", "RESUME SIP", "CANCEL SIP"),
)
def sip_state(stmt, ctx):
    """
    What:
    A Codifi SIP modify sends the whole SIP (dates, frequency, scrips, its
    internal schedule), so ordspec builds it from the SIP as the order book
    has it: MODIFY SIP needs `--state ORDERBOOK.json`, the JSON of GET
    /info/sip/orderbook (`LIST SIP` compiles that request). With the state
    given, the SIP must be in it; PAUSE needs an active SIP and RESUME a
    paused one (the order book says "active": "true" or "false").

    Why:
    A modify built from guesses would overwrite the SIP's schedule. Pausing a
    SIP that is not running, or resuming one that runs, is a mistake about
    the account, best caught before anything is sent.

    Example:
    MODIFY SIP 25042400000049 installments 6   # --broker codifi, no --state
    # error: Codifi replaces the whole SIP on modify: ordspec needs the current SIP

    Source:
    Codifi SIP Orders API, as each broker publishes it (SIP Modify: every field
    of the SIP; SIP OrderBook: "active": "true" if SIP is active, "false" if
    paused/canceled; SIP Pause, SIP Resume).
    """
    state = ctx.state
    number = stmt.order_id.value
    if state is None:
        if stmt.verb == "MODIFY":
            yield (
                stmt.order_id,
                "Codifi replaces the whole SIP on modify: ordspec needs the current SIP to merge the change into",
                "pass --state with the SIP order book (the JSON answer of GET /info/sip/orderbook; `LIST SIP` compiles that request)",
            )
        return
    current = state.sip(number)
    if current is None:
        yield stmt.order_id, f"SIP {number} is not in the order book {state.path}", "check the order number, or fetch the order book again"
        return
    active = state.active(current)
    if stmt.verb == "PAUSE" and not active:
        yield stmt.order_id, f"SIP {number} is not active (the order book says it is paused or cancelled): there is nothing to pause"
    elif stmt.verb == "RESUME" and active:
        yield stmt.order_id, f"SIP {number} is active: only a paused SIP can be resumed"


@rule(
    "OS312",
    "connected-user",
    summary="A smallcase order that needs a connected user's token, dispatched with a guest token",
    brokers=("smallcase",),
    scope="dispatch",
    on=("CREATE SMALLCASE",),
)
def connected_user(stmt, ctx, credentials):
    """
    What:
    smallcase Gateway accepts a guest user's token (a JWT whose claims say
    `"guest": true`) only for a BUY, the first investment in a smallcase.
    INVESTMORE, FIX (REPAIR), REBALANCE, SIP, MANAGE, EXIT and SIP_SETUP act
    on an invested smallcase and need a connected user's token. Checked when
    dispatching, against the token in ORDSPEC_TOKEN (or
    ORDSPEC_SMALLCASE_TOKEN); `ordspec lint` has no token to check.

    Why:
    The gateway would refuse the transaction after part of a batch went out.

    Example:
    SMALLCASE INVESTMORE SCET_0010   # dispatched with a guest token
    # error: smallcase INVESTMORE needs a connected user's token; the token given is a guest's

    Source:
    smallcase Gateway, Transactions, https://developers.gateway.smallcase.com
    ("x-gateway-authtoken JWT: can be a guest user auth token" for BUY; "must be
    connected user auth token" for the others and SIP_SETUP); smallcase
    Gateway's auth tokens (a guest token carries {"guest": true}).
    """
    claims = credentials.jwt_claims() if credentials is not None else None
    if not claims or claims.get("guest") is not True:
        return
    if stmt.sc_type.value not in compiler.get("smallcase").table.get("guest_allowed", ()):
        yield (
            stmt.sc_type,
            f"smallcase {stmt.sc_type.value} needs a connected user's token; the token given is a guest's",
            "dispatch it with the token of a connected user (ORDSPEC_TOKEN or ORDSPEC_SMALLCASE_TOKEN)",
        )
