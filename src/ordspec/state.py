"""What the broker says exists now (--state): the current SIPs of a Codifi order book, or
the GTTs of a Kite answer (compiler/kite_state.py reads those).

A Codifi SIP modify replaces the whole SIP, so ordspec needs the SIP as it
stands to merge a change into; and with the state known, pausing a SIP that
is not active or resuming one that is not paused is caught before it is sent.
The file is the JSON that GET /info/sip/orderbook answers (or its `result`
list), as Codifi's SIP Orders API (SIP OrderBook) shows it. Every SIP in it is checked against
that shape when the file is read: a modify copies the SIP's fields into the
request, so a field missing or of the wrong kind is the file's problem (exit 2),
never a guess or a traceback.
"""

from __future__ import annotations

import json
from decimal import Decimal


class StateError(Exception):
    """A --state file that cannot be used (exit 2)."""


def _digits(value) -> bool:
    return isinstance(value, str) and value.isascii() and value.isdigit()


def _count(value) -> bool:
    """A whole number, written as the document does ("3") or as a JSON integer."""
    return (_digits(value) and len(value) <= 12) or (type(value) is int and 0 <= value < 10**12)


def _positive(value) -> bool:
    """A whole number above zero, without leading zeros (as the modify request must carry it)."""
    return _count(value) and str(value)[0] != "0"


def _day(value, never: bool = False) -> bool:
    """DD-MM-YYYY or DDMMYYYY, a real day; "0" where the book says never (prevExecDate)."""
    from ordspec.dates import day_month_year

    return (never and value == "0") or day_month_year(value) is not None


def _amount(value) -> bool:
    """A price above zero, as text ("2000") or a JSON number (read as Decimal, never float)."""
    from ordspec.refdata.readers import BadRow, price

    if type(value) not in (str, int, Decimal) or not str(value)[:1].isdigit():  # "+5" would be copied as written
        return False
    try:
        price(str(value), "price")
    except BadRow:
        return False
    return True


def _text(value) -> bool:
    return isinstance(value, str) and value != ""


def _active(value) -> bool:
    return isinstance(value, bool) or (isinstance(value, str) and value.lower() in ("true", "false"))


# What a modify takes from a SIP of the order book, and what each must be.
SIP_FIELDS = {
    "regDate": (_day, "a date (DD-MM-YYYY)"),
    "startDate": (_day, "a date (DD-MM-YYYY)"),
    "frequency": (_count, "a frequency code such as \"2\""),
    "endPeriod": (_positive, "a number of installments"),
    "sipName": (lambda v: isinstance(v, str), "a name (text)"),
}
INTERNAL_FIELDS = {
    "orderNo": (_text, "an order number"),
    "dueDate": (_day, "a date (DD-MM-YYYY)"),
    "execDate": (_day, "a date (DD-MM-YYYY)"),
    "active": (_active, "\"true\" or \"false\""),
}
INTERNAL_OPTIONAL = {
    "prevExecDate": (lambda v: _day(v, never=True), "a date (DD-MM-YYYY) or \"0\""),
    "period": (_count, "a whole number"),
}
SCRIP_FIELDS = {
    "exchange": (_text, "an exchange such as NSE"),
    "tradingSymbol": (_text, "a trading symbol"),
    "product": (_text, "a product such as CNC"),
    "token": (_digits, "an instrument token (digits, as text)"),
}


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _problem(entry) -> str | None:
    """What is wrong with one SIP of the order book, or None."""
    if not isinstance(entry, dict):
        return f"is {_kind(entry)}, not an object"
    internal = entry.get("internal")
    if not isinstance(internal, dict):
        return "has no `internal` object" if internal is None else f"has an `internal` that is {_kind(internal)}, not an object"
    checks = [(entry, name, check, "") for name, check in SIP_FIELDS.items()]
    checks += [(internal, name, check, "internal.") for name, check in INTERNAL_FIELDS.items()]
    checks += [(internal, name, check, "internal.") for name, check in INTERNAL_OPTIONAL.items() if name in internal]
    for where, name, (valid, what), prefix in checks:
        if name not in where:
            return f"has no {prefix}{name}"
        if not valid(where[name]):
            return f"{prefix}{name} {_shown(where[name])} is not {what}"
    scrips = entry.get("scrips")
    if not isinstance(scrips, list) or not scrips:
        return "has no `scrips` list" if not isinstance(scrips, list) else "has an empty `scrips` list"
    for n, scrip in enumerate(scrips, 1):
        found = _scrip_problem(scrip)
        if found:
            return f"scrip #{n} {found}"
    return None


