"""A broker is its own files: a table, a back end, its schemas, its answers and its paper handler.

A fake broker "acme" is dropped in from a temporary folder, with no edit anywhere else (each
package that finds brokers by their files gets the folder on its __path__, as a plugin would), and
every part of ordspec that knows brokers must pick it up: --broker and `broker` lines, config
validation, the rules that apply by the table's keys and the Broker's hooks, compile and its
schema check, the generated docs, credentials and rate settings, and dispatch, to the paper
broker, through its answers module.
"""

from __future__ import annotations

import json
import textwrap
from datetime import date

import pytest

from ordspec import compiler
from ordspec.dispatch import answers
from ordspec.paper import brokers as paper_brokers

DAY = date(2025, 10, 1)
GTT = "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC"

TABLE = {
    "name": "acme",
    "title": "Acme Securities",
    "list_order": 99,
    "sources": ["ordspec's own test broker"],
    "base_url": None,
    "base_url_note": "a test broker has no host",
    "price": {"json": "string", "places": 2},
    "exchanges": ["NSE"],
    "supports": {"CREATE GTT": {"segments": {"CASH": ["CNC"]}}, "CANCEL GTT": {}},
    "required": {"CREATE GTT": ["product"]},
    "enums": {"direction": {"UP": "above", "DOWN": "below"}},
    "operations": {
        "CREATE": {"name": "place_gtt", "method": "POST", "path": "/acme/gtt"},
        "CANCEL": {"name": "cancel_gtt", "method": "POST", "path": "/acme/gtt/{id}/cancel"},
    },
    "dispatch": {
        "auth": {"X-Acme-Key": "{token}", "X-Acme-Desk": "{desk}"},
        "secrets": {"desk": "ORDSPEC_ACME_DESK"},
        "rate_per_second": 3,
        "rate_limit": 5,
        "rate_source": "ordspec policy: a test broker",
        "check": "ask Acme's desk",
    },
}

BACK_END = '''
    """Acme: the base, plus a warning that it rounds nothing and a body of its own."""

    import os

    from ordspec.compiler.base import Broker

    SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "acme-gtt.schema.json")


    class Acme(Broker):
        def compile(self, stmt, ctx):
            body = {"symbol": stmt.symbol.value, "qty": stmt.qty.value, "side": stmt.side.value,
                    "trigger": self.price(stmt.entry.trigger), "when": self.word("direction", stmt.entry.direction),
                    "limit": self.price(stmt.entry.price), "ref": stmt.key}
            return [self.request(stmt, "CREATE", body, SCHEMA)]

        def silent(self, stmt, ctx):
            ctx.report(stmt.kind, "Acme places every GTT for the day only")
'''

