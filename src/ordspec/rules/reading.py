"""Rules the front ends report while reading a file, and checks on plain values."""

from __future__ import annotations

from ordspec.rules.declare import declare, rule

declare(
    "syntax",
    doc="""
    What:
    A line (or YAML item) that the grammar does not accept: a missing piece,
    an unknown word, a word in the wrong place, an unterminated string, or a
    YAML document that is not an order file.

    Why:
    ordspec never guesses what a malformed order means; it says what it
    expected at the exact column, in words a trader reads (a price, a
    quantity, BUY or SELL), not parser token names.

    This rule cannot be suppressed: a line ordspec cannot read is no order
    to check or send.

    Example:
    OCO SELL 50 NIFTY25OCT24000CE taget 120.5 sl 95
    # error: unknown word `taget` ... did you mean `target`?

    Source:
    ordspec policy; the language is defined in ordspec/grammar/ordspec.lark and
    the README (The language).
    """,
)

declare(
    "encoding",
    doc="""
    What:
    A file with a NUL byte (binary) or bytes that are not UTF-8. The
    diagnostic points at the line of the first bad byte.

    Why:
    A symbol or a price read through the wrong encoding is a different order.
    ordspec reads UTF-8 (with or without a byte-order mark) and nothing else.

    This rule cannot be suppressed: a file ordspec cannot decode holds no
    statement to check or send.

    Example:
    A file saved as Latin-1 with `notes "café"` fails at that line.

    Source:
    ordspec policy.
    """,
)

declare(
    "hidden-text",
    doc="""
    What:
    In a .ord file: a carriage return without a line feed (old-Mac line
    endings), NEL (U+0085), or a line or paragraph separator (U+2028,
    U+2029). Anywhere: a text-direction control (U+202A-U+202E,
    U+2066-U+2069). In a keyword, value, symbol or id (anywhere but quoted
    text, a `notes` or `name` text and comments), in either form: a control
    character or an invisible one, such as U+200B ZERO WIDTH SPACE, U+2060
    WORD JOINER, U+00AD SOFT HYPHEN, U+FEFF (past the file's start), U+200E
    LEFT-TO-RIGHT MARK or a non-ASCII space; in a YAML file, a control
    character anywhere (YAML reads no such file). The line is not read; the
    diagnostic points at the character.

    Why:
    Editors start a new line at these line breaks; ordspec reads lines that
    end in LF or CRLF. An order after one in a comment would show in the
    editor and never be placed; a CR-only file would read as one line.
    Direction controls reorder what a reviewer sees, so a pull request can
    show one order and hold another ("Trojan Source", which rustc also
    refuses by default).

    This rule cannot be suppressed: the line is not read, so there is no
    statement to check or send.

    Example:
    A CR-only file: `broker groww`, CR, `GTT BUY 10 TCS ...`
    # error: a carriage return (CR) without a line feed: an editor may start a new line here, ordspec does not

    Source:
    ordspec policy; CVE-2021-42574 (Trojan Source); Unicode UAX #14 and
    UAX #9 for which characters break lines and change direction.
    """,
)

declare(
    "unsafe-yaml",
    doc="""
    What:
    A YAML order file that uses a tag (`!!python/object`, `!custom`), whose
    aliases would expand past a budget (the "billion laughs" attack) or refer
    to the mapping they stand in, that nests deeper than 64 levels, that holds
    more than one document, or that is larger than 64 MiB.

    Why:
    Order files come from repositories and pull requests. Loading one must be
    safe and fast whatever it holds: ordspec composes YAML without
    constructing objects and refuses what could exhaust memory or time.

    This rule cannot be suppressed: the file is not loaded, so there is
    nothing to check or send.

    Example:
    a: &a ["x","x","x","x","x","x","x","x","x"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    # ... nine levels deep: refused before it is expanded.

    Source:
    ordspec policy (YAML 1.1 aliases; PyYAML composes without constructing).
    """,
)

