"""The architecture as the file list shows it: stages as packages, imports only down the stack, one frame loop,
modules small enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "formcheck"
# Bottom to top: a module may import its own package and the packages below it, never one above or a peer.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("io", "definitions"),
    ("pose",),
    ("engine",),
    ("analysis",),
    ("render",),
    ("report",),
    ("history",),
    ("live",),
    ("app",),
)
ANYWHERE = {"errors", "version"}  # leaves everything may use
FACADE = {"__init__", "__main__"}  # the package's own entry points, above everything
MAX_LINES = 400
# radon's grade C ends at 20: a function more tangled than that is split by concern (issue 22's target)
MAX_COMPLEXITY = 20
CODE_DIRS = ("formcheck", "bench", "tools", "clipsynth")


def rank(package: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if package in names)


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def imported(path: Path) -> list[tuple[int, str]]:
    """Every formcheck module ``path`` imports, at any depth (function-level imports too), with its line."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"formcheck.{a.name}" for a in node.names] if node.module == "formcheck" else [node.module]
            out += [(node.lineno, n) for n in names if n.startswith("formcheck.")]
            assert node.module != "formcheck" or all(a.name in ANYWHERE for a in node.names), (path, node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            pytest.fail(f"{path}:{node.lineno}: a relative import (formcheck imports by absolute path)")
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("formcheck.")]
    return out


def stage(dotted: str) -> str:
    return dotted.split(".")[1]


def violations(path: Path, rel: Path) -> list[str]:
    """Where the module at ``path`` (``rel`` inside the package) imports up the stack or sideways."""
    if len(rel.parts) == 1:
        if rel.stem in FACADE:
            return []
        if rel.stem not in ANYWHERE:
            return [f"{rel}: a module outside the stage packages"]
        return [f"{rel}:{line}: a leaf imports {name}" for line, name in imported(path)]
    own, out = rel.parts[0], []
    for line, name in imported(path):
        other = stage(name)
        if other in ANYWHERE or other == own:
            continue
        if other not in {p for layer in LAYERS for p in layer}:
            out.append(f"{rel}:{line}: unknown stage {other}")
        elif rank(other) >= rank(own):
            out.append(f"{rel}:{line} imports {name}: {other} is not below {own}")
    return out


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_down_the_stack(path: Path):
    assert violations(path, path.relative_to(PACKAGE)) == []


def test_an_import_up_the_stack_or_sideways_is_caught(tmp_path: Path):
    bad = tmp_path / "m.py"
    bad.write_text(
        "from formcheck.engine.reps import RepTracker\n"
        "def f():\n    from formcheck.report.exercise_report import Report\n"
        "def g():\n    from formcheck.definitions.loader import Catalogue\n"
    )
    assert len(violations(bad, Path("analysis/m.py"))) == 1  # the report, imported inside a function
    assert len(violations(bad, Path("io/m.py"))) == 3  # definitions is io's peer, not below it
    assert violations(bad, Path("app/m.py")) == []


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small_and_say_what_they_are(path: Path):
    text = path.read_text()
    assert len(text.splitlines()) <= MAX_LINES, f"{path.name}: split it by concern"
    assert ast.get_docstring(ast.parse(text)), f"{path.name} has no docstring saying what it is"


def test_there_is_one_frame_loop():
    """Only the loop calls a pose backend: analyze, replay and live go through it. (The backends themselves,
    in pose/, call their models.)"""
    callers = [
        p.relative_to(PACKAGE)
        for p in modules()
        if p.parent.name != "pose"
        and any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "process"
            for n in ast.walk(ast.parse(p.read_text()))
        )
    ]
    assert callers == [Path("analysis/loop.py")]


def test_no_function_is_over_radon_grade_c():
    """Cyclomatic complexity (radon, the measure the redesign's target was set in) of every function in the
    package, the benchmarks, the tools and the clip renderer."""
    from radon.complexity import cc_visit

    root = PACKAGE.parent
    over = [
        f"{path.relative_to(root)}:{block.lineno} {block.fullname} ({block.complexity})"
        for d in CODE_DIRS
        for path in sorted((root / d).rglob("*.py"))
        for block in cc_visit(path.read_text())
        if block.complexity > MAX_COMPLEXITY
    ]
    assert over == [], "split by concern: " + ", ".join(over)
