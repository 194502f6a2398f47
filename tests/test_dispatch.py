"""`ordspec dispatch`, end to end: the installed command, in a subprocess, against a paper broker
this test process serves on 127.0.0.1.

What is asserted is what the broker ended up with (GET /_paper/orders, and how many requests it
saw) and what the journal says, never how long anything took. The promises under test (issue 4):
a dry run shows everything and connects nowhere; nothing is sent from a file with an error;
every Groww order lands exactly once whatever the network does (reference_id deduplicates); an
INDstocks, Codifi or smallcase order lands at most once, and an outcome ordspec cannot know is
reported, never resent; `kill -9` loses and doubles nothing; no secret is ever printed or stored.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from ordspec import compiler
from tests.dispatch_helpers import (
    GUEST_JWT,
    NO_SOCKETS,
    SMALLCASE_SECRET,
    TOKEN,
    USER_JWT,
    PaperBroker,
    concurrently,
    dispatch,
    journal_bytes,
    journal_cli,
    journal_rows,
    kill9,
    no_leaks,
    running,
    start_dispatch,
    wait_for,
    write,
)

GROWW_CREATE = "/v1/order-advance/create"
INDSTOCKS_PLACE = "/smart/order"
CODIFI_EXECUTE = "/orders/sip/execute"
SMALLCASE_TRANSACTION = "/gateway/gw/transaction"

GROWW3 = (
    "broker groww",
    "default product CNC",
    "",
    "GTT BUY 10 TCS trigger 3985 down limit 3990 ref tcs-dip-0001",
    "GTT SELL 10 TCS trigger 4100 up market ref tcs-rally-001",
    "GTT BUY 5 RELIANCE trigger 1520 up limit 1525.5 product MIS    # no ref: ordspec derives one",
)


@pytest.fixture(autouse=True)
def _no_leaks():
    with no_leaks():
        yield


def noop(path: str, times: int = 1) -> dict:
    """A fault that does nothing: it lets `times` requests through before the next fault applies."""
    return {"method": "POST", "path": path, "times": times}


# -- what each broker's orders are, to match the broker's state against the journal ------------

BROKERS = {
    # name: (create path, extra dispatch args, extra env, how to write order n, the tag of a body)
    "groww": (
        GROWW_CREATE,
        (),
        {},
        lambda n: f"GTT BUY {n} TCS trigger 3985 down limit 3990 product CNC ref ordr{n:04d}-x",
        lambda b: b["reference_id"],
    ),
    "indstocks": (
        INDSTOCKS_PLACE,
        (),
        {},
        lambda n: f"GTT BUY {n} RELIANCE trigger 1520 up limit 1522 product CNC security 2885",
        lambda b: b["qty"],
    ),
    "codifi": (
        CODIFI_EXECUTE,
        (),
        {},
        lambda n: f"SIP BUY {n} TCS-EQ daily start 2025-06-19 installments 1 name plan{n} token 11536 product CNC"
        " registered 2025-05-19",
        lambda b: b["sipName"],
    ),
    "smallcase": (
        SMALLCASE_TRANSACTION,
        ("--gateway", "gw"),
        {"ORDSPEC_SMALLCASE_SECRET": SMALLCASE_SECRET},
        lambda n: f'SMALLCASE BUY SCET_0010 notes "order {n}"',
        lambda b: b["notes"],
    ),
}


def order_file(tmp_path, broker: str, count: int, name: str = "orders.ord") -> Path:
    make = BROKERS[broker][3]
    return write(tmp_path, name, f"broker {broker}", *(make(n) for n in range(1, count + 1)))


def token_env(broker: str, token: str = TOKEN) -> dict:
    env = dict(BROKERS[broker][2])
    env["ORDSPEC_TOKEN"] = USER_JWT if broker == "smallcase" and token == TOKEN else token
    return env


def run(broker: str, path, paper, journal, *args, **kw):
    return dispatch(path, paper.url, journal, *BROKERS[broker][1], *args, env=token_env(broker), **kw)


def placed(paper, broker: str) -> list[dict]:
    """The broker's orders that dispatch created (INDstocks' GTT children are the broker's own)."""
    return [o for o in paper.orders(broker) if o["kind"] != "CHILD"]


def tags(paper, broker: str) -> Counter:
    """How many orders the broker holds for each tag (a Groww ref, an INDstocks qty, ...)."""
    tag = BROKERS[broker][4]
    if broker == "groww":
        return Counter(o["ref"] for o in placed(paper, broker))
    return Counter(tag(o["data"]) for o in placed(paper, broker))


def ids_by_tag(paper, broker: str) -> dict:
    tag = BROKERS[broker][4]
    return {(o["ref"] if broker == "groww" else tag(o["data"])): o["id"] for o in placed(paper, broker)}


def journal_by_tag(journal, broker: str) -> dict:
    tag = BROKERS[broker][4]
    return {tag(json.loads(r["body"])): r for r in journal_rows(journal)}


def assert_consistent(paper, broker: str, journal) -> None:
    """No order twice at the broker; every confirmed journal entry names its own order there."""
    at_broker = tags(paper, broker)
    twice = {t: n for t, n in at_broker.items() if n > 1}
    assert not twice, f"orders placed more than once: {twice}"
    ids = ids_by_tag(paper, broker)
    confirmed = [r for r in journal_rows(journal) if r["state"] == "confirmed"]
    seen_ids = Counter(r["broker_id"] for r in confirmed)
    assert all(n == 1 for n in seen_ids.values()), f"one broker id confirmed for two entries: {seen_ids}"
    tag = BROKERS[broker][4]
    for r in confirmed:
        t = tag(json.loads(r["body"]))
        assert t in ids, f"journal says {t} is confirmed, the broker has no such order"
        assert r["broker_id"] == ids[t], f"journal's id for {t} is {r['broker_id']}, the broker's is {ids[t]}"


def status_count(out: str, label: str) -> int:
    """How many of the per-request lines of a text result carry this status."""
    return sum(1 for line in out.splitlines() if re.match(rf"^\S+:\d+\s+\w+\s+{label}\b", line))


def on_paper(scenario, *args) -> None:
    """Run scenario(*args, paper) against a paper broker of its own (scenarios run side by side)."""
    with PaperBroker() as paper:
        scenario(*args, paper)


