"""Carrying a plan out, exactly once, through dispatch's Sender and journal.

Before a step sends anything, the name's row records it as pending (the step, its journal keys,
the fields it will leave); the Sender then journals the request before it is sent and settles it
after a definite answer; then the row records the result. A run killed between any two of these
leaves a pending step whose journal entries say what happened, or, where the answer was lost, the
broker's book does (state.py). The next plan settles it and plans what is left, so every order is
placed once and none is lost.

Actions go in this order: cancels (orders no file asks for), replaces (each a cancel, then a create,
which is skipped if the cancel did not happen), modifies, creates. One apply per journal at a time:
the journal's lock is held from the refresh to the last answer.
"""

from __future__ import annotations

from ordspec.plan.model import CANCEL, CREATE, MODIFY, REPLACE, cover
from ordspec.plan.state import dump

ORDER = {CANCEL: 0, REPLACE: 1, MODIFY: 2, CREATE: 3}


class Done:
    """What one step did: the action, the step, and the Sender's results."""

    __slots__ = ("action", "step", "results", "ok")

    def __init__(self, action, step, results, ok):
        self.action = action
        self.step = step
        self.results = results
        self.ok = ok


def execute(plan, journal, sender, report=None) -> list[Done]:
    """Apply the plan's records, then its actions; `report(done)` hears of each step as it ends."""
    for key, state, ident, message in plan.state.settle:
        entry = journal.get(key)
        if entry is not None and entry.state in ("sending", "unknown"):
            journal.settle(key, state, ident, message)
    for record in plan.state.records:
        journal.save_name(record)
    out = []
    for action in sorted((a for a in plan.actions if a.action in ORDER), key=lambda a: ORDER[a.action]):
        for step in action.steps:
            done = _step(plan, journal, sender, action, step)
            out.append(done)
            if report:
                report(done)
            if not done.ok:
                break  # a replace whose cancel failed creates nothing: never two live orders for one name
    return out


def _row(plan, journal, name: str) -> dict:
    for row in journal.names(plan.broker, plan.base_url):
        if row["name"] == name:
            return row
    return {"broker": plan.broker, "base_url": plan.base_url, "name": name, "steps": 0, "state": "none"}


def _step(plan, journal, sender, action, step) -> Done:
    row = _row(plan, journal, step.name)
    keys = [key for key, _, _ in step.requests]
    base = {**row, "kind": step.kind, "segment": step.segment or row.get("segment"), "named": int(action.named),
            "generation": row.get("generation", step.generation), "reference": row.get("reference") or step.reference}
    if step.file:
        base.update(file=step.file, line=step.line)
    pending = {"op": step.op, "keys": keys, "fields": step.fields, "covers": [c for _, _, c in step.requests],
               "generation": step.generation, "reference": step.reference}
    journal.save_name({**base, "pending": _text(pending), "steps": (row.get("steps") or 0) + 1})
    results = []
    for key, request, _ in step.requests:
        result = sender.send_as(key, request)
        results.append(result)
        if not result.ok:
            break
    ok = len(results) == len(step.requests) and all(r.ok for r in results)
    unknown = any(r.state == "unknown" for r in results)
    after = {**base, "steps": (row.get("steps") or 0) + 1}
    if unknown:
        return Done(action, step, results, False)  # the pending step stays: the next plan settles it
    if step.op == "create":
        if ok:
            first = results[0]
            after.update(state="live", generation=step.generation, reference=step.reference, broker_id=first.broker_id,
                         child_id=_child(first), applied=dump(step.fields), note=None)
    elif step.op == "modify":
        applied = dict(_load(row.get("applied")))
        for result, (_, _, covers) in zip(results, step.requests):
            if result.ok:
                cover(applied, step.fields, covers)
        after["applied"] = dump(applied)
    elif step.op == "cancel" and ok:
        after.update(state="cancelled", note="cancelled by ordspec")
    after["pending"] = None
    journal.save_name(after)
    return Done(action, step, results, ok)


def _child(result) -> str | None:
    """INDstocks: the child order (the legs) a parent's answer names."""
    data = result.data if isinstance(result.data, dict) else {}
    orders = data.get("order_data") if isinstance(data.get("order_data"), list) else []
    first = orders[0] if orders and isinstance(orders[0], dict) else {}
    details = first.get("child_order_details") if isinstance(first.get("child_order_details"), dict) else {}
    child = details.get("order_id")
    return child if isinstance(child, str) and child else None


def _text(value) -> str:
    import json

    return json.dumps(value, sort_keys=True)


def _load(text) -> dict:
    import json

    try:
        value = json.loads(text) if text else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


def summary(done: list[Done], plan) -> str:
    """Apply complete: 1 created, 1 modified, 1 replaced, 1 cancelled. (or what stopped)"""
    words = {CREATE: "created", MODIFY: "modified", REPLACE: "replaced", CANCEL: "cancelled"}
    counts = dict.fromkeys(words, 0)
    failed = []
    by_action: dict[int, list] = {}
    for d in done:
        by_action.setdefault(id(d.action), []).append(d)
    for items in by_action.values():
        action = items[0].action
        if all(d.ok for d in items) and len(items) == len(action.steps):
            counts[action.action] += 1
        else:
            failed.append(action)
    said = ", ".join(f"{n} {words[k]}" for k, n in counts.items())
    if failed:
        return f"Apply stopped short: {said}; {len(failed)} not done (above)."
    return f"Apply complete: {said}."
