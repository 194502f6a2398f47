"""smallcase Gateway transactions: TRANSACTION intents on a smallcase, and SIP_SETUP.

Built from smallcase Gateway's "Create a transactionId for smallcase orders"
(https://developers.gateway.smallcase.com, Transactions); the table is
smallcase.json. One request creates a transactionId: POST
/gateway/{gatewayName}/transaction, the gateway name from --gateway.

The document says "The iscid can be used to trigger subsequent orders on the
invested smallcase" (INVESTMORE, FIX, REBALANCE, SIP, MANAGE, EXIT), but its
INVESTMORE sample sends the scid. ordspec sends what the statement gives: the
scid (as the sample does), the iscid (`SMALLCASE EXIT iscid ID`, as the text
says), or both. A BUY is the first investment and needs its scid. FIX and
REPAIR are one order type ("FIX/REPAIR"); ordspec sends FIX.
"""

from __future__ import annotations

from ordspec.compiler.base import Broker
from ordspec.compiler.request import Request


class Smallcase(Broker):
    """smallcase is the base, plus: SIP_SETUP takes no notes; a BUY has no iscid yet."""

    def compile(self, stmt, ctx) -> list[Request]:
        sc_type = stmt.sc_type.value
        iscid = stmt.options.get("iscid")
        if sc_type == "SIP_SETUP":
            body = {"intent": "SIP_SETUP", "orderConfig": {"iscid": iscid.value}}
        else:
            config = {"type": self.setting("types")[sc_type]}
            if stmt.scid is not None:
                config["scid"] = stmt.scid.value
            if iscid is not None:
                config["iscid"] = iscid.value
            body = {"intent": "TRANSACTION", "orderConfig": config}
            if "notes" in stmt.options:
                body["notes"] = stmt.options["notes"].value
        return [self.request(stmt, "CREATE", body, "smallcase/transaction.schema.json", gateway=ctx.gateway)]

    def unsupported(self, stmt, ctx) -> None:
        """unsupported: SIP_SETUP carries no notes; a BUY has no iscid yet (the BUY creates it)."""
        if stmt.sc_type.value == "SIP_SETUP" and "notes" in stmt.options:
            ctx.report(stmt.options["notes"], "smallcase's SIP_SETUP takes no notes", "notes tag TRANSACTION orders")
        if stmt.sc_type.value == "BUY" and "iscid" in stmt.options:
            ctx.report(
                stmt.options["iscid"],
                "a smallcase BUY is the first investment: the invested smallcase's iscid is created by it",
                "for an invested smallcase, use INVESTMORE (or another order type) with its iscid",
            )
