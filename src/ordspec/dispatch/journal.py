"""The dispatch journal: what was sent, before it is sent, and what the broker answered.

A request is written down, committed and synced as `sending` before a byte
of it leaves; after a definite answer it becomes `confirmed` or `rejected`.
A run killed at any moment leaves at most one request `sending`: the next
run treats it as an unknown outcome, resent only where the broker
deduplicates. The journal holds bodies and broker ids, never credentials.

Keys are "broker base-url key": the same order file sent to the paper broker
and then to the real one is two different sends.

`ordspec plan` and `apply` keep their state here too, in the `names` table:
which order name maps to which broker order, its generation (a replace makes
a new one), the fields last applied, and the step begun and not yet settled.
Schema 1 had the requests table alone; schema 2 adds `names` and `meta`
(additive: an older journal is migrated when opened, and an older ordspec
still reads its requests). A journal of a newer schema is refused.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time

SENDING, CONFIRMED, REJECTED, UNKNOWN = "sending", "confirmed", "rejected", "unknown"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    key TEXT PRIMARY KEY,
    broker TEXT NOT NULL,
    base_url TEXT NOT NULL,
    operation TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT,
    source TEXT NOT NULL,
    state TEXT NOT NULL,
    broker_id TEXT,
    message TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS names (
    broker TEXT NOT NULL,
    base_url TEXT NOT NULL,
    name TEXT NOT NULL,
    generation INTEGER NOT NULL DEFAULT 0,
    reference TEXT NOT NULL,
    broker_id TEXT,
    child_id TEXT,
    kind TEXT NOT NULL,
    segment TEXT,
    applied TEXT,
    pending TEXT,
    steps INTEGER NOT NULL DEFAULT 0,
    file TEXT,
    line INTEGER,
    named INTEGER NOT NULL DEFAULT 1,
    state TEXT NOT NULL,
    note TEXT,
    updated REAL NOT NULL,
    PRIMARY KEY (broker, base_url, name)
)
"""
SCHEMA = 2  # the newest journal schema this ordspec reads and writes
NAME_COLUMNS = ("broker", "base_url", "name", "generation", "reference", "broker_id", "child_id", "kind", "segment",
                "applied", "pending", "steps", "file", "line", "named", "state", "note")


def default_path() -> str:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(base, "ordspec", "journal.sqlite")


class Entry:
    __slots__ = ("key", "broker", "operation", "path", "body", "source", "state", "broker_id", "message", "attempts", "updated")

    def __init__(self, row):
        for name, value in zip(self.__slots__, row):
            setattr(self, name, value)


class JournalError(Exception):
    """A journal ordspec cannot use, or one another dispatch is using (exit 2)."""


