"""Rules on the account: the SIP as the broker's order book has it."""

from __future__ import annotations

from ordspec.rules.declare import rule


@rule("sip-state", on=("MODIFY SIP", "PAUSE SIP", "RESUME SIP", "CANCEL SIP"), needs=("needs_state",))
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
        if f"{stmt.verb} {stmt.kind.value}" in ctx.broker.setting("needs_state"):
            ctx.report(
                stmt.order_id,
                "Codifi replaces the whole SIP on modify: ordspec needs the current SIP to merge the change into",
                "pass --state with the SIP order book (the JSON answer of GET /info/sip/orderbook; `LIST SIP` compiles that request)",
            )
        return
    current = state.sip(number)
    if current is None:
        ctx.report(stmt.order_id, f"SIP {number} is not in the order book {state.path}", "check the order number, or fetch the order book again")
        return
    active = state.active(current)
    if stmt.verb == "PAUSE" and not active:
        ctx.report(stmt.order_id, f"SIP {number} is not active (the order book says it is paused or cancelled): there is nothing to pause")
    elif stmt.verb == "RESUME" and active:
        ctx.report(stmt.order_id, f"SIP {number} is active: only a paused SIP can be resumed")
