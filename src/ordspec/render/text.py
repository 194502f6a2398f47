"""Human output: `file:line:col: severity CODE name message`, the line, a caret, a help line."""

from __future__ import annotations

import os

WIDTH = 120  # a long line is shown as a window around the span
_COLOURS = {"error": "31", "warning": "33", "info": "36", "bold": "1", "dim": "2", "caret": "35"}
# Control characters from a file are shown, not sent to the terminal (an ESC could rewrite the
# screen or a CI log): C0 as their one-column control pictures (CR as ␍), DEL as ␡; C1, the line
# and paragraph separators and the text-direction controls (which would reorder the line) as �.
_VISIBLE = (
    {c: 0x2400 + c for c in range(32) if c != 9}
    | {127: 0x2421}
    | dict.fromkeys([*range(0x80, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)], 0xFFFD)
)


def visible(text) -> str:
    """Text as a terminal may show it: control characters as symbols, never sent raw (file text and
    broker answers alike)."""
    return str(text).translate(_VISIBLE)


def use_colour(stream) -> bool:
    """Colour on a terminal only, and never with NO_COLOR set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def _paint(text: str, style: str, colour: bool) -> str:
    return f"\x1b[{_COLOURS[style]}m{text}\x1b[0m" if colour and text else text


def _window(line: str, start: int, end: int) -> tuple[str, int, int]:
    """Cut a long line to WIDTH characters around [start, end) (0-based); shift the span."""
    if len(line) <= WIDTH:
        return line, start, end
    left = max(0, min(start - 20, len(line) - WIDTH))
    right = left + WIDTH
    shown = line[left:right]
    prefix = "..." if left else ""
    suffix = "..." if right < len(line) else ""
    return prefix + shown + suffix, start - left + len(prefix), min(end, right) - left + len(prefix)


def diagnostic(d, source, colour: bool = False) -> str:
    head = f"{visible(d.file)}:{d.line}:{d.column}: {_paint(d.severity, d.severity, colour)} {_paint(d.code, 'bold', colour)} {d.name} {visible(d.message)}"
    out = [head]
    line = visible(source.line(d.line)) if source is not None else ""
    if line:
        start = d.column - 1
        end = d.end_column - 1 if d.end_line == d.line else len(line)
        end = max(end, start + 1)
        shown, start, end = _window(line, start, end)
        # keep tabs in the caret line so the caret stays under the span
        pad = "".join(c if c == "\t" else " " for c in shown[:start])
        gutter = " " * len(str(d.line))
        out.append(_paint(f" {gutter} |", "dim", colour))
        out.append(_paint(f" {d.line} | ", "dim", colour) + shown)
        out.append(_paint(f" {gutter} | ", "dim", colour) + pad + _paint("^" * max(1, end - start), "caret", colour))
        if d.help:
            out.append(_paint(f" {gutter} = ", "dim", colour) + f"help: {visible(d.help)}")
    elif d.help:
        out.append(f"  = help: {visible(d.help)}")
    return "\n".join(out)


def report(diagnostics, sources: dict, summary: dict, colour: bool = False) -> str:
    parts = [diagnostic(d, sources.get(d.file), colour) for d in diagnostics]
    parts.append(summary_line(summary))
    return "\n\n".join(parts) + "\n"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(s: dict) -> str:
    where = f"{_count(s['files'], 'file')}, {_count(s['statements'], 'statement')}"
    found = [_count(s[k], w) for k, w in (("errors", "error"), ("warnings", "warning"), ("infos", "note")) if s[k]]
    if not found:
        return f"All checks passed ({where})."
    return f"Found {', '.join(found)} ({where})."
