"""smallcase Gateway's transactions, as its Transactions page describes them
(https://developers.gateway.smallcase.com): a guest token may BUY, nothing else."""

from __future__ import annotations

import secrets

from ordspec import jwt
from ordspec.paper import invalid

NAME = "smallcase"
LIST_ORDER = 4  # as compiler/smallcase.json lists it


def _fail(status: int, error: str):
    return status, {"success": False, "errors": [error], "data": None}


def auth(headers, body):
    claims = jwt.claims(headers.get("x-gateway-authtoken") or "")
    if not headers.get("x-gateway-secret") or claims is None:
        return _fail(401, "invalid_jwt")
    config = body.get("orderConfig") if isinstance(body, dict) else None
    guest_ok = isinstance(config, dict) and body.get("intent") == "TRANSACTION" and config.get("type") == "BUY"
    if claims.get("guest") is True and not guest_ok:
        return _fail(401, "user_mismatch")  # a guest token: BUY only
    return None


def transaction(store, params, query, body):
    problem = invalid("smallcase/transaction.schema.json", body)
    if problem:
        return _fail(400, problem)
    ident = "TRX_" + secrets.token_hex(12)
    store.add(NAME, ident, body["intent"], "PENDING", {**body, "gateway": params["gateway"]})
    return 200, {"success": True, "errors": None, "data": {"transactionId": ident}}


ROUTES = [("POST", r"/gateway/(?P<gateway>[^/]+)/transaction", transaction)]


# smallcase's document names no transaction status: PENDING is the paper broker's own, and the
# one word a smallcase transaction may be set to besides it is ordspec's (it has no trigger to move).
STATUSES = ("PENDING", "COMPLETED")


def fault(status: int) -> dict:
    """The body of an injected failure, in this broker's envelope."""
    return {"success": False, "errors": ["injected fault"], "data": None}
