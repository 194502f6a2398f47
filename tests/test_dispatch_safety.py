"""Dispatch never leaks and never misreports (issue 8), through the installed command against the paper broker.

Credentials are checked before anything is sent; a reused reference id is confirmed only for
the very same order; ids that a URL would read otherwise never leave; what a broker answers is
shown through the same control-character display as file text, GET and LIST answers are shown in
text output, and an answer of any shape is an outcome, never a traceback.
"""

from __future__ import annotations

import json

import httpx
import pytest

from tests.dispatch_helpers import SMALLCASE_SECRET, TOKEN, USER_JWT, dispatch, journal_cli, journal_rows, no_leaks, write

GROWW_CREATE = "/v1/order-advance/create"
GTT = "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC"


@pytest.fixture(autouse=True)
def _no_leaks():
    with no_leaks():
        yield


def groww_file(tmp_path, *lines, name="orders.ord"):
    return write(tmp_path, name, "broker groww", *lines)


# == credentials ===============================================================================

BAD_TOKENS = {
    "crlf-header-injection": "tok-SECRET-1234\r\nX-Injected: yes",
    "lf": "tok-SECRET-1234\nmore",
    "non-ascii": "tok-SECRET-1234-é",
    "tab": "tok-SECRET\t1234",
    "trailing-blank": "tok-SECRET-1234 ",
}


@pytest.mark.parametrize("dry", [False, True], ids=["dispatch", "dry-run"])
@pytest.mark.parametrize("kind", sorted(BAD_TOKENS))
def test_an_unusable_token_is_refused_before_anything_is_sent_naming_its_variable(tmp_path, paper, kind, dry):
    token = BAD_TOKENS[kind]
    path = groww_file(tmp_path, GTT)
    journal = tmp_path / "journal.sqlite"
    r = dispatch(path, paper.url, journal, *(["--dry-run"] if dry else []), token=token)
    assert r.code == 2, r
    assert "Traceback" not in r.err, r
    assert "ORDSPEC_TOKEN" in r.err, r
    for part in ("tok-SECRET", "1234", "X-Injected", "more"):
        assert part not in r.out + r.err, (part, r)
    assert paper.seen == [] and not journal.exists()


def test_the_variable_named_is_the_one_the_bad_value_came_from(tmp_path, paper):
    path = groww_file(tmp_path, GTT)
    r = dispatch(path, paper.url, tmp_path / "j.sqlite", token=TOKEN, env={"ORDSPEC_GROWW_TOKEN": "own\rtoken-value"})
    assert r.code == 2 and "ORDSPEC_GROWW_TOKEN holds a line break" in r.err, r
    assert "own" not in r.err.replace("ORDSPEC_GROWW_TOKEN", "") and paper.seen == []


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_dry_run_without_credentials_shows_the_requests_and_names_what_a_dispatch_needs(tmp_path, paper, fmt):
    path = write(tmp_path, "sc.ord", "broker smallcase", "SMALLCASE BUY SCET_0010")
    r = dispatch(path, paper.url, tmp_path / "j.sqlite", "--dry-run", "--gateway", "gw", "--format", fmt, token=None)
    assert r.code == 0, r
    if fmt == "json":
        plan = r.json()
        assert plan["missing_credentials"] == ["ORDSPEC_SMALLCASE_TOKEN or ORDSPEC_TOKEN", "ORDSPEC_SMALLCASE_SECRET"]
        assert plan["requests"][0]["headers"]["x-gateway-secret"] == "<unset: ORDSPEC_SMALLCASE_SECRET>"
        assert plan["requests"][0]["body"]["orderConfig"]["scid"] == "SCET_0010"
    else:
        assert "x-gateway-authtoken: <unset: ORDSPEC_SMALLCASE_TOKEN or ORDSPEC_TOKEN>" in r.out, r
        assert "***" not in r.out
        assert r.out.rstrip().endswith(
            "A real dispatch needs credentials from the environment: set ORDSPEC_SMALLCASE_TOKEN or ORDSPEC_TOKEN and ORDSPEC_SMALLCASE_SECRET."
        ), r
    # with them set, a set value is *** and nothing is said to be missing
    env = {"ORDSPEC_TOKEN": USER_JWT, "ORDSPEC_SMALLCASE_SECRET": SMALLCASE_SECRET}
    r = dispatch(path, paper.url, tmp_path / "j.sqlite", "--dry-run", "--gateway", "gw", env=env, token=None)
    assert "x-gateway-secret: ***" in r.out and "needs credentials" not in r.out, r
    assert paper.seen == []


