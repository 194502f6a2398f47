"""A fresh clone passes its own tests, with the newest dependencies its ranges allow (issue 8).

The README's two commands are what .ci/run runs; every dependency has a range that ends before
its next major version; the suite needs nothing outside the repository but the broker documents,
and only the cross-checks against those documents may skip when they are absent.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import ROOT

TESTS = Path(__file__).resolve().parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RANGE = re.compile(r"^([A-Za-z0-9_.-]+)>=(\d+)(\.\d+)*,<(\d+)$")


def _requirements() -> list[tuple[str, str]]:
    project = PYPROJECT["project"]
    found = [("runtime", r) for r in project["dependencies"]]
    found += [(extra, r) for extra, rs in project["optional-dependencies"].items() for r in rs]
    found += [("build", r) for r in PYPROJECT["build-system"]["requires"]]
    return found


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(re.match(r"\d+", part).group()) for part in text.split(".")[:3] if re.match(r"\d+", part))


# -- dependency ranges


def test_every_runtime_dependency_has_a_lower_and_an_upper_bound():
    runtime = [r for kind, r in _requirements() if kind == "runtime"]
    named = {RANGE.match(r).group(1).lower() for r in runtime if RANGE.match(r)}
    assert named >= {"lark", "pyyaml", "jsonschema", "click", "fastjsonschema", "httpx"}
    assert [r for r in runtime if not RANGE.match(r)] == [], "write NAME>=LOWEST,<NEXT_MAJOR"


@pytest.mark.parametrize("kind, requirement", _requirements(), ids=lambda v: str(v))
def test_every_range_ends_before_the_next_major_version(kind, requirement):
    """Runtime, test, bench and build dependencies alike: a new major release is a change to make here."""
    match = RANGE.match(requirement)
    assert match, f"{requirement}: write NAME>=LOWEST,<NEXT_MAJOR"
    assert int(match.group(4)) == int(match.group(2)) + 1, f"{requirement}: end the range at {int(match.group(2)) + 1}"


@pytest.mark.parametrize("kind, requirement", [p for p in _requirements() if p[0] in ("runtime", "test")], ids=lambda v: str(v))
def test_the_installed_version_is_inside_the_range(kind, requirement):
    """What the suite runs against (the newest the range allows, as .ci/run installs) is in the range."""
    name, _, _, below = RANGE.match(requirement).groups()
    lowest = _release(requirement.split(">=")[1].split(",")[0])
    installed = _release(version(name))
    assert lowest <= installed < (int(below),), f"{name} {version(name)} is outside {requirement}"


# -- the README's commands are .ci/run's


def _readme_commands() -> tuple[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Install and test") :]
    block = section[section.index("```sh\n") + 6 : section.index("```", section.index("```sh\n") + 6)]
    install, test = (line.split("  #")[0].strip() for line in block.strip().splitlines())
    return install, test


def _ci_commands() -> list[str]:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith(("#", "set ", "cd "))]


def test_the_readme_commands_are_the_ci_commands():
    install, test = _readme_commands()
    assert install.split(" && ") + [test] == _ci_commands()
    assert "--upgrade --upgrade-strategy eager" in install, "CI installs the newest versions the ranges allow"
    assert test == ".venv/bin/pytest"


def _fake_ci(tmp_path: Path, pip_status: int, pytest_status: int) -> tuple[int, list[str]]:
    """.ci/run in a copy of the repository whose python3, pip and pytest only record their calls."""
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "run").write_bytes((ROOT / ".ci" / "run").read_bytes())
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tool = '#!/bin/sh\necho "{name} $*" >> "$CALLS"\nexit {status}\n'
    python3 = bin_dir / "python3"
    python3.write_text(
        '#!/bin/sh\necho "python3 $*" >> "$CALLS"\nmkdir -p .venv/bin\n'
        f"printf '%s' '{tool.format(name='pip', status=pip_status)}' > .venv/bin/pip\n"
        f"printf '%s' '{tool.format(name='pytest', status=pytest_status)}' > .venv/bin/pytest\n"
        "chmod +x .venv/bin/pip .venv/bin/pytest\n"
    )
    python3.chmod(0o755)
    npm = bin_dir / "npm"
    npm.write_text(tool.format(name="npm", status=0))
    npm.chmod(0o755)
    calls = tmp_path / "calls"
    env = {"PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin", "CALLS": str(calls)}
    done = subprocess.run(["bash", str(tmp_path / ".ci" / "run")], env=env, capture_output=True, timeout=60)
    return done.returncode, calls.read_text().splitlines() if calls.exists() else []


def test_ci_runs_the_install_then_the_tests(tmp_path):
    status, calls = _fake_ci(tmp_path, 0, 0)
    assert status == 0
    assert calls == [
        "python3 -m venv .venv",
        "pip install --upgrade --upgrade-strategy eager -e .[test]",
        "npm ci --prefix editors/vscode",
        "pytest ",
    ]


@pytest.mark.parametrize("pytest_status", [1, 2, 5])
def test_ci_fails_when_pytest_does_and_when_it_collects_nothing(tmp_path, pytest_status):
    status, _ = _fake_ci(tmp_path, 0, pytest_status)
    assert status == pytest_status


def test_ci_stops_when_the_install_fails(tmp_path):
    status, calls = _fake_ci(tmp_path, 1, 0)
    assert status == 1 and not any(call.startswith("pytest") for call in calls)


# -- nothing outside the repository; skips only for the reference documents

SKIP = re.compile(r"pytest\.skip\(|mark\.skip\(|mark\.skipif\(|importorskip\(|skipTest\(|pytest\.xfail\(")


def _test_sources():
    for path in sorted(TESTS.glob("*.py")):
        if path.name != Path(__file__).name:
            yield path, path.read_text(encoding="utf-8")


def _closing(text: str, opening: int) -> int:
    depth = 0
    for i in range(opening, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return len(text)


def test_every_skip_is_a_cross_check_against_the_absent_reference_documents():
    found = []
    for path, text in _test_sources():
        for match in SKIP.finditer(text):
            call = text[match.start() : _closing(text, match.end() - 1) + 1]
            found.append((path.name, text.count("\n", 0, match.start()) + 1, call))
    assert found, "the audit finds the skips there are"
    assert [f for f in found if "reference" not in f[2]] == [], "only a cross-check against ../shared/reference may skip"
    for path, text in _test_sources():  # an xfail must fail the run when it passes
        assert [m.group() for m in re.finditer(r"xfail\((?![^)]*strict=True)[^)]*\)", text)] == [], path.name


def test_no_test_reads_a_file_outside_the_repository_but_the_reference_documents():
    for path, text in _test_sources():
        for line in text.splitlines():
            code = line.split("#")[0]
            if "ROOT.parent" in code or ".parent.parent.parent" in code or re.search(r"(Path|open)\(['\"]\.\.|['\"]/work/", code):
                assert path.name == "conftest.py" and code.startswith('REFERENCE = ROOT.parent / "shared" / "reference"'), f"{path.name}: {line}"


def test_the_sarif_schema_copy_is_the_one_its_readme_names():
    schema = json.loads((TESTS / "standards" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    readme = (TESTS / "standards" / "README.md").read_text(encoding="utf-8")
    assert schema["$id"] in readme and "docs.oasis-open.org/sarif/sarif/v2.1.0" in readme
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    from ordspec.render.sarif import SCHEMA

    assert SCHEMA in readme  # the $schema ordspec's SARIF output names
