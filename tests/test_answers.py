"""Broker answers are a side input: every answer parser, fed generated bodies and statuses.

Each broker's outcome() is given JSON of any shape (and of its own envelope's shape, with its
fields of any type), any status and a Retry-After of any text; the bytes of an answer go through
read_answer; a whole Sender run goes through the journal and both renderers. Whatever comes back
is an Outcome of a known kind whose id and message are text (or none), never an exception, and
text output carries no control character.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from ordspec import compiler
from ordspec.dispatch import answers
from ordspec.dispatch.sender import Sender
from ordspec.dispatch.credentials import Credentials
from ordspec.dispatch.journal import Journal
from ordspec.dispatch.outcome import CONFIRMED, DUPLICATE, REJECTED, RETRY, UNKNOWN
from ordspec.dispatch.render import results_json, results_text
from ordspec.dispatch.transport import MAX_DEPTH, Answer, read_answer
from tests.conftest import compile_text, examples

SETTINGS = settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
KINDS = {CONFIRMED, REJECTED, DUPLICATE, RETRY, UNKNOWN}
STATEMENTS = {
    "groww": ["GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC ref tcs-dip-0001", "CANCEL GTT gtt_91a7f4 segment CASH",
              "GET OCO oco_a12bc3 segment FNO", "LIST OCO segment FNO", "MODIFY GTT gtt_91a7f4 segment CASH qty 12"],
    "indstocks": ["GTT BUY 10 RELIANCE trigger 1520 up limit 1522 product CNC security 2885", "CANCEL BRACKET DRV-28131451 segment FNO"],
    "codifi": ["SIP BUY 1 TCS-EQ daily start 2025-06-19 installments 1 name AD product CNC token 11536 registered 2025-05-19",
               "PAUSE SIP 25042400000049", "LIST SIP"],
    "smallcase": ['SMALLCASE BUY SCET_0010 notes "first"'],
    "kite": ["GTT BUY 1 INFY trigger 702 down limit 702.5 product CNC", "OCO SELL 1 SBIN target 480 limit 480 sl 470 limit 470 product CNC",
             "MODIFY GTT 123 qty 2", "CANCEL GTT 123", "GET GTT 123", "LIST GTT"],
    "dhan": ["GTT BUY 5 HDFCBANK trigger 1427 down limit 1428 product CNC security 1333",
             "BRACKET BUY 5 TCS limit 1500 sl 1400 target 1600 product CNC security 11536 ref tcs-super-01",
             "MODIFY OCO 5132208051113 qty 10 sl 1405 limit 1395", "CANCEL BRACKET 5132208051114", "LIST GTT"],
}
DATA = Path(__file__).parent / "data"
OPTIONS = {"kite": {"quotes": str(DATA / "kite-quotes.csv"), "state": str(DATA / "kite-gtt-123.json")}}  # the docs' prices and GTT


def requests_of(broker: str) -> list:
    out = []
    for text in STATEMENTS[broker]:
        requests, diagnostics = compile_text(text, broker=broker, gateway="gw", client_id="1000000132", **OPTIONS.get(broker, {}))
        assert requests, [repr(d) for d in diagnostics]
        out.extend(requests)
    return out


REQUESTS = {b: requests_of(b) for b in compiler.names()}

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(["SUCCESS", "FAILURE", "success", "Ok", "GA007", "GA006", "GA003", "NetworkException", "\x1b[2J"]),
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=20)


def envelope(fields: dict):
    """The broker's own envelope, each documented field present or not and of any type."""
    return st.fixed_dictionaries({}, optional={k: st.one_of(v, json_values) for k, v in fields.items()})