# == a reused reference id =====================================================================

REUSED = {
    # what differs from the first order, and how the message names it
    "quantity": (GTT.replace("BUY 10", "BUY 20"), "quantity 10 there, 20 here"),
    "limit": (GTT.replace("limit 3990", "limit 3991"), "order.price 3990.00 there, 3991.00 here"),
    "trigger": (GTT.replace("3985", "3984"), "trigger_price 3985.00 there, 3984.00 here"),
    "direction": (GTT.replace("down", "up"), "trigger_direction DOWN there, UP here"),
    "side": (GTT.replace("BUY", "SELL"), "order.transaction_type BUY there, SELL here"),
    "product": (GTT.replace("CNC", "MIS"), "product_type CNC there, MIS here"),
    "exchange": (GTT + " exchange BSE", "exchange NSE there, BSE here"),
    "order-type": (GTT.replace("limit 3990", "market"), "order.order_type LIMIT there, MARKET here"),
}


@pytest.mark.parametrize("what", sorted(REUSED))
def test_a_reused_ref_on_another_order_is_an_error_naming_what_differs(tmp_path, paper, what):
    first = groww_file(tmp_path, GTT + " ref shared-0001", name="a.ord")
    assert dispatch(first, paper.url, tmp_path / "a.sqlite").code == 0
    [held] = paper.orders("groww")
    text, expected = REUSED[what]
    other = groww_file(tmp_path, text + " ref shared-0001", name="b.ord")  # another journal: another machine
    r = dispatch(other, paper.url, tmp_path / "b.sqlite", "--format", "json")
    assert r.code == 1, r
    [x] = r.json()["results"]
    assert x["state"] == "rejected", x
    assert held["id"] in x["message"] and expected in x["message"], x["message"]
    assert paper.orders("groww") == [held]
    [row] = journal_rows(tmp_path / "b.sqlite")
    assert row["state"] == "rejected" and row["broker_id"] is None


def test_a_reused_ref_on_another_oco_names_the_legs_that_differ(tmp_path, paper):
    oco = "OCO SELL 65 NIFTY30DEC26000CE target 180.5 limit 181 sl 95 position 130 product NRML ref nifty-exit-01"
    assert dispatch(groww_file(tmp_path, oco, name="a.ord"), paper.url, tmp_path / "a.sqlite").code == 0
    r = dispatch(groww_file(tmp_path, oco.replace("limit 181", "limit 182"), name="b.ord"), paper.url, tmp_path / "b.sqlite")
    assert r.code == 1 and "REJECTED" in r.out and "target.price 181.00 there, 182.00 here" in r.out, r


def test_the_same_order_under_its_ref_from_a_fresh_journal_is_confirmed_with_the_brokers_id(tmp_path, paper):
    path = groww_file(tmp_path, GTT + " ref shared-0001")
    assert dispatch(path, paper.url, tmp_path / "a.sqlite").code == 0
    [held] = paper.orders("groww")
    r = dispatch(path, paper.url, tmp_path / "b.sqlite", "--format", "json")
    assert r.code == 0, r
    [x] = r.json()["results"]
    assert (x["state"], x["broker_id"]) == ("confirmed", held["id"]) and "GA007" in x["message"]
    assert paper.orders("groww") == [held]


# == ids a URL would read otherwise ============================================================


@pytest.mark.parametrize("ident", ["..", ".", "gtt/91a7f4", "gtt?x=1", "gtt%2F1"])
def test_an_id_a_url_would_read_otherwise_is_never_sent(tmp_path, paper, ident):
    path = groww_file(tmp_path, f"CANCEL GTT {ident} segment CASH")
    r = dispatch(path, paper.url, tmp_path / "j.sqlite")
    assert r.code == 1 and "OS313 unsafe-id" in r.err and "nothing sent" in r.err, r
    assert paper.seen == []


