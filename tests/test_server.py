"""`ordspec server` end to end: the installed command over stdio, driven by pytest-lsp's client.

One server serves the whole module (starting one costs about half a second); each test opens its
own documents in its own directory of a repository whose pyproject.toml names a small instrument
master, so lots, ticks and freeze quantities do not depend on the day the tests run.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import ROOT, ordspec_command, run_cli

pytestmark = pytest.mark.asyncio(loop_scope="module")

MASTER = """\
exchange,exchange_token,trading_symbol,groww_symbol,name,instrument_type,segment,series,isin,underlying_symbol,underlying_exchange_token,expiry_date,strike_price,lot_size,tick_size,freeze_quantity,is_reserved,buy_allowed,sell_allowed
NSE,51011,NIFTY99DEC24000CE,NSE-NIFTY-30Dec99-24000-CE,NIFTY,CE,FNO,,,NIFTY,26000,2099-12-30,24000,75,0.05,1801,0,1,1
NSE,51012,NIFTY99DECFUT,NSE-NIFTY-30Dec99-FUT,NIFTY,FUT,FNO,,,NIFTY,26000,2099-12-30,,75,0.10,1801,0,1,1
NSE,11536,TCS,NSE-TCS,TCS,EQ,CASH,EQ,INE467B01029,,,,,1,0.10,,0,1,1
"""
LOT = "OCO SELL 50 NIFTY99DEC24000CE target 120.5 limit 121 sl 95 product NRML"  # lot-size at 2:10-12
TICK = "GTT SELL 10 TCS trigger 4100.05 up market product CNC"  # tick-size at 25-32
REPO: Path | None = None
INITIALIZED: list = []  # the initialize answer


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=[ordspec_command(), "server"]))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    global REPO
    REPO = tmp_path_factory.mktemp("repo")
    (REPO / "instruments.csv").write_text(MASTER)
    (REPO / "pyproject.toml").write_text('[tool.ordspec]\ninstruments = ["instruments.csv"]\n')
    INITIALIZED.append(await lsp_client.initialize_session(
        lsp.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=REPO.as_uri())
    ))
    yield
    await lsp_client.shutdown_session()


# -- helpers


def doc(name: str, text: str) -> tuple[Path, str]:
    path = REPO / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path, path.as_uri()


async def published(client: LanguageClient, uri: str, until=lambda found: True, timeout: float = 10.0) -> list[lsp.Diagnostic]:
    """The diagnostics published for `uri`, once `until(them)` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        found = client.diagnostics.get(uri)
        if found is not None and until(list(found)):
            return list(found)
        await asyncio.sleep(0.02)
    raise AssertionError(f"no such diagnostics for {uri}: {client.diagnostics.get(uri)}")


def open_doc(client: LanguageClient, uri: str, text: str, language: str = "ordspec") -> None:
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


def apply(text: str, edits: list[lsp.TextEdit]) -> str:
    """Apply LSP edits (UTF-16 positions) to a text, last first."""
    lines = text.split("\n")

    def offset(p: lsp.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: p.line])
        row, units, i = lines[p.line] if p.line < len(lines) else "", 0, 0
        while i < len(row) and units < p.character:
            units += 2 if ord(row[i]) > 0xFFFF else 1
            i += 1
        return before + i

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def lint_json(path: Path) -> list[dict]:
    result = run_cli("lint", path, "--format", "json", cwd=path.parent)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["diagnostics"]


# -- initialize, diagnostics


async def test_initialize_says_what_the_server_does(client: LanguageClient):
    caps = INITIALIZED[0].capabilities
    assert INITIALIZED[0].server_info.name == "ordspec"
    assert caps.hover_provider and caps.document_formatting_provider
    assert list(caps.completion_provider.trigger_characters) == [" ", "[", ","]
    assert list(caps.code_action_provider.code_action_kinds) == [lsp.CodeActionKind.QuickFix]
    assert caps.position_encoding == lsp.PositionEncodingKind.Utf16
    assert caps.text_document_sync.change == lsp.TextDocumentSyncKind.Full


