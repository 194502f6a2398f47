"""What ordspec holds: the journal's names, each settled against the dispatch journal and the book.

A name's row says which order the name maps to and the step apply began and has not settled
(`pending`). That step is settled here from the dispatch journal (the request was confirmed, or
refused, or never sent), and where the journal cannot say (an apply was killed, or an answer lost,
while sending it) from the broker's book: the broker's own recovery (Groww: its reference id), the
order book (Codifi: a SIP like it), or not at all (INDstocks: the plan stops at that order until
`ordspec journal resolve`). Then the book says what became of each order: live, done, cancelled
outside ordspec, gone. Plan reads; what it settled is written by apply (`records`, `settle`).
"""

from __future__ import annotations

import json

from ordspec.plan import adapters, books
from ordspec.plan.model import Held, cover

CONFIRMED, REJECTED = "confirmed", "rejected"  # the dispatch journal's states
IN_DOUBT = ("sending", "unknown")


class State:
    def __init__(self):
        self.helds: dict[str, Held] = {}
        self.book: books.Book | None = None
        self.unmanaged: list[str] = []  # live at the broker, never placed by ordspec
        self.unplanned: list[str] = []  # live, placed by `ordspec dispatch`, under no name of plan's
        self.records: list[dict] = []  # names rows apply writes before anything else
        self.settle: list[tuple] = []  # dispatch journal entries apply settles first: (key, state, id, message)
        self.managed: dict = {}  # the orders read by id, {id: (kind, segment)}: a saved plan's apply reads them again


def _json(row: dict, column: str):
    text = row.get(column)
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise adapters.PlanError(f"the journal's row for {row['name']!r} has a damaged `{column}`: it was changed outside ordspec")
    return value


def load(journal, broker: str, base_url: str, desired: list, conn, reader) -> State:
    state = State()
    prefix = f"{broker} {base_url} "
    entries = {e.key: e for e in journal.entries() if e.key.startswith(prefix)}
    create_ops = adapters.create_operations(broker)
    for row in journal.names(broker, base_url):
        h = Held(row)
        h.applied = _json(row, "applied") or {}
        h.pending = _json(row, "pending")
        h.state = row["state"]
        h.why = row.get("note") or ""
        state.helds[h.name] = h
    for d in desired:  # an order `ordspec dispatch` placed under the same key is this one
        entry = entries.get(prefix + d.name)
        if d.name in state.helds or entry is None or entry.operation not in create_ops or entry.state == REJECTED:
            continue
        same = entry.body == adapters.body_text(d.request.body)
        row = {"name": d.name, "generation": 0, "reference": d.name, "kind": d.kind, "segment": d.fields.get("segment"),
               "file": d.file, "line": d.line, "named": int(d.named), "state": "none"}
        h = Held(row, saved=False)
        h.pending = {"op": "create", "keys": [entry.key], "fields": d.fields if same else None, "generation": 0, "reference": d.name}
        state.helds[d.name] = h
    doubtful = []
    for h in state.helds.values():
        if h.pending is not None:
            _settle_from_journal(h, entries, doubtful)
    managed = {h.broker_id: (h.kind, h.segment) for h in state.helds.values() if h.broker_id and h.state in LIVE_STATES}
    state.book = reader.read(conn, managed) if reader.readable else books.Book(False)
    state.managed = dict(managed)
    claimed = {h.broker_id for h in state.helds.values() if h.broker_id}
    for h, entry in doubtful:  # a create whose answer never came: ask the broker
        verdict, found = reader.resolve_create(conn, state.book, entry, h.pending.get("fields") or {}, claimed)
        if verdict == "placed":
            _placed(h, found)
            state.settle.append((entry.key, CONFIRMED, found, f"found at {adapters.title(broker)} by `ordspec plan` after an earlier send lost its answer"))
            claimed.add(found)
            state.managed[found] = (h.kind, h.segment)
            if found not in state.book.orders and reader.readable:
                state.book.orders.update(reader.read(conn, {found: (h.kind, h.segment)}).orders)
        elif verdict == "absent":
            h.state, h.broker_id = "none", None
            state.settle.append((entry.key, REJECTED, None, f"not at {adapters.title(broker)} (checked by `ordspec plan`): not placed"))
        else:
            h.state, h.why = "unknown", found
    for h in state.helds.values():
        was = h.state
        _against_book(h, state.book, entries, broker)
        if h.row is None and h.state == "live" and not h.applied:  # sent by dispatch as another order, and unreadable here
            h.state, h.why = "unknown", (
                f"`ordspec dispatch` placed {h.broker_id} under this ref with other fields, and {adapters.title(broker)} cannot be read "
                "to compare them: give this order another ref, or cancel that one"
            )
        if was in ("modifying", "cancelling") and h.state != "unknown":
            state.settle.extend(_settled_by_book(h, was, entries, broker))
        record = _record(h, broker, base_url)
        if record is not None:
            state.records.append(record)
    ordspec_ids = {e.broker_id for e in entries.values() if e.operation in create_ops and e.state == CONFIRMED and e.broker_id}
    for ident in state.book.active:
        if ident not in claimed:
            (state.unplanned if ident in ordspec_ids else state.unmanaged).append(ident)
    return state


