"""`kehoach build -j N`: documents rendered in a process pool are the same
bytes, in the same order, with the same progress calls, as in one process."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

import kehoach

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from synth_plan import write_plan  # noqa: E402

from reporting_scenario import AFTER, PERIOD, write_scenario  # noqa: E402
from conftest import run_cli, spy_rendered_here, use_default_templates

build_module = importlib.import_module("kehoach.build")


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("parallel") / "plan"
    write_plan(folder, 40, 14)
    return folder


spy_here = spy_rendered_here


def build_with(plan_dir: Path, out: Path, jobs: int, **kwargs) -> tuple[list[tuple[int, str]], object]:
    calls: list[tuple[int, str]] = []
    result = kehoach.build(kehoach.load_plan(plan_dir), out, jobs=jobs, force=True,
                           progress=lambda n, d: calls.append((n, d.path)), **kwargs)
    return calls, result


def test_two_processes_give_the_same_bytes_and_progress(synth, tmp_path, monkeypatch):
    here = spy_here(monkeypatch)
    one_calls, one = build_with(synth, tmp_path / "j1", 1)
    rendered_here = list(here)
    docx = [d.path for d in one.documents if d.path.endswith(".docx")]
    assert len(docx) >= build_module.POOL_THRESHOLD, "the plan must be large enough to start the pool"
    assert sorted(rendered_here) == sorted(docx)
    here.clear()
    two_calls, two = build_with(synth, tmp_path / "j2", 2)
    assert here == [], "with -j 2 the documents are rendered in worker processes"
    assert tree(tmp_path / "j1") == tree(tmp_path / "j2")
    assert one_calls == two_calls
    assert [n for n, _ in two_calls] == list(range(1, len(two_calls) + 1))
    assert [d.path for d in two.documents][:len(two_calls)] == [p for _, p in two_calls]


def test_pool_with_returns_and_consolidated_report(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "POOL_THRESHOLD", 2)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1751328000")
    plan_dir = write_scenario(tmp_path / "plan")
    options = kehoach.BuildOptions((PERIOD,), AFTER)
    build_with(plan_dir, tmp_path / "j1", 1, options=options)
    here = spy_here(monkeypatch)
    _, result = build_with(plan_dir, tmp_path / "j2", 2, options=options)
    assert here == []
    assert any(d.kind == "consolidated-report" and d.path.endswith(".docx") for d in result.documents)
    assert tree(tmp_path / "j1") == tree(tmp_path / "j2")


def test_user_templates_render_in_the_pool_through_the_sandbox(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "POOL_THRESHOLD", 2)
    plan_dir = tmp_path / "plan"
    write_plan(plan_dir, 12, 6)
    templates = use_default_templates(plan_dir)
    assert kehoach.load_plan(plan_dir).template_dir
    build_with(plan_dir, tmp_path / "j1", 1)
    _, result = build_with(plan_dir, tmp_path / "j2", 2)
    assert tree(tmp_path / "j1") == tree(tmp_path / "j2")

    (templates / "letter.docx").write_bytes(b"not a zip")
    with pytest.raises(kehoach.PlanError) as caught:
        build_with(plan_dir, tmp_path / "j3", 2)
    assert [d.code for d in caught.value.diagnostics] == ["KH050"]
    assert "letter.docx" in caught.value.diagnostics[0].path
    assert not (tmp_path / "j3").exists()


def test_jobs_option_on_the_command_line(synth, tmp_path):
    ok = run_cli("-q", "build", str(synth), "-o", str(tmp_path / "a"), "-j", "2")
    assert ok.returncode == 0, ok.stderr
    bad = run_cli("build", str(synth), "-o", str(tmp_path / "b"), "-j", "0")
    assert bad.returncode == 2 and "số tiến trình" in bad.stderr and "Traceback" not in bad.stderr
