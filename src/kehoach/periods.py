"""Reporting periods (kỳ báo cáo) as dates.

A plan's reporting rule (``reporting:`` in ``plan.yaml``, :class:`~kehoach.model.ReportingRule`)
says which kinds of report it asks for and, per kind, the cut-off of the
figures and the deadlines.  This module turns them into concrete
:class:`Period` values — the plan's *schedule*.

Kinds, as the surveyed plans write them:

============  ==================  ============================================
kind          id                  printed as
============  ==================  ============================================
monthly       ``2025-03``         "tháng 3 năm 2025"
quarterly     ``2025-Q1``         "quý I năm 2025"
half-year     ``2025-H1``         "6 tháng đầu năm 2025"
annual        ``2025``            "năm 2025"
daily         ``2025-07-14``      "ngày 14/7/2025" (``2025-07-14T0700``: "7 giờ 00 ngày 14/7/2025")
once          its ``id``          its ``label`` ("sơ kết 3 năm …"), one-off
on-request    —                   no period: "khi có yêu cầu"
============  ==================  ============================================

Cut-offs follow Nghị định 09/2019/NĐ-CP, Điều 12 by default: a month runs from
the 15th of the previous month to the 14th; a quarter from the 15th of the
month before it to the 14th of its last month; 6 months from 15/12 of the
previous year to 14/6; a year from 15/12 of the previous year to 14/12.  The
decree leaves deadlines to the body that issues the regime, so the default
deadlines (:data:`~kehoach.model.DEFAULT_DUE`) are this project's choice; a plan
sets its own.  Yearly kinds write days as "MM-DD"; monthly and quarterly kinds
write a day of the month ("20"), and a deadline is the first such day on or
after the cut-off (``due: {monthly: "05"}`` with the cut-off on the 14th is the
5th of the next month: "trước ngày 05 tháng sau").

Two-tier chains: reporters send to the focal agency (``via``) by ``due``; the
focal agency sends its synthesis to ``to`` by ``via_due`` when the plan sets
one; ``to`` sends the consolidated report up by ``consolidated_due``.

No document lists a deadline that falls before the plan's own date: such
periods are not in :func:`periods`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Optional, Union

from .model import DEFAULT_CONSOLIDATED_DUE, DEFAULT_CUTOFF, DEFAULT_DUE, OneOffReport, ReportingRule
from .vn import roman, short_date

if TYPE_CHECKING:  # pragma: no cover
    from .model import Plan

__all__ = [
    "KINDS", "PERIODIC", "Period", "make_period", "month_day_problem", "open_periods", "parse_month_day",
    "parse_period_id", "period", "period_id", "period_label", "plan_period_problem", "period_ids", "period_problem", "periods", "schedule",
]

#: Kinds that make periods, in the order periods ending on the same day are listed.
KINDS = ("daily", "monthly", "quarterly", "half-year", "annual", "once")
#: Kinds repeating on the calendar (every year of the plan).
PERIODIC = ("monthly", "quarterly", "half-year", "annual")
#: Every word ``reporting.periods`` accepts: the kinds, and "on-request" (báo cáo khi có yêu cầu).
ALL_KINDS = KINDS + ("on-request",)
#: Kinds whose days are "MM-DD" (the others write a day of the month).
YEARLY = ("half-year", "annual")
#: How each kind is said in Vietnamese ("kỳ báo cáo 6 tháng").
KIND_NAMES = {"daily": "hằng ngày", "monthly": "tháng", "quarterly": "quý", "half-year": "6 tháng",
              "annual": "năm", "once": "đột xuất", "on-request": "khi có yêu cầu"}

_PERIOD_ID = re.compile(r"([0-9]{4})(?:-(H1|Q[1-4]|0[1-9]|1[0-2])(?:-([0-9]{2})(?:T([0-9]{4}))?)?)?\Z")
_MONTH_DAY = re.compile(r"([0-9]{2})-([0-9]{2})\Z")
_DAY = re.compile(r"(0?[1-9]|[12][0-9]|3[01])\Z")
#: Days of each month in a common year: a cut-off or deadline must exist every year.
_MONTH_LENGTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


# -- days ---------------------------------------------------------------------------


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


def day_of_month_problem(text: object) -> Optional[str]:
    """Why ``text`` is not a day of the month (1–31; a month without it uses its last day)."""
    if isinstance(text, bool) or not isinstance(text, (str, int)) or not _DAY.match(str(text)):
        return "không phải một ngày trong tháng (1 đến 31, ví dụ \"20\")"
    return None


def parse_month_day(text: str) -> tuple[int, int]:
    """``"06-20"`` → ``(6, 20)``; ValueError (Vietnamese) for a day that is not in every year."""
    problem = month_day_problem(text)
    if problem:
        raise ValueError(f"ngày '{text}' không hợp lệ: {problem}")
    return int(text[:2]), int(text[3:])


def _clamped(year: int, month: int, day: int) -> dt.date:
    """The day in that month, or the month's last day when it has fewer ("ngày 30" in February)."""
    while month > 12:
        year, month = year + 1, month - 12
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _on_or_after(day_of_month: int, after: dt.date) -> dt.date:
    """The first day numbered ``day_of_month`` on or after ``after``."""
    here = _clamped(after.year, after.month, day_of_month)
    return here if here >= after else _clamped(after.year, after.month + 1, day_of_month)


