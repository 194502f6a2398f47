"""The rule registry: every rule ordspec reports, with its code, name and docs.

A rule is a small function with its metadata, registered with @rule (checks
that run on the IR) or declare() (problems the front ends find while reading,
such as `syntax`). Its docstring is its documentation, in four parts: What,
Why, Example and Source; `ordspec explain NAME` prints it and the README's
rules table is generated from here.

A check is called as check(stmt, ctx) for each statement (scope "statement")
or check(statements, ctx) once per run (scope "run") and yields
(span, message) or (span, message, help).
"""

from __future__ import annotations

from ordspec.diagnostics import SEVERITIES

ALL = "all"  # brokers=ALL: a broker-neutral rule that always runs
# Rules that cannot be suppressed or deselected: without them the statement is incomplete, or its
# request could not be built, or would differ from the statement (a field dropped, a price rounded,
# a value invented). Each one's docs say why, in a sentence "This rule cannot be suppressed: ...".
FIXED = (
    "syntax", "encoding", "hidden-text", "unsafe-yaml", "bad-number", "bad-value", "duplicate-option", "misplaced-option",
    "broker-mismatch", "internal-error",
    "missing-field", "not-positive", "missing-price", "unexpected-price", "index-symbol",
    "unsupported", "not-modifiable", "price-precision", "reference-id", "duplicate-reference", "page-range",
    "notes-length", "unsafe-id", "sip-state", "connected-user", "contract-symbol", "not-desired-state",
)
_UNSUPPRESSIBLE = "This rule cannot be suppressed:"
SECTIONS = ("What", "Why", "Decision", "Example", "Source")


class Rule:
    __slots__ = ("code", "name", "severity", "summary", "brokers", "scope", "check", "doc", "on")

    def __init__(self, code, name, severity, summary, brokers, scope, check, doc, on=("* *",)):
        self.code = code
        self.name = name
        self.severity = severity
        self.summary = summary
        self.brokers = brokers  # ALL or a tuple of broker names
        self.scope = scope  # "statement", "run" or "reader"
        self.check = check
        self.doc = doc
        self.on = on  # the statements it checks: "VERB KIND" patterns, "*" for any

    def checks(self, verb: str, kind: str) -> bool:
        return any(v in ("*", verb) and k in ("*", kind) for v, k in (p.split() for p in self.on))

    def applies_to(self, broker: str | None) -> bool:
        return self.brokers == ALL or (broker is not None and broker in self.brokers)

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

        if self.name not in FIXED:
            return None
        found = re.search(re.escape(_UNSUPPRESSIBLE) + r"\s+(.+?)(?:\n\s*\n|$)", self.doc or "", re.S)
        return " ".join(found.group(1).split()).rstrip(".") if found else "without it the statement is incomplete"

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "summary": self.summary,
            "brokers": "all" if self.brokers == ALL else list(self.brokers),
            "docs": self.sections(),
        }


_RULES: dict[str, Rule] = {}
_BY_CODE: dict[str, Rule] = {}
_loaded = False


def _register(rule: Rule) -> Rule:
    if rule.severity not in SEVERITIES:
        raise ValueError(f"{rule.name}: bad severity {rule.severity}")
    if rule.name in _RULES or rule.code in _BY_CODE:
        raise ValueError(f"rule {rule.code} {rule.name} is registered twice")
    _RULES[rule.name] = rule
    _BY_CODE[rule.code] = rule
    return rule


def rule(code: str, name: str, *, severity: str = "error", summary: str, brokers=ALL, scope: str = "statement", on=("* *",)):
    """Register a check function as a rule; `on` says which statements it checks ("CREATE OCO", "LIST *")."""

    def register(check):
        _register(Rule(code, name, severity, summary, brokers, scope, check, check.__doc__, on))
        return check

    return register


def declare(code: str, name: str, *, severity: str = "error", summary: str, doc: str, brokers=ALL) -> None:
    """Register a rule that a front end reports while reading (no check function)."""
    _register(Rule(code, name, severity, summary, brokers, "reader", None, doc))


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        # Each module registers its rules when imported.
        from ordspec.rules import account, broker, contract, desired, order, prices, reading, requests, symbol  # noqa: F401


def get(name_or_code: str) -> Rule:
    _load()
    rule = _RULES.get(name_or_code) or _BY_CODE.get(name_or_code.upper())
    if rule is None:
        raise KeyError(name_or_code)
    return rule


def all_rules() -> list[Rule]:
    _load()
    return sorted(_RULES.values(), key=lambda r: r.code)
