"""The broker tables: each one is what compiler/table.schema.json declares, and each declared key is read."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from ordspec import compiler
from ordspec.compiler.table import Table, TableError, schema

SRC = Path(__file__).resolve().parent.parent / "src" / "ordspec"
TABLES = sorted(p for p in (SRC / "compiler").glob("*.json") if p.stem.isidentifier())


def test_the_schema_is_a_schema_and_every_broker_has_a_table():
    Draft7Validator.check_schema(schema())
    assert [p.stem for p in TABLES] == sorted(compiler.names())
    assert schema()["additionalProperties"] is False


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.stem)
def test_each_table_meets_the_schema(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in Draft7Validator(schema()).iter_errors(data)]
    assert errors == []
    assert data["name"] == path.stem


def _declared(spec: dict, prefix: str = ""):
    for key, sub in spec.get("properties", {}).items():
        yield prefix + key, sub
        yield from _declared(sub, f"{prefix}{key}.")


def _reads() -> tuple[set[str], set[str]]:
    """What src reads of a table: (keys through Broker.setting, table[...] or a rule's `needs`;
    the names any subscript or .get() asks of a value, such as a setting's own keys)."""
    keys, names = set(), set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args and isinstance(node.args[0], ast.Constant):
                if node.func.attr == "setting":
                    keys.add(node.args[0].value)
                elif node.func.attr == "get":
                    names.add(node.args[0].value)
            elif isinstance(node, ast.keyword) and node.arg == "needs" and isinstance(node.value, ast.Tuple):
                keys.update(e.value for e in node.value.elts if isinstance(e, ast.Constant))
            elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                names.add(node.slice.value)
                held = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", None)
                if held == "table":
                    keys.add(node.slice.value)
    return keys, names


def test_every_declared_key_is_read_by_ordspec():
    """A key no code reads is a promise nobody keeps: read it, or say in the schema that it is for people."""
    keys, names = _reads()
    unread = []
    for key, spec in _declared(schema()):
        parent, _, last = key.rpartition(".")
        if "$comment" in spec or key in keys or any(k.startswith(key + ".") for k in keys) or (parent and (parent in keys or any(k.startswith(parent + ".") for k in keys)) and last in names):
            continue
        unread.append(key)
    assert unread == []


def test_a_key_the_schema_does_not_declare_is_refused():
    data = json.loads(TABLES[0].read_text(encoding="utf-8"))
    with pytest.raises(TableError, match="notes_length: not a key of a broker table"):
        Table({**data, "notes_length": 256}, "x.json")
    with pytest.raises(TableError, match="dispatch.rate: not a key"):
        Table({**data, "dispatch": {**data["dispatch"], "rate": 3}}, "x.json")


def test_a_setting_the_table_leaves_out_is_the_schema_default():
    smallcase = compiler.get("smallcase")
    assert smallcase.setting("price.places") is None and smallcase.setting("modifiable") == {}
    assert smallcase.setting("notes_max") == 256 and compiler.get("groww").setting("notes_max") is None
    with pytest.raises(KeyError):
        smallcase.setting("notes.max")
