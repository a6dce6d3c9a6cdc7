"""Thời gian thực hiện: every wording seen in signed plans validates (with a
warning only where no deadline can be derived) and prints exactly as written;
its meaning drives deadlines."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import kehoach
from kehoach.build import render_plan
from kehoach.docx2text import docx_text
from kehoach.timeline import parse_timeline

ROOT = Path(__file__).resolve().parent.parent
D = dt.date

#: (wording as printed, kind, start, deadline, recurring) — the survey's wordings and a few more
CASES = [
    ("2026 - 2030", "years", D(2026, 1, 1), D(2030, 12, 31), None),
    ("2026-2030", "years", D(2026, 1, 1), D(2030, 12, 31), None),
    ("2026 – 2030", "years", D(2026, 1, 1), D(2030, 12, 31), None),
    ("Giai đoạn 2026-2030", "years", D(2026, 1, 1), D(2030, 12, 31), None),
    ("2025", "year", D(2025, 1, 1), D(2025, 12, 31), None),
    ("Năm 2025", "year", D(2025, 1, 1), D(2025, 12, 31), None),
    ("Hoàn thành trong năm 2025", "year", D(2025, 1, 1), D(2025, 12, 31), None),
    ("Thường xuyên", "continuous", None, None, None),
    ("Hằng năm", "yearly", None, None, None),
    ("Hàng năm", "yearly", None, None, None),
    ("Quí IV-2025", "quarter", D(2025, 10, 1), D(2025, 12, 31), None),
    ("Quý III Năm 2026", "quarter", D(2026, 7, 1), D(2026, 9, 30), None),
    ("Quý I/2026", "quarter", D(2026, 1, 1), D(2026, 3, 31), None),
    ("Quý IV/2025- Quý II/2026", "quarters", D(2025, 10, 1), D(2026, 6, 30), None),
    ("Tháng 12/2025", "month", D(2025, 12, 1), D(2025, 12, 31), None),
    ("Tháng 2/2028", "month", D(2028, 2, 1), D(2028, 2, 29), None),
    ("Tháng 12 hằng năm", "yearly", None, None, (12, 31)),
    ("Trước ngày 30/11/2025", "date", None, D(2025, 11, 30), None),
    ("Trước ngày 15/11 hằng năm", "yearly", None, None, (11, 15)),
    ("30/6/2025", "date", None, D(2025, 6, 30), None),
    ("2025-06-30", "date", None, D(2025, 6, 30), None),
    ("Từ 01/7/2025", "from", D(2025, 7, 1), None, None),
    ("Năm 2025 và các năm tiếp theo", "from", D(2025, 1, 1), None, None),
    ("Theo Kế hoạch riêng", "unknown", None, None, None),
    ("Sau khi có Quy chế của TW", "unknown", None, None, None),
]


@pytest.mark.parametrize("text,kind,start,deadline,recurring", CASES, ids=[c[0] for c in CASES])
def test_meaning(text, kind, start, deadline, recurring):
    t = parse_timeline(text)
    assert (t.text, t.kind, t.start, t.deadline, t.recurring) == (text, kind, start, deadline, recurring)


def test_impossible_days_are_not_guessed():
    assert parse_timeline("31/2/2025").kind == "unknown"
    assert parse_timeline("Tháng 13/2025").kind == "unknown"


def test_explicit_due_gives_a_deadline():
    t = parse_timeline("Theo Kế hoạch riêng").with_due(D(2026, 11, 30))
    assert t.deadline == D(2026, 11, 30) and t.recognised and t.text == "Theo Kế hoạch riêng"


@pytest.fixture(scope="module")
def wording_plan(tmp_path_factory) -> Path:
    """The province example with one task per wording (plan years 2025-2030)."""
    folder = tmp_path_factory.mktemp("timelines") / "plan"
    shutil.copytree(ROOT / "examples" / "tinh-phu-luc-ba-cap", folder)
    rows = "\n".join(
        f"      - id: t{i}\n        content: Nhiệm vụ {i}.\n        lead: so-kh-cn\n        support: [so-tai-chinh]\n"
        f"        timeline: \"{text}\"\n        output: Sản phẩm {i}"
        for i, (text, *_rest) in enumerate(CASES, 1))
    (folder / "tasks.yaml").write_text(
        "appendices:\n  - title: NHIỆM VỤ\n    tasks:\n" + rows + "\n", encoding="utf-8")
    return folder


def test_every_wording_validates_and_only_unrecognised_ones_warn(wording_plan):
    plan, diagnostics = kehoach.check_plan(wording_plan)
    assert plan is not None, [str(d) for d in diagnostics]
    kh070 = [d for d in diagnostics if d.code == "KH070"]
    assert sorted(d.message.split("'")[1] for d in kh070) == ["Sau khi có Quy chế của TW", "Theo Kế hoạch riêng"]
    assert all("không có hạn trong lịch và báo cáo" in d.message for d in kh070)
    assert [d for d in diagnostics if d.severity.name == "ERROR"] == []


def test_every_wording_prints_exactly_as_written(wording_plan):
    plan = kehoach.load_plan(wording_plan)
    rows = [line for line in docx_text(render_plan(plan)).split("\n")
            if line.startswith("| ") and line.split(" | ")[1].startswith("Nhiệm vụ ") and line.split(" | ")[1].endswith(".")]
    cells = [row.split(" | ")[4] for row in rows]   # STT | Nhiệm vụ | chủ trì | phối hợp | thời gian | sản phẩm
    assert cells == [c[0] for c in CASES]


def test_reversed_range_and_years_outside_the_plan_are_errors(wording_plan, tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(wording_plan, folder)
    text = (folder / "tasks.yaml").read_text(encoding="utf-8")
    text = text.replace('"2026 - 2030"', '"2030 - 2026"').replace('"Quý I/2026"', '"Quý I/2031"')
    (folder / "tasks.yaml").write_text(text, encoding="utf-8")
    _, diagnostics = kehoach.check_plan(folder)
    errors = [(d.code, d.message) for d in diagnostics if d.severity.name == "ERROR"]
    assert [c for c, _ in errors] == ["KH033", "KH033"]
    assert "bắt đầu sau" in errors[0][1] and "nằm ngoài giai đoạn kế hoạch 2025-2030" in errors[1][1]
