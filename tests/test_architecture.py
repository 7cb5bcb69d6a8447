"""The package's shape: one direction of imports, one place that reads files and dates rows."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "targets"

#: Layers from sources to pages: a module may import only from its own layer or below.
LAYERS = {
    "errors": 0,
    "lab": 0,
    "_quiet": 0,
    "portable": 0,
    "sources": 1,
    "formatting": 1,
    "engine": 2,
    "growth": 3,
    "counts": 4,
    "assess": 5,
    "report": 6,
    "cli": 7,
    "__main__": 7,
}

#: Modules allowed to open data files or build a vintage: the sources layer itself and the
#: entry points (the command, the pages, and the public functions' defaults).
ENTRY_POINTS = {
    "targets.cli",
    "targets.report.render",
    "targets.report.frontpage",
    "targets.assess",  # assess(), scorecard(), track_record() build a default vintage
    "targets.engine.curvefit",  # FitNoise.default(): the shipped constants for forecast()
    "targets.engine.models.ensemble",  # the shipped constants for forecast()
}
READERS = ("targets.sources.files", "targets.sources.data", "targets.sources.vintage.open_vintage")
#: A publication or usable-from date compared with anything: only the vintage does this.
DATE_COMPARISON = re.compile(
    r"""\[\s*["'](published|usable_from)["']\s*\]\s*(<=|>=|<|>)"""
    r"""|(<=|>=|<|>)\s*[\w.]+\[\s*["'](published|usable_from)["']\s*\]"""
)
#: Row validation in the sources layer compares a row's own dates (an actual cannot be
#: published before its period ends); only the vintage compares them with an as-of date.


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "_bundled" in path.parts:
            continue
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(path: Path, name: str) -> list[tuple[str, bool]]:
    """``(imported module or name, at module level)`` for every import of targets.*, except
    those for type checkers only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, top: bool, typing_only: bool) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                visit(child, top, True)
            for child in node.orelse:
                visit(child, top, typing_only)
            return
        if isinstance(node, ast.Import) and not typing_only:
            found.extend((a.name, top) for a in node.names if a.name.startswith("targets"))
        elif isinstance(node, ast.ImportFrom) and not typing_only:
            base = node.module or ""
            if node.level:  # relative import
                pkg = name.split(".")
                base = ".".join(pkg[: len(pkg) - node.level + 1] + ([base] if base else []))
            if base.startswith("targets"):
                found.extend((f"{base}.{a.name}", top) for a in node.names)
        inner_top = top and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.iter_child_nodes(node):
            visit(child, inner_top, typing_only)

    visit(tree, True, False)
    return found


def _resolve(target: str, modules: dict[str, Path]) -> str | None:
    """The package module an import names (``targets.a.b.name`` -> ``targets.a.b``)."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target or None


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


MODULES = _modules()
GRAPH = {
    name: {
        (_resolve(t, MODULES), top)
        for t, top in _imports(path, name)
        if _resolve(t, MODULES) not in (None, name)
    }
    for name, path in MODULES.items()
}


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _layer(n) is not None))
def test_imports_go_one_way_from_sources_to_pages(name):
    own = _layer(name)
    upward = sorted(t for t, _ in GRAPH[name] if t and _layer(t) is not None and _layer(t) > own)
    assert not upward, f"{name} (layer {own}) imports from a higher layer: {upward}"


def test_the_module_level_import_graph_has_no_cycle():
    edges = {n: {t for t, top in deps if top and t != "targets"} for n, deps in GRAPH.items()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in edges.get(node, ()):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])


def test_only_sources_and_entry_points_read_files():
    readers = {}
    for name, path in MODULES.items():
        if name.startswith("targets.sources") or name in ENTRY_POINTS or name == "targets":
            continue
        imported = {t for t, _ in _imports(path, name)}
        hits = sorted(t for t in imported if any(t == r or t.startswith(r + ".") for r in READERS))
        if hits:
            readers[name] = hits
    assert not readers, f"modules below the entry points that read data files: {readers}"


def test_only_the_vintage_compares_publication_dates():
    comparing = {}
    for name, path in MODULES.items():
        if name.startswith("targets.sources"):
            continue
        hits = DATE_COMPARISON.findall(path.read_text(encoding="utf-8"))
        if hits:
            comparing[name] = len(hits)
    assert not comparing, f"modules comparing publication dates themselves: {comparing}"


def test_the_checks_can_fail():
    # The checks above must see what they look for: a planted upward import, a planted
    # date comparison and a planted cycle are caught.
    assert DATE_COMPARISON.search('rows[rows["published"] <= cutoff]')
    assert DATE_COMPARISON.search("keep = cutoff >= frame['usable_from']")
    fake = PACKAGE / "engine" / "forecast.py"
    deps = {t for t, _ in _imports(fake, "targets.engine.forecast")}
    assert any(_resolve(t, MODULES) == "targets.engine.models" for t in deps)
    assert _layer("targets.report.plots") > _layer("targets.assess.series")
