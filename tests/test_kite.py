"""The Kite back end: compile against the Kite docs' and the client's examples, the form body,
the modify merged from --state, Kite's GET answers as state, and its answers read by dispatch.

The examples are the forms of tests/wire/kite.py, each with the request the official client
sends for it (tests/golden/kite-sdk): ordspec's compiled request must be those very bytes. The
--state is the GET answer of the docs' single GTT (tests/data/kite-gtt-123.json).
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from jsonschema import Draft7Validator

from ordspec import compiler
from ordspec.compiler import kite
from ordspec.dispatch import answers
from ordspec.pipeline.compile import schema
from ordspec.compiler.kite_state import record
from ordspec.dispatch.outcome import CONFIRMED, REJECTED, RETRY, UNKNOWN
from ordspec.dispatch.transport import Answer
from tests.conftest import DATA, compile_text, lint_text, run_cli
from tests.wire import kite as client_forms
from tests.wire.answers import KITE_GTT
from tests.wire.goldens import load

QUOTES = str(DATA / "kite-quotes.csv")  # INFY 798, SBIN 473, NIFTY25OCT24000CE 110: the examples' last prices
STATE = str(DATA / "kite-gtt-123.json")  # GET /gtt/triggers/123 of the docs' single GTT
FORMS = sorted(client_forms.FORMS)


def one(text: str, **options):
    requests, diagnostics = compile_text(text, broker="kite", quotes=QUOTES, state=STATE, **options)
    assert requests is not None, [str(d) for d in diagnostics]
    [request] = requests
    return request


def parts(request) -> dict:
    """A form body with its JSON texts read (numbers exactly)."""
    return {k: json.loads(v, parse_float=Decimal) if k in ("condition", "orders") else v for k, v in request.body.items()}


# -- the examples, byte for byte ------------------------------------------------------------------


@pytest.mark.parametrize("name", FORMS)
def test_every_example_compiles_to_the_clients_very_request(name):
    golden, form = load("kite", name), client_forms.FORMS[name]
    request = one(form.statement)
    assert (request.method, request.path) == (golden["method"], golden["path"])
    assert (request.content() or b"").decode() == golden["raw_body"]
    assert request.content_type == golden["headers"].get("Content-Type")


@pytest.mark.parametrize("name", [n for n in FORMS if load("kite", n)["raw_body"]])
def test_every_body_satisfies_its_schemas(name):
    request = one(client_forms.FORMS[name].statement)
    assert request.schema == "kite/gtt.schema.json" and request.encoding == "form"
    assert list(Draft7Validator(schema(request.schema)).iter_errors(request.body)) == []
    body = parts(request)
    for field in ("condition", "orders"):
        assert list(Draft7Validator(schema(f"kite/{field}.schema.json")).iter_errors(body[field])) == [], field


def test_compile_output_says_the_body_is_a_form(tmp_path):
    orders = tmp_path / "o.ord"
    orders.write_text(client_forms.FORMS["gtt-single"].statement + "\nLIST GTT\n")
    r = run_cli("compile", orders, "--broker", "kite", "--quotes", QUOTES, "--as-of", "2025-10-01")
    assert r.returncode == 0, r.stderr.decode()
    printed = json.loads(r.stdout)
    assert [p.get("encoding") for p in printed] == ["form", None]  # a body without `encoding` is JSON; LIST has none
    assert list(printed[0]) == ["broker", "operation", "method", "path", "query", "body", "encoding", "source"]
    assert list(Draft7Validator(schema("compile-output.schema.json")).iter_errors(printed)) == []


def test_nse_derivatives_go_to_nfo_and_bse_ones_to_bfo(tmp_path):
    nse = parts(one(client_forms.FORMS["gtt-oco-nfo"].statement))
    assert nse["condition"]["exchange"] == "NFO" and {o["exchange"] for o in nse["orders"]} == {"NFO"}
    quotes = tmp_path / "q.csv"
    quotes.write_text("symbol,last_price\nSENSEX25OCT80000CE,110\n")
    requests, diagnostics = compile_text("OCO SELL 20 SENSEX25OCT80000CE target 120 limit 121 sl 95 limit 94 product NRML", broker="kite",
                                         quotes=str(quotes))
    assert requests is not None, [str(d) for d in diagnostics]
    assert parts(requests[0])["condition"]["exchange"] == "BFO"
    assert parts(one(client_forms.FORMS["gtt-single"].statement))["condition"]["exchange"] == "NSE"


def test_a_two_leg_gtt_goes_low_to_high_with_its_orders():
    sell = parts(one("OCO SELL 1 SBIN target 480 limit 481 sl 470 limit 469 product CNC"))
    assert sell["condition"]["trigger_values"] == [Decimal("470.0"), Decimal("480.0")]
    assert [o["price"] for o in sell["orders"]] == [Decimal("469.0"), Decimal("481.0")]  # stop-loss first for a long
    buy = parts(one("OCO BUY 1 SBIN target 465 limit 464 sl 480 limit 481 product CNC"))
    assert buy["condition"]["trigger_values"] == [Decimal("465.0"), Decimal("480.0")]
    assert [o["price"] for o in buy["orders"]] == [Decimal("464.0"), Decimal("481.0")]  # target first for a short


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False))
def test_a_price_is_written_as_float_writes_it_and_is_the_same_number(price):
    written = kite._number(price)
    assert written == price  # never rounded
    assert format(written, "f") == repr(float(price))  # the client's float() text, for prices of up to 15 digits


# -- a modify is the whole GTT, merged from --state -------------------------------------------------


def test_a_modify_changes_only_what_it_says():
    body = parts(one("MODIFY GTT 123 qty 5"))
    assert body["type"] == "single"
    assert body["condition"] == {"exchange": "NSE", "tradingsymbol": "INFY", "trigger_values": [Decimal("702.0")], "last_price": Decimal("798.0")}
    [order] = body["orders"]
    assert (order["quantity"], order["price"], order["transaction_type"], order["product"]) == (5, Decimal("702.5"), "BUY", "CNC")


def test_a_modify_may_change_the_side_and_the_prices():
    [order] = parts(one("MODIFY GTT 123 trigger 700 limit 699.5 side SELL"))["orders"]
    assert (order["transaction_type"], order["price"]) == ("SELL", Decimal("699.5"))


def test_the_last_price_of_a_modify_is_todays_quote_not_the_states(tmp_path):
    quotes = tmp_path / "q.csv"
    quotes.write_text("symbol,last_price\nINFY,810.5\n")
    requests, diagnostics = compile_text("MODIFY GTT 123 qty 5", broker="kite", quotes=str(quotes), state=STATE)
    assert parts(requests[0])["condition"]["last_price"] == Decimal("810.5"), [str(d) for d in diagnostics]


def test_a_two_leg_modify_keeps_each_leg_with_its_order(tmp_path):
    state = tmp_path / "s.json"
    gtt = {**KITE_GTT, "type": "two-leg", "condition": {**KITE_GTT["condition"], "tradingsymbol": "SBIN", "trigger_values": [470.0, 480.0],
                                                        "last_price": 473.0},
           "orders": [{**KITE_GTT["orders"][0], "tradingsymbol": "SBIN", "transaction_type": "SELL", "price": p} for p in (469.0, 481.0)]}
    state.write_text(json.dumps({"status": "success", "data": [gtt]}))
    requests, diagnostics = compile_text("MODIFY OCO 123 target 476 limit 477", broker="kite", quotes=QUOTES, state=str(state))
    body = parts(requests[0])
    assert body["condition"]["trigger_values"] == [Decimal("470.0"), Decimal("476.0")], [str(d) for d in diagnostics]
    assert [o["price"] for o in body["orders"]] == [Decimal("469.0"), Decimal("477.0")]


# -- Kite's GET answers as --state -----------------------------------------------------------------

BAD_STATES = [
    ({"status": "error", "data": {}}, 'expected Kite\'s answer {"status": "success"'),
    ({"status": "success", "data": {**KITE_GTT, "type": "one-leg"}}, "type \"one-leg\", not single or two-leg"),
    ({"status": "success", "data": {**KITE_GTT, "status": "open"}}, 'status "open"'),
    ({"status": "success", "data": {**KITE_GTT, "condition": {**KITE_GTT["condition"], "trigger_values": [702, 710]}}}, "a single GTT has 1 trigger"),
    ({"status": "success", "data": {**KITE_GTT, "orders": [{**KITE_GTT["orders"][0], "price": "702.5"}]}}, 'order 0 has price "702.5"'),
    ({"status": "success", "data": {**KITE_GTT, "orders": [{**KITE_GTT["orders"][0], "quantity": -1}]}}, "quantity -1"),
    ({"status": "success", "data": [KITE_GTT, KITE_GTT]}, "GTT #2 of the answer repeats id 123"),
]


@pytest.mark.parametrize("answer, said", BAD_STATES, ids=[s for _, s in BAD_STATES])
def test_a_state_that_is_not_a_kite_gtt_answer_is_a_usage_error(tmp_path, answer, said):
    state, orders = tmp_path / "state.json", tmp_path / "o.ord"
    state.write_text(json.dumps(answer))
    orders.write_text("MODIFY GTT 123 qty 2\n")
    r = run_cli("lint", orders, "--broker", "kite", "--quotes", QUOTES, "--state", state)
    assert r.returncode == 2 and b"Traceback" not in r.stderr
    assert f"{state} is not a Kite GTT answer" in r.stderr.decode() and said in r.stderr.decode(), r.stderr.decode()


def test_a_list_answer_is_a_state_too(tmp_path):
    state = tmp_path / "s.json"
    state.write_text(json.dumps({"status": "success", "data": [KITE_GTT, {**KITE_GTT, "id": 124}]}))
    requests, _ = compile_text("MODIFY GTT 124 qty 3", broker="kite", quotes=QUOTES, state=str(state))
    assert requests[0].path == "/gtt/triggers/124"


# -- rules that read the table ----------------------------------------------------------------------


def test_lint_without_quotes_says_how_to_give_the_last_price():
    [d] = lint_text("GTT BUY 1 INFY trigger 702 down limit 702.5 product CNC", broker="kite")
    assert (d.name, d.help) == ("missing-field", "pass --quotes FILE (columns symbol,last_price) with a row for INFY")


def test_a_bracket_names_the_broker_that_has_it():
    [d] = lint_text("BRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 limit 33 target 41 limit 42 product NRML", broker="kite")
    assert d.name == "unsupported" and "INDstocks" in d.help


def test_the_table_reads_kites_documents():
    table = compiler.get("kite").table
    assert table["base_url"] == "https://api.kite.trade"  # the client's _default_root_uri
    assert table["dispatch"]["auth"] == {"X-Kite-Version": "3", "Authorization": "token {api_key}:{token}"}
    assert table["max_active"] == 250 and kite.ORDER_TYPE == "LIMIT"


# -- Kite's answers, as dispatch reads them ---------------------------------------------------------

KITE = answers.get(compiler.get("kite"))


def answer(status: int, payload) -> Answer:
    return Answer(status, payload, {}, json.dumps(payload))


@cache
def create():
    """The docs' single GTT, compiled: the create whose answer the tests below read."""
    return one(client_forms.FORMS["gtt-single"].statement)


