"""Plan files (`ordspec plan -o PLAN`) and what makes one stale.

A plan file is JSON: the broker and base URL, the journal, every action with the exact requests it
sends (built when the plan was made), what plan settled in the journal, and a snapshot of the book
and of the journal it was made against, with its digest. `ordspec apply PLAN` reads the book and the
journal again: a different digest means the plan is stale, and nothing is sent. A checksum over the
whole file tells a file edited by hand (or cut short) from one ordspec wrote; the requests are
checked against their schemas again as they are read.
"""

from __future__ import annotations

import hashlib
import json
import os
from decimal import Decimal

from ordspec import __version__
from ordspec.plan import adapters, books, brokers
from ordspec.plan.adapters import PlanError
from ordspec.plan.model import Action, Step

FORMAT = 1  # the plan file format this ordspec writes and reads
MAX_SIZE = 64 * 2**20


def document(plan, shown: str) -> dict:
    doc = {
        "ordspec_plan": FORMAT,
        "ordspec": __version__,
        "broker": plan.broker,
        "base_url": plan.base_url,
        "journal": os.path.abspath(plan.journal_path),
        "as_of": plan.as_of.isoformat(),
        "files": plan.files,
        "managed": {i: list(v) for i, v in plan.managed.items()},
        "snapshot": plan.snapshot,
        "digest": plan.digest,
        "settle": [list(s) for s in plan.state.settle],
        "records": plan.state.records,
        "actions": [_action(a) for a in plan.actions],
        "shown": shown,
    }
    doc["checksum"] = _checksum(doc)
    return doc


def _action(a) -> dict:
    return {
        "action": a.action, "name": a.name, "named": a.named, "kind": a.kind, "file": a.file, "line": a.line,
        "broker_id": a.broker_id, "reason": a.reason, "changes": [list(c) for c in a.changes], "before": a.before, "after": a.after,
        "notes": a.notes,
        "steps": [
            {"op": s.op, "name": s.name, "generation": s.generation, "reference": s.reference, "fields": s.fields, "kind": s.kind,
             "segment": s.segment, "file": s.file, "line": s.line,
             "requests": [{"key": key, "covers": covers, "request": adapters.request_data(r)} for key, r, covers in s.requests]}
            for s in a.steps
        ],
    }


def _checksum(doc: dict) -> str:
    body = {k: v for k, v in doc.items() if k != "checksum"}
    return hashlib.sha256(adapters.json_text(body, indent=None).encode()).hexdigest()


def write(path: str, plan, shown: str) -> None:
    """Write atomically: a reader never sees half a plan."""
    text = adapters.json_text(document(plan, shown)) + "\n"
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise PlanError(f"{path}: {e.strerror or e}") from None


