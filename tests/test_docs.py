"""The generated parts of README.md and docs/rules.md match the registry and the broker tables."""

from __future__ import annotations

from ordspec import docs
from ordspec.rules.registry import all_rules
from tests.conftest import ROOT


def test_generated_docs_are_current():
    assert docs.main(["--check"]) == 0, "run: python -m ordspec.docs"


def test_every_rule_is_in_the_readme_and_the_rules_page():
    readme = (ROOT / "README.md").read_text()
    page = (ROOT / "docs" / "rules.md").read_text()
    for rule in all_rules():
        assert f"| {rule.code} | [`{rule.name}`]" in readme
        assert f"## {rule.name}\n" in page


def test_the_languages_statements_are_what_the_brokers_offer():
    """language.STATEMENTS (what the neutral `unsupported` checks) is the union of the broker tables."""
    from ordspec import compiler
    from ordspec.language import STATEMENTS

    offered = {op for name in compiler.names() for op in compiler.get(name).setting("supports")}
    assert set(STATEMENTS) == offered