def assert_no_secret(*texts, secrets=(TOKEN,)) -> None:
    for text in texts:
        data = text if isinstance(text, bytes) else text.encode()
        for secret in secrets:
            assert secret.encode() not in data, f"a secret leaked: {secret[:6]}…"


# == 1. dry run ================================================================================


@pytest.fixture
def listener():
    """A listening socket this test owns: anything that connects to it is caught."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    s.setblocking(False)
    yield s
    s.close()


def assert_nothing_connected(listener) -> None:
    with pytest.raises(BlockingIOError):
        conn, _ = listener.accept()
        conn.close()


PROBE = """
import socket
try:
    socket.create_connection(("127.0.0.1", 9))
except OSError as e:
    print("refused", e)
"""


@pytest.fixture
def no_sockets(tmp_path):
    """An environment in which any Python process that tries to connect a socket fails (and says so)."""
    site = tmp_path / "nosockets"
    site.mkdir()
    (site / "sitecustomize.py").write_text(NO_SOCKETS)
    mark = tmp_path / "connect-attempts.txt"
    env = {"PYTHONPATH": str(site), "ORDSPEC_TEST_SOCKET_MARK": str(mark)}
    # The harness works: a process in this environment cannot connect, and leaves a mark.
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "sockets are forbidden" in probe.stdout, probe
    assert mark.exists()
    mark.unlink()
    loaded = Path(str(mark) + ".loaded")
    loaded.unlink()
    return env, mark


def assert_guarded_and_unconnected(mark, runs: int) -> None:
    """Each dispatch process ran with the socket guard loaded, and none of them tried to connect."""
    loaded = Path(str(mark) + ".loaded")
    assert loaded.exists() and len(loaded.read_text().split()) == runs, "the socket guard was not loaded"
    assert not mark.exists(), mark.read_text()


def test_dry_run_shows_every_request_redacted_and_connects_nowhere(tmp_path, listener, no_sockets):
    env, mark = no_sockets
    path = write(tmp_path, "gtt.ord", *GROWW3)
    journal = tmp_path / "journal.sqlite"
    base = "http://127.0.0.1:%d" % listener.getsockname()[1]
    r = dispatch(path, base, journal, "--dry-run", env=env)
    assert r.code == 0, r
    # method, URL, headers (secret redacted), body, and the source line of each request
    assert r.out.count(f"POST {base}/v1/order-advance/create") == 3, r
    assert f"{path}:4" in r.out and f"{path}:5" in r.out and f"{path}:6" in r.out
    assert "Authorization: Bearer ***" in r.out
    assert "X-API-VERSION: 1.0" in r.out
    assert '"reference_id": "tcs-dip-0001"' in r.out and '"trigger_price": "3985.00"' in r.out
    assert "nothing sent" in r.out
    assert_no_secret(r.out, r.err)
    # no connection at all: none reached our socket, and none was even attempted
    assert_nothing_connected(listener)
    assert_guarded_and_unconnected(mark, runs=1)
    # and no journal appeared
    assert list(tmp_path.glob("journal.sqlite*")) == []


def test_dry_run_json_for_every_broker(tmp_path, listener, no_sockets):
    env, mark = no_sockets
    base = "http://127.0.0.1:%d" % listener.getsockname()[1]
    journal = tmp_path / "journal.sqlite"
    expected_headers = {
        "groww": {"Authorization": "Bearer ***", "X-API-VERSION": "1.0", "Content-Type": "application/json"},
        "indstocks": {"Authorization": "***", "Content-Type": "application/json"},
        "codifi": {"Authorization": "Bearer ***", "Content-Type": "application/json"},
        "smallcase": {"x-gateway-secret": "***", "x-gateway-authtoken": "***", "Content-Type": "application/json"},
    }
    for broker, (create, args, extra, _, _) in BROKERS.items():
        path = order_file(tmp_path, broker, 2, f"{broker}.ord")
        r = dispatch(path, base, journal, "--dry-run", "--format", "json", *args, env={**env, **token_env(broker)})
        assert r.code == 0, r
        plan = r.json()
        assert plan["dry_run"] is True
        assert len(plan["requests"]) == 2
        for n, row in enumerate(plan["requests"], start=2):
            assert row["method"] == "POST"
            assert row["url"] == base + create
            assert row["headers"] == expected_headers[broker]
            assert row["source"] == {"file": str(path), "line": n}
            assert isinstance(row["body"], dict) and row["body"]
            assert row["journal"] is None
        assert_no_secret(r.out, r.err, secrets=(TOKEN, USER_JWT, SMALLCASE_SECRET))
    assert_nothing_connected(listener)
    assert_guarded_and_unconnected(mark, runs=len(BROKERS))
    assert list(tmp_path.glob("journal.sqlite*")) == []


def test_dry_run_shows_what_the_journal_already_has(tmp_path, paper):
    journal = tmp_path / "journal.sqlite"
    first = write(tmp_path, "first.ord", *GROWW3[:4])
    r = dispatch(first, paper.url, journal)
    assert r.code == 0, r
    both = write(tmp_path, "both.ord", *GROWW3)
    rows_before = journal_rows(journal)
    seen_before = len(paper.seen)

    text = dispatch(both, paper.url, journal, "--dry-run")
    assert text.code == 0, text
    blocks = text.out.split("\n\n")
    assert "already sent: would be skipped" in blocks[0], text
    assert all("already sent" not in b for b in blocks[1:]), text

    plan = dispatch(both, paper.url, journal, "--dry-run", "--format", "json").json()
    assert [row["journal"] for row in plan["requests"]] == ["confirmed", None, None]
    # the dry runs changed neither the journal nor the broker
    assert journal_rows(journal) == rows_before
    assert len(paper.seen) == seen_before
    assert len(paper.orders()) == 1


# == 2. lint first ===============================================================================


def test_a_file_with_any_error_sends_nothing(tmp_path, paper):
    path = write(
        tmp_path,
        "bad.ord",
        "broker groww",
        "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC ref good-00001",
        "OCO SELL 50 NIFTY30DEC26000CE target 120.5 sl 95 product NRML ref bad-000001   # not a whole lot",
    )
    journal = tmp_path / "journal.sqlite"
    for extra in ((), ("--dry-run",)):
        r = dispatch(path, paper.url, journal, *extra)
        assert r.code == 1, r
        assert "lot-size" in r.err
        assert "nothing sent" in r.err
        assert "POST" not in r.out
    assert paper.orders() == []
    assert paper.seen == []
    assert not journal.exists()


# == 3. exactly once ============================================================================


@pytest.mark.parametrize("broker", sorted(BROKERS))
def test_running_the_same_file_twice_sends_each_order_once(tmp_path, paper, broker):
    path = order_file(tmp_path, broker, 2)
    journal = tmp_path / "journal.sqlite"
    create = BROKERS[broker][0]
    first = run(broker, path, paper, journal)
    assert first.code == 0, first
    assert status_count(first.out, "confirmed") == 2, first
    second = run(broker, path, paper, journal)
    assert second.code == 0, second
    assert status_count(second.out, "already sent") == 2, second
    assert "sent before" in second.out
    assert paper.count("POST", create) == 2
    assert sorted(tags(paper, broker).values()) == [1, 1]
    assert [r["state"] for r in journal_rows(journal)] == ["confirmed"] * 2
    assert_consistent(paper, broker, journal)


def test_through_faults_groww_exactly_once_the_others_at_most_once(tmp_path):
    """The same faults against all four brokers (side by side, each its own paper broker): 503s, a 429
    with Retry-After, connections dropped before and after the broker acted, an answer slower than
    --timeout. Groww: every order once. INDstocks, Codifi, smallcase: an order whose outcome is
    unknown is reported with how to check and resolve it, never resent; resolved, it completes."""
    scenarios = {"groww": lambda: on_paper(_groww_through_faults_at, tmp_path / "groww")}
    for broker in ("indstocks", "codifi", "smallcase"):
        scenarios[broker] = lambda broker=broker: on_paper(_never_resend_an_unknown_at, tmp_path / broker, broker)
    for name in scenarios:
        (tmp_path / name).mkdir()
    concurrently(scenarios)


def _groww_through_faults_at(tmp_path, paper):
    """503s, a 429 with Retry-After, answers lost after the broker acted, a slow answer: each order once."""
    path = order_file(tmp_path, "groww", 6)
    journal = tmp_path / "journal.sqlite"
    paper.faults(
        {"method": "POST", "path": GROWW_CREATE, "status": 503, "times": 2},  # order 1: twice 503
        noop(GROWW_CREATE),  # order 1 is placed
        {"method": "POST", "path": GROWW_CREATE, "status": 429, "retry_after": 0},  # order 2: slow down
        noop(GROWW_CREATE),  # order 2 is placed
        {"method": "POST", "path": GROWW_CREATE, "drop": "after"},  # order 3 placed, its answer lost
        noop(GROWW_CREATE),  # order 3 again: GA007
        {"method": "POST", "path": GROWW_CREATE, "delay": 2.5},  # order 4 placed, answered too late
        noop(GROWW_CREATE),  # order 4 again: GA007
        {"method": "POST", "path": GROWW_CREATE, "drop": "before"},  # order 5: connection dropped unanswered
    )
    r = dispatch(path, paper.url, journal, "--timeout", "1", "--format", "json")
    assert r.code == 0, r
    results = r.json()["results"]
    assert [x["state"] for x in results] == ["confirmed"] * 6, r
    at_broker = tags(paper, "groww")
    assert at_broker == Counter({f"ordr{n:04d}-x": 1 for n in range(1, 7)})
    ids = ids_by_tag(paper, "groww")
    # every id is known, including those of the orders whose answers were lost (found after GA007)
    assert [x["broker_id"] for x in results] == [ids[f"ordr{n:04d}-x"] for n in range(1, 7)]
    assert "already placed" in results[2]["message"] and "already placed" in results[3]["message"]
    assert paper.count("POST", GROWW_CREATE) == 12  # 3 + 2 + 2 + 2 + 2 + 1: every retry accounted for
    assert_consistent(paper, "groww", journal)
    again = dispatch(path, paper.url, journal)
    assert again.code == 0 and status_count(again.out, "already sent") == 6, again
    assert paper.count("POST", GROWW_CREATE) == 12


def _never_resend_an_unknown_at(tmp_path, broker, paper):
    create = BROKERS[broker][0]
    path = order_file(tmp_path, broker, 5)
    journal = tmp_path / "journal.sqlite"
    tag = lambda n: {"indstocks": n, "codifi": f"plan{n}", "smallcase": f"order {n}"}[broker]  # noqa: E731
    paper.faults(
        {"method": "POST", "path": create, "drop": "after"},  # 1: placed, answer lost
        {"method": "POST", "path": create, "drop": "before"},  # 2: not placed, connection dropped
        {"method": "POST", "path": create, "status": 503},  # 3: not placed, 503
        {"method": "POST", "path": create, "status": 429, "retry_after": 0},  # 4: refused for now: retried
        noop(create),  # 4: placed
        {"method": "POST", "path": create, "delay": 2.5},  # 5: placed, answered after the timeout
    )
    first = run(broker, path, paper, journal, "--timeout", "1", "--format", "json")
    assert first.code != 0, first
    results = first.json()["results"]
    assert [x["state"] for x in results] == ["unknown", "unknown", "unknown", "confirmed", "unknown"], first
    check = compiler.get(broker).setting("dispatch.check")
    for x in results:
        if x["state"] == "unknown":
            assert "ordspec journal resolve" in x["message"] and x["key"] in x["message"], x
            assert "--placed" in x["message"] and "--not-placed" in x["message"]
            assert check in x["message"]
    assert tags(paper, broker) == Counter({tag(1): 1, tag(4): 1, tag(5): 1})
    assert paper.count("POST", create) == 6

    unknown = journal_cli("list", "--state", "unknown", "--format", "json", journal=journal)
    assert unknown.code == 0, unknown
    assert sorted(e["key"] for e in unknown.json()) == sorted(x["key"] for x in results if x["state"] == "unknown")

    second = run(broker, path, paper, journal)
    assert second.code != 0, second
    assert status_count(second.out, "UNKNOWN") == 4 and "journal resolve" in second.out, second
    assert paper.count("POST", create) == 6, "an unknown outcome was sent again"
    assert tags(paper, broker) == Counter({tag(1): 1, tag(4): 1, tag(5): 1})

    ids = ids_by_tag(paper, broker)
    keys = [x["key"] for x in results]
    what_happened = {1: ("--placed", ids[tag(1)]), 2: ("--not-placed",), 3: ("--not-placed",), 5: ("--placed", ids[tag(5)])}
    for n, how in what_happened.items():
        resolved = journal_cli("resolve", keys[n - 1], *how, journal=journal)
        assert resolved.code == 0, resolved

    third = run(broker, path, paper, journal, "--format", "json")
    assert third.code == 0, third
    states = [x["state"] for x in third.json()["results"]]
    assert states == ["already", "confirmed", "confirmed", "already", "already"], third
    ids = ids_by_tag(paper, broker)
    assert [x["broker_id"] for x in third.json()["results"]] == [ids[tag(n)] for n in range(1, 6)]
    assert paper.count("POST", create) == 8
    assert tags(paper, broker) == Counter({tag(n): 1 for n in range(1, 6)})
    assert [r["state"] for r in journal_rows(journal)] == ["confirmed"] * 5
    assert_consistent(paper, broker, journal)


def test_resolving_an_unknown_key_that_is_not_there_fails(tmp_path, paper):
    path = order_file(tmp_path, "indstocks", 1)
    journal = tmp_path / "journal.sqlite"
    assert run("indstocks", path, paper, journal).code == 0
    r = journal_cli("resolve", "indstocks nowhere nothing", "--not-placed", journal=journal)
    assert r.code == 2 and "no request with key" in r.err, r
    r = journal_cli("resolve", journal_rows(journal)[0]["key"], journal=journal)
    assert r.code == 2 and "--placed ID or --not-placed" in r.err, r


# == 4. kill -9 ================================================================================


def _states(journal) -> dict:
    return {r["key"]: r["state"] for r in journal_rows(journal)}


def test_kill9_mid_batch_then_run_again(tmp_path):
    """A batch of 20 Groww orders and one of 20 INDstocks orders (side by side), each run killed
    with SIGKILL at three moments, then run to the end."""
    (tmp_path / "groww").mkdir()
    (tmp_path / "indstocks").mkdir()
    concurrently({
        "groww": lambda: on_paper(_kill9_groww_at, tmp_path / "groww"),
        "indstocks": lambda: on_paper(_kill9_indstocks_at, tmp_path / "indstocks"),
    })


def _kill9_groww_at(tmp_path, paper):
    """Every Groww order exists exactly once: an in-flight one is sent again and recovered (GA007)."""
    path = order_file(tmp_path, "groww", 20)
    journal = tmp_path / "journal.sqlite"
    ref = lambda n: f"ordr{n:04d}-x"  # noqa: E731
    by_ref = lambda: {json.loads(r["body"])["reference_id"]: r for r in journal_rows(journal)}  # noqa: E731

    # Moment 1: the broker has placed order 4; its answer is still on the way.
    paper.faults(noop(GROWW_CREATE, 3), {"method": "POST", "path": GROWW_CREATE, "delay": 3})
    with running(path, paper.url, journal) as process:
        wait_for(lambda: len(paper.orders("groww")) >= 4, "order 4 at the broker")
        kill9(process)
    rows = by_ref()
    assert {r: rows[r]["state"] for r in rows} == {**{ref(n): "confirmed" for n in (1, 2, 3)}, ref(4): "sending"}
    assert len(paper.orders("groww")) == 4

    # Moment 2: the request for order 10 was refused (429, Retry-After: 30); the run waits to retry.
    # This run first sends order 4 again (GA007: recovered), then orders 5 to 9.
    paper.clear_faults()
    posts = paper.count("POST", GROWW_CREATE)
    paper.faults(noop(GROWW_CREATE, 6), {"method": "POST", "path": GROWW_CREATE, "status": 429, "retry_after": 30})
    with running(path, paper.url, journal) as process:
        wait_for(lambda: paper.count("POST", GROWW_CREATE) >= posts + 7, "the 429 for order 10")
        kill9(process)
    rows = by_ref()
    assert rows[ref(4)]["state"] == "confirmed" and rows[ref(4)]["broker_id"] == ids_by_tag(paper, "groww")[ref(4)]
    assert rows[ref(10)]["state"] == "sending"
    assert ref(10) not in tags(paper, "groww") and len(paper.orders("groww")) == 9

    # Moment 3: whenever the broker has 15 orders, wherever the run is.
    paper.clear_faults()
    with running(path, paper.url, journal) as process:
        wait_for(lambda: len(paper.orders("groww")) >= 15, "15 orders at the broker")
        kill9(process)
    assert sum(1 for s in _states(journal).values() if s == "sending") <= 1
    assert_consistent(paper, "groww", journal)

    final = dispatch(path, paper.url, journal)
    assert final.code == 0, final
    assert tags(paper, "groww") == Counter({ref(n): 1 for n in range(1, 21)})
    assert list(_states(journal).values()) == ["confirmed"] * 20
    assert_consistent(paper, "groww", journal)

    posts = paper.count("POST", GROWW_CREATE)
    again = dispatch(path, paper.url, journal)
    assert again.code == 0 and status_count(again.out, "already sent") == 20, again
    assert paper.count("POST", GROWW_CREATE) == posts


def _kill9_indstocks_at(tmp_path, paper):
    """INDstocks orders at most once; the in-flight ones reported unknown until resolved."""
    path = order_file(tmp_path, "indstocks", 20)
    journal = tmp_path / "journal.sqlite"
    by_qty = lambda: journal_by_tag(journal, "indstocks")  # noqa: E731

    # Moment 1: order 4 placed at the broker, its answer still on the way.
    paper.faults(noop(INDSTOCKS_PLACE, 3), {"method": "POST", "path": INDSTOCKS_PLACE, "delay": 3})
    with running(path, paper.url, journal) as process:
        wait_for(lambda: len(placed(paper, "indstocks")) >= 4, "order 4 at the broker")
        kill9(process)
    rows = by_qty()
    assert {q: r["state"] for q, r in rows.items()} == {1: "confirmed", 2: "confirmed", 3: "confirmed", 4: "sending"}
    in_flight = {rows[4]["key"]}

    # Moment 2: order 10 refused with 429 Retry-After: 30, the run waiting to retry it.
    # Order 4 is not sent again (INDstocks does not deduplicate): orders 5 to 9, then 10.
    paper.clear_faults()
    posts = paper.count("POST", INDSTOCKS_PLACE)
    paper.faults(noop(INDSTOCKS_PLACE, 5), {"method": "POST", "path": INDSTOCKS_PLACE, "status": 429, "retry_after": 30})
    with running(path, paper.url, journal) as process:
        wait_for(lambda: paper.count("POST", INDSTOCKS_PLACE) >= posts + 6, "the 429 for order 10")
        kill9(process)
    rows = by_qty()
    assert rows[10]["state"] == "sending" and 10 not in tags(paper, "indstocks")
    assert tags(paper, "indstocks") == Counter({q: 1 for q in range(1, 10)})
    in_flight.add(rows[10]["key"])

    # Moment 3: whenever the broker has 15 orders.
    paper.clear_faults()
    before = set(k for k, s in _states(journal).items() if s == "sending")
    with running(path, paper.url, journal) as process:
        wait_for(lambda: len(placed(paper, "indstocks")) >= 15, "15 orders at the broker")
        kill9(process)
    new = set(k for k, s in _states(journal).items() if s == "sending") - before
    assert len(new) <= 1, "one run left more than one request in flight"
    in_flight |= new
    assert_consistent(paper, "indstocks", journal)

    final = dispatch(path, paper.url, journal, "--format", "json")
    assert final.code != 0, final
    results = final.json()["results"]
    unknown = {x["key"] for x in results if x["state"] == "unknown"}
    assert unknown == in_flight, final
    assert all("ordspec journal resolve" in x["message"] for x in results if x["state"] == "unknown")
    assert all(n == 1 for n in tags(paper, "indstocks").values())
    assert 10 not in tags(paper, "indstocks") and tags(paper, "indstocks")[4] == 1
    assert_consistent(paper, "indstocks", journal)

    # The user checks the order book and records what happened; the next run completes the batch.
    ids = ids_by_tag(paper, "indstocks")
    for row in journal_rows(journal):
        if row["key"] in unknown:
            qty = json.loads(row["body"])["qty"]
            how = ("--placed", ids[qty]) if qty in ids else ("--not-placed",)
            assert journal_cli("resolve", row["key"], *how, journal=journal).code == 0
    done = dispatch(path, paper.url, journal)
    assert done.code == 0, done
    assert tags(paper, "indstocks") == Counter({q: 1 for q in range(1, 21)})
    assert list(_states(journal).values()) == ["confirmed"] * 20
    assert_consistent(paper, "indstocks", journal)


def test_an_order_reported_unknown_after_a_kill_is_listed_as_unknown(tmp_path, paper):
    path = order_file(tmp_path, "indstocks", 1)
    journal = tmp_path / "journal.sqlite"
    paper.faults({"method": "POST", "path": INDSTOCKS_PLACE, "delay": 2})
    with running(path, paper.url, journal) as process:
        wait_for(lambda: placed(paper, "indstocks"), "the order at the broker")
        kill9(process)
    r = dispatch(path, paper.url, journal, "--format", "json")
    assert r.code == 1 and r.json()["results"][0]["state"] == "unknown", r
    listed = journal_cli("list", "--state", "unknown", "--format", "json", journal=journal)
    assert [e["key"] for e in listed.json()] == [r.json()["results"][0]["key"]]


def test_pausing_a_resumed_sip_again_from_a_new_file_is_sent(tmp_path, paper):
    """Actions are keyed by their file as well: a PAUSE written in a new file is a new action."""
    journal = tmp_path / "journal.sqlite"
    assert run("codifi", order_file(tmp_path, "codifi", 1), paper, journal).code == 0
    [sip] = paper.orders("codifi")
    for n, verb in enumerate(("PAUSE", "RESUME", "PAUSE")):
        r = run("codifi", write(tmp_path, f"{verb.lower()}-{n}.ord", "broker codifi", f"{verb} SIP {sip['id']}"), paper, journal)
        assert r.code == 0, r
    assert paper.orders("codifi")[0]["status"] == "paused"


def test_rerunning_the_same_action_file_sends_nothing_and_says_where_it_was_sent(tmp_path, paper):
    """Re-running a file is a no-op, for actions too; the output says where and how to send it again."""
    journal = tmp_path / "journal.sqlite"
    assert run("codifi", order_file(tmp_path, "codifi", 1), paper, journal).code == 0
    [sip] = paper.orders("codifi")
    pause = write(tmp_path, "pause.ord", "broker codifi", f"PAUSE SIP {sip['id']}")
    assert run("codifi", pause, paper, journal).code == 0
    again = run("codifi", pause, paper, journal)
    assert again.code == 0 and "already sent" in again.out and "pause.ord:2" in again.out and "another file" in again.out, again
    assert paper.orders("codifi")[0]["status"] == "paused"


# == 5. secrets ================================================================================


def _echo_faults(broker: str, create: str, secrets: tuple) -> list[dict]:
    """Broker answers that echo the credentials back (as a careless gateway might): a refusal, then a 5xx."""
    echo = "you sent: " + "; ".join(f"credential {s}" for s in secrets)
    bodies = {
        "groww": [{"status": "FAILURE", "error": {"code": "GA001", "message": "bad request: " + echo}}],
        "indstocks": [
            {"status": "error", "error_type": "InputException", "message": echo},
            {"status": "error", "error_type": "GeneralException", "message": echo},
        ],
        "codifi": [{"status": "Not_Ok", "message": echo, "result": None}, {"status": "Not_Ok", "message": echo, "result": None}],
        "smallcase": [
            {"success": False, "errors": ["invalid_jwt", echo], "data": None},
            {"success": False, "errors": [echo], "data": None},
        ],
    }[broker]
    return [{"method": "POST", "path": create, "status": s, "body": b} for s, b in zip((400, 500), bodies)]


@pytest.mark.parametrize("broker", sorted(BROKERS))
def test_credentials_appear_in_no_output_and_no_journal(tmp_path, paper, broker):
    create = BROKERS[broker][0]
    env = token_env(broker)
    secrets = (USER_JWT, SMALLCASE_SECRET) if broker == "smallcase" else (TOKEN,)
    path = order_file(tmp_path, broker, 2)
    journal = tmp_path / "journal.sqlite"
    paper.faults(*_echo_faults(broker, create, secrets))
    text = dispatch(path, paper.url, journal, *BROKERS[broker][1], env=env)
    assert text.code == 1, text
    assert "REJECTED" in text.out and "credential ***" in text.out, text  # the echoed secret, redacted
    paper.faults(*_echo_faults(broker, create, secrets))
    as_json = dispatch(path, paper.url, journal, *BROKERS[broker][1], "--format", "json", env=env)
    assert "credential ***" in as_json.out, as_json
    listed = journal_cli("list", "--format", "json", journal=journal)
    for r in (text, as_json, listed):
        assert_no_secret(r.out, r.err, secrets=secrets)
    assert_no_secret(journal_bytes(journal), secrets=secrets)
    journaled = [r["message"] or "" for r in journal_rows(journal)]
    assert any("credential ***" in m for m in journaled), "the echo was not journaled: the test proves nothing"


def test_a_token_cut_by_truncation_is_still_redacted(tmp_path, paper):
    token = "tok-" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    head = json.dumps({"status": "FAILURE", "error": {"code": "GA001"}, "echo": ""})[:-2]  # up to the echo's opening quote
    pad = "x" * (200 - len(head) - len("Authorization: Bearer ") - 20)  # the 200th character falls inside the token
    paper.faults({"method": "POST", "path": GROWW_CREATE, "status": 400,
                  "body": {"status": "FAILURE", "error": {"code": "GA001"}, "echo": f"{pad}Authorization: Bearer {token}"}})
    path = order_file(tmp_path, "groww", 1)
    journal = tmp_path / "journal.sqlite"
    r = dispatch(path, paper.url, journal, token=token)
    assert r.code == 1, r
    half = token[:16]
    assert half not in r.out and half not in r.err, r
    assert half.encode() not in journal_bytes(journal)


def test_a_token_echoed_in_a_successful_answer_is_not_printed(tmp_path, paper):
    payload = {"smart_order_id": "gtt_abc123", "status": "ACTIVE", "remark": f"seen Authorization: Bearer {TOKEN}"}
    paper.faults({"method": "POST", "path": GROWW_CREATE, "status": 201, "body": {"status": "SUCCESS", "payload": payload}})
    path = order_file(tmp_path, "groww", 1)
    r = dispatch(path, paper.url, tmp_path / "journal.sqlite", "--format", "json")
    assert r.code == 0, r
    assert r.json()["results"][0]["broker_id"] == "gtt_abc123"
    assert_no_secret(r.out, r.err)


def test_ga007_for_a_reference_held_by_another_order_is_not_a_confirmation(tmp_path, paper):
    first = write(tmp_path, "a.ord", "broker groww", "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC ref shared-0001")
    assert dispatch(first, paper.url, tmp_path / "a.sqlite").code == 0
    [tcs] = paper.orders("groww")
    # The same ref on a different order, from another journal (another machine, a CI runner, a new disk).
    other = write(tmp_path, "b.ord", "broker groww", "GTT SELL 99 INFY trigger 1500 up market product CNC ref shared-0001")
    r = dispatch(other, paper.url, tmp_path / "b.sqlite", "--format", "json")
    assert paper.orders("groww") == [tcs]  # the broker placed nothing: INFY was never placed
    [x] = r.json()["results"]
    assert not (x["state"] == "confirmed" and x["broker_id"] == tcs["id"]), x
    assert r.code != 0, r


@pytest.mark.parametrize("kind", ["garbage", "directory"])
def test_an_unusable_journal_is_a_usage_error(tmp_path, paper, kind):
    journal = tmp_path / "journal.sqlite"
    if kind == "directory":
        journal.mkdir()
    else:
        journal.write_text("not a database\n")
    r = dispatch(order_file(tmp_path, "groww", 1), paper.url, journal)
    assert paper.seen == []  # (holds today: nothing is sent)
    assert "Traceback" not in r.err, r
    assert r.code == 2 and "journal" in r.err, r


@pytest.mark.parametrize(
    "broker, env, variable",
    [
        ("groww", {}, "ORDSPEC_TOKEN"),
        ("indstocks", {}, "ORDSPEC_INDSTOCKS_TOKEN"),
        ("smallcase", {"ORDSPEC_TOKEN": USER_JWT}, "ORDSPEC_SMALLCASE_SECRET"),
    ],
)
def test_missing_credentials_exit_2_naming_the_variable(tmp_path, paper, broker, env, variable):
    path = order_file(tmp_path, broker, 1)
    journal = tmp_path / "journal.sqlite"
    r = dispatch(path, paper.url, journal, *BROKERS[broker][1], token=None, env=env)
    assert r.code == 2, r
    assert variable in r.err
    assert paper.seen == [] and not journal.exists()


def test_the_broker_specific_token_overrides_ordspec_token(tmp_path, paper):
    path = order_file(tmp_path, "indstocks", 1)
    journal = tmp_path / "journal.sqlite"
    other = "indstocks-own-token-77123"
    r = dispatch(path, paper.url, journal, env={"ORDSPEC_INDSTOCKS_TOKEN": other})
    assert r.code == 0, r
    assert_no_secret(r.out, r.err, journal_bytes(journal), secrets=(other, TOKEN))


def test_smallcase_guest_token_buys_only(tmp_path, paper):
    journal = tmp_path / "journal.sqlite"
    env = {"ORDSPEC_TOKEN": GUEST_JWT, "ORDSPEC_SMALLCASE_SECRET": SMALLCASE_SECRET}
    mixed = write(
        tmp_path,
        "mixed.ord",
        "broker smallcase",
        'SMALLCASE BUY SCET_0010 notes "first buy"',
        'SMALLCASE INVESTMORE SCET_0010 iscid 5f58be2e0ae6815aef0d1118 notes "top-up"',
    )
    for extra in ((), ("--dry-run",)):
        r = dispatch(mixed, paper.url, journal, "--gateway", "gw", *extra, env=env)
        assert r.code == 1, r
        assert "connected-user" in r.err and "INVESTMORE" in r.err
    assert paper.seen == [] and paper.orders() == [] and not journal.exists()

    buy = write(tmp_path, "buy.ord", "broker smallcase", 'SMALLCASE BUY SCET_0010 notes "first buy"')
    r = dispatch(buy, paper.url, journal, "--gateway", "gw", env=env)
    assert r.code == 0, r
    [order] = paper.orders("smallcase")
    assert re.fullmatch(r"TRX_[0-9a-f]{24}", order["id"]) and order["id"] in r.out
    assert_no_secret(r.out, r.err, journal_bytes(journal), secrets=(GUEST_JWT, SMALLCASE_SECRET))


# == 6. output, bounds, reads ==================================================================


def test_output_names_each_order_its_id_and_status_then_a_summary(tmp_path, paper):
    path = write(tmp_path, "gtt.ord", *GROWW3)
    journal = tmp_path / "journal.sqlite"
    r = dispatch(path, paper.url, journal)
    assert r.code == 0, r
    ids = [o["id"] for o in paper.orders("groww")]
    lines = r.out.splitlines()
    for n, ident in zip((4, 5, 6), ids):
        expected = rf"{re.escape(str(path))}:{n}\s+create_smart_order\s+confirmed\s+{ident}$"
        assert any(re.match(expected, line) for line in lines), r
    assert lines[-1] == f"Groww at {paper.url}: 3 requests: 3 confirmed."

    again = dispatch(path, paper.url, journal, "--format", "json").json()
    counts = {"requests": 3, "confirmed": 0, "already": 3, "rejected": 0, "unknown": 0}
    assert again["summary"] == {"broker": "groww", "base_url": paper.url, **counts}
    assert [x["source"]["line"] for x in again["results"]] == [4, 5, 6]
    assert [x["broker_id"] for x in again["results"]] == ids


def test_a_rejection_exits_1_and_is_sent_again_next_time(tmp_path, paper):
    path = order_file(tmp_path, "groww", 2)
    journal = tmp_path / "journal.sqlite"
    paper.faults({"method": "POST", "path": GROWW_CREATE, "status": 400,
                  "body": {"status": "FAILURE", "error": {"code": "GA006", "message": "cannot process"}}})
    r = dispatch(path, paper.url, journal)
    assert r.code == 1, r
    assert "REJECTED" in r.out and "GA006" in r.out
    assert "1 confirmed, 1 rejected" in r.out.splitlines()[-1]
    assert [x["state"] for x in journal_rows(journal)] == ["rejected", "confirmed"]
    dry = dispatch(path, paper.url, journal, "--dry-run")
    assert "refused before: would be sent again" in dry.out
    r = dispatch(path, paper.url, journal)
    assert r.code == 0, r
    assert tags(paper, "groww") == Counter({"ordr0001-x": 1, "ordr0002-x": 1})
    assert_consistent(paper, "groww", journal)


@pytest.fixture(scope="module", autouse=True)
def groww_always_503(tmp_path_factory):
    """A Groww run against a broker that answers every create with 503. Groww's retries back off
    for seconds, so it starts with this module and runs beside the other tests; the test
    test_retries_are_bounded_when_the_broker_always_refuses reads its result."""
    broker = PaperBroker()
    broker.faults({"method": "POST", "path": GROWW_CREATE, "status": 503, "times": 1000})
    where = tmp_path_factory.mktemp("always503")
    path = order_file(where, "groww", 1)
    process = start_dispatch(path, broker.url, where / "journal.sqlite", "--format", "json")
    finished = {}

    def result():
        """(exit code, stdout, stderr) of the run, once it has ended."""
        if not finished:
            out, err = process.communicate(timeout=60)
            finished["run"] = (process.returncode, out.decode(), err.decode())
        return finished["run"]

    yield broker, result, path, where / "journal.sqlite"
    if process.poll() is None:
        process.kill()
    process.communicate()
    broker.stop()


def test_retries_are_bounded_when_the_broker_always_refuses(tmp_path, paper, groww_always_503):
    """Count the requests the broker saw: a bounded number, a clear result, a non-zero exit."""
    ind = order_file(tmp_path, "indstocks", 1, "ind.ord")
    # INDstocks always 429 (Retry-After: 0): retried, since nothing was done, but not forever.
    paper.faults({"method": "POST", "path": INDSTOCKS_PLACE, "status": 429, "retry_after": 0, "times": 1000})
    r = dispatch(ind, paper.url, tmp_path / "j1.sqlite", "--format", "json")
    assert r.code == 1, r
    [x] = r.json()["results"]
    assert x["state"] == "rejected" and "gave up" in x["message"] and "429" in x["message"], r
    attempts_429 = paper.count("POST", INDSTOCKS_PLACE)
    assert 2 <= attempts_429 <= 10
    # INDstocks always 503: a 5xx may have acted, and INDstocks does not deduplicate: one attempt.
    paper.clear_faults()
    paper.faults({"method": "POST", "path": INDSTOCKS_PLACE, "status": 503, "times": 1000})
    r = dispatch(ind, paper.url, tmp_path / "j2.sqlite", "--format", "json")
    assert r.code == 1, r
    assert r.json()["results"][0]["state"] == "unknown"
    assert paper.count("POST", INDSTOCKS_PLACE) == attempts_429 + 1
    assert paper.orders() == []
    # Groww always 503 (started with the module): retried with backoff, then a clear answer.
    groww, result, path, journal = groww_always_503
    code, out, err = result()
    assert code == 1, (out, err)
    [x] = json.loads(out)["results"]
    assert x["state"] == "unknown" and "503" in x["message"], out
    attempts = groww.count("POST", GROWW_CREATE)
    assert 2 <= attempts <= 10
    assert groww.orders() == []
    assert [r["state"] for r in journal_rows(journal)] == ["unknown"]
    # Groww deduplicates: the next run sends the unknown again, and it lands once.
    groww.clear_faults()
    again = dispatch(path, groww.url, journal)
    assert again.code == 0, again
    assert groww.count("POST", GROWW_CREATE) == attempts + 1
    assert tags(groww, "groww") == Counter({"ordr0001-x": 1})


def test_a_groww_unknown_is_not_described_as_never_resent(groww_always_503):
    code, out, err = groww_always_503[1]()
    [x] = json.loads(out)["results"]
    assert x["state"] == "unknown"
    assert "does not deduplicate" not in x["message"] and "not sent again" not in x["message"], x["message"]


def test_reads_are_sent_every_time_and_never_journaled(tmp_path, paper):
    journal = tmp_path / "journal.sqlite"
    create = write(tmp_path, "create.ord", "broker groww",
                   "OCO SELL 65 NIFTY30DEC26000CE target 180.5 limit 181 sl 95 position 130 product NRML ref nifty-exit-01")
    assert dispatch(create, paper.url, journal).code == 0
    [oco] = paper.orders("groww")
    reads = write(tmp_path, "reads.ord", "broker groww", f"GET OCO {oco['id']} segment FNO", "LIST OCO segment FNO status ACTIVE")
    for n in (1, 2):
        r = dispatch(reads, paper.url, journal, "--format", "json")
        assert r.code == 0, r
        got, listed = r.json()["results"]
        assert got["state"] == "confirmed" and got["key"] is None and got["data"]["smart_order_id"] == oco["id"]
        assert [o["smart_order_id"] for o in listed["data"]["orders"]] == [oco["id"]]
        assert paper.count("GET", f"/v1/order-advance/status/FNO/OCO/internal/{oco['id']}") == n
        assert paper.count("GET", "/v1/order-advance/list") == n
    assert len(journal_rows(journal)) == 1
    plan = dispatch(reads, paper.url, journal, "--dry-run", "--format", "json").json()
    assert [x["journal"] for x in plan["requests"]] == [None, None]

    # An action that changes something is journaled, and not sent twice.
    cancel = write(tmp_path, "cancel.ord", "broker groww", f"CANCEL OCO {oco['id']} segment FNO")
    for n in (1, 2):
        r = dispatch(cancel, paper.url, journal)
        assert r.code == 0, r
    assert paper.count("POST", f"/v1/order-advance/cancel/FNO/OCO/{oco['id']}") == 1
    assert "already sent" in r.out
    assert [o["status"] for o in paper.orders("groww")] == ["CANCELLED"]
    assert len(journal_rows(journal)) == 2


# == rate ======================================================================================


class Clock:
    """A clock for the transport's pacing that only moves when it is slept on: nothing waits."""

    def __init__(self):
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_pacing_spaces_the_requests_by_the_rate():
    from ordspec.dispatch.transport import Transport

    clock = Clock()
    transport = Transport("http://127.0.0.1:9", {}, 2.5, 5.0, clock=clock.monotonic, sleep=clock.sleep)
    try:
        for _ in range(4):
            transport._pace()
        assert clock.slept == [0.4, 0.4, 0.4]  # the first goes at once, each next 1/2.5 s after the one before
        clock.now += 5.0  # a pause longer than the interval: the next request goes at once, and no burst follows
        transport._pace()
        transport._pace()
        assert clock.slept == [0.4, 0.4, 0.4, 0.4]
    finally:
        transport.close()


