"""The README's commands and example must keep working."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    bash = _blocks("bash")
    assert any("pip install -e . && formcheck analyze sample_videos/" in b for b in bash)
    test_cmd = next(b.strip() for b in bash if "pytest" in b)
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert test_cmd in ci.splitlines()
    clip = re.search(r"formcheck analyze (sample_videos/\S+\.mp4)", README)
    assert clip and (Path(__file__).resolve().parents[1] / clip.group(1)).exists()


@pytest.mark.slow
def test_python_api_example_runs(capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    (example,) = _blocks("python")
    exec(compile(example, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "{'left': 0, 'right': 3} [] ['knee_bent', 'leg_too_high']" in out


def test_readme_module_table_is_the_one_the_docstrings_make():
    from tools import module_table

    assert module_table.in_readme(README) == module_table.table(), "run: python -m tools.module_table --write"
    # every module of the package is in it (a new module without a docstring still shows up, empty)
    shipped = {
        p.relative_to(module_table.PACKAGE).as_posix()
        for p in module_table.PACKAGE.glob("*/*.py")
        if p.name != "__init__.py"
    }
    listed = set(re.findall(r"\| `([a-z_]+/[a-z_]+\.py)` \|", module_table.table()))
    assert shipped == listed