def normal_url(url: str) -> str:
    """The base URL as the journal keys it: scheme and host lower-cased, default port and trailing / dropped."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    port = parts.port
    if port and not ((parts.scheme == "https" and port == 443) or (parts.scheme == "http" and port == 80)):
        host = f"{host}:{port}"
    return f"{parts.scheme.lower()}://{host}{parts.path.rstrip('/')}"


class Journal:
    def __init__(self, path: str, lock: bool = True, readonly: bool = False):
        """readonly: read an existing journal as it is (`ordspec plan`): no lock, no migration, no write."""
        self.path = path
        self._lock = None
        if readonly:
            try:
                self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
                found = schema_of(self.db)
                self.db.execute("SELECT count(*) FROM requests").fetchone()
            except sqlite3.Error as e:
                raise JournalError(f"cannot read the journal {path}: {e}") from None
            if found > SCHEMA:
                self.db.close()
                raise JournalError(newer(path, found))
            return
        try:
            if path != ":memory:":
                os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
                if lock:
                    self._take_lock(path)
            self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")  # a commit is on disk before the request goes out
            self._migrate()
        except (sqlite3.Error, OSError) as e:
            self._release()
            raise JournalError(f"cannot use the journal {path}: {e}") from None
        except JournalError:
            self._release()
            raise

    def _migrate(self) -> None:
        found = schema_of(self.db)
        if found > SCHEMA:
            raise JournalError(newer(self.path, found))
        self.db.executescript(_SCHEMA)
        if found < SCHEMA:
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA),))

    def _take_lock(self, path: str) -> None:
        """One dispatch per journal at a time: two at once could both send an order."""
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock (documented)
            return
        self._lock = open(path + ".lock", "a")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._release()
            raise JournalError(f"another ordspec dispatch is using the journal {path}: wait for it to finish") from None

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def close(self) -> None:
        self.db.close()
        self._release()

    @staticmethod
    def body_text(body) -> str | None:
        from ordspec.compiler.jsonout import dumps

        return None if body is None else dumps(body, indent=None)

    def get(self, key: str) -> Entry | None:
        row = self.db.execute(
            "SELECT key, broker, operation, path, body, source, state, broker_id, message, attempts, updated FROM requests WHERE key = ?",
            (key,),
        ).fetchone()
        return Entry(row) if row else None

    def sending(self, key: str, request, base_url: str, source: str) -> None:
        """Record the request as about to be sent; committed before it is."""
        now = time.time()
        self.db.execute(
            """INSERT INTO requests (key, broker, base_url, operation, method, path, body, source, state, attempts, created, updated)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
               ON CONFLICT(key) DO UPDATE SET state = excluded.state, body = excluded.body, source = excluded.source,
                   attempts = attempts + 1, updated = excluded.updated""",
            (key, request.broker, base_url, request.operation, request.method, request.path, self.body_text(request.body), source, SENDING, now, now),
        )

    def settle(self, key: str, state: str, broker_id: str | None, message: str | None) -> None:
        self.db.execute(
            "UPDATE requests SET state = ?, broker_id = COALESCE(?, broker_id), message = ?, updated = ? WHERE key = ?",
            (state, broker_id, message, time.time(), key),
        )

    def entries(self, state: str | None = None) -> list[Entry]:
        query = "SELECT key, broker, operation, path, body, source, state, broker_id, message, attempts, updated FROM requests"
        rows = self.db.execute(query + (" WHERE state = ?" if state else "") + " ORDER BY created", (state,) if state else ())
        return [Entry(r) for r in rows]

    def resolve(self, key: str, placed: str | None) -> str | None:
        """Settle an unknown outcome by hand: placed with this id, or not placed (None); why not, or None."""
        entry = self.get(key)
        if entry is None:
            return "no request with key"
        if entry.state not in (SENDING, UNKNOWN):
            return f"this request is {entry.state}, not unknown: there is nothing to resolve"
        if placed:
            self.settle(key, CONFIRMED, placed, "resolved by hand: placed")
        else:
            self.settle(key, REJECTED, None, "resolved by hand: not placed")
        return None


    # -- plan and apply: names

    def names(self, broker: str, base_url: str) -> list[dict]:
        """Every name plan/apply keeps for this broker and base URL, as {column: value}."""
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'names'").fetchone():
            return []  # a schema-1 journal, read without migrating it
        rows = self.db.execute(
            f"SELECT {', '.join(NAME_COLUMNS)} FROM names WHERE broker = ? AND base_url = ? ORDER BY name", (broker, base_url)
        )
        return [dict(zip(NAME_COLUMNS, row)) for row in rows]

    def save_name(self, row: dict) -> None:
        """Write one name's row whole (one statement: it is on disk, or it is not)."""
        values = [row.get(c) for c in NAME_COLUMNS]
        self.db.execute(
            f"INSERT OR REPLACE INTO names ({', '.join(NAME_COLUMNS)}, updated) VALUES ({', '.join('?' * len(NAME_COLUMNS))}, ?)",
            (*values, time.time()),
        )


def schema_of(db) -> int:
    """The schema of an open journal: 1 before the meta table existed (or for a new file)."""
    has_meta = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    if not has_meta:
        return 1
    row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    try:
        return int(row[0]) if row else 1
    except (TypeError, ValueError):
        return SCHEMA + 1  # a schema ordspec cannot read is treated as newer: refused, never guessed at


def newer(path: str, found: int) -> str:
    return f"the journal {path} was written by a newer ordspec (schema {found}; this one reads up to {SCHEMA}): use that ordspec, or another --journal"


def as_json(entry: Entry) -> dict:
    return {
        "key": entry.key,
        "broker": entry.broker,
        "operation": entry.operation,
        "path": entry.path,
        "body": json.loads(entry.body) if entry.body else None,
        "source": entry.source,
        "state": entry.state,
        "broker_id": entry.broker_id,
        "message": entry.message,
        "attempts": entry.attempts,
    }
