"""Rules on request parameters: reference ids, list windows and pages, notes."""

from __future__ import annotations

from ordspec.rules.declare import rule
from ordspec.source import regex

# Characters that change what a URL path means (a separator, a query, a fragment, an escape), and
# blanks and control characters, which no broker's order id holds and a terminal would not show.
_UNSAFE = r"[/\\?#%\s\x00-\x1f\x7f-\x9f]"


_DROP: dict = {}


def _ref_chars(text: str, extra: str = "-") -> bool:
    """Whether `text` is ASCII letters, digits and `extra` only (str methods: no loop per character)."""
    drop = _DROP.get(extra)
    if drop is None:
        drop = _DROP[extra] = str.maketrans("", "", extra)
    rest = text.translate(drop)
    return text.isascii() and (not rest or rest.isalnum())


@rule("reference-id", on=("CREATE *",), needs=("reference_id",))
def reference_id(stmt, ctx):
    """
    What:
    Groww's reference_id is "a user-provided alphanumeric string (8-20
    characters) ... with at most two hyphens (-) allowed". Dhan carries the
    order's key as its correlationId: at most 25 letters, digits, `-` and
    `_`. An order without `ref` gets one derived from its content (os- and
    16 letters and digits), which always fits.

    Why:
    The reference id is Groww's idempotency key; a malformed one is rejected,
    and dispatch relies on it to never place an order twice. At Dhan it is
    how dispatch finds an order whose answer was lost: one cut short or
    refused would be found by no one.

    This rule cannot be suppressed: the broker takes no other reference id,
    so no valid request can carry this one.

    Decision:
    Dhan's pages say only "The user/partner generated id for tracking back"
    and give no length or characters; the DhanHQ client checks nothing.
    ordspec policy: at most 25 ASCII letters, digits, `-` and `_` (what
    Dhan's own examples, "123abc678", and the community clients' checks
    of 25 to 30 characters from that set all allow).

    Example:
    GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC ref my_ref_1
    # error: ref `my_ref_1` has `_`: Groww takes letters, digits and hyphens

    Source:
    Groww's Smart Orders pages,
    https://groww.in/trade-api/docs/curl/smart-orders and
    https://groww.in/trade-api/docs/python-sdk (reference_id); DhanHQ v2,
    Forever Order and Super Order, https://dhanhq.co/docs/v2/forever/ and
    https://dhanhq.co/docs/v2/super-order/ (correlationId); ordspec policy
    for Dhan's length and characters.
    """
    ref = stmt.options.get("ref")
    if ref is None or ctx.broker is None:
        return
    spec = ctx.broker.setting("reference_id")
    if not spec:
        return
    text = ref.value
    low, high, hyphens, extra = spec["min"], spec["max"], spec.get("max_hyphens"), spec.get("chars", "-")
    if not _ref_chars(text, extra):
        takes = "letters, digits and hyphens" if extra == "-" else "letters, digits, " + " and ".join(f"`{c}`" for c in extra)
        bad = sorted({c for c in text if not (c.isascii() and (c.isalnum() or c in extra))})
        ctx.report(ref, f"ref `{text}` has {' '.join(f'`{c}`' for c in bad)}: {ctx.broker.title} takes {takes}")
    elif not low <= len(text) <= high:
        ctx.report(ref, f"ref `{text}` is {len(text)} characters long: {ctx.broker.title} takes {low} to {high}")
    elif hyphens is not None and text.count("-") > hyphens:
        ctx.report(ref, f"ref `{text}` has {text.count('-')} hyphens: {ctx.broker.title} takes at most {hyphens}")


@rule("duplicate-reference", scope="run")
def duplicate_reference(ctx):
    """
    What:
    Each order's idempotency key (its `ref`, or the id derived from its
    content for brokers that need one) must be unique across every file
    linted or compiled together. Two identical orders in one file get distinct
    derived ids; identical orders in two files would derive the same one.

    Why:
    The broker treats a repeated reference id as the same order (Groww
    answers GA007 "duplicate order reference id"), so the second order would
    never be placed, and dispatch would report it as already there.

    This rule cannot be suppressed: two orders under one reference id are
    one order to the broker and to the journal, so one of them would never
    be placed.

    Example:
    GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC ref tcs-dip-001
    GTT BUY 10 TCS trigger 3900 down limit 3905 product CNC ref tcs-dip-001
    # error: reference id tcs-dip-001 is already used at orders.ord:1

    Source:
    Groww Smart Orders API, https://groww.in/trade-api/docs/curl/smart-orders
    ("reference_id ... serves as an idempotency key"; "Use a unique reference_id
    per new smart order to avoid accidental duplicates"); Groww's error codes
    (GA007 duplicate order reference id; Groww Trade API,
    https://groww.in/trade-api/docs).
    """
    first: dict[str, tuple] = {}
    for key, derived, file, span in ctx.keys:
        seen = first.get(key)
        if seen is None:
            first[key] = (file, span, derived)
            continue
        where = f"{seen[0]}:{seen[1].line}"
        if derived:
            ctx.report(span, f"this order is identical to the one at {where}, so both would derive the same reference id", "give one of them its own `ref`", file=file)
        else:
            ctx.report(span, f"reference id {key} is already used at {where}", "every order needs its own `ref`", file=file)


