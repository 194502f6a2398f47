"""Reference data: instruments, lot sizes, tick sizes and freeze quantities, with dates and sources.

Lot sizes belong to a contract's expiry; freeze quantities and tick-size bands
to the trading day (`--as-of`). A Groww instrument master (`--instruments`)
is authoritative for the contracts it lists; the bundled tables in data/ cover
the main index derivatives, each row with its source.
"""

from __future__ import annotations

import csv
import os
from datetime import date
from functools import cached_property
from decimal import Decimal, InvalidOperation

from ordspec.refdata.symbols import parse

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
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

    @property
    def is_derivative(self) -> bool:
        return self.type in ("FUT", "CE", "PE")


def _whole(text: str) -> int:
    number = Decimal(text)
    if number != number.to_integral_value():
        raise ValueError(f"{text} is not a whole number")
    return int(number)


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _rows(name: str) -> list[dict]:
    with open(os.path.join(DATA, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


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
    def __init__(self, master: str | None = None):
        self.master_path = master
        self.tables = Tables()
        self.master: dict[tuple[str, str], tuple] | None = None
        self.master_problems: list[tuple[int, str]] = []  # (line, message) of rows skipped
        if master:
            self._load_master(master)

    # -- the Groww instrument master

    def _load_master(self, path: str) -> None:
        try:
            f = open(path, newline="", encoding="utf-8-sig")
        except OSError as e:
            raise MasterError(f"cannot read instrument file {path}: {e.strerror}") from None
        with f:
            reader = csv.reader(f)
            try:
                header = next(reader, None)
            except (csv.Error, UnicodeDecodeError) as e:
                raise MasterError(f"{path} is not a CSV file: {e}") from None
            missing = [c for c in GROWW_COLUMNS if header is None or c not in header]
            if missing:
                raise MasterError(
                    f"{path} is not a Groww instrument CSV: missing column(s) {', '.join(missing)}"
                )
            col = {name: header.index(name) for name in GROWW_COLUMNS}
            self.master = {}
            try:
                line = reader.line_num + 1
                for row in reader:
                    self._master_row(row, col, line)
                    line = reader.line_num + 1  # a quoted field may span lines: count lines, not rows
            except (csv.Error, UnicodeDecodeError) as e:
                raise MasterError(f"{path}: line {reader.line_num}: {e}") from None

    def _master_row(self, row: list[str], col: dict, line: int) -> None:
        if len(row) < len(col):
            if any(row):
                self.master_problems.append((line, f"{len(row)} columns, expected {len(GROWW_COLUMNS)}"))
            return
        get = lambda name: row[col[name]].strip()  # noqa: E731
        readers = (
            ("lot_size", _whole),
            ("tick_size", Decimal),
            ("freeze_quantity", _whole),
            ("expiry_date", lambda t: date.fromisoformat(t[:10])),
            ("strike_price", Decimal),
        )
        read = {}
        for name, reader in readers:
            text = get(name)
            try:
                read[name] = reader(text) if text else None
            except (ValueError, InvalidOperation):
                self.master_problems.append((line, f"{name} `{text}` is not readable"))
                return
        tick = read["tick_size"]
        if tick is not None and (not tick.is_finite() or tick <= 0):
            self.master_problems.append((line, f"tick_size {tick} is not above zero"))
            return
        key = (get("exchange").upper(), get("trading_symbol"))
        self.master[key] = (
            get("instrument_type").upper(),
            get("segment").upper() or None,
            get("underlying_symbol") or key[1],
            read["expiry_date"],
            read["strike_price"],
            read["lot_size"],
            tick,
            read["freeze_quantity"],
            line,
        )

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
        type, segment, underlying, expiry, strike, lot, tick, freeze, line = row
        inst = Instrument(symbol, ex, segment, type if type != "IDX" else "IDX", underlying, "master")
        where = f"instrument master {self.master_path}, line {line}"
        inst.expiry, inst.expiry_exact, inst.strike = expiry, expiry is not None, strike
        inst.lot = (lot, where) if lot else None
        inst.tick = (tick, where) if tick else None
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

    def in_master(self, symbol: str) -> bool | None:
        """Whether a loaded master lists the symbol; None without a master."""
        if self.master is None:
            return None
        return any((ex, symbol) in self.master for ex in ("NSE", "BSE", "MCX"))

    def _from_symbol(self, symbol: str, exchange: str | None) -> Instrument | None:
        t = self.tables
        if symbol in t.indices:
            return Instrument(symbol, t.indices[symbol], None, "IDX", symbol, "symbol")
        contract = parse(symbol, t.underlyings)
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
