"""The one IR: what the DSL and the YAML form both produce and every back end reads.

Every node is a Span, so any diagnostic can point at the exact words of a
`.ord` line or the exact scalar of a YAML file. Prices are Decimal, quantities
int, dates datetime.date; nothing here is a float.
"""

from __future__ import annotations

from ordspec.source import Span

CREATE = "CREATE"
VERBS = ("CREATE", "MODIFY", "CANCEL", "GET", "LIST", "PAUSE", "RESUME")
KINDS = ("GTT", "OCO", "BRACKET", "SIP", "SMALLCASE")


class Field(Span):
    """A value and the span of the words it was read from."""

    __slots__ = ("value",)

    def __init__(self, value, line, column: int = 0, end_line: int = 0, end_column: int = 0):
        """Field(value, span), or Field(value, line, column, end_line, end_column)."""
        self.value = value
        if type(line) is not int:  # a span: the common case, one call per value read
            self.line, self.column, self.end_line, self.end_column = line.line, line.column, line.end_line, line.end_column
        else:
            self.line, self.column, self.end_line, self.end_column = line, column, end_line, end_column

    def __repr__(self) -> str:
        return f"Field({self.value!r} @{self.line}:{self.column})"


class Leg(Span):
    """The entry of an order, or its target or stop-loss leg.

    `trigger` and `price` are Field[Decimal]. `order_type` is the type of the
    order the leg places (entry: LIMIT, MARKET or TRIGGER; target: LIMIT or
    MARKET; stop-loss: SL or SL_M): written in YAML, or read off the words
    (a leg with `limit` is LIMIT or SL, without it MARKET or SL_M).
    `explicit` tells which. `direction` (UP or DOWN) is a GTT trigger's.
    """

    __slots__ = ("role", "trigger", "price", "order_type", "explicit", "direction", "market")

    def __init__(self, role: str, span: Span):
        Span.__init__(self, span.line, span.column, span.end_line, span.end_column)
        self.role = role  # "entry", "target" or "sl"
        self.trigger: Field | None = None
        self.price: Field | None = None
        self.order_type: Field | None = None
        self.explicit = False
        self.direction: Field | None = None
        self.market: Field | None = None  # the `market` word, where written


class Scrip(Span):
    """One instrument of a SIP after the first (`plus QTY SYMBOL ...`)."""

    __slots__ = ("qty", "amount", "symbol", "options")

    def __init__(self, span: Span):
        Span.__init__(self, span.line, span.column, span.end_line, span.end_column)
        self.qty: Field | None = None
        self.amount: Field | None = None
        self.symbol: Field | None = None
        self.options: dict[str, Field] = {}


class Statement(Span):
    """One order or action, with the span of its whole line (or YAML item)."""

    __slots__ = (
        "file",  # display name of the source file
        "verb",  # one of VERBS
        "kind",  # Field: one of KINDS
        "side",
        "qty",  # Field[int]
        "amount",  # Field[Decimal]: a SIP by value instead of quantity
        "symbol",
        "order_id",
        "entry",
        "target",
        "sl",
        "frequency",  # SIP: Field("DAILY" | "WEEKLY" | "MONTHLY")
        "sc_type",  # SMALLCASE: Field(BUY, INVESTMORE, ... or SIP_SETUP)
        "scid",
        "scrips",  # SIP: the scrips after the first
        "options",  # name -> Field, including defaults
        "defaulted",  # names of options that came from a default
        "invalid",  # names of parts written but unreadable (already reported)
        "instrument",  # set by resolve: refdata.Instrument or None
        "segment",  # set by resolve: Field, given or inferred, or None
        "key",  # set by the pipeline for creates: the idempotency key (ref, or derived)
        "key_derived",
        "flawed",  # set by the pipeline: an error was reported on it (or just before it), perhaps one suppressed later
    )

    def __init__(self, file: str, verb: str, kind: Field, span: Span):
        Span.__init__(self, span.line, span.column, span.end_line, span.end_column)
        self.file = file
        self.verb = verb
        self.kind = kind
        self.side: Field | None = None
        self.qty: Field | None = None
        self.amount: Field | None = None
        self.symbol: Field | None = None
        self.order_id: Field | None = None
        self.entry: Leg | None = None
        self.target: Leg | None = None
        self.sl: Leg | None = None
        self.frequency: Field | None = None
        self.sc_type: Field | None = None
        self.scid: Field | None = None
        self.scrips: list[Scrip] = []
        self.options: dict[str, Field] = {}
        self.defaulted: set[str] = set()
        self.invalid: set[str] = set()
        self.instrument = None
        self.segment: Field | None = None
        self.key: str | None = None
        self.key_derived = False
        self.flawed = False

    @property
    def is_create(self) -> bool:
        return self.verb == CREATE

    def opt(self, name: str, default=None):
        """The value of an option, or `default`."""
        field = self.options.get(name)
        return default if field is None else field.value

    def legs(self) -> list[Leg]:
        return list(filter(None, (self.entry, self.target, self.sl)))  # (a Leg is never false)

    def prices(self) -> list:
        """Every price of the statement: (leg, what, Field) with what "trigger" or "price"."""
        out = []
        for leg in (self.entry, self.target, self.sl):
            if leg is not None:
                if leg.trigger is not None:
                    out.append((leg, "trigger", leg.trigger))
                if leg.price is not None:
                    out.append((leg, "price", leg.price))
        return out

    def position(self) -> int | None:
        """The net position an OCO protects: given, or +qty for SELL and -qty for BUY."""
        given = self.options.get("position")
        if given is not None:
            return given.value
        if self.qty is None or self.side is None:
            return None
        return self.qty.value if self.side.value == "SELL" else -self.qty.value

    def title(self) -> str:
        return self.kind.value if self.is_create else f"{self.verb} {self.kind.value}"

    def __repr__(self) -> str:
        return f"<Statement {self.title()} {self.file}:{self.line}>"
