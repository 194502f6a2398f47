"""A newcomer's first hour (issue 8): what the README tells them works as written, the help says
what to type, and a dry run says what the real run would do.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import click
import pytest
import yaml

from ordspec import compiler
from tests.conftest import DOC_DAY, ROOT, run_cli
from tests.dispatch_helpers import dispatch, write

README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def manifest() -> dict:
    return {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}


def pre_commit_configs() -> list[dict]:
    found = [yaml.safe_load(b) for b in blocks("yaml") if "repos:" in b]
    assert len(found) == 2, "the README shows a local and a remote .pre-commit-config.yaml"
    return found


def test_readme_pre_commit_snippets_are_complete_configs_of_existing_hooks():
    hooks = manifest()
    for config in pre_commit_configs():
        assert isinstance(config, dict) and isinstance(config["repos"], list) and config["repos"]
        for repo in config["repos"]:
            assert {"repo", "hooks"} <= set(repo)
            for hook in repo["hooks"]:
                assert hook["id"] in hooks, hook["id"]


def test_readme_local_hooks_run_what_the_manifest_runs():
    hooks = manifest()
    (local,) = [r for c in pre_commit_configs() for r in c["repos"] if r["repo"] == "local"]
    assert "rev" not in local
    for hook in local["hooks"]:
        declared = hooks[hook["id"]]
        assert hook["language"] == "system"  # the ordspec installed where the commit runs
        for key in ("entry", "files", "require_serial"):
            assert hook.get(key) == declared.get(key), (hook["id"], key)


def test_readme_remote_hook_pins_a_commit_that_has_the_hooks():
    (remote,) = [r for c in pre_commit_configs() for r in c["repos"] if r["repo"] != "local"]
    rev = str(remote["rev"])
    assert re.fullmatch(r"[0-9a-f]{40}", rev), "no release is tagged: pin a full commit sha"
    # The suite runs from a clone (the README's install): git and the history are there. A shallow
    # clone may lack the pinned commit: then it is fetched from what the clone came from.
    git = shutil.which("git")
    assert git is not None and (ROOT / ".git").exists(), "the tests run from a git clone of ordspec"
    if subprocess.run([git, "cat-file", "-e", f"{rev}^{{commit}}"], cwd=ROOT, capture_output=True).returncode != 0:
        subprocess.run([git, "fetch", "--quiet", "--unshallow"], cwd=ROOT, capture_output=True)
    shown = subprocess.run([git, "show", f"{rev}:.pre-commit-hooks.yaml"], cwd=ROOT, capture_output=True, text=True)
    assert shown.returncode == 0, f"{rev} is not a commit of this repository with a .pre-commit-hooks.yaml"
    there = {h["id"] for h in yaml.safe_load(shown.stdout)}
    assert {h["id"] for h in remote["hooks"]} <= there


def test_readme_installs_from_a_clone_or_git_never_from_pypi():
    for text in (README, (ROOT / "docs" / "ci" / "github-actions.yml").read_text(encoding="utf-8")):
        assert not re.search(r"pip install ordspec\b(?! @)", text), "ordspec is not published: install from a clone or a git URL"
    assert "python3 -m venv .venv && .venv/bin/pip install --upgrade --upgrade-strategy eager -e '.[test]'" in README
    assert "pip install 'ordspec @ git+https://" in README


def test_readme_says_where_each_configuration_form_goes():
    (toml,) = [b for b in blocks("toml") if "[tool.ordspec]" in b]
    before = README[: README.index("```toml\n" + toml)].rstrip().rsplit("\n\n", 1)[-1]  # the paragraph just above it
    assert "pyproject.toml" in before, "say that [tool.ordspec] belongs in pyproject.toml"
    assert "`ordspec.toml` takes the same keys without the `tool.ordspec` header" in README


def test_readme_documents_every_credential_variable():
    from ordspec import compiler
    from ordspec.dispatch.credentials import Credentials

    variables = {"ORDSPEC_TOKEN"}
    for name in compiler.names():
        broker = compiler.get(name)
        credentials = Credentials(broker, environ={})
        variables |= {v for source in credentials.sources.values() for v in source.split(" or ")}
    assert len(variables) == 1 + len(compiler.names()) + 2  # a token per broker, smallcase's secret, Kite's API key
    for variable in variables:
        assert f"`{variable}`" in README, variable


def test_the_readme_reads_variables_only_from_what_it_documents():
    """Every ORDSPEC_ variable in the code is in the README (a new one cannot go undocumented)."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "ordspec").rglob("*.py"))
    code += "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "ordspec" / "compiler").glob("*.json"))
    named = set(re.findall(r"ORDSPEC_[A-Z_]+[A-Z]", code)) - {"ORDSPEC_UPDATE_SNAPSHOTS"}
    for variable in named:
        assert f"`{variable}`" in README, variable


