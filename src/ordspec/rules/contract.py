"""Rules on the instrument: index names, expiry, segment and exchange, lot, tick and freeze sizes."""

from __future__ import annotations

from decimal import Decimal

from ordspec.refdata.symbols import MONTH_NAMES, example_contracts, looks_derivative
from ordspec.rules.declare import rule
from ordspec.rules.symbol import misread_contract


def _instrument(stmt):
    return stmt.instrument if stmt.verb == "CREATE" else None


@rule("index-symbol", on=("CREATE *",))
def index_symbol(stmt, ctx):
    """
    What:
    NIFTY, BANKNIFTY, FINNIFTY, MIDCPNIFTY, NIFTYNXT50, SENSEX and BANKEX are
    indices. An order needs a contract on one: a future (NIFTY25OCTFUT) or an
    option (NIFTY25OCT24000CE).

    Why:
    No broker accepts an order on an index itself; `OCO SELL 50 NIFTY ...`
    has no contract, so no lot size, tick size or expiry to check.

    This rule cannot be suppressed: an index is no contract, so there is no
    segment, lot or tick to build the request from.

    Example:
    OCO SELL 50 NIFTY target 120.5 sl 95
    # error: NIFTY is an index, not a tradable contract
    # help: write a contract symbol, such as NIFTY25OCTFUT or an option such as NIFTY25OCT<strike>CE

    Source:
    ordspec policy (an order names a contract, never the index itself); the
    exchanges' index derivatives (NSE circular 2024-10-18; BSE, per
    SEBI/HO/MRD/TPD-1/P/CIR/2024/132).
    """
    inst = _instrument(stmt)
    if inst is not None and inst.type == "IDX":
        ctx.report(
            stmt.symbol,
            f"{stmt.symbol.value} is an index, not a tradable contract",
            f"write a contract symbol, such as {example_contracts(inst.underlying, ctx.as_of)}",
        )


@rule("unknown-symbol", on=("CREATE *",))
def unknown_symbol(stmt, ctx):
    """
    What:
    A symbol that looks like a contract but does not read as one
    (TITAN25XYZ24000CE), a lower-case symbol, or, with --instruments, a
    symbol the instrument master does not list.

    Why:
    ordspec cannot check lot, tick or freeze sizes for an instrument it does
    not know, and the broker will reject a symbol it does not list.

    Example:
    GTT BUY 75 TITAN25XYZ24000CE trigger 100 up market product NRML
    # warning: cannot read TITAN25XYZ24000CE as a contract symbol

    Source:
    the trading symbols of Groww's instrument master (NIFTY25OCT24000CE,
    ASIANPAINT25FEBFUT; Groww Trade API, https://groww.in/trade-api/docs).
    """
    if stmt.verb != "CREATE" or stmt.symbol is None:
        return
    symbol = stmt.symbol.value
    if symbol != symbol.upper():
        found = stmt.symbol, f"`{symbol}` is not upper case, as exchange symbols are", f"write {symbol.upper()}"
    elif stmt.instrument is None and looks_derivative(symbol):
        found = (
            stmt.symbol,
            f"cannot read {symbol} as a contract symbol",
            "contracts read UNDERLYING + YY + MON + (FUT | STRIKE + CE/PE), such as NIFTY25OCT24000CE",
        )
    elif ctx.refdata.in_master(symbol) is False and stmt.kind.value in ("GTT", "OCO", "BRACKET"):
        found = stmt.symbol, f"{symbol} is not in the instrument master {ctx.refdata.master_path}"
    else:
        return
    if misread_contract(stmt, ctx) is None:  # (else contract-symbol's error says it)
        ctx.report(*found)


@rule("reference-data", on=("CREATE *",))
def reference_data(stmt, ctx):
    """
    What:
    A futures or options contract with no lot size in the bundled tables (they
    cover the main index derivatives) and no instrument master given.

    Why:
    lot-size cannot check such an order; saying so keeps a clean lint from
    looking like a checked one.

    Example:
    GTT BUY 100 RELIANCE25OCTFUT trigger 1500 up market product NRML
    # info: no lot size known for RELIANCE25OCTFUT; lot-size was not checked
    # help: pass --instruments with Groww's instrument CSV

    Source:
    ordspec policy.
    """
    inst = _instrument(stmt)
    if inst is not None and inst.is_derivative and inst.lot is None:
        ctx.report(
            stmt.symbol,
            f"no lot size known for {inst.symbol}; lot-size was not checked",
            "pass --instruments with Groww's instrument CSV",
        )


