"""Writing returns: the blank ones the office sends out, and existing ones kept up to date.

:func:`init_returns` makes the text of every blank, pre-filled return of a
period (it depends only on the plan, never on the clock);
:func:`write_returns` puts them on disk without ever overwriting an agency's
file; :func:`refresh_returns` computes what ``report init`` leaves in each
file, bringing existing returns up to date through
:mod:`kehoach.returns.yaml_roundtrip` so what people wrote stays byte for byte.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Mapping, Union

from .. import vn
from ..diagnostics import Diagnostic, has_errors, make, sort
from ..load import _display
from ..load.yamlread import read_yaml
from ..model import Plan
from ..periods import Period, period
from .model import REPORTS_DIR, SUMMARY_KEYS
from .rule import _agency_tasks, expected_agencies

__all__ = ["SCHEMA_COMMENT", "ReturnFile", "init_returns", "refresh_returns", "write_returns"]

#: First line of every return: lets editors (VS Code, github.dev) check the file as it is typed.
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../../schemas/return.schema.json"


def _one_line(text: str, limit: int = 110) -> str:
    """``text`` on one line, cut at a word boundary with "…" when longer than ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.-")
    return cut + "…"


def _return_text(plan: Plan, per: Period, agency_id: str) -> str:
    name = _one_line(plan.registry.short_name(agency_id), 200)
    office = _one_line(plan.registry.short_name(plan.reporting.via or plan.reporting.to), 200)
    due = per.due
    lines = [
        SCHEMA_COMMENT,
        f"# Báo cáo {per.label} về kết quả thực hiện {plan.document.type_name} của "
        f"{_one_line(plan.issuer.short_name, 200)} — {name}.",
        f"# Số liệu {per.range_text}. Hạn gửi {office}: ngày {vn.short_date(due)}.",
        "# status: hoan-thanh (hoàn thành), dang-thuc-hien (đang thực hiện), chua-thuc-hien (chưa thực hiện).",
        "# Ô nào chưa có nội dung thì để null; các dòng bắt đầu bằng # là ghi chú.",
        f"agency: {agency_id}",
        f'period: "{per.id}"',
        "submitted: null",
        "reporter: null",
    ]
    tasks = _agency_tasks(plan, agency_id)
    lines.append("tasks:" if tasks else "tasks: []")
    for task_id, role in tasks:
        content = _one_line(plan.task(task_id).content)
        lines += [
            f"  # {task_id} ({'chủ trì' if role == 'lead' else 'phối hợp'}): {content}",
            f'  - task: "{task_id}"',
            "    status: null",
            "    result: null",
            "    figures: []",
            "    difficulties: null",
            "    proposals: null",
            "    note: null",
        ]
    lines.append("summary:")
    lines += [f"  {key}: null" for key in SUMMARY_KEYS]
    return "\n".join(lines) + "\n"


def init_returns(plan: Plan, period_id: Union[str, int]) -> dict[str, str]:
    """Blank returns for a period: relative path (``reports/2025-H1/phong-y-te.yaml``,
    ``/``-separated) → YAML text, one per agency of :func:`expected_agencies`.

    Each lists the agency's tasks, lead tasks first then supported ones, in
    appendix order, each after a comment giving its content on one line; every
    answer is null.  The output depends only on the plan (no clock).
    """
    per = period(plan, period_id)
    return {f"{REPORTS_DIR}/{per.id}/{agency_id}.yaml": _return_text(plan, per, agency_id)
            for agency_id in expected_agencies(plan, per.id)}


def write_returns(plan_dir: Union[str, os.PathLike], files: Mapping[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Write ``files`` (from :func:`init_returns`) under ``plan_dir``; never overwrite.

    Returns ``(written, skipped)``: relative paths, in the order given; a path
    is skipped when a file is already there (an agency's return is never
    replaced by a blank one).  Each file is written atomically.  Raises
    ValueError for a path that is absolute or leaves ``plan_dir``.
    """
    from ..render.publish import atomic_write_bytes

    root = Path(plan_dir)
    written, skipped = [], []
    for rel, text in files.items():
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or "\\" in rel or not pure.parts or ":" in pure.parts[0]:
            raise ValueError(f"đường dẫn báo cáo '{rel}' phải là đường dẫn tương đối bên trong thư mục kế hoạch")
        target = root.joinpath(*pure.parts)
        if target.exists():
            skipped.append(rel)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, text.encode("utf-8"))
        written.append(rel)
    return tuple(written), tuple(skipped)


@dataclass(frozen=True)
class ReturnFile:
    """What ``report init`` does to one agency's return: ``action`` is "new",
    "updated" or "unchanged"; ``text`` is the file's new content."""

    path: str                    # relative to the plan folder, "/"-separated
    agency_id: str
    action: str
    text: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def refresh_returns(plan: Plan, period_id: Union[str, int]) -> tuple[list[ReturnFile], list[Diagnostic]]:
    """Every return of the period as ``report init`` leaves it: a blank one for
    each agency without a file, existing ones brought up to date with the plan
    (:func:`kehoach.returns.yaml_roundtrip.refresh_return`).  Nothing is written here.
    A file that is not valid YAML is reported and left alone."""
    from .yaml_roundtrip import refresh_return  # ruamel.yaml only when a return is refreshed

    per = period(plan, period_id)
    root = Path(plan.source_dir or ".")
    out: list[ReturnFile] = []
    problems: list[Diagnostic] = []
    for rel, blank in init_returns(plan, per.id).items():
        agency_id = PurePosixPath(rel).stem
        target = root / rel
        if not target.exists():
            out.append(ReturnFile(rel, agency_id, "new", blank))
            continue
        doc, errors = read_yaml(target, _display(target))
        if has_errors(errors):
            problems += errors
            continue
        text = target.read_text(encoding="utf-8")
        try:
            new, added, removed = refresh_return(plan, agency_id, text)
        except ValueError as exc:
            problems.append(make(doc.path, *doc.where(("tasks",)), "KH001", str(exc)))
            continue
        out.append(ReturnFile(rel, agency_id, "updated" if new != text else "unchanged", new,
                              tuple(added), tuple(removed)))
    return out, sort(problems)
