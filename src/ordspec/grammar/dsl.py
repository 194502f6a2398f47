"""The `.ord` front end: each line through the LALR driver, then into the IR."""

from __future__ import annotations

from ordspec.grammar import driver
from ordspec.grammar.assemble import Assembler
from ordspec.grammar.messages import explain
from ordspec.ir import CREATE, Field
from ordspec.source import SourceFile, Span

MAX_LINE = 4096  # no statement is longer; a longer line is refused, not parsed


class Parsed:
    """What a front end read from one file."""

    __slots__ = ("source", "statements", "diagnostics", "broker")

    def __init__(self, source: SourceFile):
        self.source = source
        self.statements: list = []
        self.diagnostics: list = []
        self.broker: Field | None = None  # a `broker NAME` line


def _span(line: int, token) -> Span:
    return Span(line, token.column, line, token.end_column)


def _text(token) -> str:
    if token.type == "STRING":
        return token.value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return token.value


def parse(source: SourceFile) -> Parsed:
    parsed = Parsed(source)
    build = Assembler(source.name, parsed.diagnostics)
    defaults: dict = {}
    for number, line in enumerate(source.lines, 1):
        if len(line) > MAX_LINE:
            build.report(
                "syntax",
                Span(number, 1, number, 2),
                f"this line is {len(line)} characters long; a statement is at most {MAX_LINE}",
                "is this an order file?",
            )
            continue
        try:
            node = driver.parse_line(line)
        except driver.ParseError as error:
            message, help = explain(error, driver.tables().keyword_names)
            token = error.token
            if token.type == "$END":
                column = error.previous.end_column if error.previous else 1
                span = Span(number, column, number, column + 1)
            else:
                span = _span(number, token)
            build.report("syntax", span, message, help)
            continue
        if node is None:
            continue
        rule = node.rule
        if rule == "default":
            name, value = node.children
            build.default(defaults, name.value, _text(value), _span(number, name), _span(number, value))
        elif rule == "broker":
            word, name = node.children
            _broker(build, parsed, name.value, _span(number, name))
        else:
            parsed.statements.append(_statement(build, node, number, defaults))
    return parsed


def _broker(build: Assembler, parsed: Parsed, name: str, span: Span) -> None:
    from ordspec.compiler import BROKERS

    if parsed.broker is not None:
        build.report("duplicate-option", span, "a second `broker` line", f"the first is on line {parsed.broker.line}")
    elif name.lower() not in BROKERS:
        build.report("bad-value", span, f"`{name}` is not a broker: expected {', '.join(BROKERS)}")
    else:
        parsed.broker = Field.at(name.lower(), span)


def _statement(build: Assembler, node, number: int, defaults: dict):
    children = node.children
    first, last = children[0], children[-1]
    while not isinstance(last, driver.Token):
        last = last.children[-1]
    line_span = Span(number, first.column, number, last.end_column)
    rule = node.rule
    if rule == "create":
        kind, side, qty, symbol = children[:4]
        stmt = build.start(CREATE, kind.value, _span(number, kind), line_span)
        build.side(stmt, side.value, _span(number, side))
        build.quantity(stmt, qty.value, _span(number, qty))
        build.symbol(stmt, symbol.value, _span(number, symbol))
        clauses = children[4:]
    elif rule == "smallcase":
        sc_type = children[1]
        stmt = build.start(CREATE, "SMALLCASE", _span(number, first), line_span)
        has_scid = len(children) > 2 and isinstance(children[2], driver.Token)
        scid = children[2] if has_scid else None
        build.smallcase(stmt, sc_type.value, _span(number, sc_type), scid and scid.value, scid and _span(number, scid))
        clauses = children[3:] if has_scid else children[2:]
    elif rule == "action":
        verb, kind, order_id = children[:3]
        stmt = build.start(verb.value.upper(), kind.value, _span(number, kind), line_span)
        build.order_id(stmt, order_id.value, _span(number, order_id))
        clauses = children[3:]
    else:  # list
        kind = children[1]
        stmt = build.start("LIST", kind.value, _span(number, kind), line_span)
        clauses = children[2:]
    for clause in clauses:
        parts = clause.children
        word = parts[0]
        kind = clause.rule
        if kind == "leg":
            role = "target" if word.type == "TARGET" else "sl"
            build.leg(stmt, role, parts[1].value, _span(number, word), _span(number, parts[1]))
        elif kind == "entry":
            method = build.trigger if word.type == "TRIGGER" else build.limit
            method(stmt, parts[1].value, _span(number, word), _span(number, parts[1]))
        elif kind == "option":
            build.option(stmt, word.value, _text(parts[1]), _span(number, word), _span(number, parts[1]))
        elif kind == "flag":
            if word.type == "MARKET":
                build.market(stmt, _span(number, word))
            elif word.type == "FREQUENCY":
                build.frequency(stmt, word.value, _span(number, word))
            else:
                build.direction(stmt, word.value, _span(number, word))
        else:  # scrip
            _, qty, symbol = parts
            build.scrip(stmt, qty.value, _span(number, qty), symbol.value, _span(number, symbol), _span(number, word))
    return build.finish(stmt, defaults)
