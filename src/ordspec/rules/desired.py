"""Rules for files that hold desired orders: what `ordspec plan` reads (lint --plan, `plan = true`)."""

from __future__ import annotations

from ordspec.rules.declare import rule

# What each statement `plan` cannot hold is, and where it belongs instead.
_WHY = {
    "MODIFY": "changes an order in place",
    "CANCEL": "cancels an order",
    "PAUSE": "pauses a SIP",
    "RESUME": "resumes a SIP",
    "GET": "reads an order",
    "LIST": "reads the broker's book",
}


@rule("not-desired-state")
def not_desired_state(stmt, ctx):
    """
    What:
    A file read by `ordspec plan` (or `ordspec lint --plan`, or under `plan =
    true` in the configuration) holds the orders that should exist: GTT,
    OCO, BRACKET and SIP orders. An action (MODIFY, CANCEL, GET, LIST,
    PAUSE, RESUME) says what to do, not what should be, and a smallcase
    transaction is an intent the user completes in the smallcase Gateway,
    with nothing at the broker for a plan to compare it with. Both are
    errors there; they belong to `ordspec dispatch`.

    Why:
    plan works out the modifies and cancels itself, from the difference
    between the file and the broker's book. An action in the same file would
    be a second, conflicting instruction for the same order: applied after
    the plan, it would undo it; applied before, it would be undone.

    This rule cannot be suppressed: plan has no desired state to make of the
    statement, so it would have to drop it.

    Decision:
    Nothing in a file says it is for plan: the command says so (`ordspec
    plan`, `ordspec lint --plan`), or the configuration (`plan = true`, at
    the top or in an override for some paths), so that one repository can
    hold planned files and dispatched ones. Instead of an action, write the
    order as it should be: plan shows the change as a modify (a field the
    broker modifies in place) or a replace; remove an order from the files
    to cancel it. Send actions and smallcase transactions with `ordspec
    dispatch`, from files that are not planned.

    Example:
    MODIFY GTT gtt_91a7f4 segment CASH qty 12   # ordspec lint --plan
    # error: MODIFY is an action: a file for `ordspec plan` holds the orders that should exist

    Source:
    ordspec policy: the file as desired state (`ordspec plan` and `ordspec
    apply`, README "Plan and apply").
    """
    if not ctx.plan:
        return
    if stmt.kind.value == "SMALLCASE":
        ctx.report(
            stmt.kind,
            "a smallcase transaction is an intent the user completes in the smallcase Gateway: plan has no order at the broker to keep it in",
            "send it with `ordspec dispatch`, from a file that is not planned",
        )
    elif stmt.verb != "CREATE":
        what = _WHY.get(stmt.verb, "acts on an order")
        ctx.report(
            stmt,
            f"{stmt.verb} is an action (it {what}): a file for `ordspec plan` holds the orders that should exist",
            "write the order as it should be and let plan work out the change, or send this line with `ordspec dispatch`",
        )
