"""Rules on how a trading symbol reads: a contract symbol that does not read as a contract."""

from __future__ import annotations

from ordspec.refdata.symbols import may_be_contract, meant_underlying, parse, problem, shapes
from ordspec.rules.declare import rule
from ordspec.source import ascii_upper


def misread_contract(stmt, ctx) -> tuple[str, str] | None:
    """(message, help) when the order's symbol is meant as a contract on a known underlying but does not read as one."""
    inst = stmt.instrument
    if stmt.verb != "CREATE" or stmt.symbol is None or (inst is not None and (inst.origin == "master" or inst.type != "EQ")):
        return None
    symbol = stmt.symbol.value
    upper = ascii_upper(symbol)
    if not may_be_contract(upper):  # a share's symbol: no underlying to read it against (nor their tables to read)
        return None
    known = ctx.refdata.underlyings
    underlying = meant_underlying(upper, known)
    if underlying is None:
        return None
    if upper != symbol and parse(upper, known) is not None:
        return f"`{symbol}` is not upper case, as contract symbols are", f"write {upper}"
    return (
        f"{symbol} does not read as a {underlying} contract: {problem(upper, underlying)}",
        f"write {shapes(underlying, ctx.as_of)}; an instrument master (--instruments) that lists {symbol} settles what it is",
    )


@rule("contract-symbol", on=("CREATE *",))
def contract_symbol(stmt, ctx):
    """
    What:
    A symbol that starts with a derivative underlying ordspec knows (NIFTY,
    BANKNIFTY, FINNIFTY, MIDCPNIFTY, NIFTYNXT50, SENSEX, BANKEX, the MCX
    commodities, and every underlying of an --instruments master) and goes on
    as a contract symbol does (the two digits of a year next, or an FUT, CE or
    PE ending), but does not read as a contract on it: NIFTY30DEC26000C (CE or
    PE cut short), NIFTY30DEC26000 (no option type), NIFTY30DECFU, a weekly
    option on a day that does not exist (NIFTY2623024000CE: 30 February), or
    a contract symbol in lower case. A plain index name is index-symbol's.

    Decision:
    Shares and ETFs named after an index or a commodity go on otherwise
    (NIFTYBEES, NIFTY1, BANKNIFTY1, GOLDIAM, SILVERBEES), so they stay shares;
    so does any symbol ending in BEES or ETF (an ETF, never a contract). A
    symbol an instrument master lists is what the master says.

    Why:
    Read as a share, such a symbol compiles to a CASH order that skips every
    derivatives check, and the broker rejects it or, worse, finds something
    else.
    This rule cannot be suppressed: the request would be a share's (segment
    CASH, no lot, tick or expiry check) for what the author meant as a contract.

    Example:
    GTT BUY 75 NIFTY30DEC26000C trigger 100 up market product NRML
    # error: NIFTY30DEC26000C does not read as a NIFTY contract: the strike 26000 needs CE or PE after it

    Source:
    NSE and BSE trading symbols as brokers' instrument masters list them (Groww's
    trading_symbol: NIFTY25OCT24000CE, ASIANPAINT25FEBFUT); ordspec policy for
    the ETF exception.
    """
    found = misread_contract(stmt, ctx)
    if found is not None:
        ctx.report(stmt.symbol, *found)
