"""Suppression comments: `# ordspec: ignore[lot-size]` (or a code, or several) at the end of a line
silences those rules on that line only. A suppression that silences nothing is itself reported, and
so is one of a rule that cannot be suppressed (codes.FIXED: its docs say why).
A name that is no rule's is a usage error (UnknownRule), as in the configuration: a misspelt
suppression never worked, and the file should not pass until it is fixed."""

from __future__ import annotations

import re

class UnknownRule(Exception):
    """Suppressions that name no rule: one `file:line:column: message` line each."""


_DIRECTIVE = re.compile(r"#\s*ordspec:\s*ignore\[([^\]]*)\]")


def _comment(line: str, yaml: bool) -> int | None:
    """Where the line's comment starts (0-based), or None."""
    if yaml:
        at = line.find("#")
        while at > 0 and not line[at - 1].isspace():
            at = line.find("#", at + 1)
        return at if at >= 0 else None
    from ordspec.grammar.driver import tokens

    words = tokens(line)  # the DSL's words and strings: a comment starts at the first # after them
    at = line.find("#", words[-1][1] + len(words[-1][0]) if words else 0)
    return at if at >= 0 else None


def directives(source, yaml: bool) -> dict[int, list[tuple[str, int, int]]]:
    """line -> [(rule name or code, start column, end column)] (1-based columns)."""
    found: dict[int, list] = {}
    if "ordspec:" not in source.text:
        return found
    for number, line in enumerate(source.lines, 1):
        if "ordspec:" not in line:
            continue
        start = _comment(line, yaml)
        if start is None:
            continue
        for m in _DIRECTIVE.finditer(line, start):
            base = m.start(1)
            for part in re.finditer(r"[^,\s]+", m.group(1)):
                found.setdefault(number, []).append((part.group(), base + part.start() + 1, base + part.end() + 1))
    return found


def apply(diagnostics: list, sources: dict) -> list:
    """The diagnostics that no suppression silences, with one for every suppression that silenced none."""
    from ordspec.config import rule_problem
    from ordspec.rules import codes
    from ordspec.rules.codes import FIXED
    from ordspec.source import Span

    by_file = {}
    for name, source in sources.items():
        found = directives(source, name.endswith((".yaml", ".yml")))
        if found:
            by_file[name] = found
    if not by_file:
        return diagnostics
    unknown = []
    for file, lines in by_file.items():
        for line, marks in lines.items():
            for i, (name, start, end) in enumerate(marks):
                row = codes.find(name)  # a code, in any case, stands for its rule
                if row is not None:
                    marks[i] = (row.name, start, end, name)
                else:
                    unknown.append(f"{file}:{line}:{start}: suppression comment: {rule_problem(name, prefixes=False)}")
    if unknown:
        raise UnknownRule("\n".join(unknown))
    used = set()
    kept = []
    for d in diagnostics:
        marks = by_file.get(d.file, {}).get(d.line, ())
        hit = next((m for m in marks if m[0] == d.name and d.name != "unused-suppression" and d.name not in FIXED), None)
        if hit is None:
            kept.append(d)
        else:
            used.add((d.file, d.line, hit))
    for file, lines in by_file.items():
        for line, marks in lines.items():
            for mark in marks:
                if (file, line, mark) in used:
                    continue
                name, start, end, written = mark
                if name in FIXED:
                    from ordspec.rules.registry import get

                    message = f"`{written}` cannot be suppressed: {get(name).unsuppressible()}"
                else:
                    message = f"`{written}` is suppressed here but reports nothing on this line"
                kept.append(codes.diagnostic("unused-suppression", file, Span(line, start, line, end), message, "remove it, or name the rule it is for (`ordspec rules`)"))
    return kept
