"""The layers of src/ordspec: no import cycle, and no lower layer that imports a higher one.

The graph is read from the source with ast: every `import` and `from ... import`, at the top of a
module and inside functions alike (a function-level import is still a dependency, only a later one).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "ordspec"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _target(name: str) -> str | None:
    """The ordspec module an imported name lives in (`ordspec.a.b` or its nearest parent that is a module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            found = _target(name) if name.startswith("ordspec.") else None
            while found and found != "ordspec":
                # importing ordspec.a.b runs ordspec/a/__init__.py too, unless this module is inside ordspec.a
                if found in MODULES and found != module and not module.startswith(found + "."):
                    out.add(found)
                found = found.rpartition(".")[0]
    return out


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _cycle() -> list[str] | None:
    """One import cycle, as the modules along it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(GRAPH):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def _reachable(module: str) -> set[str]:
    seen, todo = set(), [module]
    while todo:
        for nxt in GRAPH[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _inside(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_the_graph_sees_function_level_imports():
    # `ordspec paper-broker` imports the paper broker inside its command function only: the walk must
    # see such an import, or the tests below prove nothing
    top = {n.module for n in ast.parse(MODULES["ordspec.cli.app"].read_text(encoding="utf-8")).body if isinstance(n, ast.ImportFrom)}
    assert "ordspec.paper.server" not in top
    assert "ordspec.paper.server" in GRAPH["ordspec.cli.app"]


def test_no_import_cycle():
    cycle = _cycle()
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_what_is_loaded_by_name_does_not_import_its_loader():
    # The registries import their plugins by name (importlib): the rule modules of rules/codes.py,
    # compiler/<broker>.py, dispatch/answers/<broker>.py, paper/brokers/<broker>.py, plan/brokers/<broker>.py. None may lead
    # back to what loads it.
    from ordspec.rules.codes import CODES

    loads = {"ordspec.rules.registry": {row.module for row in CODES}}
    loads["ordspec.compiler"] = {f"ordspec.compiler.{name}" for name in _broker_names()}
    loads["ordspec.dispatch.answers"] = {f"ordspec.dispatch.answers.{name}" for name in _broker_names()}
    loads["ordspec.paper.brokers"] = {m for m in MODULES if m.startswith("ordspec.paper.brokers.")}
    loads["ordspec.plan.brokers"] = {m for m in MODULES if m.startswith("ordspec.plan.brokers.")}
    for loader, plugins in loads.items():
        assert plugins <= set(MODULES), sorted(plugins - set(MODULES))
        assert sorted(p for p in plugins if loader in _reachable(p)) == [], loader


def _violations(lower: tuple[str, ...], higher: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{m} -> {t}"
        for m in GRAPH
        if _inside(m, *lower)
        for t in GRAPH[m]
        if _inside(t, *higher)
    )


def test_the_bottom_imports_nothing_of_ordspec():
    for module in ("ordspec.source", "ordspec.diagnostics"):
        assert GRAPH[module] == set(), f"{module} imports {sorted(GRAPH[module])}"


def test_front_ends_and_reference_data_import_nothing_above_them():
    above = ("ordspec.rules", "ordspec.compiler", "ordspec.pipeline", "ordspec.dispatch", "ordspec.paper",
             "ordspec.render", "ordspec.cli", "ordspec.server", "ordspec.simulate", "ordspec.config", "ordspec.docs")
    for lower in ("ordspec.ir", "ordspec.values", "ordspec.language", "ordspec.grammar", "ordspec.refdata"):
        assert _violations((lower,), above) == []


def test_rules_import_no_back_end_module_and_no_pipeline():
    # rules see a broker through its declared interface (compiler.base) and table, never a broker module
    brokers = tuple(m for m in MODULES if _inside(m, "ordspec.compiler") and m.rpartition(".")[2] in _broker_names())
    assert _violations(("ordspec.rules",), brokers + ("ordspec.pipeline", "ordspec.dispatch", "ordspec.cli")) == []


def test_paper_brokers_check_with_their_own_code():
    # a stand-in broker that validates with the code it is meant to check proves nothing
    found = sorted(
        f"{m} -> {t}"
        for m in GRAPH
        if _inside(m, "ordspec.paper")
        for t in _reachable(m)
        if _inside(t, "ordspec.rules", "ordspec.compiler", "ordspec.pipeline", "ordspec.grammar")
    )
    assert found == []


def test_dispatch_does_not_import_the_pipeline_or_the_cli():
    assert _violations(("ordspec.dispatch",), ("ordspec.pipeline", "ordspec.cli")) == []


def _broker_names() -> list[str]:
    return sorted(p.stem for p in (PACKAGE / "compiler").glob("*.json") if p.stem.isidentifier())


def test_plan_sits_above_dispatch_and_the_pipeline_and_enters_through_adapters():
    # nothing below plan/ imports it (only the CLI runs it) ...
    below = sorted(f"{m} -> {t}" for m in GRAPH if not _inside(m, "ordspec.plan", "ordspec.cli") for t in GRAPH[m] if _inside(t, "ordspec.plan"))
    assert below == []
    # ... and plan/ reaches the rest of ordspec through plan/adapters.py alone
    outside = sorted(
        f"{m} -> {t}" for m in GRAPH if _inside(m, "ordspec.plan") and m != "ordspec.plan.adapters"
        for t in GRAPH[m] if not _inside(t, "ordspec.plan")
    )
    assert outside == []


def test_every_module_stays_under_400_lines():
    # (the project's rule for its own code; grammar/tables.py is written by grammar/build.py)
    root = Path(__file__).resolve().parent.parent / "src" / "ordspec"
    long = {str(p.relative_to(root)): n for p in root.rglob("*.py") if p.name != "tables.py" and (n := len(p.read_text().splitlines())) >= 400}
    assert long == {}
