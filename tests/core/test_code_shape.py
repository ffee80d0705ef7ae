"""The shape of the code in ``core``: no function takes more than six positional parameters.

A call with seven positional arguments cannot be read without the definition beside it, and two
of them swapped still type-check when they share a type. Keyword-only parameters (after ``*``)
are free. The receiver of a method (``self``, ``cls``: the first parameter of a def directly in a
class body that is not a ``staticmethod``) is not counted: the caller does not pass it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "core"
MAX_POSITIONAL = 6


def positional_count(fn: ast.FunctionDef | ast.AsyncFunctionDef, in_class: bool) -> int:
    n = len(fn.args.posonlyargs) + len(fn.args.args)
    static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list)
    return n - 1 if in_class and not static and n else n


def too_many(source: str, name: str = "<source>") -> list[str]:
    """``file:line name(n)`` for each def in ``source`` with more than MAX_POSITIONAL positional parameters."""
    tree = ast.parse(source, filename=name)
    out: list[str] = []

    def visit(node: ast.AST, in_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                n = positional_count(child, in_class)
                if n > MAX_POSITIONAL:
                    out.append(f"{name}:{child.lineno} {child.name}({n})")
                visit(child, False)
            else:
                visit(child, isinstance(child, ast.ClassDef))

    visit(tree, False)
    return out


def test_the_rule_counts_positional_parameters_and_not_the_receiver() -> None:
    src = (
        "def f(a, b, c, d, e, f, g): pass\n"
        "def ok(a, b, c, d, e, f, *, g, h): pass\n"
        "def ok2(a, b, /, c, d, e, f, *args, g=1, **kw): pass\n"
        "class C:\n"
        "    def m(self, a, b, c, d, e, f): pass\n"
        "    def n(self, a, b, c, d, e, f, g): pass\n"
        "    @staticmethod\n"
        "    def s(a, b, c, d, e, f, g): pass\n"
        "    def outer(self):\n"
        "        def inner(a, b, c, d, e, f, g): pass\n"
    )
    assert [r.split(" ")[1] for r in too_many(src)] == ["f(7)", "n(7)", "s(7)", "inner(7)"]


def test_core_has_no_function_with_more_than_six_positional_parameters() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 20, CORE
    found = [hit for p in files for hit in too_many(p.read_text(encoding="utf-8"), str(p.relative_to(CORE)))]
    if found:
        pytest.fail("Make the parameters after the sixth keyword-only (after `*`) or group them: " + "; ".join(found))
