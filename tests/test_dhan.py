"""The Dhan back end: the documents' examples, the client id, dispatch against the paper broker
(documented answers and errors, a lost answer found again by correlationId, never resent), the
book moving, and the neutral listing for plan.

The wire itself (every form, generated orders) is proven against the official client in
tests/test_wire_dhan.py.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from ordspec import compiler
from tests.conftest import ROOT, compile_text, names, run_cli
from tests.dispatch_helpers import TOKEN, dispatch, no_leaks

GOLDEN = Path(__file__).parent / "golden" / "dhan"
CLIENT = "1000000132"
ENV = {"ORDSPEC_DHAN_TOKEN": TOKEN, "ORDSPEC_DHAN_CLIENT_ID": CLIENT}
HEADERS = {"access-token": TOKEN, "client-id": CLIENT}
SUPER = "BRACKET BUY 5 TCS limit 1500 sl 1400 target 1600 product CNC security 11536 ref tcs-super-01"
SINGLE = "GTT BUY 5 HDFCBANK trigger 1427 down limit 1428 product CNC security 1333 ref hdfc-single-01"


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def exact(value):
    """Key order and each number's written form: equal only if written alike."""
    if isinstance(value, dict):
        return [(k, exact(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [exact(v) for v in value]
    return value if isinstance(value, (bool, type(None))) else (type(value).__name__, str(value))


def body_of(text: str, **options) -> dict:
    from ordspec.compiler.jsonout import dumps

    requests, diagnostics = compile_text(text, broker="dhan", client_id=CLIENT, **options)
    assert requests, [str(d) for d in diagnostics]
    return json.loads(dumps(requests[-1].body, indent=None), parse_float=Decimal)


# -- the documents' examples ---------------------------------------------------------------------

GOLDENS = sorted(GOLDEN.glob("*.json"))


def test_the_documents_examples_are_goldens():
    assert [p.stem for p in GOLDENS] == ["forever-oco", "forever-single", "super-order"]


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: p.stem)
def test_compiles_to_the_golden(path):
    golden = load(path)
    requests, diagnostics = compile_text(golden["dsl"], broker="dhan", client_id=golden["client_id"])
    assert requests is not None, [str(d) for d in diagnostics]
    [request] = requests
    assert (request.method, request.path, request.schema) == (golden["method"], golden["path"], golden["schema"])
    from ordspec.compiler.jsonout import dumps

    assert exact(json.loads(dumps(request.body), parse_float=Decimal)) == exact(golden["body"])


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: p.stem)
def test_the_golden_is_the_documents_body_but_for_what_it_says(path):
    golden = load(path)
    documented, body = dict(golden["documented"]), golden["body"]
    assert set(documented) == set(body)  # the same fields (dhanClientId first there, last as the client sends it)
    for key, (theirs, _why) in golden["doc_differs"].items():
        assert documented[key] == theirs and body[key] != theirs, key
        documented[key] = body[key]
    assert documented == body


def test_the_documents_own_oco_is_no_exit_and_breaks_its_30_percent_rule():
    """The page's OCO (BUY, 1428/1427 above 1420/1419, disclosed 1 of 5), written as a statement."""
    text = "OCO BUY 5 HDFCBANK target 1427 limit 1428 sl 1419 limit 1420 product CNC security 1333 disclosed 1"
    requests, diagnostics = compile_text(text, broker="dhan", client_id=CLIENT)
    assert requests is None
    assert sorted(set(names(diagnostics))) == ["disclosed-quantity", "leg-order"]


def test_the_table_is_the_clients_host_and_the_documents_paths():
    from dhanhq import DhanHTTP

    table = compiler.get("dhan").table
    assert table["base_url"] == DhanHTTP.API_BASE_URL  # https://api.dhan.co/v2: paths are the documents' /forever/orders
    assert {op["path"] for op in table["operations"].values()} == {
        "/forever/orders", "/forever/orders/{id}", "/super/orders", "/super/orders/{id}", "/super/orders/{id}/{leg}",
    }


# -- what compile makes of a statement -----------------------------------------------------------


def test_a_create_carries_its_key_as_correlation_id():
    derived = body_of(SINGLE.replace(" ref hdfc-single-01", ""))
    assert derived["correlationId"].startswith("os-") and len(derived["correlationId"]) == 19
    assert body_of(SINGLE)["correlationId"] == "hdfc-single-01"


def test_an_oco_modify_of_both_legs_is_one_request_per_leg_target_first():
    requests, _ = compile_text("MODIFY OCO 77 qty 10 sl 1405 limit 1395 target 1605 limit 1615", broker="dhan", client_id=CLIENT)
    assert [(r.method, r.path, r.body["legName"], r.part) for r in requests] == [
        ("PUT", "/forever/orders/77", "TARGET_LEG", "TARGET_LEG"),
        ("PUT", "/forever/orders/77", "STOP_LOSS_LEG", "STOP_LOSS_LEG"),
    ]


def test_a_super_order_modify_is_its_entry_or_its_legs():
    entry, _ = compile_text("MODIFY BRACKET 77 qty 5 limit 1505 target 1605 sl 1405", broker="dhan", client_id=CLIENT)
    legs, _ = compile_text("MODIFY BRACKET 77 sl 1395 target 1610", broker="dhan", client_id=CLIENT)
    assert [r.body["legName"] for r in entry] == ["ENTRY_LEG"]
    assert [(r.body["legName"], sorted(r.body)) for r in legs] == [
        ("TARGET_LEG", ["dhanClientId", "legName", "orderId", "targetPrice"]),
        ("STOP_LOSS_LEG", ["dhanClientId", "legName", "orderId", "stopLossPrice", "trailingJump"]),
    ]


def test_the_legs_of_one_statement_are_journaled_apart():
    from ordspec.dispatch.sender import journal_key

    requests, _ = compile_text("MODIFY BRACKET 77 sl 1395 target 1610", broker="dhan", client_id=CLIENT)
    keys = {journal_key("dhan", "http://x", r) for r in requests}
    assert len(keys) == 2


def test_mtf_is_a_forever_product_and_disclosed_goes_out_as_written():
    body = body_of(SINGLE.replace("CNC", "MTF") + " disclosed 2")
    assert (body["productType"], body["disclosedQuantity"]) == ("MTF", 2)
    assert body_of("BRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 target 41 product MIS security 51011")["productType"] == "INTRADAY"


def test_a_market_forever_order_is_priced_zero():
    body = body_of("GTT SELL 5 HDFCBANK trigger 1500 up market product CNC security 1333")
    assert (body["orderType"], body["price"], body["triggerPrice"]) == ("MARKET", 0, 1500)


def test_exchange_and_segment_name_the_exchange_segment():
    cases = {
        "NSE FNO": ("BRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 target 41 product NRML security 51011", "NSE_FNO"),
        "BSE CASH": ("BRACKET BUY 5 TCS limit 1500 sl 1400 target 1600 product CNC security 532540 exchange BSE", "BSE_EQ"),
    }
    for name, (text, segment) in cases.items():
        assert body_of(text)["exchangeSegment"] == segment, name


def test_lot_tick_and_freeze_rules_hold_for_dhan_orders_which_are_never_sliced():
    for text, rule in (
        ("BRACKET BUY 50 NIFTY25OCT24000CE limit 37 sl 34 target 41 product NRML security 51011", "lot-size"),
        ("BRACKET BUY 75 NIFTY25OCT24000CE limit 37.03 sl 34 target 41 product NRML security 51011", "tick-size"),
        ("BRACKET BUY 910 BANKNIFTY25OCT55000CE limit 37 sl 34 target 41 product NRML security 51012", "freeze-quantity"),
    ):
        requests, diagnostics = compile_text(text, broker="dhan", client_id=CLIENT)
        assert requests is None and rule in names(diagnostics), (text, names(diagnostics))


# -- the client id -------------------------------------------------------------------------------


def test_compile_without_a_client_id_says_where_to_give_it(tmp_path):
    (tmp_path / "o.ord").write_text(SINGLE + "\n")
    r = run_cli("compile", tmp_path / "o.ord", "--broker", "dhan", env={"ORDSPEC_DHAN_CLIENT_ID": ""})
    assert r.returncode == 2 and r.stdout == b""
    assert b"--client-id" in r.stderr and b"ORDSPEC_DHAN_CLIENT_ID" in r.stderr and b"client_id" in r.stderr


def test_the_client_id_comes_from_the_option_the_configuration_or_the_environment(tmp_path):
    (tmp_path / "o.ord").write_text(SINGLE + "\n")
    (tmp_path / "ordspec.toml").write_text('client_id = "2000000001"\n')

    def sent(*args, env=None):
        r = run_cli("compile", "o.ord", "--broker", "dhan", *args, env={"ORDSPEC_DHAN_CLIENT_ID": "3000000001", **(env or {})}, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)[0]["body"]["dhanClientId"]

    assert sent("--client-id", "1000000132") == "1000000132"
    assert sent() == "2000000001"
    (tmp_path / "ordspec.toml").write_text("")
    assert sent() == "3000000001"


@pytest.mark.parametrize("where", ["option", "config", "environment"])
def test_a_client_id_that_is_not_letters_and_digits_is_a_usage_error(tmp_path, where):
    (tmp_path / "o.ord").write_text(SINGLE + "\n")
    args, env = [], {"ORDSPEC_DHAN_CLIENT_ID": ""}
    if where == "option":
        args = ["--client-id", "10 00"]
    elif where == "config":
        (tmp_path / "ordspec.toml").write_text('client_id = "10\\r\\n00"\n')
    else:
        env = {"ORDSPEC_DHAN_CLIENT_ID": "1000\x1b[2J"}
    r = run_cli("compile", "o.ord", "--broker", "dhan", *args, env=env, cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == b"" and b"client id" in r.stderr


def test_the_configuration_knows_client_id_and_corrects_a_misspelling(tmp_path):
    (tmp_path / "o.ord").write_text(SINGLE + "\n")
    (tmp_path / "ordspec.toml").write_text('clientid = "1000000132"\n')
    r = run_cli("lint", "o.ord", cwd=tmp_path)
    assert r.returncode == 2 and b"did you mean 'client_id'" in r.stderr


def test_a_dry_run_shows_the_client_id_and_never_the_token(tmp_path):
    (tmp_path / "o.ord").write_text(SINGLE + "\n")
    r = run_cli("dispatch", "o.ord", "--broker", "dhan", "--dry-run", "--journal", tmp_path / "j.db", env=ENV, cwd=tmp_path)
    out = r.stdout.decode()
    assert r.returncode == 0, r.stderr
    assert "POST https://api.dhan.co/v2/forever/orders" in out
    assert "access-token: ***" in out and f"client-id: {CLIENT}" in out and TOKEN not in out


# -- dispatch against the paper broker ------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_leaks():
    with no_leaks():
        yield


def send(tmp_path, paper, text: str, *args, journal="j.db"):
    path = tmp_path / "orders.ord"
    path.write_text(text if text.endswith("\n") else text + "\n")
    return dispatch(path, paper.url, tmp_path / journal, "--broker", "dhan", "--as-of", "2025-10-01", *args, token=None, env=ENV)


def test_the_example_goes_through_the_paper_broker_once(tmp_path, paper):
    example = (ROOT / "examples" / "dhan.ord").read_text()
    first = send(tmp_path, paper, example, "--format", "json")
    assert first.code == 0, first
    states = [(r["operation"], r["state"], r["broker_id"]) for r in first.json()["results"]]
    assert states[:3] == [("place_forever", "confirmed", "5132208051112"), ("place_forever", "confirmed", "5132208051113"),
                          ("place_super_order", "confirmed", "5132208051114")]
    assert all(state == "confirmed" for _, state, _ in states)
    again = send(tmp_path, paper, example, "--format", "json")
    assert [r["state"] for r in again.json()["results"]][:6] == ["already"] * 6  # the reads (LIST) are sent again
    assert len(paper.orders("dhan")) == 3


def test_the_token_is_never_printed_nor_journaled(tmp_path, paper):
    paper.faults({"method": "POST", "path": "/forever/orders", "drop": "after"})
    runs = [send(tmp_path, paper, SINGLE + "\nCANCEL GTT 999\nLIST GTT", *fmt) for fmt in ((), ("--format", "json"))]
    assert all(TOKEN not in run.out + run.err for run in runs)
    assert TOKEN.encode() not in (tmp_path / "j.db").read_bytes()


def test_the_paper_broker_refuses_what_the_documents_refuse(tmp_path, paper):
    with httpx.Client(base_url=paper.url, timeout=10) as http:
        forever = body_of(SINGLE + " disclosed 2")
        forever["disclosedQuantity"] = 1  # 20% of 5
        r = http.post("/forever/orders", json=json.loads(json.dumps(forever, default=str)), headers=HEADERS)
        assert (r.status_code, r.json()["errorCode"]) == (400, "DH-905") and "30%" in r.json()["errorMessage"]
        wrong = json.loads(json.dumps(body_of(SUPER), default=str)) | {"stopLossPrice": 1550}
        r = http.post("/super/orders", json=wrong, headers=HEADERS)
        assert r.json()["errorMessage"] == "For BUY, stop loss price must be less than price"
        r = http.post("/super/orders", json=wrong, headers={"client-id": CLIENT})
        assert (r.status_code, r.json()["errorCode"]) == (401, "DH-901")
        r = http.delete("/forever/orders/999", headers=HEADERS)
        assert (r.status_code, r.json()["errorCode"], r.json()["errorType"]) == (400, "DH-906", "Order_Error")


def test_a_refusal_is_reported_with_its_code(tmp_path, paper):
    run = send(tmp_path, paper, "CANCEL GTT 999")
    assert run.code == 1 and "REJECTED" in run.out and "DH-906 Order_Error: order 999 not found" in run.out


def test_a_rate_limit_refusal_is_waited_out(tmp_path, paper):
    limited = {"errorType": "Rate_Limit", "errorCode": "DH-904", "errorMessage": "Too many requests"}
    paper.faults({"method": "POST", "path": "/super/orders", "status": 400, "body": limited, "times": 2})
    run = send(tmp_path, paper, SUPER)
    assert run.code == 0, run
    assert paper.count("POST", "/super/orders") == 3 and len(paper.orders("dhan")) == 1


def test_a_lost_super_order_answer_is_found_by_its_correlation_id_and_not_sent_again(tmp_path, paper):
    paper.faults({"method": "POST", "path": "/super/orders", "drop": "after"})
    run = send(tmp_path, paper, SUPER, "--format", "json")
    [result] = run.json()["results"]
    assert (run.code, result["state"], result["broker_id"]) == (0, "confirmed", "5132208051112"), run
    assert "found in Dhan's book, the same order" in result["message"]
    assert paper.count("POST", "/super/orders") == 1 and paper.count("GET", "/super/orders") == 1
    assert send(tmp_path, paper, SUPER).code == 0 and len(paper.orders("dhan")) == 1  # and later runs: already sent


def test_a_lost_forever_answer_stays_unknown_and_is_never_sent_again(tmp_path, paper):
    """The forever list documents no correlationId: the order cannot be told from another, so it is held."""
    paper.faults({"method": "POST", "path": "/forever/orders", "drop": "after"})
    first = send(tmp_path, paper, SINGLE)
    second = send(tmp_path, paper, SINGLE)
    assert (first.code, second.code) == (1, 1)
    assert "UNKNOWN" in first.out and "not sent again" in first.out and "correlationId" in first.out
    assert paper.count("POST", "/forever/orders") == 1 and len(paper.orders("dhan")) == 1


def test_a_lost_answer_for_an_order_held_by_another_stays_unknown(tmp_path, paper):
    with httpx.Client(base_url=paper.url, timeout=10) as http:
        other = json.loads(json.dumps(body_of(SUPER.replace("limit 1500", "limit 1510")), default=str))
        assert http.post("/super/orders", json=other, headers=HEADERS).status_code == 200
    paper.faults({"method": "POST", "path": "/super/orders", "drop": "before"})  # this one never arrives: no answer
    run = send(tmp_path, paper, SUPER)
    assert run.code == 1 and "UNKNOWN" in run.out and "did not find exactly this order" in run.out
    assert len(paper.orders("dhan")) == 1


def test_the_book_moves_a_super_order_and_its_legs_phase(tmp_path, paper):
    assert send(tmp_path, paper, SUPER).code == 0
    with httpx.Client(base_url=paper.url, timeout=10) as http:
        target_only = json.loads(json.dumps(body_of("MODIFY BRACKET 5132208051112 target 1610"), default=str))
        r = http.put("/super/orders/5132208051112", json=target_only, headers=HEADERS)
        assert r.json()["errorCode"] == "DH-906"  # the legs change once the entry traded
        moved = http.post("/_paper/prices", json=[{"symbol": "11536", "price": "1499"}]).json()["events"]
        assert ("filled", "entry") in {(e["event"], e["leg"]) for e in moved}
        [listed] = http.get("/super/orders", headers=HEADERS).json()
        assert listed["orderStatus"] == "TRADED"
        r = http.put("/super/orders/5132208051112", json=target_only, headers=HEADERS)
        assert (r.status_code, r.json()["orderStatus"]) == (200, "TRANSIT")
        http.post("/_paper/prices", json=[{"symbol": "11536", "price": "1390"}])
        [listed] = http.get("/super/orders", headers=HEADERS).json()
        assert listed["orderStatus"] == "CLOSED"
        assert {leg["legName"]: leg["orderStatus"] for leg in listed["legDetails"]} == {"STOP_LOSS_LEG": "TRADED", "TARGET_LEG": "CANCELLED"}


def test_the_book_triggers_a_forever_order(tmp_path, paper):
    assert send(tmp_path, paper, SINGLE).code == 0
    with httpx.Client(base_url=paper.url, timeout=10) as http:
        http.post("/_paper/prices", json=[{"symbol": "1333", "price": "1440"}, {"symbol": "1333", "price": "1426"}])
        [listed] = http.get("/forever/orders", headers=HEADERS).json()
    assert listed["orderStatus"] == "TRADED"


def test_listing_reads_both_books_into_neutral_records(tmp_path, paper):
    from ordspec.dispatch import answers
    from ordspec.dispatch.credentials import Credentials
    from ordspec.dispatch.transport import Transport

    text = SUPER + "\n" + "OCO SELL 10 HDFCBANK target 1600 limit 1610 sl 1410 limit 1400 product MTF security 1333"
    assert send(tmp_path, paper, text).code == 0
    headers = Credentials(compiler.get("dhan"), ENV, public={"client_id": CLIENT}).headers()
    transport = Transport(paper.url, headers, 0, 10)
    try:
        records = answers.get(compiler.get("dhan")).listing(transport)
    finally:
        transport.close()
    shown = [(r["kind"], r["side"], r["qty"], r["product"], r["segment"], r["price"], r.get("trigger"), r.get("target"), r.get("sl")) for r in records]
    assert shown == [
        ("OCO", "SELL", 10, "MTF", "CASH", Decimal("1610"), Decimal("1600"), None, None),
        ("OCO", "SELL", 10, "MTF", "CASH", Decimal("1400"), Decimal("1410"), None, None),
        ("BRACKET", "BUY", 5, "CNC", "CASH", Decimal("1500"), None, Decimal("1600"), Decimal("1400")),
    ]
    assert records[2]["ref"] == "tcs-super-01" and records[0]["ref"] is None  # the forever list carries no correlationId


def test_a_list_dhan_refuses_is_no_book_not_an_empty_one():
    """An unread book is not an empty one: plan would take every order for gone."""
    from ordspec.dispatch import answers

    class Refusing:
        def send(self, request):
            return type("Answer", (), {"status": 500, "payload": {"errorCode": "DH-908"}, "text": ""})()

    dhan = answers.get(compiler.get("dhan"))
    assert dhan.listing(Refusing()) is None


def test_the_client_id_is_a_capability_of_any_broker_whose_table_asks(monkeypatch):
    from ordspec.pipeline import UsageError
    from ordspec.pipeline.run import Run

    class Acme:
        name = "acme"

    monkeypatch.setenv("ORDSPEC_ACME_CLIENT_ID", "A1")
    assert Run().client_id_for(Acme) == "A1"  # ORDSPEC_<BROKER>_CLIENT_ID, by the broker's name
    assert Run(client_id="Z9").client_id_for(Acme) == "Z9"  # --client-id (or the configuration's) first
    monkeypatch.setenv("ORDSPEC_ACME_CLIENT_ID", "A 1")
    with pytest.raises(UsageError):
        Run().client_id_for(Acme)
    assert [b.name for b in compiler.brokers() if b.setting("client_id")] == ["dhan"]


def test_only_a_broker_that_searches_its_book_looks_for_a_lost_create():
    from ordspec.dispatch import answers

    assert answers.get(compiler.get("dhan")).finds_lost()
    held = answers.get(compiler.get("indstocks"))
    assert not held.finds_lost() and held.find_lost(None, None) == (None, None)
