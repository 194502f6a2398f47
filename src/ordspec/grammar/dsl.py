"""The `.ord` front end: each line through the LALR driver, then into the IR."""

from __future__ import annotations

from ordspec.grammar import characters, driver
from ordspec.grammar.assemble import Assembler
from ordspec.ir import CREATE, Field
from ordspec.source import BIDI, LINE_BREAKS, SourceFile, Span, ascii_lower, ascii_upper, char_problem, cover, hidden_text, regex

MAX_LINE = 4096  # no statement is longer; a longer line is refused, not parsed
_HIDDEN = f"[{LINE_BREAKS}{BIDI}]"
_HIDDEN_IN_FILE = f"\r(?!\n)|[{LINE_BREAKS[1:]}{BIDI}]"  # a CRLF's CR hides nothing


class Parsed:
    """What a front end read from one file."""

    __slots__ = ("source", "statements", "diagnostics", "broker")

    def __init__(self, source: SourceFile):
        self.source = source
        self.statements = []  # a list, or (stream()) an iterator
        self.diagnostics: list = []  # diagnostics.Report
        self.broker: Field | None = None  # a `broker NAME` line


def on_line(number: int):
    """Spans of tokens on line `number` of a .ord file (the driver's tokens of the line are their own)."""

    def span_of(token) -> Span:
        return token if token.line == number else Span(number, token.column, number, token.end_column)

    return span_of


def text_of(token) -> str:
    """What a word or a "string" says (a string's quotes dropped, its \\" and \\\\ read)."""
    if token.type == "STRING":
        return token.value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return token.value


def parse(source: SourceFile, defaults: dict | None = None, *, brokers) -> Parsed:
    """The statements of a file, all read (fmt and the editor hold them); see stream()."""
    parsed = stream(source, defaults, brokers=brokers)
    parsed.statements = list(parsed.statements)
    return parsed


def stream(source: SourceFile, defaults: dict | None = None, *, brokers) -> Parsed:
    """The statements of a file, read lazily: `statements` builds each one as it is taken, so a run
    holds one statement at a time, not the file's. `defaults` (from the configuration) apply after the
    file's own; brokers() names the brokers a `broker` line may name. `broker` is final before the first
    statement is given (held_for_broker); `diagnostics` is complete once every statement is taken."""
    parsed = Parsed(source)
    build = Assembler(source.name, parsed.diagnostics, defaults, brokers)
    parsed.statements = held_for_broker(parsed, _statements(parsed, build), last_mention(source.text, "broker"))
    return parsed


def last_mention(text: str, word: str) -> int:
    """The last line on which `word` (lower case) is written in any case, 0 if none: no `broker` line
    comes after it. (Read from the end in slices: no regex on the lint path, no copy of the whole text.)"""
    size, end = 1 << 20, len(text)
    while end > 0:
        start = max(0, end - size)
        # (lower() never shortens text, so a non-ASCII letter before the word can only move the line
        # found later, which holds statements longer: never too short)
        at = text[start:end].lower().rfind(word)
        if at >= 0:
            return text.count("\n", 0, start + at) + 1
        end = start + len(word) - 1 if start else 0  # the next slice overlaps by a word less one
    return 0


def held_for_broker(parsed: Parsed, statements, last_line: int):
    """`statements`, none given before the file's broker is known: statements before a line that may
    name it (up to `last_line`) wait for it, since the rules that apply depend on the broker."""
    held: list = []
    for stmt in statements:
        if parsed.broker is None and stmt.line < last_line:
            held.append(stmt)
            continue
        if held:
            yield from held
            held = []
        yield stmt
    yield from held


def _statements(parsed: Parsed, build: Assembler):
    source = parsed.source
    defaults: dict = {}
    text = source.text
    # in ASCII only a CR can hide text: most files need no search
    hidden = (not text.isascii() or "\r" in text) and regex(_HIDDEN_IN_FILE).search(text) is not None
    odd = characters.needs_check(text)
    for number, line in enumerate(source.each_line(), 1):
        if len(line) > MAX_LINE:
            build.report(
                "syntax",
                Span(number, 1, number, 2),
                f"this line is {len(line)} characters long; a statement is at most {MAX_LINE}",
                "is this an order file?",
            )
            continue
        found = hidden and regex(_HIDDEN).search(line)  # lines drop CRLF's CR: any CR left ends nothing
        if found:
            column = found.start() + 1
            build.report("hidden-text", Span(number, column, number, column + 1), *hidden_text(found.group()))
            continue  # the line is not what an editor shows: nothing of it is read
        span_of = on_line(number)
        node = read_line(build, line, span_of, odd, number)
        if node is None:
            continue
        rule = node.rule
        if rule == "default":
            _, name, value = node.children
            build.default(defaults, name.value, text_of(value), span_of(name), span_of(value))
        elif rule == "broker":
            word, name = node.children
            broker_line(build, parsed, name.value, span_of(name))
        else:
            yield statement(build, node, defaults)  # (the driver placed its tokens on this line)


