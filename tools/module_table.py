"""The README's table of formcheck's modules, made from their docstrings (so the table cannot drift from the
code): ``python -m tools.module_table`` prints it; ``--write`` puts it into README.md between its markers."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "formcheck"
README = ROOT / "README.md"
START, END = "<!-- module table: python -m tools.module_table --write -->", "<!-- end of module table -->"
_BLOCK = re.compile(re.escape(START) + r"\n(.*?)" + re.escape(END), flags=re.S)


def first_sentence(doc: str) -> str:
    """The docstring's first sentence (its first paragraph, up to a full stop)."""
    para = " ".join(doc.strip().split("\n\n")[0].split())
    m = re.search(r"(?<!e\.g)(?<!i\.e)\.(\s|$)", para)
    return (para[: m.start()] if m else para).rstrip(":")


def rows() -> list[tuple[str, str]]:
    """(module, concern) for each package then its modules, in the order of the stack, bottom first."""
    order = ["io", "definitions", "pose", "engine", "analysis", "render", "report", "history", "live", "app"]
    out = []
    for name in order:
        pkg = PACKAGE / name
        out.append((f"**`{name}/`**", _concern(pkg / "__init__.py")))
        mods = sorted(m for m in pkg.glob("*.py") if m.name != "__init__.py")
        out += [(f"`{name}/{mod.name}`", _concern(mod)) for mod in mods]
    return out


def _concern(path: Path) -> str:
    return first_sentence(ast.get_docstring(ast.parse(path.read_text())) or "")


def table() -> str:
    lines = ["| module | concern |", "| --- | --- |"]
    lines += [f"| {m} | {c.replace('|', '/')} |" for m, c in rows()]
    return "\n".join(lines)


def in_readme(text: str) -> str | None:
    """The table as the README has it (None: no markers)."""
    m = _BLOCK.search(text)
    return m.group(1).strip("\n") if m else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--write", action="store_true", help="replace the table in README.md")
    args = ap.parse_args()
    if not args.write:
        print(table())
        return 0
    text = README.read_text()
    if in_readme(text) is None:
        raise SystemExit(f"README.md has no {START!r} ... {END!r} markers")
    README.write_text(_BLOCK.sub(lambda _: f"{START}\n{table()}\n{END}", text, count=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