@rule("expired-contract", on=("CREATE *",))
def expired_contract(stmt, ctx):
    """
    What:
    A futures or options contract whose expiry is before the day ordspec
    checks for (--as-of, default today). A monthly contract read off its
    symbol is taken to expire at the end of its month at the latest; an
    instrument master gives the exact day.

    Why:
    An order on an expired contract is rejected; an order file that names one
    is stale.

    Example:
    OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95 product MIS   # checked --as-of 2025-11-15
    # error: NIFTY25OCT24000CE expired in October 2025

    Source:
    the exchanges' contract specifications (NSE, BSE: a contract trades until
    its expiry day); SEBI/HO/MRD/TPD-1/P/CIR/2024/132 (a lot size belongs to a
    contract's expiry).
    """
    inst = _instrument(stmt)
    if inst is None or inst.expiry is None or ctx.as_of <= inst.expiry:
        return
    when = str(inst.expiry) if inst.expiry_exact else f"in {MONTH_NAMES[inst.expiry.month - 1]} {inst.expiry.year}"
    ctx.report(
        stmt.symbol,
        f"{inst.symbol} expired {'on ' if inst.expiry_exact else ''}{when} (checked as of {ctx.as_of})",
        "use a live contract, or --as-of DATE to check the file for an earlier day",
    )


@rule("segment-mismatch", on=("CREATE *",))
def segment_mismatch(stmt, ctx):
    """
    What:
    `segment CASH` on a futures or options contract, `segment FNO` on a share,
    or any segment on a commodity contract other than COMMODITY. When
    `segment` is not written, ordspec infers it from the symbol or the
    instrument master instead.

    Why:
    Brokers route smart orders by segment (Groww's cancel and get paths carry
    it); the wrong one places the order nowhere or somewhere else.

    Example:
    OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95 product MIS segment CASH
    # error: NIFTY25OCT24000CE is in segment FNO, not CASH

    Source:
    Groww Smart Orders API, https://groww.in/trade-api/docs/curl/smart-orders
    (segment: "Segment for which the order will be placed"); Groww's instrument
    master (its `segment` column; Groww Trade API,
    https://groww.in/trade-api/docs).
    """
    inst = _instrument(stmt)
    given = stmt.options.get("segment")
    if inst is None or given is None or inst.segment is None or given.value == inst.segment:
        return
    ctx.report(given, f"{inst.symbol} is in segment {inst.segment}, not {given.value}", f"write `segment {inst.segment}`, or leave it out")


@rule("exchange-mismatch", on=("CREATE *",))
def exchange_mismatch(stmt, ctx):
    """
    What:
    An exchange other than the one a contract trades on: SENSEX and BANKEX
    derivatives on BSE, commodity contracts on MCX, and whatever the
    instrument master says. (Shares trade on both NSE and BSE.)

    Why:
    The broker will not find the contract on the wrong exchange.

    Example:
    GTT BUY 20 SENSEX25OCT80000CE trigger 100 up market product NRML exchange NSE
    # error: SENSEX25OCT80000CE trades on BSE, not NSE

    Source:
    BSE's index derivatives (SENSEX and BANKEX trade on BSE, per
    SEBI/HO/MRD/TPD-1/P/CIR/2024/132); the instrument master's `exchange`.
    """
    inst = _instrument(stmt)
    given = stmt.options.get("exchange")
    if inst is None or given is None:
        return
    definite = inst.origin == "master" or inst.segment in ("FNO", "COMMODITY") or inst.type == "IDX"
    if definite and given.value != inst.exchange:
        ctx.report(given, f"{inst.symbol} trades on {inst.exchange}, not {given.value}", f"write `exchange {inst.exchange}`")


@rule("lot-size", on=("CREATE *",))
def lot_size(stmt, ctx):
    """
    What:
    A futures or options quantity must be a multiple of the contract's lot
    size. The lot belongs to the contract's expiry: NIFTY is 75 for the 2025
    expiries and 65 from January 2026, so old and new contracts trade side by
    side with different lots.

    Why:
    Exchanges accept whole lots only. Groww's own OCO example (quantity 50 on
    NIFTY25OCT24000CE, whose lot is 75) would be rejected.

    Example:
    OCO SELL 50 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 product MIS
    # error: quantity 50 is not a whole number of lots: NIFTY25OCT24000CE trades in lots of 75

    Source:
    the index derivative lot sizes of NSE circular 2024-10-18, NSE/FAOP/70616
    (2025-10-03) and BSE per SEBI/HO/MRD/TPD-1/P/CIR/2024/132 (each row of the
    table names its circular); Groww Smart Orders API,
    https://groww.in/trade-api/docs/curl/smart-orders ("For FNO, must respect
    lot size"); INDstocks Smart Order APIs,
    https://api-docs.indstocks.com/smart_orders/ (QtyMultipleOfLotSize); the
    instrument master's lot_size.
    """
    inst = _instrument(stmt)
    if inst is None or inst.lot is None or stmt.qty is None or stmt.qty.value <= 0:
        return
    lot, source = inst.lot
    qty = stmt.qty.value
    if lot > 1 and qty % lot:
        lower = qty // lot * lot
        options = [f"{n} ({n // lot} lot{'s' if n // lot > 1 else ''})" for n in (lower, lower + lot) if n > 0]
        ctx.report(
            stmt.qty,
            f"quantity {qty} is not a whole number of lots: {inst.symbol} trades in lots of {lot}{ctx.named('lot')}",
            f"use {' or '.join(options)}; lot {lot} from {source}",
        )


