"""Property: whatever the broker's book holds and whatever the files ask for, applying the plan and
planning again gives no changes, and the book then holds each desired order once, as the file says.

The book is the paper broker's own state and handlers, called in this process (no sockets, no
pacing), so that hypothesis can try many (desired file, book) pairs quickly: a first file applied,
then the broker moving on its own (fills, triggers, cancels outside ordspec, orders ordspec never
placed), then a second file.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from ordspec.compiler.jsonout import dumps
from ordspec.dispatch.journal import Journal
from ordspec.dispatch.transport import read_answer
from ordspec.paper import book as paper_book
from ordspec.paper.brokers import groww as paper_groww
from ordspec.paper.server import Paper
from ordspec.plan import adapters, make
from ordspec.plan.apply import execute

DAY = date(2025, 10, 1)
BASE = "http://paper.invalid"
NAMES = ("alpha-0001", "bravo-0001", "charlie-01", "delta-0001", "echo-00001")


class InProcess:
    """A transport that hands each request to the paper broker's handler, as its server would."""

    def __init__(self):
        self.paper = Paper(":memory:")

    def send(self, request):
        _, handler, params = self.paper.route(request.method, request.path)
        assert handler is not None, request.path
        body = json.loads(dumps(request.body, indent=None), parse_float=Decimal) if request.body is not None else None
        query = {k: str(v) for k, v in (request.query or {}).items()}
        with self.paper.store.lock:
            status, payload = handler(self.paper.store, params, query, body)
        return read_answer(status, {}, json.dumps(payload).encode())

    def close(self):
        pass


gtt = st.fixed_dictionaries({
    "kind": st.just("GTT"),
    "qty": st.sampled_from([5, 10]),
    "trigger": st.sampled_from(["3985", "3980"]),
    "limit": st.sampled_from(["3990", "3995", None]),
    "product": st.sampled_from(["CNC", "MIS"]),
})
oco = st.fixed_dictionaries({
    "kind": st.just("OCO"),
    "qty": st.sampled_from([75, 150]),
    "target": st.sampled_from(["120", "125"]),
    "target_limit": st.sampled_from(["130", None]),
    "sl": st.sampled_from(["95", "97"]),
    "product": st.sampled_from(["MIS", "NRML"]),
})
desired = st.dictionaries(st.sampled_from(NAMES), st.one_of(gtt, oco), max_size=4)
events = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(["COMPLETED", "CANCELLED", "TRIGGERED", "modified", "none"])), max_size=4)


def line(name: str, o: dict) -> str:
    if o["kind"] == "GTT":
        order = f"limit {o['limit']}" if o["limit"] else "market"
        return f"GTT BUY {o['qty']} TCS trigger {o['trigger']} down {order} product {o['product']} ref {name}"
    target = f"target {o['target']}" + (f" limit {o['target_limit']}" if o["target_limit"] else "")
    return f"OCO SELL {o['qty']} NIFTY25OCT24000CE {target} sl {o['sl']} product {o['product']} ref {name}"


def plan_once(directory: Path, wanted: dict, journal, transport, apply: bool, broker: str = "groww"):
    path = directory / "orders.ord"
    write = sip_line if broker == "codifi" else line
    path.write_text(f"broker {broker}\n" + "".join(write(n, o) + "\n" for n, o in sorted(wanted.items())))
    checked = adapters.check_files([str(path)], as_of=DAY)
    assert checked.requests is not None, [d.message for d in checked.diagnostics]
    sender = adapters.sender(broker, BASE, journal, transport, adapters.credentials(broker), sleep=lambda s: None)
    plan = make(checked, BASE, journal, sender, ":memory:")
    if apply:
        done = execute(plan, journal, sender)
        assert all(d.ok for d in done), [(d.step.op, d.step.name, [r.message for r in d.results]) for d in done]
    return plan


def outside_order(transport, n: int) -> str:
    body = {"reference_id": f"outside-{n:04d}", "smart_order_type": "GTT", "segment": "CASH", "trading_symbol": "SBIN", "quantity": 1,
            "trigger_price": "700.00", "trigger_direction": "DOWN", "order": {"order_type": "LIMIT", "price": "701.00", "transaction_type": "BUY"},
            "product_type": "CNC", "exchange": "NSE", "duration": "DAY"}
    status, payload = paper_groww.create(transport.paper.store, {}, {}, body)
    assert status == 201
    return payload["payload"]["smart_order_id"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=desired, moves=events, outside=st.integers(0, 2), second=desired)
