"""ordspec in CI and editors (issue 5): output formats, many files, suppressions, configuration,
pre-commit and the GitHub Actions example, through the installed `ordspec` command.

Every test builds a small repository in tmp_path (with a `.git` directory, so that the
repository root is found there) and runs `ordspec lint` in it.

Snapshots: one per output format (text, json, sarif, github) of one fixed repository, in
tests/snapshots/lint.<format>. The temporary path is replaced by `<repo>` and the version
by `<version>`; in the SARIF snapshot the rules' documentation is reduced to id, name and
level (the documentation itself is checked against the rule registry by a separate test,
so that editing a rule's docs does not churn the snapshot). To regenerate them after an
intended change of output, run

    ORDSPEC_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_ci.py -k snapshot

and review the diff of tests/snapshots/ before committing it.

Bugs found are kept as `xfail(strict=True)` tests of the documented behaviour (search "BUG").
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from tests.conftest import DOC_DAY, ROOT, compile_text, lint_text, ordspec_command, run_cli

AS_OF = DOC_DAY.isoformat()
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("ORDSPEC_UPDATE_SNAPSHOTS") == "1"
SARIF_SCHEMA = Path(__file__).resolve().parent / "standards" / "sarif-schema-2.1.0.json"  # see standards/README.md

CLEAN = "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC"
TICK = "GTT BUY 10 TCS trigger 3985.03 down limit 3990 product CNC"  # tick-size at 1:24-31
BAD_PRODUCT = "GTT BUY 10 TCS trigger 3985 down limit 3990 product XYZ"  # bad-value at 1:53-56
INDEX = "OCO SELL 50 NIFTY target 120.5 sl 95 product MIS"  # index-symbol at 1:13-18
SEGMENT = "GTT BUY 10 TCS trigger 3985 down limit 3990 segment FNO"  # segment-mismatch at 1:52-55 (a rule that can be deselected)
NO_PRODUCT = "OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95"  # Groww: missing-field product


# -- helpers


def write(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8"))
    return path


def make_repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    return tmp_path


def out(result) -> str:
    return result.stdout.decode("utf-8")


def err(result) -> str:
    return result.stderr.decode("utf-8")


def lint(*args, cwd, as_of=True):
    return run_cli("lint", *args, *(("--as-of", AS_OF) if as_of else ()), cwd=cwd)


def lint_json(*args, cwd) -> list[dict]:
    r = lint(*args, "--format", "json", cwd=cwd)
    assert r.returncode in (0, 1), err(r)
    return json.loads(out(r))["diagnostics"]


def found(diagnostics) -> list[tuple]:
    return [(d["file"], d["line"], d["name"]) for d in diagnostics]


def files_of(diagnostics) -> list[str]:
    return sorted({d["file"] for d in diagnostics})


def usage_error(result) -> str:
    """A usage error: exit 2, nothing on stdout, one clear line on stderr, no traceback."""
    assert result.returncode == 2, (out(result), err(result))
    assert out(result) == ""
    message = err(result)
    assert "Traceback" not in message, message
    return message


# --------------------------------------------------------------------------
# 1. Output formats: one snapshot per format


def snapshot_repo(tmp_path: Path) -> Path:
    """Three order files with errors, warnings and a note; multi-byte text before a span;
    a message with %, quotes, a comma and a colon; a used and an unused suppression; and two
    files a walk must leave alone."""
    repo = make_repo(tmp_path)
    write(
        repo / "orders" / "a.ord",
        "# Groww GTTs and OCOs. Prices in ₹.\n"
        "broker groww\n"
        "default product CNC\n"
        "\n"
        "GTT BUY 10 TCS trigger 3985.03 down limit 3990 ref sref-unique-123\n"
        "OCO SELL 50 NIFTY target 120.5 sl 95 product MIS\n"
        "OCO SELL 10 TCS25OCTFUT target 5000 sl 4000 product NRML\n"
        "GTT BUY 10 TCS trigger 3985.07 down limit 3990.01  # ordspec: ignore[tick-size]\n",
    )
    write(
        repo / "orders" / "b.ord",
        'SMALLCASE BUY SCET_0010 notes "héllo ₹ wörld" ref sref-unique-123\n'
        "OCO SELL 75 TITAN25XYZ24000CE target 120.50 limit 121 sl 95 product MIS\n"
        'GTT BUY 10 TCS trigger 3985 down limit 3990 product "50%,\\"x\\":y"\n',
    )
    write(
        repo / "orders" / "c.yaml",
        "broker: groww\n"
        "defaults:\n"
        "  product: CNC\n"
        "orders:\n"
        "  - GTT BUY 10 TCS trigger 3985 down limit 3990 ref sref-unique-123\n"
        "  - kind: OCO  # ordspec: ignore[lot-size]\n"
        "    side: SELL\n"
        "    qty: 75\n"
        "    symbol: NIFTY25OCT24000CE\n"
        "    target: {trigger: 120.50, limit: 121}\n"
        "    sl: 95\n"
        "    product: XYZ\n",
    )
    write(repo / "orders" / "docker-compose.yml", "services:\n  web:\n    image: nginx\n")
    write(repo / "orders" / "README.md", "# orders\n")
    return repo


# What the fixed repository must report, whatever the format (file, line, column, severity, name).
EXPECTED = [
    ("orders/a.ord", 5, 24, "error", "tick-size"),
    ("orders/a.ord", 6, 13, "error", "index-symbol"),
    ("orders/a.ord", 7, 13, "info", "reference-data"),
    ("orders/b.ord", 1, 51, "error", "duplicate-reference"),  # after é, ₹ and ö: columns count characters
    ("orders/b.ord", 2, 13, "warning", "unknown-symbol"),
    ("orders/b.ord", 3, 53, "error", "bad-value"),
    ("orders/c.yaml", 5, 53, "error", "duplicate-reference"),
    ("orders/c.yaml", 6, 34, "warning", "unused-suppression"),
    ("orders/c.yaml", 12, 14, "error", "bad-value"),
]


def normalise(text: str, repo: Path) -> str:
    from ordspec import __version__

    for form in (quote(str(repo)), str(repo)):
        text = text.replace(form, "<repo>")
    return text.replace(f'"{__version__}"', '"<version>"')


def slim_sarif(text: str) -> str:
    log = json.loads(text)
    driver = log["runs"][0]["tool"]["driver"]
    driver["rules"] = [{"id": r["id"], "name": r["name"], "level": r["defaultConfiguration"]["level"]} for r in driver["rules"]]
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def check_snapshot(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
    if not path.exists():
        pytest.fail(f"no snapshot {path}: run with ORDSPEC_UPDATE_SNAPSHOTS=1 to write it, then review it")
    assert actual == path.read_bytes().decode("utf-8"), f"{name} differs from its snapshot (ORDSPEC_UPDATE_SNAPSHOTS=1 rewrites it)"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_snapshot_per_format(tmp_path, fmt):
    repo = snapshot_repo(tmp_path)
    r = lint("orders", "--format", fmt, cwd=repo)
    assert r.returncode == 1, err(r)
    assert err(r) == ""
    text = normalise(out(r), repo)
    if fmt == "sarif":
        text = slim_sarif(text)
    check_snapshot(f"lint.{fmt}", text)


def test_snapshot_repository_reports_what_it_was_built_to(tmp_path):
    """The snapshot's content is itself checked: every severity, the right columns, the right files."""
    repo = snapshot_repo(tmp_path)
    diagnostics = lint_json("orders", cwd=repo)
    assert [(d["file"], d["line"], d["column"], d["severity"], d["name"]) for d in diagnostics] == EXPECTED
    bad = next(d for d in diagnostics if d["file"] == "orders/b.ord" and d["name"] == "bad-value")
    assert bad["message"] == '`50%,"x":y` is not a product: expected CNC, MIS, NRML, MTF'


