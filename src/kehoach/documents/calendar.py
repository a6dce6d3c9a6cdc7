"""Deadline calendars (.ics): one per agency that gets a letter (tasks, or
duties of the plan's body), one for the office.

An agency's calendar holds the due date of each of its reports (and, for the
focal agency of a two-tier chain, its own deadline to send the synthesis on)
and the deadline of each task it leads or supports; the office's calendar
holds every report due date, the focal agency's and the consolidated report's
due dates, and every task deadline.  Task timelines become deadlines as follows: a date is that day; a
year or a range of years ends on 31/12 of its last year; "Hằng năm" and
"Thường xuyên" have no single deadline and get no event.

Files are built with the maintained ``icalendar`` library (RFC 5545 line
folding, escaping and UTF-8 handled there) and are reproducible: UIDs derive
from the plan, agency and item ids, and DTSTAMP is the build epoch
(``SOURCE_DATE_EPOCH`` when set), which a build passes down as ``stamp``
(:attr:`kehoach.clock.Clock.stamp` of its render environment).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Optional

from .._version import __version__
from ..model import Plan, Task
from ..periods import Period, periods
from ..clock import Clock
from ..vn import short_date
from . import letter
from .common import reference
from .kind import Document, FileKind, Selection

if TYPE_CHECKING:
    from .env import RenderEnv

KIND = "calendar"
OFFICE = "tong-hop"


def path(name: str) -> str:
    return f"lich/{name}.ics"


def task_deadline(task: Task) -> Optional[dt.date]:
    """The day a task is due (from its wording, or its explicit ``due:``), or
    None for recurring, continuous, open-ended or unrecognised timelines."""
    return task.timeline.deadline


def _stamp(stamp: Optional[dt.datetime]) -> dt.datetime:
    """The DTSTAMP of every event: the build's (given), else the clock read now
    (a calendar made outside a build)."""
    return stamp if stamp is not None else Clock.read().stamp


@dataclass(frozen=True)
class _Event:
    """One calendar event, before serialisation (what ``icalendar.Event`` got)."""

    uid: str
    day: dt.date
    summary: str
    description: str
    category: str


def _event(uid: str, day: dt.date, summary: str, description: str, category: str) -> _Event:
    return _Event(uid, day, summary, description, category)


def _ical_event(event: _Event, stamp: dt.datetime):
    """The same event as an ``icalendar.Event`` (the reference serialisation)."""
    from icalendar import Event
    out = Event()
    out.add("uid", event.uid)
    out.add("dtstamp", stamp)
    out.add("dtstart", event.day)
    out.add("dtend", event.day + dt.timedelta(days=1))
    out.add("summary", event.summary)
    out.add("description", event.description)
    out.add("categories", [event.category])
    out.add("transp", "TRANSPARENT")
    return out


#: characters of a property value that icalendar writes unchanged (no escape)
_PLAIN = frozenset(chr(c) for c in range(0x20, 0x7f)) - set("\\;,")


@functools.lru_cache(maxsize=1 << 16)
def _line(name: str, value: Any) -> bytes:
    """One folded content line ``NAME...:value`` exactly as icalendar writes it.

    Why: serialising every event with icalendar cost 70 % of a 1,000-task build
    (line folding of each task's long description once per agency).  A task's
    description, deadline and summary lines are the same in every calendar
    that holds it, so each distinct line is serialised once (by icalendar,
    through a one-property component) and reused; only the UID differs per
    calendar, and a short ASCII UID needs neither escaping nor folding.
    """
    from icalendar import Event
    probe = Event()
    probe.add(name, list(value) if isinstance(value, tuple) else value)
    lines = probe.to_ical().split(b"\r\n")
    return b"\r\n".join(lines[1:-2])  # between BEGIN:VEVENT and END:VEVENT, ""


def _uid_line(uid: str) -> bytes:
    if len(uid) < 64 and _PLAIN.issuperset(uid):
        return b"UID:" + uid.encode("ascii")
    return _line("uid", uid)


class _Ambiguous(Exception):
    """A fold would fall right after a backslash (icalendar versions differ there)."""


def _fold(line: str) -> bytes:
    """RFC 5545 folding as icalendar does it: a line break before the character
    that would make a line reach 75 octets (so each piece is the longest run
    of whole UTF-8 characters of at most 74 octets)."""
    data = line.encode("utf-8")
    if len(data) < 75:
        return data
    parts, start = [], 0
    while len(data) - start > 74:
        end = start + 74
        while data[end] & 0xC0 == 0x80:  # inside a character: break before it
            end -= 1
        if data[end - 1] == 0x5C:  # a backslash
            raise _Ambiguous
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts)


@functools.lru_cache(maxsize=1 << 16)
def _text_line(name: str, value: str) -> bytes:
    """A TEXT property's folded line, without icalendar's per-line overhead
    (serialising through icalendar is 0.4 ms a line): escaping of ``\\ ; ,``
    and newlines per RFC 5545, folding as :func:`_fold`.  Values holding a
    backslash or carriage return, and folds after an escape, go through
    icalendar itself; a test compares whole calendars with icalendar's."""
    if "\\" in value or "\r" in value:
        return _line(name, value)
    escaped = value.replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    try:
        return _fold(f"{name.upper()}:{escaped}")
    except _Ambiguous:
        return _line(name, value)


def _event_bytes(event: _Event, stamp: dt.datetime) -> bytes:
    # icalendar's canonical order for VEVENT (SUMMARY, DTSTART, DTEND, DTSTAMP,
    # UID), then the other properties alphabetically; a test compares the
    # result with icalendar's own serialisation.
    return b"\r\n".join((
        b"BEGIN:VEVENT",
        _text_line("summary", event.summary),
        _line("dtstart", event.day),
        _line("dtend", event.day + dt.timedelta(days=1)),
        _line("dtstamp", stamp),
        _uid_line(event.uid),
        _line("categories", (event.category,)),
        _text_line("description", event.description),
        b"TRANSP:TRANSPARENT",
        b"END:VEVENT",
    ))


def _new_calendar(name: str):
    """The VCALENDAR with its properties and no event (shared by both serialisers)."""
    from icalendar import Calendar
    cal = Calendar()
    cal.add("prodid", f"-//kehoach//kehoach {__version__}//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    return cal


def _calendar(plan: Plan, name: str, events: Iterable[_Event], stamp: Optional[dt.datetime] = None) -> bytes:
    head = _new_calendar(name).to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    stamp = _stamp(stamp)
    body = [_event_bytes(e, stamp) + b"\r\n" for e in sorted(events, key=lambda e: (e.day, e.uid))]
    return head[:-len(end)] + b"".join(body) + end


def reference_calendar(plan: Plan, name: str, events: Iterable[_Event],
                       stamp: Optional[dt.datetime] = None) -> bytes:
    """The calendar serialised entirely by icalendar (what :func:`_calendar`
    must equal byte for byte; used by the tests)."""
    cal = _new_calendar(name)
    stamp = _stamp(stamp)
    for event in sorted(events, key=lambda e: (e.day, e.uid)):
        cal.add_component(_ical_event(event, stamp))
    return cal.to_ical()


def _report_event(plan: Plan, per: Period, who: str, to: str) -> _Event:
    return _event(
        f"{plan.id}.{who}.bao-cao.{per.id}@kehoach",
        per.due,
        f"Hạn gửi báo cáo {per.label} ({plan.document.type_name} của {plan.issuer.short_name})",
        f"Báo cáo kết quả thực hiện {reference(plan)} {per.label}, số liệu {per.range_text}; "
        f"gửi {to} {per.deadline}.",
        "Báo cáo định kỳ",
    )


def _relay_event(plan: Plan, per: Period, who: str) -> _Event:
    """The focal agency's step of a two-tier chain: its synthesis goes on to ``reporting.to``."""
    assert per.via_due is not None, "only periods with a focal agency's deadline"
    to = plan.registry.short_name(plan.reporting.to)
    return _event(
        f"{plan.id}.{who}.tong-hop-dau-moi.{per.id}@kehoach",
        per.via_due,
        f"Hạn tổng hợp báo cáo {per.label} gửi {to}",
        f"Tổng hợp báo cáo {per.label} của các cơ quan, đơn vị về kết quả thực hiện {reference(plan)}, "
        f"gửi {to} trước ngày {short_date(per.via_due)}.",
        "Báo cáo định kỳ",
    )


def _task_event(plan: Plan, task: Task, who: str, role: str) -> Optional[_Event]:
    day = task_deadline(task)
    if day is None:
        return None
    return _event(
        f"{plan.id}.{who}.nhiem-vu.{task.id}@kehoach",
        day,
        f"Hạn nhiệm vụ {task.id} ({role}): {task.content[:80]}{'…' if len(task.content) > 80 else ''}",
        f"{task.content}\nCơ quan chủ trì: {task.lead_cell}.\n"
        f"Thời gian thực hiện: {task.timeline.text}." + (f"\nSản phẩm: {task.output}" if task.output else ""),
        "Nhiệm vụ",
    )


def agency_calendar(plan: Plan, agency_id: str, stamp: Optional[dt.datetime] = None) -> bytes:
    registry = plan.registry
    rule = plan.reporting
    to = registry.short_name(rule.to) + (f" (qua {registry.short_name(rule.via)})" if rule.via else "")
    events = []
    if agency_id in plan.reporters():
        events += [_report_event(plan, per, agency_id, to) for per in periods(plan)]
    if agency_id == rule.via:
        events += [_relay_event(plan, per, agency_id) for per in periods(plan) if per.via_due]
    for role, tasks in (("chủ trì", plan.tasks_led_by(agency_id)), ("phối hợp", plan.tasks_supported_by(agency_id))):
        events += [e for e in (_task_event(plan, t, agency_id, role) for t in tasks) if e]
    return _calendar(plan, f"{registry.short_name(agency_id)} — hạn báo cáo và nhiệm vụ", events, stamp)


def office_calendar(plan: Plan, stamp: Optional[dt.datetime] = None) -> bytes:
    registry = plan.registry
    rule = plan.reporting
    events = []
    for per in periods(plan):
        events.append(_event(
            f"{plan.id}.{OFFICE}.han-cac-co-quan.{per.id}@kehoach", per.due,
            f"Hạn các cơ quan gửi báo cáo {per.label}",
            f"Các cơ quan, đơn vị gửi báo cáo {per.label} ({per.range_text}) về "
            f"{registry.short_name(rule.via or rule.to)}.", "Báo cáo định kỳ"))
        if per.via_due:
            events.append(_relay_event(plan, per, OFFICE))
        events.append(_event(
            f"{plan.id}.{OFFICE}.tong-hop.{per.id}@kehoach", per.consolidated_due,
            f"Hạn gửi báo cáo tổng hợp {per.label} tới {registry.short_name(rule.consolidated_to)}",
            f"Tổng hợp báo cáo {per.label} về kết quả thực hiện {reference(plan)} gửi "
            f"{registry.name(rule.consolidated_to)}.", "Báo cáo tổng hợp"))
    for task in plan.tasks:
        event = _task_event(plan, task, OFFICE, "theo dõi")
        if event:
            events.append(event)
    return _calendar(plan, f"{plan.issuer.short_name} — theo dõi thực hiện {plan.document.type_name}", events, stamp)


def documents(plan: Plan, stamp: Optional[dt.datetime] = None) -> list[Document]:
    """The .ics calendars: one per agency that gets a letter (tasks, or duties of
    the plan's body), one for the office."""
    out = [Document(path(a), KIND, agency_calendar(plan, a, stamp), agency=a) for a in letter.agencies(plan)]
    out.append(Document(path(OFFICE), KIND, office_calendar(plan, stamp)))
    return out


def _files(plan: Plan, env: "RenderEnv", selection: Selection) -> list[Document]:
    return documents(plan, env.clock.stamp)


#: the deadline calendars of every agency that gets a letter, and the office's
DOCUMENT_KIND = FileKind(KIND, _files)
