"""The INDstocks, Codifi and smallcase back ends against the request examples of their documents.

Every request example of indstocks-smart-orders.txt, codifi-sip-orders.txt and
smallcase-gateway-transactions.txt is a golden file under tests/golden/<broker>/:
the DSL statement (with the --state order book, --instruments master, --gateway
or --as-of it needs), the method, path and body, and where the document has it.
A golden must compile to exactly its request (body equal, same key order, and
INDstocks' JSON numbers equal as exact decimals written as the file writes
them), and, where ../shared/reference is present, be the document's example.

Where the documents disagree with themselves, the test says which way ordspec
goes (the INDstocks LIMIT example breaks MinTgtLimitPrice: ordspec enforces the
rule). Tests marked xfail(strict=True, reason="BUG: ...") state the documented
behaviour that ordspec does not have yet.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import fastjsonschema
import pytest
from jsonschema import Draft7Validator

from ordspec.pipeline.compile import SCHEMAS, compile_sources, schema, validator
from ordspec.compiler import get, jsonout
from ordspec.pipeline import UsageError
from ordspec.pipeline.run import Run
from tests import reference_docs
from tests.conftest import DOC_DAY, compile_text, lint_text, names, run_cli

GOLDEN = Path(__file__).parent / "golden"
BROKERS = ("indstocks", "codifi", "smallcase")
DOC_NAMES = {
    "indstocks": "indstocks-smart-orders.txt",
    "codifi": "codifi-sip-orders.txt",
    "smallcase": "smallcase-gateway-transactions.txt",
}
DOCS = {broker: reference_docs.text(name) for broker, name in DOC_NAMES.items()}
needs_doc = pytest.mark.skipif(any(d is None for d in DOCS.values()), reason="../shared/reference is not here")

GOLDENS = sorted(p for b in BROKERS for p in (GOLDEN / b).glob("*.json"))
IND = GOLDEN / "indstocks"
COD = GOLDEN / "codifi"
MASTER = IND / "instruments.csv"
BOOK = COD / "state" / "orderbook-doc.json"  # the document's own SIP order book, verbatim
PAUSED = COD / "state" / "orderbook-paused.json"  # the same, with SIP ...049 paused
SIP_DAY = date(2025, 5, 19)  # the registration day of the document's execute example


def gid(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def load(path: Path):
    """A JSON file with its numbers as exact values (0.35 stays Decimal('0.35'), 1520.00 keeps its places)."""
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def exact(value):
    """The value with key order and the written form of each number: equal only if written alike."""
    if isinstance(value, dict):
        return [(k, exact(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [exact(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    return (type(value).__name__, str(value))


def written(body):
    """(text, value): the body as ordspec writes it, and read back with exact numbers."""
    text = jsonout.dumps(body)
    return text, json.loads(text, parse_float=Decimal)


def run_for(broker, *, as_of=DOC_DAY, state=None, gateway=None, instruments=None, quotes=None) -> Run:
    return Run(
        broker=broker,
        as_of=as_of,
        state=str(state) if state else None,
        gateway=gateway,
        instruments=str(instruments) if instruments else None,
        quotes=str(quotes) if quotes else None,
        derive_keys=True,
    )


def compile_with(text: str, broker: str, **options):
    """(requests or None, diagnostics), with --state, --gateway, --instruments, --quotes as compile takes them."""
    run = run_for(broker, **options)
    source = run.read("t.ord", "t.ord", text.encode())
    requests = compile_sources(run, [(source, None)] if source else [])
    return requests, run.diagnostics


def lint_with(text: str, broker: str, **options):
    run = run_for(broker, **options)
    source = run.read("t.ord", "t.ord", text.encode())
    run.check(source)
    return run.finish()


def compile_golden(golden: dict, folder: Path):
    options = {"as_of": date.fromisoformat(golden.get("as_of", DOC_DAY.isoformat()))}
    for key in ("state", "instruments"):
        if key in golden:
            options[key] = folder / golden[key]
    if "gateway" in golden:
        options["gateway"] = golden["gateway"]
    return compile_with(golden["dsl"], golden["broker"], **options)


def one(text: str, broker: str, **options):
    """The one request `text` compiles to, as (request, body read back exactly)."""
    requests, diagnostics = compile_with(text, broker, **options)
    assert requests is not None, [str(d) for d in diagnostics]
    [request] = requests
    return request, written(request.body)[1]


def schema_errors(name: str, body) -> list:
    return [e.message for e in Draft7Validator(schema(name)).iter_errors(body)]


def documented(golden: dict):
    doc_name, marker, nth = golden["doc"]
    return reference_docs.json_after(reference_docs.text(doc_name), marker, nth)


# ---------------------------------------------------------------- goldens


def test_every_broker_has_its_goldens():
    stems = {b: sorted(p.stem for p in (GOLDEN / b).glob("*.json")) for b in BROKERS}
    assert stems["indstocks"] == [
        "cancel",
        "modify-limit",
        "modify-trigger",
        "place-limit-derivative",
        "place-trigger-limit-derivative",
        "place-trigger-limit-derivative-from-master",
        "place-trigger-market-equity",
    ]
    assert {"execute", "modify", "pause", "resume", "cancel", "list"} <= set(stems["codifi"])
    assert stems["smallcase"] == ["buy", "exit-iscid", "investmore", "sip-setup"]


@pytest.mark.parametrize("path", GOLDENS, ids=gid)
def test_compiles_to_the_documented_request(path):
    golden = load(path)
    requests, diagnostics = compile_golden(golden, path.parent)
    assert requests is not None, [str(d) for d in diagnostics]
    assert names(diagnostics) == golden["diagnostics"]
    [request] = requests
    as_dict = request.as_dict()
    assert as_dict["broker"] == golden["broker"]
    assert (as_dict["method"], as_dict["path"], as_dict["query"]) == (golden["method"], golden["path"], golden["query"])
    assert request.schema == golden["schema"]
    text, body = written(request.body)
    assert body == golden["body"]
    assert exact(body) == exact(golden["body"])  # same key order, numbers written as the golden writes them


@pytest.mark.parametrize("path", GOLDENS, ids=gid)
def test_compiled_body_satisfies_its_schema(path):
    """Checked with jsonschema, independently of the fastjsonschema check compile makes."""
    golden = load(path)
    requests, _ = compile_golden(golden, path.parent)
    [request] = requests
    if golden["schema"] is None:
        assert request.body is None
        return
    Draft7Validator.check_schema(schema(golden["schema"]))
    text, exact_body = written(request.body)
    assert schema_errors(golden["schema"], exact_body) == []
    assert schema_errors(golden["schema"], json.loads(text)) == []  # as a broker would read it: floats


@needs_doc
@pytest.mark.parametrize("path", [p for p in GOLDENS if "doc" in load(p)], ids=gid)
def test_goldens_are_the_documents_bodies(path):
    golden = load(path)
    body = documented(golden)
    for key, value in golden.get("doc_differs", {}).items():
        assert body[key] == value, f"the document's {key} is not {value}"
        body[key] = golden["body"][key]
    assert golden["body"] == body
    assert exact(golden["body"]) == exact(body)


@needs_doc
@pytest.mark.parametrize("path", [p for p in GOLDENS if "doc" in load(p)], ids=gid)
def test_the_documents_bodies_satisfy_the_schemas(path):
    golden = load(path)
    assert schema_errors(golden["schema"], documented(golden)) == []


@needs_doc
@pytest.mark.parametrize("path", sorted(IND.glob("*.json")), ids=gid)
def test_indstocks_paths_are_the_documents_curl_urls(path):
    golden = load(path)
    doc = DOCS["indstocks"]
    at = doc.index(golden["doc"][1])
    body_at = doc.index("{", at)
    [url] = reference_docs.curl_urls(doc[doc.rindex("curl", 0, body_at) : body_at])
    assert get("indstocks").setting("base_url") + golden["path"] == url
    assert "--data" in doc[at:body_at] and golden["method"] == "POST"  # curl --data posts
    assert f"| {golden['method']} | {golden['path']} |" in doc


@needs_doc
@pytest.mark.parametrize("path", sorted(COD.glob("*.json")), ids=gid)
def test_codifi_methods_and_paths_are_the_documents(path):
    golden = load(path)
    assert f"{golden['method']} {golden['path']} " in DOCS["codifi"]


@needs_doc
@pytest.mark.parametrize("name", ["orderbook-doc.json", "orderbook-modify-example.json", "orderbook-paused.json"])
def test_the_order_books_are_the_documents(name):
    book = reference_docs.json_after(DOCS["codifi"], "SIP OrderBook")
    ours = load(COD / "state" / name)
    if name == "orderbook-doc.json":
        assert exact(ours) == exact(book)  # verbatim
    elif name == "orderbook-paused.json":
        assert ours["result"][0]["internal"].pop("active") == "false"
        book["result"][0]["internal"].pop("active")
        assert ours == book
    else:
        # the document's first SIP, with the schedule its modify example shows
        modify = reference_docs.json_after(DOCS["codifi"], "SIP Modify")
        [sip] = ours["result"]
        assert (sip["internal"]["prevExecDate"], sip["internal"]["dueDate"], sip["internal"]["execDate"]) == (
            "28-04-2025",
            modify["dueDate"],
            modify["execDate"],
        )
        assert sip["internal"]["period"] == modify["period"] and sip["internal"]["orderNo"] == modify["orderNo"]
        assert {k: sip[k] for k in ("regDate", "startDate", "frequency", "sipName")} == {
            k: book["result"][0][k] for k in ("regDate", "startDate", "frequency", "sipName")
        }


# ---------------------------------------------------------------- INDstocks

LIMIT_AS_WRITTEN = "BRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 limit 33 target 41 limit 38 product NRML security 51011"
SPINE_BRACKET = "BRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 limit 33 target 41 limit 42 product NRML security 51011"
SPINE_GTT = "GTT BUY 10 RELIANCE trigger 1520 up market product CNC security 3045"


def bracket(side: str, rest: str) -> str:
    """An INDstocks BRACKET on the document's NIFTY option (security 51011, lot 75, tick 0.05)."""
    return f"BRACKET {side} 75 NIFTY25OCT24000CE {rest} product NRML security 51011"


