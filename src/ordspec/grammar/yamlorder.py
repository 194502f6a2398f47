"""The walk of one YAML order (a DSL line, or a mapping) into a statement, through the same
Assembler as the DSL; yamlform.py walks the file around the orders."""

from __future__ import annotations

from ordspec.grammar.assemble import Assembler
from ordspec.grammar.characters import TEXT_OPTIONS, needs_check, scalar_offset
from ordspec.grammar.dsl import place, read_line, statement
from ordspec.grammar.yamlcompose import Node, line_at
from ordspec.ir import CREATE, KINDS, VERBS
from ordspec.language import OPTIONS
from ordspec.source import SourceFile, Span, ascii_lower, ascii_upper, char_problem, odd_index


class Spans:
    """Place the tokens of a DSL line held in a YAML scalar."""

    def __init__(self, node: Node, source: SourceFile):
        self.line = node.start.line + 1
        quote = 1 if node.style in ("'", '"') else 0
        self.offset = node.start.column + quote
        line = line_at(source.text, node.start.index)
        written = line[self.offset : self.offset + len(node.value)]
        self.exact = node.style in (None, "", "'", '"') and written == node.value  # the C loader says "" for plain
        self.node_span = node.span(source.text)
        # a quoted line with escapes ('' or \u200b): walk what is written to place each token
        one_line = not self.exact and quote and node.start.line == node.end.line
        self.escaped = (line[node.start.column :], node.style, node.value, node.start.column) if one_line else None

    def __call__(self, token) -> Span:
        if self.exact:
            return Span(self.line, self.offset + token.column, self.line, self.offset + token.end_column)
        if self.escaped is not None:
            written, style, value, column = self.escaped
            start = scalar_offset(written, style, value, token.column - 1)
            end = scalar_offset(written, style, value, token.end_column - 1)
            if start is not None and end is not None:
                return Span(self.line, column + start + 1, self.line, column + end + 1)
        return self.node_span


_HEAD = ("kind", "action", "id", "side", "qty", "symbol", "type", "scid")
_ENTRY = ("trigger", "direction", "limit", "market", "order_type")
_PARTS = ("target", "sl", "frequency", "scrips")
_LEG = ("trigger", "limit", "order_type")
_SCRIP = ("qty", "symbol", "token", "exchange", "product")
ORDER_KEYS = _HEAD + _ENTRY + _PARTS + tuple(k for k in OPTIONS if k not in ("qty", "side"))


