"""`ordspec simulate`, through the installed command: scenarios from the brokers' documents, per
broker, each checked for the facts it is about and against a golden JSON (tests/golden/simulate/).

Regenerate the goldens after a deliberate change with ORDSPEC_REGEN_GOLDEN=1, and read the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "simulate"


def simulate(tmp_path, orders: str, prices: str, *args):
    (tmp_path / "orders.ord").write_text(orders)
    (tmp_path / "prices.csv").write_text(prices)
    return run_cli("simulate", "orders.ord", "--prices", "prices.csv", *args, cwd=tmp_path)


def timeline(tmp_path, name: str, orders: str, prices: str, *args) -> dict:
    """The JSON answer of a scenario, checked against its golden file."""
    r = simulate(tmp_path, orders, prices, "--format", "json", *args)
    assert r.returncode == 0, r.stderr.decode()
    got = json.loads(r.stdout)
    golden = GOLDEN / f"{name}.json"
    if os.environ.get("ORDSPEC_REGEN_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(got, indent=2) + "\n")
    assert got == json.loads(golden.read_text()), f"{name}: the timeline changed (ORDSPEC_REGEN_GOLDEN=1 rewrites it)"
    return got


def steps(result: dict, ref: str | None = None) -> list[tuple]:
    return [(e["event"], e["leg"], e["price"]) for e in result["events"] if ref is None or e["ref"] == ref]


def ticks(*rows: tuple) -> str:
    return "time,symbol,price\n" + "".join(f"{t},{s},{p}\n" for t, s, p in rows)


def candles(*rows: tuple) -> str:
    return "time,symbol,open,high,low,close,volume\n" + "".join(",".join(map(str, r)) + ",1000\n" for r in rows)


# == Groww: GTT and OCO =========================================================================

GROWW_GTT = "broker groww\nGTT BUY 10 TCS trigger 3985 down limit 3990 product CNC ref tcs-dip-0001\n"


def test_groww_down_gtt_on_a_falling_path(tmp_path):
    """The document's GTT: BUY 10 TCS when the price falls to 3985, limit 3990."""
    path = ticks(("2025-10-01T09:15:00", "TCS", "4002.00"), ("2025-10-01T09:40:00", "TCS", "3991.50"),
                 ("2025-10-01T10:05:00", "TCS", "3984.50"), ("2025-10-01T10:30:00", "TCS", "3979.00"))
    got = timeline(tmp_path, "groww-gtt-down", GROWW_GTT, path)
    assert steps(got) == [("triggered", "entry", "3984.50"), ("placed", "entry", "3990"), ("filled", "entry", "3990")]
    assert {e["time"] for e in got["events"]} == {"2025-10-01T10:05:00+05:30"}
    assert got["events"][0]["prices"] == "prices.csv:4"
    assert got["summary"]["open"] == 0 and got["summary"]["events"] == {"triggered": 1, "placed": 1, "filled": 1}


def test_groww_up_gtt_on_a_gap_open(tmp_path):
    """Day candles: TCS closes at 4080, opens the next day at 4120, past the UP trigger at 4100."""
    orders = "broker groww\nGTT SELL 10 TCS trigger 4100 up limit 4095 product CNC ref tcs-up-0001\n"
    path = candles(("2025-10-01", "TCS", 4050, 4090, 4040, 4080), ("2025-10-03", "TCS", 4120, 4135, 4110, 4130))
    got = timeline(tmp_path, "groww-gtt-up-gap", orders, path)
    assert steps(got) == [("triggered", "entry", "4120"), ("placed", "entry", "4095"), ("filled", "entry", "4095")]
    first = got["events"][0]
    assert first["candle"] == "open" and "gap" in first["why"] and "ambiguous" not in first
    assert any(a["name"] == "candle-route" for a in got["assumptions"])
    assert any(a["name"] == "gap-places-limit" for a in got["assumptions"])


OCO = "broker groww\nOCO SELL 75 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 product MIS ref nifty-oco-01\n"


