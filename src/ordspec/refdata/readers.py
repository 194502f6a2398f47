"""Reading the CSV side inputs: instrument masters (Groww's, INDstocks') and last prices (--quotes).

One policy for all of them. A file ordspec cannot read as what it claims to be (unreadable, not
UTF-8, not CSV, empty, a column it needs missing or a column named twice) is a MasterError: exit 2,
nothing checked. A row it cannot use (too few or too many fields, a value unreadable or out of
range, a contract or symbol listed again with other values) is skipped, reported at its line
(`instrument-data`), and nothing of it is used. Numbers are plain decimals read as Decimal, with
the bounds order prices have (values.py); a tick below MIN_TICK is refused, so that checking a
price against a tick never needs more digits than Decimal carries.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from ordspec.dates import date
from ordspec.source import regex
from ordspec.values import MAX_INTEGER_DIGITS, MAX_PLACES, is_plain

MIN_TICK = Decimal("0.0001")  # finer than any exchange's (NSE currency futures tick 0.0025)
INDSTOCKS_COLUMNS = ("EXCH", "SEGMENT", "SECURITY_ID", "TRADING_SYMBOL", "LOT_UNITS", "EXPIRY_DATE", "STRIKE_PRICE", "OPTION_TYPE", "TICK_SIZE")
GROWW_COLUMNS = (
    "exchange",
    "exchange_token",
    "trading_symbol",
    "groww_symbol",
    "name",
    "instrument_type",
    "segment",
    "series",
    "isin",
    "underlying_symbol",
    "underlying_exchange_token",
    "expiry_date",
    "strike_price",
    "lot_size",
    "tick_size",
    "freeze_quantity",
    "is_reserved",
    "buy_allowed",
    "sell_allowed",
)
GROWW_TYPES = ("EQ", "IDX", "FUT", "CE", "PE")
GROWW_SEGMENTS = ("", "CASH", "FNO", "COMMODITY", "CURRENCY")
INDSTOCKS_SEGMENTS = {"EQUITY": "CASH", "E": "CASH", "DERIVATIVE": "FNO", "D": "FNO", "FNO": "FNO"}


class MasterError(Exception):
    """An instrument or quotes file ordspec cannot use at all (exit 2)."""


class BadRow(ValueError):
    """A row to skip; the message says why."""


def quoted(text: str) -> str:
    """A value from a file, safe to print: short, and escaped unless plain printable ASCII."""
    import json  # only on this error path: lint's start imports no json

    if text.isascii() and text.isprintable() and len(text) <= 30:
        return f"`{text}`"
    return json.dumps(text[:30] + ("..." if len(text) > 30 else ""))


class _csv:
    """A csv.reader over a file, with read errors turned into MasterError (exit 2)."""

    def __init__(self, path: str, what: str):
        self.path = path
        self.what = what

    def __enter__(self):
        import csv

        try:
            self.file = open(self.path, newline="", encoding="utf-8-sig")
        except OSError as e:
            raise MasterError(f"cannot read {self.what} {self.path}: {e.strerror or e}") from None
        return csv.reader(self.file)

    def __exit__(self, kind, error, tb):
        import csv

        self.file.close()
        if isinstance(error, UnicodeDecodeError):
            raise MasterError(f"{self.path} is not UTF-8 text: expected a CSV {self.what}") from None
        if isinstance(error, csv.Error):
            raise MasterError(f"{self.path} is not a CSV file: {error}") from None
        return False


def _header(reader, path: str, what: str, normal=lambda name: name) -> list[str]:
    header = [normal(name) for name in next(reader, None) or []]
    if not any(header):
        raise MasterError(f"{path} is empty: expected a CSV {what} with a header line")
    twice = sorted({name for name in header if name and header.count(name) > 1})
    if twice:
        raise MasterError(f"{path}: the column {', '.join(twice)} is named twice in the header: which one holds the values is not known")
    return header


def _rows(reader, width: int, path: str, problems: list):
    """(line, fields) of every row that has the header's width; the others are reported, blank ones ignored."""
    line = reader.line_num + 1
    for fields in reader:
        if any(f.strip() for f in fields):  # a blank row is no problem
            if len(fields) < width or any(f.strip() for f in fields[width:]):  # shifted by a stray comma?
                problems.append((path, line, f"{len(fields)} columns, expected {width}"))
            else:
                yield line, fields
        line = reader.line_num + 1  # a quoted field may span lines: count lines, not rows


# -- values