# -- ids ---------------------------------------------------------------------------


def period_id(kind: str, year: int, index: Optional[int] = None) -> str:
    """The id of a periodic period: ``("half-year", 2025)`` → ``"2025-H1"``,
    ``("annual", 2025)`` → ``"2025"``, ``("quarterly", 2025, 1)`` → ``"2025-Q1"``,
    ``("monthly", 2025, 3)`` → ``"2025-03"``."""
    if kind == "annual":
        return str(year)
    if kind == "half-year":
        return f"{year}-H1"
    if kind == "quarterly" and index in (1, 2, 3, 4):
        return f"{year}-Q{index}"
    if kind == "monthly" and index is not None and 1 <= index <= 12:
        return f"{year}-{index:02d}"
    raise ValueError(f"loại kỳ báo cáo '{kind}' không hợp lệ (kỳ định kỳ: {', '.join(PERIODIC)})")


def parse_period_id(text: Union[str, int]) -> tuple[str, int]:
    """``"2025-H1"`` → ``("half-year", 2025)``; ``"2025"`` (or 2025) → ``("annual", 2025)``;
    ``"2025-Q2"`` → ``("quarterly", 2025)``; ``"2025-03"`` → ``("monthly", 2025)``;
    ``"2025-07-14"``/``"2025-07-14T0700"`` → ``("daily", 2025)``.

    Raises ValueError with a Vietnamese message for anything else (one-off
    reports have ids of the plan's choosing: see :func:`period`).
    """
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    m = _PERIOD_ID.match(text) if isinstance(text, str) else None
    if not m:
        raise ValueError(
            f"mã kỳ báo cáo '{text}' không hợp lệ: dùng YYYY cho báo cáo năm, YYYY-H1 cho 6 tháng đầu năm, "
            f"YYYY-Q1…Q4 cho quý, YYYY-MM cho tháng, YYYY-MM-DD cho báo cáo ngày (ví dụ 2025, 2025-H1, 2025-Q2, "
            f"2025-03), hoặc mã của báo cáo đột xuất khai báo trong reporting.once"
            + ("; báo cáo 6 tháng cuối năm là báo cáo năm (YYYY)" if isinstance(text, str) and text.endswith("-H2")
               else ""))
    year, part, day = int(m.group(1)), m.group(2), m.group(3)
    if day:
        return "daily", year
    if part is None:
        return "annual", year
    if part == "H1":
        return "half-year", year
    return ("quarterly" if part.startswith("Q") else "monthly"), year


def period_label(ident: Union[str, int]) -> Optional[str]:
    """How documents name the period with this id ("quý II năm 2025"); None for
    an id that is not a calendar period (a one-off report's id)."""
    try:
        kind, year = parse_period_id(ident)
    except ValueError:
        return None
    return _default_label(kind, year, str(ident))


def _suggest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; có phải là '{match[0]}'?" if match else ""


# -- periods ----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One reporting period: what it covers and when its reports are due.

    ``start`` and ``end`` are the first and last days of the figures, both
    included; ``due`` is when agencies' reports are due (at ``due_time`` on that
    day for reports due at an hour), ``via_due`` when the focal agency sends its
    synthesis on (two-tier chains; None when the plan sets no such step) and
    ``consolidated_due`` when the consolidated report goes up.  ``label`` is how
    documents name the period.
    """

    id: str
    kind: str
    year: int
    start: dt.date
    end: dt.date
    due: dt.date
    consolidated_due: dt.date
    label: str = ""
    via_due: Optional[dt.date] = None
    due_time: Optional[str] = None

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", _default_label(self.kind, self.year, self.id))

    @property
    def days(self) -> int:
        """Number of days covered, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def range_text(self) -> str:
        """"từ ngày 15/12/2024 đến ngày 14/6/2025" — the cut-off as reports write it
        ("ngày 14/7/2025" for a one-day period)."""
        if self.start == self.end:
            return f"ngày {short_date(self.end)}"
        return f"từ ngày {short_date(self.start)} đến ngày {short_date(self.end)}"

    @property
    def deadline(self) -> str:
        """The agencies' deadline as a letter's line ends: "trước ngày 20/6/2025",
        "trước 7 giờ 00 ngày 14/7/2025"."""
        day = f"ngày {short_date(self.due)}"
        return f"trước {time_words(self.due_time)} {day}" if self.due_time else f"trước {day}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def is_overdue(self, today: dt.date) -> bool:
        """True once ``today`` is after the agencies' deadline (the due day itself is on time)."""
        return today > self.due


