"""`ordspec plan` and `ordspec apply` end to end: the installed command against the paper broker.

Each test keeps a file of desired orders and a journal, changes the file (or the paper broker's
book, through its documented /_paper/ endpoints) and checks what plan says and what apply leaves
at the broker.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ordspec_command
from tests.dispatch_helpers import DEADLINE, PaperBroker, Run, env_for, journal_rows, kill9, wait_for, write

AS_OF = "2025-10-01"
GTT = "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC ref tcs-dip-0001"
OCO = "OCO SELL 75 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 product MIS ref nifty-exit-01"
INFY = "GTT SELL 10 INFY trigger 1600 up market product CNC ref infy-sell-01"


def cli(*args, journal, paper=None, token="tok-SECRET-9f8e7d6c5b4a39281706", stdin=subprocess.DEVNULL, timeout=120, rate="50") -> Run:
    """The installed command with --journal; with `paper`, also the paper broker's URL, the day and a fast pace."""
    here = Path(journal).parent  # run from the test's directory: files are shown as the user names them
    words = [str(a.relative_to(here)) if isinstance(a, Path) and a.is_relative_to(here) else str(a) for a in args]
    argv = [ordspec_command(), *words, "--journal", str(journal)]
    if paper is not None:
        argv += ["--base-url", paper.url, "--as-of", AS_OF, "--rate", rate]
    return Run(subprocess.run(argv, capture_output=True, env=env_for(token), stdin=stdin, timeout=timeout, cwd=here))


def plan(path, journal, paper, *extra, rate="50") -> Run:
    return cli("plan", path, *extra, journal=journal, paper=paper, rate=rate)


def apply(path, journal, paper, *extra, rate="50") -> Run:
    return cli("apply", path, "--yes", *extra, journal=journal, paper=paper, rate=rate)


def orders_file(tmp_path, *lines, name="orders.ord", broker="groww") -> Path:
    return write(tmp_path, name, f"broker {broker}", *lines)


def live(paper, broker="groww") -> dict:
    """The paper broker's orders that are live, by reference id (Groww) or id."""
    return {(o["ref"] or o["id"]): o for o in paper.orders(broker) if o["status"] in ("ACTIVE", "active", "CREATED")}


def flat(run: Run) -> str:
    """The output with runs of blanks as one (the columns' widths are not what these tests check)."""
    return re.sub(r" +", " ", run.out)


def last_line(run: Run) -> str:
    return run.out.rstrip("\n").splitlines()[-1]


@pytest.fixture
def paper():
    with PaperBroker() as broker:
        yield broker


def test_create_then_no_changes_then_modify_in_place(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, GTT, OCO)
    first = plan(path, journal, paper)
    assert first.code == 0, first
    assert "+ create orders.ord:2 GTT tcs-dip-0001" in flat(first)
    assert last_line(first) == "Plan: 2 to create, 0 to modify, 0 to replace, 0 to cancel."
    assert paper.orders() == []  # plan sends nothing
    done = apply(path, journal, paper)
    assert done.code == 0, done
    assert set(live(paper)) == {"tcs-dip-0001", "nifty-exit-01"}
    again = plan(path, journal, paper, "--detailed-exitcode")
    assert again.code == 0 and last_line(again) == "No changes.", again
    before = live(paper)["tcs-dip-0001"]["id"]
    orders_file(tmp_path, GTT.replace("BUY 10", "BUY 12").replace("trigger 3985", "trigger 3980"), OCO.replace("sl 95", "sl 97"))
    edit = plan(path, journal, paper, "--detailed-exitcode")
    assert edit.code == 2, edit
    assert f"~ modify orders.ord:2 GTT tcs-dip-0001 qty 10 -> 12, trigger 3985 -> 3980 ({before})" in flat(edit)
    assert "OCO nifty-exit-01 sl 95 -> 97" in flat(edit)
    assert last_line(edit) == "Plan: 0 to create, 2 to modify, 0 to replace, 0 to cancel."
    assert apply(path, journal, paper).code == 0
    now = live(paper)["tcs-dip-0001"]
    assert now["id"] == before  # modified in place: the same broker order
    assert (now["data"]["quantity"], now["data"]["trigger_price"]) == (12, "3980.00")
    assert live(paper)["nifty-exit-01"]["data"]["stop_loss"]["trigger_price"] == "97.00"
    assert last_line(plan(path, journal, paper)) == "No changes."


