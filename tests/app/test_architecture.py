"""The window's architecture, checked on the import graph (grimp, which import-linter uses):
no import cycle anywhere in reverie.app, and each feature installs through one ``install``."""

from __future__ import annotations

import inspect

import grimp
import pytest

FEATURES = ("chat", "notes", "search", "memories", "reminders", "insights", "settings", "transfer")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("reverie", cache_dir=None)


def cycles(graph: grimp.ImportGraph, prefix: str) -> list[list[str]]:
    """The strongly connected groups of more than one module under ``prefix`` (Tarjan), each sorted."""
    nodes = sorted(m for m in graph.modules if m == prefix or m.startswith(prefix + "."))
    inside = set(nodes)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & inside) for m in nodes}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for n in nodes:
        if n not in index:
            visit(n)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    g = grimp.ImportGraph()
    for a, b in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")):
        g.add_import(importer=a, imported=b)
    assert cycles(g, "p") == [["p.a", "p.b", "p.c"]]


def test_no_import_cycle_in_the_window(graph: grimp.ImportGraph) -> None:
    assert cycles(graph, "reverie.app.ui") == []


def test_no_import_cycle_in_the_app(graph: grimp.ImportGraph) -> None:
    assert cycles(graph, "reverie.app") == []


def test_features_reach_each_other_by_no_import_chain(graph: grimp.ImportGraph) -> None:
    for a in FEATURES:
        for b in FEATURES:
            if a != b:
                chain = graph.find_shortest_chain(
                    importer=f"reverie.app.ui.{a}", imported=f"reverie.app.ui.{b}", as_packages=True
                )
                assert chain is None, f"{a} reaches {b}: {' -> '.join(chain)}"


def test_each_feature_exposes_one_install_taking_the_shell_and_the_services() -> None:
    import importlib

    from reverie.app.ui import compose

    assert [name for name, _ in compose.FEATURES] == list(FEATURES)
    for name in FEATURES:
        package = importlib.import_module(f"reverie.app.ui.{name}")
        installs = [n for n in vars(package) if n == "install" or n.startswith("install_")]
        assert installs == ["install"], name
        assert list(inspect.signature(package.install).parameters) == ["shell", "services"], name
