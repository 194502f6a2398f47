"""A YAML order file is read as it is checked: each order is composed, walked into a statement and
dropped (grammar/yamlform.py stream()), wherever nothing written after `orders:` could change what
the orders mean (yamlcompose.settled()); else the document is composed whole, as parse() does. Either
way the diagnostics are the same."""

from __future__ import annotations

import gc
from contextlib import nullcontext
from unittest import mock

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ordspec.grammar import yamlform
from ordspec.grammar.yamlcompose import Node
from ordspec.ir import Statement
from ordspec.pipeline.run import Run
from tests.conftest import DOC_DAY, examples

ORDER = (
    "  - kind: GTT\n    side: BUY\n    qty: {qty}\n    symbol: TCS\n    trigger: 3985\n    direction: down\n"
    "    limit: 3990\n    product: CNC\n    ref: tcs-dip-{n:05d}\n"
)
GTT = "{kind: GTT, side: BUY, qty: 10, symbol: TCS, trigger: 3985, direction: down, limit: 3990}"  # no product


def orders(n: int) -> str:
    return "broker: groww\norders:\n" + "".join(ORDER.format(qty=1 + i % 90, n=i) for i in range(n))


def live(kind) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is kind)


def counted(text: str) -> tuple[list, Run]:
    """(Statements, Nodes) that the check of `text` keeps alive at its 1,000th and 2,000th statement."""
    run = Run(as_of=DOC_DAY)
    source = run.read("t.yaml", "t.yaml", text.encode())
    before = live(Statement), live(Node)  # (other tests may keep some)
    counts = [(live(Statement) - before[0], live(Node) - before[1])
              for i, _ in enumerate(run.checked(source)) if i in (1000, 2000)]
    run.finish()
    return counts, run


def test_lint_holds_one_order_at_a_time():
    counts, run = counted(orders(3000))
    assert run.statements == 3000 and not run.diagnostics
    assert len(counts) == 2
    for statements, nodes in counts:
        assert statements <= 2, counts  # the one being taken (and one in hand), not 1,000
        assert nodes <= 40, counts  # one order's nodes and the root's, not 30,000
    assert run.sources["t.yaml"]._lines is None  # nor a list of the file's lines (45 MiB for 100,000 orders)


def test_a_file_that_cannot_stream_is_composed_whole():
    # (so the count above counts something: an alias after `orders:` keeps the document whole)
    counts, run = counted(orders(3000) + "note: &a x\nmore: *a\n")
    assert [d.name for d in run.diagnostics] == ["syntax", "syntax"]  # the two unknown keys
    assert counts and min(nodes for _, nodes in counts) > 20_000, counts


KEYS = ["{key}", "'{key}'", '"{key}"', '"{escaped}"', "? {key}\n"]  # "\\x62" is b, "\\x64" d: an escape spells the key


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("broker, rule", [("groww", "unsupported"), ("smallcase", None)])
def test_a_broker_after_the_orders_applies_to_them(broker, rule, key):
    line = "  - SMALLCASE BUY SCET_0001\n"
    key = key.format(key="broker", escaped="\\x62roker")
    first = lint(f"broker: {broker}\norders:\n{line}")
    last = lint(f"orders:\n{line}{key}: {broker}\n")
    assert said(last) == said(first)
    assert [d[0] for d in last] == ([rule] if rule else []) + ["statement"]  # the broker decides the rules


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("product, rule", [("NRML", "unsupported"), ("MIS", None)])
def test_defaults_after_the_orders_apply_to_them(product, rule, key):
    key = key.format(key="defaults", escaped="\\x64efaults")
    first = lint(f"broker: groww\ndefaults: {{product: {product}}}\norders:\n  - {GTT}\n")
    last = lint(f"broker: groww\norders:\n  - {GTT}\n{key}:\n  product: {product}\n")
    assert said(last) == said(first)
    assert [d[0] for d in last] == ([rule] if rule else []) + ["statement"]


def lint(text: str, whole: bool = False) -> list:
    """(rule, line, column, message) of each diagnostic, then each statement; `whole`: as parse() reads the file."""
    run = Run(as_of=DOC_DAY)
    source = run.read("t.yaml", "t.yaml", text.encode())
    with mock.patch.object(yamlform, "stream", yamlform.parse) if whole else nullcontext():
        statements = [("statement", s.verb, s.kind.value, s.line) for s in run.checked(source)]
    return [(d.name, d.line, d.column, d.message) for d in run.finish()] + statements


def said(found: list) -> list:
    """What lint() found, wherever it stands: each rule and message, each statement's verb and kind."""
    return [d[:3] if d[0] == "statement" else (d[0], d[3]) for d in found]


def same_as_whole(text: str) -> list:
    got = lint(text)
    assert got == lint(text, whole=True), text
    return got


# -- moving the top keys around, with anchors and merges, changes nothing

TOP = {
    "broker": st.sampled_from(["broker: groww\n", "broker: smallcase\n", "broker: nobody\n", "broker: [groww]\n"]),
    "defaults": st.sampled_from(
        ["defaults: {product: MIS}\n", "defaults: &d {product: NRML}\n", "defaults:\n  product: CNC\n  exchange: NSE\n",
         "defaults: 5\n"]
    ),
    "other": st.sampled_from(
        ["note: hello\n", "orders: []\n", "<<: {broker: groww}\n", "Broker: groww\n",
         '"bro\\x6Bker": smallcase\n', '"de\\x66aults": {product: NRML}\n']  # (escapes spell the keys)
    ),
}
ITEMS = [
    "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC",
    "GTT BUY 10 TCS trigger 3985 down limit 3990",
    "SMALLCASE BUY SCET_0001",
    "GTT BUY TCS trigger 3985",
    GTT,
    "{kind: OCO, side: SELL, qty: 75, symbol: NIFTY25OCT24000CE, target: {trigger: 120.50, limit: 121}, sl: 95, product: MIS}",
    "kind: GTT\n    side: SELL\n    qty: 5\n    symbol: INFY\n    trigger: 1450\n    direction: up\n    market: true\n"
    "    prodct: CNC",
    "{kind: GTT, side: BUY, qty: 10, symbol: TCS, trigger: 3985, direction: down, limit: 3990, <<: *d}",
    "&g " + GTT,
    "{<<: *g, qty: 20}",
    "~",
    "[GTT, BUY]",
    "default product CNC",
]


