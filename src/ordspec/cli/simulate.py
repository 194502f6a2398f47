"""`ordspec simulate FILE --prices CSV`: what the file's orders would do on a price path.

The orders are checked exactly as lint and compile check them (as of the path's first day
unless --as-of says otherwise); with any error, or a price file that does not read cleanly,
nothing is simulated (exit 1). Nothing here is imported before the command runs: lint's
import path never loads the simulate package or matplotlib.
"""

from __future__ import annotations

import os
import sys

import click

PLOT_HINT = "--plot needs matplotlib: pip install 'ordspec[plot]' (or pip install 'matplotlib>=3.8,<4')"


@click.command("simulate")
@click.argument("path", metavar="FILE")
@click.option("--prices", "prices", required=True, metavar="CSV", help="the price path: ticks (time,symbol,price) or candles (time,symbol,open,high,low,close[,volume])")
@click.option("--broker", metavar="NAME", help="whose rules to simulate: groww, indstocks, codifi, kite or dhan (default: the file's broker line)")
@click.option("--format", type=click.Choice(("text", "json")), default="text", show_default=True, help="output format")
@click.option("--plot", metavar="SVG", help="also draw the path, every trigger and limit, and the events (needs the plot extra)")
@click.option("--config", metavar="PATH", help="the configuration file (default: the nearest ordspec.toml or pyproject.toml with [tool.ordspec])")
@click.option("--instruments", metavar="CSV", multiple=True, help="instrument master CSV, as for lint; repeatable")
@click.option("--state", metavar="JSON", help="the broker's current orders, as for lint")
@click.option("--as-of", "as_of", metavar="DATE", help="the day to check the orders for (default: the path's first day)")
def simulate(path, prices, broker, format, plot, config, instruments, state, as_of):
    """Simulate a file's orders on a price path, as the broker would run them (a timeline of events)."""
    raise SystemExit(run(path, prices, broker, format, plot, config, instruments, state, as_of))


def _fail(message: str) -> int:
    sys.stderr.write(f"ordspec: error: {message}\n")
    return 2


def run(path, prices, broker=None, format="text", plot=None, config=None, instruments=(), state=None, as_of=None) -> int:
    from ordspec.cli.commands import _config, _read_all
    from ordspec.pipeline import UsageError
    from ordspec.pipeline.run import Run
    from ordspec.rules import codes
    from ordspec.simulate import semantics

    if plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            return _fail(PLOT_HINT)
    if broker is not None and broker not in semantics.BROKERS:
        return _fail(f"unknown broker {broker!r}: simulate knows {', '.join(semantics.BROKERS)}")
    if as_of is not None:
        from ordspec.cli.options import as_of as read_day

        try:
            as_of = read_day(as_of)
        except ValueError as e:
            return _fail(f"--as-of: {e}")
    if path != "-" and os.path.isdir(path):
        return _fail(f"{path} is a directory: simulate takes one order file")
    from ordspec.simulate import prices as price_file

    try:
        with open(prices, "rb") as f:
            data = f.read(price_file.MAX_FILE + 1)
    except OSError as e:
        return _fail(f"{prices}: {e.strerror or e}")
    found, problems = price_file.read(prices, data)
    problems = codes.diagnostics(problems)
    rules = semantics.BROKERS.get(broker) if broker else None

    def check(first_prices: bool):
        checked = Run(
            broker=broker if rules is None or _backend(rules) else None, instruments=instruments, state=state, derive_keys=True,
            as_of=as_of or (found.first.date() if found and found.first else None), config=_config(config),
        )
        checked.load()
        if first_prices:
            _first_prices(checked.refdata, found)
        sources = _read_all(checked, [path], None)
        statements = [s for source, form in sources for s in checked.check(source, form)]
        checked.finish()
        return checked, sources, statements

    try:
        checked, sources, statements = check(_takes_last_price(broker))
        named = {checked.broker_of(source.name).name for source, _ in sources if checked.broker_of(source.name)}
        if broker is None and any(_takes_last_price(name) for name in named):  # (the file's own broker line names it)
            checked, sources, statements = check(True)
    except UsageError as e:
        return _fail(str(e))
    if rules is None:
        if not named:
            return _fail(f"{path}: name a broker with --broker or a `broker NAME` line")
        name = named.pop()
        if name not in semantics.BROKERS:
            return _fail(f"{path}: {name} orders have no trigger or price to simulate")
        rules = semantics.BROKERS[name]
    elif named and named != {rules.name}:
        return _fail(f"{path} is for {named.pop()}, not {rules.name}")
    orders, extra, skipped = _orders(statements, rules, found)
    diagnostics = checked.diagnostics + problems + extra
    if diagnostics:
        _show(diagnostics, checked, prices, data)
    if checked.failed or any(d.severity == "error" for d in problems + extra):
        sys.stderr.write("ordspec: nothing simulated: fix the errors above first\n")
        return 1
    if not _backend(rules):
        sys.stderr.write(f"ordspec: note: ordspec has no {rules.title} back end yet: only the broker-neutral rules checked this file\n")
    from ordspec.simulate import timeline
    from ordspec.simulate.run import simulate as run_engine

    result = run_engine(orders, found, rules, skipped)
    sys.stdout.write(timeline.as_json(result) if format == "json" else timeline.as_text(result))
    if plot:
        from ordspec.simulate import plot as drawing

        try:
            drawing.write(result, plot)
        except OSError as e:
            return _fail(f"{plot}: {e.strerror or e}")
    return 0


