"""THE table of rule codes: code -> name, the module that holds its docs and check, severity, summary.

Codes are stable API (configurations, suppression comments and CI scripts name them), so a rule
keeps its code for good; a new rule takes the next free code in the range it belongs to:

    OS0xx  reading: what the front ends and readers find in a file itself (OS00x order files and
           side inputs, OS02x the price files of `ordspec simulate`)
    OS1xx  the order's own shape and logic, for every broker
    OS2xx  the contract and the reference data: symbols, expiry, lot, tick and freeze sizes
    OS3xx  the broker and its request: what it offers and takes, and what dispatch checks
    OS9xx  ordspec itself

_FIXED marks the rules that cannot be suppressed or deselected: without them the statement is
incomplete, or its request could not be built, or would differ from the statement (a field
dropped, a price rounded, a value invented). Each one's docs say why, in a sentence "This rule
cannot be suppressed: ...".

This module imports nothing above diagnostics.py: front ends report a rule by name
(diagnostics.Report) and the pipeline gives it its code and severity here, without loading a rule.
"""

from __future__ import annotations

from ordspec.diagnostics import ERROR, INFO, WARNING, Diagnostic

_FIXED = "fixed"  # the row's rule cannot be suppressed or deselected
# the modules, by what their rules are about
_R, _O, _L, _C, _S, _B, _Q, _A, _P, _D = (
    "ordspec.rules.reading", "ordspec.rules.order", "ordspec.rules.legs", "ordspec.rules.contract", "ordspec.rules.symbol",
    "ordspec.rules.broker", "ordspec.rules.requests", "ordspec.rules.account", "ordspec.rules.prices", "ordspec.dispatch.rules",
)
_W = "ordspec.rules.desired"
_LP = "ordspec.rules.quotes"


class Code:
    """One row of the table."""

    __slots__ = ("code", "name", "module", "severity", "fixed", "summary")

    def __init__(self, code: str, name: str, module: str, severity: str, fixed: bool, summary: str):
        self.code, self.name, self.module, self.severity, self.fixed, self.summary = code, name, module, severity, fixed, summary

    def diagnostic(self, file: str, span, message: str, help: str | None = None) -> Diagnostic:
        """The one place a Diagnostic is made: this rule's code, name and severity at `span` of `file`."""
        return Diagnostic(file, span.line, span.column, span.end_line, span.end_column, self.severity, self.code, self.name, message, help)


def _rows(*rows) -> tuple[Code, ...]:
    return tuple(Code(code, name, module, severity, fixed == _FIXED, summary) for code, name, module, severity, fixed, summary in rows)


