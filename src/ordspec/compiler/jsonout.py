"""JSON output that writes Decimal numbers exactly as they are (0.35, never 0.35000000000000003).

The standard json module has no hook for exact decimal numbers, so this small
writer handles the types compiled requests hold and leaves strings to json.
"""

from __future__ import annotations

import json
from decimal import Decimal


def dumps(value, indent: int | None = 2) -> str:
    out: list[str] = []
    _write(value, out, indent, 0)
    return "".join(out)


def _write(value, out: list, indent, level: int) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        out.append(format(value, "f"))
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, dict):
        _container(list(value.items()), "{", "}", out, indent, level, True)
    elif isinstance(value, (list, tuple)):
        _container(list(value), "[", "]", out, indent, level, False)
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _container(items: list, open_: str, close: str, out: list, indent, level: int, mapping: bool) -> None:
    if not items:
        out.append(open_ + close)
        return
    out.append(open_)
    for i, item in enumerate(items):
        if i:
            out.append(",")
        if indent is not None:
            out.append("\n" + " " * (indent * (level + 1)))
        elif i:
            out.append(" ")
        if mapping:
            key, item = item
            out.append(json.dumps(str(key), ensure_ascii=False) + ": ")
        _write(item, out, indent, level + 1)
    if indent is not None:
        out.append("\n" + " " * (indent * level))
    out.append(close)
