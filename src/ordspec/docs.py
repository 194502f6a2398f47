"""Generated documentation: the rules table, the rules page and the capability table.

    python -m ordspec.docs            # rewrite the generated parts of README.md and docs/rules.md
    python -m ordspec.docs --check    # exit 1 if they are stale (a test runs this)

The registry and the broker tables are the source; README.md keeps each
generated block between `<!-- NAME:start -->` and `<!-- NAME:end -->`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ordspec import compiler
from ordspec.rules.registry import ALL, all_rules

ROOT = Path(__file__).resolve().parent.parent.parent


def _brokers(rule) -> str:
    found = rule.brokers(compiler.brokers())
    return found if found == ALL else ", ".join(found)


def rules_table() -> str:
    rows = ["| code | name | severity | brokers | what it checks |", "|---|---|---|---|---|"]
    for r in all_rules():
        rows.append(f"| {r.code} | [`{r.name}`](docs/rules.md#{r.name}) | {r.severity} | {_brokers(r)} | {r.summary} |")
    return "\n".join(rows)


def rules_page() -> str:
    out = [
        "# ordspec rules",
        "",
        "Generated from the rule registry by `python -m ordspec.docs`; `ordspec explain NAME` prints the same.",
        "",
    ]
    for r in all_rules():
        out += [f"## {r.name}", "", f"`{r.code}` · {r.severity} · brokers: {_brokers(r)}", "", r.summary + ".", ""]
        for title, body in r.sections().items():
            if title == "Example":
                out += [f"**{title}**", "", "```", body, "```", ""]
            else:
                out += [f"**{title}**", "", body, ""]
    return "\n".join(out).rstrip() + "\n"


def capability_table() -> str:
    brokers = compiler.brokers()
    operations = []
    for b in brokers:
        for op in b.setting("supports"):
            if op not in operations:
                operations.append(op)
    order = {v: i for i, v in enumerate(("CREATE", "MODIFY", "CANCEL", "GET", "LIST", "PAUSE", "RESUME"))}
    operations.sort(key=lambda op: (op.split()[1], order.get(op.split()[0], 9)))
    rows = ["| statement | " + " | ".join(b.title for b in brokers) + " |", "|---|" + "---|" * len(brokers)]
    for op in operations:
        cells = []
        for b in brokers:
            offer = b.supports(*op.split())
            if offer is None:
                cells.append("—")
                continue
            segments = offer.get("segments") or {}
            parts = [f"{seg} ({', '.join(products)})" if products else seg for seg, products in segments.items()]
            cells.append("; ".join(parts) if parts else "yes")
        rows.append(f"| `{op}` | " + " | ".join(cells) + " |")
    return "\n".join(rows)


BLOCKS = {"rules": rules_table, "capabilities": capability_table}


def render_readme(text: str) -> str:
    for name, render in BLOCKS.items():
        block = f"<!-- {name}:start -->\n{render()}\n<!-- {name}:end -->"
        text, count = re.subn(rf"<!-- {name}:start -->.*?<!-- {name}:end -->", lambda m: block, text, flags=re.S)
        if count != 1:
            raise SystemExit(f"README.md needs exactly one <!-- {name}:start --> ... <!-- {name}:end --> block")
    return text


def main(argv: list[str]) -> int:
    readme, page = ROOT / "README.md", ROOT / "docs" / "rules.md"
    fresh = {readme: render_readme(readme.read_text(encoding="utf-8")), page: rules_page()}
    stale = [p for p, text in fresh.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for p in stale:
            print(f"{p.relative_to(ROOT)} is stale: run python -m ordspec.docs", file=sys.stderr)
        return 1 if stale else 0
    for p in stale:
        p.parent.mkdir(exist_ok=True)
        p.write_text(fresh[p], encoding="utf-8")
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
