"""SARIF 2.1.0 for GitHub code scanning and other viewers: rules with their docs, results with regions.

URIs are relative to the repository root (the nearest directory up with .git,
else the current one) under the %SRCROOT% base, as code scanning expects.
Columns count Unicode code points, as ordspec's do (columnKind says so).
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote

from ordspec import __version__

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def repository_root(start: str | None = None) -> str:
    here = os.path.abspath(start or os.getcwd())
    probe = here
    while True:
        if os.path.exists(os.path.join(probe, ".git")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return here
        probe = parent


def uri(path: str, root: str) -> str:
    if path.startswith("<"):  # <stdin>
        return quote(path)
    relative = os.path.relpath(os.path.abspath(path), root)
    if relative.startswith(".."):
        return "file://" + quote(os.path.abspath(path).replace(os.sep, "/"))
    return quote(relative.replace(os.sep, "/"))


def _rule(rule, brokers) -> dict:
    docs = rule.sections()
    text = "\n\n".join(f"{k}:\n{v}" for k, v in docs.items())
    markdown = "\n\n".join(f"**{k}**\n\n" + (f"```\n{v}\n```" if k == "Example" else v) for k, v in docs.items())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": docs.get("What", rule.summary).replace("\n", " ")},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["ordspec"] + ([] if not rule.needs else rule.brokers(brokers))},
    }


def report(diagnostics, sources: dict, root: str | None = None) -> str:
    from ordspec import compiler
    from ordspec.rules.registry import all_rules

    root = root or repository_root()
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for d in diagnostics:
        region = {"startLine": d.line, "startColumn": d.column, "endLine": d.end_line, "endColumn": d.end_column}
        source = sources.get(d.file)
        if source is not None and source.line(d.line):
            region["snippet"] = {"text": source.line(d.line)}
        message = d.message + (f"\nhelp: {d.help}" if d.help else "")
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": LEVELS[d.severity],
                "message": {"text": message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(d.file, root), "uriBaseId": "%SRCROOT%"}, "region": region}}],
            }
        )
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ordspec",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/ordspec/ordspec",
                        "rules": [_rule(r, compiler.brokers()) for r in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + quote(root.replace(os.sep, "/").rstrip("/") + "/")}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