def _scrip_problem(scrip) -> str | None:
    if not isinstance(scrip, dict):
        return f"is {_kind(scrip)}, not an object"
    for name, (valid, what) in SCRIP_FIELDS.items():
        if name not in scrip:
            return f"has no {name}"
        if not valid(scrip[name]):
            return f"{name} {_shown(scrip[name])} is not {what}"
    qty, price, kind = scrip.get("qty"), scrip.get("price"), scrip.get("sipType")
    if kind not in (None, "qty", "prc"):
        return f"sipType {_shown(kind)} is not \"qty\" or \"prc\""
    if kind == "prc" or (kind is None and qty is None):
        return None if _amount(price) else f"price {_shown(price)} is not an amount above zero"
    return None if _positive(qty) else f"qty {_shown(qty)} is not a quantity above zero"


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true or false", type(None): "null"}.get(type(value), "a number")


def _shown(value) -> str:
    text = json.dumps(value, default=str, ensure_ascii=True)
    return text if len(text) <= 40 else text[:37] + "..."


class State:
    def __init__(self, path: str, sips: dict[str, dict], gtts: dict[str, dict] | None = None):
        self.path = path
        self.sips = sips  # orderNo -> the order book entry
        self.gtts = gtts or {}  # Kite trigger id -> the GTT as GET answered it

    @classmethod
    def load(cls, path: str) -> State:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise StateError(f"cannot read {path}: {e.strerror or e}") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise StateError(f"{path} is not UTF-8 text (byte {e.start + 1}): expected the JSON of a Codifi SIP order book") from None
        try:
            book = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
        except RecursionError:
            raise StateError(f"{path} is not a Codifi SIP order book: its JSON nests too deep") from None
        except ValueError as e:
            raise StateError(f"{path} is not JSON: {e}") from None
        return cls.from_book(path, book)

    @classmethod
    def from_book(cls, path: str, book) -> State:
        """The state in an order book already read as JSON (a file's, or Codifi's answer: `ordspec plan`)."""
        if isinstance(book, dict) and "data" in book and "result" not in book:  # Kite: {"status": "success", "data": ...}
            from ordspec.compiler.kite_state import GttError, gtts

            try:
                return cls(path, {}, gtts(book))
            except GttError as e:
                raise StateError(f"{path} is not a Kite GTT answer: {e}") from None
        entries = book.get("result") if isinstance(book, dict) else book
        if not isinstance(entries, list):
            found = "an object without a `result` list" if isinstance(book, dict) else _kind(book)
            raise StateError(f"{path} is not a Codifi SIP order book: expected {{\"result\": [...]}} or a list of SIPs, found {found}")
        sips: dict[str, dict] = {}
        for n, entry in enumerate(entries, 1):
            problem = _problem(entry)
            number = entry["internal"]["orderNo"] if problem is None else None
            if problem is None and number in sips:
                problem = f"repeats order number {number}"
            if problem is not None:
                raise StateError(f"{path}: SIP #{n} of the order book {problem}")
            sips[number] = entry
        return cls(path, sips)

    def sip(self, order_no: str) -> dict | None:
        return self.sips.get(order_no)

    def gtt(self, trigger_id: str) -> dict | None:
        return self.gtts.get(trigger_id)

    @staticmethod
    def active(entry: dict) -> bool:
        return str(entry["internal"]["active"]).lower() == "true"
