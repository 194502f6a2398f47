"""Kite through `ordspec dispatch` and the paper broker: GTTs placed, read, modified from the state
they were read into, deleted; Kite's documented refusals; a lost answer searched for in the GTT
list and never sent again; the paper book moving a GTT with prices.

Every request goes over HTTP to a paper broker on 127.0.0.1 (tests/dispatch_helpers.PaperBroker).
"""

from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import DATA, DOC_DAY
from tests.dispatch_helpers import TOKEN, dispatch, journal_rows, no_leaks, write

KEY = "kite-KEY-7f3a91"
ENV = {"ORDSPEC_KITE_API_KEY": KEY}
HEADERS = {"Authorization": f"token {KEY}:{TOKEN}", "X-Kite-Version": "3"}
QUOTES = str(DATA / "kite-quotes.csv")
SINGLE = "GTT BUY 1 INFY trigger 702 down limit 702.5 product CNC"
TWO_LEG = "OCO SELL 75 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 limit 94 product NRML"


@pytest.fixture(autouse=True)
def _no_leaks():
    with no_leaks():
        yield


@pytest.fixture
def http(paper):
    with httpx.Client(base_url=paper.url, timeout=10, headers=HEADERS) as client:
        yield client


def send(paper, tmp_path, *lines, journal="j.db", state=None):
    path = write(tmp_path, "orders.ord", "broker kite", *lines)
    extra = ["--quotes", QUOTES, "--format", "json"] + (["--state", state] if state else [])
    return dispatch(path, paper.url, tmp_path / journal, *extra, env=ENV, as_of=DOC_DAY.isoformat())


def test_gtts_are_placed_read_modified_from_that_reading_and_deleted(paper, http, tmp_path):
    run = send(paper, tmp_path, SINGLE, TWO_LEG)
    assert run.code == 0, run
    assert [(r["state"], r["broker_id"]) for r in run.json()["results"]] == [("confirmed", "123"), ("confirmed", "124")]
    state = tmp_path / "gtt.json"
    state.write_text(http.get("/gtt/triggers/123").text)  # what `GET GTT 123` answers: the --state of its modify
    run = send(paper, tmp_path, "MODIFY GTT 123 qty 4 trigger 700 limit 700.5", state=state)
    assert run.code == 0, run
    held = http.get("/gtt/triggers/123").json()["data"]
    assert (held["condition"]["trigger_values"], held["orders"][0]["quantity"], held["orders"][0]["price"]) == ([700.0], 4, 700.5)
    assert held["condition"]["last_price"] == 798.0 and held["orders"][0]["product"] == "CNC"
    run = send(paper, tmp_path, "CANCEL GTT 123", "GET GTT 124", "LIST GTT")
    assert run.code == 0, run
    results = run.json()["results"]
    assert results[1]["data"]["type"] == "two-leg" and results[1]["data"]["condition"]["exchange"] == "NFO"
    assert {g["id"]: g["status"] for g in results[2]["data"]} == {123: "deleted", 124: "active"}
    assert send(paper, tmp_path, SINGLE, TWO_LEG).code == 0 and paper.count("POST", "/gtt/triggers") == 2  # nothing twice


def test_the_text_output_lists_gtts_as_a_table(paper, tmp_path):
    assert send(paper, tmp_path, SINGLE).code == 0
    path = write(tmp_path, "list.ord", "broker kite", "LIST GTT")
    run = dispatch(path, paper.url, tmp_path / "j.db", env=ENV)
    assert run.code == 0, run
    assert "condition.tradingsymbol" in run.out and "INFY" in run.out and "1 order" in run.out


def post(http, kind="single", condition=None, orders=None, headers=None):
    condition = {"exchange": "NSE", "tradingsymbol": "INFY", "trigger_values": [702.0], "last_price": 798.0, **(condition or {})}
    order = {"exchange": "NSE", "tradingsymbol": "INFY", "transaction_type": "BUY", "quantity": 1, "order_type": "LIMIT", "product": "CNC", "price": 702.5}
    fields = {"condition": json.dumps(condition), "orders": json.dumps(orders or [order]), "type": kind}
    return http.post("/gtt/triggers", data=fields, headers=headers)


ORDER = {"exchange": "NSE", "tradingsymbol": "INFY", "transaction_type": "BUY", "quantity": 1, "order_type": "LIMIT", "product": "CNC", "price": 702.5}
REFUSALS = [
    ("market", {"orders": [{**ORDER, "order_type": "MARKET"}]}, 400, "InputException"),
    ("intraday", {"orders": [{**ORDER, "product": "MIS"}]}, 400, "InputException"),
    ("nrml-on-nse", {"orders": [{**ORDER, "product": "NRML"}]}, 400, "InputException"),
    ("too-close", {"condition": {"trigger_values": [797.0]}}, 400, "InputException"),
    ("two-leg-outside", {"kind": "two-leg", "condition": {"trigger_values": [700.0, 790.0]}, "orders": [ORDER, ORDER]}, 400, "InputException"),
    ("count", {"kind": "two-leg"}, 400, "InputException"),
    ("no-last-price", {"condition": {"last_price": None}}, 400, "InputException"),
    ("not-a-number", {"condition": {"last_price": float("nan")}}, 400, "InputException"),
    ("no-token", {"headers": {"Authorization": "Bearer x"}}, 403, "TokenException"),
    ("no-version", {"headers": {"X-Kite-Version": "2"}}, 400, "InputException"),
]