async def test_a_lot_size_error_shows_at_its_words_and_goes_when_fixed(client: LanguageClient):
    path, uri = doc("lot/orders.ord", f"broker groww\n{LOT}\n")
    open_doc(client, uri, path.read_text())
    found = await published(client, uri, lambda d: len(d) > 0)
    assert codes(found) == ["OS201"]
    d = found[0]
    assert (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) == (1, 9, 1, 11)
    assert d.severity == lsp.DiagnosticSeverity.Error and d.source == "ordspec"
    assert d.code_description.href == (ROOT / "docs" / "rules.md").as_uri() + "#lot-size"  # the checkout's docs
    assert d.message.startswith("quantity 50 is not a whole number of lots") and "\nhelp: use 75 (1 lot)" in d.message
    change(client, uri, 2, f"broker groww\n{LOT.replace('SELL 50', 'SELL 75')}\n")
    assert await published(client, uri, lambda d: d == []) == []


async def test_diagnostics_are_what_lint_reports_for_the_file(client: LanguageClient):
    text = f"broker groww\n{LOT}\n{TICK}  # ordspec: ignore[lot-size]\nGTT BUY 10 TCS trigger 3985 down limit 3990 product XYZ\n"
    path, uri = doc("same/orders.ord", text)
    open_doc(client, uri, text)
    found = await published(client, uri, lambda d: len(d) > 0)
    expected = lint_json(path)
    assert len(expected) == 4  # lot-size, tick-size, unused-suppression, bad-value
    got = [(d.code, d.range.start.line + 1, d.range.start.character + 1, d.range.end.character + 1, d.message) for d in found]
    want = [(e["code"], e["line"], e["column"], e["end_column"], e["message"] + (f"\nhelp: {e['help']}" if "help" in e else "")) for e in expected]
    assert got == want  # (ASCII: one column is one UTF-16 unit)


async def test_ranges_count_utf16_units_after_non_ascii_text(client: LanguageClient):
    # ordspec counts the rocket and the é as one column each; LSP counts the rocket as two units
    line = 'SIP BUY 1 TCS-EQ daily start 2025-06-19 installments 1 name "🚀 café" product XYZ token 11536 registered 2025-05-19'
    path, uri = doc("utf16/orders.ord", f"broker codifi\n{line}\n")
    open_doc(client, uri, path.read_text())
    found = await published(client, uri, lambda d: len(d) > 0)
    bad = next(d for d in found if d.code == "OS005")
    start = line.index("XYZ")
    units = len(line[:start].encode("utf-16-le")) // 2
    assert units == start + 1
    assert (bad.range.start.line, bad.range.start.character, bad.range.end.character) == (1, units, units + 3)
    assert [e["column"] for e in lint_json(path) if e["code"] == "OS005"] == [start + 1]


async def test_yaml_order_files_get_diagnostics_and_other_yaml_none(client: LanguageClient):
    text = "broker: groww\norders:\n  - kind: OCO\n    side: SELL\n    qty: 50\n    symbol: NIFTY99DEC24000CE\n    target: 120.5\n    sl: 95\n    product: NRML\n"
    _, uri = doc("yaml/orders.yaml", text)
    open_doc(client, uri, text, "yaml")
    found = await published(client, uri, lambda d: len(d) > 0)
    assert codes(found) == ["OS201"]
    assert (found[0].range.start.line, found[0].range.start.character) == (4, 9)
    _, other = doc("yaml/.github/workflows/ci.yml", "on: push\njobs: {}\n")
    open_doc(client, other, "on: push\njobs: {}\n", "yaml")
    assert await published(client, other) == []


async def test_typing_is_checked_once_it_pauses(client: LanguageClient):
    path, uri = doc("typing/orders.ord", f"broker groww\n{LOT}\n")
    open_doc(client, uri, path.read_text())
    await published(client, uri, lambda d: len(d) == 1)
    sets = []

    class Counting(dict):
        def __setitem__(self, key, value):
            if key == uri:
                sets.append(list(value))
            super().__setitem__(key, value)

    client.diagnostics = Counting(client.diagnostics)
    for version, qty in enumerate(("7", "75", "751", "750", "75"), 2):
        change(client, uri, version, f"broker groww\n{LOT.replace('SELL 50', f'SELL {qty}')}\n")
        await asyncio.sleep(0.03)
    await published(client, uri, lambda d: d == [])
    await asyncio.sleep(0.5)
    assert sets == [[]]  # one check, of the last text: the four before it were never run


