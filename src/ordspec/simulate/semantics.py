"""What each broker does with an armed order, as data: one table per broker, each entry documented.

The engine (engine.py) reads a broker's `Semantics`; every field holds a `Note`, whose
`value` the engine acts on and whose docs (What, Why, Decision, Source, as a rule's) say
where the behaviour comes from. A broker reads as its differences: Kite is "the direction
comes from the last price; a two-leg GTT fires once"; INDstocks is "a trigger order lives for
the day, a trigger without a limit is a limit at the trigger, children wait for the parent".
`python -m ordspec.simulate.semantics` writes docs/simulate.md from these tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GROWW = "Groww Trade API, Smart Orders (https://groww.in/trade-api/docs/curl/smart-orders)"
INDSTOCKS = "INDstocks API, Smart Order APIs (https://api-docs.indstocks.com/smart_orders/)"
CODIFI = "Codifi broker API, SIP Orders (published by each broker on Codifi; no single public address)"
KITE = "Zerodha's GTT terms (https://zerodha.com/tos/gtt); Kite Connect v3 GTT (https://kite.trade/docs/connect/v3/gtt/)"
DHAN = "DhanHQ v2, Forever Order (https://dhanhq.co/docs/v2/forever/) and Super Order (https://dhanhq.co/docs/v2/super-order/)"


@dataclass(frozen=True)
class Note:
    """One behaviour: the value the engine acts on, and its documentation."""

    name: str
    value: str
    summary: str
    what: str
    source: str
    decision: str = ""

    def sections(self) -> dict[str, str]:
        out = {"What": self.what}
        if self.decision:
            out["Decision"] = self.decision
        out["Source"] = self.source
        return out


# -- trigger direction

WRITTEN_DIRECTION = Note(
    "written-direction", "written",
    "A GTT fires when the price crosses its trigger in its written direction: UP at or above, DOWN at or below",
    "The GTT request carries `trigger_direction`; the trigger fires on the first price at or above "
    "the trigger (UP) or at or below it (DOWN). A first price already past the trigger fires it at once.",
    f"{GROWW}: a GTT 'triggers a single order when price crosses your trigger'; trigger_direction is the "
    "'direction to monitor relative to the trigger price'.",
)
LAST_PRICE_DIRECTION = Note(
    "last-price-direction", "last-price",
    "A single trigger's direction follows the last price when it is placed",
    "The request sends no direction: a trigger above the last price at placement fires at or above it, "
    "one below fires at or below it. When the written up/down disagrees, the simulation follows the "
    "broker and says so under assumptions.",
    f"{KITE}: `last_price` is mandatory and tells the direction of a single trigger (kite.trade forum, "
    f"discussions 7265 and 14166). {DHAN}: a Forever Order has no direction field either.",
    "Dhan's pages do not say how a SINGLE forever order picks its direction; with only a trigger price "
    "in the request, the last price is the one thing it can compare with, so Dhan is given Kite's rule.",
)
SIDE_DIRECTION = Note(
    "side-direction", "side",
    "A trigger order's direction follows its side: BUY fires at or above the trigger, SELL at or below",
    "A BUY trigger must be placed strictly above the current price and a SELL one strictly below "
    "(TriggerPriceVsCMP), so a BUY trigger fires when the price rises to it, a SELL one when it falls to it.",
    f"{INDSTOCKS}: trigger_price, 'For BUY: must be strictly greater than CMP. For SELL: must be strictly less than CMP'.",
)

# -- how long an untriggered order lives

YEAR_LIFE = Note(
    "one-year-life", "year",
    "An untriggered GTT expires one year after it is placed",
    "A GTT (or two-leg GTT) not triggered within a year of its placement is `expired` then.",
    f"{GROWW}: the create answer's expire_at is a year after created_at (2025-09-30 to 2026-09-30). "
    f"{KITE}: each GTT is valid for one year.",
    "Groww's OCO answer has expire_at null: a Groww OCO does not expire. Dhan's pages give no life for "
    "a Forever Order; it is given a year, as Kite's.",
)
NO_LIFE = Note(
    "no-expiry", "none",
    "An OCO stays armed until a leg fires or it is cancelled",
    "No expiry is simulated for the order: it waits for one of its triggers.",
    f"{GROWW}: the OCO create answer has expire_at null.",
)
DAY_LIFE = Note(
    "day-validity", "day",
    "A trigger order lives for its day: untriggered at 15:30 IST, it expires",
    "The parent of a smart order is sent to the exchange with validity DAY; a TRIGGER parent not "
    "triggered by the close is `expired` at 15:30 IST that day.",
    f"{INDSTOCKS}: the parent order 'gets sent to the exchange first'; validity is 'DAY' (its only value).",
    "The case where INDstocks keeps a parent as a GTT (a limit outside the circuit bounds) needs the "
    "day's circuit limits, which a price path does not carry: it is not simulated.",
)

# -- OCO legs

CANCEL_ON_FILL = Note(
    "oco-cancel-on-fill", "fill",
    "Both legs watch the same price; when one leg's order executes, the other is cancelled",
    "Either leg may trigger; the sibling is cancelled when a leg's order fills. A triggered leg whose "
    "limit order has not filled leaves the other leg armed, so at most one leg ever fills.",
    f"{GROWW}: 'execution of one cancels the other'; 'If a leg executes, the other cancels automatically.' "
    f"{DHAN}: OCO forever orders.",
    "Dhan's pages do not say whether a leg's trigger or its execution cancels the other: the common "
    "meaning of one-cancels-other (execution), as Groww documents it, is used.",
)
CANCEL_ON_TRIGGER = Note(
    "fires-once", "trigger",
    "A two-leg trigger fires once: the first trigger hit places its order and cancels the other leg",
    "A two-leg GTT is one trigger with two values; when one is hit its order is placed and the GTT is "
    "done, so the other leg is cancelled at that moment, whether or not the placed order fills.",
    f"{KITE}: 'a trigger fires once'; in a two-leg GTT 'the order at index i is the one placed when "
    "trigger value i is hit'.",
)

# -- the order a trigger places when no limit is given

MARKET_ORDER = Note(
    "market-at-trigger", "market",
    "A trigger without a limit places a market order, filled at the price that triggered it",
    "The order a trigger sends without a limit price (MARKET, SL_M) fills at once at the triggering price.",
    f"{GROWW}: order types MARKET and SL_M carry no price. {KITE}; {DHAN}.",
    "Kite places only LIMIT orders from a GTT: a Kite order file has a limit on every leg, so this "
    "never applies there.",
)
LIMIT_AT_TRIGGER = Note(
    "limit-at-trigger", "limit-at-trigger",
    "A trigger without a limit price places a limit order at the trigger price",
    "'If trigger_limit_price is omitted, it is automatically set equal to trigger_price': the order "
    "fills only when the price is back at the trigger. A MARKET entry 'is converted to a LIMIT order "
    "priced at the current live price', which is a fill at that price.",
    f"{INDSTOCKS}: 'Market Orders Are Converted to Limit Orders'.",
)

# -- bracket children

CHILDREN_AFTER_FILL = Note(
    "children-after-fill", "after-fill",
    "A bracket's target and stop-loss come alive only when its entry has filled; then they act as an OCO",
    "The child legs are `activated` at the entry's fill and watch the price from then on, the first "
    "to execute cancelling the other.",
    f"{INDSTOCKS}, Child Order Lifecycle: 'The child order will not activate until the parent order is "
    f"successfully executed.' {DHAN}: a super order's target and stop-loss legs follow the entry leg.",
)
ORPHANS_INACTIVE = Note(
    "orphans-inactive", "inactive",
    "A parent that is cancelled, rejected or not filled leaves its children inactive for good",
    "When the entry ends without a fill (cancelled, expired, unfilled at the close), its child legs "
    "never activate: the timeline shows them `cancelled`, with why.",
    f"{INDSTOCKS}, Child Order Lifecycle: 'If the parent order is cancelled, rejected, or fails, the "
    "linked child order remains inactive.'",
    "INDstocks says the child 'remains inactive', not cancelled: the paper broker leaves its status "
    "as it is; the timeline names the event `cancelled` with that reason, so a reader sees it end.",
)
ORPHANS_CANCELLED = Note(
    "orphans-cancelled", "cancelled",
    "Cancelling a super order's entry cancels the whole order",
    "When the entry ends without a fill, its target and stop-loss legs are cancelled with it.",
    f"{DHAN}: cancelling the ENTRY_LEG cancels the whole super order.",
)

# -- SIPs

INSTALLMENTS = Note(
    "sip-installments", "installments",
    "A SIP buys on each due date from its start, `installments` times, at the first price of that day",
    "Due dates run from `start`: daily on each day the path has a price (a trading day), weekly every "
    "seven days, monthly on the same day of each month (the month's last day when it is shorter). A "
    "due date without a price (a holiday) buys at the next price. Each instalment buys `qty`, or for an "
    "amount as many whole shares as it pays for at that price.",
    f"{CODIFI}: frequency '0 = Daily, 1 = Weekly, 2 = Monthly'; endPeriod, the 'number of SIP cycles'; "
    "startDate, 'when the SIP should begin'.",
    "The document does not say at what time of day an instalment executes, nor what happens on a "
    "holiday: the day's first price, and the next trading day.",
)

# -- the same for every broker

GAP = Note(
    "gap-places-limit", "limit",
    "When the price gaps through a trigger, the order is still placed at its limit price",
    "A trigger fires on the first price at or past it, even far past it; the order it sends keeps its "
    "own limit (and fills when the path reaches that limit).",
    f"{KITE}: 'when a gap opens through the trigger the order is still placed at its limit price'.",
    "Only Kite writes this down; the other brokers place the order they were given, which is the same.",
)
DAY_CLOSE = Note(
    "day-close", "15:30",
    "A DAY order the path does not fill before the close (15:30 IST) is unfilled, cancelled at the end of the day",
    "The order a trigger places, and a bracket's entry, are DAY orders (or IOC: unfilled at once when "
    "not filled at once). Not filled by 15:30 IST of the day it was placed, it is `unfilled`.",
    f"{KITE}: 'an unfilled order is cancelled at the end of the day'; NSE's normal market closes at 15:30 IST.",
)
COMMON = (GAP, DAY_CLOSE)


@dataclass(frozen=True)
class Semantics:
    """What one broker does: the kinds it has and a Note for each behaviour the engine asks about."""

    name: str
    title: str
    kinds: tuple[str, ...]
    direction: Note = WRITTEN_DIRECTION
    gtt_life: Note = YEAR_LIFE
    oco_life: Note = YEAR_LIFE
    oco: Note = CANCEL_ON_FILL
    trigger_market: Note = MARKET_ORDER
    children: Note = CHILDREN_AFTER_FILL
    orphans: Note = ORPHANS_CANCELLED
    sip: Note = INSTALLMENTS
    backend: bool = True  # ordspec has a back end (compiler) for it; else only broker-neutral rules check its files
    notes: tuple[Note, ...] = field(default=COMMON)

    def applied(self) -> list[Note]:
        """The notes that matter for this broker's kinds, in a fixed order."""
        kinds = set(self.kinds)
        out = []
        if kinds & {"GTT", "BRACKET"}:
            out.append(self.direction)
        if "GTT" in kinds:
            out.append(self.gtt_life)
        if "OCO" in kinds:
            out += [self.oco_life, self.oco]
        if kinds & {"GTT", "OCO", "BRACKET"}:
            out.append(self.trigger_market)
        if "BRACKET" in kinds:
            out += [self.children, self.orphans]
        if "SIP" in kinds:
            out.append(self.sip)
        if kinds & {"GTT", "OCO", "BRACKET"}:
            out += list(self.notes)
        unique = []
        for note in out:
            if note not in unique:
                unique.append(note)
        return unique


