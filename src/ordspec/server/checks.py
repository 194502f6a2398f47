"""The language server's one door into ordspec: every call it makes into the checker is here.

The server checks a document exactly as `ordspec lint FILE` would: the configuration is found
from the file's directory up, the same Run reads, parses and checks it, suppressions and the
rule selection apply the same way. When the pipeline changes shape, this module is what follows.
Everything it returns is plain data or ordspec's own Diagnostic and IR objects.
"""

from __future__ import annotations

import os
import re
import threading
from datetime import date
from decimal import Decimal

from ordspec.diagnostics import ERROR, Diagnostic

def docs_link(name: str) -> str | None:
    """The rule's section of docs/rules.md in the checkout ordspec runs from, or None (an installed
    wheel has no docs/; the project has no one public home to link instead, and hovers show the docs)."""
    from ordspec.docs import ROOT

    page = ROOT / "docs" / "rules.md"
    return f"{page.as_uri()}#{name}" if page.is_file() else None


class Checked:
    """What ordspec found in one document."""

    __slots__ = ("diagnostics", "statements", "as_of", "refdata", "yaml")

    def __init__(self, diagnostics, statements=(), as_of=None, refdata=None, yaml=False):
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        self.statements = list(statements)
        self.as_of: date | None = as_of
        self.refdata = refdata
        self.yaml = yaml


def warm() -> None:
    """Load what every request reads (the rule registry, the parser tables, the rules' docs) once, in one thread."""
    rule_docs("syntax")
    expected("")


def is_yaml(name: str) -> bool:
    return name.endswith((".yaml", ".yml"))


# reference data, by what it was read from: an instrument master can be tens of MB, too much to
# read again on every keystroke (lint -j shares it between files the same way)
_REFDATA: dict = {}
_LOCK = threading.Lock()


def _stamp(paths) -> tuple:
    out = []
    for path in paths:
        try:
            out.append((path, os.stat(path).st_mtime_ns))
        except OSError:
            out.append((path, None))
    return tuple(out)


def _config_for(path: str | None):
    from ordspec.config import find, load

    start = os.path.dirname(path) if path else None
    return load(find(start))


def _run(path: str | None):
    """A Run set up as `ordspec lint` sets one up for this file, with reference data shared."""
    from ordspec.pipeline.run import Run

    run = Run(config=_config_for(path))
    inputs = run.inputs
    key = _stamp([*inputs.instruments, *([inputs.quotes] if inputs.quotes else [])])
    with _LOCK:
        inputs.refdata = _REFDATA.get(key)
    run.load()
    return run, key


def _remember(key: tuple, refdata) -> None:
    if refdata is not None:
        with _LOCK:
            if _REFDATA.get(key) is not refdata:
                _REFDATA.clear()  # one configuration at a time is plenty
                _REFDATA[key] = refdata


def unreadable(message: str) -> Diagnostic:
    """A document ordspec cannot check at all (its configuration or a side input is bad)."""
    return Diagnostic("", 1, 1, 1, 2, ERROR, None, None, f"ordspec cannot check this file: {message}")


def check(path: str | None, name: str, text: str) -> Checked:
    """Check one document as `ordspec lint` checks the file: its diagnostics and statements."""
    from ordspec.config import ConfigError
    from ordspec.pipeline import UsageError

    yaml = is_yaml(name)
    if yaml and not _orders_yaml(text):
        return Checked([], yaml=True)  # a CI workflow, a compose file: not an order file (as a walk skips it)
    try:
        run, key = _run(path)
        # the editor's text as the bytes a file would hold: a lone surrogate is an encoding error
        source = run.read(name, name, text.encode("utf-8", "surrogatepass"))
        statements = run.check(source, "yaml" if yaml else "dsl") if source is not None else []
        run.finish()
    except (UsageError, ConfigError) as e:
        return Checked([unreadable(str(e))], yaml=yaml)
    _remember(key, run.inputs.refdata)
    mine = [d for d in run.diagnostics if d.file == name]  # (instrument-data rows point into the master)
    return Checked(mine, statements, run.as_of, run.inputs.refdata, yaml)


def _orders_yaml(text: str) -> bool:
    from tempfile import NamedTemporaryFile

    from ordspec.pipeline.read import looks_like_orders

    with NamedTemporaryFile("w", suffix=".yaml", encoding="utf-8", errors="surrogatepass") as f:
        f.write(text[:65536])
        f.flush()
        return looks_like_orders(f.name)


def formatted(name: str, text: str) -> str | None:
    """What `ordspec fmt` writes for this text, or None when it does not format it (YAML, a syntax error)."""
    from ordspec import fmt
    from ordspec.source import NotText, SourceFile, decode

    if is_yaml(name):
        return None
    data = text.encode("utf-8", "surrogatepass")
    try:
        decoded = decode(data)
    except NotText:
        return None
    new, _errors = fmt.source(SourceFile(name, decoded))
    if new is not None and data.startswith(b"\xef\xbb\xbf"):
        new = "\ufeff" + new  # the byte-order mark stays, as fmt keeps it
    return new


_PAGES: dict[str, str] = {}