def reliance(side: str, rest: str) -> str:
    return f"GTT {side} 10 RELIANCE {rest} product CNC security 3045"


def lint_ind(text: str):
    return lint_text(text, broker="indstocks")


class TestIndstocksDocumentedValidations:
    def test_the_documents_limit_example_as_written_fails_leg_order_only(self):
        diagnostics = lint_text(LIMIT_AS_WRITTEN, broker="indstocks")
        assert names(diagnostics) == ["leg-order"]
        [d] = diagnostics
        assert d.severity == "error"
        assert "MinTgtLimitPrice" in d.message
        assert "38" in d.message and "41" in d.message
        assert (d.line, d.column) == (1, LIMIT_AS_WRITTEN.index("limit 38") + len("limit ") + 1)
        requests, _ = compile_text(LIMIT_AS_WRITTEN, broker="indstocks")
        assert requests is None

    def test_with_target_limit_42_it_is_the_documents_body(self):
        _, body = one(SPINE_BRACKET, "indstocks")
        doc = load(IND / "place-limit-derivative.json")["body"]
        assert body == doc and body["tgt_limit_price"] == 42

    def test_the_design_trigger_market_line_warns_once_and_compiles(self):
        requests, diagnostics = compile_text(SPINE_GTT, broker="indstocks")
        assert requests is not None
        assert [(d.name, d.severity) for d in diagnostics] == [("silent-conversion", "warning")]
        assert diagnostics[0].column == SPINE_GTT.index("market") + 1
        assert "trigger_limit_price" in diagnostics[0].message
        text, body = written(requests[0].body)
        golden = load(IND / "place-trigger-market-equity.json")["body"]
        assert body == golden  # 1520 == 1520.00 as exact decimals
        assert '"trigger_price": 1520,' in text  # written as the file writes it
        assert "trigger_limit_price" not in body and "limit_price" not in body

    def test_prices_are_json_numbers_written_exactly(self):
        golden = load(IND / "modify-limit.json")
        request, body = one(golden["dsl"], "indstocks")
        text = jsonout.dumps(request.body)
        for line in ('"limit_price": 0.35,', '"sl_trigger_price": 0.15,', '"sl_limit_price": 0.1,', '"tgt_limit_price": 42\n'):
            assert line in text
        assert body["limit_price"] == Decimal("0.35") and str(body["limit_price"]) == "0.35"
        prices = {k: v for k, v in body.items() if k.endswith("_price")}
        assert prices and all(isinstance(v, (int, Decimal)) for v in prices.values())
        assert json.loads(text)["limit_price"] == 0.35  # a plain JSON reader gets the number 0.35

    @pytest.mark.parametrize(
        "leg, validation",
        [
            ("limit 37 sl 37 limit 33 target 41 limit 42", "MaxSlTriggerPrice"),
            ("limit 37 sl 34 limit 34 target 41 limit 42", "MaxSlLimitPrice"),
            ("limit 37 sl 34 limit 33 target 37 limit 42", "MinTgtTriggerPrice"),
            ("limit 37 sl 34 limit 33 target 41 limit 41", "MinTgtLimitPrice"),
        ],
    )
    def test_buy_leg_validations_are_strict(self, leg, validation):
        diagnostics = lint_text(f"BRACKET BUY 75 NIFTY25OCT24000CE {leg} product NRML security 51011", broker="indstocks")
        assert names(diagnostics) == ["leg-order"]
        assert validation in diagnostics[0].message

    def test_legs_need_their_limit_price(self):
        diagnostics = lint_ind(bracket("BUY", "limit 37 sl 34 target 41 limit 42"))
        assert names(diagnostics) == ["missing-price"]
        assert "sl_limit_price" in diagnostics[0].message

    @pytest.mark.parametrize(
        "text, rule, words",
        [
            ("BRACKET BUY 50 NIFTY25OCT24000CE limit 37 product NRML security 51011", "lot-size", "QtyMultipleOfLotSize"),
            (
                "GTT BUY 75 NIFTY25OCT24000CE trigger 38.52 up limit 38.75 product NRML security 51011",
                "tick-size",
                "TriggerPriceTickSize",
            ),
            ("BRACKET BUY 75 NIFTY25OCT24000CE limit 0 product NRML security 51011", "not-positive", "LimitPriceMustBeAboveZero"),
        ],
    )
    def test_other_documented_validations_name_indstocks_words(self, text, rule, words):
        diagnostics = lint_text(text, broker="indstocks")
        assert names(diagnostics) == [rule]
        assert words in diagnostics[0].message

    @pytest.mark.parametrize(
        "side, trigger, clear",
        [("BUY", "1520", False), ("BUY", "1520.10", True), ("SELL", "1520", False), ("SELL", "1519.90", True)],
    )
    def test_trigger_vs_cmp_is_strict(self, tmp_path, side, trigger, clear):
        quotes = tmp_path / "q.csv"
        quotes.write_text("symbol,last_price\nRELIANCE,1520\n")
        direction, limit = ("up", "1525") if side == "BUY" else ("down", "1515")
        text = f"GTT {side} 10 RELIANCE trigger {trigger} {direction} limit {limit} product CNC security 3045"
        diagnostics = lint_with(text, "indstocks", quotes=quotes)
        if clear:  # strictly above the last price for BUY, below for SELL
            assert names(diagnostics) == []
        else:
            assert names(diagnostics) == ["last-price"]
            assert "TriggerPriceVsCMP" in diagnostics[0].message