def _orders(statements, rules, path):
    """(engine orders, diagnostics, skipped statements) for the checked statements."""
    from ordspec.rules import codes
    from ordspec.simulate.orders import from_statement

    orders, found, skipped = [], [], []
    for stmt in statements:
        if not stmt.is_create:
            skipped.append((stmt.file, stmt.line, stmt.title()))
            continue
        if stmt.kind.value not in rules.kinds:
            if not _backend(rules):  # (a back end's own `unsupported` rule has said it already)
                found.append(codes.diagnostic("unsupported", stmt.file, stmt.kind, f"{rules.title} has no {stmt.kind.value} to simulate"))
            continue
        for order, span in from_statement(stmt):
            if path is not None and order.symbol not in path.symbols:
                some = ", ".join(sorted(path.symbols)[:5])
                found.append(codes.diagnostic("no-prices", stmt.file, span, f"the price file has no rows for {order.symbol}", f"{path.file} has prices for {some}"))
            orders.append(order)
    return orders, found, skipped


def _takes_last_price(name: str | None) -> bool:
    """Whether the broker's requests carry the last price (Kite's GTTs: the direction comes from it)."""
    from ordspec import compiler

    return name in compiler.names() and compiler.get(name).setting("direction_from_last_price")


def _first_prices(refdata, path) -> None:
    """The path's first price of each symbol is the last price when the orders go in, for a back end
    whose requests carry one (Kite's GTTs), read as --quotes would give it; a --quotes row wins."""
    if path is None:
        return
    for row in path.rows:  # (in time order: the first row of a symbol is its earliest)
        if row.symbol not in refdata.quotes:
            refdata.quotes[row.symbol] = row.price if hasattr(row, "price") else row.open


def _backend(rules) -> bool:
    """Whether ordspec has a back end (compiler/) for the simulated broker; else only broker-neutral rules check its files."""
    from ordspec import compiler

    return rules.name in compiler.names()


def _show(diagnostics, checked, prices: str, data: bytes) -> None:
    from ordspec.diagnostics import summary
    from ordspec.render import text
    from ordspec.source import SourceFile

    sources = dict(checked.sources)
    sources[prices] = SourceFile(prices, data.decode("utf-8-sig", "replace"))
    counts = summary(diagnostics, checked.files + 1)
    counts["statements"] = checked.statements
    sys.stderr.write(text.report(diagnostics, sources, counts, text.use_colour(sys.stderr)))