# -- hover


async def hover(client: LanguageClient, uri: str, line: int, character: int) -> str | None:
    found = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=line, character=character))
    )
    return found.contents.value if found else None


async def test_hover_explains_rules_symbols_and_keywords(client: LanguageClient):
    text = f"broker groww\n{LOT}\n{TICK}  # ordspec: ignore[lot-size]\n"
    _, uri = doc("hover/orders.ord", text)
    open_doc(client, uri, text)
    await published(client, uri, lambda d: len(d) == 3)
    on_qty = await hover(client, uri, 1, 10)  # the 50 of lot-size
    assert on_qty.startswith("**OS201 lot-size**") and "**What**" in on_qty and "**Source**" in on_qty
    on_symbol = await hover(client, uri, 1, 15)
    master = f"instrument master {REPO / 'instruments.csv'}, line 2"
    assert "**NIFTY99DEC24000CE**: call option on NIFTY, NSE FNO" in on_symbol
    assert "- expiry: 2099-12-30" in on_symbol and f"- lot: 75 — {master}" in on_symbol
    assert f"- tick: 0.05 — {master} (for a price of 120.5)" in on_symbol
    assert f"- freeze quantity: 1800 — {master} (freeze_quantity minus one, as Groww publishes it)" in on_symbol
    on_keyword = await hover(client, uri, 1, 31)  # `target`
    assert on_keyword.startswith("**target**: The target leg")
    on_code = await hover(client, uri, 2, text.split("\n")[2].index("lot-size") + 2)  # in the suppression comment
    assert on_code.startswith("**OS201 lot-size**")
    assert await hover(client, uri, 0, 20) is None  # past the end of `broker groww`


async def test_hover_in_yaml(client: LanguageClient):
    text = "broker: groww\norders:\n  - kind: OCO\n    side: SELL\n    qty: 50\n    symbol: NIFTY99DEC24000CE\n    target: 120.5\n    sl: 95\n    product: NRML\n"
    _, uri = doc("hoveryaml/orders.yaml", text)
    open_doc(client, uri, text, "yaml")
    await published(client, uri, lambda d: len(d) == 1)
    assert (await hover(client, uri, 4, 10)).startswith("**OS201 lot-size**")
    assert "- lot: 75" in await hover(client, uri, 5, 14)
    assert (await hover(client, uri, 8, 6)).startswith("**product**: `product CNC|MIS|NRML|MTF`")


# -- completion


async def complete(client: LanguageClient, uri: str, line: int, character: int) -> list[str]:
    found = await client.text_document_completion_async(
        lsp.CompletionParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(line=line, character=character))
    )
    return [item.label for item in (found.items if found else [])]


async def test_completion_offers_what_the_grammar_takes_here(client: LanguageClient):
    lines = ["", "GTT ", "OCO SELL 75 ", "OCO SELL 75 NIFTY99DEC24000CE ", "OCO SELL 75 NIFTY99DEC24000CE product ", "MODIFY GTT g1 ", "PAUSE ", "OCO SELL 75 NIFTY99DEC24000CE ta"]
    text = "\n".join(lines) + "\n"
    _, uri = doc("complete/orders.ord", text)
    open_doc(client, uri, text)
    await published(client, uri)
    start = await complete(client, uri, 0, 0)
    assert {"GTT", "OCO", "BRACKET", "SIP", "SMALLCASE", "MODIFY", "CANCEL", "LIST", "PAUSE", "default", "broker"} <= set(start)
    assert await complete(client, uri, 1, 4) == ["BUY", "SELL"]
    assert await complete(client, uri, 2, 12) == ["NIFTY99DEC24000CE", "NIFTY99DECFUT", "TCS"]  # from the instrument master
    oco = await complete(client, uri, 3, len(lines[3]))
    assert {"target", "sl", "product", "position", "segment", "ref"} <= set(oco)
    assert not {"trigger", "market", "up", "plus", "daily", "token", "qty", "side", "status"} & set(oco)  # not an OCO's
    assert await complete(client, uri, 4, len(lines[4])) == ["CNC", "MIS", "NRML", "MTF"]
    modify = await complete(client, uri, 5, len(lines[5]))
    assert {"qty", "side", "trigger", "limit", "up", "down", "target", "sl", "product"} <= set(modify) and "ref" not in modify
    assert await complete(client, uri, 6, 6) == ["SIP"]  # PAUSE takes only a SIP
    assert "target" in await complete(client, uri, 7, len(lines[7]))


