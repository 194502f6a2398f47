"""Hypothesis strategies for valid neutral Kite GTT / two-leg and Dhan forever / super orders.

"Valid" means what the facts documents and ordspec's broker-neutral rules say, so that the same
order can later go through `ordspec dispatch` as well as through the official client:

- prices are multiples of their tick: 0.05 below ₹1000 (valid in NSE's 0.01 and 0.05 bands, and
  for index options), 0.10 from ₹1100 to ₹4500, 0.50 from ₹5500 to ₹9000; every price of an
  order stays within its class (the classes leave room for the ±8% a trigger may move);
- derivatives are NIFTY options of the October 2025 expiry in whole lots of 75 (as of 2025-10-01);
- Kite: every trigger is more than 0.25% (and more than 9 paise) away from the last price; a
  single trigger's direction follows it (up above the last price, down below); a two-leg GTT's
  stop-loss and target lie on either side of the last price; orders are LIMIT; CNC for cash,
  NRML for derivatives;
- Dhan: forever orders are cash (NSE_EQ, BSE_EQ), CNC, LIMIT or MARKET (one orderType for both
  legs of an OCO); a super order's target and stop-loss lie on the right sides of its price
  for its side, its entry is LIMIT (dhanhq refuses a price of 0).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from hypothesis import strategies as st

from tests.wire.answers import DHAN_ORDER_ID
from tests.wire.orders import Bracket, ForeverLeg, Gtt, Oco, SuperLeg

D = Decimal
CLASSES = [(D("20"), D("900"), D("0.05")), (D("1100"), D("4500"), D("0.10")), (D("5500"), D("9000"), D("0.50"))]
OPTION_CLASS = (D("20"), D("900"), D("0.05"))
SHARES = ["INFY", "TCS", "SBIN", "RELIANCE", "HDFCBANK", "ITC", "TATASTEEL", "WIPRO"]
OPTIONS = {"NIFTY25OCT24000CE": "51011", "NIFTY25OCT25000PE": "51022", "NIFTY25OCT24500CE": "51033"}
LOT = 75
MAX_MOVE = D("0.08")  # how far a trigger or leg may be from the last price


def _ticks(value: Decimal, tick: Decimal, rounding) -> int:
    return int((value / tick).to_integral_value(rounding=rounding))


def _on_tick(n: int, tick: Decimal) -> Decimal:
    return (D(n) * tick).quantize(tick)


@st.composite
def price_in(draw, lo: Decimal, hi: Decimal, tick: Decimal) -> Decimal:
    return _on_tick(draw(st.integers(_ticks(lo, tick, ROUND_CEILING), _ticks(hi, tick, ROUND_FLOOR))), tick)


def min_distance(last: Decimal) -> Decimal:
    """Kite refuses a trigger within 0.25% of the last price (₹50 and above) or 9 paise (below)."""
    return last * D("0.0025") if last >= 50 else D("0.09")


@st.composite
def away(draw, last: Decimal, tick: Decimal, up: bool) -> Decimal:
    """A price on the tick, strictly more than Kite's minimum distance from `last` and at most 8%, on one side."""
    nearest = _ticks(min_distance(last), tick, ROUND_FLOOR) + 1
    farthest = max(nearest, _ticks(last * MAX_MOVE, tick, ROUND_FLOOR))
    k = draw(st.integers(nearest, farthest))
    return last + k * tick if up else last - k * tick


@st.composite
def near(draw, price: Decimal, tick: Decimal) -> Decimal:
    """A limit price within 2% of `price`, on the tick, above zero."""
    spread = max(1, _ticks(price * D("0.02"), tick, ROUND_FLOOR))
    return max(tick, price + draw(st.integers(-spread, spread)) * tick)


@st.composite
def leg_limit(draw, trigger: Decimal, tick: Decimal, up: bool) -> Decimal:
    """A leg's limit within 2% of its trigger, at or above it (`up`) or at or below it, above zero."""
    k = draw(st.integers(0, max(1, _ticks(trigger * D("0.02"), tick, ROUND_FLOOR))))
    return trigger + k * tick if up else max(tick, trigger - k * tick)


def exit_limits(draw, side: str, target: Decimal, sl: Decimal, tick: Decimal) -> tuple[Decimal, Decimal]:
    """(target limit, stop-loss limit) for legs that `side`: a SELL target limit at or above its trigger
    and a SELL stop-loss limit at or below its trigger (market-facts.md); BUY legs mirror it."""
    sells = side == "SELL"
    return draw(leg_limit(target, tick, sells)), draw(leg_limit(sl, tick, not sells))


@st.composite
def instrument(draw, derivatives: bool = True):
    """(symbol, exchange, segment, security id, quantity, (lo, hi, tick))."""
    if derivatives and draw(st.booleans()):
        symbol = draw(st.sampled_from(sorted(OPTIONS)))
        return symbol, "NSE", "FNO", OPTIONS[symbol], LOT * draw(st.integers(1, 10)), OPTION_CLASS
    symbol = draw(st.sampled_from(SHARES))
    exchange = draw(st.sampled_from(["NSE", "BSE"]))
    security = str(draw(st.integers(1, 99999)))
    return symbol, exchange, "CASH", security, draw(st.integers(1, 500)), draw(st.sampled_from(CLASSES))


