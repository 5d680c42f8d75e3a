"""The shape of the code: modules of one concept, imports that say their cost.

The layers and the no-cycle rule are import-linter contracts (pyproject.toml,
run by ``make lint``); these guards cover what import-linter does not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("loaders", "geodata", "dashboard")
MAX_LINES = 800  # a guard, not the aim: one concept per module
MODULES = sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_over_the_guard(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)}: {lines} lines; split it"


def _inner_project_imports(tree: ast.Module):
    """Project imports inside a function body (not under ``if TYPE_CHECKING``)."""
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            if any(n.split(".")[0] in PACKAGES for n in names):
                yield node


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_project_imports_inside_functions_say_their_measured_cost(path):
    """Imports go to module top level unless a measured cost says otherwise."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for node in _inner_project_imports(ast.parse(text)):
        # the reason sits in a comment within the few lines above the import
        before = "\n".join(lines[max(0, node.lineno - 6) : node.lineno])
        assert "#" in before and any(
            w in before for w in ("measured", "costs", "cost", " s ", " ms")
        ), (
            f"{path.relative_to(ROOT)}:{node.lineno}: a project import inside a "
            "function without a comment giving its measured import cost"
        )
