"""Dhan on the wire: what the official client (dhanhq) sends, and what ordspec sends, for every
forever and super order form.

The client's side: each form's request is its golden (tests/golden/dhan-sdk), the client's own
behaviours that the back end must match or guard against are stated, and generated orders go
through the client intact. ordspec's side (the differential tests at the end): for every form,
`ordspec dispatch` sends the same request as the golden (method, path, content type, auth headers,
body parsed with numbers by value, and the client's key order); a statement of two legs sends
the two goldens, target first; and generated orders and leg changes, compiled and sent by
ordspec's own transport (and some whole batches through `ordspec dispatch`), are the same
requests as the client sends for them (see docs/brokers/kite-dhan-wire.md).
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest
from dhanhq import DhanHTTP
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ordspec import compiler
from ordspec.compiler.jsonout import dumps
from tests.conftest import DOC_DAY, compile_text, examples
from tests.wire import dhan, strategies
from tests.wire.answers import DHAN
from tests.wire.capture import Captured, CaptureServer, Route
from tests.wire.compare import parse_body, same_request
from tests.wire.goldens import folder, headers, load, record, sdk_capture, to_captured
from tests.wire.guard import no_network  # noqa: F401 (a fixture)
from tests.wire.orders import CREDENTIALS, Bracket, ForeverLeg, Gtt, SuperLeg, text
from tests.wire.ordspec_side import lint_statement, ordspec_capture

pytestmark = pytest.mark.usefixtures("no_network")

PROPERTY = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FORMS = sorted(dhan.FORMS)


@pytest.fixture(scope="module")
def server():
    """One capture server for the generated orders (each example takes its own request)."""
    with CaptureServer(routes=DHAN) as capture:
        yield capture


# -- goldens -----------------------------------------------------------------------------------


def test_every_form_has_its_golden_and_nothing_else_is_there():
    assert sorted(p.stem for p in folder("dhan").glob("*.json")) == FORMS


@pytest.mark.parametrize("name", FORMS)
def test_the_client_still_sends_exactly_its_golden(name):
    golden, form = load("dhan", name), dhan.FORMS[name]
    sent = sdk_capture("dhan", form.call)
    assert (sent.method, sent.path, [list(p) for p in sent.query]) == (golden["method"], golden["path"], golden["query"])
    assert headers(sent) == golden["headers"]
    assert sent.body.decode() == golden["raw_body"]  # byte for byte: key order, 0 defaults, float prices
    assert same_request(to_captured(golden), sent)
    assert golden["statement"] == form.statement


@pytest.mark.parametrize("name", FORMS)
def test_a_golden_body_is_its_raw_body_parsed(name):
    golden = load("dhan", name)
    assert dumps(record(to_captured(golden))["body"]) == dumps(golden["body"])  # numbers written as sent
    assert (golden["body"] is None) == (golden["raw_body"] == "")


# -- what the client does of its own (facts for the back end; docs/brokers/kite-dhan-wire.md) -----


def sent_by(call, routes=DHAN, suffix=""):
    with CaptureServer(routes=routes) as capture:
        answer = call(dhan.client(capture.url + suffix))
        return answer, capture.take()


def test_the_client_appends_endpoints_to_a_base_url_that_carries_v2():
    assert DhanHTTP.API_BASE_URL == "https://api.dhan.co/v2"
    _, (sent,) = sent_by(lambda d: d.get_forever(), routes=[Route("GET", "/v2/forever/orders", [])], suffix="/v2")
    assert sent.path == "/v2/forever/orders"  # plain concatenation: the path on the host is /v2/forever/orders


def test_the_client_reports_a_failure_instead_of_raising():
    answer, (sent,) = sent_by(lambda d: d.cancel_forever("1"), routes=[])
    assert sent.status == 404 and answer["status"] == "failure"
    with pytest.raises(AssertionError, match="failed request"):
        sent_by(lambda d: dhan.cancel_forever(d, "1"), routes=[])


def test_forever_create_sends_the_second_leg_and_disclosed_quantity_always_and_a_tag_only_when_given():
    _, (sent,) = sent_by(lambda d: d.place_forever("1333", "nse_eq", "buy", "cnc", "limit", 5, 1428, 1427, tag=""))
    body = parse_body(sent)
    assert [k for k in body] == [
        "orderFlag",
        "transactionType",
        "exchangeSegment",
        "productType",
        "orderType",
        "validity",
        "securityId",
        "quantity",
        "disclosedQuantity",
        "price",
        "triggerPrice",
        "price1",
        "triggerPrice1",
        "quantity1",
        "dhanClientId",
    ]
    assert (body["price1"].text, body["triggerPrice1"].text, body["quantity1"].text, body["disclosedQuantity"].text) == (
        "0.0",
        "0.0",
        "0",
        "0",
    )
    assert (body["transactionType"], body["exchangeSegment"], body["productType"]) == ("BUY", "NSE_EQ", "CNC")  # upper-cased


def test_forever_create_checks_nothing():
    _, (sent,) = sent_by(
        lambda d: d.place_forever("1333", "NSE_EQ", "SELL", "INTRADAY", "LIMIT", 5, 1428, 1427, order_flag="OCO")
    )
    body = parse_body(sent)
    assert (body["orderFlag"], body["productType"], body["price1"].text) == (
        "OCO",
        "INTRADAY",
        "0.0",
    )  # an OCO without its second leg


def test_forever_modify_coerces_nothing():
    _, (sent,) = sent_by(lambda d: d.modify_forever("9", "SINGLE", "LIMIT", "TARGET_LEG", "5", "1427.00", 1426, 0, "DAY"))
    body = parse_body(sent)
    assert (body["quantity"], body["price"], body["triggerPrice"].text) == ("5", "1427.00", "1426")


def test_super_order_create_refuses_a_price_of_zero_so_no_market_entry():
    d = dhan.client("http://127.0.0.1:9")
    with pytest.raises(ValueError):
        d.place_super_order("11536", "NSE_EQ", "BUY", 5, "MARKET", "CNC", 0, targetPrice=1600, stopLossPrice=1400)
    with pytest.raises(TypeError):  # the client's own examples/super_order.py passes target_price=, stop_loss_price=
        d.place_super_order("11536", "NSE_EQ", "BUY", 5, "MARKET", "CNC", 1500, target_price=1600, stop_loss_price=1400)


@pytest.mark.parametrize(
    "side, target, stop_loss", [("BUY", 1500, 1400), ("BUY", 1600, 1500), ("SELL", 1600, 1400), ("SELL", 1400, 1500)]
)
def test_super_order_create_checks_the_legs_sides(side, target, stop_loss):
    d = dhan.client("http://127.0.0.1:9")
    with pytest.raises(ValueError, match=f"For {side}"):
        d.place_super_order("11536", "NSE_EQ", side, 5, "LIMIT", "CNC", 1500, targetPrice=target, stopLossPrice=stop_loss)


def test_super_order_modify_sends_only_its_legs_fields():
    _, sent = sent_by(
        lambda d: [
            d.modify_super_order("7", "LIMIT", leg, 5, 1500, 1600, 1400, 10)
            for leg in ("ENTRY_LEG", "TARGET_LEG", "STOP_LOSS_LEG")
        ]
    )
    assert [list(parse_body(r)) for r in sent] == [
        ["orderId", "orderType", "legName", "quantity", "price", "targetPrice", "stopLossPrice", "trailingJump", "dhanClientId"],
        ["orderId", "legName", "targetPrice", "dhanClientId"],
        ["orderId", "legName", "stopLossPrice", "trailingJump", "dhanClientId"],
    ]


# -- generated orders through the client --------------------------------------------------------


def carries(order, body) -> None:
    """The parsed body says exactly the generated order (numbers by exact value)."""
    assert body["dhanClientId"] == dhan.CREDENTIALS.client_id
    assert body.get("correlationId") == order.ref
    assert (
        body["transactionType"],
        body["exchangeSegment"],
        body["productType"],
        body["securityId"],
        body["quantity"].value,
    ) == (order.side, dhan.segment(order), dhan.PRODUCTS[order.product], order.security, order.qty)
    if isinstance(order, Bracket):
        assert (
            body["orderType"],
            body["price"].value,
            body["targetPrice"].value,
            body["stopLossPrice"].value,
            body["trailingJump"].value,
        ) == ("LIMIT", order.price, order.target, order.stop_loss, order.trailing_jump)
        return
    if isinstance(order, Gtt):
        first, second, flag = (order.trigger, order.limit), (Decimal(0), Decimal(0)), "SINGLE"
        qty1 = 0
    else:
        first, second, flag, qty1 = (order.target, order.target_limit), (order.sl, order.sl_limit), "OCO", order.qty
    market = first[1] is None
    assert (body["orderFlag"], body["orderType"], body["validity"], body["disclosedQuantity"].value) == (
        flag,
        "MARKET" if market else "LIMIT",
        "DAY",
        0,
    )
    assert (body["triggerPrice"].value, body["price"].value) == (first[0], first[1] or 0)
    assert (body["triggerPrice1"].value, body["price1"].value, body["quantity1"].value) == (second[0], second[1] or 0, qty1)


@PROPERTY
@given(strategies.dhan_forever() | strategies.dhan_forever_oco() | strategies.dhan_super())
def test_a_generated_order_goes_through_the_client_intact(server, order):
    call = dhan.place_super if isinstance(order, Bracket) else dhan.place_forever
    sent = sdk_capture("dhan", lambda d: call(d, order), server)
    carries(order, parse_body(sent))
    assert same_request(to_captured(record(sent)), sent)  # and survives being written as a golden


@PROPERTY
@given(strategies.dhan_forever_leg() | strategies.dhan_super_leg())
def test_a_generated_leg_change_goes_through_the_client_intact(server, leg):
    if isinstance(leg, ForeverLeg):
        sent = sdk_capture("dhan", lambda d: dhan.modify_forever(d, leg), server)
        body = parse_body(sent)
        assert (
            sent.path,
            body["orderFlag"],
            body["legName"],
            body["quantity"].value,
            body["triggerPrice"].value,
            body["price"].value,
        ) == (f"/forever/orders/{leg.order_id}", leg.flag, leg.leg, leg.qty, leg.trigger, leg.limit or 0)
        assert body["orderType"] == ("MARKET" if leg.limit is None else "LIMIT")
        return
    sent = sdk_capture("dhan", lambda d: dhan.modify_super(d, leg), server)
    body = parse_body(sent)
    wanted = {
        "ENTRY_LEG": {
            "quantity": leg.qty,
            "price": leg.price,
            "targetPrice": leg.target,
            "stopLossPrice": leg.stop_loss,
            "trailingJump": leg.trailing_jump,
        },
        "TARGET_LEG": {"targetPrice": leg.target},
        "STOP_LOSS_LEG": {"stopLossPrice": leg.stop_loss, "trailingJump": leg.trailing_jump},
    }[leg.leg]
    assert (sent.path, body["orderId"], body["legName"]) == (f"/super/orders/{leg.order_id}", leg.order_id, leg.leg)
    assert {k: body[k].value for k in wanted} == wanted


@PROPERTY
@given(strategies.dhan_forever())
def test_a_trigger_one_tick_away_is_a_different_request(server, order):
    one = sdk_capture("dhan", lambda d: dhan.place_forever(d, order), server)
    other = sdk_capture("dhan", lambda d: dhan.place_forever(d, replace(order, trigger=order.trigger + Decimal("0.05"))), server)
    verdict = same_request(one, other)
    assert len(verdict.differences) == 1 and verdict.differences[0].startswith("body.triggerPrice: ")
    assert json.loads(one.body)["triggerPrice"] != json.loads(other.body)["triggerPrice"]


@PROPERTY
@given(strategies.dhan_forever() | strategies.dhan_forever_oco() | strategies.dhan_super())
def test_a_generated_order_is_a_statement_ordspec_accepts(order):
    quotes = {order.symbol: order.last_price} if getattr(order, "last_price", None) is not None else None
    assert lint_statement(order.statement(), quotes) == [], order.statement()


@pytest.mark.parametrize("name", FORMS)
def test_every_forms_statement_is_one_ordspec_accepts(name):
    statement = dhan.FORMS[name].statement
    assert lint_statement(statement) == [], statement


# -- ordspec against the client: the differential tests -----------------------------------------

ENV = CREDENTIALS.env("dhan")
AS_OF = ["--as-of", DOC_DAY.isoformat()]
DIFFERENTIAL = settings(PROPERTY, max_examples=examples(100))
THROUGH_DISPATCH = settings(PROPERTY, max_examples=examples(8))  # a subprocess each: several orders in each


def keys(r: Captured) -> list[str]:
    """The body's keys in the order they were sent (dhanhq: the order its call builds them, dhanClientId last)."""
    return list(json.loads(r.body)) if r.body else []