def test_text_caret_sits_under_the_span_after_multibyte_characters(tmp_path):
    repo = snapshot_repo(tmp_path)
    lines = out(lint("orders", cwd=repo)).splitlines()
    source = next(i for i, line in enumerate(lines) if line.startswith(" 1 | SMALLCASE"))
    shown = lines[source][len(" 1 | "):]
    caret = lines[source + 1][len("   | "):]
    start = caret.index("^")
    assert shown[start: start + caret.count("^")] == "sref-unique-123"


# -- SARIF


@pytest.fixture(scope="module")
def sarif_validator():
    from jsonschema import Draft7Validator

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def sarif_of(repo: Path, *args, cwd=None) -> dict:
    r = lint(*args, "--format", "sarif", cwd=cwd or repo)
    assert r.returncode in (0, 1), err(r)
    return json.loads(out(r))


def test_sarif_is_valid_against_the_oasis_schema(tmp_path, sarif_validator):
    repo = snapshot_repo(tmp_path)
    log = sarif_of(repo, "orders")
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in sarif_validator.iter_errors(log)]
    assert problems == []
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "ordspec"
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_with_no_findings_is_valid_too(tmp_path, sarif_validator):
    repo = make_repo(tmp_path)
    write(repo / "o.ord", CLEAN + "\n")
    log = sarif_of(repo, "o.ord")
    assert list(sarif_validator.iter_errors(log)) == []
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"]  # the rules are listed all the same


def test_sarif_carries_every_rules_metadata():
    from ordspec.rules.registry import all_rules
    from ordspec.render import sarif

    log = json.loads(sarif.report([], {}, root="/"))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    registry = all_rules()
    assert [(r["id"], r["name"]) for r in rules] == [(r.code, r.name) for r in registry]
    assert len({r["id"] for r in rules}) == len(rules)
    level = {"error": "error", "warning": "warning", "info": "note"}
    for entry, rule in zip(rules, registry):
        assert entry["shortDescription"]["text"] == rule.summary
        assert entry["fullDescription"]["text"].strip(), rule.name
        docs = rule.sections()
        assert entry["fullDescription"]["text"] == docs.get("What", rule.summary).replace("\n", " ")
        assert entry["help"]["text"].strip() and entry["help"]["markdown"].strip(), rule.name
        for title, body in docs.items():  # the help is the rule's docs, every section of them
            assert body.splitlines()[0] in entry["help"]["text"], (rule.name, title)
        assert entry["defaultConfiguration"]["level"] == level[rule.severity]


def test_sarif_results_point_at_their_rules_with_levels_regions_and_snippets(tmp_path):
    repo = snapshot_repo(tmp_path)
    diagnostics = lint_json("orders", cwd=repo)
    log = sarif_of(repo, "orders")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(diagnostics)
    level = {"error": "error", "warning": "warning", "info": "note"}
    sources = {f: (repo / f).read_text(encoding="utf-8").splitlines() for f in files_of(diagnostics)}
    for result, d in zip(results, diagnostics):
        assert result["ruleId"] == d["code"]
        assert rules[result["ruleIndex"]]["id"] == d["code"]
        assert rules[result["ruleIndex"]]["name"] == d["name"]
        assert result["level"] == level[d["severity"]]
        assert result["message"]["text"].startswith(d["message"])
        if "help" in d:
            assert result["message"]["text"] == f"{d['message']}\nhelp: {d['help']}"
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": d["file"], "uriBaseId": "%SRCROOT%"}
        region = physical["region"]
        assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (
            d["line"], d["column"], d["end_line"], d["end_column"],
        )
        assert region["snippet"]["text"] == sources[d["file"]][d["line"] - 1]
    assert {r["level"] for r in results} == {"error", "warning", "note"}
    # the note's rule is an info rule, and its metadata says so
    note = next(r for r in results if r["level"] == "note")
    assert rules[note["ruleIndex"]]["defaultConfiguration"]["level"] == "note"


