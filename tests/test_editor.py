"""The VS Code extension (editors/vscode) and the pieces of the server that need no client.

The grammar's tests are vscode-tmgrammar-test's sample files in editors/vscode/test/, run with
the extension's pinned Node packages (the README's install command runs `npm ci` there; without
them these tests fail and say so).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from ordspec import language
from ordspec.grammar import driver
from ordspec.server.positions import Text
from ordspec.server.words import MEANINGS, meaning
from tests.conftest import ROOT

VSCODE = ROOT / "editors" / "vscode"


def _npx(*args) -> subprocess.CompletedProcess:
    if not (VSCODE / "node_modules").is_dir() or shutil.which("npx") is None:
        pytest.fail("the extension's Node packages are not installed: the install command runs `npm ci --prefix editors/vscode`")
    return subprocess.run(["npx", "--no", "--", *args], cwd=VSCODE, capture_output=True, text=True, timeout=120)


def test_the_grammar_passes_its_sample_files():
    result = _npx("vscode-tmgrammar-test", "--compact", "test/*.ord")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("run successfuly") == len(list((VSCODE / "test").glob("*.ord"))) >= 2


def test_the_client_type_checks_against_the_vscode_api():
    result = _npx("tsc", "-p", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def _alternatives(pattern: dict) -> set[str]:
    found = re.fullmatch(r"\(\?i\)\(\?<!\[\^\\s\]\)\(([a-z_|]+)\)\(\?!\[\^\\s#\"\]\)", pattern["match"])
    assert found, pattern["match"]
    return set(found.group(1).split("|"))


def test_the_grammar_highlights_every_keyword_of_the_language():
    repo = json.loads((VSCODE / "syntaxes" / "ordspec.tmLanguage.json").read_text())["repository"]
    kinds, actions, smallcase = (_alternatives(p) for p in repo["statement"]["patterns"])
    words = driver.tables().keyword_names
    assert kinds == set(words["KIND"]) | set(words["SMALLCASE"])
    assert actions == set(words["VERB"]) | set(words["LIST"])
    assert smallcase == (set(words["SC_ORDER"]) | set(words["SC_INTENT"])) - set(words["SIDE"]) - set(words["KIND"])
    assert _alternatives(repo["side"]) == set(words["SIDE"])
    assert _alternatives(repo["file-line"]) == set(words["DEFAULT"]) | set(words["BROKER"])
    legs = ("TARGET", "SL", "LIMIT", "TRIGGER", "MARKET", "UP", "DOWN", "PLUS", "FREQUENCY")
    assert _alternatives(repo["leg"]) == {w for t in legs for w in words[t]}
    assert _alternatives(repo["option"]) == set(words["OPTION"]) == set(language.OPTIONS)
    enums = {v.lower() for kind, values, _ in language.OPTIONS.values() if kind == "enum" for v in values}
    assert _alternatives(repo["value"]) == enums - set(words["SIDE"])


def test_the_extension_declares_the_language_grammar_and_settings():
    package = json.loads((VSCODE / "package.json").read_text())
    language_entry = package["contributes"]["languages"][0]
    assert (language_entry["id"], language_entry["extensions"]) == ("ordspec", [".ord"])
    assert (VSCODE / language_entry["configuration"]).is_file()
    grammar = package["contributes"]["grammars"][0]
    assert grammar["scopeName"] == "source.ordspec" and (VSCODE / grammar["path"]).is_file()
    assert set(package["contributes"]["configuration"]["properties"]) == {"ordspec.path", "ordspec.interpreter"}
    assert (VSCODE / package["main"]).is_file()
    pinned = {**package["dependencies"], **package["devDependencies"]}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in pinned.values()), pinned
    lock = json.loads((VSCODE / "package-lock.json").read_text())
    assert {name: lock["packages"][f"node_modules/{name}"]["version"] for name in pinned} == pinned
    config = json.loads((VSCODE / "language-configuration.json").read_text())
    assert config["comments"] == {"lineComment": "#"} and ["[", "]"] in config["brackets"]
    assert "node_modules/" in (ROOT / ".gitignore").read_text().splitlines()


def test_the_install_command_installs_the_extension_packages():
    readme = (ROOT / "README.md").read_text()
    install = readme[readme.index("## Install and test") :].split("```sh\n")[1].splitlines()[0].split("  #")[0]
    assert install.endswith(" && npm ci --prefix editors/vscode")
    assert "\nnpm ci --prefix editors/vscode\n" in (ROOT / ".ci" / "run").read_text()  # (test_fresh_clone: the same commands)


def test_every_keyword_and_option_has_a_meaning():
    for terminal, words in driver.tables().keyword_names.items():
        for word in words:
            assert meaning(word), f"{terminal} {word}"
    assert set(language.OPTIONS) <= set(MEANINGS)
    assert meaning("gtt") == meaning("GTT") and meaning("Target") == meaning("target")
    assert meaning("TCS") is None


# -- positions: ordspec (1-based, characters, LF lines) <-> LSP (0-based, UTF-16 units, CR/LF/CRLF lines)


def test_columns_after_characters_beyond_the_bmp_count_two_utf16_units():
    text = Text('name "🚀é" product XYZ\n')
    column = text.text.index("XYZ") + 1  # 18 in ordspec's characters
    assert text.range(1, column, 1, column + 3) == ((0, column), (0, column + 3))  # one more unit: the rocket
    assert text.cursor(0, column) == (1, column)
    assert Text("🚀X", "utf-8").range(1, 2, 1, 3) == ((0, 4), (0, 5))
    assert Text("🚀X", "utf-32").range(1, 2, 1, 3) == ((0, 1), (0, 2))


def test_a_lone_cr_is_a_line_to_the_editor_and_not_to_ordspec():
    text = Text("GTT a\rb BUY\nOCO x\r\nSL y\n")
    assert text.range(1, 9, 1, 12) == ((1, 2), (1, 5))  # ordspec line 1 holds the editor's lines 0 and 1
    assert text.range(2, 5, 2, 6) == ((2, 4), (2, 5))
    assert text.range(2, 6, 2, 7) == ((2, 5), (2, 5))  # the CR of a CRLF: never inside the line break
    assert text.cursor(3, 3) == (3, 4)
    assert text.end() == (4, 0)


def test_a_byte_order_mark_is_a_character_to_the_editor_only():
    text = Text("\ufeffGTT BUY\n")
    assert text.range(1, 5, 1, 8) == ((0, 5), (0, 8))
    assert text.cursor(0, 5) == (1, 5)


def test_a_line_as_ordspec_reads_it():
    text = Text("\ufeffab\r\ncd\re\nf")
    assert [text.line(n) for n in (0, 1, 2, 3, 4)] == ["", "ab", "cd\re", "f", ""]


def test_positions_past_the_end_are_clamped():
    text = Text("ab\ncd")
    assert text.range(1, 9, 7, 1) == ((0, 2), (1, 2))
    assert text.cursor(0, 99) == (1, 3) and text.cursor(5, 0) == (2, 3)


# -- the extension's default command


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_the_extensions_default_command_serves_lsp():
    """`python -m ordspec server --stdio`, as the client starts it, answers initialize and exits on exit."""
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    result = subprocess.run(
        [sys.executable, "-m", "ordspec", "server", "--stdio"], input=b"".join(map(_frame, messages)), capture_output=True, timeout=60
    )
    assert result.returncode == 0, result.stderr.decode()
    bodies = [json.loads(part) for part in re.split(rb"Content-Length: \d+\r\n(?:[^\r\n]+\r\n)*\r\n", result.stdout) if part]
    answer = next(b for b in bodies if b.get("id") == 1)["result"]
    assert answer["serverInfo"]["name"] == "ordspec" and answer["capabilities"]["hoverProvider"]