def test_groww_oco_whose_stop_loss_wins(tmp_path):
    path = ticks(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "110.00"), ("2025-10-01T10:06:00", "NIFTY25OCT24000CE", "101.25"),
                 ("2025-10-01T11:30:00", "NIFTY25OCT24000CE", "94.80"), ("2025-10-01T12:00:00", "NIFTY25OCT24000CE", "125.00"))
    got = timeline(tmp_path, "groww-oco-sl-wins", OCO, path)
    assert steps(got) == [("triggered", "sl", "94.80"), ("placed", "sl", "94.80"), ("filled", "sl", "94.80"), ("cancelled", "target", None)]
    assert got["events"][-1]["why"] == "the stop-loss filled"  # and the later 125 moves nothing


def test_a_candle_touching_both_legs_is_ambiguous(tmp_path):
    """One 5-minute candle reaches both 120.50 and 95: the route (high first: nearer the open) decides, and says so."""
    path = candles(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "110", "109", "108", "109"),
                   ("2025-10-01T09:20:00", "NIFTY25OCT24000CE", "110", "122", "94", "100"))
    path = path.replace("110,109,108,109", "110,111,108,109")
    got = timeline(tmp_path, "groww-candle-both-legs", OCO, path)
    assert steps(got) == [("triggered", "target", "120.50"), ("placed", "target", "121"), ("filled", "target", "121"), ("cancelled", "sl", None)]
    assert all(e["ambiguous"] for e in got["events"])
    assert got["summary"]["ambiguous"] == 4


def test_a_candle_touching_one_leg_is_not_ambiguous(tmp_path):
    path = candles(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "110", "111", "94", "100"))
    got = json.loads(simulate(tmp_path, OCO, path, "--format", "json").stdout)
    assert steps(got)[0] == ("triggered", "sl", "95") and not any(e.get("ambiguous") for e in got["events"])


def test_groww_gtt_expires_after_a_year(tmp_path):
    path = ticks(("2025-10-01T09:15:00", "TCS", "4002.00"), ("2026-10-05T09:15:00", "TCS", "3950.00"))
    got = timeline(tmp_path, "groww-gtt-expired", GROWW_GTT, path)
    assert steps(got) == [("expired", "entry", None)]
    assert got["events"][0]["time"] == "2026-10-01T09:15:00+05:30"


def test_groww_triggered_limit_unfilled_at_the_close(tmp_path):
    orders = "broker groww\nGTT BUY 10 TCS trigger 3985 down limit 3970 product CNC ref tcs-low-0001\n"
    path = ticks(("2025-10-01T09:15:00", "TCS", "4002.00"), ("2025-10-01T11:00:00", "TCS", "3984.00"),
                 ("2025-10-01T15:29:00", "TCS", "3975.00"), ("2025-10-03T09:15:00", "TCS", "3960.00"))
    got = timeline(tmp_path, "groww-gtt-unfilled", orders, path)
    assert steps(got) == [("triggered", "entry", "3984.00"), ("placed", "entry", "3970"), ("unfilled", "entry", "3970")]
    assert got["events"][-1]["time"] == "2025-10-01T15:30:00+05:30"  # the next day's 3960 fills nothing: a trigger fires once


# == INDstocks: a bracket's children wait for the parent ========================================

BRACKET = "broker indstocks\nBRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 limit 33 target 41 limit 42 product NRML security 51011 ref brk-0001\n"


def test_indstocks_bracket_children_wait_for_the_parent_fill(tmp_path):
    """41.50 comes before the entry fills: the target does not fire then, only after its parent executed."""
    path = ticks(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "39.00"), ("2025-10-01T09:30:00", "NIFTY25OCT24000CE", "41.50"),
                 ("2025-10-01T10:00:00", "NIFTY25OCT24000CE", "36.80"), ("2025-10-01T11:20:00", "NIFTY25OCT24000CE", "42.30"))
    got = timeline(tmp_path, "indstocks-bracket", BRACKET, path)
    assert steps(got) == [
        ("placed", "entry", "37"), ("filled", "entry", "37"), ("activated", "target", None), ("activated", "sl", None),
        ("triggered", "target", "42.30"), ("placed", "target", "42"), ("filled", "target", "42"), ("cancelled", "sl", None),
    ]
    assert [e["side"] for e in got["events"]][:2] == ["BUY", "BUY"] and got["events"][-2]["side"] == "SELL"


