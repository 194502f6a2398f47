"""Where things are: ordspec's positions and the editor's.

ordspec counts 1-based lines split at LF and 1-based columns in characters (code points), after a
byte-order mark. LSP counts 0-based lines split at CRLF, LF or a lone CR, and characters in the
units the client and server agreed on (UTF-16 code units unless the client offered another): an
emoji is one ordspec column and two UTF-16 units. A lone CR is a line break to the editor and not
to ordspec (`hidden-text` reports it), so the two line numbers can differ after one: every
conversion goes through the character offset in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_BREAK = re.compile(r"\r\n|\n|\r")


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == "utf-32":
        return len(text)
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)  # UTF-16: a surrogate pair above the BMP


class Text:
    """One document's text, converting between (ordspec line, column) and (LSP line, character)."""

    def __init__(self, text: str, encoding: str = "utf-16"):
        self.text = text
        self.encoding = encoding
        self.bom = 1 if text.startswith("\ufeff") else 0  # ordspec reads the text after it
        self._lines = [0]  # ordspec's line starts, as offsets into self.text
        at = text.find("\n")
        while at >= 0:
            self._lines.append(at + 1)
            at = text.find("\n", at + 1)
        self._lines[0] = self.bom
        self._rows = [0] + [m.end() for m in _BREAK.finditer(text)]  # the editor's line starts
        self._ends = [m.start() for m in _BREAK.finditer(text)] + [len(text)]  # and ends, before the break

    # ordspec <-> offset

    def offset(self, line: int, column: int) -> int:
        """The character offset of an ordspec (line, column), clamped to the text."""
        if line < 1:
            return self.bom
        if line > len(self._lines):
            return len(self.text)
        start = self._lines[line - 1]
        end = self._lines[line] - 1 if line < len(self._lines) else len(self.text)  # the LF (or the end)
        return min(start + max(column, 1) - 1, end)

    def ordspec(self, offset: int) -> tuple[int, int]:
        """The ordspec (line, column) of a character offset."""
        offset = max(offset, self.bom)
        line = bisect_right(self._lines, offset)
        return line, offset - self._lines[line - 1] + 1

    # offset <-> LSP

    def position(self, offset: int) -> tuple[int, int]:
        """The LSP (line, character) of a character offset; never inside a CRLF."""
        offset = max(0, min(offset, len(self.text)))
        row = bisect_right(self._rows, offset) - 1
        offset = min(offset, self._ends[row])
        return row, _units(self.text[self._rows[row] : offset], self.encoding)

    def at(self, row: int, character: int) -> int:
        """The character offset of an LSP (line, character), clamped to that line."""
        if row < 0:
            return 0
        if row >= len(self._rows):
            return len(self.text)
        start, end = self._rows[row], self._ends[row]
        if self.encoding == "utf-32":
            return min(start + max(character, 0), end)
        units, offset = 0, start
        while offset < end and units < character:
            units += _units(self.text[offset], self.encoding)
            offset += 1
        return offset

    # the two together

    def range(self, line: int, column: int, end_line: int, end_column: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """The LSP range of an ordspec span."""
        return self.position(self.offset(line, column)), self.position(self.offset(end_line, end_column))

    def cursor(self, row: int, character: int) -> tuple[int, int]:
        """The ordspec (line, column) at an LSP position."""
        return self.ordspec(self.at(row, character))

    def end(self) -> tuple[int, int]:
        """The LSP position of the end of the text."""
        return self.position(len(self.text))

    def line(self, line: int) -> str:
        """ordspec's line `line` (1-based), as its columns count: no byte-order mark, no line break."""
        if not 0 < line <= len(self._lines):
            return ""
        end = self._lines[line] - 1 if line < len(self._lines) else len(self.text)
        return self.text[self._lines[line - 1] : end].removesuffix("\r")
