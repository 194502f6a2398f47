"""Assemble Statements from words: shared by the DSL and the YAML front ends.

The front ends say what they read ("a target leg at 120.5", "option product
CNC") with spans; this module checks each value, binds `limit` to the leg or
entry before it, fills defaults and reports what does not fit, so the two
forms mean exactly the same.
"""

from __future__ import annotations

from ordspec import values
from ordspec.diagnostics import Report
from ordspec.ir import CREATE, Field, Leg, Scrip, Statement
from ordspec.language import (
    BUILTIN_DEFAULTS,
    DEFAULTABLE,
    DIRECTIONS,
    FREQUENCIES,
    OPTIONS,
    PARTS,
    SIDES,
    applies,
    where_text,
)
from ordspec.source import Span, ascii_lower, ascii_upper, cover

SCRIP_OPTIONS = ("token", "exchange", "product")  # what binds to a SIP's `plus` scrip


class Assembler:
    def __init__(self, file: str, diagnostics: list, settings_defaults: dict | None = None, brokers=tuple):
        self.file = file
        self.diagnostics = diagnostics  # Reports: the pipeline gives them their codes (rules/codes.py)
        self.brokers = brokers  # () -> the names of the brokers a `broker` line may name
        self.settings_defaults = settings_defaults or {}  # from the configuration: name -> value
        self._current: Leg | None = None  # what a `limit` binds to
        self._scrip: Scrip | None = None

    def report(self, rule: str, span: Span, message: str, help: str | None = None) -> None:
        self.diagnostics.append(Report(rule, self.file, span, message, help))

    def problem(self, problem, span: Span) -> None:
        self.report(problem.rule, span, problem.message, problem.help)

    # statements

    def start(self, verb: str, kind: str, kind_span: Span, span: Span) -> Statement:
        self._current = None
        self._scrip = None
        return Statement(self.file, verb, Field(ascii_upper(kind), kind_span), span)

    def _allowed(self, stmt: Statement, where: tuple, what: str, span: Span) -> bool:
        if applies(where, stmt.verb, stmt.kind.value):
            return True
        self.report("misplaced-option", span, f"{what} does not apply to {_title(stmt)}", f"{what} applies to {where_text(where)}")
        return False

    def side(self, stmt: Statement, text: str, span: Span) -> None:
        value, problem = values.enum(text, SIDES, "side")
        if problem:
            stmt.invalid.add("side")
            return self.problem(problem, span)
        stmt.side = Field(value, span)

    def quantity(self, stmt: Statement, text: str, span: Span, scrip: Scrip | None = None) -> None:
        """A quantity, or for a SIP an amount to invest: INR2000 (or ₹2000)."""
        amount = values.amount_text(text)
        if amount is not None:
            if stmt.kind.value != "SIP":
                stmt.invalid.add("qty")
                return self.report("bad-number", span, f"`{text}` is an amount: only a SIP invests by value", "write the quantity")
            value, problem = values.decimal(amount, "amount")
            if problem:
                stmt.invalid.add("amount")
                return self.problem(problem, span)
            (scrip or stmt).amount = Field(value, span)
            return
        value, problem = values.integer(text)
        if problem:
            stmt.invalid.add("qty")
            return self.problem(problem, span)
        (scrip or stmt).qty = Field(value, span)

    def symbol(self, stmt: Statement, text: str, span: Span) -> None:
        stmt.symbol = Field(text, span)

    def order_id(self, stmt: Statement, text: str, span: Span) -> None:
        stmt.order_id = Field(text, span)

    def smallcase(self, stmt: Statement, sc_type: str, type_span: Span, scid: str | None, scid_span: Span | None) -> None:
        from ordspec.language import SC_INTENTS, SC_ORDERS

        value, problem = values.enum(sc_type, SC_ORDERS + SC_INTENTS, "smallcase order type")
        if problem:
            stmt.invalid.add("sc_type")
            self.problem(problem, type_span)
            value = ascii_upper(sc_type)
        stmt.sc_type = Field(value, type_span)
        if scid is not None:
            if value in SC_INTENTS:
                self.report("misplaced-option", scid_span, f"{value} takes no scid", "SIP_SETUP acts on an invested smallcase: give its `iscid`")
                return
            stmt.scid = Field(scid, scid_span)

    # legs

    def _price(self, stmt: Statement, text: str, span: Span, what: str) -> Field | None:
        if not text[-1:].isdigit() and ascii_lower(text) in _keywords():  # `trigger down`: the price is missing
            stmt.invalid.update((what, "entry.direction") if ascii_lower(text) in ("up", "down") else (what,))
            word = "limit" if what.endswith(".price") else what.split(".")[0].replace("entry", "trigger")
            self.report("syntax", span, f"expected a price after `{word}`, not the keyword `{text}`", f"write `{word} PRICE`")
            return None
        value, problem = values.decimal(text, "price")
        if problem:
            stmt.invalid.add(what)
            self.problem(problem, span)
            return None
        return Field(value, span)

    def _entry(self, stmt: Statement, span: Span) -> Leg:
        if stmt.entry is None:
            stmt.entry = Leg("entry", span)
        return stmt.entry

    def leg(self, stmt: Statement, role: str, text: str, word: Span, price: Span) -> None:
        name = "sl" if role == "sl" else "target"
        if not self._allowed(stmt, PARTS[name], f"a `{name}` leg", word):
            return
        if getattr(stmt, role) is not None:
            self.report("duplicate-option", word, f"a second `{name}` leg", "an order has at most one target and one stop-loss")
            return
        leg = Leg(role, cover(word, price))
        leg.trigger = self._price(stmt, text, price, f"{role}.trigger")
        setattr(stmt, role, leg)
        self._current = leg

    def trigger(self, stmt: Statement, text: str, word: Span, price: Span) -> None:
        if not self._allowed(stmt, PARTS["trigger"], "`trigger`", word):
            return
        entry = self._entry(stmt, cover(word, price))
        if entry.trigger is not None or "entry.trigger" in stmt.invalid:
            self.report("duplicate-option", word, "a second `trigger`")
            return
        entry.trigger = self._price(stmt, text, price, "entry.trigger")
        self._current = entry

    def limit(self, stmt: Statement, text: str, word: Span, price: Span) -> None:
        leg = self._current
        if leg is None:
            if not applies(PARTS["limit"], stmt.verb, stmt.kind.value):
                self.report(
                    "misplaced-option",
                    word,
                    f"`limit` does not price anything here: {_title(stmt)} has no entry order",
                    "write `limit` right after the `target` or `sl` leg it prices",
                )
                return
            leg = self._entry(stmt, cover(word, price))
            self._current = leg
        if leg.price is not None or f"{leg.role}.price" in stmt.invalid:
            self.report("duplicate-option", word, f"a second `limit` for the {_role(leg)}")
            return
        leg.price = self._price(stmt, text, price, f"{leg.role}.price")

    def market(self, stmt: Statement, word: Span) -> None:
        if not self._allowed(stmt, PARTS["market"], "`market`", word):
            return
        entry = self._entry(stmt, word)
        if entry.market is not None:
            self.report("duplicate-option", word, "`market` is written twice")
            return
        entry.market = Field("MARKET", word)
        self._current = entry

    def direction(self, stmt: Statement, text: str, word: Span) -> None:
        if not self._allowed(stmt, PARTS["direction"], f"`{ascii_lower(text)}`", word):
            return
        value, problem = values.enum(text, DIRECTIONS, "trigger direction")
        if problem:
            stmt.invalid.add("entry.direction")
            return self.problem(problem, word)
        entry = self._entry(stmt, word)
        if entry.direction is not None:
            self.report("duplicate-option", word, "the trigger direction is written twice")
            return
        entry.direction = Field(value, word)
        self._current = entry

    def bind(self, leg: Leg | None) -> None:
        """A `limit` read next binds to `leg` (None: to the entry), as the YAML form says by nesting."""
        self._current = leg

    def entry_type(self, stmt: Statement, text: str, word: Span, span: Span) -> None:
        """An entry's `order_type` (the YAML form's; the DSL says it by its words)."""
        if self._allowed(stmt, ("CREATE GTT", "CREATE BRACKET", "MODIFY GTT", "MODIFY BRACKET"), "an entry `order_type`", word):
            self.order_type(stmt, self._entry(stmt, word), text, span)

    def order_type(self, stmt: Statement, leg: Leg, text: str, span: Span) -> None:
        """An order type written out (YAML `order_type:`)."""
        from ordspec.language import ORDER_TYPES

        value, problem = values.enum(text, ORDER_TYPES[leg.role], f"{_role(leg)} order type")
        if problem:
            stmt.invalid.add(f"{leg.role}.order_type")
            return self.problem(problem, span)
        leg.order_type = Field(value, span)
        leg.explicit = True

    def frequency(self, stmt: Statement, text: str, word: Span) -> None:
        if not self._allowed(stmt, PARTS["frequency"], f"`{ascii_lower(text)}`", word):
            return
        value, problem = values.enum(text, FREQUENCIES, "SIP frequency")
        if problem:
            stmt.invalid.add("frequency")
            return self.problem(problem, word)
        if stmt.frequency is not None:
            self.report("duplicate-option", word, "the SIP frequency is written twice")
            return
        stmt.frequency = Field(value, word)

    def scrip(self, stmt: Statement, qty: str, qty_span: Span, symbol: str, symbol_span: Span, word: Span) -> None:
        if not self._allowed(stmt, PARTS["plus"], "`plus`", word):
            return
        scrip = Scrip(cover(word, symbol_span))
        self.quantity(stmt, qty, qty_span, scrip)
        scrip.symbol = Field(symbol, symbol_span)
        stmt.scrips.append(scrip)
        self._scrip = scrip

    # options

    def option(self, stmt: Statement, name: str, text: str, name_span: Span, value_span: Span) -> None:
        name = ascii_lower(name)
        if name not in OPTIONS:
            self.report("misplaced-option", name_span, f"`{name}` is not an option")
            return
        if not self._allowed(stmt, OPTIONS[name][2], f"`{name}`", name_span):
            return
        target = stmt.options
        if self._scrip is not None and name in SCRIP_OPTIONS:
            target = self._scrip.options
        taken = {"qty": stmt.qty or stmt.amount, "side": stmt.side}.get(name) if name in ("qty", "side") else target.get(name)
        if taken is not None or name in stmt.invalid:
            self.report("duplicate-option", name_span, f"`{name}` is written twice on this statement")
            return
        if name == "qty":
            return self.quantity(stmt, text, value_span)
        value, problem = values.option(name, text)
        if problem:
            stmt.invalid.add(name)
            return self.problem(problem, value_span)
        field = Field(value, value_span)
        if name == "qty":
            stmt.qty = field
        elif name == "side":
            stmt.side = field
        else:
            target[name] = field

    def default(self, defaults: dict, name: str, text: str, name_span: Span, value_span: Span) -> None:
        name = ascii_lower(name)
        if name not in DEFAULTABLE:
            self.report(
                "misplaced-option",
                name_span,
                f"`{name}` cannot have a default",
                f"defaults can set {', '.join(DEFAULTABLE)}",
            )
            return
        value, problem = values.option(name, text)
        if problem:
            return self.problem(problem, value_span)
        defaults[name] = Field(value, value_span)

    def finish(self, stmt: Statement, defaults: dict) -> Statement:
        """Fill defaults, and read each leg's order type off its words."""
        verb, kind = stmt.verb, stmt.kind.value
        for name, field in defaults.items():
            if (
                name not in stmt.options
                and name not in stmt.invalid
                and applies(DEFAULTABLE[name], verb, kind)
                and applies(OPTIONS[name][2], verb, kind)
            ):
                stmt.options[name] = field
                stmt.defaulted.add(name)
        for name, value in self.settings_defaults.items():  # the configuration's, after the file's own
            if (
                name not in stmt.options
                and name not in stmt.invalid
                and applies(DEFAULTABLE[name], verb, kind)
                and applies(OPTIONS[name][2], verb, kind)
            ):
                stmt.options[name] = Field(value, stmt.kind)
                stmt.defaulted.add(name)
        if verb == CREATE:
            for name, value in BUILTIN_DEFAULTS.items():
                if name not in stmt.options and name not in stmt.invalid and applies(OPTIONS[name][2], verb, kind):
                    stmt.options[name] = Field(value, stmt.kind)
                    stmt.defaulted.add(name)
        for leg in stmt.legs():
            if not leg.explicit:
                leg.order_type = _implied_type(stmt, leg)
        return stmt


def _keywords() -> set:
    from ordspec.grammar.driver import tables

    return tables().keyword_set


def _implied_type(stmt: Statement, leg: Leg) -> Field | None:
    create = stmt.verb == CREATE
    if leg.role == "entry":
        if leg.market is not None:
            return Field("MARKET", leg.market)
        if stmt.kind.value == "BRACKET" and leg.trigger is not None:
            return Field("TRIGGER", leg)
        if leg.price is not None:
            return Field("LIMIT", leg.price)
        return None
    if leg.price is not None:
        return Field("LIMIT" if leg.role == "target" else "SL", leg.price)
    if create:
        return Field("MARKET" if leg.role == "target" else "SL_M", leg)
    return None  # MODIFY: a leg without `limit` changes its trigger only


def _title(stmt: Statement) -> str:
    kind = stmt.kind.value
    if stmt.verb == CREATE:
        return f"an {kind} order" if kind[0] in "AEIOU" else f"a {kind} order"
    return f"{stmt.verb} {kind}"


def _role(leg: Leg) -> str:
    return {"entry": "entry order", "target": "target leg", "sl": "stop-loss leg"}[leg.role]
