"""Reading NSE/BSE trading symbols: NIFTY25OCT24000CE, NIFTY25OCTFUT, NIFTY25O0924000CE.

Monthly contracts name the month (YY + MON); weekly options name the day as
YY + M + DD, where M is 1-9 for January to September and O, N, D for October
to December (the exchanges' convention, as in Groww's trading_symbol).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTHLY = re.compile(
    r"(?P<u>[A-Z0-9&-]+?)(?P<yy>[0-9]{2})(?P<mon>" + "|".join(MONTHS) + r")"
    r"(?:(?P<fut>FUT)|(?P<strike>[0-9]+(?:\.[0-9]+)?)(?P<opt>CE|PE))"
)
_WEEKLY = re.compile(r"(?P<u>[A-Z0-9&-]+?)(?P<yy>[0-9]{2})(?P<m>[1-9OND])(?P<dd>[0-9]{2})(?P<strike>[0-9]+(?:\.[0-9]+)?)(?P<opt>CE|PE)")
_WEEKLY_MONTH = {**{str(i): i for i in range(1, 10)}, "O": 10, "N": 11, "D": 12}
_SERIES = re.compile(r"(?P<u>[A-Z0-9&]+(?:-[A-Z0-9&]+)*?)-(?:EQ|BE|BZ|SM|ST)")
LOOKS_DERIVATIVE = re.compile(r".*[0-9]{2}.*(?:FUT|CE|PE)")


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


def parse(symbol: str) -> Contract | None:
    """The contract a derivative symbol names, an equity for a plain symbol, or None."""
    m = _MONTHLY.fullmatch(symbol)
    if m:
        year, month = 2000 + int(m["yy"]), MONTHS.index(m["mon"]) + 1
        expiry = _month_end(year, month)
        if m["fut"]:
            return Contract(m["u"], "FUT", expiry)
        return Contract(m["u"], m["opt"], expiry, strike=Decimal(m["strike"]))
    m = _WEEKLY.fullmatch(symbol)
    if m:
        try:
            expiry = date(2000 + int(m["yy"]), _WEEKLY_MONTH[m["m"]], int(m["dd"]))
        except ValueError:
            return None
        return Contract(m["u"], m["opt"], expiry, exact=True, strike=Decimal(m["strike"]))
    if LOOKS_DERIVATIVE.fullmatch(symbol):
        return None  # looks like a contract but is not one we can read
    m = _SERIES.fullmatch(symbol)
    return Contract(m["u"] if m else symbol, "EQ")


def example_contracts(underlying: str, on: date) -> str:
    """Symbols to suggest for an index: this month's future and an option."""
    yy, mon = f"{on.year % 100:02d}", MONTHS[on.month - 1]
    return f"{underlying}{yy}{mon}FUT or an option such as {underlying}{yy}{mon}<strike>CE"