@pytest.mark.parametrize("name, change, status, kind", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_the_paper_broker_refuses_what_kite_refuses(http, name, change, status, kind):
    r = post(http, change.get("kind", "single"), change.get("condition"), change.get("orders"), change.get("headers"))
    assert r.status_code == status, r.text
    assert r.json()["status"] == "error" and r.json()["error_type"] == kind and r.json()["message"]


def test_a_json_body_or_an_unknown_gtt_is_refused(http):
    r = http.post("/gtt/triggers", json={"type": "single"})
    assert (r.status_code, r.json()["error_type"]) == (400, "InputException")
    assert http.get("/gtt/triggers/999").status_code == 404
    assert http.put("/gtt/triggers/999", data={"type": "single"}).status_code == 404
    assert post(http).status_code == 200
    assert http.delete("/gtt/triggers/123").json()["data"] == {"trigger_id": 123}
    assert http.delete("/gtt/triggers/123").status_code == 400  # deleted already
    assert http.put("/gtt/triggers/123", data={"type": "single"}).json()["message"].endswith("only an active GTT can be modified")


def test_an_account_holds_at_most_250_active_gtts(http):
    for _ in range(250):
        assert post(http).status_code == 200
    r = post(http)
    assert (r.status_code, r.json()["error_type"]) == (400, "InputException") and "250" in r.json()["message"]
    assert http.delete("/gtt/triggers/123").status_code == 200
    assert post(http).status_code == 200  # a deleted GTT is not active


# -- a lost answer -------------------------------------------------------------------------------


def test_a_lost_create_is_found_whole_in_the_gtt_list_and_not_sent_again(paper, tmp_path):
    paper.faults({"method": "POST", "path": "/gtt/triggers", "drop": "after"})  # Kite placed it; the answer is lost
    run = send(paper, tmp_path, SINGLE)
    assert run.code == 0, run
    [result] = run.json()["results"]
    assert (result["state"], result["broker_id"]) == ("confirmed", "123")
    assert "found in Zerodha Kite's book" in result["message"]
    assert paper.count("POST", "/gtt/triggers") == 1 and paper.count("GET", "/gtt/triggers") == 1
    assert [r["state"] for r in journal_rows(tmp_path / "j.db")] == ["confirmed"]


def test_a_lost_create_not_in_the_list_stays_unknown_and_is_never_resent(paper, tmp_path):
    paper.faults({"method": "POST", "path": "/gtt/triggers", "drop": "before"})  # not placed, but ordspec cannot know
    run = send(paper, tmp_path, SINGLE)
    assert run.code == 1 and run.json()["results"][0]["state"] == "unknown"
    assert "did not find exactly this order" in run.json()["results"][0]["message"]
    again = send(paper, tmp_path, SINGLE)
    assert again.code == 1 and again.json()["results"][0]["state"] == "unknown"
    assert paper.count("POST", "/gtt/triggers") == 1 and paper.count("GET", "/gtt/triggers") == 2  # searched twice, sent once


def test_a_later_run_finds_what_an_earlier_one_could_not(paper, tmp_path):
    paper.faults({"method": "POST", "path": "/gtt/triggers", "drop": "after"}, {"method": "GET", "path": "/gtt/triggers", "status": 503})
    assert send(paper, tmp_path, SINGLE).json()["results"][0]["state"] == "unknown"
    run = send(paper, tmp_path, SINGLE)
    assert run.code == 0 and (run.json()["results"][0]["state"], run.json()["results"][0]["broker_id"]) == ("confirmed", "123")
    assert paper.count("POST", "/gtt/triggers") == 1


def test_two_gtts_alike_are_never_told_apart_by_a_guess(paper, tmp_path):
    assert send(paper, tmp_path, SINGLE).code == 0  # GTT 123, confirmed in the journal
    paper.faults({"method": "POST", "path": "/gtt/triggers", "drop": "before"})
    run = send(paper, tmp_path, SINGLE, SINGLE)  # the second is a new order (the same again): its answer is lost
    assert [r["state"] for r in run.json()["results"]] == ["already", "unknown"]  # 123 is the first's, not the second's
    paper.faults({"method": "POST", "path": "/gtt/triggers", "drop": "after"})
    path = write(tmp_path, "third.ord", "broker kite", SINGLE, SINGLE, SINGLE)
    run = dispatch(path, paper.url, tmp_path / "j.db", "--quotes", QUOTES, "--format", "json", env=ENV, as_of=DOC_DAY.isoformat())
    assert [r["state"] for r in run.json()["results"]] == ["already", "unknown", "unknown"]  # 124 placed, but two alike now: unknown


# -- the book moves with prices ------------------------------------------------------------------


def test_a_gtt_triggers_when_the_price_reaches_it(paper, http, tmp_path):
    assert send(paper, tmp_path, SINGLE, TWO_LEG).code == 0
    moved = http.post("/_paper/prices", json=[{"symbol": "INFY", "price": "790"}, {"symbol": "INFY", "price": "701.5"},
                                              {"symbol": "NIFTY25OCT24000CE", "price": "110"}])
    assert moved.status_code == 200, moved.text
    assert [(e["broker"], e["event"]) for e in moved.json()["events"]][:2] == [("kite", "triggered"), ("kite", "placed")]
    assert http.get("/gtt/triggers/123").json()["data"]["status"] == "triggered"
    assert http.get("/gtt/triggers/124").json()["data"]["status"] == "active"
    assert http.post("/_paper/orders/124", json={"status": "disabled"}).json()["status"] == "disabled"
    assert http.post("/_paper/orders/124", json={"status": "ACTIVE"}).status_code == 400  # Kite's words only


def test_dispatch_without_the_api_key_names_it(paper, tmp_path):
    path = write(tmp_path, "orders.ord", "broker kite", "LIST GTT")
    run = dispatch(path, paper.url, tmp_path / "j.db")
    assert run.code == 2 and "ORDSPEC_KITE_API_KEY" in run.err and TOKEN not in run.err + run.out
