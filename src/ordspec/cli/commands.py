"""What each command does, shared by the click commands and the fast lint path."""

from __future__ import annotations

import os
import sys

from ordspec.diagnostics import summary
from ordspec.lint import Run, UsageError, expand


def _fail(message: str) -> int:
    sys.stderr.write(f"ordspec: error: {message}\n")
    return 2


def _read_all(run: Run, paths: list[str], stdin_filename: str | None) -> list:
    """(SourceFile, form) for every path; unreadable paths raise UsageError."""
    out = []
    for path in expand(paths):
        if path == "-":
            name = stdin_filename or "<stdin>"
            source = run.read(path, name, sys.stdin.buffer.read())
        else:
            source = run.read(path)
        if source is not None:
            out.append((source, None))
    return out


def _summary(run: Run) -> dict:
    s = summary(run.diagnostics, run.files)
    s["statements"] = run.statements
    return s


def _print_diagnostics(run: Run, fmt: str, stream) -> None:
    if fmt == "json":
        from ordspec.render import jsonfmt

        stream.write(jsonfmt.report(run.diagnostics, _summary(run)))
    else:
        from ordspec.render import text

        stream.write(text.report(run.diagnostics, run.sources, _summary(run), text.use_colour(stream)))


def lint(paths, broker=None, instruments=(), quotes=None, state=None, as_of=None, format="text", stdin_filename=None) -> int:
    try:
        run = Run(broker=broker, instruments=instruments, as_of=as_of, quotes=quotes, state=state)
        run.load()
        for source, form in _read_all(run, paths, stdin_filename):
            run.check(source, form)
        run.finish()
    except UsageError as e:
        return _fail(str(e))
    _print_diagnostics(run, format, sys.stdout)
    return 1 if run.failed else 0


def compile(path, broker=None, instruments=(), quotes=None, state=None, gateway=None, as_of=None, output=None, stdin_filename=None) -> int:
    from ordspec.compile import compile_sources
    from ordspec.compiler.jsonout import dumps

    if path != "-" and os.path.isdir(path):
        return _fail(f"{path} is a directory: compile takes one order file")
    try:
        run = Run(broker=broker, instruments=instruments, as_of=as_of, derive_keys=True, quotes=quotes, state=state, gateway=gateway)
        run.load()
        requests = compile_sources(run, _read_all(run, [path], stdin_filename))
    except UsageError as e:
        return _fail(str(e))
    if run.diagnostics:
        _print_diagnostics(run, "text", sys.stderr)
    if requests is None:
        return 1
    text = dumps([r.as_dict() for r in requests]) + "\n"
    if output:
        tmp = f"{output}.tmp{os.getpid()}"
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, output)  # atomic: a reader never sees half a file
        except OSError as e:
            if os.path.exists(tmp):
                os.remove(tmp)
            return _fail(f"{output}: {e.strerror or e}")
    else:
        sys.stdout.write(text)
    return 0


def rules(format="text") -> int:
    import json

    from ordspec.rules.registry import all_rules

    found = all_rules()
    if format == "json":
        sys.stdout.write(json.dumps([r.as_dict() for r in found], indent=2, ensure_ascii=False) + "\n")
        return 0
    width = max(len(r.name) for r in found)
    for r in found:
        brokers = "all" if r.brokers == "all" else ",".join(r.brokers)
        sys.stdout.write(f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {brokers:<9}  {r.summary}\n")
    return 0


def explain(name: str) -> int:
    from ordspec.rules.registry import get

    try:
        rule = get(name)
    except KeyError:
        return _fail(f"no rule is called {name!r}: `ordspec rules` lists them")
    brokers = "every broker" if rule.brokers == "all" else ", ".join(rule.brokers)
    out = [f"{rule.code} {rule.name} ({rule.severity}; applies to {brokers})", "", rule.summary]
    for title, body in rule.sections().items():
        out += ["", f"{title}:", *("    " + line if line else "" for line in body.splitlines())]
    sys.stdout.write("\n".join(out) + "\n")
    return 0