def time_words(hhmm: str) -> str:
    """"07:00" → "7 giờ 00", "16:30" → "16 giờ 30"."""
    hours, minutes = hhmm.split(":")
    return f"{int(hours)} giờ {minutes}"


def _default_label(kind: str, year: int, ident: str) -> str:
    if kind == "half-year":
        return f"6 tháng đầu năm {year}"
    if kind == "quarterly":
        return f"quý {roman(int(ident[-1]))} năm {year}"
    if kind == "monthly":
        return f"tháng {int(ident[5:7])} năm {year}"
    if kind == "daily":
        day = f"ngày {int(ident[8:10])}/{int(ident[5:7])}/{year}"
        return f"{time_words(ident[11:13] + ':' + ident[13:15])} {day}" if "T" in ident else day
    if kind == "once":
        return "đột xuất"
    return f"năm {year}"


def _cutoff_days(rule: ReportingRule, kind: str) -> tuple[str, str]:
    return rule.cutoff.get(kind) or DEFAULT_CUTOFF[kind]


def _deadlines(rule: ReportingRule, kind: str, end: dt.date) -> tuple[dt.date, Optional[dt.date], dt.date]:
    """(due, via_due, consolidated_due) of a periodic period ending on ``end``.

    Yearly kinds: "MM-DD" in the period's end year.  Monthly and quarterly: a
    day of the month, the first such day on or after the previous step."""
    due_text = rule.due.get(kind) or DEFAULT_DUE[kind]
    up_text = rule.consolidated_due.get(kind) or DEFAULT_CONSOLIDATED_DUE[kind]
    via_text = rule.via_due.get(kind)
    if kind in YEARLY:
        def on(text: str) -> dt.date:
            return dt.date(end.year, *parse_month_day(text))
        return on(due_text), (on(via_text) if via_text else None), on(up_text)
    due = _on_or_after(int(due_text), end)
    via = _on_or_after(int(via_text), due) if via_text else None
    return due, via, _on_or_after(int(up_text), via or due)


def make_period(rule: ReportingRule, kind: str, year: int, index: Optional[int] = None) -> Period:
    """The periodic period of ``kind`` ending in ``year`` (the ``index``-th
    quarter or month) under ``rule``'s calendar."""
    start_text, end_text = _cutoff_days(rule, kind)
    if kind in YEARLY:
        start_md, end_md = parse_month_day(start_text), parse_month_day(end_text)
        end = dt.date(year, *end_md)
        start = dt.date(year - 1 if start_md > end_md else year, *start_md)
    else:
        last_month = (index or 0) * (3 if kind == "quarterly" else 1)
        first_month = last_month - (2 if kind == "quarterly" else 0)
        start_day, end_day = int(start_text), int(end_text)
        end = _clamped(year, last_month, end_day)
        start = _clamped(year, first_month - (1 if start_day > end_day else 0), start_day)
    due, via_due, up = _deadlines(rule, kind, end)
    return Period(id=period_id(kind, year, index), kind=kind, year=year, start=start, end=end,
                  due=due, consolidated_due=up, via_due=via_due)


def _daily_periods(rule: ReportingRule) -> list[Period]:
    window = rule.daily
    if window is None:
        return []
    out = []
    day = window.start
    while day <= window.end:
        base = day.isoformat()
        for time in window.times or (None,):
            ident = f"{base}T{time.replace(':', '')}" if time else base
            out.append(Period(id=ident, kind="daily", year=day.year, start=day, end=day, due=day,
                              consolidated_due=day, due_time=time))
        day += dt.timedelta(days=1)
    return out


def _once_period(report: OneOffReport, plan_start: Optional[dt.date]) -> Period:
    start = report.start or plan_start or report.due
    end = report.end or report.due
    return Period(id=report.id, kind="once", year=end.year, start=min(start, end), end=end, due=report.due,
                  consolidated_due=report.consolidated_due or report.due, label=report.label or "",
                  via_due=report.via_due)


def _order(p: Period) -> tuple:
    return (p.end, KINDS.index(p.kind), p.due_time or "", p.id)