@rule("list-window", on=("LIST *",), needs=("list.max_window_months",))
def list_window(stmt, ctx):
    """
    What:
    `to` must not be before `from`, and the window must not be longer than
    one calendar month (16 January to 16 February at most). A missing `from`
    is the start of the --as-of day and a missing `to` the start of the next
    day, as Groww's server defaults are.

    Why:
    Groww rejects such a list request: "end_date_time must not be before
    start_date_time"; "Date range ... must not exceed one month".

    Example:
    LIST OCO segment FNO from 2025-01-16T09:15:00 to 2025-03-01T00:00:00
    # error: the window from 2025-01-16T09:15:00 to 2025-03-01T00:00:00 is longer than one month

    Source:
    Groww's Smart Orders pages,
    https://groww.in/trade-api/docs/curl/smart-orders and
    https://groww.in/trade-api/docs/python-sdk (List Smart Orders:
    start_date_time, end_date_time, Validations).
    """
    if stmt.verb != "LIST" or ctx.broker is None:
        return
    months = ctx.broker.setting("list.max_window_months")
    if months is None:
        return
    from datetime import datetime, time, timedelta

    from ordspec.dates import months_later

    given_from, given_to = stmt.options.get("from"), stmt.options.get("to")
    if given_from is None and given_to is None:
        return
    start = given_from.value if given_from else datetime.combine(ctx.as_of, time())
    end = given_to.value if given_to else datetime.combine(ctx.as_of + timedelta(days=1), time())
    span = given_to or given_from
    if end < start:
        ctx.report(span, f"the window ends ({end.isoformat()}) before it starts ({start.isoformat()})", _default_note(given_from, given_to))
    elif end > months_later(start, months):
        ctx.report(span, f"the window from {start.isoformat()} to {end.isoformat()} is longer than one month", _default_note(given_from, given_to))


def _default_note(given_from, given_to) -> str | None:
    if given_from is None:
        return "without `from`, the window starts at the start of the --as-of day"
    if given_to is None:
        return "without `to`, the window ends at the start of the day after --as-of"
    return None


@rule("page-range", on=("LIST *",), needs=("list.page", "list.size"))
def page_range(stmt, ctx):
    """
    What:
    `page` counts from 0 and goes up to 500; `size` (page_size) is 1 to 50.

    Why:
    Groww rejects values outside its documented bounds.

    This rule cannot be suppressed: the broker takes no other values, so no
    valid request can carry these.

    Example:
    LIST GTT segment CASH page 0 size 100
    # error: page size 100 is outside 1-50

    Source:
    Groww Smart Orders API, https://groww.in/trade-api/docs/curl/smart-orders
    (page: "Min: 0, Max: 500"; page_size: "Min: 1, Max: 50").
    """
    if stmt.verb != "LIST" or ctx.broker is None:
        return
    for name, label, key in (("page", "page", "list.page"), ("size", "page size", "list.size")):
        field = stmt.options.get(name)
        bounds = ctx.broker.setting(key)
        if field is None or bounds is None:
            continue
        low, high = bounds
        if not low <= field.value <= high:
            ctx.report(field, f"{label} {field.value} is outside {low}-{high}")


@rule("notes-length", on=("CREATE SMALLCASE",), needs=("notes_max",))
def notes_length(stmt, ctx):
    """
    What:
    A SMALLCASE order's `notes` are at most 256 characters.

    Why:
    smallcase Gateway documents notes as an "upto 256 character long string
    (optional) to tag order"; a longer one is rejected.

    This rule cannot be suppressed: smallcase takes no longer notes, and
    ordspec does not cut them.

    Example:
    SMALLCASE BUY SCET_0010 notes "...300 characters..."
    # error: notes are 300 characters long; smallcase takes at most 256

    Source:
    smallcase Gateway, Transactions, https://developers.gateway.smallcase.com
    (sample request bodies, "notes").
    """
    notes, most = stmt.options.get("notes"), ctx.broker.setting("notes_max")
    if notes is not None and len(notes.value) > most:
        ctx.report(notes, f"notes are {len(notes.value)} characters long; {ctx.broker.name} takes at most {most}")