class TestIndstocksOrders:
    def test_sell_parent_mirrors_the_legs(self):
        _, body = one(bracket("SELL", "limit 37 sl 40 limit 41 target 33 limit 32"), "indstocks")
        assert list(body.items()) == [
            ("txn_type", "SELL"),
            ("exchange", "NSE"),
            ("segment", "DERIVATIVE"),
            ("product", "MARGIN"),
            ("order_type", "LIMIT"),
            ("validity", "DAY"),
            ("security_id", "51011"),
            ("qty", 75),
            ("limit_price", 37),
            ("sl_trigger_price", 40),
            ("tgt_trigger_price", 33),
            ("sl_limit_price", 41),
            ("tgt_limit_price", 32),
            ("algo_id", "99999"),
        ]

    def test_a_sell_parent_with_buy_ordered_legs_fails(self):
        diagnostics = lint_ind(bracket("SELL", "limit 37 sl 34 limit 33 target 41 limit 42"))
        assert set(names(diagnostics)) == {"leg-order"}
        messages = " ".join(d.message for d in diagnostics)
        for validation in ("MaxSlTriggerPrice", "MaxSlLimitPrice", "MinTgtTriggerPrice", "MinTgtLimitPrice"):
            assert validation in messages

    @pytest.mark.parametrize(
        "legs, validation",
        [("sl 40 limit 39 target 33 limit 32", "MaxSlLimitPrice"), ("sl 40 limit 41 target 33 limit 34", "MinTgtLimitPrice")],
    )
    def test_sell_parent_limits_mirror(self, legs, validation):
        diagnostics = lint_ind(bracket("SELL", f"limit 37 {legs}"))
        assert names(diagnostics) == ["leg-order"]
        assert validation in diagnostics[0].message

    def test_gtt_sell_triggers_down(self):
        _, body = one(reliance("SELL", "trigger 1480 down limit 1479.50"), "indstocks")
        assert (body["txn_type"], body["order_type"]) == ("SELL", "TRIGGER")
        assert exact([body["trigger_price"], body["trigger_limit_price"]]) == [("int", "1480"), ("Decimal", "1479.50")]

    @pytest.mark.parametrize("side, rest", [("SELL", "trigger 1480 up limit 1479"), ("BUY", "trigger 1480 down limit 1481")])
    def test_a_trigger_the_wrong_way_is_unsupported(self, side, rest):
        assert names(lint_ind(reliance(side, rest))) == ["unsupported"]

    def test_market_parent_warns_and_sends_no_price(self):
        requests, diagnostics = compile_text(bracket("BUY", "market sl 34 limit 33 target 41 limit 42"), broker="indstocks")
        assert names(diagnostics) == ["silent-conversion"]
        body = requests[0].body
        assert body["order_type"] == "MARKET" and "limit_price" not in body and "trigger_price" not in body

    def test_trigger_parent_with_legs(self):
        _, body = one(bracket("BUY", "trigger 38 limit 38.5 sl 34 limit 33 target 41 limit 42"), "indstocks")
        legs = ["sl_trigger_price", "tgt_trigger_price", "sl_limit_price", "tgt_limit_price"]
        assert list(body)[8:] == ["trigger_price", "trigger_limit_price", *legs, "algo_id"]
        assert body["order_type"] == "TRIGGER" and "limit_price" not in body

    @pytest.mark.parametrize(
        "symbol, product, segment, words",
        [
            ("RELIANCE", "CNC", "CASH", ("CNC", "EQUITY")),
            ("RELIANCE", "MIS", "CASH", ("INTRADAY", "EQUITY")),
            ("NIFTY25OCT24000CE", "NRML", "FNO", ("MARGIN", "DERIVATIVE")),
            ("NIFTY25OCT24000CE", "MIS", "FNO", ("INTRADAY", "DERIVATIVE")),
        ],
    )
    def test_product_and_segment_words(self, symbol, product, segment, words):
        qty = 75 if segment == "FNO" else 10
        _, body = one(f"BRACKET BUY {qty} {symbol} limit 37 product {product} segment {segment} security 51011", "indstocks")
        assert (body["product"], body["segment"]) == words

    @pytest.mark.parametrize("segment, words", [("CASH", "EQUITY"), ("FNO", "DERIVATIVE")])
    def test_modify_and_cancel_segment_words(self, segment, words):
        prefix = "EQ-" if segment == "CASH" else "DRV-"
        _, modify = one(f"MODIFY BRACKET {prefix}1 segment {segment} qty 75", "indstocks")
        _, cancel = one(f"CANCEL GTT {prefix}1 segment {segment}", "indstocks")
        assert modify == {"order_id": f"{prefix}1", "segment": words, "algo_id": "99999", "qty": 75}
        assert list(cancel.items()) == [("segment", words), ("order_id", f"{prefix}1")]

    @pytest.mark.parametrize(
        "text",
        [
            "BRACKET BUY 75 NIFTY25OCT24000CE limit 37 product CNC security 51011",
            "GTT BUY 10 RELIANCE trigger 1520 up limit 1521 product NRML security 3045",
        ],
    )
    def test_a_product_the_segment_does_not_take_is_unsupported(self, text):
        assert names(lint_text(text, broker="indstocks")) == ["unsupported"]

    def test_algo_id_for_bse(self):
        _, place = one("GTT BUY 10 RELIANCE trigger 1520 up limit 1521 product CNC exchange BSE security 500325", "indstocks")
        assert (place["exchange"], place["algo_id"]) == ("BSE", "9999999999999999")
        _, modify = one("MODIFY GTT EQ-456 segment CASH exchange BSE qty 10 trigger 1530 limit 1532", "indstocks")
        assert modify["algo_id"] == "9999999999999999" and "exchange" not in modify
        _, nse = one("MODIFY GTT EQ-456 segment CASH qty 10 trigger 1530 limit 1532", "indstocks")
        assert nse["algo_id"] == "99999"

    def test_the_cancel_examples_id_has_no_prefix_and_passes(self):
        assert lint_text("CANCEL BRACKET 123456789 segment FNO", broker="indstocks") == []
        assert lint_text("CANCEL BRACKET 123456789 segment CASH", broker="indstocks") == []
        diagnostics = lint_text("CANCEL BRACKET DRV-28131451 segment CASH", broker="indstocks")
        assert names(diagnostics) == ["order-id"]

    def test_a_child_order_is_modified_and_cancelled_on_its_own(self):
        _, body = one("MODIFY BRACKET GTT-2914581 segment FNO sl 30 limit 29", "indstocks")
        assert list(body.items()) == [
            ("order_id", "GTT-2914581"),
            ("segment", "DERIVATIVE"),
            ("algo_id", "99999"),
            ("sl_trigger_price", 30),
            ("sl_limit_price", 29),
        ]
        assert names(lint_text("MODIFY BRACKET GTT-2914581 segment FNO limit 37", broker="indstocks")) == ["not-modifiable"]

    def test_modifying_a_trigger_order_needs_its_trigger(self):
        diagnostics = lint_text("MODIFY GTT EQ-456 segment CASH qty 10 limit 1532.00", broker="indstocks")
        assert names(diagnostics) == ["missing-field"]
        assert "trigger_price" in diagnostics[0].message