@pytest.mark.parametrize(
    "status, payload, kind, ident",
    [
        (200, {"status": "success", "data": {"trigger_id": 123}}, CONFIRMED, "123"),
        (400, {"status": "error", "error_type": "InputException", "message": "Invalid `condition`"}, REJECTED, None),
        (403, {"status": "error", "error_type": "TokenException", "message": "Incorrect `api_key` or `access_token`."}, REJECTED, None),
        (503, {"status": "error", "error_type": "NetworkException", "message": "OMS down"}, UNKNOWN, None),
        (200, {"status": "error", "error_type": "GeneralException", "message": "?"}, UNKNOWN, None),
        (429, {"status": "error", "error_type": "NetworkException", "message": "Too many requests"}, RETRY, None),
    ],
)
def test_an_answer_means_what_kite_documents(status, payload, kind, ident):
    outcome = KITE.outcome(create(), answer(status, payload))
    assert (outcome.kind, outcome.broker_id) == (kind, ident)


class Book:
    """A transport whose GET /gtt/triggers answers these GTTs."""

    def __init__(self, gtts):
        self.gtts, self.sent = gtts, []

    def send(self, request):
        self.sent.append((request.method, request.path))
        return answer(200, {"status": "success", "data": self.gtts})


def placed(**changes) -> dict:
    """The docs' single GTT as Kite lists it once placed (the one `create()` sends), changed."""
    gtt = json.loads(json.dumps(KITE_GTT))
    for key, value in changes.items():
        gtt[key] = value
    return gtt


