"""Properties of ordspec on generated input (hypothesis).

1. Valid Groww orders, generated valid by construction for DOC_DAY (GTTs on NSE
   shares and index options, OCOs on NIFTY/BANKNIFTY options, MODIFY, CANCEL,
   GET, LIST) and written as `.ord` text with random keyword case, blanks,
   comments, quotes and `default` lines: lint finds no error, compile succeeds,
   the output passes compile-output.schema.json, every body (or LIST query)
   passes its schema, and the requests say what the generated order says.
2. parse -> fmt.statement -> parse keeps the meaning of a statement (SIP,
   SMALLCASE, BRACKET, LIST and MODIFY included), and fmt is idempotent; so
   does fmt of a structured YAML order, and fmt.source of a whole file (which
   also never crashes on a damaged one).
3. The validator never crashes: damaged `.ord` and YAML files (and random
   bytes) give diagnostics with sane positions, never an exception or an
   `internal-error`; a DSL line inside YAML is reported at the same words.
4. The YAML form (structured mappings, and DSL lines inside YAML) compiles to
   exactly the requests the `.ord` text compiles to; compiling twice gives the
   same output, derived reference ids included, and so does writing out what
   defaults and inference supply.

The oracles are written from the documents (DESIGN.md, the Groww REST page,
the rule docs and the bundled reference data), not from ordspec's code. Bugs
found are kept as regression tests with their minimal inputs (search "Regression").
ORDSPEC_PROPERTY_SCALE=N runs N times the examples.
"""

from __future__ import annotations

import calendar
import csv
import json
import random
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import ordspec
from ordspec import fmt
from ordspec.compiler.jsonout import dumps
from ordspec.source import BIDI, LINE_BREAKS
from tests.conftest import DOC_DAY, compile_text, examples, lint_text, names, parse_one

PACKAGE = Path(ordspec.__file__).resolve().parent
SCHEMAS = PACKAGE / "schemas"
REFDATA = PACKAGE / "refdata" / "data"

SETTINGS = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


# --------------------------------------------------------------------------
# Reference data and schemas, read here from the data files themselves


