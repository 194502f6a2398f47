"""`ordspec plan PATHS...` and `ordspec apply PLAN | PATHS...`: the files as the orders that should exist.

Exit codes as terraform's: plan exits 0, or 1 for an error; with --detailed-exitcode, 0 for no
changes, 2 for changes and 1 for an error. Input ordspec cannot read (a file, an option, a plan
file, a journal) exits 2 as everywhere in ordspec, except under --detailed-exitcode, where 2 means
changes: every error is 1 there. apply exits 0 when everything was done, 1 otherwise; a stale plan
is 1, and sends nothing.
"""

from __future__ import annotations

import os
import sys

ORDER_SUFFIXES = (".ord", ".yaml", ".yml")


def _fail(message: str, code: int = 2) -> int:
    sys.stderr.write("".join(f"ordspec: error: {line}\n" for line in message.splitlines() or [""]))
    return code


class _Target:
    """The broker, its base URL, pace and credentials: what plan reads with and apply sends with."""

    def __init__(self, broker, base_url, rate, timeout, config, reads: bool):
        from ordspec.cli.commands import DEFAULT_TIMEOUT, _rate
        from ordspec.dispatch.journal import normal_url
        from ordspec.plan import adapters

        self.broker = broker
        base = base_url or broker.setting("base_url")
        if not base:
            raise ValueError(f"{broker.title} has no one production host ({broker.setting('base_url_note')}): pass --base-url")
        self.base_url = normal_url(base)
        pace = _rate(broker, rate or (config.rates.get(broker.name) if config else None))
        if isinstance(pace, str):
            raise ValueError(pace)
        self.credentials = adapters.credentials(broker.name, config.client_id if config else None)
        problems = self.credentials.problems()
        if problems:
            raise ValueError("; ".join(problems))
        missing = self.credentials.missing()
        if missing and reads:
            raise ValueError(f"{broker.title} needs credentials from the environment to read its book: set {' and '.join(missing)}")
        self.transport = adapters.transport(self.base_url, self.credentials, pace, timeout or DEFAULT_TIMEOUT) if reads else None

    def sender(self, journal):
        from ordspec.plan import adapters

        return adapters.sender(self.broker.name, self.base_url, journal, self.transport, self.credentials)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def _make(paths, broker, instruments, quotes, as_of, base_url, journal, timeout, rate, config, error: int, lock: bool):
    """(plan, journal, target) or an exit code; diagnostics on stderr."""
    from ordspec.cli.commands import _print_diagnostics
    from ordspec.dispatch.journal import Journal, JournalError, default_path
    from ordspec.plan import adapters, books, brokers, make
    from ordspec.plan.steps import BuildError

    try:
        checked = adapters.check_files(paths, broker, instruments, quotes, as_of, config)
    except adapters.PlanError as e:
        return _fail(str(e), error)
    if checked.diagnostics:
        _print_diagnostics(checked.run, "text", sys.stderr)
    if checked.requests is None:
        sys.stderr.write("ordspec: no plan: fix the errors above first\n")
        return 1
    if checked.broker is None:
        return _fail("name the broker the orders are for: --broker, or a `broker NAME` line", error)
    try:
        target = _Target(checked.broker, base_url, rate, timeout, checked.run.config, lock or brokers.reader(checked.broker.name).readable)
    except ValueError as e:
        return _fail(str(e), error)
    path = journal or default_path()
    try:
        if lock:
            book = Journal(path)
        else:
            book = Journal(path, readonly=True) if os.path.exists(path) else Journal(":memory:")
    except JournalError as e:
        target.close()
        return _fail(str(e), error)
    try:
        plan = make(checked, target.base_url, book, target.sender(book), path)
    except (books.RefreshError, BuildError) as e:
        book.close()
        target.close()
        return _fail(str(e), 1)
    except adapters.PlanError as e:
        book.close()
        target.close()
        return _fail(str(e), error)
    return plan, book, target


