"""YAML as ordspec reads it: PyYAML's events composed into nodes that keep their positions.

Composed here, iteratively: no Python object is ever constructed from the file (no tags
honoured), aliases are followed within a budget, nesting is bounded, and every value keeps its
line and column. Scalars are read as the text written (120.50 stays "120.50"; YAML never turns a
price into a float here). A file this refuses raises Unsafe, at the mark it refuses.
"""

from __future__ import annotations

import yaml

from ordspec.source import SourceFile, Span, regex

MAX_DEPTH = 64
ALIAS_BUDGET = 100_000  # nodes that aliases may add on top of the ones written
_NULLS = ("", "~", "null", "Null", "NULL")
_STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "merge")}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Unsafe(Exception):
    def __init__(self, message: str, mark):
        super().__init__(message)
        self.mark = mark


class Node:
    __slots__ = ("kind", "value", "style", "start", "end", "size")

    def __init__(self, kind, value, style, start, end):
        self.kind = kind  # "scalar", "map" (value: [(key, value)]) or "seq"
        self.value = value
        self.style = style
        self.start = start
        self.end = end
        self.size = 1

    def span(self, text: str | None = None) -> Span:
        start, end = self.start, self.end
        line, column = start.line + 1, start.column + 1
        end_line, end_column = end.line + 1, end.column + 1
        if end_line == line and end_column > column:  # the common case: one line
            return Span(line, column, end_line, end_column)
        if end_line > line and end_column == 1 and text is not None:
            # a block ends at the start of the next line: end it on its own last line
            end_line -= 1
            end_column = len(line_at(text, end.index - 1)) + 1
        if (end_line, end_column) <= (line, column):
            end_line, end_column = line, column + 1
        return Span(line, column, end_line, end_column)

    def last(self) -> Node:
        """The last scalar inside: where a block collection really ends."""
        node = self
        while node.kind != "scalar" and node.value:
            node = node.value[-1][1] if node.kind == "map" else node.value[-1]
        return node

    @property
    def is_null(self) -> bool:
        return self.kind == "scalar" and not self.style and self.value in _NULLS


_E = yaml.events


class _Mark:
    """A mark placed in ordspec's lines (which end at LF only)."""

    __slots__ = ("line", "column", "index")

    def __init__(self, line: int, column: int, index: int):
        self.line, self.column, self.index = line, column, index


def line_at(text: str, index: int) -> str:
    """The line (as SourceFile.line has it: ended by LF, a CRLF's CR dropped) that holds offset `index`."""
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    line = text[start:] if end < 0 else text[start:end]
    return line[:-1] if line.endswith("\r") else line


def _odd_breaks(text: str) -> bool:
    """Whether YAML breaks a line where ordspec's lines (LF, CRLF) do not: at a CR, NEL, LS or PS."""
    return "\x85" in text or "\u2028" in text or "\u2029" in text or text.replace("\r\n", "").count("\r") > 0


def _placer(source: SourceFile | None):
    """YAML also breaks lines at CR, NEL, LS and PS: where the text has one, re-place marks by offset."""
    if source is None or not _odd_breaks(source.text):
        return None

    def place(mark):
        line, column = source.position(mark.index)
        return _Mark(line - 1, column - 1, mark.index)

    return place


# What, written after the orders list starts, could change its items or refuse them halfway (settled())
_LATER = ("*", "\\", "!", "\n---", "\n...")  # an alias, an escape, a tag, another document
_FLAT_FLOW = r"\{[^\n\[\]{}\"'#]*\}|\[[^\n\[\]{}\"'#]*\]"  # brackets with no line end, quote or comment inside
_CHAIN = r"[-?:][ \t]+[-?:][ \t]"  # `- - `: a collection opened in another's entry, on one line


def settled(text: str, start: int, words: tuple = ()) -> bool:
    """Whether nothing written from offset `start` on can make compose() refuse the document, refer
    back to a node (an alias) or spell one of `words` other than as written: a conservative test, for
    a list whose items are handed over as they are read (Composer), at a few milliseconds a megabyte.
    libyaml checks the syntax, and every line's nesting is bounded below MAX_DEPTH: a line indented
    less than 20 columns starts inside at most 2 block collections a column (a mapping, and a sequence
    as one of its values: 40), opens at most 8 more in a chain such as `- - ? a:`, and flow collections
    that close on the line, 4 brackets deep at most (8 levels: `[a: b]` holds a mapping)."""
    if any(text.find(word, start) >= 0 for word in words + _LATER):
        return False
    if _odd_breaks(text) or not getattr(yaml, "__with_libyaml__", False):
        return False  # (lines as YAML breaks them; the parser without events)
    begin = text.rfind("\n", 0, start) + 1
    if text.find("\n" + " " * 20, max(begin - 1, 0)) >= 0 or text.startswith(" " * 20, begin):
        return False
    for found in regex(_CHAIN).finditer(text, begin):
        if regex(r"(?:[-?:][ \t]+){8}").search(line_at(text, found.start())):
            return False
    if not _flat_flows(text, begin):
        return False
    try:
        yaml._yaml.CParser(text).raw_parse()
    except yaml.YAMLError:
        return False
    return True


def _flat_flows(text: str, begin: int) -> bool:
    """Whether every bracket from `begin` on is in a flow collection that closes on its line, and none
    nests deeper than 4."""
    brackets = sum(text.count(c, begin) for c in "[]{}")
    if brackets == 2 * sum(1 for _ in regex(_FLAT_FLOW).finditer(text, begin)):
        return True  # (the common case: no flow collection inside another)
    rest = text[begin:]
    for _ in range(4):
        rest = regex(_FLAT_FLOW).sub("", rest)
        if not any(c in rest for c in "[]{}"):
            return True
    return False


