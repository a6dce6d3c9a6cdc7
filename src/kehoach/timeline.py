"""Thời gian thực hiện: the printed wording, and what it means.

Offices write a task's time in many ways (a survey of 29 signed plans found
``2026 - 2030``, ``Quí IV-2025``, ``Quý IV/2025- Quý II/2026``, ``Tháng 12
hằng năm``, ``Trước ngày 30/11/2025``, ``Từ 01/7/2025``, ``Theo Kế hoạch
riêng``…).  The wording is **data**: documents print :attr:`Timeline.text`
exactly as written, never a reformatted version.  :func:`parse_timeline`
derives the meaning where it can — a start, a deadline, a recurrence — so
calendars, letters and reports can use it; wording it does not recognise
gives ``kind == "unknown"`` (the loader warns: no deadline in calendars) and
the plan may state the deadline explicitly (``due:`` on the task).

This is the project's only timeline parser: the loader, the checks, the
calendars and the diff all call it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

__all__ = ["Timeline", "parse_timeline", "KINDS"]

#: every meaning :func:`parse_timeline` can give
KINDS = (
    "year",        # Năm 2025, 2025, Hoàn thành trong năm 2025
    "years",       # 2026 - 2030, 2026-2030, Giai đoạn 2026-2030
    "quarter",     # Quý IV/2025, Quí IV-2025, Quý III Năm 2026
    "quarters",    # Quý IV/2025- Quý II/2026
    "month",       # Tháng 12/2025
    "date",        # 30/6/2025, 2025-06-30, Trước ngày 30/11/2025
    "from",        # Từ 01/7/2025, Năm 2025 và các năm tiếp theo (open-ended)
    "yearly",      # Hằng năm, Hàng năm, Tháng 12 hằng năm, Trước ngày 15/11 hằng năm
    "continuous",  # Thường xuyên
    "unknown",     # anything else: printed as written, no derived deadline
)


@dataclass(frozen=True)
class Timeline:
    """A task's time: ``text`` as printed, and its meaning.

    ``start`` and ``deadline`` are dates when the wording gives them (a year's
    deadline is 31/12, a quarter's its last day).  ``recurring`` is
    ``(month, day)`` for yearly wording with a fixed day (``Tháng 12 hằng
    năm`` → ``(12, 31)``), else None.  ``start_year``/``end_year`` bound the
    years the wording names, for the "outside the plan years" check.
    """

    text: str
    kind: str
    start: Optional[dt.date] = None
    deadline: Optional[dt.date] = None
    recurring: Optional[tuple[int, int]] = None
    explicit: bool = False   # the deadline was given by ``due:``, not read from the text

    @property
    def recognised(self) -> bool:
        return self.kind != "unknown" or self.explicit

    @property
    def start_year(self) -> Optional[int]:
        return self.start.year if self.start else (self.deadline.year if self.deadline else None)

    @property
    def end_year(self) -> Optional[int]:
        return self.deadline.year if self.deadline else None

    def with_due(self, due: dt.date) -> "Timeline":
        """The same wording with an explicitly declared deadline."""
        return Timeline(self.text, self.kind, self.start, due, self.recurring, explicit=True)


_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_SEP = r"\s*[-–—]\s*"
_Q = r"qu[ýyíi]\s+(iv|iii|ii|i|[1-4])\s*(?:/|-|–|,|\s+năm\s+|\s+)\s*(\d{4})"
_DMY = r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})"
_YEARLY = r"h[ằàa]ng\s+năm"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(rx + r"\Z", re.IGNORECASE)) for name, rx in (
    ("year", r"(?:năm\s+)?(\d{4})"),
    ("year", r"(?:hoàn\s+thành\s+)?trong\s+năm\s+(\d{4})"),
    ("years", r"(?:giai\s+đoạn\s+|từ\s+năm\s+|năm\s+)?(\d{4})" + _SEP + r"(\d{4})"),
    ("years", r"(?:giai\s+đoạn\s+)?từ\s+(?:năm\s+)?(\d{4})\s+đến\s+(?:năm\s+)?(\d{4})"),
    ("quarter", _Q),
    ("quarters", _Q + _SEP + _Q),
    ("month", r"tháng\s+(\d{1,2})\s*(?:/|-|\s+năm\s+)\s*(\d{4})"),
    ("date", r"(?:trước\s+ngày\s+|chậm\s+nhất\s+(?:ngày\s+)?|ngày\s+)?" + _DMY),
    ("iso", r"(\d{4})-(\d{2})-(\d{2})"),
    ("from", r"từ\s+(?:ngày\s+)?" + _DMY + r"(?:\s+trở\s+đi)?"),
    ("from-year", r"(?:năm\s+)?(\d{4})\s+và\s+các\s+năm\s+tiếp\s+theo"),
    ("from-year", r"từ\s+năm\s+(\d{4})(?:\s+trở\s+đi)?"),
    ("yearly", _YEARLY),
    ("yearly-month", r"tháng\s+(\d{1,2})\s+" + _YEARLY),
    ("yearly-day", r"(?:trước\s+ngày\s+|ngày\s+)(\d{1,2})\s*/\s*(\d{1,2})\s+" + _YEARLY),
    ("continuous", r"thường\s+xuyên(?:\s*,\s*liên\s+tục)?"),
    ("continuous", r"thường\s+xuyên\s*,\s*" + _YEARLY),
)]


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text).strip().rstrip(".;").strip().lower()


def _date(year: int, month: int, day: int) -> Optional[dt.date]:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> Optional[dt.date]:
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _quarter(q: str, year: str) -> tuple[dt.date, dt.date]:
    n, y = _ROMAN_Q[q.lower()], int(year)
    return dt.date(y, 3 * n - 2, 1), _month_end(y, 3 * n)  # type: ignore[return-value]


def parse_timeline(text: str) -> Timeline:
    """The meaning of a printed timeline; ``kind == "unknown"`` when not recognised.

    An impossible date (``31/2/2025``) is "unknown" too: the loader reports it.
    """
    key = _norm(text)
    for name, pattern in _PATTERNS:
        m = pattern.match(key)
        if not m:
            continue
        g = m.groups()
        if name == "year":
            y = int(g[0])
            return Timeline(text, "year", dt.date(y, 1, 1), dt.date(y, 12, 31))
        if name == "years":
            a, b = int(g[0]), int(g[1])
            return Timeline(text, "years", dt.date(a, 1, 1), dt.date(b, 12, 31))
        if name == "quarter":
            start, end = _quarter(g[0], g[1])
            return Timeline(text, "quarter", start, end)
        if name == "quarters":
            start, _ = _quarter(g[0], g[1])
            _, end = _quarter(g[2], g[3])
            return Timeline(text, "quarters", start, end)
        if name == "month":
            last = _month_end(int(g[1]), int(g[0]))
            if last:
                return Timeline(text, "month", last.replace(day=1), last)
        if name in ("date", "iso"):
            day = _date(int(g[2]), int(g[1]), int(g[0])) if name == "date" else _date(int(g[0]), int(g[1]), int(g[2]))
            if day:
                return Timeline(text, "date", None, day)
        if name == "from":
            first = _date(int(g[2]), int(g[1]), int(g[0]))
            if first:
                return Timeline(text, "from", first, None)
        if name == "from-year":
            return Timeline(text, "from", dt.date(int(g[0]), 1, 1), None)
        if name == "yearly":
            return Timeline(text, "yearly")
        if name == "yearly-month":
            month = int(g[0])
            if 1 <= month <= 12:
                return Timeline(text, "yearly", recurring=(month, calendar.monthrange(2001, month)[1]))
        if name == "yearly-day":
            day_of_month, month = int(g[0]), int(g[1])
            if _date(2000, month, day_of_month) and (month, day_of_month) != (2, 29):
                return Timeline(text, "yearly", recurring=(month, day_of_month))
        if name == "continuous":
            return Timeline(text, "continuous")
        break
    return Timeline(text, "unknown")