refs = st.none() | st.from_regex(r"[a-z][a-z0-9]{3,11}-[a-z0-9]{3,8}", fullmatch=True)
sides = st.sampled_from(["BUY", "SELL"])


@st.composite
def kite_gtt(draw) -> Gtt:
    symbol, exchange, segment, _, qty, (lo, hi, tick) = draw(instrument())
    last = draw(price_in(lo, hi, tick))
    up = draw(st.booleans())
    trigger = draw(away(last, tick, up))
    return Gtt(
        draw(sides),
        qty,
        symbol,
        trigger,
        "up" if up else "down",
        draw(near(trigger, tick)),
        product="NRML" if segment == "FNO" else "CNC",
        exchange=exchange,
        segment=segment,
        last_price=last,
    )


@st.composite
def kite_oco(draw) -> Oco:
    """A two-leg GTT exiting a position: SELL exits a long (stop-loss below), BUY a short (above)."""
    symbol, exchange, segment, _, qty, (lo, hi, tick) = draw(instrument())
    last = draw(price_in(lo, hi, tick))
    side = draw(sides)
    sl = draw(away(last, tick, side == "BUY"))
    target = draw(away(last, tick, side == "SELL"))
    target_limit, sl_limit = exit_limits(draw, side, target, sl, tick)
    return Oco(
        side,
        qty,
        symbol,
        target=target,
        target_limit=target_limit,
        sl=sl,
        sl_limit=sl_limit,
        product="NRML" if segment == "FNO" else "CNC",
        exchange=exchange,
        segment=segment,
        last_price=last,
    )


@st.composite
def dhan_forever(draw) -> Gtt:
    symbol, exchange, segment, security, qty, (lo, hi, tick) = draw(instrument(derivatives=False))
    last = draw(price_in(lo, hi, tick))
    up = draw(st.booleans())
    trigger = draw(away(last, tick, up))
    limit = draw(st.none() | near(trigger, tick))
    return Gtt(
        draw(sides),
        qty,
        symbol,
        trigger,
        "up" if up else "down",
        limit,
        product="CNC",
        exchange=exchange,
        segment=segment,
        last_price=last,
        security=security,
        ref=draw(refs),
    )


@st.composite
def dhan_forever_oco(draw) -> Oco:
    symbol, exchange, segment, security, qty, (lo, hi, tick) = draw(instrument(derivatives=False))
    last = draw(price_in(lo, hi, tick))
    side = draw(sides)
    sl = draw(away(last, tick, side == "BUY"))
    target = draw(away(last, tick, side == "SELL"))
    target_limit, sl_limit = (None, None) if draw(st.booleans()) else exit_limits(draw, side, target, sl, tick)
    return Oco(
        side,
        qty,
        symbol,
        target=target,
        target_limit=target_limit,
        sl=sl,
        sl_limit=sl_limit,
        product="CNC",
        exchange=exchange,
        segment=segment,
        last_price=last,
        security=security,
        ref=draw(refs),
    )


@st.composite
def dhan_super(draw) -> Bracket:
    """A super order: BUY has its stop-loss below the price and its target above; SELL the reverse."""
    symbol, exchange, segment, security, qty, (lo, hi, tick) = draw(instrument())
    price = draw(price_in(lo, hi, tick))
    side = draw(sides)
    below = draw(away(price, tick, False))
    above = draw(away(price, tick, True))
    target, stop_loss = (above, below) if side == "BUY" else (below, above)
    product = "NRML" if segment == "FNO" else draw(st.sampled_from(["CNC", "MIS"]))
    return Bracket(
        side,
        qty,
        symbol,
        price=price,
        target=target,
        stop_loss=stop_loss,
        product=product,
        exchange=exchange,
        segment=segment,
        security=security,
        ref=draw(refs),
    )


@st.composite
def dhan_forever_leg(draw) -> ForeverLeg:
    flag = draw(st.sampled_from(["SINGLE", "OCO"]))
    leg = "TARGET_LEG" if flag == "SINGLE" else draw(st.sampled_from(["TARGET_LEG", "STOP_LOSS_LEG"]))
    lo, hi, tick = draw(st.sampled_from(CLASSES))
    trigger = draw(price_in(lo, hi, tick))
    return ForeverLeg(DHAN_ORDER_ID, flag, leg, draw(st.integers(1, 500)), trigger, draw(st.none() | near(trigger, tick)))


@st.composite
def dhan_super_leg(draw) -> SuperLeg:
    lo, hi, tick = draw(st.sampled_from(CLASSES))
    price = draw(price_in(lo, hi, tick))
    leg = draw(st.sampled_from(["ENTRY_LEG", "TARGET_LEG", "STOP_LOSS_LEG"]))
    below, above = draw(away(price, tick, False)), draw(away(price, tick, True))
    if leg == "ENTRY_LEG":
        return SuperLeg(DHAN_ORDER_ID, leg, qty=draw(st.integers(1, 500)), price=price, target=above, stop_loss=below)
    if leg == "TARGET_LEG":
        return SuperLeg(DHAN_ORDER_ID, leg, target=above)
    return SuperLeg(DHAN_ORDER_ID, leg, stop_loss=below, trailing_jump=_on_tick(draw(st.integers(0, 40)), tick))