@pytest.mark.parametrize("ident, encoded", [("..", "%2E%2E"), (".", "%2E"), ("a/b", "a%2Fb"), ("a.b", "a.b"), ("...", "...")])
def test_path_segments_are_percent_encoded_so_the_url_sent_is_the_one_compiled(ident, encoded):
    from ordspec.compiler.request import path

    compiled = path("/v1/order-advance/cancel/CASH/GTT/{id}", id=ident)
    assert compiled == f"/v1/order-advance/cancel/CASH/GTT/{encoded}"
    sent = httpx.Client(base_url="http://127.0.0.1:9").build_request("POST", compiled).url.raw_path.decode()
    assert sent == compiled  # httpx removes `.` and `..` steps only when they are not encoded


# == what a broker answers, shown =============================================================

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x9b31m"


def test_an_escape_sequence_in_a_broker_answer_never_reaches_the_terminal(tmp_path, paper):
    payload = {"smart_order_id": f"gtt_{ESCAPES}x", "status": "ACTIVE"}
    paper.faults(
        {"method": "POST", "path": GROWW_CREATE, "status": 201, "body": {"status": "SUCCESS", "payload": payload}},
        {"method": "POST", "path": GROWW_CREATE, "status": 400, "body": {"status": "FAILURE", "error": {"code": "GA001", "message": f"bad {ESCAPES}"}}},
    )
    path = groww_file(tmp_path, GTT + " ref first-0001", GTT.replace("3985", "3980") + " ref second-001")
    journal = tmp_path / "j.sqlite"
    r = dispatch(path, paper.url, journal)
    assert r.code == 1, r
    listed = journal_cli("list", journal=journal)
    for text in (r.out, r.err, listed.out):
        assert not any(c in text for c in "\x1b\x07\x9b"), repr(text)
    assert "gtt_␛[2J␛]0;pwned␇�31mx" in r.out and "bad ␛[2J" in r.out, r.out
    assert "gtt_␛[2J" in listed.out, listed
    as_json = dispatch(path, paper.url, tmp_path / "k.sqlite", "--format", "json")
    assert "\x9b" not in as_json.out and "\x1b" not in as_json.out
    assert json.loads(as_json.out)["results"][0]["broker_id"] is not None