def test_a_field_the_broker_cannot_modify_is_a_replace_under_a_new_reference_id(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, INFY)
    assert apply(path, journal, paper).code == 0
    old = live(paper)["infy-sell-01"]["id"]
    orders_file(tmp_path, INFY.replace("product CNC", "product MIS"))
    shown = plan(path, journal, paper)
    assert "-/+ replace orders.ord:2 GTT infy-sell-01 product CNC -> MIS: Groww cannot modify the product of a GTT" in flat(shown), shown
    assert last_line(shown) == "Plan: 0 to create, 0 to modify, 1 to replace, 0 to cancel."
    done = apply(path, journal, paper)
    assert done.code == 0, done
    by_id = {o["id"]: o for o in paper.orders()}
    assert by_id[old]["status"] == "CANCELLED"
    (new,) = [o for o in paper.orders() if o["status"] == "ACTIVE"]
    assert new["id"] != old and new["data"]["product_type"] == "MIS"
    ref = new["ref"]
    assert ref != "infy-sell-01" and ref.startswith("r1-") and 8 <= len(ref) <= 20 and ref.count("-") <= 2
    assert done.out.index("cancel ") < done.out.index("create ")  # cancel, then create
    assert last_line(plan(path, journal, paper)) == "No changes."


def test_removal_cancels_and_orders_ordspec_never_placed_are_counted_not_touched(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, GTT, INFY)
    assert apply(path, journal, paper).code == 0
    outside = write(tmp_path, "outside.ord", "broker groww", "GTT BUY 1 SBIN trigger 700 down limit 701 product CNC ref outside-0001")
    sent = cli("dispatch", outside, "--base-url", paper.url, "--as-of", AS_OF, journal=tmp_path / "other.sqlite")
    assert sent.code == 0, sent
    orders_file(tmp_path, GTT)
    shown = plan(path, journal, paper)
    assert f"- cancel GTT infy-sell-01 no longer in any file ({live(paper)['infy-sell-01']['id']})" in flat(shown), shown
    assert "1 live order at Groww that ordspec did not place: not touched" in shown.out
    assert apply(path, journal, paper).code == 0
    assert set(live(paper)) == {"tcs-dip-0001", "outside-0001"}


def test_an_order_that_fired_is_done_and_not_re_created(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, GTT, INFY)
    assert apply(path, journal, paper).code == 0
    ids = {ref: o["id"] for ref, o in live(paper).items()}
    r = paper.client.post(f"/_paper/orders/{ids['tcs-dip-0001']}", json={"status": "COMPLETED"})
    assert r.status_code == 200, r.text
    r = paper.client.post("/_paper/prices", json=[{"symbol": "INFY", "price": "1601"}])  # INFY's trigger fires
    assert r.status_code == 200 and r.json()["events"], r.text
    shown = plan(path, journal, paper, "--detailed-exitcode")
    assert shown.code == 0 and last_line(shown) == "No changes.", shown
    assert "= done orders.ord:2 GTT tcs-dip-0001 completed at Groww" in flat(shown)
    assert "GTT infy-sell-01" in shown.out and "not re-created" in shown.out
    assert apply(path, journal, paper).code == 0
    assert len(paper.orders()) == 2  # nothing placed again


