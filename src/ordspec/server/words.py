"""What each word of the language means: the one table that hover and completion both read.

The wording follows the README's language reference ("The language"). A test checks that every
keyword of the grammar and every option of language.OPTIONS has an entry here.
"""

from __future__ import annotations

MEANINGS = {
    # statement kinds
    "GTT": "A trigger-armed order: `GTT SIDE QTY SYMBOL trigger PRICE up|down` then `limit PRICE` or `market`, "
    "the order the trigger places.",
    "OCO": "A target and stop-loss exit of an existing position: `target PRICE [limit PRICE]` and "
    "`sl PRICE [limit PRICE]`; `position N` is the net position it protects.",
    "BRACKET": "An entry with optional stop-loss and target legs: entry `limit PRICE` | `market` | "
    "`trigger PRICE [limit PRICE]`, then `sl ...` and `target ...`.",
    "SIP": "A systematic investment plan: `daily`|`weekly`|`monthly`, `start DATE`, `installments N`; by value "
    "with `INR2000` for the quantity; more scrips with `plus QTY SYMBOL`. After SMALLCASE: a smallcase SIP "
    "transaction.",
    "SMALLCASE": "A smallcase Gateway transaction: `SMALLCASE TYPE SCID [notes \"...\"]`, or "
    "`SMALLCASE SIP_SETUP iscid ID`.",
    # actions
    "MODIFY": "`MODIFY KIND ID [changes...]`: change an existing order; it lists only what changes.",
    "CANCEL": "`CANCEL KIND ID`: cancel an existing order.",
    "GET": "`GET KIND ID`: read one order.",
    "LIST": "`LIST KIND [filters...]`: list orders (`segment`, `status`, `page`, `size`, `from`, `to`).",
    "PAUSE": "`PAUSE SIP ID`: pause a SIP.",
    "RESUME": "`RESUME SIP ID`: resume a paused SIP.",
    # sides
    "BUY": "The order buys. After SMALLCASE: a smallcase BUY transaction.",
    "SELL": "The order sells.",
    # smallcase transaction types
    "INVESTMORE": "smallcase: invest more in a smallcase the user holds.",
    "FIX": "smallcase: fix (repair) a smallcase's holdings; the same type as REPAIR.",
    "REPAIR": "smallcase: repair a smallcase's holdings; ordspec sends it as FIX.",
    "REBALANCE": "smallcase: rebalance a smallcase to its current weights.",
    "MANAGE": "smallcase: manage a smallcase's holdings.",
    "EXIT": "smallcase: exit (sell) a smallcase.",
    "SIP_SETUP": "smallcase: set up a SIP on an invested smallcase (`iscid ID`).",
    # legs and flags
    "target": "The target leg: `target TRIGGER [limit PRICE]`. Without `limit` it is a MARKET leg, with it LIMIT. "
    "In a MODIFY it changes the target's trigger only.",
    "sl": "The stop-loss leg: `sl TRIGGER [limit PRICE]`. Without `limit` it is SL_M, with it SL. "
    "In a MODIFY it changes the stop-loss trigger only.",
    "limit": "`limit PRICE`: the limit price of the leg or entry written just before it.",
    "trigger": "`trigger PRICE`: the price that arms a GTT (then `up` or `down`), or a BRACKET's trigger entry.",
    "market": "The order placed (a GTT's, or a BRACKET's entry) is a MARKET order.",
    "up": "The GTT triggers when the price rises to its trigger.",
    "down": "The GTT triggers when the price falls to its trigger.",
    "plus": "`plus QTY SYMBOL`: another scrip of the SIP; `token`, `exchange` and `product` after it are that scrip's.",
    "daily": "The SIP invests every day.",
    "weekly": "The SIP invests every week.",
    "monthly": "The SIP invests every month.",
    # options
    "product": "`product CNC|MIS|NRML|MTF`: delivery (CNC), intraday (MIS), carry-forward derivatives (NRML) or margin trade funding (MTF, Dhan).",
    "exchange": "`exchange NSE|BSE|MCX`. Default: the instrument's exchange where ordspec knows it, else NSE.",
    "segment": "`segment CASH|FNO|COMMODITY|CURRENCY`. Default: read from the symbol or the instrument master.",
    "validity": "`validity DAY|IOC`. Default: DAY.",
    "ref": "`ref ID`: the order's client reference id, its identity across edits (Groww: 8-20 letters and digits, "
    "at most two hyphens). Without it ordspec derives one from what the order is.",
    "position": "`position N`: the net position an OCO protects (negative: short). Default: +QTY for SELL, -QTY for BUY.",
    "security": "`security ID`: the broker's id of the instrument (INDstocks' security_id, Dhan's securityId; digits).",
    "token": "`token ID`: Codifi's instrument token (digits).",
    "name": "`name TEXT`: the SIP's name.",
    "start": "`start YYYY-MM-DD`: the SIP's first day.",
    "installments": "`installments N`: how many times the SIP invests.",
    "registered": "`registered YYYY-MM-DD`: the SIP's registration day (Codifi). Default: the day checked for.",
    "notes": "`notes \"TEXT\"`: smallcase notes, at most 256 characters.",
    "iscid": "`iscid ID`: the invested smallcase's id.",
    "status": "`status ACTIVE|TRIGGERED|CANCELLED|COMPLETED`: a LIST filter.",
    "page": "`page N`: the LIST page (Groww: 0-500).",
    "size": "`size N`: the LIST page size (Groww: 1-50).",
    "from": "`from YYYY-MM-DDThh:mm:ss`: where a LIST's time window starts.",
    "to": "`to YYYY-MM-DDThh:mm:ss`: where a LIST's time window ends.",
    "side": "`side BUY|SELL`: in a MODIFY, the order's side (Groww needs it when a GTT's order changes).",
    "disclosed": "`disclosed N`: the quantity shown on the exchange (Dhan's disclosedQuantity: more than 30% of the quantity).",
    "qty": "`qty N` (or `qty INR2500` for a SIP by value): in a MODIFY, the new quantity (in YAML, the order's).",
    # option values
    "CNC": "product: delivery (cash and carry).",
    "MIS": "product: intraday, squared off the same day.",
    "NRML": "product: carry-forward derivatives (normal margin).",
    "MTF": "product: margin trade funding, delivery bought on margin (Dhan).",
    "CASH": "segment: shares.",
    "FNO": "segment: futures and options.",
    "COMMODITY": "segment: commodity derivatives (MCX).",
    "CURRENCY": "segment: currency derivatives.",
    "NSE": "exchange: the National Stock Exchange.",
    "BSE": "exchange: BSE (SENSEX and BANKEX derivatives trade here).",
    "MCX": "exchange: the Multi Commodity Exchange.",
    "DAY": "validity: for the trading day (the default).",
    "IOC": "validity: immediate or cancel.",
    "ACTIVE": "status: orders waiting for their trigger.",
    "TRIGGERED": "status: orders whose trigger fired.",
    "CANCELLED": "status: cancelled orders.",
    "COMPLETED": "status: orders that completed.",
    # file lines
    "default": "`default KEY VALUE`: sets `product`, `exchange`, `validity`, `segment` or `registered` for the "
    "statements after it. A default never becomes a change on MODIFY.",
    "broker": "`broker NAME`: the broker the file is for (groww, indstocks, codifi, smallcase, dhan); one per file.",
}