@pytest.mark.parametrize("name", FORMS)
def test_ordspec_dispatch_sends_the_clients_request_for_every_form(name):
    golden = load("dhan", name)
    [sent] = ordspec_capture(dhan.FORMS[name].statement, "dhan", ENV, args=AS_OF)
    assert same_request(to_captured(golden), sent)
    assert keys(sent) == list(golden["body"] or {})


@pytest.mark.parametrize(
    "statement, forms",
    [
        (f"MODIFY OCO {dhan.ID} qty 10 sl 1405 limit 1395 target 1605 limit 1615", ["modify-forever-oco-target", "modify-forever-oco-stop-loss"]),
        (f"MODIFY BRACKET {dhan.ID} sl 1395 target 1610", ["modify-super-target", "modify-super-stop-loss"]),
    ],
)
def test_a_statement_of_two_legs_sends_one_request_per_leg_target_first(statement, forms):
    sent = ordspec_capture(statement, "dhan", ENV, args=AS_OF)
    assert len(sent) == len(forms)
    for form, request in zip(forms, sent):
        assert same_request(to_captured(load("dhan", form)), request), form


def ordspec_sent(statements: str, server: CaptureServer, name: str = "t.ord"):
    """(what ordspec's transport, as dispatch uses it, sends for `statements`; the requests compiled)."""
    from ordspec.dispatch.credentials import Credentials
    from ordspec.dispatch.transport import Transport

    requests, diagnostics = compile_text(statements, broker="dhan", client_id=CREDENTIALS.client_id, name=name)
    assert requests, [str(d) for d in diagnostics]
    headers = Credentials(compiler.get("dhan"), ENV, public={"client_id": CREDENTIALS.client_id}).headers()
    transport = Transport(server.url, headers, 0, 10)
    server.take()
    try:
        for request in requests:
            transport.send(request)
    finally:
        transport.close()
    return server.take(), requests