# -- formatting


async def test_formatting_is_what_ordspec_fmt_writes(client: LanguageClient):
    text = "broker groww\ngtt   sell 10 TCS trigger 4100.50 up market product cnc   # keep me\n\n\noco SELL 75 NIFTY99DEC24000CE sl 95 target 120.50 product NRML\n"
    _, uri = doc("fmt/orders.ord", text)
    open_doc(client, uri, text)
    edits = await client.text_document_formatting_async(
        lsp.DocumentFormattingParams(text_document=lsp.TextDocumentIdentifier(uri=uri), options=lsp.FormattingOptions(tab_size=4, insert_spaces=True))
    )
    fmt = run_cli("fmt", "-", input=text.encode())
    assert fmt.returncode == 0
    assert len(edits) == 1 and apply(text, edits) == fmt.stdout.decode() != text
    change(client, uri, 2, fmt.stdout.decode())
    again = await client.text_document_formatting_async(
        lsp.DocumentFormattingParams(text_document=lsp.TextDocumentIdentifier(uri=uri), options=lsp.FormattingOptions(tab_size=4, insert_spaces=True))
    )
    assert list(again) == []  # formatted already: no edit


# -- code actions


async def actions(client: LanguageClient, uri: str, diagnostics: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    found = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=lsp.CodeActionContext(diagnostics=diagnostics),
        )
    )
    return list(found or [])


async def test_a_lot_size_fix_applied_clears_the_error(client: LanguageClient):
    text = f"broker groww\n{LOT}\n"
    _, uri = doc("action/orders.ord", text)
    open_doc(client, uri, text)
    found = await published(client, uri, lambda d: len(d) == 1)
    offered = await actions(client, uri, found)
    assert [(a.title, a.is_preferred, a.kind) for a in offered] == [("Use 75 (1 lot)", True, lsp.CodeActionKind.QuickFix)]
    fixed = apply(text, offered[0].edit.changes[uri])
    assert fixed == text.replace("SELL 50", "SELL 75")
    change(client, uri, 2, fixed)
    assert await published(client, uri, lambda d: d == []) == []
    assert await actions(client, uri, found) == []  # a stale fix (its text has changed) is not offered


async def test_fixes_for_ticks_suppressions_and_what_cannot_be_modified(client: LanguageClient):
    lines = [
        "broker groww",
        "OCO SELL 100 NIFTY99DEC24000CE target 120.5 sl 95 product NRML",
        f"{TICK}  # ordspec: ignore[lot-size]",
        "GTT SELL 10 TCS trigger 4100 up market product CNC  # ordspec: ignore[lot-size, freeze-quantity]",
        "MODIFY OCO oco_a12bc3 segment FNO qty 75 target 122 limit 123 sl 97",
    ]
    text = "\n".join(lines) + "\n"
    _, uri = doc("fixes/orders.ord", text)
    open_doc(client, uri, text)
    found = await published(client, uri, lambda d: len(d) == 6)
    by_code: dict[str, list] = {}
    for d in found:
        by_code.setdefault(d.code, []).append(d)
    lot = await actions(client, uri, by_code["OS201"])
    assert [(a.title, a.is_preferred) for a in lot] == [("Use 75 (1 lot)", True), ("Use 150 (2 lots)", False)]
    tick = await actions(client, uri, by_code["OS202"])
    assert [(a.title, a.is_preferred) for a in tick] == [
        ("Use 4100.00 (a multiple of the tick size)", True),
        ("Use 4100.10 (a multiple of the tick size)", False),
    ]
    unused = sorted(by_code["OS010"], key=lambda d: d.range.start.character)
    whole = await actions(client, uri, [d for d in unused if d.range.start.line == 2])
    assert apply(text, whole[0].edit.changes[uri]).split("\n")[2] == TICK
    names = [d for d in unused if d.range.start.line == 3]
    first = await actions(client, uri, names[:1])
    assert apply(text, first[0].edit.changes[uri]).split("\n")[3].endswith("# ordspec: ignore[freeze-quantity]")
    last = await actions(client, uri, names[1:])
    assert apply(text, last[0].edit.changes[uri]).split("\n")[3].endswith("# ordspec: ignore[lot-size]")
    modify = await actions(client, uri, by_code["OS302"])
    assert [a.title for a in modify] == ["Cancel the OCO and create a new one instead"]
    rewritten = apply(text, modify[0].edit.changes[uri]).split("\n")[4:6]
    assert rewritten == [
        "CANCEL OCO oco_a12bc3 segment FNO",
        'OCO "SIDE" 75 "SYMBOL" target 122 limit 123 sl 97 limit "PRICE" segment FNO',
    ]
    # the placeholders are errors until the author fills them in: nothing half-written compiles
    change(client, uri, 2, "\n".join(lines[:4] + rewritten) + "\n")
    after = await published(client, uri, lambda d: "OS302" not in codes(d))
    assert [(d.code, d.range.start.line) for d in after if d.range.start.line == 5] == [("OS001", 5)]


