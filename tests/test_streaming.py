"""A run holds one statement at a time: lint and compile check (and build) each statement as it
is read, and compile spools its requests (pipeline/spool.py) and gives them out only if all passed."""

from __future__ import annotations

import gc
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordspec import compiler
from ordspec.compiler.jsonout import dumps
from ordspec.ir import Statement
from ordspec.pipeline import UsageError, spool
from ordspec.pipeline.compile import BATCH, compile_sources
from ordspec.pipeline.run import Run
from ordspec.pipeline.spool import Built
from tests.conftest import DOC_DAY, compile_text, examples, lint_text, run_cli

GTT = "GTT BUY {qty} TCS trigger 3985 down limit 3990 product CNC ref tcs-dip-{n:05d}"
CASH_OCO = "OCO SELL 10 TCS target 4200 sl 3900 product MIS  # ordspec: ignore[documents-disagree]"


def orders(n: int) -> str:
    return "broker groww\n" + "".join(GTT.format(qty=1 + i % 90, n=i) + "\n" for i in range(n))


def live_statements() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is Statement)


def test_lint_holds_one_statement_at_a_time():
    run = Run(as_of=DOC_DAY)
    source = run.read("t.ord", "t.ord", orders(1200).encode())
    before = live_statements()  # (other tests may keep some)
    counts = [live_statements() - before for i, _ in enumerate(run.checked(source)) if i in (400, 1000)]
    run.finish()
    assert run.statements == 1200 and not run.diagnostics
    assert counts and max(counts) <= 2, counts  # the one being taken (and one in hand), not 1,000


def test_compile_builds_each_statement_as_it_is_read(monkeypatch):
    counts, calls = [], []
    add = Built.add

    def counting(self, request):
        calls.append(1)
        if len(calls) in (300, 900):
            counts.append(live_statements() - before)
        add(self, request)

    monkeypatch.setattr(Built, "add", counting)
    before = live_statements()
    run = Run(as_of=DOC_DAY, derive_keys=True)
    source = run.read("t.ord", "t.ord", orders(1000).encode())
    assert BATCH < 300  # (so that the count below tells a batch from the file)
    built = Built(spool=True)
    assert compile_sources(run, [(source, None)], built) is built
    assert counts and max(counts) <= BATCH + 2, counts  # a batch, built stage by stage, not 1,000
    written = io.StringIO()
    built.write(written)
    built.close()
    assert len(json.loads(written.getvalue())) == 1000


@pytest.mark.parametrize("broker", compiler.names())
def test_a_broker_line_after_the_statements_applies_to_them(broker):
    line = "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC"
    first = lint_text(f"broker {broker}\n{line}\n")
    last = lint_text(f"{line}\nbroker {broker}\n")
    assert [(d.code, d.message) for d in first] == [(d.code, d.message) for d in last]