def read_line(build: Assembler, line: str, span_of, check: bool = True, number: int = 1):
    """The tree of one line; None for a blank line or one reported (a syntax error, a character out of place)."""
    check = check and characters.needs_check(line)
    try:
        node = driver.parse_line(line, number=number)
    except driver.ParseError as error:
        if not (check and odd_character(build, line, None, span_of)):
            syntax_error(build, error, span_of)
        return None
    if node is not None and check and odd_character(build, line, node, span_of):
        return None
    if node is not None and node.rule == "create" and not node.children[2].value[-1:].isdigit():
        # a quantity ends in a digit (10, INR2000): is it missing, with the symbol in its place?
        from ordspec.grammar.messages import missing  # the error path only

        found = missing(driver.tables(), node.children[:4])
        if found is not None:
            token, message, help = found
            build.report("syntax", span_of(token), message, help)
            return None
    return node


def odd_character(build: Assembler, line: str, node, span_of) -> bool:
    """Report the first character that has no place where it stands (characters.in_line), if any."""
    offset = characters.in_line(line, node)
    if offset is None:
        return False
    at = span_of(driver.Token("", "", offset + 1, offset + 2))
    rule, message, help = char_problem(line[offset])
    build.report(rule, at, message, help)
    return True


def syntax_error(build: Assembler, error, span_of) -> None:
    """Report a driver.ParseError at the right place."""
    from ordspec.grammar.messages import explain  # the error path only

    message, help, token = explain(error, driver.tables().keyword_names)
    if token.type == "$END":
        at = span_of(error.previous) if error.previous else span_of(driver.Token("$END", "", 1, 1))
        span = Span(at.end_line, at.end_column, at.end_line, at.end_column + 1)
    else:
        span = span_of(token)
    build.report("syntax", span, message, help)


def broker_line(build: Assembler, parsed: Parsed, name: str, span: Span) -> None:
    if parsed.broker is not None:
        build.report("duplicate-option", span, "a second `broker` line", f"the first is on line {parsed.broker.line}")
    elif ascii_lower(name) not in build.brokers():
        build.report("bad-value", span, f"`{name}` is not a broker: expected {', '.join(build.brokers())}")
    else:
        parsed.broker = Field(ascii_lower(name), span)


def place(node, span_of) -> None:
    """Move a tree's tokens to where `span_of(token)` says they are (a DSL line inside a YAML scalar)."""
    for child in node.children:
        if type(child) is driver.Token:
            span = span_of(child)
            child.line, child.column, child.end_line, child.end_column = span.line, span.column, span.end_line, span.end_column
        else:
            place(child, span_of)


def statement(build: Assembler, node, defaults: dict):
    """The Statement for a parsed line, whose tokens are placed in the file (place())."""
    children = node.children
    first, last = children[0], children[-1]
    while not isinstance(last, driver.Token):
        last = last.children[-1]
    line_span = cover(first, last)
    rule = node.rule
    if rule == "create":
        kind, side, qty, symbol = children[:4]
        stmt = build.start(CREATE, kind.value, kind, line_span)
        build.side(stmt, side.value, side)
        build.quantity(stmt, qty.value, qty)
        build.symbol(stmt, symbol.value, symbol)
        clauses = children[4:]
    elif rule == "smallcase":
        sc_type = children[1]
        stmt = build.start(CREATE, "SMALLCASE", first, line_span)
        head = [c for c in children[2:4] if isinstance(c, driver.Token)]  # SCID, or ISCID INVESTED
        scid = head[0] if head and head[0].type == "SCID" else None
        build.smallcase(stmt, sc_type.value, sc_type, scid and scid.value, scid)
        if scid is None and head:  # SMALLCASE EXIT iscid ID: the same option as a later `iscid ID`
            build.option(stmt, head[0].value, head[1].value, head[0], head[1])
        clauses = children[2 + len(head):]
    elif rule == "action":
        verb, kind, order_id = children[:3]
        stmt = build.start(ascii_upper(verb.value), kind.value, kind, line_span)
        build.order_id(stmt, order_id.value, order_id)
        clauses = children[3:]
    else:  # list
        kind = children[1]
        stmt = build.start("LIST", kind.value, kind, line_span)
        clauses = children[2:]
    for clause in clauses:
        parts = clause.children
        word = parts[0]
        kind = clause.rule
        if kind == "leg":
            role = "target" if word.type == "TARGET" else "sl"
            build.leg(stmt, role, parts[1].value, word, parts[1])
        elif kind == "entry":
            method = build.trigger if word.type == "TRIGGER" else build.limit
            method(stmt, parts[1].value, word, parts[1])
        elif kind == "option":
            value = parts[1]
            build.option(stmt, word.value, value.value if value.type != "STRING" else text_of(value), word, value)
        elif kind == "flag":
            if word.type == "MARKET":
                build.market(stmt, word)
            elif word.type == "FREQUENCY":
                build.frequency(stmt, word.value, word)
            else:
                build.direction(stmt, word.value, word)
        else:  # scrip
            _, qty, symbol = parts
            build.scrip(stmt, qty.value, qty, symbol.value, symbol, word)
    return build.finish(stmt, defaults)
