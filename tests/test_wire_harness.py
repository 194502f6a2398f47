"""The wire-proof harness itself (tests/wire): the capture server records requests exactly,
the network guard stops every way past loopback (even through a client that swallows errors),
same_request finds every difference that matters and none that does not, and ordspec_capture
runs the installed `ordspec dispatch` against the capture server (proven on Groww's goldens).
"""

from __future__ import annotations

import json
import socket
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from dhanhq import DhanHTTP
from kiteconnect import KiteConnect

from tests.dispatch_helpers import TOKEN
from tests.wire import dhan, kite
from tests.wire.capture import Captured, CaptureServer, Route
from tests.wire.compare import parse_body, same_request
from tests.wire.goldens import sdk_capture
from tests.wire.guard import NetworkBlocked, NetworkGuard, is_loopback, no_network  # noqa: F401 (a fixture)
from tests.wire.ordspec_side import ordspec_capture

GOLDEN = Path(__file__).parent / "golden"
GROWW = GOLDEN / "groww"

pytestmark = pytest.mark.usefixtures("no_network")


# -- the capture server ------------------------------------------------------------------------


def test_capture_records_the_request_as_sent():
    with CaptureServer(routes=[Route("POST", "/a/{id}", {"ok": True})]) as server:
        answer = httpx.post(
            server.url + "/a/7?x=1&x=2&y=",
            content=b'{"p": 1.50}',
            headers={"Content-Type": "application/json", "X-Odd-Case": "v"},
        )
        (r,) = server.take()
    assert answer.status_code == 200 and answer.json() == {"ok": True}
    assert (r.method, r.path, r.query, r.body, r.status) == (
        "POST",
        "/a/7",
        (("x", "1"), ("x", "2"), ("y", "")),
        b'{"p": 1.50}',
        200,
    )
    assert r.header("x-odd-case") == "v" and ("X-Odd-Case", "v") in r.headers  # the client's own case is kept


def test_capture_reads_a_chunked_body():
    with CaptureServer() as server:
        httpx.put(server.url + "/c", content=iter([b"abc", b"", b"defgh"]))
        (r,) = server.take()
    assert r.header("Transfer-Encoding") == "chunked" and r.body == b"abcdefgh"


def test_capture_answers_404_for_an_unrouted_request_and_still_records_it():
    with CaptureServer(routes=[Route("GET", "/known", [1])]) as server:
        assert httpx.get(server.url + "/known").json() == [1]
        assert httpx.get(server.url + "/unknown").status_code == 404
        assert [(r.path, r.status) for r in server.take()] == [("/known", 200), ("/unknown", 404)]


def test_route_segments_match_one_segment_only():
    route = Route("DELETE", "/super/orders/{id}/{leg}", lambda id, leg: {"id": id, "leg": leg})
    assert route.match("DELETE", "/super/orders/51/ENTRY_LEG") == {"id": "51", "leg": "ENTRY_LEG"}
    assert route.match("DELETE", "/super/orders/51") is None
    assert route.match("DELETE", "/super/orders/5/1/ENTRY_LEG") is None
    assert route.match("GET", "/super/orders/51/ENTRY_LEG") is None


# -- the network guard -------------------------------------------------------------------------


@pytest.fixture
def tripwired(monkeypatch):
    """A guard installed over tripwires: if the guard let anything through, the tripwire (not the
    network) is what it would reach, and the test fails. Loopback goes on to the real socket."""
    reached = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(sock, address):
        if not (isinstance(address, tuple) and is_loopback(address[0])):
            reached.append(address)
            raise AssertionError(f"the guard let a connect to {address!r} through")
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if not is_loopback(host):
            reached.append(host)
            raise AssertionError(f"the guard let a lookup of {host!r} through")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    guard = NetworkGuard().install(monkeypatch)
    yield guard
    assert reached == []


def test_guard_blocks_a_connect_past_loopback(tripwired):
    with socket.socket() as s, pytest.raises(NetworkBlocked, match="192.0.2.1"):
        s.connect(("192.0.2.1", 443))
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("203.0.113.9", 80))
    assert len(tripwired.blocked) == 2


def test_guard_blocks_a_name_lookup(tripwired):
    with pytest.raises(NetworkBlocked, match="api.kite.trade"):
        socket.getaddrinfo("api.kite.trade", 443)


def test_guard_lets_loopback_through(tripwired):
    with CaptureServer() as server:
        assert httpx.get(server.url + "/x").status_code == 404
        assert httpx.get(f"http://localhost:{server.port}/y").status_code == 404
    assert tripwired.blocked == []


def test_guard_stops_the_kite_client_at_its_default_root(tripwired):
    with pytest.raises(NetworkBlocked):
        kite.place_gtt(KiteConnect("k", access_token="t"), kite.INFY)
    assert any("api.kite.trade" in b for b in tripwired.blocked)


def test_guard_stops_the_dhan_client_though_it_swallows_every_exception(tripwired):
    d = dhan.client(DhanHTTP.API_BASE_URL)  # the production host, as if the test forgot to point it
    with pytest.raises(NetworkBlocked):
        dhan.place_forever(d, dhan.SINGLE)
    assert any("api.dhan.co" in b for b in tripwired.blocked)


