"""``reporting:`` of plan.yaml: the rule the model carries, and the calendar checks.

One place turns the raw mapping into a :class:`~kehoach.model.ReportingRule`
(after the schema passed) and one place says what is wrong with its days,
windows and one-off reports (before a model exists), so the loader and the
cross-file checks cannot read the same data two ways.
"""

from __future__ import annotations

import datetime as dt
import re
from types import MappingProxyType
from typing import Any, Callable, Optional

from .yamlread import as_dict as _dict, as_list as _list
from ..model import DEFAULT_CONSOLIDATED_DUE, DEFAULT_CUTOFF, DEFAULT_DUE, DailyWindow, OneOffReport, ReportingRule
from ..periods import ALL_KINDS, KIND_NAMES, YEARLY, day_of_month_problem, month_day_problem, period_problem, schedule

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]\Z")

#: ``add(path, code, message)``: how the checks report (the caller knows the file and positions).
Add = Callable[[tuple, str, str], None]


def _day_text(kind: str, value: Any) -> str:
    """A deadline or cut-off as the rule stores it: "MM-DD" for yearly kinds, "DD" otherwise."""
    return str(value) if kind in YEARLY else f"{int(value):02d}"


def _date(value: Any) -> Optional[dt.date]:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _md_tuple(text: str) -> tuple[int, int]:
    return int(text[:2]), int(text[3:])


def build_rule(raw: Optional[dict], issuer_agency: str) -> ReportingRule:
    """The rule of a schema-valid ``reporting:`` mapping; a plan without one
    sets no periodic report (no periods, nobody reports)."""
    r = raw or {"periods": [], "reporters": [], "to": issuer_agency, "consolidated_to": issuer_agency}
    cutoff: dict[str, tuple[str, str]] = dict(DEFAULT_CUTOFF)
    cutoff.update({kind: (_day_text(kind, c["from"]), _day_text(kind, c["to"]))
                   for kind, c in r.get("cutoff", {}).items()})

    def days(key: str, defaults: dict) -> MappingProxyType:
        return MappingProxyType({**defaults, **{k: _day_text(k, v) for k, v in r.get(key, {}).items()}})

    daily = r.get("daily")
    return ReportingRule(
        periods=tuple(r["periods"]), reporters=tuple(r["reporters"]), to=r["to"],
        via=r.get("via"), consolidated_to=r["consolidated_to"],
        cutoff=MappingProxyType(cutoff),
        due=days("due", dict(DEFAULT_DUE)),
        consolidated_due=days("consolidated_due", dict(DEFAULT_CONSOLIDATED_DUE)),
        via_due=days("via_due", {}),
        open=tuple(str(p) for p in r.get("open", ())),
        daily=DailyWindow(_date(daily["from"]), _date(daily["to"]), tuple(daily.get("times", ())))  # type: ignore[arg-type]
        if daily else None,
        once=tuple(OneOffReport(
            id=str(o.get("id") or o["due"]), due=_date(o["due"]), label=o.get("label"),  # type: ignore[arg-type]
            start=_date(o.get("from")), end=_date(o.get("to")), via_due=_date(o.get("via_due")),
            consolidated_due=_date(o.get("consolidated_due")),
        ) for o in r.get("once", ())),
    )


