"""Every citation is one a user can open: a broker's public document, an exchange circular, or ordspec policy.

Users of ordspec have the brokers' public documents, not the reference folder
this project was built from: no rule's docs and no string that ships in
src/ (messages, help lines, docstrings, schemas, broker tables, the bundled
reference data) may name one of its files.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from ordspec.rules.registry import all_rules
from tests.conftest import REFERENCE, ROOT

SRC = ROOT / "src" / "ordspec"
# The reference folder's files (listed here: a fresh clone has no ../shared), and its siblings.
NAMES = [
    "groww-smart-orders-rest", "groww-smart-orders-python-sdk", "indstocks-smart-orders", "codifi-sip-orders",
    "smallcase-gateway-transactions", "kite-gtt", "dhan-forever-super", "market-facts", "SOURCES.md", "DESIGN.md",
    "STYLE.md", "shared/",
]
CITES_A_FILE = re.compile("|".join(re.escape(n) for n in NAMES) + r"|\b[\w-]+\.txt\b")


def reference_files() -> list[str]:
    return sorted(p.name for p in REFERENCE.iterdir()) if REFERENCE.is_dir() else []


def py_strings(path: Path):
    """(line, text) of every string literal of a module, docstrings and f-string parts included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def json_strings(value, where="$"):
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from json_strings(key, where)
            yield from json_strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from json_strings(item, f"{where}[{i}]")


def shipped_strings():
    for path in sorted(SRC.rglob("*")):
        name = str(path.relative_to(ROOT))
        if path.suffix == ".py":
            for line, text in py_strings(path):
                yield f"{name}:{line}", text
        elif path.suffix == ".json":
            for where, text in json_strings(json.loads(path.read_text(encoding="utf-8"))):
                yield f"{name} {where}", text
        elif path.suffix in (".csv", ".lark"):
            for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                yield f"{name}:{line}", text


def test_the_pattern_catches_what_it_is_for():
    for cited in ("market-facts.md (index lot sizes)", "groww-smart-orders-rest.txt", "see DESIGN.md", "../shared/reference", "x.txt"):
        assert CITES_A_FILE.search(cited), cited
    for fine in ("NSE circular 2024-10-18", "https://groww.in/trade-api/docs/curl/smart-orders", "ordspec policy", "docs/rules.md"):
        assert not CITES_A_FILE.search(fine), fine


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.name)
def test_no_rule_cites_a_reference_file(rule):
    text = "\n".join([rule.summary, rule.doc or ""])
    assert not CITES_A_FILE.search(text), CITES_A_FILE.search(text).group()
    assert rule.sections().get("Source"), "every rule has a source a user can open"


def test_no_string_in_src_cites_a_reference_file():
    found = [f"{where}: {text[:100]!r}" for where, text in shipped_strings() if CITES_A_FILE.search(text)]
    assert found == []


def test_nor_any_file_name_the_reference_folder_holds():
    """Where ../shared is present, its actual file names too (a file added there is covered)."""
    names = reference_files()
    if not names:
        pytest.skip("../shared/reference is not here")
    found = [f"{where}: {name}" for where, text in shipped_strings() for name in names if name in text]
    assert found == []
