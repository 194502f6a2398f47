"""`ordspec plan` and `ordspec apply` for Kite's GTTs and Dhan's forever orders, end to end: the
installed command against the paper broker, whose book plan reads (plan/brokers/kite.py, dhan.py).

Each test walks one order through its life: created, no changes, modified in place (same id),
then a fill is done (not re-created), and an outside cancel is placed again.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import DATA, ordspec_command
from tests.dispatch_helpers import PaperBroker, Run, env_for, write

AS_OF = "2025-10-01"
ENV = {"ORDSPEC_KITE_API_KEY": "kite-KEY-7f3a91", "ORDSPEC_DHAN_CLIENT_ID": "1000000132"}
QUOTES = str(DATA / "kite-quotes.csv")
KITE = ("GTT BUY 1 INFY trigger 702 down limit 702.5 product CNC ref infy-dip-01", "GTT BUY 1 INFY trigger 700 down limit 700.5 product CNC ref infy-dip-01")
DHAN = ("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC security 11536 ref tcs-dip-0001",
        "GTT BUY 12 TCS trigger 3980 down limit 3990 product CNC security 11536 ref tcs-dip-0001")
CASES = {
    "kite": (KITE, ("--quotes", QUOTES), "triggered", "cancelled", "active"),
    "dhan": (DHAN, (), "TRADED", "CANCELLED", "PENDING"),
}


@pytest.fixture
def paper():
    with PaperBroker() as broker:
        yield broker


def cli(command, path, journal, paper, *extra) -> Run:
    here = Path(journal).parent
    argv = [ordspec_command(), command, path.name, *extra, "--journal", str(journal), "--base-url", paper.url, "--as-of", AS_OF, "--rate", "10"]
    if command == "apply":
        argv.append("--yes")
    return Run(subprocess.run(argv, capture_output=True, env=env_for(**ENV), stdin=subprocess.DEVNULL, timeout=120, cwd=here))


def flat(run: Run) -> str:
    return re.sub(r" +", " ", run.out)


def last_line(run: Run) -> str:
    return run.out.rstrip("\n").splitlines()[-1]


def live(paper, broker: str, word: str) -> list[dict]:
    return [o for o in paper.orders(broker) if o["status"] == word]


@pytest.mark.parametrize("broker", sorted(CASES))
def test_plan_reads_the_book_modifies_in_place_and_follows_fills_and_cancels(tmp_path, paper, broker):
    (first, edited), extra, filled, cancelled, active = CASES[broker]
    journal = tmp_path / "j.sqlite"
    path = write(tmp_path, "orders.ord", f"broker {broker}", first)
    made = cli("apply", path, journal, paper, *extra)
    assert made.code == 0, made
    (placed,) = live(paper, broker, active)
    again = cli("plan", path, journal, paper, *extra, "--detailed-exitcode")
    assert again.code == 0 and last_line(again) == "No changes.", again
    assert "no plan module" not in again.out + again.err

    write(tmp_path, "orders.ord", f"broker {broker}", edited)
    shown = cli("plan", path, journal, paper, *extra)
    assert shown.code == 0 and "~ modify orders.ord:2 GTT" in flat(shown), shown
    assert last_line(shown) == "Plan: 0 to create, 1 to modify, 0 to replace, 0 to cancel."
    assert cli("apply", path, journal, paper, *extra).code == 0
    (modified,) = live(paper, broker, active)
    assert modified["id"] == placed["id"]  # in place: the same order
    settled = cli("plan", path, journal, paper, *extra, "--detailed-exitcode")
    assert settled.code == 0 and last_line(settled) == "No changes.", settled

    r = paper.client.post(f"/_paper/orders/{placed['id']}", json={"status": filled})
    assert r.status_code == 200, r.text
    done = cli("plan", path, journal, paper, *extra, "--detailed-exitcode")
    assert done.code == 0 and last_line(done) == "No changes.", done
    assert "= done orders.ord:2 GTT" in flat(done) and "not re-created" in done.out
    assert cli("apply", path, journal, paper, *extra).code == 0
    assert len(paper.orders(broker)) == 1  # nothing placed again


@pytest.mark.parametrize("broker", sorted(CASES))
def test_an_order_cancelled_outside_ordspec_is_placed_again(tmp_path, paper, broker):
    (first, _), extra, _, cancelled, active = CASES[broker]
    journal = tmp_path / "j.sqlite"
    path = write(tmp_path, "orders.ord", f"broker {broker}", first)
    assert cli("apply", path, journal, paper, *extra).code == 0
    (old,) = live(paper, broker, active)
    assert paper.client.post(f"/_paper/orders/{old['id']}", json={"status": cancelled}).status_code == 200
    shown = cli("plan", path, journal, paper, *extra)
    assert "+ create orders.ord:2 GTT" in flat(shown) and "outside ordspec" in shown.out, shown
    assert last_line(shown) == "Plan: 1 to create, 0 to modify, 0 to replace, 0 to cancel."
    assert cli("apply", path, journal, paper, *extra).code == 0
    (new,) = live(paper, broker, active)
    assert new["id"] != old["id"]


def test_a_plan_past_kites_250_active_gtts_is_refused_naming_the_count(tmp_path, paper):
    import json

    import httpx

    from tests.dispatch_helpers import TOKEN

    condition = json.dumps({"exchange": "NSE", "tradingsymbol": "SBIN", "trigger_values": [400], "last_price": 473})
    orders = json.dumps([{"exchange": "NSE", "tradingsymbol": "SBIN", "transaction_type": "BUY", "quantity": 1,
                          "order_type": "LIMIT", "product": "CNC", "price": 400.5}])
    headers = {"Authorization": f"token {ENV['ORDSPEC_KITE_API_KEY']}:{TOKEN}", "X-Kite-Version": "3"}
    with httpx.Client(base_url=paper.url, timeout=10, headers=headers) as http:
        for _ in range(249):  # placed outside ordspec: Kite counts every active GTT
            assert http.post("/gtt/triggers", data={"type": "single", "condition": condition, "orders": orders}).status_code == 200
    journal = tmp_path / "j.sqlite"
    path = write(tmp_path, "orders.ord", "broker kite", KITE[0])
    assert cli("plan", path, journal, paper, "--quotes", QUOTES).code == 0  # the 250th fits
    both = write(tmp_path, "orders.ord", "broker kite", KITE[0], "GTT SELL 1 SBIN trigger 500 up limit 499.5 product CNC ref sbin-up-01")
    refused = cli("plan", both, journal, paper, "--quotes", QUOTES)
    assert refused.code == 2 and "at most 250 active GTTs" in refused.err and "lists 249 active" in refused.err, refused
    assert "would leave 251 (2 to create)" in refused.err
    assert cli("apply", both, journal, paper, "--quotes", QUOTES).code == 2 and len(paper.orders("kite")) == 249  # nothing sent


LEGGED = {
    "kite": (("OCO SELL 75 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 limit 94 product NRML ref nifty-exit-01",
              "OCO SELL 75 NIFTY25OCT24000CE target 125 limit 125.5 sl 95 limit 94 product NRML ref nifty-exit-01"), ("--quotes", QUOTES), "active"),
    "dhan": (("BRACKET BUY 10 TCS limit 3990 target 4100 sl 3900 product MIS security 11536 ref tcs-br-0001",
              "BRACKET BUY 10 TCS limit 3990 target 4120 sl 3900 product MIS security 11536 ref tcs-br-0001"), (), "PENDING"),
}


@pytest.mark.parametrize("broker", sorted(LEGGED))
def test_a_two_leg_order_is_read_back_and_one_leg_modified_in_place(tmp_path, paper, broker):
    (first, edited), extra, active = LEGGED[broker]
    journal = tmp_path / "j.sqlite"
    path = write(tmp_path, "orders.ord", f"broker {broker}", first)
    assert cli("apply", path, journal, paper, *extra).code == 0
    (placed,) = live(paper, broker, active)
    again = cli("plan", path, journal, paper, *extra, "--detailed-exitcode")
    assert again.code == 0 and last_line(again) == "No changes.", again
    write(tmp_path, "orders.ord", f"broker {broker}", edited)
    shown = cli("plan", path, journal, paper, *extra)
    assert last_line(shown) == "Plan: 0 to create, 1 to modify, 0 to replace, 0 to cancel.", shown
    assert cli("apply", path, journal, paper, *extra).code == 0
    (modified,) = live(paper, broker, active)
    assert modified["id"] == placed["id"]
    settled = cli("plan", path, journal, paper, *extra, "--detailed-exitcode")
    assert settled.code == 0 and last_line(settled) == "No changes.", settled


@pytest.mark.parametrize("broker", sorted(CASES))
def test_a_book_that_cannot_be_read_plans_nothing(tmp_path, paper, broker):
    (first, _), extra, *_ = CASES[broker]
    journal = tmp_path / "j.sqlite"
    path = write(tmp_path, "orders.ord", f"broker {broker}", first)
    assert cli("apply", path, journal, paper, *extra).code == 0
    listed = "/gtt/triggers" if broker == "kite" else "/super/orders"
    paper.faults({"method": "GET", "path": listed, "status": 500, "times": 100})
    shown = cli("plan", path, journal, paper, *extra)
    assert shown.code == 1 and "cannot read" in shown.err and "Traceback" not in shown.err, shown
    assert "create" not in shown.out
