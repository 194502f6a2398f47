"""The wheel carries the grammar, its tables, the schemas, the broker tables and the
reference data, and an installed copy works from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT

DATA_FILES = [
    "ordspec/grammar/ordspec.lark",
    "ordspec/grammar/tables.py",
    "ordspec/compiler/groww.json",
    "ordspec/schemas/compile-output.schema.json",
    "ordspec/schemas/groww/create-gtt.schema.json",
    "ordspec/refdata/data/lot_sizes.csv",
    "ordspec/refdata/data/tick_sizes.csv",
]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [path] = out.glob("ordspec-*.whl")
    return path


def test_the_wheel_carries_the_data_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in DATA_FILES if f not in names]
    assert missing == []
    assert any(n.endswith("entry_points.txt") for n in names)


def test_an_installed_copy_runs_from_another_directory(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)], check=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "orders.ord").write_text("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n")
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = "import ordspec, sys; print(ordspec.__file__); from ordspec.cli import main; sys.exit(main(sys.argv[1:]))"
    result = subprocess.run(
        [sys.executable, "-c", probe, "compile", "orders.ord", "--broker", "groww"], cwd=work, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(str(target))
    assert '"trigger_price": "3985.00"' in result.stdout
