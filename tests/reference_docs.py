"""Reading request examples out of the broker documents in ../shared/reference."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from tests.conftest import REFERENCE


def text(name: str) -> str | None:
    path = REFERENCE / name
    return path.read_text(encoding="utf-8") if path.exists() else None


def json_after(doc: str, marker: str, nth: int = 0):
    """The nth JSON object that follows `marker` in the document, numbers as Decimal."""
    starts = [m.end() for m in re.finditer(re.escape(marker), doc)]
    start = doc.index("{", starts[nth])
    depth = 0
    for i in range(start, len(doc)):
        depth += {"{": 1, "}": -1}.get(doc[i], 0)
        if depth == 0:
            return json.loads(doc[start : i + 1], parse_float=Decimal)
    raise ValueError(f"unbalanced JSON after {marker!r}")


def curl_urls(doc: str) -> list[str]:
    """Every URL a `curl` example in the document calls."""
    return re.findall(r"curl[^\n]*?'?(https://[^\s'\\]+)", doc)