def _rows(name: str) -> list[dict]:
    with open(REFDATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _live(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


# NSE share tick bands in force on DOC_DAY: (low, high or None, tick)
EQ_BANDS = sorted(
    (Decimal(r["price_from"]), Decimal(r["price_to"]) if r["price_to"] else None, Decimal(r["tick_size"]))
    for r in _rows("tick_sizes.csv")
    if r["exchange"] == "NSE" and r["instrument"] == "EQ" and _live(_day(r["from"]), _day(r["to"]), DOC_DAY)
)
IDXOPT_TICK = {Decimal(r["tick_size"]) for r in _rows("tick_sizes.csv") if r["exchange"] == "NSE" and r["instrument"] == "IDXOPT"}
assert EQ_BANDS and IDXOPT_TICK == {Decimal("0.05")}
INDICES = {r["symbol"] for r in _rows("indices.csv")}


@cache
def lot_for(underlying: str, expiry: date) -> int:
    found = {
        int(r["lot_size"])
        for r in _rows("lot_sizes.csv")
        if r["exchange"] == "NSE"
        and r["underlying"] == underlying
        and _live(_day(r["expiry_from"]), _day(r["expiry_to"]), expiry)
    }
    assert len(found) == 1, (underlying, expiry, found)
    return found.pop()


@cache
def freeze_for(underlying: str) -> int | None:
    for r in _rows("freeze_quantities.csv"):
        if r["exchange"] == "NSE" and r["underlying"] == underlying and _live(_day(r["from"]), _day(r["to"]), DOC_DAY):
            return int(r["freeze_quantity"])
    return None


_VALIDATORS: dict[str, Draft202012Validator] = {}


def schema(name: str) -> Draft202012Validator:
    if name not in _VALIDATORS:
        loaded = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(loaded)
        _VALIDATORS[name] = Draft202012Validator(loaded)
    return _VALIDATORS[name]


def schema_problems(name: str, instance) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in schema(name).iter_errors(instance)]


# --------------------------------------------------------------------------
# The model of a valid Groww order


@dataclass
class Order:
    verb: str  # CREATE, MODIFY, CANCEL, GET or LIST
    kind: str  # GTT or OCO
    side: str | None = None
    qty: int | None = None
    symbol: str | None = None
    order_id: str | None = None
    trigger: Decimal | None = None  # a GTT's trigger
    direction: str | None = None
    limit: Decimal | None = None  # a GTT's limit price
    market: bool = False
    target: tuple | None = None  # (trigger, limit or None)
    sl: tuple | None = None
    # Effective option values. For a create: product, exchange, validity and
    # segment always (the renderer leaves out what a default or the documented
    # inference supplies), plus ref and position where chosen.
    opts: dict = field(default_factory=dict)


DEFAULT_SCOPE = {  # DESIGN.md / `default` lines: which statements a default reaches
    "product": ("CREATE",),
    "exchange": ("CREATE",),
    "validity": ("CREATE",),
    "segment": ("CREATE", "MODIFY", "CANCEL", "GET", "LIST"),
    "registered": (),  # CREATE SIP only: none here
}


def natural(order: Order, name: str):
    """What ordspec fills in for an option not written and not defaulted (DESIGN.md: Defaults)."""
    if order.verb != "CREATE":
        return None
    if name == "validity":
        return "DAY"
    if name == "exchange":
        return "NSE"
    if name == "segment":
        return "FNO" if _is_option(order.symbol) else "CASH"
    if name == "position" and order.kind == "OCO":  # "when omitted it is +qty for SELL and -qty for BUY"
        return order.qty if order.side == "SELL" else -order.qty
    return None


def _is_option(symbol: str) -> bool:
    return symbol.endswith(("CE", "PE")) and any(c.isdigit() for c in symbol)


def absorb_defaults(order: Order, defaults: dict) -> Order:
    """A LIST without a segment takes a `default segment`: it is then part of what it means."""
    if order.verb == "LIST" and "segment" not in order.opts and "segment" in defaults:
        return replace(order, opts={**order.opts, "segment": defaults["segment"]})
    return order


def omittable(order: Order, name: str, defaults: dict) -> bool:
    value = order.opts[name]
    if name in defaults and order.verb in DEFAULT_SCOPE.get(name, ()):
        return defaults[name] == value
    return natural(order, name) == value


# --------------------------------------------------------------------------
# Strategies for valid orders


@st.composite
def share_price(draw) -> Decimal:
    """A price on the tick of its own NSE band (tick_sizes.csv): low <= price < high."""
    low, high, tick = draw(st.sampled_from(EQ_BANDS))
    high = high if high is not None else low * 10
    first = max(1, int((low / tick).to_integral_value(rounding=ROUND_CEILING)))
    last = int((high / tick).to_integral_value(rounding=ROUND_CEILING)) - 1
    price = draw(st.integers(first, last)) * tick
    assert low <= price < high
    return price


def option_price(lo: int = 1, hi: int = 20000):
    """A positive multiple of 0.05 (index options' tick), in ticks from lo to hi."""
    return st.integers(lo, hi).map(lambda n: n * Decimal("0.05"))


share_symbols = st.one_of(
    st.sampled_from(["TCS", "RELIANCE", "INFY", "HDFCBANK", "SBIN", "M&M", "BAJAJ-AUTO", "TCS-EQ", "ITC", "L&T"]),
    # keyword-looking symbols: the parser state, not the word, says what a word is
    st.sampled_from(["TARGET", "LIMIT", "SL", "MARKET", "UP", "DOWN", "PRODUCT", "DEFAULT", "LIST", "GTT"]),
    st.from_regex(r"[A-Z]{1,12}", fullmatch=True).filter(lambda s: s not in INDICES),
)

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@st.composite
def index_option(draw):
    """(symbol, underlying, expiry) for a NIFTY/BANKNIFTY option of a 2025 expiry live on DOC_DAY."""
    underlying = draw(st.sampled_from(["NIFTY", "BANKNIFTY"]))
    strike = draw(st.integers(100, 1400)) * 50
    right = draw(st.sampled_from(["CE", "PE"]))
    if draw(st.booleans()):  # monthly: YY + MON; expires at the month's end at the latest
        month = draw(st.integers(DOC_DAY.month, 12))
        expiry = date(2025, month, calendar.monthrange(2025, month)[1])
        symbol = f"{underlying}25{MONTHS[month - 1]}{strike}{right}"
    else:  # weekly: YY + M + DD, M = 1-9, O, N, D
        expiry = draw(st.dates(DOC_DAY, date(2025, 12, 31)))
        m = "123456789OND"[expiry.month - 1]
        symbol = f"{underlying}25{m}{expiry.day:02d}{strike}{right}"
    return symbol, underlying, expiry


def fno_quantity(draw, underlying: str, expiry: date) -> int:
    lot = lot_for(underlying, expiry)
    freeze = freeze_for(underlying)
    most = max(1, (freeze // lot) if freeze else 30)
    return lot * draw(st.integers(1, min(most, 30)))


refs = st.builds(
    lambda body, hyphens: _hyphenate(body, hyphens),
    st.from_regex(r"[A-Za-z0-9]{8,18}", fullmatch=True),
    st.lists(st.integers(0, 18), max_size=2, unique=True),  # hyphens anywhere, at most two
)


def _hyphenate(body: str, places: list[int]) -> str:
    for at in sorted(places, reverse=True):
        if at <= len(body):
            body = body[:at] + "-" + body[at:]
    return body


order_ids = st.one_of(
    st.from_regex(r"(gtt|oco)_[0-9a-f]{6}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_.-]{1,24}", fullmatch=True).filter(lambda s: s not in (".", "..")),  # (dot steps: unsafe-id)
    st.sampled_from(["target", "segment", "LIST", "x:y"]),  # (ids are ASCII; `/`, `?`, `%` are unsafe-id)
)


@st.composite
def create_gtt_share(draw) -> Order:
    market = draw(st.booleans())
    o = Order(
        "CREATE",
        "GTT",
        side=draw(st.sampled_from(["BUY", "SELL"])),
        qty=draw(st.integers(1, 100_000)),
        symbol=draw(share_symbols),
        trigger=draw(share_price()),
        direction=draw(st.sampled_from(["UP", "DOWN"])),
        limit=None if market else draw(share_price()),
        market=market,
    )
    o.opts = {
        "product": draw(st.sampled_from(["CNC", "MIS"])),
        "exchange": draw(st.sampled_from(["NSE", "NSE", "BSE"])),  # shares trade on both
        "validity": "DAY",
        "segment": "CASH",
    }
    return o


@st.composite
def create_gtt_option(draw) -> Order:
    symbol, underlying, expiry = draw(index_option())
    market = draw(st.booleans())
    o = Order(
        "CREATE",
        "GTT",
        side=draw(st.sampled_from(["BUY", "SELL"])),
        qty=fno_quantity(draw, underlying, expiry),
        symbol=symbol,
        trigger=draw(option_price()),
        direction=draw(st.sampled_from(["UP", "DOWN"])),
        limit=None if market else draw(option_price()),
        market=market,
    )
    o.opts = {"product": draw(st.sampled_from(["NRML", "MIS"])), "exchange": "NSE", "validity": "DAY", "segment": "FNO"}
    return o


@st.composite
def create_oco(draw) -> Order:
    symbol, underlying, expiry = draw(index_option())
    side = draw(st.sampled_from(["SELL", "BUY"]))
    qty = fno_quantity(draw, underlying, expiry)
    low = draw(st.integers(1, 10_000))  # in ticks of 0.05
    high = draw(st.integers(low + 1, low + 10_000))
    tick = Decimal("0.05")
    if side == "SELL":  # legs that sell: target above, stop-loss below; limits on the far side of their triggers
        t_trig, s_trig = high, low
        t_lim = draw(st.none() | st.integers(t_trig, t_trig + 500))
        s_lim = draw(st.none() | st.integers(1, s_trig))
    else:  # legs that buy mirror it
        t_trig, s_trig = low, high
        t_lim = draw(st.none() | st.integers(1, t_trig))
        s_lim = draw(st.none() | st.integers(s_trig, s_trig + 500))
    price = lambda n: None if n is None else n * tick  # noqa: E731
    target, sl = (price(t_trig), price(t_lim)), (price(s_trig), price(s_lim))
    o = Order("CREATE", "OCO", side=side, qty=qty, symbol=symbol, target=target, sl=sl)
    o.opts = {"product": draw(st.sampled_from(["MIS", "NRML"])), "exchange": "NSE", "validity": "DAY", "segment": "FNO"}
    if draw(st.booleans()):
        extra = draw(st.integers(0, 10 * qty))
        o.opts["position"] = (qty + extra) if side == "SELL" else -(qty + extra)
    return o


@st.composite
def modify_gtt(draw) -> Order:
    o = Order("MODIFY", "GTT", order_id=draw(order_ids))
    segment = draw(st.sampled_from(["CASH", "FNO"]))
    price = share_price() if segment == "CASH" else option_price()
    parts = draw(st.sets(st.sampled_from(["qty", "trigger", "direction", "order"]), min_size=1))
    if "qty" in parts:
        o.qty = draw(st.integers(1, 10_000))
    if "trigger" in parts:
        o.trigger = draw(price)
    if "direction" in parts:
        o.direction = draw(st.sampled_from(["UP", "DOWN"]))
    if "order" in parts:  # a changed order needs its (unmodifiable) side
        o.market = draw(st.booleans())
        o.limit = None if o.market else draw(price)
        o.side = draw(st.sampled_from(["BUY", "SELL"]))
    o.opts = {"segment": segment}
    return o


@st.composite
def modify_oco(draw) -> Order:
    o = Order("MODIFY", "OCO", order_id=draw(order_ids))
    segment = draw(st.sampled_from(["FNO", "FNO", "CASH"]))
    parts = draw(st.sets(st.sampled_from(["qty", "validity", "product", "target", "sl"]), min_size=1))
    o.opts = {"segment": segment}
    if "qty" in parts:
        o.qty = draw(st.integers(1, 10_000))
    if "validity" in parts:
        o.opts["validity"] = "DAY"
    if "product" in parts:  # "MIS <-> NRML for FNO; CASH OCO only supports MIS"
        o.opts["product"] = draw(st.sampled_from(["MIS", "NRML"] if segment == "FNO" else ["MIS"]))
    if "target" in parts:
        o.target = (draw(option_price()), None)
    if "sl" in parts:
        o.sl = (draw(option_price()), None)
    return o


@st.composite
def routed(draw) -> Order:
    return Order(
        draw(st.sampled_from(["CANCEL", "GET"])),
        draw(st.sampled_from(["GTT", "OCO"])),
        order_id=draw(order_ids),
        opts={"segment": draw(st.sampled_from(["CASH", "FNO"]))},
    )


def months_later(start: datetime, months: int = 1) -> datetime:
    """The same moment `months` later, clamped to the end of a shorter month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))


_SECOND = timedelta(seconds=1)


def _moment(lo: datetime, hi: datetime):
    return st.integers(0, int((hi - lo).total_seconds())).map(lambda s: lo + s * _SECOND)


@st.composite
def list_order(draw) -> Order:
    o = Order("LIST", draw(st.sampled_from(["GTT", "OCO"])))
    if draw(st.booleans()):
        o.opts["segment"] = draw(st.sampled_from(["CASH", "FNO"]))
    if draw(st.booleans()):
        o.opts["status"] = draw(st.sampled_from(["ACTIVE", "TRIGGERED", "CANCELLED", "COMPLETED"]))
    if draw(st.booleans()):
        o.opts["page"] = draw(st.integers(0, 500))
    if draw(st.booleans()):
        o.opts["size"] = draw(st.integers(1, 50))
    window = draw(st.sampled_from(["none", "both", "from", "to"]))
    day_start = datetime.combine(DOC_DAY, datetime.min.time())
    day_end = day_start + timedelta(days=1)  # Groww's defaults: start of today, start of the next day
    if window == "both":
        start = draw(_moment(datetime(2024, 1, 1), datetime(2026, 12, 31)))
        o.opts["from"] = start
        o.opts["to"] = draw(_moment(start, months_later(start)))
    elif window == "from":
        earliest = months_later(day_end, -1)  # the earliest start whose month reaches the default end
        assert months_later(earliest) >= day_end
        o.opts["from"] = draw(_moment(earliest, day_end))
    elif window == "to":
        o.opts["to"] = draw(_moment(day_start, months_later(day_start)))
    return o


valid_order = st.one_of(create_gtt_share(), create_gtt_option(), create_oco(), modify_gtt(), modify_oco(), routed(), list_order())


# --------------------------------------------------------------------------
# Writing an order as `.ord` text

BLANKS = (" ", " ", " ", "  ", "\t", " \t ")
# no NUL (a binary file), no CR, NEL, LS, PS or direction control (`hidden-text`: damaged files have them)
COMMENT_CHARS = "abc XYZ 09 #\"'\\\t\x0b\x0c\x1b\x7f\u200f\u200e\u00a0é中🙂"


class Style:
    """The meaning-free choices of writing an order: keyword case, blanks, quotes, trailing zeros,
    word order, comments, which implied options to leave out. One seed; seed 0 writes plain text."""

    def __init__(self, seed: int):
        self.seed = seed
        self.plain = seed == 0
        self.rng = random.Random(seed)

    def __repr__(self) -> str:
        return f"Style({self.seed})"

    def chance(self, p: float) -> bool:
        return not self.plain and self.rng.random() < p

    def case(self, word: str) -> str:
        """Keywords and enum words are case-insensitive."""
        if self.plain:
            return word
        how = self.rng.randrange(4)
        if how == 0:
            return word.lower()
        if how == 1:
            return word.upper()
        if how == 2:
            return word.title()
        return "".join(c.upper() if self.rng.random() < 0.5 else c.lower() for c in word)

    def blank(self) -> str:
        return " " if self.plain else self.rng.choice(BLANKS)

    def price(self, value: Decimal) -> str:
        """A plain decimal for `value`, maybe with trailing zeros (at most 8 places)."""
        text = format(value.normalize(), "f")
        places = len(text.partition(".")[2])
        extra = 0 if self.plain else self.rng.randrange(0, 9 - places)
        if extra and self.chance(0.5):
            text += ("" if "." in text else ".") + "0" * extra
        return text

    def value(self, text: str, enum: bool = False) -> str:
        """An option value: the word, or the word in double quotes (`value: VALUE | STRING`)."""
        if enum:
            text = self.case(text)
        if self.chance(0.2):
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return text

    def shuffled(self, items: list) -> list:
        items = list(items)
        if not self.plain:
            self.rng.shuffle(items)
        return items

    def comment(self) -> str:
        return "#" + "".join(self.rng.choice(COMMENT_CHARS) for _ in range(self.rng.randrange(12)))

    def line(self, words: list[str]) -> str:
        text = self.rng.choice(("", " ", "\t")) if self.chance(0.2) else ""
        text += "".join((self.blank() if i else "") + w for i, w in enumerate(words))
        if self.chance(0.25):
            text += self.blank() + self.comment()
        elif self.chance(0.1):
            text += self.rng.choice((" ", "\t"))
        return text

    def omitted(self, order: Order, defaults: dict) -> set[str]:
        """Which of the options that defaults or inference supply to leave out."""
        return {name for name in order.opts if omittable(order, name, defaults) and self.chance(0.5)}


styles = st.integers(0, 2**32 - 1).map(Style)

ENUM_OPTIONS = {"product", "exchange", "segment", "validity", "status", "side"}


def option_words(style: Style, name: str, value) -> list[str]:
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return [style.case(name), style.value(text, enum=name in ENUM_OPTIONS)]


def order_words(style: Style, order: Order, defaults: dict, omitted: set | None = None) -> list[str]:
    """The words of one statement for `order`, in a random valid order."""
    c, p = style.case, style.price
    omitted = style.omitted(order, defaults) if omitted is None else omitted
    if order.verb == "CREATE":
        head = [c(order.kind), c(order.side), str(order.qty), order.symbol]
    elif order.verb == "LIST":
        head = [c("LIST"), c(order.kind)]
    else:
        head = [c(order.verb), c(order.kind), order.order_id]
    units: list[list[str]] = []  # each unit may go anywhere
    if order.trigger is not None:
        units.append([c("trigger"), p(order.trigger)])
    if order.direction is not None:
        units.append([c(order.direction)])
    if order.market:
        units.append([c("market")])
    if order.limit is not None:
        units.append([c("limit"), p(order.limit)])
    if order.verb != "CREATE" and order.qty is not None:
        units.append(option_words(style, "qty", order.qty))
    if order.verb != "CREATE" and order.side is not None:
        units.append(option_words(style, "side", order.side))
    for name, value in order.opts.items():
        if name not in omitted:
            units.append(option_words(style, name, value))
    units = style.shuffled(units)
    legs = []  # (head, limit or None): a limit binds to the leg (or entry) written before it
    for role, leg in (("target", order.target), ("sl", order.sl)):
        if leg is not None:
            legs.append(([c(role), p(leg[0])], None if leg[1] is None else [c("limit"), p(leg[1])]))
    legs = style.shuffled(legs)
    # The legs go in at random places among the units; options may stand between a leg and its limit.
    slots = sorted(style.rng.randrange(len(units) + 1) if not style.plain else len(units) for _ in legs)
    words, done = list(head), 0
    for (leg_head, leg_limit), slot in zip(legs, slots):
        for unit in units[done:slot]:
            words += unit
        done = max(done, slot)
        words += leg_head
        if leg_limit is not None:
            for unit in units[done : done + (style.rng.randrange(3) if not style.plain else 0)]:
                if unit[0].lower() in ("trigger", "limit", "market", "up", "down"):
                    break  # an entry word would take the limit's place
                words += unit
                done += 1
            words += leg_limit
    for unit in units[done:]:
        words += unit
    return words


DEFAULT_VALUES = {
    "product": ["CNC", "MIS", "NRML"],
    "exchange": ["NSE", "BSE", "MCX"],
    "validity": ["DAY", "IOC"],
    "segment": ["CASH", "FNO"],
    "registered": ["2025-05-19"],
}


@dataclass
class Rendered:
    text: str
    orders: list  # the effective Order of each statement, in order
    lines: list  # the line of each statement


def render_ord(style: Style, orders: list[Order]) -> Rendered:
    """A `.ord` file for `orders`, with `default` lines that change as the file goes."""
    defaults: dict = {}
    out: list[str] = []
    effective, at = [], []

    def add_default():
        name = style.rng.choice(sorted(DEFAULT_VALUES))
        value = style.rng.choice(DEFAULT_VALUES[name])
        out.append(style.line([style.case("default"), style.case(name), style.value(value, enum=name != "registered")]))
        if name in DEFAULT_SCOPE:
            defaults[name] = value

    if style.chance(0.25):
        out.append(style.line([style.case("broker"), style.case("groww")]))
    while style.chance(0.4):
        add_default()
    for order in orders:
        while style.chance(0.15):
            out.append(style.rng.choice(("", "   ", "\t")) + (style.comment() if style.chance(0.5) else ""))
        if style.chance(0.15):
            add_default()
        order = absorb_defaults(order, defaults)
        out.append(style.line(order_words(style, order, defaults)))
        effective.append(order)
        at.append(len(out))
    text = "".join(line + ("\r\n" if style.chance(0.3) else "\n") for line in out)
    if style.chance(0.5):
        text = text.rstrip("\r\n")  # no newline at the end of the file
    return Rendered(text, effective, at)


def unique_refs(orders: list[Order]) -> list[Order]:
    seen: set[str] = set()
    out = []
    for o in orders:
        ref = o.opts.get("ref")
        if ref is not None and ref.lower() in seen:
            o = replace(o, opts={k: v for k, v in o.opts.items() if k != "ref"})
        elif ref is not None:
            seen.add(ref.lower())
        out.append(o)
    return out


@st.composite
def with_refs(draw, orders_strategy):
    orders = draw(orders_strategy)
    out = []
    for o in orders:
        if o.verb == "CREATE" and draw(st.booleans()):
            o = replace(o, opts={**o.opts, "ref": draw(refs)})
        out.append(o)
    return out


order_lists = with_refs(st.lists(valid_order, min_size=1, max_size=5)).map(unique_refs)


# --------------------------------------------------------------------------
# What Groww must receive for an order (groww-smart-orders-rest.txt)

TWO_PLACES = re.compile(r"[0-9]+\.[0-9]{2}")


def groww_price(value: Decimal | None):
    return None if value is None else format(value, ".2f")


def gtt_order(o: Order) -> dict:
    return {"order_type": "MARKET" if o.market else "LIMIT", "price": groww_price(o.limit), "transaction_type": o.side}


def expected_request(o: Order) -> dict:
    """method, path, query and body, except a derived reference_id."""
    if o.verb == "CREATE":
        body = {
            "reference_id": o.opts.get("ref"),
            "smart_order_type": o.kind,
            "segment": o.opts["segment"],
            "trading_symbol": o.symbol,
            "quantity": o.qty,
        }
        if o.kind == "GTT":
            body["trigger_price"] = groww_price(o.trigger)
            body["trigger_direction"] = o.direction
            body["order"] = gtt_order(o)
        else:
            position = o.opts.get("position", o.qty if o.side == "SELL" else -o.qty)
            body["net_position_quantity"] = position
            body["transaction_type"] = o.side
            trigger, limit = o.target
            kind = "MARKET" if limit is None else "LIMIT"
            body["target"] = {"trigger_price": groww_price(trigger), "order_type": kind, "price": groww_price(limit)}
            trigger, limit = o.sl
            kind = "SL_M" if limit is None else "SL"
            body["stop_loss"] = {"trigger_price": groww_price(trigger), "order_type": kind, "price": groww_price(limit)}
        body["product_type"] = o.opts["product"]
        body["exchange"] = o.opts["exchange"]
        body["duration"] = o.opts["validity"]
        path = "/v1/order-advance/create"
        return {"operation": "create_smart_order", "method": "POST", "path": path, "query": {}, "body": body}
    if o.verb == "MODIFY":
        body = {"smart_order_type": o.kind, "segment": o.opts["segment"]}
        if o.kind == "GTT":
            if o.qty is not None:
                body["quantity"] = o.qty
            if o.trigger is not None:
                body["trigger_price"] = groww_price(o.trigger)
            if o.direction is not None:
                body["trigger_direction"] = o.direction
            if o.market or o.limit is not None:
                body["order"] = gtt_order(o)
        else:
            if "validity" in o.opts:
                body["duration"] = o.opts["validity"]
            if o.qty is not None:
                body["quantity"] = o.qty
            if "product" in o.opts:
                body["product_type"] = o.opts["product"]
            if o.target is not None:
                body["target"] = {"trigger_price": groww_price(o.target[0])}
            if o.sl is not None:
                body["stop_loss"] = {"trigger_price": groww_price(o.sl[0])}
        path = f"/v1/order-advance/modify/{quote(o.order_id, safe='')}"
        return {"operation": "modify_smart_order", "method": "PUT", "path": path, "query": {}, "body": body}
    if o.verb == "CANCEL":
        path = f"/v1/order-advance/cancel/{o.opts['segment']}/{o.kind}/{quote(o.order_id, safe='')}"
        return {"operation": "cancel_smart_order", "method": "POST", "path": path, "query": {}, "body": None}
    if o.verb == "GET":
        path = f"/v1/order-advance/status/{o.opts['segment']}/{o.kind}/internal/{quote(o.order_id, safe='')}"
        return {"operation": "get_smart_order", "method": "GET", "path": path, "query": {}, "body": None}
    query = {}
    if "segment" in o.opts:
        query["segment"] = o.opts["segment"]
    query["smart_order_type"] = o.kind
    keys = {"status": "status", "page": "page", "size": "page_size", "from": "start_date_time", "to": "end_date_time"}
    for name, key in keys.items():
        if name in o.opts:
            value = o.opts[name]
            query[key] = value.isoformat() if isinstance(value, datetime) else value
    return {"operation": "list_smart_orders", "method": "GET", "path": "/v1/order-advance/list", "query": query, "body": None}


SCHEMA_OF = {
    ("CREATE", "GTT"): "groww/create-gtt.schema.json",
    ("CREATE", "OCO"): "groww/create-oco.schema.json",
    ("MODIFY", "GTT"): "groww/modify-gtt.schema.json",
    ("MODIFY", "OCO"): "groww/modify-oco.schema.json",
    ("LIST", "GTT"): "groww/list-query.schema.json",
    ("LIST", "OCO"): "groww/list-query.schema.json",
}
DERIVED_REF = re.compile(r"os-[a-z2-7]{16}")


def output_of(requests) -> list[dict]:
    """What `ordspec compile` prints, read back as JSON."""
    return json.loads(dumps([r.as_dict() for r in requests]))


def check_compiled(rendered: Rendered, requests, name="t.ord") -> None:
    printed = output_of(requests)
    assert schema_problems("compile-output.schema.json", printed) == []
    assert len(printed) == len(rendered.orders)
    references = []
    for order, line, request in zip(rendered.orders, rendered.lines, printed):
        expected = expected_request(order)
        assert request["broker"] == "groww"
        assert request["source"] == {"file": name, "line": line}
        body = request["body"]
        name_of_schema = SCHEMA_OF.get((order.verb, order.kind))
        if name_of_schema is not None:
            instance = request["query"] if order.verb == "LIST" else body
            assert schema_problems(name_of_schema, instance) == [], instance
        if order.verb == "CREATE":
            reference = body["reference_id"]
            references.append(reference)
            if "ref" in order.opts:
                assert reference == order.opts["ref"]
            else:
                assert DERIVED_REF.fullmatch(reference), reference
                expected["body"]["reference_id"] = reference
            # prices: two-place strings equal to the Decimal written
            prices = [(body["trigger_price"], order.trigger), (body["order"]["price"], order.limit)] if order.kind == "GTT" else [
                (body["target"]["trigger_price"], order.target[0]),
                (body["target"]["price"], order.target[1]),
                (body["stop_loss"]["trigger_price"], order.sl[0]),
                (body["stop_loss"]["price"], order.sl[1]),
            ]
            for sent, written in prices:
                if written is None:
                    assert sent is None
                else:
                    assert TWO_PLACES.fullmatch(sent) and Decimal(sent) == written, (sent, written)
        got = {k: request[k] for k in ("operation", "method", "path", "query", "body")}
        assert got == expected, order
    assert len(references) == len(set(references)), "reference ids must be unique"


# --------------------------------------------------------------------------
# 1. valid orders compile, and every request is valid


@settings(max_examples=examples(180), **SETTINGS)
@given(order_lists, styles)
def test_generated_valid_groww_orders_compile_to_valid_requests(orders, style):
    rendered = render_ord(style, orders)
    note(repr(rendered.text))
    for broker in ("groww", None):
        errors = [d for d in lint_text(rendered.text, broker=broker) if d.severity == "error"]
        assert errors == [], broker
    requests, diagnostics = compile_text(rendered.text)
    assert requests is not None, [d for d in diagnostics if d.severity == "error"]
    check_compiled(rendered, requests)


def test_the_oracle_agrees_with_the_documents_examples():
    """The expectations above give the documents' own requests for the documents' orders."""
    gtt = Order("CREATE", "GTT", side="BUY", qty=10, symbol="TCS", trigger=Decimal("3985"), direction="DOWN")
    gtt.limit = Decimal("3990")
    gtt.opts = {"product": "CNC", "exchange": "NSE", "validity": "DAY", "segment": "CASH", "ref": "sref-unique-123"}
    listing = Order("LIST", "OCO", opts={"segment": "FNO", "status": "ACTIVE", "page": 0, "size": 10})
    listing.opts.update({"from": datetime(2025, 1, 16, 9, 15), "to": datetime(2025, 1, 16, 15, 30)})
    rendered = render_ord(Style(0), [gtt, listing])
    assert rendered.text == (
        "GTT BUY 10 TCS trigger 3985 DOWN limit 3990 product CNC exchange NSE validity DAY segment CASH ref sref-unique-123\n"
        "LIST OCO segment FNO status ACTIVE page 0 size 10 from 2025-01-16T09:15:00 to 2025-01-16T15:30:00\n"
    )
    requests, diagnostics = compile_text(rendered.text)
    assert requests is not None, diagnostics
    check_compiled(rendered, requests)
    assert expected_request(gtt)["body"] == {
        "reference_id": "sref-unique-123", "smart_order_type": "GTT", "segment": "CASH", "trading_symbol": "TCS", "quantity": 10,
        "trigger_price": "3985.00", "trigger_direction": "DOWN",
        "order": {"order_type": "LIMIT", "price": "3990.00", "transaction_type": "BUY"},
        "product_type": "CNC", "exchange": "NSE", "duration": "DAY",
    }  # groww-smart-orders-rest.txt, Create GTT, Body parameter


# --------------------------------------------------------------------------
# 2. round trip through the formatter


def projection(stmt, market_word: bool = True) -> tuple:
    """What a statement means, by value, without spans or defaults.

    `market_word`: whether the `market` word itself counts (YAML may say `order_type: MARKET`
    instead; the order type then carries the meaning)."""

    def val(f):
        return None if f is None else f.value

    def leg(leg):
        if leg is None:
            return None
        market = val(leg.market) if market_word else None
        return (val(leg.trigger), val(leg.price), val(leg.order_type), val(leg.direction), market)

    def options(opts, skip=()):
        return sorted((k, repr(v.value)) for k, v in opts.items() if k not in skip)

    return (
        stmt.verb,
        val(stmt.kind),
        val(stmt.side),
        val(stmt.qty),
        val(stmt.amount),
        val(stmt.symbol),
        val(stmt.order_id),
        val(stmt.sc_type),
        val(stmt.scid),
        leg(stmt.entry),
        leg(stmt.target),
        leg(stmt.sl),
        val(stmt.frequency),
        options(stmt.options, stmt.defaulted),
        [(val(s.qty), val(s.amount), val(s.symbol), options(s.options)) for s in stmt.scrips],
    )


READING_RULES = {"syntax", "bad-number", "bad-value", "duplicate-option", "misplaced-option", "encoding"}

# Values that read well as words of their kind, not necessarily valid in an order.
any_price = st.one_of(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("999999999999"), places=2),
    st.integers(0, 10**12 - 1).map(Decimal),
    st.tuples(st.integers(0, 10**12 - 1), st.integers(0, 8)).map(lambda t: Decimal(t[0]).scaleb(-t[1])),
)
signs = st.sampled_from(["", "", "", "", "-"])


@st.composite
def raw_price(draw) -> str:
    """[-]digits[.digits]: at most 12 digits before the point and 8 after."""
    text = format(draw(any_price), "f")
    whole, _, places = text.partition(".")
    assert len(whole.lstrip("0")) <= 12 and len(places) <= 8, text
    return draw(signs) + text


# Keywords, values, symbols and ids are printable ASCII; the text of `name` and `notes` is any text.
WORD_ALPHABET = st.characters(min_codepoint=0x21, max_codepoint=0x7E, blacklist_characters='"#')
TEXT_ALPHABET = st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc"), blacklist_characters='"#' + BIDI)
plain_words = st.text(WORD_ALPHABET, min_size=1, max_size=12)
free_words = st.one_of(
    plain_words,
    st.sampled_from(["TCS", "NIFTY25OCT24000CE", "TCS-EQ", "gtt_91a7f4", "SCET_0010", "target", "limit", "a\\b", "'", "\\"]),
)
text_words = st.one_of(free_words, st.text(TEXT_ALPHABET, min_size=1, max_size=12).filter(lambda w: not any(c.isspace() for c in w)))


def _string_literals(chars, odd):
    return st.lists(
        st.one_of(st.text(chars, min_size=1, max_size=6), st.sampled_from(['\\"', "\\\\", "\\n", "\\t", "\\#", "#", "\\ ", " "] + odd)),
        max_size=5,
    ).map(lambda parts: '"' + "".join(parts) + '"')  # with \" and \\ (and other \x) escapes


# a text: any characters but a newline; a quoted value: printable ASCII and blanks
string_literals = _string_literals(st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\\n\x00' + LINE_BREAKS + BIDI), ["\u200f", "\x0c"])
ascii_literals = _string_literals(st.characters(min_codepoint=0x20, max_codepoint=0x7E, blacklist_characters='"\\'), [])


def option_value(draw, style: Style, name: str) -> str:
    from ordspec.language import OPTIONS

    kind, choices, _ = OPTIONS[name]
    if kind == "enum":
        text = style.case(draw(st.sampled_from(choices)))
    elif kind in ("quantity", "integer", "count"):
        text = str(draw(st.integers(0, 10**6)))
    elif kind == "position":
        text = str(draw(st.integers(-(10**6), 10**6)))
    elif kind == "digits":
        text = str(draw(st.integers(0, 10**12)))
    elif kind == "date":
        text = draw(st.dates(date(2000, 1, 1), date(2099, 12, 31))).isoformat()
    elif kind == "datetime":
        text = draw(st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31))).replace(microsecond=0).isoformat()
    elif kind == "text":  # any word, or any string
        return draw(st.one_of(text_words, string_literals))
    else:  # a word: an ASCII word or quoted ASCII
        return draw(st.one_of(free_words, ascii_literals))
    return '"' + text + '"' if style.chance(0.15) else text


# Where each option and part may be written (language.OPTIONS and PARTS), per statement.
SHAPES = {
    ("CREATE", "GTT"): {"opts": ["product", "exchange", "segment", "validity", "ref", "security"], "entry": True, "legs": True},
    ("CREATE", "OCO"): {"opts": ["product", "exchange", "segment", "validity", "ref", "position", "security"], "legs": True},
    ("CREATE", "BRACKET"): {"opts": ["product", "exchange", "segment", "validity", "ref", "security"], "entry": True, "legs": 1},
    ("CREATE", "SIP"): {"opts": ["product", "exchange", "ref", "token", "name", "start", "installments", "registered"], "sip": 1},
    ("CREATE", "SMALLCASE"): {"opts": ["ref", "notes", "iscid"]},
    ("MODIFY", "GTT"): {"opts": ["product", "exchange", "segment", "validity", "side", "qty"], "entry": True, "legs": True},
    ("MODIFY", "OCO"): {"opts": ["product", "exchange", "segment", "validity", "position", "qty"], "legs": True},
    ("MODIFY", "BRACKET"): {"opts": ["product", "exchange", "segment", "validity", "side", "qty"], "entry": True, "legs": True},
    ("MODIFY", "SIP"): {"opts": ["product", "exchange", "token", "name", "start", "installments", "registered", "qty"], "sip": 1},
    ("CANCEL", "GTT"): {"opts": ["segment"]},
    ("CANCEL", "OCO"): {"opts": ["segment"]},
    ("CANCEL", "BRACKET"): {"opts": ["segment"]},
    ("CANCEL", "SIP"): {"opts": []},
    ("GET", "GTT"): {"opts": ["segment"]},
    ("GET", "BRACKET"): {"opts": ["segment"]},
    ("PAUSE", "SIP"): {"opts": []},
    ("RESUME", "SIP"): {"opts": []},
    ("LIST", "GTT"): {"opts": ["segment", "status", "page", "size", "from", "to"]},
    ("LIST", "OCO"): {"opts": ["segment", "status", "page", "size", "from", "to"]},
    ("LIST", "BRACKET"): {"opts": ["status", "page", "size", "from", "to"]},
}
SHAPE_NAMES = st.sampled_from(sorted(SHAPES))


def size_text(draw, style: Style, sip: bool) -> str:
    """A quantity; for a SIP maybe an amount to invest, INR2000 or ₹2000."""
    if sip and draw(st.booleans()):
        prefix = style.case("INR") if draw(st.booleans()) else "\u20b9"
        return prefix + format(draw(any_price), "f")
    return str(draw(st.integers(0, 10**6)))
SC_TYPES = st.sampled_from(["BUY", "INVESTMORE", "FIX", "REPAIR", "REBALANCE", "SIP", "MANAGE", "EXIT", "SIP_SETUP"])


@st.composite
def any_statement(draw, style: Style) -> str:
    """One statement line that reads without a reading error, but need not be a valid order."""
    verb, kind = draw(SHAPE_NAMES)
    shape = SHAPES[(verb, kind)]
    c = style.case
    if verb == "CREATE" and kind == "SMALLCASE":
        sc = draw(SC_TYPES)
        head = [c("SMALLCASE"), c(sc)] + ([] if sc == "SIP_SETUP" else [draw(free_words)])
    elif verb == "CREATE":
        head = [c(kind), c(draw(st.sampled_from(["BUY", "SELL"]))), size_text(draw, style, kind == "SIP"), draw(free_words)]
    elif verb == "LIST":
        head = [c("LIST"), c(kind)]
    else:
        head = [c(verb), c(kind), draw(free_words)]
    units: list[list[str]] = []
    for name in draw(st.lists(st.sampled_from(shape["opts"]), unique=True)) if shape["opts"] else []:
        value = size_text(draw, style, True) if (name, kind) == ("qty", "SIP") else option_value(draw, style, name)
        units.append([c(name), value])
    if shape.get("entry"):
        if draw(st.booleans()):
            units.append([c("trigger"), draw(raw_price())])
        if kind == "GTT" and draw(st.booleans()):
            units.append([c(draw(st.sampled_from(["up", "down"])))])
        if draw(st.booleans()):
            units.append([c("market")])
    if shape.get("sip") and draw(st.booleans()):
        units.append([c(draw(st.sampled_from(["daily", "weekly", "monthly"])))])
    words = list(head)
    if shape.get("entry") and draw(st.booleans()):
        words += [c("limit"), draw(raw_price())]  # before any leg, a limit prices the entry
    words += [w for unit in style.shuffled(units) for w in unit]
    if shape.get("legs"):
        for role in draw(st.lists(st.sampled_from(["target", "sl"]), unique=True)):
            words += [c(role), draw(raw_price())]
            if draw(st.booleans()):
                words += [c("limit"), draw(raw_price())]
    if shape.get("sip"):
        for _ in range(draw(st.integers(0, 2))):
            words += [c("plus"), size_text(draw, style, True), draw(free_words)]
            for name in draw(st.lists(st.sampled_from(["token", "exchange", "product"]), unique=True)):
                words += [c(name), option_value(draw, style, name)]
    return style.line(words)


@st.composite
def statement_files(draw) -> str:
    style = draw(styles)
    lines = []
    for _ in range(draw(st.integers(0, 2))):
        name = draw(st.sampled_from(["product", "exchange", "validity", "segment", "registered"]))
        lines.append(style.line([style.case("default"), style.case(name), option_value(draw, style, name)]))
    lines += [draw(any_statement(style)) for _ in range(draw(st.integers(1, 4)))]
    return "\n".join(lines) + "\n"


def reparse(text: str):
    statements, diagnostics = parse_one(text)
    return statements, [d for d in diagnostics if d.name in READING_RULES]


ROUND_TRIP_EXAMPLES = [
    "OCO SELL 75 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 position 75 product MIS segment FNO ref sref-unique-456",
    "BRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 limit 33 target 41 limit 42 product NRML security 51011",
    "SIP BUY 1 TCS-EQ daily start 2025-06-19 installments 1 name AD product CNC token 11536 registered 2025-05-19",
    'SMALLCASE BUY SCET_0010 notes "first buy"',
    "SMALLCASE SIP_SETUP iscid 5f58be2e0ae6815aef0d1118",
    "MODIFY OCO oco_a12bc3 segment FNO validity DAY qty 40 product MIS target 122 sl 97.5",
    "MODIFY GTT gtt_91a7f4 segment CASH qty 12 trigger 3980 down limit 3985 side BUY",
    "LIST OCO segment FNO status ACTIVE page 0 size 10 from 2025-01-16T09:15:00 to 2025-01-16T15:30:00",
    'SIP BUY 1 TCS-EQ monthly name "a \\" b\\\\" plus 2 INFY-EQ token 1594 exchange BSE product CNC',
    "PAUSE SIP 25042400000049",
    "SIP BUY INR2000 TCS-EQ monthly start 2025-06-19 installments 12 plus ₹500.50 INFY-EQ token 1594",
    "MODIFY SIP 25042400000049 qty inr2500",
    "default product CNC\nGTT BUY 10 TCS trigger 3985 down limit 3990",
]


@settings(max_examples=examples(300), **SETTINGS)
@given(statement_files())
@example("\n".join(ROUND_TRIP_EXAMPLES))
def test_format_round_trip_keeps_the_meaning(text):
    first, reading = reparse(text)
    assert reading == []  # the generator writes only statements that read well
    assert first
    for stmt in first:
        canonical = fmt.statement(stmt)
        note(f"{stmt!r} -> {canonical!r}")
        assert "\n" not in canonical
        again, reading = reparse(canonical)
        assert reading == [] and len(again) == 1, (canonical, reading)
        assert projection(again[0]) == projection(stmt), canonical
        assert fmt.statement(again[0]) == canonical


def format_file(text: str):
    from ordspec.source import SourceFile

    return fmt.source(SourceFile("t.ord", text))


@settings(max_examples=examples(80), **SETTINGS)
@given(order_lists, styles)
def test_fmt_of_a_valid_file_sends_the_same_requests_and_is_idempotent(orders, style):
    """`ordspec fmt` (fmt.source) on a whole file: the same requests, and formatting twice changes nothing."""
    text = render_ord(style, orders).text
    formatted, errors = format_file(text)
    assert errors == [] and formatted is not None
    note(formatted)
    before, _ = compile_text(text)
    after, diagnostics = compile_text(formatted)
    assert after is not None, diagnostics
    assert requests_of(after) == requests_of(before)
    assert format_file(formatted) == (formatted, [])


@settings(max_examples=examples(120), **SETTINGS)
@given(statement_files())
def test_fmt_of_a_file_keeps_every_statement(text):
    formatted, errors = format_file(text)
    assert errors == [] and formatted is not None
    first, _ = parse_one(text)
    again, reading = reparse(formatted)
    assert reading == []
    assert [projection(s) for s in again] == [projection(s) for s in first]
    assert format_file(formatted) == (formatted, [])


@settings(max_examples=examples(120), **SETTINGS)
@given(st.data())
def test_fmt_of_a_damaged_file_never_crashes_and_is_idempotent(data):
    if data.draw(st.booleans()):
        base = render_ord(data.draw(styles), data.draw(order_lists)).text
    else:
        base = data.draw(statement_files())
    text = data.draw(mutated(base))
    formatted, errors = format_file(text)
    if formatted is None:
        assert errors and all(d.name in ("syntax", "hidden-text") for d in errors)
        return
    note(formatted)
    assert format_file(formatted) == (formatted, [])


# --------------------------------------------------------------------------
# 3. the validator never crashes

ODD = [
    "#", '"', '""', "'", "\\", "\r", "\n", "\r\n", "\n\r", "\t", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029",
    "\u200f", "\u202e", "\u200b", "\ufeff", "\u00a0", "\x00", "\x1b[31m", "\x7f", "é", "٣", "²", "𝟗", "½", "🙂",
    "9" * 40, "1" + "0" * 30, "0." + "0" * 30 + "1", "1e309", "-1e-400", "NaN", "Infinity", "-0", "+5", "0x1F", "1_000", "1,000",
    "99999999999999999999.999999999", "-", ".", "5.", ".5", "W" * 5000, "x" * 4097, ":", "- ", "{", "}", "[", "]", "&a", "*a",
    "!!python/object:os.system", "? ", "%YAML 1.1", "---", "...", "~", "null", "<<: *a", "|", ">", "target", "limit", "sl",
    "market", "default", "broker", "plus", "SIP_SETUP", "0", "-1", "INR", "₹", "INR-5", "₹1e3",
]
MUTATIONS = st.sampled_from(["delete", "insert", "odd", "odd", "dup", "swap", "word-delete", "word-dup", "word-swap", "newline"])


@st.composite
def mutated(draw, text: str) -> str:
    for _ in range(draw(st.integers(1, 6))):
        op = draw(MUTATIONS)
        n = len(text)
        if op == "delete" and n:
            i = draw(st.integers(0, n - 1))
            text = text[:i] + text[draw(st.integers(i, min(n, i + 8))) :]
        elif op == "insert":
            i = draw(st.integers(0, n))
            text = text[:i] + draw(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=4)) + text[i:]
        elif op == "odd":
            i = draw(st.integers(0, n))
            text = text[:i] + draw(st.sampled_from(ODD)) + text[i:]
        elif op == "dup" and n:
            i = draw(st.integers(0, n - 1))
            j = draw(st.integers(i, min(n, i + 30)))
            text = text[:j] + text[i:j] + text[j:]
        elif op == "swap" and n > 1:
            i = draw(st.integers(0, n - 2))
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        elif op.startswith("word"):
            words = re.split(r"(\s+)", text)
            if len(words) < 2:
                continue
            i, j = draw(st.integers(0, len(words) - 1)), draw(st.integers(0, len(words) - 1))
            if op == "word-delete":
                del words[i]
            elif op == "word-dup":
                words.insert(j, words[i])
            else:
                words[i], words[j] = words[j], words[i]
            text = "".join(words)
        elif op == "newline":
            text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r", "\n\n", "\u2028", ""])), draw(st.integers(1, 3)))
    return text


def sane(diagnostics, text: str) -> None:
    """No internal error; every position inside the file (or just past its end); renderers take them.

    A line is what ordspec reads as one (source.SourceFile: lines end at LF), in YAML files too.
    """
    from ordspec.render import jsonfmt
    from ordspec.render import text as textfmt
    from ordspec.source import SourceFile

    lines = len(text.split("\n"))
    assert [d for d in diagnostics if d.name == "internal-error"] == []
    for d in diagnostics:
        assert 1 <= d.line <= lines + 1, (d, lines)
        assert d.column >= 1, d
        assert (d.end_line, d.end_column) >= (d.line, d.column), d
        assert d.severity in ("error", "warning", "info")
        assert d.message
    source = SourceFile("t", text)
    for d in diagnostics:
        textfmt.diagnostic(d, source)
    jsonfmt.report(diagnostics, {"files": 1})


def lint_every_way(text: str, name: str) -> None:
    for broker in (None, "groww"):
        sane(lint_text(text, broker=broker, name=name), text)
    requests, diagnostics = compile_text(text, name=name)
    sane(diagnostics, text)
    if requests is not None:  # whatever compiles is valid
        assert schema_problems("compile-output.schema.json", output_of(requests)) == []


@st.composite
def damaged_ord(draw) -> str:
    if draw(st.booleans()):
        base = render_ord(draw(styles), draw(order_lists)).text
    else:
        base = draw(statement_files())
    return draw(mutated(base))


@settings(max_examples=examples(220), **SETTINGS)
@given(damaged_ord())
@example("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\u2028x")
@example('OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95 notes "')
@example("GTT BUY 99999999999999999999 TCS trigger 1e309 down limit NaN product CNC")
@example("\ufeffGTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\r\r\n")
@example("LIST OCO from 2025-02-30T09:15:00 to 9999-12-31T23:59:59 page 999999999999 size -1")
@example("OCO SELL 75 NIFTY25OCT24000CE target 0.001 sl -0 limit 999999999999.99999999 product MIS")
def test_lint_never_crashes_on_damaged_ord_files(text):
    lint_every_way(text, "t.ord")


@settings(max_examples=examples(100), **SETTINGS)
@given(st.binary(max_size=200), st.sampled_from(["t.ord", "t.yaml"]))
@example(b"GTT BUY 10 TCS \xff trigger 3985 down", "t.ord")
@example(b"\xef\xbb\xbf\xef\xbb\xbforders: []", "t.yaml")
def test_lint_never_crashes_on_bytes(data, name):
    from ordspec.pipeline.run import Run

    for broker in (None, "groww"):
        run = Run(broker=broker, as_of=DOC_DAY)
        source = run.read(name, name, data)
        if source is not None:
            run.check(source)
        sane(run.finish(), data.decode("utf-8", errors="replace"))


# --------------------------------------------------------------------------
# Orders as YAML (grammar/yamlform.py): structured mappings, or DSL lines


PLAIN_SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.&/-]*")
YAML_SPECIAL = {"null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"}


def yaml_scalar(style: Style, text: str) -> str:
    """`text` as a YAML scalar that reads back as `text`: plain, double- or single-quoted."""
    how = 0 if style.plain else style.rng.randrange(3)
    if how == 0 and PLAIN_SAFE.fullmatch(text) and text.lower() not in YAML_SPECIAL:
        return text
    if how == 2:
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def order_mapping(style: Style, o: Order, omitted: set, entry_types: bool | None = None) -> list[tuple[str, object]]:
    """The structured YAML order: (key, scalar text, or a nested list of pairs).

    Order types may be written out (`order_type:`) where the DSL implies them, and some keys
    may come through a `<<` merge."""
    s = lambda t: yaml_scalar(style, t)  # noqa: E731
    p = lambda d: s(style.price(d))  # noqa: E731
    c = lambda w: s(style.case(w))  # noqa: E731
    pairs: list[tuple[str, object]] = [("kind", c(o.kind))]
    if o.verb != "CREATE":
        pairs.append(("action", c(o.verb)))
    if o.order_id is not None:
        pairs.append(("id", s(o.order_id)))
    if o.side is not None:
        pairs.append(("side", c(o.side)))
    if o.qty is not None:
        pairs.append(("qty", s(str(o.qty))))
    if o.symbol is not None:
        pairs.append(("symbol", s(o.symbol)))
    if o.trigger is not None:
        pairs.append(("trigger", p(o.trigger)))
    if o.direction is not None:
        pairs.append(("direction", c(o.direction)))
    typed = (o.market or o.limit is not None) and (style.chance(0.3) if entry_types is None else entry_types)
    if typed:
        pairs.append(("order_type", c("MARKET" if o.market else "LIMIT")))
    if o.market and (not typed or (entry_types is None and style.chance(0.5))):
        pairs.append(("market", c("true")))
    if o.limit is not None:
        pairs.append(("limit", p(o.limit)))
    for role, leg in (("target", o.target), ("sl", o.sl)):
        if leg is None:
            continue
        if leg[1] is None and style.chance(0.5):
            pairs.append((role, p(leg[0])))
        else:
            inner = [("trigger", p(leg[0]))] + ([("limit", p(leg[1]))] if leg[1] is not None else [])
            if o.verb == "CREATE" and style.chance(0.3):
                implied = {("target", False): "LIMIT", ("target", True): "MARKET", ("sl", False): "SL", ("sl", True): "SL_M"}
                inner.append(("order_type", c(implied[(role, leg[1] is None)])))
            pairs.append((role, style.shuffled(inner)))
    for name, value in o.opts.items():
        if name not in omitted:
            text = value.isoformat() if isinstance(value, datetime) else str(value)
            pairs.append((name, c(text) if name in ENUM_OPTIONS else s(text)))
    pairs = style.shuffled(pairs)
    if style.chance(0.15):  # `<<: {...}` merges keys in, as if written here
        cut = style.rng.randrange(1, len(pairs) + 1)
        pairs = [("<<", pairs[:cut])] + pairs[cut:]
    return pairs


def flow(pairs) -> str:
    return "{" + ", ".join(f"{k}: {flow(v) if isinstance(v, list) else v}" for k, v in pairs) + "}"


def block(pairs, indent: int) -> list[str]:
    out = []
    for k, v in pairs:
        if isinstance(v, list):
            out.append(" " * indent + f"{k}:")
            out += block(v, indent + 2)
        else:
            out.append(" " * indent + f"{k}: {v}")
    return out


def dsl_scalar(style: Style, line: str) -> str:
    """A DSL line as a YAML scalar: plain where YAML reads it as written, quoted, or a block scalar."""
    plain_ok = not re.search(r": | #|[\"'{}\[\],&*!|>%@`\t]|^[-?:]|:$", line) and line.strip() == line
    how = 0 if style.plain else style.rng.randrange(5)
    if how == 0 and plain_ok:
        return line
    if how == 2:
        return "'" + line.replace("'", "''") + "'"
    if how in (3, 4) and line.strip() == line:
        return ("|-" if how == 3 else ">-") + "\n      " + line
    return json.dumps(line, ensure_ascii=False)


def render_yaml(style: Style, orders: list, defaults: dict, omitted: list, as_lines: bool, entry_types=None) -> str:
    """A YAML order file: `defaults:` and `orders:`, each order a DSL line or a mapping."""
    out = []
    if style.chance(0.3):
        out.append("broker: groww")
    if defaults:
        pairs = [(k, yaml_scalar(style, v)) for k, v in defaults.items()]
        out += [f"defaults: {flow(pairs)}"] if style.chance(0.5) else ["defaults:"] + block(pairs, 2)
    out.append("orders:")
    for o, left_out in zip(orders, omitted):
        if as_lines:
            out.append("  - " + dsl_scalar(style, " ".join(order_words(style, o, defaults, left_out))))
        elif style.chance(0.5):
            out.append("  - " + flow(order_mapping(style, o, left_out, entry_types)))
        else:
            lines = block(order_mapping(style, o, left_out, entry_types), 4)
            out += ["  - " + lines[0].lstrip()] + lines[1:]
        if style.chance(0.2):
            out.append("  # a comment")
    return "\n".join(out) + "\n"


def with_top_defaults(style: Style, orders: list[Order]) -> tuple[dict, list[Order], list[set]]:
    """Defaults for the whole file, the orders as they read under them, and what each leaves out."""
    defaults = {}
    for name in ("product", "exchange", "validity", "segment"):
        if style.chance(0.3):
            defaults[name] = style.rng.choice(DEFAULT_VALUES[name])
    orders = [absorb_defaults(o, defaults) for o in orders]
    return defaults, orders, [style.omitted(o, defaults) for o in orders]


def ord_text(style: Style, orders, defaults, omitted) -> str:
    lines = [f"default {k} {v}" for k, v in defaults.items()]
    lines += [" ".join(order_words(style, o, defaults, left_out)) for o, left_out in zip(orders, omitted)]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# 4. YAML and DSL agree; compiling is deterministic


def requests_of(requests) -> list[tuple]:
    return [(r["operation"], r["method"], r["path"], r["query"], r["body"]) for r in output_of(requests)]


@settings(max_examples=examples(100), **SETTINGS)
@given(order_lists, styles)
def test_yaml_and_dsl_compile_to_the_same_requests(orders, style):
    defaults, orders, omitted = with_top_defaults(style, orders)
    text = ord_text(style, orders, defaults, omitted)
    structured = render_yaml(style, orders, defaults, omitted, as_lines=False)
    lines = render_yaml(style, orders, defaults, omitted, as_lines=True)
    note(text)
    note(structured)
    note(lines)
    from_ord, diagnostics = compile_text(text)
    assert from_ord is not None, [d for d in diagnostics if d.severity == "error"]
    check_compiled(Rendered(text, orders, [len(defaults) + i + 1 for i in range(len(orders))]), from_ord)
    expected = requests_of(from_ord)
    for yaml_text in (structured, lines):
        got, diagnostics = compile_text(yaml_text, name="t.yaml")
        assert got is not None, [d for d in diagnostics if d.severity == "error"]
        assert requests_of(got) == expected
    # the same text twice: the same output, derived reference ids included
    again, _ = compile_text(text)
    assert output_of(again) == output_of(from_ord)
    again, _ = compile_text(structured, name="t.yaml")
    assert requests_of(again) == expected


def fmt_round_trip_of_yaml(orders, style, entry_types: bool) -> None:
    """Structured YAML -> IR -> fmt.statement -> .ord text: the same statements, the same requests."""
    defaults, orders, omitted = with_top_defaults(style, orders)
    structured = render_yaml(style, orders, defaults, omitted, as_lines=False, entry_types=entry_types)
    note(structured)
    statements, diagnostics = parse_one(structured, name="t.yaml")
    assert [d for d in diagnostics if d.severity == "error"] == []
    canonical = [fmt.statement(stmt) for stmt in statements]
    text = "".join(f"default {k} {v}\n" for k, v in defaults.items()) + "".join(line + "\n" for line in canonical)
    note(text)
    for stmt, line in zip(statements, canonical):
        again, reading = reparse(line)
        assert reading == [] and len(again) == 1
        assert projection(again[0], market_word=False) == projection(stmt, market_word=False), line
    from_yaml, _ = compile_text(structured, name="t.yaml")
    from_fmt, diagnostics = compile_text(text)
    assert from_fmt is not None, [d for d in diagnostics if d.severity == "error"]
    assert requests_of(from_fmt) == requests_of(from_yaml)


@settings(max_examples=examples(60), **SETTINGS)
@given(order_lists, styles)
@example(
    [
        Order(
            "CREATE", "GTT", side="BUY", qty=10, symbol="TCS", trigger=Decimal("3985"), direction="DOWN", market=True,
            opts={"product": "CNC", "exchange": "NSE", "validity": "DAY", "segment": "CASH"},
        )
    ],
    Style(0),
)
def test_fmt_of_structured_yaml_orders_reads_back_the_same(orders, style):
    """Entry order types written out or not (`order_type: MARKET` alone is a market order)."""
    fmt_round_trip_of_yaml(orders, style, entry_types=None)
    fmt_round_trip_of_yaml(orders, style, entry_types=True)


def test_fmt_keeps_a_yaml_market_order_type():
    """Regression (found here): fmt dropped `order_type: MARKET` written without `market: true`,
    and wrote a GTT that places no order."""
    text = "orders:\n  - {kind: GTT, side: BUY, qty: 10, symbol: TCS,"
    text += " trigger: 3985, direction: down, order_type: MARKET, product: CNC}"
    [stmt], diagnostics = parse_one(text, name="t.yaml")
    assert names(diagnostics) == []
    [again], diagnostics = parse_one(fmt.statement(stmt))
    assert names(diagnostics) == []
    assert again.entry.order_type.value == "MARKET"


def spelled(style: Style, orders: list[Order], omit: bool, only: set | None = None) -> str:
    """`orders` with every implied option left out (omit) or written out; `only` limits which."""
    out = []
    for o in orders:
        implied = {n for n in o.opts if omittable(o, n, {}) and (only is None or n in only)}
        out.append(" ".join(order_words(style, o, {}, implied if omit else set())))
    return "\n".join(out) + "\n"


@settings(max_examples=examples(100), **SETTINGS)
@given(order_lists, styles)
@example(
    [
        Order(
            "CREATE", "OCO", side="SELL", qty=75, symbol="NIFTY25OCT24000CE",
            target=(Decimal("120.5"), None), sl=(Decimal("95"), None),
            opts={"product": "MIS", "exchange": "NSE", "validity": "DAY", "segment": "FNO"},
        )
    ],
    Style(0),
)
def test_writing_out_what_is_implied_changes_no_request(orders, style):
    """Options that the defaults or the documented inference supply (exchange NSE, validity DAY,
    the segment of the symbol, an OCO's position of +qty for SELL and -qty for BUY), written out or
    left out: the same requests, derived reference ids included (compiler/refs.py: the key hashes
    the resolved order, not its text; dispatch relies on it to never send an order twice)."""
    a, _ = compile_text(spelled(style, orders, omit=True))
    b, _ = compile_text(spelled(style, orders, omit=False))
    assert a is not None and b is not None
    assert requests_of(a) == requests_of(b)


def test_four_spellings_of_one_oco_derive_one_reference_id():
    """Regression (found here): `segment FNO` where it is inferred, or `position 75` on an
    OCO SELL 75, derived another reference id, so editing a sent file would send the order again."""
    plain = "OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95 product MIS"
    bodies = []
    for extra in ("", " segment FNO", " position 75", " exchange NSE validity DAY"):
        requests, diagnostics = compile_text(plain + extra + "\n")
        assert requests is not None, diagnostics
        bodies.append(requests[0].body)
    assert all(body == bodies[0] for body in bodies)


# --------------------------------------------------------------------------
# 3 (YAML). generated and damaged YAML never crashes the validator

from ordspec.grammar.yamlform import ORDER_KEYS  # noqa: E402

yaml_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["GTT", "OCO", "BUY", "SELL", "MODIFY", "LIST", "120.50", "1e3", "CNC", "FNO", "TCS", "NIFTY25OCT24000CE"]),
    st.sampled_from(["GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC", "default product CNC", "broker groww", ""]),
)
yaml_keys = st.one_of(st.sampled_from(ORDER_KEYS + ("orders", "defaults", "broker", "<<")), st.text(max_size=6))
def _yaml_nodes(children):
    return st.lists(children, max_size=4) | st.dictionaries(yaml_keys, children, max_size=6)


yaml_trees = st.recursive(yaml_leaves, _yaml_nodes, max_leaves=25)


@st.composite
def generated_yaml(draw) -> str:
    tree = draw(yaml_trees)
    shape = draw(st.sampled_from(["bare", "orders", "list"]))
    if shape == "orders":
        tree = {"orders": tree if isinstance(tree, list) else [tree]}
    elif shape == "list":
        tree = tree if isinstance(tree, list) else [tree]
    return yaml.safe_dump(tree, allow_unicode=draw(st.booleans()), default_flow_style=draw(st.sampled_from([None, True, False])))


@st.composite
def damaged_yaml(draw) -> str:
    if draw(st.booleans()):
        text = draw(generated_yaml())
    else:
        style = draw(styles)
        defaults, orders, omitted = with_top_defaults(style, draw(order_lists))
        text = render_yaml(style, orders, defaults, omitted, as_lines=draw(st.booleans()))
    if draw(st.integers(0, 4)):
        text = draw(mutated(text))
    return text


@settings(max_examples=examples(220), **SETTINGS)
@given(damaged_yaml())
@example("orders:\n  - GTT BUY 10 TCS trigger 3985 down\r  - x: 1\r")
@example("orders:\n  - {kind: GTT, side: BUY, qty: 10, symbol: TCS, target: {trigger: 1, limit: 2, limit: 3}}\n")
@example("a: &a [1, 2]\nb: *a\norders: *a\n")
@example('orders:\n  - "GTT BUY 10 TCS trigger 3985 down limit 3990 notes \\""\n')
@example("orders: [{kind: GTT, <<: {side: SELL}, qty: 1, symbol: TCS}]\n")
@example("orders:\n- {kind: OCO, action: modify, id: ~, qty: [1], target: {trigger: {}}}\n")
def test_lint_never_crashes_on_damaged_yaml(text):
    lint_every_way(text, "t.yaml")


def test_yaml_order_without_a_symbol_is_reported_not_crashed():
    """Regression (found here): a structured create without `symbol:` crashed missing-field (--broker groww)."""
    lint_every_way("orders: [{kind: GTT, side: BUY}]\n", "t.yaml")


def test_yaml_positions_use_the_files_line_numbers():
    """Regression (found here): YAML positions counted CR (and NEL, LS, PS) as line breaks, while
    ordspec's lines, and the excerpts it prints, end at LF only."""
    from ordspec.source import SourceFile

    text = "orders:\r  - GTT BUY 10 TCS trigger x up\r"  # old-Mac line ends: one line to ordspec
    [diagnostic] = [d for d in lint_text(text, name="t.yaml") if d.name == "bad-number"]
    lines = SourceFile("t.yaml", text).lines
    assert diagnostic.line <= len(lines)
    assert lines[diagnostic.line - 1][diagnostic.column - 1 : diagnostic.end_column - 1] == "x"


# --------------------------------------------------------------------------
# 3 (positions). a DSL line inside YAML is reported at the same words as in a .ord file


@settings(max_examples=examples(150), **SETTINGS)
@given(styles.flatmap(any_statement))
@example("OCO SELL 50 NIFTY25OCT24000CE target 120.5 sl 95 product MIS")
@example("\tGTT  BUY 10 TCS trigger 3985.03 down limit 3990 product CNC # é 🙂")
def test_a_dsl_line_in_yaml_is_reported_at_the_same_words(line):
    for scalar in ("'" + line.replace("'", "''") + "'", json.dumps(line, ensure_ascii=False)):
        try:
            exact = scalar[1:-1] == line and yaml.safe_load(scalar) == line
        except yaml.YAMLError:
            exact = False
        if not exact:  # escapes or line folding: ordspec then points at the whole scalar; nothing to compare
            continue
        text = "orders:\n  - " + scalar + "\n"
        offset = len("  - '")
        for broker in (None, "groww"):
            in_ord = lint_text(line + "\n", broker=broker)
            in_yaml = lint_text(text, broker=broker, name="t.yaml")
            expected = sorted((d.code, d.message, 2, d.column + offset, 2, d.end_column + offset) for d in in_ord)
            got = sorted((d.code, d.message, d.line, d.column, d.end_line, d.end_column) for d in in_yaml)
            assert got == expected, text