ids = st.one_of(st.text(max_size=12), st.integers(), json_values)
ENVELOPES = {
    "groww": envelope({
        "status": st.sampled_from(["SUCCESS", "FAILURE"]),
        "payload": st.fixed_dictionaries({}, optional={"smart_order_id": ids, "status": json_values, "orders": st.lists(json_values, max_size=3)}),
        "error": st.fixed_dictionaries({}, optional={"code": st.sampled_from(["GA001", "GA003", "GA006", "GA007"]), "message": json_values}),
    }),
    "indstocks": envelope({
        "status": st.sampled_from(["success", "error"]),
        "data": st.fixed_dictionaries({}, optional={"order_data": st.lists(st.fixed_dictionaries({}, optional={"order_id": ids, "child_order_details": json_values}) | json_values, max_size=2)}),
        "error_type": st.sampled_from(["NetworkException", "ValidationError"]),
        "message": json_values,
    }),
    "codifi": envelope({
        "status": st.sampled_from(["Ok", "Not_Ok"]),
        "message": json_values,
        "result": st.lists(st.fixed_dictionaries({}, optional={"orderNo": ids}) | json_values, max_size=2),
        "emsg": json_values,
    }),
    "smallcase": envelope({
        "success": st.booleans(),
        "data": st.fixed_dictionaries({}, optional={"transactionId": ids}),
        "errors": json_values,
    }),
    "kite": envelope({
        "status": st.sampled_from(["success", "error"]),
        "data": st.fixed_dictionaries({}, optional={"trigger_id": ids, "status": json_values}) | st.lists(json_values, max_size=3),
        "error_type": st.sampled_from(["InputException", "TokenException", "NetworkException", "GeneralException", "OrderException"]),
        "message": json_values,
    }),
    "dhan": envelope({
        "orderId": ids,
        "orderStatus": st.sampled_from(["PENDING", "TRANSIT", "REJECTED", "CANCELLED"]),
        "correlationId": st.sampled_from(["tcs-super-01", "os-x"]),
        "errorType": st.sampled_from(["Input_Exception", "Rate_Limit"]),
        "errorCode": st.sampled_from(["DH-904", "DH-905", "DH-906", "DH-908", "DH-909"]),
        "errorMessage": json_values,
    })
    | st.lists(st.fixed_dictionaries({}, optional={"orderId": ids, "correlationId": st.just("tcs-super-01"), "legDetails": json_values}) | json_values, max_size=3),
}
statuses = st.one_of(st.sampled_from([200, 201, 202, 400, 401, 404, 409, 429, 500, 502, 503]), st.integers(min_value=100, max_value=599))
retry_after = st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["1", "0.5", "-3", "nan", "inf", "1e400", "Wed, 21 Oct 2015 07:28:00 GMT"]))


def answer(status, payload, retry) -> Answer:
    text = json.dumps(payload) if payload is not None else ""
    return Answer(status, payload, {"retry-after": retry} if retry is not None else {}, text)


def check_outcome(outcome) -> None:
    assert outcome.kind in KINDS
    assert outcome.broker_id is None or (isinstance(outcome.broker_id, str) and outcome.broker_id)
    assert outcome.message is None or isinstance(outcome.message, str)
    assert outcome.code is None or isinstance(outcome.code, str)


def _outcomes(broker: str):
    @SETTINGS
    @given(
        st.sampled_from(REQUESTS[broker]),
        statuses,
        st.one_of(ENVELOPES[broker], json_values),
        retry_after,
    )
    def prove(request, status, payload, retry):
        outcome = answers.get(compiler.get(broker)).outcome(request, answer(status, payload, retry))
        check_outcome(outcome)
        if outcome.retry_after is not None:
            assert outcome.retry_after >= 0

    return prove


test_groww_outcome_reads_any_answer = _outcomes("groww")
test_indstocks_outcome_reads_any_answer = _outcomes("indstocks")
test_codifi_outcome_reads_any_answer = _outcomes("codifi")
test_smallcase_outcome_reads_any_answer = _outcomes("smallcase")
test_kite_outcome_reads_any_answer = _outcomes("kite")
test_dhan_outcome_reads_any_answer = _outcomes("dhan")


