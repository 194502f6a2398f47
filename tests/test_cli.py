"""The command line through the installed `ordspec` entry point: the contract a CI user relies on.

Every test here starts the real console script (or `python -m ordspec`) in a
subprocess and checks what DESIGN.md and the help texts promise: the text and
JSON diagnostics formats (carets under the span, windowed long lines), exit
codes 0 / 1 / 2, directory walking, stdin, colour rules, the compile contract
(all or nothing, -o never half-written), the rules and explain commands, and
that hostile or broken input gives a diagnostic, never a traceback.

Per-rule pass/fail cases and the lint-path import check live elsewhere.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, DOC_DAY, ordspec_command, run_cli

AS_OF = DOC_DAY.isoformat()

# Lines whose diagnostics are known exactly (1-based columns, end exclusive).
CLEAN = "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC"
EXPONENT = "GTT BUY 10 TCS trigger 3.9e3 down limit 3990 product CNC"  # 3.9e3 at 24..29
EXPONENT_COL = 24
TYPO = CLEAN + " taget 5"  # taget at 57..62
TYPO_COL = 57

HEAD = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning|info) "
    r"(?P<code>OS\d{3}) (?P<name>[a-z][a-z0-9]*(?:-[a-z0-9]+)*) (?P<message>\S.*)$"
)
SOURCE = re.compile(r"^ (?P<n>\d+) \| (?P<shown>.*)$")
CARET = re.compile(r"^(?P<gutter> +)\| (?P<pad>[ \t]*)(?P<carets>\^+)$")
HELP = re.compile(r"^ += help: (?P<help>.+)$")
DIAGNOSTIC_KEYS = {"file", "line", "column", "end_line", "end_column", "severity", "code", "name", "message"}
REQUIRED_RULES = (
    "syntax reference-id lot-size tick-size freeze-quantity price-precision leg-order oco-quantity "
    "oco-direction missing-price unexpected-price not-modifiable unsupported list-window page-range "
    "notes-length duplicate-reference date-order"
).split()


# -- helpers


def text(stream: bytes) -> str:
    return stream.decode("utf-8")


def no_traceback(result) -> None:
    assert b"Traceback" not in result.stdout, text(result.stdout)
    assert b"Traceback" not in result.stderr, text(result.stderr)


def write(path: Path, content) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def lint_json(*args, **kwargs):
    """(exit code, parsed report) of `ordspec lint --format json ...`."""
    result = run_cli("lint", "--format", "json", *args, **kwargs)
    no_traceback(result)
    assert result.returncode in (0, 1), text(result.stderr)
    return result.returncode, json.loads(result.stdout)


def blocks(output: str) -> list[dict]:
    """The diagnostics of a text report: head fields, the quoted line, the caret line, the help."""
    found = []
    for line in output.split("\n"):
        head = HEAD.match(line)
        if head:
            found.append({**head.groupdict(), "raw": [line]})
            found[-1]["line"] = int(found[-1]["line"])
            found[-1]["column"] = int(found[-1]["column"])
        elif found and line:
            found[-1]["raw"].append(line)
    for b in found:
        for line in b["raw"][1:]:
            if SOURCE.match(line) and "source" not in b:
                b["source"] = line
            elif CARET.match(line) and "source" in b and "caret" not in b:
                b["caret"] = line
            elif HELP.match(line):
                b["help"] = HELP.match(line)["help"]
    return found


def under_carets(block: dict) -> str:
    """The text of the quoted line that the carets sit under, after checking the caret line's layout."""
    source, caret = block["source"], block["caret"]
    assert int(SOURCE.match(source)["n"]) == block["line"]
    bar = source.index(" | ") + 1
    assert caret.index("|") == bar, f"gutters differ:\n{source}\n{caret}"
    shown = source[bar + 2 :]
    m = CARET.match(caret)
    pad, carets = m["pad"], m["carets"]
    # a TAB in the quoted line must be a TAB in the caret line, so both advance alike on any terminal
    assert [c == "\t" for c in pad] == [c == "\t" for c in shown[: len(pad)]], f"tabs misplaced:\n{source}\n{caret}"
    return shown[len(pad) : len(pad) + len(carets)]


def summary_line(output: str) -> str:
    lines = output.rstrip("\n").split("\n")
    assert not HEAD.match(lines[-1])
    return lines[-1]


# -- lint: the text format


