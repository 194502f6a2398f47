"""What dispatch checks after compile and before it sends anything: the dispatch rules (rules.py),
which need the credentials, on every request."""

from __future__ import annotations

from ordspec.diagnostics import ERROR
from ordspec.rules.context import Context
from ordspec.rules.registry import all_rules


def check(run, requests, credentials, broker_of) -> list:
    """The diagnostics of the dispatch rules on `requests`; [] unless one is an error (nothing is sent then).

    broker_of(name) gives the Broker of a request's `broker`.
    """
    found: list = []
    rules = [r for r in all_rules() if r.scope == "dispatch"]
    for request in requests:
        stmt, broker = request.statement, broker_of(request.broker)
        ctx = Context(run, broker, stmt.file, found, credentials)
        for r in rules:
            if r.applies_to(broker) and r.checks(stmt.verb, stmt.kind.value):
                ctx.rule = r
                r.check(stmt, ctx)
    return found if any(d.severity == ERROR for d in found) else []
