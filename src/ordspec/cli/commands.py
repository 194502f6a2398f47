"""What each command does, shared by the click commands and the fast lint path."""

from __future__ import annotations

import os
import sys

from ordspec.diagnostics import summary
from ordspec.pipeline import UsageError
from ordspec.pipeline.read import expand
from ordspec.pipeline.run import Run


def _fail(message: str) -> int:
    sys.stderr.write("".join(f"ordspec: error: {line}\n" for line in message.splitlines() or [""]))
    return 2


def _config(path: str | None):
    """The configuration: --config, else the nearest one found from here up."""
    from ordspec.config import ConfigError, find, load

    try:
        return load(path or find())
    except ConfigError as e:
        raise UsageError(str(e)) from None


def _read_all(run: Run, paths: list[str], stdin_filename: str | None, force_exclude: bool = False) -> list:
    """(SourceFile, form) for every path; unreadable paths raise UsageError."""
    out = []
    for path in expand(paths, run.config.excluded if run.config.exclude else None, force_exclude):
        if path == "-":
            name = stdin_filename or "<stdin>"
            source = run.read(path, name, sys.stdin.buffer.read())
        else:
            source = run.read(path)
        if source is not None:
            out.append((source, None))
    return out


def _print_diagnostics(run: Run, fmt: str, stream, diagnostics=None) -> None:
    """The run's diagnostics (or `diagnostics`, of the run's files) in a format."""
    diagnostics = run.diagnostics if diagnostics is None else diagnostics
    if fmt == "json":
        from ordspec.render import jsonfmt

        stream.write(jsonfmt.report(diagnostics, {**summary(diagnostics, run.files), "statements": run.statements}))
    elif fmt == "sarif":
        from ordspec.render import sarif

        stream.write(sarif.report(diagnostics, run.sources))
    elif fmt == "github":
        from ordspec.render import github

        stream.write(github.report(diagnostics))
    else:
        from ordspec.render import text

        counts = {**summary(diagnostics, run.files), "statements": run.statements}
        stream.write(text.report(diagnostics, run.sources, counts, text.use_colour(stream)))


def _warn(message: str) -> None:
    sys.stderr.write(f"ordspec: warning: {message}\n")


def lint(paths, broker=None, instruments=(), quotes=None, state=None, as_of=None, format="text", stdin_filename=None,
         config=None, jobs=1, exit_zero=False, force_exclude=False, select=(), ignore=(), plan=False) -> int:
    try:
        settings = _config(config)
        settings.command_line([n for names in select for n in names], [n for names in ignore for n in names], plan)
        run = Run(broker=broker, instruments=instruments, as_of=as_of, quotes=quotes, state=state, config=settings)
        run.load()
        files = expand(paths, run.config.excluded if run.config.exclude else None, force_exclude, _warn)
        workers = (os.cpu_count() or 1) if jobs == 0 else jobs
        if workers > 1 and len([f for f in files if f != "-"]) > 1:
            from ordspec.pipeline import parallel

            parallel.check(run, files, workers, stdin=lambda: (stdin_filename or "<stdin>", sys.stdin.buffer.read()))
        else:
            for source, form in _read_all(run, files, stdin_filename):
                for _ in run.checked(source, form):  # each checked as it is read, none kept
                    pass
        run.finish()
    except UsageError as e:
        return _fail(str(e))
    _print_diagnostics(run, format, sys.stdout)
    return 1 if run.failed and not exit_zero else 0


def compile(path, broker=None, instruments=(), quotes=None, state=None, gateway=None, as_of=None, output=None, stdin_filename=None, config=None, client_id=None) -> int:
    from ordspec.pipeline.compile import compile_sources
    from ordspec.pipeline.spool import Built

    if path != "-" and os.path.isdir(path):
        return _fail(f"{path} is a directory: compile takes one order file")
    built = None
    try:
        built = Built(spool=True)  # requests go to a temporary file as they are built, out only if all pass
        run = Run(broker=broker, instruments=instruments, as_of=as_of, derive_keys=True, quotes=quotes, state=state, gateway=gateway, config=_config(config), client_id=client_id)
        run.load()
        passed = compile_sources(run, _read_all(run, [path], stdin_filename), built)
        if run.diagnostics:
            _print_diagnostics(run, "text", sys.stderr)
        if passed is None:
            return 1
        return _write_out(built, output)
    except UsageError as e:
        return _fail(str(e))
    finally:
        if built is not None:
            built.close()