class Composer:
    """A document composed from its events. items() composes it; with `hand_over`, each item of the
    orders list (a root sequence's items, or those of the root mapping's first `orders` key) is given
    out as soon as it is complete, and not kept: hand_over(offset) is asked when that list starts, at
    its offset in the text, whether nothing later can change what its items mean (settled())."""

    def __init__(self, text: str, source: SourceFile | None = None, loader=_Loader, hand_over=None):
        self.text, self.source, self.loader = text, source, loader
        self.hand_over = hand_over
        self.root: Node | None = None  # the root once it starts (complete once items() is done)
        self.streamed: Node | None = None  # the list whose items are handed over

    def items(self):
        """Compose the document, yielding each item handed over; Unsafe or yaml.YAMLError on refusal,
        with libyaml's own nesting limit read as ordspec's (Unsafe, at the level too deep)."""
        try:
            yield from self._compose()
        except yaml.MarkedYAMLError as e:
            if "maximum nesting depth" not in str(e.problem):
                raise
            # libyaml (0.2.6, in PyYAML 6.0.4's wheels) stops at 1000 levels while it scans ahead, before
            # the events reach the count of MAX_DEPTH; the pure-Python parser has no limit of its own and
            # streams its events, so it finds the level that goes too deep (nothing was handed over yet:
            # hand_over() asks settled(), which refuses a file libyaml refuses)
            compose(self.text, self.source, loader=yaml.SafeLoader)
            raise Unsafe(f"this YAML nests deeper than {MAX_DEPTH} levels", e.problem_mark) from None

    def _compose(self):
        place = _placer(self.source)
        anchors: dict[str, Node] = {}
        stack: list[list] = []  # [node, pending key] per open collection
        documents = 0
        expanded = 0
        ask, streamed = self.hand_over, None

        for event in yaml.parse(self.text, Loader=self.loader):
            cls = event.__class__
            if cls is _E.ScalarEvent:
                if event.tag is not None and event.tag not in _STANDARD_TAGS and not event.implicit[0]:
                    raise Unsafe(f"the tag {event.tag} is not allowed in an order file", event.start_mark)
                node = Node("scalar", event.value, event.style, event.start_mark, event.end_mark)
                if place is not None:
                    node.start, node.end = place(node.start), place(node.end)
                if event.anchor and streamed is None:  # (once items are handed over, no alias follows)
                    anchors[event.anchor] = node
            elif cls is _E.MappingStartEvent or cls is _E.SequenceStartEvent:
                if event.tag is not None and event.tag not in _STANDARD_TAGS:
                    raise Unsafe(f"the tag {event.tag} is not allowed in an order file", event.start_mark)
                if len(stack) >= MAX_DEPTH:
                    raise Unsafe(f"this YAML nests deeper than {MAX_DEPTH} levels", event.start_mark)
                node = Node("map" if cls is _E.MappingStartEvent else "seq", [], None, event.start_mark, event.end_mark)
                if place is not None:
                    node.start = place(node.start)
                if event.anchor and streamed is None:
                    anchors[event.anchor] = node
                if ask is not None and self._orders_list(node, stack):
                    if ask(event.start_mark.index):
                        streamed = self.streamed = node
                    ask = None  # (once: there is one orders list)
                if not stack:
                    self.root = node
                stack.append([node, None])
                continue
            elif cls is _E.MappingEndEvent or cls is _E.SequenceEndEvent:
                node = stack.pop()[0]
                node.end = event.end_mark if place is None else place(event.end_mark)
            elif cls is _E.AliasEvent:
                node = anchors.get(event.anchor)
                if node is None:
                    raise Unsafe(f"alias *{event.anchor} has no anchor before it", event.start_mark)
                if any(open_node[0] is node for open_node in stack):
                    raise Unsafe(f"alias *{event.anchor} is inside its own anchor (a recursive structure)", event.start_mark)
                expanded += node.size
                if expanded > ALIAS_BUDGET:
                    raise Unsafe(f"aliases here expand past {ALIAS_BUDGET} nodes (an alias bomb?)", event.start_mark)
            elif cls is _E.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise Unsafe("an order file holds one YAML document", event.start_mark)
                continue
            else:
                continue
            if not stack:
                self.root = node
                continue
            top = stack[-1]
            parent = top[0]
            if parent is streamed:
                yield node  # handed over, not kept
                continue
            if parent.kind == "seq":
                parent.value.append(node)
            elif top[1] is None:
                top[1] = node
            else:
                parent.value.append((top[1], node))
                top[1] = None
            parent.size += node.size

    def _orders_list(self, node: Node, stack: list) -> bool:
        """Whether `node`, a collection that starts, is the orders list: the root, or the value of the
        root mapping's first `orders` key."""
        if node.kind != "seq":
            return False
        if not stack:
            return True
        if len(stack) != 1 or stack[0][0].kind != "map":
            return False
        root, key = stack[0]
        if key is None or key.kind != "scalar" or key.value != "orders":
            return False
        return not any(k.kind == "scalar" and k.value == "orders" for k, _ in root.value)


def compose(text: str, source: SourceFile | None = None, loader=_Loader) -> Node | None:
    """The document's node graph, composed from events; Unsafe or yaml.YAMLError on refusal."""
    composer = Composer(text, source, loader)
    for _ in composer.items():
        pass  # (nothing is handed over)
    return composer.root


def mark_span(mark, source: SourceFile) -> Span:
    if mark is None:
        return Span(1, 1, 1, 2)
    place = _placer(source)
    if place is not None:
        mark = place(mark)
    return Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2)
