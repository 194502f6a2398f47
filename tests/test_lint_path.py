"""`ordspec lint` starts on every commit (pre-commit): its import path must stay light.

Lark (~80 ms), click (~50 ms), dataclasses/inspect (~25 ms), typing and
logging each cost more than the whole budget of a pre-commit run; every module
on the path costs start-up too (a tenth of a millisecond or more each). The
speed itself is measured by benchmarks/bench.py; these tests guard the cause:
the exact modules a lint of one clean file loads are pinned below.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import DATA, DOC_DAY

HEAVY = ("lark", "click", "yaml", "jsonschema", "dataclasses", "typing", "logging", "inspect", "pathlib", "hashlib", "difflib",
         "asyncio", "datetime", "weakref", "csv", "tomllib", "sqlite3")

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


# What a lint of one clean file (no broker, no side input, no configuration) imports, beyond what the
# interpreter loads to start. Not on this list, so loaded only where they are used: the back ends and
# their JSON tables (a `broker` line or --broker), the master and quotes readers (--instruments,
# --quotes), the rule modules of some brokers only (Kite's, an account's), dispatch, click and re.
# A module added to the lint path fails this test: load it where it is needed, or, if a plain lint
# truly needs it, add it here and check benchmarks/bench.py's cold start.
LINT_STDLIB = ("__future__", "_datetime", "decimal", "functools", "gc")  # and what these import themselves
LINT_ORDSPEC = (
    "ordspec", "ordspec.cli", "ordspec.cli.commands", "ordspec.cli.options", "ordspec.compiler", "ordspec.config",
    "ordspec.dates", "ordspec.diagnostics", "ordspec.grammar", "ordspec.grammar.assemble", "ordspec.grammar.characters",
    "ordspec.grammar.driver", "ordspec.grammar.dsl", "ordspec.grammar.layout", "ordspec.grammar.tables", "ordspec.ir",
    "ordspec.language", "ordspec.pipeline", "ordspec.pipeline.inputs", "ordspec.pipeline.keys", "ordspec.pipeline.read",
    "ordspec.pipeline.run", "ordspec.refdata", "ordspec.refdata.instruments", "ordspec.refdata.symbols",
    "ordspec.refdata.tables", "ordspec.render", "ordspec.render.text", "ordspec.rules", "ordspec.rules.broker",
    "ordspec.rules.codes", "ordspec.rules.context", "ordspec.rules.contract", "ordspec.rules.declare",
    "ordspec.rules.desired", "ordspec.rules.legs", "ordspec.rules.order", "ordspec.rules.quotes", "ordspec.rules.reading",
    "ordspec.rules.registry", "ordspec.rules.requests", "ordspec.rules.symbol", "ordspec.source", "ordspec.values",
    # every rule module is loaded today (registry.all_rules); these four check no plain file
    "ordspec.rules.account", "ordspec.rules.kite", "ordspec.rules.prices", "ordspec.dispatch", "ordspec.dispatch.rules",
)

# The modules a bare interpreter has, then those a run adds (no json or io here: they would hide the lint's own).
LOADED_PROBE = """
import sys
start = set(sys.modules)
if sys.argv[1] == "lint":
    from ordspec.cli import main
    sys.stdout = open("/dev/null", "w")
    code = main(sys.argv[1:])
    sys.stdout = sys.__stdout__
else:
    code = 0
    for name in sys.argv[2:]:
        __import__(name)
