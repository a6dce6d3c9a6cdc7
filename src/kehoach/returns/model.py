"""The model of a return: what one agency answered for one period, as frozen data.

No plan, no file, no rule here: :class:`Return` and its parts, the status
words and the keys in report order.  Whether a return counts as *submitted*
is a property of the data itself (:attr:`Return.is_submitted`), so every
reader of a return agrees on it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping, Optional, Union

__all__ = ["REPORTS_DIR", "STATUSES", "SUMMARY_KEYS", "TASK_KEYS", "Figure", "Return", "Summary", "TaskReturn"]

#: Folder of the returns inside a plan directory.
REPORTS_DIR = "reports"
#: status value -> Vietnamese words, in report order.
STATUSES: Mapping[str, str] = MappingProxyType({
    "hoan-thanh": "hoàn thành",
    "dang-thuc-hien": "đang thực hiện",
    "chua-thuc-hien": "chưa thực hiện",
})
#: Keys of ``summary``, in the order of the report's sections.
SUMMARY_KEYS = ("direction", "overview", "achievements", "shortcomings", "causes", "next_steps",
                "recommendations")
#: Keys of a blank task answer, in the order ``report init`` writes them.
TASK_KEYS = ("status", "result", "figures", "difficulties", "proposals", "note")

_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+\Z")


@dataclass(frozen=True)
class Figure:
    """One figure of a task's result ("Số trẻ em được hỗ trợ: 125 trẻ em")."""

    name: str
    value: Union[int, float, str]
    unit: Optional[str] = None

    @property
    def number(self) -> Optional[Union[int, float]]:
        """The value as a number when it is one (``12``, ``"12.5"``), else None ("95%", "13/13 xã")."""
        if isinstance(self.value, (int, float)) and not isinstance(self.value, bool):
            return self.value
        if isinstance(self.value, str) and _DECIMAL.match(self.value.strip()):
            return float(self.value)
        return None


@dataclass(frozen=True)
class TaskReturn:
    """An agency's answer on one task.  ``role`` is ``"lead"`` (chủ trì) or
    ``"support"`` (phối hợp), from the plan; ``status`` None means no answer yet."""

    task_id: str
    role: str
    status: Optional[str]
    result: Optional[str] = None
    figures: tuple[Figure, ...] = ()
    difficulties: Optional[str] = None
    proposals: Optional[str] = None
    note: Optional[str] = None

    @property
    def answered(self) -> bool:
        return self.status is not None

    @property
    def status_label(self) -> Optional[str]:
        """"hoàn thành", "đang thực hiện", "chưa thực hiện", or None while unanswered."""
        return STATUSES.get(self.status) if self.status else None


@dataclass(frozen=True)
class Summary:
    """The general assessment of a return; each part None while unwritten.
    ``direction``: công tác chỉ đạo, triển khai; ``overview``: the agency's own
    summary of its results (mục I.2 of its report)."""

    direction: Optional[str] = None
    overview: Optional[str] = None
    achievements: Optional[str] = None
    shortcomings: Optional[str] = None
    causes: Optional[str] = None
    next_steps: Optional[str] = None
    recommendations: Optional[str] = None


@dataclass(frozen=True)
class Return:
    """One agency's return for one period.  ``path`` is the file as diagnostics print it."""

    agency_id: str
    period_id: str
    submitted: Optional[dt.date]
    reporter: Optional[str]
    tasks: tuple[TaskReturn, ...]
    summary: Summary
    path: str = ""

    def task(self, task_id: str) -> Optional[TaskReturn]:
        return next((t for t in self.tasks if t.task_id == task_id), None)

    @property
    def answered(self) -> tuple[TaskReturn, ...]:
        return tuple(t for t in self.tasks if t.answered)

    @property
    def unanswered(self) -> tuple[TaskReturn, ...]:
        return tuple(t for t in self.tasks if not t.answered)

    @property
    def is_complete(self) -> bool:
        """Every task answered (a return may still lack its summary); a return
        with no task (an agency bound only by duties of the plan's body) is
        complete once its results (``summary.overview``) are written."""
        if not self.tasks:
            return bool(self.summary.overview)
        return all(t.answered for t in self.tasks)

    @property
    def is_submitted(self) -> bool:
        """Sent, as a fact: a ``submitted`` date and every task answered.
        Anything less is a draft the office does not count as a report."""
        return self.submitted is not None and self.is_complete

    def is_late(self, due: dt.date) -> bool:
        """Submitted after ``due`` (the period's deadline; the due day itself is on time)."""
        return self.is_submitted and self.submitted is not None and self.submitted > due
