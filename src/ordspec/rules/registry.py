"""The rule registry: the Rule behind every row of the code table (codes.py), with its docs and check.

A rule is a small function declared with @rule (a check that runs on the IR), or docs declared
with declare() (a problem the front ends find while reading, such as `syntax`): declare.py. Its code, severity
and summary are its row in codes.py; its docstring is its documentation, in parts: What, Why,
Decision, Example and Source. `ordspec explain NAME` prints it and the README's rules table is
generated from here.

Every check reports through its context (rules/context.py), as ruff's rules report through the
Checker:

    check(stmt, ctx)   scope "statement" (each statement) and "dispatch" (each request; ctx.credentials)
    check(ctx)         scope "run": once, after every file (ctx.keys)

and calls ctx.report(span, message, help=None). A rule that applies to some brokers only says which
by `needs`: the table keys or Broker hooks a broker must declare for the rule to check its files
(compiler/base.py, Broker.declares), so that a new broker's table decides, not a list here.
"""

from __future__ import annotations

from ordspec.rules import codes, declare

ALL = "all"  # a broker-neutral rule: it checks every file, with or without a broker
_UNSUPPRESSIBLE = "This rule cannot be suppressed:"
SECTIONS = ("What", "Why", "Decision", "Example", "Source")


class Rule:
    __slots__ = ("code", "name", "severity", "summary", "row", "scope", "check", "doc", "on", "needs")

    def __init__(self, row: codes.Code, scope: str, check, doc: str | None, on=("* *",), needs=()):
        self.row = row
        self.code, self.name, self.severity, self.summary = row.code, row.name, row.severity, row.summary
        self.scope = scope  # "statement", "run", "dispatch" or "reader"
        self.check = check
        self.doc = doc
        self.on = on  # the statements it checks: "VERB KIND" patterns, "*" for any
        self.needs = needs  # () for every broker (and none), else what a broker must declare

    def checks(self, verb: str, kind: str) -> bool:
        return any(v in ("*", verb) and k in ("*", kind) for v, k in (p.split() for p in self.on))

    def applies_to(self, broker) -> bool:
        """Whether the rule checks a file for `broker` (a compiler.base.Broker, or None)."""
        return not self.needs or (broker is not None and any(broker.declares(key) for key in self.needs))

    def brokers(self, among) -> str | list[str]:
        """The names of the brokers of `among` it applies to, or ALL for a broker-neutral rule."""
        return ALL if not self.needs else [b.name for b in among if self.applies_to(b)]

    def sections(self) -> dict[str, str]:
        """The docstring's parts: What, Why, Decision (where documents disagree), Example, Source."""
        from inspect import cleandoc

        out: dict[str, list[str]] = {}
        current = None
        for line in cleandoc(self.doc or "").splitlines():
            head = line.rstrip(":").strip()
            if line.endswith(":") and head in SECTIONS:
                current = head
                out[current] = []
            elif current:
                out[current].append(line)
        return {k: "\n".join(v).strip() for k, v in out.items()}

    def unsuppressible(self) -> str | None:
        """Why this rule cannot be suppressed (the docs' own words), or None if it can be."""
        import re

        if not self.row.fixed:
            return None
        found = re.search(re.escape(_UNSUPPRESSIBLE) + r"\s+(.+?)(?:\n\s*\n|$)", self.doc or "", re.S)
        return " ".join(found.group(1).split()).rstrip(".") if found else "without it the statement is incomplete"

    def as_dict(self, among) -> dict:
        """What `ordspec rules --format json` prints; `among`, every broker."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "summary": self.summary,
            "brokers": self.brokers(among),
            "docs": self.sections(),
        }


_RULES: dict[str, Rule] = {}


def _load(module: str) -> None:
    """Import a rule module (it declares its rules) and make a Rule of each of its declarations."""
    __import__(module)  # (not importlib.import_module: importlib and the warnings it imports cost a cold lint 0.4 ms)
    for name, (scope, check, doc, on, needs) in list(declare.DECLARED.items()):
        if name in _RULES:
            continue
        row = codes.BY_NAME.get(name)
        if row is None:
            raise ValueError(f"rule {name} has no row in rules/codes.py")
        if check is not None and check.__module__ != row.module:
            raise ValueError(f"rule {name} is in {check.__module__}, but rules/codes.py says {row.module}")
        _RULES[name] = Rule(row, scope, check, doc, on, needs)


def get(name_or_code: str) -> Rule:
    row = codes.find(name_or_code)
    if row is None:
        raise KeyError(name_or_code)
    if row.name not in _RULES:
        _load(row.module)
    return _RULES[row.name]


def all_rules() -> list[Rule]:
    """Every rule, in the order of the code table."""
    if len(_RULES) < len(codes.CODES):
        for module in dict.fromkeys(row.module for row in codes.CODES):
            _load(module)
    return [_RULES[row.name] for row in codes.CODES]