declare(
    "bad-number",
    doc="""
    What:
    Prices are plain decimals (120.50), quantities whole numbers (75).
    Exponents (3.9e3), thousands separators (1,000), a leading or trailing
    point (.5, 5.) and fractional quantities are refused, with the plain form
    to write instead. Prices have at most 12 digits before the point and 8
    after.

    Why:
    ordspec keeps prices as exact decimals from the file to the request and
    never rounds. A number it would have to reinterpret is a question for the
    author, not a guess.

    This rule cannot be suppressed: the number is not read, so the request
    would lack it or guess it.

    Example:
    GTT BUY 10 TCS trigger 3.9e3 down limit 3990 product CNC
    # error: `3.9e3` is not a plain decimal price; help: write 3900

    Source:
    ordspec policy: "numbers are plain decimals (never floats inside: Decimal
    end to end)" (README: The language).
    """,
)

declare(
    "bad-value",
    doc="""
    What:
    product is CNC, MIS or NRML; segment CASH, FNO, COMMODITY or CURRENCY;
    exchange NSE, BSE or MCX; validity DAY or IOC; dates are YYYY-MM-DD and
    list times YYYY-MM-DDThh:mm:ss; `security` and `token` are numbers; a
    `broker` line names a broker ordspec has. Words are case-insensitive, in
    ASCII only: keywords, values, symbols and ids are ASCII, and a non-ASCII
    letter in one is this error at the character (a KELVIN SIGN in `market`,
    a LONG S in `CASH`, a Cyrillic A in `TCS`), with the ASCII letter it
    looks like. Quoted text, a `notes` or `name` text and comments take any
    text.

    Decision:
    A non-ASCII character in a symbol is an error, not a warning: no exchange
    lists such a symbol, so the broker could not match the order, and case
    folding that took `ca\u017fh` for CASH would send another order than the
    one shown.

    Why:
    Each back end maps these neutral words to its broker's own; a word
    outside the vocabulary has no mapping.

    This rule cannot be suppressed: the value is not read, so the request
    would lack it or guess it.

    Example:
    GTT BUY 10 TCS trigger 3985 down limit 3990 product CNCC
    # error: `CNCC` is not a product; help: did you mean CNC?

    Source:
    ordspec policy (the neutral vocabulary: product CNC|MIS|NRML, segment
    CASH|FNO|COMMODITY|CURRENCY, exchange NSE|BSE|MCX; README: The language);
    the broker documents for the list status words and date formats.
    """,
)

declare(
    "duplicate-option",
    doc="""
    What:
    `product` twice, two `target` legs, two `limit` prices for one leg, two
    trigger directions, a second `broker` line in a file.

    Why:
    Which one wins would be a guess; the two may be a copy-paste mistake that
    changes the order.

    This rule cannot be suppressed: which of the two values the request
    carries would be a guess.

    Example:
    OCO SELL 75 NIFTY25OCT24000CE target 120 target 125 sl 95 product MIS
    # error: a second `target` leg

    Source:
    ordspec policy.
    """,
)

declare(
    "misplaced-option",
    doc="""
    What:
    Each option applies to some statements only: `page` to LIST, `position`
    to OCO, `notes` to SMALLCASE, `trigger` to GTT and BRACKET, a `limit`
    must follow the leg or entry it prices. A `default` line can set product,
    exchange, validity, segment and registered only.

    Why:
    An option that cannot reach the request would be silently dropped; the
    author meant something by it.

    This rule cannot be suppressed: the request would silently leave the
    option out.

    Example:
    OCO SELL 75 NIFTY25OCT24000CE limit 121 target 120.5 sl 95 product MIS
    # error: `limit` does not price anything here: an OCO order has no entry order

    Source:
    ordspec policy; the option table is ordspec/language.py.
    """,
)

declare(
    "broker-mismatch",
    doc="""
    What:
    A file that says `broker groww` linted or compiled with `--broker
    indstocks`.

    Why:
    The file was written for one broker's rules and requests; checking or
    sending it as another's is almost certainly a mistake.

    This rule cannot be suppressed: the file would be checked and sent as
    another broker's orders.

    Example:
    broker groww
    # ordspec compile orders.ord --broker indstocks -> error at the broker line

    Source:
    ordspec policy.
    """,
)