# -- bad input, internal errors


async def test_a_document_that_cannot_be_read_is_a_diagnostic(client: LanguageClient):
    _, uri = doc("bad/binary.ord", "x")
    open_doc(client, uri, "GTT BUY 10 TCS\x00 trigger 1 up market\n")
    found = await published(client, uri, lambda d: len(d) > 0)
    assert codes(found) == ["OS002"] and "binary" in found[0].message
    _, surrogate = doc("bad/surrogate.ord", "x")
    open_doc(client, surrogate, "GTT BUY 10 TCS trigger 1 up market\nSMALLCASE BUY SCET_0010 notes \"\ud800\"\n")
    found = await published(client, surrogate, lambda d: len(d) > 0)
    assert codes(found) == ["OS002"] and found[0].range.start.line == 1
    config = REPO / "badconfig"
    config.mkdir()
    (config / "ordspec.toml").write_text("brokr = 'groww'\n")
    path, uri = doc("badconfig/orders.ord", f"{TICK}\n")
    open_doc(client, uri, f"{TICK}\n")
    found = await published(client, uri, lambda d: len(d) > 0)
    lint = run_cli("lint", path, cwd=config)  # exit 2, and what is wrong
    assert lint.returncode == 2 and "brokr" in lint.stderr.decode()
    assert [d.message for d in found] == ["ordspec cannot check this file: " + lint.stderr.decode().removeprefix("ordspec: error: ").strip()]
    assert (found[0].severity, found[0].source, found[0].range.start.line) == (lsp.DiagnosticSeverity.Error, "ordspec", 0)


async def test_a_changed_configuration_is_read_when_the_editor_says_so(client: LanguageClient):
    (REPO / "conf").mkdir()
    config = REPO / "conf" / "ordspec.toml"
    config.write_text('instruments = ["../instruments.csv"]\n')
    text = f"broker groww\n{LOT}\n"
    path, uri = doc("conf/orders.ord", text)
    open_doc(client, uri, text)
    assert codes(await published(client, uri, lambda d: len(d) > 0)) == ["OS201"]
    config.write_text('instruments = ["../instruments.csv"]\nignore = ["lot-size"]\n')
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=config.as_uri(), type=lsp.FileChangeType.Changed)])
    )
    assert await published(client, uri, lambda d: d == []) == []
    assert lint_json(path) == []  # as lint now says


async def test_fixes_in_a_crlf_file_keep_its_line_endings(client: LanguageClient):
    text = "broker groww\r\nMODIFY OCO oco_a12bc3 segment FNO target 122 limit 123\r\n"
    _, uri = doc("crlf/orders.ord", text)
    open_doc(client, uri, text)
    found = await published(client, uri, lambda d: len(d) == 1)
    assert (found[0].range.start.line, found[0].range.end.line, found[0].range.end.character) == (1, 1, 54)
    fixed = apply(text, (await actions(client, uri, found))[0].edit.changes[uri])
    assert fixed == 'broker groww\r\nCANCEL OCO oco_a12bc3 segment FNO\r\nOCO "SIDE" "QTY" "SYMBOL" target 122 limit 123 segment FNO\r\n'