BROKERS: dict[str, Semantics] = {
    "groww": Semantics("groww", "Groww", ("GTT", "OCO"), oco_life=NO_LIFE),
    "indstocks": Semantics(
        "indstocks", "INDstocks", ("GTT", "BRACKET"),
        direction=SIDE_DIRECTION, gtt_life=DAY_LIFE, trigger_market=LIMIT_AT_TRIGGER, orphans=ORPHANS_INACTIVE,
    ),
    "codifi": Semantics("codifi", "Codifi", ("SIP",)),
    "kite": Semantics("kite", "Zerodha Kite", ("GTT", "OCO"), direction=LAST_PRICE_DIRECTION, oco=CANCEL_ON_TRIGGER, backend=False),
    "dhan": Semantics("dhan", "Dhan", ("GTT", "OCO", "BRACKET"), direction=LAST_PRICE_DIRECTION),
}


def get(name: str) -> Semantics:
    return BROKERS[name]


def page() -> str:
    """docs/simulate.md: every behaviour, and which brokers have it."""
    out = [
        "# What `ordspec simulate` assumes, broker by broker",
        "",
        "Generated from `src/ordspec/simulate/semantics.py` by `python -m ordspec.simulate.semantics`.",
        "",
        "| broker | kinds | behaviours |",
        "|---|---|---|",
    ]
    for b in BROKERS.values():
        names = ", ".join(f"[`{n.name}`](#{n.name})" for n in b.applied())
        out.append(f"| {b.title} | {', '.join(b.kinds)} | {names} |")
    out.append("")
    seen: list[Note] = []
    for b in BROKERS.values():
        seen += [n for n in b.applied() if n not in seen]
    for note in seen:
        brokers = ", ".join(b.title for b in BROKERS.values() if note in b.applied())
        out += [f"## {note.name}", "", f"{note.summary}. Brokers: {brokers}.", ""]
        for title, body in note.sections().items():
            out += [f"**{title}**", "", body, ""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    import sys
    from pathlib import Path

    target = Path(__file__).resolve().parents[3] / "docs" / "simulate.md"
    if sys.argv[1:] == ["--check"]:
        raise SystemExit(0 if target.exists() and target.read_text(encoding="utf-8") == page() else 1)
    target.write_text(page(), encoding="utf-8")