def _placed_by_the_client(order, key: str, server) -> Captured:
    """The client's request for the order, tagged with ordspec's key for it (its ref, or the derived id)."""
    tagged = order if order.ref is not None else replace(order, ref=key)
    call = dhan.place_super if isinstance(order, Bracket) else dhan.place_forever
    return sdk_capture("dhan", lambda d: call(d, tagged), server)


@DIFFERENTIAL
@given(strategies.dhan_forever() | strategies.dhan_forever_oco() | strategies.dhan_super())
def test_a_generated_order_is_sent_as_the_client_sends_it(server, order):
    [sent], [request] = ordspec_sent(order.statement(), server)
    theirs = _placed_by_the_client(order, request.statement.key, server)
    assert same_request(theirs, sent), order.statement()
    assert keys(sent) == keys(theirs)
    assert json.loads(sent.body)["correlationId"] == (order.ref or request.statement.key)


def leg_statement(leg) -> tuple[str, str]:
    """(the statement changing the leg, its file name): YAML where only YAML can say it (an OCO leg at market)."""
    if isinstance(leg, SuperLeg):
        if leg.leg == "ENTRY_LEG":
            return f"MODIFY BRACKET {leg.order_id} qty {leg.qty} limit {text(leg.price)} target {text(leg.target)} sl {text(leg.stop_loss)}", "t.ord"
        if leg.leg == "TARGET_LEG":
            return f"MODIFY BRACKET {leg.order_id} target {text(leg.target)}", "t.ord"
        return f"MODIFY BRACKET {leg.order_id} sl {text(leg.stop_loss)}", "t.ord"
    if leg.flag == "SINGLE":
        order = f"limit {text(leg.limit)}" if leg.limit is not None else "market"
        return f"MODIFY GTT {leg.order_id} qty {leg.qty} trigger {text(leg.trigger)} {order}", "t.ord"
    word = "target" if leg.leg == "TARGET_LEG" else "sl"
    if leg.limit is not None:
        return f"MODIFY OCO {leg.order_id} qty {leg.qty} {word} {text(leg.trigger)} limit {text(leg.limit)}", "t.ord"
    market = "MARKET" if word == "target" else "SL_M"
    return f'orders:\n  - {{kind: OCO, action: MODIFY, id: "{leg.order_id}", qty: {leg.qty}, {word}: {{trigger: {text(leg.trigger)}, order_type: {market}}}}}\n', "t.yaml"