@SETTINGS
@given(st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode()), st.integers(1, 5000).map(lambda n: b"[" * n + b"]" * n)))
def test_read_answer_takes_any_bytes(data):
    got = read_answer(200, {}, data)
    assert isinstance(got.text, str)
    if got.payload is not None:
        assert got.payload == json.loads(data.decode("utf-8", "replace"))
        depth, stack = 0, [(got.payload, 1)]
        while stack:
            item, d = stack.pop()
            if isinstance(item, (dict, list)):
                depth = max(depth, d)
                stack.extend((v, d + 1) for v in (item.values() if isinstance(item, dict) else item))
        assert depth <= MAX_DEPTH


class Scripted:
    """A transport that answers every request with the next of `answers` (the last one repeats)."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.sent = []

    def send(self, request):
        self.sent.append(request)
        status, payload, retry = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return answer(status, payload, retry)


def _sender_run(broker: str):
    @settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(REQUESTS[broker]), st.lists(st.tuples(statuses, st.one_of(ENVELOPES[broker], json_values), st.just(None)), min_size=1, max_size=3))
    def prove(request, answers):
        target = compiler.get(broker)
        credentials = Credentials(target, {"ORDSPEC_TOKEN": "tok-SECRET-1234", "ORDSPEC_SMALLCASE_SECRET": "scsecret-5678"})
        journal = Journal(":memory:", lock=False)
        try:
            sender = Sender(target, "http://paper", journal, Scripted(answers), credentials, backoff=0, sleep=lambda s: None)
            result = sender.send(request)
            assert result.state in ("confirmed", "already", "rejected", "unknown")
            assert result.broker_id is None or isinstance(result.broker_id, str)
            text = results_text([result], target.title, "http://paper", target.setting("dispatch.listing"))
            assert not any(ord(c) < 32 and c != "\n" or 0x7F <= ord(c) < 0xA0 for c in text), repr(text)
            json.loads(results_json([result], broker, "http://paper"))
            for entry in journal.entries():
                assert entry.broker_id is None or isinstance(entry.broker_id, str)
        finally:
            journal.close()

    return prove


test_groww_dispatch_survives_any_answer = _sender_run("groww")
test_indstocks_dispatch_survives_any_answer = _sender_run("indstocks")
test_codifi_dispatch_survives_any_answer = _sender_run("codifi")
test_smallcase_dispatch_survives_any_answer = _sender_run("smallcase")
test_kite_dispatch_survives_any_answer = _sender_run("kite")  # (a lost create: its search of the GTT list reads the same answers)
test_dhan_dispatch_survives_any_answer = _sender_run("dhan")  # (a lost create: the lists are read back too)


@SETTINGS
@given(json_values, st.sampled_from(REQUESTS["groww"][:1]))
def test_the_ga007_comparison_reads_any_held_order(held, request):
    from ordspec.dispatch.answers.groww import differences

    found = differences(held if isinstance(held, dict) else {"x": held}, request.body)
    assert found is None or all(isinstance(f, str) for f in found)
    assert differences(dict(request.body), request.body) == []


@SETTINGS
@given(
    st.lists(json_values | st.fixed_dictionaries({}, optional={
        "orderId": ids, "price": json_values, "legName": json_values, "exchangeSegment": json_values, "productType": json_values,
        "legDetails": json_values | st.lists(st.fixed_dictionaries({}, optional={"legName": json_values, "price": json_values}), max_size=3),
    }), min_size=1, max_size=3),
    st.sampled_from(REQUESTS["dhan"][:2]),
)
def test_the_dhan_comparison_reads_any_listed_order(held, request):
    from ordspec import compiler
    from ordspec.dispatch.answers.dhan import differences, record

    listed = [h if isinstance(h, dict) else {"x": h} for h in held]
    found = differences(listed, request.body)
    assert found is None or all(isinstance(f, str) for f in found)
    for r in listed:
        assert isinstance(record(r, "BRACKET" if "targetPrice" in request.body else "GTT", compiler.get("dhan").table), dict)