def test_indstocks_unfilled_parent_leaves_the_children_inactive(tmp_path):
    path = ticks(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "39.00"), ("2025-10-01T14:00:00", "NIFTY25OCT24000CE", "41.50"),
                 ("2025-10-03T09:15:00", "NIFTY25OCT24000CE", "30.00"))
    got = timeline(tmp_path, "indstocks-bracket-unfilled", BRACKET, path)
    assert steps(got) == [("placed", "entry", "37"), ("unfilled", "entry", "37"), ("cancelled", "target", None), ("cancelled", "sl", None)]
    assert "inactive" in got["events"][-1]["why"]


def test_indstocks_trigger_order_expires_with_its_day(tmp_path):
    """INDstocks' own example: a trigger order (validity DAY) not triggered by 15:30 expires; the next day's 1530 is too late."""
    orders = "broker indstocks\nGTT BUY 10 RELIANCE trigger 1520 up limit 1522 product CNC security 3045 ref rel-trg-01\n"
    path = ticks(("2025-10-01T09:15:00", "RELIANCE", "1500.00"), ("2025-10-01T11:00:00", "RELIANCE", "1510.00"),
                 ("2025-10-03T09:15:00", "RELIANCE", "1530.00"))
    got = timeline(tmp_path, "indstocks-trigger-expired", orders, path)
    assert steps(got) == [("expired", "entry", None)] and got["events"][0]["time"] == "2025-10-01T15:30:00+05:30"


def test_indstocks_trigger_without_limit_is_a_limit_at_the_trigger(tmp_path):
    orders = "broker indstocks\nGTT BUY 10 RELIANCE trigger 1520 up market product CNC security 3045 ref rel-trg-02\n"
    path = ticks(("2025-10-01T09:15:00", "RELIANCE", "1500.00"), ("2025-10-01T10:00:00", "RELIANCE", "1531.00"),
                 ("2025-10-01T10:30:00", "RELIANCE", "1519.50"))
    got = json.loads(simulate(tmp_path, orders, path, "--format", "json").stdout)
    assert steps(got) == [("triggered", "entry", "1531.00"), ("placed", "entry", "1520"), ("filled", "entry", "1520")]
    assert got["events"][-1]["time"] == "2025-10-01T10:30:00+05:30"


# == Codifi: a SIP's instalments ================================================================

def test_codifi_weekly_sip_instalments_on_the_path(tmp_path):
    """Weekly from 2025-06-19, three times; 2025-06-26 has no price (a holiday): that one buys on the 27th."""
    orders = "broker codifi\nSIP BUY 1 TCS-EQ token 11536 weekly start 2025-06-19 installments 3 name AD product CNC registered 2025-05-19\n"
    days = ["2025-06-19", "2025-06-20", "2025-06-23", "2025-06-25", "2025-06-27", "2025-06-30", "2025-07-03", "2025-07-10"]
    got = timeline(tmp_path, "codifi-sip-weekly", orders, candles(*[(d, "TCS-EQ", 3400 + i, 3420 + i, 3390, 3410) for i, d in enumerate(days)]))
    assert [(e["time"][:10], e["price"], e["why"]) for e in got["events"]] == [
        ("2025-06-19", "3400", "1 of 3"), ("2025-06-27", "3404", "2 of 3"), ("2025-07-03", "3406", "3 of 3")
    ]


def test_codifi_sip_by_amount_buys_whole_shares(tmp_path):
    orders = "broker codifi\nSIP BUY INR10000 TCS-EQ token 11536 daily start 2025-06-19 installments 2 name AD product CNC registered 2025-05-19\n"
    path = ticks(("2025-06-19T09:15:00", "TCS-EQ", "3400"), ("2025-06-20T09:15:00", "TCS-EQ", "3300"))
    got = json.loads(simulate(tmp_path, orders, path, "--format", "json").stdout)
    assert [(e["qty"], e["price"]) for e in got["events"]] == [(2, "3400"), (3, "3300")]


