"""Run the LALR tables that Lark built from ordspec.lark (see build.py).

Importing Lark costs about 80 ms, more than the whole budget of a pre-commit
run, so the lint path parses with this driver instead: a word lexer that is
contextual in the way Lark's is (each parser state says which terminals it
accepts) and the LALR shift/reduce loop over Lark's own table. Its trees have
the shape Lark's would (tests/test_grammar.py compares them on generated
input; build.py refuses grammar features that would make them differ). Two
differences are deliberate: words are whole, so `sl95` is an unknown word
here where Lark would read `sl` and then `95`; and keywords fold case in ASCII
only, where Lark's case-insensitive match also takes `mar\u212aet` (a KELVIN
SIGN) for `market`.

A line's tree depends only on its start rule and its sequence of words, each
read as one keyword, a free word or a string: the terminal of a word depends
on the parser state, and the state on the words before it. So a parse is done
once per such signature and remembered (each word's terminal and the tree's
shape); the next line with the same signature builds its tree without running
the tables, by a function compiled from the shape then and kept as its plan.
"""

from __future__ import annotations

import os

from ordspec.grammar import layout
from ordspec.source import Span, ascii_lower, regex

_HERE = os.path.dirname(os.path.abspath(__file__))
# A string (maybe unterminated), a comment, or a word; blanks fall between.
TOKEN = r'"(?:[^"\\\n]|\\.)*"?|#.*|[^\s"#]+'
_STRING = r'"(?:[^"\\\n]|\\.)*"'
MAX_PLANS = 2048  # signatures remembered; an order file has a few dozen


class Token(Span):
    """A word of a line, and its span on line `line` (1 unless the caller gives its number): the
    .ord front end uses the token itself as the span of what it reads, one object less per word."""

    __slots__ = ("type", "value")

    def __init__(self, type: str, value: str, column: int, end_column: int, line: int = 1):
        self.type = type
        self.value = value
        self.line = self.end_line = line
        self.column = column  # 1-based
        self.end_column = end_column  # 1-based, exclusive

    def __repr__(self) -> str:
        return f"Token({self.type}, {self.value!r}, {self.column})"


class Node:
    __slots__ = ("rule", "children")

    def __init__(self, rule: str, children: list):
        self.rule = rule
        self.children = children

    def __repr__(self) -> str:
        return f"Node({self.rule}, {self.children!r})"


class ParseError(Exception):
    """A line that the grammar does not accept.

    `token` is the offending token (type "$END" at the end of the line, or
    "?" for a word no terminal accepts), `expected` the terminal names the
    parser state accepted, `previous` the token before it, if any.
    """

    def __init__(self, token: Token, expected: list[str], previous: Token | None, unterminated: bool = False, read=()):
        super().__init__(token.value)
        self.token = token
        self.expected = expected
        self.previous = previous
        self.unterminated = unterminated
        self._read = read

    @property
    def read(self) -> list[Token]:
        """The tokens read before the error, in order."""
        out: list[Token] = []
        stack = list(reversed(self._read))
        while stack:
            item = stack.pop()
            if type(item) is Token:
                out.append(item)
            else:
                stack.extend(reversed(item if type(item) is list else item.children))
        return out


class Tables:
    def __init__(self, data: dict):
        self.states: list[dict[str, int]] = data["states"]
        self.rules: list[list] = data["rules"]
        self.start: dict[str, int] = data["start"]
        self.end: dict[str, int] = data["end"]
        free = set(data["free"])
        by_word: dict[str, str] = {}
        for name, words in data["keywords"].items():
            for word in words:
                by_word.setdefault(word, name)
        self.keyword_names = data["keywords"]
        self.keyword_set = set(by_word)
        self.keyword_of = {word: word for word in by_word}  # (a line's signature, by map())
        # Per state: lower-cased keyword -> terminal, and the free-word terminal.
        self.words: list[dict[str, str]] = []
        self.free: list[str | None] = []
        by_name = {name: dict.fromkeys(words, name) for name, words in data["keywords"].items()}
        shared: dict[tuple, dict] = {}  # states that take the same keyword terminals share one map (built once)
        for actions in self.states:
            names = tuple(n for n in actions if n in by_name)
            kw = shared.get(names)
            if kw is None:
                kw = shared[names] = {}
                for name in names:
                    kw.update(by_name[name])  # (a word of two terminals goes to the later one)
            self.words.append(kw)
            self.free.append(next((n for n in actions if n in free), None))
        self.plans: dict[tuple, tuple] = {}  # signature -> (terminal of each word, tree builder)
        self.shapes: dict[tuple, tuple] = {}  # signature read once -> (terminal of each word, tree shape)


_tables: Tables | None = None


def tables() -> Tables:
    """Load the committed tables; rebuild with Lark if the grammar changed or they are not in this driver's format."""
    global _tables
    if _tables is None:
        with open(os.path.join(_HERE, "ordspec.lark"), encoding="utf-8") as f:
            grammar = f.read()
        from ordspec.grammar.tables import DATA as data

        if layout.problem(data) or data["grammar"] != grammar:
            from ordspec.grammar.build import build

            data = build(grammar)
            problem = layout.problem(data)
            if problem:
                raise RuntimeError(f"grammar/build.py wrote tables this driver cannot read: {problem}")
        _tables = Tables(data)
    return _tables


def _expected(actions: dict) -> list[str]:
    # Terminals only: upper-case names, minus the newline the file grammar has.
    return sorted(s for s in actions if s[0] != "_" and (s.isupper() or s == "$END"))


