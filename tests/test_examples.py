"""examples/ holds only valid files: they lint clean today and compile, with no options but the
last prices every Kite GTT carries (--quotes examples/kite-quotes.csv: symbols no other example uses)."""

from __future__ import annotations

import json

import pytest

from ordspec.dates import today
from tests.conftest import ROOT, compile_text, lint_text

EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".ord", ".yaml", ".yml"))
QUOTES = str(ROOT / "examples" / "kite-quotes.csv")


def test_there_are_examples_of_both_forms():
    assert {p.suffix for p in EXAMPLES} >= {".ord", ".yaml"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_lints_clean(path):
    assert [str(d) for d in lint_text(path.read_text(), as_of=today(), name=path.name, quotes=QUOTES)] == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_compiles(path):
    requests, diagnostics = compile_text(path.read_text(), broker=None, as_of=today(), name=path.name, gateway="example-gateway", client_id="1000000132", quotes=QUOTES)
    assert requests, [str(d) for d in diagnostics]
    json.dumps([r.as_dict() for r in requests], default=str)


def test_the_cli_agrees(cli):
    result = cli("lint", ROOT / "examples", "--quotes", QUOTES)
    assert result.returncode == 0, result.stdout.decode()
    assert b"All checks passed" in result.stdout