def test_sarif_uris_are_relative_to_the_repository_root_from_any_directory(tmp_path):
    repo = snapshot_repo(tmp_path)
    write(repo / "orders" / "deep" / "my orders ä.ord", TICK + "\n")
    from_root = sarif_of(repo, "orders")
    from_sub = sarif_of(repo, ".", cwd=repo / "orders")
    from_deep = sarif_of(repo, "my orders ä.ord", cwd=repo / "orders" / "deep")
    for log in (from_root, from_sub, from_deep):
        run = log["runs"][0]
        assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file://" + quote(str(repo)) + "/"
        for result in run["results"]:
            location = result["locations"][0]["physicalLocation"]["artifactLocation"]
            assert location["uriBaseId"] == "%SRCROOT%"
            assert location["uri"].startswith("orders/"), location
    uris = lambda log: [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]]  # noqa: E731
    assert uris(from_root) == uris(from_sub)
    assert uris(from_deep) == ["orders/deep/my%20orders%20%C3%A4.ord"]
    assert uris(from_deep)[0] in uris(from_root)


# -- GitHub workflow commands


def test_github_annotation_escapes_data_and_properties():
    from ordspec.diagnostics import Diagnostic
    from ordspec.render import github

    d = Diagnostic("dir,1/a:b%.ord", 3, 5, 3, 9, "warning", "OS201", "lot-size", "50% off\r\nsecond: line, here", "a\nb")
    assert github.report([d]) == (
        "::warning file=dir%2C1/a%3Ab%25.ord,line=3,col=5,endLine=3,endColumn=9,title=OS201 lot-size"
        "::50%25 off%0D%0Asecond: line, here%0Ahelp: a%0Ab\n"
    )
    levels = [github.annotation(Diagnostic("f.ord", 1, 1, 1, 2, s, "OS001", "syntax", "m")).split(" ", 1)[0] for s in ("error", "warning", "info")]
    assert levels == ["::error", "::warning", "::notice"]


def test_github_annotations_from_the_command_with_a_comma_in_the_file_name(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "a,b:c.ord", TICK + "\n")
    r = lint("a,b:c.ord", "--format", "github", cwd=repo)
    assert r.returncode == 1
    (line,) = out(r).splitlines()
    props, message = line[len("::error "):].split("::", 1)
    assert props.split(",") == ["file=a%2Cb%3Ac.ord", "line=1", "col=24", "endLine=1", "endColumn=31", "title=OS202 tick-size"]
    assert "\n" not in message and "%0Ahelp: " in message  # the help is on a second line of the message
    assert message.startswith("trigger price 3985.03 is not a multiple of the tick size 0.10%0Ahelp: nearest valid prices: 3985.00 or 3985.10")


def test_github_annotations_one_per_diagnostic_in_order(tmp_path):
    repo = snapshot_repo(tmp_path)
    lines = out(lint("orders", "--format", "github", cwd=repo)).splitlines()
    pattern = re.compile(r"^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),endLine=\d+,endColumn=\d+,title=OS\d{3} ([a-z-]+)::")
    parsed = [pattern.match(line).groups() for line in lines]
    level = {"error": "error", "warning": "warning", "info": "notice"}
    assert [(f, int(n), int(c), s, name) for s, f, n, c, name in parsed] == [(f, n, c, level[s], name) for f, n, c, s, name in EXPECTED]


# -- --exit-zero


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_exit_zero_reports_errors_but_exits_0(tmp_path, fmt):
    repo = snapshot_repo(tmp_path)
    plain = lint("orders", "--format", fmt, cwd=repo)
    zero = lint("orders", "--format", fmt, "--exit-zero", cwd=repo)
    assert (plain.returncode, zero.returncode) == (1, 0)
    assert zero.stdout == plain.stdout


@pytest.mark.parametrize(
    "args, needle",
    [
        (["missing.ord"], "missing.ord: no such file or directory"),
        (["o.ord", "--format", "xml"], "'xml' is not one of"),
        (["o.ord", "-j", "many"], "is not a number of processes"),
        (["o.ord", "--config", "nope.toml"], "cannot read nope.toml"),
        (["o.ord", "--instruments", "nope.csv"], "nope.csv"),
    ],
)
def test_exit_zero_still_exits_2_on_usage_errors(tmp_path, args, needle):
    repo = make_repo(tmp_path)
    write(repo / "o.ord", TICK + "\n")
    message = usage_error(lint(*args, "--exit-zero", cwd=repo))
    assert needle in message


# --------------------------------------------------------------------------
# 2. Many files: walks, excludes, --force-exclude, -j


def walk_repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path)
    write(repo / "ordspec.toml", 'exclude = ["archive/**", "orders/generated/*.ord"]\n')
    write(repo / ".github" / "workflows" / "ci.yml", "name: ci\non: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n")
    write(repo / "ci" / "workflow.yml", "name: ci\non: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n")  # not hidden: the sniff decides
    write(repo / "docker-compose.yml", "services:\n  web:\n    image: nginx\n")
    write(repo / "notes.txt", BAD_PRODUCT + "\n")
    write(repo / "orders" / "a.ord", BAD_PRODUCT + "\n")
    write(repo / "orders" / "list.yaml", f"# a list of orders\n- {BAD_PRODUCT}\n")
    write(repo / "orders" / "keyed.yml", f"---\norders:\n  - {BAD_PRODUCT}\n")
    write(repo / "orders" / "generated" / "g.ord", BAD_PRODUCT + "\n")
    write(repo / "archive" / "old.ord", BAD_PRODUCT + "\n")
    write(repo / "archive" / "old.yaml", f"orders:\n  - {BAD_PRODUCT}\n")
    return repo


def test_walk_finds_ord_and_yaml_order_files_only(tmp_path):
    repo = walk_repo(tmp_path)
    write(repo / "ordspec.toml", "")  # no excludes
    r = lint(".", "--format", "json", cwd=repo)
    report = json.loads(out(r))
    assert files_of(report["diagnostics"]) == ["./archive/old.ord", "./archive/old.yaml", "./orders/a.ord", "./orders/generated/g.ord", "./orders/keyed.yml", "./orders/list.yaml"]
    assert report["summary"]["files"] == 6


