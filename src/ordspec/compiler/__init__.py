"""Back ends: one per broker, each a data table (<name>.json) and a few functions (<name>.py).

Like sqlglot's dialects over one AST: every back end reads the same IR. The
table holds what a broker supports (kinds x segments x products), what it lets
you modify, its enum words, price format and list limits; rules read it to
check an order for that broker, and the module turns a checked statement into
the exact HTTP requests the broker documents.
"""

from __future__ import annotations

import os
from importlib import import_module

HERE = os.path.dirname(os.path.abspath(__file__))
BROKERS = ("groww", "indstocks", "codifi", "smallcase", "kite")


class Broker:
    def __init__(self, name: str):
        import json  # (not at import time: the lint path lists BROKERS without any broker table)

        self.name = name
        with open(os.path.join(HERE, f"{name}.json"), encoding="utf-8") as f:
            self.table: dict = json.load(f)
        self.title: str = self.table["title"]
        self._module = None

    @property
    def module(self):
        if self._module is None:
            self._module = import_module(f"ordspec.compiler.{self.name}")
        return self._module

    def supports(self, verb: str, kind: str) -> dict | None:
        return self.table["supports"].get(f"{verb} {kind}")

    def compile(self, stmt, ctx) -> list:
        return self.module.compile(stmt, ctx)

    def __repr__(self) -> str:
        return f"<Broker {self.name}>"


_loaded: dict[str, Broker] = {}


def get(name: str) -> Broker:
    if name not in _loaded:
        if name not in BROKERS:
            raise KeyError(name)
        _loaded[name] = Broker(name)
    return _loaded[name]


def supporting(verb: str, kind: str, exclude: str | None = None) -> list[Broker]:
    """The brokers that support `verb kind`, for help lines."""
    return [get(b) for b in BROKERS if b != exclude and get(b).supports(verb, kind) is not None]