def test_an_order_cancelled_outside_ordspec_is_re_created(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, GTT)
    assert apply(path, journal, paper).code == 0
    old = live(paper)["tcs-dip-0001"]["id"]
    assert paper.client.post(f"/_paper/orders/{old}", json={"status": "CANCELLED"}).status_code == 200
    shown = plan(path, journal, paper)
    assert "+ create orders.ord:2 GTT tcs-dip-0001" in flat(shown) and "cancelled at Groww outside ordspec" in shown.out, shown
    assert last_line(shown) == "Plan: 1 to create, 0 to modify, 0 to replace, 0 to cancel."
    assert apply(path, journal, paper).code == 0
    (new,) = live(paper).values()
    assert new["id"] != old and new["ref"].startswith("r1-")
    assert last_line(plan(path, journal, paper)) == "No changes."


def test_a_saved_plan_is_applied_exactly_or_refused_when_the_book_moved(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, GTT, INFY)
    assert apply(path, journal, paper).code == 0
    orders_file(tmp_path, GTT.replace("trigger 3985", "trigger 3980"))
    saved = tmp_path / "tonight.plan"
    made = plan(path, journal, paper, "-o", saved)
    assert made.code == 0 and saved.exists(), made
    fired = live(paper)["tcs-dip-0001"]["id"]
    assert paper.client.post(f"/_paper/orders/{fired}", json={"status": "TRIGGERED"}).status_code == 200
    seen = len(paper.seen)
    stale = cli("apply", saved, "--rate", "50", journal=journal)
    assert stale.code == 1, stale
    assert "is stale: nothing sent" in stale.err and f"{fired}: ACTIVE -> TRIGGERED" in stale.err
    assert all(method == "GET" for method, _ in paper.seen[seen:])  # it read the book again; it sent nothing
    assert live(paper).keys() == {"infy-sell-01"}
    # planned again, then applied as saved: exactly its actions
    remade = plan(path, journal, paper, "-o", saved)
    assert "- cancel" in remade.out and "GTT infy-sell-01" in remade.out and "= done" in remade.out, remade
    applied = cli("apply", saved, "--rate", "50", journal=journal)
    assert applied.code == 0, applied
    assert "Apply complete: 0 created, 0 modified, 0 replaced, 1 cancelled." in applied.out
    assert live(paper) == {}
    assert cli("apply", saved, "--rate", "50", journal=journal).code == 1  # applied once: the journal moved since


def test_kill9_in_the_middle_of_a_20_order_apply_then_apply_again_places_each_once(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    symbols = ["TCS", "INFY", "SBIN", "ITC", "HDFCBANK", "ICICIBANK", "LT", "AXISBANK", "WIPRO", "TITAN"]
    lines = [f"GTT BUY {n + 1} {symbols[n % 10]} trigger {1000 + n} down limit {1001 + n} product CNC ref batch-{n:04d}" for n in range(20)]
    path = orders_file(tmp_path, *lines)
    argv = [ordspec_command(), "apply", str(path), "--yes", "--journal", str(journal), "--base-url", paper.url, "--as-of", AS_OF, "--rate", "20"]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for("tok-SECRET-9f8e7d6c5b4a39281706"))
    try:
        wait_for(lambda: len(paper.orders()) >= 7, "seven orders placed")
        # the broker acts on the next create and then holds its answer: the kill lands mid-request
        paper.faults({"method": "POST", "path": "/v1/order-advance/create", "delay": 4})
        placed = len(paper.orders())
        wait_for(lambda: paper.count("POST", "/v1/order-advance/create") > placed and len(paper.orders()) > placed, "a create acted on, its answer held")
        kill9(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=DEADLINE)
    paper.clear_faults()
    killed_at = len(paper.orders())
    assert 7 < killed_at < 20
    again = apply(path, journal, paper)
    assert again.code == 0, again
    refs = [o["ref"] for o in paper.orders()]
    assert sorted(refs) == [f"batch-{n:04d}" for n in range(20)]  # every order once: none twice, none lost
    assert all(o["status"] == "ACTIVE" for o in paper.orders())
    final = plan(path, journal, paper, "--detailed-exitcode")
    assert final.code == 0 and last_line(final) == "No changes.", final
    rows = sqlite3.connect(journal).execute("SELECT state, count(*) FROM names GROUP BY state").fetchall()
    assert rows == [("live", 20)]