def test_text_format_head_source_caret_help_and_summary(tmp_path):
    write(tmp_path / "o.ord", f"# orders\n{EXPONENT}\nGTT BUY 0 TCS trigger 3985 down limit 3990 product CNC\n")
    r = run_cli("lint", "o.ord", "--as-of", AS_OF, cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 1
    out = text(r.stdout)
    found = blocks(out)
    assert [(b["file"], b["line"], b["column"], b["severity"]) for b in found] == [
        ("o.ord", 2, EXPONENT_COL, "error"),
        ("o.ord", 3, 9, "error"),
    ]
    first, second = found
    assert first["name"] == "bad-number" and first["code"].startswith("OS")
    assert "3.9e3" in first["message"]
    assert first["raw"][1:] == [
        "   |",
        f" 2 | {EXPONENT}",
        "   | " + " " * (EXPONENT_COL - 1) + "^^^^^",
        "   = help: write 3900",
    ]
    assert under_carets(second) == "0"
    assert "help" not in second  # no help line when the diagnostic has none
    assert re.search(r"\b2 errors\b", summary_line(out))
    assert re.search(r"\b1 file\b", summary_line(out))


def test_clean_file_prints_only_a_summary(tmp_path):
    write(tmp_path / "ok.ord", CLEAN + "\n")
    r = run_cli("lint", "ok.ord", "--as-of", AS_OF, cwd=tmp_path)
    assert r.returncode == 0
    out = text(r.stdout)
    assert blocks(out) == []
    assert out.count("\n") == 1 and re.search(r"\b1 file\b", out)
    assert "error" not in out


def test_caret_under_span_after_a_tab(tmp_path):
    line = "GTT BUY 10 TCS\ttrigger 3.9e3 down limit 3990 product CNC"
    write(tmp_path / "tab.ord", "\t# indented comment\n" + line + "\n")
    r = run_cli("lint", "tab.ord", cwd=tmp_path)
    no_traceback(r)
    (b,) = blocks(text(r.stdout))
    assert (b["line"], b["column"]) == (2, line.index("3.9e3") + 1)  # a TAB is one column
    assert under_carets(b) == "3.9e3"
    assert "\t" in CARET.match(b["caret"])["pad"]


def test_caret_under_span_after_a_leading_tab_and_non_ascii(tmp_path):
    line = '\tSMALLCASE BUY SCET_0010 notes "café ₹" taget'
    write(tmp_path / "u.ord", line + "\n")
    r = run_cli("lint", "u.ord", cwd=tmp_path)
    no_traceback(r)
    (b,) = blocks(text(r.stdout))
    assert b["column"] == line.index("taget") + 1  # columns count characters, not bytes
    assert under_carets(b) == "taget"


def test_long_line_is_windowed_around_the_span(tmp_path):
    line = CLEAN + " ref " + "a" * 200 + " taget 5"
    write(tmp_path / "long.ord", line + "\n")
    r = run_cli("lint", "long.ord", cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 1
    (b,) = blocks(text(r.stdout))
    assert b["column"] == line.index("taget") + 1
    shown = SOURCE.match(b["source"])["shown"]
    assert len(shown) < 160 < len(line)
    assert under_carets(b) == "taget"
    assert b["help"] == "did you mean `target`?"


def test_long_line_windowed_on_both_sides_with_tabs_before_the_span(tmp_path):
    line = CLEAN + " ref " + "a" * 150 + "\t\ttaget 5 product CNC " + "b" * 200
    write(tmp_path / "long.ord", line + "\n")
    r = run_cli("lint", "long.ord", cwd=tmp_path)
    no_traceback(r)
    (b,) = blocks(text(r.stdout))
    assert b["column"] == line.index("taget") + 1
    shown = SOURCE.match(b["source"])["shown"]
    assert len(shown) < 160
    assert "a" * 10 in shown and "b" * 10 in shown  # context on both sides, cut at both ends
    assert not shown.startswith("GTT")
    assert under_carets(b) == "taget"


def test_every_block_carets_sit_under_the_json_span(tmp_path):
    src = (
        "OCO SELL 50\n"
        f"{TYPO}\n"
        "GTT BUY -5 TCS trigger 3985 down limit 3990 product CNC\n"
        "\t" + EXPONENT + "\n"
    )
    write(tmp_path / "m.ord", src)
    r = run_cli("lint", "m.ord", cwd=tmp_path)
    code, report = lint_json("m.ord", cwd=tmp_path)
    found = blocks(text(r.stdout))
    assert r.returncode == code == 1
    assert len(found) == len(report["diagnostics"]) >= 4
    lines = src.split("\n")
    for b, d in zip(found, report["diagnostics"]):
        assert (b["file"], b["line"], b["column"], b["code"], b["name"], b["message"]) == (
            d["file"], d["line"], d["column"], d["code"], d["name"], d["message"]
        )
        assert b.get("help") == d.get("help")
        if d["end_line"] == d["line"]:
            expected = lines[d["line"] - 1][d["column"] - 1 : d["end_column"] - 1]
            if expected:
                assert under_carets(b) == expected
            else:  # a point past the end of the line: one caret just after the text
                assert under_carets(b) == "" and len(CARET.match(b["caret"])["carets"]) == 1


# -- lint: JSON


def test_json_report_shape(tmp_path):
    write(tmp_path / "a.ord", f"{EXPONENT}\nGTT BUY 10 tcs trigger 3985 down limit 3990 product CNC\nOCO SELL 50\n")
    code, report = lint_json("a.ord", "--as-of", AS_OF, cwd=tmp_path)
    assert code == 1
    assert set(report) == {"diagnostics", "summary"}
    ds = report["diagnostics"]
    assert len(ds) >= 3
    for d in ds:
        assert DIAGNOSTIC_KEYS <= set(d) <= DIAGNOSTIC_KEYS | {"help"}
        assert d["file"] == "a.ord"
        for k in ("line", "column", "end_line", "end_column"):
            assert isinstance(d[k], int) and d[k] >= 1
        assert (d["end_line"], d["end_column"]) > (d["line"], d["column"])
        assert d["severity"] in ("error", "warning", "info")
        assert re.fullmatch(r"OS\d{3}", d["code"])
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", d["name"])
        assert isinstance(d["message"], str) and d["message"]
        assert "help" not in d or (isinstance(d["help"], str) and d["help"])
    exp = ds[0]
    assert (exp["line"], exp["column"], exp["end_line"], exp["end_column"]) == (1, 24, 1, 29)
    assert exp["help"] == "write 3900"
    assert [d["line"] for d in ds] == sorted(d["line"] for d in ds)
    assert any(d["severity"] == "warning" for d in ds)
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["errors"] == sum(d["severity"] == "error" for d in ds)
    assert summary["warnings"] == sum(d["severity"] == "warning" for d in ds)


# -- lint: exit codes


@pytest.mark.parametrize(
    "content, code, severity",
    [
        (CLEAN, 0, None),
        ("GTT BUY 10 tcs trigger 3985 down limit 3990 product CNC", 0, "warning"),
        ("GTT BUY 100 RELIANCE25OCTFUT trigger 1500 up market product NRML", 0, "info"),
        (EXPONENT, 1, "error"),
    ],
    ids=["clean", "warning-only", "info-only", "error"],
)
def test_exit_code_follows_the_worst_severity(tmp_path, content, code, severity):
    write(tmp_path / "o.ord", content + "\n")
    got, report = lint_json("o.ord", "--as-of", AS_OF, "--broker", "groww", cwd=tmp_path)
    assert got == code
    assert {d["severity"] for d in report["diagnostics"]} == ({severity} if severity else set())


def _fifo(tmp_path):
    os.mkfifo(tmp_path / "pipe.ord")
    return "pipe.ord"


USAGE = {
    "missing-file": lambda p: ["nofile.ord"],
    "missing-file-json": lambda p: ["ok.ord", "nofile.ord", "--format", "json"],
    "not-a-file": lambda p: [_fifo(p)],
    "no-paths": lambda p: [],
    "unknown-option": lambda p: ["ok.ord", "--bogus"],
    "bad-as-of": lambda p: ["ok.ord", "--as-of", "2025-13-01"],
    "bad-as-of-eq": lambda p: ["ok.ord", "--as-of=yesterday"],
    "as-of-without-value": lambda p: ["ok.ord", "--as-of"],
    "unknown-broker": lambda p: ["ok.ord", "--broker", "zerodha"],
    "unknown-broker-eq": lambda p: ["ok.ord", "--broker=zerodha"],
    "unknown-format": lambda p: ["ok.ord", "--format", "xml"],
    "missing-instruments": lambda p: ["ok.ord", "--instruments", "missing.csv"],
    "instruments-not-groww": lambda p: ["ok.ord", "--instruments", str(write(p / "x.csv", "a,b\n1,2\n"))],
    "instruments-empty": lambda p: ["ok.ord", "--instruments", str(write(p / "e.csv", b""))],
    "instruments-binary": lambda p: ["ok.ord", "--instruments", str(write(p / "b.csv", b"\xff\xfe\x00\x01ex"))],
    "instruments-directory": lambda p: ["ok.ord", "--instruments", str(p)],
}


@pytest.mark.parametrize("case", list(USAGE))
def test_usage_errors_exit_2_with_nothing_on_stdout(tmp_path, case):
    write(tmp_path / "ok.ord", CLEAN + "\n")
    r = run_cli("lint", *USAGE[case](tmp_path), cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 2
    assert r.stdout == b""
    assert r.stderr.strip()


@pytest.mark.parametrize("command", [["lint"], ["compile", "--broker", "groww"]])
def test_missing_file_is_one_line_error(tmp_path, command):
    r = run_cli(*command, "nofile.ord", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stdout == b""
    err = text(r.stderr)
    assert err.endswith("\n") and err.count("\n") == 1
    assert err.startswith("ordspec: error: ") and "nofile.ord" in err


# -- lint: paths, stdin, options


def test_directory_walk_takes_order_files_only_in_sorted_order(tmp_path):
    tree = tmp_path / "tree"
    names = ["top.ord", "m.yml", "b/z.ord", "a/y.ord", "a/x.yaml"]  # created out of order on purpose
    for name in names:
        body = EXPONENT + "\n" if name.endswith(".ord") else f"orders:\n  - {EXPONENT}\n"
        write(tree / name, body)
    for other in ("notes.txt", "README.md", "data.json", "a/orders.ord.bak", "b/orders.yaml.orig"):
        write(tree / other, EXPONENT + "\n")
    code, report = lint_json("tree", cwd=tmp_path)
    assert code == 1
    files = [d["file"] for d in report["diagnostics"] if d["name"] == "bad-number"]
    expected = sorted(f"tree/{n}" for n in names)
    assert files == expected
    assert report["summary"]["files"] == len(names)
    code_again, again = lint_json("tree", cwd=tmp_path)
    assert again == report


def test_several_files_in_one_run(tmp_path):
    write(tmp_path / "ok.ord", CLEAN + "\n")
    write(tmp_path / "bad.yaml", f"orders:\n  - {EXPONENT}\n")
    write(tmp_path / "ok2.ord", "GTT SELL 10 TCS trigger 4100 up market product CNC\n")
    code, report = lint_json("ok.ord", "bad.yaml", "ok2.ord", "--as-of", AS_OF, cwd=tmp_path)
    assert code == 1
    assert report["summary"]["files"] == 3
    assert [(d["file"], d["line"], d["column"]) for d in report["diagnostics"]] == [("bad.yaml", 2, 28)]
    code, report = lint_json("ok.ord", "ok2.ord", "--as-of", AS_OF, cwd=tmp_path)
    assert code == 0 and report["diagnostics"] == []


def test_stdin_reads_the_dsl(tmp_path):
    r = run_cli("lint", "-", "--stdin-filename", "in/orders.ord", input=f"# x\n{EXPONENT}\n".encode(), cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 1
    (b,) = blocks(text(r.stdout))
    assert (b["file"], b["line"], b["column"]) == ("in/orders.ord", 2, EXPONENT_COL)
    assert under_carets(b) == "3.9e3"


def test_stdin_filename_yaml_reads_yaml():
    yaml_text = f"orders:\n  - {EXPONENT}\n".encode()
    code, report = lint_json("-", "--stdin-filename", "x.yaml", input=yaml_text)
    assert code == 1
    assert [(d["file"], d["line"], d["column"], d["name"]) for d in report["diagnostics"]] == [
        ("x.yaml", 2, 28, "bad-number")
    ]
    # the same bytes named as DSL are not read as YAML
    code, report = lint_json("-", "--stdin-filename", "x.ord", input=yaml_text)
    assert code == 1 and report["diagnostics"][0]["name"] == "syntax"


@pytest.mark.parametrize("form", ["separate", "equals"])
def test_option_value_forms_agree(tmp_path, form):
    write(tmp_path / "o.ord", f"{EXPONENT}\n")
    opts = {"--format": "json", "--as-of": AS_OF, "--broker": "groww"}
    args = [a for k, v in opts.items() for a in ((k, v) if form == "separate" else (f"{k}={v}",))]
    r = run_cli("lint", "o.ord", *args, cwd=tmp_path)
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert [(d["line"], d["column"], d["name"]) for d in report["diagnostics"]] == [(1, 24, "bad-number")]


def test_stdin_with_equals_options():
    r = run_cli("lint", "--stdin-filename=s.yaml", "--format=json", "-", input=f"orders:\n  - {EXPONENT}\n".encode())
    assert r.returncode == 1
    (d,) = json.loads(r.stdout)["diagnostics"]
    assert (d["file"], d["line"], d["column"]) == ("s.yaml", 2, 28)


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_design_output_formats_sarif_and_github(tmp_path, fmt):
    write(tmp_path / "o.ord", f"{EXPONENT}\n")
    r = run_cli("lint", "o.ord", "--format", fmt, cwd=tmp_path)
    assert r.returncode == 1
    out = text(r.stdout)
    if fmt == "sarif":
        assert json.loads(out)["runs"][0]["results"]
    else:
        assert out.startswith("::error ") and "line=1" in out


# -- colour


def _on_terminal(args, env: dict, cwd) -> tuple[int, str]:
    """Run ordspec with a pseudo-terminal as stdout (and stderr); return the exit code and what it wrote."""
    full = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full.update({"TERM": "xterm-256color", **env})
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [ordspec_command(), *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=full, cwd=cwd
        )
    finally:
        os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)  # a hang guard, not a timing assertion
            if not ready:
                proc.kill()
                pytest.fail("ordspec wrote nothing to the terminal for 60 s")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    proc.wait(timeout=60)
    return proc.returncode, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_colour_on_a_terminal(tmp_path):
    write(tmp_path / "o.ord", f"{EXPONENT}\nOCO SELL 50\n")
    code, out = _on_terminal(["lint", "o.ord"], {}, tmp_path)
    assert code == 1
    assert ANSI.search(out), out
    plain = run_cli("lint", "o.ord", env={"TERM": "xterm-256color"}, cwd=tmp_path)
    assert b"\x1b" not in plain.stdout  # a pipe gets no colour
    assert ANSI.sub("", out) == text(plain.stdout)  # colour adds escapes, nothing else


def test_no_color_wins_even_on_a_terminal(tmp_path):
    write(tmp_path / "o.ord", f"{EXPONENT}\n")
    code, out = _on_terminal(["lint", "o.ord"], {"NO_COLOR": "1"}, tmp_path)
    assert code == 1
    assert "\x1b" not in out
    assert "o.ord:1:24: error" in out


def test_no_color_on_a_pipe(tmp_path):
    write(tmp_path / "o.ord", f"{EXPONENT}\n")
    r = run_cli("lint", "o.ord", env={"TERM": "xterm-256color"}, cwd=tmp_path)
    assert r.returncode == 1
    assert b"\x1b" not in r.stdout and b"\x1b" not in r.stderr


def test_json_is_never_coloured_on_a_terminal(tmp_path):
    write(tmp_path / "o.ord", f"{EXPONENT}\n")
    code, out = _on_terminal(["lint", "o.ord", "--format", "json"], {}, tmp_path)
    assert code == 1
    assert "\x1b" not in out
    assert json.loads(out)["diagnostics"][0]["column"] == 24


# -- compile

COMPILE_SRC = """\
# Groww orders from the design's spine
GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC exchange NSE segment CASH validity DAY ref sref-unique-123

OCO SELL 75 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 position 75 product MIS segment FNO ref sref-unique-456
GTT SELL 10 TCS trigger 4100 up market product CNC   # a market order when it fires
GET GTT gtt_91a7f4 segment CASH
CANCEL GTT gtt_91a7f4 segment CASH
"""
REQUEST_KEYS = {"broker", "operation", "method", "path", "query", "body", "source"}


def test_compile_prints_the_requests_in_source_order(tmp_path):
    write(tmp_path / "orders.ord", COMPILE_SRC)
    r = run_cli("compile", "orders.ord", "--broker", "groww", "--as-of", AS_OF, cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 0, text(r.stderr)
    assert r.stderr == b""
    requests = json.loads(r.stdout)
    assert isinstance(requests, list) and len(requests) == 5
    for req in requests:
        assert set(req) == REQUEST_KEYS
        assert req["broker"] == "groww"
        assert req["method"] in ("GET", "POST", "PUT", "DELETE")
        assert req["path"].startswith("/v1/")
        assert isinstance(req["query"], dict)
        assert req["source"]["file"] == "orders.ord"
    assert [req["source"]["line"] for req in requests] == [2, 4, 5, 6, 7]
    gtt, oco, market, get, cancel = requests
    assert (gtt["method"], gtt["path"], gtt["query"]) == ("POST", "/v1/order-advance/create", {})
    assert gtt["body"]["trigger_price"] == "3985.00"  # Groww: decimal strings, two places
    assert gtt["body"]["reference_id"] == "sref-unique-123"
    assert oco["body"]["smart_order_type"] == "OCO"
    assert market["body"]["trigger_price"] == "4100.00"
    assert get["body"] is None and get["method"] == "GET"
    assert cancel["body"] is None


def test_compile_output_file(tmp_path):
    write(tmp_path / "orders.ord", COMPILE_SRC)
    to_stdout = run_cli("compile", "orders.ord", "--broker", "groww", "--as-of", AS_OF, cwd=tmp_path)
    r = run_cli("compile", "orders.ord", "--broker=groww", f"--as-of={AS_OF}", "-o", "out.json", cwd=tmp_path)
    assert r.returncode == 0
    assert r.stdout == b""
    assert (tmp_path / "out.json").read_bytes() == to_stdout.stdout
    r = run_cli("compile", "orders.ord", "--broker", "groww", "--as-of", AS_OF, "--output=out2.json", cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "out2.json").read_bytes() == to_stdout.stdout


def test_compile_with_an_error_emits_nothing(tmp_path):
    write(tmp_path / "orders.ord", COMPILE_SRC + EXPONENT + "\n")
    r = run_cli("compile", "orders.ord", "--broker", "groww", "--as-of", AS_OF, cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 1
    assert r.stdout == b""
    (b,) = blocks(text(r.stderr))
    assert (b["file"], b["line"], b["column"], b["severity"]) == ("orders.ord", 8, EXPONENT_COL, "error")


@pytest.mark.parametrize("existing", [True, False], ids=["existing-output", "no-output"])
def test_compile_with_an_error_leaves_the_output_alone(tmp_path, existing):
    write(tmp_path / "orders.ord", COMPILE_SRC + EXPONENT + "\n")
    out = tmp_path / "out.json"
    if existing:
        write(out, "previous contents\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    r = run_cli("compile", "orders.ord", "--broker", "groww", "--as-of", AS_OF, "-o", "out.json", cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 1
    assert r.stdout == b""
    assert b"orders.ord:8:24: error" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    if existing:
        assert out.read_text() == "previous contents\n"


def test_compile_unwritable_output_creates_no_file(tmp_path):
    write(tmp_path / "orders.ord", CLEAN + "\n")
    (tmp_path / "out.json").mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    r = run_cli("compile", "orders.ord", "--broker", "groww", "--as-of", AS_OF, "-o", "out.json", cwd=tmp_path)
    assert r.returncode == 2
    assert text(r.stderr).startswith("ordspec: error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_compile_warnings_go_to_stderr_and_compile_succeeds(tmp_path):
    write(tmp_path / "w.ord", "GTT BUY 10 tcs trigger 3985 down limit 3990 product CNC\n")
    r = run_cli("compile", "w.ord", "--broker", "groww", "--as-of", AS_OF, cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 0
    (request,) = json.loads(r.stdout)
    assert request["source"] == {"file": "w.ord", "line": 1}
    (b,) = blocks(text(r.stderr))
    assert (b["line"], b["column"], b["severity"]) == (1, 12, "warning")
    assert under_carets(b) == "tcs"


def test_compile_reads_yaml_from_stdin():
    src = f"orders:\n  - {CLEAN}\n".encode()
    r = run_cli("compile", "-", "--broker", "groww", "--as-of", AS_OF, "--stdin-filename", "in.yaml", input=src)
    assert r.returncode == 0, text(r.stderr)
    (request,) = json.loads(r.stdout)
    assert request["source"] == {"file": "in.yaml", "line": 2}
    assert request["body"]["order"]["price"] == "3990.00"


@pytest.mark.parametrize(
    "args",
    [["--broker", "zerodha"], ["--as-of", "01-10-2025"], ["--instruments", "missing.csv"], ["--bogus"]],
    ids=["broker", "as-of", "instruments", "option"],
)
def test_compile_usage_errors_exit_2(tmp_path, args):
    write(tmp_path / "orders.ord", CLEAN + "\n")
    r = run_cli("compile", "orders.ord", "--broker", "groww", *args, cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 2
    assert r.stdout == b""


# -- python -m, rules, explain, version, help


def test_python_dash_m_works_like_the_command(tmp_path):
    write(tmp_path / "o.ord", f"{EXPONENT}\n")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    module = subprocess.run(
        [sys.executable, "-m", "ordspec", "lint", "o.ord"], capture_output=True, cwd=tmp_path, env=env, timeout=60
    )
    command = run_cli("lint", "o.ord", cwd=tmp_path)
    assert module.returncode == command.returncode == 1
    assert module.stdout == command.stdout
    version = subprocess.run([sys.executable, "-m", "ordspec", "--version"], capture_output=True, timeout=60)
    assert version.returncode == 0 and version.stdout == run_cli("--version").stdout


def test_rules_text_lists_every_required_rule():
    r = run_cli("rules")
    assert r.returncode == 0
    rows = text(r.stdout).splitlines()
    listed = {row.split()[1]: row.split()[0] for row in rows if row.strip()}
    assert set(REQUIRED_RULES) <= set(listed)
    assert listed["lot-size"] == "OS201"


def test_rules_json():
    r = run_cli("rules", "--format", "json")
    assert r.returncode == 0
    rules = json.loads(r.stdout)
    assert isinstance(rules, list)
    for rule in rules:
        assert {"code", "name", "severity", "summary", "brokers", "docs"} <= set(rule)
        assert re.fullmatch(r"OS\d{3}", rule["code"])
        assert rule["severity"] in ("error", "warning", "info")
        assert rule["summary"] and rule["docs"]
        assert rule["brokers"] == "all" or (isinstance(rule["brokers"], list) and rule["brokers"])
    assert len({r["code"] for r in rules}) == len({r["name"] for r in rules}) == len(rules)
    assert set(REQUIRED_RULES) <= {r["name"] for r in rules}


def test_explain_by_name_and_by_code_print_the_same_docs():
    by_name = run_cli("explain", "lot-size")
    by_code = run_cli("explain", "OS201")
    assert by_name.returncode == by_code.returncode == 0
    assert by_name.stdout == by_code.stdout
    out = text(by_name.stdout)
    assert out.startswith("OS201 lot-size")
    assert "Source" in out and "lot" in out  # every rule cites where it comes from


def test_explain_unknown_rule_exits_2():
    r = run_cli("explain", "no-such-rule")
    assert r.returncode == 2
    assert r.stdout == b""
    err = text(r.stderr)
    assert err.startswith("ordspec: error: ") and err.count("\n") == 1


def test_version():
    import ordspec

    r = run_cli("--version")
    assert r.returncode == 0
    assert ordspec.__version__ in text(r.stdout)


def test_help():
    r = run_cli("--help")
    assert r.returncode == 0
    out = text(r.stdout)
    for command in ("lint", "compile", "rules", "explain"):
        assert re.search(rf"^\s+{command}\s", out, re.M), command


def test_lint_help_lists_its_options():
    r = run_cli("lint", "--help")
    assert r.returncode == 0
    out = text(r.stdout)
    assert "PATHS" in out
    for option in ("--broker", "--instruments", "--as-of", "--format", "--stdin-filename"):
        assert option in out


# -- bad input: a diagnostic at the right line, never a traceback


def _lint_one(tmp_path, name: str, content, *args):
    write(tmp_path / name, content)
    r = run_cli("lint", name, "--format", "json", *args, cwd=tmp_path)
    no_traceback(r)
    assert r.returncode in (0, 1), text(r.stderr)
    return r.returncode, json.loads(r.stdout)["diagnostics"]


def test_binary_file(tmp_path):
    code, ds = _lint_one(tmp_path, "bin.ord", f"{CLEAN}\n\0\0\x01\x02binary\n".encode())
    assert code == 1
    assert [(d["line"], d["severity"]) for d in ds] == [(2, "error")]


@pytest.mark.parametrize("name", ["latin.ord", "latin.yaml"])
def test_non_utf8_on_line_3(tmp_path, name):
    data = b"# one\n# two\nGTT BUY 10 TCS notes \"caf\xe9\"\n"
    code, ds = _lint_one(tmp_path, name, data)
    assert code == 1
    assert [(d["line"], d["column"], d["severity"]) for d in ds] == [(3, 26, "error")]


def test_fifty_thousand_character_line(tmp_path):
    src = f"{CLEAN}\n{CLEAN} notes \"{'x' * 50_000}\"\nOCO SELL 50\n"
    code, ds = _lint_one(tmp_path, "huge.ord", src)
    assert code == 1
    assert [d["line"] for d in ds] == [2, 3]  # the next line is still checked
    r = run_cli("lint", "huge.ord", cwd=tmp_path)
    assert r.returncode == 1
    assert max(len(line) for line in text(r.stdout).splitlines()) < 1000  # the quoted line is windowed


@pytest.mark.parametrize("number", ["3.9e3", "3.9E3"])
def test_exponent_numbers(tmp_path, number):
    line = EXPONENT.replace("3.9e3", number)
    code, ds = _lint_one(tmp_path, "e.ord", f"# x\n{line}\n")
    assert code == 1
    (d,) = ds
    assert (d["line"], d["column"], d["end_column"]) == (2, 24, 29)
    assert d["help"] == "write 3900"


@pytest.mark.parametrize("qty", ["0", "-5"])
def test_zero_and_negative_quantity(tmp_path, qty):
    code, ds = _lint_one(tmp_path, "q.ord", f"GTT BUY {qty} TCS trigger 3985 down limit 3990 product CNC\n")
    assert code == 1
    (d,) = ds
    assert (d["line"], d["column"], d["end_column"], d["severity"]) == (1, 9, 9 + len(qty), "error")


def test_missing_pieces(tmp_path):
    code, ds = _lint_one(tmp_path, "m.ord", f"{CLEAN}\nOCO SELL 50\n")
    assert code == 1
    (d,) = ds
    assert (d["line"], d["name"], d["severity"]) == (2, "syntax", "error")
    assert d["column"] >= len("OCO SELL ") + 1  # at or after the quantity, where the symbol is missing


def test_unknown_word_gets_did_you_mean(tmp_path):
    code, ds = _lint_one(tmp_path, "t.ord", f"{TYPO}\n")
    assert code == 1
    (d,) = ds
    assert (d["line"], d["column"], d["end_column"], d["name"]) == (1, TYPO_COL, TYPO_COL + 5, "syntax")
    assert "taget" in d["message"]
    assert d["help"] == "did you mean `target`?"


@pytest.mark.parametrize(
    "line",
    ["GTT BUY 10 TCS trigger 3.9e3 market product CNC", "GTT SELL 10 TCS trigger market product CNC"],
    ids=["exponent", "no-price"],
)
def test_trigger_without_price_or_direction_is_a_diagnostic(tmp_path, line):
    write(tmp_path / "g.ord", f"# x\n{line}\n")
    r = run_cli("lint", "g.ord", "--format", "json", cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 1
    ds = json.loads(r.stdout)["diagnostics"]
    assert ds and {d["line"] for d in ds} == {2}


@pytest.mark.parametrize("suffix", [".ord", ".yaml"])
def test_crlf_positions_match_lf(tmp_path, suffix):
    lf = f"# c\n{EXPONENT}\nOCO SELL 50\n{TYPO}\n"
    if suffix == ".yaml":
        lf = "orders:\n" + "".join(f"  - {line}\n" for line in lf.splitlines()[1:])
    write(tmp_path / f"lf{suffix}", lf)
    write(tmp_path / f"crlf{suffix}", lf.replace("\n", "\r\n"))
    a = run_cli("lint", f"lf{suffix}", "--format", "json", cwd=tmp_path)
    b = run_cli("lint", f"crlf{suffix}", "--format", "json", cwd=tmp_path)
    assert a.returncode == b.returncode == 1
    strip = lambda ds: [{k: v for k, v in d.items() if k != "file"} for d in ds]  # noqa: E731
    assert strip(json.loads(b.stdout)["diagnostics"]) == strip(json.loads(a.stdout)["diagnostics"])
    ta = run_cli("lint", f"lf{suffix}", cwd=tmp_path)
    tb = run_cli("lint", f"crlf{suffix}", cwd=tmp_path)
    assert b"\r" not in tb.stdout
    assert text(tb.stdout).replace(f"crlf{suffix}", f"lf{suffix}") == text(ta.stdout)
    assert [under_carets(block) for block in blocks(text(tb.stdout))] == ["3.9e3", "", "taget"]


def test_a_bare_carriage_return_is_reported_at_it(tmp_path):
    """Old-Mac (CR-only) line endings: one diagnostic at the first CR, not a confusing parse error."""
    write(tmp_path / "cr.ord", b"broker groww\rGTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\r")
    r = run_cli("lint", "cr.ord", "--format", "json", cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 1
    [d] = json.loads(r.stdout)["diagnostics"]
    assert (d["name"], d["line"], d["column"], d["end_column"]) == ("hidden-text", 1, 13, 14)
    assert "carriage return" in d["message"] and "LF or CRLF" in d["help"]
    shown = run_cli("lint", "cr.ord", cwd=tmp_path)
    assert b"\r" not in shown.stdout
    assert " 1 | broker groww\u240dGTT BUY" in text(shown.stdout)
    assert run_cli("compile", "cr.ord", cwd=tmp_path).returncode == 1


def test_control_characters_in_a_file_never_reach_the_terminal(tmp_path):
    """An ESC sequence in an order file is shown as a control picture, one column wide."""
    write(tmp_path / "esc.ord", b"GTT BUY 10 TCS trigger 3985 down limit 3990 produc\x1b[2Jt CNC\n")
    r = run_cli("lint", "esc.ord", cwd=tmp_path)
    no_traceback(r)
    assert r.returncode == 1
    assert b"\x1b" not in r.stdout + r.stderr
    out = text(r.stdout)
    assert "produc\u241b[2Jt" in out
    [block] = blocks(out)
    assert block["name"] == "hidden-text" and "U+001B ESCAPE" in block["raw"][0]
    assert under_carets(block) == "\u241b"  # at the character, which shows as a control picture


@pytest.mark.parametrize("suffix", [".ord", ".yaml"])
def test_bom_is_ignored(tmp_path, suffix):
    src = f"{EXPONENT}\n" if suffix == ".ord" else f"orders:\n  - {EXPONENT}\n"
    write(tmp_path / f"plain{suffix}", src)
    write(tmp_path / f"bom{suffix}", b"\xef\xbb\xbf" + src.encode())
    a = run_cli("lint", f"plain{suffix}", cwd=tmp_path)
    b = run_cli("lint", f"bom{suffix}", cwd=tmp_path)
    no_traceback(b)
    assert a.returncode == b.returncode == 1
    assert "\ufeff" not in text(b.stdout)
    assert text(b.stdout).replace(f"bom{suffix}", f"plain{suffix}") == text(a.stdout)
    (block,) = blocks(text(b.stdout))
    assert under_carets(block) == "3.9e3"


def test_bom_clean_file_passes(tmp_path):
    code, ds = _lint_one(tmp_path, "bom.ord", b"\xef\xbb\xbf" + CLEAN.encode() + b"\r\n", "--as-of", AS_OF)
    assert code == 0 and ds == []


def test_yaml_alias_bomb_is_refused(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":  # 9 levels: 9**9 strings if expanded
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    lines.append(f"orders: *{prev}")
    write(tmp_path / "bomb.yaml", "\n".join(lines) + "\n")
    r = run_cli("lint", "bomb.yaml", "--format", "json", cwd=tmp_path)  # run_cli's timeout is the hang guard
    no_traceback(r)
    assert r.returncode == 1
    ds = json.loads(r.stdout)["diagnostics"]
    assert [d["name"] for d in ds] == ["unsafe-yaml"]
    assert 1 <= ds[0]["line"] <= len(lines)


@pytest.mark.parametrize(
    "template",
    [
        'orders:\n  - !!python/object/apply:os.system ["touch {marker}"]\n',
        '!!python/object/apply:os.system ["touch {marker}"]\n',
        "orders:\n  - kind: GTT\n    symbol: !!python/object/apply:os.system [\"touch {marker}\"]\n",
    ],
    ids=["in-orders", "top-level", "as-a-value"],
)
def test_yaml_python_tag_is_refused_and_nothing_runs(tmp_path, template):
    marker = tmp_path / "pwned"
    src = template.format(marker=marker)
    tag_line = next(i for i, line in enumerate(src.splitlines(), 1) if "!!python" in line)
    code, ds = _lint_one(tmp_path, "evil.yaml", src)
    assert code == 1
    assert ("unsafe-yaml", tag_line) in [(d["name"], d["line"]) for d in ds]
    assert not marker.exists()


@pytest.mark.parametrize("style", ["flow", "block"])
def test_yaml_nested_1000_levels(tmp_path, style):
    if style == "flow":
        src = "orders:\n  - " + "[" * 1000 + "]" * 1000 + "\n"
    else:
        src = "orders:\n" + "".join("  " * (i + 1) + f"- k{i}:\n" for i in range(1000))
    code, ds = _lint_one(tmp_path, "deep.yaml", src)
    assert code == 1
    assert ds and all(d["severity"] == "error" for d in ds)
    assert 2 <= ds[0]["line"] <= 1001
    if style == "flow":
        assert ds[0]["line"] == 2


@pytest.mark.parametrize("start", ["", "---\n"], ids=["implicit-first", "explicit-first"])
def test_yaml_multi_document(tmp_path, start):
    doc = f"orders:\n  - {CLEAN}\n"
    src = start + doc + "---\n" + doc
    second = src.splitlines().index("---", 1 if start else 0) + 1
    code, ds = _lint_one(tmp_path, "multi.yaml", src, "--as-of", AS_OF)
    assert code == 1
    assert [(d["line"], d["severity"]) for d in ds] == [(second, "error")]


@pytest.mark.parametrize(
    "name, content",
    [
        ("empty.ord", b""),
        ("empty.yaml", b""),
        ("comments.ord", b"# only comments\n   # indented\n\n\t# tabbed\n"),
        ("comments.yaml", b"# only comments\n\n# here\n"),
    ],
)
def test_empty_and_comment_only_files_pass(tmp_path, name, content):
    code, ds = _lint_one(tmp_path, name, content)
    assert code == 0
    assert ds == []


def test_spine_lints_without_a_traceback():
    r = run_cli("lint", DATA / "spine.ord", "--as-of", AS_OF)
    no_traceback(r)
    assert r.returncode in (0, 1)
    for b in blocks(text(r.stdout)):
        assert b["file"].endswith("spine.ord")
        assert under_carets(b)
