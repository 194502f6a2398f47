"""Dhan: Forever orders (GTT, OCO) and Super orders (BRACKET): create, modify by leg, cancel, list.

Built from DhanHQ v2's Forever Order and Super Order pages (https://dhanhq.co/docs/v2/forever/,
https://dhanhq.co/docs/v2/super-order/) and what the official client, dhanhq 2.3, sends
(docs/brokers/kite-dhan-wire.md); the table is dhan.json. Bodies are JSON with the client's keys in
the client's order, `dhanClientId` last (the table's `client_id`: --client-id); prices are JSON numbers written exactly; the
fields the client always sends go out with its defaults (disclosedQuantity 0; a SINGLE's price1,
triggerPrice1 and quantity1 0; trailingJump 0: the language has no trailing stop). Every create
carries the order's key (its `ref`, or the derived id) as `correlationId`.

- GTT: a forever SINGLE (its one leg is TARGET_LEG). OCO: a forever OCO, the target the first leg
  (price, triggerPrice), the stop-loss the second (price1, triggerPrice1), quantity1 the quantity.
  A leg with `limit` is LIMIT, without it MARKET at price 0 (the client's value for no price).
- BRACKET: a super order with a LIMIT entry, targetPrice from `target`, stopLossPrice from `sl`.
- MODIFY GTT / OCO: PUT /forever/orders/{id}, one request per leg the statement names, the whole
  leg (quantity, trigger, limit or market; validity and disclosed as a create sends them):
  a GTT's entry is its TARGET_LEG; an OCO's `target ...` its TARGET_LEG, `sl ...` its
  STOP_LOSS_LEG, in that order.
- MODIFY BRACKET: PUT /super/orders/{id}. A change of the entry (`qty`, `limit`) is one ENTRY_LEG
  request, which carries the target and stop-loss too; otherwise TARGET_LEG, then STOP_LOSS_LEG.
- CANCEL GTT / OCO: DELETE /forever/orders/{id}; CANCEL BRACKET: DELETE
  /super/orders/{id}/ENTRY_LEG, which cancels the whole super order.
- LIST GTT and LIST OCO: GET /forever/orders (one list for both); LIST BRACKET: GET /super/orders.
"""

from __future__ import annotations

from decimal import Decimal

from ordspec.compiler.base import Broker
from ordspec.compiler.request import Request

ZERO = Decimal(0)
_TYPES = {"LIMIT": "LIMIT", "SL": "LIMIT", "MARKET": "MARKET", "SL_M": "MARKET"}  # a leg's type as Dhan says it


