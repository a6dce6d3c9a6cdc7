"""Editing a plan from a script (kehoach.edit): every edit is checked again as
``kehoach validate`` checks the files, errors are positioned PlanErrors, and
the README's library script runs as printed."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import kehoach
from kehoach.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "reporting" / "plan"
SRC = Path(__file__).resolve().parent.parent / "src"

#: the script README's "Library API" section shows; test_readme_script runs exactly this
README_SCRIPT = '''\
import kehoach

plan = kehoach.load_plan("plan")
plan = kehoach.with_task(plan, "1.2", lead="phong-vh-kh-tt")       # đổi cơ quan chủ trì
plan = kehoach.add_task(plan, "nhom-1", id="1.9", content="Tập huấn về quyền trẻ em.",
                        lead="phong-gd-dt", support=["phong-y-te"], timeline="Năm 2026")
try:
    kehoach.with_task(plan, "1.3", lead="phong-y-tee")             # gõ sai mã cơ quan
except kehoach.PlanError as error:
    print(error)        # plan/tasks.yaml:44:15: KH030 lỗi: … có phải là 'phong-y-te'?
open("cong-van.docx", "wb").write(kehoach.render_letter(plan, "phong-vh-kh-tt"))
'''


@pytest.fixture
def plan_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture plan as ``plan/`` in a fresh working directory."""
    shutil.copytree(FIXTURE, tmp_path / "plan")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "plan"


@pytest.fixture
def plan(plan_dir: Path) -> kehoach.Plan:
    return kehoach.load_plan("plan")


