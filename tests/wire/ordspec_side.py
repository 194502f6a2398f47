"""The other side of a differential test: the installed `ordspec dispatch --base-url URL`, run
against a capture server that answers as the broker documents.

It runs as a subprocess (the installed entry point, as every CLI test does), so the network
guard of the test process does not reach it: it is pointed at 127.0.0.1 and nothing else.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from tests.conftest import DOC_DAY
from tests.dispatch_helpers import dispatch
from tests.wire.answers import ANSWERS
from tests.wire.capture import Captured, CaptureServer


def write_quotes(folder: Path, quotes: dict) -> Path:
    """A --quotes file (symbol,last_price) in `folder`."""
    table = folder / "quotes.csv"
    table.write_text("symbol,last_price\n" + "".join(f"{s},{p}\n" for s, p in quotes.items()), encoding="utf-8")
    return table


def ordspec_capture(
    statement_text: str, broker: str, env: dict, *, quotes: dict | None = None, state=None, args=(), routes=None
) -> list[Captured]:
    """The requests `ordspec dispatch --broker BROKER --base-url URL` sends for the statement(s).

    env: the credentials (and client id) for ordspec's environment, nothing else of the outer
    environment's ORDSPEC_ variables is passed; quotes: symbol -> last price, given as --quotes;
    state: the broker's answer to give as --state (JSON: {"status": "success", "data": answers.KITE_GTT});
    args: more dispatch options (--as-of, ...). A fresh journal every call.
    Raises AssertionError with ordspec's output when dispatch does not succeed.
    """
    with tempfile.TemporaryDirectory(prefix="ordspec-wire-") as tmp, CaptureServer(routes=routes or ANSWERS[broker]) as server:
        folder = Path(tmp)
        orders = folder / "orders.ord"
        orders.write_text(statement_text.rstrip("\n") + "\n", encoding="utf-8")
        options = ["--broker", broker, *map(str, args)]
        if quotes:
            options += ["--quotes", str(write_quotes(folder, quotes))]
        if state is not None:
            (folder / "state.json").write_text(json.dumps(state), encoding="utf-8")
            options += ["--state", str(folder / "state.json")]
        run = dispatch(orders, server.url, folder / "journal.db", *options, token=None, env=env)
        sent = server.take()
    if run.code != 0:
        raise AssertionError(f"ordspec dispatch did not succeed ({len(sent)} requests captured): {run!r}")
    return sent


def lint_statement(statement_text: str, quotes: dict | None = None) -> list[tuple[str, str]]:
    """(rule name, message) of every diagnostic ordspec's broker-neutral rules give the statement,
    on the documents' day, with `quotes` as --quotes (in-process: one call per generated order)."""
    from ordspec.pipeline.run import Run

    with tempfile.TemporaryDirectory(prefix="ordspec-wire-") as tmp:
        table = str(write_quotes(Path(tmp), quotes)) if quotes else None
        run = Run(as_of=DOC_DAY, quotes=table)
        source = run.read("t.ord", "t.ord", statement_text.encode())
        if source is not None:
            run.check(source)
        return [(d.name, d.message) for d in run.finish()]
