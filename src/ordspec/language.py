"""The neutral vocabulary of the language, and where each option and leg applies.

Both front ends (DSL and YAML) read this table, so an option means the same in
both. Back ends map these words to each broker's own (compiler/<broker>.json).
"""

from __future__ import annotations

PRODUCTS = ("CNC", "MIS", "NRML", "MTF")  # MTF: margin trade funding (Dhan)
SEGMENTS = ("CASH", "FNO", "COMMODITY", "CURRENCY")
EXCHANGES = ("NSE", "BSE", "MCX")
VALIDITIES = ("DAY", "IOC")
SIDES = ("BUY", "SELL")
DIRECTIONS = ("UP", "DOWN")
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY")
# Groww REST lists ACTIVE, CANCELLED, COMPLETED; the SDK page adds TRIGGERED.
STATUSES = ("ACTIVE", "TRIGGERED", "CANCELLED", "COMPLETED")
SC_ORDERS = ("BUY", "INVESTMORE", "FIX", "REPAIR", "REBALANCE", "SIP", "MANAGE", "EXIT")
SC_INTENTS = ("SIP_SETUP",)
ORDER_TYPES = {
    "entry": ("LIMIT", "MARKET", "TRIGGER"),
    "target": ("LIMIT", "MARKET"),
    "sl": ("SL", "SL_M"),
}

# What the language offers at all: each statement some broker has a request for. (A test checks
# that this is exactly the union of the broker tables' `supports`.)
STATEMENTS = (
    "CREATE GTT", "CREATE OCO", "CREATE BRACKET", "CREATE SIP", "CREATE SMALLCASE",
    "MODIFY GTT", "MODIFY OCO", "MODIFY BRACKET", "MODIFY SIP",
    "CANCEL GTT", "CANCEL OCO", "CANCEL BRACKET", "CANCEL SIP",
    "GET GTT", "GET OCO",
    "LIST GTT", "LIST OCO", "LIST BRACKET", "LIST SIP",
    "PAUSE SIP", "RESUME SIP",
)

TRADE_CREATE = ("CREATE GTT", "CREATE OCO", "CREATE BRACKET")
TRADE_MODIFY = ("MODIFY GTT", "MODIFY OCO", "MODIFY BRACKET")
ROUTED = ("CANCEL GTT", "CANCEL OCO", "CANCEL BRACKET", "GET GTT", "GET OCO", "GET BRACKET", "LIST GTT", "LIST OCO")

# option -> (kind of value, allowed words, where it applies). "VERB *" matches every kind.
OPTIONS: dict[str, tuple[str, tuple, tuple]] = {
    "product": ("enum", PRODUCTS, TRADE_CREATE + ("CREATE SIP", "MODIFY *")),
    "exchange": ("enum", EXCHANGES, TRADE_CREATE + ("CREATE SIP", "MODIFY *")),
    "segment": ("enum", SEGMENTS, TRADE_CREATE + TRADE_MODIFY + ROUTED),
    "validity": ("enum", VALIDITIES, TRADE_CREATE + TRADE_MODIFY),
    "ref": ("word", (), ("CREATE *",)),
    "position": ("position", (), ("CREATE OCO", "MODIFY OCO")),
    "security": ("digits", (), TRADE_CREATE),
    "token": ("digits", (), ("CREATE SIP", "MODIFY SIP")),
    "name": ("text", (), ("CREATE SIP", "MODIFY SIP")),
    "start": ("date", (), ("CREATE SIP", "MODIFY SIP")),
    "installments": ("count", (), ("CREATE SIP", "MODIFY SIP")),
    "registered": ("date", (), ("CREATE SIP", "MODIFY SIP")),
    "notes": ("text", (), ("CREATE SMALLCASE",)),
    "iscid": ("word", (), ("CREATE SMALLCASE",)),
    "status": ("enum", STATUSES, ("LIST *",)),
    "page": ("integer", (), ("LIST *",)),
    "size": ("integer", (), ("LIST *",)),
    "from": ("datetime", (), ("LIST *",)),
    "to": ("datetime", (), ("LIST *",)),
    "side": ("enum", SIDES, ("MODIFY GTT", "MODIFY BRACKET")),
    "qty": ("quantity", (), ("MODIFY *",)),
    "disclosed": ("count", (), ("CREATE GTT", "CREATE OCO", "MODIFY GTT", "MODIFY OCO")),  # Dhan's disclosedQuantity
}

# Options that only the brokers whose table lists them (`options` in compiler/<broker>.json) take.
BROKER_OPTIONS = ("disclosed",)

# The order of options in canonical text (the formatter, derived reference ids).
OPTION_ORDER = tuple(OPTIONS)

# Legs and flags: where each may be written.
PARTS: dict[str, tuple] = {
    "trigger": ("CREATE GTT", "CREATE BRACKET", "MODIFY GTT", "MODIFY BRACKET"),
    "direction": ("CREATE GTT", "MODIFY GTT"),
    "market": ("CREATE GTT", "CREATE BRACKET", "MODIFY GTT", "MODIFY BRACKET"),
    "limit": ("CREATE GTT", "CREATE BRACKET", "MODIFY GTT", "MODIFY BRACKET"),
    "target": ("CREATE GTT", "CREATE OCO", "CREATE BRACKET") + TRADE_MODIFY,
    "sl": ("CREATE GTT", "CREATE OCO", "CREATE BRACKET") + TRADE_MODIFY,
    "frequency": ("CREATE SIP", "MODIFY SIP"),
    "plus": ("CREATE SIP", "MODIFY SIP"),
}

# What a `default KEY VALUE` line may set, and which statements take it: a
# default never turns into a change on MODIFY, so only routing reaches actions.
DEFAULTABLE = {
    "product": ("CREATE *",),
    "exchange": ("CREATE *",),
    "validity": ("CREATE *",),
    "segment": ("CREATE *", "MODIFY *", "CANCEL *", "GET *", "LIST *"),
    "registered": ("CREATE SIP",),
}
BUILTIN_DEFAULTS = {"validity": "DAY"}  # exchange: resolve.py picks the instrument's, else NSE


def applies(where: tuple, verb: str, kind: str) -> bool:
    return f"{verb} {kind}" in where or f"{verb} *" in where


def where_text(where: tuple) -> str:
    """'CREATE GTT, CREATE OCO' -> 'GTT, OCO orders' style wording for help lines."""
    creates = [w.split()[1] for w in where if w.startswith("CREATE ")]
    others = [w.replace(" *", "") for w in where if not w.startswith("CREATE ")]
    parts = []
    if creates:
        parts.append("every order" if creates == ["*"] else ", ".join(creates) + " orders")
    parts.extend(others)
    return "; ".join(parts)
