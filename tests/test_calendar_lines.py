"""Calendars serialised from shared, cached lines are byte for byte what
icalendar writes for the whole calendar (the reference serialisation)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

import kehoach
from kehoach.documents import calendar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from synth_plan import write_plan  # noqa: E402


def events_of(plan, agency):
    """The events of one agency's calendar, as agency_calendar gathers them."""
    registry, rule = plan.registry, plan.reporting
    to = registry.short_name(rule.to) + (f" (qua {registry.short_name(rule.via)})" if rule.via else "")
    events = [calendar._report_event(plan, per, agency, to) for per in kehoach.periods(plan)] \
        if agency in plan.reporters() else []
    for role, tasks in (("chủ trì", plan.tasks_led_by(agency)), ("phối hợp", plan.tasks_supported_by(agency))):
        events += [e for e in (calendar._task_event(plan, t, agency, role) for t in tasks) if e]
    return events


@pytest.mark.parametrize("source", ["bundled", "synthetic"])
def test_every_calendar_equals_icalendars_serialisation(source, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    if source == "bundled":
        folder = ROOT / "tests" / "fixtures" / "reporting" / "plan"
    else:
        folder = tmp_path / "plan"
        write_plan(folder, 60, 12)
    plan = kehoach.load_plan(folder)
    agencies = plan.agencies_with_tasks()
    assert agencies
    for agency in agencies:
        name = f"{plan.registry.short_name(agency)} — hạn báo cáo và nhiệm vụ"
        expected = calendar.reference_calendar(plan, name, events_of(plan, agency))
        assert calendar.agency_calendar(plan, agency) == expected, agency


HARD = [
    "ngắn",
    "có dấu phẩy, chấm phẩy; và\nxuống dòng",
    "a" * 73 + "\\" + "b" * 40,            # a backslash where a line is folded
    "a" * 72 + ";" + "b" * 80,             # an escape at the fold
    "Nhiệm vụ " * 40,                       # multi-byte characters across folds
    "x" * 74, "x" * 75, "ệ" * 25, "ệ" * 24 + "x" * 2,
    "CRLF\r\ntrong văn bản", "tab\tvà emoji 🎉 " * 10,
]


@pytest.mark.parametrize("text", HARD)
def test_hard_lines_equal_icalendar(text, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    plan = kehoach.load_plan(ROOT / "tests" / "fixtures" / "reporting" / "plan")
    event = calendar._event("x" * 60 + "@kehoach", dt.date(2025, 6, 30), text, text + text, "Nhiệm vụ")
    assert calendar._calendar(plan, "lịch", [event]) == calendar.reference_calendar(plan, "lịch", [event])
