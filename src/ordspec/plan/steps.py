"""The requests of each action: statements of the order language, compiled by the back ends.

A modify is written as the MODIFY a user would write for dispatch (`MODIFY GTT gtt_91a7f4 segment
CASH qty 12 trigger 3980`), with only the fields that change and what the broker needs with them
(Groww: the side, when a GTT's order changes; INDstocks: the trigger of a trigger order, and the
exchange its algo_id follows; Codifi: the whole list of scrips when one changes), and compiled
with every rule: `not-modifiable` refusing it makes the action a replace, with the rule's reason.

Each request is journaled under a key made of the order's name, its generation and the step, so
that an apply run again after a crash finds what it already sent.
"""

from __future__ import annotations

from ordspec.plan import adapters
from ordspec.plan.model import Step

LEGS = ("target.trigger", "target.price", "target.order_type", "sl.trigger", "sl.price", "sl.order_type")


class BuildError(Exception):
    """A step whose statement does not compile: a bug, or an order the broker cannot take (exit 1)."""


class Builder:
    def __init__(self, broker: str, base_url: str, run, as_of, book=None):
        self.broker = broker
        self.base_url = base_url
        self.run = run  # the files' run: create requests of later generations are compiled in it
        self.as_of = as_of
        self.book = book  # Codifi: the order book (a State) a SIP modify is built from

    def key(self, *words) -> str:
        return " ".join([self.broker, self.base_url, *map(str, words)])

    def create(self, d, generation: int, reference: str) -> Step:
        request = d.request if generation == 0 else adapters.create_request(self.run, d.stmt, reference)
        return Step("create", d.name, generation, reference, [(self.key(reference), request, sorted(d.fields))], d.fields,
                    d.kind, d.fields.get("segment"), d.file, d.line)

    def cancel(self, h, file=None, line=None) -> Step:
        routed = "segment" in adapters.get(self.broker).setting("required").get("CANCEL *", ())
        text = f"CANCEL {h.kind} {h.broker_id}" + (f" segment {h.segment}" if routed and h.segment else "")
        (request,) = self._compile([text])
        self._place(request, file or h.file, line or h.line)
        return Step("cancel", h.name, h.generation, h.reference, [(self.key("plan", h.name, f"g{h.generation}", "cancel"), request, [])],
                    None, h.kind, h.segment, file or h.file, line or h.line)

    def modify(self, d, h, changed: set) -> Step | str:
        """The modify step, or the reason the broker cannot do it in place (a replace)."""
        lines = LINES[self.broker](self, d, h, changed)
        if isinstance(lines, str):
            return lines
        requests, found = adapters.statements(self.broker, [text for text, _ in lines], self.as_of, self.book)
        refused = [d_.message for _, d_ in found if d_.name == "not-modifiable"]
        if refused:
            return refused[0]
        if requests is None:
            raise BuildError(f"cannot build the modify of {d.name}: {found[0][1].message if found else 'no request'}")
        out = []
        for n, (request, (_, covers)) in enumerate(zip(requests, lines)):
            self._place(request, d.file, d.line)
            out.append((self.key("plan", d.name, f"g{h.generation}", "modify", h.steps + 1, *(["legs"] if n else [])), request, covers))
        return Step("modify", d.name, h.generation, h.reference, out, d.fields, d.kind, h.segment, d.file, d.line)

    def _compile(self, lines: list[str]):
        requests, found = adapters.statements(self.broker, lines, self.as_of, self.book)
        if requests is None:
            raise BuildError(f"cannot build `{lines[0]}`: {found[0][1].message if found else 'no request'}")
        return requests

    @staticmethod
    def _place(request, file, line) -> None:
        request.file, request.line = file or "<plan>", line or 0  # shown and journaled as the order's place