SCHEMA = {
    "type": "object",
    "required": ["symbol", "qty", "side", "trigger", "when", "limit", "ref"],
    "properties": {"trigger": {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$"}, "limit": {"type": "string"}},
}

ANSWERS = '''
    from ordspec.dispatch.answers.base import Answers, refusal
    from ordspec.dispatch.outcome import CONFIRMED, Outcome


    class Acme(Answers):
        def succeeded(self, body):
            return body.get("ok") is True

        def confirmed(self, request, body):
            return Outcome(CONFIRMED, body.get("id"), "placed")

        def refused(self, request, answer, body):
            return refusal(answer, body, str(body.get("why")), f"{answer.status}: {body.get('why')}")
'''

PAPER = '''
    from ordspec.paper import invalid

    NAME = "acme"
    LIST_ORDER = 99
    STATUSES = ("OPEN", "DONE")


    def auth(headers, body):
        if not headers.get("X-Acme-Key") or not headers.get("X-Acme-Desk"):
            return 401, {"ok": False, "why": "no key"}
        return None


    def place(store, params, query, body):
        if not isinstance(body, dict) or not str(body.get("trigger", "")).count("."):
            return 400, {"ok": False, "why": "a trigger is a decimal string"}
        ident = store.hex_id("acme_")
        store.add(NAME, ident, "GTT", "OPEN", body, ref=body["ref"])
        return 200, {"ok": True, "id": ident}


    ROUTES = [("POST", "/acme/gtt", place)]


    def fault(status):
        return {"ok": False, "why": "injected fault"}
'''


@pytest.fixture
def acme(tmp_path, monkeypatch):
    """The fake broker's files in tmp_path, found as any broker's are."""
    folders = {}
    for name, package in (("compiler", compiler), ("answers", answers), ("paper", paper_brokers)):
        folders[name] = tmp_path / name
        folders[name].mkdir()
        monkeypatch.setattr(package, "__path__", [*package.__path__, str(folders[name])])
    (folders["compiler"] / "acme.json").write_text(json.dumps(TABLE, indent=2))
    (folders["compiler"] / "acme.py").write_text(textwrap.dedent(BACK_END))
    (folders["compiler"] / "acme-gtt.schema.json").write_text(json.dumps(SCHEMA))
    (folders["answers"] / "acme.py").write_text(textwrap.dedent(ANSWERS))
    (folders["paper"] / "acme.py").write_text(textwrap.dedent(PAPER))
    yield compiler.get("acme")
    for module in ("ordspec.compiler.acme", "ordspec.dispatch.answers.acme", "ordspec.paper.brokers.acme"):
        monkeypatch.delitem(__import__("sys").modules, module, raising=False)


def _lint(text: str, broker: str | None = "acme"):
    from ordspec.pipeline.run import Run

    run = Run(broker=broker, as_of=DAY)
    run.check(run.read("t.ord", "t.ord", text.encode()))
    return run.finish()


def test_the_table_is_checked_against_the_declared_schema(acme):
    from jsonschema import Draft7Validator

    from ordspec.compiler.table import schema

    assert list(Draft7Validator(schema()).iter_errors(TABLE)) == []
    assert acme.setting("dispatch.deduplicates") is False  # a default from the schema
    assert acme.setting("list.max_window_months") is None


def test_it_is_a_broker_wherever_brokers_are_named(acme):
    from ordspec.cli.options import BROKER
    from ordspec.config import Config

    assert compiler.names()[-1] == "acme" and "acme" in BROKER.choices
    config = Config("ordspec.toml", {"broker": "acme", "rate": {"acme": 2}})
    assert config.broker == "acme" and config.rates == {"acme": 2.0}
    assert [d.name for d in _lint("broker acme\n" + GTT, broker=None)] == ["silent-conversion"]


def test_the_rules_apply_by_what_its_table_and_back_end_declare(acme):
    from ordspec.rules.registry import get

    found = _lint(GTT.replace("3985", "3985.005") + "\n" + GTT.replace(" product CNC", ""))
    lines = {n: {d.name for d in found if d.line == n} for n in (1, 2)}
    assert lines == {1: {"tick-size", "price-precision", "silent-conversion"}, 2: {"missing-field", "silent-conversion"}}, found
    found = [d for d in found if d.name in ("price-precision", "missing-field")]
    assert "Acme Securities takes prices with at most 2 decimal places" in found[0].message
    assert found[1].message == "Acme Securities needs `product` for create GTT"
    assert get("price-precision").brokers(compiler.brokers()) == ["groww", "acme"]
    assert get("silent-conversion").brokers(compiler.brokers()) == ["indstocks", "acme"]
    assert get("reference-id").brokers(compiler.brokers()) == ["groww", "dhan"]  # acme's table has no reference_id
    assert [d.name for d in _lint("OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95 product MIS")] == ["unsupported"]


def test_it_compiles_and_its_requests_meet_its_schema(acme, monkeypatch):
    from tests.conftest import compile_text

    requests, diagnostics = compile_text(GTT, broker="acme")
    assert diagnostics and {d.name for d in diagnostics} == {"silent-conversion"}
    assert [r.as_dict()["body"] for r in requests] == [
        {"symbol": "TCS", "qty": 10, "side": "BUY", "trigger": "3985.00", "when": "below", "limit": "3990.00", "ref": requests[0].statement.key}
    ]
    assert requests[0].path == "/acme/gtt" and requests[0].operation == "place_gtt"
    broken = type(acme).compile
    monkeypatch.setattr(type(acme), "compile", lambda self, stmt, ctx: [setattr(r, "body", {**r.body, "trigger": 1}) or r for r in broken(self, stmt, ctx)])
    requests, diagnostics = compile_text(GTT, broker="acme")
    assert requests is None and "internal-error" in {d.name for d in diagnostics}  # the schema caught it


def test_the_generated_docs_show_it(acme):
    from ordspec import docs

    assert "| Acme Securities |" in docs.capability_table().splitlines()[0]
    assert "| `CREATE GTT` | CASH (CNC, MIS); FNO (NRML, MIS) | CASH (CNC, MIS); FNO (NRML, MIS) | — | — | CASH (CNC); FNO (NRML) | CASH (CNC, MTF) | CASH (CNC) |" in docs.capability_table()
    assert "| error | groww, acme | A price with more decimal places than the broker takes |" in docs.rules_table()


def test_dispatch_sends_it_to_the_paper_broker_and_reads_its_answer(acme, tmp_path):
    from ordspec.dispatch.credentials import Credentials
    from ordspec.dispatch.journal import Journal
    from ordspec.dispatch.sender import Sender
    from ordspec.dispatch.transport import Transport
    from tests.conftest import compile_text
    from tests.dispatch_helpers import PaperBroker

    credentials = Credentials(acme, {"ORDSPEC_ACME_TOKEN": "key-1234", "ORDSPEC_ACME_DESK": "desk-9"})
    assert credentials.missing() == [] and credentials.sources == {"token": "ORDSPEC_ACME_TOKEN or ORDSPEC_TOKEN", "desk": "ORDSPEC_ACME_DESK"}
    assert credentials.headers(redacted=True) == {"X-Acme-Key": "***", "X-Acme-Desk": "***"}
    requests, _ = compile_text(GTT, broker="acme")
    paper = PaperBroker()
    try:
        transport = Transport(paper.url, credentials.headers(), acme.setting("dispatch.rate_per_second"), 5.0)
        journal = Journal(str(tmp_path / "journal.sqlite"))
        try:
            result = Sender(acme, paper.url, journal, transport, credentials).send(requests[0])
        finally:
            transport.close()
            journal.close()
        assert (result.state, result.message) == ("confirmed", "placed") and result.broker_id.startswith("acme_")
        orders = httpx_get(paper.url + "/_paper/orders")["orders"]
        assert [(o["broker"], o["status"], o["data"]["trigger"]) for o in orders] == [("acme", "OPEN", "3985.00")]
    finally:
        paper.stop()


def httpx_get(url: str) -> dict:
    import httpx

    return httpx.get(url, timeout=10).json()


PLAN_MODULE = '''
    """Acme in a plan: its own limits, and its own modify lines."""

    from ordspec.plan.books import Reader


    class Acme(Reader):
        cannot_know = ("Acme has no read endpoint: this plan is from the journal alone.",)

        def modify(self, builder, d, h, changed):
            return "Acme modifies nothing in place"
'''


def test_plan_finds_its_plan_module_by_name(acme, tmp_path, monkeypatch):
    from ordspec.plan import brokers as plan_brokers
    from ordspec.plan.books import Reader
    from ordspec.plan.steps import Builder

    # without a plan module: the journal alone, every change a replace, and the plan says both
    plain = plan_brokers.reader("acme")
    assert type(plain) is Reader and not plain.readable
    assert "no plan module" in plain.cannot_know[0]
    assert Builder("acme", "http://x", None, DAY, reader=plain).modify(None, None, {"qty"}) == "ordspec does not write Acme Securities's modifies"
    # its own file in plan/brokers/ is found, with no edit anywhere else
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "acme.py").write_text(textwrap.dedent(PLAN_MODULE))
    monkeypatch.setattr(plan_brokers, "__path__", [*plan_brokers.__path__, str(folder)])
    monkeypatch.delitem(__import__("sys").modules, "ordspec.plan.brokers.acme", raising=False)
    found = plan_brokers.reader("acme")
    assert type(found).__name__ == "Acme" and found.cannot_know == ("Acme has no read endpoint: this plan is from the journal alone.",)
    assert Builder("acme", "http://x", None, DAY, reader=found).modify(None, None, {"qty"}) == "Acme modifies nothing in place"
    monkeypatch.delitem(__import__("sys").modules, "ordspec.plan.brokers.acme", raising=False)
