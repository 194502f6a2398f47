"""Snapshots of a plan, as text and as JSON: one of every kind of line (create, modify, replace,
cancel, done, a create for an order cancelled outside ordspec, an order without a ref), and the
notes (an order ordspec never placed).

The book is the paper broker's, in this process, with ids numbered in turn; dates are written
DATE in the snapshots (they are the day the test runs). `ORDSPEC_UPDATE_SNAPSHOTS=1` rewrites
them: review the difference before committing it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from ordspec.paper import book as paper_book
from ordspec.paper.store import Store
from ordspec.plan import render
from tests.test_plan_properties import InProcess, outside_order, plan_once

SNAPSHOTS = Path(__file__).parent / "golden" / "plan"
UPDATE = os.environ.get("ORDSPEC_UPDATE_SNAPSHOTS") == "1"

FIRST = {
    "tcs-dip-0001": {"kind": "GTT", "qty": 10, "trigger": "3985", "limit": "3990", "product": "CNC"},
    "nifty-exit-01": {"kind": "OCO", "qty": 75, "target": "120", "target_limit": None, "sl": "95", "product": "MIS"},
    "infy-sell-01": {"kind": "GTT", "qty": 5, "trigger": "3980", "limit": None, "product": "CNC"},
    "old-hedge-01": {"kind": "GTT", "qty": 5, "trigger": "3985", "limit": "3990", "product": "MIS"},
    "tcs-june-001": {"kind": "GTT", "qty": 5, "trigger": "3980", "limit": "3995", "product": "CNC"},
    "drifted-0001": {"kind": "OCO", "qty": 150, "target": "125", "target_limit": "130", "sl": "97", "product": "NRML"},
}


@pytest.fixture
def scene(tmp_path, monkeypatch):
    """A plan after one apply, a fill, an outside cancel, an outside order and an edit."""
    from ordspec.dispatch.journal import Journal

    counter = iter(range(1, 1000))
    monkeypatch.setattr(Store, "hex_id", staticmethod(lambda prefix: f"{prefix}{next(counter):06x}"))
    monkeypatch.chdir(tmp_path)
    transport, journal = InProcess(), Journal(":memory:")
    plan_once(Path("."), FIRST, journal, transport, apply=True)
    store = transport.paper.store
    by_ref = {o.ref: o for o in store.all("groww")}
    paper_book.set_status(store, by_ref["tcs-june-001"].id, b'{"status": "COMPLETED"}')
    paper_book.set_status(store, by_ref["drifted-0001"].id, b'{"status": "CANCELLED"}')
    outside_order(transport, 1)
    second = dict(FIRST)
    second["tcs-dip-0001"] = {**FIRST["tcs-dip-0001"], "trigger": "3980", "qty": 12}
    second["nifty-exit-01"] = {**FIRST["nifty-exit-01"], "sl": "97"}
    second["infy-sell-01"] = {**FIRST["infy-sell-01"], "product": "MIS"}
    del second["old-hedge-01"]
    plan = plan_once(Path("."), second, journal, transport, apply=False)
    yield plan
    journal.close()


def masked(text: str) -> str:
    text = re.sub(r"\d{4}-\d{2}-\d{2}(T[\d:]+)?", "DATE", text)
    return re.sub(r'"digest": "[0-9a-f]{64}"', '"digest": "DIGEST"', text)


def check(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    actual = masked(actual)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    if not path.exists():
        pytest.fail(f"no snapshot {path}: run with ORDSPEC_UPDATE_SNAPSHOTS=1 to write it, then review it")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its snapshot (ORDSPEC_UPDATE_SNAPSHOTS=1 rewrites it)"


def test_text_snapshot(scene):
    text = render.text(scene)
    check("plan.txt", text)
    assert text.endswith("Plan: 1 to create, 2 to modify, 1 to replace, 1 to cancel.\n")


def test_json_snapshot(scene):
    text = render.json_text(scene)
    check("plan.json", text)
    data = json.loads(text)
    assert data["summary"] == {"create": 1, "modify": 2, "replace": 1, "cancel": 1, "changes": True, "unknown": 0}
    replace = next(a for a in data["actions"] if a["action"] == "replace")
    assert [r["step"] for r in replace["requests"]] == ["cancel", "create"]  # cancel, then create
    assert replace["requests"][1]["body"]["reference_id"].startswith("r1-")
