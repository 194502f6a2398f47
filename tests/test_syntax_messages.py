"""A piece left out of a statement is named where it is missing, not blamed on a later word."""

from __future__ import annotations

import pytest

from tests.conftest import DATA, lint_text

SPINE = [line.split("  #")[0].strip() for line in (DATA / "spine.ord").read_text().splitlines() if line.strip()]


def first_error(text: str, name: str = "t.ord"):
    found = sorted((d for d in lint_text(text + "\n", name=name) if d.severity == "error"), key=lambda d: (d.line, d.column))
    return found[0] if found else None


@pytest.mark.parametrize(
    "text, column, message, help",
    [
        (
            "GTT BUY TCS trigger 3985 down limit 3990",
            9,
            "expected a quantity after `BUY`, before `TCS`",
            "write the quantity, as in `GTT BUY 10 TCS ...`",
        ),
        ("GTT BUY trigger 3985 down limit 3990", 9, "expected a quantity after `BUY`, not the keyword `trigger`", None),
        (
            "GTT BUY 10 trigger 3985 down limit 3990",
            12,
            "expected a symbol such as TCS or NIFTY25OCT24000CE after `10`, not the keyword `trigger`",
            None,
        ),
        ("GTT 10 TCS trigger 3985 down limit 3990", 5, "expected BUY or SELL after `GTT`, not `10`", None),
        ("GTT SELLL 10 TCS trigger 3985 down limit 3990", 5, "expected BUY or SELL after `GTT`, not `SELLL`", "did you mean `sell`?"),
        (
            "OCO SELL NIFTY25OCT24000CE target 120.5 sl 95",
            10,
            "expected a quantity after `SELL`, before `NIFTY25OCT24000CE`",
            "write the quantity, as in `OCO SELL 10 NIFTY25OCT24000CE ...`",
        ),
        ("GTT BUY 10 TCS trigger down limit 3990", 24, "expected a price after `trigger`, not the keyword `down`", "write `trigger PRICE`"),
        ("OCO SELL 75 NIFTY25OCT24000CE target sl 95", 38, "expected a price after `target`, not the keyword `sl`", "write `target PRICE`"),
        ("OCO SELL 75 NIFTY25OCT24000CE target 120 limit sl 95", 48, "expected a price after `limit`, not the keyword `sl`", "write `limit PRICE`"),
        ("GTT BUY 10 TCS trigger 3985 down limit 3990 product segment CASH", 53, "expected a value after `product`, not the keyword `segment`", None),
        ("CANCEL GTT segment CASH", 12, "expected an order id after `GTT`, not the keyword `segment`", None),
        ('SMALLCASE BUY notes "x"', 15, "expected a smallcase id such as SCET_0010 after `BUY`, not the keyword `notes`", None),
        ("BUY 10 TCS trigger 3985 down limit 3990", 1, None, "an order starts with its kind, as in `GTT BUY ...`"),
    ],
)
def test_a_missing_piece_is_named_where_it_is_missing(text, column, message, help):
    d = first_error(text)
    assert (d.name, d.line, d.column) == ("syntax", 1, column), str(d)
    if message is not None:
        assert d.message == message
    assert d.help == help


def test_a_missing_trigger_direction_is_reported_at_the_trigger_price():
    d = first_error("GTT BUY 10 TCS trigger 3985 limit 3990 product CNC")
    assert (d.name, d.column, d.end_column) == ("missing-field", 24, 28)
    assert d.message == "a GTT trigger needs a direction" and d.help == "write `up` or `down` after the trigger price"


def test_a_missing_trigger_price_is_one_error_not_also_a_missing_direction():
    diagnostics = lint_text("GTT BUY 10 TCS trigger down limit 3990 product CNC\n")
    assert [d.name for d in diagnostics] == ["syntax"]


def test_the_yaml_forms_say_the_same():
    d = first_error("orders:\n  - GTT BUY TCS trigger 3985 down limit 3990", name="t.yaml")
    assert (d.line, d.column, d.message) == (2, 13, "expected a quantity after `BUY`, before `TCS`")
    d = first_error("orders:\n  - {kind: GTT, side: BUY, qty: 10, symbol: TCS, trigger: down, limit: 3990}", name="t.yaml")
    assert (d.name, d.message) == ("syntax", "expected a price after `trigger`, not the keyword `down`")


def _words(line: str) -> list[str]:
    from ordspec.grammar.driver import tokens

    return [text for text, _ in tokens(line)]


def _deletions():
    for line in SPINE:
        for i in range(1, len(_words(line))):  # (without its first word a line is another statement)
            yield line, i


@pytest.mark.parametrize("line, i", list(_deletions()))
def test_deleting_any_word_is_reported_no_later_than_where_it_was(line, i):
    """Take one word out of a spine statement: the first error is at the gap or before it, never at a later word."""
    words = _words(line)
    text = " ".join(words[:i] + words[i + 1 :])
    d = first_error(text)
    if d is None:
        return  # still a statement (an option's value that was itself optional, such as a `limit` after `market`)
    gap = len(" ".join(words[:i])) + 2  # the column where the next word now starts
    assert d.column <= gap or (i == len(words) - 1 and d.column <= len(text) + 1), (text, str(d))