# == Kite and Dhan: one table entry each ========================================================

def test_kite_direction_follows_the_last_price(tmp_path):
    """Kite is checked by its back end, with the path's first price as the last price its GTT carries:
    a trigger above 3970 fires on the way up, so `down` is refused, and `up` simulates."""
    path = ticks(("2025-10-01T09:15:00", "TCS", "3970"), ("2025-10-01T09:20:00", "TCS", "3986"))
    r = simulate(tmp_path, "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC ref kite-0001\n", path, "--broker", "kite")
    assert r.returncode == 1 and r.stdout == b""
    assert b"unsupported" in r.stderr and b"on the side of the last price, so a trigger at 3985 above the last price 3970 cannot trigger down" in r.stderr
    got = timeline(tmp_path, "kite-gtt-direction", "GTT BUY 10 TCS trigger 3985 up limit 3990 product CNC ref kite-0001\n", path, "--broker", "kite")
    assert steps(got) == [("triggered", "entry", "3986"), ("placed", "entry", "3990"), ("filled", "entry", "3990")]
    r = simulate(tmp_path, "GTT BUY 10 TCS trigger 3985 up limit 3990 product CNC ref kite-0001\n", path, "--broker", "kite")
    assert "only the broker-neutral rules" not in r.stderr.decode()
    groww = json.loads(simulate(tmp_path, "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC ref kite-0001\n", path, "--broker", "groww", "--format", "json").stdout)
    assert steps(groww)[0] == ("triggered", "entry", "3970")  # Groww keeps the written direction: already met


def test_a_kite_broker_line_gets_the_first_prices_too(tmp_path):
    """Without --broker, the file's `broker kite` line names Kite: its GTTs get the path's first prices."""
    path = ticks(("2025-10-01T09:15:00", "TCS", "3970"), ("2025-10-01T09:20:00", "TCS", "3986"))
    r = simulate(tmp_path, "broker kite\nGTT BUY 10 TCS trigger 3985 up limit 3990 product CNC ref kite-0001\n", path, "--format", "json")
    assert r.returncode == 0, r.stderr.decode()
    assert steps(json.loads(r.stdout)) == [("triggered", "entry", "3986"), ("placed", "entry", "3990"), ("filled", "entry", "3990")]


def test_kite_without_a_price_for_the_symbol_says_what_is_missing(tmp_path):
    """A symbol the path has no row for has no last price: Kite's GTT cannot be built, and simulate says why."""
    path = ticks(("2025-10-01T09:15:00", "INFY", "1500"))
    r = simulate(tmp_path, "GTT BUY 10 TCS trigger 3985 up limit 3990 product CNC\n", path, "--broker", "kite")
    assert r.returncode == 1 and b"Kite needs the last price of TCS" in r.stderr


TWO_LEG = "OCO SELL 75 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 limit 94 product MIS ref two-leg-01\n"
GAPPED = ticks(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "110"), ("2025-10-01T10:00:00", "NIFTY25OCT24000CE", "93"),
               ("2025-10-01T11:00:00", "NIFTY25OCT24000CE", "122"))


def test_kite_two_leg_fires_once_groww_waits_for_the_fill(tmp_path):
    """The stop-loss triggers at 93 and its SELL limit 94 is not reached; then the price runs to 122."""
    kite = timeline(tmp_path, "kite-two-leg-fires-once", TWO_LEG.replace("MIS", "NRML"), GAPPED, "--broker", "kite")  # (Kite's F&O GTTs are NRML)
    assert steps(kite) == [("triggered", "sl", "93"), ("placed", "sl", "94"), ("cancelled", "target", None), ("filled", "sl", "94")]
    groww = json.loads(simulate(tmp_path, "broker groww\n" + TWO_LEG, GAPPED, "--format", "json").stdout)
    assert steps(groww) == [("triggered", "sl", "93"), ("placed", "sl", "94"), ("filled", "sl", "94"), ("cancelled", "target", None)]