def test_walk_applies_the_configured_excludes(tmp_path):
    repo = walk_repo(tmp_path)
    report = json.loads(out(lint(".", "--format", "json", cwd=repo)))
    assert files_of(report["diagnostics"]) == ["./orders/a.ord", "./orders/keyed.yml", "./orders/list.yaml"]
    # excludes are relative to the configuration file, whatever the current directory
    report = json.loads(out(lint(".", "--format", "json", cwd=repo / "orders")))
    assert files_of(report["diagnostics"]) == ["./a.ord", "./keyed.yml", "./list.yaml"]


def test_explicit_files_are_linted_as_named_without_force_exclude(tmp_path):
    repo = walk_repo(tmp_path)
    named = ["archive/old.ord", "orders/generated/g.ord", "docker-compose.yml", "orders/a.ord"]
    r = lint(*named, "--format", "json", cwd=repo)
    assert r.returncode == 1
    report = json.loads(out(r))
    assert report["summary"]["files"] == 4
    assert {"archive/old.ord", "orders/generated/g.ord", "docker-compose.yml", "orders/a.ord"} == set(files_of(report["diagnostics"]))


def test_force_exclude_filters_explicit_files_like_a_walk(tmp_path):
    repo = walk_repo(tmp_path)
    named = [
        "archive/old.ord", "archive/old.yaml", "orders/generated/g.ord", "docker-compose.yml",
        ".github/workflows/ci.yml", "ci/workflow.yml", "orders/a.ord", "orders/list.yaml", "orders/keyed.yml",
    ]
    r = lint("--force-exclude", *named, "--format", "json", cwd=repo)
    assert r.returncode == 1
    report = json.loads(out(r))
    assert files_of(report["diagnostics"]) == ["orders/a.ord", "orders/keyed.yml", "orders/list.yaml"]
    assert report["summary"]["files"] == 3


def test_force_exclude_with_only_excluded_files_passes(tmp_path):
    repo = walk_repo(tmp_path)
    r = lint("--force-exclude", "archive/old.ord", "docker-compose.yml", cwd=repo)
    assert r.returncode == 0
    assert "0 files" in out(r)


def parallel_repo(tmp_path: Path, n: int = 30) -> Path:
    repo = make_repo(tmp_path)
    for i in range(n):
        lines = [
            f"GTT BUY 10 TCS trigger 3985.0{i % 7} down limit 3990 product CNC ref dup-ref-{i % 4}xx",
            INDEX,
            f"OCO SELL 10 TCS25OCTFUT target 5000 sl 4000 product NRML ref solo-ref-{i:03d}",
        ]
        write(repo / "orders" / f"f{i:02d}" / f"o{i:02d}.ord", "\n".join(lines[i % 3:] + lines[: i % 3]) + "\n")
    # the same Groww order without a ref in two files: both would derive the same reference id
    for i in (3, 27):
        path = repo / "orders" / f"f{i:02d}" / "same.ord"
        write(path, f"broker groww\n{CLEAN}\n")
    return repo


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_parallel_output_is_byte_identical_to_serial(tmp_path, fmt):
    repo = parallel_repo(tmp_path)
    serial = lint("orders", "-j", "1", "--format", fmt, cwd=repo)
    assert serial.returncode == 1
    for jobs in ("2", "0"):
        parallel = lint("orders", "-j", jobs, "--format", fmt, cwd=repo)
        assert parallel.returncode == 1, err(parallel)
        assert parallel.stdout == serial.stdout, f"-j {jobs} differs from -j 1"


def test_parallel_order_is_stable_and_cross_file_rules_still_hold(tmp_path):
    repo = parallel_repo(tmp_path)
    r = lint("orders", "-j", "2", "--format", "json", cwd=repo)
    report = json.loads(out(r))
    diagnostics = report["diagnostics"]
    assert report["summary"]["files"] == 32 and report["summary"]["statements"] == 92
    keys = [(d["file"], d["line"], d["column"]) for d in diagnostics]
    assert keys == sorted(keys)  # path order, then line and column (zero-padded names sort like paths)
    derived = [d for d in diagnostics if d["name"] == "duplicate-reference" and "identical" in d["message"]]
    assert [(d["file"], d["line"]) for d in derived] == [("orders/f27/same.ord", 2)]
    assert "orders/f03/same.ord:2" in derived[0]["message"]
    dups = [d for d in diagnostics if d["name"] == "duplicate-reference" and d not in derived]
    assert len(dups) == 26  # dup-ref-0..3 in 30 files: every use after the first
    first = {f"dup-ref-{k}xx": f"orders/f{k:02d}/o{k:02d}.ord" for k in range(4)}
    for d in dups:
        ref = re.search(r"dup-ref-\dxx", d["message"]).group()
        assert f"already used at {first[ref]}:" in d["message"], d["message"]
    assert not any(d["name"] == "duplicate-reference" and "solo-ref" in d["message"] for d in diagnostics)


# --------------------------------------------------------------------------
# 3. Suppressions


def test_suppression_by_name_code_and_list_on_that_line_only(tmp_path):
    text = "\n".join(
        [
            TICK + "  # ordspec: ignore[tick-size]",  # 1: by name
            TICK + "  # ordspec: ignore[OS202]",  # 2: by code
            TICK.replace("CNC", "XYZ") + "  # ordspec: ignore[OS202, bad-value]",  # 3: several
            TICK,  # 4: the next line is not silenced
            TICK.replace("CNC", "XYZ") + "  # ordspec: ignore[tick-size]",  # 5: only that rule
            TICK.replace("3990", "3990.01") + "  #ordspec:ignore[tick-size]",  # 6: both spans of the rule, terse spelling
        ]
    )
    got = [(d.line, d.name) for d in lint_text(text + "\n")]
    # bad-value cannot be suppressed (the statement is incomplete without it): line 3 keeps it, and says so
    assert got == [(3, "bad-value"), (3, "unused-suppression"), (4, "tick-size"), (5, "bad-value")]