class TestIndstocksInstrumentMaster:
    def test_security_id_comes_from_the_master(self):
        text = bracket("BUY", "limit 37 sl 34 limit 33 target 41 limit 42").replace(" security 51011", "")
        _, body = one(text, "indstocks", instruments=MASTER)
        assert body == load(IND / "place-limit-derivative.json")["body"]

    def test_the_exchange_picks_the_masters_row(self):
        _, nse = one("GTT BUY 10 RELIANCE trigger 1520 up limit 1521 product CNC", "indstocks", instruments=MASTER)
        _, bse = one("GTT BUY 10 RELIANCE trigger 1520 up limit 1521 product CNC exchange BSE", "indstocks", instruments=MASTER)
        assert (nse["security_id"], nse["algo_id"]) == ("3045", "99999")
        assert (bse["security_id"], bse["algo_id"]) == ("500325", "9999999999999999")

    def test_the_master_lists_indstocks_columns(self):
        from ordspec.refdata.instruments import INDSTOCKS_COLUMNS

        assert tuple(MASTER.read_text().splitlines()[0].split(",")) == INDSTOCKS_COLUMNS

    @pytest.mark.parametrize("master", [None, MASTER])
    def test_without_a_security_id_it_says_where_to_get_one(self, master):
        text = "GTT BUY 10 TCS trigger 3990 up limit 3995 product CNC"
        diagnostics = lint_with(text, "indstocks", instruments=master)
        assert "missing-field" in names(diagnostics)
        [d] = [d for d in diagnostics if d.name == "missing-field"]
        assert "security_id" in d.message and "--instruments" in d.help
        assert compile_with(text, "indstocks", instruments=master)[0] is None