def test_one_apply_per_journal_at_a_time(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, GTT)
    paper.faults({"method": "POST", "path": "/v1/order-advance/create", "delay": 3})
    argv = [ordspec_command(), "apply", str(path), "--yes", "--journal", str(journal), "--base-url", paper.url, "--as-of", AS_OF]
    first = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for("tok-SECRET-9f8e7d6c5b4a39281706"))
    try:
        wait_for(lambda: paper.count("POST", "/v1/order-advance/create") == 1, "the first apply sending")
        second = apply(path, journal, paper)
        assert second.code == 2 and "is using the journal" in second.err, second
    finally:
        out, err = first.communicate(timeout=DEADLINE)
    assert first.returncode == 0, err
    assert len(paper.orders()) == 1


def test_apply_asks_and_refuses_without_a_terminal(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, GTT)
    refused = cli("apply", path, journal=journal, paper=paper)
    assert refused.code == 1 and "not a terminal to ask on; pass --yes" in refused.err, refused
    assert paper.orders() == []


def test_actions_and_smallcase_transactions_are_refused_and_lint_plan_says_so(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, GTT, "MODIFY GTT gtt_91a7f4 segment CASH qty 12")
    shown = plan(path, journal, paper)
    assert shown.code == 1 and "not-desired-state MODIFY is an action" in shown.err and shown.out == "", shown
    linted = Run(subprocess.run([ordspec_command(), "lint", str(path), "--plan"], capture_output=True))
    assert linted.code == 1 and "OS109 not-desired-state" in linted.out
    assert Run(subprocess.run([ordspec_command(), "lint", str(path), "--as-of", AS_OF], capture_output=True)).code == 0
    small = write(tmp_path, "sc.ord", "broker smallcase", 'SMALLCASE BUY SCET_0010 notes "first buy"')
    refused = plan(small, journal, paper)
    assert refused.code == 1 and "a smallcase transaction is an intent" in refused.err, refused


