"""How a rule module declares its rules: @rule for a check, declare() for the docs of a rule a
front end or reader reports. The registry (registry.py) reads what was declared, joined with the
rule's row in codes.py; rule modules import this module, never the registry, so that the registry
can load them without an import cycle."""

from __future__ import annotations

DECLARED: dict[str, tuple] = {}  # rule name -> (scope, check, doc, on, needs)


def _declare(name: str, scope: str, check, doc: str | None, on, needs) -> None:
    if name in DECLARED:
        raise ValueError(f"rule {name} is declared twice")
    DECLARED[name] = (scope, check, doc, tuple(on), tuple(needs))


def rule(name: str, *, scope: str = "statement", on=("* *",), needs=()):
    """Declare a check function as the rule `name`; `on` says which statements it checks ("CREATE OCO",
    "LIST *"); `needs`, the table keys or hooks a broker must declare for it to apply (any one)."""

    def register(check):
        _declare(name, scope, check, check.__doc__, on, needs)
        return check

    return register


def declare(name: str, *, doc: str) -> None:
    """Declare the docs of a rule that a front end or reader reports while reading (no check function)."""
    _declare(name, "reader", None, doc, ("* *",), ())
