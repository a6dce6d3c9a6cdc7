"""Consolidation of returns: counts by status and agency, missing and overdue
agencies, tasks without an answer — on returns written by the test itself so
the expected figures are known by construction."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

import kehoach
from kehoach.consolidate import NO_ANSWER, consolidate
from kehoach.periods import period
from kehoach.returns import expected_agencies, init_returns, load_returns

from conftest import PLAN

FIXTURES = Path(__file__).parent / "fixtures" / "returns"


def fill(text: str, statuses) -> str:
    """Give each task of a blank return the next status of ``statuses`` (None keeps null)."""
    data = yaml.safe_load(text)
    for task, status in zip(data["tasks"], statuses):
        task["status"] = status
        if status:
            task["result"] = f"Kết quả nhiệm vụ {task['task']}"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture
def scenario(plan_copy):
    plan = kehoach.load_plan(plan_copy)
    blanks = init_returns(plan, "2025-H1")
    tasks_of = {path.split("/")[-1][:-5]: yaml.safe_load(text)["tasks"] for path, text in blanks.items()}
    chosen = {
        # complete: every task done
        "phong-y-te": ["hoan-thanh"] * len(tasks_of["phong-y-te"]),
        # partial: first task in progress, the rest unanswered
        "phong-tu-phap": ["dang-thuc-hien"] + [None] * (len(tasks_of["phong-tu-phap"]) - 1),
        # one commune of thirteen: nothing started
        "xa-binh-lu": ["chua-thuc-hien"] * len(tasks_of["xa-binh-lu"]),
    }
    for agency, statuses in chosen.items():
        path = f"reports/2025-H1/{agency}.yaml"
        target = plan_copy / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(fill(blanks[path], statuses), encoding="utf-8")
    plan = kehoach.load_plan(plan_copy)
    returns, diagnostics = load_returns(plan, plan_copy, "2025-H1")
    assert [d.format() for d in diagnostics if d.is_error] == []
    return plan, returns


def test_counts_by_status(scenario):
    plan, returns = scenario
    per = period(plan, "2025-H1")
    c = consolidate(plan, per, returns, dt.date(2025, 6, 25))
    led_by_health = {t.id for t in plan.tasks_led_by("phong-y-te")}
    first_justice = plan.tasks_led_by("phong-tu-phap")[0].id
    commune_tasks = {t.id for t in plan.tasks if t.leads == ("ubnd-cac-xa",)}
    status = {r.task.id: r.status for r in c.tasks}
    assert {t for t, s in status.items() if s == "hoan-thanh"} == led_by_health
    assert {t for t, s in status.items() if s == "dang-thuc-hien"} == {first_justice}
    assert {t for t, s in status.items() if s == "chua-thuc-hien"} == commune_tasks
    others = {t.id for t in plan.tasks} - led_by_health - {first_justice} - commune_tasks
    assert {t for t, s in status.items() if s == NO_ANSWER} == others
    assert c.counts == {"hoan-thanh": len(led_by_health), "dang-thuc-hien": 1,
                        "chua-thuc-hien": len(commune_tasks), NO_ANSWER: len(others)}
    # a group-led task says how many members answered
    group_task = next(r for r in c.tasks if r.task.id in commune_tasks)
    assert (group_task.answered_leads, group_task.expected_leads) == (1, 13)


def test_agencies_missing_and_overdue(scenario):
    plan, returns = scenario
    per = period(plan, "2025-H1")
    expected = expected_agencies(plan, "2025-H1")
    on_time = consolidate(plan, per, returns, per.due)
    late = consolidate(plan, per, returns, per.due + dt.timedelta(days=1))
    missing = [a.agency_id for a in on_time.missing]
    assert missing == [a for a in expected if a not in {"phong-y-te", "phong-tu-phap", "xa-binh-lu"}]
    assert not any(a.overdue for a in on_time.agencies)            # the due day itself is on time
    assert all(a.overdue for a in late.missing) and not any(a.overdue for a in late.reported)
    standing = {a.agency_id: a for a in late.agencies}
    assert standing["phong-y-te"].complete and not standing["phong-tu-phap"].complete
    assert standing["phong-tu-phap"].by_status["dang-thuc-hien"] == 1
    assert standing["phong-tu-phap"].by_status[NO_ANSWER] == standing["phong-tu-phap"].lead_tasks + \
        standing["phong-tu-phap"].support_tasks - 1


def test_fixture_returns_load_and_consolidate():
    plan = kehoach.load_plan(PLAN)
    returns, diagnostics = load_returns(plan, PLAN, "2025-H1", reports_dir=FIXTURES)
    assert not [d for d in diagnostics if d.is_error]
    c = consolidate(plan, period(plan, "2025-H1"), returns, dt.date(2025, 6, 25))
    assert sum(c.counts.values()) == len(plan.tasks)
    assert len(c.reported) == len(returns) == len(list((FIXTURES / "2025-H1").glob("*.yaml")))


def test_markdown_summary(scenario):
    from kehoach.documents.consolidated import markdown
    plan, returns = scenario
    per = period(plan, "2025-H1")
    text = markdown(plan, consolidate(plan, per, returns, dt.date(2025, 7, 1)))
    assert text.startswith("# Tổng hợp báo cáo 6 tháng đầu năm 2025")
    assert f"Đã gửi báo cáo: 3/{len(expected_agencies(plan, '2025-H1'))} cơ quan, đơn vị." in text
    assert "- Ủy ban nhân dân xã Thèn Sin (quá hạn)" in text
    for group in plan.appendix.groups:
        assert f"### {group.numeral}. {group.title}" in text