def _write_out(built, output: str | None) -> int:
    if not output:
        built.write(sys.stdout)
        return 0
    tmp = f"{output}.tmp{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            built.write(f)
        os.replace(tmp, output)  # atomic: a reader never sees half a file
    except OSError as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        return _fail(f"{output}: {e.strerror or e}")
    return 0


def rules(format="text") -> int:
    import json

    from ordspec import compiler
    from ordspec.rules.registry import ALL, all_rules

    found, among = all_rules(), compiler.brokers()
    if format == "json":
        sys.stdout.write(json.dumps([r.as_dict(among) for r in found], indent=2, ensure_ascii=False) + "\n")
        return 0
    width = max(len(r.name) for r in found)
    for r in found:
        brokers = r.brokers(among)
        brokers = brokers if brokers == ALL else ",".join(brokers)
        sys.stdout.write(f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {brokers:<9}  {r.summary}\n")
    return 0


def explain(name: str) -> int:
    from ordspec import compiler
    from ordspec.config import rule_problem
    from ordspec.rules.registry import ALL, get

    try:
        rule = get(name)
    except KeyError:
        return _fail(f"{rule_problem(name, prefixes=False)}: `ordspec rules` lists them")
    brokers = rule.brokers(compiler.brokers())
    brokers = "every broker" if brokers == ALL else ", ".join(brokers)
    out = [f"{rule.code} {rule.name} ({rule.severity}; applies to {brokers})", "", rule.summary]
    for title, body in rule.sections().items():
        out += ["", f"{title}:", *("    " + line if line else "" for line in body.splitlines())]
    sys.stdout.write("\n".join(out) + "\n")
    return 0


DEFAULT_TIMEOUT = 20.0


def dispatch(path, dry_run=False, broker=None, instruments=(), quotes=None, state=None, gateway=None, as_of=None,
             base_url=None, journal=None, timeout=None, rate=None, format="text", stdin_filename=None, config=None, client_id=None) -> int:
    from ordspec import compiler
    from ordspec.dispatch import render
    from ordspec.dispatch import preflight
    from ordspec.dispatch.credentials import Credentials
    from ordspec.dispatch.journal import Journal, JournalError, default_path, normal_url
    from ordspec.dispatch.sender import Sender, journal_key
    from ordspec.pipeline.compile import compile_sources

    if path != "-" and os.path.isdir(path):
        return _fail(f"{path} is a directory: dispatch takes one order file")
    try:
        run = Run(broker=broker, instruments=instruments, as_of=as_of, derive_keys=True, quotes=quotes, state=state, gateway=gateway, config=_config(config), client_id=client_id)
        run.load()
        sources = _read_all(run, [path], stdin_filename)
        requests = compile_sources(run, sources)
    except UsageError as e:
        return _fail(str(e))
    if run.diagnostics:
        _print_diagnostics(run, "text", sys.stderr)
    if requests is None:
        sys.stderr.write("ordspec: nothing sent: fix the errors above first\n")
        return 1
    if not requests:
        sys.stdout.write("Nothing to send.\n")
        return 0
    target = compiler.get(requests[0].broker)
    base = base_url or target.setting("base_url")
    if not base:
        return _fail(f"{target.title} has no one production host ({target.setting('base_url_note')}): pass --base-url")
    if not base.startswith(("http://", "https://")):
        return _fail(f"--base-url {base}: give a URL such as https://host or http://127.0.0.1:8765")
    base = normal_url(base)
    pace = _rate(target, rate or run.config.rates.get(target.name))
    if isinstance(pace, str):
        return _fail(pace)
    # the account's client id is no secret (a body may carry it); compile has checked it for a broker that asks
    public = {"client_id": run.client_id_for(target)} if target.setting("client_id") else {}
    credentials = Credentials(target, public=public)
    unusable = credentials.problems()  # before anything is sent, and in a dry run too
    if unusable:
        return _fail("; ".join(unusable))
    found = preflight.check(run, requests, credentials, compiler.get)
    if found:
        _print_diagnostics(run, "text", sys.stderr, found)
        sys.stderr.write("ordspec: nothing sent: fix the errors above first\n")
        return 1
    journal_path = journal or default_path()
    if dry_run:
        planned = [(r, _journal_state(journal_path, journal_key(target.name, base, r))) for r in requests]
        headers, missing = credentials.headers(redacted=True), credentials.missing()
        counts = _dry_run_counts(planned, target.setting("dispatch.deduplicates"))
        out = render.plan_json(base, headers, planned, counts, missing) if format == "json" else render.plan_text(base, headers, planned, counts, missing)
        sys.stdout.write(out)
        return 0
    missing = credentials.missing()
    if missing:
        return _fail(f"{target.title} needs credentials from the environment: set {' and '.join(missing)}")
    from ordspec.dispatch.transport import Transport

    try:
        book = Journal(journal_path)
    except JournalError as e:
        return _fail(str(e))
    transport = Transport(base, credentials.headers(), pace, timeout or DEFAULT_TIMEOUT)
    sender = Sender(target, base, book, transport, credentials)
    results = []
    try:
        for request in _progress(requests):
            results.append(sender.send(request))
    finally:
        transport.close()
        book.close()
    if format == "json":
        sys.stdout.write(render.results_json(results, target.name, base))
    else:
        sys.stdout.write(render.results_text(results, target.title, base, target.setting("dispatch.listing")))
    return 0 if all(r.ok for r in results) else 1


def _rate(target, wanted: float | None) -> float | str:
    """Requests per second: the one asked for (--rate, or the config's `rate`), else the broker's
    default; never above a limit the broker documents (a message then)."""
    limit = target.setting("dispatch.rate_limit")
    if wanted is None:
        return target.setting("dispatch.rate_per_second")
    if limit is not None and wanted > limit:
        return f"rate {wanted:g}/s: {target.title} allows at most {limit} requests/s ({target.setting('dispatch.rate_source')})"
    return wanted


def _dry_run_counts(planned, dedup: bool) -> dict:
    """What the real run would do with each request, as Sender.send decides from the journal:
    skip what was confirmed, hold what an earlier run lost the answer of (unless the broker
    deduplicates), send the rest."""
    counts = {"send": 0, "skip": 0, "hold": 0}
    for _, state in planned:
        if state == "confirmed":
            counts["skip"] += 1
        elif state in ("unknown", "sending") and not dedup:
            counts["hold"] += 1
        else:
            counts["send"] += 1
    return counts


def _journal_state(path: str, key):
    """A dry run reads the journal, if there is one, without creating or changing it."""
    import sqlite3

    if key is None or not os.path.exists(path):
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        row = db.execute("SELECT state FROM requests WHERE key = ?", (key,)).fetchone()
        db.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _progress(requests):
    """A progress bar on a terminal, for batches."""
    if len(requests) < 2 or not sys.stderr.isatty():
        return requests
    import click

    return click.progressbar(requests, label="sending", file=sys.stderr)


def journal_list(journal=None, state=None, format="text") -> int:
    from ordspec.dispatch.journal import Journal, JournalError, as_json, default_path

    path = journal or default_path()
    if not os.path.exists(path):
        return _fail(f"no journal at {path}")
    try:
        book = Journal(path, lock=False)
    except JournalError as e:
        return _fail(str(e))
    entries = book.entries(state)
    book.close()
    if format == "json":
        import json

        sys.stdout.write(json.dumps([as_json(e) for e in entries], indent=2) + "\n")
        return 0
    from ordspec.render.text import visible

    for e in entries:  # (a broker id is what a broker answered: shown, never sent raw to the terminal)
        sys.stdout.write(visible(f"{e.state:<9} {e.broker_id or '-':<20} {e.source}  {e.key}") + "\n")
    sys.stdout.write(f"{len(entries)} request{'s' if len(entries) != 1 else ''} in {path}\n")
    return 0


def journal_resolve(key: str, placed=None, not_placed=False, journal=None) -> int:
    from ordspec.dispatch.journal import Journal, JournalError, default_path

    if bool(placed) == bool(not_placed):
        return _fail("say what happened: --placed ID or --not-placed")
    path = journal or default_path()
    if not os.path.exists(path):
        return _fail(f"no journal at {path}")
    try:
        book = Journal(path)
    except JournalError as e:
        return _fail(str(e))
    why = book.resolve(key, placed)
    book.close()
    if why == "no request with key":
        return _fail(f"no request with key {key!r} in {path}")
    if why:
        return _fail(f"{key!r} in {path}: {why}")
    sys.stdout.write(f"recorded: {'placed as ' + placed if placed else 'not placed'}\n")
    return 0
