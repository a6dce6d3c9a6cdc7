"""Consolidation of agencies' returns for one period (tổng hợp báo cáo).

Pure computation on the model: which tasks are done, in progress, not started
or without any answer; how each agency stands; who has not reported and
whether that is overdue on a given day.  The day is an input (never the
clock), so the result — and the consolidated report built from it — is
reproducible and testable.

A task's status comes from its lead's answer.  When a group leads (each
commune carries the task): *hoàn thành* only when every member answered so;
*chưa thực hiện* when every answer received says so; otherwise *đang thực
hiện* as soon as any member answered; the report also shows how many of the
members answered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from .model import Plan, Task
from .periods import Period
from .returns import STATUSES, Return, expected_agencies

#: Status of a task nobody leading it has answered.
NO_ANSWER = "chua-bao-cao"
#: All task statuses in report order, with their Vietnamese words.
STATUS_WORDS = {**STATUSES, NO_ANSWER: "chưa có báo cáo"}


@dataclass(frozen=True)
class TaskResult:
    """One task of the Phụ lục with what the returns say about it."""

    task: Task
    status: str                          # a key of STATUS_WORDS
    answered_leads: int                  # leads that answered
    expected_leads: int                  # leads that owe an answer
    results: tuple[tuple[str, str], ...]  # (agency id, result text), lead answers first
    difficulties: tuple[tuple[str, str], ...]
    proposals: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AgencyStanding:
    """How one agency that owes a return stands for the period."""

    agency_id: str
    reported: bool
    lead_tasks: int
    support_tasks: int
    by_status: dict                       # status -> number of its tasks (its own answers)
    complete: bool                        # every task of its return answered
    overdue: bool                         # not reported and the deadline has passed


@dataclass(frozen=True)
class Consolidation:
    period: Period
    as_of: dt.date
    tasks: tuple[TaskResult, ...]
    agencies: tuple[AgencyStanding, ...]

    def count(self, status: str) -> int:
        return sum(1 for t in self.tasks if t.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in STATUS_WORDS}

    @property
    def missing(self) -> tuple[AgencyStanding, ...]:
        return tuple(a for a in self.agencies if not a.reported)

    @property
    def reported(self) -> tuple[AgencyStanding, ...]:
        return tuple(a for a in self.agencies if a.reported)

    @property
    def tasks_without_answer(self) -> tuple[TaskResult, ...]:
        return tuple(t for t in self.tasks if t.status == NO_ANSWER)

    @property
    def overdue(self) -> bool:
        return self.period.is_overdue(self.as_of)


def _task_status(statuses: list[Optional[str]]) -> str:
    """A task's status from its leads' answers (None: no answer)."""
    answered = [s for s in statuses if s]
    if not answered:
        return NO_ANSWER
    if all(s == "chua-thuc-hien" for s in answered):
        return "chua-thuc-hien"
    if len(answered) == len(statuses) and all(s == "hoan-thanh" for s in answered):
        return "hoan-thanh"
    return "dang-thuc-hien"


def consolidate(plan: Plan, period: Period, returns: tuple[Return, ...], as_of: dt.date) -> Consolidation:
    """Consolidate ``returns`` (already loaded and checked) for ``period`` as of ``as_of``."""
    by_agency = {r.agency_id: r for r in returns if r.period_id == period.id}
    expected = expected_agencies(plan, period.id)

    results = []
    for task in plan.tasks:
        leads = [a for a in plan.lead_agencies(task) if a in expected]
        statuses = []
        texts, difficulties, proposals = [], [], []
        for agency_id in leads + [a for a in plan.support_agencies(task) if a in expected]:
            ret = by_agency.get(agency_id)
            answer = ret.task(task.id) if ret else None
            if agency_id in leads:
                statuses.append(answer.status if answer else None)
            if answer is None:
                continue
            if answer.result:
                texts.append((agency_id, answer.result))
            if answer.difficulties:
                difficulties.append((agency_id, answer.difficulties))
            if answer.proposals:
                proposals.append((agency_id, answer.proposals))
        results.append(TaskResult(
            task=task, status=_task_status(statuses),
            answered_leads=sum(1 for s in statuses if s), expected_leads=len(leads),
            results=tuple(texts), difficulties=tuple(difficulties), proposals=tuple(proposals),
        ))

    standings = []
    for agency_id in expected:
        ret = by_agency.get(agency_id)
        by_status = {status: 0 for status in STATUS_WORDS}
        if ret:
            for answer in ret.tasks:
                by_status[answer.status or NO_ANSWER] += 1
        standings.append(AgencyStanding(
            agency_id=agency_id,
            reported=ret is not None,
            lead_tasks=len(plan.tasks_led_by(agency_id)),
            support_tasks=len(plan.tasks_supported_by(agency_id)),
            by_status=by_status,
            complete=bool(ret and ret.is_complete),
            overdue=ret is None and period.is_overdue(as_of),
        ))
    return Consolidation(period, as_of, tuple(results), tuple(standings))
