"""A plan as text (one line per order, terraform's symbols) or JSON; apply's results.

Text ends with exactly `Plan: N to create, N to modify, N to replace, N to cancel.` or
`No changes.`, so that a script can read the last line. What brokers answered (ids, status words)
is shown as file text is: control characters as symbols, never sent to the terminal.
"""

from __future__ import annotations

from ordspec.plan import adapters
from ordspec.plan.model import CANCEL, CHANGES, CREATE, DONE, HELD, MODIFY, REPLACE, UNKNOWN, summary

SYMBOLS = {CREATE: "+", MODIFY: "~", REPLACE: "-/+", CANCEL: "-", DONE: "=", HELD: "=", UNKNOWN: "!"}
WORDS = {CREATE: "create", MODIFY: "modify", REPLACE: "replace", CANCEL: "cancel", DONE: "done", HELD: "held", UNKNOWN: "unknown"}
LABELS = {
    "order_type": "order", "price": "limit", "target.trigger": "target", "target.price": "target limit",
    "target.order_type": "target order", "sl.trigger": "sl", "sl.price": "sl limit", "sl.order_type": "sl order", "scrips": "plus",
}


def _shown(text) -> str:
    return adapters.visible(str(text))


def _where(a) -> str:
    return f"{a.file}:{a.line}" if a.file and a.action != CANCEL else ""


def _changes(a) -> str:
    return ", ".join(f"{LABELS.get(f, f)} {'none' if old is None else old} -> {'none' if new is None else new}" for f, old, new in a.changes)


def _detail(a) -> str:
    ident = f"  ({_shown(a.broker_id)})" if a.broker_id else ""
    if a.action == CREATE:
        text = summary(a.after or {})
        return text + (f": {a.reason}" if a.reason else "") + ident
    if a.action == MODIFY:
        return _changes(a) + ident
    if a.action == REPLACE:
        new = a.steps[-1].reference if a.steps else ""
        return f"{_changes(a)}: {a.reason}" + (f"  ({_shown(a.broker_id)}; placed anew as {new})" if a.broker_id else "")
    return f"{_shown(a.reason)}{ident}"


def text(plan) -> str:
    rows = []
    for a in _ordered(plan.actions):
        head = f"{SYMBOLS[a.action]} {WORDS[a.action]}"
        rows.append((head, _where(a), f"{a.kind} {a.name}", _detail(a)))
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(3)]
    out = [_header(plan)]
    for r in rows:
        out.append("  " + "  ".join(part.ljust(widths[i]) for i, part in enumerate(r[:3])) + "  " + r[3])
    notes = _notes(plan)
    if notes:
        out.append("")
        out += [f"  note: {n}" for n in notes]
    out.append("")
    out.append(last_line(plan))
    return "\n".join(out) + "\n"


def last_line(plan) -> str:
    counts = plan.counts()
    if not any(counts.values()):
        return "No changes."
    return f"Plan: {counts[CREATE]} to create, {counts[MODIFY]} to modify, {counts[REPLACE]} to replace, {counts[CANCEL]} to cancel."


def _ordered(actions):
    """Orders of the files in their order, then the cancels, then what needs a person."""
    rank = {CANCEL: 1, UNKNOWN: 2}
    return sorted(actions, key=lambda a: (rank.get(a.action, 0), a.file or "", a.line or 0, a.name))


def _header(plan) -> str:
    state = plan.state
    if plan.reader.readable:
        reads = state.book.reads
        read = f"read {len(state.book.orders)} order{'s' if len(state.book.orders) != 1 else ''} in {reads} request{'s' if reads != 1 else ''}"
    else:
        read = "not read (no read endpoint)"
    return f"{plan.title} at {plan.base_url}: the book {read}; journal {plan.journal_path}"


def _notes(plan) -> list[str]:
    out = list(plan.notes)
    state = plan.state
    if state.unmanaged:
        n = len(state.unmanaged)
        out.append(f"{n} live order{'s' if n != 1 else ''} at {plan.title} that ordspec did not place: not touched ({', '.join(map(_shown, state.unmanaged[:5]))}{', ...' if n > 5 else ''})")
    if state.unplanned:
        n = len(state.unplanned)
        out.append(f"{n} live order{'s' if n != 1 else ''} placed by `ordspec dispatch` and in none of these files: not touched ({', '.join(map(_shown, state.unplanned[:5]))}{', ...' if n > 5 else ''})")
    for a in _ordered(plan.actions):
        if a.action in (CREATE, REPLACE) and not a.named:
            out.append(f"{a.file}:{a.line}: this order has no ref, so it is named by what it is ({a.name}): any edit to it is a replace; give it a `ref` to modify it in place")
        out += [f"{a.kind} {a.name}: {n}" for n in a.notes if not n.startswith("was ")]
    return out


def as_json(plan) -> dict:
    actions = []
    for a in _ordered(plan.actions):
        actions.append({
            "action": a.action,
            "name": a.name,
            "named": a.named,
            "kind": a.kind,
            "file": a.file,
            "line": a.line,
            "broker_id": a.broker_id,
            "reason": a.reason or None,
            "changes": [{"field": f, "before": old, "after": new} for f, old, new in a.changes],
            "before": a.before,
            "after": a.after,
            "notes": a.notes,
            "requests": [
                {"step": s.op, "key": key, "reference": s.reference if s.op == "create" else None, "method": r.method, "path": r.path, "query": r.query, "body": r.body}
                for s in a.steps for key, r, _ in s.requests
            ],
        })
    counts = plan.counts()
    return {
        "broker": plan.broker,
        "base_url": plan.base_url,
        "journal": plan.journal_path,
        "files": plan.files,
        "refreshed": {
            "read": plan.reader.readable,
            "requests": plan.state.book.reads,
            "orders": len(plan.state.book.orders),
            "not_placed_by_ordspec": plan.state.unmanaged,
            "placed_by_dispatch": plan.state.unplanned,
            "cannot_know": list(plan.reader.cannot_know),
        },
        "actions": actions,
        "notes": _notes(plan),
        "summary": {**{k: counts[k] for k in CHANGES}, "changes": any(counts.values()), "unknown": len(plan.unknown)},
        "digest": plan.digest,
    }


def json_text(plan) -> str:
    return adapters.json_text(as_json(plan)) + "\n"


def results_text(done, plan, closing: str) -> str:
    out = []
    for d in done:
        for result in d.results:
            word = {"confirmed": "done", "already": "done before"}.get(result.state, result.state)
            ident = f" {result.broker_id}" if result.broker_id else ""
            said = f": {result.message}" if result.state not in ("confirmed",) and result.message else ""
            where = f"{d.step.file}:{d.step.line}" if d.step.file else ""
            out.append(_shown(f"  {d.step.op:<7} {where:<16} {d.action.kind} {d.step.name}{ident}  {word}{said}"))
    out.append(closing)
    return "\n".join(out) + "\n"


def results_json(done, plan, closing: str) -> str:
    rows = [
        {"action": d.action.action, "step": d.step.op, "name": d.step.name, "file": d.step.file, "line": d.step.line,
         "state": r.state, "broker_id": r.broker_id, "message": r.message}
        for d in done for r in d.results
    ]
    return adapters.json_text({"results": rows, "ok": all(d.ok for d in done), "summary": closing}) + "\n"
