"""Source files and spans: where every IR node and diagnostic points."""

from __future__ import annotations


class Span:
    """A range in one file: 1-based lines and columns, end column exclusive."""

    __slots__ = ("line", "column", "end_line", "end_column")

    def __init__(self, line: int, column: int, end_line: int, end_column: int):
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.line}:{self.column}-{self.end_line}:{self.end_column})"


def cover(first: Span, last: Span) -> Span:
    """The span from the start of `first` to the end of `last`."""
    return Span(first.line, first.column, last.end_line, last.end_column)


class SourceFile:
    """A decoded file (or stdin) and its lines, for diagnostics to quote."""

    __slots__ = ("name", "text", "_lines", "_starts")

    def __init__(self, name: str, text: str):
        self.name = name  # as shown in diagnostics: the path given, or <stdin>
        self.text = text
        self._lines: list[str] | None = None
        self._starts: list[int] | None = None

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset; lines end at LF only."""
        from bisect import bisect_right

        if self._starts is None:
            text, starts, at = self.text, [0], self.text.find("\n")
            while at >= 0:
                starts.append(at + 1)
                at = text.find("\n", at + 1)
            self._starts = starts
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = [line[:-1] if line.endswith("\r") else line for line in self.text.split("\n")]
        return self._lines

    def each_line(self):
        """The lines one by one, as `lines` has them, without keeping a list of them all (a front end
        reads a file once: 300,000 lines kept as strings would cost 45 MiB)."""
        if self._lines is not None:
            yield from self._lines
            return
        text, start = self.text, 0
        while True:
            end = text.find("\n", start)
            line = text[start:] if end < 0 else text[start:end]
            yield line[:-1] if line.endswith("\r") else line
            if end < 0:
                return
            start = end + 1

    def line(self, number: int) -> str:
        lines = self.lines
        return lines[number - 1] if 0 < number <= len(lines) else ""


# Characters that make an editor show something other than what ordspec reads: line breaks
# other than LF and CRLF (editors start a new line at them; the .ord reader does not), and the
# bidirectional controls of "Trojan Source" (CVE-2021-42574), which reorder what is shown.
LINE_BREAKS = "\r\x85\u2028\u2029"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def hidden_text(char: str) -> tuple[str, str]:
    """The message and help for a character `hidden-text` reports."""
    import unicodedata  # the error path only

    if char in BIDI:
        name = unicodedata.name(char)
        return (
            f"a text-direction control character (U+{ord(char):04X} {name}): an editor may show this line"
            " in another order than ordspec reads it",
            "remove it (CVE-2021-42574, \"Trojan Source\")",
        )
    what = {"\r": "a carriage return (CR) without a line feed"}.get(char) or f"a U+{ord(char):04X} {unicodedata.name(char, 'NEXT LINE (NEL)')}"
    return (
        f"{what}: an editor may start a new line here, ordspec does not (it reads lines that end in LF or CRLF)",
        "remove it, or save the file with LF or CRLF line endings (a file from an old Mac: `dos2unix -c mac FILE`)",
    )


# Default-ignorable code points that are not format (Cf) characters: a grapheme joiner, Hangul
# fillers, Khmer inherent vowels, Mongolian selectors, variation selectors. They show as nothing.
_IGNORABLE = ((0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
              (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF))
_CONTROL_NAMES = {0x07: "BEL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION", 0x0C: "FORM FEED", 0x1B: "ESCAPE", 0x7F: "DELETE"}
# Cyrillic and Greek capitals and small letters drawn like Latin ones (NFKC keeps them apart).
_LOOK_ALIKE = dict(zip("АВЕЅІЈКМНОРСТХаеіјорсуху" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοικνρυχ", "ABESIJKMHOPCTXaeijopcyxy" "ABEZHIKMNOPTYXoikvpux"))


def odd_index(word: str, rupee: bool = False, spaces: bool = False) -> int | None:
    """Index of the first character of `word` that is not printable ASCII, or None.

    A leading ₹ passes with `rupee` (a SIP amount, ₹2000); blanks pass with
    `spaces` (a quoted value may hold them).
    """
    low = " " if spaces else "!"
    for i, c in enumerate(word):
        if not (low <= c <= "~") and not (rupee and i == 0 and c == "\u20b9"):
            return i
    return None


def _invisible(char: str, category: str) -> bool:
    code = ord(char)
    return category in ("Cc", "Cf", "Zs", "Zl", "Zp") or any(low <= code <= high for low, high in _IGNORABLE)


def char_name(char: str) -> str:
    """`a control character (U+0007 BEL)`, `an invisible character (U+200B ZERO WIDTH SPACE)`."""
    import unicodedata

    category = unicodedata.category(char)
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(ord(char), "no name")
    what = {"Cc": "a control character", "Zs": "a non-ASCII space"}.get(category, "an invisible character")
    return f"{what} (U+{ord(char):04X} {name})"


def char_problem(char: str) -> tuple[str, str, str]:
    """(rule, message, help) for a character that has no place in a keyword, value, symbol or id."""
    import unicodedata  # the error path only

    if char in BIDI or char in LINE_BREAKS:
        return ("hidden-text", *hidden_text(char))
    code, category = f"U+{ord(char):04X}", unicodedata.category(char)
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(ord(char), "a control character")
    if _invisible(char, category):
        return (
            "hidden-text",
            f"{char_name(char)} in a keyword, value, symbol or id: an editor shows nothing or a blank here,"
            " and ordspec would read something other than what is shown",
            "remove it: keywords, values, symbols and ids are ASCII",
        )
    look = _LOOK_ALIKE.get(char) or unicodedata.normalize("NFKC", char)
    if not (look.isascii() and look.isprintable() and look.strip()):
        bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        look = bare if bare.isascii() and bare.isprintable() and bare.strip() else None
    return (
        "bad-value",
        f"`{char}` ({code} {name}) is not ASCII: keywords, values, symbols and ids are written in ASCII",
        f"write `{look}`" if look else "retype the word in ASCII letters and digits",
    )


class NotText(Exception):
    """A file that is binary or not UTF-8, with where the first bad byte is."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.line = line
        self.column = column


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped), or NotText."""
    nul = data.find(b"\0")
    if nul >= 0:
        line, column = _byte_position(data, nul)
        return _fail("this is a binary file (it has a NUL byte), not an order file", line, column)
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[bom:].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as e:
        start = e.start + bom
        line, column = _byte_position(data, start)
        return _fail(f"this file is not UTF-8: byte 0x{data[start]:02x} cannot be read", line, column)


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    if line_start == 0 and data.startswith(b"\xef\xbb\xbf"):
        line_start = 3  # the text starts after the byte-order mark
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _fail(message: str, line: int, column: int):
    raise NotText(message, line, column)


_UPPER = {c: c - 32 for c in range(ord("a"), ord("z") + 1)}
_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def ascii_upper(text: str) -> str:
    """Upper case in ASCII only: str.upper() also maps U+017F LONG S to S (`ſip` would read as SIP)."""
    return text.upper() if text.isascii() else text.translate(_UPPER)


def ascii_lower(text: str) -> str:
    """Lower case in ASCII only: str.lower() also maps U+212A KELVIN SIGN to k (a KELVIN SIGN in `market` would pass)."""
    return text.lower() if text.isascii() else text.translate(_LOWER)


_REGEXES: dict = {}


def regex(pattern: str):
    """`pattern`, compiled on first use: a lint of plain words needs no regex, and importing re costs a tenth of its start."""
    found = _REGEXES.get(pattern)
    if found is None:
        import re

        found = _REGEXES[pattern] = re.compile(pattern)
    return found
