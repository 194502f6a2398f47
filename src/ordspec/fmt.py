"""Canonical text of a statement: what `ordspec fmt` writes, and what parses back to the same IR.

Canonical form: statement words (kinds, actions, sides, smallcase types) and
option values in upper case, leg and option words in lower case, as the
README writes them; single spaces; prices without trailing zeros (120.50 -> 120.5,
which every back end formats back to its own precision); options in the
order of language.OPTIONS; defaults left to the `default` lines they came from.
"""

from __future__ import annotations

from decimal import Decimal

from ordspec.ir import CREATE
from ordspec.language import OPTION_ORDER
from ordspec.values import written
from ordspec.source import ascii_lower




def word(text: str) -> str:
    """A value as one word, quoted when it is not one."""
    if text and not any(c.isspace() or c in '"#' for c in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _value(field) -> str:
    value = field.value
    if isinstance(value, Decimal):
        return written(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return word(str(value))


def _leg(leg) -> list[str]:
    out = []
    if leg.role == "entry":
        if leg.trigger is not None:
            out += ["trigger", written(leg.trigger.value)]
        if leg.direction is not None:
            out.append(ascii_lower(leg.direction.value))
        if leg.market is not None or (leg.order_type is not None and leg.order_type.value == "MARKET"):
            out.append("market")  # (YAML may say `order_type: MARKET` without `market: true`)
    else:
        out += [leg.role, written(leg.trigger.value)] if leg.trigger is not None else []
    if leg.price is not None:
        out += ["limit", written(leg.price.value)]
    return out


def _options(options: dict, defaulted=()) -> list[str]:
    out = []
    for name in OPTION_ORDER:
        field = options.get(name)
        if field is not None and name not in defaulted:
            out += [name, _value(field)]
    return out


def _size(part) -> str:
    """A quantity, or a SIP's amount as INR2000."""
    return str(part.qty.value) if part.qty is not None else "INR" + written(part.amount.value)


def statement(stmt) -> str:
    kind = stmt.kind.value
    options = stmt.options
    if stmt.verb == CREATE and kind == "SMALLCASE":
        words = ["SMALLCASE", stmt.sc_type.value] + ([stmt.scid.value] if stmt.scid is not None else [])
        if stmt.scid is None and "iscid" in options:  # SMALLCASE EXIT iscid ID: the id goes first
            words += ["iscid", _value(options["iscid"])]
            options = {k: v for k, v in options.items() if k != "iscid"}
    elif stmt.verb == CREATE:
        words = [kind, stmt.side.value, _size(stmt), stmt.symbol.value]
    elif stmt.verb == "LIST":
        words = ["LIST", kind]
    else:
        words = [stmt.verb, kind, stmt.order_id.value]
    if stmt.verb != CREATE:
        if stmt.qty is not None or stmt.amount is not None:
            words += ["qty", _size(stmt)]
        if stmt.side is not None:
            words += ["side", stmt.side.value]
    for leg in stmt.legs():
        words += _leg(leg)
    if stmt.frequency is not None:
        words.append(ascii_lower(stmt.frequency.value))
    words += _options(options, stmt.defaulted)
    for scrip in stmt.scrips:
        words += ["plus", _size(scrip), scrip.symbol.value] + _options(scrip.options)
    return " ".join(words)


def _comment_of(line: str) -> str | None:
    from ordspec.suppress import _comment

    start = _comment(line, yaml=False)
    return line[start:].rstrip() if start is not None else None


def _directive(line: str) -> str | None:
    """A `default` or `broker` line in canonical form, or None if it is not one (or does not read)."""
    from ordspec import values
    from ordspec.grammar import driver
    from ordspec.grammar.dsl import text_of
    from ordspec.ir import Field

    try:
        node = driver.parse_line(line)
    except driver.ParseError:
        return None
    if node is None or node.rule not in ("default", "broker"):
        return None
    if node.rule == "broker":
        return f"broker {ascii_lower(node.children[1].value)}"
    _, name, value = node.children
    text = text_of(value)
    parsed, problem = values.option(ascii_lower(name.value), text)
    if problem:
        return None
    return f"default {ascii_lower(name.value)} {_value(Field(parsed, 0, 0, 0, 0))}"


def source(src) -> tuple[str | None, list]:
    """The canonical text of a .ord file, or (None, syntax errors) if it does not parse.

    Statements are rewritten from the IR; a line whose reading reported anything
    (a bad number, a misplaced option) is kept as written, since the IR does not
    hold all of it. Comments and blank lines stay, so every statement keeps its line.
    """
    from ordspec import compiler
    from ordspec.grammar import dsl

    parsed = dsl.parse(src, brokers=compiler.names)
    errors = [d for d in parsed.diagnostics if d.name in ("syntax", "hidden-text")]
    if errors:
        from ordspec.rules import codes

        return None, codes.diagnostics(errors)
    flagged = {d.line for d in parsed.diagnostics}
    statements = {stmt.line: stmt for stmt in parsed.statements}
    out: list[str] = []
    for number, line in enumerate(src.lines, 1):
        stripped = line.strip()
        if not stripped:
            out.append("")  # every blank line stays: compile's output names source lines
            continue
        comment = _comment_of(line)
        code = line[: line.find(comment)].strip() if comment else stripped
        if not code:
            out.append(comment)
            continue
        if number in flagged:
            out.append(line.rstrip())
            continue
        stmt = statements.get(number)
        text = statement(stmt) if stmt is not None else _directive(code)
        if text is None:
            out.append(line.rstrip())
            continue
        out.append(text + (f"  {comment}" if comment else ""))
    while out and not out[-1]:
        out.pop()
    newline = "\r\n" if "\r\n" in src.text.split("\n", 1)[0] + "\n" else "\n"
    return newline.join(out) + newline if out else "", []