def _groww(builder, d, h, changed: set):
    f, kind = d.fields, d.kind
    words = [f"MODIFY {kind} {h.broker_id} segment {h.segment}"]
    if "qty" in changed:
        words.append(f"qty {f['qty']}")
    if kind == "GTT":
        if changed & {"trigger", "direction"}:
            words.append(f"trigger {f['trigger']}" + (f" {f['direction'].lower()}" if "direction" in changed else ""))
        if changed & {"order_type", "price"}:  # Groww sends the whole order, with its side
            words.append((f"limit {f['price']}" if "price" in f else "market") + f" side {f['side']}")
    else:
        for name in ("validity", "product"):
            if name in changed:
                words.append(f"{name} {f[name]}")
        for leg in ("target", "sl"):
            if f"{leg}.trigger" in changed:
                words.append(f"{leg} {f[leg + '.trigger']}")
    return [(" ".join(words), sorted(changed))]


def _entry(f: dict, kind: str) -> str:
    if kind == "GTT":
        return f"trigger {f['trigger']}" + (f" limit {f['price']}" if "price" in f else " market")
    if f.get("order_type") == "TRIGGER":
        return f"trigger {f['trigger']}" + (f" limit {f['price']}" if "price" in f else "")
    return f"limit {f['price']}" if "price" in f else "market"


def _indstocks(builder, d, h, changed: set):
    """A parent's entry and quantity, then its child's legs (INDstocks modifies them apart)."""
    f, kind = d.fields, d.kind
    legs = changed & set(LEGS)
    rest = changed - legs
    out = []
    route = f"segment {h.segment} exchange {f.get('exchange', 'NSE')}"
    if rest:
        words = [f"MODIFY {kind} {h.broker_id} {route}"]
        if "qty" in rest:
            words.append(f"qty {f['qty']}")
        if kind == "GTT" or rest & {"trigger", "price", "order_type"}:  # a trigger order's modify needs its trigger
            words.append(_entry(f, kind))
        out.append((" ".join(words), sorted(rest)))
    if legs:
        if not h.child_id:
            return "ordspec does not know the id of its child order (the stop-loss and target legs), which INDstocks modifies apart"
        words = [f"MODIFY {kind} {h.child_id} {route}"]
        for leg in ("target", "sl"):
            if f"{leg}.trigger" in f:
                words.append(f"{leg} {f[leg + '.trigger']}" + (f" limit {f[leg + '.price']}" if f"{leg}.price" in f else ""))
        out.append((" ".join(words), sorted(legs)))
    return out


def _codifi(builder, d, h, changed: set):
    word = adapters.word
    f, stmt = d.fields, d.stmt
    words = [f"MODIFY SIP {h.broker_id}"]
    for name in ("start", "installments", "registered"):
        if name in changed:
            words.append(f"{name} {f[name]}")
    if "name" in changed:
        words.append(f"name {word(f['name'])}")
    if "frequency" in changed:
        words.append(f["frequency"].lower())
    sized = changed & {"qty", "amount"}
    if changed & {"symbol", "token", "exchange", "product", "scrips"} or (sized and stmt.scrips):
        # a new list of scrips replaces the SIP's: every one is written out
        head = f"plus {_size(stmt)} {stmt.symbol.value} token {stmt.opt('token')} exchange {stmt.opt('exchange')} product {stmt.opt('product')}"
        words.append(head)
        for s in stmt.scrips:
            exchange = s.options["exchange"].value if "exchange" in s.options else stmt.opt("exchange")
            product = s.options["product"].value if "product" in s.options else stmt.opt("product")
            words.append(f"plus {_size(s)} {s.symbol.value} token {s.options['token'].value} exchange {exchange} product {product}")
    elif sized:
        words.append(f"qty {_size(stmt)}")
    return [(" ".join(words), sorted(changed))]


def _size(part) -> str:
    return f"INR{format(part.amount.value, 'f')}" if part.amount is not None else str(part.qty.value)


LINES = {"groww": _groww, "indstocks": _indstocks, "codifi": _codifi}
