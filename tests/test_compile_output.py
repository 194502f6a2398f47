"""What compile writes: json's own text with exact Decimal numbers, derived ids that never change, the schema check."""

from __future__ import annotations

import enum
import json
from base64 import b32encode
from collections import OrderedDict
from datetime import date
from decimal import Decimal
from hashlib import sha256

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordspec.compiler.jsonout import dumps
from ordspec.compiler.refs import derive, identity
from ordspec.pipeline.run import Run
from tests.conftest import compile_text

# -- the JSON writer

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(),  # any character: quotes, backslashes, controls, line separators, astral planes
    st.decimals(allow_nan=False, allow_infinity=False, places=None),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=30)


def by_json(value, indent) -> str:
    """What json.dumps writes, with each Decimal put in as its exact digits."""
    decimals: list[Decimal] = []

    def mark(v):
        if isinstance(v, Decimal):
            decimals.append(v)
            return f"\x00{len(decimals) - 1}\x00"
        if isinstance(v, dict):
            return {k: mark(x) for k, x in v.items()}
        if isinstance(v, list):
            return [mark(x) for x in v]
        return v

    text = json.dumps(mark(value), indent=indent, ensure_ascii=False)
    for i, d in enumerate(decimals):
        text = text.replace(json.dumps(f"\x00{i}\x00"), format(d, "f"))
    return text


@settings(max_examples=400)
@given(values, st.sampled_from([None, 2, 4]))
def test_writes_what_json_writes_with_exact_decimals(value, indent):
    assert dumps(value, indent=indent) == by_json(value, indent)


def test_decimals_keep_their_digits():
    assert dumps({"price": Decimal("0.35"), "qty": Decimal("1E+2"), "t": Decimal("3985.00")}, indent=None) == (
        '{"price": 0.35, "qty": 100, "t": 3985.00}'
    )
    with pytest.raises(ValueError):
        dumps([Decimal("NaN")])


def test_subclasses_write_as_their_base_type():
    class Side(str, enum.Enum):
        BUY = "BUY"

    class Qty(enum.IntEnum):
        ONE = 1

    value = OrderedDict([("side", Side.BUY), ("qty", Qty.ONE), ("legs", ("a", "b"))])
    assert dumps(value, indent=None) == '{"side": "BUY", "qty": 1, "legs": ["a", "b"]}'
    with pytest.raises(TypeError):
        dumps({"x": 1.5})


# -- derived reference ids: journals hold them, so the same order must always derive the same id

# ids that ordspec has derived, and that journals may hold: they must never change
PINNED = [
    ("groww", "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC", "os-f2wqohpa26qs3jt7"),
    ("groww", "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC", "os-l3pi45pt6uutdgot"),  # the second in the file
    ("groww", "OCO SELL 75 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 product MIS", "os-futm6q66bwcng5lh"),
    ("groww", "MODIFY GTT gtt_91a7f4 segment CASH qty 12 trigger 3980 down limit 3985 side BUY", "os-tcvjz2nt6d2krpax"),
    ("codifi", "SIP BUY 1 TCS-EQ daily start 2025-06-19 installments 1 name AD product CNC token 11536 registered 2025-05-19", "os-4v7za6at2oioujlg"),
    ("smallcase", 'SMALLCASE BUY SCET_0010 notes "first buy é"', "os-kffkrlriqn5hanv4"),
]


def test_derived_ids_do_not_change():
    for broker in ("groww", "codifi", "smallcase"):
        rows = [(line, key) for b, line, key in PINNED if b == broker]
        run = Run(broker=broker, derive_keys=True, as_of=date(2025, 10, 1))
        source = run.read("t.ord", "t.ord", "".join(line + "\n" for line, _ in rows).encode())
        assert [s.key for s in run.check(source)] == [key for _, key in rows]


@given(st.text(), st.integers(min_value=0, max_value=10**6))
def test_an_id_is_the_first_sixteen_base32_letters_of_the_sha256(text, occurrence):
    whole = b32encode(sha256(f"{text}#{occurrence}".encode()).digest()).decode("ascii")
    assert derive(text, occurrence) == "os-" + whole[:16].lower()


def test_identity_is_sorted_compact_ascii_json():
    run = Run(broker="smallcase", derive_keys=True, as_of=date(2025, 10, 1))
    (stmt,) = run.check(run.read("t.ord", "t.ord", 'SMALLCASE BUY SCET_0010 notes "é"\n'.encode()))
    assert identity(stmt) == (
        'ordspec-ref-v1{"amount":null,"frequency":null,"id":null,"kind":"SMALLCASE","legs":[null,null,null],'
        '"options":[["notes","\\u00e9"]],"position":null,"qty":null,"sc":["BUY","SCET_0010"],"scrips":[],'
        '"segment":null,"side":null,"symbol":null,"verb":"CREATE"}'
    )


def test_the_schema_check_passes_a_request_and_names_what_fails():
    from ordspec.pipeline.compile import schema_errors

    requests, _ = compile_text("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n")
    (request,) = requests
    assert schema_errors(request) == []
    request.body = {**request.body, "reference_id": "os-a-b-c-defghij"}  # three hyphens: the pattern's lookahead
    assert schema_errors(request) == ["data.reference_id must match pattern ^(?!(.*-){3})[A-Za-z0-9-]{8,20}$"]
    request.body = {**request.body, "reference_id": "os-abcdefghij", "order": {**request.body["order"], "price": 3990}}
    assert schema_errors(request) and "price" in schema_errors(request)[0]