def check_calendar(raw: dict, years: Optional[tuple[int, int]], reference: Optional[dt.date], add: Add) -> None:
    """Cut-offs and deadlines are days of every year (or month), each step of the
    chain comes on or after the one before, daily windows and one-off reports
    are inside the plan, and the open periods are periods of this plan."""
    kinds = [k for k in _list(raw.get("periods")) if k in ALL_KINDS]
    cutoff, due, via, up = (_dict(raw.get(k)) for k in ("cutoff", "due", "via_due", "consolidated_due"))
    broken = False

    def day(path: tuple, kind: str, value: Any, what: str) -> Optional[tuple[int, int]]:
        """(month, day) of a yearly day, (0, day) of a day of the month; None when absent or wrong."""
        nonlocal broken
        if value is None:
            return None
        problem = month_day_problem(value) if kind in YEARLY else day_of_month_problem(value)
        if problem:
            if kind in YEARLY and not (isinstance(value, str) and re.match(r"[0-9]{2}-[0-9]{2}\Z", value)):
                broken = True
                return None  # the schema reports the form
            add(path, "KH060", f"{what} '{value}' không dùng được: {problem}; ngày chốt và hạn báo cáo phải có "
                               f"trong mọi {'năm' if kind in YEARLY else 'tháng'}")
            broken = True
            return None
        return (int(value[:2]), int(value[3:])) if kind in YEARLY else (0, int(value))

    for kind in ("monthly", "quarterly", "half-year", "annual"):
        name = KIND_NAMES[kind]
        given = _dict(cutoff.get(kind))
        day(("reporting", "cutoff", kind, "from"), kind, given.get("from"), f"ngày bắt đầu chốt số liệu kỳ {name}")
        end = day(("reporting", "cutoff", kind, "to"), kind, given.get("to"), f"ngày kết thúc chốt số liệu kỳ {name}")
        deadline = day(("reporting", "due", kind), kind, due.get(kind), f"hạn gửi báo cáo kỳ {name}")
        middle = day(("reporting", "via_due", kind), kind, via.get(kind), f"hạn cơ quan đầu mối gửi báo cáo kỳ {name}")
        top = day(("reporting", "consolidated_due", kind), kind, up.get(kind), f"hạn gửi báo cáo tổng hợp kỳ {name}")
        if kind not in YEARLY:
            continue  # a day of the month is the first such day after the step before: always in order
        mentioned = kind in kinds or any(kind in m for m in (cutoff, due, via, up))
        if not mentioned:
            continue
        # effective values: what was given (and valid), else the default when nothing was given
        end = end if "to" in given else _md_tuple(DEFAULT_CUTOFF[kind][1])
        deadline = deadline if kind in due else _md_tuple(DEFAULT_DUE[kind])
        top = top if kind in up else _md_tuple(DEFAULT_CONSOLIDATED_DUE[kind])

        def md(x: tuple[int, int]) -> str:
            return f"{x[0]:02d}-{x[1]:02d}"
        if end and deadline and deadline < end:
            if kind in due:
                add(("reporting", "due", kind), "KH061",
                    f"hạn gửi báo cáo kỳ {name} ({md(deadline)}) trước ngày kết thúc chốt số liệu ({md(end)}); hạn "
                    f"phải từ ngày chốt trở về sau, trong cùng năm")
            else:
                add(("reporting", "cutoff", kind, "to"), "KH061",
                    f"ngày kết thúc chốt số liệu kỳ {name} ({md(end)}) sau hạn gửi báo cáo mặc định ({md(deadline)}); "
                    f"hãy khai báo reporting.due.{kind}")
            broken = True
        elif deadline and middle and middle < deadline:
            add(("reporting", "via_due", kind), "KH061",
                f"hạn cơ quan đầu mối gửi báo cáo kỳ {name} ({md(middle)}) trước hạn các cơ quan gửi báo cáo "
                f"({md(deadline)})")
            broken = True
        elif deadline and top and top < (middle or deadline):
            if kind in up:
                add(("reporting", "consolidated_due", kind), "KH061",
                    f"hạn gửi báo cáo tổng hợp kỳ {name} ({md(top)}) trước hạn "
                    f"{'cơ quan đầu mối' if middle else 'các cơ quan'} gửi báo cáo ({md(middle or deadline)})")
            else:
                add(("reporting", "due", kind), "KH061",
                    f"hạn gửi báo cáo kỳ {name} ({md(deadline)}) sau hạn gửi báo cáo tổng hợp mặc định ({md(top)}); "
                    f"hãy khai báo reporting.consolidated_due.{kind}")
            broken = True

    if via and not raw.get("via"):
        add(("reporting", "via_due"), "KH079", "có hạn của cơ quan đầu mối (via_due) nhưng không khai báo cơ quan "
                                               "đầu mối (reporting.via)")
        broken = True
    broken |= _check_daily(raw, kinds, years, add)
    broken |= _check_once(raw, kinds, years, reference, add)
    if broken or not kinds or not years:
        return  # the open periods cannot be judged against a broken calendar
    rule = build_rule(raw, "")
    for i, ident in enumerate(_list(raw.get("open"))):
        if isinstance(ident, bool) or not isinstance(ident, (str, int)):
            continue  # the schema reports the type
        problem = period_problem(ident, rule, years, reference)
        if problem:
            add(("reporting", "open", i), "KH062", f"kỳ đang mở: {problem}")
    seen: dict[str, str] = {}
    for p in schedule(rule, years):
        if p.id in seen and seen[p.id] != p.kind:
            add(("reporting", "once"), "KH079", f"mã báo cáo đột xuất '{p.id}' trùng mã một kỳ báo cáo "
                                                f"{KIND_NAMES[seen[p.id]]}; đặt id khác cho báo cáo đột xuất")
        seen.setdefault(p.id, p.kind)


