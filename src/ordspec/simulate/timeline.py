"""A simulation as text (a timeline to read at a glance) or JSON."""

from __future__ import annotations

import json

from ordspec.simulate.engine import IST


def as_json(result) -> str:
    return json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n"


def _when(t) -> str:
    return t.astimezone(IST).strftime("%Y-%m-%d %H:%M:%S")


def as_text(result) -> str:
    s = result.summary()
    path = s["path"]
    span = f"{_when(result.path.first)} to {_when(result.path.last)} IST" if result.path.rows else "no rows"
    out = [f"{result.rules.title}, on {path['file']}: {path['rows']} {path['kind']} of {', '.join(path['symbols'])}, {span}", ""]
    several = len(path["symbols"]) > 1
    head = ["time (IST)", "order", "ref", "event", "leg", "price"] + (["symbol"] if several else []) + ["why"]
    rows = []
    for e in result.events:
        o = e.order
        mark = "*" if e.ambiguous else ""
        cells = [_when(e.time), f"{o.file}:{o.line}", o.ref or "-", e.event + mark, e.leg or "-",
                 "-" if e.price is None else format(e.price, "f")]
        if several:
            cells.append(o.symbol)
        rows.append(cells + [e.why or ""])
    if rows:
        widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head) - 1)]
        for r in [head] + rows:
            out.append("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
            out[-1] = out[-1].rstrip()
    else:
        out.append("No events: no trigger was reached on this path.")
    out += ["", "Assumed:"]
    out += [f"  - {a['text']}" for a in result.assumptions()]
    counts = ", ".join(f"{n} {name}" for name, n in s["events"].items()) or "no events"
    tail = f"{s['orders']} order{'s' if s['orders'] != 1 else ''}: {counts}"
    if s["ambiguous"]:
        tail += f"; {s['ambiguous']} ambiguous (marked *: they depend on the route assumed inside a candle)"
    tail += f"; {s['open']} still open at the end of the path." if s["open"] else "; none open at the end of the path."
    out += ["", tail]
    return "\n".join(out) + "\n"
