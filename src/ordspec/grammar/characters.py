"""Where a character that has no place in a word is: keywords, values, symbols and ids are ASCII.

Quoted text and comments may hold any text (notes and names are free text);
everything else on a line must be printable ASCII, and blanks between words
spaces, tabs or other Unicode spaces, never control characters. Both front
ends report the first such character at its column (source.char_problem says
whether it is `hidden-text` or `bad-value`).
"""

from __future__ import annotations

from ordspec.grammar import driver
from ordspec.language import OPTIONS
from ordspec.source import ascii_lower, odd_index, regex

TEXT_OPTIONS = tuple(name for name, (kind, _, _) in OPTIONS.items() if kind == "text")  # name, notes
# A control character (a tab is a blank); in a file, line ends aside.
_GAP_CONTROL = r"[\x00-\x08\x0a-\x1f\x7f-\x9f]"
_BLANKS = str.maketrans("\t\n\r", "   ")


def needs_check(text: str) -> bool:
    """Whether a line (or a file) holds anything but printable ASCII, blanks and line ends."""
    # printable ASCII once tabs and line ends are blanked (no regex: most files are plain ASCII)
    return not text.isascii() or not text.translate(_BLANKS).isprintable()


def _tokens(node) -> list:
    out = []
    stack = [node]
    while stack:
        item = stack.pop()
        if type(item) is driver.Token:
            out.append(item)
        else:
            stack.extend(reversed(item.children))
    return out


def in_line(line: str, node=None) -> int | None:
    """0-based offset of the first character that has no place where it stands on a .ord line.

    `node` is the line's tree, when it parses: then the value of a text option
    (notes, name) may hold any text and only a quantity may start with ₹;
    without it every word is held to ASCII (a leading ₹ aside).
    """
    found = []
    end = len(line)
    position = 0
    for m in regex(driver.TOKEN).finditer(line):
        gap = regex(_GAP_CONTROL).search(line, position, m.start())
        if gap:
            found.append(gap.start())
            break
        if m.group()[0] == "#":
            end = m.start()
            break
        position = m.end()
    else:
        gap = regex(_GAP_CONTROL).search(line, position)
        if gap:
            found.append(gap.start())
    if node is None:
        words = [(m.group(), m.start(), True) for m in regex(driver.TOKEN).finditer(line, 0, end) if m.group()[0] != '"']
    else:
        words, previous = [], None
        for token in _tokens(node):
            option = ascii_lower(previous.value) if previous is not None and previous.type == "OPTION" else None
            previous = token
            if option not in TEXT_OPTIONS:
                words.append((token.value, token.column - 1, token.type == "QTY" or option == "qty"))
    for text, offset, rupee in words:
        quoted = text[0] == '"'
        index = odd_index(text, rupee=rupee, spaces=quoted)
        if index is not None:
            found.append(offset + index)
            break  # words come in order: the first one is the earliest
    return min(found) if found else None


_ESCAPE_LENGTH = {"x": 2, "u": 4, "U": 8}


def scalar_offset(written: str, style, value: str, index: int) -> int | None:
    """Where character `index` of a one-line YAML scalar's value is in the text written, or None.

    `written` starts at the scalar (its quote, if any). Plain and quoted
    scalars are walked unit by unit: '' in single quotes and \\x, \\u, \\U and
    one-letter escapes in double quotes are one character of the value.
    """
    if not style:
        return index if written[: len(value)] == value else None
    at, count = 1, 0
    while at < len(written) and count <= index:
        if count == index:
            return at
        unit = 1
        if style == "'" and written.startswith("''", at):
            unit = 2
        elif style == '"' and written[at] == "\\":
            unit = 2 + _ESCAPE_LENGTH.get(written[at + 1 : at + 2], 0)
        elif written[at] == style:
            return None  # the scalar ended first: not a one-line scalar as read
        at += unit
        count += 1
    return None