def test_a_blocked_attempt_fails_the_test_at_teardown(tripwired):
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("example.org", 80)
    with pytest.raises(pytest.fail.Exception, match="example.org"):
        tripwired.fail_if_blocked()
    tripwired.blocked.clear()


# -- same_request ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kite_single() -> Captured:
    return sdk_capture("kite", kite.FORMS["gtt-single"].call)


@pytest.fixture(scope="module")
def dhan_single() -> Captured:
    return sdk_capture("dhan", dhan.FORMS["forever-single"].call)


def kite_form(fields: dict) -> bytes:
    """A Kite form body from fields; condition and orders are written with json.dumps."""
    out = {k: json.dumps(v) if k in ("condition", "orders") else v for k, v in fields.items()}
    return urlencode(out).encode()


def kite_fields(r: Captured) -> dict:
    parsed = parse_body(r)
    return {
        "condition": json.loads(json.dumps(parsed["condition"], default=lambda n: float(n.text))),
        "orders": json.loads(json.dumps(parsed["orders"], default=lambda n: float(n.text))),
        "type": parsed["type"],
    }


def test_a_request_is_the_same_as_itself_and_as_its_client_sending_it_again(kite_single, dhan_single):
    assert same_request(kite_single, kite_single)
    assert same_request(kite_single, sdk_capture("kite", kite.FORMS["gtt-single"].call))
    assert same_request(dhan_single, sdk_capture("dhan", dhan.FORMS["forever-single"].call))


def test_a_changed_price_is_a_different_request(kite_single, dhan_single):
    fields = kite_fields(kite_single)
    fields["orders"][0]["price"] = 702.55
    verdict = same_request(kite_single, replace(kite_single, body=kite_form(fields)))
    assert not verdict and verdict.differences == ["body.orders[0].price: 702.5 != 702.55"]
    moved = dhan_single.body.replace(b'"price": 1428.0', b'"price": 1428.05')
    assert same_request(dhan_single, replace(dhan_single, body=moved)).differences == ["body.price: 1428.0 != 1428.05"]


def test_numbers_compare_by_exact_value_and_never_equal_strings(dhan_single):
    same = dhan_single.body.replace(b'"price": 1428.0', b'"price": 1428.000').replace(b'"quantity": 5', b'"quantity": 5.0')
    assert same_request(dhan_single, replace(dhan_single, body=same))
    nearly = dhan_single.body.replace(b'"price": 1428.0', b'"price": 1428.0000000000002')
    assert not same_request(dhan_single, replace(dhan_single, body=nearly))
    quoted = dhan_single.body.replace(b'"price": 1428.0', b'"price": "1428.00"')
    assert same_request(dhan_single, replace(dhan_single, body=quoted)).differences == [
        "body.price: number 1428.0 != string '1428.00'"
    ]


def test_a_missing_field_is_a_different_request(kite_single, dhan_single):
    body = json.loads(dhan_single.body)
    del body["disclosedQuantity"]
    verdict = same_request(dhan_single, replace(dhan_single, body=json.dumps(body).encode()))
    assert verdict.differences == ["body.disclosedQuantity: only in the first (0)"]
    fields = kite_fields(kite_single)
    del fields["condition"]["last_price"]
    assert same_request(kite_single, replace(kite_single, body=kite_form(fields))).differences == [
        "body.condition.last_price: only in the first (798.0)"
    ]


def test_a_wrong_or_missing_auth_header_is_a_different_request(kite_single, dhan_single):
    def with_headers(r, **changes):
        names = {k.lower().replace("_", "-"): v for k, v in changes.items()}
        kept = [(k, v) for k, v in r.headers if k.lower() not in names]
        return replace(r, headers=tuple(kept + [(k, v) for k, v in names.items() if v is not None]))

    wrong = same_request(kite_single, with_headers(kite_single, authorization="token other:acc-TOKEN-wire-5e6f7a8b9c0d"))
    assert len(wrong.differences) == 1 and wrong.differences[0].startswith("header.authorization:")
    assert same_request(kite_single, with_headers(kite_single, x_kite_version=None)).differences == [
        "header.x-kite-version: only in the first ('3')"
    ]
    assert same_request(dhan_single, with_headers(dhan_single, client_id="1000000999")).differences == [
        "header.client-id: '1000000132' != '1000000999'"
    ]
    assert not same_request(dhan_single, with_headers(dhan_single, access_token=None))
    # Headers a library adds of its own are not the request's meaning.
    assert same_request(kite_single, with_headers(kite_single, user_agent="python-httpx/0.28", accept="application/json"))


