"""Rules on the account: the SIP as the broker's order book has it, the token dispatch sends."""

from __future__ import annotations

from ordspec import compiler
from ordspec.rules.registry import rule


@rule(
    "OS311",
    "sip-state",
    summary="A SIP modify without the current SIP, or a pause or resume that its state does not allow",
    brokers=("codifi",),
    on=("MODIFY SIP", "PAUSE SIP", "RESUME SIP", "CANCEL SIP"),
)
def sip_state(stmt, ctx):
    """
    What:
    A Codifi SIP modify sends the whole SIP (dates, frequency, scrips, its
    internal schedule), so ordspec builds it from the SIP as the order book
    has it: MODIFY SIP needs `--state ORDERBOOK.json`, the JSON of GET
    /info/sip/orderbook (`LIST SIP` compiles that request). With the state
    given, the SIP must be in it; PAUSE needs an active SIP and RESUME a
    paused one (the order book says "active": "true" or "false").

    Why:
    A modify built from guesses would overwrite the SIP's schedule. Pausing a
    SIP that is not running, or resuming one that runs, is a mistake about
    the account, best caught before anything is sent.

    This rule cannot be suppressed: a SIP modify is built from the SIP in
    the order book, so without it there is no request to build; where the
    order book contradicts a pause or resume, fetch it again rather than
    silence it.

    Example:
    MODIFY SIP 25042400000049 installments 6   # --broker codifi, no --state
    # error: Codifi replaces the whole SIP on modify: ordspec needs the current SIP

    Source:
    Codifi SIP Orders API, as each broker publishes it (SIP Modify: every field
    of the SIP; SIP OrderBook: "active": "true" if SIP is active, "false" if
    paused/canceled; SIP Pause, SIP Resume).
    """
    state = ctx.state
    number = stmt.order_id.value
    if state is None:
        if stmt.verb == "MODIFY":
            yield (
                stmt.order_id,
                "Codifi replaces the whole SIP on modify: ordspec needs the current SIP to merge the change into",
                "pass --state with the SIP order book (the JSON answer of GET /info/sip/orderbook; `LIST SIP` compiles that request)",
            )
        return
    current = state.sip(number)
    if current is None:
        yield stmt.order_id, f"SIP {number} is not in the order book {state.path}", "check the order number, or fetch the order book again"
        return
    active = state.active(current)
    if stmt.verb == "PAUSE" and not active:
        yield stmt.order_id, f"SIP {number} is not active (the order book says it is paused or cancelled): there is nothing to pause"
    elif stmt.verb == "RESUME" and active:
        yield stmt.order_id, f"SIP {number} is active: only a paused SIP can be resumed"


@rule(
    "OS312",
    "connected-user",
    summary="A smallcase order that needs a connected user's token, dispatched with a guest token",
    brokers=("smallcase",),
    scope="dispatch",
    on=("CREATE SMALLCASE",),
)
def connected_user(stmt, ctx, credentials):
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
    claims = credentials.jwt_claims() if credentials is not None else None
    if not claims or claims.get("guest") is not True:
        return
    if stmt.sc_type.value not in compiler.get("smallcase").table.get("guest_allowed", ()):
        yield (
            stmt.sc_type,
            f"smallcase {stmt.sc_type.value} needs a connected user's token; the token given is a guest's",
            "dispatch it with the token of a connected user (ORDSPEC_TOKEN or ORDSPEC_SMALLCASE_TOKEN)",
        )
