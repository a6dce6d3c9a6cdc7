"""`kehoach build`: manifest, reproducibility, atomicity, and YAML text that
looks like template code or XML coming out literally."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

import kehoach
from kehoach.build import build, render_plan
from kehoach.documents.kind import FileKind
from kehoach.render import publish as _publish_fn  # noqa: F401  (the function)

from conftest import AS_OF, PLAN, replace_once, run_cli


def run_process(*args: str) -> subprocess.CompletedProcess:
    """``python -m kehoach args`` in a fresh process (no cache shared with this one)."""
    return subprocess.run([sys.executable, "-m", "kehoach", *args], capture_output=True, text=True)


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def doc_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def test_build_writes_documents_and_manifest(tmp_path):
    result = run_cli("build", str(PLAN), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator"] == "kehoach" and manifest["plan"] == "tam-duong-qd27"
    entries = manifest["documents"]
    plan = kehoach.load_plan(PLAN)
    kinds = [e["kind"] for e in entries]
    assert kinds[0] == "plan" and kinds.count("plan") == 1
    assert kinds.count("letter") == len(set(plan.agencies_with_tasks()) | set(plan.agencies_with_duties()))
    assert kinds.count("calendar") == kinds.count("letter") + 1   # every agency with a letter, and the office
    assert {e["period"] for e in entries if e["kind"] == "report-template"} == {"2025-H1"}
    assert all(e.get("agency") for e in entries if e["kind"] in ("letter", "report-template"))
    for entry in entries:
        data = (tmp_path / "out" / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == manifest["files"][entry["path"]]
        assert "sha256" not in entry  # each hash is stored once, in "files"


def test_two_builds_are_byte_identical(tmp_path, plan_build):
    build(kehoach.load_plan(PLAN), tmp_path / "b", options=kehoach.BuildOptions(as_of=AS_OF))
    assert tree(plan_build.out) == tree(tmp_path / "b")
    # and in a fresh process (no shared caches)
    result = run_process("build", str(PLAN), "-o", str(tmp_path / "c"), "--as-of", AS_OF.isoformat())
    assert result.returncode == 0, result.stderr
    assert tree(plan_build.out) == tree(tmp_path / "c")


def test_source_date_epoch_is_honoured(tmp_path):
    assert run_cli("build", str(PLAN), "-o", str(tmp_path / "a"), env={"SOURCE_DATE_EPOCH": "1741000000"}).returncode == 0
    name = next(p for p in (tmp_path / "a").iterdir() if p.suffix == ".docx")
    with zipfile.ZipFile(name) as z:
        assert {i.date_time[:3] for i in z.infolist()} == {(2025, 3, 3)}
        assert b"2025-03-03T" in z.read("docProps/core.xml")


def test_failed_build_leaves_output_untouched(tmp_path, plan_copy, plan_build):
    out = tmp_path / "out"
    shutil.copytree(plan_build.out, out)  # a previous, good build of the same plan
    before = tree(out)
    # invalid input: exit 1, output unchanged
    replace_once(plan_copy / "plan.yaml", "  from: 2025", "  from: x")
    result = run_cli("build", str(plan_copy), "-o", str(out))
    assert result.returncode == 1 and "KH021" in result.stderr and "Traceback" not in result.stderr
    assert tree(out) == before


def test_failure_midway_leaves_output_untouched(tmp_path, monkeypatch, plan_build):
    """A build that fails after some documents were rendered publishes nothing."""
    import importlib
    build_module = importlib.import_module("kehoach.build")
    plan = kehoach.load_plan(PLAN)
    out = tmp_path / "out"
    shutil.copytree(plan_build.out, out)  # a previous, good build of the same plan
    before = tree(out)

    def explode(plan, env, selection):
        raise RuntimeError("injected failure after the plan document was rendered")

    monkeypatch.setattr(build_module, "KINDS", [*build_module.KINDS, FileKind("explode", explode)])
    with pytest.raises(RuntimeError):
        build(plan, out)
    assert tree(out) == before


def test_broken_custom_template_is_a_diagnostic_not_a_traceback(tmp_path, plan_copy):
    templates = plan_copy / "mau"
    templates.mkdir()
    (templates / "plan.docx").write_bytes(b"not a zip")
    replace_once(plan_copy / "plan.yaml", "level: huyen\n", "level: huyen\ntemplates: mau\n")
    out = tmp_path / "out"
    result = run_cli("build", str(plan_copy), "-o", str(out))
    assert result.returncode == 1, result.stderr
    assert "KH050" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_missing_template_folder_is_positioned(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", "level: huyen\n", "level: huyen\ntemplates: khong-co\n")
    line = text[:text.index("templates: khong-co")].count("\n") + 1
    plan, diagnostics = kehoach.check_plan(plan_copy)
    assert plan is None
    hit = [d for d in diagnostics if d.code == "KH053"][0]
    assert (hit.line, hit.col) == (line, len("templates: ") + 1)


@pytest.mark.parametrize("payload", ["{{ 7*7 }}", "{% if true %}x{% endif %}", "<w:p>", "A & B", "]]>", "{%p endfor %}"])
def test_template_looking_text_comes_out_literally(plan_copy, payload):
    replace_once(plan_copy / "plan.yaml", "Vũ Xuân Thịnh", f"Vũ Xuân Thịnh {payload}")
    tasks = plan_copy / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    start = text.index("output: ") + len("output: ")
    tasks.write_text(text[:start] + f"'{payload} nội dung'\n" + text[text.index("\n", start) + 1:], encoding="utf-8")
    plan = kehoach.load_plan(plan_copy)
    data = render_plan(plan)
    text = doc_text(data)
    assert f"Vũ Xuân Thịnh {payload}" in text
    assert f"{payload} nội dung" in text
    assert "49" not in text.split("Vũ Xuân Thịnh")[1][:10]


def test_style_override_regenerates_templates(plan_copy):
    replace_once(plan_copy / "plan.yaml", "level: huyen\n", "level: huyen\nstyle:\n  body_size: 13\n  margin_left_mm: 35\n")
    plan = kehoach.load_plan(plan_copy)
    document = docx.Document(io.BytesIO(render_plan(plan)))
    assert round(document.sections[0].left_margin.mm) == 35
    assert document.styles["KH Nội dung"].font.size.pt == 13


def test_unknown_style_key_is_rejected(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", "level: huyen\n", "level: huyen\nstyle:\n  body_sise: 13\n")
    plan, diagnostics = kehoach.check_plan(plan_copy)
    assert plan is None
    hit = [d for d in diagnostics if d.code == "KH020"][0]
    assert "body_size" in hit.message


def test_output_folder_that_is_not_ours_is_refused(tmp_path):
    out = tmp_path / "Documents"
    out.mkdir()
    (out / "important.txt").write_text("do not delete", encoding="utf-8")
    result = run_cli("build", str(PLAN), "-o", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (out / "important.txt").read_text(encoding="utf-8") == "do not delete"
