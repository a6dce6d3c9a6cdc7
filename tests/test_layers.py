"""The house's arrows run one way (docs/architecture.md): no module imports a
layer above it.  Read from the source with ast, not by importing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "kehoach"

#: layer → the kehoach modules it must never import (directly, at any place in the file)
FORBIDDEN = {
    "model": ("load", "documents", "render", "templating", "build", "cli", "returns", "diff"),
    "timeline": ("load", "documents", "render", "templating", "build", "cli"),
    "periods": ("load", "documents", "render", "templating", "build", "cli"),
    "load": ("documents", "render", "templating", "build", "cli", "diff"),
    "render": ("documents", "build", "cli", "load", "diff"),
    "documents": ("build", "cli", "diff"),
    "templating": ("build", "cli", "diff", "load"),
    "returns": ("documents", "render", "templating", "build", "cli"),
    "diff": ("documents", "render", "templating", "build", "cli"),
}

#: known sideways uses of a lower-level helper, with the reason
ALLOWED = {
    ("load/limits.py", "templating"): "the bounds are the style profile's defaults (templating/profile.py is data)",
    ("returns/write.py", "render"): "writing a return atomically (render/publish.py's atomic_write_bytes)",
}


def _imports(path: Path) -> set[str]:
    """The kehoach submodules a file imports, as top-level names under kehoach ("load", "render", …)."""
    package = path.relative_to(SRC.parent).with_suffix("").parts[:-1]
    if path.name == "__init__.py":
        package = path.relative_to(SRC.parent).parts[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                parts = list(base) + (node.module.split(".") if node.module else [])
                names = [parts] if node.module else [parts + [a.name] for a in node.names]
            else:
                names = [node.module.split(".")] if node.module else []
            for p in names:
                if len(p) > 1 and p[0] == "kehoach":
                    out.add(p[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                p = alias.name.split(".")
                if len(p) > 1 and p[0] == "kehoach":
                    out.add(p[1])
    return out


def _files(layer: str) -> list[Path]:
    folder = SRC / layer
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [SRC / f"{layer}.py"]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_arrow_runs_back_up(layer):
    bad = {f"{f.relative_to(SRC)} imports kehoach.{name}"
           for f in _files(layer) for name in _imports(f) & set(FORBIDDEN[layer])
           if (str(f.relative_to(SRC)), name) not in ALLOWED}
    assert not bad, sorted(bad)


def test_the_reader_sees_imports():
    """The check can fail: build.py imports documents and render."""
    assert {"documents", "render", "model"} <= _imports(SRC / "build.py")
    assert "model" in _imports(SRC / "load" / "__init__.py")
