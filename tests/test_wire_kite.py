"""Zerodha Kite on the wire: what the official client (kiteconnect) sends, for every GTT form,
and what `ordspec dispatch --broker kite` sends for the same statement.

The client's side: each form's request is its golden (tests/golden/kite-sdk), the client's own
behaviours that the back end must match or guard against are stated, and generated orders go
through the client intact. ordspec's side: `ordspec_capture(form.statement, "kite", ...)` gives
`same_request` with the golden for every form of kite.FORMS (and the very bytes), and with the
client's capture for generated orders of strategies.kite_gtt / kite_oco, created and modified
(a modify merged from --state, the GET answer; see docs/brokers/kite-dhan-wire.md).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from kiteconnect import KiteConnect

from ordspec.compiler.jsonout import dumps
from tests.conftest import DOC_DAY, examples
from tests.wire import kite, strategies
from tests.wire.answers import KITE, KITE_GTT, KITE_TRIGGER_ID
from tests.wire.capture import CaptureServer
from tests.wire.compare import Number, parse_body, same_request
from tests.wire.goldens import folder, headers, load, record, sdk_capture, to_captured
from tests.wire.guard import no_network  # noqa: F401 (a fixture)
from tests.wire.orders import CREDENTIALS, Gtt, text
from tests.wire.ordspec_side import lint_statement, ordspec_capture

pytestmark = pytest.mark.usefixtures("no_network")

PROPERTY = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FORMS = sorted(kite.FORMS)


@pytest.fixture(scope="module")
def server():
    """One capture server for the generated orders (each example takes its own request)."""
    with CaptureServer(routes=KITE) as capture:
        yield capture


# -- goldens -----------------------------------------------------------------------------------


def test_every_form_has_its_golden_and_nothing_else_is_there():
    assert sorted(p.stem for p in folder("kite").glob("*.json")) == FORMS


@pytest.mark.parametrize("name", FORMS)
def test_the_client_still_sends_exactly_its_golden(name):
    golden, form = load("kite", name), kite.FORMS[name]
    sent = sdk_capture("kite", form.call)
    assert (sent.method, sent.path, [list(p) for p in sent.query]) == (golden["method"], golden["path"], golden["query"])
    assert headers(sent) == golden["headers"]
    assert sent.body.decode() == golden["raw_body"]  # byte for byte: json.dumps separators, key and field order
    assert same_request(to_captured(golden), sent)
    assert golden["statement"] == form.statement


@pytest.mark.parametrize("name", FORMS)
def test_a_golden_body_is_its_raw_body_parsed(name):
    golden = load("kite", name)
    assert dumps(record(to_captured(golden))["body"]) == dumps(golden["body"])  # numbers written as sent
    assert (golden["body"] is None) == (golden["raw_body"] == "")


# -- what the client does of its own (facts for the back end; docs/brokers/kite-dhan-wire.md) -----


def captured(call, root_suffix=""):
    with CaptureServer(routes=KITE) as server:
        call(KiteConnect("kite-api-key-7f3a", access_token="acc-TOKEN-wire-5e6f7a8b9c0d", root=server.url + root_suffix))
        (sent,) = server.take()
    return sent


ORDER = {"transaction_type": "SELL", "quantity": 1, "order_type": "LIMIT", "product": "CNC", "price": 480}


def test_the_client_drops_any_path_on_its_root():
    sent = captured(lambda k: k.get_gtts(), root_suffix="/kite/v3")  # urljoin with an absolute route
    assert sent.path == "/gtt/triggers"


def test_the_client_sends_trigger_values_in_the_order_given_and_never_checks_it():
    sent = captured(lambda k: k.place_gtt("two-leg", "SBIN", "NSE", [480, 470], 473, [ORDER, {**ORDER, "price": 470}]))
    body = parse_body(sent)
    assert body["condition"]["trigger_values"] == [Number("480"), Number("470")]
    assert [o["price"] for o in body["orders"]] == [Number("480.0"), Number("470.0")]


def test_the_client_coerces_price_to_float_and_quantity_to_int_and_nothing_else():
    sent = captured(lambda k: k.place_gtt("single", "SBIN", "NSE", [470], 473, [{**ORDER, "quantity": "2", "price": "470.5"}]))
    condition, (order,) = parse_body(sent)["condition"], parse_body(sent)["orders"]
    assert (condition["trigger_values"][0].text, condition["last_price"].text) == ("470", "473")  # as given: ints stay ints
    assert (order["quantity"].text, order["price"].text) == ("2", "470.5")
    with pytest.raises(TypeError):  # a Decimal is not JSON to json.dumps: callers pass floats
        KiteConnect("k").place_gtt("single", "SBIN", "NSE", [Decimal("470")], 473, [ORDER])


def test_the_client_copies_the_condition_exchange_and_symbol_into_every_order():
    sent = captured(
        lambda k: k.place_gtt("single", "SBIN", "NSE", [470], 473, [{**ORDER, "exchange": "BSE", "tradingsymbol": "X"}])
    )
    assert {(o["exchange"], o["tradingsymbol"]) for o in parse_body(sent)["orders"]} == {("NSE", "SBIN")}


def test_the_client_lets_a_market_order_through_though_the_documents_allow_limit_only():
    sent = captured(lambda k: k.place_gtt("single", "SBIN", "NSE", [470], 473, [{**ORDER, "order_type": "MARKET", "price": 0}]))
    assert parse_body(sent)["orders"][0]["order_type"] == "MARKET"
    with pytest.raises(ValueError, match="LIMIT orders only"):
        kite.payload(replace(kite.INFY, limit=None))


def test_modify_checks_no_trigger_type_where_place_asserts_one():
    sent = captured(lambda k: k.modify_gtt(123, "one-leg", "SBIN", "NSE", [470], 473, [ORDER]))
    assert parse_body(sent)["type"] == "one-leg"
    with pytest.raises(AssertionError):
        KiteConnect("k").place_gtt("one-leg", "SBIN", "NSE", [470], 473, [ORDER])


# -- generated orders through the client --------------------------------------------------------


def carries(order, sent) -> None:
    """The parsed body says exactly the generated order (numbers by exact value)."""
    body = parse_body(sent)
    legs = [(order.trigger, order.limit)] if hasattr(order, "trigger") else kite.legs(order)
    assert body["type"] == ("single" if len(legs) == 1 else "two-leg")
    condition = body["condition"]
    assert (condition["exchange"], condition["tradingsymbol"]) == (kite.exchange(order), order.symbol)
    assert [n.value for n in condition["trigger_values"]] == [t for t, _ in legs]
    assert condition["trigger_values"] == sorted(condition["trigger_values"], key=lambda n: n.value)
    assert condition["last_price"].value == order.last_price
    assert [o["price"].value for o in body["orders"]] == [limit for _, limit in legs]
    for o in body["orders"]:
        assert (o["exchange"], o["tradingsymbol"], o["transaction_type"], o["quantity"].value, o["order_type"], o["product"]) == (
            kite.exchange(order),
            order.symbol,
            order.side,
            order.qty,
            "LIMIT",
            order.product,
        )


@PROPERTY
@given(strategies.kite_gtt() | strategies.kite_oco())
def test_a_generated_gtt_goes_through_the_client_intact(server, order):
    sent = sdk_capture("kite", lambda k: kite.place_gtt(k, order), server)
    carries(order, sent)
    assert same_request(to_captured(record(sent)), sent)  # and survives being written as a golden


@PROPERTY
@given(strategies.kite_gtt())
def test_a_limit_one_tick_away_is_a_different_request(server, order):
    tick = Decimal("0.05")
    one = sdk_capture("kite", lambda k: kite.place_gtt(k, order), server)
    other = sdk_capture("kite", lambda k: kite.place_gtt(k, replace(order, limit=order.limit + tick)), server)
    assert same_request(one, other).differences == [
        f"body.orders[0].price: {parse_body(one)['orders'][0]['price']!r} != {parse_body(other)['orders'][0]['price']!r}"
    ]


@PROPERTY
@given(strategies.kite_gtt() | strategies.kite_oco())
def test_a_generated_order_is_a_statement_ordspec_accepts(order):
    assert lint_statement(order.statement(), {order.symbol: order.last_price}) == [], order.statement()


@pytest.mark.parametrize("name", FORMS)
def test_every_forms_statement_is_one_ordspec_accepts(name):
    form = kite.FORMS[name]
    assert lint_statement(form.statement, form.quotes) == [], form.statement


# -- ordspec's side: `ordspec dispatch --broker kite` against the client --------------------------

STATE = {"status": "success", "data": KITE_GTT}  # the GET answer of the docs' single GTT: --state for its modify
BATCH = settings(  # each example is one `ordspec dispatch` run of several orders (a process each)
    max_examples=examples(10),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def ordspec_sent(statements: str, quotes: dict, state=STATE):
    """What `ordspec dispatch --broker kite` sends, on the documents' day (the contracts are live)."""
    return ordspec_capture(statements, "kite", CREDENTIALS.env("kite"), quotes=quotes, state=state, args=("--as-of", DOC_DAY.isoformat()))