# [+-]digits[.digits] with at most MAX_INTEGER_DIGITS significant digits before the point (group 1)
# and MAX_PLACES after it (group 2, trailing zeros aside): values.is_plain and the bounds, in one match
_PLAIN = r"[+-]?(?=[0-9])0*([0-9]{0,%d})(?:\.(?=[0-9])([0-9]*?)0*)?" % MAX_INTEGER_DIGITS


def _number(text: str, name: str) -> Decimal:
    match = regex(_PLAIN).fullmatch(text)
    if match is None or len(match.group(2) or "") > MAX_PLACES:
        if not is_plain(text):
            raise BadRow(f"{name} {quoted(text)} is not a plain decimal number")
        raise BadRow(f"{name} {quoted(text)} is out of range: at most {MAX_INTEGER_DIGITS} digits before the point and {MAX_PLACES} after")
    return Decimal(text)


def _whole(text: str, name: str, least: int) -> int:
    number = _number(text, name)
    if number != number.to_integral_value():
        raise BadRow(f"{name} {quoted(text)} is not a whole number")
    if number < least:
        raise BadRow(f"{name} {text} is not {'above zero' if least == 1 else 'zero or more'}")
    return int(number)


@lru_cache(maxsize=4096)  # a master repeats its lots, ticks and dates
def lot(text: str, name: str) -> int:
    return _whole(text, name, 1)


@lru_cache(maxsize=4096)
def freeze(text: str, name: str) -> int:
    return _whole(text, name, 0)


@lru_cache(maxsize=4096)
def tick(text: str, name: str) -> Decimal:
    if not is_plain(text):
        try:
            value = Decimal(text)
        except ArithmeticError:
            value = None
        if value is not None and value.is_finite() and 0 < value < MIN_TICK:  # 1e-30: say what is wrong with it
            raise BadRow(f"{name} {quoted(text)} is below {MIN_TICK}, the smallest tick ordspec takes")
        raise BadRow(f"{name} {quoted(text)} is not a plain decimal number")
    value = Decimal(text)
    if value <= 0:
        raise BadRow(f"{name} {text} is not above zero")
    if value < MIN_TICK:
        raise BadRow(f"{name} {quoted(text)} is below {MIN_TICK}, the smallest tick ordspec takes")
    return _number(text, name)


@lru_cache(maxsize=4096)
def price(text: str, name: str) -> Decimal:
    value = _number(text, name)
    if value <= 0:
        raise BadRow(f"{name} {text} is not a price above zero")
    return value


@lru_cache(maxsize=4096)
def strike(text: str, name: str) -> Decimal:
    return _number(text, name)


@lru_cache(maxsize=4096)
def expiry(text: str, name: str) -> date:
    """ISO (2025-10-28) or day first (28-10-2025), as masters write expiry dates."""
    day = text[:10]
    if len(day) == 10 and day[2] == "-" and day[5] == "-":
        day = f"{day[6:]}-{day[3:5]}-{day[:2]}"
    try:
        if not (day.isascii() and len(day) == 10):
            raise ValueError
        return date.fromisoformat(day)
    except ValueError:
        raise BadRow(f"{name} {quoted(text)} is not a date (YYYY-MM-DD or DD-MM-YYYY)") from None


def _read(fields: list, col: dict, readers) -> dict:
    read = {}
    for name, reader in readers:
        text = fields[col[name]].strip()
        read[name] = reader(text, name) if text else None
    return read


# -- the formats

GROWW_READERS = (("lot_size", lot), ("tick_size", tick), ("freeze_quantity", freeze), ("expiry_date", expiry), ("strike_price", strike))
INDSTOCKS_READERS = (("LOT_UNITS", lot), ("TICK_SIZE", tick), ("EXPIRY_DATE", expiry), ("STRIKE_PRICE", strike))


def groww_row(fields: list, col: dict, underlyings) -> tuple:
    """(key, row) of one row of Groww's master; row as RefData.master keeps it."""
    get = lambda name: fields[col[name]].strip()  # noqa: E731
    read = _read(fields, col, GROWW_READERS)
    kind, segment = get("instrument_type").upper(), get("segment").upper()
    if kind not in GROWW_TYPES:
        raise BadRow(f"instrument_type {quoted(get('instrument_type'))} is not {', '.join(GROWW_TYPES[:-1])} or {GROWW_TYPES[-1]}")
    if segment not in GROWW_SEGMENTS:
        raise BadRow(f"segment {quoted(get('segment'))} is not {', '.join(GROWW_SEGMENTS[1:-1])} or {GROWW_SEGMENTS[-1]}")
    symbol = get("trading_symbol")
    if not symbol:
        raise BadRow("no trading_symbol")
    row = (kind, segment or None, get("underlying_symbol") or symbol, read["expiry_date"], read["strike_price"],
           read["lot_size"], read["tick_size"], read["freeze_quantity"], None)
    return (get("exchange").upper(), symbol), row


