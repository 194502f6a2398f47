"""Declarative orders: `ordspec plan` and `ordspec apply`.

The files hold the orders that should exist; the journal (dispatch/journal.py, its `names` table)
holds which broker order each name is; the broker's book, read where it can be, says what became
of them. plan compares the three and lists the actions (create, modify, replace, cancel; done and
held change nothing); apply carries them out through dispatch's Sender, each request journaled
before it is sent, so that a run killed at any point and run again converges.

    model.py     desired orders, held orders, actions and steps; reference ids of generations
    adapters.py  the one door into the rest of ordspec (checker, back ends, dispatch, broker hooks)
    books.py     what reading a broker's book builds on (Reader, Book, BookOrder)
    brokers/     a plan module per broker, found by name: its reader, its limits, its modifies
    state.py     the journal's names, settled against the dispatch journal and the book
    diff.py      the reconciler
    steps.py     the requests of each action, as statements compiled by the back ends
    apply.py     carrying a plan out
    render.py    text and JSON
    saved.py     plan files, and what makes one stale
"""

from __future__ import annotations

import hashlib
import json

from ordspec.plan import adapters, books, brokers, diff, state as held_state
from ordspec.plan.model import CHANGES, UNKNOWN, Desired
from ordspec.plan.steps import Builder


class Plan:
    def __init__(self, broker: str, base_url: str, journal_path: str, as_of):
        self.broker = broker
        self.title = adapters.title(broker)
        self.base_url = base_url
        self.journal_path = journal_path
        self.as_of = as_of
        self.actions: list = []
        self.reader = brokers.reader(broker)
        self.state: held_state.State | None = None
        self.managed: dict = {}  # the broker orders read one by one: {id: (kind, segment)}
        self.snapshot: dict = {}
        self.files: list[str] = []
        self.notes: list[str] = []

    @property
    def digest(self) -> str:
        return digest(self.snapshot)

    def counts(self) -> dict:
        out = dict.fromkeys(CHANGES, 0)
        for a in self.actions:
            if a.action in out:
                out[a.action] += 1
        return out

    @property
    def changes(self) -> bool:
        return any(self.counts().values())

    @property
    def unknown(self) -> list:
        return [a for a in self.actions if a.action == UNKNOWN]


def desired_orders(checked) -> list[Desired]:
    """The orders of checked files (their create requests), with their names."""
    out = []
    for request in checked.requests:
        stmt = request.statement
        out.append(Desired(stmt.key, "ref" in stmt.options, stmt, request))
    return out


def make(checked, base_url: str, journal, sender, journal_path: str) -> Plan:
    """The plan for checked files: refresh, settle, reconcile. Raises books.RefreshError."""
    broker = checked.broker.name
    plan = Plan(broker, base_url, journal_path, checked.run.as_of)
    plan.files = list(checked.run.sources)
    desired = desired_orders(checked)
    conn = books.Connection(broker, sender, plan.as_of)
    found = held_state.load(journal, broker, base_url, desired, conn, plan.reader)
    plan.state = found
    plan.managed = found.managed
    builder = Builder(broker, base_url, checked.run, plan.as_of, found.book.state, plan.reader)
    plan.actions = diff.reconcile(desired, found.helds, builder)
    refused = plan.reader.refuse(found.book, plan.actions)
    if refused:
        raise adapters.PlanError(refused)
    records = {r["name"]: r for r in found.records}
    for d in desired:  # an order moved within its files: the journal follows it
        h = found.helds.get(d.name)
        if h is not None and h.row is not None and h.state == "live" and (h.file, h.line) != (d.file, d.line):
            if d.name in records:
                records[d.name].update(file=d.file, line=d.line)
            else:
                found.records.append({**h.row, "file": d.file, "line": d.line})
    plan.snapshot = snapshot(journal, broker, base_url, found.book)
    if not plan.reader.readable:
        plan.notes.append(f"{plan.title} has no read endpoint: this plan is from the journal alone, and cannot see what happened at the broker since ordspec last sent anything.")
    return plan


def snapshot(journal, broker: str, base_url: str, book) -> dict:
    """What a saved plan was made against: the book as read, and this broker's part of the journal."""
    prefix = f"{broker} {base_url} "
    names = {row["name"]: row for row in journal.names(broker, base_url)}
    requests = {
        e.key: [e.state, e.broker_id, hashlib.sha256((e.body or "").encode()).hexdigest()[:16]]
        for e in journal.entries() if e.key.startswith(prefix)
    }
    return {"book": book.snapshot() if book.readable else None, "journal": {"names": names, "requests": requests}}


def digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()
