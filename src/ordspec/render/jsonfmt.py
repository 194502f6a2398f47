"""Machine output: {"diagnostics": [...], "summary": {...}}."""

from __future__ import annotations

import json


def report(diagnostics, summary: dict) -> str:
    return json.dumps({"diagnostics": [d.as_dict() for d in diagnostics], "summary": summary}, indent=2, ensure_ascii=False) + "\n"
