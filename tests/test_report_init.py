"""``kehoach report init`` on a period already under way: new tasks are added to
the existing returns and removed ones marked, every answer and comment kept
byte for byte; a period that is not open is refused at ``reporting.open``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, position, replace_once, run_cli

PLAN = FIXTURES / "reporting" / "plan"
RETURNS = FIXTURES / "returns" / "2025-H1"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``kehoach args`` in process (``conftest.run_cli``), in ``cwd``."""
    return run_cli(*args, cwd=cwd)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    plan = tmp_path / "plan"
    shutil.copytree(PLAN, plan)
    shutil.copytree(RETURNS, plan / "reports" / "2025-H1")
    return tmp_path


def test_added_and_removed_tasks_keep_every_answer_byte_for_byte(work):
    folder = work / "plan" / "reports" / "2025-H1"
    before = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.yaml")}
    tasks = work / "plan" / "tasks.yaml"
    # 5.3 now also supported by the Thanh tra; Phòng Y tế no longer supports 5.2
    replace_once(tasks, "support: [hoi-lhpn, huyen-doan]", "support: [hoi-lhpn, huyen-doan, thanh-tra]")
    replace_once(tasks, "support: [phong-y-te, phong-gd-dt]", "support: [phong-gd-dt]")
    result = run("report", "init", "plan", "--period", "2025-H1", cwd=work)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "plan/reports/2025-H1/thanh-tra.yaml: đã cập nhật — thêm nhiệm vụ 5.3" in lines
    assert "plan/reports/2025-H1/phong-y-te.yaml: đã cập nhật — đánh dấu removed: true nhiệm vụ 5.2" in lines

    # thanh-tra: the old text is untouched, the new task is inserted after the last task
    after = (folder / "thanh-tra.yaml").read_text(encoding="utf-8")
    block = ("  # 5.3 (phối hợp): Giám sát, phản biện xã hội việc thực hiện chính sách, pháp luật về trẻ em, "
             "nhất là phòng, chống bạo lực, xâm…\n"
             '  - task: "5.3"\n    status: null\n    result: null\n    figures: []\n'
             "    difficulties: null\n    proposals: null\n    note: null\n")
    assert block in after
    assert after.replace(block, "") == before["thanh-tra.yaml"]
    # phong-y-te: one line more, nothing else
    after = (folder / "phong-y-te.yaml").read_text(encoding="utf-8")
    assert after.replace('  - task: "5.2"\n    removed: true\n', '  - task: "5.2"\n') == before["phong-y-te.yaml"]
    # every other existing return is byte for byte what it was
    for name, text in before.items():
        if name not in ("thanh-tra.yaml", "phong-y-te.yaml"):
            assert (folder / name).read_text(encoding="utf-8") == text, name
    # and the period validates: the removed task is no KH066, the new one is no KH068
    check = run("validate", "plan", cwd=work)
    assert check.returncode == 0, check.stderr
    assert "KH066" not in check.stderr and "KH068" not in check.stderr

    # a second run changes nothing
    again = run("report", "init", "plan", "--period", "2025-H1", cwd=work)
    assert again.returncode == 0 and "đã cập nhật" not in again.stdout
    assert (folder / "thanh-tra.yaml").read_text(encoding="utf-8").count('task: "5.3"') == 1


def test_removed_task_answers_are_left_out_and_restored_when_given_back(work):
    import kehoach
    from kehoach.returns import load_returns

    tasks = work / "plan" / "tasks.yaml"
    original = tasks.read_text(encoding="utf-8")
    replace_once(tasks, "support: [phong-y-te, phong-gd-dt]", "support: [phong-gd-dt]")
    assert run("report", "init", "plan", "--period", "2025-H1", cwd=work).returncode == 0
    plan = kehoach.load_plan(work / "plan")
    returns, diagnostics = load_returns(plan, work / "plan", "2025-H1")
    assert not [d for d in diagnostics if d.is_error]
    health = next(r for r in returns if r.agency_id == "phong-y-te")
    assert health.task("5.2") is None
    tasks.write_text(original, encoding="utf-8")
    result = run("report", "init", "plan", "--period", "2025-H1", cwd=work)
    assert "phong-y-te.yaml: đã cập nhật — thêm nhiệm vụ 5.2" in result.stdout
    assert (work / "plan/reports/2025-H1/phong-y-te.yaml").read_text(encoding="utf-8") == \
        (RETURNS / "phong-y-te.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("period, words", [
    ("2026-H1", "KH111 lỗi: kỳ báo cáo '2026-H1' chưa mở (reporting.open: '2025-H1'); thêm kỳ này vào "
                "reporting.open rồi chạy lại"),
    ("2025-H2", "KH111 lỗi: không mở được kỳ '2025-H2': mã kỳ báo cáo '2025-H2' không hợp lệ"),
    ("2031", "KH111 lỗi: không mở được kỳ '2031': kỳ báo cáo '2031' nằm ngoài giai đoạn kế hoạch 2025-2030"),
])
def test_a_period_not_open_is_refused_at_reporting_open(work, period, words):
    text = (work / "plan" / "plan.yaml").read_text(encoding="utf-8")
    line, col = position(text, 'open: ["2025-H1"]', len("open: "))
    shutil.rmtree(work / "plan" / "reports")
    result = run("report", "init", "plan", "--period", period, cwd=work)
    assert result.returncode == 1, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"plan/plan.yaml:{line}:{col}: {words}"), first
    assert "Traceback" not in result.stderr
    assert not (work / "plan" / "reports").exists()
