"""What a plan is made of: the orders the files ask for, what ordspec holds, and the actions between.

An order's fields are named as the brokers' modifiable-field tables name them (`qty`, `trigger`,
`direction`, `order_type`, `price`, `target.trigger`, `sl.price`, `product`, `validity`,
`exchange`, `position`; a SIP's `start`, `installments`, `name`, `frequency`, ...), with values as
text: prices as the file or the broker writes them ("120.50"), compared as decimals, never floats.
A field the order leaves to the broker (a SIP's registration day, when not written) is absent, and
an absent field is never a change.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

PRICES = frozenset({"trigger", "price", "target.trigger", "target.price", "sl.trigger", "sl.price", "amount"})
NUMBERS = frozenset({"qty", "position", "installments"})
# Fields no broker changes in place: a change to one is a replace whatever the table says.
IDENTITY = ("kind", "side", "symbol", "segment", "exchange", "security")
SIP_IDENTITY = ("kind", "side")  # a Codifi SIP modify replaces the scrips too
ORDER = (
    "kind", "side", "qty", "amount", "symbol", "segment", "exchange", "security", "token", "trigger", "direction",
    "order_type", "price", "target.trigger", "target.price", "target.order_type", "sl.trigger", "sl.price",
    "sl.order_type", "position", "product", "validity", "frequency", "start", "installments", "name", "registered", "scrips",
)

CREATE, MODIFY, REPLACE, CANCEL, DONE, HELD, UNKNOWN = "create", "modify", "replace", "cancel", "done", "held", "unknown"
CHANGES = (CREATE, MODIFY, REPLACE, CANCEL)  # the actions that send something, in the summary's order


def _text(value) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def fields_of(stmt) -> dict[str, str]:
    """The fields of a checked CREATE statement (the IR), as text."""
    out: dict[str, str] = {"kind": stmt.kind.value}

    def put(name, field):
        if field is not None and field.value is not None:
            out[name] = _text(field.value)

    put("side", stmt.side)
    put("qty", stmt.qty)
    put("amount", stmt.amount)
    put("symbol", stmt.symbol)
    put("segment", stmt.segment)
    entry = stmt.entry
    if entry is not None:
        put("trigger", entry.trigger)
        put("direction", entry.direction)
        put("order_type", entry.order_type)
        put("price", entry.price)
    for leg in (stmt.target, stmt.sl):
        if leg is not None:
            put(f"{leg.role}.trigger", leg.trigger)
            put(f"{leg.role}.price", leg.price)
            put(f"{leg.role}.order_type", leg.order_type)
    if stmt.kind.value == "OCO":
        position = stmt.position()
        if position is not None:
            out["position"] = str(position)
    for name in ("product", "exchange", "validity", "security", "token", "start", "installments", "name", "registered"):
        put(name, stmt.options.get(name))
    put("frequency", stmt.frequency)
    if stmt.scrips:
        out["scrips"] = scrips_text(stmt)
    return out


def scrips_text(stmt) -> str:
    """A SIP's scrips after the first, as one canonical text (exchange and product default to the first's)."""
    parts = []
    for s in stmt.scrips:
        size = f"INR{_text(s.amount.value)}" if s.amount is not None else _text(s.qty.value)
        exchange = s.options["exchange"].value if "exchange" in s.options else stmt.opt("exchange", "NSE")
        product = s.options["product"].value if "product" in s.options else stmt.opt("product", "")
        token = s.options["token"].value if "token" in s.options else "?"
        parts.append(f"{size} {s.symbol.value} token {token} {exchange} {product}")
    return "; ".join(parts)


def same(name: str, a: str | None, b: str | None) -> bool:
    """Whether two values of a field are the same: prices and counts as decimals ("3990.00" is 3990)."""
    if a == b:
        return True
    if a is None or b is None:
        return False
    if name in PRICES or name in NUMBERS:
        try:
            return Decimal(a) == Decimal(b)
        except (InvalidOperation, ValueError):
            return False
    if name == "scrips":
        return _scrips_same(a, b)
    return False


def _scrips_same(a: str, b: str) -> bool:
    def parts(text):
        return [p.split() for p in text.split("; ")]

    pa, pb = parts(a), parts(b)
    if len(pa) != len(pb):
        return False
    for x, y in zip(pa, pb):
        if len(x) != len(y):
            return False
        size_x, size_y = x[0].removeprefix("INR"), y[0].removeprefix("INR")
        if x[0].startswith("INR") != y[0].startswith("INR") or not same("price", size_x, size_y) or x[1:] != y[1:]:
            return False
    return True


# Fields an order may go without (a MARKET order's limit, a bracket without a target, a SIP of one
# scrip): there, absent means none, on either side, and adding or dropping one is a change.
OPTIONAL = frozenset({"qty", "amount", "price", "trigger", "target.trigger", "target.price", "target.order_type", "sl.trigger", "sl.price", "sl.order_type", "scrips"})
_UNPRICED = {"price": ("order_type", ("MARKET",)), "target.price": ("target.order_type", ("MARKET",)), "sl.price": ("sl.order_type", ("SL_M",))}


def changes(before: dict, after: dict) -> list[tuple[str, str | None, str | None]]:
    """(field, before, after) for every field of the desired order that differs from what is held.

    A field the held side does not know (absent) is not a change, since a broker's answer that
    leaves a field out says nothing about it, except the OPTIONAL ones, whose absence means none.
    The limit of an order that has none (MARKET, SL_M) is not compared, whatever the broker says.
    """
    if not before:
        return []
    out = []
    for name in ORDER:
        if name in OPTIONAL:
            unpriced = _UNPRICED.get(name)
            if unpriced and name not in after and after.get(unpriced[0]) in unpriced[1]:
                continue
            old, new = before.get(name), after.get(name)
            if (old is not None or new is not None) and not same(name, old, new):
                out.append((name, old, new))
        elif name in after and name in before and not same(name, before[name], after[name]):
            out.append((name, before[name], after[name]))
    return out


def cover(applied: dict, fields: dict, names) -> None:
    """Put into `applied` the fields a confirmed request changed (one it dropped, such as a leg, goes)."""
    for name in names:
        if name in fields:
            applied[name] = fields[name]
        else:
            applied.pop(name, None)


def summary(fields: dict) -> str:
    """The order as one line: BUY 10 TCS trigger 3985 down limit 3990 product CNC."""
    f = fields
    words = [f.get("side", ""), f"INR{f['amount']}" if "amount" in f else f.get("qty", ""), f.get("symbol", "")]
    if "trigger" in f and f.get("kind") == "GTT":
        words += ["trigger", f["trigger"], f.get("direction", "").lower()]
    elif "trigger" in f:
        words += ["trigger", f["trigger"]]
    if "price" in f:
        words += ["limit", f["price"]]
    elif f.get("order_type") == "MARKET":
        words.append("market")
    for leg in ("target", "sl"):
        if f"{leg}.trigger" in f:
            words += [leg, f[f"{leg}.trigger"]]
            if f"{leg}.price" in f:
                words += ["limit", f[f"{leg}.price"]]
    if "scrips" in f:
        words += ["plus", f["scrips"].replace("; ", " plus ")]
    if "frequency" in f:
        words.append(f["frequency"].lower())
    for name in ("start", "installments", "position", "product"):
        if name in f:
            words += [name, f[name]]
    if "name" in f:
        words += ["name", f'"{f["name"]}"' if not f["name"] or " " in f["name"] else f["name"]]
    return " ".join(w for w in words if w)


class Desired:
    """One order the files ask for."""

    __slots__ = ("name", "named", "kind", "file", "line", "stmt", "fields", "request")

    def __init__(self, name, named, stmt, request):
        self.name = name  # the order's ref, or the id derived from its content
        self.named = named  # whether the author gave it a ref
        self.kind = stmt.kind.value
        self.file = stmt.file
        self.line = stmt.line
        self.stmt = stmt
        self.fields = fields_of(stmt)
        self.request = request  # its create request at generation 0 (the name as the reference)


class Held:
    """What ordspec holds under a name: the journal's row, settled against the broker's book."""

    __slots__ = (
        "name", "generation", "reference", "broker_id", "child_id", "kind", "segment", "state", "applied",
        "book", "status", "why", "file", "line", "steps", "row", "pending", "named",
    )

    def __init__(self, row: dict, saved: bool = True):
        self.row = row if saved else None  # the journal's row as read (None: not in the names table yet)
        self.name = row["name"]
        self.generation = row.get("generation") or 0
        self.reference = row["reference"]
        self.broker_id = row.get("broker_id")
        self.child_id = row.get("child_id")
        self.kind = row["kind"]
        self.segment = row.get("segment")
        self.state = "none"  # live | done | held | cancelled | drift | none | unknown
        self.applied: dict = {}
        self.book: dict | None = None  # the broker's fields, where it was read
        self.status: str | None = None  # the broker's own status word
        self.why = ""  # what happened, in words (done, drift, unknown)
        self.file = row.get("file")
        self.line = row.get("line")
        self.steps = row.get("steps") or 0
        self.named = bool(row.get("named", 1))
        self.pending: dict | None = None  # the step apply began and did not settle

    @property
    def fields(self) -> dict:
        """What the broker holds: what was last applied, with the broker's answer merged in where it was read (state.py)."""
        return {**(self.book or {}), **self.applied}


