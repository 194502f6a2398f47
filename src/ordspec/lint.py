"""The checking pipeline: read -> parse -> resolve -> rules -> diagnostics.

A Run checks any number of files with one set of options; rules of scope
"run" (duplicate references) see every file of the run. Compile and dispatch
use the same Run, so they check exactly what lint checks.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

from ordspec.diagnostics import ERROR, Diagnostic, make
from ordspec.ir import CREATE, Field
from ordspec.language import OPTIONS, applies
from ordspec.source import NotText, SourceFile, Span, decode

ORDER_SUFFIXES = (".ord", ".yaml", ".yml")
MAX_FILE = 256 * 1024 * 1024
IST = timezone(timedelta(hours=5, minutes=30))


class UsageError(Exception):
    """Bad options or unreadable paths: exit 2."""


def today() -> date:
    """Today on the Indian markets' clock, whatever the machine's zone."""
    return datetime.now(IST).date()


class Context:
    """What a rule may look at besides the statement."""

    __slots__ = ("run", "broker", "as_of", "file")

    def __init__(self, run: Run, broker, file: str):
        self.run = run
        self.broker = broker  # compiler.Broker or None
        self.as_of = run.as_of
        self.file = file

    @property
    def refdata(self):
        return self.run.refdata

    @property
    def state(self):
        return self.run.state

    @property
    def plan(self) -> bool:
        """Whether this file holds desired orders, for `ordspec plan` (lint --plan, or `plan = true`)."""
        settings = self.run._settings.get(self.file)
        return bool(settings and settings.plan)

    def offered(self, stmt) -> bool:
        """Whether a broker is named and offers this statement (else `unsupported` has said all there is)."""
        return self.broker is not None and self.broker.supports(stmt.verb, stmt.kind.value) is not None

    def named(self, key: str) -> str:
        """' (INDstocks: QtyMultipleOfLotSize)': the broker's own name for a validation, if it has one."""
        names = self.broker.table.get("validation_names", {}) if self.broker else {}
        return f" ({self.broker.title}: {names[key]})" if key in names else ""