LIVE_STATES = ("live", "modifying", "cancelling")


def _settle_from_journal(h: Held, entries: dict, doubtful: list) -> None:
    """Settle the step a name's row left pending, from the dispatch journal where it can say."""
    pending = h.pending
    op, keys = pending.get("op"), pending.get("keys") or []
    states = [entries[k].state if k in entries else None for k in keys]
    if op == "create":
        entry = entries.get(keys[0]) if keys else None
        h.generation = pending.get("generation", h.generation)
        h.reference = pending.get("reference", h.reference)
        if entry is None or entry.state == REJECTED:
            h.state, h.broker_id = "none", None  # not placed: the next create sends this generation again
        elif entry.state == CONFIRMED and entry.broker_id is None:
            h.state, h.why = "unknown", f"placed, but {adapters.title(entry.broker)} gave no id ordspec could read: find it, then `ordspec journal resolve`"
        elif entry.state == CONFIRMED:
            _placed(h, entry.broker_id)
        else:
            doubtful.append((h, entry))
    elif op == "modify":
        fields = pending.get("fields") or {}
        covers = pending.get("covers") or [list(fields)] * len(keys)
        for state, names in zip(states, covers):
            if state == CONFIRMED:
                cover(h.applied, fields, names)
        if any(s in IN_DOUBT for s in states):
            h.state = "modifying"  # the book decides, where it can be read
            h.why = "an earlier apply lost the answer of its modify"
    elif op == "cancel":
        if states and states[0] == CONFIRMED:
            h.state, h.why = "cancelled", "cancelled by ordspec"
        elif states and states[0] in IN_DOUBT:
            h.state, h.why = "cancelling", "an earlier apply lost the answer of its cancel"


def _placed(h: Held, ident: str) -> None:
    h.broker_id = ident
    h.child_id = h.pending.get("child_id", h.child_id)
    if h.pending.get("fields") is not None:
        h.applied = dict(h.pending["fields"])
    h.state = "live"


def _against_book(h: Held, book, entries: dict, broker: str) -> None:
    """What the book says became of the order."""
    if h.state in ("cancelled", "done", "none", "unknown") or not h.broker_id:
        if h.state in ("live", "modifying", "cancelling") and not h.broker_id:
            h.state, h.why = "unknown", "ordspec has no broker id for it: find it and `ordspec journal resolve`"
        return
    if not book.readable:
        if h.state in ("modifying", "cancelling"):
            keys = ", ".join(f'"{k}"' for k in _pending_keys(h))
            h.why += f"; {adapters.title(broker)} has no read endpoint to check: look at the order, then `ordspec journal resolve {keys} --placed ID` or `--not-placed`"
            h.state = "unknown"
        return
    order = book.orders.get(h.broker_id)
    if order is None:
        h.state, h.why = "unknown", f"{h.broker_id} was not read from {adapters.title(broker)}"
        return
    h.status = order.status
    h.book = order.fields
    if order.state == books.LIVE:
        if h.state == "cancelling":
            h.why = ""  # the cancel did not happen: it is live
        h.state = "live"
    elif order.state == books.DONE:
        h.state, h.why = "done", order.why
    elif order.state == books.CANCELLED:
        h.state, h.why = ("cancelled", "cancelled by ordspec") if h.state == "cancelling" else ("drift", order.why)
    elif order.state == books.GONE:
        h.state, h.why = "drift", order.why
    elif order.state == books.INACTIVE:
        h.state, h.why = _inactive(h, order, entries)
    else:
        h.state, h.why = "held", order.why
    if h.state == "live":  # what the broker holds, once read, is what was applied (kept as the file wrote it where equal)
        from ordspec.plan.model import same

        from ordspec.plan.model import OPTIONAL

        h.applied = {**h.applied, **{k: v for k, v in order.fields.items() if k not in h.applied or not same(k, h.applied[k], v)}}
        for name in OPTIONAL - set(order.fields):  # the book gives an order's legs, limit and scrips whole
            h.applied.pop(name, None)


