"""Invisible and look-alike characters: keywords, values, symbols and ids are ASCII, folded in ASCII only.

Each character is reported at its own column, in the .ord form and in every way
YAML can hold it (a plain scalar, a double-quoted escape, a DSL line); quoted
text and comments keep any text.
"""

from __future__ import annotations

import pytest

from ordspec import values
from ordspec.grammar import driver
from ordspec.language import SEGMENTS
from ordspec.source import ascii_lower, ascii_upper
from tests.conftest import compile_text, lint_text, names

OCO = "OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95 product MIS"
GTT = "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC"
INVISIBLE = {
    "zero-width-space": "\u200b",
    "word-joiner": "\u2060",
    "soft-hyphen": "\u00ad",
    "byte-order-mark": "\ufeff",
    "bel": "\x07",
    "left-to-right-mark": "\u200e",
}
AFTER_SYMBOL = OCO.index(" target")  # 0-based: the character goes right after NIFTY25OCT24000CE


def only(diagnostics, name: str):
    found = [d for d in diagnostics if d.name == name]
    assert [d.name for d in diagnostics] == [name], [str(d) for d in diagnostics]
    return found[0]


def at(d) -> tuple[int, int, int]:
    return d.line, d.column, d.end_column


# -- the .ord form


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_an_invisible_character_after_a_contract_symbol_is_hidden_text_at_it(char):
    text = OCO[:AFTER_SYMBOL] + char + OCO[AFTER_SYMBOL:] + "\n"
    d = only(lint_text(text), "hidden-text")
    assert at(d) == (1, AFTER_SYMBOL + 1, AFTER_SYMBOL + 2)
    assert f"U+{ord(char):04X}" in d.message
    requests, _ = compile_text(text)
    assert requests is None  # before: a CASH share, with no lot, tick or expiry check


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
@pytest.mark.parametrize("where", ["TCS", "trigger", "CNC"])
def test_an_invisible_character_inside_any_word_is_hidden_text_at_it(char, where):
    i = GTT.index(where) + 1
    d = only(lint_text(GTT[:i] + char + GTT[i:] + "\n"), "hidden-text")
    assert at(d) == (1, i + 1, i + 2)


def test_a_control_character_between_words_is_hidden_text():
    d = only(lint_text(GTT.replace("BUY ", "BUY\x0b") + "\n"), "hidden-text")
    assert at(d) == (1, 8, 9) and "U+000B" in d.message


@pytest.mark.parametrize(
    "text, column, char, look",
    [
        (GTT.replace("limit 3990", "mar\u212aet"), 37, "\u212a", "K"),  # KELVIN SIGN: str.lower() reads `market`
        (GTT + " segment ca\u017fh", 67, "\u017f", "s"),  # LONG S: str.upper() reads CASH
        (GTT.replace("TCS", "\u0422CS"), 12, "\u0422", "T"),  # Cyrillic TE in a symbol
        (GTT.replace("TCS", "TC\u0405"), 14, "\u0405", "S"),  # Cyrillic DZE
        ("\u0261tt BUY 10 TCS trigger 3985 down limit 3990", 1, "\u0261", None),  # SCRIPT G, in a keyword
        ("CANCEL GTT gtt_\u0430bc segment CASH", 16, "\u0430", "a"),  # an order id
        ("SMALLCASE BUY SC\u0415T_0010", 17, "\u0415", "E"),  # a scid
        (GTT + " ref abcd\u00e91234", 65, "\u00e9", "e"),
        ("broker gro\u1e87w", 11, "\u1e87", "w"),
        (GTT.replace("TCS", "\u20b9TCS"), 12, "\u20b9", None),  # a rupee sign starts amounts only
    ],
)
def test_a_look_alike_is_a_bad_value_at_the_character(text, column, char, look):
    d = only(lint_text(text + "\n"), "bad-value")
    assert at(d) == (1, column, column + 1)
    assert d.message.startswith(f"`{char}` (U+{ord(char):04X} ")
    assert d.help == (f"write `{look}`" if look else "retype the word in ASCII letters and digits")


def test_look_alikes_are_not_folded_to_ascii():
    assert ascii_lower("MAR\u212aET") == "mar\u212aet" and "MAR\u212aET".lower() == "market"
    assert ascii_upper("ca\u017fh") == "CA\u017fH" and "ca\u017fh".upper() == "CASH"
    assert ascii_upper("gtt") == "GTT" and ascii_lower("GtT") == "gtt"
    with pytest.raises(driver.ParseError):  # the driver on its own: no keyword
        driver.parse_line(GTT.replace("limit 3990", "mar\u212aet"))
    value, problem = values.enum("ca\u017fh", SEGMENTS, "segment")
    assert value is None and problem.rule == "bad-value"


@pytest.mark.parametrize(
    "text",
    [
        'SMALLCASE BUY SCET_0010 notes "café ₹ 中文 \u200d\u200b"',
        "SMALLCASE BUY SCET_0010 notes café",  # a text option's word is text
        GTT + "  # café ₹ \u200b\x07 中文",
        'SIP BUY \u20b92000 TCS-EQ daily start 2025-10-06 installments 2 name "म्यूचुअल फ़ंड" product CNC token 11536',
        "MODIFY SIP 25042400000049 qty \u20b92000",
    ],
)
def test_quoted_text_comments_and_amounts_keep_any_text(text):
    assert [n for n in names(lint_text(text + "\n")) if n in ("hidden-text", "bad-value", "syntax")] == []


def test_a_non_ascii_space_between_words_is_a_blank():
    assert lint_text(GTT.replace("BUY ", "BUY\u00a0") + "\n") == []