# ---------------------------------------------------------------- Codifi

SIP = "SIP BUY 1 TCS-EQ daily start 2025-06-19 installments 1 name AD product CNC token 11536"
TCS = {"exchange": "NSE", "tradingSymbol": "TCS-EQ", "product": "CNC", "token": "11536"}  # a scrip, without its size
DDMMYYYY = re.compile(r"^\d{8}$")
DASHED = re.compile(r"^\d{2}-\d{2}-\d{4}$")


def strings_only(value) -> bool:
    if isinstance(value, dict):
        return all(strings_only(v) for v in value.values())
    if isinstance(value, list):
        return all(strings_only(v) for v in value)
    return isinstance(value, str)


class TestCodifi:
    @pytest.mark.parametrize(
        "as_of, reg", [(SIP_DAY, "19052025"), (date(2025, 6, 1), "01062025"), (date(2025, 6, 19), "19062025")]
    )
    def test_the_registration_date_defaults_to_as_of(self, as_of, reg):
        _, body = one(SIP, "codifi", as_of=as_of)
        assert (body["regDate"], body["startDate"]) == (reg, "19062025")

    def test_registered_wins_over_as_of(self):
        _, body = one(SIP + " registered 2025-05-19", "codifi", as_of=date(2025, 6, 1))
        assert body["regDate"] == "19052025"

    def test_start_before_registration_fails_date_order(self):
        assert names(lint_text(SIP, broker="codifi", as_of=date(2025, 6, 20))) == ["date-order"]

    @pytest.mark.parametrize("word, code", [("daily", "0"), ("weekly", "1"), ("monthly", "2")])
    def test_frequency_codes(self, word, code):
        _, body = one(SIP.replace("daily", word), "codifi", as_of=SIP_DAY)
        assert body["frequency"] == code

    @pytest.mark.parametrize("path", sorted(COD.glob("*.json")), ids=gid)
    def test_values_are_strings(self, path):
        body = load(path)["body"]
        assert body is None or strings_only(body)

    def test_execute_dates_are_ddmmyyyy(self):
        _, body = one(SIP, "codifi", as_of=SIP_DAY)
        assert DDMMYYYY.match(body["regDate"]) and DDMMYYYY.match(body["startDate"])

    def test_modify_uses_each_date_form_where_the_document_does(self):
        _, body = one("MODIFY SIP 25042400000049 installments 6", "codifi", state=COD / "state" / "orderbook-modify-example.json")
        for key in ("regDate", "startDate", "prevExecDate"):
            assert DDMMYYYY.match(body[key]), key
        for key in ("dueDate", "execDate"):
            assert DASHED.match(body[key]), key

    def test_an_order_book_in_ddmmyyyy_gives_the_same_modify(self, tmp_path):
        book = load(BOOK)
        for sip in book["result"]:
            for key in ("regDate", "startDate"):
                sip[key] = sip[key].replace("-", "")
            for key in ("dueDate", "execDate"):
                sip["internal"][key] = sip["internal"][key].replace("-", "")
        (tmp_path / "book.json").write_text(json.dumps(book))
        golden = load(COD / "modify-from-doc-orderbook-value.json")
        _, body = one(golden["dsl"], "codifi", state=tmp_path / "book.json")
        assert exact(body) == exact(golden["body"])

    def test_the_order_book_result_list_alone_is_a_state(self, tmp_path):
        (tmp_path / "book.json").write_text(json.dumps(load(BOOK)["result"]))
        golden = load(COD / "modify-from-doc-orderbook-qty.json")
        _, body = one(golden["dsl"], "codifi", state=tmp_path / "book.json")
        assert body == golden["body"]

    def test_modify_changes_only_what_it_says(self):
        _, body = one('MODIFY SIP 25042400000049 weekly name "new name" start 2025-06-20', "codifi", state=BOOK)
        base = {**load(COD / "modify-from-doc-orderbook-value.json")["body"], "endPeriod": "3"}  # the book's SIP as it is
        assert {k for k in body if body[k] != base[k]} == {"frequency", "sipName", "startDate"}
        assert (body["frequency"], body["sipName"], body["startDate"]) == ("1", "new name", "20062025")
        assert list(body) == list(base)

    def test_modify_by_value_on_a_quantity_sip(self):
        _, body = one("MODIFY SIP 25042400000038 qty INR2500", "codifi", state=BOOK)
        assert body["scrips"] == [TCS | {"price": "2500"}]

    def test_plus_scrips_replace_the_list(self):
        text = "MODIFY SIP 25042400000049 plus 3 INFY-EQ token 1594 plus INR100 TCS-EQ token 11536 product MIS"
        _, body = one(text, "codifi", state=BOOK)
        assert body["scrips"] == [
            {"exchange": "NSE", "tradingSymbol": "INFY-EQ", "product": "CNC", "token": "1594", "qty": "3"},
            {"exchange": "NSE", "tradingSymbol": "TCS-EQ", "product": "MIS", "token": "11536", "price": "100"},
        ]

    def test_modify_without_state_says_what_to_pass(self):
        diagnostics = lint_text("MODIFY SIP 25042400000049 installments 3", broker="codifi", as_of=SIP_DAY)
        assert names(diagnostics) == ["sip-state"]
        [d] = diagnostics
        assert d.severity == "error" and "--state" in d.help and "/info/sip/orderbook" in d.help
        assert compile_text("MODIFY SIP 25042400000049 installments 3", broker="codifi", as_of=SIP_DAY)[0] is None

    @pytest.mark.parametrize("verb", ["MODIFY", "PAUSE", "RESUME", "CANCEL"])
    def test_a_sip_the_order_book_lacks(self, verb):
        text = f"{verb} SIP 25042400000001" + (" installments 3" if verb == "MODIFY" else "")
        diagnostics = lint_with(text, "codifi", state=BOOK)
        assert names(diagnostics) == ["sip-state"]
        assert "25042400000001" in diagnostics[0].message

    def test_pausing_a_sip_that_is_not_active(self):
        diagnostics = lint_with("PAUSE SIP 25042400000049", "codifi", state=PAUSED)
        assert names(diagnostics) == ["sip-state"]
        assert "not active" in diagnostics[0].message
        assert compile_with("PAUSE SIP 25042400000049", "codifi", state=PAUSED)[0] is None
        assert lint_with("PAUSE SIP 25042400000038", "codifi", state=PAUSED) == []  # the other one is active

    def test_resuming_a_sip_that_is_active(self):
        diagnostics = lint_with("RESUME SIP 25042400000049", "codifi", state=BOOK)
        assert names(diagnostics) == ["sip-state"]
        assert "is active" in diagnostics[0].message
        assert compile_with("RESUME SIP 25042400000049", "codifi", state=BOOK)[0] is None

    def test_pause_resume_cancel_without_state_are_not_checked(self):
        verbs = ("pause", "resume", "cancel")
        requests, diagnostics = compile_text("".join(f"{v} SIP 25042400000049\n" for v in verbs), broker="codifi")
        assert diagnostics == []
        assert [(r.path, r.body) for r in requests] == [(f"/orders/sip/{v}", {"orderNo": "25042400000049"}) for v in verbs]

    def test_list_has_no_body(self):
        request, _ = one("LIST SIP", "codifi")
        as_dict = request.as_dict()
        assert (as_dict["method"], as_dict["path"], as_dict["query"], as_dict["body"]) == ("GET", "/info/sip/orderbook", {}, None)

    def test_a_multi_scrip_size_change_names_no_scrip(self, tmp_path):
        book = load(BOOK)
        book["result"][1]["scrips"].append({**book["result"][1]["scrips"][0], "tradingSymbol": "INFY-EQ", "token": "1594"})
        (tmp_path / "book.json").write_text(json.dumps(book))
        assert names(lint_with("MODIFY SIP 25042400000038 qty 2", "codifi", state=tmp_path / "book.json")) == ["not-modifiable"]

    @pytest.mark.parametrize(
        "text, rule",
        [
            (SIP.replace("BUY", "SELL"), "unsupported"),
            (SIP.replace(" token 11536", ""), "missing-field"),
            (SIP.replace(" name AD", ""), "missing-field"),
            (SIP + " plus 5 INFY-EQ", "missing-field"),
            (SIP.replace("installments 1", "installments 0"), "not-positive"),
            (SIP + " exchange MCX", "unsupported"),
        ],
    )
    def test_execute_errors(self, text, rule):
        assert names(lint_text(text, broker="codifi", as_of=SIP_DAY)) == [rule]

    def test_a_product_codifi_does_not_take_is_unsupported(self):
        assert names(lint_text(SIP.replace("CNC", "NRML"), broker="codifi", as_of=SIP_DAY)) == ["unsupported"]

    @pytest.mark.parametrize("option", ["product NRML", "exchange MCX"])
    def test_a_plus_scrips_options_are_checked(self, option):
        assert names(lint_text(SIP + f" plus 2 INFY-EQ token 1594 {option}", broker="codifi", as_of=SIP_DAY)) == ["unsupported"]

    def test_modify_to_a_product_codifi_does_not_take_is_unsupported(self):
        assert names(lint_with("MODIFY SIP 25042400000049 product NRML", "codifi", state=BOOK)) == ["unsupported"]

    def test_modify_start_before_the_books_registration_fails_date_order(self):
        assert names(lint_with("MODIFY SIP 25042400000049 start 2025-01-01", "codifi", state=BOOK)) == ["date-order"]