def test_a_reordered_kite_trigger_list_is_a_different_request():
    two_leg = sdk_capture("kite", kite.FORMS["gtt-oco"].call)
    fields = kite_fields(two_leg)
    fields["condition"]["trigger_values"].reverse()
    verdict = same_request(two_leg, replace(two_leg, body=kite_form(fields)))
    assert verdict.differences == [
        "body.condition.trigger_values[0]: 470.0 != 480.0",
        "body.condition.trigger_values[1]: 480.0 != 470.0",
    ]
    fields = kite_fields(two_leg)
    fields["orders"].reverse()
    assert not same_request(two_leg, replace(two_leg, body=kite_form(fields)))


def test_field_and_key_order_do_not_matter(kite_single, dhan_single):
    fields = kite_fields(kite_single)
    reordered = {
        "type": fields["type"],
        "orders": fields["orders"],
        "condition": dict(reversed(list(fields["condition"].items()))),
    }
    body = urlencode({k: json.dumps(v, separators=(",", ":")) if k != "type" else v for k, v in reordered.items()}).encode()
    assert same_request(kite_single, replace(kite_single, body=body))
    keys = json.loads(dhan_single.body)
    assert same_request(dhan_single, replace(dhan_single, body=json.dumps(dict(reversed(list(keys.items())))).encode()))


def test_content_type_counts_when_there_is_a_body(kite_single, dhan_single):
    as_json = replace(
        kite_single, headers=tuple((k, "application/json" if k == "Content-Type" else v) for k, v in kite_single.headers)
    )
    verdict = same_request(kite_single, as_json)
    assert "content type: application/x-www-form-urlencoded != application/json" in verdict.differences
    listing = sdk_capture("dhan", dhan.FORMS["list-forever"].call)  # dhanhq sends Content-type on a GET
    bare = replace(listing, headers=tuple((k, v) for k, v in listing.headers if k.lower() != "content-type"))
    assert same_request(listing, bare)


def test_method_path_query_and_bad_bodies_are_differences(dhan_single):
    assert same_request(dhan_single, replace(dhan_single, method="PUT")).differences == ["method: POST != PUT"]
    assert same_request(dhan_single, replace(dhan_single, path="/v2/forever/orders")).differences == [
        "path: /forever/orders != /v2/forever/orders"
    ]
    assert same_request(dhan_single, replace(dhan_single, query=(("a", "1"),))).differences == [
        "query.a: only in the second (['1'])"
    ]
    twice = dhan_single.body.replace(b'"quantity": 5,', b'"quantity": 5, "quantity": 5,')
    assert not same_request(dhan_single, replace(dhan_single, body=twice))
    assert not same_request(dhan_single, replace(dhan_single, body=b'{"price": NaN}'))


def test_the_verdict_reads_as_a_diff(dhan_single):
    moved = dhan_single.body.replace(b'"triggerPrice": 1427.0', b'"triggerPrice": 1426.0')
    text = repr(same_request(dhan_single, replace(dhan_single, body=moved, method="PUT")))
    assert text == "<requests differ:\n  method: POST != PUT\n  body.triggerPrice: 1427.0 != 1426.0\n>"
    assert repr(same_request(dhan_single, dhan_single)) == "<the same request>"


# -- ordspec_capture, proven on a broker that exists: Groww's goldens ----------------------------


def expected_groww(golden: dict) -> Captured:
    body = b"" if golden["body"] is None else json.dumps(golden["body"]).encode()
    headers = [("Authorization", f"Bearer {TOKEN}"), ("X-API-VERSION", "1.0")] + (
        [("Content-Type", "application/json")] if body else []
    )
    query = tuple((k, str(v)) for k, v in golden["query"].items())
    return Captured(golden["method"], golden["path"], query, tuple(headers), body)


@pytest.mark.parametrize("name", ["create-gtt", "create-oco", "cancel", "get", "list"])
def test_ordspec_capture_sends_the_groww_goldens(name):
    golden = json.loads((GROWW / f"{name}.json").read_text())
    sent = ordspec_capture(golden["dsl"], "groww", {"ORDSPEC_TOKEN": TOKEN}, args=["--as-of", "2025-10-01"])
    assert len(sent) == 1
    assert same_request(expected_groww(golden), sent[0])


def test_ordspec_capture_says_why_when_dispatch_refuses():
    with pytest.raises(AssertionError, match="lot-size"):
        ordspec_capture(
            "OCO SELL 50 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 product MIS",
            "groww",
            {"ORDSPEC_TOKEN": TOKEN},
            args=["--as-of", "2025-10-01"],
        )


def test_ordspec_capture_gives_state_as_a_file():
    golden = json.loads((GOLDEN / "codifi" / "modify.json").read_text())
    state = json.loads((GOLDEN / "codifi" / golden["state"]).read_text())
    ok = [Route("POST", "/orders/sip/modify", {"status": "Ok", "message": "Success", "result": None})]
    sent = ordspec_capture(
        golden["dsl"], "codifi", {"ORDSPEC_TOKEN": TOKEN}, state=state, args=["--as-of", golden["as_of"]], routes=ok
    )
    headers = (("Authorization", f"Bearer {TOKEN}"), ("Content-Type", "application/json"))
    assert len(sent) == 1
    assert same_request(Captured("POST", golden["path"], (), headers, json.dumps(golden["body"]).encode()), sent[0])
