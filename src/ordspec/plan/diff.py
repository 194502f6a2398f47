"""The reconciler: from the orders the files ask for and what ordspec holds, the actions.

For each name: nothing held, or held and cancelled, gone or cancelled outside ordspec -> create
(a later generation, under a new reference id, when one was placed before); held live and the same
-> nothing; changed in fields the broker's modifiable-field table lets change -> modify (same
broker order); changed otherwise -> replace (cancel, then create); done at the broker -> done, not
re-created. A name held live that no file asks for any more -> cancel. An order without a ref is
named by its content, so an edit makes it another name: a cancel and a create, which plan pairs
into one replace (same file, kind, side and symbol) and says why.

Within a replace the old order is cancelled before the new one is created. Two live orders for one
intent (two stop-losses on one position) could both fire and leave the account short; a moment with
neither is the smaller risk. That moment lasts from the cancel's answer to the create's (about a
second at Groww's pace); if the create fails, or apply is stopped between them, the position has no
order until the next apply, which plans the create (the journal knows the cancel was ordspec's).
"""

from __future__ import annotations

from ordspec.plan import adapters
from ordspec.plan.model import (
    CANCEL, CREATE, DONE, HELD, IDENTITY, MODIFY, REPLACE, SIP_IDENTITY, UNKNOWN, Action, changes, reference,
)

_NAMES = {"symbol": "symbol", "side": "side", "kind": "order type", "segment": "segment", "exchange": "exchange", "security": "security id"}


def reconcile(desired: list, helds: dict, builder) -> list[Action]:
    broker = builder.broker
    out: list[Action] = []
    wanted = {d.name for d in desired}
    for d in desired:
        h = helds.get(d.name)
        out.append(_one(d, h, builder, broker))
    for name, h in sorted(helds.items()):
        if name in wanted:
            continue
        if h.state == "live":
            a = Action(CANCEL, name, h.kind, h.file, h.line, h.broker_id, "no longer in any file", before=h.fields, named=h.named)
            a.steps.append(builder.cancel(h))
            out.append(a)
        elif h.state == UNKNOWN:
            out.append(Action(UNKNOWN, name, h.kind, h.file, h.line, h.broker_id, f"{h.why} (no longer in any file)", named=h.named))
        elif h.state == "held":  # an inactive SIP (paused or cancelled: Codifi cannot say) is not cancelled blind
            out.append(Action(HELD, name, h.kind, h.file, h.line, h.broker_id, f"no longer in any file; {h.why}", before=h.fields, named=h.named))
    return _pair_unnamed(out, helds, desired, builder)


def _one(d, h, builder, broker: str) -> Action:
    title = adapters.title(broker)
    if h is None or h.state == "none":
        generation = h.generation if h is not None else 0
        ref = h.reference if h is not None else reference(d.name, 0)
        a = Action(CREATE, d.name, d.kind, d.file, d.line, reason=h.why if h is not None and h.why else "", after=d.fields, named=d.named)
        a.steps.append(builder.create(d, generation, ref))
        return a
    if h.state == UNKNOWN:
        return Action(UNKNOWN, d.name, d.kind, d.file, d.line, h.broker_id, h.why, named=d.named)
    if h.state == "done":
        a = Action(DONE, d.name, d.kind, d.file, d.line, h.broker_id, f"{h.why or 'done at ' + title}; not re-created", before=h.fields, named=d.named)
        if changes(h.fields, d.fields):
            a.notes.append("edited since it was done: give it a new `ref` to place it again")
        return a
    if h.state == "held":
        return Action(HELD, d.name, d.kind, d.file, d.line, h.broker_id, h.why, before=h.fields, named=d.named)
    if h.state in ("cancelled", "drift"):
        generation = h.generation + 1
        why = h.why if h.state == "drift" else "ordspec cancelled it earlier (a replace or a removal)"
        a = Action(CREATE, d.name, d.kind, d.file, d.line, h.broker_id, f"{why}: placed again", before=h.fields, after=d.fields, named=d.named)
        a.steps.append(builder.create(d, generation, reference(d.name, generation)))
        return a
    return _compare(d, h, builder, broker)


def _compare(d, h, builder, broker: str) -> Action:
    found = changes(h.fields, d.fields)
    if not found:
        return None
    changed = {name for name, _, _ in found}
    fixed = [n for n in (SIP_IDENTITY if d.kind == "SIP" else IDENTITY) if n in changed]
    if fixed:
        reason = f"an order's {_NAMES.get(fixed[0], fixed[0])} never changes in place"
    else:
        bad = [n for n, _, _ in found if not adapters.modifiable(broker, d.kind, n)]
        reason = adapters.cannot_modify(broker, d.kind, bad[0]) if bad else None
    if reason is None:
        step = builder.modify(d, h, changed)
        if not isinstance(step, str):
            a = Action(MODIFY, d.name, d.kind, d.file, d.line, h.broker_id, before=h.fields, after=d.fields, named=d.named)
            a.changes = found
            a.steps.append(step)
            return a
        reason = step
    a = Action(REPLACE, d.name, d.kind, d.file, d.line, h.broker_id, reason, before=h.fields, after=d.fields, named=d.named)
    a.changes = found
    a.steps += [builder.cancel(h, d.file, d.line), builder.create(d, h.generation + 1, reference(d.name, h.generation + 1))]
    return a


def _pair_unnamed(actions: list, helds: dict, desired: list, builder) -> list[Action]:
    """An edited order without a ref: its old name is cancelled and its new one created; one replace."""
    actions = [a for a in actions if a is not None]
    creates = [a for a in actions if a.action == CREATE and not a.named and not a.before]
    cancels = [a for a in actions if a.action == CANCEL and not a.named]
    by_name = {d.name: d for d in desired}
    paired = set()
    for c in cancels:
        old = c.before or {}
        for n in sorted(creates, key=lambda a: (a.file != c.file, abs((a.line or 0) - (c.line or 0)))):
            new = by_name[n.name].fields
            if id(n) in paired or n.file != c.file or any(old.get(k) != new.get(k) for k in ("kind", "side", "symbol")):
                continue
            paired.update((id(n), id(c)))
            n.action, n.before, n.broker_id = REPLACE, c.before, c.broker_id
            n.changes = changes(old, new)
            n.reason = "this order has no ref, so it is named by what it is: an edit makes it another order (give it a `ref` to modify it in place)"
            n.steps = [builder.cancel(helds[c.name], n.file, n.line), *n.steps]
            n.notes.append(f"was {c.name}")
            break
    return [a for a in actions if id(a) not in paired or a.action != CANCEL]