@rule("tick-size", on=("CREATE *",))
def tick_size(stmt, ctx):
    """
    What:
    Every price (trigger and limit) must be a multiple of the tick size. NSE
    shares and stock futures tick by price band from 2025-04-15 (0.01 below
    ₹250, 0.05 to ₹1000, 0.10 to ₹5000, 0.50 to ₹10000, 1.00 to ₹20000, 5.00
    above); index options tick 0.05; index futures 0.05, 0.10 or 0.20 by
    index level. The band is read from the last price given with --quotes, or
    else from the order's price; the master's tick_size takes precedence. ordspec
    never rounds: the help line gives the two nearest valid prices.

    Why:
    An off-tick price is rejected by the exchange. Rounding it silently would
    send a price the author did not write.

    Example:
    GTT BUY 10 TCS trigger 3985.03 down limit 3990 product CNC
    # error: trigger price 3985.03 is not a multiple of the tick size 0.10

    Source:
    NSE circulars 2025-03-13 (tick sizes by price band, via fyers.in); the NSE
    and BSE contract specifications (index futures and options); INDstocks Smart
    Order APIs, https://api-docs.indstocks.com/smart_orders/
    (TriggerPriceTickSize, TriggerLimitPriceTickSize); the instrument master's
    tick_size.
    """
    inst = _instrument(stmt)
    if inst is None or inst.type == "IDX":
        return
    refdata = ctx.refdata
    last = refdata.last_price(inst.symbol)  # a share's band follows its price, not the order's
    found = refdata.tick(inst, last, ctx.as_of) if last else None
    for leg, what, field in stmt.prices():
        price = field.value
        if price <= 0:
            continue
        if not last:
            found = refdata.tick(inst, price, ctx.as_of)
        if found is None:
            continue
        tick, source = found
        if price % tick:
            below = price - price % tick
            name = "trigger" if what == "trigger" else "limit"
            key = "trigger_tick" if what == "trigger" else "limit_tick"
            ctx.report(
                field,
                f"{name} price {price} is not a multiple of the tick size {tick}{ctx.named(key)}",
                f"nearest valid prices: {_plain(below)} or {_plain(below + tick)}; tick {tick} from {source}",
            )


def _plain(d: Decimal) -> str:
    return format(d, "f")


@rule("freeze-quantity", on=("CREATE *",))
def freeze_quantity(stmt, ctx):
    """
    What:
    One order may carry at most the freeze quantity of its underlying on the
    trading day (--as-of): NIFTY 1800, BANKNIFTY 600, FINNIFTY 1800,
    MIDCPNIFTY 2800, NIFTYNXT50 600 from 2026-02-01. A Groww instrument master
    publishes the first quantity that freezes (BANKNIFTY 601), which ordspec
    reads as one unit less.

    Decision:
    The exchange rejects orders "above" the freeze quantity; INDstocks
    documents QtyWithinFreezeQty as "Qty should be less than freeze qty". For
    INDstocks ordspec takes the broker's stricter word (less than); elsewhere
    the exchange's (at most).

    Why:
    The exchange rejects orders above the freeze quantity; larger exits must be
    split.

    Example:
    GTT SELL 1820 NIFTY26DEC26000CE trigger 100 down market product NRML   # as of 2026-03-02
    # error: quantity 1820 is above the freeze quantity of 1800 for NIFTY

    Source:
    NSE circular 2026-01-30 (quantity freeze limits); INDstocks Smart Order
    APIs, https://api-docs.indstocks.com/smart_orders/ (QtyWithinFreezeQty).
    """
    inst = _instrument(stmt)
    if inst is None or inst.freeze is None or stmt.qty is None:
        return
    limit, source = inst.freeze
    strict = ctx.offered(stmt) and ctx.broker.setting("freeze_strict")
    if stmt.qty.value > limit or (strict and stmt.qty.value == limit):
        most = limit - 1 if strict else limit
        what = f"is not less than the freeze quantity of {limit}" if strict else f"is above the freeze quantity of {limit}"
        ctx.report(
            stmt.qty,
            f"quantity {stmt.qty.value} {what} for {inst.underlying}{ctx.named('freeze')}",
            f"split it into orders of at most {most}; {source}",
        )