# -- --format help (and every option with choices) ---------------------------------------------------


def options_with_choices():
    from ordspec.cli.app import cli

    def walk(group, prefix):
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                yield from walk(command, (*prefix, name))
                continue
            for param in command.params:
                if isinstance(getattr(param, "type", None), click.Choice):
                    yield (*prefix, name), param.opts[0], tuple(param.type.choices)

    return sorted(walk(cli, ()))


def test_every_format_option_lists_its_choices_in_help():
    found = options_with_choices()
    assert {c for c, flag, _ in found if flag == "--format"} >= {("lint",), ("dispatch",), ("rules",), ("journal", "list")}
    assert (("lint",), "--broker", tuple(compiler.names())) in found
    for command, flag, choices in found:
        r = run_cli(*command, "--help")
        assert r.returncode == 0
        text = " ".join(r.stdout.decode().split())  # help wraps lines
        start = text.index(f"{flag} ")
        line = text[start : start + 160]
        for choice in choices:
            assert choice in line, (command, flag, line)


# -- dry-run summary ----------------------------------------------------------------------------------


ORDERS = (
    "broker groww",
    "default product CNC",
    "GTT BUY 10 TCS trigger 3985 down limit 3990 ref tcs-dip-0001",
    "GTT SELL 10 TCS trigger 4100 up market ref tcs-rally-001",
    "GTT BUY 5 RELIANCE trigger 1520 up limit 1525.5 product MIS",
)


def test_a_dry_run_counts_what_it_would_send_and_skip(tmp_path, paper):
    journal = tmp_path / "journal.sqlite"
    first = write(tmp_path, "first.ord", *ORDERS[:3])
    assert dispatch(first, paper.url, journal, as_of=DOC_DAY.isoformat()).code == 0
    both = write(tmp_path, "both.ord", *ORDERS)
    text = dispatch(both, paper.url, journal, "--dry-run", as_of=DOC_DAY.isoformat())
    assert text.code == 0, text.err
    assert text.out.rstrip().splitlines()[-1] == "Dry run: 3 requests: 2 would be sent, 1 would be skipped (confirmed before); nothing sent."
    plan = dispatch(both, paper.url, journal, "--dry-run", "--format", "json", as_of=DOC_DAY.isoformat()).json()
    assert plan["summary"] == {"requests": 3, "send": 2, "skip": 1, "hold": 0}


def test_a_dry_run_counts_what_an_earlier_run_lost_as_held(tmp_path, paper):
    """At a broker that does not deduplicate, a request whose answer was lost is not sent again."""
    journal = tmp_path / "journal.sqlite"
    path = write(tmp_path, "o.ord", "broker indstocks", *(f"GTT BUY {n} RELIANCE trigger 1520 up limit 1522 product CNC security 2885" for n in (1, 2)))
    paper.faults({"method": "POST", "path": "/smart/order", "drop": "after"})
    assert dispatch(path, paper.url, journal, as_of=DOC_DAY.isoformat()).code == 1  # the first answer lost
    plan = dispatch(path, paper.url, journal, "--dry-run", "--format", "json", as_of=DOC_DAY.isoformat()).json()
    assert [row["journal"] for row in plan["requests"]] == ["unknown", "confirmed"]
    assert plan["summary"] == {"requests": 2, "send": 0, "skip": 1, "hold": 1}
    text = dispatch(path, paper.url, journal, "--dry-run", as_of=DOC_DAY.isoformat()).out
    assert "Dry run: 2 requests: 0 would be sent, 1 would be skipped (confirmed before), 1 would be held (an earlier answer was lost); nothing sent." in text