@DIFFERENTIAL
@given(strategies.dhan_forever_leg() | strategies.dhan_super_leg())
def test_a_generated_leg_change_is_sent_as_the_client_sends_it(server, leg):
    statement, name = leg_statement(leg)
    [sent], _ = ordspec_sent(statement, server, name)
    if isinstance(leg, ForeverLeg):
        theirs = sdk_capture("dhan", lambda d: dhan.modify_forever(d, leg), server)
    else:
        flat = replace(leg, trailing_jump=Decimal(0))  # the language has no trailing stop: ordspec sends 0
        theirs = sdk_capture("dhan", lambda d: dhan.modify_super(d, flat), server)
    assert same_request(theirs, sent), statement
    assert keys(sent) == keys(theirs)


@THROUGH_DISPATCH
@given(st.lists(strategies.dhan_forever() | strategies.dhan_forever_oco() | strategies.dhan_super(), min_size=1, max_size=6))
def test_a_generated_batch_goes_through_ordspec_dispatch_as_the_client_sends_it(server, batch):
    refs = [o.ref for o in batch if o.ref is not None]
    assume(len(refs) == len(set(refs)))
    statements = "\n".join(o.statement() for o in batch)
    _, requests = ordspec_sent(statements, server)  # (in-process: the keys ordspec derives)
    sent = ordspec_capture(statements, "dhan", ENV, args=AS_OF)
    assert len(sent) == len(batch)
    for order, request, mine in zip(batch, requests, sent):
        assert same_request(_placed_by_the_client(order, request.statement.key, server), mine), order.statement()