def test_suppression_in_yaml(tmp_path):
    text = (
        "orders:\n"
        f"  - {TICK}  # ordspec: ignore[tick-size]\n"
        f"  - {TICK}\n"
        "  - kind: GTT\n"
        "    side: BUY\n"
        "    qty: 10\n"
        "    symbol: TCS\n"
        "    trigger: 3985.03  # ordspec: ignore[OS202]\n"
        "    direction: down\n"
        "    limit: 3990.01\n"
        "    product: CNC\n"
    )
    got = [(d.line, d.column, d.name) for d in lint_text(text, name="o.yaml")]
    assert got == [(3, 28, "tick-size"), (10, 12, "tick-size")]


def test_suppressed_error_lets_compile_succeed(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "o.ord", TICK + "  # ordspec: ignore[tick-size]\n")
    r = run_cli("compile", "o.ord", "--broker", "groww", "--as-of", AS_OF, cwd=repo)
    assert r.returncode == 0, err(r)
    (request,) = json.loads(out(r))
    assert request["body"]["trigger_price"] == "3985.03"
    write(repo / "o.ord", TICK + "\n")
    unsuppressed = run_cli("compile", "o.ord", "--broker", "groww", "--as-of", AS_OF, cwd=repo)
    assert unsuppressed.returncode == 1 and out(unsuppressed) == ""


def test_unused_suppressions_are_reported(tmp_path):
    # (a suppression naming no rule is a usage error: tests/test_config_input.py)
    text = "\n".join(
        [
            CLEAN + "  # ordspec: ignore[tick-size]",
            TICK + "  # ordspec: ignore[tick-size, OS999]",
        ]
    )
    got = [(d.line, d.column, d.severity, d.name, d.message) for d in lint_text(text + "\n")]
    assert got == [
        (1, len(CLEAN) + 21, "warning", "unused-suppression", "`tick-size` is suppressed here but reports nothing on this line"),
        (2, len(TICK) + 32, "warning", "unused-suppression", "`OS999` cannot be suppressed: the statement was not checked, so nothing of it may be sent"),
    ]


def test_a_hash_inside_a_quoted_string_is_not_a_comment():
    text = 'SMALLCASE BUY SCET_0010 notes "# ordspec: ignore[notes-length]"\n'
    assert lint_text(text, broker="smallcase") == []
    long_notes = 'SMALLCASE BUY SCET_0010 notes "#' + "x" * 300 + ' # ordspec: ignore[notes-length]"\n'
    assert [d.name for d in lint_text(long_notes, broker="smallcase")] == ["notes-length"]  # the "directive" is inside the notes


def test_an_unused_suppression_cannot_silence_itself():
    text = CLEAN + "  # ordspec: ignore[unused-suppression, tick-size]\n"
    got = [(d.name, d.message) for d in lint_text(text)]
    assert ("unused-suppression", "`tick-size` is suppressed here but reports nothing on this line") in got


def test_suppressed_reading_error_does_not_crash_compile(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "o.ord", BAD_PRODUCT + "  # ordspec: ignore[bad-value]\n")
    r = run_cli("compile", "o.ord", "--broker", "groww", "--as-of", AS_OF, cwd=repo)
    assert "Traceback" not in err(r), err(r)
    assert r.returncode == 1 and out(r) == ""
    assert "o.ord:1:" in err(r)  # Groww cannot take this order: the user is told where


# --------------------------------------------------------------------------
# 4. Configuration


