"""Codifi SIPs: execute, modify, pause, resume, cancel, and the order book.

Built from Codifi's SIP Orders API; the table is codifi.json. Values are
strings as the document writes them ("qty": "1", "frequency": "0"). Dates
are DDMMYYYY where the document uses that form (regDate, startDate,
prevExecDate) and DD-MM-YYYY where it uses that one (dueDate, execDate).
A modify replaces the whole SIP, so it is built from the SIP as the order
book has it (--state), with the statement's changes merged in.
"""

from __future__ import annotations

from datetime import date

from ordspec.compiler.base import Broker
from ordspec.dates import reformat
from ordspec.values import written
from ordspec.compiler.request import Request


class Codifi(Broker):
    """Codifi is the base, plus: every scrip needs its token; a SIP buys; a modify rebuilds the whole SIP."""

    def compile(self, stmt, ctx) -> list[Request]:
        verb = stmt.verb
        if verb == "CREATE":
            registered = stmt.options.get("registered")
            body = {
                "regDate": compact(registered.value if registered is not None else ctx.as_of),
                "startDate": compact(stmt.options["start"].value),
                "frequency": self.setting("frequencies")[stmt.frequency.value],
                "endPeriod": str(stmt.options["installments"].value),
                "sipName": stmt.options["name"].value,
                "scrips": _scrips(stmt),
            }
            return [self.request(stmt, "CREATE", body, "codifi/execute.schema.json")]
        if verb == "MODIFY":
            return [self.request(stmt, "MODIFY", _merged(self, stmt, ctx.state.sip(stmt.order_id.value)), "codifi/modify.schema.json")]
        if verb == "LIST":
            return [self.request(stmt, "LIST", None, None)]
        return [self.request(stmt, verb, {"orderNo": stmt.order_id.value}, "codifi/order-no.schema.json")]

    def requirements(self, stmt, ctx) -> None:
        """missing-field: every scrip needs its instrument token."""
        if stmt.verb == "CREATE" and "token" not in stmt.options and "token" not in stmt.invalid and stmt.symbol is not None:
            ctx.report(stmt.symbol, f"Codifi needs the instrument token of {stmt.symbol.value}", "add `token N` after the symbol")
        for scrip in stmt.scrips:
            if "token" not in scrip.options and scrip.symbol is not None:
                ctx.report(scrip.symbol, f"Codifi needs the instrument token of {scrip.symbol.value}", f"add `token N` after `plus ... {scrip.symbol.value}`")

    def unsupported(self, stmt, ctx) -> None:
        """unsupported: a Codifi SIP buys; every scrip's product and exchange must be Codifi's."""
        if stmt.verb == "CREATE" and stmt.side is not None and stmt.side.value != "BUY":
            ctx.report(stmt.side, "a Codifi SIP invests: there is no SIP SELL", "a SIP is BUY")
        products = self.setting("enums")["product"]
        parts = [stmt.options] if stmt.verb == "MODIFY" else []
        parts += [scrip.options for scrip in stmt.scrips]
        for options in parts:
            for name, allowed in (("product", products), ("exchange", self.setting("exchanges"))):
                field = options.get(name)
                if field is not None and field.value not in allowed:
                    ctx.report(field, f"Codifi does not take {name} {field.value} for a SIP", f"Codifi takes {', '.join(allowed)}")

    def not_modifiable(self, stmt, ctx) -> None:
        """not-modifiable: a size change on a SIP of several scrips names no scrip."""
        if ctx.state is None or (stmt.qty is None and stmt.amount is None) or stmt.scrips:
            return
        current = ctx.state.sip(stmt.order_id.value)
        if current is not None and len(current["scrips"]) > 1:
            ctx.report(
                stmt.qty or stmt.amount,
                f"SIP {stmt.order_id.value} has {len(current['scrips'])} scrips: a `qty` alone does not say which to change",
                "list the new scrips with `plus QTY SYMBOL token N ...`: they replace the SIP's list",
            )


def compact(day: date) -> str:
    return day.strftime("%d%m%Y")


def _size(part) -> dict:
    """{"qty": "1"} for a quantity SIP, {"price": "2000"} for one by value (2000.00 is 2000: the same
    amount written two ways is one request, as `ordspec fmt` needs)."""
    if part.qty is not None:
        return {"qty": str(part.qty.value)}
    return {"price": written(part.amount.value)}


def _scrips(stmt) -> list[dict]:
    head_exchange = stmt.options["exchange"].value
    head_product = stmt.options["product"].value
    out = [
        {
            "exchange": head_exchange,
            "tradingSymbol": stmt.symbol.value,
            "product": head_product,
            "token": stmt.options["token"].value,
            **_size(stmt),
        }
    ]
    for scrip in stmt.scrips:
        options = scrip.options
        out.append(
            {
                "exchange": options["exchange"].value if "exchange" in options else head_exchange,
                "tradingSymbol": scrip.symbol.value,
                "product": options["product"].value if "product" in options else head_product,
                "token": options["token"].value,
                **_size(scrip),
            }
        )
    return out


def _merged(broker: Codifi, stmt, current: dict) -> dict:
    """The whole SIP for a modify: the order book's, with the statement's changes."""
    internal = current["internal"]
    options = stmt.options

    def changed(name: str, now: str, write) -> str:
        return write(options[name].value) if name in options else now

    body = {
        "regDate": changed("registered", reformat(current["regDate"], dashes=False), compact),
        "startDate": changed("start", reformat(current["startDate"], dashes=False), compact),
        "frequency": broker.setting("frequencies")[stmt.frequency.value] if stmt.frequency is not None else str(current["frequency"]),
        "endPeriod": changed("installments", str(current["endPeriod"]), str),
        "sipName": changed("name", current["sipName"], str),
        "prevExecDate": reformat(str(internal.get("prevExecDate", "0")), dashes=False),
        "dueDate": reformat(str(internal["dueDate"]), dashes=True),
        "execDate": reformat(str(internal["execDate"]), dashes=True),
        "period": str(internal.get("period", "0")),
        "active": str(internal.get("active", "true")).lower(),
        "orderNo": stmt.order_id.value,
    }
    if stmt.scrips:  # `plus` scrips on a MODIFY give the new list of scrips
        body["scrips"] = [
            {
                "exchange": s.options["exchange"].value if "exchange" in s.options else "NSE",
                "tradingSymbol": s.symbol.value,
                "product": s.options["product"].value if "product" in s.options else "CNC",
                "token": s.options["token"].value,
                **_size(s),
            }
            for s in stmt.scrips
        ]
        return body
    scrips = []
    for scrip in current["scrips"]:
        out = {k: scrip[k] for k in ("exchange", "tradingSymbol", "product", "token")}
        if scrip.get("sipType") == "prc" or (scrip.get("qty") is None and scrip.get("price") is not None):
            out["price"] = str(scrip["price"])
        else:
            out["qty"] = str(scrip["qty"])
        for name in ("exchange", "product", "token"):
            if name in options:
                out[name] = options[name].value
        if stmt.qty is not None or stmt.amount is not None:
            out.pop("qty", None)
            out.pop("price", None)
            out.update(_size(stmt))
        scrips.append(out)
    body["scrips"] = scrips
    return body
