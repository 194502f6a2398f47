"""What a suppression may do: lint and compile agree, and a request always says what the statement says.

For every rule and every failing example of it (tests/test_rules.py CASES and the Example of
each rule's docs), the rule is suppressed on the lines it reports, and the text is linted and
compiled for each broker that offers its statements. Then either lint still reports an error
(a rule that cannot be suppressed, or another rule), and compile refuses with exactly lint's
diagnostics; or compile gives requests that pass their schema (checked here with jsonschema,
independently of compile's own fastjsonschema) and carry every value the statement wrote. Never
an internal error.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

import jsonschema
import pytest

from ordspec import compiler
from ordspec.pipeline.compile import compile_sources, schema
from ordspec.pipeline import UsageError
from ordspec.pipeline.run import Run
from ordspec.rules import codes, registry
from tests.conftest import DOC_DAY
from tests.test_rules import RULE_CASES, Case, case_inputs, example_statements

# Values a broker's request expresses otherwise than by writing them (what ordspec documents):
IMPLIED = {
    ("indstocks", "symbol"),  # INDstocks names the instrument by security_id
    ("indstocks", "direction"),  # its triggers fire up for BUY, down for SELL (`unsupported` checks the word)
    ("indstocks", "ref"),  # no client reference field: the ref is the journal's key only
    ("codifi", "ref"),
    ("smallcase", "ref"),
    ("codifi", "side"),  # a Codifi SIP always buys (`unsupported` refuses SELL)
    ("smallcase", "side"),
    ("dhan", "symbol"),  # Dhan names the instrument by securityId
    ("dhan", "direction"),  # a forever order has no direction field (`last-price` checks the word against --quotes)
    ("kite", "direction"),  # a Kite GTT fires on its trigger's side of the last price (`unsupported` checks the word)
    ("kite", "segment"),  # its exchange says it: NSE or NFO, BSE or BFO
    ("kite", "validity"),  # a GTT's order is a DAY order: Kite has no other
    ("kite", "ref"),  # no client reference field: the ref is the journal's key only
}


def suppressed(text, lines: set[int], rule: str):
    """`text` with `# ordspec: ignore[rule]` at the end of each of `lines`."""
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    out = []
    for number, line in enumerate(raw.split("\n"), 1):
        out.append(f"{line}  # ordspec: ignore[{rule}]" if number in lines else line)
    joined = "\n".join(out)
    return joined.encode("utf-8", "surrogateescape") if isinstance(text, bytes) else joined


def check(files: dict, options: dict, rule: str):
    """Lint and compile `files` with `options`; return (lint diagnostics, requests or None, compile diagnostics)."""
    lint = Run(**options)
    for name, body in files.items():
        source = lint.read(name, name, body if isinstance(body, bytes) else body.encode())
        if source is not None:
            lint.check(source)
    linted = lint.finish()
    build = Run(**options, derive_keys=True, client_id="1000000132")  # (Dhan's account: every request names it)
    sources = []
    for name, body in files.items():
        source = build.read(name, name, body if isinstance(body, bytes) else body.encode())
        if source is not None:
            sources.append((source, None))
    try:
        requests = compile_sources(build, sources)
    except UsageError:
        requests = None
    return linted, requests, build.diagnostics, build


def where(diagnostics) -> set:
    return {(d.file, d.line, d.column, d.code) for d in diagnostics}


def brokers_for(files: dict) -> list[str]:
    """The brokers that offer every statement of `files`."""
    from ordspec.grammar import dsl, yamlform
    from ordspec.source import SourceFile

    kinds = set()
    for name, body in files.items():
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        front = yamlform if name.endswith((".yaml", ".yml")) else dsl
        kinds |= {(s.verb, s.kind.value) for s in front.parse(SourceFile(name, text), brokers=compiler.names).statements}
    return [b for b in compiler.names() if kinds and all(compiler.get(b).supports(v, k) is not None for v, k in kinds)]


def leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from leaves(v)
    elif value is not None:
        yield value


def table_words(table, value: str) -> set[str]:
    """Every word a broker table maps `value` to (enums, algo ids, frequencies, smallcase types)."""
    found = set()
    if isinstance(table, dict):
        if isinstance(table.get(value), str):
            found.add(table[value])
        for v in table.values():
            found |= table_words(v, value)
    elif isinstance(table, list):
        for v in table:
            found |= table_words(v, value)
    return found


def _number(leaf):
    try:
        return Decimal(str(leaf))
    except (InvalidOperation, ValueError):
        return None


def body_values(request):
    """The body, with a form's JSON texts (Kite's condition and orders) read as the JSON they carry."""
    if request.encoding != "form":
        return request.body

    def read(text):
        try:
            return json.loads(text, parse_float=Decimal)
        except ValueError:
            return text

    return {k: read(v) for k, v in request.body.items()}


def carries(request, value, broker) -> bool:
    found = list(leaves(body_values(request))) + list(leaves(request.query)) + [unquote(p) for p in request.path.split("/")]
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return any(_number(leaf) == value for leaf in found if not isinstance(leaf, bool))
    if isinstance(value, datetime):
        forms = {value.isoformat()}
    elif isinstance(value, date):
        forms = {value.strftime("%d%m%Y"), value.strftime("%d-%m-%Y"), value.isoformat()}
    else:
        forms = {str(value)} | table_words(broker.table.values, str(value))
    return any(str(leaf) in forms for leaf in found)


def written(stmt):
    """(name, value) of everything the statement wrote (not its defaults)."""
    for name in ("side", "qty", "amount", "symbol", "order_id", "scid"):
        field = getattr(stmt, name)
        if field is not None:
            yield name, field.value
    if stmt.sc_type is not None:
        yield "sc_type", stmt.sc_type.value
    if stmt.frequency is not None:
        yield "frequency", stmt.frequency.value
    for leg in stmt.legs():
        for part in ("trigger", "price"):
            field = getattr(leg, part)
            if field is not None:
                yield f"{leg.role}.{part}", field.value
        if leg.direction is not None:
            yield "direction", leg.direction.value
    for name, field in stmt.options.items():
        if name not in stmt.defaulted:
            yield name, field.value
    for scrip in stmt.scrips:
        for name in ("qty", "amount", "symbol"):
            field = getattr(scrip, name)
            if field is not None:
                yield name, field.value
        for name, field in scrip.options.items():
            yield name, field.value


def verify(files: dict, options: dict, rule: str, label: str):
    linted, requests, compiled, build = check(files, options, rule)
    assert "internal-error" not in {d.name for d in linted + compiled}, (label, [repr(d) for d in linted + compiled])
    lint_errors = [d for d in linted if d.severity == "error"]
    if lint_errors:
        assert requests is None, label
        assert where(compiled) <= where(linted), (label, [repr(d) for d in compiled if (d.file, d.line, d.column, d.code) not in where(linted)])
        return "refused"
    if options.get("broker") is None:
        return "no broker"
    assert requests is not None, (label, [repr(d) for d in compiled])
    assert where(compiled) == where(linted), label
    broker = compiler.get(options["broker"])
    for request in requests:
        if request.schema is not None:
            jsonschema.validate(request.body if request.body is not None else request.query, schema(request.schema))
        for name, value in written(request.statement):
            if (broker.name, name) in IMPLIED:
                continue
            assert carries(request, value, broker), (label, name, value, request.as_dict())
    return "compiled"


def _case_params():
    out = []
    for rule, case in RULE_CASES:
        if case.xfail:
            continue
        out.append(pytest.param(rule, case, id=f"{rule}-{case.id}"))
    return out


@pytest.mark.parametrize("rule, case", _case_params())
def test_a_suppressed_case_compiles_as_written_or_lint_refuses_it(rule, case: Case, tmp_path):
    files, options = case_inputs(case, True, tmp_path)
    first = Run(**options)
    for name, body in files.items():
        source = first.read(name, name, body if isinstance(body, bytes) else body.encode())
        if source is not None:
            first.check(source)
    reported = [d for d in first.finish() if d.name == rule]
    marked = {}
    for d in reported:
        marked.setdefault(d.file, set()).add(d.line)
    files = {name: suppressed(body, marked[name], rule) if name in marked else body for name, body in files.items()}
    brokers = [options["broker"]] if options["broker"] else brokers_for(files) or [None]
    for broker in brokers:
        verify(files, {**options, "broker": broker}, rule, f"{rule}-{case.id} @{broker}")


def _example_params():
    return [pytest.param(r, id=r.name) for r in registry.all_rules() if example_statements(r)[0] and r.scope != "dispatch"]


@pytest.mark.parametrize("rule", _example_params())
def test_a_suppressed_docs_example_compiles_as_written_or_lint_refuses_it(rule, tmp_path):
    statements, comments = example_statements(rule)
    text = re.sub(r"\.\.\.(\d+) characters\.\.\.", lambda m: "x" * int(m.group(1)), "\n".join(statements))
    notes = "\n".join(comments)
    as_of = re.search(r"as[- ]of (\d{4}-\d{2}-\d{2})", notes)
    as_of = date.fromisoformat(as_of.group(1)) if as_of else DOC_DAY
    named = re.search(r"--broker (\w+)", rule.sections()["Example"])
    quoted = re.search(r"--quotes[^\n]*?(\S+) at ([0-9.]+)", rule.sections()["Example"])
    quotes = None
    if quoted:
        quotes = tmp_path / "quotes.csv"
        quotes.write_text(f"symbol,last_price\n{quoted.group(1)},{quoted.group(2)}\n")
        quotes = str(quotes)
    files = {"example.ord": suppressed(text, set(range(1, len(statements) + 1)), rule.name)}
    brokers = [named.group(1)] if named else ([None] if not rule.needs else rule.brokers(compiler.brokers()))
    if brokers == [None]:
        brokers = brokers_for(files) or [None]
    for broker in brokers:
        verify(files, {"broker": broker, "as_of": as_of, "quotes": quotes}, rule.name, f"{rule.name} example @{broker}")


# -- every rule that can be suppressed: a whole order that fails it alone, which compiles once it is

SENSEX = "GTT BUY 20 SENSEX25OCT80000CE trigger 100 up market product NRML exchange NSE"
COMPILES = [
    ("disclosed-quantity", "dhan", "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC security 11536 disclosed 3", {}),
    ("date-order", "codifi", "SIP BUY 1 TCS-EQ daily start 2025-05-01 installments 1 name AD product CNC token 11536 registered 2025-05-19", {}),
    ("documents-disagree", "groww", "OCO SELL 10 TCS target 4200 sl 3900 product MIS", {}),
    ("exchange-mismatch", "groww", SENSEX, {}),
    ("exchange-mismatch", "indstocks", SENSEX + " security 1128", {}),
    ("expired-contract", "groww", "OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95 product MIS", {"as_of": date(2025, 11, 15)}),
    ("freeze-quantity", "groww", "GTT SELL 1820 NIFTY26DEC26000CE trigger 100 down market product NRML", {"as_of": date(2026, 3, 2)}),
    ("last-price", "groww", "GTT BUY 10 TCS trigger 3985 up limit 3990 product CNC", {"quotes": {"TCS": "4000"}}),
    ("leg-order", "groww", "OCO SELL 75 NIFTY25OCT24000CE target 95 sl 120.5 product MIS", {}),
    # INDstocks' own LIMIT example, which breaks its MinTgtLimitPrice (target limit 38 under its trigger 41)
    ("leg-order", "indstocks", "BRACKET BUY 75 NIFTY25OCT24000CE limit 37 sl 34 limit 33 target 41 limit 38 product NRML security 51011", {}),
    ("list-window", "groww", "LIST OCO segment FNO from 2025-01-16T09:15:00 to 2025-03-01T00:00:00", {}),
    ("lot-size", "groww", "OCO SELL 50 NIFTY25OCT24000CE target 120.50 limit 121 sl 95 product MIS", {}),
    ("lot-size", "indstocks", "BRACKET BUY 50 NIFTY25OCT24000CE limit 37 sl 34 limit 33 target 41 limit 42 product NRML security 51011", {}),
    ("oco-direction", "groww", "OCO SELL 75 NIFTY25OCT24000CE target 120.5 sl 95 position -75 product MIS", {}),
    ("oco-quantity", "groww", "OCO SELL 150 NIFTY25OCT24000CE target 120.5 sl 95 position 75 product MIS", {}),
    ("order-id", "indstocks", "CANCEL BRACKET DRV-28131451 segment CASH", {}),
    ("reference-data", "groww", "GTT BUY 100 RELIANCE25OCTFUT trigger 1500 up market product NRML", {}),
    ("segment-mismatch", "groww", "GTT BUY 75 NIFTY25OCT24000CE trigger 100 up market product MIS segment CASH", {}),
    ("silent-conversion", "indstocks", "GTT BUY 10 RELIANCE trigger 1520 up market product CNC security 3045", {}),
    ("tick-size", "groww", "GTT BUY 10 TCS trigger 3985.03 down limit 3990 product CNC", {}),
    ("tick-size", "indstocks", "GTT BUY 10 TCS trigger 3985.05 up limit 3990 product CNC security 11536", {}),
    ("unknown-symbol", "groww", "GTT BUY 10 tcs trigger 3985 down limit 3990 product CNC", {}),
    ("trigger-distance", "kite", "GTT BUY 1 INFY trigger 797 down limit 797.5 product CNC", {"quotes": {"INFY": "798"}}),
    ("gtt-count", "kite", "\n".join(["GTT BUY 1 INFY trigger 702 down limit 702.5 product CNC"] * 251), {"quotes": {"INFY": "798"}}),
]
# Rules no order line can be suppressed for: a row of the --instruments CSV; the suppression comments themselves.
# (price-data and no-prices are simulate's: lint and compile never report them)
NOT_ON_AN_ORDER_LINE = {"instrument-data", "unused-suppression", "price-data", "no-prices"}


def test_every_rule_that_can_be_suppressed_has_an_order_that_compiles_suppressed():
    suppressible = {r.name for r in registry.all_rules() if r.name not in codes.FIXED and r.scope != "dispatch"}
    assert {rule for rule, *_ in COMPILES} == suppressible - NOT_ON_AN_ORDER_LINE


@pytest.mark.parametrize("rule, broker, text, extra", COMPILES, ids=[f"{c[0]}-{c[1]}" for c in COMPILES])
def test_a_suppressed_rule_compiles_the_order_as_written(rule, broker, text, extra, tmp_path):
    options = {"broker": broker, "as_of": extra.get("as_of", DOC_DAY), "quotes": None}
    if "quotes" in extra:
        quotes = tmp_path / "quotes.csv"
        quotes.write_text("symbol,last_price\n" + "".join(f"{k},{v}\n" for k, v in extra["quotes"].items()))
        options["quotes"] = str(quotes)
    plain, _, _, _ = check({"t.ord": text}, options, rule)
    assert rule in {d.name for d in plain}, [repr(d) for d in plain]  # the order fails this rule...
    assert {d.name for d in plain if d.severity == "error"} <= {rule}, [repr(d) for d in plain]  # ...and no other
    lines = {d.line for d in plain if d.name == rule}  # (gtt-count: the 251st line of a file)
    assert verify({"t.ord": suppressed(text, lines, rule)}, options, rule, f"{rule} @{broker}") == "compiled"


# -- the docs say it, and lint says it where a suppression is refused


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda r: r.name)
def test_a_rules_docs_say_whether_it_can_be_suppressed(rule):
    says = "This rule cannot be suppressed:" in (rule.doc or "")
    assert says == (rule.name in codes.FIXED), rule.name
    if says:
        assert "This rule cannot be suppressed:" in rule.sections()["Why"]  # where `ordspec explain` shows it


def test_a_refused_suppression_says_why_in_the_rules_own_words():
    from tests.conftest import lint_text

    text = "MODIFY OCO oco_a12bc3 segment FNO target 122 limit 123  # ordspec: ignore[not-modifiable]\n"
    found = [(d.name, d.message) for d in lint_text(text, broker="groww")]
    assert ("unused-suppression", f"`not-modifiable` cannot be suppressed: {registry.get('not-modifiable').unsuppressible()}") in found
    assert "not-modifiable" in {name for name, _ in found}  # and the error stays


def test_a_rule_that_cannot_be_suppressed_cannot_be_ignored_by_the_configuration_either():
    from ordspec.config import Settings

    settings = Settings(select=["lot-size"], ignore=["reference-id", "OS3"])
    for name in codes.FIXED:
        assert settings.wants(registry.get(name).code, name)
    assert not settings.wants("OS306", "list-window")


# -- the issue's examples, through the installed command


ISSUE = [
    # (line, the rule suppressed): each used to lint clean and then compile a wrong request or fail with OS999
    ("MODIFY OCO oco_a12bc3 segment FNO target 122 limit 123", "not-modifiable"),
    ("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC ref my_ref_1", "reference-id"),
    ("LIST GTT segment CASH page 0 size 100", "page-range"),
    ("GTT BUY 10 TCS trigger 3985.005 down limit 3990 product CNC", "price-precision"),
    ("OCO SELL 10 TCS target 4200 sl 3900 product CNC", "unsupported"),
]


@pytest.mark.parametrize("line, rule", ISSUE, ids=[rule for _, rule in ISSUE])
def test_lint_refuses_what_compile_could_not_send_as_written(tmp_path, line, rule):
    from tests.conftest import run_cli

    orders = tmp_path / "o.ord"
    orders.write_text(f"broker groww\n{line}  # ordspec: ignore[{rule}]\n")
    linted = run_cli("lint", orders, "--as-of", "2025-10-01")
    assert linted.returncode == 1, linted
    text = linted.stdout.decode()
    assert f"`{rule}` cannot be suppressed: " in text and f"{registry.get(rule).code} {rule}" in text, text
    built = run_cli("compile", orders, "--as-of", "2025-10-01")
    assert built.returncode == 1 and built.stdout == b"", built
    assert b"internal-error" not in built.stderr and b"Traceback" not in built.stderr, built


def test_the_cash_oco_escape_hatch_compiles_a_valid_groww_body(tmp_path):
    from tests.conftest import run_cli

    orders = tmp_path / "o.ord"
    orders.write_text("broker groww\nOCO SELL 10 TCS target 4200 sl 3900 product MIS  # ordspec: ignore[documents-disagree]\n")
    assert run_cli("lint", orders).returncode == 0
    built = run_cli("compile", orders)
    assert built.returncode == 0, built
    [request] = json.loads(built.stdout)
    body = request["body"]
    assert (body["segment"], body["product_type"], body["trading_symbol"], body["quantity"]) == ("CASH", "MIS", "TCS", 10)
    assert body["target"]["trigger_price"] == "4200.00" and body["stop_loss"]["trigger_price"] == "3900.00"
    jsonschema.validate(body, schema("groww/create-oco.schema.json"))
    # the schema holds CASH OCO to MIS, as both of Groww's pages do
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**body, "product_type": "NRML"}, schema("groww/create-oco.schema.json"))
