"""`ordspec lint` starts on every commit (pre-commit): its import path must stay light.

Lark (~80 ms), click (~50 ms), dataclasses/inspect (~25 ms), typing and
logging each cost more than the whole budget of a pre-commit run. The speed
itself is measured by benchmarks/bench.py; this test guards the cause.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import DATA

HEAVY = ("lark", "click", "yaml", "jsonschema", "dataclasses", "typing", "logging", "inspect", "pathlib", "hashlib", "difflib", "asyncio")

PROBE = """
import io, json, sys, contextlib
from ordspec.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def imported(*args) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ["lint", "ONE"],
        ["lint", "ONE", "--broker", "groww", "--as-of", "2025-10-01"],
        ["lint", "SPINE", "--as-of", "2025-10-01", "--format", "json"],
    ],
    ids=["plain", "groww", "json"],
)
def test_lint_imports_nothing_heavy(tmp_path, args):
    one = tmp_path / "one.ord"
    one.write_text("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n")
    args = [{"ONE": one, "SPINE": DATA / "spine.ord"}.get(a, a) for a in args]
    result = imported(*args)
    assert result["code"] in (0, 1)
    assert [m for m in HEAVY if m in result["modules"]] == []


def test_a_help_request_goes_to_click(tmp_path):
    result = subprocess.run([sys.executable, "-m", "ordspec", "lint", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "--as-of" in result.stdout and "--instruments" in result.stdout


BARE_PROBE = """
import io, sys, contextlib
from ordspec.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(code, "re" in sys.modules)
"""


def test_a_lint_of_plain_words_compiles_no_regex(tmp_path):
    # importing re (and enum with it) is a tenth of a plain lint's start: regexes are compiled on first use
    one = tmp_path / "one.ord"
    one.write_text("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC ref tcs-0001\nGTT SELL 10 TCS trigger 4100 up market product CNC\n")
    out = subprocess.run([sys.executable, "-c", BARE_PROBE, "lint", str(one)], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.split() == ["0", "False"]