def plan(paths, out=None, detailed_exitcode=False, format="text", broker=None, instruments=(), quotes=None, as_of=None,
         base_url=None, journal=None, timeout=None, rate=None, config=None) -> int:
    from ordspec.plan import render, saved

    error = 1 if detailed_exitcode else 2
    if out and out.endswith(ORDER_SUFFIXES):
        return _fail(f"-o {out}: a plan file is not an order file; name it such as tonight.plan", error)
    made = _make(paths, broker, instruments, quotes, as_of, base_url, journal, timeout, rate, config, error, lock=False)
    if isinstance(made, int):
        return made
    p, book, target = made
    book.close()
    target.close()
    shown = render.text(p)
    sys.stdout.write(render.json_text(p) if format == "json" else shown)
    if p.unknown:
        sys.stderr.write(f"ordspec: the plan stops at {len(p.unknown)} order{'s' if len(p.unknown) != 1 else ''} ordspec cannot settle (`! unknown` above): nothing saved\n")
        return 1
    if out:
        try:
            saved.write(out, p, shown)
        except saved.PlanError as e:
            return _fail(str(e), error)
        sys.stderr.write(f"Saved the plan to {out}: `ordspec apply {out}` carries it out exactly, or nothing if the book or the journal has moved.\n")
    if detailed_exitcode:
        return 2 if p.changes else 0
    return 0


def apply(paths, yes=False, format="text", broker=None, instruments=(), quotes=None, as_of=None, base_url=None, journal=None,
          timeout=None, rate=None, config=None) -> int:
    from ordspec.plan import render

    if len(paths) == 1 and not os.path.isdir(paths[0]) and not paths[0].endswith(ORDER_SUFFIXES):
        given = [flag for flag, value in (("--broker", broker), ("--instruments", instruments), ("--quotes", quotes), ("--as-of", as_of),
                                          ("--base-url", base_url), ("--config", config)) if value]
        if given:
            return _fail(f"{paths[0]} is a saved plan, applied as it was made: {', '.join(given)} belong{'s' if len(given) == 1 else ''} to `ordspec plan`")
        return _apply_saved(paths[0], journal, timeout, rate, format)
    made = _make(paths, broker, instruments, quotes, as_of, base_url, journal, timeout, rate, config, 2, lock=True)
    if isinstance(made, int):
        return made
    p, book, target = made
    try:
        sys.stdout.write(render.text(p) if format == "text" else render.json_text(p))
        if p.unknown:
            sys.stderr.write("ordspec: nothing applied: the plan stops at an order ordspec cannot settle (`! unknown` above)\n")
            return 1
        if not p.changes:
            _execute(p, book, target, format, quiet=True)
            return 0
        if not yes:
            if not sys.stdin.isatty():
                sys.stderr.write("ordspec: nothing applied: not a terminal to ask on; pass --yes, or save the plan (`ordspec plan -o PLAN`) and `ordspec apply PLAN`\n")
                return 1
            import click

            if not click.confirm(f"Apply this plan to {p.title} at {p.base_url}?", default=False, err=True):
                sys.stderr.write("ordspec: nothing applied\n")
                return 1
        return _execute(p, book, target, format)
    finally:
        book.close()
        target.close()


def _execute(p, book, target, format: str, quiet: bool = False) -> int:
    import sqlite3

    from ordspec.plan import apply as applying, render

    try:
        done = applying.execute(p, book, target.sender(book))
    except sqlite3.Error as e:  # the journal failed under apply: what was sent is in it up to here
        return _fail(f"the journal {book.path} failed ({e}): stopped; `ordspec plan` shows what is left")
    closing = applying.summary(done, p)
    if not quiet:
        sys.stdout.write(render.results_json(done, p, closing) if format == "json" else render.results_text(done, p, closing))
    return 0 if all(d.ok for d in done) else 1


def _apply_saved(path: str, journal, timeout, rate, format: str) -> int:
    from ordspec.dispatch.journal import Journal, JournalError
    from ordspec.plan import adapters, books, saved

    try:
        doc = saved.read(path)
        plan = saved.Saved(doc)
    except adapters.PlanError as e:
        return _fail(str(e))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:  # a well-formed file of another shape
        return _fail(f"{path} is not a plan this ordspec can apply ({type(e).__name__}: {e})")
    broker = adapters.get(plan.broker)
    try:
        target = _Target(broker, plan.base_url, rate, timeout, None, True)
    except ValueError as e:
        return _fail(str(e))
    try:
        book = Journal(journal or plan.journal_path)
    except JournalError as e:
        target.close()
        return _fail(str(e))
    try:
        from datetime import date

        moved = saved.stale(plan, book, target.sender(book), date.fromisoformat(doc["as_of"]))
        if moved:
            sys.stderr.write(f"ordspec: the plan {path} is stale: nothing sent. Since it was made:\n")
            sys.stderr.write("".join(f"  {adapters.visible(m)}\n" for m in moved))
            sys.stderr.write(f"Plan again (`ordspec plan ... -o {path}`) and review the new plan.\n")
            return 1
        return _execute(plan, book, target, format)
    except books.RefreshError as e:
        return _fail(str(e), 1)
    finally:
        book.close()
        target.close()
