"""The declared broker interface: what a back end may say, each hook with a safe default.

Like sqlglot's Dialect, the base declares everything a broker may change; a back end
(compiler/<name>.py) subclasses it and overrides only what differs, so that it reads as its
differences. Its table (compiler/<name>.json, declared by table.schema.json) holds what can be
data: what it offers, what it lets a MODIFY change, its words, its price format, its limits.

The hooks that rules call report through the rule's context (ctx.report(span, message, help)),
for the rule that asks:

    requirements(stmt, ctx)    missing-field: what the broker needs that its table cannot say
    unsupported(stmt, ctx)     unsupported: what the broker cannot do that its table cannot say
    not_modifiable(stmt, ctx)  not-modifiable: a change it cannot make, beyond its `modifiable` table
    silent(stmt, ctx)          silent-conversion: what it changes without saying so

and compile(stmt, ctx) builds the requests of a statement every rule has passed. How dispatch
reads the broker's answers is declared beside dispatch: dispatch/answers/base.py.
"""

from __future__ import annotations

from ordspec.compiler.request import Request, fixed, path
from ordspec.compiler.table import Table


class Broker:
    """A broker back end: its table, and hooks that do nothing unless a back end overrides them."""

    def __init__(self, table: Table):
        self.table = table
        self._offers = table["supports"]
        self.name: str = table["name"]
        self.title: str = table["title"]
        # read once, not once per request: what request(), word() and price() use
        self._operations = {verb: (op["name"], op["method"], op["path"], "{" in op["path"]) for verb, op in table["operations"].items()}
        self._enums: dict = table["enums"]
        self._encoding: str = table["encoding"]
        self._price_number: bool = table["price.json"] == "number"
        self._places: int | None = table["price.places"]

    def __repr__(self) -> str:
        return f"<Broker {self.name}>"

    # -- the table

    def setting(self, key: str):
        """A value of the table: `"list.max_window_months"`; the schema's default where the table has none."""
        return self.table.values[key]

    def supports(self, verb: str, kind: str) -> dict | None:
        """What the broker offers for `verb kind` ({"segments": ...}), or None if it does not offer it."""
        return self._offers.get(f"{verb} {kind}")

    def declares(self, key: str) -> bool:
        """Whether the broker says anything of `key`: a hook it overrides, or a table key it sets."""
        hook = getattr(Broker, key, None)
        if callable(hook):
            return getattr(type(self), key) is not hook
        value = self.table[key]
        return value is not None and value is not False and value != {} and value != []

    # -- what rules ask (each reports through ctx, for the rule that calls it)

    def requirements(self, stmt, ctx) -> None:
        """missing-field: report what this broker needs that its `required` table cannot say."""

    def unsupported(self, stmt, ctx) -> None:
        """unsupported: report what this broker cannot do that its `supports` table cannot say."""

    def not_modifiable(self, stmt, ctx) -> None:
        """not-modifiable: report a change this broker cannot make, beyond its `modifiable` table."""

    def silent(self, stmt, ctx) -> None:
        """silent-conversion: report what this broker changes in an order without saying so."""

    # -- compile

    def compile(self, stmt, ctx) -> list[Request]:
        """The requests of a statement that every rule has passed."""
        raise NotImplementedError(f"{self.name} compiles nothing")

    # helpers for back ends

    def request(self, stmt, verb: str, body, schema: str | None, query: dict | None = None, part: str | None = None, **params) -> Request:
        """The request of the table's operation for `verb`, its path filled with `params`; `part` names it
        among its statement's requests where there are several (one per leg), each journaled on its own."""
        name, method, template, filled = self._operations[verb]
        where = path(template, **params) if filled else template
        return Request(self.name, name, method, where, query or {}, body, stmt, schema, part, self._encoding if body is not None else "json")

    def word(self, table: str, field) -> str:
        """The broker's word for a field's value, from its `enums` table."""
        return self._enums[table][field.value]

    def price(self, field):
        """A price as the table says it is written: a string of `price.places` places, or an exact JSON number."""
        if field is None:
            return None
        if self._price_number:
            return field.value  # a Decimal: compiler/jsonout.py writes it exactly
        places = self._places
        return fixed(field.value, places) if places is not None else format(field.value, "f")
