"""What may be written at the cursor of a .ord line.

The grammar says which terminals come next (a statement word, a side, a clause, an option's
value); language.OPTIONS and PARTS say which clauses apply to this statement, and the same tables
the rules check against give the values. Words are offered as `ordspec fmt` writes them.
"""

from __future__ import annotations

import re

from ordspec.server import checks
from ordspec.server.words import meaning

KEYWORD, VALUE, SYMBOL, RULE = "keyword", "value", "symbol", "rule"
MAX_SYMBOLS = 200  # an instrument master lists ~100,000: the rest come as the prefix narrows
_SUPPRESSION = re.compile(r"#\s*ordspec:\s*ignore\[([^\]]*)$")
# terminal -> the part of language.PARTS it writes
_PARTS = {"TARGET": "target", "SL": "sl", "LIMIT": "limit", "TRIGGER": "trigger", "MARKET": "market",
          "UP": "direction", "DOWN": "direction", "FREQUENCY": "frequency", "PLUS": "plus"}
# the order items are offered in: statement words, then the legs and flags, then options, then file lines
_ORDER = ("KIND", "SMALLCASE", "VERB", "LIST", "SIDE", "SC_ORDER", "SC_INTENT", "TRIGGER", "UP", "DOWN", "MARKET", "LIMIT",
          "TARGET", "SL", "FREQUENCY", "PLUS", "OPTION", "VALUE", "NAME", "SYMBOL", "DEFAULT", "BROKER")
_UPPER = ("KIND", "SMALLCASE", "VERB", "LIST", "SIDE", "SC_ORDER", "SC_INTENT")  # statement words, in capitals


class Item:
    __slots__ = ("label", "kind", "detail", "documentation")

    def __init__(self, label: str, kind: str, detail: str | None = None, documentation: str | None = None):
        self.label = label
        self.kind = kind
        self.detail = detail
        self.documentation = documentation


def _statement(words: list[str], keywords: dict) -> tuple[str | None, str | None]:
    """(verb, kind) of the statement the words begin, as language.applies takes them."""
    if not words:
        return None, None
    first = words[0].lower()
    if first in keywords["KIND"]:
        return "CREATE", first.upper()
    if first in keywords["SMALLCASE"]:
        return "CREATE", "SMALLCASE"
    if first in keywords["VERB"] or first in keywords["LIST"]:
        return first.upper(), words[1].upper() if len(words) > 1 else None
    return first, None  # `default`, `broker`


def complete(line: str, cursor: int, checked=None) -> tuple[int, list[Item]]:
    """(start column of the word being completed, items) at a 0-based cursor in a .ord line."""
    before = line[:cursor]
    start = len(before) - len(re.search(r'[^\s"#]*$', before).group())
    partial = before[start:]
    comment = checks.comment_start(before, False)
    if comment is not None:
        found = _SUPPRESSION.search(before, comment)
        if not found:
            return start, []
        start = cursor - len(re.search(r"[^,\s\[]*$", before).group())
        return start, [Item(name, RULE, code, summary) for code, name, summary in checks.rule_names() if name not in checks.fixed_rules()]
    terminals = checks.expected(before[:start])
    if not terminals:
        return start, []
    keywords = checks.keyword_words()
    language, brokers = checks.vocabulary()
    words = [w for w, _ in checks.words(before[:start])]
    verb, kind = _statement(words, keywords)
    items: list[Item] = []

    def keyword(word: str, detail: str | None = None):
        items.append(Item(word, KEYWORD, detail, meaning(word)))

    def values(names, detail: str):
        items.extend(Item(v, VALUE, detail, meaning(v)) for v in names)

    for terminal in sorted(terminals, key=lambda t: _ORDER.index(t) if t in _ORDER else len(_ORDER)):
        if terminal in _UPPER:
            order = language.SC_ORDERS + language.SC_INTENTS if terminal.startswith("SC_") else language.STATEMENTS
            for word in sorted(keywords[terminal], key=lambda w: _rank(w, order)):
                word = word.upper()
                if terminal == "KIND" and f"{verb or 'CREATE'} {word}" not in language.STATEMENTS:
                    continue  # PAUSE GTT is no statement; at the start of a line, every kind some broker creates
                keyword(word, terminal.lower().replace("_", " "))
        elif terminal in ("DEFAULT", "BROKER"):
            keyword(keywords[terminal][0], "file line")
        elif terminal in _PARTS and verb and kind:
            part = _PARTS[terminal]
            if language.applies(language.PARTS[part], verb, kind):
                for word in keywords[terminal]:
                    keyword(word, part)
        elif terminal == "OPTION":
            written = _written(words, keywords)
            for word in language.OPTION_ORDER:  # as `ordspec fmt` orders them
                if verb == "default":
                    if word in language.DEFAULTABLE:
                        keyword(word, "default")
                elif verb and kind and language.applies(language.OPTIONS[word][2], verb, kind) and word not in written:
                    keyword(word, "option")
        elif terminal == "VALUE" and words:
            option = words[-1].lower()
            if verb == "broker":
                values(brokers, "broker")
            elif option in language.OPTIONS and language.OPTIONS[option][0] == "enum":
                values(language.OPTIONS[option][1], option)
        elif terminal == "NAME":
            values(brokers, "broker")
        elif terminal == "SYMBOL" and checked is not None:
            items.extend(_symbols(checked, partial))
    return start, items


def _rank(word: str, order) -> tuple:
    """Where a word first appears in a table of the language (GTT before OCO, MODIFY before CANCEL)."""
    word = word.upper()
    return next((i for i, s in enumerate(order) if word in s.split()), len(order)), word


def _written(words: list[str], keywords: dict) -> set[str]:
    """Options already written for the statement (or, after a `plus`, for its last scrip)."""
    lowered = [w.lower() for w in words]
    if "plus" in lowered:
        lowered = lowered[len(lowered) - 1 - lowered[::-1].index("plus") :]
    return {w for w in lowered if w in keywords["OPTION"]}


def _symbols(checked, partial: str) -> list[Item]:
    prefix = partial.upper()
    found = sorted({symbol for _, symbol in checks.master_symbols(checked) if symbol.upper().startswith(prefix)})
    return [Item(symbol, SYMBOL, "instrument master") for symbol in found[:MAX_SYMBOLS]]
