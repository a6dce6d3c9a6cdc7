"""The reporting rule applied to returns: who owes one, on which tasks, for which period.

An agency owes a return when it is a reporter of the plan, existed when the
period began and leads or supports a task (or a duty of the plan's body binds
it); its return answers exactly the tasks of :func:`_agency_tasks`.  A period
takes returns only once it is declared and listed in ``reporting.open``
(:func:`period_open_problems`).  Reading and writing the files is elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Union

from ..diagnostics import Diagnostic, make
from ..load import _display
from ..load.yamlread import read_yaml
from ..model import Plan
from ..periods import period, plan_period_problem
from .model import Return

__all__ = ["expected_agencies", "missing_agencies", "period_open_problems"]


def _agency_tasks(plan: Plan, agency_id: str) -> tuple[tuple[str, str], ...]:
    """``(task id, role)`` of every task of an agency: the ones it leads, then the ones it supports."""
    return tuple((t.id, "lead") for t in plan.tasks_led_by(agency_id)) + \
        tuple((t.id, "support") for t in plan.tasks_supported_by(agency_id))


def expected_agencies(plan: Plan, period_id: Union[str, int]) -> tuple[str, ...]:
    """Agencies that owe a return for the period: reporters (``reporting.reporters``)
    that lead or support at least one task, or that a duty of the plan's body
    binds, and still existed when the period
    began, in the order of ``reporting.reporters``."""
    per = period(plan, period_id)
    out = []
    for agency_id in plan.reporters():
        agency = plan.registry.agencies.get(agency_id)
        if agency is None or not agency.active_on(per.start):
            continue
        if _agency_tasks(plan, agency_id) or plan.duties_of(agency_id):   # tasks, or duties in the body
            out.append(agency_id)
    return tuple(out)


def missing_agencies(plan: Plan, returns: tuple[Return, ...], period_id: Union[str, int]) -> tuple[str, ...]:
    """Agencies that owe a return for the period and have none among ``returns``."""
    have = {r.agency_id for r in returns}
    return tuple(a for a in expected_agencies(plan, period_id) if a not in have)


def period_open_problems(plan: Plan, period_id: Union[str, int]) -> list[Diagnostic]:
    """A KH111 at ``reporting.open`` in plan.yaml when ``period_id`` is not a
    declared period of the plan or is not open for reporting; else ``[]``."""
    plan_yaml = Path(plan.source_dir or ".") / "plan.yaml"
    doc, _ = read_yaml(plan_yaml, _display(plan_yaml))
    line, col = doc.where(("reporting", "open"))
    problem = plan_period_problem(plan, period_id)
    opened = ", ".join(f"'{p}'" for p in plan.reporting.open) or "không có kỳ nào"
    if problem:
        message = f"không mở được kỳ '{period_id}': {problem}"
    elif period(plan, period_id).id not in plan.reporting.open:
        message = (f"kỳ báo cáo '{period(plan, period_id).id}' chưa mở (reporting.open: {opened}); thêm kỳ này "
                   f"vào reporting.open rồi chạy lại")
    else:
        return []
    return [make(doc.path, line, col, "KH111", message)]
