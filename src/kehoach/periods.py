"""Reporting periods (kỳ báo cáo) as dates.

A plan's reporting rule (``reporting:`` in ``plan.yaml``, :class:`~kehoach.model.ReportingRule`)
says which kinds of period it uses and, per kind, the cut-off of the figures
and the deadlines, all as "MM-DD".  This module turns them into concrete
:class:`Period` values for every year of the plan.

Defaults (:data:`~kehoach.model.DEFAULT_CUTOFF`) follow Nghị định
09/2019/NĐ-CP, Điều 12: the 6-month report covers 15/12 of the previous year to
14/6, the annual report 15/12 of the previous year to 14/12.  The decree leaves
deadlines to the body that issues the reporting regime, so the default
deadlines (:data:`~kehoach.model.DEFAULT_DUE`: 20/6 and 20/12 for agencies'
reports, :data:`~kehoach.model.DEFAULT_CONSOLIDATED_DUE`: 25/6 and 25/12 for
the consolidated report) are this project's choice; a plan sets its own in
``reporting.due`` and ``reporting.consolidated_due``.

Period ids: ``"2025-H1"`` is the 6-month report of 2025 (kind ``half-year``),
``"2025"`` the annual report of 2025 (kind ``annual``).  The year is the year
the period *ends*.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Optional, Union

from .model import ReportingRule
from .vn import short_date

if TYPE_CHECKING:  # pragma: no cover
    from .model import Plan

__all__ = [
    "KINDS", "Period", "make_period", "month_day_problem", "open_periods", "parse_month_day",
    "parse_period_id", "period", "period_id", "period_ids", "period_problem", "periods",
]

#: Period kinds, in the order a year's periods end.
KINDS = ("half-year", "annual")
#: How each kind is said in Vietnamese ("kỳ báo cáo 6 tháng").
KIND_NAMES = {"half-year": "6 tháng", "annual": "năm"}

_PERIOD_ID = re.compile(r"([0-9]{4})(-H1)?\Z")
_MONTH_DAY = re.compile(r"([0-9]{2})-([0-9]{2})\Z")
#: Days of each month in a common year: a cut-off or deadline must exist every year.
_MONTH_LENGTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


# -- "MM-DD" ---------------------------------------------------------------------


def month_day_problem(text: object) -> Optional[str]:
    """Why ``text`` is not a day that exists in every year, in Vietnamese; None when it is.

    >>> month_day_problem("06-20") is None
    True
    >>> month_day_problem("02-29")
    'ngày 29/02 chỉ có trong năm nhuận'
    """
    if not isinstance(text, str) or not (m := _MONTH_DAY.match(text)):
        return "không đúng dạng MM-DD (ví dụ 06-20)"
    month, day = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return f"không có tháng {month}"
    if month == 2 and day == 29:
        return "ngày 29/02 chỉ có trong năm nhuận"
    if not 1 <= day <= _MONTH_LENGTH[month - 1]:
        return f"tháng {month} không có ngày {day}"
    return None


def parse_month_day(text: str) -> tuple[int, int]:
    """``"06-20"`` → ``(6, 20)``; ValueError (Vietnamese) for a day that is not in every year."""
    problem = month_day_problem(text)
    if problem:
        raise ValueError(f"ngày '{text}' không hợp lệ: {problem}")
    return int(text[:2]), int(text[3:])


# -- ids ---------------------------------------------------------------------------


def period_id(kind: str, year: int) -> str:
    """The id of a period: ``("half-year", 2025)`` → ``"2025-H1"``, ``("annual", 2025)`` → ``"2025"``."""
    if kind not in KINDS:
        raise ValueError(f"loại kỳ báo cáo '{kind}' không hợp lệ (chỉ có: {', '.join(KINDS)})")
    return f"{year}-H1" if kind == "half-year" else str(year)


def parse_period_id(text: Union[str, int]) -> tuple[str, int]:
    """``"2025-H1"`` → ``("half-year", 2025)``; ``"2025"`` (or 2025) → ``("annual", 2025)``.

    Raises ValueError with a Vietnamese message for anything else.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    m = _PERIOD_ID.match(text) if isinstance(text, str) else None
    if not m:
        raise ValueError(
            f"mã kỳ báo cáo '{text}' không hợp lệ: dùng YYYY-H1 cho báo cáo 6 tháng đầu năm, YYYY cho báo "
            f"cáo năm (ví dụ 2025-H1, 2025); Nghị định 09/2019/NĐ-CP chỉ có hai kỳ này")
    return ("half-year" if m.group(2) else "annual"), int(m.group(1))


