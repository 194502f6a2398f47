"""The rules that need what only dispatch knows, the credentials (preflight.py runs them before anything is sent)."""

from __future__ import annotations

from ordspec.rules.declare import rule


@rule("connected-user", scope="dispatch", on=("CREATE SMALLCASE",), needs=("guest_allowed",))
def connected_user(stmt, ctx):
    """
    What:
    smallcase Gateway accepts a guest user's token (a JWT whose claims say
    `"guest": true`) only for a BUY, the first investment in a smallcase.
    INVESTMORE, FIX (REPAIR), REBALANCE, SIP, MANAGE, EXIT and SIP_SETUP act
    on an invested smallcase and need a connected user's token. Checked when
    dispatching, against the token in ORDSPEC_TOKEN (or
    ORDSPEC_SMALLCASE_TOKEN); `ordspec lint` has no token to check.

    Why:
    The gateway would refuse the transaction after part of a batch went out.

    This rule cannot be suppressed: the gateway refuses the transaction with
    that token.

    Example:
    SMALLCASE INVESTMORE SCET_0010   # dispatched with a guest token
    # error: smallcase INVESTMORE needs a connected user's token; the token given is a guest's

    Source:
    smallcase Gateway, Transactions, https://developers.gateway.smallcase.com
    ("x-gateway-authtoken JWT: can be a guest user auth token" for BUY; "must be
    connected user auth token" for the others and SIP_SETUP); smallcase
    Gateway's auth tokens (a guest token carries {"guest": true}).
    """
    claims = ctx.credentials.jwt_claims() if ctx.credentials is not None else None
    if not claims or claims.get("guest") is not True:
        return
    if stmt.sc_type.value not in ctx.broker.setting("guest_allowed"):
        ctx.report(
            stmt.sc_type,
            f"{ctx.broker.name} {stmt.sc_type.value} needs a connected user's token; the token given is a guest's",
            "dispatch it with the token of a connected user (ORDSPEC_TOKEN or ORDSPEC_SMALLCASE_TOKEN)",
        )