class Walker:
    """Walks orders into statements; each method reports what it finds out of place."""

    def __init__(self, build: Assembler, source: SourceFile):
        self.build = build
        self.source = source
        self.defaults: dict = {}  # the file's own `defaults:`
        # ASCII without controls or escapes: no key or value can hold a character out of place
        self.plain = not needs_check(source.text) and "\\" not in source.text

    def span(self, node: Node) -> Span:
        text = self.source.text
        if node.kind == "scalar" or not node.value:
            return node.span(text)
        # a block collection's end mark is where the next item starts: end at its last value
        first, last = node.span(text), node.last().span(text)
        return Span(first.line, first.column, last.end_line, last.end_column)

    def error(self, node: Node, message: str, help: str | None = None, rule: str = "syntax") -> None:
        self.build.report(rule, self.span(node), message, help)

    def order(self, item: Node):
        """The statement of one item of `orders`, or None (reported)."""
        if item.kind == "scalar" and not item.is_null and item.value.strip():
            return self.line(item)
        if item.kind == "map":
            return self.structured(item)
        return self.error(item, "an order is a DSL line or a mapping" if item.kind == "seq" else "an empty order")

    def mapping(self, node: Node, allowed, where: str, merged: int = 0, seen: set | None = None) -> dict:
        """key -> (key node, value node), with `<<` merges; reports unknown and repeated keys."""
        out: dict = {}
        merges = self.keys(node.value, allowed, where, out)
        seen = set() if seen is None else seen
        seen.add(id(node))
        self.merge(out, merges, allowed, where, merged, seen)
        return out

    def keys(self, pairs: list, allowed, where: str, out: dict) -> list:
        """Put the keys written in `pairs` in `out` (see mapping()); return the `<<` merges among them."""
        merges = []
        for key, value in pairs:
            if key.kind != "scalar":
                self.error(key, "a key is a plain word")
                continue
            name = key.value
            if not self.plain and self.odd(key):
                continue
            if name == "<<" and not key.style:
                merges.extend(value.value if value.kind == "seq" else [value])
                continue
            if allowed is not None and name not in allowed:
                from ordspec.values import suggest

                close = suggest(name, allowed)
                self.error(key, f"unknown key `{name}` {where}", f"did you mean `{ascii_lower(close)}`?" if close else None)
                continue
            if name in out:
                self.error(key, f"`{name}` is written twice", rule="duplicate-option")
                continue
            out[name] = (key, value)
        return merges

    def merge(self, out: dict, merges: list, allowed, where: str, merged: int, seen: set) -> None:
        """Add the keys of `merges` that `out` lacks (a key written wins over a merged one)."""
        for source in merges:
            if id(source) in seen:
                continue  # merged already: a mapping's keys count once
            if source.kind != "map" or merged > 8:
                self.error(source, "`<<` merges a mapping")
                continue
            for name, pair in self.mapping(source, allowed, where, merged + 1, seen).items():
                out.setdefault(name, pair)

    def odd(self, node: Node, name: str | None = None) -> bool:
        """Report a character that has no place in a key or a value (all but text options are ASCII)."""
        if name in TEXT_OPTIONS or (node.value.isascii() and node.value.isprintable()):
            return False
        index = odd_index(node.value, rupee=name == "qty", spaces=True)
        if index is None:
            return False
        span = self.span(node)
        if node.start.line == node.end.line and node.style in (None, "", "'", '"'):
            written = line_at(self.source.text, node.start.index)[node.start.column :]
            start, end = (scalar_offset(written, node.style, node.value, i) for i in (index, index + 1))
            if start is not None and end is not None:  # (an escape such as \u200b is underlined whole)
                span = Span(span.line, node.start.column + start + 1, span.line, node.start.column + end + 1)
        rule, message, help = char_problem(node.value[index])
        self.build.report(rule, span, message, help)
        return True

    def scalar(self, node: Node, name: str) -> bool:
        if node.kind == "scalar" and not node.is_null and node.value != "":
            value = node.value
            return self.plain or (value.isascii() and value.isprintable()) or not self.odd(node, name)
        if node.kind == "scalar" and node.value == "":
            self.error(node, f"`{name}` needs a value", rule="bad-value")
            return False
        self.error(node, f"`{name}` needs a value" if node.is_null else f"`{name}` takes a single value", rule="bad-value")
        return False

    def line(self, node: Node):
        spans = Spans(node, self.source)
        tree = read_line(self.build, node.value, spans)
        if tree is None:
            return
        if tree.rule in ("default", "broker"):
            return self.error(node, f"a `{tree.rule}` line cannot stand in `orders`", f"use the `{tree.rule}{'s' if tree.rule == 'default' else ''}:` key")
        place(tree, spans)
        return statement(self.build, tree, self.defaults)

    def structured(self, node: Node):
        build = self.build
        before = len(build.diagnostics)
        keys = self.mapping(node, ORDER_KEYS, "in an order")
        if any(d.name == "syntax" for d in build.diagnostics[before:]):
            return  # like a DSL line with a syntax error: not checked further
        if "kind" not in keys:
            return self.error(node, "an order needs `kind:` (GTT, OCO, BRACKET, SIP or SMALLCASE)")
        kind_key, kind = keys["kind"]
        if not self.scalar(kind, "kind"):
            return
        verb = CREATE
        if "action" in keys and self.scalar(keys["action"][1], "action"):
            verb = ascii_upper(keys["action"][1].value)
            if verb not in VERBS or verb == CREATE:
                return self.error(keys["action"][1], f"`{keys['action'][1].value}` is not an action: expected MODIFY, CANCEL, GET, LIST, PAUSE or RESUME", rule="bad-value")

        if ascii_upper(kind.value) not in KINDS or (verb != CREATE and ascii_upper(kind.value) == "SMALLCASE"):
            return self.error(kind, f"`{kind.value}` is not an order kind: expected {', '.join(KINDS)}", rule="bad-value")
        stmt = build.start(verb, kind.value, kind.span(), self.span(node))
        checked: dict = {}

        def value(name: str):
            if name not in checked:
                checked[name] = keys[name][1] if name in keys and self.scalar(keys[name][1], name) else None
            return checked[name]
        trade = verb == CREATE and stmt.kind.value != "SMALLCASE"
        if verb == "LIST" and "id" in keys:
            self.error(keys["id"][0], "LIST takes no `id`", rule="misplaced-option")
        elif verb not in (CREATE, "LIST"):
            if "id" not in keys:
                return self.error(node, f"{verb} needs `id:`, the broker's order id")
            if value("id"):
                build.order_id(stmt, value("id").value, value("id").span())
        for name in ("side", "qty", "symbol"):
            if name not in keys:
                if trade:
                    self.error(node, f"an order needs `{name}:`")
                continue
            v = value(name)
            if v is None:
                continue
            if trade:
                getattr(build, {"qty": "quantity"}.get(name, name))(stmt, v.value, v.span())
            else:
                build.option(stmt, name, v.value, keys[name][0].span(), v.span())
        if stmt.kind.value == "SMALLCASE" and verb == CREATE:
            sc_type = value("type")
            if sc_type is None:
                return self.error(node, "a SMALLCASE order needs `type:` (BUY, INVESTMORE, ..., or SIP_SETUP)")
            scid = value("scid")
            build.smallcase(stmt, sc_type.value, sc_type.span(), scid and scid.value, scid and scid.span())
        else:
            for name in ("type", "scid"):
                if name in keys:
                    self.error(keys[name][0], f"`{name}` applies to SMALLCASE orders", rule="misplaced-option")
        self.entry(stmt, keys)
        for role in ("target", "sl"):
            if role in keys:
                self.leg(stmt, role, *keys[role])
        if "frequency" in keys and value("frequency"):
            build.frequency(stmt, value("frequency").value, value("frequency").span())
        for name in OPTIONS:
            if name in keys and name not in ("qty", "side") and value(name):
                build.option(stmt, name, value(name).value, keys[name][0].span(), value(name).span())
        if "scrips" in keys:
            self.scrips(stmt, keys["scrips"][1])
        return build.finish(stmt, self.defaults)

    def entry(self, stmt, keys: dict) -> None:
        build = self.build
        build.bind(None)
        if "trigger" in keys and self.scalar(keys["trigger"][1], "trigger"):
            k, v = keys["trigger"]
            build.trigger(stmt, v.value, k.span(), v.span())
        if "direction" in keys and self.scalar(keys["direction"][1], "direction"):
            build.direction(stmt, keys["direction"][1].value, keys["direction"][1].span())
        if "market" in keys and self.scalar(keys["market"][1], "market"):
            k, v = keys["market"]
            if ascii_lower(v.value) in ("true", "yes", "on"):
                build.market(stmt, k.span())
            elif ascii_lower(v.value) not in ("false", "no", "off"):
                self.error(v, "`market` is true or false", rule="bad-value")
        if "limit" in keys and self.scalar(keys["limit"][1], "limit"):
            k, v = keys["limit"]
            build.bind(None)
            build.limit(stmt, v.value, k.span(), v.span())
        if "order_type" in keys and self.scalar(keys["order_type"][1], "order_type"):
            k, v = keys["order_type"]
            build.entry_type(stmt, v.value, k.span(), v.span())

    def leg(self, stmt, role: str, key: Node, value: Node) -> None:
        build = self.build
        if value.kind == "scalar" and not value.is_null:
            return build.leg(stmt, role, value.value, key.span(), value.span())
        if value.kind != "map":
            return self.error(value, f"`{role}` is a trigger price, or a mapping of trigger, limit and order_type")
        parts = self.mapping(value, _LEG, f"in a `{role}` leg")
        if "trigger" not in parts:
            return self.error(value, f"the `{role}` leg needs `trigger:`")
        trig_key, trig = parts["trigger"]
        if not self.scalar(trig, "trigger"):
            return
        build.leg(stmt, role, trig.value, key.span(), trig.span())
        leg = getattr(stmt, role)
        if leg is None:
            return
        if "limit" in parts and self.scalar(parts["limit"][1], "limit"):
            build.bind(leg)
            build.limit(stmt, parts["limit"][1].value, parts["limit"][0].span(), parts["limit"][1].span())
        if "order_type" in parts and self.scalar(parts["order_type"][1], "order_type"):
            build.order_type(stmt, leg, parts["order_type"][1].value, parts["order_type"][1].span())

    def scrips(self, stmt, node: Node) -> None:
        if node.kind != "seq":
            return self.error(node, "`scrips` is a list of {qty, symbol, token, exchange, product}")
        for item in node.value:
            if item.kind != "map":
                self.error(item, "a scrip is a mapping of qty, symbol, token, exchange, product")
                continue
            parts = self.mapping(item, _SCRIP, "in a scrip")
            if "qty" not in parts or "symbol" not in parts:
                self.error(item, "a scrip needs `qty:` and `symbol:`")
                continue
            (qk, qty), (sk, sym) = parts["qty"], parts["symbol"]
            if not (self.scalar(qty, "qty") and self.scalar(sym, "symbol")):
                continue
            self.build.scrip(stmt, qty.value, qty.span(), sym.value, sym.span(), item.span())
            for name in ("token", "exchange", "product"):
                if name in parts and self.scalar(parts[name][1], name):
                    self.build.option(stmt, name, parts[name][1].value, parts[name][0].span(), parts[name][1].span())