def test_names_are_unique_across_files(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    one = orders_file(tmp_path, GTT, name="a.ord")
    two = orders_file(tmp_path, GTT.replace("3985", "3980"), name="b.ord")
    shown = cli("plan", one, two, "--base-url", paper.url, "--as-of", AS_OF, journal=journal)
    assert shown.code == 1 and "duplicate-reference" in shown.err, shown
    same = orders_file(tmp_path, "GTT BUY 1 SBIN trigger 700 down limit 701 product CNC", name="c.ord")
    copy = orders_file(tmp_path, "GTT BUY 1 SBIN trigger 700 down limit 701 product CNC", name="d.ord")
    shown = cli("plan", same, copy, "--base-url", paper.url, "--as-of", AS_OF, journal=journal)
    assert shown.code == 1 and "duplicate-reference" in shown.err, shown


def test_an_order_without_a_ref_is_replaced_when_edited_and_plan_says_why(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, "GTT BUY 5 HDFCBANK trigger 1500 down limit 1501 product CNC")
    assert apply(path, journal, paper).code == 0
    (old,) = paper.orders()
    orders_file(tmp_path, "GTT BUY 6 HDFCBANK trigger 1500 down limit 1501 product CNC")
    shown = plan(path, journal, paper)
    assert "-/+ replace" in shown.out and "qty 5 -> 6: this order has no ref" in shown.out, shown
    assert "give it a `ref` to modify it in place" in shown.out
    assert last_line(shown) == "Plan: 0 to create, 0 to modify, 1 to replace, 0 to cancel."
    assert apply(path, journal, paper).code == 0
    states = sorted((o["status"], o["data"]["quantity"]) for o in paper.orders())
    assert states == [("ACTIVE", 6), ("CANCELLED", 5)]


def test_an_order_dispatch_placed_is_the_same_order_for_plan(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, GTT)
    assert cli("dispatch", path, "--base-url", paper.url, "--as-of", AS_OF, journal=journal).code == 0
    shown = plan(path, journal, paper)
    assert last_line(shown) == "No changes.", shown
    orders_file(tmp_path, GTT.replace("BUY 10", "BUY 11"))
    assert "~ modify" in plan(path, journal, paper).out
    assert apply(path, journal, paper).code == 0
    (only,) = paper.orders()
    assert only["data"]["quantity"] == 11


def test_codifi_sips_are_refreshed_from_the_order_book(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    sip = "SIP BUY 1 TCS-EQ daily start 2025-06-19 installments 3 name AD product CNC token 11536 registered 2025-05-19 ref tcs-sip"
    path = orders_file(tmp_path, sip, broker="codifi")
    assert apply(path, journal, paper).code == 0
    (number,) = [o["id"] for o in paper.orders("codifi")]
    assert last_line(plan(path, journal, paper)) == "No changes."
    orders_file(tmp_path, sip.replace("installments 3", "installments 5").replace("1 TCS-EQ", "INR2000 TCS-EQ"), broker="codifi")
    shown = plan(path, journal, paper)
    assert f"~ modify orders.ord:2 SIP tcs-sip qty 1 -> none, amount none -> 2000, installments 3 -> 5 ({number})" in flat(shown), shown
    assert apply(path, journal, paper).code == 0
    (order,) = paper.orders("codifi")
    assert order["id"] == number and order["data"]["endPeriod"] == "5" and order["data"]["scrips"][0]["price"] == "2000"
    assert last_line(plan(path, journal, paper)) == "No changes."
    # cancelled with dispatch: the order book says "inactive", the journal says why: placed again
    cancel = write(tmp_path, "cancel.ord", "broker codifi", f"CANCEL SIP {number}")
    assert cli("dispatch", cancel, "--base-url", paper.url, "--as-of", AS_OF, journal=journal).code == 0
    again = plan(path, journal, paper)
    assert "+ create" in again.out and "cancelled with `ordspec dispatch`" in again.out, again
    # paused outside ordspec: inactive, and left alone
    assert apply(path, journal, paper).code == 0
    (new,) = [o["id"] for o in paper.orders("codifi") if o["status"] == "active"]
    assert paper.client.post(f"/_paper/orders/{new}", json={"status": "paused"}).status_code == 200
    held = plan(path, journal, paper)
    assert "= held" in held.out and "paused or cancelled" in held.out and last_line(held) == "No changes.", held


def test_indstocks_is_planned_from_the_journal_alone_and_says_so(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    bracket = "BRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 limit 33 target 41 limit 42 product NRML security 51011 ref nifty-br-1"
    path = orders_file(tmp_path, bracket, broker="indstocks")
    assert apply(path, journal, paper, rate="10").code == 0
    seen = len(paper.seen)
    shown = plan(path, journal, paper, rate="10")
    assert last_line(shown) == "No changes." and "no read endpoint" in shown.out, shown
    assert len(paper.seen) == seen  # nothing read
    orders_file(tmp_path, bracket.replace("sl 34", "sl 34.5").replace("limit 37", "limit 37.5"), broker="indstocks")
    assert "~ modify" in plan(path, journal, paper, rate="10").out
    assert apply(path, journal, paper, rate="10").code == 0
    by_kind = {o["kind"]: o for o in paper.orders("indstocks")}
    assert str(by_kind["LIMIT"]["data"]["limit_price"]) == "37.5" and str(by_kind["CHILD"]["data"]["sl_trigger_price"]) == "34.5"
    assert last_line(plan(path, journal, paper, rate="10")) == "No changes."


def test_bad_plan_files_and_a_newer_journal_exit_2_without_a_traceback(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, GTT)
    saved = tmp_path / "t.plan"
    assert plan(path, journal, paper, "-o", saved).code == 0
    text = saved.read_text()
    cases = {
        "edited": text.replace("3985.00", "3885.00"),
        "truncated": text[: len(text) // 2],
        "other-version": json.dumps({**json.loads(text), "ordspec_plan": 99}),
        "not-json": "\x00\x01binary",
    }
    for name, body in cases.items():
        bad = tmp_path / f"{name}.plan"
        bad.write_text(body)
        r = cli("apply", bad, journal=journal)
        assert r.code == 2 and "Traceback" not in r.err and r.err.startswith("ordspec: error:"), (name, r)
    assert paper.orders() == []
    db = sqlite3.connect(journal)
    db.execute("CREATE TABLE IF NOT EXISTS requests (key TEXT PRIMARY KEY, broker TEXT, base_url TEXT, operation TEXT, method TEXT, path TEXT, body TEXT, source TEXT, state TEXT, broker_id TEXT, message TEXT, attempts INTEGER, created REAL, updated REAL)")
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', '9')")
    db.commit()
    db.close()
    for command in (plan(path, journal, paper), apply(path, journal, paper), cli("apply", saved, "--rate", "50", journal=journal)):
        assert command.code == 2 and "written by a newer ordspec (schema 9" in command.err and "Traceback" not in command.err, command


def test_a_schema_1_journal_is_migrated_and_its_sends_kept(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, GTT)
    assert cli("dispatch", path, "--base-url", paper.url, "--as-of", AS_OF, journal=journal).code == 0
    db = sqlite3.connect(journal)
    db.execute("DROP TABLE names")
    db.execute("DROP TABLE meta")  # as an ordspec before plan wrote it
    db.commit()
    db.close()
    assert last_line(plan(path, journal, paper)) == "No changes."  # read as it is
    assert sqlite3.connect(journal).execute("SELECT name FROM sqlite_master WHERE name = 'names'").fetchone() is None
    assert apply(path, journal, paper).code == 0
    assert sqlite3.connect(journal).execute("SELECT value FROM meta").fetchone() == ("2",)
    assert len(paper.orders()) == 1


def test_detailed_exitcode_makes_every_error_1(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    missing = cli("plan", tmp_path / "nope.ord", "--detailed-exitcode", journal=journal)
    assert missing.code == 1 and "no such file" in missing.err, missing
    assert cli("plan", tmp_path / "nope.ord", journal=journal).code == 2
    path = orders_file(tmp_path, GTT)
    paper.faults({"method": "GET", "path": "/v1/order-advance/list", "status": 401, "times": 10})
    refused = plan(path, journal, paper, "--detailed-exitcode")
    assert refused.code == 1 and "cannot read the active GTT orders in CASH from Groww" in refused.err, refused


def test_kill9_inside_a_replace_leaves_one_order_and_apply_again_finishes_it(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, INFY)
    assert apply(path, journal, paper).code == 0
    old = live(paper)["infy-sell-01"]["id"]
    orders_file(tmp_path, INFY.replace("product CNC", "product MIS"))
    paper.faults({"method": "POST", "path": "/v1/order-advance/create", "delay": 4})  # the new order placed, its answer held
    argv = [ordspec_command(), "apply", "orders.ord", "--yes", "--journal", str(journal), "--base-url", paper.url, "--as-of", AS_OF]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for("tok-SECRET-9f8e7d6c5b4a39281706"), cwd=tmp_path)
    try:
        wait_for(lambda: len(paper.orders()) == 2, "the replacement placed")
        assert {o["id"]: o["status"] for o in paper.orders()}[old] == "CANCELLED"  # cancelled first
        kill9(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=DEADLINE)
    again = apply(path, journal, paper)
    assert again.code == 0, again
    assert "No changes." in again.out  # the replacement was found by its reference id, not placed again
    statuses = sorted((o["status"], o["data"]["product_type"]) for o in paper.orders())
    assert statuses == [("ACTIVE", "MIS"), ("CANCELLED", "CNC")]
    found = [r for r in journal_rows(journal) if r["state"] == "confirmed" and "found at Groww by `ordspec plan`" in (r["message"] or "")]
    assert len(found) == 1, journal_rows(journal)


def test_a_lost_answer_at_codifi_is_found_in_the_order_book(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    sip = "SIP BUY 1 TCS-EQ daily start 2025-06-19 installments 3 name AD product CNC token 11536 registered 2025-05-19 ref tcs-sip"
    path = orders_file(tmp_path, sip, broker="codifi")
    paper.faults({"method": "POST", "path": "/orders/sip/execute", "drop": "after"})
    lost = apply(path, journal, paper)
    assert lost.code == 1 and "unknown" in lost.out, lost
    shown = plan(path, journal, paper)
    assert last_line(shown) == "No changes.", shown  # the SIP is in the order book: it is this one
    assert apply(path, journal, paper).code == 0
    assert len(paper.orders("codifi")) == 1
    (entry,) = [r for r in journal_rows(journal) if r["key"].endswith(" tcs-sip")]
    assert entry["state"] == "confirmed" and entry["broker_id"] == paper.orders("codifi")[0]["id"]


def test_a_lost_answer_at_indstocks_stops_the_plan_until_journal_resolve(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    gtt = "GTT BUY 10 RELIANCE trigger 1520 up limit 1525 product CNC security 3045 ref rel-gtt-1"
    path = orders_file(tmp_path, gtt, broker="indstocks")
    paper.faults({"method": "POST", "path": "/smart/order", "drop": "after"})
    assert apply(path, journal, paper, rate="10").code == 1
    stuck = plan(path, journal, paper, rate="10")
    assert stuck.code == 1 and "! unknown" in stuck.out and "ordspec journal resolve" in stuck.out, stuck
    assert "nothing saved" in plan(path, journal, paper, "-o", tmp_path / "x.plan", rate="10").err
    assert not (tmp_path / "x.plan").exists()
    (placed,) = paper.orders("indstocks")
    resolved = Run(subprocess.run([ordspec_command(), "journal", "resolve", f"indstocks {paper.url} rel-gtt-1", "--placed", placed["id"], "--journal", str(journal)], capture_output=True))
    assert resolved.code == 0, resolved
    assert last_line(plan(path, journal, paper, rate="10")) == "No changes."
    assert len(paper.orders("indstocks")) == 1


def test_the_configuration_says_which_files_are_planned(tmp_path):
    (tmp_path / "desired").mkdir()
    (tmp_path / "actions").mkdir()
    modify = "broker groww\nMODIFY GTT gtt_91a7f4 segment CASH qty 12\n"
    (tmp_path / "desired" / "a.ord").write_text(modify)
    (tmp_path / "actions" / "b.ord").write_text(modify)
    config = tmp_path / "ordspec.toml"
    config.write_text('[[overrides]]\npaths = ["desired/*.ord"]\nplan = true\n')
    r = Run(subprocess.run([ordspec_command(), "lint", "desired", "actions", "--format", "json"], capture_output=True, cwd=tmp_path))
    found = [(d["file"], d["name"]) for d in json.loads(r.out)["diagnostics"]]
    assert found == [("desired/a.ord", "not-desired-state")], r
    config.write_text("plan = true\n")
    r = Run(subprocess.run([ordspec_command(), "lint", "actions", "--format", "json"], capture_output=True, cwd=tmp_path))
    assert [d["name"] for d in json.loads(r.out)["diagnostics"]] == ["not-desired-state"], r
    config.write_text('plan = "yes"\n')
    r = Run(subprocess.run([ordspec_command(), "lint", "actions"], capture_output=True, cwd=tmp_path))
    assert r.code == 2 and "plan: true or false, not the string 'yes'" in r.err, r


def test_no_order_files_is_refused_an_empty_file_cancels_everything(tmp_path, paper):
    journal = tmp_path / "j.sqlite"
    path = orders_file(tmp_path, GTT)
    assert apply(path, journal, paper).code == 0
    (tmp_path / "empty").mkdir()
    refused = plan(tmp_path / "empty", journal, paper)
    assert refused.code == 2 and "a plan of no files would cancel every order" in refused.err, refused
    orders_file(tmp_path)  # `broker groww` alone: no orders wanted
    shown = plan(path, journal, paper)
    assert last_line(shown) == "Plan: 0 to create, 0 to modify, 0 to replace, 1 to cancel.", shown