@pytest.fixture
def paced(monkeypatch):
    """The pace every Transport of an in-process dispatch keeps: (rate, the sleeps between its requests)."""
    from ordspec.dispatch import transport as module

    made = []

    class Recorded(module.Transport):
        def __init__(self, base_url, headers, rate_per_second, timeout):
            self.recorded = Clock()
            super().__init__(base_url, headers, rate_per_second, timeout, clock=self.recorded.monotonic, sleep=self.recorded.sleep)
            made.append(self)

    monkeypatch.setattr(module, "Transport", Recorded)
    return lambda: [(t.interval and round(1 / t.interval, 6), t.recorded.slept) for t in made]


def _dispatch_here(broker, orders, paper, journal, monkeypatch, **options) -> int:
    from ordspec.cli.commands import dispatch

    for name, value in token_env(broker).items():
        monkeypatch.setenv(name, value)
    return dispatch(str(orders), base_url=paper.url, journal=str(journal), **options)


@pytest.mark.parametrize("how", ["option", "config"])
def test_the_rate_asked_for_spaces_the_requests(tmp_path, paper, paced, monkeypatch, how):
    """--rate (or the config's `rate`) sets the pace: requests go at least 1/rate apart."""
    orders = order_file(tmp_path, "groww", 4)
    if how == "option":
        options = {"rate": 2.5}
    else:
        config = tmp_path / "ordspec.toml"
        config.write_text("rate = { groww = 2.5, indstocks = 1 }\n")
        options = {"config": str(config)}
    assert _dispatch_here("groww", orders, paper, tmp_path / "journal.sqlite", monkeypatch, **options) == 0
    assert len(placed(paper, "groww")) == 4
    assert paced() == [(2.5, [0.4, 0.4, 0.4])]


