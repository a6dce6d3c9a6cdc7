"""Agencies' periodic returns (báo cáo định kỳ) as data.

Every reporting agency answers, once per period, on each task it leads or
supports: a status, what was done, figures, difficulties, proposals — plus
the general assessment of the report (kết quả, hạn chế, nguyên nhân, nhiệm vụ
kỳ tới, kiến nghị).  A return is one YAML file::

    plan/reports/<period>/<agency-id>.yaml      e.g. plan/reports/2025-H1/phong-y-te.yaml

checked by ``schemas/return.schema.json`` and by :func:`load_returns` against
the plan (the file is named after its agency, the period matches its folder,
every task is one of the agency's, none twice).  :func:`init_returns` writes
the blank, pre-filled returns the office sends out when it opens a period, and
:func:`write_returns` puts them on disk without ever overwriting one.

A task whose ``status`` is null has not been answered yet.  A return counts
as *submitted* only when it has a ``submitted`` date and every task answered
(:attr:`Return.is_submitted`); anything less is a draft, and the office lists
the agency as not yet reported.  A task the plan no longer gives the agency
stays in its return marked ``removed: true`` (``kehoach report init`` marks
it) and is ignored.

One job per module; this package only gathers their names:

* :mod:`.model` — the frozen data of a return (:class:`Return` and its parts);
* :mod:`.rule` — who owes a return, on which tasks, and whether a period is open;
* :mod:`.load` — reading and checking ``reports/<period>/*.yaml``;
* :mod:`.write` — blank returns, writing them, keeping existing ones up to date;
* :mod:`.yaml_roundtrip` — ruamel.yaml round-trip edits that keep what people
  wrote (imported only by the commands that edit a return).
"""

from __future__ import annotations

from .load import check_returns, load_returns, read_returns
from .model import (
    REPORTS_DIR, STATUSES, SUMMARY_KEYS, TASK_KEYS, Figure, Return, Summary, TaskReturn,
)
from .rule import _agency_tasks, expected_agencies, missing_agencies, period_open_problems
from .write import SCHEMA_COMMENT, ReturnFile, _one_line, init_returns, refresh_returns, write_returns

__all__ = [
    "REPORTS_DIR", "SCHEMA_COMMENT", "STATUSES", "Figure", "Return", "Summary", "TaskReturn",
    "check_returns", "expected_agencies", "init_returns", "load_returns", "missing_agencies",
    "read_returns", "write_returns",
]
