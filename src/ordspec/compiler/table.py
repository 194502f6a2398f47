"""A broker's table (compiler/<name>.json), read through the schema that declares every key.

table.schema.json lists each key a table may hold, with its default and a line of meaning; a test
checks every table against it. A Table answers `table["key"]` or `table["key.sub"]` for exactly
the keys the schema declares (the default where the table leaves one out), and a table that holds
a key the schema does not declare is refused when it is read: a misspelt key never passes silently.
"""

from __future__ import annotations

import json
import os

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "table.schema.json")
_schema: dict = {}


def schema() -> dict:
    if not _schema:
        with open(SCHEMA, encoding="utf-8") as f:
            _schema.update(json.load(f))
    return _schema


class TableError(Exception):
    """A table that holds a key its schema does not declare."""


class Table:
    __slots__ = ("path", "values")

    def __init__(self, data: dict, path: str = "<table>"):
        self.path = path
        self.values: dict = {}
        self._read(schema(), data, "")

    def _read(self, declared: dict, data: dict, prefix: str) -> None:
        properties = declared.get("properties", {})
        unknown = sorted(set(data) - set(properties))
        if unknown:
            raise TableError(f"{self.path}: {', '.join(prefix + k for k in unknown)}: not a key of a broker table (compiler/table.schema.json)")
        for key, spec in properties.items():
            value = data.get(key, spec.get("default"))
            self.values[prefix + key] = value
            if "properties" in spec:  # an object of fixed keys: each is a setting too
                self._read(spec, value if isinstance(value, dict) else {}, f"{prefix}{key}.")

    def __getitem__(self, key: str):
        return self.values[key]


def load(path: str) -> Table:
    with open(path, encoding="utf-8") as f:
        return Table(json.load(f), path)
