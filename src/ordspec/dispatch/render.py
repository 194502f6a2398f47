"""Dispatch output: the dry-run plan and the results, as text or JSON. Secrets are already redacted."""

from __future__ import annotations

import json

from ordspec.compiler.jsonout import dumps


def url(base_url: str, request) -> str:
    from urllib.parse import urlencode

    query = f"?{urlencode(request.query)}" if request.query else ""
    return base_url.rstrip("/") + request.path + query


def plan_json(base_url: str, headers: dict, planned, counts: dict | None = None) -> str:
    """planned: (request, journal state or None)."""
    rows = [
        {
            "source": {"file": r.file, "line": r.line},
            "operation": r.operation,
            "method": r.method,
            "url": url(base_url, r),
            "headers": {**headers, **({"Content-Type": "application/json"} if r.body is not None else {})},
            "body": r.body,
            "journal": state,
        }
        for r, state in planned
    ]
    return dumps({"dry_run": True, "requests": rows, **({"summary": {"requests": len(rows), **counts}} if counts else {})}) + "\n"


def plan_text(base_url: str, headers: dict, planned, counts: dict | None = None) -> str:
    out = []
    for r, state in planned:
        note = {None: "", "confirmed": "  (already sent: would be skipped)", "unknown": "  (an earlier answer was lost)", "sending": "  (an earlier answer was lost)", "rejected": "  (refused before: would be sent again)"}.get(state, "")
        out.append(f"{r.file}:{r.line}  {r.operation}{note}")
        out.append(f"  {r.method} {url(base_url, r)}")
        for name, value in {**headers, **({"Content-Type": "application/json"} if r.body is not None else {})}.items():
            out.append(f"  {name}: {value}")
        if r.body is not None:
            out.append("  " + dumps(r.body, indent=2).replace("\n", "\n  "))
        out.append("")
    counts = counts or {"send": len(planned)}  # counts: what the real run would send, skip (confirmed before) and hold (answer lost)
    parts = [f"{counts['send']} would be sent"] + [f"{n} {what}" for n, what in ((counts.get("skip"), "would be skipped (confirmed before)"), (counts.get("hold"), "would be held (an earlier answer was lost)")) if n]
    out.append(f"Dry run: {len(planned)} request{'s' if len(planned) != 1 else ''}: {', '.join(parts)}; nothing sent.")
    return "\n".join(out) + "\n"


LABELS = {"confirmed": "confirmed", "already": "already sent", "rejected": "REJECTED", "unknown": "UNKNOWN"}


def results_text(results, broker_title: str, base_url: str) -> str:
    out = []
    width = max((len(r.source) for r in results), default=0)
    for r in results:
        ident = f"  {r.broker_id}" if r.broker_id else ""
        line = f"{r.source:<{width}}  {r.request.operation:<20} {LABELS[r.state]}{ident}"
        if r.message and r.state not in ("confirmed",):
            line += f"\n{' ' * width}  {r.message}"
        out.append(line)
    counts = {}
    for r in results:
        counts[r.state] = counts.get(r.state, 0) + 1
    parts = [f"{counts[k]} {LABELS[k].lower()}" for k in ("confirmed", "already", "rejected", "unknown") if counts.get(k)]
    out.append(f"{broker_title} at {base_url}: {len(results)} request{'s' if len(results) != 1 else ''}: {', '.join(parts) or 'none'}.")
    return "\n".join(out) + "\n"


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
    return json.dumps({"results": rows, "summary": summary}, indent=2, default=str, ensure_ascii=False) + "\n"