def test_get_and_list_show_what_the_broker_answered_in_text(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    create = groww_file(tmp_path, "OCO SELL 65 NIFTY30DEC26000CE target 180.5 limit 181 sl 95 position 130 product NRML ref nifty-exit-01", name="c.ord")
    assert dispatch(create, paper.url, journal).code == 0
    [oco] = paper.orders("groww")
    reads = groww_file(tmp_path, f"GET OCO {oco['id']} segment FNO", "LIST OCO segment FNO status ACTIVE", name="r.ord")
    r = dispatch(reads, paper.url, journal)
    assert r.code == 0, r
    lines = [line.strip() for line in r.out.splitlines()]
    # GET: the order, field by field
    for field in (f"smart_order_id: {oco['id']}", "status: ACTIVE", "trading_symbol: NIFTY30DEC26000CE", "quantity: 65",
                  "target.trigger_price: 180.50", "target.price: 181.00", "stop_loss.order_type: SL_M"):
        assert field in lines, (field, r.out)
    # LIST: a table, one row per order
    header = next(line for line in lines if line.startswith("smart_order_id "))
    assert header.split() == ["smart_order_id", "smart_order_type", "status", "trading_symbol", "quantity", "target.trigger_price", "stop_loss.trigger_price", "created_at"]
    row = lines[lines.index(header) + 1].split()
    assert row[:5] == [oco["id"], "OCO", "ACTIVE", "NIFTY30DEC26000CE", "65"] and row[5:7] == ["180.50", "95.00"]
    assert "1 order" in lines


def test_codifi_list_shows_the_order_book_as_a_table(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    sip = write(tmp_path, "s.ord", "broker codifi",
                "SIP BUY 1 TCS-EQ daily start 2025-06-19 installments 3 name plan1 token 11536 product CNC registered 2025-05-19")
    assert dispatch(sip, paper.url, journal).code == 0
    r = dispatch(write(tmp_path, "l.ord", "broker codifi", "LIST SIP"), paper.url, journal)
    assert r.code == 0, r
    lines = [line.strip() for line in r.out.splitlines()]
    header = next(line for line in lines if line.startswith("internal.orderNo"))
    assert header.split()[:3] == ["internal.orderNo", "sipName", "internal.active"]
    assert lines[lines.index(header) + 1].split()[1:3] == ["plan1", "true"], r.out


# == answers of any shape ======================================================================

ANSWERS = {
    # fault on the first create; what the run must end with
    "html-503": ({"status": 503, "raw": "<html>Service Unavailable</html>"}, 0),  # Groww: retried, placed once
    "not-json-201": ({"status": 201, "raw": "OK"}, 0),
    "json-list-201": ({"status": 201, "body": [1, 2, 3]}, 0),
    "error-envelope-200": ({"status": 200, "body": {"status": "FAILURE", "error": {"code": "GA001", "message": "bad"}}}, 1),
    "payload-of-another-shape": ({"status": 201, "body": {"status": "SUCCESS", "payload": {"smart_order_id": {"x": [1]}}}}, 0),
    "success-without-an-id": ({"status": 201, "body": {"status": "SUCCESS", "payload": {}}}, 0),
    "undecodable-gzip": ({"status": 201, "raw": "not gzip", "headers": {"Content-Encoding": "gzip"}}, 0),
    "huge": ({"status": 201, "raw": "x" * 65536, "repeat": 160}, 0),  # 10 MiB
    "deep": ({"status": 201, "raw": "[" * 5000 + "]" * 5000}, 0),
}


@pytest.mark.parametrize("kind", sorted(ANSWERS))
def test_any_answer_is_an_outcome_never_a_traceback(tmp_path, paper, kind):
    fault, code = ANSWERS[kind]
    paper.faults({"method": "POST", "path": GROWW_CREATE, **fault})
    path = groww_file(tmp_path, GTT + " ref answer-0001")
    journal = tmp_path / "j.sqlite"
    r = dispatch(path, paper.url, journal, "--format", "json")
    assert "Traceback" not in r.err, r
    assert r.code == code, r
    [x] = r.json()["results"]
    placed = paper.orders("groww")
    if code == 0:  # the answer said nothing sure, so Groww (which deduplicates) was asked again
        assert x["state"] == "confirmed" and [o["id"] for o in placed] == [x["broker_id"]], x
    else:
        assert x["state"] == "rejected" and placed == [], x
    assert len(r.out) < 100_000  # a huge answer is not copied into the output


@pytest.mark.parametrize("kind", ["not-json-201", "huge", "deep"])
def test_an_unreadable_answer_at_a_broker_that_does_not_deduplicate_is_unknown(tmp_path, paper, kind):
    fault, _ = ANSWERS[kind]
    paper.faults({"method": "POST", "path": "/smart/order", **fault})
    path = write(tmp_path, "i.ord", "broker indstocks", "GTT BUY 10 RELIANCE trigger 1520 up limit 1522 product CNC security 2885")
    r = dispatch(path, paper.url, tmp_path / "j.sqlite")
    assert "Traceback" not in r.err, r
    assert r.code == 1 and "UNKNOWN" in r.out and "journal resolve" in r.out, r
    assert paper.count("POST", "/smart/order") == 1  # never sent twice


def test_an_order_under_the_ref_that_ordspec_cannot_compare_is_unknown_not_confirmed(tmp_path, paper):
    minimal = {"smart_order_id": "gtt_aaaaaa", "reference_id": "shared-0001", "smart_order_type": "GTT", "status": "ACTIVE"}
    paper.faults(
        {"method": "POST", "path": GROWW_CREATE, "status": 400, "body": {"status": "FAILURE", "error": {"code": "GA007", "message": "duplicate order reference id"}}},
        {"method": "GET", "path": "/v1/order-advance/list", "status": 200, "body": {"status": "SUCCESS", "payload": {"orders": [minimal]}}},
        {"method": "GET", "path": "/v1/order-advance/status/", "status": 200, "body": {"status": "SUCCESS", "payload": minimal}},
    )
    r = dispatch(groww_file(tmp_path, GTT + " ref shared-0001"), paper.url, tmp_path / "j.sqlite", "--format", "json")
    assert r.code == 1, r
    [x] = r.json()["results"]
    assert x["state"] == "unknown" and "gtt_aaaaaa" in x["message"] and "cannot compare" in x["message"], x
    assert paper.count("GET", "/v1/order-advance/status/CASH/GTT/internal/gtt_aaaaaa") == 1  # it asked for the whole order
