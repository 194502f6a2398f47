"""Reference data: instruments, lot sizes, tick sizes and freeze quantities, with dates and sources.

Lot sizes belong to a contract's expiry; freeze quantities and tick-size bands
to the trading day (`--as-of`). A Groww instrument master (`--instruments`)
is authoritative for the contracts it lists; the bundled tables in data/ cover
the main index derivatives, each row with its source.
"""

from __future__ import annotations

import os
from datetime import date
from functools import cached_property
from decimal import Decimal, InvalidOperation

from ordspec.refdata.symbols import parse

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
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


class MasterError(Exception):
    """An instrument file ordspec cannot use at all (exit 2)."""


class Instrument:
    __slots__ = (
        "symbol",
        "exchange",
        "segment",  # CASH, FNO, COMMODITY or None (an index)
        "type",  # EQ, FUT, CE, PE or IDX
        "underlying",
        "expiry",
        "expiry_exact",  # False: a monthly contract read off its symbol (month known, day not)
        "strike",
        "lot",  # (int, source) or None
        "tick",  # (Decimal, source) from a master, or None: see RefData.tick
        "freeze",  # (int, source) or None: the most units one order may carry
        "origin",  # "master" or "symbol"
        "security_id",  # INDstocks' id, from its instrument master
    )

    def __init__(self, symbol: str, exchange: str, segment, type: str, underlying: str, origin: str):
        self.symbol = symbol
        self.exchange = exchange
        self.segment = segment
        self.type = type
        self.underlying = underlying
        self.origin = origin
        self.expiry = None
        self.expiry_exact = False
        self.strike = None
        self.lot = None
        self.tick = None
        self.freeze = None
        self.security_id = None

    @property
    def is_derivative(self) -> bool:
        return self.type in ("FUT", "CE", "PE")


class _csv:
    """A csv.reader over a file (a master or quotes), with read errors turned into MasterError (exit 2)."""

    def __init__(self, path: str, what: str):
        self.path = path
        self.what = what

    def __enter__(self):
        import csv

        try:
            self.file = open(self.path, newline="", encoding="utf-8-sig")
        except OSError as e:
            raise MasterError(f"cannot read {self.what} {self.path}: {e.strerror}") from None
        return csv.reader(self.file)

    def __exit__(self, kind, error, tb):
        import csv

        self.file.close()
        if isinstance(error, (csv.Error, UnicodeDecodeError)):
            raise MasterError(f"{self.path} is not a CSV file: {error}") from None
        return False


def _day(text: str) -> date:
    """ISO (2025-10-28) or day first (28-10-2025), as masters write expiry dates."""
    text = text[:10]
    if len(text) == 10 and text[2] == "-" and text[5] == "-":
        text = f"{text[6:]}-{text[3:5]}-{text[:2]}"
    return date.fromisoformat(text)


def _whole(text: str) -> int:
    number = Decimal(text)
    if number != number.to_integral_value():
        raise ValueError(f"{text} is not a whole number")
    return int(number)


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _fields(line: str) -> list[str]:
    """The fields of one line of a bundled table: commas, and double quotes around a field with commas."""
    out, field, quoted = [], [], False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == "," and not quoted:
            out.append("".join(field))
            field = []
        else:
            field.append(c)
    out.append("".join(field))
    return out


def _rows(name: str) -> list[dict]:
    # the bundled tables are simple CSV (no quotes inside fields, no line breaks in them), read
    # without the csv module, which the lint path need not import; masters use csv
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        lines = [line.rstrip("\r\n") for line in f if line.strip()]
    header = _fields(lines[0])
    return [dict(zip(header, _fields(line))) for line in lines[1:]]


class Tables:
    """The bundled tables, each read on first use."""

    @cached_property
    def lots(self):
        return [
            (r["exchange"], r["underlying"], int(r["lot_size"]), _date(r["expiry_from"]), _date(r["expiry_to"]), r["source"])
            for r in _rows("lot_sizes.csv")
        ]

    @cached_property
    def freezes(self):
        return [
            (r["exchange"], r["underlying"], int(r["freeze_quantity"]), _date(r["from"]), _date(r["to"]), r["source"])
            for r in _rows("freeze_quantities.csv")
        ]

    @cached_property
    def ticks(self):
        return [
            (
                r["exchange"],
                r["instrument"],
                Decimal(r["price_from"]),
                Decimal(r["price_to"]) if r["price_to"] else None,
                Decimal(r["tick_size"]),
                _date(r["from"]),
                _date(r["to"]),
                r["source"],
            )
            for r in _rows("tick_sizes.csv")
        ]

    @cached_property
    def indices(self):
        return {r["symbol"]: r["exchange"] for r in _rows("indices.csv")}

    @cached_property
    def commodities(self):
        return {r["underlying"] for r in _rows("commodities.csv")}

    @cached_property
    def underlyings(self) -> frozenset:
        """Every underlying the tables name: settles ambiguous weekly symbols."""
        return frozenset(self.indices) | {row[1] for row in self.lots} | self.commodities