def test_a_lost_create_is_found_only_when_the_whole_gtt_is_there_once():
    assert KITE.find_lost(create(), Book([placed()])) == ("123", [])
    assert KITE.find_lost(create(), Book([placed(), placed(id=124)])) == (None, None)  # two alike: which one?
    moved = placed(orders=[{**KITE_GTT["orders"][0], "price": 702.55}])
    assert KITE.find_lost(create(), Book([moved])) == (None, None)
    other = placed(condition={**KITE_GTT["condition"], "trigger_values": [703.0]})
    assert KITE.find_lost(create(), Book([other, placed(id=125)])) == ("125", [])
    assert KITE.find_lost(create(), Book([placed(created_at="2025-09-30 10:00:00")]), since=1.9e9) == (None, None)  # older
    assert KITE.find_lost(create(), Book([placed(created_at="not a time")]), since=1.0) == (None, None)


def test_listing_reads_every_gtt_into_neutral_records():
    two_leg = placed(id=7, type="two-leg", condition={"exchange": "NFO", "tradingsymbol": "NIFTY25OCT24000CE", "trigger_values": [95.0, 120.5],
                                                      "last_price": 110.0},
                     orders=[{**KITE_GTT["orders"][0], "exchange": "NFO", "tradingsymbol": "NIFTY25OCT24000CE", "transaction_type": "SELL",
                              "quantity": 75, "product": "NRML", "price": p} for p in (94.0, 121.0)], status="triggered")
    transport = Book([KITE_GTT, two_leg])
    single, oco = KITE.listing(transport)
    assert transport.sent == [("GET", "/gtt/triggers")]
    assert (single["kind"], single["segment"], single["live"], single["entry"]) == ("GTT", "CASH", True, {"trigger": Decimal("702.0"), "limit": Decimal("702.5")})
    assert (oco["id"], oco["kind"], oco["exchange"], oco["segment"], oco["fired"]) == ("7", "OCO", "NSE", "FNO", True)
    assert (oco["sl"]["trigger"], oco["target"]["trigger"], oco["target"]["limit"]) == (Decimal("95.0"), Decimal("120.5"), Decimal("121.0"))
    assert record(KITE_GTT)["qty"] == 1 and KITE.listing(Book("not a list")) is None


