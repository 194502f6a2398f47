"""YAML as ordspec reads it: PyYAML's events composed into nodes that keep their positions.

Composed here, iteratively: no Python object is ever constructed from the file (no tags
honoured), aliases are followed within a budget, nesting is bounded, and every value keeps its
line and column. Scalars are read as the text written (120.50 stays "120.50"; YAML never turns a
price into a float here). A file this refuses raises Unsafe, at the mark it refuses.
"""

from __future__ import annotations

import yaml

from ordspec.source import SourceFile, Span

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

    def span(self, lines: list[str] | None = None) -> Span:
        start, end = self.start, self.end
        line, column = start.line + 1, start.column + 1
        end_line, end_column = end.line + 1, end.column + 1
        if end_line == line and end_column > column:  # the common case: one line
            return Span(line, column, end_line, end_column)
        if end_line > line and end_column == 1 and lines is not None:
            # a block ends at the start of the next line: end it on its own last line
            end_line -= 1
            end_column = len(lines[end_line - 1]) + 1 if end_line <= len(lines) else column + 1
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


def _placer(source: SourceFile | None):
    """YAML also breaks lines at CR, NEL, LS and PS: where the text has one, re-place marks by offset."""
    text = source.text if source is not None else ""
    odd = "\x85" in text or "\u2028" in text or "\u2029" in text or text.replace("\r\n", "").count("\r")
    if not odd:
        return None

    def place(mark):
        line, column = source.position(mark.index)
        return _Mark(line - 1, column - 1, mark.index)

    return place


def compose(text: str, source: SourceFile | None = None, loader=_Loader) -> Node | None:
    """The document's node graph, composed from events; Unsafe or yaml.YAMLError on refusal."""
    place = _placer(source)
    anchors: dict[str, Node] = {}
    stack: list[list] = []  # [node, pending key] per open collection
    root = None
    documents = 0
    expanded = 0

    for event in yaml.parse(text, Loader=loader):
        cls = event.__class__
        if cls is _E.ScalarEvent:
            if event.tag is not None and event.tag not in _STANDARD_TAGS and not event.implicit[0]:
                raise Unsafe(f"the tag {event.tag} is not allowed in an order file", event.start_mark)
            node = Node("scalar", event.value, event.style, event.start_mark, event.end_mark)
            if place is not None:
                node.start, node.end = place(node.start), place(node.end)
            if event.anchor:
                anchors[event.anchor] = node
        elif cls is _E.MappingStartEvent or cls is _E.SequenceStartEvent:
            if event.tag is not None and event.tag not in _STANDARD_TAGS:
                raise Unsafe(f"the tag {event.tag} is not allowed in an order file", event.start_mark)
            if len(stack) >= MAX_DEPTH:
                raise Unsafe(f"this YAML nests deeper than {MAX_DEPTH} levels", event.start_mark)
            node = Node("map" if cls is _E.MappingStartEvent else "seq", [], None, event.start_mark, event.end_mark)
            if place is not None:
                node.start = place(node.start)
            if event.anchor:
                anchors[event.anchor] = node
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
            root = node
            continue
        top = stack[-1]
        parent = top[0]
        if parent.kind == "seq":
            parent.value.append(node)
        elif top[1] is None:
            top[1] = node
        else:
            parent.value.append((top[1], node))
            top[1] = None
        parent.size += node.size
    return root


def compose_bounded(text: str, source: SourceFile) -> Node | None:
    """compose(), with libyaml's own nesting limit read as ordspec's (Unsafe, at the level too deep)."""
    try:
        return compose(text, source)
    except yaml.MarkedYAMLError as e:
        if "maximum nesting depth" not in str(e.problem):
            raise
        # libyaml (0.2.6, in PyYAML 6.0.4's wheels) stops at 1000 levels while it scans ahead, before
        # the events reach the count of MAX_DEPTH; the pure-Python parser has no limit of its own and
        # streams its events, so it finds the level that goes too deep
        compose(text, source, loader=yaml.SafeLoader)
        raise Unsafe(f"this YAML nests deeper than {MAX_DEPTH} levels", e.problem_mark) from None


def mark_span(mark, source: SourceFile) -> Span:
    if mark is None:
        return Span(1, 1, 1, 2)
    place = _placer(source)
    if place is not None:
        mark = place(mark)
    return Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2)
