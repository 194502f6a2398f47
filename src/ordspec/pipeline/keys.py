"""Each statement's idempotency key: its `ref`, or one derived from what the order is.

compiler/refs.py derives the reference id itself (a hash of the order's identity and its
occurrence among identical orders in the file); this module decides which statements get which
key, once for lint, compile and dispatch alike, and keeps the keys of the creates, which the
run-wide rule duplicate-reference compares across every file of the run.
"""

from __future__ import annotations

from ordspec.ir import CREATE


class Keys:
    """The keys of one file's statements."""

    def __init__(self, found: list, derive_creates: bool, hashed: bool):
        self.found = found  # (key, derived, file, span) of every create: the run's, shared by its files
        self.derive_creates = derive_creates  # a create without `ref` gets a derived key (its broker has them, or compile)
        self.hashed = hashed  # the real reference ids (compile, dispatch), and keys for actions too
        self.occurrences: dict[str, int] = {}

    def assign(self, stmt) -> None:
        if stmt.verb != CREATE:
            if self.hashed:  # dispatch journals actions too, by what they are
                stmt.key, stmt.key_derived = self._derived(stmt), True
            return
        ref = stmt.options.get("ref")
        if ref is not None:
            stmt.key, stmt.key_derived = ref.value, False
            self.found.append((ref.value, False, stmt.file, ref))
        elif self.derive_creates:
            stmt.key, stmt.key_derived = self._derived(stmt), True
            self.found.append((stmt.key, True, stmt.file, stmt.kind))

    def _derived(self, stmt) -> str:
        from ordspec.compiler.refs import derive, identity  # (not on the path of a lint that derives nothing)

        text = identity(stmt)
        n = self.occurrences.get(text, 0)
        self.occurrences[text] = n + 1
        # Lint only needs to know which orders would share an id, and equal identities are
        # equal ids: hashing waits for compile and dispatch.
        return derive(text, n) if self.hashed else f"{text}#{n}"
