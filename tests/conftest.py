"""Shared fixtures: the tests' own copy of the Tam Đường plan, broken copies of it,
and one build of it shared by the whole run.

The tests read ``tests/fixtures/tam-duong`` (a frozen copy of the plan the project
ships in ``plan/``), never the editable ``plan/`` folder: the office will change that
folder (its real appendix, its own agencies) and the tests must not break the day it
does.  Only ``tests/test_bundled_plan.py`` reads ``plan/`` (it builds, it validates,
it prints every paragraph of the seed)."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: the tests' Tam Đường plan (a frozen copy of the bundled ``plan/``)
PLAN = FIXTURES / "tam-duong"
#: the plan the project ships: for the smoke tests of tests/test_bundled_plan.py only
BUNDLED_PLAN = ROOT / "plan"


@pytest.fixture
def plan_copy(tmp_path: Path) -> Path:
    """A fresh copy of the fixture plan (:data:`PLAN`) that a test may break."""
    target = tmp_path / "plan"
    shutil.copytree(PLAN, target)
    return target


def position(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """1-based (line, column) of ``needle``'s first occurrence plus ``offset``
    characters — computed from the text, independently of the loader."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def replace_once(path: Path, old: str, new: str) -> str:
    """Replace the first occurrence of ``old`` in ``path``; return the new text."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


SEED = FIXTURES / "ke-hoach-tam-duong-qd27.md"


def norm(text: str) -> str:
    """NFC, every run of whitespace (draft blanks included) collapsed to one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def seed_paragraphs() -> list[str]:
    """The seed's paragraphs, in order, without Markdown decoration (headings'
    ``#``, ``**`` bold markers, the two-space hard line breaks)."""
    out = []
    for block in SEED.read_text(encoding="utf-8").split("\n\n"):
        text = re.sub(r"^#+\s*", "", block.strip())
        text = text.replace("**", "").replace("  \n", "\n")
        for line in text.split("\n"):
            line = norm(line)
            if line:
                out.append(line)
    return out


def spy_rendered_here(monkeypatch) -> list[str]:
    """Paths of the .docx rendered in this process (not in a -j worker), in order:
    wraps ``kehoach.build._run_here`` for the incremental and parallel tests."""
    import importlib
    module = importlib.import_module("kehoach.build")  # the module (kehoach.build is the function)
    seen: list[str] = []
    real = module._run_here

    def run_here(plan, job):
        seen.append(job.path)
        return real(plan, job)
    monkeypatch.setattr(module, "_run_here", run_here)
    return seen


def use_default_templates(plan_dir: Path, folder: str = "mau") -> Path:
    """Give the plan its own template folder (``templates: mau``) holding copies of
    the default templates; returns the folder (a test may then change one)."""
    from kehoach.resources import data_dir
    templates = plan_dir / folder
    templates.mkdir()
    for name in ("plan.docx", "letter.docx", "report.docx", "consolidated.docx"):
        shutil.copyfile(data_dir("templates") / name, templates / name)
    text = (plan_dir / "plan.yaml").read_text(encoding="utf-8")
    (plan_dir / "plan.yaml").write_text(text.replace("\nlevel:", f"\ntemplates: {folder}\nlevel:", 1), encoding="utf-8")
    return templates