@rule("disclosed-quantity", on=("CREATE GTT", "CREATE OCO", "MODIFY GTT", "MODIFY OCO"), needs=("disclosed_min_share",))
def disclosed_quantity(stmt, ctx):
    """
    What:
    `disclosed N` is the quantity the exchange shows of the order (Dhan's
    disclosedQuantity). Dhan's forever orders ask for more than 30% of the
    quantity; it cannot be more than the quantity itself.

    Why:
    Dhan documents disclosedQuantity as "Number of shares visible (Keep more
    than 30% of quantity)": a smaller one is refused when the order is
    placed, or when its trigger fires, long after the file was checked.

    Decision:
    The documents' own example breaks the rule (disclosedQuantity 1 of 5,
    20%). ordspec follows the written rule. Without `disclosed` ordspec sends
    0, as the official client does: the rule is for a value that is given.

    Example:
    GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC security 11536 disclosed 3   # --broker dhan
    # error: disclosed 3 is not more than 30% of the quantity 10

    Source:
    DhanHQ v2, Forever Order, https://dhanhq.co/docs/v2/forever/ (Create
    Forever Order: disclosedQuantity); DhanHQ-py, github.com/dhan-oss/DhanHQ-py
    (place_forever: disclosed_quantity=0 by default).
    """
    from decimal import Decimal

    disclosed = stmt.options.get("disclosed")
    if disclosed is None or stmt.qty is None or not ctx.offered(stmt):
        return
    share = Decimal(ctx.broker.setting("disclosed_min_share"))
    qty = stmt.qty.value
    if disclosed.value > qty:
        ctx.report(disclosed, f"disclosed {disclosed.value} is more than the quantity {qty}", f"disclose at most {qty}")
    elif disclosed.value <= qty * share:
        least = int(qty * share) + 1
        ctx.report(
            disclosed,
            f"disclosed {disclosed.value} is not more than {share * 100:.0f}% of the quantity {qty}",
            f"disclose at least {least}, or drop `disclosed`" if least <= qty else "drop `disclosed`",
        )


def _shown(c: str) -> str:
    return f"`{c}`" if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}" + (" (a space)" if c == " " else "")


@rule("unsafe-id", on=("MODIFY *", "CANCEL *", "GET *", "PAUSE *", "RESUME *"))
def unsafe_id(stmt, ctx):
    """
    What:
    An order id that is `.` or `..`, or that holds `/`, `\\`, `?`, `#`, `%`,
    a blank or a control character. Brokers' ids are letters, digits and
    `-` or `_` (gtt_91a7f4, DRV-28131451, 25042400000049).

    Why:
    Groww puts the id in the request's path (/v1/order-advance/cancel/CASH/
    GTT/ID). HTTP clients remove `.` and `..` steps from a path (RFC 3986,
    5.2.4), so `CANCEL GTT ..` would be compiled to one address and sent to
    another; `/`, `?` and `#` would end the id early. ordspec percent-encodes
    every path segment anyway, but a broker may decode it again. In a JSON
    body (INDstocks, Codifi) such an id names no order the broker has, and
    a control character would not even show in a review.

    This rule cannot be suppressed: the request would go to another address
    than the one compiled, or name an order that no broker's id can be.

    Example:
    CANCEL GTT .. segment CASH   # --broker groww
    # error: order id `..` is a path step, not an order id

    Source:
    ordspec policy; RFC 3986 (sections 3.3 and 5.2.4, dot segments); Groww
    Trade API, Smart Orders (https://groww.in/trade-api/docs/curl/smart-orders:
    the smart_order_id in the cancel, get and modify paths).
    """
    ident = stmt.order_id
    if ident is None or not isinstance(ident.value, str):
        return
    text = ident.value
    if text in (".", ".."):
        ctx.report(ident, f"order id `{text}` is a path step, not an order id: a URL would read it as {'the folder above' if text == '..' else 'this folder'}", "write the order id the broker gave (its order book lists it)")
        return
    bad = sorted(set(regex(_UNSAFE).findall(text)))
    if bad:
        ctx.report(ident, f"order id has {', '.join(_shown(c) for c in bad)}: no broker's order id does", "write the order id the broker gave (its order book lists it)")