print(code, " ".join(sorted(set(sys.modules) - start)))
"""


def loaded(*args, cwd=None) -> tuple[int, set[str]]:
    command = [sys.executable, "-c", LOADED_PROBE, *map(str, args)]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=cwd)
    code, _, names = out.stdout.strip().partition(" ")
    return int(code), set(names.split())


def test_a_plain_lint_loads_exactly_the_pinned_modules(tmp_path):
    one = tmp_path / "one.ord"
    one.write_text("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n")
    code, found = loaded("lint", one, cwd=tmp_path)
    assert code == 0
    _, stdlib = loaded("import", *LINT_STDLIB, cwd=tmp_path)
    mine = {m for m in found if m == "ordspec" or m.startswith("ordspec.")}
    assert sorted(mine - set(LINT_ORDSPEC)) == [], "new on the lint path"
    assert sorted(set(LINT_ORDSPEC) - mine) == [], "no longer on the lint path: take it off the list"
    assert sorted(found - mine - stdlib) == [], "new on the lint path"
    assert sorted(stdlib - (found - mine)) == [], "no longer on the lint path: take it off the list"


def test_a_lint_with_a_master_and_quotes_loads_their_readers(tmp_path):
    # the other side of loading them lazily: with --quotes they are there, and the quotes are read
    one = tmp_path / "one.ord"
    one.write_text("GTT BUY 10 TCS trigger 3985 up limit 3990 product CNC\n")
    quotes = tmp_path / "q.csv"
    quotes.write_text("symbol,last_price\nTCS,3990\n")
    code, found = loaded("lint", one, "--quotes", quotes, cwd=tmp_path)
    assert "ordspec.refdata.readers" in found
    code_without, without = loaded("lint", one, cwd=tmp_path)
    assert "ordspec.refdata.readers" not in without
    assert (code, code_without) == (1, 0)  # a BUY trigger above the last price 3990 is on the wrong side


def test_a_file_of_shares_reads_no_derivatives_table():
    # a share's symbol reads the same whatever underlyings are known: the lot-size and commodity
    # tables they come from are read for a contract's symbol only
    from ordspec.pipeline.run import Run

    run = Run(as_of=DOC_DAY)
    shares = b"GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\nGTT BUY 5 INFY trigger 1520 up market product CNC\n"
    source = run.read("t.ord", "t.ord", shares)
    statements = run.check(source)
    assert run.finish() == [] and [s.instrument.type for s in statements] == ["EQ", "EQ"]
    assert {"lots", "commodities", "underlyings"} & set(vars(run.refdata.tables)) == set()
    source = run.read("u.ord", "u.ord", b"GTT BUY 75 NIFTY30DEC26000C trigger 100 up market product NRML\n")
    run.check(source)
    assert [d.name for d in run.finish()] == ["contract-symbol"] and "lots" in vars(run.refdata.tables)


EXIT_PROBE = """
import atexit, sys
atexit.register(print, "teardown")
if sys.argv[1] == "profiled":
    sys.setprofile(lambda *args: None)
from ordspec.cli import main
sys.argv = ["ordspec", "lint", *sys.argv[2:]]
sys.exit(main() if sys.argv[-1] != "called" else main(sys.argv[1:-1]))
"""


@pytest.mark.parametrize("how, torn_down", [("program", False), ("profiled", True), ("called", True)])
def test_the_program_ends_a_lint_without_tearing_the_interpreter_down(tmp_path, how, torn_down):
    # as the program, lint's process ends as soon as its output is flushed (exit handlers are not run);
    # under a profiler, or called as main([...]) by a program of its own, it returns as any function does
    bad = tmp_path / "bad.ord"
    bad.write_text("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\nOCO SELL 50 NIFTY target 120.5 sl 95\n" * 400)
    args = [sys.executable, "-c", EXIT_PROBE, how, bad] + (["called"] if how == "called" else [])
    out = subprocess.run(list(map(str, args)), capture_output=True, text=True)
    assert out.returncode == 1, out.stderr
    assert out.stdout.count("index-symbol") == 400 and "Found 400 errors" in out.stdout, out.stdout[-300:]
    assert out.stdout.endswith("teardown\n") is torn_down


@pytest.mark.parametrize(
    "args, code",
    [
        (["compile", "ONE", "--broker", "groww", "--as-of", "2025-10-01"], 0),
        (["compile", "ONE", "ONE", "--broker", "groww"], 2),  # one file: click says so
        (["compile", "ONE", "--broker", "nobroker"], 2),  # not a choice: click says so
    ],
    ids=["fast", "two-files", "bad-choice"],
)
def test_compile_takes_the_fast_path_and_click_reports_what_it_does_not_take(tmp_path, args, code):
    one = tmp_path / "one.ord"
    one.write_text("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n")
    result = imported(*[one if a == "ONE" else a for a in args])
    assert result["code"] == code
    assert ("click" in result["modules"]) is (code == 2)
