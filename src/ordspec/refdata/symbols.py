"""Reading NSE/BSE trading symbols: NIFTY25OCT24000CE, NIFTY25OCTFUT, NIFTY25O0924000CE.

Monthly contracts name the month (YY + MON); weekly options name the day as
YY + M + DD, where M is 1-9 for January to September and O, N, D for October
to December (the exchanges' convention, as in Groww's trading_symbol).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKLY_MONTH = {**{str(i): i for i in range(1, 10)}, "O": 10, "N": 11, "D": 12}
SERIES = ("EQ", "BE", "BZ", "SM", "ST")  # NSE series suffixes, as in Codifi's TCS-EQ


@cache
def _patterns():
    # compiled on first use: most lines name a share, which needs none of them
    monthly = re.compile(
        r"(?P<u>[A-Z0-9&-]+?)(?P<yy>[0-9]{2})(?P<mon>" + "|".join(MONTHS) + r")"
        r"(?:(?P<fut>FUT)|(?P<strike>[0-9]+(?:\.[0-9]+)?)(?P<opt>CE|PE))"
    )
    # after the underlying: YY M DD STRIKE CE|PE (the underlying is found by trying each split)
    weekly = re.compile(r"(?P<yy>[0-9]{2})(?P<m>[1-9OND])(?P<dd>[0-9]{2})(?P<strike>[0-9]+(?:\.[0-9]+)?)(?P<opt>CE|PE)")
    return monthly, weekly


def looks_derivative(symbol: str) -> bool:
    """Two digits somewhere and an FUT, CE or PE ending: meant as a contract."""
    return symbol.endswith(("FUT", "CE", "PE")) and any(a.isdigit() and b.isdigit() for a, b in zip(symbol, symbol[1:]))


class Contract:
    """What a symbol says about itself."""

    __slots__ = ("underlying", "type", "expiry", "expiry_exact", "strike")

    def __init__(self, underlying: str, type: str, expiry: date | None = None, exact: bool = False, strike=None):
        self.underlying = underlying
        self.type = type  # EQ, FUT, CE or PE
        self.expiry = expiry  # weekly: the day; monthly: the last day of the month
        self.expiry_exact = exact
        self.strike: Decimal | None = strike

    @property
    def expiry_month(self) -> tuple[int, int] | None:
        return (self.expiry.year, self.expiry.month) if self.expiry else None


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def parse(symbol: str, known: frozenset | set = frozenset()) -> Contract | None:
    """The contract a derivative symbol names, an equity for a plain symbol, or None.

    `known` underlyings settle a weekly symbol that splits more than one way.
    """
    if not any(c.isdigit() for c in symbol):
        return _equity(symbol)
    monthly, weekly = _patterns()
    m = monthly.fullmatch(symbol)
    if m:
        year, month = 2000 + int(m["yy"]), MONTHS.index(m["mon"]) + 1
        expiry = _month_end(year, month)
        if m["fut"]:
            return Contract(m["u"], "FUT", expiry)
        return Contract(m["u"], m["opt"], expiry, strike=Decimal(m["strike"]))
    # A weekly symbol can split more than one way when the underlying ends in
    # digits: NIFTYNXT50 25 1 09 70000 CE, or NIFTYNXT5 02 5 10 970000 CE. Weekly
    # options are index options, so a known underlying wins; else the first real date.
    found = []
    for cut in range(1, len(symbol) - 6):
        m = weekly.fullmatch(symbol, cut)
        if m is None:
            continue
        try:
            expiry = date(2000 + int(m["yy"]), _WEEKLY_MONTH[m["m"]], int(m["dd"]))
        except ValueError:
            continue
        found.append(Contract(symbol[:cut], m["opt"], expiry, exact=True, strike=Decimal(m["strike"])))
    if found:
        return next((c for c in found if c.underlying in known), found[0])
    if looks_derivative(symbol):
        return None  # looks like a contract but is not one we can read
    return _equity(symbol)


def _equity(symbol: str) -> Contract:
    base, dash, series = symbol.rpartition("-")
    return Contract(base if dash and base and series in SERIES else symbol, "EQ")


def example_contracts(underlying: str, on: date) -> str:
    """Symbols to suggest for an index: this month's future and an option."""
    yy, mon = f"{on.year % 100:02d}", MONTHS[on.month - 1]
    return f"{underlying}{yy}{mon}FUT or an option such as {underlying}{yy}{mon}<strike>CE"
