"""Back ends: one per broker, each a table (<name>.json) and a Broker subclass (<name>.py).

Like sqlglot's dialects over one AST: every back end reads the same IR. base.py declares what a
back end may say (the Broker interface, each hook with a safe default) and table.schema.json every
key its table may hold. The table holds what a broker supports (kinds x segments x products), what
it lets you modify, its enum words, price format and list limits; rules read it to check an order
for that broker, and the module turns a checked statement into the exact HTTP requests the broker
documents.

A broker is found by its files, and listed nowhere else: every <name>.json in this package's
folder (or in any folder on its __path__) with a <name>.py beside it is a back end, listed in the
order of its table's `list_order`.
"""

from __future__ import annotations

import os

_found: dict = {}  # tuple(__path__) -> {name: Table}, in list order
_loaded: dict = {}  # name -> Broker


def _tables() -> dict:
    key = tuple(__path__)
    if key not in _found:
        from ordspec.compiler.table import load

        found = {}
        for folder in __path__:
            for entry in sorted(os.listdir(folder)):
                name, ext = os.path.splitext(entry)
                if ext == ".json" and name.isidentifier() and os.path.isfile(os.path.join(folder, name + ".py")):
                    found.setdefault(name, load(os.path.join(folder, entry)))
        _found.clear()
        _loaded.clear()
        _found[key] = dict(sorted(found.items(), key=_listed))
    return _found[key]


def _listed(item) -> tuple:
    name, table = item
    return table["list_order"], name


def names() -> list[str]:
    """Every broker's name, in list order."""
    return list(_tables())


def get(name: str):
    """The back end of broker `name` (a compiler.base.Broker); KeyError if there is none."""
    broker = _loaded.get(name)
    if broker is None:
        from importlib import import_module

        from ordspec.compiler.base import Broker

        table = _tables()[name]
        module = import_module(f"{__name__}.{name}")
        found = [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, Broker) and v.__module__ == module.__name__]
        if len(found) != 1:
            raise TypeError(f"{module.__name__} defines {len(found)} Broker classes, not one")
        broker = _loaded[name] = found[0](table)
    return broker


def brokers() -> list:
    """Every back end, in list order."""
    return [get(name) for name in names()]


def supporting(verb: str, kind: str, exclude: str | None = None) -> list:
    """The brokers that support `verb kind`, for help lines."""
    return [b for b in brokers() if b.name != exclude and b.supports(verb, kind) is not None]
