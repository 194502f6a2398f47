"""Compile order files into broker requests: all or nothing.

Statements are built as lint checks them, a batch at a time (pipeline/spool.py keeps
the requests, in order); one error anywhere and no request is produced. Every request
is checked against its JSON Schema in schemas/, so a back-end bug surfaces as a
diagnostic, never as a malformed request.

The check uses fastjsonschema, which compiles each schema to Python once:
about 5 us a body against 360 us with jsonschema (the schemas avoid `not`
and failing `oneOf` branches, which it pays for with an exception), the
difference between 0.1 s and 7 s on 20,000 orders. The test-suite checks the same bodies with
jsonschema, so two independent validators agree on every schema.
"""

from __future__ import annotations

import json
import os

from ordspec.pipeline import UsageError
from ordspec.pipeline.run import Run
from ordspec.pipeline.spool import Built
from ordspec.rules import codes
from ordspec.rules.context import Context

SCHEMAS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schemas")
_INTERNAL = codes.BY_NAME["internal-error"]
_validators: dict = {}


def schema(name: str) -> dict:
    """A schema of schemas/ by its name there (a back end outside the package may give a full path)."""
    with open(os.path.join(SCHEMAS, name), encoding="utf-8") as f:
        return json.load(f)


def validator(name: str):
    found = _validators.get(name)
    if found is None:
        import fastjsonschema

        found = _validators[name] = fastjsonschema.compile(schema(name))
    return found


def _invalid():
    from fastjsonschema import JsonSchemaException

    return JsonSchemaException


def schema_errors(request) -> list[str]:
    if request.schema is None:
        return []
    check = validator(request.schema)
    instance = request.body if request.body is not None else request.query
    try:
        check(instance)
    except _invalid() as e:  # (evaluated only when the check raises: nothing to import on the way that passes)
        return [e.message]
    return []


BATCH = 256  # statements built together, stage by stage (see _build)


def compile_sources(run: Run, sources: list, built: Built | None = None) -> list | Built | None:
    """Check every (source, form) with `run` and build the statements' requests as they are checked:
    the requests in order (into `built` when given, which is then returned, else as a list), or None
    if anything failed. Nothing is held but a batch of statements and the requests (or, spooled,
    their sizes)."""
    out = built or Built()
    batch: list = []  # (statement, context), built once BATCH are checked
    held = []  # (statement, context, hole): an error was reported on it, so it waits for the run
    refused = None  # the first file that cannot be compiled as the options stand: said once all is checked
    for source, form in sources:
        ctx = None
        for stmt in run.checked(source, form):
            if ctx is None:  # the file's first statement: what its broker needs is known now
                try:
                    ctx = Context(run, _ready(run, source.name), source.name)
                except UsageError as e:
                    refused, ctx = refused or e, False
            if refused is not None:
                continue  # (checked all the same: the files' own errors come first)
            if stmt.flawed:
                _build(run, batch, out.add)  # (the requests before it go before its place)
                held.append((stmt, ctx, out.hole()))
                continue
            batch.append((stmt, ctx))
            if len(batch) == BATCH:
                _build(run, batch, out.add)
    _build(run, batch, out.add)
    run.finish()
    if refused is not None:
        raise refused
    if run.failed:
        return None
    for stmt, ctx, hole in held:  # the run passed: every error on them was suppressed or deselected
        _build(run, [(stmt, ctx)], hole.append)
    if run.failed:
        return None
    return out if built is not None else out.requests()


def _ready(run: Run, file: str):
    """The broker of a file with statements, once it is sure to have what compile needs (UsageError)."""
    broker = run.broker_of(file)
    if broker is None:
        raise UsageError(f"{file}: name a broker with --broker or a `broker NAME` line")
    for option, why in broker.setting("compile_needs").items():
        if getattr(run, option) is None:
            raise UsageError(f"{file}: {broker.title} needs --{option}: {why}")
    if broker.setting("client_id") and run.client_id_for(broker) is None:
        raise UsageError(f"{file}: {broker.title} needs --client-id: {broker.setting('client_id')}")
    return broker


def _build(run: Run, batch: list, add) -> None:
    """The requests of a batch of (statement, context), each checked against its schema, to add(),
    in order; a failure is a diagnostic. Each stage runs over the whole batch (the back ends, the
    schema checks, the writer), which keeps its code and data warm: 4% of compile's CPU on the
    benchmark's 20,000 orders, against one statement at a time."""
    compiled = []
    for stmt, ctx in batch:
        broker = ctx.broker
        # Lint has refused whatever a back end cannot build (such rules cannot be suppressed or
        # deselected), so these are last guards: a failure here is a bug, never a half request.
        if broker.supports(stmt.verb, stmt.kind.value) is None:
            run.diagnostics.append(_INTERNAL.diagnostic(stmt.file, stmt.kind, f"{broker.title} has no request for {stmt.title()}, and no rule said so", "please report this"))
            continue
        try:
            requests = list(broker.compile(stmt, ctx))
        except (KeyError, ValueError, AttributeError, TypeError) as e:
            run.diagnostics.append(
                _INTERNAL.diagnostic(stmt.file, stmt, f"cannot compile this statement for {broker.title} ({type(e).__name__}: {e})", "please report this")
            )
            continue
        compiled.extend((stmt, broker, request) for request in requests)
    batch.clear()
    for stmt, broker, request in compiled:
        problems = schema_errors(request)
        if problems:
            run.diagnostics.append(
                _INTERNAL.diagnostic(stmt.file, stmt, f"the {broker.title} request fails its schema {request.schema}: {problems[0]}", "please report this")
            )
    for _, _, request in compiled:
        add(request)
