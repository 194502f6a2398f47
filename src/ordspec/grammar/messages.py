"""Syntax errors in a trader's words, not Lark's terminal names."""

from __future__ import annotations

from ordspec.source import ascii_lower

WHAT = {
    "KIND": "an order kind (GTT, OCO, BRACKET, SIP)",
    "SIDE": "BUY or SELL",
    "SMALLCASE": "SMALLCASE",
    "SC_ORDER": "a smallcase order type (BUY, INVESTMORE, FIX, REPAIR, REBALANCE, SIP, MANAGE, EXIT)",
    "SC_INTENT": "SIP_SETUP",
    "ISCID": "`iscid`",
    "INVESTED": "the invested smallcase's id (iscid), such as 5f58be2e0ae6815aef0d1118",
    "VERB": "an action (MODIFY, CANCEL, GET, PAUSE, RESUME)",
    "LIST": "LIST",
    "DEFAULT": "`default`",
    "BROKER": "`broker`",
    "TARGET": "`target`",
    "SL": "`sl`",
    "LIMIT": "`limit`",
    "TRIGGER": "`trigger`",
    "MARKET": "`market`",
    "UP": "`up`",
    "DOWN": "`down`",
    "PLUS": "`plus`",
    "FREQUENCY": "daily, weekly or monthly",
    "OPTION": "an option (product, exchange, segment, validity, ref, ...)",
    "QTY": "a quantity",
    "SYMBOL": "a symbol such as TCS or NIFTY25OCT24000CE",
    "SCID": "a smallcase id such as SCET_0010",
    "ORDER_ID": "an order id",
    "PRICE": "a price",
    "VALUE": "a value",
    "NAME": "a broker name (groww, indstocks, codifi, smallcase)",
    "STRING": 'a "quoted text"',
    "$END": "the end of the line",
}
STATEMENT_START = {"KIND", "SMALLCASE", "VERB", "LIST", "DEFAULT", "BROKER"}
STATEMENT_START_LIST = sorted(STATEMENT_START)
CLAUSES = {"TARGET", "SL", "LIMIT", "TRIGGER", "MARKET", "UP", "DOWN", "PLUS", "FREQUENCY", "OPTION"}


def expected_text(expected: list[str]) -> str:
    names = set(expected)
    if STATEMENT_START <= names:
        return "an order (GTT, OCO, BRACKET, SIP, SMALLCASE), an action (MODIFY, CANCEL, GET, LIST, PAUSE, RESUME), `default` or `broker`"
    parts = []
    if names & CLAUSES:
        parts.append(
            "a leg or option (target, sl, limit, trigger, market, up, down, daily/weekly/monthly, plus, product, segment, ref, ...)"
        )
        names -= CLAUSES
    parts.extend(WHAT.get(n, n) for n in sorted(names, key=lambda n: (n == "$END", n)))
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " or " + parts[-1]


FREE = ("QTY", "SYMBOL", "SCID", "ORDER_ID", "PRICE", "VALUE", "NAME", "INVESTED")


def missing(tables, read: list):
    """(token, message, help) for a piece left out of the words `read`, or None (see _missing)."""
    return _missing(read, tables.keyword_set)


def _missing(read: list, known: set):
    """(token, message, help) for a piece left out before the error, or None.

    The parser takes any word where a free word stands, so a missing quantity,
    symbol, id or price shows up later: `GTT BUY TCS trigger 3985 ...` reads TCS
    as the quantity and `trigger` as the symbol, and stops at 3985.
    """
    for i, token in enumerate(read[1:], 1):
        before = read[i - 1].value
        if token.type in FREE and ascii_lower(token.value) in known:
            help = f"write `{before} PRICE`" if token.type == "PRICE" else None
            return token, f"expected {WHAT[token.type]} after `{before}`, not the keyword `{token.value}`", help
        if token.type == "QTY" and not _numeric(token.value):
            example = " ".join(t.value for t in read[: i]) + f" 10 {token.value} ..."
            return token, f"expected a quantity after `{before}`, before `{token.value}`", f"write the quantity, as in `{example}`"
    return None


def _numeric(word: str) -> bool:
    """Whether a word is written as a number (maybe a malformed one: 1e3, 1,000, INR2000)."""
    if ascii_lower(word[:3]) == "inr" or word[:1] == "\u20b9":
        word = word[3:] if word[:1] != "\u20b9" else word[1:]
    return any(c in "0123456789" for c in word) and all(c in "0123456789.,_+-eE" for c in word)


def explain(error, keywords: dict[str, list[str]]):
    """(message, help, token to blame) for a driver.ParseError."""
    token, expected, previous = error.token, error.expected, error.previous
    wanted = expected_text(expected)
    if error.unterminated:
        return "this text has no closing quote", 'close it with "', token
    known = {w for words in keywords.values() for w in words}
    missing = _missing(error.read, known)
    if missing is not None:
        blamed, message, help = missing
        return message, help, blamed
    if token.type == "$END":
        after = f" after `{previous.value}`" if previous else ""
        return f"the line ends too early{after}: expected {wanted}", None, token
    word = token.value
    choices = sorted({w for name in expected for w in keywords.get(name, ())})
    if token.type == "STRING":
        return f"a quoted text cannot stand here: expected {wanted}", None, token
    lower = ascii_lower(word)
    if lower in known:
        if "$END" in expected and lower in keywords.get("KIND", ()) + keywords.get("VERB", ()):
            return f"`{word}` cannot stand here: expected {wanted}", "write one statement per line", token
        if expected == STATEMENT_START_LIST and lower in keywords.get("SIDE", ()):
            return f"`{word}` cannot start a statement: expected {wanted}", f"an order starts with its kind, as in `GTT {word} ...`", token
        return f"`{word}` cannot stand here: expected {wanted}", None, token
    help = None
    if choices:
        from difflib import get_close_matches  # error path only

        close = get_close_matches(lower, choices, n=1, cutoff=0.7)
        if close:
            help = f"did you mean `{close[0]}`?"
    if len(word) > 40:
        word = word[:37] + "..."
    if previous is not None and not set(expected) & (CLAUSES | {"$END"}):
        return f"expected {wanted} after `{previous.value}`, not `{word}`", help, token
    return f"unknown word `{word}`: expected {wanted}", help, token