def _suggest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; có phải là '{match[0]}'?" if match else ""


def period_problem(text: object, kinds: Iterable[str], years: Optional[tuple[int, int]]) -> Optional[str]:
    """Why ``text`` is not a period of a plan with these period ``kinds`` and
    ``(first, last)`` years, in Vietnamese with a "did you mean"; None when it is.

    Works on raw data (the load-time checks use it before a model exists).
    """
    kinds = tuple(k for k in KINDS if k in set(kinds))
    valid = [period_id(k, y) for y in range(years[0], years[1] + 1) for k in kinds] if years else []
    shown = str(text)
    try:
        kind, year = parse_period_id(text)  # type: ignore[arg-type]
    except ValueError as exc:
        return f"{exc}{_suggest(shown, valid)}"
    # the nearest period of the plan: same kind when the plan uses it, the year brought inside the plan years
    near_year = min(max(year, years[0]), years[1]) if years else year
    nearest = f"; có phải là '{period_id(kind if kind in kinds else kinds[0], near_year)}'?" if kinds else ""
    if kind not in kinds:
        used = ", ".join(f"{KIND_NAMES[k]} ({k})" for k in kinds) or "không có"
        return (f"kế hoạch không có kỳ báo cáo {KIND_NAMES[kind]} '{shown}' (các kỳ trong reporting.periods: "
                f"{used}){nearest}")
    if years and not years[0] <= year <= years[1]:
        return f"kỳ báo cáo '{shown}' nằm ngoài giai đoạn kế hoạch {years[0]}-{years[1]}{nearest}"
    return None


# -- periods ----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One reporting period: what it covers and when its reports are due.

    ``start`` and ``end`` are the first and last days of the figures, both
    included; ``due`` is when agencies' reports are due at the office and
    ``consolidated_due`` when the consolidated report goes up.
    """

    id: str
    kind: str
    year: int
    start: dt.date
    end: dt.date
    due: dt.date
    consolidated_due: dt.date

    @property
    def label(self) -> str:
        """How documents name the period: "6 tháng đầu năm 2025", "năm 2025"."""
        return f"6 tháng đầu năm {self.year}" if self.kind == "half-year" else f"năm {self.year}"

    @property
    def days(self) -> int:
        """Number of days covered, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def range_text(self) -> str:
        """"từ ngày 15/12/2024 đến ngày 14/6/2025" — the cut-off as reports write it."""
        return f"từ ngày {short_date(self.start)} đến ngày {short_date(self.end)}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def is_overdue(self, today: dt.date) -> bool:
        """True once ``today`` is after the agencies' deadline (the due day itself is on time)."""
        return today > self.due


def make_period(rule: ReportingRule, kind: str, year: int) -> Period:
    """The period of ``kind`` ending in ``year`` under ``rule``'s calendar."""
    start_md, end_md = (parse_month_day(x) for x in rule.cutoff[kind])
    end = dt.date(year, *end_md)
    start = dt.date(year - 1 if start_md > end_md else year, *start_md)
    return Period(
        id=period_id(kind, year), kind=kind, year=year, start=start, end=end,
        due=dt.date(year, *parse_month_day(rule.due[kind])),
        consolidated_due=dt.date(year, *parse_month_day(rule.consolidated_due[kind])),
    )


def periods(plan: "Plan") -> tuple[Period, ...]:
    """Every period of the plan: each year from ``start_year`` to ``end_year``
    and each kind in ``reporting.periods``, by end date (2025-H1, 2025, 2026-H1, …)."""
    out = [make_period(plan.reporting, kind, year)
           for year in range(plan.start_year, plan.end_year + 1)
           for kind in plan.reporting.periods]
    return tuple(sorted(out, key=lambda p: (p.end, KINDS.index(p.kind))))


def period_ids(plan: "Plan") -> tuple[str, ...]:
    return tuple(p.id for p in periods(plan))


def period(plan: "Plan", ident: Union[str, int]) -> Period:
    """The period with id ``ident`` ("2025-H1", "2025"); ValueError (Vietnamese,
    with a suggestion) when the plan has no such period."""
    problem = period_problem(ident, plan.reporting.periods, (plan.start_year, plan.end_year))
    if problem:
        raise ValueError(problem)
    kind, year = parse_period_id(ident)
    return make_period(plan.reporting, kind, year)


def open_periods(plan: "Plan") -> tuple[Period, ...]:
    """The periods currently open for reporting (``reporting.open``), by end date."""
    return tuple(sorted((period(plan, ident) for ident in plan.reporting.open),
                        key=lambda p: (p.end, KINDS.index(p.kind))))
