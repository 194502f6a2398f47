"""The YAML front end: the same orders as the DSL, as mappings or as DSL lines.

    broker: groww                 # optional, like a `broker` line
    defaults: {product: CNC}      # optional, like `default` lines
    orders:
      - GTT BUY 10 TCS trigger 3985 down limit 3990        # a DSL line
      - {kind: OCO, side: SELL, qty: 75, symbol: NIFTY25OCT24000CE,
         target: {trigger: 120.50, limit: 121}, sl: 95, product: MIS}

The file is read as PyYAML events and composed into nodes that keep their positions
(yamlcompose.py: no Python object is ever constructed from it); this module walks the file's
keys, and yamlorder.py each order into a statement, through the same Assembler as the DSL.
stream() hands each order over as it is composed, and drops it once walked, wherever nothing
written after `orders:` could change what the orders mean (yamlcompose.settled()).
"""

from __future__ import annotations

import re

import yaml

from ordspec.grammar.assemble import Assembler
from ordspec.grammar.dsl import Parsed, broker_line
from ordspec.grammar.yamlcompose import Composer, Node, Unsafe, mark_span, settled
# (tests/test_yaml.py keeps the file's JSON Schema in sync with the keys, read from here)
from ordspec.grammar.yamlorder import _LEG, _SCRIP, ORDER_KEYS, Walker  # noqa: F401
from ordspec.source import BIDI, SourceFile, Span, char_name, hidden_text

MAX_BYTES = 64 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")  # what YAML's reader refuses
_TOP = ("broker", "defaults", "orders")
_EVERY_ORDER = ("broker", "defaults")  # the top keys that apply to every order, wherever they stand
_AT_TOP = "at the top of an order file"
_REFUSED = object()


def parse(source: SourceFile, defaults: dict | None = None, *, brokers) -> Parsed:
    """The statements of a file, all read, from the document composed whole (see stream())."""
    parsed = Parsed(source)
    build = Assembler(source.name, parsed.diagnostics, defaults, brokers)
    parsed.statements = list(_statements(parsed, build, streams=False))
    return parsed


def stream(source: SourceFile, defaults: dict | None = None, *, brokers) -> Parsed:
    """The statements of a file, read lazily (dsl.stream): `defaults` (from the configuration) apply after
    the file's own; brokers() names the brokers a `broker` key may name. Where nothing after `orders:`
    can change the orders (settled()), each is composed, walked and dropped as it is taken, so a run
    holds one order's nodes, not the file's; else the document is composed whole first. `broker` is
    final before the first statement is given; `diagnostics` once the last is taken."""
    parsed = Parsed(source)
    build = Assembler(source.name, parsed.diagnostics, defaults, brokers)
    parsed.statements = _statements(parsed, build, streams=True)
    return parsed


def _statements(parsed: Parsed, build: Assembler, streams: bool):
    source = parsed.source
    text = source.text
    if len(text) > MAX_BYTES:
        build.report("unsafe-yaml", Span(1, 1, 1, 2), f"this YAML file is larger than {MAX_BYTES // 2**20} MiB")
        return
    if _control(build, source):
        return
    composer = Composer(text, source, hand_over=(lambda at: settled(text, at, _EVERY_ORDER)) if streams else None)
    items = composer.items()
    item = _next(items, build, source)  # the first order handed over, or None: all composed
    if item is _REFUSED:
        return
    _bidi(build, source)
    walker = _Walker(build, parsed, source)
    if item is None:
        if composer.root is not None and not composer.root.is_null:
            yield from walker.file(composer.root)
        return
    walker.head(composer.root)
    while item is not None:
        stmt = walker.order(item)
        if stmt is not None:
            yield stmt
        item = _next(items, build, source)
        if item is _REFUSED:  # (settled() leaves nothing to refuse after the first order: a last guard)
            return
    walker.tail(composer.root)


