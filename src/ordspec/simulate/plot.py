"""`--plot out.svg`: the price path of each symbol, every trigger and limit as a line, every event as a marker.

matplotlib is an optional dependency (the `plot` extra), imported only here and only when a
plot is asked for. Prices become floats on the way to the drawing, and only there: nothing
drawn is read back. The SVG is reproducible (fixed hash salt, no date) so that it can be
committed and compared.
"""

from __future__ import annotations

MARKERS = {  # event -> (marker, colour)
    "triggered": ("^", "#d62728"),
    "placed": ("s", "#ff7f0e"),
    "filled": ("o", "#2ca02c"),
    "cancelled": ("x", "#7f7f7f"),
    "activated": ("D", "#1f77b4"),
    "expired": ("v", "#9467bd"),
    "unfilled": ("v", "#8c564b"),
    "installment": ("P", "#17becf"),
}
LEGS = {"entry": "#1f77b4", "target": "#2ca02c", "sl": "#d62728"}


def _route(result, symbol):
    """(times, prices) of one symbol's path: ticks, or each candle's open, assumed extremes and close."""
    from ordspec.simulate.engine import Candle

    times, prices = [], []
    for row in result.path.rows:
        if row.symbol != symbol:
            continue
        if isinstance(row, Candle):
            first, second = (row.high, row.low) if row.high - row.open < row.open - row.low else (row.low, row.high)
            for value in (row.open, first, second, row.close):
                times.append(row.time)
                prices.append(float(value))
        else:
            times.append(row.time)
            prices.append(float(row.price))
    return times, prices


def write(result, target: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "ordspec"
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, and greppable
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from ordspec.simulate.engine import IST

    symbols = sorted(result.path.symbols)
    fig, axes = plt.subplots(len(symbols), 1, figsize=(9, 3.2 * len(symbols)), squeeze=False)
    for ax, symbol in zip(axes[:, 0], symbols):
        times, prices = _route(result, symbol)
        ax.plot(times, prices, color="#333333", linewidth=1.2, label=f"{symbol} path")
        orders = []
        for e in result.events:
            if e.order.symbol == symbol and e.order not in orders:
                orders.append(e.order)
        for order in orders:
            for leg in (order.entry, order.target, order.sl):
                if leg is None:
                    continue
                colour = LEGS[leg.role]
                name = order.ref or f"line {order.line}"
                if leg.trigger is not None:
                    ax.axhline(float(leg.trigger), color=colour, linestyle="--", linewidth=0.8)
                    ax.annotate(f"{name} {leg.role} trigger {format(leg.trigger, 'f')}", (times[0], float(leg.trigger)), fontsize=7, color=colour, va="bottom")
                if leg.limit is not None:
                    ax.axhline(float(leg.limit), color=colour, linestyle=":", linewidth=0.8)
                    ax.annotate(f"{name} {leg.role} limit {format(leg.limit, 'f')}", (times[0], float(leg.limit)), fontsize=7, color=colour, va="top")
        shown = set()
        for e in result.events:
            if e.order.symbol != symbol or e.price is None:
                continue
            marker, colour = MARKERS[e.event]
            label = e.event if e.event not in shown else None
            shown.add(e.event)
            ax.scatter([e.time], [float(e.price)], marker=marker, color=colour, s=46, zorder=3, label=label,
                       edgecolors="black" if e.ambiguous else "none")
        ax.set_title(f"{symbol}: {result.rules.title}", fontsize=10)
        ax.set_ylabel("price")
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %H:%M", tz=IST))
        ax.legend(fontsize=7, loc="best")
        ax.grid(True, linewidth=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(target, format="svg", metadata={"Date": None})
    plt.close(fig)
