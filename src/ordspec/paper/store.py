"""The paper broker's state: orders and SIPs of every broker, in SQLite."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time

_SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    broker TEXT NOT NULL,
    id TEXT NOT NULL,
    ref TEXT,
    kind TEXT NOT NULL,
    segment TEXT,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    modifications INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (broker, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS orders_ref ON orders (broker, ref) WHERE ref IS NOT NULL;
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS moves (broker TEXT NOT NULL, id TEXT NOT NULL, part TEXT NOT NULL, state TEXT NOT NULL,
                                  PRIMARY KEY (broker, id, part));
"""


class Order:
    __slots__ = ("broker", "id", "ref", "kind", "segment", "status", "data", "modifications", "created", "updated")

    def __init__(self, row):
        for name, value in zip(self.__slots__, row):
            setattr(self, name, value)
        self.data = json.loads(self.data)


class Store:
    def __init__(self, path: str = ":memory:"):
        self.lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.executescript(_SCHEMA)

    def next_number(self, name: str, start: int) -> int:
        with self.lock:
            row = self.db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
            value = (row[0] if row else start) + 1
            self.db.execute("INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)", (name, value))
            return value

    @staticmethod
    def hex_id(prefix: str) -> str:
        return prefix + secrets.token_hex(3)

    def add(self, broker: str, id: str, kind: str, status: str, data: dict, ref=None, segment=None) -> None:
        now = time.time()
        with self.lock:
            self.db.execute(
                "INSERT INTO orders (broker, id, ref, kind, segment, status, data, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (broker, id, ref, kind, segment, status, json.dumps(data), now, now),
            )

    def get(self, broker: str, id: str) -> Order | None:
        with self.lock:
            row = self.db.execute(
                "SELECT broker, id, ref, kind, segment, status, data, modifications, created, updated FROM orders WHERE broker = ? AND id = ?",
                (broker, id),
            ).fetchone()
        return Order(row) if row else None

    def by_ref(self, broker: str, ref: str) -> Order | None:
        with self.lock:
            row = self.db.execute(
                "SELECT broker, id, ref, kind, segment, status, data, modifications, created, updated FROM orders WHERE broker = ? AND ref = ?",
                (broker, ref),
            ).fetchone()
        return Order(row) if row else None

    def update(self, order: Order, status: str | None = None, data: dict | None = None, modified: bool = False) -> None:
        with self.lock:
            self.db.execute(
                "UPDATE orders SET status = ?, data = ?, modifications = modifications + ?, updated = ? WHERE broker = ? AND id = ?",
                (status or order.status, json.dumps(data if data is not None else order.data), 1 if modified else 0, time.time(), order.broker, order.id),
            )

    def all(self, broker: str | None = None) -> list[Order]:
        query = "SELECT broker, id, ref, kind, segment, status, data, modifications, created, updated FROM orders"
        with self.lock:
            rows = self.db.execute(query + (" WHERE broker = ?" if broker else "") + " ORDER BY created", (broker,) if broker else ()).fetchall()
        return [Order(r) for r in rows]

    # -- the engine's state of an order that prices have moved (book.py); `part` tells a SIP's scrips apart

    def move(self, broker: str, id: str, part: str) -> dict | None:
        with self.lock:
            row = self.db.execute("SELECT state FROM moves WHERE broker = ? AND id = ? AND part = ?", (broker, id, part)).fetchone()
        return json.loads(row[0]) if row else None

    def set_move(self, broker: str, id: str, part: str, state: dict) -> None:
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO moves (broker, id, part, state) VALUES (?, ?, ?, ?)", (broker, id, part, json.dumps(state)))

    def forget_moves(self, broker: str, id: str) -> None:
        with self.lock:
            self.db.execute("DELETE FROM moves WHERE broker = ? AND id = ?", (broker, id))

    def find(self, id: str) -> list[Order]:
        """Every broker's order with this id."""
        with self.lock:
            rows = self.db.execute(
                "SELECT broker, id, ref, kind, segment, status, data, modifications, created, updated FROM orders WHERE id = ?", (id,)
            ).fetchall()
        return [Order(r) for r in rows]
