"""The requests of each action: statements of the order language, compiled by the back ends.

A modify is written by the broker's reader (plan/brokers/<name>.py, `modify`) as the MODIFY a
user would write for dispatch (`MODIFY GTT gtt_91a7f4 segment CASH qty 12 trigger 3980`), with
only the fields that change and what the broker needs with them, and compiled with every rule: `not-modifiable` refusing it makes the action a replace, with the rule's reason.

Each request is journaled under a key made of the order's name, its generation and the step, so
that an apply run again after a crash finds what it already sent.
"""

from __future__ import annotations

from ordspec.plan import adapters
from ordspec.plan.model import Step

class BuildError(Exception):
    """A step whose statement does not compile: a bug, or an order the broker cannot take (exit 1)."""


class Builder:
    def __init__(self, broker: str, base_url: str, run, as_of, book=None, reader=None):
        self.broker = broker
        self.reader = reader  # books.Reader of the broker (plan/brokers/): it writes the modifies
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
        lines = self.reader.modify(self, d, h, changed)
        if isinstance(lines, str):
            return lines
        requests, found = adapters.statements(self.broker, [text for text, _ in lines], self.as_of, self.book, self.run)
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
        requests, found = adapters.statements(self.broker, lines, self.as_of, self.book, self.run)
        if requests is None:
            raise BuildError(f"cannot build `{lines[0]}`: {found[0][1].message if found else 'no request'}")
        return requests

    @staticmethod
    def _place(request, file, line) -> None:
        request.file, request.line = file or "<plan>", line or 0  # shown and journaled as the order's place