@st.composite
def files(draw) -> str:
    items = draw(st.lists(st.sampled_from(ITEMS), min_size=0, max_size=6))
    if any("*d" in i for i in items) and not draw(st.booleans()):
        items = [i.replace(", <<: *d", "") for i in items]
    if any("*g" in i for i in items):
        items = ["&g " + GTT] + [i for i in items if not i.startswith("&g")]
    empty = draw(st.sampled_from(["orders:\n", "orders: []\n", ""]))
    body = "orders:\n" + "".join(f"  - {i}\n" for i in items) if items else empty
    top = [body] + [draw(strategy) for name, strategy in TOP.items() if draw(st.booleans())]
    if "*d" in body and not any(t.startswith("defaults: &d") for t in top):
        top.append("defaults: &d {product: NRML}\n")
    return "".join(draw(st.permutations(top)))


@settings(max_examples=examples(200), deadline=None)
@given(files())
def test_where_the_top_keys_stand_changes_nothing(text):
    same_as_whole(text)


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.sampled_from(ITEMS[:7]), min_size=1, max_size=5), st.sampled_from(["groww", "smallcase"]))
def test_a_root_list_of_orders_reads_as_whole(items, broker):
    same_as_whole("".join(f"- {i}\n" for i in items))
    same_as_whole(f"broker: {broker}\norders: [{', '.join(i for i in items if chr(10) not in i)}]\n")


# -- what follows the first order cannot refuse the file halfway: such a file is composed whole

DEEP = "[" * 34 + "]" * 34  # with the root and `orders`, 36 levels: fine
LATER = {  # what follows an order, and whether the file is refused for it
    "syntax": ("  - {kind: GTT\n  - x\n", True),
    "tag": ("  - !custom GTT BUY 10 TCS trigger 3985 down limit 3990\n", True),
    "second document": ("---\n- x\n", True),
    "alias without anchor": ("  - *nowhere\n", True),
    "flow nesting": ("  - " + "[" * 70 + "]" * 70 + "\n", True),
    "flow maps": ("  - " + "{a: " * 70 + "x" + "}" * 70 + "\n", True),
    "single pairs": ("  - " + "[a: " * 35 + "x" + "]" * 35 + "\n", True),
    "block on one line": ("  - " + "- " * 70 + "x\n", True),
    "block lines": ("".join("  " + "  " * i + "-\n" for i in range(70)) + "  " * 71 + " x\n", True),
    "maps in lists": ("".join("  " * i + "  - a:\n" for i in range(70)) + "  " * 72 + "x\n", True),
    "libyaml's own limit": ("  - " + "[" * 1100 + "]" * 1100 + "\n", True),
    "a quoted bracket": ("  - " + "[" * 34 + '"]",\n    ' + "[" * 40 + "]" * 74 + "\n", True),
    "a commented bracket": ("  - " + "[" * 34 + " # ]\n    " + "[" * 40 + "]" * 74 + "\n", True),
    "not printable": ("  - GTT BUY 10 TCS trigger 3985 down limit 3990 notes \ufffe\n", True),
    "deep but allowed": ("  - " + DEEP + "\n", False),
    "deep over lines": ("  - " + DEEP[:34] + "\n    " + DEEP[34:] + "\n", False),
}


@pytest.mark.parametrize("later, refused", list(LATER.values()), ids=list(LATER))
def test_what_follows_the_first_order_is_read_as_whole(later, refused):
    # the first order has a diagnostic of its own; in a file refused, the refusal is all there is
    text = f"broker: groww\norders:\n  - {GTT}\n{later}"
    got = same_as_whole(text)
    assert ("missing-field" in [d[0] for d in got]) is not refused, got
    assert not streams(text)


def streams(text: str) -> bool:
    """Whether stream() hands the orders of `text` over as they are read."""
    from ordspec.grammar.yamlcompose import Composer, Unsafe, settled

    composer = Composer(text, hand_over=lambda at: settled(text, at, yamlform._EVERY_ORDER))
    try:
        for _ in composer.items():
            pass
    except (Unsafe, yaml.YAMLError):
        pass  # (refused before any order was handed over)
    return composer.streamed is not None


@pytest.mark.parametrize(
    "text",
    [
        orders(3),
        "- GTT BUY 10 TCS trigger 3985 down limit 3990\n- SMALLCASE BUY SCET_0001\n",
        f"broker: groww\ndefaults: {{product: CNC}}\norders: [{GTT}, {GTT}]\n",
        f"defaults: &d {{product: CNC}}\norders:\n- {{<<: {GTT}}}\n- {{kind: SIP, scrips: [{{qty: 1, symbol: TCS}}]}}\nnote: x\n",
        f"broker: groww\r\norders:\r\n  - {GTT}\r\n  - " + "[" * 4 + "]" * 4 + "\r\n",
        f"orders:\n  - {GTT}\n  - notes: \"it's [a, b]\" # [c]\n",  # (brackets that open no flow collection)
        f"orders:\n  - {GTT}\n<<: {{note: x, orders: [x]}}\n",
    ],
)
def test_a_plain_file_is_streamed(text):
    assert streams(text)
    same_as_whole(text)