class Dhan(Broker):
    """Dhan is the base, plus: instruments by securityId and one exchangeSegment word; the account's
    client id in every body; a modify per leg, each leg whole; one request per leg, journaled apart."""

    def compile(self, stmt, ctx) -> list[Request]:
        verb, kind = stmt.verb, stmt.kind.value
        if verb == "CREATE":
            return [self._super(stmt, ctx) if kind == "BRACKET" else self._forever(stmt, ctx)]
        if verb == "MODIFY":
            return self._super_legs(stmt, ctx) if kind == "BRACKET" else self._forever_legs(stmt, ctx)
        if verb == "CANCEL":
            leg = {"leg": "ENTRY_LEG"} if kind == "BRACKET" else {}
            return [self._request(stmt, ctx, None, id=stmt.order_id.value, **leg)]
        return [self._request(stmt, ctx, None)]  # LIST

    def requirements(self, stmt, ctx) -> None:
        """missing-field: the security id; a super order's target and stop-loss; a modify's whole leg."""
        verb, kind = stmt.verb, stmt.kind.value
        bad = stmt.invalid
        if verb == "CREATE":
            if security_id(stmt) is None and "security" not in bad and stmt.symbol is not None:
                ctx.report(
                    stmt.symbol,
                    f"Dhan names instruments by securityId: ordspec does not know {stmt.symbol.value}'s",
                    "add `security N` (Dhan's securityId), or pass --instruments with a master that carries it",
                )
            if kind == "BRACKET":
                for leg, word, field in ((stmt.target, "target", "targetPrice"), (stmt.sl, "sl", "stopLossPrice")):
                    if leg is None:
                        ctx.report(stmt.kind, f"a Dhan super order needs its {field}", f"add `{word} PRICE`")
            return
        if verb != "MODIFY":
            return
        whole = "Dhan replaces a leg whole"
        if stmt.qty is None and "qty" not in bad and (kind != "BRACKET" or entry_changes(stmt)):
            ctx.report(stmt.kind, f"{whole}: the modify needs the quantity", "add `qty N` (the quantity, if it does not change)")
        if kind == "BRACKET":
            if entry_changes(stmt):
                entry = stmt.entry
                if (entry is None or entry.price is None) and "entry.price" not in bad:
                    ctx.report(stmt.kind, "an ENTRY_LEG modify carries the entry price", "add `limit PRICE` (the entry price, if it does not change)")
                for leg, word in ((stmt.target, "target"), (stmt.sl, "sl")):
                    if leg is None:
                        ctx.report(
                            stmt.kind,
                            f"an ENTRY_LEG modify carries the target and the stop-loss: `{word}` is missing",
                            f"add `{word} PRICE` (as it is, if it does not change)",
                        )
            return
        legs = forever_legs(stmt)
        if not legs:
            help = "add `trigger PRICE` and `limit PRICE` or `market`" if kind == "GTT" else "add `target PRICE limit PRICE` or `sl PRICE limit PRICE`"
            ctx.report(stmt.kind, f"{whole}: name the leg to change and say all of it", help)
        for name, leg in legs:
            if leg.trigger is None and f"{leg.role}.trigger" not in bad:
                ctx.report(leg, f"{whole}: the {name} needs its trigger price", "add `trigger PRICE` (the trigger, if it does not change)")
            if kind == "GTT" and leg.order_type is None and "entry.price" not in bad:
                ctx.report(leg, f"{whole}: say the order the trigger places", "add `limit PRICE` or `market`")
            elif kind == "OCO" and leg.price is None and not leg.explicit and f"{leg.role}.price" not in bad:
                word = "target" if leg.role == "target" else "sl"
                ctx.report(
                    leg,
                    f"{whole}: the {name} needs its limit price (in a MODIFY, `{word} PRICE` alone says nothing of its order type)",
                    f"add `limit PRICE` after `{word} {leg.trigger.value if leg.trigger else 'PRICE'}`",
                )

    def unsupported(self, stmt, ctx) -> None:
        """unsupported: what Dhan's forever and super orders have no field for."""
        verb, kind = stmt.verb, stmt.kind.value
        if verb == "CREATE":
            segment, exchange = stmt.segment, stmt.options.get("exchange")
            if segment is not None and exchange is not None and self.exchange_segment(stmt) is None:
                ctx.report(
                    exchange,
                    f"Dhan has no exchange segment for {segment.value} on {exchange.value}",
                    "Dhan takes NSE_EQ, BSE_EQ, NSE_FNO, BSE_FNO, MCX_COMM and NSE_CURRENCY",
                )
        if verb == "CREATE" and kind == "OCO":
            if stmt.target is not None and stmt.sl is not None and order_type(stmt.target) != order_type(stmt.sl):
                ctx.report(stmt.sl, "a Dhan OCO has one orderType for both legs", "give both legs a `limit`, or neither")
            if "position" in stmt.options and "position" not in stmt.defaulted:
                ctx.report(stmt.options["position"], "a Dhan forever OCO takes no net position: both legs are for its quantity", "drop `position`")
        if kind == "BRACKET" and verb in ("CREATE", "MODIFY"):
            entry = stmt.entry
            if verb == "CREATE" and entry is not None and entry.order_type is not None and entry.order_type.value == "TRIGGER":
                ctx.report(entry.trigger or entry, "a Dhan super order's entry is LIMIT or MARKET: it has no trigger", "write `limit PRICE`")
            elif entry is not None and entry.order_type is not None and entry.order_type.value == "MARKET":
                ctx.report(
                    entry.market or entry,
                    "ordspec sends a Dhan super order with a LIMIT entry only: the official client refuses a price of 0, and the documents give no price for a MARKET entry",
                    "write `limit PRICE`",
                )
            for leg in (stmt.target, stmt.sl) if verb == "CREATE" else ():
                if leg is not None and leg.price is not None:
                    what, field = ("target", "targetPrice") if leg.role == "target" else ("stop-loss", "stopLossPrice")
                    ctx.report(leg.price, f"a Dhan super order's {what} is one price ({field}): it takes no limit", "drop the leg's `limit`")
            validity = stmt.options.get("validity")
            if verb == "CREATE" and validity is not None and "validity" not in stmt.defaulted:
                ctx.report(validity, "a Dhan super order takes no validity", "drop `validity`")
        if verb == "MODIFY" and stmt.side is not None:
            ctx.report(stmt.side, "Dhan's modify takes no side, and cannot change it", "drop `side`")
        if verb == "LIST":
            for name in ("status", "page", "size", "from", "to"):
                if name in stmt.options:
                    ctx.report(stmt.options[name], f"Dhan's order lists take no filter: LIST {kind} returns every order", f"drop `{name}`")

    # -- the table's words

    def exchange_segment(self, stmt) -> str | None:
        """Dhan's exchangeSegment for the order's exchange and segment (NSE CASH -> NSE_EQ)."""
        exchange, segment = stmt.options.get("exchange"), stmt.segment
        if exchange is None or segment is None:
            return None
        return self.setting("exchange_segments").get(f"{exchange.value} {segment.value}")

    def _request(self, stmt, ctx, body, schema=None, part=None, **params) -> Request:
        if body is not None:
            body["dhanClientId"] = ctx.run.client_id_for(self)  # last, as dhanhq adds it
        return self.request(stmt, f"{stmt.verb} {stmt.kind.value}", body, schema, part=part, **params)

    def _forever(self, stmt, ctx) -> Request:
        first, second = (stmt.entry, None) if stmt.kind.value == "GTT" else (stmt.target, stmt.sl)
        body = {
            "orderFlag": "SINGLE" if second is None else "OCO",
            "transactionType": stmt.side.value,
            "exchangeSegment": self.exchange_segment(stmt),
            "productType": self.word("product", stmt.options["product"]),
            "orderType": order_type(first),
            "validity": self.word("validity", stmt.options["validity"]),
            "securityId": security_id(stmt),
            "quantity": stmt.qty.value,
            "disclosedQuantity": stmt.opt("disclosed", 0),
            "price": _price(first.price),
            "triggerPrice": first.trigger.value,
            "price1": ZERO if second is None else _price(second.price),
            "triggerPrice1": ZERO if second is None else second.trigger.value,
            "quantity1": 0 if second is None else stmt.qty.value,
            "correlationId": stmt.key,
        }
        return self._request(stmt, ctx, body, "dhan/forever-create.schema.json")

    def _super(self, stmt, ctx) -> Request:
        body = {
            "transactionType": stmt.side.value,
            "exchangeSegment": self.exchange_segment(stmt),
            "productType": self.word("product", stmt.options["product"]),
            "orderType": "LIMIT",
            "securityId": security_id(stmt),
            "quantity": stmt.qty.value,
            "price": stmt.entry.price.value,
            "targetPrice": stmt.target.trigger.value,
            "stopLossPrice": stmt.sl.trigger.value,
            "trailingJump": ZERO,
            "correlationId": stmt.key,
        }
        return self._request(stmt, ctx, body, "dhan/super-create.schema.json")

    def _forever_legs(self, stmt, ctx) -> list[Request]:
        out = []
        for name, leg in forever_legs(stmt):
            body = {
                "orderId": stmt.order_id.value,
                "orderFlag": "SINGLE" if stmt.kind.value == "GTT" else "OCO",
                "orderType": order_type(leg),
                "legName": name,
                "quantity": stmt.qty.value,
                "disclosedQuantity": stmt.opt("disclosed", 0),
                "price": _price(leg.price),
                "triggerPrice": leg.trigger.value,
                "validity": self.setting("enums")["validity"][stmt.opt("validity", "DAY")],
            }
            out.append(self._request(stmt, ctx, body, "dhan/forever-modify.schema.json", part=name, id=stmt.order_id.value))
        return out

    def _super_legs(self, stmt, ctx) -> list[Request]:
        ident = stmt.order_id.value
        if entry_changes(stmt):
            bodies = [
                (
                    "ENTRY_LEG",
                    {
                        "orderId": ident,
                        "orderType": "LIMIT",
                        "legName": "ENTRY_LEG",
                        "quantity": stmt.qty.value,
                        "price": stmt.entry.price.value,
                        "targetPrice": stmt.target.trigger.value,
                        "stopLossPrice": stmt.sl.trigger.value,
                        "trailingJump": ZERO,
                    },
                )
            ]
        else:
            bodies = []
            if stmt.target is not None:
                bodies.append(("TARGET_LEG", {"orderId": ident, "legName": "TARGET_LEG", "targetPrice": stmt.target.trigger.value}))
            if stmt.sl is not None:
                bodies.append(("STOP_LOSS_LEG", {"orderId": ident, "legName": "STOP_LOSS_LEG", "stopLossPrice": stmt.sl.trigger.value, "trailingJump": ZERO}))
        return [self._request(stmt, ctx, body, "dhan/super-modify.schema.json", part=name, id=ident) for name, body in bodies]


def security_id(stmt) -> str | None:
    """Dhan's securityId: `security N`, or an instrument master's id for the symbol."""
    given = stmt.options.get("security")
    if given is not None:
        return given.value
    return stmt.instrument.security_id if stmt.instrument is not None else None


def order_type(leg) -> str:
    if leg.order_type is not None:
        return _TYPES[leg.order_type.value]
    return "LIMIT" if leg.price is not None else "MARKET"


def _price(field) -> Decimal:
    return ZERO if field is None else field.value


def forever_legs(stmt) -> list:
    """(legName, Leg) for each leg a forever MODIFY changes, in the order they are sent."""
    if stmt.kind.value == "GTT":
        return [("TARGET_LEG", stmt.entry)] if stmt.entry is not None else []
    return [(name, leg) for name, leg in (("TARGET_LEG", stmt.target), ("STOP_LOSS_LEG", stmt.sl)) if leg is not None]


def entry_changes(stmt) -> bool:
    """Whether a super order MODIFY changes the entry: then it is one ENTRY_LEG request."""
    return stmt.qty is not None or stmt.entry is not None
