"""Problems `ordspec simulate` finds in a price path (--prices), and in orders the path has no prices for."""

from __future__ import annotations

from ordspec.rules.declare import declare

declare(
    "price-data",
    doc="""
    What:
    A price path is a CSV of ticks (`time,symbol,price`) or candles
    (`time,symbol,open,high,low,close[,volume]`), told apart by its header. A
    header with an unknown or missing column, a row with the wrong number of
    fields, a time that is not ISO 8601, a price that is not a plain decimal
    above zero, a candle whose high and low do not enclose its open and
    close, or a row earlier than the one before it for the same symbol is
    reported at its line and column. Nothing is simulated until the file
    reads cleanly.

    Why:
    A skipped or misread row changes the path, and with it which trigger
    fires first: a timeline built on a guess would look as certain as one
    built on the file. Prices are read as decimals, never through a float.

    Example:
    time,symbol,price
    2025-01-16T09:15:00,TCS,3990.5
    2025-01-16T09:14:00,TCS,3984
    # error: TCS at 2025-01-16T09:14:00+05:30 is earlier than its row on line 2

    Source:
    ordspec policy. Candle times are the candle's start, as Kite Connect's
    historical candles and Upstox's serve them; times without an offset are
    India time (+05:30).
    """,
)

declare(
    "no-prices",
    doc="""
    What:
    `ordspec simulate` arms every order of the file on the path of its
    symbol; an order (or a SIP scrip) whose symbol has no row in the price
    file is reported at the symbol, and nothing is simulated.

    Why:
    Leaving the order out would print a timeline that looks complete and
    says nothing of it; a misspelt symbol in either file would go unseen.

    Example:
    A file with `GTT BUY 10 INFY trigger 1450 down limit 1452`, and a price file of TCS rows only
    # error: the price file has no rows for INFY

    Source:
    ordspec policy.
    """,
)