def test_applying_the_plan_then_planning_again_changes_nothing(first, moves, outside, second):
    transport, journal = InProcess(), Journal(":memory:")
    store = transport.paper.store
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        plan_once(directory, first, journal, transport, apply=True)
        refs = {o.ref: o for o in store.all("groww")}
        for name, move in moves:  # the broker moves on its own
            order = refs.get(name)
            if order is None or move == "none":
                continue
            if move == "modified":  # changed outside ordspec: plan brings it back
                data = {**store.get("groww", order.id).data, "quantity": 1}
                store.update(store.get("groww", order.id), data=data)
            else:
                paper_book.set_status(store, order.id, json.dumps({"status": move}).encode())
        strangers = {outside_order(transport, n) for n in range(outside)}
        plan_once(directory, second, journal, transport, apply=True)
        again = plan_once(directory, second, journal, transport, apply=False)
        assert not again.changes, [(a.action, a.name, a.changes, a.reason) for a in again.actions if a.action in ("create", "modify", "replace", "cancel")]
        assert not again.unknown
        active = [o for o in store.all("groww") if o.status == "ACTIVE"]
        assert {o.id for o in active if o.id in strangers} == strangers  # never touched
        mine = [o for o in active if o.id not in strangers]
        done = {a.name for a in again.actions if a.action == "done"}
        by_name: dict = {}
        for o in mine:
            name = _name_of(journal, o.id)
            assert name is not None, o.id  # every live order ordspec placed is one of its names
            by_name.setdefault(name, []).append(o)
        assert all(len(v) == 1 for v in by_name.values()), by_name  # one live order per name
        assert set(by_name) == set(second) - done  # each desired order live once, or done
        for name, (o,) in by_name.items():
            want = second[name]
            assert o.data["quantity"] == want["qty"] and o.data["product_type"] == want["product"]
    journal.close()


def _name_of(journal, broker_id: str) -> str | None:
    for row in journal.names("groww", BASE):
        if row["broker_id"] == broker_id:
            return row["name"]
    return None


@given(name=st.from_regex(r"[A-Za-z0-9]{4,8}(-[A-Za-z0-9]{1,5}){0,2}", fullmatch=True), generation=st.integers(1, 10**6))
def test_a_replacement_reference_id_is_valid_for_groww_and_the_same_every_run(name, generation):
    from ordspec.plan.model import reference
    from tests.conftest import lint_text

    ref = reference(name, generation)
    assert ref == reference(name, generation) and ref != reference(name, generation + 1) and ref != name
    assert 8 <= len(ref) <= 20 and ref.count("-") <= 2 and ref.replace("-", "").isalnum() and ref.isascii()
    line = f"GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC ref {ref}"
    assert [d.name for d in lint_text(line, broker="groww")] == []  # the reference-id rule takes it


sip = st.fixed_dictionaries({
    "size": st.sampled_from(["1", "2", "INR2000"]),
    "frequency": st.sampled_from(["daily", "weekly"]),
    "start": st.sampled_from(["2025-10-06", "2025-11-03"]),
    "installments": st.sampled_from([3, 5]),
    "name": st.sampled_from(["core", "core two"]),
    "plus": st.sampled_from([None, "2 HDFCBANK-EQ token 1333"]),
})


def sip_line(name: str, o: dict) -> str:
    plus = f" plus {o['plus']}" if o["plus"] else ""
    return (f"SIP BUY {o['size']} TCS-EQ token 11536 product CNC{plus} {o['frequency']} start {o['start']} "
            f"installments {o['installments']} name \"{o['name']}\" ref {name}")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.dictionaries(st.sampled_from(NAMES), sip, max_size=3),
       moves=st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(["paused", "cancelled", "none"])), max_size=3),
       second=st.dictionaries(st.sampled_from(NAMES), sip, max_size=3))
def test_codifi_sips_converge_too(first, moves, second):
    transport, journal = InProcess(), Journal(":memory:")
    store = transport.paper.store
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        plan_once(directory, first, journal, transport, apply=True, broker="codifi")
        ids = {row["name"]: row["broker_id"] for row in journal.names("codifi", BASE)}
        for name, move in moves:
            if name in ids and move != "none":
                paper_book.set_status(store, ids[name], json.dumps({"status": move}).encode())
        plan_once(directory, second, journal, transport, apply=True, broker="codifi")
        again = plan_once(directory, second, journal, transport, apply=False, broker="codifi")
        assert not again.changes and not again.unknown, [(a.action, a.name, a.changes) for a in again.actions]
        held = {a.name for a in again.actions if a.action == "held"}
        live = {row["name"]: row["broker_id"] for row in journal.names("codifi", BASE) if row["state"] == "live"}
        active = {o.id: o for o in store.all("codifi") if o.status == "active"}
        for name, want in second.items():
            if name in held:
                continue  # inactive outside ordspec: left as it is
            order = active[live[name]]
            assert order.data["endPeriod"] == str(want["installments"]) and order.data["sipName"] == want["name"]
            assert len(order.data["scrips"]) == (2 if want["plus"] else 1)
        assert set(active) <= set(live.values()) | {ids[n] for n in ids if n in second and n in held}
    journal.close()