def master_csv(path: Path) -> Path:
    """A Groww instrument master with one contract that ordspec does not know otherwise: FOO25OCTFUT, lot 100."""
    from ordspec.refdata.instruments import GROWW_COLUMNS

    row = dict.fromkeys(GROWW_COLUMNS, "")
    row.update(
        exchange="NSE", exchange_token="99001", trading_symbol="FOO25OCTFUT", groww_symbol="NSE-FOO-28Oct25-FUT", name="FOO",
        instrument_type="FUT", segment="FNO", underlying_symbol="FOO", expiry_date="2025-10-28", lot_size="100",
        tick_size="0.05", is_reserved="0", buy_allowed="1", sell_allowed="1",
    )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(GROWW_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    return write(path, buffer.getvalue())


FOO = "OCO SELL 150 FOO25OCTFUT target 5000 sl 4000 product NRML"  # 150 is not a whole number of lots of 100


def test_config_is_found_walking_up_from_the_current_directory(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "orders" / "deep" / "o.ord", NO_PRODUCT + "\n")
    assert found(lint_json("o.ord", cwd=repo / "orders" / "deep")) == []
    write(repo / "ordspec.toml", 'broker = "groww"\n')
    assert found(lint_json("o.ord", cwd=repo / "orders" / "deep")) == [("o.ord", 1, "missing-field")]


def test_ordspec_toml_wins_over_pyproject_in_the_same_directory(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "o.ord", f"{TICK}\n{SEGMENT}\n")
    write(repo / "pyproject.toml", '[project]\nname = "x"\n\n[tool.ordspec]\nselect = ["tick-size"]\n')
    assert [d["name"] for d in lint_json("o.ord", cwd=repo)] == ["tick-size"]
    write(repo / "ordspec.toml", 'select = ["segment-mismatch"]\n')
    assert [d["name"] for d in lint_json("o.ord", cwd=repo)] == ["segment-mismatch"]


def test_pyproject_without_a_tool_ordspec_table_is_skipped(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "ordspec.toml", 'select = ["segment-mismatch"]\n')
    write(repo / "sub" / "pyproject.toml", '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n')
    write(repo / "sub" / "o.ord", f"{TICK}\n{SEGMENT}\n")
    assert [d["name"] for d in lint_json("o.ord", cwd=repo / "sub")] == ["segment-mismatch"]
    # and a nearer one with the table wins over the farther ordspec.toml
    write(repo / "sub" / "pyproject.toml", '[project]\nname = "x"\n\n[tool.ordspec]\nselect = ["tick-size"]\n')
    assert [d["name"] for d in lint_json("o.ord", cwd=repo / "sub")] == ["tick-size"]


def test_pyproject_that_only_mentions_tool_ordspec_in_a_comment_is_skipped(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "ordspec.toml", 'select = ["segment-mismatch"]\n')
    write(repo / "sub" / "pyproject.toml", '[project]\nname = "x"\n# ordspec settings would go in [tool.ordspec]\n')
    write(repo / "sub" / "o.ord", f"{TICK}\n{SEGMENT}\n")
    assert [d["name"] for d in lint_json("o.ord", cwd=repo / "sub")] == ["segment-mismatch"]


def test_pyproject_with_tool_ordspec_as_an_inline_table_is_found(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "pyproject.toml", '[tool]\nordspec = { broker = "groww" }\n')
    write(repo / "o.ord", NO_PRODUCT + "\n")
    assert found(lint_json("o.ord", cwd=repo)) == [("o.ord", 1, "missing-field")]


def test_config_option_names_a_file_and_its_paths_are_relative_to_it(tmp_path):
    repo = make_repo(tmp_path)
    master_csv(repo / "settings" / "data" / "instruments.csv")
    write(repo / "settings" / "ci.toml", 'broker = "groww"\ninstruments = ["data/instruments.csv"]\n')
    write(repo / "orders" / "o.ord", FOO + "\n")
    assert [d["name"] for d in lint_json("o.ord", cwd=repo / "orders")] == ["reference-data"]  # no config found
    got = lint_json("o.ord", "--config", "../settings/ci.toml", cwd=repo / "orders")
    assert [d["name"] for d in got] == ["lot-size"]
    assert "100" in got[0]["message"]


def test_config_instruments_relative_to_the_config_file_when_found(tmp_path):
    repo = make_repo(tmp_path)
    master_csv(repo / "data" / "instruments.csv")
    write(repo / "pyproject.toml", '[tool.ordspec]\ninstruments = ["data/instruments.csv"]\n')
    write(repo / "a" / "b" / "o.ord", FOO + "\n")
    assert [d["name"] for d in lint_json("o.ord", cwd=repo / "a" / "b")] == ["lot-size"]


def test_command_line_instruments_win_over_the_config(tmp_path):
    repo = make_repo(tmp_path)
    master_csv(repo / "data" / "instruments.csv")
    master_csv(repo / "lot50.csv").write_text((repo / "lot50.csv").read_text().replace(",100,", ",50,"))
    write(repo / "ordspec.toml", 'instruments = ["data/instruments.csv"]\n')
    write(repo / "o.ord", FOO + "\n")
    assert [d["name"] for d in lint_json("o.ord", cwd=repo)] == ["lot-size"]
    assert lint_json("o.ord", "--instruments", "lot50.csv", cwd=repo) == []  # 150 is three lots of 50


GTT_NO_PRODUCT = "GTT BUY 10 TCS trigger 3985 down limit 3990"


def test_config_defaults_act_as_default_lines_and_the_files_own_win(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "ordspec.toml", 'broker = "groww"\ndefaults = { product = "MIS", validity = "DAY" }\n')
    write(repo / "plain.ord", GTT_NO_PRODUCT + "\n")
    write(repo / "own.ord", f"default product CNC\n{GTT_NO_PRODUCT}\n{GTT_NO_PRODUCT} product MIS ref explicit-mis-1\n")

    def products(name):
        r = run_cli("compile", name, "--as-of", AS_OF, cwd=repo)
        assert r.returncode == 0, err(r)
        return [q["body"]["product_type"] for q in json.loads(out(r))]

    assert products("plain.ord") == ["MIS"]
    assert products("own.ord") == ["CNC", "MIS"]


def test_config_defaults_are_not_written_into_files_by_fmt(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "ordspec.toml", 'defaults = { product = "MIS" }\n')
    write(repo / "o.ord", NO_PRODUCT + "\n")
    r = run_cli("fmt", "--check", "o.ord", cwd=repo)
    assert r.returncode == 0, out(r)


@pytest.mark.parametrize(
    "setting, expected",
    [
        # (bad-value is always reported: it cannot be deselected)
        ('select = ["bad-value"]', ["bad-value"]),
        ('select = ["OS005"]', ["bad-value"]),
        ('select = ["OS2"]', ["bad-value", "segment-mismatch", "tick-size"]),
        ('select = ["os20"]', ["bad-value", "segment-mismatch", "tick-size"]),
        ('ignore = ["tick-size", "OS005"]', ["bad-value", "segment-mismatch"]),
        ('ignore = ["OS2"]', ["bad-value"]),
        ('select = ["OS2"]\nignore = ["OS202"]', ["bad-value", "segment-mismatch"]),
    ],
)
def test_select_and_ignore_by_name_code_and_prefix(tmp_path, setting, expected):
    repo = make_repo(tmp_path)
    write(repo / "ordspec.toml", setting + "\n")
    write(repo / "o.ord", f"{TICK}\n{BAD_PRODUCT}\n{SEGMENT}\n")
    assert sorted(d["name"] for d in lint_json("o.ord", cwd=repo)) == expected


def test_per_path_overrides(tmp_path):
    repo = make_repo(tmp_path)
    write(
        repo / "ordspec.toml",
        'ignore = ["bad-value"]\n'
        "[[overrides]]\n"
        'paths = ["legacy/*.ord"]\n'
        'ignore = ["tick-size"]\n'
        'broker = "groww"\n'
        "[[overrides]]\n"
        'paths = ["strict/*.ord"]\n'
        'select = ["segment-mismatch"]\n'
        'defaults = { product = "MIS" }\n',
    )
    body = f"{TICK}\n{BAD_PRODUCT}\n{NO_PRODUCT}\n{SEGMENT}\n"
    for d in ("legacy", "new", "strict"):
        write(repo / d / "o.ord", body)
    got = {(d["file"], d["line"], d["name"]) for d in lint_json(".", cwd=repo)}
    assert got == {
        # bad-value cannot be ignored anywhere: the statement is incomplete without it
        ("./legacy/o.ord", 2, "bad-value"),
        ("./new/o.ord", 2, "bad-value"),
        ("./strict/o.ord", 2, "bad-value"),
        # legacy: tick-size ignored, Groww's rules on
        ("./legacy/o.ord", 3, "missing-field"),
        ("./legacy/o.ord", 4, "segment-mismatch"),
        ("./legacy/o.ord", 4, "missing-field"),
        # new: the top level only
        ("./new/o.ord", 1, "tick-size"),
        ("./new/o.ord", 4, "segment-mismatch"),
        # strict: only segment-mismatch
        ("./strict/o.ord", 4, "segment-mismatch"),
    }


def test_override_defaults_reach_compile(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "ordspec.toml", 'broker = "groww"\ndefaults = { product = "MIS" }\n[[overrides]]\npaths = ["positional/*"]\ndefaults = { product = "NRML" }\n')
    write(repo / "positional" / "o.ord", NO_PRODUCT + "\n")
    write(repo / "intraday" / "o.ord", NO_PRODUCT + "\n")
    for where, product in (("positional", "NRML"), ("intraday", "MIS")):
        r = run_cli("compile", f"{where}/o.ord", "--as-of", AS_OF, cwd=repo)
        assert r.returncode == 0, err(r)
        assert json.loads(out(r))[0]["body"]["product_type"] == product


def test_command_line_broker_wins_over_the_config(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "ordspec.toml", 'broker = "groww"\n')
    write(repo / "o.ord", "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC security 11536\n")
    assert found(lint_json("o.ord", cwd=repo)) == []
    got = lint_json("o.ord", "--broker", "indstocks", cwd=repo)
    assert [(d["name"], d["column"]) for d in got] == [("unsupported", 29)]  # INDstocks: a BUY triggers upward


def test_config_broker_is_only_for_files_without_a_broker_line(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "ordspec.toml", 'broker = "groww"\n')
    write(repo / "i.ord", "broker indstocks\nGTT BUY 10 TCS trigger 4100 up limit 4110 product CNC security 11536\n")
    write(repo / "g.ord", NO_PRODUCT + "\n")
    assert found(lint_json("i.ord", "g.ord", cwd=repo)) == [("g.ord", 1, "missing-field")]


@pytest.mark.parametrize(
    "name, content, needles",
    [
        ("ordspec.toml", 'brokr = "groww"\n', ["unknown key", "brokr", "did you mean 'broker'?"]),
        ("ordspec.toml", 'selct = ["OS2"]\n', ["selct", "did you mean 'select'?"]),
        ("pyproject.toml", '[tool.ordspec]\nexclud = ["a"]\n', ["pyproject.toml", "exclud", "did you mean 'exclude'?"]),
        ("ordspec.toml", 'broker = "groww\n', ["ordspec.toml", "is not valid TOML"]),
        ("ordspec.toml", "[tool.ordspec\n", ["is not valid TOML"]),
        ("ordspec.toml", 'defaults = { product = "XYZ" }\n', ["defaults.product", "`XYZ` is not a product"]),
        ("ordspec.toml", 'defaults = { ref = "x" }\n', ["`ref` cannot have a default"]),
        ("ordspec.toml", 'broker = "zerodha"\n', ["unknown broker", "zerodha", "groww"]),
        ("ordspec.toml", 'select = [1, 2]\n', ["`select` is a list of strings"]),
        ("ordspec.toml", '[[overrides]]\nignore = ["OS2"]\n', ["overrides[0] needs `paths`"]),
        ("ordspec.toml", '[[overrides]]\npaths = ["a"]\nexclude = ["b"]\n', ["overrides[0]", "exclude"]),
    ],
)
def test_bad_configuration_exits_2_with_a_clear_message(tmp_path, name, content, needles):
    repo = make_repo(tmp_path)
    write(repo / name, content)
    write(repo / "o.ord", CLEAN + "\n")
    message = usage_error(lint("o.ord", cwd=repo))
    assert message.startswith("ordspec: error: ") and message.count("\n") == 1, message
    for needle in needles:
        assert needle in message, message
    # compile reads the same configuration, and fails the same way
    assert usage_error(run_cli("compile", "o.ord", cwd=repo)) == message


def test_bad_configuration_named_with_config_exits_2(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "x.toml", "= nope\n")
    write(repo / "o.ord", CLEAN + "\n")
    message = usage_error(lint("o.ord", "--config", "x.toml", cwd=repo))
    assert "x.toml is not valid TOML" in message


# --------------------------------------------------------------------------
# 5. pre-commit and the GitHub Actions example


def hooks() -> dict:
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(manifest, list)
    return {h["id"]: h for h in manifest}


def test_pre_commit_manifest_declares_the_two_hooks():
    found_hooks = hooks()
    assert set(found_hooks) == {"ordspec-lint", "ordspec-fmt"}
    for hook in found_hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"
        assert shlex.split(hook["entry"])[0] == "ordspec"
    assert found_hooks["ordspec-lint"]["require_serial"] is True  # duplicate-reference spans files


def pre_commit_repo(tmp_path: Path) -> Path:
    repo = walk_repo(tmp_path)
    write(repo / "orders" / "a.ord", CLEAN + "\n")
    write(repo / "orders" / "list.yaml", f"- {CLEAN.replace('CNC', 'MIS')}\n")
    write(repo / "orders" / "keyed.yml", f"---\norders:\n  - {CLEAN} ref keyed-0001\n")
    write(repo / "README.md", "# repo\n")
    return repo


def run_hook(hook: dict, repo: Path, files: list[str]):
    """As pre-commit runs a hook: the files it matches (`files`, `exclude`), after the entry's words."""
    include = re.compile(hook.get("files", ""))
    exclude = re.compile(hook["exclude"]) if hook.get("exclude") else None
    chosen = [f for f in files if include.search(f) and not (exclude and exclude.search(f))]
    if not chosen:
        return None
    words = shlex.split(hook["entry"]) + list(hook.get("args", []))
    return subprocess.run([ordspec_command(), *words[1:], *chosen], cwd=repo, capture_output=True, timeout=60)


COMMITTED = [
    "orders/a.ord", "orders/list.yaml", "orders/keyed.yml", "archive/old.ord", "archive/old.yaml",
    "orders/generated/g.ord", "docker-compose.yml", ".github/workflows/ci.yml", "ci/workflow.yml", "notes.txt", "README.md", "ordspec.toml",
]


def test_pre_commit_lint_hook_passes_clean_order_files_among_other_files(tmp_path):
    repo = pre_commit_repo(tmp_path)
    hook = hooks()["ordspec-lint"]
    assert re.search(hook["files"], "x.ord") and re.search(hook["files"], "x.yaml") and re.search(hook["files"], "x.yml")
    assert not re.search(hook["files"], "notes.txt") and not re.search(hook["files"], "README.md")
    r = run_hook(hook, repo, COMMITTED)
    assert r.returncode == 0, out(r) + err(r)  # excluded files and non-order YAML are skipped
    assert "3 files" in out(r)  # a.ord, list.yaml, keyed.yml


def test_pre_commit_lint_hook_fails_on_an_error_and_sees_cross_file_duplicates(tmp_path):
    repo = pre_commit_repo(tmp_path)
    write(repo / "orders" / "b.ord", f"{CLEAN} ref keyed-0001\n")
    hook = hooks()["ordspec-lint"]
    r = run_hook(hook, repo, COMMITTED + ["orders/b.ord"])
    assert r.returncode == 1
    assert "orders/b.ord:1:" in out(r) and "duplicate-reference" in out(r)
    # an error only in an excluded file does not fail the commit
    r = run_hook(hook, repo, ["archive/old.ord", "docker-compose.yml"])
    assert r.returncode == 0, out(r)


def test_pre_commit_fmt_hook_rewrites_then_passes(tmp_path):
    repo = pre_commit_repo(tmp_path)
    write(repo / "orders" / "ugly.ord", "gtt  buy 10 TCS trigger 3985.00 down limit 3990 product cnc\n")
    hook = hooks()["ordspec-fmt"]
    assert not re.search(hook["files"], "x.yaml")  # YAML is left alone
    r = run_hook(hook, repo, COMMITTED + ["orders/ugly.ord"])
    assert r.returncode == 0, err(r)
    assert (repo / "orders" / "ugly.ord").read_text() == CLEAN + "\n"
    assert "reformatted orders/ugly.ord" in out(r)
    again = run_hook(hook, repo, COMMITTED + ["orders/ugly.ord"])
    assert again.returncode == 0 and "0 files reformatted" in out(again)


def test_pre_commit_fmt_hook_fails_on_a_syntax_error(tmp_path):
    repo = pre_commit_repo(tmp_path)
    broken = "GTT BUY 10 TCS trigger 3985 down limit\n"
    write(repo / "orders" / "broken.ord", broken)
    r = run_hook(hooks()["ordspec-fmt"], repo, ["orders/a.ord", "orders/broken.ord"])
    assert r.returncode == 1
    assert (repo / "orders" / "broken.ord").read_text() == broken
    assert "orders/broken.ord:1:39" in err(r)


def workflow() -> dict:
    return yaml.safe_load((ROOT / "docs" / "ci" / "github-actions.yml").read_text(encoding="utf-8"))


def workflow_commands() -> list[str]:
    steps = [s for job in workflow()["jobs"].values() for s in job["steps"]]
    return [s["run"].split("#")[0].strip() for s in steps if "run" in s and s["run"].lstrip().startswith("ordspec ")]


def test_github_actions_example_parses_and_uploads_sarif():
    doc = workflow()
    assert doc["permissions"]["security-events"] == "write"
    steps = [s for job in doc["jobs"].values() for s in job["steps"]]
    upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")]
    assert len(upload) == 1
    commands = workflow_commands()
    assert any("--format github" in c for c in commands)
    sarif_steps = [c for c in commands if "--format sarif" in c]
    assert len(sarif_steps) == 1 and sarif_steps[0].endswith("> " + upload[0]["with"]["sarif_file"])
    # the README shows both
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/ci/github-actions.yml" in readme and "ordspec-lint" in readme


def run_workflow_command(command: str, repo: Path):
    env = {**os.environ, "PATH": str(Path(ordspec_command()).parent) + os.pathsep + os.environ.get("PATH", "")}
    env.pop("NO_COLOR", None)
    return subprocess.run(["bash", "-c", command], cwd=repo, capture_output=True, env=env, timeout=60)


def test_github_actions_commands_are_valid_invocations(tmp_path, sarif_validator):
    repo = make_repo(tmp_path)
    write(repo / "orders" / "a.ord", "broker groww\n" + CLEAN + "\n")
    write(repo / "orders" / "b.yaml", f"broker: groww\norders:\n  - {CLEAN} ref yaml-0000001\n")
    commands = workflow_commands()
    assert len(commands) >= 4
    for command in commands:
        r = run_workflow_command(command, repo)
        assert r.returncode == 0, (command, out(r), err(r))
    sarif_file = repo / "ordspec.sarif"
    log = json.loads(sarif_file.read_text(encoding="utf-8"))
    assert list(sarif_validator.iter_errors(log)) == []
    # with an error the annotating and uploading steps still pass; the plain lint step fails the job
    write(repo / "orders" / "c.ord", TICK + "\n")
    codes = {command: run_workflow_command(command, repo).returncode for command in commands}
    for command, code in codes.items():
        if "--exit-zero" in command or command.startswith("ordspec fmt"):
            assert code == 0, command
        else:
            assert code == 1, command
    results = json.loads(sarif_file.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results] == ["orders/c.ord"]


def test_walk_finds_a_flow_mapping_yaml_order_file(tmp_path):
    repo = make_repo(tmp_path)
    write(repo / "flow.yaml", '{broker: groww, orders: ["' + BAD_PRODUCT + '"]}\n')
    assert files_of(lint_json(".", cwd=repo)) == ["./flow.yaml"]