def _settled_by_book(h: Held, was: str, entries: dict, broker: str) -> list[tuple]:
    """The journal entries of a step in doubt, settled by what the book shows."""
    from ordspec.plan.model import same

    out = []
    fields = h.pending.get("fields") or {}
    covers = h.pending.get("covers") or [list(fields)] * len(_pending_keys(h))
    for key, names in zip(_pending_keys(h), covers):
        entry = entries.get(key)
        if entry is None or entry.state not in IN_DOUBT:
            continue
        if was == "cancelling":
            done = h.state == "cancelled"
        else:
            held = h.book or {}
            done = all(k in held and same(k, held[k], fields[k]) for k in names if k in fields)
        word = "done" if done else "not done"
        out.append((key, CONFIRMED if done else REJECTED, h.broker_id if done else None, f"{word}, as {adapters.title(broker)}'s book showed `ordspec plan`"))
    return out


def _inactive(h: Held, order, entries: dict):
    """A SIP Codifi lists as not active: ordspec's own cancel or pause says which, else it is left alone."""
    if h.state == "cancelling":
        return "cancelled", "cancelled by ordspec"
    said = [e for e in entries.values() if e.state == CONFIRMED and e.operation in ("sip_cancel", "sip_pause", "sip_resume") and _order_no(e) == h.broker_id]
    said.sort(key=lambda e: e.updated)
    if said and said[-1].operation == "sip_cancel":
        return "drift", f"cancelled with `ordspec dispatch` from {said[-1].source}"
    if said and said[-1].operation == "sip_pause":
        return "held", f"paused with `ordspec dispatch` from {said[-1].source}: left as it is (resume it to run it again)"
    return "held", f"{order.why}: left as it is; resume it, or cancel it with `ordspec dispatch` (CANCEL SIP {h.broker_id}) and plan again to place it anew"


def _order_no(entry) -> str | None:
    try:
        body = json.loads(entry.body) if entry.body else None
    except ValueError:
        return None
    return body.get("orderNo") if isinstance(body, dict) else None


def _pending_keys(h: Held) -> list[str]:
    return (h.pending or {}).get("keys") or []


def _record(h: Held, broker: str, base_url: str) -> dict | None:
    """The names row to write for what was settled, or None when the row stays as it is."""
    if h.state in ("unknown", "modifying", "cancelling"):
        return None  # still in doubt: the row keeps its pending step
    if h.row is None and h.state == "none":
        return None  # nothing to keep of a dispatch send that did not place the order
    state = {"live": "live", "drift": "live", "held": "live", "done": "done", "cancelled": "cancelled", "none": "none"}[h.state]
    old = h.row or {}
    row = {
        "broker": broker, "base_url": base_url, "name": h.name, "generation": h.generation, "reference": h.reference,
        "broker_id": h.broker_id, "child_id": h.child_id, "kind": h.kind, "segment": h.segment,
        "applied": dump(h.applied), "pending": None, "steps": h.steps,
        "file": h.file, "line": h.line, "named": int(h.named), "state": state,
        "note": h.why if state in ("done", "cancelled") else old.get("note"),
    }
    if h.row is not None and all(row[k] == old.get(k) for k in row):
        return None
    return row


def dump(fields: dict | None) -> str | None:
    """A fields column as the names table keeps it."""
    return json.dumps(fields, sort_keys=True) if fields else None