# YAML keys that are not words of the line language
YAML_KEYS = {
    "kind": "The order kind: GTT, OCO, BRACKET, SIP or SMALLCASE.",
    "action": "MODIFY, CANCEL, GET, LIST, PAUSE or RESUME; none for a new order.",
    "id": "The broker's id of the order an action is for.",
    "symbol": "The trading symbol, such as TCS or NIFTY25OCT24000CE.",
    "type": "The smallcase transaction type (BUY, INVESTMORE, FIX, REPAIR, REBALANCE, SIP, MANAGE, EXIT, SIP_SETUP).",
    "scid": "The smallcase's id.",
    "direction": "UP or DOWN: which way the GTT's trigger fires.",
    "order_type": "The order type: entry LIMIT, MARKET or TRIGGER; target LIMIT or MARKET; stop-loss SL or SL_M.",
    "frequency": "DAILY, WEEKLY or MONTHLY.",
    "scrips": "The SIP's scrips: a list of `{qty, symbol, token, exchange, product}`.",
    "orders": "The file's orders: mappings, or one line of the order language each.",
    "defaults": "Defaults for every order of the file, as `default` lines.",
}


def meaning(word: str, yaml_key: bool = False) -> str | None:
    """What a keyword (any case) means, or None."""
    for key in (word, word.upper(), word.lower()):
        if key in MEANINGS:
            return MEANINGS[key]
    if yaml_key:
        return YAML_KEYS.get(word)
    return None
