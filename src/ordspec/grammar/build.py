"""Compile ordspec.lark into LALR tables with Lark, and check what the driver assumes.

    python -m ordspec.grammar.build          # rewrite tables.py
    python -m ordspec.grammar.build --check  # exit 1 if tables.py is stale

The tables are committed and shipped in the wheel, as a Python module holding
one JSON-shaped literal: importing it costs a bytecode load, where reading a
.json file would first cost importing json. A test rebuilds them and compares.
They record the Lark version that built them ("lark"); --check compares the
tables themselves, so a new Lark that builds the same tables passes. If the
grammar file and the tables ever disagree at run time, or the tables are not
in the driver's format, the driver rebuilds in memory (slow, but never wrong).

The driver shapes trees as Lark does for plain rules, `?rule` (one child:
the child itself), `_rule` (inlined), `_TERMINAL` (dropped) and `x?`, `x*`,
`(a | b)`. The build refuses what it would shape differently: aliases
(`-> name`), `[x]` (Lark puts None for a missing x), `!rule`, templates and
anonymous literals in rules ("sl" rather than SL).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from ordspec.grammar.layout import FORMAT

HERE = Path(__file__).resolve().parent
GRAMMAR = HERE / "ordspec.lark"
TABLES = HERE / "tables.py"

WORD_PATTERN = r'[^\s"#]+'
STRING_PATTERN = r'"(?:[^"\\\n]|\\.)*"'
IGNORED = {r"[^\S\n]+", r"#[^\n]*"}
_LITERAL = re.compile(r"\(\?i:([a-z_]+)\)")


class GrammarError(Exception):
    """The grammar breaks an assumption of the table driver."""


def _keywords(name: str, regexp: str) -> list[str]:
    """The literal words of a case-insensitive keyword terminal, or raise."""
    words = _LITERAL.findall(regexp)
    rebuilt = {"|".join(f"(?i:{w})" for w in words), "(?:" + "|".join(f"(?i:{w})" for w in words) + ")"}
    if not words or regexp not in rebuilt:
        raise GrammarError(f"terminal {name} is neither a free word nor case-insensitive keywords: {regexp}")
    return words


def _regexp(term) -> str:
    # Lark turns the two characters \n of a grammar regex into a newline.
    return term.pattern.to_regexp().replace("\n", "\\n")


def _check_tree_shapes(rules) -> None:
    """Refuse rules whose trees Lark would build in a way the driver does not (see the module's docs)."""
    for r in rules:
        where = f"rule {r.origin.name}: {' '.join(s.name for s in r.expansion) or '(empty)'}"
        if r.alias:
            raise GrammarError(f"{where}: an alias (-> {r.alias}) names the tree, and the driver names trees by rule: write a rule {r.alias}")
        if any(r.options.empty_indices):
            raise GrammarError(f"{where}: [...] puts None in Lark's tree for what is missing, and the driver puts nothing: write (...)?")
        if r.options.keep_all_tokens:
            raise GrammarError(f"{where}: !{r.origin.name} keeps the tokens the driver drops: drop the !")
        if r.options.template_source and not r.origin.name.startswith("_"):
            raise GrammarError(f"{where}: Lark names a template's tree {r.options.template_source}, the driver {r.origin.name}: write the rule out")
        for s in r.expansion:
            if s.is_term and s.filter_out != s.name.startswith("_"):
                raise GrammarError(f"{where}: Lark drops the anonymous literal {s.name} from its tree, the driver keeps it: name the terminal")


def build(grammar_text: str) -> dict:
    import lark  # only here: the driver never imports Lark

    parser = lark.Lark(grammar_text, parser="lalr", lexer="contextual", start=["start", "statement"])
    _check_tree_shapes(parser.rules)
    ignored = {_regexp(t) for t in parser.terminals if t.name in parser.ignore_tokens}
    if ignored != IGNORED:
        raise GrammarError(f"ignored terminals must be blanks and # comments, got {sorted(ignored)}")

    keywords: dict[str, list[str]] = {}
    free: list[str] = []
    for term in parser.terminals:
        regexp = _regexp(term)
        if term.name in parser.ignore_tokens or term.name in ("_NL", "STRING", "WORD"):
            if term.name == "STRING" and regexp != STRING_PATTERN:
                raise GrammarError("STRING must be a double-quoted, single-line string")
            continue
        if regexp == WORD_PATTERN:
            free.append(term.name)
        else:
            keywords[term.name] = _keywords(term.name, regexp)

    table = parser.parser.parser.parser.parse_table  # Lark's LALR analysis
    rules = list(parser.rules)
    rule_index = {id(r): i for i, r in enumerate(rules)}
    states: list[dict[str, int]] = [{} for _ in table.states]
    for state, actions in table.states.items():
        for symbol, (action, arg) in actions.items():
            # shift or goto: the next state; reduce: -1 - rule number
            states[state][symbol] = arg if action.name == "Shift" else -1 - rule_index[id(arg)]

    priority = {t.name: t.priority for t in parser.terminals}
    for state, actions in enumerate(states):
        accepted = [s for s in actions if s in keywords]
        words = [s for s in actions if s in free or s == "STRING"]
        # a keyword may share a state with a free word only if it wins over it, in Lark and the driver alike
        if accepted and words and ("STRING" in words or any(priority[k] <= priority[words[0]] for k in accepted)):
            raise GrammarError(f"state {state} accepts keywords {accepted} and free words {words}")
        if len([s for s in actions if s in free]) > 1:
            raise GrammarError(f"state {state} accepts two kinds of free word: {words}")
        seen: dict[str, str] = {}
        for name in accepted:
            for word in keywords[name]:
                if word in seen:
                    raise GrammarError(f"state {state}: '{word}' is both {seen[word]} and {name}")
                seen[word] = name

    def shape(rule) -> str:
        if rule.origin.name.startswith("_"):
            return "inline"
        return "expand1" if rule.options.expand1 else "node"

    # Lark numbers states in hash order; renumber them by a walk in sorted
    # order, and rules by their text, so that the same grammar always gives
    # the same file.
    rule_rows = [(r.origin.name, " ".join(s.name for s in r.expansion), len(r.expansion), shape(r)) for r in rules]
    rule_order = sorted(range(len(rules)), key=lambda i: rule_rows[i][:2])
    new_rule = {old: new for new, old in enumerate(rule_order)}
    order: list[int] = []
    new_state: dict[int, int] = {}
    pending = [table.start_states[name] for name in sorted(table.start_states)]
    while pending:
        state = pending.pop(0)
        if state in new_state:
            continue
        new_state[state] = len(order)
        order.append(state)
        pending.extend(arg for _, arg in sorted(states[state].items()) if arg >= 0)

    def renumber(arg: int) -> int:
        return new_state[arg] if arg >= 0 else -1 - new_rule[-1 - arg]

    return {
        "format": FORMAT,
        "grammar": grammar_text,
        "keywords": {name: sorted(words) for name, words in sorted(keywords.items())},
        "lark": lark.__version__,
        "free": sorted(free),
        "rules": [[rule_rows[i][0], rule_rows[i][2], rule_rows[i][3]] for i in rule_order],
        "states": [{sym: renumber(arg) for sym, arg in sorted(states[old].items())} for old in order],
        "start": {name: new_state[s] for name, s in sorted(table.start_states.items())},
        "end": {name: new_state[s] for name, s in sorted(table.end_states.items())},
    }


def dumps(tables: dict) -> str:
    # JSON of strings, numbers, lists and objects is also a Python literal
    text = json.dumps(tables, indent=None, separators=(",", ":"), sort_keys=True)
    return f"# Generated by `python -m ordspec.grammar.build` from ordspec.lark: do not edit.\nDATA = {text}\n"


def committed() -> dict | None:
    """The DATA of tables.py as written, or None if there is no such file or it is not a literal."""
    import ast

    text = TABLES.read_text(encoding="utf-8") if TABLES.exists() else ""
    try:
        return ast.literal_eval(text.partition("\nDATA = ")[2])
    except (ValueError, SyntaxError):
        return None


def same_tables(a: dict | None, b: dict | None) -> bool:
    """Whether two tables are the same but for the Lark version that built them."""
    if not isinstance(a, dict) or not isinstance(b, dict):
        return False
    return {k: v for k, v in a.items() if k != "lark"} == {k: v for k, v in b.items() if k != "lark"}


def main(argv: list[str]) -> int:
    data = build(GRAMMAR.read_text(encoding="utf-8"))
    if "--check" in argv:
        if not same_tables(committed(), data):
            print("tables.py is stale: run python -m ordspec.grammar.build", file=sys.stderr)
            return 1
        return 0
    fresh = dumps(data)
    TABLES.write_text(fresh, encoding="utf-8")
    print(f"wrote {TABLES} ({len(fresh)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
