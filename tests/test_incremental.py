"""Incremental builds: a document whose inputs did not change is taken from
the previous build (input keys in manifest.json); the result is always the
bytes a build from scratch gives."""

from __future__ import annotations

import importlib
import json
import sys
import zipfile
from pathlib import Path

import pytest

import kehoach

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from synth_plan import write_plan  # noqa: E402
from conftest import spy_rendered_here, use_default_templates

build_module = importlib.import_module("kehoach.build")


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """Paths of the .docx actually rendered (builds here use -j 1)."""
    return spy_rendered_here(monkeypatch)


@pytest.fixture
def plan_dir(tmp_path) -> Path:
    folder = tmp_path / "plan"
    write_plan(folder, 24, 10)
    return folder


def build(plan_dir: Path, out: Path, force: bool = False):
    return kehoach.build(kehoach.load_plan(plan_dir), out, jobs=1, force=force)


def docx_paths(result) -> set[str]:
    return {d.path for d in result.documents if d.path.endswith(".docx")}


def test_unchanged_plan_renders_nothing_and_gives_the_same_files(plan_dir, tmp_path, rendered, monkeypatch):
    pages: list[int] = []
    real_page = build_module.html_preview.page
    monkeypatch.setattr(build_module.html_preview, "page", lambda plan, docs: pages.append(1) or real_page(plan, docs))
    first = build(plan_dir, tmp_path / "out")
    assert pages == [1]
    assert set(rendered) == docx_paths(first)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    keyed = {e["path"] for e in manifest["documents"] if "input" in e}
    assert keyed == docx_paths(first) | {"preview/index.html"}
    before = tree(tmp_path / "out")
    rendered.clear()
    build(plan_dir, tmp_path / "out")
    assert rendered == [] and pages == [1], "nothing rendered, the HTML preview reused"
    assert tree(tmp_path / "out") == before


def test_one_task_change_renders_only_the_documents_that_use_it(plan_dir, tmp_path, rendered):
    build(plan_dir, tmp_path / "out")
    before = tree(tmp_path / "out")
    plan = kehoach.load_plan(plan_dir)
    task = next(t for t in plan.tasks if plan.support_agencies(t))
    involved = set(plan.lead_agencies(task)) | set(plan.support_agencies(task))
    text = (plan_dir / "tasks.yaml").read_text(encoding="utf-8")
    assert text.count(task.content) == 1
    (plan_dir / "tasks.yaml").write_text(text.replace(task.content, "Nhiệm vụ đã sửa nội dung."), encoding="utf-8")

    rendered.clear()
    result = build(plan_dir, tmp_path / "out")
    again = set(rendered)
    changed = {p for p, data in tree(tmp_path / "out").items() if before.get(p) != data and p.endswith(".docx")}
    assert again == changed, "exactly the documents whose bytes change are rendered"
    assert f"{plan.id}.docx" in again
    expected = {d.path for d in result.documents if d.path.endswith(".docx") and d.agency in involved}
    assert again == expected | {f"{plan.id}.docx"}
    assert len(again) < len(docx_paths(result))

    build(plan_dir, tmp_path / "scratch", force=True)
    assert tree(tmp_path / "out") == tree(tmp_path / "scratch")


def test_version_change_renders_everything(plan_dir, tmp_path, rendered, monkeypatch):
    first = build(plan_dir, tmp_path / "out")
    rendered.clear()
    monkeypatch.setattr(build_module, "__version__", "999.0")
    build(plan_dir, tmp_path / "out")
    assert set(rendered) == docx_paths(first)


def test_epoch_change_renders_everything(plan_dir, tmp_path, rendered, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    first = build(plan_dir, tmp_path / "out")
    rendered.clear()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    build(plan_dir, tmp_path / "out")
    assert set(rendered) == docx_paths(first)


def test_template_change_renders_every_document_of_that_template(plan_dir, tmp_path, rendered):
    text = (plan_dir / "plan.yaml").read_text(encoding="utf-8")   # without the template folder
    templates = use_default_templates(plan_dir)
    first = build(plan_dir, tmp_path / "out")
    # the same parts, stored without compression: other template bytes
    letter = templates / "letter.docx"
    with zipfile.ZipFile(letter) as old:
        parts = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(letter, "w", zipfile.ZIP_STORED) as new:
        for info, data in parts:
            new.writestr(info.filename, data)
    rendered.clear()
    build(plan_dir, tmp_path / "out")
    letters = {d.path for d in first.documents if d.kind == "letter" and d.path.endswith(".docx")}
    assert letters and set(rendered) == letters

    # the style reaches the documents through regenerated templates: a change renders everything
    (plan_dir / "plan.yaml").write_text(text.replace("\nlevel:", "\nstyle:\n  body_size: 13\nlevel:", 1),
                                        encoding="utf-8")
    rendered.clear()
    second = build(plan_dir, tmp_path / "out")
    assert set(rendered) == docx_paths(second)


def test_hand_edited_output_is_rendered_again(plan_dir, tmp_path, rendered):
    first = build(plan_dir, tmp_path / "out")
    letter = next(d for d in first.documents if d.kind == "letter" and d.path.endswith(".docx"))
    (tmp_path / "out" / letter.path).write_bytes(b"edited by hand")
    rendered.clear()
    build(plan_dir, tmp_path / "out")
    assert rendered == [letter.path]
    assert (tmp_path / "out" / letter.path).read_bytes() == letter.data


def test_force_on_the_command_line_renders_everything(plan_dir, tmp_path, rendered):
    from kehoach import cli
    out = tmp_path / "out"
    argv = ["-q", "build", str(plan_dir), "-o", str(out), "-j", "1"]
    assert cli.main(argv) == 0
    everything, before = set(rendered), tree(out)
    rendered.clear()
    assert cli.main(argv) == 0
    assert rendered == [] and tree(out) == before
    assert cli.main(argv + ["--force"]) == 0
    assert set(rendered) == everything and tree(out) == before
