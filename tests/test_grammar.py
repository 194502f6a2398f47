"""The grammar, its committed LALR tables, and the driver that runs them instead of Lark.

The driver must read every line exactly as Lark reads it with the same
grammar; the one documented difference is that words are whole (Lark reads
`sl95` as `sl` then `95`; the driver refuses the word `sl95`).
"""

from __future__ import annotations

import re

import lark
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ordspec.grammar import build, driver
from tests.conftest import DATA, examples

GRAMMAR = build.GRAMMAR.read_text(encoding="utf-8")
LARK = lark.Lark(GRAMMAR, parser="lalr", lexer="contextual", start=["start", "statement"])


def lark_shape(tree):
    if isinstance(tree, lark.Token):
        return (tree.type, str(tree), tree.column, tree.end_column)
    return (str(tree.data), [lark_shape(c) for c in tree.children])


def driver_shape(node):
    if isinstance(node, driver.Token):
        return (node.type, node.value, node.column, node.end_column)
    return (node.rule, [driver_shape(c) for c in node.children])


def keywords() -> set[str]:
    return {w for words in driver.tables().keyword_names.values() for w in words}


def test_committed_tables_are_current():
    assert build.main(["--check"]) == 0, "run: python -m ordspec.grammar.build"


def test_tables_do_not_depend_on_hash_order():
    # the committed tables were built in another process, with another hash seed
    data = build.build(GRAMMAR)
    assert build.same_tables(build.committed(), data)
    assert build.dumps(build.committed()) == build.TABLES.read_text(encoding="utf-8")
    assert data["grammar"] == GRAMMAR


def test_build_refuses_a_grammar_that_mixes_keywords_and_free_words():
    mixed = GRAMMAR.replace("smallcase: SMALLCASE SC_ORDER SCID clause*", "smallcase: SMALLCASE SC_ORDER SCID? clause*")
    with pytest.raises(build.GrammarError, match="accepts keywords"):
        build.build(mixed)


def test_stale_tables_are_rebuilt_not_trusted(monkeypatch):
    # If the committed tables ever disagree with the grammar, the driver builds afresh with Lark.
    from ordspec.grammar import tables as committed

    stale = {**committed.DATA, "grammar": "stale", "states": []}
    monkeypatch.setattr(committed, "DATA", stale)
    monkeypatch.setattr(driver, "_tables", None)
    tree = driver.parse_line("GTT BUY 10 TCS trigger 3985 down limit 3990")
    monkeypatch.setattr(driver, "_tables", None)
    assert tree.rule == "create"


@pytest.mark.parametrize("line", [l for l in (DATA / "spine.ord").read_text().splitlines() if l.strip()])
def test_every_spine_statement_parses_as_lark_parses_it(line):
    expected = lark_shape(LARK.parse(line, start="statement"))
    assert driver_shape(driver.parse_line(line)) == expected


# -- generated lines

_FREE = ["TCS", "RELIANCE", "NIFTY25OCT24000CE", "TCS-EQ", "120.5", "95", "3985", "75", "0", "-5", "3.9e3",
         "gtt_91a7f4", "oco_a12bc3", "DRV-123", "25042400000049", "SCET_0010", "CNC", "MIS", "FNO", "NSE",
         "DAY", "ACTIVE", "2025-06-19", "2025-01-16T09:15:00", "x", "é", "1,000", "groww"]
_KEYWORDS = sorted(keywords())


def _case(word: str, flip: list[bool]) -> str:
    return "".join(c.upper() if f else c for c, f in zip(word, flip + [False] * len(word)))


words = st.one_of(
    st.sampled_from(_KEYWORDS).flatmap(lambda w: st.lists(st.booleans(), min_size=len(w), max_size=len(w)).map(lambda f: _case(w, f))),
    st.sampled_from(_FREE),
    st.sampled_from(['"first buy"', '"a \\" quote"', '"', '"unterminated']),
)
gaps = st.sampled_from([" ", "  ", "\t", " \t "])


@st.composite
def lines(draw):
    head = draw(
        st.sampled_from(
            [
                ["GTT", "BUY", "10", "TCS"],
                ["oco", "sell", "75", "NIFTY25OCT24000CE"],
                ["BRACKET", "BUY", "75", "NIFTY25OCT24000CE"],
                ["SIP", "BUY", "1", "TCS-EQ"],
                ["SMALLCASE", "BUY", "SCET_0010"],
                ["SMALLCASE", "SIP_SETUP"],
                ["SMALLCASE", "EXIT", "iscid"],
                ["MODIFY", "OCO", "oco_a12bc3"],
                ["CANCEL", "GTT", "gtt_91a7f4"],
                ["LIST", "OCO"],
                ["default", "product"],
                ["broker"],
                [],
            ]
        )
    )
    body = draw(st.lists(words, max_size=12))
    parts = head + body
    text = "".join(draw(gaps) + p for p in parts)
    if draw(st.booleans()):
        text += draw(gaps) + "# a comment " + draw(st.sampled_from(_KEYWORDS))
    return text


