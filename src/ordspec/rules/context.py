"""The rules' whole API: what a check may look at besides the statement, and where it reports.

Like ruff's Checker, the context knows the rule being run (the pipeline sets `rule` before each
check), so a check says only where and what: ctx.report(span, message, help). Everything else a
check reads comes through here: the broker (a compiler.base.Broker view: its table through
`setting`, its hooks), the reference data, the broker's own state, the day (--as-of), and, when
dispatching, the credentials.
"""

from __future__ import annotations


class Context:
    __slots__ = ("run", "broker", "file", "as_of", "rule", "out", "credentials", "_offered")

    def __init__(self, run, broker, file: str | None, out: list | None = None, credentials=None):
        self.run = run  # the pipeline's Run: reference data, state, gateway, the other brokers, every key
        self.broker = broker  # compiler.base.Broker, or None
        self.file = file
        self.as_of = run.as_of
        self.rule = None  # the rule being run
        self.out = run.diagnostics if out is None else out
        self.credentials = credentials  # dispatch only
        self._offered = (None, False)  # (statement, answer): several rules ask of each statement

    def report(self, span, message: str, help: str | None = None, file: str | None = None) -> None:
        """A diagnostic of the rule being run at `span` (any object with line and column fields)."""
        self.out.append(self.rule.row.diagnostic(file or self.file, span, message, help))

    @property
    def refdata(self):
        found = self.run.inputs.refdata  # (read once; asked for by several rules on every statement)
        return found if found is not None else self.run.refdata

    @property
    def state(self):
        return self.run.state

    @property
    def quotes(self) -> str | None:
        """The --quotes file given (for a help line that says where a last price goes), or None."""
        return self.run.inputs.quotes

    @property
    def gateway(self) -> str | None:
        return self.run.gateway

    @property
    def keys(self) -> list:
        """(key, derived, file, span) of every create of the run, for the run-wide rules."""
        return self.run.keys

    @property
    def plan(self) -> bool:
        """Whether this file holds desired orders, for `ordspec plan` (lint --plan, or `plan = true`)."""
        settings = self.run._settings.get(self.file)
        return bool(settings and settings.plan)

    def offered(self, stmt) -> bool:
        """Whether a broker is named and offers this statement (else `unsupported` has said all there is)."""
        asked, answer = self._offered
        if asked is not stmt:
            answer = self.broker is not None and self.broker.supports(stmt.verb, stmt.kind.value) is not None
            self._offered = (stmt, answer)
        return answer

    def supporting(self, verb: str, kind: str) -> list:
        """The other brokers that offer `verb kind`, for help lines."""
        return self.run.supporting(verb, kind, exclude=self.broker.name if self.broker else None)

    def named(self, key: str) -> str:
        """' (INDstocks: QtyMultipleOfLotSize)': the broker's own name for a validation, if it has one."""
        names = self.broker.setting("validation_names") if self.broker else {}
        return f" ({self.broker.title}: {names[key]})" if key in names else ""
