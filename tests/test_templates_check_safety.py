"""``kehoach templates check`` reads templates the way the build does: only
regular files inside the repository (symlinks resolved), within the build's
size limit; a template folder outside the repository is refused (KH096), a
symlink out of it, a FIFO, a device or an oversized file is refused (KH093) —
without hanging and without echoing what lies outside.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kehoach.build import sample_contexts
from kehoach.load import check_plan
from kehoach.templating.check import check_templates

ROOT = Path(__file__).resolve().parent.parent
SRC = str(ROOT / "src")
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "harden-small"
SECRET = "BÍ-MẬT-NGOÀI-KHO-91c2"


@pytest.fixture(scope="module")
def contexts():
    plan, diagnostics = check_plan(FIXTURE)
    assert plan is not None, [d.format() for d in diagnostics]
    return sample_contexts(plan)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A plan repository (``.git``) with the plan and a copy of the default
    templates, and a secret file outside it."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(FIXTURE, repo / "plan")
    shutil.copytree(ROOT / "templates", repo / "templates")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "plan.docx").write_text(SECRET + "\n", encoding="utf-8")
    return repo


def cli(repo: Path, *args: str) -> tuple[int, str, float]:
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "kehoach", "templates", "check", *args],
                            cwd=repo, env={**os.environ, "PYTHONPATH": SRC},
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr, time.monotonic() - start


def test_clean_copy_passes(repo):
    code, output, _ = cli(repo, "templates", "--plan", "plan")
    assert code == 0, output
    assert "Traceback" not in output


def test_symlink_inside_the_repository_is_read(repo, contexts):
    (repo / "shared").mkdir()
    os.replace(repo / "templates" / "letter.docx", repo / "shared" / "letter.docx")
    (repo / "templates" / "letter.docx").symlink_to(repo / "shared" / "letter.docx")
    assert check_templates(repo / "templates", contexts) == []


def test_symlink_outside_the_repository_is_refused_unread(repo):
    (repo / "templates" / "plan.docx").unlink()
    (repo / "templates" / "plan.docx").symlink_to(repo.parent / "outside" / "plan.docx")
    code, output, _ = cli(repo, "templates", "--plan", "plan")
    assert code == 1, output
    assert "templates/plan.docx:1:1: KH093 lỗi: không đọc mẫu văn bản 'plan.docx': tệp là liên kết" in output
    assert SECRET not in output and "Traceback" not in output


def test_fifo_is_refused_without_hanging(repo):
    (repo / "templates" / "report.docx").unlink()
    os.mkfifo(repo / "templates" / "report.docx")
    code, output, elapsed = cli(repo, "templates", "--plan", "plan")
    assert code == 1, output
    assert "templates/report.docx:1:1: KH093 lỗi:" in output and "FIFO" in output
    assert elapsed < 60


def test_device_is_refused(repo, contexts):
    (repo / "templates" / "plan.docx").unlink()
    (repo / "templates" / "plan.docx").symlink_to("/dev/zero")
    diags = check_templates(repo / "templates", contexts, root=Path("/"))  # even with / as the root
    assert [(d.code, Path(d.path).name) for d in diags] == [("KH093", "plan.docx")]
    assert "thiết bị" in diags[0].message


def test_oversized_template_is_refused(repo, contexts, monkeypatch):
    monkeypatch.setattr(importlib.import_module("kehoach.documents.env"), "MAX_TEMPLATE_BYTES", 1000)
    diags = check_templates(repo / "templates", contexts)
    assert sorted(Path(d.path).name for d in diags) == sorted(contexts)
    assert {d.code for d in diags} == {"KH093"} and "vượt giới hạn" in diags[0].message


def test_folder_outside_the_plan_repository_is_refused(repo, contexts, tmp_path):
    """What the build does with ``templates: /elsewhere`` (KH096), for a caller
    that names the plan's repository."""
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "templates", elsewhere)
    diags = check_templates(elsewhere, contexts, root=repo)
    assert [(d.code, d.path, d.line, d.col) for d in diags] == [("KH096", str(elsewhere), 1, 1)]
    assert "nằm ngoài kho kế hoạch" in diags[0].message
    # the same folder linked into the repository is still outside it
    (repo / "linked").symlink_to(elsewhere)
    assert [d.code for d in check_templates(repo / "linked", contexts, root=repo)] == ["KH096"]
    assert check_templates(repo / "templates", contexts, root=repo) == []
