"""Kite GTTs in a plan: GET /gtt/triggers read whole; a modify replaces the whole GTT (PUT), merged
from the GTT as listed; at most 250 active GTTs an account."""

from __future__ import annotations

from ordspec.plan import adapters
from ordspec.plan.books import CANCELLED, DONE, GONE, HELD, LIVE, Book, BookOrder, Reader, RefreshError, put

LIMIT = 250  # Kite's active GTTs an account may hold ("GTT" in Kite's FAQ and API docs)
# Kite's status words (the GTT list's `status`) as plan takes them.
STATES = {
    "active": (LIVE, ""),
    "triggered": (DONE, "triggered at Kite"),
    "expired": (DONE, "expired at Kite (a GTT lives a year)"),
    "cancelled": (CANCELLED, "cancelled at Kite outside ordspec"),
    "deleted": (CANCELLED, "deleted at Kite outside ordspec"),
    "disabled": (HELD, "disabled at Kite: left as it is (enable it at Kite, or cancel it and plan again)"),
    "rejected": (HELD, "rejected at Kite when it triggered: left as it is (cancel it and plan again to place it anew)"),
}


class Kite(Reader):
    readable = True
    cannot_know = (
        "Kite takes no client id on a GTT: an order whose create answer was lost is looked for in the GTT list by its whole "
        "content; two identical GTTs cannot be told apart, and then the plan stops at that order.",
        "Whether the order a triggered GTT placed was filled: it did its job, and is done either way. An expired GTT is done "
        "too; a disabled or rejected one is left as it is (held).",
        "A GTT cancelled or deleted outside ordspec is placed again; one Kite no longer lists at all is taken as deleted.",
        "A single GTT's trigger direction: Kite keeps none (it fires on the side of the last price), so it is not compared.",
    )

    def read(self, conn, managed: dict) -> Book:
        book = Book(True)
        found, problem = adapters.listing(self.broker, conn.sender.transport)
        book.reads += 1
        if found is None:
            raise RefreshError(f"cannot read the GTT list (GET /gtt/triggers) from Zerodha Kite: {adapters.visible(problem)}")
        book.state = adapters.gtt_state({r["id"]: r["gtt"] for r in found})
        for r in found:
            book.add(self.order(r))
        book.unlisted(managed, "not listed", lambda ident: f"Kite no longer lists GTT {ident}")
        return book

    def order(self, r: dict) -> BookOrder:
        status = r["status"]
        state, why = STATES.get(status, (HELD, f"status {status} at Kite, which ordspec does not know: left as it is"))
        return BookOrder(r["id"], None, r["kind"], r["segment"], status, state, self.fields(r), why)

    def fields(self, r: dict) -> dict:
        products = {v: k for k, v in adapters.get(self.broker).setting("enums")["product"].items()}
        out: dict = {"kind": r["kind"]}
        for name in ("side", "qty", "symbol", "segment", "exchange"):
            put(out, name, r.get(name))
        put(out, "product", products.get(r.get("product"), r.get("product")))
        legs = [("", "entry", "LIMIT")] if r["kind"] == "GTT" else [("target.", "target", "LIMIT"), ("sl.", "sl", "SL")]
        for prefix, role, order_type in legs:  # Kite places LIMIT orders only
            leg = r.get(role) or {}
            put(out, f"{prefix}trigger", leg.get("trigger"))
            put(out, f"{prefix}price", leg.get("limit"))
            out[f"{prefix}order_type"] = order_type
        return out

    def resolve_create(self, conn, book: Book, entry, fields: dict, claimed: set):
        from ordspec.plan.model import changes

        matches = [o.id for o in book.orders.values() if o.id not in claimed and o.state != GONE and o.fields and not changes(o.fields, fields)]
        if len(matches) == 1:
            return "placed", matches[0]
        if not matches:
            return "absent", None
        return "unknown", f"Kite lists {len(matches)} GTTs like it ({', '.join(matches)}): resolve it with `ordspec journal resolve \"{entry.key}\" --placed ID`"

    def modify(self, builder, d, h, changed: set):
        """The whole GTT is sent: the compiler merges these words into the GTT as listed."""
        f = d.fields
        words = [f"MODIFY {d.kind} {h.broker_id}"]
        if "qty" in changed:
            words.append(f"qty {f['qty']}")
        if d.kind == "GTT":
            if changed & {"trigger", "price", "order_type", "direction"}:
                words.append(f"trigger {f['trigger']}" + (f" {f['direction'].lower()}" if "direction" in f else "") + f" limit {f['price']}")
        else:
            for leg in ("target", "sl"):
                if changed & {f"{leg}.trigger", f"{leg}.price", f"{leg}.order_type"}:
                    words.append(f"{leg} {f[leg + '.trigger']} limit {f[leg + '.price']}")
        return [(" ".join(words), sorted(changed))]

    def refuse(self, book: Book, actions: list) -> str | None:
        """More active GTTs than Kite holds: those it lists, plus this plan's creates, less its cancels."""
        from ordspec.plan.model import CANCEL, CREATE

        creates = sum(a.action == CREATE for a in actions)
        after = len(book.active) + creates - sum(a.action == CANCEL for a in actions)
        if creates and after > LIMIT:
            return (f"Kite holds at most {LIMIT} active GTTs an account: it lists {len(book.active)} active, and this plan would "
                    f"leave {after} ({creates} to create): cancel some at Kite, or place fewer")
        return None