def lark_result(line: str):
    try:
        return lark_shape(LARK.parse(line, start="statement"))
    except lark.exceptions.LarkError:
        return None


def driver_result(line: str):
    """The driver's tree, parsed twice: the second time from the plan the first left (both must agree)."""
    results = []
    for _ in range(2):
        try:
            node = driver.parse_line(line)
        except driver.ParseError:
            results.append(None)
            continue
        results.append(driver_shape(node) if node is not None else "blank")
    assert results[0] == results[1], f"a remembered parse differs from the first: {line!r}"
    return results[0]


@settings(max_examples=examples(1500), suppress_health_check=[HealthCheck.too_slow])
@given(lines())
@example("SMALLCASE SIP_SETUP iscid 5f58be2e0ae6815aef0d1118")
@example("SMALLCASE EXIT iscid 5f58be2e0ae6815aef0d1118 notes \"x\"")
@example("SMALLCASE EXIT iscidx 5f58be2e0ae6815aef0d1118")
@example("GTT BUY 10 TCS trigger 3985 down limit 3990 # limit 4000")
def test_driver_reads_what_lark_reads(line):
    mine, theirs = driver_result(line), lark_result(line)
    if mine == "blank":  # a line with nothing but blanks and a comment
        assert not line.split("#")[0].strip()
        return
    if mine is not None:
        assert mine == theirs
    elif theirs is not None:
        # Lark accepted a line the driver refused: only because Lark split a
        # word after a keyword prefix ("sl95" as "sl" "95"). Nothing else.
        assert any(
            w.lower() != k and w.lower().startswith(k) for w in line.split() for k in keywords()
        ), f"the driver refused a line Lark reads the same way: {line!r}"


def test_words_are_whole():
    with pytest.raises(driver.ParseError) as e:
        driver.parse_line("OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl95")
    assert e.value.token.value == "sl95"


def test_keywords_are_case_insensitive_and_values_keep_case():
    node = driver.parse_line("gTt bUy 10 tcs TRIGGER 3985 Down LIMIT 3990 PRODUCT cnc")
    shape = driver_shape(node)
    assert shape[1][0][:2] == ("KIND", "gTt")
    assert shape[1][3][:2] == ("SYMBOL", "tcs")


def test_errors_say_what_was_expected():
    with pytest.raises(driver.ParseError) as e:
        driver.parse_line("OCO SELL 50 NIFTY target")
    assert e.value.token.type == "$END"
    assert e.value.expected == ["PRICE"]
    assert e.value.previous.value == "target"


# -- remembered parses: a line's tree depends only on its signature (each word a keyword, a free word or a string)

_NOT_KEYWORDS = [w for w in _FREE if w.lower() not in keywords()]


@st.composite
def same_signature(draw):
    """Two lines with the same words where they are keywords, other free words and strings elsewhere, other blanks."""
    line = draw(lines())
    parts = line.split("#")[0].split()
    if any(p.startswith('"') for p in parts):  # strings hold blanks: keep such lines as they are
        return line, line
    other = [p if p.lower() in keywords() else draw(st.sampled_from(_NOT_KEYWORDS)) for p in parts]
    return line, "".join(draw(gaps) + p for p in other)


@settings(max_examples=800, suppress_health_check=[HealthCheck.too_slow])
@given(same_signature())
@example(("GTT BUY 10 TCS trigger 3985 down limit 3990", "  GTT BUY 75 NIFTY25OCT24000CE\ttrigger 120.5 down limit x"))
def test_a_remembered_parse_reads_a_new_line_as_lark_does(pair):
    first, second = pair
    driver_result(first)  # leaves a plan for the signature
    mine, theirs = driver_result(second), lark_result(second)
    if mine not in (None, "blank"):
        assert mine == theirs


def test_remembered_parses_are_bounded(monkeypatch):
    t = driver.tables()
    monkeypatch.setattr(driver, "MAX_PLANS", 3)
    t.plans.clear()
    for line in ["GTT BUY 1 TCS", "GTT BUY 1 TCS market", "GTT BUY 1 TCS up", "GTT BUY 1 TCS down", "GTT BUY 1 TCS product CNC"]:
        driver.parse_line(line)
        assert len(t.plans) <= 3
    assert driver_shape(driver.parse_line("GTT BUY 1 TCS down")) == lark_shape(LARK.parse("GTT BUY 1 TCS down", start="statement"))
    t.plans.clear()


