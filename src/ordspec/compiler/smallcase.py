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

from ordspec.compiler import get
from ordspec.compiler.request import Request, path

NAME = "smallcase"


def compile(stmt, ctx) -> list[Request]:
    table = get(NAME).table
    sc_type = stmt.sc_type.value
    iscid = stmt.options.get("iscid")
    if sc_type == "SIP_SETUP":
        body = {"intent": "SIP_SETUP", "orderConfig": {"iscid": iscid.value}}
    else:
        config = {"type": table["types"][sc_type]}
        if stmt.scid is not None:
            config["scid"] = stmt.scid.value
        if iscid is not None:
            config["iscid"] = iscid.value
        body = {"intent": "TRANSACTION", "orderConfig": config}
        if "notes" in stmt.options:
            body["notes"] = stmt.options["notes"].value
    op = table["operations"]["CREATE"]
    return [Request(NAME, op["name"], op["method"], path(op["path"], gateway=ctx.run.gateway), {}, body, stmt, "smallcase/transaction.schema.json")]


def unsupported(stmt, ctx):
    """unsupported: SIP_SETUP carries no notes; a BUY has no iscid yet (the BUY creates it)."""
    if stmt.sc_type.value == "SIP_SETUP" and "notes" in stmt.options:
        yield stmt.options["notes"], "smallcase's SIP_SETUP takes no notes", "notes tag TRANSACTION orders"
    if stmt.sc_type.value == "BUY" and "iscid" in stmt.options:
        yield (
            stmt.options["iscid"],
            "a smallcase BUY is the first investment: the invested smallcase's iscid is created by it",
            "for an invested smallcase, use INVESTMORE (or another order type) with its iscid",
        )


def outcome(request, answer):
    """smallcase Gateway: {"success": true, "data": {"transactionId"}} or {"success": false, "errors": [...]}."""
    from ordspec.dispatch.outcome import CONFIRMED, REJECTED, Outcome, common, server_error

    found = common(answer)
    if found is not None:
        return found
    body = answer.payload if isinstance(answer.payload, dict) else {}
    if 200 <= answer.status < 300 and body.get("success") is True:
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        return Outcome(CONFIRMED, data.get("transactionId"), None, data=data)
    errors = body.get("errors") or [answer.text[:200]]
    message = ", ".join(str(e) for e in errors) if isinstance(errors, list) else str(errors)
    if answer.status >= 500 or not body:
        return server_error(answer, message)
    return Outcome(REJECTED, message=f"{answer.status}: {message}")