# ---------------------------------------------------------------- smallcase


class TestSmallcase:
    @pytest.mark.parametrize(
        "word, type_",
        [(w, w) for w in ("BUY", "INVESTMORE", "FIX", "REBALANCE", "SIP", "MANAGE", "EXIT")] + [("REPAIR", "FIX")],
    )
    def test_transaction_types(self, word, type_):
        request, body = one(f"SMALLCASE {word} SCET_0010", "smallcase", gateway="gw")
        assert (request.method, request.path) == ("POST", "/gateway/gw/transaction")
        assert exact(body) == exact({"intent": "TRANSACTION", "orderConfig": {"type": type_, "scid": "SCET_0010"}})
        assert schema_errors("smallcase/transaction.schema.json", body) == []

    def test_fix_and_repair_are_one_request(self):
        fix, repair = (one(f"SMALLCASE {w} SCET_0010", "smallcase", gateway="gw")[1] for w in ("FIX", "REPAIR"))
        assert fix == repair and fix["orderConfig"]["type"] == "FIX"

    def test_iscid_follows_scid_when_given(self):
        _, body = one('SMALLCASE INVESTMORE SCET_0010 iscid 5f58be2e0ae6815aef0d1118 notes "x"', "smallcase", gateway="gw")
        config = {"type": "INVESTMORE", "scid": "SCET_0010", "iscid": "5f58be2e0ae6815aef0d1118"}
        assert exact(body) == exact({"intent": "TRANSACTION", "orderConfig": config, "notes": "x"})

    @pytest.mark.parametrize("gateway, segment", [("gatewaydemo", "gatewaydemo"), ("my gw/2", "my%20gw%2F2")])
    def test_the_gateway_is_one_path_segment(self, gateway, segment):
        request, _ = one("SMALLCASE BUY SCET_0010", "smallcase", gateway=gateway)
        assert request.path == f"/gateway/{segment}/transaction"

    def test_compile_needs_a_gateway_but_lint_does_not(self):
        with pytest.raises(UsageError, match="--gateway"):
            compile_with("SMALLCASE BUY SCET_0010", "smallcase")
        assert lint_text("SMALLCASE BUY SCET_0010", broker="smallcase") == []

    @pytest.mark.parametrize("notes", ["n" * 256, "é" * 256, "₹" * 255 + "x"])
    def test_notes_up_to_256_characters(self, notes):
        _, body = one(f'SMALLCASE BUY SCET_0010 notes "{notes}"', "smallcase", gateway="gw")
        assert body["notes"] == notes and len(notes) == 256
        assert schema_errors("smallcase/transaction.schema.json", body) == []

    @pytest.mark.parametrize("notes", ["n" * 257, "é" * 300])
    def test_longer_notes_fail(self, notes):
        diagnostics = lint_text(f'SMALLCASE BUY SCET_0010 notes "{notes}"', broker="smallcase")
        assert names(diagnostics) == ["notes-length"]
        assert str(len(notes)) in diagnostics[0].message and "256" in diagnostics[0].message

    @pytest.mark.parametrize(
        "word, type_",
        [(w, w) for w in ("INVESTMORE", "FIX", "REBALANCE", "SIP", "MANAGE", "EXIT")] + [("REPAIR", "FIX")],
    )
    def test_a_later_order_on_an_invested_smallcase_by_its_iscid(self, word, type_):
        """The document: "The iscid can be used to trigger subsequent orders on the invested smallcase"."""
        iscid = "5f58be2e0ae6815aef0d1118"
        _, body = one(f"SMALLCASE {word} iscid {iscid}", "smallcase", gateway="gw")
        assert exact(body) == exact({"intent": "TRANSACTION", "orderConfig": {"type": type_, "iscid": iscid}})
        assert schema_errors("smallcase/transaction.schema.json", body) == []
        yaml = f"orders:\n  - {{kind: SMALLCASE, type: {word}, iscid: {iscid}}}\n"
        [request], _ = compile_text(yaml, broker="smallcase", name="t.yaml", gateway="gw")
        assert exact(written(request.body)[1]) == exact(body)  # the YAML form: the same request
        _, with_notes = one(f'SMALLCASE {word.lower()} ISCID {iscid} notes "n"', "smallcase", gateway="gw")
        assert with_notes == {**body, "notes": "n"}

    def test_the_iscid_form_formats_and_reads_back(self):
        from ordspec.fmt import source
        from ordspec.source import SourceFile

        text, errors = source(SourceFile("t.ord", 'smallcase exit ISCID 5f58be2e0ae6815aef0d1118 notes "n"\n'))
        assert (text, errors) == ("SMALLCASE EXIT iscid 5f58be2e0ae6815aef0d1118 notes n\n", [])
        assert source(SourceFile("t.ord", text)) == (text, [])

    def test_a_buy_needs_its_scid_and_says_what_to_write(self):
        diagnostics = lint_text("SMALLCASE BUY iscid 5f58be2e0ae6815aef0d1118", broker="smallcase")
        assert names(diagnostics) == ["missing-field", "unsupported"]
        assert diagnostics[0].help == "write `SMALLCASE BUY SCET_0010` (YAML: `scid: SCET_0010`)"

    def test_a_later_order_needs_an_iscid_or_a_scid(self):
        [d] = lint_text("orders:\n  - {kind: SMALLCASE, type: EXIT}\n", broker="smallcase", name="t.yaml")
        assert d.name == "missing-field" and d.help == "write `SMALLCASE EXIT iscid ID` (YAML: `iscid: ID`)"
        [d] = lint_text("SMALLCASE EXIT", broker="smallcase")
        assert d.message == "the line ends too early after `EXIT`: expected `iscid` or a smallcase id such as SCET_0010"
        [d] = lint_text("SMALLCASE EXIT iscid", broker="smallcase")
        assert d.name == "syntax" and "expected the invested smallcase's id (iscid)" in d.message

    def test_sip_setup_takes_no_notes_and_needs_an_iscid(self):
        with_notes = 'SMALLCASE SIP_SETUP iscid 5f58be2e0ae6815aef0d1118 notes "x"'
        assert names(lint_text(with_notes, broker="smallcase")) == ["unsupported"]
        assert names(lint_text("SMALLCASE SIP_SETUP", broker="smallcase")) == ["missing-field"]


