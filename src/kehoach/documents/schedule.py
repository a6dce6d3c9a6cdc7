"""The reporting schedule as letters word it: one line per report.

Yearly and one-off reports are listed one by one with their dates ("Báo cáo 6
tháng đầu năm 2025 (số liệu từ … đến …): trước ngày 20/6/2025").  Repeating
reports are summarised in one line each, as plans write them ("Báo cáo hằng
tháng (số liệu từ ngày 15 tháng trước đến ngày 14 tháng báo cáo): trước ngày 20
hằng tháng, từ tháng 3/2025 đến tháng 12/2030") — a letter listing sixty
monthly deadlines would bury the duty.  Only periods of
:func:`kehoach.periods.periods` appear, so no deadline before the plan's date.

Each line is a mapping with ``label``, ``range`` (may be empty) and
``deadline`` (the whole phrase after the colon); the sentence around them is in
the letter template.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from ..model import ReportingRule
from ..periods import Period, time_words
from ..vn import roman, short_date
from .common import period_context

#: Kinds summarised in one line, in the order the lines come.
_SUMMARISED = ("daily", "monthly", "quarterly")


def _span(kind: str, first: Period, last: Period) -> str:
    if kind == "monthly":
        return f"từ tháng {first.end.month}/{first.year} đến tháng {last.end.month}/{last.year}"
    if kind == "quarterly":
        return (f"từ quý {roman((first.end.month + 2) // 3)}/{first.year} "
                f"đến quý {roman((last.end.month + 2) // 3)}/{last.year}")
    return f"từ ngày {short_date(first.end)} đến ngày {short_date(last.end)}"


def _cutoff_words(kind: str, rule: ReportingRule) -> str:
    start, end = (int(x) for x in rule.cutoff[kind])
    if kind == "monthly":
        before = "tháng trước" if start > end else "tháng báo cáo"
        return f"từ ngày {start} {before} đến ngày {end} tháng báo cáo"
    before = "tháng trước quý" if start > end else "tháng đầu quý"
    return f"từ ngày {start} {before} đến ngày {end} tháng cuối quý"


def _day_words(kind: str, day: int, after: int) -> str:
    """"ngày 20 hằng tháng", "ngày 5 tháng sau", "ngày 20 tháng cuối quý", "ngày 5 tháng đầu quý sau"."""
    same = day >= after
    if kind == "monthly":
        return f"ngày {day} {'hằng tháng' if same else 'của tháng sau'}"
    return f"ngày {day} {'tháng cuối quý' if same else 'tháng đầu quý sau'}"


def _summary(kind: str, rule: ReportingRule, mine: Sequence[Period], step: str) -> dict:
    """One line for all periods of a repeating kind; ``step`` is "due" or "via_due"."""
    first, last = mine[0], mine[-1]
    span = _span(kind, first, last)
    if kind == "daily":
        times = rule.daily.times if rule.daily else ()
        when = (f"trước {' và '.join(time_words(t) for t in times)} hằng ngày" if times
                else "trong ngày, hằng ngày")
        return {"label": "hằng ngày", "range": "trong ngày", "deadline": f"{when}, {span}"}
    day = int((rule.due if step == "due" else rule.via_due)[kind])
    after = int(rule.cutoff[kind][1]) if step == "due" else int(rule.due[kind])
    words = {"monthly": "hằng tháng", "quarterly": "hằng quý"}[kind]
    return {"label": words, "range": _cutoff_words(kind, rule),
            "deadline": f"trước {_day_words(kind, day, after)}, {span}"}


def schedule_lines(rule: ReportingRule, plan_periods: Sequence[Period], *, step: str = "due",
                   keep: Optional[Callable[[Period], bool]] = None) -> list[dict]:
    """The letter's lines for ``plan_periods``: summaries of repeating kinds
    first, then each yearly or one-off period by date, then "khi có yêu cầu".

    ``step="via_due"`` gives the focal agency's own deadlines (only periods
    that have one)."""
    chosen = [p for p in plan_periods if (keep is None or keep(p)) and (step == "due" or p.via_due)]
    lines = []
    for kind in _SUMMARISED:
        mine = [p for p in chosen if p.kind == kind]
        if mine and (step == "due" or kind != "daily"):
            lines.append(_summary(kind, rule, mine, step))
    for p in chosen:
        if p.kind in _SUMMARISED:
            continue
        item = period_context(p)
        if step != "due":
            item = {**item, "deadline": f"trước ngày {item['via_due']}"}
        lines.append(item)
    if step == "due" and rule.on_request:
        lines.append({"label": "đột xuất", "range": "", "deadline": "khi có yêu cầu"})
    return lines