def rule_docs(name_or_code: str) -> tuple[str, str, str] | None:
    """(code, name, Markdown docs) of a rule, as docs/rules.md and `ordspec explain` give them; None if unknown."""
    from ordspec.rules.registry import get

    try:
        rule = get(name_or_code)
    except KeyError:
        return None
    if not _PAGES:
        from ordspec.docs import rules_page

        for part in rules_page().split("\n## ")[1:]:
            title, _, body = part.partition("\n")
            _PAGES[title.strip()] = body.strip()
    return rule.code, rule.name, _PAGES.get(rule.name, rule.summary)


def rule_names() -> list[tuple[str, str, str]]:
    """(code, name, summary) of every rule."""
    from ordspec.rules.registry import all_rules

    return [(r.code, r.name, r.summary) for r in all_rules()]


def fixed_rules() -> tuple:
    """Rules that cannot be suppressed."""
    from ordspec.rules.codes import FIXED

    return FIXED


# -- the language: words, the grammar's expectations, the vocabulary tables


def words(line: str) -> list[tuple[str, int]]:
    """The words and strings of a .ord line with their 0-based offsets (a comment ends them)."""
    from ordspec.grammar import driver

    return driver.tokens(line)


def typed_words(line: str) -> list[tuple[str | None, str, int, int]]:
    """(terminal, text, column, end column) of each word of a line, 1-based columns.

    The terminal says what the grammar read the word as (KIND, SIDE, SYMBOL, OPTION, VALUE...);
    None for every word of a line that does not parse.
    """
    from ordspec.grammar import driver

    try:
        tree = driver.parse_line(line)
    except driver.ParseError:
        return [(None, text, at + 1, at + 1 + len(text)) for text, at in driver.tokens(line)]
    out: list = []

    def walk(node):
        for child in node.children if isinstance(node, driver.Node) else [node]:
            if isinstance(child, driver.Node):
                walk(child)
            else:
                out.append((child.type, child.value, child.column, child.end_column))

    if tree is not None:
        walk(tree)
    return sorted(out, key=lambda t: t[2])


_SENTINEL = "\x00"  # a word that no parser state reads as a keyword


def expected(before: str) -> list[str] | None:
    """The terminals the grammar accepts after `before` (a line up to the cursor); None if the line is
    already wrong before it."""
    from ordspec.grammar import driver

    text = before.rstrip()
    if text:
        try:
            driver.parse_line(text)
        except driver.ParseError as e:
            return [t for t in e.expected if t != "$END"] if e.token.type == "$END" else None
    # complete so far (or blank): what may follow is what a word no state accepts is met with
    try:
        driver.parse_line(f"{text} {_SENTINEL}")
    except driver.ParseError as e:
        return [t for t in e.expected if t != "$END"] if e.token.value == _SENTINEL else None
    return []


def keyword_words() -> dict[str, list[str]]:
    """Terminal -> its words, lower case (KIND -> gtt, oco, bracket, sip)."""
    from ordspec.grammar import driver

    return {name: list(words) for name, words in driver.tables().keyword_names.items()}


def vocabulary():
    """The language tables completion reads: options, parts, defaults, statements, brokers."""
    from ordspec import compiler, language

    return language, compiler.names()


# -- suppression comments


def suppressions(line: str, yaml: bool) -> list[tuple[int, int, list[tuple[str, int, int]]]]:
    """The `# ordspec: ignore[...]` comments of a line: (start, end, [(name, start, end)]), 0-based, end exclusive."""
    from ordspec.suppress import _DIRECTIVE, _comment

    start = _comment(line, yaml)
    if start is None or "ordspec:" not in line:
        return []
    out = []
    for m in _DIRECTIVE.finditer(line, start):
        names = [(p.group(), m.start(1) + p.start(), m.start(1) + p.end()) for p in re.finditer(r"[^,\s]+", m.group(1))]
        out.append((m.start(), m.end(), names))
    return out


def comment_start(line: str, yaml: bool) -> int | None:
    from ordspec.suppress import _comment

    return _comment(line, yaml)


# -- instruments


def master_symbols(checked: Checked) -> list[tuple[str, str]]:
    """(exchange, symbol) of every instrument the configured masters list."""
    refdata = checked.refdata
    if refdata is None or refdata.master is None:
        return []
    return list(refdata.master)


def instrument(checked: Checked, symbol: str, exchange: str | None, price: Decimal | None) -> dict | None:
    """What ordspec knows of a symbol on the day it checks for: None if it cannot read it."""
    from ordspec.refdata.instruments import RefData

    refdata = checked.refdata or RefData()
    as_of = checked.as_of or _today()
    inst = refdata.lookup(symbol, exchange, as_of)
    if inst is None:
        return None
    band = refdata.last_price(symbol) or price  # as tick-size picks the band
    tick = inst.tick or (refdata.tick(inst, band, as_of) if band is not None and inst.type != "IDX" else None)
    return {
        "symbol": inst.symbol,
        "type": inst.type,
        "underlying": inst.underlying,
        "exchange": inst.exchange,
        "segment": inst.segment,
        "expiry": inst.expiry,
        "expiry_exact": inst.expiry_exact,
        "strike": inst.strike,
        "lot": inst.lot,
        "tick": tick,
        "tick_price": band,
        "freeze": inst.freeze,
        "origin": "the instrument master" if inst.origin == "master" else "its symbol and ordspec's bundled tables",
        "security_id": inst.security_id,
        "last_price": refdata.last_price(symbol),
        "as_of": as_of,
    }


def _today() -> date:
    from ordspec.dates import today

    return today()