def looks_like_orders(path: str) -> bool:
    """Whether a YAML file is an order file, judged by its content (sniff.orders)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            head = f.read(65536)
    except OSError:
        return True  # let the read report it
    from ordspec.sniff import orders

    return orders(head)


def expand(paths: list[str], excluded=None, force: bool = False, warn=None) -> list[str]:
    """Files to check: files as given, directories walked for order files, '-' for stdin.

    A walk finds .ord files and the YAML files that are order files (looks_like_orders),
    minus `excluded(path)` (the configuration's excludes). Files named explicitly are
    checked as they are, unless `force` (--force-exclude, for pre-commit, which names every
    matching file): then the same two filters apply to them too. `warn(message)` hears of a
    directory with no order file in it, and of named files that all were filtered out.
    """
    out = []
    warned = False
    for path in paths:
        if path == "-" or os.path.isfile(path):
            if force and path != "-" and ((excluded and excluded(path)) or (path.endswith((".yaml", ".yml")) and not looks_like_orders(path))):
                continue
            out.append(path)
        elif os.path.isdir(path):
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "__pycache__"))
                found.extend(os.path.join(root, f) for f in files if f.endswith(ORDER_SUFFIXES))
            kept = [p for p in sorted(found) if not (excluded and excluded(p)) and (p.endswith(".ord") or looks_like_orders(p))]
            if not kept and warn:
                warn(f"no order files found under {path}")
                warned = True
            out.extend(kept)
        elif os.path.exists(path):
            raise UsageError(f"{path}: not a file or directory")
        else:
            raise UsageError(f"{path}: no such file or directory")
    if not out and paths and warn and not warned:  # named files, all filtered out
        warn(f"no order files found under {', '.join(paths)}")
    return out


def resolve(stmt, ctx: Context) -> None:
    """Attach the instrument, and fill the exchange and segment the author left to ordspec."""
    verb, kind = stmt.verb, stmt.kind.value
    if verb == CREATE and stmt.symbol is not None:
        exchange = stmt.options.get("exchange")
        stmt.instrument = ctx.refdata.lookup(stmt.symbol.value, exchange.value if exchange else None, ctx.as_of)
    if verb == CREATE and "exchange" not in stmt.options and "exchange" not in stmt.invalid and applies(OPTIONS["exchange"][2], verb, kind):
        stmt.options["exchange"] = Field.at(stmt.instrument.exchange if stmt.instrument else "NSE", stmt.kind)
        stmt.defaulted.add("exchange")
    segment = stmt.options.get("segment")
    if segment is None and stmt.instrument is not None and stmt.instrument.segment:
        segment = Field.at(stmt.instrument.segment, stmt.symbol)  # (a SIP has no segment option, but its scrip has one)
    stmt.segment = segment


class Run:
    def __init__(
        self,
        broker: str | None = None,
        instruments=None,
        as_of: date | None = None,
        derive_keys: bool = False,
        quotes: str | None = None,
        state: str | None = None,
        gateway: str | None = None,
        config=None,
    ):
        from ordspec import compiler
        from ordspec.config import Config

        self.config = config or Config()
        broker = broker or None
        instruments = instruments or self.config.instruments
        quotes = quotes or self.config.quotes
        state = state or self.config.state
        gateway = gateway or self.config.gateway

        if broker is not None and broker not in compiler.BROKERS:
            raise UsageError(f"unknown broker {broker!r}: choose from {', '.join(compiler.BROKERS)}")
        self.broker = broker
        self.instruments = [instruments] if isinstance(instruments, str) else [p for p in instruments or () if p]
        self.quotes = quotes
        self.state_path = state
        self._state = None
        self.gateway = gateway
        self.as_of = as_of or today()
        self.derive_keys = derive_keys
        self._refdata = None
        self.diagnostics: list[Diagnostic] = []
        self.sources: dict[str, SourceFile] = {}
        self.keys: list[tuple] = []  # (key, derived, file, span) of every create
        self.files = 0
        self.statements = 0
        self._rules: dict = {}
        self._file_brokers: dict = {}
        self._settings: dict = {}  # file name -> config.Settings

    @property
    def refdata(self):
        if self._refdata is None:
            from ordspec.refdata.instruments import MasterError, RefData

            try:
                self._refdata = RefData(self.instruments, self.quotes)
            except MasterError as e:
                raise UsageError(str(e)) from None
            self._report_master_problems()
        return self._refdata

    @property
    def state(self):
        """The broker's own account of existing orders (--state), or None."""
        if self._state is None and self.state_path:
            from ordspec.state import State, StateError

            try:
                self._state = State.load(self.state_path)
            except StateError as e:
                raise UsageError(str(e)) from None
        return self._state

    def _report_master_problems(self) -> None:
        problems = self._refdata.master_problems
        for file, line, message in problems[:20]:
            self.diagnostics.append(make("instrument-data", file, Span(line, 1, line, 2), f"row skipped: {message}"))
        if len(problems) > 20:
            file, line, _ = problems[20]
            self.diagnostics.append(make("instrument-data", file, Span(line, 1, line, 2), f"{len(problems) - 20} more rows skipped"))

    def load(self) -> None:
        """Load reference data and state now: a bad --instruments, --quotes or --state is a usage error before any output."""
        if self.instruments or self.quotes:
            self.refdata  # noqa: B018
        self.state  # noqa: B018

    # -- files

    def read(self, path: str, name: str | None = None, data: bytes | None = None) -> SourceFile | None:
        """Read and decode a file; a binary or non-UTF-8 one is reported, not raised."""
        name = name or path
        self.files += 1
        if data is None:
            try:
                with open(path, "rb") as f:
                    data = f.read(MAX_FILE + 1)
            except OSError as e:
                raise UsageError(f"{path}: {e.strerror or e}") from None
        if len(data) > MAX_FILE:
            self.diagnostics.append(make("encoding", name, Span(1, 1, 1, 2), f"this file is larger than {MAX_FILE // 2**20} MiB"))
            return None
        try:
            text = decode(data)
        except NotText as e:
            self.diagnostics.append(make("encoding", name, Span(e.line, e.column, e.line, e.column + 1), str(e)))
            return None
        source = SourceFile(name, text)
        self.sources[name] = source
        return source

    def check(self, source: SourceFile, form: str | None = None) -> list:
        """Parse one file and run every statement rule on it; return its statements."""
        if (form or _form(source.name)) == "yaml":
            from ordspec.grammar import yamlform as front
        else:
            from ordspec.grammar import dsl as front
        settings = self._settings[source.name] = self.config.settings(source.name, self.broker)
        parsed = front.parse(source, settings.defaults)
        self.diagnostics.extend(parsed.diagnostics)
        broker = self._broker(parsed, settings.broker)
        self._file_brokers[source.name] = broker
        ctx = Context(self, broker, source.name)
        broker_name = broker.name if broker else None
        occurrences: dict[str, int] = {}
        # plan names every order, so its duplicates are found for every broker
        derive = self.derive_keys or settings.plan or bool(broker and broker.table.get("reference_id", {}).get("derived"))
        for stmt in parsed.statements:
            self.statements += 1
            resolve(stmt, ctx)
            self._key(stmt, derive, occurrences)
            for rule in self._statement_rules(broker_name, stmt.verb, stmt.kind.value, settings):
                self._apply(rule, stmt, ctx)
        return parsed.statements

    def broker_of(self, name: str):
        """The broker a checked file was checked for, or None."""
        return self._file_brokers.get(name)

    def _broker(self, parsed, configured: str | None):
        from ordspec import compiler

        line = parsed.broker
        if line is not None and self.broker is not None and line.value != self.broker:
            self.diagnostics.append(
                make("broker-mismatch", parsed.source.name, line, f"this file is for {line.value}, but --broker is {self.broker}")
            )
        # --broker, then the file's own `broker` line, then the configuration's
        name = self.broker or (line.value if line is not None else None) or configured
        if name is not None and name not in compiler.BROKERS:
            raise UsageError(f"{self.config.path}: unknown broker {name!r}: choose from {', '.join(compiler.BROKERS)}")
        return compiler.get(name) if name else None

    def _statement_rules(self, broker: str | None, verb: str, kind: str, settings) -> list:
        key = (broker, verb, kind, settings.select and tuple(settings.select), settings.ignore)
        found = self._rules.get(key)
        if found is None:
            from ordspec.rules.registry import all_rules

            found = self._rules[key] = [
                r
                for r in all_rules()
                if r.scope == "statement" and r.applies_to(broker) and r.checks(verb, kind) and settings.wants(r.code, r.name)
            ]
        return found

    def _apply(self, rule, stmt, ctx: Context) -> None:
        try:
            found = [
                Diagnostic(stmt.file, f[0].line, f[0].column, f[0].end_line, f[0].end_column, rule.severity, rule.code, rule.name, f[1], f[2] if len(f) > 2 else None)
                for f in rule.check(stmt, ctx)
            ]
        except Exception as e:  # a bug in a rule must not cost the user the rest of the run
            self.diagnostics.append(
                make("internal-error", stmt.file, stmt, f"rule {rule.name} failed on this statement: {type(e).__name__}: {e}", "please report this")
            )
            return
        self.diagnostics.extend(found)

    def _key(self, stmt, derive: bool, occurrences: dict) -> None:
        if stmt.verb != CREATE:
            if self.derive_keys:  # dispatch journals actions too, by what they are
                from ordspec.compiler.refs import derive as derive_key, identity

                text = identity(stmt)
                n = occurrences.get(text, 0)
                occurrences[text] = n + 1
                stmt.key, stmt.key_derived = derive_key(text, n), True
            return
        ref = stmt.options.get("ref")
        if ref is not None:
            stmt.key, stmt.key_derived = ref.value, False
            self.keys.append((ref.value, False, stmt.file, ref))
        elif derive:
            from ordspec.compiler.refs import derive as derive_key, identity

            text = identity(stmt)
            n = occurrences.get(text, 0)
            occurrences[text] = n + 1
            # Lint only needs to know which orders would share an id, and equal
            # identities are equal ids: hashing waits for compile and dispatch.
            key = derive_key(text, n) if self.derive_keys else f"{text}#{n}"
            stmt.key, stmt.key_derived = key, True
            self.keys.append((key, True, stmt.file, stmt.kind))

    # -- several processes (-j): each checks some files; the run-wide rules see them all here

    def check_parallel(self, files: list[str], workers: int, stdin) -> None:
        from concurrent.futures import ProcessPoolExecutor

        items = [(path, *stdin()) if path == "-" else (path, None, None) for path in files]
        options = {
            "broker": self.broker,
            "instruments": self.instruments,
            "quotes": self.quotes,
            "state": self.state_path,
            "as_of": self.as_of,
            "derive_keys": self.derive_keys,
            "gateway": self.gateway,
            "config": self.config,
        }
        chunk = max(1, len(items) // (workers * 4))
        with ProcessPoolExecutor(workers, initializer=_worker_init, initargs=(options,)) as pool:
            for result in pool.map(_worker_check, items, chunksize=chunk):  # map keeps the input order
                self._absorb(result)

    def export(self) -> dict:
        return {
            "sources": self.sources,
            "diagnostics": self.diagnostics,
            "keys": self.keys,
            "files": self.files,
            "statements": self.statements,
            "settings": self._settings,
            "brokers": {name: b.name if b else None for name, b in self._file_brokers.items()},
        }

    def _absorb(self, result: dict) -> None:
        from ordspec import compiler

        self.sources.update(result["sources"])
        self.diagnostics.extend(result["diagnostics"])
        self.keys.extend(result["keys"])
        self.files += result["files"]
        self.statements += result["statements"]
        self._settings.update(result["settings"])
        self._file_brokers.update({name: compiler.get(b) if b else None for name, b in result["brokers"].items()})

    def finish(self) -> list[Diagnostic]:
        """Run the run-wide rules; return every diagnostic in a stable order."""
        from ordspec.rules.registry import all_rules

        for rule in all_rules():
            if rule.scope != "run":
                continue
            try:
                found = [
                    Diagnostic(f, s.line, s.column, s.end_line, s.end_column, rule.severity, rule.code, rule.name, m, h)
                    for f, s, m, h in rule.check(self.keys, None)
                ]
            except Exception as e:  # as in _apply: report, never lose the other diagnostics
                first = next(iter(self.sources), "<run>")
                found = [make("internal-error", first, Span(1, 1, 1, 2), f"rule {rule.name} failed: {type(e).__name__}: {e}", "please report this")]
            self.diagnostics.extend(found)
        kept = [d for d in self.diagnostics if self._wanted(d)]
        if any("ordspec:" in source.text for source in self.sources.values()):
            from ordspec.suppress import UnknownRule, apply

            try:
                kept = [d for d in apply(kept, self.sources) if self._wanted(d)]
            except UnknownRule as e:
                raise UsageError(str(e)) from None
        order = {name: i for i, name in enumerate(self.sources)}
        unique = {(d.file, d.line, d.column, d.code, d.message): d for d in kept}  # a YAML anchor merged twice reports once
        self.diagnostics = sorted(unique.values(), key=lambda d: (order.get(d.file, -1), d.line, d.column, d.code, d.message))
        return self.diagnostics

    def _wanted(self, d) -> bool:
        """Whether the configuration selects this diagnostic's rule for its file."""
        settings = self._settings.get(d.file)
        return settings is None or settings.wants(d.code, d.name)

    @property
    def failed(self) -> bool:
        return any(d.severity == ERROR for d in self.diagnostics)


def _form(name: str) -> str:
    return "yaml" if name.endswith((".yaml", ".yml")) else "dsl"


_WORKER: dict = {}


def _worker_init(options: dict) -> None:
    _WORKER.update(options)


def _worker_check(item) -> dict:
    """One file, in a worker process (lint -j)."""
    path, name, data = item
    run = Run(**{k: v for k, v in _WORKER.items() if k != "shared"})
    if "shared" in _WORKER:
        run._refdata = _WORKER["shared"]  # reference data is read once per process
    source = run.read(path, name, data)
    if source is not None:
        run.check(source)
    if run._refdata is not None:
        _WORKER["shared"] = run._refdata
    return run.export()
