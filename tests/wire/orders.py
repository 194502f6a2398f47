"""Neutral order values: what an ordspec statement says, in ordspec's own vocabulary.

kite.py and dhan.py turn these into calls of the brokers' official clients; `statement()`
writes the same order as a line of the language, for `ordspec dispatch` on the other side of
a differential test. Prices are Decimal; the clients get float() of them, as their users pass.
Products are the neutral CNC / MIS / NRML (MTF passes through for Dhan's forever orders).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


def text(value: Decimal) -> str:
    """A price as the language writes it: plain decimal, never an exponent."""
    return format(value, "f")


def _options(product, exchange, segment, validity, security, ref) -> str:
    out = f" product {product}"
    if exchange != "NSE":
        out += f" exchange {exchange}"
    if segment != "CASH":
        out += f" segment {segment}"
    if validity != "DAY":
        out += f" validity {validity}"
    if security is not None:
        out += f" security {security}"
    if ref is not None:
        out += f" ref {ref}"
    return out


@dataclass(frozen=True)
class Gtt:
    """`GTT side qty symbol trigger T up|down limit L|market`: one trigger, one order."""

    side: str
    qty: int
    symbol: str
    trigger: Decimal
    direction: str  # "up" or "down"
    limit: Decimal | None  # None: a market order (Dhan only; Kite places LIMIT orders only)
    product: str = "CNC"
    exchange: str = "NSE"
    segment: str = "CASH"
    validity: str = "DAY"
    last_price: Decimal | None = None  # Kite's condition.last_price (ordspec: --quotes)
    security: str | None = None  # Dhan's securityId
    ref: str | None = None  # Dhan's correlationId

    def statement(self) -> str:
        order = f"limit {text(self.limit)}" if self.limit is not None else "market"
        head = f"GTT {self.side} {self.qty} {self.symbol} trigger {text(self.trigger)} {self.direction} {order}"
        return head + _options(self.product, self.exchange, self.segment, self.validity, self.security, self.ref)


@dataclass(frozen=True)
class Oco:
    """`OCO side qty symbol target T [limit L] sl S [limit M]`: a target and a stop-loss exit."""

    side: str
    qty: int
    symbol: str
    target: Decimal
    target_limit: Decimal | None
    sl: Decimal
    sl_limit: Decimal | None
    product: str = "CNC"
    exchange: str = "NSE"
    segment: str = "CASH"
    validity: str = "DAY"
    last_price: Decimal | None = None
    security: str | None = None
    ref: str | None = None

    def statement(self) -> str:
        target = f"target {text(self.target)}" + (f" limit {text(self.target_limit)}" if self.target_limit is not None else "")
        sl = f"sl {text(self.sl)}" + (f" limit {text(self.sl_limit)}" if self.sl_limit is not None else "")
        head = f"OCO {self.side} {self.qty} {self.symbol} {target} {sl}"
        return head + _options(self.product, self.exchange, self.segment, self.validity, self.security, self.ref)


@dataclass(frozen=True)
class Bracket:
    """`BRACKET side qty symbol limit P sl S target T`: Dhan's super order (entry, target, stop-loss)."""

    side: str
    qty: int
    symbol: str
    price: Decimal
    target: Decimal
    stop_loss: Decimal
    product: str = "CNC"
    exchange: str = "NSE"
    segment: str = "CASH"
    security: str | None = None
    ref: str | None = None
    trailing_jump: Decimal = Decimal(0)  # the language has no word for it yet: ordspec sends 0

    def statement(self) -> str:
        legs = f"limit {text(self.price)} sl {text(self.stop_loss)} target {text(self.target)}"
        head = f"BRACKET {self.side} {self.qty} {self.symbol} {legs}"
        return head + _options(self.product, self.exchange, self.segment, "DAY", self.security, self.ref)


@dataclass(frozen=True)
class ForeverLeg:
    """One leg of a Dhan forever order, as PUT /forever/orders/{id} changes it."""

    order_id: str
    flag: str  # SINGLE or OCO
    leg: str  # TARGET_LEG (a SINGLE's only leg) or STOP_LOSS_LEG
    qty: int
    trigger: Decimal
    limit: Decimal | None  # None: MARKET
    validity: str = "DAY"
    disclosed: int = 0


@dataclass(frozen=True)
class SuperLeg:
    """One leg of a Dhan super order, as PUT /super/orders/{id} changes it."""

    order_id: str
    leg: str  # ENTRY_LEG, TARGET_LEG or STOP_LOSS_LEG
    qty: int = 0
    price: Decimal = Decimal(0)
    target: Decimal = Decimal(0)
    stop_loss: Decimal = Decimal(0)
    trailing_jump: Decimal = Decimal(0)
    order_type: str = "LIMIT"


@dataclass(frozen=True)
class Credentials:
    """What the clients authenticate with; the same values go to ordspec through its environment."""

    api_key: str = "kite-api-key-7f3a"
    token: str = "acc-TOKEN-wire-5e6f7a8b9c0d"
    client_id: str = "1000000132"

    def env(self, broker: str) -> dict[str, str]:
        """ordspec's environment for these credentials (names from issue 11)."""
        if broker == "kite":
            return {"ORDSPEC_KITE_API_KEY": self.api_key, "ORDSPEC_KITE_TOKEN": self.token}
        if broker == "dhan":
            return {"ORDSPEC_DHAN_TOKEN": self.token, "ORDSPEC_DHAN_CLIENT_ID": self.client_id}
        return {"ORDSPEC_TOKEN": self.token}


CREDENTIALS = Credentials()
