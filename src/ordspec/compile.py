"""Compile order files into broker requests: all or nothing.

Everything lint checks is checked first; one error anywhere and no request is
produced. Every request is then checked against its JSON Schema in schemas/,
so a back-end bug surfaces as a diagnostic, never as a malformed request.
"""

from __future__ import annotations

import json
from pathlib import Path

from ordspec.diagnostics import make
from ordspec.lint import Context, Run, UsageError

SCHEMAS = Path(__file__).resolve().parent / "schemas"
_validators: dict = {}


def validator(name: str):
    if name not in _validators:
        from jsonschema import Draft202012Validator

        schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        _validators[name] = Draft202012Validator(schema)
    return _validators[name]


def schema_errors(request) -> list[str]:
    if request.schema is None:
        return []
    instance = request.body if request.body is not None else request.query
    return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}" for e in validator(request.schema).iter_errors(instance)]


def compile_sources(run: Run, sources: list) -> list | None:
    """Check every (source, form) with `run`; return the requests, or None if anything failed."""
    checked = []
    for source, form in sources:
        statements = run.check(source, form)
        checked.append((source, statements, run.broker_of(source.name)))
    run.finish()
    for source, statements, broker in checked:
        if broker is None and statements:
            raise UsageError(f"{source.name}: name a broker with --broker or a `broker NAME` line")
    if run.failed:
        return None
    requests = []
    for source, statements, broker in checked:
        ctx = Context(run, broker, source.name)
        for stmt in statements:
            for request in broker.compile(stmt, ctx):
                problems = schema_errors(request)
                if problems:
                    run.diagnostics.append(
                        make("internal-error", stmt.file, stmt, f"the {broker.title} request fails its schema {request.schema}: {problems[0]}", "please report this")
                    )
                requests.append(request)
    return None if run.failed else requests