class Step:
    """One thing apply does for an action: send a request (create, modify, cancel) or record a state."""

    __slots__ = ("op", "name", "generation", "reference", "requests", "fields", "kind", "segment", "file", "line", "note")

    def __init__(self, op, name, generation, reference, requests, fields, kind, segment, file, line, note=""):
        self.op = op  # create | modify | cancel | record
        self.name = name
        self.generation = generation
        self.reference = reference
        self.requests = requests  # [(journal key, Request, [fields it changes])]
        self.fields = fields  # the order's fields once the step is done
        self.kind = kind
        self.segment = segment
        self.file = file
        self.line = line
        self.note = note  # record: the state to record (done, drift)


class Action:
    """One line of the plan: create, modify, replace, cancel; done and held change nothing."""

    __slots__ = ("action", "name", "named", "kind", "file", "line", "broker_id", "changes", "reason", "steps", "before", "after", "notes")

    def __init__(self, action, name, kind, file=None, line=None, broker_id=None, reason="", before=None, after=None, named=True):
        self.action = action
        self.name = name
        self.named = named
        self.kind = kind
        self.file = file
        self.line = line
        self.broker_id = broker_id
        self.changes: list = []
        self.reason = reason
        self.steps: list[Step] = []
        self.before = before
        self.after = after
        self.notes: list[str] = []


def reference(name: str, generation: int) -> str:
    """The idempotency key (Groww: the reference_id) of a name's order of this generation.

    Generation 0 is the name itself. A replace makes generation 1, 2, ...: `r<generation>-` and
    letters and digits hashed from the name and the generation, 20 characters with one hyphen,
    valid under Groww's reference_id format (8-20 letters and digits, at most two hyphens), and the
    same on every run, so that an apply run again after a crash sends the same one, which Groww
    refuses to place twice (GA007).
    """
    if generation == 0:
        return name
    from base64 import b32encode
    from hashlib import sha256

    prefix = f"r{generation}-"
    digest = b32encode(sha256(f"ordspec-plan-v1 {name} {generation}".encode()).digest()).decode("ascii").lower()
    return prefix + digest[: 20 - len(prefix)]