def schedule(rule: ReportingRule, years: tuple[int, int], not_before: Optional[dt.date] = None,
             *, plan_start: Optional[dt.date] = None) -> tuple[Period, ...]:
    """Every period of ``rule`` over the plan ``years`` (first, last), by end
    date; periods whose agencies' deadline falls before ``not_before`` (the
    plan's date) are left out — a report cannot be asked for before the plan
    that asks for it."""
    out: list[Period] = []
    for kind in rule.periods:
        if kind in YEARLY:
            out += [make_period(rule, kind, year) for year in range(years[0], years[1] + 1)]
        elif kind == "quarterly":
            out += [make_period(rule, kind, y, q) for y in range(years[0], years[1] + 1) for q in range(1, 5)]
        elif kind == "monthly":
            out += [make_period(rule, kind, y, m) for y in range(years[0], years[1] + 1) for m in range(1, 13)]
    if "daily" in rule.periods:
        out += _daily_periods(rule)
    if "once" in rule.periods or rule.once:
        out += [_once_period(r, plan_start) for r in rule.once]
    if not_before is not None:
        out = [p for p in out if p.due >= not_before]
    return tuple(sorted(out, key=_order))


def period_problem(text: object, rule: ReportingRule, years: Optional[tuple[int, int]],
                   not_before: Optional[dt.date] = None) -> Optional[str]:
    """Why ``text`` is not a period of a plan with this reporting rule and
    ``(first, last)`` years (none due before ``not_before``), in Vietnamese with
    a "did you mean"; None when it is.

    The load-time checks call it with the rule built from the raw data, before
    a model exists; :func:`plan_period_problem` with a plan.
    """
    shown = str(text)
    valid = schedule(rule, years, not_before) if years else ()
    if any(p.id == shown for p in valid):
        return None
    ids = [p.id for p in valid]
    if any(r.id == shown for r in rule.once):
        return (f"báo cáo đột xuất '{shown}' có hạn trước ngày ban hành kế hoạch; không yêu cầu báo cáo này"
                f"{_suggest(shown, ids)}")
    try:
        kind, year = parse_period_id(text)  # type: ignore[arg-type]
    except ValueError as exc:
        return f"{exc}{_suggest(shown, ids)}"
    kinds = [k for k in KINDS if k in rule.periods]
    near = [p for p in valid if p.kind == kind] or list(valid)
    nearest = f"; có phải là '{min(near, key=lambda p: abs(p.year - year)).id}'?" if near else ""
    if kind not in kinds:
        used = ", ".join(f"{KIND_NAMES[k]} ({k})" for k in rule.periods) or "không có"
        return (f"kế hoạch không có kỳ báo cáo {KIND_NAMES[kind]} '{shown}' (các kỳ trong reporting.periods: "
                f"{used}){nearest}")
    if years and not years[0] <= year <= years[1]:
        return f"kỳ báo cáo '{shown}' nằm ngoài giai đoạn kế hoạch {years[0]}-{years[1]}{nearest}"
    if not_before is not None:
        every = schedule(rule, years) if years else ()
        if any(p.id == shown for p in every):
            return (f"kỳ báo cáo '{shown}' có hạn gửi trước ngày ban hành kế hoạch "
                    f"({not_before.day}/{not_before.month}/{not_before.year}); kế hoạch không yêu cầu báo cáo kỳ "
                    f"này{nearest}")
    if kind == "daily":
        return f"'{shown}' không phải một lần báo cáo trong khoảng reporting.daily{_suggest(shown, ids)}"
    return f"kỳ báo cáo '{shown}' không có trong kế hoạch{_suggest(shown, ids)}"


def plan_period_problem(plan: "Plan", ident: object) -> Optional[str]:
    """:func:`period_problem` against the plan's own rule, years and date."""
    return period_problem(ident, plan.reporting, (plan.start_year, plan.end_year), plan.document.reference_date)


def periods(plan: "Plan") -> tuple[Period, ...]:
    """Every period of the plan, by end date (2025-H1, 2025, 2026-H1, …); none
    whose deadline falls before the plan's date."""
    return schedule(plan.reporting, (plan.start_year, plan.end_year), plan.document.reference_date,
                    plan_start=plan.document.reference_date)


def period_ids(plan: "Plan") -> tuple[str, ...]:
    return tuple(p.id for p in periods(plan))


def period(plan: "Plan", ident: Union[str, int]) -> Period:
    """The period with id ``ident`` ("2025-H1", "2025", "2025-Q1", "2025-03", a
    one-off report's id); ValueError (Vietnamese, with a suggestion) when the
    plan has no such period."""
    shown = str(ident)
    for p in periods(plan):
        if p.id == shown:
            return p
    raise ValueError(plan_period_problem(plan, ident)
                     or f"kỳ báo cáo '{shown}' không có trong kế hoạch")


def open_periods(plan: "Plan") -> tuple[Period, ...]:
    """The periods currently open for reporting (``reporting.open``), by end date."""
    return tuple(sorted((period(plan, ident) for ident in plan.reporting.open), key=_order))