# ---------------------------------------------------------------- schemas


class TestSchemas:
    @pytest.mark.parametrize("name", sorted(f"{b}/{p.name}" for b in BROKERS for p in (Path(SCHEMAS) / b).glob("*.json")))
    def test_schemas_are_valid_draft7(self, name):
        Draft7Validator.check_schema(schema(name))

    @pytest.mark.parametrize(
        "golden, change",
        [
            ("indstocks/place-limit-derivative", {"limit_price": "37"}),
            ("indstocks/place-limit-derivative", {"qty": 0}),
            ("indstocks/place-limit-derivative", {"algo_id": "9999999999999999"}),  # BSE's id on NSE
            ("indstocks/place-limit-derivative", {"product": "CNC"}),  # CNC is not a DERIVATIVE product
            ("indstocks/place-limit-derivative", {"segment": "FNO"}),
            ("indstocks/place-trigger-market-equity", {"limit_price": 1520}),
            ("indstocks/modify-trigger", {"trigger_price": None}),
            ("indstocks/cancel", {"order_id": ""}),
            ("codifi/execute", {"regDate": "19-05-2025"}),
            ("codifi/execute", {"frequency": 0}),
            ("codifi/execute", {"scrips": [TCS | {"qty": 1}]}),
            ("codifi/execute", {"scrips": [TCS | {"qty": "1", "price": "2000"}]}),
            ("codifi/execute", {"scrips": [TCS]}),
            ("codifi/modify", {"dueDate": "26052025"}),
            ("codifi/modify", {"prevExecDate": "28-04-2025"}),
            ("codifi/modify", {"active": True}),
            ("codifi/pause", {"orderNo": 25042400000049}),
            ("smallcase/buy", {"notes": "n" * 257}),
            ("smallcase/buy", {"orderConfig": {"type": "REPAIR", "scid": "SCET_0010"}}),
            ("smallcase/sip-setup", {"notes": "x"}),
            ("smallcase/exit-iscid", {"orderConfig": {"type": "EXIT"}}),
            ("smallcase/exit-iscid", {"orderConfig": {"type": "BUY", "iscid": "5f58be2e0ae6815aef0d1118"}}),
            # each condition the schemas say without `not` or `oneOf` (cheaper for fastjsonschema), still refused
            ("indstocks/place-limit-derivative", {"trigger_price": 36}),  # a LIMIT takes no trigger
            ("indstocks/place-limit-derivative", {"limit_price": None}),  # nor goes without its price
            ("indstocks/place-trigger-market-equity", {"limit_price": 1521}),  # a TRIGGER takes no limit_price
            ("indstocks/place-trigger-market-equity", {"trigger_price": None}),
            ("indstocks/place-trigger-market-equity", {"order_type": "MARKET"}),  # a MARKET takes no price at all
            ("indstocks/place-trigger-market-equity", {"product": "MARGIN"}),  # MARGIN is not an EQUITY product
            ("indstocks/place-trigger-market-equity", {"exchange": "BSE"}),  # BSE's algo id is another
            ("codifi/execute", {"scrips": [TCS | {"price": "0.00"}]}),  # a price of nothing
            ("smallcase/buy", {"orderConfig": {"type": "BUY", "iscid": "5f58be2e0ae6815aef0d1118"}}),  # a BUY names its scid
            ("smallcase/sip-setup", {"orderConfig": {"scid": "SCET_0010"}}),
        ],
    )
    def test_a_wrong_body_is_caught_by_both_validators(self, golden, change):
        g = load(GOLDEN / f"{golden}.json")
        body = {**g["body"], **change}
        body = {k: v for k, v in body.items() if v is not None}
        assert schema_errors(g["schema"], body)
        with pytest.raises(fastjsonschema.JsonSchemaException):
            validator(g["schema"])(json.loads(jsonout.dumps(body)))

    @pytest.mark.parametrize(
        "golden, change",
        [
            ("indstocks/place-trigger-market-equity", {"order_type": "MARKET", "trigger_price": None}),
            ("indstocks/place-trigger-market-equity", {"trigger_limit_price": 1521}),
            ("indstocks/place-limit-derivative", {"product": "INTRADAY", "segment": "EQUITY"}),
            ("indstocks/place-limit-derivative", {"exchange": "BSE", "algo_id": "9999999999999999"}),
            ("codifi/execute", {"scrips": [TCS | {"price": "2000"}]}),
            ("codifi/execute", {"scrips": [TCS | {"price": "0.05"}, TCS | {"qty": "3"}]}),
            ("smallcase/buy", {"notes": None}),
            ("smallcase/exit-iscid", {}),
        ],
    )
    def test_a_right_body_passes_both_validators(self, golden, change):
        g = load(GOLDEN / f"{golden}.json")
        body = {**g["body"], **change}
        body = {k: v for k, v in body.items() if v is not None}
        assert schema_errors(g["schema"], body) == []
        validator(g["schema"])(json.loads(jsonout.dumps(body)))