def test_dhan_super_order_legs_come_alive_with_the_entry(tmp_path):
    path = ticks(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "39"), ("2025-10-01T09:30:00", "NIFTY25OCT24000CE", "41.50"),
                 ("2025-10-01T10:00:00", "NIFTY25OCT24000CE", "36.50"), ("2025-10-01T11:00:00", "NIFTY25OCT24000CE", "33.90"))
    got = timeline(tmp_path, "dhan-super", "BRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 target 41 product NRML security 51011 ref dhan-sup-01\n", path, "--broker", "dhan")
    assert steps(got) == [
        ("placed", "entry", "37"), ("filled", "entry", "37"), ("activated", "target", None), ("activated", "sl", None),
        ("triggered", "sl", "33.90"), ("placed", "sl", "33.90"), ("filled", "sl", "33.90"), ("cancelled", "target", None),
    ]  # 41.50 at 09:30 is past the target, which was not alive yet


def test_kite_has_no_bracket(tmp_path):
    r = simulate(tmp_path, "BRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 target 41\n", GAPPED, "--broker", "kite")
    assert r.returncode == 1 and r.stdout == b"" and b"Zerodha Kite does not support BRACKET orders" in r.stderr


# == the command ================================================================================

def test_text_timeline_reads_at_a_glance(tmp_path):
    path = ticks(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "110.00"), ("2025-10-01T11:30:00", "NIFTY25OCT24000CE", "94.80"))
    r = simulate(tmp_path, OCO, path)
    out = r.stdout.decode()
    assert r.returncode == 0
    lines = out.splitlines()
    assert lines[0].startswith("Groww, on prices.csv: 2 ticks of NIFTY25OCT24000CE")
    assert lines[2].split() == ["time", "(IST)", "order", "ref", "event", "leg", "price", "why"]
    assert lines[3].split()[:7] == ["2025-10-01", "11:30:00", "orders.ord:2", "nifty-oco-01", "triggered", "sl", "94.80"]
    assert lines[-1] == "1 order: 1 triggered, 1 placed, 1 filled, 1 cancelled; none open at the end of the path."


def test_errors_in_the_orders_simulate_nothing(tmp_path):
    r = simulate(tmp_path, "broker groww\nOCO SELL 50 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 product MIS\n",
                 ticks(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "110")))
    assert r.returncode == 1 and r.stdout == b""
    assert b"lot-size" in r.stderr and b"nothing simulated" in r.stderr


def test_the_path_decides_the_day_the_orders_are_checked_for(tmp_path):
    """NIFTY25OCT24000CE expires in October 2025: on a 2026 path it is an expired contract."""
    r = simulate(tmp_path, OCO, ticks(("2026-01-05T09:15:00", "NIFTY25OCT24000CE", "110")))
    assert r.returncode == 1 and b"expired-contract" in r.stderr
    r = simulate(tmp_path, OCO, ticks(("2026-01-05T09:15:00", "NIFTY25OCT24000CE", "110")), "--as-of", "2025-10-01")
    assert r.returncode == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (("--broker", "zerodha"), b"unknown broker 'zerodha'"),
        (("--prices", "missing.csv"), b"missing.csv: No such file or directory"),
        (("--as-of", "01-10-2025"), b"--as-of"),
    ],
)
def test_usage_errors_exit_2(tmp_path, args, message):
    (tmp_path / "orders.ord").write_text(OCO)
    (tmp_path / "prices.csv").write_text(ticks(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "110")))
    base = ["simulate", "orders.ord"] + ([] if "--prices" in args else ["--prices", "prices.csv"])
    r = run_cli(*base, *args, cwd=tmp_path)
    assert r.returncode == 2 and message in r.stderr, r.stderr


def test_a_file_without_a_broker_needs_one(tmp_path):
    r = simulate(tmp_path, OCO.replace("broker groww\n", ""), ticks(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "110")))
    assert r.returncode == 2 and b"name a broker" in r.stderr