def test_the_journal_and_messages_never_hold_the_key_or_the_token(tmp_path):
    orders = tmp_path / "o.ord"
    orders.write_text(client_forms.FORMS["gtt-single"].statement + "\n")
    env = {"ORDSPEC_KITE_API_KEY": "kite-KEY-secret-77", "ORDSPEC_KITE_TOKEN": "kite-TOKEN-secret-88"}
    r = run_cli("dispatch", orders, "--broker", "kite", "--quotes", QUOTES, "--dry-run", "--journal", tmp_path / "j.db", "--as-of", "2025-10-01", env=env)
    text = r.stdout.decode() + r.stderr.decode()
    assert r.returncode == 0, text
    assert "Authorization: token ***:***" in text and "X-Kite-Version: 3" in text
    assert "Content-Type: application/x-www-form-urlencoded" in text
    assert "secret" not in text and not Path(tmp_path / "j.db").exists()
    r = run_cli("dispatch", orders, "--broker", "kite", "--quotes", QUOTES, "--dry-run", "--as-of", "2025-10-01", env={"ORDSPEC_TOKEN": "t0k3n"})
    assert "<unset: ORDSPEC_KITE_API_KEY>" in r.stdout.decode()


def test_a_rate_above_kites_limit_is_refused(tmp_path):
    orders = tmp_path / "o.ord"
    orders.write_text("LIST GTT\n")
    r = run_cli("dispatch", orders, "--broker", "kite", "--rate", "11", "--journal", tmp_path / "j.db", env={"ORDSPEC_TOKEN": "t", "ORDSPEC_KITE_API_KEY": "k"})
    assert r.returncode == 2 and "at most 10 requests/s" in r.stderr.decode()
