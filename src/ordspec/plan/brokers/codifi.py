"""Codifi SIPs in a plan: the SIP order book read whole; a modify sends the whole SIP (every scrip
when one changes)."""

from __future__ import annotations

from ordspec.plan import adapters
from ordspec.plan.books import DONE, GONE, INACTIVE, LIVE, Book, BookOrder, Reader, RefreshError, failed, put


class Codifi(Reader):
    readable = True
    cannot_know = (
        "Codifi's order book says a SIP is active or not: a paused SIP and a cancelled one both read \"false\". ordspec knows "
        "the cancels and pauses it sent; an inactive SIP it did not make so is left as it is (resume it, or cancel it with "
        "`ordspec dispatch`, and plan again).",
        "A SIP has no reference id: one whose answer was lost is looked for in the order book by its content; two identical "
        "SIPs cannot be told apart, and then the plan stops at that order.",
        "Whether each instalment was bought: a SIP that ran all its instalments is done.",
        "A SIP's registration day, where the file does not write one, is what the first apply sent: it is not compared.",
    )

    def read(self, conn, managed: dict) -> Book:
        book = Book(True)
        result = conn.read("LIST SIP")
        book.reads += 1
        if result.state != "confirmed":
            raise failed(self.broker, result, "the SIP order book")
        state, problem = adapters.codifi_book(result.data)
        if problem:
            raise RefreshError(f"cannot read Codifi's answer: {problem}")
        book.state = state
        for number, entry in state.sips.items():
            book.add(self.order(number, entry))
        book.unlisted(managed, "not found", lambda ident: f"Codifi's order book no longer has SIP {ident}", kind="SIP")
        return book

    def order(self, number: str, entry: dict) -> BookOrder:
        internal = entry["internal"]
        f = self.fields(entry)
        if str(internal["active"]).lower() == "true":
            return BookOrder(number, None, "SIP", None, "active", LIVE, f)
        period, total = str(internal.get("period", "0")), str(entry["endPeriod"])
        if period.isdigit() and total.isdigit() and int(period) >= int(total):
            return BookOrder(number, None, "SIP", None, "inactive", DONE, f, f"completed its {total} instalments at Codifi")
        return BookOrder(number, None, "SIP", None, "inactive", INACTIVE, f, "inactive at Codifi (paused or cancelled: its order book does not say which)")

    def fields(self, entry: dict) -> dict:
        frequencies = {code: word for word, code in adapters.get(self.broker).setting("frequencies").items()}
        out: dict = {"kind": "SIP", "side": "BUY"}
        first, rest = entry["scrips"][0], entry["scrips"][1:]
        put(out, "symbol", first.get("tradingSymbol"))
        self._scrip_size(out, first)
        put(out, "token", first.get("token"))
        put(out, "exchange", first.get("exchange"))
        put(out, "product", first.get("product"))
        out["frequency"] = frequencies.get(str(entry["frequency"]), f"code {entry['frequency']}")
        out["start"] = _iso(entry["startDate"])
        out["registered"] = _iso(entry["regDate"])
        put(out, "installments", entry["endPeriod"])
        out["name"] = str(entry["sipName"])
        if rest:
            parts = []
            for s in rest:
                size = {}
                self._scrip_size(size, s)
                shown = f"INR{size['amount']}" if "amount" in size else size.get("qty", "?")
                parts.append(f"{shown} {s['tradingSymbol']} token {s['token']} {s['exchange']} {s['product']}")
            out["scrips"] = "; ".join(parts)
        return out

    @staticmethod
    def _scrip_size(out: dict, scrip: dict) -> None:
        if scrip.get("sipType") == "prc" or (scrip.get("qty") is None and scrip.get("price") is not None):
            put(out, "amount", scrip.get("price"))
        else:
            put(out, "qty", scrip.get("qty"))

    def resolve_create(self, conn, book: Book, entry, fields: dict, claimed: set):
        from ordspec.plan.model import changes

        matches = [
            o.id for o in book.orders.values()
            if o.id not in claimed and o.state != GONE and not changes(o.fields, fields)
        ]
        if len(matches) == 1:
            return "placed", matches[0]
        if not matches:
            return "absent", None
        return "unknown", f"Codifi's order book has {len(matches)} SIPs like it ({', '.join(matches)}): resolve it with `ordspec journal resolve \"{entry.key}\" --placed ID`"

    def modify(self, builder, d, h, changed: set):
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


def _iso(text: str) -> str:
    digits = text.replace("-", "")
    return f"{digits[4:]}-{digits[2:4]}-{digits[:2]}"


def _size(part) -> str:
    return f"INR{format(part.amount.value, 'f')}" if part.amount is not None else str(part.qty.value)
