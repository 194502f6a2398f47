"""Reading NSE/BSE trading symbols: NIFTY25OCT24000CE, NIFTY25OCTFUT, NIFTY25O0924000CE.

Monthly contracts name the month (YY + MON); weekly options name the day as
YY + M + DD, where M is 1-9 for January to September and O, N, D for October
to December (the exchanges' convention, as in Groww's trading_symbol).

A symbol that starts with a known derivative underlying and goes on as a
contract does (two digits of a year next, or an FUT, CE or PE ending) is meant
as a contract: if it does not read as one on that underlying, parse() returns
None, never a share (NIFTY30DEC26000C, NIFTY2623024000CE: there is no 30
February). Shares and ETFs named after an index or a commodity go on otherwise
(NIFTYBEES, NIFTY1, BANKNIFTY1, GOLDIAM, SILVERBEES) and stay shares; so does
any symbol that ends in BEES or ETF (an ETF, never a contract); an instrument
master is authoritative for the symbols it lists.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from ordspec.dates import date, timedelta
from ordspec.source import ascii_upper, regex

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKLY_MONTH = {**{str(i): i for i in range(1, 10)}, "O": 10, "N": 11, "D": 12}
SERIES = ("EQ", "BE", "BZ", "SM", "ST")  # NSE series suffixes, as in Codifi's TCS-EQ
CONTRACT_ENDINGS = ("FUT", "CE", "PE")
ETF_ENDINGS = ("BEES", "ETF")  # NIFTYBEES, SENSEXIETF: funds named after an index, never contracts


@cache
def _patterns():
    # compiled on first use: most lines name a share, which needs none of them
    import re

    monthly = re.compile(
        r"(?P<u>[A-Z0-9&-]+?)(?P<yy>[0-9]{2})(?P<mon>" + "|".join(MONTHS) + r")"
        r"(?:(?P<fut>FUT)|(?P<strike>[0-9]+(?:\.[0-9]+)?)(?P<opt>CE|PE))"
    )
    # after the underlying: YY M DD STRIKE CE|PE (the underlying is found by trying each split)
    weekly = re.compile(r"(?P<yy>[0-9]{2})(?P<m>[1-9OND])(?P<dd>[0-9]{2})(?P<strike>[0-9]+(?:\.[0-9]+)?)(?P<opt>CE|PE)")
    return monthly, weekly


def looks_derivative(symbol: str) -> bool:
    """Two digits somewhere and an FUT, CE or PE ending: meant as a contract."""
    return symbol.endswith(CONTRACT_ENDINGS) and any(a.isdigit() and b.isdigit() for a, b in zip(symbol, symbol[1:]))


def may_be_contract(symbol: str) -> bool:
    """Whether a symbol could name a contract at all: a digit in it, or an FUT, CE or PE ending (in any
    case). Else it is a share whatever underlyings are known: parse and meant_underlying need none."""
    return ascii_upper(symbol[-3:]).endswith(CONTRACT_ENDINGS) or any(c.isdigit() for c in symbol)


def _year_digits(text: str) -> bool:
    return len(text) >= 2 and text[0] in "0123456789" and text[1] in "0123456789"


def meant_underlying(symbol: str, known) -> str | None:
    """The known underlying that `symbol` names a contract on, by its shape; None for a share.

    The longest known underlying the symbol starts with, when what follows it
    starts with the two digits of a year or ends in FUT, CE or PE.
    """
    if symbol.endswith(ETF_ENDINGS):
        return None
    for cut in range(len(symbol) - 1, 0, -1):
        if symbol[:cut] in known:
            rest = symbol[cut:]
            if _year_digits(rest) or rest.endswith(CONTRACT_ENDINGS):
                return symbol[:cut]
    return None


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

    `known` underlyings settle a weekly symbol that splits more than one way, and
    make a symbol meant as a contract on one of them (meant_underlying, in any
    case: nifty25oct24000ce) read as a contract on it or not at all.
    """
    meant = meant_underlying(symbol if symbol.isupper() else ascii_upper(symbol), known) if known else None
    found = _read(symbol, known)
    if meant is not None and (found is None or found.type == "EQ" or found.underlying != meant):
        return None
    return found


def _read(symbol: str, known) -> Contract | None:
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


def problem(symbol: str, underlying: str) -> str:
    """Why `symbol`, meant as a contract on `underlying`, does not read as one."""
    rest = symbol[len(underlying):]
    if not _year_digits(rest):
        return f"after {underlying} come the two digits of the expiry year"
    monthly, weekly = _patterns()
    day = weekly.fullmatch(rest)
    if day:
        year, month = 2000 + int(day["yy"]), _WEEKLY_MONTH[day["m"]]
        return f"a weekly option names its expiry day (YY M DD), and {year} has no {int(day['dd'])} {MONTH_NAMES[month - 1]}"
    if rest[2:5] not in MONTHS:
        return "after the year comes the month (JAN to DEC) or, in a weekly option, the day as M DD"
    tail = rest[5:]
    if tail.startswith("F"):
        return "a future ends in FUT"
    strike = regex(r"([0-9]+(?:\.[0-9]+)?)([CP]?)").fullmatch(tail)
    if strike:
        return f"the strike {strike[1]} needs CE or PE after it"
    return "after the month comes FUT, or a strike and CE or PE"


def shapes(underlying: str, on: date) -> str:
    """The contract shapes on an underlying, as of a day: for help lines."""
    yy, mon = f"{on.year % 100:02d}", MONTHS[on.month - 1]
    m = "123456789OND"[on.month - 1]
    return (
        f"a monthly option such as {underlying}{yy}{mon}24000CE (YY MON strike CE|PE), a weekly option such as "
        f"{underlying}{yy}{m}{on.day:02d}24000PE (YY M DD strike CE|PE; M is 1-9, O, N or D) or a future such as {underlying}{yy}{mon}FUT"
    )


def example_contracts(underlying: str, on: date) -> str:
    """Symbols to suggest for an index: this month's future and an option."""
    yy, mon = f"{on.year % 100:02d}", MONTHS[on.month - 1]
    return f"{underlying}{yy}{mon}FUT or an option such as {underlying}{yy}{mon}<strike>CE"