def validate_output(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What ``kehoach validate plan`` prints for the files as they are on disk."""
    capsys.readouterr()
    try:
        code = main(["validate", "plan"])
    except SystemExit as exit:
        code = exit.code
    assert code == 1
    return [line for line in capsys.readouterr().err.splitlines() if " KH" in line]


def test_readme_script(plan_dir: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"```python\n{README_SCRIPT}```" in readme, "README's Library API script differs from README_SCRIPT"
    script = plan_dir.parent / "script.py"
    script.write_text(README_SCRIPT, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=plan_dir.parent,
                            env={"PYTHONPATH": str(SRC), "SOURCE_DATE_EPOCH": "1700000000", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("plan/tasks.yaml:44:15: KH030 lỗi: cơ quan chủ trì 'phong-y-tee' không có trong danh "
                             "mục cơ quan và nhóm; có phải là 'phong-y-te'?\n")
    with zipfile.ZipFile(plan_dir.parent / "cong-van.docx") as docx:
        body = docx.read("word/document.xml").decode()
    assert "Tập huấn về quyền trẻ em" not in body  # led by phong-gd-dt, not this agency
    assert "chính sách trợ giúp xã hội" in body     # task 1.2, now led by phong-vh-kh-tt


def test_with_task_sets_the_lead_and_keeps_the_original(plan: kehoach.Plan) -> None:
    edited = kehoach.with_task(plan, "1.2", lead=["phong-vh-kh-tt", "phong-dan-toc"])
    assert edited.task("1.2").leads == ("phong-vh-kh-tt", "phong-dan-toc")
    assert edited.task("1.2").lead_cell == "Phòng Văn hóa, Khoa học và Thông tin; Phòng Dân tộc và Tôn giáo"
    assert edited.task("1.2") in edited.tasks_led_by("phong-vh-kh-tt")
    assert plan.task("1.2").leads == ("phong-y-te",)
    assert plan.task("1.2") in plan.tasks_led_by("phong-y-te")
    assert edited.source_dir == plan.source_dir


def test_edits_chain(plan: kehoach.Plan) -> None:
    first = kehoach.with_task(plan, "1.2", lead="phong-tu-phap")
    second = kehoach.with_task(first, "1.3", timeline="Năm 2027", output="Báo cáo")
    third = kehoach.add_task(second, "nhom-2", id="2.9", content="Việc mới.", lead="thanh-tra", timeline="2026")
    assert third.task("1.2").leads == ("phong-tu-phap",)
    assert third.task("1.3").timeline.end_year == 2027 and third.task("1.3").output == "Báo cáo"
    new = third.task("2.9")
    assert (new.group_id, new.leads, new.content) == ("nhom-2", ("thanh-tra",), "Việc mới.")
    assert third.tasks.index(new) == third.tasks.index(third.task("2.1")) + \
        sum(1 for t in third.tasks if t.group_id == "nhom-2") - 1  # the last row of its group
    assert "2.9" not in {t.id for t in second.tasks}


@pytest.mark.parametrize("edit, where, text", [
    (lambda p: kehoach.with_task(p, "1.2", lead="phong-y-tee"), "plan/tasks.yaml:34:15: KH030",
     "cơ quan chủ trì 'phong-y-tee' không có trong danh mục cơ quan và nhóm; có phải là 'phong-y-te'?"),
    (lambda p: kehoach.with_task(p, "1.2", support=["phong-y-te"]), "plan/tasks.yaml:35:19: KH032",
     "'phong-y-te' là cơ quan chủ trì nên không được ghi là cơ quan phối hợp của chính nhiệm vụ này"),
    (lambda p: kehoach.with_task(p, "1.2", timeline="Năm 2045"), "plan/tasks.yaml:36:19: KH033",
     "thời gian thực hiện 'Năm 2045' nằm ngoài giai đoạn kế hoạch 2025-2030"),
    (lambda p: kehoach.with_task(p, "1.2", due="2026-02-30"), "plan/tasks.yaml:28:9: KH034",
     "hạn '2026-02-30' không phải là ngày có thật"),
    (lambda p: kehoach.add_task(p, "nhom-1", id="1.1", content="x", lead="phong-y-te", timeline="2026"),
     "plan/tasks.yaml:18:7: KH031", "mã nhiệm vụ '1.1' đã dùng ở dòng 18"),
    (lambda p: kehoach.with_task(p, "1.22", lead="phong-y-te"), "plan/tasks.yaml:1:1: KH130",
     "không có nhiệm vụ '1.22' trong kế hoạch; có phải là '1.2'?"),
    (lambda p: kehoach.add_task(p, "nhom-9", id="9.1", content="x", lead="phong-y-te", timeline="2026"),
     "plan/tasks.yaml:1:1: KH130", "không có nhóm nhiệm vụ 'nhom-9' trong kế hoạch; có phải là 'nhom-7'?"),
])
def test_a_bad_edit_is_a_positioned_plan_error(plan: kehoach.Plan, edit, where: str, text: str) -> None:
    with pytest.raises(kehoach.PlanError) as raised:
        edit(plan)
    assert [d.format() for d in raised.value.diagnostics if d.is_error] == [f"{where} lỗi: {text}"]


def test_an_edit_is_judged_as_validate_judges_the_same_change_in_the_file(
        plan_dir: Path, plan: kehoach.Plan, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(kehoach.PlanError) as raised:
        kehoach.with_task(plan, "1.2", lead="phong-y-tee")
    tasks = plan_dir / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    assert lines[33] == "        lead: phong-y-te\n"
    lines[33] = "        lead: phong-y-tee\n"
    tasks.write_text("".join(lines), encoding="utf-8")
    errors = [line for line in validate_output(capsys) if " lỗi: " in line]
    assert errors == [d.format() for d in raised.value.diagnostics if d.is_error]


def test_a_plan_not_read_from_a_folder_cannot_be_edited(plan: kehoach.Plan) -> None:
    import dataclasses
    with pytest.raises(kehoach.PlanError, match="KH130"):
        kehoach.with_task(dataclasses.replace(plan, source_dir=None), "1.2", lead="phong-y-te")


def test_setting_the_lead_drops_the_typed_cell(plan_dir: Path) -> None:
    tasks = plan_dir / "tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace(
        "        lead: phong-y-te\n", "        lead: phong-y-te\n        lead_text: Phòng Y tế huyện\n", 1),
        encoding="utf-8")
    plan = kehoach.load_plan("plan")
    assert plan.task("1.2").lead_cell == "Phòng Y tế huyện"
    assert kehoach.with_task(plan, "1.2", lead="thanh-tra").task("1.2").lead_cell == "Thanh tra huyện Tam Đường"
    assert kehoach.with_task(plan, "1.2", output="x").task("1.2").lead_cell == "Phòng Y tế huyện"


def test_the_edited_plan_renders(plan: kehoach.Plan) -> None:
    edited = kehoach.with_task(plan, "1.2", lead="phong-vh-kh-tt")
    with zipfile.ZipFile(io.BytesIO(kehoach.render_letter(edited, "phong-vh-kh-tt"))) as docx:
        assert "chính sách trợ giúp xã hội" in docx.read("word/document.xml").decode()