@pytest.mark.parametrize("name", FORMS)
def test_ordspec_sends_what_the_client_sends_for_every_form(name):
    form = kite.FORMS[name]
    (sent,) = ordspec_sent(form.statement, form.quotes or {})
    assert same_request(to_captured(load("kite", name)), sent)


@pytest.mark.parametrize("name", FORMS)
def test_ordspec_sends_the_clients_very_bytes_for_every_form(name):
    """Beyond same_request: the form's fields in the client's order, its JSON spacing, and every
    number written as float() writes it (702.0, 120.5), from the Decimal of the file."""
    form, golden = kite.FORMS[name], load("kite", name)
    (sent,) = ordspec_sent(form.statement, form.quotes or {})
    assert sent.body.decode() == golden["raw_body"]
    assert sent.header("Content-Type") == golden["headers"].get("Content-Type")
    assert {k: sent.header(k) for k in ("Authorization", "X-Kite-Version")} == {
        k: golden["headers"][k] for k in ("Authorization", "X-Kite-Version")
    }


def test_the_comparison_sees_a_limit_one_tick_away():
    """The differential can fail: the docs' GTT with its limit 5 paise higher is another request."""
    form = kite.FORMS["gtt-single"]
    (sent,) = ordspec_sent(form.statement.replace("limit 702.5", "limit 702.55"), form.quotes)
    assert same_request(to_captured(load("kite", "gtt-single")), sent).differences == ["body.orders[0].price: 702.5 != 702.55"]