CODES = _rows(
    # OS0xx: reading
    ("OS001", "syntax", _R, ERROR, _FIXED, "The line is not a statement of the order language"),
    ("OS002", "encoding", _R, ERROR, _FIXED, "The file is not UTF-8 text"),
    ("OS003", "unsafe-yaml", _R, ERROR, _FIXED, "YAML that ordspec refuses to load: tags, alias bombs, deep nesting, huge files"),
    ("OS004", "bad-number", _R, ERROR, _FIXED, "A price or quantity that is not a plain decimal or whole number"),
    ("OS005", "bad-value", _R, ERROR, _FIXED, "An option value that is not one of the words or formats it takes"),
    ("OS006", "duplicate-option", _R, ERROR, _FIXED, "An option, leg or price written twice on one statement"),
    ("OS007", "misplaced-option", _R, ERROR, _FIXED, "An option or leg that does not apply to this kind of statement"),
    ("OS008", "broker-mismatch", _R, ERROR, _FIXED, "A file's `broker` line names another broker than --broker"),
    ("OS009", "instrument-data", _R, WARNING, "", "A row of the --instruments file that ordspec could not read"),
    ("OS010", "unused-suppression", _R, WARNING, "", "A `# ordspec: ignore[...]` comment that silences nothing"),
    ("OS011", "hidden-text", _R, ERROR, _FIXED, "A character that makes an editor show something other than what ordspec reads"),
    ("OS020", "price-data", _P, ERROR, "", "A row of the --prices file that ordspec cannot read"),
    ("OS021", "no-prices", _P, ERROR, "", "An order whose symbol the --prices file never mentions"),
    # OS1xx: the order
    ("OS101", "missing-field", _O, ERROR, _FIXED, "A part the statement (or the named broker) needs is absent"),
    ("OS102", "not-positive", _R, ERROR, _FIXED, "A quantity, price or installment count that is not above zero"),
    ("OS103", "missing-price", _O, ERROR, _FIXED, "A LIMIT or SL order without its limit price, or a GTT without its order"),
    ("OS104", "unexpected-price", _O, ERROR, _FIXED, "A price its order type does not take: a MARKET limit, a LIMIT entry's trigger"),
    ("OS105", "leg-order", _L, ERROR, "", "Target, stop-loss, limit and trigger prices in an order that cannot work"),
    ("OS106", "oco-quantity", _L, ERROR, "", "An OCO for more than the position it protects"),
    ("OS107", "oco-direction", _L, ERROR, "", "An OCO whose side does not exit its position"),
    ("OS108", "date-order", _O, ERROR, "", "A SIP that starts before it is registered"),
    ("OS109", "not-desired-state", _W, ERROR, _FIXED, "An action or a smallcase transaction in a file of orders that should exist (plan)"),
    # OS2xx: the contract and the reference data
    ("OS200", "index-symbol", _C, ERROR, _FIXED, "An index name where a tradable contract belongs"),
    ("OS201", "lot-size", _C, ERROR, "", "A derivatives quantity that is not a whole number of lots"),
    ("OS202", "tick-size", _C, ERROR, "", "A price that is not a multiple of the instrument's tick size"),
    ("OS203", "freeze-quantity", _C, ERROR, "", "A derivatives quantity above the exchange's freeze quantity"),
    ("OS204", "expired-contract", _C, ERROR, "", "A contract that expired before the --as-of day"),
    ("OS205", "segment-mismatch", _C, ERROR, "", "A segment that is not the instrument's"),
    ("OS206", "exchange-mismatch", _C, ERROR, "", "An exchange that does not list the instrument"),
    ("OS207", "unknown-symbol", _C, WARNING, "", "A symbol ordspec cannot read or does not find"),
    ("OS208", "reference-data", _C, INFO, "", "A contract whose lot size ordspec does not know"),
    ("OS209", "last-price", _LP, ERROR, "", "A trigger on the wrong side of the last price (with --quotes)"),
    ("OS210", "contract-symbol", _S, ERROR, _FIXED, "A symbol on a derivative underlying that does not read as a contract"),
    # OS3xx: the broker and the request
    ("OS301", "unsupported", _B, ERROR, _FIXED, "An order, segment, product, exchange or validity the broker does not offer"),
    ("OS302", "not-modifiable", _B, ERROR, _FIXED, "A MODIFY that changes a field the broker cannot modify"),
    ("OS303", "price-precision", _B, ERROR, _FIXED, "A price with more decimal places than the broker takes"),
    ("OS304", "reference-id", _Q, ERROR, _FIXED, "A `ref` that is not 8-20 letters and digits with at most two hyphens"),
    ("OS305", "duplicate-reference", _Q, ERROR, _FIXED, "Two orders with one reference id, in any files of one run"),
    ("OS306", "list-window", _Q, ERROR, "", "A LIST time window that ends before it starts or spans more than a month"),
    ("OS307", "page-range", _Q, ERROR, _FIXED, "A LIST page outside 0-500 or page size outside 1-50"),
    ("OS308", "notes-length", _Q, ERROR, _FIXED, "smallcase notes longer than 256 characters"),
    ("OS309", "order-id", _B, ERROR, "", "An order id whose prefix does not fit the segment"),
    ("OS310", "silent-conversion", _B, WARNING, "", "An order the broker will change without saying so"),
    ("OS311", "sip-state", _A, ERROR, _FIXED, "A SIP modify without the current SIP, or a pause or resume that its state does not allow"),
    ("OS312", "connected-user", _D, ERROR, _FIXED, "A smallcase order that needs a connected user's token, dispatched with a guest token"),
    ("OS313", "unsafe-id", _Q, ERROR, _FIXED, "An order id that a URL would read as a path step, a query or another order"),
    ("OS314", "documents-disagree", _B, ERROR, "", "An order one of the broker's documents offers and another refuses"),
    ("OS320", "trigger-distance", "ordspec.rules.kite", ERROR, "", "A Kite GTT trigger within 0.25% (or 9 paise) of the last price"),
    ("OS321", "gtt-count", "ordspec.rules.kite", ERROR, "", "More than 250 Kite GTTs created from one file"),
    ("OS330", "disclosed-quantity", _Q, ERROR, "", "A disclosed quantity of 30% of the quantity or less, or more than the quantity"),
    # OS9xx: ordspec itself
    ("OS999", "internal-error", _R, ERROR, _FIXED, "ordspec failed while checking a statement: a bug to report"),
)

BY_NAME: dict[str, Code] = {c.name: c for c in CODES}
BY_CODE: dict[str, Code] = {c.code: c for c in CODES}
FIXED: tuple[str, ...] = tuple(c.name for c in CODES if c.fixed)


def find(name_or_code: str) -> Code | None:
    """The row of a rule's name, or of its code in any case; None if no rule has it."""
    return BY_NAME.get(name_or_code) or BY_CODE.get(name_or_code.upper())


def diagnostic(name: str, file: str, span, message: str, help: str | None = None) -> Diagnostic:
    """A diagnostic of the rule `name` at `span` of `file`."""
    return BY_NAME[name].diagnostic(file, span, message, help)


def diagnostics(reports) -> list[Diagnostic]:
    """The diagnostics of what a front end or reader reported (diagnostics.Report)."""
    return [BY_NAME[r.name].diagnostic(r.file, r, r.message, r.help) for r in reports]
