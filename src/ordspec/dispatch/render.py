"""Dispatch output: the dry-run plan and the results, as text or JSON. Secrets are already redacted.

Everything a broker answered (ids, messages, the orders a GET or LIST returns) is a side input:
text output shows it through render.text.visible, as file text is shown, so that an escape
sequence in an answer never reaches the terminal.
"""

from __future__ import annotations

import json

from ordspec.compiler.jsonout import dumps
from ordspec.render.text import visible

MAX_LINES = 200  # of one GET's fields or one LIST's rows; the JSON output has them all
MAX_DEPTH = 8  # a GET's nested fields are shown to this depth


def url(base_url: str, request) -> str:
    from urllib.parse import urlencode

    query = f"?{urlencode(request.query)}" if request.query else ""
    return base_url.rstrip("/") + request.path + query


def _needs(missing) -> str:
    return f"A real dispatch needs credentials from the environment: set {' and '.join(missing)}."


def plan_json(base_url: str, headers: dict, planned, counts: dict | None = None, missing=()) -> str:
    """planned: (request, journal state or None); missing: the credential variables that are not set."""
    rows = [
        {
            "source": {"file": r.file, "line": r.line},
            "operation": r.operation,
            "method": r.method,
            "url": url(base_url, r),
            "headers": {**headers, **({"Content-Type": r.content_type} if r.body is not None else {})},
            "body": r.body,
            "journal": state,
        }
        for r, state in planned
    ]
    summary = {"summary": {"requests": len(rows), **counts}} if counts else {}
    return json_safe(dumps({"dry_run": True, "requests": rows, **summary, "missing_credentials": list(missing)})) + "\n"


_RAW = {c: f"\\u{c:04x}" for c in [*range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def json_safe(text: str) -> str:
    """JSON text with the controls json leaves raw (DEL, C1, line separators, direction controls) as
    \\u escapes: the same JSON, and nothing a terminal would act on."""
    return text.translate(_RAW)


def plan_text(base_url: str, headers: dict, planned, counts: dict | None = None, missing=()) -> str:
    out = []
    for r, state in planned:
        note = {None: "", "confirmed": "  (already sent: would be skipped)", "unknown": "  (an earlier answer was lost)", "sending": "  (an earlier answer was lost)", "rejected": "  (refused before: would be sent again)"}.get(state, "")
        out.append(f"{r.file}:{r.line}  {r.operation}{note}")
        out.append(f"  {r.method} {url(base_url, r)}")
        for name, value in {**headers, **({"Content-Type": r.content_type} if r.body is not None else {})}.items():
            out.append(f"  {name}: {value}")
        if r.body is not None:
            out.extend("  " + line for line in dumps(r.body, indent=2).split("\n"))
        out.append("")
    counts = counts or {"send": len(planned)}  # counts: what the real run would send, skip (confirmed before) and hold (answer lost)
    parts = [f"{counts['send']} would be sent"] + [f"{n} {what}" for n, what in ((counts.get("skip"), "would be skipped (confirmed before)"), (counts.get("hold"), "would be held (an earlier answer was lost)")) if n]
    out.append(f"Dry run: {len(planned)} request{'s' if len(planned) != 1 else ''}: {', '.join(parts)}; nothing sent.")
    if missing:
        out.append(_needs(missing))
    return "\n".join(visible(line) for line in out) + "\n"


LABELS = {"confirmed": "confirmed", "already": "already sent", "rejected": "REJECTED", "unknown": "UNKNOWN"}


def results_text(results, broker_title: str, base_url: str, listing: dict | None = None) -> str:
    """One line per request (and the broker's message, and what a GET or LIST returned), then a summary."""
    out = []
    width = max((len(r.source) for r in results), default=0)
    for r in results:
        ident = f"  {visible(r.broker_id)}" if r.broker_id else ""
        line = f"{visible(r.source):<{width}}  {r.request.operation:<20} {LABELS[r.state]}{ident}"
        if r.message and r.state not in ("confirmed",):
            line += f"\n{' ' * width}  {visible(r.message)}"
        out.append(line)
        if r.state == "confirmed" and r.request.method == "GET" and r.data is not None:
            shown = answer_text(r.request, r.data, listing or {})
            out.extend(" " * (width + 2) + row for row in shown)
    counts = {}
    for r in results:
        counts[r.state] = counts.get(r.state, 0) + 1
    parts = [f"{counts[k]} {LABELS[k].lower()}" for k in ("confirmed", "already", "rejected", "unknown") if counts.get(k)]
    out.append(f"{broker_title} at {base_url}: {len(results)} request{'s' if len(results) != 1 else ''}: {', '.join(parts) or 'none'}.")
    return "\n".join(out) + "\n"


def answer_text(request, data, listing: dict) -> list[str]:
    """What a GET or LIST answered, as lines: a LIST as a table of its records, a GET as `key: value` lines."""
    if request.statement.verb == "LIST":
        key = listing.get("records")
        records = data.get(key) if key and isinstance(data, dict) else data
        if isinstance(records, list):
            return table(records, listing.get("columns") or [])
    pairs = list(flatten(data))
    lines = [f"{name}: {value}" for name, value in pairs[:MAX_LINES]]
    if len(pairs) > MAX_LINES:
        lines.append(f"... {len(pairs) - MAX_LINES} more fields (--format json shows them all)")
    return lines or ["(an empty answer)"]


def table(records: list, columns: list[str]) -> list[str]:
    if not records:
        return ["no orders"]
    rows = [dict(flatten(r)) if isinstance(r, (dict, list)) else {"value": _scalar(r)} for r in records[:MAX_LINES]]
    wanted = [c for c in columns if any(c in row for row in rows)]
    if not wanted:  # an answer in another shape than the documented one: its own keys
        wanted = list(dict.fromkeys(k for row in rows for k in row))[:8]
    cells = [wanted] + [[row.get(c, "-") for c in wanted] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(wanted))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in cells]
    lines.append(f"{len(records)} order{'s' if len(records) != 1 else ''}" + (f" ({len(records) - MAX_LINES} not shown: --format json shows them all)" if len(records) > MAX_LINES else ""))
    return lines


def flatten(value, prefix: str = "", depth: int = 0):
    """(dotted key, shown value) for every scalar in a JSON value."""
    if isinstance(value, dict) and value and depth < MAX_DEPTH:
        for k, v in value.items():
            yield from flatten(v, f"{prefix}.{visible(k)}" if prefix else visible(k), depth + 1)
    elif isinstance(value, list) and value and depth < MAX_DEPTH:
        for i, v in enumerate(value):
            yield from flatten(v, f"{prefix}.{i}" if prefix else str(i), depth + 1)
    else:
        yield prefix or "value", _scalar(value)


def _scalar(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return visible(json.dumps(value, ensure_ascii=False)[:200])
    return visible(value)


def results_json(results, broker: str, base_url: str) -> str:
    rows = [
        {
            "source": {"file": r.request.file, "line": r.request.line},
            "operation": r.request.operation,
            "method": r.request.method,
            "path": r.request.path,
            "key": r.key,
            "state": r.state,
            "broker_id": r.broker_id,
            "message": r.message,
            "data": r.data,
        }
        for r in results
    ]
    summary = {"broker": broker, "base_url": base_url, "requests": len(results)}
    for state in ("confirmed", "already", "rejected", "unknown"):
        summary[state] = sum(1 for r in results if r.state == state)
    return json_safe(json.dumps({"results": rows, "summary": summary}, indent=2, default=str, ensure_ascii=False)) + "\n"
