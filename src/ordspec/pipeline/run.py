"""A Run: any number of files checked with one set of options, then the run-wide rules.

Each file is read (read.py), parsed by its front end, and each statement resolved (its instrument,
the exchange and segment the author left to ordspec), given its key (keys.py) and checked by every
statement rule that applies to it; finish() runs the run-wide rules (duplicate references across
files), applies suppressions and the configuration's selection, and sorts what was found.
"""

from __future__ import annotations

from itertools import chain

from ordspec import compiler
from ordspec.dates import date
from ordspec.diagnostics import ERROR, Diagnostic
from ordspec.ir import CREATE, Field
from ordspec.language import OPTIONS, applies
from ordspec.pipeline import UsageError, read
from ordspec.pipeline.inputs import Inputs
from ordspec.pipeline.keys import Keys
from ordspec.rules import codes
from ordspec.rules.context import Context
from ordspec.source import SourceFile, Span

_INTERNAL = codes.BY_NAME["internal-error"]


def resolve(stmt, ctx: Context) -> None:
    """Attach the instrument, and fill the exchange and segment the author left to ordspec."""
    verb, kind = stmt.verb, stmt.kind.value
    if verb == CREATE and stmt.symbol is not None:
        exchange = stmt.options.get("exchange")
        stmt.instrument = ctx.refdata.lookup(stmt.symbol.value, exchange.value if exchange else None, ctx.as_of)
    if verb == CREATE and "exchange" not in stmt.options and "exchange" not in stmt.invalid and applies(OPTIONS["exchange"][2], verb, kind):
        stmt.options["exchange"] = Field(stmt.instrument.exchange if stmt.instrument else "NSE", stmt.kind)
        stmt.defaulted.add("exchange")
    segment = stmt.options.get("segment")
    if segment is None and stmt.instrument is not None and stmt.instrument.segment:
        segment = Field(stmt.instrument.segment, stmt.symbol)  # (a SIP has no segment option, but its scrip has one)
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
        client_id: str | None = None,
    ):
        from ordspec.config import Config
        from ordspec.dates import today

        self.config = config or Config()
        broker = broker or None
        instruments = instruments or self.config.instruments
        if broker is not None and broker not in compiler.names():
            raise UsageError(f"unknown broker {broker!r}: choose from {', '.join(compiler.names())}")
        self.broker = broker
        self.inputs = Inputs(
            [instruments] if isinstance(instruments, str) else [p for p in instruments or () if p],
            quotes or self.config.quotes,
            state or self.config.state,
        )
        self.gateway = gateway or self.config.gateway
        self.client_id = client_id or self.config.client_id  # the account, for a broker whose table asks for it
        self.as_of = as_of or today()
        self.derive_keys = derive_keys
        self.diagnostics: list[Diagnostic] = []
        self.sources: dict[str, SourceFile] = {}
        self.keys: list[tuple] = []  # (key, derived, file, span) of every create
        self.files = 0
        self.statements = 0
        self._rules: dict = {}
        self._file_brokers: dict = {}
        self._settings: dict = {}  # file name -> config.Settings

    # -- the side inputs

    @property
    def refdata(self):
        found = self.inputs.refdata
        if found is None:
            reports: list = []
            found = self.inputs.read_refdata(reports)
            self.diagnostics.extend(codes.diagnostics(reports))
        return found

    @property
    def state(self):
        """The broker's own account of existing orders (--state), or None."""
        return self.inputs.state()

    def load(self) -> None:
        """Load reference data and state now: a bad --instruments, --quotes or --state is a usage error before any output."""
        if self.inputs.instruments or self.inputs.quotes:
            self.refdata  # noqa: B018
        self.state  # noqa: B018

    def supporting(self, verb: str, kind: str, exclude: str | None = None) -> list:
        """The brokers that offer `verb kind` (the rules' context asks, for help lines)."""
        return compiler.supporting(verb, kind, exclude)

    # -- files

    def read(self, path: str, name: str | None = None, data: bytes | None = None) -> SourceFile | None:
        """Read and decode a file; a binary or non-UTF-8 one is reported, not raised."""
        name = name or path
        self.files += 1
        source, problem = read.source(path, name, data)
        if problem is not None:
            self.diagnostics.extend(codes.diagnostics([problem]))
            return None
        self.sources[name] = source
        return source

    def check(self, source: SourceFile, form: str | None = None) -> list:
        """Parse one file and run every statement rule on it; return its statements (the editor holds them)."""
        return list(self.checked(source, form))

    def checked(self, source: SourceFile, form: str | None = None):
        """Each statement of one file, checked by every statement rule that applies as it is taken: a
        generator, so that a run holds one statement at a time (lint, compile), never a whole file.
        The file's reading diagnostics join the run's once the last statement is taken."""
        if (form or read.form(source.name)) == "yaml":
            from ordspec.grammar import yamlform as front
        else:
            from ordspec.grammar import dsl as front
        settings = self._settings[source.name] = self.config.settings(source.name, self.broker)
        parsed = front.stream(source, settings.defaults, brokers=compiler.names)
        statements = iter(parsed.statements)
        first = next(statements, None)  # (a front end knows the file's broker line by its first statement)
        broker = self._broker(parsed, settings.broker)
        self._file_brokers[source.name] = broker
        if first is not None:
            yield from self._checked(chain((first,), statements), parsed.diagnostics, broker, source.name, settings)
        self.diagnostics.extend(codes.diagnostics(parsed.diagnostics))

    def _checked(self, statements, reports: list, broker, file: str, settings):
        ctx = Context(self, broker, file)
        name = broker.name if broker else None
        # plan names every order, so its duplicates are found for every broker
        derive = self.derive_keys or settings.plan or (broker is not None and broker.setting("reference_id.derived"))
        keys = Keys(self.keys, derive, self.derive_keys)
        out = self.diagnostics
        read = 0  # of the front end's reports
        failed: set = set()  # the lines the front end reported an error on
        chosen: dict = {}  # (verb, kind) -> [(rule, its check)]: the rules that apply, found once
        for stmt in statements:
            self.statements += 1
            resolve(stmt, ctx)
            keys.assign(stmt)
            what = (stmt.verb, stmt.kind.value)
            rules = chosen.get(what)
            if rules is None:
                rules = chosen[what] = [(r, r.check) for r in self._statement_rules(name, broker, *what, settings)]
            start = len(out)
            for rule, check in rules:
                ctx.rule = rule
                try:
                    check(stmt, ctx)
                except Exception as e:  # a bug in a rule must not cost the user the rest of the run
                    out[start:] = [d for d in out[start:] if d.code != rule.code]  # (what it said before it failed)
                    out.append(_INTERNAL.diagnostic(stmt.file, stmt, f"rule {rule.name} failed on this statement: {type(e).__name__}: {e}", "please report this"))
            if len(reports) > read:  # the reading's errors, by line (a front end may read ahead of its statements)
                failed.update(r.line for r in reports[read:] if codes.BY_NAME[r.name].severity == ERROR)
                read = len(reports)
            if failed:
                stmt.flawed = any(n in failed for n in range(stmt.line, stmt.end_line + 1))
            if len(out) > start and not stmt.flawed:
                stmt.flawed = any(d.severity == ERROR for d in out[start:])
            yield stmt

    def broker_of(self, name: str):
        """The broker a checked file was checked for, or None."""
        return self._file_brokers.get(name)

    def client_id_for(self, broker) -> str | None:
        """The account's client id for `broker` (compiler.base.Broker): --client-id, the configuration's
        client_id, else ORDSPEC_<BROKER>_CLIENT_ID; None when none is given."""
        from ordspec.config import client_id_of

        try:
            return client_id_of(self.client_id, broker.name)
        except ValueError as e:
            raise UsageError(str(e)) from None

    def _broker(self, parsed, configured: str | None):
        line = parsed.broker
        if line is not None and self.broker is not None and line.value != self.broker:
            self.diagnostics.append(
                codes.diagnostic("broker-mismatch", parsed.source.name, line, f"this file is for {line.value}, but --broker is {self.broker}")
            )
        # --broker, then the file's own `broker` line, then the configuration's
        name = self.broker or (line.value if line is not None else None) or configured
        if name is not None and name not in compiler.names():
            raise UsageError(f"{self.config.path}: unknown broker {name!r}: choose from {', '.join(compiler.names())}")
        return compiler.get(name) if name else None

    def _statement_rules(self, name: str | None, broker, verb: str, kind: str, settings) -> list:
        key = (name, verb, kind, settings.select and tuple(settings.select), settings.ignore)
        found = self._rules.get(key)
        if found is None:
            from ordspec.rules.registry import all_rules

            found = self._rules[key] = [
                r
                for r in all_rules()
                if r.scope == "statement" and r.applies_to(broker) and r.checks(verb, kind) and settings.wants(r.code, r.name)
            ]
        return found

    # -- the run-wide rules, suppressions, order

    def finish(self) -> list[Diagnostic]:
        """Run the run-wide rules; return every diagnostic in a stable order."""
        from ordspec.rules.registry import all_rules

        ctx = Context(self, None, None)
        for rule in all_rules():
            if rule.scope != "run":
                continue
            ctx.rule = rule
            mark = len(self.diagnostics)
            try:
                rule.check(ctx)
            except Exception as e:  # as in check(): report, never lose the other diagnostics
                del self.diagnostics[mark:]
                first = next(iter(self.sources), "<run>")
                self.diagnostics.append(_INTERNAL.diagnostic(first, Span(1, 1, 1, 2), f"rule {rule.name} failed: {type(e).__name__}: {e}", "please report this"))
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

    # -- lint -j: the part of a run a worker process hands back (parallel.py)

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

    def absorb(self, result: dict) -> None:
        self.sources.update(result["sources"])
        self.diagnostics.extend(result["diagnostics"])
        self.keys.extend(result["keys"])
        self.files += result["files"]
        self.statements += result["statements"]
        self._settings.update(result["settings"])
        self._file_brokers.update({name: compiler.get(b) if b else None for name, b in result["brokers"].items()})
