"""Deadline calendars: parsed back with the icalendar library."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from icalendar import Calendar

import kehoach
from kehoach.documents.calendar import agency_calendar, office_calendar, task_deadline
from kehoach.periods import periods

from conftest import PLAN


@pytest.fixture(scope="module")
def plan():
    return kehoach.load_plan(PLAN)


def events(data: bytes) -> list:
    return [c for c in Calendar.from_ical(data).walk("VEVENT")]


def test_agency_calendar_has_report_dues_and_task_deadlines(plan):
    evs = events(agency_calendar(plan, "phong-y-te"))
    by_uid = {str(e["uid"]): e for e in evs}
    for per in periods(plan):
        event = by_uid[f"tam-duong-qd27.phong-y-te.bao-cao.{per.id}@kehoach"]
        assert event.decoded("dtstart") == per.due
        assert per.label in str(event["summary"])
    own = list(plan.tasks_led_by("phong-y-te")) + list(plan.tasks_supported_by("phong-y-te"))
    with_deadline = {t.id: task_deadline(t) for t in own if task_deadline(t)}
    task_events = {u.split(".nhiem-vu.")[1][:-len("@kehoach")]: e for u, e in by_uid.items() if ".nhiem-vu." in u}
    assert set(task_events) == set(with_deadline)
    for task_id, day in with_deadline.items():
        assert task_events[task_id].decoded("dtstart") == day
    assert len(evs) == len(periods(plan)) + len(with_deadline)


def test_task_deadline_rules(plan):
    for task in plan.tasks:
        t = task.timeline
        expected = {"date": t.deadline, "year": dt.date(t.start_year or 1, 12, 31) if t.start_year else None,
                    "years": dt.date(t.end_year, 12, 31) if t.end_year else None,
                    "yearly": None, "continuous": None}[t.kind]
        assert task_deadline(task) == expected


def test_group_led_task_is_in_each_commune_calendar(plan_copy):
    tasks = plan_copy / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    lead = text.index("lead: ubnd-cac-xa")
    at = text.index("timeline: ", lead)
    end = text.index("\n", at)
    tasks.write_text(text[:at] + 'timeline: "2026"' + text[end:], encoding="utf-8")
    plan = kehoach.load_plan(plan_copy)
    task = next(t for t in plan.tasks if t.leads == ("ubnd-cac-xa",) and task_deadline(t))
    assert task_deadline(task) == dt.date(2026, 12, 31)
    for commune in plan.registry.groups["ubnd-cac-xa"].members:
        uids = {str(e["uid"]) for e in events(agency_calendar(plan, commune))}
        assert f"tam-duong-qd27.{commune}.nhiem-vu.{task.id}@kehoach" in uids


def test_office_calendar(plan):
    evs = events(office_calendar(plan))
    starts = {str(e["uid"]): e.decoded("dtstart") for e in evs}
    for per in periods(plan):
        assert starts[f"tam-duong-qd27.tong-hop.tong-hop.{per.id}@kehoach"] == per.consolidated_due
        assert starts[f"tam-duong-qd27.tong-hop.han-cac-co-quan.{per.id}@kehoach"] == per.due
    assert sum(1 for u in starts if ".nhiem-vu." in u) == sum(1 for t in plan.tasks if task_deadline(t))


def test_calendars_are_reproducible_and_honour_source_date_epoch(plan, tmp_path):
    assert agency_calendar(plan, "phong-y-te") == agency_calendar(plan, "phong-y-te")
    out = tmp_path / "lich"
    result = subprocess.run([sys.executable, "-m", "kehoach", "calendar", str(PLAN), "-o", str(out)],
                            capture_output=True, text=True, env={"SOURCE_DATE_EPOCH": "1741000000", "PATH": "",
                                 **{k: os.environ[k] for k in ("PYTHONPATH",) if k in os.environ}})
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in out.glob("*.ics"))
    assert files == sorted([f"{a}.ics" for a in set(plan.agencies_with_tasks()) | set(plan.agencies_with_duties())] + ["tong-hop.ics"])
    stamp = events((out / "phong-y-te.ics").read_bytes())[0].decoded("dtstamp")
    assert stamp == dt.datetime(2025, 3, 3, 11, 6, 40, tzinfo=dt.timezone.utc)