def _next(items, build: Assembler, source: SourceFile):
    """The next order handed over (None once all is composed), or _REFUSED: the file is reported."""
    try:
        return next(items, None)
    except Unsafe as e:
        build.report("unsafe-yaml", mark_span(e.mark, source), str(e))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        build.report("syntax", mark_span(mark, source), f"not valid YAML: {e.problem or e.context}")
    except (yaml.YAMLError, RecursionError) as e:
        build.report("syntax", Span(1, 1, 1, 2), f"not valid YAML: {e}")
    return _REFUSED


def _control(build: Assembler, source: SourceFile) -> bool:
    """A control character YAML refuses to read (a tab and line ends aside): `hidden-text` at it."""
    found = _CONTROL.search(source.text)
    if found is None:
        return False
    line, column = source.position(found.start())
    message = f"{char_name(found.group())}: YAML reads no file that holds one, and an editor may show nothing here"
    build.report("hidden-text", Span(line, column, line, column + 1), message, "remove it")
    return True


def _bidi(build: Assembler, source: SourceFile) -> None:
    """Text-direction controls, anywhere (YAML's own line breaks are line breaks to YAML too)."""
    if not any(c in source.text for c in BIDI):
        return
    seen = set()
    for found in re.finditer(f"[{BIDI}]", source.text):
        line, column = source.position(found.start())
        if line not in seen:  # one per line
            seen.add(line)
            build.report("hidden-text", Span(line, column, line, column + 1), *hidden_text(found.group()))


class _Walker(Walker):
    """The file around the orders: its top keys, then each order (yamlorder.Walker)."""

    def __init__(self, build: Assembler, parsed: Parsed, source: SourceFile):
        super().__init__(build, source)
        self.parsed = parsed
        self.written: dict = {}  # the top keys written before a list whose orders are handed over
        self.told = 0  # how many of the root's pairs head() read
        self.seen: set = set()  # the mappings merged into the root (mapping()'s `seen`)

    def file(self, root: Node):
        """The statements of a document composed whole."""
        if root.kind == "seq":
            yield from self.orders(root)
            return
        if root.kind != "map":
            return self.error(root, "expected a list of orders, or a mapping with `orders:`")
        keys = self.mapping(root, _TOP, _AT_TOP)
        self.top(keys)
        if "orders" not in keys:
            return self.error(root, "an order file needs `orders:`, a list of orders")
        yield from self.orders(keys["orders"][1])

    def head(self, root: Node) -> None:
        """What file() reads before the orders, for a root whose orders are handed over: its pairs before
        `orders:` (settled(): no key written after it, nor merged in, applies to the orders)."""
        if root.kind != "map":
            return
        merges = self.keys(root.value, _TOP, _AT_TOP, self.written)
        keys = dict(self.written)
        self.seen.add(id(root))
        self.merge(keys, merges, _TOP, _AT_TOP, 0, self.seen)
        self.top(keys)
        self.told = len(root.value)

    def tail(self, root: Node) -> None:
        """The root's pairs from `orders:` on, once its orders are taken: only reported (as file() does)."""
        if root.kind == "map":
            merges = self.keys(root.value[self.told :], _TOP, _AT_TOP, self.written)
            self.merge(dict(self.written), merges, _TOP, _AT_TOP, 0, self.seen)

    def top(self, keys: dict) -> None:
        if "broker" in keys:
            key, value = keys["broker"]
            if self.scalar(value, "broker"):
                broker_line(self.build, self.parsed, value.value, value.span())
        if "defaults" in keys:
            key, value = keys["defaults"]
            if value.kind != "map":
                self.error(value, "`defaults` is a mapping of option: value")
            else:
                for name, (k, v) in self.mapping(value, None, "in defaults").items():
                    if self.scalar(v, name):
                        self.build.default(self.defaults, name, v.value, k.span(), v.span())

    def orders(self, node: Node):
        if node.is_null:
            return
        if node.kind != "seq":
            return self.error(node, "`orders` is a list")
        for item in node.value:
            stmt = self.order(item)
            if stmt is not None:
                yield stmt