def test_the_brokers_default_rate_applies_without_one(tmp_path, paper, paced, monkeypatch):
    assert _dispatch_here("groww", order_file(tmp_path, "groww", 3), paper, tmp_path / "journal.sqlite", monkeypatch) == 0
    assert compiler.get("groww").setting("dispatch.rate_per_second") == 4
    assert paced() == [(4.0, [0.25, 0.25])]


@pytest.mark.parametrize(
    "args, config, message",
    [
        (("--rate", "11"), None, "INDstocks allows at most 10 requests/s (INDstocks API documentation, https://api-docs.indstocks.com: order APIs 10 requests/s)"),
        ((), "rate = 20\n", "INDstocks allows at most 10 requests/s"),
        (("--rate", "0"), None, "choose above 0 and at most 100"),
        (("--rate", "fast"), None, "is not a number of requests per second"),
        ((), "rate = { zerodha = 3 }\n", "rate.zerodha: not a broker"),
        ((), 'rate = "3"\n', "rate: requests per second, above 0 and at most 100"),
    ],
)
def test_a_rate_the_broker_does_not_allow_is_a_usage_error(tmp_path, paper, args, config, message):
    journal = tmp_path / "journal.sqlite"
    if config is not None:
        path = tmp_path / "ordspec.toml"
        path.write_text(config)
        args = (*args, "--config", path)
    r = run("indstocks", order_file(tmp_path, "indstocks", 2), paper, journal, *args)
    assert r.code == 2, r
    assert message in r.err, r
    assert paper.seen == []


def test_a_rate_up_to_the_documented_limit_is_taken(tmp_path, paper):
    journal = tmp_path / "journal.sqlite"
    assert run("indstocks", order_file(tmp_path, "indstocks", 2), paper, journal, "--rate", "10").code == 0
    assert len(placed(paper, "indstocks")) == 2