@rule("not-positive")
def not_positive(stmt, ctx):
    """
    What:
    Quantities and prices must be above zero; a SIP needs at least one
    installment. `position` may be negative (a short position) but not zero:
    an OCO exits a position, and a zero one has nothing to protect.

    Why:
    No exchange accepts a zero or negative quantity or price; INDstocks
    documents it as QtyMustBeAboveZero, LimitPriceMustBeAboveZero and
    TriggerPriceMustBeAboveZero.

    This rule cannot be suppressed: no broker takes a zero or negative
    quantity or price, so no valid request can carry one.

    Example:
    GTT BUY 0 TCS trigger 3985 down limit 3990 product CNC
    # error: quantity 0 is not above zero

    Source:
    INDstocks Smart Order APIs, https://api-docs.indstocks.com/smart_orders/,
    Validations; Codifi SIP Orders API, as each broker publishes it (endPeriod:
    number of SIP cycles).
    """
    scrips = stmt.scrips  # (a SIP's other scrips; most statements have none)
    for field in (stmt.qty, *(s.qty for s in scrips)) if scrips else (stmt.qty,):
        if field is not None and field.value <= 0:
            ctx.report(field, f"quantity {field.value} is not above zero{ctx.named('qty')}")
    for field in (stmt.amount, *(s.amount for s in scrips)) if scrips else (stmt.amount,):
        if field is not None and field.value <= 0:
            ctx.report(field, f"amount {field.value} is not above zero")
    for leg, what, field in stmt.prices():
        if field.value <= 0:
            name = "trigger" if what == "trigger" else "limit"
            ctx.report(field, f"{name} price {field.value} is not above zero{ctx.named(name + '_positive')}")
    position = stmt.options.get("position")
    if position is not None and position.value == 0:
        ctx.report(position, "position 0: an OCO exits a position, and there is none", "write the net position the OCO protects")
    installments = stmt.options.get("installments")
    if installments is not None and installments.value < 1:
        ctx.report(installments, f"{installments.value} installments: a SIP needs at least one")


declare(
    "instrument-data",
    doc="""
    What:
    A row of an instrument master (Groww's or INDstocks' CSV) or of a --quotes
    file that ordspec cannot use: too few or too many fields; a lot size, tick
    size, freeze quantity, expiry date, strike or last price that is not a
    plain decimal, not above zero or out of range (a tick below 0.0001, which
    no exchange uses, included); a Groww instrument_type or segment it does
    not know; a contract or symbol listed again with other values (then no
    row of it is used). The row is skipped; the first twenty are reported at
    their CSV line. A file that cannot be read as one (not UTF-8, empty, a
    column missing or named twice) is a usage error instead (exit 2).

    Why:
    A contract whose row is skipped is checked against the bundled tables (or
    not at all); silently skipping it would hide that.

    Example:
    NSE,35001,NIFTY25OCT24000CE,...,lot_size=seventy-five,...
    # warning: row skipped: unreadable value

    Source:
    Groww's instrument master CSV and its columns (Groww Trade API,
    https://groww.in/trade-api/docs).
    """,
)

declare(
    "internal-error",
    doc="""
    What:
    A rule raised an exception on a statement. The rest of the run goes on;
    the statement counts as failed, so nothing is compiled or sent.

    Why:
    A bug in one rule must not cost the user the other diagnostics, nor let an
    unchecked order through.

    This rule cannot be suppressed: the statement was not checked, so
    nothing of it may be sent.

    Example:
    (none: every occurrence is a bug in ordspec)

    Source:
    ordspec policy.
    """,
)


declare(
    "unused-suppression",
    doc="""
    What:
    `# ordspec: ignore[NAME]` (or a code, or several, comma-separated) at the
    end of a line silences those rules on that line only. A suppression that
    silences nothing on its line is reported; one that names no rule is a
    usage error (exit 2), with the nearest rule name.

    Why:
    A stale suppression would silently hide the next real problem on that
    line; a misspelt one never worked, and the file must not pass with it. A
    suppression comment cannot silence this rule itself (it would hide its own
    mistake); the configuration's `ignore` can. One that names a rule that
    cannot be suppressed says why, in that rule's words.

    Example:
    GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC   # ordspec: ignore[lot-size]
    # warning: `lot-size` is suppressed here but reports nothing on this line

    Source:
    ordspec policy (as ruff's unused-noqa).
    """,
)
