"""Syntax errors in a trader's words, not Lark's terminal names."""

from __future__ import annotations

from ordspec.source import ascii_lower

WHAT = {
    "KIND": "an order kind (GTT, OCO, BRACKET, SIP)",
    "SIDE": "BUY or SELL",
    "SMALLCASE": "SMALLCASE",
    "SC_ORDER": "a smallcase order type (BUY, INVESTMORE, FIX, REPAIR, REBALANCE, SIP, MANAGE, EXIT)",
    "SC_INTENT": "SIP_SETUP",
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


def explain(error, keywords: dict[str, list[str]]):
    """(message, help) for a driver.ParseError."""
    token, expected, previous = error.token, error.expected, error.previous
    wanted = expected_text(expected)
    if error.unterminated:
        return "this text has no closing quote", 'close it with "'
    if token.type == "$END":
        after = f" after `{previous.value}`" if previous else ""
        return f"the line ends too early{after}: expected {wanted}", None
    word = token.value
    known = {w for words in keywords.values() for w in words}
    choices = sorted({w for name in expected for w in keywords.get(name, ())})
    if token.type == "STRING":
        return f"a quoted text cannot stand here: expected {wanted}", None
    lower = ascii_lower(word)
    if lower in known:
        if "$END" in expected and lower in keywords.get("KIND", ()) + keywords.get("VERB", ()):
            return f"`{word}` cannot stand here: expected {wanted}", "write one statement per line"
        return f"`{word}` cannot stand here: expected {wanted}", None
    help = None
    if choices:
        from difflib import get_close_matches  # error path only

        close = get_close_matches(lower, choices, n=1, cutoff=0.7)
        if close:
            help = f"did you mean `{close[0]}`?"
    if len(word) > 40:
        word = word[:37] + "..."
    return f"unknown word `{word}`: expected {wanted}", help
