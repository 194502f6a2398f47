"""lint never loads the simulate package or matplotlib: not on its fast path, nor when click parses.

`ordspec simulate` lives in its own command module (cli/simulate.py), which imports nothing of
the simulate package until it runs; the plot imports matplotlib only when --plot is given.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import io, json, sys, contextlib
from ordspec.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def modules(*args) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["modules"]


@pytest.mark.parametrize(
    "args",
    [["lint", "ONE"], ["lint", "ONE", "--broker", "groww", "--format", "sarif"], ["lint", "--help"], ["rules"]],
    ids=["fast", "formats", "click", "rules"],
)
def test_lint_loads_no_simulate_code(tmp_path, args):
    one = tmp_path / "one.ord"
    one.write_text("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n")
    found = modules(*[str(one) if a == "ONE" else a for a in args])
    assert [m for m in found if m.startswith(("ordspec.simulate", "matplotlib"))] == []


def test_simulate_without_plot_loads_no_matplotlib(tmp_path):
    (tmp_path / "o.ord").write_text("broker groww\nGTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n")
    (tmp_path / "p.csv").write_text("time,symbol,price\n2025-10-01T09:15:00,TCS,3984\n")
    found = modules("simulate", tmp_path / "o.ord", "--prices", tmp_path / "p.csv")
    assert "ordspec.simulate.engine" in found and not [m for m in found if m.startswith("matplotlib")]