def test_fmt_refuses_hidden_text_and_keeps_a_look_alike_line_as_written():
    from ordspec.fmt import source
    from ordspec.source import SourceFile

    formatted, errors = source(SourceFile("t.ord", OCO.replace(" target", "\u200b target") + "\n"))
    assert formatted is None and [d.name for d in errors] == ["hidden-text"]
    kelvin = "gtt  BUY 10 TCS trigger 3985 down mar\u212aet product CNC\n"
    formatted, errors = source(SourceFile("t.ord", kelvin))
    assert formatted == kelvin.replace("gtt  BUY", "gtt  BUY") and errors == []


# -- the YAML form


def yaml_order(symbol_field: str, rest: str = "target: 120.5, sl: 95, product: MIS") -> str:
    return f"orders:\n  - {{kind: OCO, side: SELL, qty: 75, symbol: {symbol_field}, {rest}}}\n"


SYMBOL_AT = len("  - {kind: OCO, side: SELL, qty: 75, symbol: ")  # 0-based column of the symbol's value


@pytest.mark.parametrize("char", [c for c in INVISIBLE.values() if c != "\x07"], ids=[k for k in INVISIBLE if k != "bel"])
def test_yaml_plain_scalar_with_an_invisible_character(char):
    text = yaml_order("NIFTY25OCT24000CE" + char)
    d = only(lint_text(text, name="t.yaml"), "hidden-text")
    assert at(d) == (2, SYMBOL_AT + 18, SYMBOL_AT + 19)
    assert compile_text(text, name="t.yaml")[0] is None


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_yaml_double_quoted_escape_is_reported_at_the_escape(char):
    escape = "\\a" if char == "\x07" else f"\\u{ord(char):04x}"
    text = yaml_order(f'"NIFTY{escape}25OCT24000CE"')
    d = only(lint_text(text, name="t.yaml"), "hidden-text")
    assert at(d) == (2, SYMBOL_AT + 7, SYMBOL_AT + 7 + len(escape))  # after the quote and NIFTY, the whole escape


def test_yaml_raw_control_character_is_hidden_text_at_it_not_a_syntax_error_at_the_top():
    text = yaml_order("NIFTY25OCT24000CE\x07")
    d = only(lint_text(text, name="t.yaml"), "hidden-text")
    assert at(d) == (2, SYMBOL_AT + 18, SYMBOL_AT + 19) and "U+0007 BEL" in d.message


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_yaml_dsl_line_with_an_invisible_character(char):
    line = OCO[:AFTER_SYMBOL] + (char if char != "\x07" else "\\a") + OCO[AFTER_SYMBOL:]
    text = f'orders:\n  - "{line}"\n'
    d = only(lint_text(text, name="t.yaml"), "hidden-text")
    width = 2 if char == "\x07" else 1  # the escape \a, or the character itself
    assert at(d) == (2, 6 + AFTER_SYMBOL, 6 + AFTER_SYMBOL + width)  # `  - "` is five characters


@pytest.mark.parametrize(
    "text, char, written",
    [
        (yaml_order("NIFTY25OCT24000CE", "target: 120.5, sl: 95, product: MIS, mar\u212aet: true"), "\u212a", "\u212a"),  # a key
        (yaml_order("NIFTY25OCT24000CE", "target: 120.5, sl: 95, product: MIS, segment: ca\u017fh"), "\u017f", "\u017f"),
        (yaml_order("NIFTY25OCT24000CE", 'target: 120.5, sl: 95, product: MIS, segment: "ca\\u017fh"'), "\u017f", "\\u017f"),
        (yaml_order("NIFTY25OCT24000CE", "target: 120.5, sl: 95, product: MIS, segment: 'c''a\u017fh'"), "\u017f", "\u017f"),
        ("orders:\n  - {kind: \u017fip, side: BUY, qty: 1, symbol: TCS-EQ}\n", "\u017f", "\u017f"),
        (yaml_order("\u0422CS"), "\u0422", "\u0422"),
        ("orders:\n  - GTT BUY 10 TCS trigger 3985 down mar\u212aet product CNC\n", "\u212a", "\u212a"),
        ('orders:\n  - "GTT BUY 10 TCS trigger 3985 down mar\\u212aet product CNC"\n', "\u212a", "\\u212a"),
        ("broker: gro\u1e87w\norders: []\n", "\u1e87", "\u1e87"),
    ],
)
def test_yaml_look_alike_is_a_bad_value_at_the_character(text, char, written):
    d = only(lint_text(text, name="t.yaml"), "bad-value")
    line = next(i for i, l in enumerate(text.split("\n"), 1) if written in l)
    column = text.split("\n")[line - 1].index(written) + 1
    assert at(d) == (line, column, column + len(written))  # an escape is underlined whole
    assert f"U+{ord(char):04X}" in d.message


def test_yaml_text_values_keep_any_text():
    text = 'orders:\n  - {kind: SMALLCASE, type: BUY, scid: SCET_0010, notes: "café ₹ 中文"}\n'
    assert lint_text(text, name="t.yaml") == []


def test_a_file_needs_the_character_check_for_any_control_but_tab_and_line_ends():
    # needs_check reads ASCII without a regex: every ASCII character, against the rule it stands for
    import re

    from ordspec.grammar.characters import needs_check

    for code in range(128):
        control = re.fullmatch(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", chr(code)) is not None
        assert needs_check(f"GTT BUY 1 TCS{chr(code)}market\n") is control, hex(code)
    assert needs_check("GTT BUY 1 TCS\tmarket\r\n") is False and needs_check("notes \"é\"") is True