def tokens(line: str) -> list[tuple[str, int]]:
    """The words and strings of one line with their 0-based offsets."""
    out = []
    if '"' not in line and "#" not in line:  # words only: str.split and TOKEN's \s split on the same blanks
        at = 0
        for text in line.split():
            at = line.find(text, at)
            out.append((text, at))
            at += len(text)
        return out
    for m in regex(TOKEN).finditer(line):
        text = m.group()
        if text[0] == "#":
            break
        out.append((text, m.start()))
    return out


def parse_line(line: str, start: str = "statement", number: int = 1):
    """Parse one line (line `number` of its file); return its tree, None for a blank line, or raise ParseError."""
    if line.isascii() and '"' not in line and "#" not in line:  # the common line, with a plan: no loop but one
        words = line.split()
        if not words:
            return None
        t = tables()
        plan = t.plans.get((start, *map(t.keyword_of.get, line.lower().split())))
        if plan is not None:
            kinds, grow = plan
            found, at = [], 0
            for kind, text in zip(kinds, words):
                at = line.find(text, at)
                end = at + len(text)
                found.append(Token(kind, text, at + 1, end + 1, number))
                at = end
            return grow(found)
    words = tokens(line)
    if not words:
        return None
    t = tables()
    keyword_set = t.keyword_set
    signature = [start]
    for text, _ in words:
        if text[0] == '"':
            if regex(_STRING).fullmatch(text) is None:
                signature = None  # unterminated: the full parse says where and how
                break
            signature.append('"')
        else:
            low = text.lower() if text.isascii() else None  # keywords are ASCII
            signature.append(low if low in keyword_set else None)
    if signature is not None:
        plan = t.plans.get(signature := tuple(signature))
        if plan is None and signature in t.shapes:  # the signature's second line: its builder is compiled now
            plan = _compiled(t, signature)
        if plan is not None:
            kinds, grow = plan
            return grow([Token(kind, text, offset + 1, offset + 1 + len(text), number) for kind, (text, offset) in zip(kinds, words)])
    read = []
    tree = _run(t, line, words, start, read, number)
    if signature is not None and len(read) == len(words):
        if len(t.plans) + len(t.shapes) >= MAX_PLANS:
            t.plans.clear()
            t.shapes.clear()
        index = {id(token): i for i, token in enumerate(read)}
        t.shapes[signature] = (tuple(token.type for token in read), _shape(tree, index))
    return tree


def _compiled(t: Tables, signature: tuple) -> tuple:
    """The plan of a signature read once before: its tree builder compiled from the shape then
    remembered (not at once: a line read once, as most lines of a small file are, needs none)."""
    kinds, shape = t.shapes.pop(signature)
    plan = t.plans[signature] = (kinds, _grower(shape))
    return plan


def _shape(value, index: dict):
    """A tree as a plan: (rule, children) with word numbers in place of tokens."""
    if type(value) is Token:
        return index[id(value)]
    return (value.rule, tuple(_shape(child, index) for child in value.children))


def _grower(shape):
    """A function from a line's tokens to the tree the shape describes, as one expression.

    Compiled once per signature, it builds a tree three times as fast as a walk
    of the shape would; the rule names come from the tables, as literals.
    """

    def build(s) -> str:
        return f"r[{s}]" if type(s) is int else f"Node({s[0]!r}, [{', '.join(map(build, s[1]))}])"

    return eval(f"lambda r: {build(shape)}", {"Node": Node})  # noqa: S307


def _run(t: Tables, line: str, words: list, start: str, read: list, number: int = 1):
    """The LALR loop over Lark's table; `read` gets the tokens shifted, one per word, in order."""
    states, rules, keywords, free = t.states, t.rules, t.words, t.free
    stack = [t.start[start]]
    values: list = []
    end_state = t.end[start]
    previous = end = None
    i, n = 0, len(words)
    token = kind = None
    while True:
        if token is None:  # the next word, read in the state after the previous shift (as Lark's contextual lexer does)
            if i < n:
                text, offset = words[i]
                column = offset + 1
                if text[0] == '"':
                    kind = "STRING"
                    if regex(_STRING).fullmatch(text) is None:
                        raise ParseError(Token("STRING", text, column, column + len(text), number), ["STRING"], previous, True, values)
                else:
                    state = stack[-1]
                    kind = keywords[state].get(text.lower() if text.isascii() else ascii_lower(text)) or free[state] or "?"
                token = Token(kind, text, column, column + len(text), number)
            else:
                if end is None:
                    column = len(line.rstrip()) + 1
                    end = Token("$END", "", column, column, number)
                token, kind = end, "$END"
        action = states[stack[-1]].get(kind)
        if action is None:
            raise ParseError(token, _expected(states[stack[-1]]), previous, read=values)
        if action >= 0:  # shift
            stack.append(action)
            values.append(token)
            if i < n:
                read.append(token)
            previous = token
            token = None
            i += 1
            continue
        # reduce: pop the rule's symbols, build its node (Lark's tree shapes)
        origin, size, shape = rules[-1 - action]
        if size:
            popped = values[-size:]
            del values[-size:]
            del stack[-size:]
        else:
            popped = []
        children = []
        for v in popped:
            if type(v) is list:
                children.extend(v)
            elif type(v) is not Token or v.type[0] != "_":
                children.append(v)
        if shape == "inline":
            value = children
        elif shape == "expand1" and len(children) == 1:
            value = children[0]
        else:
            value = Node(origin, children)
        stack.append(states[stack[-1]][origin])
        values.append(value)
        if kind == "$END" and stack[-1] == end_state:
            return value
