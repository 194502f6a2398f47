"""The paper broker, through HTTP: the four brokers' paths, envelopes, ids, documented errors,
state (get, list, order book) and its filters, the SIP state machine, persistence in --db,
and loopback-only binding.

Request bodies come from `ordspec compile` (so that they are the ones dispatch sends) or are
written out as the broker documents show them; each test serves its own paper broker.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from tests.conftest import compile_text, ordspec_command
from tests.dispatch_helpers import GUEST_JWT, SMALLCASE_SECRET, TOKEN, USER_JWT, no_leaks, wait_for

IST = timezone(timedelta(hours=5, minutes=30))

GROWW_HEADERS = {"Authorization": f"Bearer {TOKEN}", "X-API-VERSION": "1.0"}
INDSTOCKS_HEADERS = {"Authorization": TOKEN}
CODIFI_HEADERS = {"Authorization": f"Bearer {TOKEN}"}
SMALLCASE_HEADERS = {"x-gateway-secret": SMALLCASE_SECRET, "x-gateway-authtoken": USER_JWT}


@pytest.fixture(autouse=True)
def _no_leaks():
    with no_leaks():
        yield


@pytest.fixture
def http(paper):
    with httpx.Client(base_url=paper.url, timeout=10) as client:
        yield client


def body(dsl: str, broker: str) -> dict:
    """The JSON body `ordspec compile` gives this one statement (Decimals as JSON numbers or strings)."""
    from ordspec.compiler.jsonout import dumps

    gateway = "gw" if broker == "smallcase" else None
    requests, diagnostics = compile_text(f"broker {broker}\n{dsl}\n", broker=broker, gateway=gateway)
    assert requests, [d.message for d in diagnostics]
    return json.loads(dumps(requests[-1].body, indent=None))


def now_ist() -> datetime:
    return datetime.now(IST).replace(tzinfo=None, microsecond=0)


# == Groww =======================================================================================

GTT = "GTT BUY {qty} TCS trigger 3985 down limit 3990 product CNC ref {ref}"
OCO = "OCO SELL 65 NIFTY30DEC26000CE target 180.5 limit 181 sl 95 position 130 product NRML ref {ref}"


CREATE = "/v1/order-advance/create"


def gw(http, method: str, path: str, payload=None, headers=GROWW_HEADERS, **kw):
    """A request to the paper Groww API (JSON body, the documented headers unless told)."""
    return http.request(method, path, json=payload, headers=headers, **kw)


def groww_create(http, dsl: str, headers=GROWW_HEADERS):
    return gw(http, "POST", CREATE, body(dsl, "groww"), headers=headers)


def groww_ok(response) -> dict:
    assert 200 <= response.status_code < 300, response.text
    data = response.json()
    assert data["status"] == "SUCCESS", data
    return data["payload"]


def groww_error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    data = response.json()
    assert data["status"] == "FAILURE" and data["error"]["code"] == code, data
    return data["error"]["message"]


def test_groww_creates_gtt_and_oco_with_their_ids_and_envelope(http, paper):
    gtt = groww_ok(groww_create(http, GTT.format(qty=10, ref="paper-gtt-01")))
    assert re.fullmatch(r"gtt_[0-9a-f]{6}", gtt["smart_order_id"])
    assert gtt["status"] == "ACTIVE" and gtt["reference_id"] == "paper-gtt-01" and gtt["trigger_price"] == "3985.00"
    assert gtt["is_cancellation_allowed"] is True and gtt["is_modification_allowed"] is True
    assert gtt["created_at"] and gtt["expire_at"]
    oco = groww_ok(groww_create(http, OCO.format(ref="paper-oco-01")))
    assert re.fullmatch(r"oco_[0-9a-f]{6}", oco["smart_order_id"])
    assert oco["target"]["price"] == "181.00" and oco["stop_loss"]["order_type"] == "SL_M"
    state = {o["id"]: o for o in paper.orders("groww")}
    assert set(state) == {gtt["smart_order_id"], oco["smart_order_id"]}
    assert state[gtt["smart_order_id"]]["ref"] == "paper-gtt-01" and state[oco["smart_order_id"]]["kind"] == "OCO"


def test_groww_documented_errors(http, paper):
    gtt = body(GTT.format(qty=10, ref="paper-err-01"), "groww")
    # GA005: no token, or not a Bearer token
    for authorization in ({}, {"Authorization": TOKEN}, {"Authorization": "Bearer"}):
        headers = {**authorization, "X-API-VERSION": "1.0"}
        groww_error(gw(http, "POST", CREATE, gtt, headers=headers), 401, "GA005")
    # GA001: bad request (wrong API version, a missing field, a wrong type, not JSON, an OCO larger than the position)
    groww_error(gw(http, "POST", CREATE, gtt, headers={**GROWW_HEADERS, "X-API-VERSION": "2.0"}), 400, "GA001")
    groww_error(gw(http, "POST", CREATE, {k: v for k, v in gtt.items() if k != "quantity"}), 400, "GA001")
    groww_error(gw(http, "POST", CREATE, {**gtt, "quantity": "ten"}), 400, "GA001")
    groww_error(gw(http, "POST", CREATE, {**gtt, "smart_order_type": "BRACKET"}), 400, "GA001")
    groww_error(http.post("/v1/order-advance/create", content=b"{not json", headers=GROWW_HEADERS), 400, "GA001")
    oco = body(OCO.format(ref="paper-err-02"), "groww")
    groww_error(gw(http, "POST", CREATE, {**oco, "net_position_quantity": 10}), 400, "GA001")
    assert paper.orders() == []
    # GA007: a second order with the same reference_id
    first = groww_ok(gw(http, "POST", CREATE, gtt))
    again = gw(http, "POST", CREATE, {**gtt, "quantity": 11})
    assert "duplicate" in groww_error(again, 400, "GA007")
    assert [o["id"] for o in paper.orders("groww")] == [first["smart_order_id"]]
    # GA004: an id the broker does not have (get, modify, cancel), or in another segment or type
    groww_error(gw(http, "GET", "/v1/order-advance/status/CASH/GTT/internal/gtt_000000"), 404, "GA004")
    groww_error(gw(http, "GET", f"/v1/order-advance/status/FNO/GTT/internal/{first['smart_order_id']}"), 404, "GA004")
    groww_error(gw(http, "GET", f"/v1/order-advance/status/CASH/OCO/internal/{first['smart_order_id']}"), 404, "GA004")
    modify = body("MODIFY GTT gtt_000000 segment CASH qty 12", "groww")
    groww_error(gw(http, "PUT", "/v1/order-advance/modify/gtt_000000", modify), 404, "GA004")
    groww_error(gw(http, "POST", "/v1/order-advance/cancel/CASH/GTT/gtt_000000"), 404, "GA004")
    # an unknown path
    assert http.get("/v1/order-advance/nowhere", headers=GROWW_HEADERS).status_code == 404


def test_groww_get_modify_cancel_reflect_state(http):
    gtt = groww_ok(groww_create(http, GTT.format(qty=10, ref="paper-mod-01")))
    ident = gtt["smart_order_id"]
    status = f"/v1/order-advance/status/CASH/GTT/internal/{ident}"
    assert groww_ok(http.get(status, headers=GROWW_HEADERS))["quantity"] == 10

    modify = body(f"MODIFY GTT {ident} segment CASH qty 12 trigger 3980 down limit 3985 side BUY", "groww")
    changed = groww_ok(gw(http, "PUT", f"/v1/order-advance/modify/{ident}", modify))
    assert changed["smart_order_id"] == ident and changed["quantity"] == 12
    got = groww_ok(http.get(status, headers=GROWW_HEADERS))
    assert (got["quantity"], got["trigger_price"], got["order"]["price"]) == (12, "3980.00", "3985.00")
    assert got["product_type"] == "CNC"  # not modifiable, not changed

    # a GTT modified as an OCO: refused
    oco_modify = body(f"MODIFY OCO {ident} segment CASH qty 12", "groww")
    groww_error(gw(http, "PUT", f"/v1/order-advance/modify/{ident}", oco_modify), 400, "GA001")

    cancelled = groww_ok(gw(http, "POST", f"/v1/order-advance/cancel/CASH/GTT/{ident}"))
    assert cancelled["status"] == "CANCELLED"
    assert groww_ok(http.get(status, headers=GROWW_HEADERS))["status"] == "CANCELLED"
    groww_error(gw(http, "POST", f"/v1/order-advance/cancel/CASH/GTT/{ident}"), 400, "GA006")
    groww_error(gw(http, "PUT", f"/v1/order-advance/modify/{ident}", modify), 400, "GA006")


def test_groww_list_filters_and_pages(http):
    gtts = [groww_ok(groww_create(http, GTT.format(qty=q, ref=f"paper-lst-{q:02d}")))["smart_order_id"] for q in range(1, 6)]
    ocos = [groww_ok(groww_create(http, OCO.format(ref=f"paper-oco-{n:02d}")))["smart_order_id"] for n in range(1, 3)]
    groww_ok(gw(http, "POST", f"/v1/order-advance/cancel/CASH/GTT/{gtts[0]}"))

    def listing(**params):
        return http.get("/v1/order-advance/list", params=params, headers=GROWW_HEADERS)

    def ids(**params):
        return [o["smart_order_id"] for o in groww_ok(listing(**params))["orders"]]

    # documented defaults: OCO, ACTIVE, today
    assert ids() == ocos
    assert ids(smart_order_type="GTT") == gtts[1:]
    assert ids(smart_order_type="GTT", status="CANCELLED") == gtts[:1]
    assert ids(smart_order_type="GTT", segment="CASH") == gtts[1:]
    assert ids(smart_order_type="GTT", segment="FNO") == []
    assert ids(smart_order_type="OCO", segment="FNO") == ocos
    # the time window is inclusive, and only what was created in it
    now = now_ist()
    around = {"start_date_time": (now - timedelta(hours=1)).isoformat(), "end_date_time": (now + timedelta(hours=1)).isoformat()}
    assert ids(smart_order_type="GTT", **around) == gtts[1:]
    assert ids(smart_order_type="GTT", start_date_time="2025-01-16T09:15:00", end_date_time="2025-01-16T15:30:00") == []
    # pagination: page_size 2 over the four active GTTs, in creation order, each once
    pages = [ids(smart_order_type="GTT", page=p, page_size=2) for p in range(3)]
    assert pages == [gtts[1:3], gtts[3:5], []]
    assert ids(smart_order_type="GTT", page=0, page_size=50) == gtts[1:]
    assert ids(smart_order_type="GTT", page=500, page_size=1) == []
    assert ids(smart_order_type="GTT", page=0, page_size=1) == gtts[1:2]
    # the documented bounds: page 0..500, page_size 1..50, end not before start, at most one month
    for bad in (
        {"page": 501},
        {"page": -1},
        {"page_size": 0},
        {"page_size": 51},
        {"page": "first"},
        {"start_date_time": "2025-01-16T15:30:00", "end_date_time": "2025-01-16T09:15:00"},
        {"start_date_time": "2025-01-01T00:00:00", "end_date_time": "2025-02-15T00:00:00"},
        {"start_date_time": "16/01/2025"},
    ):
        groww_error(listing(smart_order_type="GTT", **bad), 400, "GA001")
    groww_error(http.get("/v1/order-advance/list", headers={"X-API-VERSION": "1.0"}), 401, "GA005")


# == INDstocks ====================================================================================

BRACKET = "BRACKET BUY 130 NIFTY30DEC26000CE limit 180 sl 170 limit 169.5 target 195 limit 196 product NRML security 51011"
TRIGGER = "GTT BUY 10 RELIANCE trigger 1520 up limit 1522 product CNC security 2885"


def ind(http, path: str, payload, headers=INDSTOCKS_HEADERS):
    return http.post(path, json=payload, headers=headers)


def ind_ok(response) -> dict:
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["status"] == "success", data
    return data["data"]


def ind_error(response, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    data = response.json()
    assert data["status"] == "error" and data["error_type"] == kind, data
    return data["message"]


def test_indstocks_places_parent_and_child_with_their_ids(http, paper):
    [bracket] = ind_ok(ind(http, "/smart/order", body(BRACKET, "indstocks")))["order_data"]
    assert re.fullmatch(r"DRV-\d+", bracket["order_id"]) and bracket["order_status"] == "CREATED"
    child = bracket["child_order_details"]
    assert re.fullmatch(r"GTT-\d+", child["order_id"]) and child["order_status"] == "CREATED"
    [trigger] = ind_ok(ind(http, "/smart/order", body(TRIGGER, "indstocks")))["order_data"]
    assert re.fullmatch(r"EQ-\d+", trigger["order_id"]) and "child_order_details" not in trigger
    assert int(trigger["order_id"][3:]) > int(bracket["order_id"][4:])  # one numbering for all parents
    kinds = {o["id"]: o["kind"] for o in paper.orders("indstocks")}
    assert kinds == {bracket["order_id"]: "LIMIT", child["order_id"]: "CHILD", trigger["order_id"]: "TRIGGER"}


def test_indstocks_documented_errors(http, paper):
    bracket = body(BRACKET, "indstocks")
    # TokenException: no token, or a "Bearer" one (INDstocks takes the bare token)
    for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}):
        ind_error(ind(http, "/smart/order", bracket, headers=headers), 403, "TokenException")
    # InputException naming the validation that failed
    cases = {
        "MinTgtLimitPrice": {"tgt_limit_price": 194},  # below the target trigger (195) of a BUY
        "MinTgtTriggerPrice": {"tgt_trigger_price": 179, "tgt_limit_price": 180},  # below the limit price
        "MaxSlTriggerPrice": {"sl_trigger_price": 181, "sl_limit_price": 180},  # above the limit price
        "MaxSlLimitPrice": {"sl_limit_price": 171},  # above the stop-loss trigger (170)
        "QtyMustBeAboveZero": {"qty": 0},
    }
    for name, change in cases.items():
        message = ind_error(ind(http, "/smart/order", {**bracket, **change}), 400, "InputException")
        assert message.startswith(name), (name, message)
    # mirrored for a SELL: the target below, the stop-loss above
    sell = {**bracket, "txn_type": "SELL", "sl_trigger_price": 190, "sl_limit_price": 191}
    sell.update(tgt_trigger_price=170, tgt_limit_price=171)
    message = ind_error(ind(http, "/smart/order", sell), 400, "InputException")
    assert message.startswith("MinTgtLimitPrice"), message
    ind_error(ind(http, "/smart/order", {**bracket, "segment": "COMMODITY"}), 400, "InputException")
    assert paper.orders() == []
    sell["tgt_limit_price"] = 169
    ind_ok(ind(http, "/smart/order", sell))


def test_indstocks_modify_and_cancel(http, paper):
    [placed] = ind_ok(ind(http, "/smart/order", body(BRACKET, "indstocks")))["order_data"]
    parent, child = placed["order_id"], placed["child_order_details"]["order_id"]
    modify = body(f"MODIFY BRACKET {parent} segment FNO qty 65 limit 181 sl 171 limit 170.5 target 196 limit 197", "indstocks")
    assert ind_ok(ind(http, "/smart/order/modify", modify)) == {"order_id": parent, "order_status": "MODIFIED"}
    state = {o["id"]: o for o in paper.orders("indstocks")}
    assert (state[parent]["data"]["qty"], state[parent]["data"]["limit_price"]) == (65, 181)
    # Order Type Mismatch: the order_type of a modify must be the order's own
    as_trigger = {"order_id": parent, "segment": "DERIVATIVE", "algo_id": "99999", "order_type": "TRIGGER", "qty": 65}
    as_trigger.update(trigger_price=181, trigger_limit_price=182)
    message = ind_error(ind(http, "/smart/order/modify", as_trigger), 400, "InputException")
    assert "Order Type Mismatch" in message
    # a modify that breaks a leg validation is refused, and changes nothing
    message = ind_error(ind(http, "/smart/order/modify", {**modify, "tgt_limit_price": 195}), 400, "InputException")
    assert message.startswith("MinTgtLimitPrice")
    assert {o["id"]: o for o in paper.orders("indstocks")}[parent]["data"]["tgt_limit_price"] == 197
    # an unknown id, or the right id in the wrong segment
    ind_error(ind(http, "/smart/order/modify", {**modify, "order_id": "DRV-1"}), 404, "NotFoundException")
    ind_error(ind(http, "/smart/order/modify", {**modify, "segment": "EQUITY"}), 404, "NotFoundException")
    # parent and child are cancelled separately
    cancel = body(f"CANCEL BRACKET {child} segment FNO", "indstocks")
    assert ind_ok(ind(http, "/smart/order/cancel", cancel)) == {"order_id": child, "order_status": "CANCELLED"}
    state = {o["id"]: o["status"] for o in paper.orders("indstocks")}
    assert state == {parent: "CREATED", child: "CANCELLED"}
    message = ind_error(ind(http, "/smart/order/cancel", cancel), 400, "InputException")
    assert message.startswith("OrderCannotBeCancelled")
    message = ind_error(ind(http, "/smart/order/cancel", {**cancel, "order_id": "GTT-1"}), 400, "InputException")
    assert message.startswith("OrderIdMissing")
    ind_error(ind(http, "/smart/order/modify", {**modify, "order_id": child, "order_type": "LIMIT"}), 400, "InputException")


def test_indstocks_allows_25_modifications(http):
    [placed] = ind_ok(ind(http, "/smart/order", body(TRIGGER, "indstocks")))["order_data"]
    ident = placed["order_id"]
    for n in range(25):
        modify = {"order_id": ident, "segment": "EQUITY", "algo_id": "99999", "order_type": "TRIGGER", "qty": 11 + n}
        modify.update(trigger_price=1530, trigger_limit_price=1532)
        ind_ok(ind(http, "/smart/order/modify", modify))
    modify["qty"] = 99
    ind_error(ind(http, "/smart/order/modify", modify), 400, "InputException")


# == Codifi =======================================================================================

SIP_QTY = "SIP BUY 1 TCS-EQ daily start 2025-06-19 installments 1 name AD token 11536 product CNC registered 2025-05-19"
SIP_VALUE = (
    "SIP BUY INR2000 TCS-EQ monthly start 2025-07-01 installments 12 name tcs-monthly"
    " token 11536 product CNC registered 2025-06-20"
)


def codifi(http, what: str, payload, headers=CODIFI_HEADERS):
    return http.post(f"/orders/sip/{what}", json=payload, headers=headers)


def codifi_ok(response):
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["status"] == "Ok" and data["message"] == "Success", data
    return data["result"]


def codifi_error(response, status: int = 400) -> str:
    assert response.status_code == status, response.text
    data = response.json()
    assert data["status"] == "Not_Ok" and data["result"] is None, data
    return data["message"]


def orderbook(http) -> dict:
    result = codifi_ok(http.get("/info/sip/orderbook", headers=CODIFI_HEADERS))
    return {sip["internal"]["orderNo"]: sip for sip in result}


def test_codifi_execute_gives_a_14_digit_order_number_and_the_order_book_shows_it(http):
    days = {now_ist().strftime("%y%m%d")}
    [first] = codifi_ok(codifi(http, "execute", body(SIP_QTY, "codifi")))
    [second] = codifi_ok(codifi(http, "execute", body(SIP_VALUE, "codifi")))
    days.add(now_ist().strftime("%y%m%d"))  # (a run across midnight in India)
    for number in (first["orderNo"], second["orderNo"]):
        assert re.fullmatch(r"\d{14}", number) and number[:6] in days, number
    assert first["orderNo"] != second["orderNo"]
    book = orderbook(http)
    assert list(book) == [first["orderNo"], second["orderNo"]]
    by_qty, by_value = book[first["orderNo"]], book[second["orderNo"]]
    plan = {k: by_qty[k] for k in ("regDate", "startDate", "frequency", "endPeriod", "sipName")}
    assert plan == {"regDate": "19-05-2025", "startDate": "19-06-2025", "frequency": "0", "endPeriod": "1", "sipName": "AD"}
    [scrip] = by_qty["scrips"]
    assert scrip == {
        "exchange": "NSE", "token": "11536", "tradingSymbol": "TCS-EQ", "product": "CNC",
        "qty": "1", "sipType": "qty", "price": None,
    }
    [scrip] = by_value["scrips"]
    assert (scrip["sipType"], scrip["price"], scrip["qty"]) == ("prc", "2000", None)
    assert by_value["frequency"] == "2" and by_value["internal"]["active"] == "true"
    assert by_qty["internal"]["prevExecDate"] == "0" and by_qty["internal"]["dueDate"] == "19-06-2025"


def test_codifi_documented_errors(http, paper):
    sip = body(SIP_QTY, "codifi")
    for headers in ({}, {"Authorization": TOKEN}):
        codifi_error(codifi(http, "execute", sip, headers=headers), 401)
    codifi_error(http.get("/info/sip/orderbook"), 401)
    codifi_error(codifi(http, "execute", {k: v for k, v in sip.items() if k != "scrips"}))
    codifi_error(codifi(http, "execute", {**sip, "frequency": 0}))
    assert paper.orders() == []
    for what in ("pause", "resume", "cancel"):
        assert "not found" in codifi_error(codifi(http, what, {"orderNo": "25042400000049"}))
        codifi_error(codifi(http, what, {"order": "25042400000049"}))
    codifi_error(codifi(http, "modify", {**sip, "orderNo": "25042400000049"}))  # not the whole SIP
    whole = {**sip, "orderNo": "25042400000049", "prevExecDate": "0", "period": "0", "active": "true"}
    whole.update(dueDate="19-06-2025", execDate="19-06-2025")
    assert "not found" in codifi_error(codifi(http, "modify", whole))


def test_codifi_pause_resume_cancel_state_machine(http):
    [sip] = codifi_ok(codifi(http, "execute", body(SIP_QTY, "codifi")))
    number = {"orderNo": sip["orderNo"]}

    def active():
        return orderbook(http)[sip["orderNo"]]["internal"]["active"]

    assert active() == "true"
    codifi_error(codifi(http, "resume", number))  # only a paused SIP resumes
    assert codifi_ok(codifi(http, "pause", number)) == [number]
    assert active() == "false"
    codifi_error(codifi(http, "pause", number))  # already paused
    assert codifi_ok(codifi(http, "resume", number)) == [number]
    assert active() == "true"
    modify = {  # the document's modify: the whole SIP, as the order book has it, with the changes
        **body(SIP_QTY, "codifi"), "orderNo": sip["orderNo"], "sipName": "renamed",
        "prevExecDate": "0", "dueDate": "19-06-2025", "execDate": "19-06-2025", "period": "0", "active": "true",
    }
    assert codifi_ok(codifi(http, "modify", modify)) is None
    assert orderbook(http)[sip["orderNo"]]["sipName"] == "renamed"
    assert codifi_ok(codifi(http, "cancel", number)) == [number]
    assert active() == "false"
    for what in ("pause", "resume", "cancel"):
        assert "cancelled" in codifi_error(codifi(http, what, number))
    codifi_error(codifi(http, "modify", modify))
    assert orderbook(http)[sip["orderNo"]]["sipName"] == "renamed"


# == smallcase ====================================================================================


def test_smallcase_transaction_ids_and_token_checks(http, paper):
    buy = body('SMALLCASE BUY SCET_0010 notes "first buy"', "smallcase")
    more = body('SMALLCASE INVESTMORE SCET_0010 iscid 5f58be2e0ae6815aef0d1118', "smallcase")
    path = "/gateway/gw/transaction"

    def error(response, status, text):
        assert response.status_code == status, response.text
        data = response.json()
        assert data["success"] is False and data["data"] is None and text in data["errors"], data

    for payload in (buy, more):
        done = http.post(path, json=payload, headers=SMALLCASE_HEADERS)
        assert done.status_code == 200, done.text
        data = done.json()
        assert data["success"] is True and data["errors"] is None
        assert re.fullmatch(r"TRX_[0-9a-f]{24}", data["data"]["transactionId"])
    # invalid_jwt: no secret, no token, a token that is not a JWT
    error(http.post(path, json=buy, headers={"x-gateway-authtoken": USER_JWT}), 401, "invalid_jwt")
    error(http.post(path, json=buy, headers={"x-gateway-secret": SMALLCASE_SECRET}), 401, "invalid_jwt")
    not_a_jwt = {"x-gateway-secret": SMALLCASE_SECRET, "x-gateway-authtoken": TOKEN}
    error(http.post(path, json=buy, headers=not_a_jwt), 401, "invalid_jwt")
    # a guest user's token: BUY only
    guest = {"x-gateway-secret": SMALLCASE_SECRET, "x-gateway-authtoken": GUEST_JWT}
    error(http.post(path, json=more, headers=guest), 401, "user_mismatch")
    sip_setup = {"intent": "SIP_SETUP", "orderConfig": {"iscid": "5f58be2e0ae6815aef0d1118"}}
    error(http.post(path, json=sip_setup, headers=guest), 401, "user_mismatch")
    assert http.post(path, json=buy, headers=guest).status_code == 200
    # a body that breaks the schema
    bad = http.post(path, json={"intent": "TRANSACTION", "orderConfig": {"type": "TELEPORT"}}, headers=SMALLCASE_HEADERS)
    assert bad.status_code == 400 and bad.json()["success"] is False
    orders = paper.orders("smallcase")
    assert [(o["kind"], o["status"], o["data"]["gateway"]) for o in orders] == [("TRANSACTION", "PENDING", "gw")] * 3


# == faults, state, persistence, binding ========================================================


def test_faults_apply_in_order_per_method_and_path(http, paper):
    gtt = body(GTT.format(qty=10, ref="paper-flt-01"), "groww")
    paper.faults(
        {"method": "POST", "path": "/smart/order", "status": 503},  # another broker's path: not this one
        {"method": "POST", "path": "/v1/order-advance/create", "status": 429, "retry_after": 7, "times": 2},
        {"method": "POST", "path": "/v1/order-advance/create", "drop": "before"},
        {"method": "POST", "path": "/v1/order-advance/create", "drop": "after"},
    )
    for _ in range(2):
        refused = gw(http, "POST", CREATE, gtt)
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "7"
        assert refused.json()["status"] == "FAILURE"
    with pytest.raises(httpx.TransportError):
        gw(http, "POST", CREATE, gtt)
    assert paper.orders() == []  # dropped before acting
    with pytest.raises(httpx.TransportError):
        gw(http, "POST", CREATE, gtt)
    assert [o["ref"] for o in paper.orders()] == ["paper-flt-01"]  # acted, then dropped
    groww_error(gw(http, "POST", CREATE, gtt), 400, "GA007")
    paper.clear_faults()
    ind_ok(ind(http, "/smart/order", body(TRIGGER, "indstocks")))
    assert http.get("/_paper/nothing").status_code == 404


@pytest.fixture
def paper_cli(tmp_path):
    """`ordspec paper-broker --port 0 --db PATH` as a process: start(), and every one is stopped."""
    processes = []

    def start(db):
        argv = [ordspec_command(), "paper-broker", "--port", "0", "--db", str(db)]
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        processes.append(process)
        line = process.stdout.readline().decode()
        found = re.search(r"http://(127\.0\.0\.1):(\d+)", line)
        assert found, line
        return process, found.group(0), int(found.group(2))

    yield start
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def test_state_persists_in_the_db_across_a_restart(tmp_path, paper_cli):
    db = tmp_path / "paper.sqlite"
    process, url, _ = paper_cli(db)
    with httpx.Client(base_url=url, timeout=10) as http:
        gtt = groww_ok(groww_create(http, GTT.format(qty=10, ref="paper-db-001")))
        [first] = ind_ok(ind(http, "/smart/order", body(TRIGGER, "indstocks")))["order_data"]
        [sip] = codifi_ok(codifi(http, "execute", body(SIP_QTY, "codifi")))
        codifi_ok(codifi(http, "pause", {"orderNo": sip["orderNo"]}))
        before = http.get("/_paper/orders").json()["orders"]
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0

    process, url, _ = paper_cli(db)
    with httpx.Client(base_url=url, timeout=10) as http:
        assert http.get("/_paper/orders").json()["orders"] == before
        got = groww_ok(gw(http, "GET", f"/v1/order-advance/status/CASH/GTT/internal/{gtt['smart_order_id']}"))
        assert got["reference_id"] == "paper-db-001"
        groww_error(groww_create(http, GTT.format(qty=10, ref="paper-db-001")), 400, "GA007")  # still a duplicate
        assert orderbook(http)[sip["orderNo"]]["internal"]["active"] == "false"
        codifi_ok(codifi(http, "resume", {"orderNo": sip["orderNo"]}))
        # numbering continues: no id is given twice
        [again] = ind_ok(ind(http, "/smart/order", body(TRIGGER, "indstocks")))["order_data"]
        assert int(again["order_id"][3:]) > int(first["order_id"][3:])
        [sip2] = codifi_ok(codifi(http, "execute", body(SIP_VALUE, "codifi")))
        assert sip2["orderNo"] != sip["orderNo"]


def _refused(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def test_binds_127_0_0_1_only(paper, paper_cli, tmp_path):
    assert paper.server.server_address[0] == "127.0.0.1"
    assert not _refused("127.0.0.1", paper.port)
    assert _refused("127.0.0.2", paper.port)  # another loopback address: not listening there
    _, url, port = paper_cli(tmp_path / "bind.sqlite")
    assert url.startswith("http://127.0.0.1:")
    assert not _refused("127.0.0.1", port)
    assert _refused("127.0.0.2", port)
    wait_for(lambda: paper._active == 0, "the probe connections to close")


# == bugs found ===================================================================================


def test_groww_list_with_an_offset_time_is_a_bad_request(http):
    groww_ok(groww_create(http, GTT.format(qty=10, ref="paper-tz-001")))
    for window in ({"start_date_time": "2025-01-16T09:15:00+05:30"}, {"end_date_time": "2099-01-01T00:00:00Z"}):
        response = http.get("/v1/order-advance/list", params={"smart_order_type": "GTT", **window}, headers=GROWW_HEADERS)
        groww_error(response, 400, "GA001")  # the documented format is YYYY-MM-DDThh:mm:ss


def test_smallcase_guest_with_a_malformed_order_config_is_refused(http, paper):
    guest = {"x-gateway-secret": SMALLCASE_SECRET, "x-gateway-authtoken": GUEST_JWT}
    response = http.post("/gateway/gw/transaction", json={"intent": "TRANSACTION", "orderConfig": "BUY"}, headers=guest)
    assert response.status_code in (400, 401) and response.json()["success"] is False
    assert paper.orders() == []