# ---------------------------------------------------------------- through the command line


def test_cli_writes_indstocks_numbers_exactly(tmp_path):
    golden = load(IND / "modify-limit.json")
    (tmp_path / "o.ord").write_text(golden["dsl"] + "\n")
    r = run_cli("compile", "o.ord", "--broker", "indstocks", "--as-of", DOC_DAY.isoformat(), cwd=tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode()
    assert '"limit_price": 0.35,' in out and '"sl_limit_price": 0.1,' in out
    [request] = json.loads(out, parse_float=Decimal)
    assert exact(request["body"]) == exact(golden["body"])


def test_cli_codifi_modify_with_state(tmp_path):
    golden = load(COD / "modify.json")
    (tmp_path / "o.ord").write_text(golden["dsl"] + "\n")
    r = run_cli("compile", "o.ord", "--broker", "codifi", "--state", COD / golden["state"], cwd=tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    [request] = json.loads(r.stdout)
    assert (request["method"], request["path"]) == ("POST", "/orders/sip/modify")
    assert exact(request["body"]) == exact(golden["body"])


def test_cli_smallcase_without_gateway_is_a_usage_error(tmp_path):
    (tmp_path / "o.ord").write_text("SMALLCASE BUY SCET_0010\n")
    r = run_cli("compile", "o.ord", "--broker", "smallcase", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout == b""
    assert b"--gateway" in r.stderr and b"Traceback" not in r.stderr
    ok = run_cli("compile", "o.ord", "--broker", "smallcase", "--gateway", "gatewaydemo", cwd=tmp_path)
    assert ok.returncode == 0
    assert json.loads(ok.stdout)[0]["path"] == "/gateway/gatewaydemo/transaction"
