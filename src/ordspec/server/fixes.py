"""Fixes for the diagnostics that carry one: a small function per rule, run in the server only.

A fix is read off what the rule already said (its help line names the nearest valid values) and
the source line, so the rules' hot path computes nothing for editors. Each fix is a title and
edits in ordspec's coordinates (1-based line and column, end exclusive); the server turns them
into LSP edits and checks, when one is applied, that the text it replaces is still there.
"""

from __future__ import annotations

import re

from ordspec.server import checks


class Fix:
    __slots__ = ("title", "edits", "preferred")

    def __init__(self, title: str, edits: list[tuple[int, int, int, int, str]], preferred: bool = False):
        self.title = title
        self.edits = edits  # (line, column, end_line, end_column, new text)
        self.preferred = preferred


def _replace(d, new: str) -> list:
    return [(d.line, d.column, d.end_line, d.end_column, new)]


def _nearest(values: list[str], old: str) -> int:
    """Which of the values is nearest the old one (the first on a tie)."""
    from decimal import Decimal, InvalidOperation

    try:
        here = Decimal(old)
        return min(range(len(values)), key=lambda i: abs(Decimal(values[i]) - here))
    except (InvalidOperation, ValueError):
        return 0


def lot_size(d, line: str, yaml: bool) -> list[Fix]:
    """`use 75 (1 lot) or 150 (2 lots)`: either whole number of lots."""
    values = re.findall(r"(\d+) \((\d+) lots?\)", d.help or "")
    old = line[d.column - 1 : d.end_column - 1] if d.line == d.end_line else ""
    best = _nearest([v for v, _ in values], old)
    return [
        Fix(f"Use {qty} ({lots} lot{'s' if lots != '1' else ''})", _replace(d, qty), i == best)
        for i, (qty, lots) in enumerate(values)
    ]


def tick_size(d, line: str, yaml: bool) -> list[Fix]:
    """`nearest valid prices: 4100.00 or 4100.10`: the valid price on either side."""
    found = re.match(r"nearest valid prices: (\S+) or (\S+);", d.help or "")
    if not found:
        return []
    values = [v for v in found.groups() if v.strip("0.")]  # a price below one tick has no valid one under it
    old = line[d.column - 1 : d.end_column - 1] if d.line == d.end_line else ""
    best = _nearest(values, old)
    return [Fix(f"Use {v} (a multiple of the tick size)", _replace(d, v), i == best) for i, v in enumerate(values)]


def unused_suppression(d, line: str, yaml: bool) -> list[Fix]:
    """Remove the rule name from its `# ordspec: ignore[...]`, or the whole comment if it names nothing else."""
    for start, end, names in checks.suppressions(line, yaml):
        for i, (name, name_start, name_end) in enumerate(names):
            if name_start != d.column - 1:
                continue
            if len(names) == 1:
                cut_from, cut_to = start, end
                if checks.comment_start(line, yaml) == start and not line[end:].strip():
                    cut_from = len(line[:start].rstrip())  # the whole comment, and the blanks before it
                    cut_to = len(line)
            elif i + 1 < len(names):
                cut_from, cut_to = name_start, names[i + 1][1]  # the name, its comma and blanks
            else:
                cut_from, cut_to = len(line[:names[i - 1][2]]), name_end  # the comma before the last name
            return [Fix(f"Remove the unused suppression of `{name}`", [(d.line, cut_from + 1, d.line, cut_to + 1, "")], True)]
    return []


def cancel_and_create(d, line: str, yaml: bool) -> list[Fix]:
    """Rewrite a MODIFY the broker cannot do in place as a CANCEL, and a new order to complete.

    What the new order needs and the MODIFY does not say (its side, quantity, symbol, and the
    limit price of a leg whose trigger alone changes) is written as a quoted placeholder, which
    is a syntax error: nothing compiles or is sent until the author fills it in.
    """
    if yaml:
        return []
    code_end = checks.comment_start(line, False)
    code = line[:code_end] if code_end is not None else line
    words = [w for w, _ in checks.words(code)]
    if len(words) < 3 or words[0].upper() != "MODIFY":
        return []
    kind, order_id, rest = words[1].upper(), words[2], words[3:]
    side = qty = segment = None
    changes: list[str] = []
    i = 0
    while i < len(rest):
        word = rest[i].lower()
        value = rest[i + 1] if i + 1 < len(rest) else None
        if word in ("qty", "side", "segment") and value is not None:
            side = value.upper() if word == "side" else side
            qty = value if word == "qty" else qty
            segment = value if word == "segment" else segment
            i += 2
            continue
        changes.append(rest[i])
        if word in ("target", "sl") and value is not None:
            changes.append(value)
            i += 2
            if i >= len(rest) or rest[i].lower() != "limit":
                changes += ["limit", '"PRICE"']  # in a MODIFY the leg keeps its type: say it anew
            continue
        i += 1
    cancel = f"CANCEL {kind} {order_id}" + (f" segment {segment}" if segment else "")
    create = " ".join([kind, side or '"SIDE"', qty or '"QTY"', '"SYMBOL"', *changes, *(["segment", segment] if segment else [])])
    indent = line[: len(line) - len(line.lstrip())]
    comment = line[code_end:] if code_end is not None else ""
    text = f"{indent}{cancel}{'  ' + comment.strip() if comment else ''}\n{indent}{create}"
    return [Fix(f"Cancel the {kind} and create a new one instead", [(d.line, 1, d.line, len(line) + 1, text)], True)]


FIXES = {
    "lot-size": lot_size,
    "tick-size": tick_size,
    "unused-suppression": unused_suppression,
    "not-modifiable": cancel_and_create,
}


def for_diagnostic(d, line: str, yaml: bool) -> list[Fix]:
    """The fixes of one diagnostic (none for most rules)."""
    fix = FIXES.get(d.name)
    if fix is None or d.line != d.end_line:
        return []
    return fix(d, line, yaml)