@pytest.mark.parametrize("at", [0, 5, 1 << 20, (1 << 20) - 3, (1 << 20) + 7, 3 << 20])
def test_the_last_mention_of_broker_is_found_across_slices(at):
    from ordspec.grammar.dsl import last_mention

    text = ("x" * 63 + "\n") * ((at + 200) // 64 + 1)
    text = text[:at] + "BroKer" + text[at:]
    assert last_mention(text, "broker") == text.count("\n", 0, at) + 1
    assert last_mention(text.replace("BroKer", "brokex"), "broker") == 0


def test_the_broker_line_decides_the_rules():
    # (so the test above compares something: without the line, other rules apply)
    line = "SMALLCASE BUY SCET_0001"
    assert [d.name for d in lint_text(f"{line}\nbroker smallcase\n")] == []
    assert "unsupported" in [d.name for d in lint_text(f"{line}\nbroker groww\n")]


@settings(max_examples=examples(40), deadline=None)
@given(st.integers(0, 6), st.sampled_from(compiler.names()), st.booleans())
def test_where_the_broker_line_stands_changes_nothing(at, broker, mention):
    lines = [GTT.format(qty=i + 1, n=i) for i in range(6)]
    if mention:  # a ref that says "broker": the statements before it wait for nothing that comes
        lines[3] = lines[3].replace("tcs-dip-00003", "broker-00003")
    moved = lines[:at] + [f"broker {broker}"] + lines[at:]
    got = lint_text("\n".join(moved) + "\n")
    want = lint_text("\n".join([f"broker {broker}"] + lines) + "\n")
    assert sorted((d.code, d.message) for d in got) == sorted((d.code, d.message) for d in want)


def test_a_statement_with_a_suppressed_error_keeps_its_place():
    text = "broker groww\n" + GTT.format(qty=1, n=1) + "\n" + CASH_OCO + "\n" + GTT.format(qty=2, n=2) + "\n"
    requests, diagnostics = compile_text(text, name="<stdin>")
    assert not [d for d in diagnostics if d.severity == "error"]
    assert [r.as_dict()["body"]["quantity"] for r in requests] == [1, 10, 2]
    out = run_cli("compile", "-", input=text.encode())
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode() == dumps([r.as_dict() for r in requests]) + "\n"


def test_an_error_later_in_the_file_leaves_no_output():
    text = orders(50) + "GTT BUY 10 TCS trigger 3985 down limit 3990 product XYZ\n"
    out = run_cli("compile", "-", input=text.encode())
    assert out.returncode == 1 and out.stdout == b""
    assert b"XYZ" in out.stderr


def test_no_requests_is_an_empty_array():
    out = run_cli("compile", "-", "--broker", "groww", input=b"# nothing yet\n")
    assert out.returncode == 0 and out.stdout == b"[]\n"


def test_spooled_output_is_what_dumps_writes(monkeypatch):
    monkeypatch.setattr(spool, "_SLICE", 7)  # read back in slices, a run of requests across many
    text = "broker smallcase\n" + "".join(f'SMALLCASE BUY SCET_{i:04d} notes "सिप {i} ₹ ok"\n' for i in range(40))
    requests, diagnostics = compile_text(text, broker="smallcase", gateway="g")
    assert requests, diagnostics
    run = Run(broker="smallcase", as_of=DOC_DAY, derive_keys=True, gateway="g")
    source = run.read("t.ord", "t.ord", text.encode())
    built = compile_sources(run, [(source, None)], Built(spool=True))
    written = io.StringIO()
    built.write(written)
    assert written.getvalue() == dumps([r.as_dict() for r in requests]) + "\n"


def test_a_usage_error_waits_for_the_files_own_errors():
    # no broker anywhere, and a syntax error after the first statement: both are found
    run = Run(as_of=DOC_DAY, derive_keys=True)
    source = run.read("t.ord", "t.ord", (GTT.format(qty=1, n=1) + "\nGTT BUY TCS\n").encode())
    with pytest.raises(UsageError, match="name a broker"):
        compile_sources(run, [(source, None)])
    assert "syntax" in [d.name for d in run.diagnostics]


POOL = [
    GTT.format(qty=1, n=1),
    "GTT BUY 10 TCS trigger 3985 sideways limit 3990 product CNC",  # a reading error (bad-value)
    "GTT BUY 10 TCS trigger 3985 down limit 3990 product XYZ",  # a reading error in an option
    "GTT BUY 10 TCS trigger 3985.03 down limit 3990 product CNC",  # a rule's error (tick-size)
    "OCO SELL 10 TCS target 4200 sl 3900 product MIS",  # documents-disagree, not suppressed
    CASH_OCO,
]


def _as_yaml(lines: list[str]) -> str:
    return "broker: groww\norders:\n" + "".join(f"  - {line}\n" for line in lines)


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.sampled_from(POOL), min_size=1, max_size=6), st.booleans())
def test_compile_says_nothing_lint_did_not(lines, yaml):
    """Whichever statement has an error, none is built (no internal error); the diagnostics are lint's."""
    text = _as_yaml(lines) if yaml else "broker groww\n" + "\n".join(lines) + "\n"
    name = "t.yaml" if yaml else "t.ord"
    linted = lint_text(text, name=name)
    requests, compiled = compile_text(text, name=name)
    assert [(d.line, d.code) for d in sorted(compiled, key=lambda d: (d.line, d.code))] == [
        (d.line, d.code) for d in sorted(linted, key=lambda d: (d.line, d.code))
    ]
    failed = any(d.severity == "error" for d in linted)
    assert (requests is None) == failed
    if not failed:
        assert len(requests) == len(lines)


def test_a_yaml_order_with_a_bad_value_after_a_good_one_is_not_built():
    text = _as_yaml([GTT.format(qty=1, n=1)]) + '  - {kind: GTT, side: BUY, qty: 10, symbol: TCS, trigger: 3985, direction: 0"UP", limit: 3990, product: CNC}\n'
    requests, diagnostics = compile_text(text, name="t.yaml")
    assert requests is None and [d.name for d in diagnostics] == ["bad-value"], diagnostics


class _FullDisk:
    def write(self, data):
        raise OSError(28, "No space left on device")

    def close(self):
        pass


@pytest.mark.parametrize("where", ["open", "write"])
def test_a_spool_that_cannot_be_written_is_exit_2_and_nothing_out(monkeypatch, tmp_path, capsys, where):
    from ordspec.cli import commands

    orders_file = tmp_path / "o.ord"
    orders_file.write_text(orders(3))
    if where == "open":
        def refuse(*args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(spool.tempfile, "TemporaryFile", refuse)
    else:
        monkeypatch.setattr(spool.tempfile, "TemporaryFile", lambda *a, **k: _FullDisk())
    out = tmp_path / "out.json"
    assert commands.compile(str(orders_file), as_of=DOC_DAY, output=str(out)) == 2
    assert "No space left on device" in capsys.readouterr().err and not out.exists()