def _within(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


class RefData:
    def __init__(self, master=None, quotes: str | None = None):
        masters = [master] if isinstance(master, str) else list(master or ())
        self.master_path = ", ".join(masters) or None
        self.tables = Tables()
        self.master: dict[tuple[str, str], tuple] | None = None
        self.master_problems: list[tuple[str, int, str]] = []  # (file, line, message) of rows skipped
        self.quotes: dict[str, Decimal] = {}
        for path in masters:
            self._load_master(path)
        if quotes:
            self._load_quotes(quotes)

    # -- instrument masters: Groww's CSV, or INDstocks' (told apart by their columns)

    def _load_master(self, path: str) -> None:
        with _csv(path, "instrument file") as reader:
            header = next(reader, None) or []
            if all(c in header for c in GROWW_COLUMNS):
                columns, row = GROWW_COLUMNS, self._groww_row
            elif all(c in header for c in INDSTOCKS_COLUMNS):
                columns, row = INDSTOCKS_COLUMNS, self._indstocks_row
            else:
                missing = [c for c in GROWW_COLUMNS if c not in header]
                raise MasterError(
                    f"{path} is not a Groww instrument CSV (missing column(s) {', '.join(missing)}) "
                    f"nor an INDstocks one (columns {', '.join(INDSTOCKS_COLUMNS)})"
                )
            col = {name: header.index(name) for name in columns}
            if self.master is None:
                self.master = {}
            line = reader.line_num + 1
            for fields in reader:
                if len(fields) < len(header):
                    if any(fields):
                        self.master_problems.append((path, line, f"{len(fields)} columns, expected {len(header)}"))
                else:
                    row(path, fields, col, line)
                line = reader.line_num + 1  # a quoted field may span lines: count lines, not rows

    def _read(self, path: str, line: int, fields: list, col: dict, readers, tick: str) -> dict | None:
        read = {}
        for name, reader in readers:
            text = fields[col[name]].strip()
            try:
                read[name] = reader(text) if text else None
            except (ValueError, InvalidOperation):
                self.master_problems.append((path, line, f"{name} `{text}` is not readable"))
                return None
        value = read[tick]
        if value is not None and (not value.is_finite() or value <= 0):
            self.master_problems.append((path, line, f"{tick} {value} is not above zero"))
            return None
        return read

    def _groww_row(self, path: str, fields: list, col: dict, line: int) -> None:
        read = self._read(path, line, fields, col, (
            ("lot_size", _whole), ("tick_size", Decimal), ("freeze_quantity", _whole),
            ("expiry_date", _day), ("strike_price", Decimal),
        ), "tick_size")
        if read is None:
            return
        get = lambda name: fields[col[name]].strip()  # noqa: E731
        key = (get("exchange").upper(), get("trading_symbol"))
        self.master[key] = (
            get("instrument_type").upper(), get("segment").upper() or None, get("underlying_symbol") or key[1],
            read["expiry_date"], read["strike_price"], read["lot_size"], read["tick_size"], read["freeze_quantity"],
            None, f"{path}, line {line}",
        )

    def _indstocks_row(self, path: str, fields: list, col: dict, line: int) -> None:
        read = self._read(path, line, fields, col, (
            ("LOT_UNITS", _whole), ("TICK_SIZE", Decimal), ("EXPIRY_DATE", _day), ("STRIKE_PRICE", Decimal),
        ), "TICK_SIZE")
        if read is None:
            return
        get = lambda name: fields[col[name]].strip()  # noqa: E731
        option = get("OPTION_TYPE").upper()
        segment = {"EQUITY": "CASH", "E": "CASH", "DERIVATIVE": "FNO", "D": "FNO", "FNO": "FNO"}.get(get("SEGMENT").upper())
        kind = option if option in ("CE", "PE") else ("FUT" if segment == "FNO" else "EQ")
        symbol = get("TRADING_SYMBOL")
        parsed = parse(symbol, self.tables.underlyings)
        self.master[(get("EXCH").upper(), symbol)] = (
            kind, segment, parsed.underlying if parsed else symbol, read["EXPIRY_DATE"], read["STRIKE_PRICE"],
            read["LOT_UNITS"], read["TICK_SIZE"], None, get("SECURITY_ID") or None, f"{path}, line {line}",
        )

    # -- last prices (--quotes)

    def _load_quotes(self, path: str) -> None:
        with _csv(path, "quotes file") as reader:
            header = [h.strip().lower() for h in next(reader, None) or []]
            if "symbol" not in header or "last_price" not in header:
                raise MasterError(f"{path} is not a quotes file: it needs the columns symbol and last_price")
            sym, last = header.index("symbol"), header.index("last_price")
            line = reader.line_num + 1
            for fields in reader:
                if len(fields) > max(sym, last) and fields[sym].strip():
                    try:
                        price = Decimal(fields[last].strip())
                        if not price.is_finite() or price <= 0:
                            raise InvalidOperation
                        self.quotes[fields[sym].strip()] = price
                    except InvalidOperation:
                        self.master_problems.append((path, line, f"last_price `{fields[last].strip()}` is not a price"))
                elif any(fields):
                    self.master_problems.append((path, line, "a row without a symbol or a last price"))
                line = reader.line_num + 1

    def last_price(self, symbol: str) -> Decimal | None:
        return self.quotes.get(symbol)

    def _from_master(self, symbol: str, exchange: str | None) -> Instrument | None:
        if self.master is None:
            return None
        # the exchange asked for first; then any (exchange-mismatch says if it differs)
        exchanges = ([exchange] if exchange else []) + [e for e in ("NSE", "BSE", "MCX") if e != exchange]
        for ex in exchanges:
            row = self.master.get((ex, symbol))
            if row is not None:
                break
        else:
            return None
        type, segment, underlying, expiry, strike, lot, tick, freeze, security, where = row
        where = f"instrument master {where}"
        inst = Instrument(symbol, ex, segment, type, underlying, "master")
        inst.expiry, inst.expiry_exact, inst.strike = expiry, expiry is not None, strike
        inst.lot = (lot, where) if lot else None
        inst.tick = (tick, where) if tick else None
        inst.security_id = security
        if freeze and freeze > 1:
            # Groww publishes the first quantity that freezes (BANKNIFTY 601 for
            # the exchange's 600): one order may carry one unit less.
            inst.freeze = (freeze - 1, where + " (freeze_quantity minus one, as Groww publishes it)")
        return inst

    # -- lookups

    def lookup(self, symbol: str, exchange: str | None, as_of: date) -> Instrument | None:
        """What ordspec knows of `symbol`; None when it cannot read it at all."""
        inst = self._from_master(symbol, exchange)
        if inst is None:
            inst = self._from_symbol(symbol, exchange)
        if inst is not None and inst.freeze is None and inst.is_derivative:
            inst.freeze = self._freeze(inst, as_of)
        return inst

    @cached_property
    def underlyings(self) -> frozenset:
        """Every derivative underlying known: the bundled tables' and the masters' (symbols.meant_underlying)."""
        listed = {row[2] for row in (self.master or {}).values() if row[0] in ("FUT", "CE", "PE")}
        return self.tables.underlyings | listed

    def in_master(self, symbol: str) -> bool | None:
        """Whether a loaded master lists the symbol; None without a master."""
        if self.master is None:
            return None
        return any((ex, symbol) in self.master for ex in ("NSE", "BSE", "MCX"))

    def _from_symbol(self, symbol: str, exchange: str | None) -> Instrument | None:
        t = self.tables
        if symbol in t.indices:
            return Instrument(symbol, t.indices[symbol], None, "IDX", symbol, "symbol")
        contract = parse(symbol, self.underlyings)
        if contract is None:
            return None
        u = contract.underlying
        if contract.type == "EQ":
            return Instrument(symbol, exchange or "NSE", "CASH", "EQ", u, "symbol")
        if u in t.commodities:
            ex, segment = "MCX", "COMMODITY"
        else:
            ex, segment = t.indices.get(u) or exchange or "NSE", "FNO"
        inst = Instrument(symbol, ex, segment, contract.type, u, "symbol")
        inst.expiry, inst.expiry_exact, inst.strike = contract.expiry, contract.expiry_exact, contract.strike
        inst.lot = self._lot(inst)
        return inst

    def _lot(self, inst: Instrument):
        if inst.expiry_exact:
            first = last = inst.expiry
        else:  # a monthly contract: any day of its month
            first, last = inst.expiry.replace(day=1), inst.expiry
        found = {
            (lot, source)
            for ex, u, lot, start, end, source in self.tables.lots
            if ex == inst.exchange and u == inst.underlying and (start is None or start <= last) and (end is None or first <= end)
        }
        return found.pop() if len(found) == 1 else None

    def _freeze(self, inst: Instrument, as_of: date):
        for ex, u, qty, start, end, source in self.tables.freezes:
            if ex == inst.exchange and u == inst.underlying and _within(as_of, start, end):
                return (qty, f"{source}, in force on {as_of}")
        return None

    def is_index(self, underlying: str) -> bool:
        return underlying in self.tables.indices

    def tick(self, inst: Instrument, price: Decimal, as_of: date):
        """(tick size, source) for a price of this instrument on `as_of`, or None if unknown."""
        if inst.tick is not None:
            return inst.tick
        if inst.type == "EQ":
            kind = "EQ"
        elif inst.type == "FUT":
            kind = "IDXFUT" if self.is_index(inst.underlying) else "STKFUT"
        elif inst.type in ("CE", "PE") and self.is_index(inst.underlying):
            kind = "IDXOPT"
        else:
            return None
        for ex, k, low, high, tick, start, end, source in self.tables.ticks:
            if ex == inst.exchange and k == kind and _within(as_of, start, end) and low <= price and (high is None or price < high):
                return tick, source
        return None
