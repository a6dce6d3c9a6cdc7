"""The build's clock: ``SOURCE_DATE_EPOCH``, read and checked in one place.

Every time a document carries — the zip entries and core properties of a
.docx, the DTSTAMP of a calendar event, the dates of a PDF — is the build
epoch (https://reproducible-builds.org/specs/source-date-epoch/), never the
wall clock, so that the same plan gives the same bytes.  The one date taken
from the wall clock is the day a consolidated report is "as of" when
``SOURCE_DATE_EPOCH`` is unset and no ``--as-of`` is given.

A build reads the clock once (:meth:`Clock.read`) and passes it down inside
:class:`kehoach.documents.env.RenderEnv`; no document module reads the
environment itself.  This module imports nothing heavy: the zip packaging
(:mod:`kehoach.render.package`) and the PDF post-processing take their
default epoch from here.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

__all__ = ["Clock", "DEFAULT_EPOCH", "MAX_EPOCH", "SourceDateEpochError", "check_source_date_epoch",
           "source_date_epoch"]

#: 2025-01-01 00:00:00 UTC.  Used when SOURCE_DATE_EPOCH is not set, so that
#: builds are reproducible by default and not only in CI.
DEFAULT_EPOCH = 1735689600
#: Latest SOURCE_DATE_EPOCH accepted: 9999-12-31 23:59:59 UTC (a date must have 4 digits).
MAX_EPOCH = 253402300799


def source_date_epoch() -> int:
    """Return the build time to stamp into outputs, as a Unix timestamp.

    Reads ``SOURCE_DATE_EPOCH`` (https://reproducible-builds.org/specs/source-date-epoch/).
    Unset or empty means :data:`DEFAULT_EPOCH`: the wall clock is never used,
    because a clock-dependent default would make every local build differ.
    A value that is not a decimal integer is an error rather than silently
    ignored: the user asked for a specific date and should learn it was not used.
    The value is returned unclamped; :func:`kehoach.render.package.normalize_docx` clamps it.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or raw.strip() == "":
        return DEFAULT_EPOCH
    text = raw.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(
            f"Biến môi trường SOURCE_DATE_EPOCH không hợp lệ: {raw!r}. "
            "Giá trị phải là một số nguyên (số giây kể từ 1970-01-01 00:00:00 UTC), "
            "ví dụ SOURCE_DATE_EPOCH=1735689600."
        )
    return int(text)


class SourceDateEpochError(ValueError):
    """``SOURCE_DATE_EPOCH`` is set to something that is not a usable time."""


def check_source_date_epoch() -> None:
    """Raise :class:`SourceDateEpochError` (Vietnamese message) when
    ``SOURCE_DATE_EPOCH`` is set but not a whole number of seconds between 1970
    and the end of the year 9999 (dates in documents have four-digit years)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or not raw.strip():
        return
    try:
        value = source_date_epoch()
    except ValueError:
        value = None
    if value is None or not 0 <= value <= MAX_EPOCH:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise SourceDateEpochError(
            f"biến môi trường SOURCE_DATE_EPOCH='{shown}' không hợp lệ: phải là số giây nguyên kể từ "
            f"1970-01-01 00:00:00 UTC, từ 0 đến {MAX_EPOCH} (năm 9999), ví dụ SOURCE_DATE_EPOCH=1735689600")


def _utc(epoch: int) -> dt.datetime:
    # kept inside the range a date can hold; a build refuses other values first
    # (check_source_date_epoch), a single-document render only stamps the epoch
    return dt.datetime.fromtimestamp(min(max(epoch, 0), MAX_EPOCH), tz=dt.timezone.utc)


@dataclass(frozen=True)
class Clock:
    """The build's time, read once.

    ``epoch``: what every output is stamped with (``SOURCE_DATE_EPOCH``, else
    :data:`DEFAULT_EPOCH`).  ``today``: the day of the build — the epoch's UTC
    day when ``SOURCE_DATE_EPOCH`` is set, else the wall clock's UTC day (UTC,
    not the local calendar day: two machines building at the same instant in
    different time zones must produce the same bytes).
    """

    epoch: int
    today: dt.date

    @classmethod
    def read(cls) -> "Clock":
        """The clock of this process's environment (a bad ``SOURCE_DATE_EPOCH``
        that is not a number raises :class:`ValueError`; a build calls
        :func:`check_source_date_epoch` first for a positioned message)."""
        epoch = source_date_epoch()
        if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
            return cls(epoch, _utc(epoch).date())
        return cls(epoch, dt.datetime.now(dt.timezone.utc).date())

    @property
    def stamp(self) -> dt.datetime:
        """The epoch as an aware UTC datetime (a calendar's DTSTAMP)."""
        return _utc(self.epoch)