def test_a_line_that_fails_leaves_no_plan():
    t = driver.tables()
    t.plans.clear()
    for _ in range(2):
        with pytest.raises(driver.ParseError) as e:
            driver.parse_line("OCO SELL 50 NIFTY target")
        assert e.value.expected == ["PRICE"]
    assert t.plans == {}


# -- the build refuses what the driver would shape unlike Lark


@pytest.mark.parametrize(
    "written, found, why",
    [
        ("broker: BROKER NAME", "broker: BROKER NAME -> named", "an alias"),
        ("broker: BROKER NAME", "broker: BROKER [NAME]", r"\[\.\.\.\] puts None"),
        ("broker: BROKER NAME", "!broker: BROKER NAME", "keeps the tokens"),
        ("broker: BROKER NAME", 'broker: "broker"i NAME', "anonymous literal"),
        ("broker: BROKER NAME", "broker: BROKER pair{NAME}\npair{x}: x", "template"),
    ],
    ids=["alias", "optional-brackets", "keep-all-tokens", "anonymous-literal", "template"],
)
def test_build_refuses_what_the_driver_would_shape_unlike_lark(written, found, why):
    grammar = GRAMMAR.replace(written, found)
    assert grammar != GRAMMAR
    with pytest.raises(build.GrammarError, match=why):
        build.build(grammar)


def test_the_optional_the_driver_shapes_like_lark_builds():
    # `x?` has no placeholder: the same grammar with it builds, and the driver reads it as Lark does
    grammar = GRAMMAR.replace("broker: BROKER NAME", "broker: BROKER NAME?")
    data = build.build(grammar)
    assert data["grammar"] == grammar


# -- the tables record their Lark and are checked at load


def test_tables_record_the_lark_that_built_them():
    from ordspec.grammar.tables import DATA

    assert build.build(GRAMMAR)["lark"] == lark.__version__
    assert DATA["lark"].split(".")[0] == lark.__version__.split(".")[0]
    # another Lark that builds the same tables leaves them current; other tables are stale
    assert build.same_tables({**DATA, "lark": "0.0.1"}, build.build(GRAMMAR))


def test_check_tells_stale_tables_from_another_larks(monkeypatch, capsys):
    from ordspec.grammar.tables import DATA

    monkeypatch.setattr(build, "committed", lambda: {**DATA, "lark": "0.0.1"})
    assert build.main(["--check"]) == 0
    monkeypatch.setattr(build, "committed", lambda: {**DATA, "states": DATA["states"][:-1]})
    assert build.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err


@pytest.mark.parametrize(
    "change, why",
    [
        ({"format": 1}, "format 1"),
        ({"lark": None, "extra": 1}, "keys"),
        ({"rules": [["create", 4, "flat"]]}, "not \\[origin, size, shape\\]"),
        ({"states": [{"KIND": 10**6}]}, "points at no state"),
        ({"keywords": {"KIND": "gtt"}}, "keywords"),
    ],
    ids=["format", "keys", "rule-shape", "action", "keywords"],
)
def test_tables_in_another_layout_are_refused(change, why):
    from ordspec.grammar import layout
    from ordspec.grammar.tables import DATA

    assert layout.problem(DATA) is None
    broken = {k: v for k, v in {**DATA, **change}.items() if v is not None}
    assert re.search(why, layout.problem(broken))


def test_tables_in_another_format_are_rebuilt_not_trusted(monkeypatch):
    from ordspec.grammar import tables as committed

    monkeypatch.setattr(committed, "DATA", {**committed.DATA, "format": 1, "states": []})
    monkeypatch.setattr(driver, "_tables", None)
    tree = driver.parse_line("GTT BUY 10 TCS trigger 3985 down limit 3990")
    monkeypatch.setattr(driver, "_tables", None)
    assert tree.rule == "create"


def test_words_split_on_every_blank_the_word_pattern_knows():
    # tokens() splits a line of plain words with str.split: the same blanks as the pattern's \s
    blanks = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    for blank in blanks:
        line = f"GTT{blank}BUY 10{blank}{blank}TCS{blank}"
        by_pattern = [(m.group(), m.start()) for m in re.finditer(driver.TOKEN, line)]
        assert driver.tokens(line) == by_pattern, repr(blank)
