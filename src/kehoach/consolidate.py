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

Only *submitted* returns count (:attr:`~kehoach.returns.Return.is_submitted`:
a date and every task answered).  A draft — a blank or partly filled file —
leaves its agency among those that have not reported, and none of its
answers reach the report.  A return submitted after the period's deadline is
counted, and marked late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from .model import Plan, Task
from .periods import Period
from .returns import STATUSES, SUMMARY_KEYS, Figure, Return, expected_agencies

#: Status of a task nobody leading it has answered.
NO_ANSWER = "chua-bao-cao"
#: All task statuses in report order, with their Vietnamese words.
STATUS_WORDS = {**STATUSES, NO_ANSWER: "chưa có báo cáo"}


#: How an agency stands for a period, in report order.
STATES = {
    "on-time": "đã gửi đúng hạn",
    "late": "gửi muộn",
    "draft": "chưa gửi (bản nháp chưa đủ)",
    "missing": "chưa gửi",
}


@dataclass(frozen=True)
class Answer:
    """One agency's submitted answer on one task, as the consolidated report prints it."""

    agency_id: str
    role: str                            # "lead" or "support"
    status: Optional[str]
    result: Optional[str]
    figures: tuple[Figure, ...]
    difficulties: Optional[str]
    proposals: Optional[str]
    note: Optional[str]


@dataclass(frozen=True)
class TaskResult:
    """One task of the Phụ lục with what the submitted returns say about it."""

    task: Task
    status: str                          # a key of STATUS_WORDS
    answered_leads: int                  # leads that answered
    expected_leads: int                  # leads that owe an answer
    answers: tuple[Answer, ...] = ()     # leads first, then supporting agencies

    def _texts(self, attribute: str) -> tuple[tuple[str, str], ...]:
        return tuple((a.agency_id, getattr(a, attribute)) for a in self.answers if getattr(a, attribute))

    @property
    def results(self) -> tuple[tuple[str, str], ...]:
        """(agency id, result text), lead answers first."""
        return self._texts("result")

    @property
    def difficulties(self) -> tuple[tuple[str, str], ...]:
        return self._texts("difficulties")

    @property
    def proposals(self) -> tuple[tuple[str, str], ...]:
        return self._texts("proposals")


@dataclass(frozen=True)
class AgencyStanding:
    """How one agency that owes a return stands for the period."""

    agency_id: str
    state: str                            # a key of STATES
    submitted: Optional[dt.date]          # the date written in its return (drafts too)
    lead_tasks: int
    support_tasks: int
    by_status: dict                       # status -> number of its tasks (its submitted answers)
    overdue: bool                         # not reported and the deadline has passed

    @property
    def reported(self) -> bool:
        """Submitted, on time or late."""
        return self.state in ("on-time", "late")

    @property
    def late(self) -> bool:
        return self.state == "late"

    @property
    def draft(self) -> bool:
        return self.state == "draft"

    @property
    def complete(self) -> bool:
        """Kept for callers of the old model: a submitted return answers every task."""
        return self.reported


@dataclass(frozen=True)
class Consolidation:
    period: Period
    as_of: dt.date
    tasks: tuple[TaskResult, ...]
    agencies: tuple[AgencyStanding, ...]
    #: summary key (achievements, shortcomings, …) -> (agency id, text) of each submitted return, in reporters order
    narrative: dict = field(default_factory=dict)

    def count(self, status: str) -> int:
        return sum(1 for t in self.tasks if t.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in STATUS_WORDS}

    @property
    def missing(self) -> tuple[AgencyStanding, ...]:
        """Agencies that have not reported: no file, or only a draft."""
        return tuple(a for a in self.agencies if not a.reported)

    @property
    def reported(self) -> tuple[AgencyStanding, ...]:
        return tuple(a for a in self.agencies if a.reported)

    @property
    def late(self) -> tuple[AgencyStanding, ...]:
        return tuple(a for a in self.agencies if a.late)

    @property
    def drafts(self) -> tuple[AgencyStanding, ...]:
        return tuple(a for a in self.agencies if a.draft)

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


def _state(ret: Optional[Return], due: dt.date) -> str:
    if ret is None:
        return "missing"
    if not ret.is_submitted:
        return "draft"
    return "late" if ret.is_late(due) else "on-time"


def consolidate(plan: Plan, period: Period, returns: tuple[Return, ...], as_of: dt.date) -> Consolidation:
    """Consolidate ``returns`` (already loaded and checked) for ``period`` as of ``as_of``.

    Drafts are kept apart: they make their agency a "draft" in the standings
    and contribute nothing else."""
    expected = expected_agencies(plan, period.id)
    mine = {r.agency_id: r for r in returns if r.period_id == period.id}
    submitted = {a: r for a, r in mine.items() if r.is_submitted}

    results = []
    for task in plan.tasks:
        leads = [a for a in plan.lead_agencies(task) if a in expected]
        supports = [a for a in plan.support_agencies(task) if a in expected]
        statuses = []
        answers = []
        for agency_id in leads + supports:
            ret = submitted.get(agency_id)
            answer = ret.task(task.id) if ret else None
            if agency_id in leads:
                statuses.append(answer.status if answer else None)
            if answer is None:
                continue
            answers.append(Answer(agency_id, "lead" if agency_id in leads else "support", answer.status,
                                  answer.result, answer.figures, answer.difficulties, answer.proposals, answer.note))
        results.append(TaskResult(
            task=task, status=_task_status(statuses),
            answered_leads=sum(1 for s in statuses if s), expected_leads=len(leads), answers=tuple(answers),
        ))

    standings = []
    for agency_id in expected:
        ret = mine.get(agency_id)
        state = _state(ret, period.due)
        by_status = {status: 0 for status in STATUS_WORDS}
        if state in ("on-time", "late") and ret is not None:  # those states have a return
            for answer in ret.tasks:
                by_status[answer.status or NO_ANSWER] += 1
        standings.append(AgencyStanding(
            agency_id=agency_id, state=state, submitted=ret.submitted if ret else None,
            lead_tasks=len(plan.tasks_led_by(agency_id)),
            support_tasks=len(plan.tasks_supported_by(agency_id)),
            by_status=by_status,
            overdue=state in ("missing", "draft") and period.is_overdue(as_of),
        ))
    narrative = {key: tuple((a, getattr(submitted[a].summary, key)) for a in expected
                            if a in submitted and getattr(submitted[a].summary, key))
                 for key in SUMMARY_KEYS}
    return Consolidation(period, as_of, tuple(results), tuple(standings), narrative)