def _inside(day: dt.date, years: Optional[tuple[int, int]]) -> bool:
    return years is None or years[0] <= day.year <= years[1]


def _check_daily(raw: dict, kinds: list, years: Optional[tuple[int, int]], add: Add) -> bool:
    daily = raw.get("daily")
    if "daily" in kinds and not isinstance(daily, dict):
        add(("reporting", "periods"), "KH079", "kế hoạch có báo cáo hằng ngày (daily) nhưng không khai báo "
                                               "reporting.daily: {from: YYYY-MM-DD, to: YYYY-MM-DD}")
        return True
    if not isinstance(daily, dict):
        return False
    start, end = _date(daily.get("from")), _date(daily.get("to"))
    bad = False
    for key, value in (("from", start), ("to", end)):
        if daily.get(key) is not None and value is None and isinstance(daily.get(key), str) \
                and _ISO_DATE.match(daily[key]):
            add(("reporting", "daily", key), "KH034", f"ngày '{daily[key]}' không có thật")
            bad = True
        elif value is not None and not _inside(value, years):
            add(("reporting", "daily", key), "KH079", f"ngày {value.day}/{value.month}/{value.year} nằm ngoài giai "
                                                      f"đoạn kế hoạch {years[0]}-{years[1]}")  # type: ignore[index]
            bad = True
    if start and end and end < start:
        add(("reporting", "daily", "to"), "KH079", "ngày kết thúc báo cáo hằng ngày trước ngày bắt đầu")
        bad = True
    times = _list(daily.get("times"))
    if any(isinstance(t, str) and not _TIME.match(t) for t in times):
        bad = True  # the schema names the form
    if "daily" not in kinds:
        add(("reporting", "daily"), "KH079", "có reporting.daily nhưng 'daily' không có trong reporting.periods: "
                                             "thêm daily vào periods hoặc bỏ khối daily")
        bad = True
    return bad


def _check_once(raw: dict, kinds: list, years: Optional[tuple[int, int]], reference: Optional[dt.date],
                add: Add) -> bool:
    once = _list(raw.get("once"))
    bad = False
    if "once" in kinds and not once:
        add(("reporting", "periods"), "KH079", "kế hoạch có báo cáo đột xuất (once) nhưng reporting.once không "
                                               "khai báo báo cáo nào (mỗi báo cáo: id, label, due)")
        return True
    if once and "once" not in kinds:
        add(("reporting", "once"), "KH079", "có reporting.once nhưng 'once' không có trong reporting.periods")
        bad = True
    seen: dict[str, int] = {}
    for i, item in enumerate(once):
        item = _dict(item)
        due = _date(item.get("due"))
        if due is None:
            bad = True
            continue  # the schema reports a missing or malformed date
        ident = str(item.get("id") or item["due"])
        if ident in seen:
            add(("reporting", "once", i, "id" if item.get("id") else "due"), "KH079",
                f"mã báo cáo đột xuất '{ident}' đã dùng ở mục {seen[ident] + 1}")
            bad = True
        seen.setdefault(ident, i)
        if not _inside(due, years):
            add(("reporting", "once", i, "due"), "KH079",
                f"hạn {due.day}/{due.month}/{due.year} nằm ngoài giai đoạn kế hoạch {years[0]}-{years[1]}")  # type: ignore[index]
            bad = True
        elif reference and due < reference:
            add(("reporting", "once", i, "due"), "KH098",
                f"hạn {due.day}/{due.month}/{due.year} trước ngày ban hành kế hoạch "
                f"({reference.day}/{reference.month}/{reference.year}): báo cáo này không được đưa vào công văn, "
                f"lịch và mẫu báo cáo")
        start, end = _date(item.get("from")), _date(item.get("to"))
        if start and (end or due) < start:
            add(("reporting", "once", i, "from"), "KH079", "ngày bắt đầu số liệu sau ngày kết thúc số liệu")
            bad = True
        steps = [(k, _date(item.get(k))) for k in ("via_due", "consolidated_due")]
        previous = due
        for key, value in steps:
            if value is not None and value < previous:
                add(("reporting", "once", i, key), "KH079", f"hạn '{key}' trước hạn của bước trước trong chuỗi báo cáo")
                bad = True
            previous = value or previous
    return bad