def read(path: str) -> dict:
    """A plan file, checked whole; PlanError (exit 2) saying what is wrong with it."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SIZE + 1)
    except OSError as e:
        raise PlanError(f"{path}: {e.strerror or e}") from None
    if len(data) > MAX_SIZE:
        raise PlanError(f"{path} is larger than {MAX_SIZE // 2**20} MiB: not a plan ordspec wrote")
    try:
        doc = json.loads(data.decode("utf-8"), parse_float=Decimal, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PlanError(f"{path} is not a plan file (not JSON, or cut short): make it again with `ordspec plan -o {path}`") from None
    if not isinstance(doc, dict) or "ordspec_plan" not in doc:
        raise PlanError(f"{path} is not a plan file: `ordspec plan -o {path}` writes one")
    if doc["ordspec_plan"] != FORMAT:
        raise PlanError(f"{path} is a plan of format {doc['ordspec_plan']!r} (ordspec {doc.get('ordspec', '?')}); this ordspec reads format {FORMAT}: plan again")
    if doc.get("checksum") != _checksum(doc):
        raise PlanError(f"{path} was changed after ordspec wrote it (its checksum does not match): plan again, and review the new plan")
    try:
        _check(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise PlanError(f"{path} is not a plan this ordspec can apply ({type(e).__name__}: {e})") from None
    return doc


def _no_constant(name):
    raise ValueError(name)


def _check(doc: dict) -> None:
    for key, kind in (("broker", str), ("base_url", str), ("journal", str), ("digest", str), ("actions", list), ("records", list),
                      ("settle", list), ("managed", dict), ("snapshot", dict)):
        if not isinstance(doc.get(key), kind):
            raise ValueError(f"`{key}` is not {kind.__name__}")
    from datetime import date

    date.fromisoformat(doc["as_of"])
    if doc["broker"] not in adapters.names():
        raise ValueError(f"broker {doc['broker']!r}")
    adapters.get(doc["broker"])
    for a in doc["actions"]:
        for s in a["steps"]:
            for r in s["requests"]:
                if not isinstance(r["key"], str) or not isinstance(r["covers"], list) or not isinstance(r["request"], dict):
                    raise ValueError("a request of a step")
    for s in doc["settle"]:
        if not (isinstance(s, list) and len(s) == 4 and s[1] in ("confirmed", "rejected")):
            raise ValueError("a settled journal entry")


class Saved:
    """A plan file as apply reads it: the same parts make() gives a Plan."""

    def __init__(self, doc: dict):
        from ordspec.plan.state import State

        self.doc = doc
        self.broker = doc["broker"]
        self.title = adapters.title(self.broker)
        self.base_url = doc["base_url"]
        self.journal_path = doc["journal"]
        self.digest = doc["digest"]
        self.managed = {i: tuple(v) for i, v in doc["managed"].items()}
        self.state = State()
        self.state.settle = [tuple(s) for s in doc["settle"]]
        self.state.records = doc["records"]
        self.actions = [self._action(a) for a in doc["actions"]]

    def _action(self, data: dict) -> Action:
        a = Action(data["action"], data["name"], data["kind"], data["file"], data["line"], data["broker_id"], data["reason"],
                   data["before"], data["after"], bool(data["named"]))
        a.changes = [tuple(c) for c in data["changes"]]
        a.notes = list(data["notes"])
        for s in data["steps"]:
            requests = [(r["key"], adapters.saved_request(self.broker, r["request"]), list(r["covers"])) for r in s["requests"]]
            a.steps.append(Step(s["op"], s["name"], s["generation"], s["reference"], requests, s["fields"], s["kind"], s["segment"], s["file"], s["line"]))
        return a

    def counts(self) -> dict:
        from ordspec.plan import Plan

        return Plan.counts(self)


def stale(saved: Saved, journal, sender, as_of) -> list[str]:
    """What moved since the plan was made ([] when nothing did): the book, read again, and the journal."""
    from ordspec.plan import digest, snapshot

    reader = brokers.reader(saved.broker)
    book = reader.read(books.Connection(saved.broker, sender, as_of), saved.managed) if reader.readable else books.Book(False)
    now = snapshot(journal, saved.broker, saved.base_url, book)
    if digest(now) == saved.digest:
        return []
    return moved(saved.doc["snapshot"], json.loads(json.dumps(now, default=str)))


def moved(then: dict, now: dict) -> list[str]:
    out = []
    old, new = (then.get("book") or {}).get("orders", {}), (now.get("book") or {}).get("orders", {})
    for ident in sorted(set(old) | set(new)):
        a, b = old.get(ident), new.get(ident)
        if a is None:
            out.append(f"{ident}: appeared at the broker ({b['status']})")
        elif b is None:
            out.append(f"{ident}: no longer read at the broker (was {a['status']})")
        elif a["status"] != b["status"]:
            out.append(f"{ident}: {a['status']} -> {b['status']}")
        elif a["fields"] != b["fields"]:
            fields = sorted(k for k in set(a["fields"]) | set(b["fields"]) if a["fields"].get(k) != b["fields"].get(k))
            said = ", ".join(f"{k} {a['fields'].get(k)} -> {b['fields'].get(k)}" for k in fields)
            out.append(f"{ident}: {said}")
    jo, jn = then.get("journal", {}), now.get("journal", {})
    for name in sorted(set(jo.get("names", {})) | set(jn.get("names", {}))):
        if jo.get("names", {}).get(name) != jn.get("names", {}).get(name):
            out.append(f"journal: the order {name} changed (another apply or plan's records)")
    for key in sorted(set(jo.get("requests", {})) | set(jn.get("requests", {}))):
        a, b = jo.get("requests", {}).get(key), jn.get("requests", {}).get(key)
        if a != b:
            out.append(f"journal: {key}: {a[0] if a else 'absent'} -> {b[0] if b else 'absent'}")
    return out or ["the book or the journal (their digest differs)"]
