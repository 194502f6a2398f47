"""The Groww back end against the request examples of groww-smart-orders-rest.txt."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from jsonschema import Draft7Validator

from ordspec.pipeline.compile import schema, validator
from ordspec.compiler import get
from tests import reference_docs
from tests.conftest import compile_text, lint_text, names

GOLDEN = Path(__file__).parent / "golden" / "groww"
GOLDENS = sorted(GOLDEN.glob("*.json"))
DOC = reference_docs.text("groww-smart-orders-rest.txt")
needs_doc = pytest.mark.skipif(DOC is None, reason="../shared/reference is not here")


def key_order(value):
    """The keys of every object, in order, so that equal bodies must also be written alike."""
    if isinstance(value, dict):
        return [(k, key_order(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [key_order(v) for v in value]
    return None


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: p.stem)
def test_compiles_to_the_documented_request(path):
    golden = json.loads(path.read_text())
    requests, diagnostics = compile_text(golden["dsl"])
    assert requests is not None, [str(d) for d in diagnostics]
    [request] = [r.as_dict() for r in requests]
    body = json.loads(json.dumps(request["body"]))
    assert (request["method"], request["path"], request["query"]) == (golden["method"], golden["path"], golden["query"])
    assert body == golden["body"]
    assert key_order(body) == key_order(golden["body"])


@needs_doc
@pytest.mark.parametrize("path", [p for p in GOLDENS if "doc" in json.loads(p.read_text())], ids=lambda p: p.stem)
def test_goldens_are_the_documents_bodies(path):
    golden = json.loads(path.read_text())
    _, marker, nth = golden["doc"]
    documented = json.loads(json.dumps(reference_docs.json_after(DOC, marker, nth), default=str))
    if path.stem == "create-oco":
        assert documented["quantity"] == documented["net_position_quantity"] == 50
        documented["quantity"] = documented["net_position_quantity"] = 75
    assert golden["body"] == documented
    assert key_order(golden["body"]) == key_order(documented)


@needs_doc
@pytest.mark.parametrize("stem", ["cancel", "get", "list"])
def test_paths_and_queries_are_the_documents_urls(stem):
    golden = json.loads((GOLDEN / f"{stem}.json").read_text())
    base = get("groww").setting("base_url")
    query = urlencode(golden["query"], quote_via=lambda s, *a: quote(s, safe=":"))
    url = base + golden["path"] + (f"?{query}" if query else "")
    assert url in re.findall(r"https://api\.groww\.in[^\s'\\]+", DOC)


def test_the_documents_own_oco_example_fails_lot_size_and_nothing_else():
    oco = "OCO SELL 50 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 position 50 product MIS segment FNO ref sref-unique-456"
    diagnostics = lint_text(oco, broker="groww")
    assert names(diagnostics) == ["lot-size"]
    assert (diagnostics[0].line, diagnostics[0].column) == (1, 10)
    assert "75" in diagnostics[0].message
    requests, _ = compile_text(oco)
    assert requests is None


def test_compile_is_all_or_nothing():
    good = "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n"
    bad = "GTT BUY 10 TCS trigger 3985.03 down limit 3990 product CNC\n"
    requests, diagnostics = compile_text(good + bad + good)
    assert requests is None
    assert names(diagnostics) == ["tick-size"]


class TestDerivedReferenceIds:
    line = "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC"

    def ref(self, text: str, n: int = 0) -> str:
        requests, diagnostics = compile_text(text)
        assert requests is not None, [str(d) for d in diagnostics]
        return [r.body["reference_id"] for r in requests if r.body and "reference_id" in r.body][n]

    def test_deterministic_and_valid_for_groww(self):
        first = self.ref(self.line)
        assert first == self.ref(self.line)
        assert re.fullmatch(r"[A-Za-z0-9-]{8,20}", first) and first.count("-") <= 2

    def test_identical_orders_in_one_file_get_distinct_ids(self):
        text = f"{self.line}\n{self.line}\n"
        assert self.ref(text, 0) != self.ref(text, 1)
        assert self.ref(text, 0) == self.ref(self.line)  # the first keeps its id

    def test_layout_case_and_defaults_do_not_change_the_id(self):
        moved = "default product CNC\n\n# a comment\ngtt buy 10 TCS   trigger 3985.00 DOWN limit 3990.0 exchange nse\n"
        assert self.ref(moved) == self.ref(self.line)

    def test_what_the_order_is_does_change_it(self):
        assert self.ref(self.line.replace("3990", "3995")) != self.ref(self.line)
        assert self.ref(self.line.replace("BUY 10", "BUY 11")) != self.ref(self.line)

    def test_an_explicit_ref_wins(self):
        assert self.ref(self.line + " ref my-own-ref1") == "my-own-ref1"


class TestSchemas:
    """The payload schemas are strict: they catch what a back-end bug would produce."""

    body = json.loads((GOLDEN / "create-gtt.json").read_text())["body"]

    def errors(self, body):
        return list(Draft7Validator(schema("groww/create-gtt.schema.json")).iter_errors(body))

    def test_the_documented_body_is_valid(self):
        assert not self.errors(self.body)
        validator("groww/create-gtt.schema.json")(self.body)  # the compile-time check agrees

    @pytest.mark.parametrize(
        "change",
        [
            {"trigger_price": "3985.0"},
            {"trigger_price": 3985},
            {"quantity": 0},
            {"reference_id": "short"},
            {"reference_id": "a-b-c-d-efghij"},
            {"duration": "GTC"},
            {"order": {"order_type": "LIMIT", "price": None, "transaction_type": "BUY"}},
            {"order": {"order_type": "MARKET", "price": "3990.00", "transaction_type": "BUY"}},
            {"extra": 1},
        ],
    )
    def test_a_wrong_body_is_caught(self, change):
        import fastjsonschema

        body = {**self.body, **change}
        assert self.errors(body)
        with pytest.raises(fastjsonschema.JsonSchemaException):
            validator("groww/create-gtt.schema.json")(body)


class TestOcoSchema:
    """The OCO schema's conditions, written without `not` and `oneOf` (which cost the compile-time
    check an exception on every valid body): each still refuses what it refused, and takes what it took."""

    body = json.loads((GOLDEN / "create-oco.json").read_text())["body"]
    name = "groww/create-oco.schema.json"

    def verdicts(self, change: dict) -> tuple[bool, bool]:
        import fastjsonschema

        body = {**self.body, **change}
        try:
            validator(self.name)(body)
            fast = True
        except fastjsonschema.JsonSchemaException:
            fast = False
        return fast, Draft7Validator(schema(self.name)).is_valid(body)

    @pytest.mark.parametrize(
        "change",
        [
            {"reference_id": "a-b-c-defgh"},  # a third hyphen
            {"reference_id": "ab---defgh"},
            {"reference_id": "abcdefg"},
            {"reference_id": "a" * 21},
            {"net_position_quantity": 0},
            {"net_position_quantity": "75"},
            {"target": {"trigger_price": "120.50", "order_type": "LIMIT", "price": None}},
            {"target": {"trigger_price": "120.50", "order_type": "MARKET", "price": "121.00"}},
            {"target": {"trigger_price": "120.50", "order_type": "LIMIT", "price": "121.0"}},
            {"stop_loss": {"trigger_price": "95.00", "order_type": "SL", "price": None}},
            {"stop_loss": {"trigger_price": "95.00", "order_type": "SL_M", "price": "94.00"}},
            {"stop_loss": {"trigger_price": "95.00", "order_type": "SL_M"}},
            {"segment": "CASH", "product_type": "NRML"},  # a CASH OCO is MIS only
        ],
    )
    def test_a_wrong_body_is_caught_by_both_validators(self, change):
        assert self.verdicts(change) == (False, False)

    @pytest.mark.parametrize(
        "change",
        [
            {},
            {"reference_id": "a-b-cdefgh"},
            {"reference_id": "a" * 20},
            {"net_position_quantity": -75, "transaction_type": "BUY"},
            {"target": {"trigger_price": "120.50", "order_type": "MARKET", "price": None}},
            {"stop_loss": {"trigger_price": "95.00", "order_type": "SL", "price": "94.00"}},
            {"segment": "CASH", "product_type": "MIS"},
            {"product_type": "NRML"},
        ],
    )
    def test_a_right_body_passes_both_validators(self, change):
        assert self.verdicts(change) == (True, True)


def test_prices_are_never_rounded():
    from ordspec.compiler.request import fixed

    assert fixed(Decimal("3985"), 2) == "3985.00"
    assert fixed(Decimal("120.5"), 2) == "120.50"
    with pytest.raises(ValueError):
        fixed(Decimal("120.505"), 2)