orders_by_symbol = st.lists(strategies.kite_gtt() | strategies.kite_oco(), min_size=1, max_size=8, unique_by=lambda o: o.symbol)


@BATCH
@given(orders_by_symbol)
def test_generated_orders_are_sent_by_ordspec_as_by_the_client(server, orders):
    quotes = {o.symbol: o.last_price for o in orders}
    ours = ordspec_sent("\n".join(o.statement() for o in orders), quotes, state=None)
    theirs = [sdk_capture("kite", lambda k, o=o: kite.place_gtt(k, o), server) for o in orders]
    assert len(ours) == len(theirs)
    for order, a, b in zip(orders, theirs, ours):
        assert same_request(a, b), order.statement()


def held(trigger_id: int, order) -> dict:
    """The GTT Kite would answer for `order` (GET /gtt/triggers/{id}), numbers as JSON numbers."""
    payload = kite.payload(order)
    return {
        **KITE_GTT,
        "id": trigger_id,
        "type": payload["trigger_type"],
        "condition": {
            "exchange": payload["exchange"],
            "tradingsymbol": order.symbol,
            "trigger_values": payload["trigger_values"],
            "last_price": payload["last_price"],
        },
        "orders": [{"exchange": payload["exchange"], "tradingsymbol": order.symbol, **o, "result": None} for o in payload["orders"]],
    }


def modify_statement(trigger_id: int, order) -> str:
    """MODIFY GTT|OCO ID, writing every value a modify may change."""
    if isinstance(order, Gtt):
        return f"MODIFY GTT {trigger_id} qty {order.qty} trigger {text(order.trigger)} {order.direction} limit {text(order.limit)} side {order.side}"
    return (
        f"MODIFY OCO {trigger_id} qty {order.qty} target {text(order.target)} limit {text(order.target_limit)}"
        f" sl {text(order.sl)} limit {text(order.sl_limit)}"
    )


@st.composite
def modifications(draw):
    """(the GTT as Kite holds it, the same instrument with new values) pairs, one per symbol."""
    out = []
    for before in draw(orders_by_symbol):
        after = draw(strategies.kite_gtt() if isinstance(before, Gtt) else strategies.kite_oco())
        side = after.side if isinstance(before, Gtt) else before.side  # an OCO's side is the position's: it stays
        out.append((before, replace(after, symbol=before.symbol, exchange=before.exchange, segment=before.segment, product=before.product, side=side)))
    return out


@BATCH
@given(modifications())
def test_generated_modifies_merged_from_the_state_are_the_clients_modify(server, changes):
    """MODIFY GTT / MODIFY OCO against a GET /gtt/triggers answer (--state): ordspec sends the
    whole GTT, merged, exactly as the client's modify_gtt of the new values."""
    ids = range(KITE_TRIGGER_ID, KITE_TRIGGER_ID + len(changes))
    state = {"status": "success", "data": [held(i, before) for i, (before, _) in zip(ids, changes)]}
    quotes = {after.symbol: after.last_price for _, after in changes}
    ours = ordspec_sent("\n".join(modify_statement(i, after) for i, (_, after) in zip(ids, changes)), quotes, state=state)
    theirs = [sdk_capture("kite", lambda k, i=i, o=after: kite.modify_gtt(k, i, o), server) for i, (_, after) in zip(ids, changes)]
    assert len(ours) == len(theirs)
    for (_, after), a, b in zip(changes, theirs, ours):
        assert same_request(a, b), modify_statement(0, after)