def indstocks_row(fields: list, col: dict, underlyings) -> tuple:
    from ordspec.refdata.symbols import parse

    get = lambda name: fields[col[name]].strip()  # noqa: E731
    read = _read(fields, col, INDSTOCKS_READERS)
    option = get("OPTION_TYPE").upper()
    segment = INDSTOCKS_SEGMENTS.get(get("SEGMENT").upper())
    kind = option if option in ("CE", "PE") else ("FUT" if segment == "FNO" else "EQ")
    symbol = get("TRADING_SYMBOL")
    if not symbol:
        raise BadRow("no TRADING_SYMBOL")
    parsed = parse(symbol, underlyings)
    row = (kind, segment, parsed.underlying if parsed else symbol, read["EXPIRY_DATE"], read["STRIKE_PRICE"],
           read["LOT_UNITS"], read["TICK_SIZE"], None, get("SECURITY_ID") or None)
    return (get("EXCH").upper(), symbol), row


def read_master(path: str, master: dict, conflicts: set, problems: list, underlyings) -> None:
    """Add the rows of one master file to `master` ((exchange, symbol) -> row + (where,))."""
    with _csv(path, "instrument file") as reader:
        header = _header(reader, path, "instrument file")
        if all(c in header for c in GROWW_COLUMNS):
            columns, read = GROWW_COLUMNS, groww_row
        elif all(c in header for c in INDSTOCKS_COLUMNS):
            columns, read = INDSTOCKS_COLUMNS, indstocks_row
        else:
            missing = [c for c in GROWW_COLUMNS if c not in header]
            raise MasterError(
                f"{path} is not a Groww instrument CSV (missing column(s) {', '.join(missing)}) "
                f"nor an INDstocks one (columns {', '.join(INDSTOCKS_COLUMNS)})"
            )
        col = {name: header.index(name) for name in columns}
        for line, fields in _rows(reader, len(header), path, problems):
            try:
                key, row = read(fields, col, underlyings)
            except BadRow as e:
                problems.append((path, line, str(e)))
                continue
            _keep(master, conflicts, key, row + (f"{path}, line {line}",), problems, path, line)


def _keep(master: dict, conflicts: set, key, row: tuple, problems: list, path: str, line: int) -> None:
    """A contract listed twice: one row if they agree (filling what one leaves blank), none if not."""
    old = master.get(key)
    contract = f"{quoted(key[1])} on {quoted(key[0])}"
    if key in conflicts:
        problems.append((path, line, f"{contract} is listed with different values more than once: no row for it is used"))
    elif old is None:
        master[key] = row
    elif all(a == b or a is None or b is None for a, b in zip(old[:9], row[:9])):
        master[key] = tuple(a if a is not None else b for a, b in zip(old[:9], row[:9])) + old[9:]
    else:
        del master[key]
        conflicts.add(key)
        problems.append((path, line, f"{contract} is listed again with other values ({old[9]}): neither row is used"))


def read_quotes(path: str, quotes: dict, problems: list) -> None:
    """symbol -> last price, from a CSV with the columns symbol and last_price (any others ignored)."""
    with _csv(path, "quotes file") as reader:
        header = _header(reader, path, "quotes file", normal=lambda name: name.strip().lower())
        if "symbol" not in header or "last_price" not in header:
            raise MasterError(f"{path} is not a quotes file: it needs the columns symbol and last_price")
        sym, last = header.index("symbol"), header.index("last_price")
        seen: dict[str, tuple] = {}  # symbol -> (price, line), conflicting ones included
        for line, fields in _rows(reader, len(header), path, problems):
            symbol, text = fields[sym].strip(), fields[last].strip()
            try:
                if not symbol or not (symbol.isascii() and symbol.isprintable() and " " not in symbol):
                    raise BadRow(f"symbol {quoted(symbol)} is not a trading symbol" if symbol else "a row without a symbol")
                value = price(text, "last_price") if text else None
                if value is None:
                    raise BadRow(f"no last_price for {symbol}")
            except BadRow as e:
                problems.append((path, line, str(e)))
                continue
            before = seen.get(symbol)
            if before is None:
                seen[symbol] = (value, line)
                quotes[symbol] = value
            elif before[0] != value or symbol not in quotes:
                quotes.pop(symbol, None)
                problems.append((path, line, f"{symbol} is quoted again at {text} (line {before[1]} says {before[0]}): neither price is used"))
