"""The official clients' requests for each form's example values, as committed golden files.

tests/golden/kite-sdk/<form>.json and tests/golden/dhan-sdk/<form>.json hold what the client
sent: method, path, query, the headers that carry meaning (User-Agent is left out: it names the
client's version), the raw body byte for byte, and the body parsed (numbers exactly as sent).
test_wire_kite.py / test_wire_dhan.py re-drive the installed client and require exactly the
golden, so a client release that changes its wire format fails there, not at the broker.

After a deliberate change, rewrite them (no network: the clients talk to a capture server):

    .venv/bin/python -m tests.wire.goldens
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

from ordspec.compiler.jsonout import dumps
from tests.wire import dhan, kite
from tests.wire.answers import ANSWERS
from tests.wire.capture import Captured, CaptureServer
from tests.wire.compare import parse_body, plain
from tests.wire.guard import NetworkGuard

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SDKS = {"kite": (kite, "kiteconnect"), "dhan": (dhan, "dhanhq")}
GOLDEN_HEADERS = ("content-type", "accept", "authorization", "x-kite-version", "access-token", "client-id")


def folder(broker: str) -> Path:
    return GOLDEN / f"{broker}-sdk"


def sdk_capture(broker: str, call, server: CaptureServer | None = None) -> Captured:
    """What the broker's client sends for `call(client)`: exactly one request, answered as documented
    (by `server`, whose record is taken, or by a capture server of its own)."""
    module, _ = SDKS[broker]
    if server is None:
        with CaptureServer(routes=ANSWERS[broker]) as own:
            return sdk_capture(broker, call, own)
    server.take()
    call(module.client(server.url))
    sent = server.take()
    if len(sent) != 1:
        raise AssertionError(f"the {broker} client sent {len(sent)} requests, not 1: {sent!r}")
    return sent[0]


def headers(r: Captured) -> dict[str, str]:
    return {name: value for name, value in r.headers if name.lower() in GOLDEN_HEADERS}


def golden(broker: str, form) -> dict:
    module, package = SDKS[broker]
    r = sdk_capture(broker, form.call)
    out = {
        "form": form.name,
        "sdk": f"{package} {version(package)}",
        "source": form.source,
        "statement": form.statement,
    }
    if getattr(form, "quotes", None):
        out["quotes"] = dict(form.quotes)  # symbol -> last price, for ordspec's --quotes
    out.update(record(r))
    return out


def record(r: Captured) -> dict:
    """A request as a golden records it (to_captured gives it back)."""
    return {
        "method": r.method,
        "path": r.path,
        "query": [list(p) for p in r.query],
        "headers": headers(r),
        "raw_body": r.body.decode("utf-8"),
        "body": plain(parse_body(r)),
    }


def to_captured(g: dict) -> Captured:
    """A golden as the request it records."""
    return Captured(
        method=g["method"],
        path=g["path"],
        query=tuple(tuple(p) for p in g["query"]),
        headers=tuple(g["headers"].items()),
        body=g["raw_body"].encode("utf-8"),
    )


def load(broker: str, name: str) -> dict:
    """A golden, its fractional numbers as Decimal (exactly as the file writes them)."""
    return json.loads((folder(broker) / f"{name}.json").read_text(encoding="utf-8"), parse_float=Decimal)


def write_all() -> list[Path]:
    written = []
    for broker, (module, _) in SDKS.items():
        folder(broker).mkdir(parents=True, exist_ok=True)
        for form in module.FORMS.values():
            path = folder(broker) / f"{form.name}.json"
            path.write_text(dumps(golden(broker, form)) + "\n", encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    import pytest

    with pytest.MonkeyPatch.context() as patch:
        NetworkGuard().install(patch)  # the clients reach the capture server and nothing else
        for path in write_all():
            sys.stdout.write(f"wrote {path.relative_to(GOLDEN.parent.parent)}\n")
