"""The language server survives its own bugs, and stays out of `ordspec lint`'s way.

The fault test starts the real server with one adapter function replaced by one that raises (in
the server process, before it starts): the error reaches the client's log with its traceback,
and the server goes on answering.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.test_lint_path import imported

FAULTY = """
import sys
from ordspec.server import checks

real = checks.check

def check(path, name, text):
    if name.endswith("boom.ord"):
        raise RuntimeError("a fault forced by the test")
    return real(path, name, text)

def formatted(name, text):
    raise ZeroDivisionError("another fault forced by the test")

checks.check, checks.formatted = check, formatted
from ordspec.server import main
sys.exit(main())
"""


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-c", FAULTY]))
async def faulty(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(lsp.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=tmp_path.as_uri()))
    yield
    await lsp_client.shutdown_session()


async def _logged(client: LanguageClient, needle: str) -> lsp.LogMessageParams:
    for _ in range(500):
        for m in client.log_messages:
            if needle in m.message:
                return m
        await asyncio.sleep(0.02)
    raise AssertionError(f"nothing logged with {needle!r}: {[m.message for m in client.log_messages]}")


def _open(client: LanguageClient, uri: str, text: str) -> None:
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="ordspec", version=1, text=text)))


@pytest.mark.asyncio
async def test_an_internal_error_is_logged_and_the_server_keeps_serving(faulty: LanguageClient, tmp_path):
    boom = (tmp_path / "boom.ord").as_uri()
    _open(faulty, boom, "GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n")
    logged = await _logged(faulty, "a fault forced by the test")
    assert logged.type == lsp.MessageType.Error
    assert "ordspec: internal error checking" in logged.message and "Traceback" in logged.message
    edits = await faulty.text_document_formatting_async(
        lsp.DocumentFormattingParams(text_document=lsp.TextDocumentIdentifier(uri=boom), options=lsp.FormattingOptions(tab_size=4, insert_spaces=True))
    )
    assert edits is None
    assert "ZeroDivisionError" in (await _logged(faulty, "another fault forced by the test")).message
    # and it still serves: another document is checked, hovers answer
    good = (tmp_path / "good.ord").as_uri()
    _open(faulty, good, "GTT BUY 10 TCS trigger 3985.03 down limit 3990 product CNC\n")
    for _ in range(500):
        if faulty.diagnostics.get(good):
            break
        await asyncio.sleep(0.02)
    assert [d.code for d in faulty.diagnostics[good]] == ["OS202"]
    found = await faulty.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri=good), lsp.Position(0, 1)))
    assert found.contents.value.startswith("**GTT**")


def test_ordspec_server_without_pygls_says_how_to_install_it():
    blocked = "import sys; sys.modules['pygls'] = None; from ordspec.cli import main; sys.exit(main(['server']))"
    result = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "pip install 'ordspec[server]'" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("suffix", [".ord", ".yaml"])
def test_lint_imports_no_part_of_the_server(tmp_path, suffix):
    one = tmp_path / f"one{suffix}"
    one.write_text("GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n" if suffix == ".ord" else "- GTT BUY 10 TCS trigger 3985 down limit 3990 product CNC\n")
    found = imported("lint", one)
    assert found["code"] == 0
    assert [m for m in found["modules"] if m.split(".")[0] in ("pygls", "lsprotocol", "cattrs", "attrs") or m.startswith("ordspec.server")] == []
