"""Reference data: instruments, lot sizes, tick sizes and freeze quantities, with dates and sources.

Lot sizes belong to a contract's expiry; freeze quantities and tick-size bands
to the trading day (`--as-of`). An instrument master (`--instruments`: Groww's
CSV or INDstocks', read by readers.py) is authoritative for the contracts it
lists; the bundled tables (tables.py, data/) cover the main index derivatives,
each row with its source.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from ordspec.dates import date
from ordspec.refdata.symbols import may_be_contract, parse
from ordspec.refdata.tables import Tables, within

__all__ = ["GROWW_COLUMNS", "INDSTOCKS_COLUMNS", "Instrument", "MasterError", "RefData"]
MAX_REMEMBERED = 65536  # lookups kept (a few MiB); a file of more distinct symbols starts over
_FROM_READERS = ("GROWW_COLUMNS", "INDSTOCKS_COLUMNS", "MasterError")


def __getattr__(name: str):
    # the readers of masters and quotes load when first used: a lint without --instruments or --quotes never does
    if name in _FROM_READERS:
        from ordspec.refdata import readers

        return getattr(readers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


class RefData:
    def __init__(self, master=None, quotes: str | None = None):
        masters = [master] if isinstance(master, str) else list(master or ())
        self.master_path = ", ".join(masters) or None
        self.tables = Tables()
        self.master: dict[tuple[str, str], tuple] | None = {} if masters else None  # (exchange, symbol) -> row
        self.master_problems: list[tuple[str, int, str]] = []  # (file, line, message) of rows skipped, quotes' too
        self.quotes: dict[str, Decimal] = {}
        self._looked_up: dict[tuple, Instrument | None] = {}  # lookup's answers
        self._bands: dict[tuple, list] = {}  # (exchange, kind, day) -> tick-size bands: a few per run
        if masters or quotes:
            self._read(masters, quotes)

    def _read(self, masters: list[str], quotes: str | None) -> None:
        from ordspec.refdata.readers import read_master, read_quotes

        conflicts: set = set()  # contracts listed twice with different values: in no master row
        for path in masters:
            read_master(path, self.master, conflicts, self.master_problems, self.tables.underlyings)
        if quotes:
            read_quotes(quotes, self.quotes, self.master_problems)

    # -- lookups

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

    def lookup(self, symbol: str, exchange: str | None, as_of: date) -> Instrument | None:
        """What ordspec knows of `symbol`; None when it cannot read it at all.

        Remembered per (symbol, exchange, day): a file names a few symbols many
        times, and reading one means parsing it and scanning the tables. Callers
        share the Instrument, so they must not change it (none does).
        """
        key = (symbol, exchange, as_of)
        found = self._looked_up.get(key, self)
        if found is self:
            if len(self._looked_up) >= MAX_REMEMBERED:
                self._looked_up.clear()
            found = self._looked_up[key] = self._lookup(symbol, exchange, as_of)
        return found

    def _lookup(self, symbol: str, exchange: str | None, as_of: date) -> Instrument | None:
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
        # (the underlyings come from three tables: a share's symbol, which reads the same without them, never reads them)
        contract = parse(symbol, self.underlyings if may_be_contract(symbol) else frozenset())
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
            if ex == inst.exchange and u == inst.underlying and within(as_of, start, end):
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
        key = (inst.exchange, kind, as_of)
        bands = self._bands.get(key)
        if bands is None:  # the table's rows for this exchange, kind and day, in the table's order
            bands = self._bands[key] = [
                (low, high, tick, source)
                for ex, k, low, high, tick, start, end, source in self.tables.ticks
                if ex == inst.exchange and k == kind and within(as_of, start, end)
            ]
        for low, high, tick, source in bands:
            if low <= price and (high is None or price < high):
                return tick, source
        return None
