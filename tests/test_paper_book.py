"""The paper broker's book moves with POST /_paper/prices (the simulate engine over its stored orders),
and POST /_paper/orders/{id} sets a status: all through HTTP, against a paper broker on 127.0.0.1.

What is asserted is what each broker's own API then answers (Groww's GET and LIST) or what the
book holds (GET /_paper/orders), in that broker's words.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from tests.conftest import compile_text
from tests.dispatch_helpers import TOKEN, no_leaks

IST = timezone(timedelta(hours=5, minutes=30))
GROWW = {"Authorization": f"Bearer {TOKEN}", "X-API-VERSION": "1.0"}
INDSTOCKS = {"Authorization": TOKEN}
CODIFI = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def _no_leaks():
    with no_leaks():
        yield


@pytest.fixture
def http(paper):
    with httpx.Client(base_url=paper.url, timeout=10) as client:
        yield client


def body(dsl: str, broker: str) -> dict:
    from ordspec.compiler.jsonout import dumps

    requests, diagnostics = compile_text(f"broker {broker}\n{dsl}\n", broker=broker)
    assert requests, [d.message for d in diagnostics]
    return json.loads(dumps(requests[-1].body, indent=None))


def later(**delta) -> str:
    return (datetime.now(IST) + timedelta(**delta)).replace(tzinfo=None, microsecond=0).isoformat()


def feed(http, *ticks) -> list[dict]:
    r = http.post("/_paper/prices", json=[dict(zip(("symbol", "price", "time"), t)) for t in ticks])
    assert r.status_code == 200, r.text
    return r.json()["events"]


def groww_create(http, dsl: str) -> str:
    r = http.post("/v1/order-advance/create", json=body(dsl, "groww"), headers=GROWW)
    assert r.status_code == 201, r.text
    return r.json()["payload"]["smart_order_id"]


def groww_get(http, kind: str, segment: str, id: str) -> dict:
    r = http.get(f"/v1/order-advance/status/{segment}/{kind}/internal/{id}", headers=GROWW)
    assert r.status_code == 200, r.text
    return r.json()["payload"]


def groww_list(http, kind: str, status: str) -> list[str]:
    r = http.get("/v1/order-advance/list", params={"smart_order_type": kind, "status": status}, headers=GROWW)
    assert r.status_code == 200, r.text
    return [o["smart_order_id"] for o in r.json()["payload"]["orders"]]


GTT = "GTT BUY 10 TCS trigger 3985 down limit 3980 product CNC ref tcs-book-0001"
OCO = "OCO SELL 65 NIFTY30DEC26000CE target 180.5 limit 181 sl 95 position 130 product NRML ref oco-book-001"


def test_groww_gtt_goes_active_triggered_completed(http):
    gtt = groww_create(http, GTT)
    assert feed(http, ("TCS", "3995")) == []
    assert groww_get(http, "GTT", "CASH", gtt)["status"] == "ACTIVE"
    events = feed(http, ("TCS", "3984.50"))
    assert [(e["event"], e["price"]) for e in events] == [("triggered", "3984.50"), ("placed", "3980.00")]
    got = groww_get(http, "GTT", "CASH", gtt)
    assert got["status"] == "TRIGGERED" and got["triggered_at"] and not got["is_modification_allowed"]
    assert groww_list(http, "GTT", "TRIGGERED") == [gtt] and groww_list(http, "GTT", "ACTIVE") == []
    assert [(e["event"], e["price"], e["id"]) for e in feed(http, ("TCS", "3979"))] == [("filled", "3980.00", gtt)]
    assert groww_get(http, "GTT", "CASH", gtt)["status"] == "COMPLETED"
    assert feed(http, ("TCS", "3900")) == []  # a trigger fires once
    # and the broker's own rules hold on the moved book: a COMPLETED order cannot be cancelled
    r = http.post(f"/v1/order-advance/cancel/CASH/GTT/{gtt}", headers=GROWW)
    assert r.status_code == 400 and r.json()["error"]["code"] == "GA006"


def test_groww_oco_stop_loss_wins_and_cancels_the_target(http):
    oco = groww_create(http, OCO)
    events = feed(http, ("NIFTY30DEC26000CE", "120"), ("NIFTY30DEC26000CE", "94.10"))
    assert [(e["event"], e["leg"]) for e in events] == [("triggered", "sl"), ("placed", "sl"), ("filled", "sl"), ("cancelled", "target")]
    got = groww_get(http, "OCO", "FNO", oco)
    assert got["status"] == "COMPLETED" and "stop_loss filled" in got["remark"] and "target cancelled" in got["remark"]
    assert feed(http, ("NIFTY30DEC26000CE", "185")) == []


def test_prices_from_before_an_order_was_placed_do_not_move_it(http):
    gtt = groww_create(http, GTT)
    assert feed(http, ("TCS", "3900", later(days=-1))) == []
    assert groww_get(http, "GTT", "CASH", gtt)["status"] == "ACTIVE"


def test_a_placed_limit_not_filled_by_the_close_is_cancelled(http):
    gtt = groww_create(http, GTT)
    feed(http, ("TCS", "3984.00"))
    events = feed(http, ("TCS", "3990", later(days=2)))
    assert [(e["event"], e["price"]) for e in events] == [("unfilled", "3980.00")]
    assert events[0]["time"].endswith("T15:30:00+05:30")
    got = groww_get(http, "GTT", "CASH", gtt)
    assert got["status"] == "CANCELLED" and "not filled by the close" in got["remark"]


def test_an_untriggered_gtt_expires_after_a_year(http):
    gtt = groww_create(http, GTT)
    events = feed(http, ("TCS", "4000"), ("TCS", "4010", later(days=367)))
    assert [e["event"] for e in events] == ["expired"]
    assert groww_get(http, "GTT", "CASH", gtt)["status"] == "CANCELLED"


def test_a_modified_gtt_watches_its_new_trigger(http):
    gtt = groww_create(http, GTT)
    feed(http, ("TCS", "3995"))
    change = {"smart_order_type": "GTT", "segment": "CASH", "trigger_price": "3960.00", "trigger_direction": "DOWN",
              "order": {"order_type": "LIMIT", "price": "3955.00", "transaction_type": "BUY"}}
    assert http.put(f"/v1/order-advance/modify/{gtt}", json=change, headers=GROWW).status_code == 202
    assert feed(http, ("TCS", "3984")) == []  # the old trigger no longer fires
    assert [e["event"] for e in feed(http, ("TCS", "3955"))] == ["triggered", "placed", "filled"]


BRACKET = "BRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 limit 33 target 41 limit 42 product NRML security 51011"


def _book(paper, broker):
    return {o["kind"]: o for o in paper.orders(broker)}


def test_indstocks_children_activate_only_when_the_parent_executes(http, paper):
    r = http.post("/smart/order", json=body(BRACKET, "indstocks"), headers=INDSTOCKS)
    assert r.status_code == 200, r.text
    events = feed(http, ("51011", "41.50"))  # the entry (BUY limit 37) is placed, not reached; 41.50 is past the target
    assert [(e["event"], e["leg"]) for e in events] == [("placed", "entry")]
    book = _book(paper, "indstocks")
    assert book["LIMIT"]["status"] == "CREATED" and book["CHILD"]["status"] == "CREATED"
    events = feed(http, ("51011", "36.90"))
    assert [(e["event"], e["leg"]) for e in events][-3:] == [("filled", "entry"), ("activated", "target"), ("activated", "sl")]
    book = _book(paper, "indstocks")
    assert book["LIMIT"]["status"] == "EXECUTED" and book["CHILD"]["status"] == "ACTIVE"
    events = feed(http, ("51011", "42.10"))
    assert [(e["event"], e["leg"]) for e in events] == [("triggered", "target"), ("placed", "target"), ("filled", "target"), ("cancelled", "sl")]
    book = _book(paper, "indstocks")
    assert book["CHILD"]["status"] == "EXECUTED" and book["CHILD"]["data"]["executed_leg"] == "target"


def test_indstocks_cancelled_parent_leaves_its_child_inactive(http, paper):
    placed = http.post("/smart/order", json=body(BRACKET, "indstocks"), headers=INDSTOCKS).json()["data"]["order_data"][0]
    r = http.post("/smart/order/cancel", json={"order_id": placed["order_id"], "segment": "DERIVATIVE"}, headers=INDSTOCKS)
    assert r.status_code == 200, r.text
    assert feed(http, ("51011", "30"), ("51011", "45")) == []
    assert _book(paper, "indstocks")["CHILD"]["status"] == "CREATED"


def test_codifi_sip_counts_its_instalments(http, paper):
    dsl = "SIP BUY 1 TCS-EQ token 11536 weekly start 2025-10-06 installments 2 name AD product CNC registered 2025-09-19"
    r = http.post("/orders/sip/execute", json=body(dsl, "codifi"), headers=CODIFI)
    assert r.status_code == 200, r.text
    events = feed(http, ("11536", "3400", "2025-10-06T09:15:00"), ("TCS-EQ", "3410", "2025-10-08T09:15:00"),
                  ("TCS-EQ", "3390", "2025-10-13T09:15:00"), ("TCS-EQ", "3395", "2025-10-20T09:15:00"))
    assert [(e["event"], e["price"], e["why"]) for e in events] == [("installment", "3400", "1 of 2"), ("installment", "3390", "2 of 2")]
    book = http.get("/info/sip/orderbook", headers=CODIFI).json()["result"][0]["internal"]
    assert (book["period"], book["prevExecDate"], book["active"]) == ("2", "13102025", "false")
    assert paper.orders("codifi")[0]["status"] == "completed"


def test_set_a_status_directly(http):
    gtt = groww_create(http, GTT)
    r = http.post(f"/_paper/orders/{gtt}", json={"status": "TRIGGERED"})
    assert r.status_code == 200 and r.json() == {"broker": "groww", "id": gtt, "status": "TRIGGERED"}
    assert groww_get(http, "GTT", "CASH", gtt)["status"] == "TRIGGERED"
    assert feed(http, ("TCS", "3900")) == []  # set by hand: nothing the engine would move
    assert http.post(f"/_paper/orders/{gtt}", json={"status": "ACTIVE"}).status_code == 200
    assert [e["event"] for e in feed(http, ("TCS", "3900"))] == ["triggered", "placed", "filled"]


@pytest.mark.parametrize(
    "payload, status, words",
    [
        ({"status": "DONE"}, 400, "groww statuses are ACTIVE, TRIGGERED, COMPLETED, CANCELLED"),
        ({"state": "ACTIVE"}, 400, "send {"),
        ("ACTIVE", 400, "send {"),
    ],
)
def test_set_status_refuses_what_the_broker_would_not_say(http, payload, status, words):
    gtt = groww_create(http, GTT)
    r = http.post(f"/_paper/orders/{gtt}", json=payload)
    assert r.status_code == status and words in r.json()["error"]


def test_set_status_of_an_unknown_order(http):
    assert http.post("/_paper/orders/gtt_nope00", json={"status": "ACTIVE"}).status_code == 404


@pytest.mark.parametrize(
    "payload, words",
    [
        ([], "non-empty list"),
        ({"symbol": "TCS", "price": 1}, "non-empty list"),
        ([{"symbol": "TCS"}], "item 0: expected"),
        ([{"symbol": "TCS", "price": "1e3"}], "not a plain decimal"),
        ([{"symbol": "TCS", "price": True}], "decimal string or number"),
        ([{"symbol": "TCS", "price": "0"}], "not above zero"),
        ([{"symbol": "TC S", "price": "1"}], "not an ASCII symbol"),
        ([{"symbol": "TCS", "price": "1", "time": "yesterday"}], "is not a time"),
        ([{"symbol": "TCS", "price": "1", "time": "2025-10-02T10:00:00"}, {"symbol": "TCS", "price": "2", "time": "2025-10-01T10:00:00"}], "earlier than item 0"),
    ],
)
def test_bad_price_feeds_are_400s(http, payload, words):
    r = http.post("/_paper/prices", json=payload)
    assert r.status_code == 400 and words in r.json()["error"], r.text


def test_a_json_number_price_is_read_exactly(http):
    groww_create(http, GTT)
    r = http.post("/_paper/prices", content=b'[{"symbol": "TCS", "price": 3984.10000000000000001}]')
    assert r.status_code == 400 and "out of range" in r.json()["error"]  # refused, never rounded to 3984.1
    r = http.post("/_paper/prices", content=b'[{"symbol": "TCS", "price": 3984.12345678}]')
    assert r.json()["events"][0]["price"] == "3984.12345678"


def test_paper_and_engine_import_no_checking_code():
    """A stand-in broker that validated with the code it checks would prove nothing."""
    probe = (
        "import sys, json\n"
        "import ordspec.simulate.engine\n"
        "engine_only = sorted(m for m in sys.modules if m.startswith('ordspec.'))\n"
        "from ordspec.paper.server import Paper\n"
        "from ordspec.paper import book\nfrom ordspec.paper.brokers import groww\n"
        "p = Paper()\n"
        "b = {'reference_id': 'probe-0001', 'smart_order_type': 'GTT', 'segment': 'CASH', 'trading_symbol': 'TCS', 'quantity': 1,\n"
        "     'trigger_price': '10.00', 'trigger_direction': 'DOWN', 'order': {'order_type': 'LIMIT', 'price': '10.00', 'transaction_type': 'BUY'},\n"
        "     'product_type': 'CNC', 'exchange': 'NSE', 'duration': 'DAY'}\n"
        "assert groww.create(p.store, {}, {}, b)[0] == 201\n"
        "assert groww.listing(p.store, {}, {'smart_order_type': 'GTT'}, None)[0] == 200\n"
        "assert book.feed(p.store, b'[{\"symbol\": \"TCS\", \"price\": \"9\"}]')[0] == 200\n"
        "print(json.dumps({'engine': engine_only, 'all': sorted(sys.modules)}))\n"
    )
    out = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)
    checking = ("ordspec.rules", "ordspec.compiler", "ordspec.pipeline", "ordspec.grammar")
    assert [m for m in out["engine"] if m.startswith(checking)] == []
    assert [m for m in out["all"] if m.startswith(checking)] == []