def test_actions_are_listed_as_not_simulated(tmp_path):
    orders = OCO + "CANCEL GTT gtt_91a7f4 segment CASH\n"
    got = json.loads(simulate(tmp_path, orders, ticks(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "110")), "--format", "json").stdout)
    assert {"name": "not-simulated", "text": "orders.ord:3: CANCEL GTT is not simulated (only new orders are)"} in got["assumptions"]


def test_plot_writes_an_svg_with_the_triggers_and_events(tmp_path):
    import matplotlib  # noqa: F401  (the test extra installs it: the plot is tested, never skipped)
    path = ticks(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "110.00"), ("2025-10-01T11:30:00", "NIFTY25OCT24000CE", "94.80"))
    r = simulate(tmp_path, OCO, path, "--plot", "out.svg")
    assert r.returncode == 0, r.stderr
    svg = (tmp_path / "out.svg").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg
    assert "nifty-oco-01 sl trigger 95" in svg and "nifty-oco-01 target limit 121" in svg and "filled" in svg
    first = svg
    assert simulate(tmp_path, OCO, path, "--plot", "out.svg").returncode == 0
    assert (tmp_path / "out.svg").read_text() == first  # reproducible: it can be committed and compared


def test_plot_without_matplotlib_says_how_to_install_it(tmp_path):
    """A sitecustomize that hides matplotlib stands for an install without the plot extra."""
    (tmp_path / "hide").mkdir()
    (tmp_path / "hide" / "sitecustomize.py").write_text(
        "import sys\nclass _Hide:\n    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'matplotlib' or name.startswith('matplotlib.'):\n            raise ImportError('hidden')\n"
        "sys.meta_path.insert(0, _Hide())\n"
    )
    (tmp_path / "orders.ord").write_text(OCO)
    (tmp_path / "prices.csv").write_text(ticks(("2025-10-01T09:15:00", "NIFTY25OCT24000CE", "110")))
    r = run_cli("simulate", "orders.ord", "--prices", "prices.csv", "--plot", "out.svg", cwd=tmp_path,
                env={"PYTHONPATH": str(tmp_path / "hide")})
    assert r.returncode == 2 and b"pip install 'ordspec[plot]'" in r.stderr
    assert not (tmp_path / "out.svg").exists() and r.stdout == b""


def test_the_simulate_docs_are_current():
    from ordspec.simulate import semantics

    assert (ROOT / "docs" / "simulate.md").read_text() == semantics.page(), "run: python -m ordspec.simulate.semantics"


def test_semantics_cover_what_each_back_end_creates():
    """A broker with a back end simulates exactly the kinds it can create. Kite's back end needs every
    GTT's last price: simulate gives it the path's first price of each symbol."""
    from ordspec import compiler
    from ordspec.simulate import semantics

    for name, rules in semantics.BROKERS.items():
        if name in compiler.names():
            created = {op.split()[1] for op in compiler.get(name).setting("supports") if op.startswith("CREATE ")}
            assert set(rules.kinds) == created, name
    assert set(compiler.names()) - set(semantics.BROKERS) == {"smallcase"}  # nothing to simulate: no price, no trigger


def test_the_readme_timeline_is_what_the_command_prints(tmp_path):
    """The README's example is a real run: the same output, and the committed plot is the one it draws."""
    import matplotlib  # noqa: F401  (the test extra installs it: the plot is tested, never skipped)
    readme = (ROOT / "README.md").read_text()
    command = "ordspec simulate docs/simulate/orders.ord --prices docs/simulate/prices.csv --plot docs/simulate/plot.svg"
    block = readme.split(f"$ {command}\n", 1)[1].split("\n```", 1)[0] + "\n"
    r = run_cli(*command.split()[1:-1], tmp_path / "plot.svg", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == block
    import re

    def labels(svg: str) -> list[str]:  # (the drawing itself may differ by a matplotlib version; what it says may not)
        return sorted(re.findall(r"<text[^>]*>([^<]*)</text>", svg))

    drawn, committed = (tmp_path / "plot.svg").read_text(), (ROOT / "docs" / "simulate" / "plot.svg").read_text()
    assert labels(drawn) == labels(committed) and "tcs-dip-0001 entry trigger 3985" in labels(drawn)
