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
    """(times, prices, where) of one symbol's path. A candle's assumed route (open, extremes, close and
    the trigger and limit prices passed) is spread across the candle's span; `where` places an event's
    point at its x."""
    from datetime import timedelta

    from ordspec.simulate.engine import Candle, _levels, _routes

    rows = [r for r in result.path.rows if r.symbol == symbol]
    levels = sorted({x for e in result.events if e.order.symbol == symbol for x in _levels(e.order)})
    times, prices, where = [], [], {}
    for i, row in enumerate(rows):
        if not isinstance(row, Candle):
            times.append(row.time)
            prices.append(float(row.price))
            where.setdefault((row.source, row.price, None), row.time)
            continue
        after = rows[i + 1].time if i + 1 < len(rows) else None
        before = rows[i - 1].time if i else None
        width = (after - row.time) if after else (row.time - before) if before else timedelta(minutes=1)
        route = _routes(row, [x for x in levels if row.low <= x <= row.high])[0]
        for k, point in enumerate(route):
            x = row.time + width * (0.9 * k / max(len(route) - 1, 1))
            times.append(x)
            prices.append(float(point.price))
            where.setdefault((point.source, point.price, point.part), x)
    return times, prices, where


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
        times, prices, where = _route(result, symbol)
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
            p = e.point
            x = where.get((p.source, p.price, p.part), e.time) if p is not None else e.time
            ax.scatter([x], [float(e.price)], marker=marker, color=colour, s=46, zorder=3, label=label,
                       edgecolors="black" if e.ambiguous else "none")
        ambiguous = any(e.ambiguous for e in result.events if e.order.symbol == symbol)
        ax.set_title(f"{symbol}: {result.rules.title}" + (" (black-edged: ambiguous inside a candle)" if ambiguous else ""), fontsize=10)
        ax.set_ylabel("price")
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %H:%M", tz=IST))
        ax.legend(fontsize=7, loc="best")
        ax.grid(True, linewidth=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(target, format="svg", metadata={"Date": None})
    plt.close(fig)
