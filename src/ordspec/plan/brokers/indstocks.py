"""INDstocks in a plan: no read endpoint (the journal alone); a parent's entry and its child's legs
are modified apart."""

from __future__ import annotations

from ordspec.plan.books import Reader

LEGS = ("target.trigger", "target.price", "target.order_type", "sl.trigger", "sl.price", "sl.order_type")


class Indstocks(Reader):
    cannot_know = (
        "INDstocks has no read endpoint: this plan is from the journal alone. It cannot see an order that triggered, "
        "executed, expired or was cancelled or modified outside ordspec; such an order is planned as if it were as ordspec left it "
        "(a modify or cancel of it is then refused by INDstocks, and apply says so).",
        "An answer lost on a create, modify or cancel cannot be checked: the plan stops at that order until "
        "`ordspec journal resolve` records what happened.",
        "Orders placed outside ordspec are not counted.",
    )

    def modify(self, builder, d, h, changed: set):
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


def _entry(f: dict, kind: str) -> str:
    if kind == "GTT":
        return f"trigger {f['trigger']}" + (f" limit {f['price']}" if "price" in f else " market")
    if f.get("order_type") == "TRIGGER":
        return f"trigger {f['trigger']}" + (f" limit {f['price']}" if "price" in f else "")
    return f"limit {f['price']}" if "price" in f else "market"
