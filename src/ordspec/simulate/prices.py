"""Reading a price path: ticks (time,symbol,price) or candles (time,symbol,open,high,low,close[,volume]).

The header tells which. Times are ISO 8601, India time when they carry no offset; a candle's
time is its start (as Kite and Upstox serve them). Prices are plain decimals, read with
Decimal. Every row that cannot be read is a `price-data` diagnostic at its file:line:column,
never an exception: a path with any of them is not simulated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from ordspec.simulate.engine import IST, Candle, Point
from ordspec.source import Span

TICK_COLUMNS = ("time", "symbol", "price")
CANDLE_COLUMNS = ("time", "symbol", "open", "high", "low", "close")
OPTIONAL = ("volume",)
MAX_FILE = 256 * 1024 * 1024
MAX_REPORTED = 20
BLANKS = " \t"  # only these are trimmed: any other character is read, and checked


@dataclass
class Path:
    file: str
    text: str
    kind: str = "ticks"  # or "candles"
    rows: list = field(default_factory=list)  # Point or Candle, in time order
    symbols: dict = field(default_factory=dict)  # symbol -> first row

    @property
    def first(self):
        return self.rows[0].time if self.rows else None

    @property
    def last(self):
        return self.rows[-1].time if self.rows else None


class _Reader:
    def __init__(self, name: str):
        self.name = name
        self.diagnostics: list = []
        self.more = 0

    def report(self, line: int, column: int, width: int, message: str, help: str | None = None) -> None:
        from ordspec.diagnostics import Report

        if len(self.diagnostics) >= MAX_REPORTED:
            self.more += 1
            return
        self.diagnostics.append(Report("price-data", self.name, Span(line, column, line, column + max(width, 1)), message, help))


def _fields(text: str):
    """The comma-separated fields of a line with their 1-based columns; a double-quoted field may hold commas."""
    out, i, n = [], 0, len(text)
    while True:
        if i < n and text[i] == '"':
            j = i + 1
            value = []
            while True:
                k = text.find('"', j)
                if k < 0:
                    return None, i + 1  # an unterminated quote
                value.append(text[j:k])
                if text[k + 1 : k + 2] == '"':
                    value.append('"')
                    j = k + 2
                    continue
                j = k + 1
                break
            end = text.find(",", j)
            end = n if end < 0 else end
            if text[j:end].strip(BLANKS):
                return None, j + 1  # text after a closing quote
            out.append(("".join(value), i + 1))
        else:
            end = text.find(",", i)
            end = n if end < 0 else end
            out.append((text[i:end], i + 1))
        if end >= n:
            return out, None
        i = end + 1


def read_time(text: str):
    """(aware datetime in IST, None) or (None, why)."""
    word = text.strip(BLANKS)
    if not word or not word.isascii() or not word[:4].isdigit():
        return None, f"`{text}` is not a time: write ISO 8601, such as 2025-01-16T09:15:00 (India time) or 2025-01-16T09:15:00+05:30"
    try:
        t = datetime.fromisoformat(word)
    except ValueError:
        return None, f"`{text}` is not a valid ISO 8601 time"
    return (t.replace(tzinfo=IST) if t.tzinfo is None else t.astimezone(IST)), None


def read_price(text: str, what: str = "price"):
    """(Decimal, None) or (None, why): a plain decimal above zero."""
    from ordspec.values import decimal

    word = text.strip(BLANKS)
    if word.startswith("-"):
        return None, f"{what} `{word}` is below zero"
    value, problem = decimal(word, what)
    if problem is not None:
        return None, problem.message + (f": {problem.help}" if problem.help else "")
    if value <= 0:
        return None, f"{what} {word} is not above zero"
    return value, None


def _header(reader: _Reader, fields, line: int):
    names = [t.strip(BLANKS).lower() for t, _ in fields]
    for (text, col), name in zip(fields, names):
        if name not in TICK_COLUMNS + CANDLE_COLUMNS + OPTIONAL:
            reader.report(line, col, len(text), f"unknown column `{text.strip(BLANKS)}`", "ticks: time,symbol,price; candles: time,symbol,open,high,low,close[,volume]")
            return None
        if names.count(name) > 1:
            reader.report(line, col, len(text), f"column `{name}` is named twice")
            return None
    kind = "candles" if "open" in names else "ticks"
    if "price" in names and kind == "candles":
        reader.report(line, 1, len(",".join(t for t, _ in fields)), "a file holds ticks (price) or candles (open, high, low, close), not both")
        return None
    needed = CANDLE_COLUMNS if kind == "candles" else TICK_COLUMNS
    missing = [c for c in needed if c not in names]
    if kind == "ticks" and "volume" in names:
        missing = missing or ["open"]
    if missing:
        reader.report(line, 1, len(",".join(t for t, _ in fields)), f"the header lacks {', '.join(missing)}", f"{kind}: {','.join(needed)}")
        return None
    return kind, {name: i for i, name in enumerate(names)}


def read(name: str, data: bytes) -> tuple[Path | None, list]:
    """The path in `data` (the bytes of file `name`) and what is wrong with it (price-data Reports); the path is None when anything is."""
    reader = _Reader(name)
    if len(data) > MAX_FILE:
        reader.report(1, 1, 1, f"this file is larger than {MAX_FILE // 2**20} MiB")
        return None, reader.diagnostics
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        reader.report(line, 1, 1, "this file is not UTF-8 text")
        return None, reader.diagnostics
    path = Path(name, text)
    columns = None
    last: dict[str, tuple] = {}  # symbol -> (time, line)
    rows = []
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip(BLANKS):
            continue
        if "\x00" in line or "\r" in line:
            reader.report(number, (line.find("\x00") if "\x00" in line else line.find("\r")) + 1, 1, "a control character in a price file")
            continue
        fields, bad = _fields(line)
        if fields is None:
            reader.report(number, bad, 1, "an unterminated or misplaced double quote")
            continue
        if columns is None:
            found = _header(reader, fields, number)
            if found is None:
                return None, reader.diagnostics
            path.kind, columns = found
            continue
        if len(fields) != len(columns):
            reader.report(number, 1, len(line), f"{len(fields)} columns where the header has {len(columns)}")
            continue
        row = _row(reader, path.kind, columns, fields, number)
        if row is None:
            continue
        seen = last.get(row.symbol)
        if seen is not None and (row.time < seen[0] or (row.time == seen[0] and path.kind == "candles")):
            text_at, col = fields[columns["time"]]
            what = "earlier than" if row.time < seen[0] else "the same time as"
            reader.report(number, col, len(text_at), f"{row.symbol} at {row.time.isoformat()} is {what} its row on line {seen[1]}", "rows of one symbol go in time order")
            continue
        last[row.symbol] = (row.time, number)
        path.symbols.setdefault(row.symbol, number)
        rows.append(row)
    if columns is None:
        reader.report(1, 1, 1, "no header: the first line names the columns (time,symbol,price or time,symbol,open,high,low,close)")
    elif not rows and not reader.diagnostics:
        reader.report(1, 1, 1, "no prices: the file has a header and no rows")
    if reader.more:
        last_line = reader.diagnostics[-1].line
        reader.diagnostics.append(_more(name, last_line, reader.more))
    if reader.diagnostics:
        return None, reader.diagnostics
    rows.sort(key=lambda r: r.time)  # stable: rows at one time keep the file's order
    path.rows = rows
    return path, []


def _more(name: str, line: int, count: int):
    from ordspec.diagnostics import Report

    return Report("price-data", name, Span(line, 1, line, 2), f"{count} more rows cannot be read")


def _row(reader: _Reader, kind: str, columns: dict, fields, number: int):
    def at(column: str):
        return fields[columns[column]]

    source = f"{reader.name}:{number}"
    text, col = at("time")
    when, why = read_time(text)
    if why:
        reader.report(number, col, len(text), why)
        return None
    text, col = at("symbol")
    symbol = text.strip(BLANKS)
    if not symbol or not symbol.isascii() or not symbol.isprintable() or " " in symbol:
        reader.report(number, col, max(len(text), 1), f"`{text}` is not a symbol: symbols are ASCII words such as TCS or NIFTY25OCT24000CE")
        return None
    prices = {}
    for name in ("price",) if kind == "ticks" else ("open", "high", "low", "close"):
        text, col = at(name)
        value, why = read_price(text, name)
        if why:
            reader.report(number, col, len(text), why)
            return None
        prices[name] = value
    if kind == "ticks":
        return Point(when, symbol, prices["price"], source)
    if "volume" in columns:
        text, col = at("volume")
        if not (text.strip(BLANKS).isdigit() and text.strip(BLANKS).isascii()):
            reader.report(number, col, len(text), f"volume `{text}` is not a whole number")
            return None
    o, h, lo, c = prices["open"], prices["high"], prices["low"], prices["close"]
    if not (lo <= min(o, c) and max(o, c) <= h):
        reader.report(number, 1, len(",".join(t for t, _ in fields)), f"open {o}, high {h}, low {lo}, close {c}: the high and low must enclose the open and the close")
        return None
    return Candle(when, symbol, o, h, lo, c, source)
