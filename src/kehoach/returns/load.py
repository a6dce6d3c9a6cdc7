"""Reading returns: ``reports/<period>/*.yaml`` checked against the schema and the plan.

Each file is read once, checked by ``schemas/return.schema.json`` and by
:func:`_check` (what the schema cannot see: the file is named after its
agency, the period matches its folder, every task is one of the agency's,
none twice), and only a file without errors becomes a
:class:`~kehoach.returns.model.Return`.  Nothing is written here.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Optional, Union

from ..diagnostics import Diagnostic, has_errors, make, sort
from ..load import _display
from ..load.schema import suggest, validate
from ..load.yamlread import YamlDoc, as_dict as _dict, as_list as _list, read_yaml
from ..model import Plan
from ..periods import period, plan_period_problem
from ..safety import inside
from ..vi_messages import os_error as _os_error
from .model import REPORTS_DIR, SUMMARY_KEYS, Figure, Return, Summary, TaskReturn
from .rule import _agency_tasks

__all__ = ["check_returns", "load_returns", "read_returns"]


def _text(value: Any) -> Optional[str]:
    """A free-text answer: blank strings count as unanswered."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def _check(plan: Plan, doc: YamlDoc, stem: str, folder_period: str) -> list[Diagnostic]:
    """What the schema cannot see, on the raw data (defensive: runs on files with schema errors)."""
    out: list[Diagnostic] = []
    data = _dict(doc.data)

    def add(path: tuple, code: str, message: str, *, key: bool = False) -> None:
        line, col = doc.where(path, key=key)
        out.append(make(doc.path, line, col, code, message))

    agency = data.get("agency")
    agency_ok = False
    if isinstance(agency, str):
        if agency != stem:
            add(("agency",), "KH064", f"tệp '{stem}.yaml' lại ghi báo cáo của cơ quan '{agency}'; tên tệp phải là "
                                      f"mã cơ quan: đổi tên tệp thành '{agency}.yaml' hoặc sửa agency")
        if agency in plan.registry.groups:
            add(("agency",), "KH065", f"'{agency}' là một nhóm cơ quan; mỗi cơ quan trong nhóm gửi một báo cáo riêng")
        elif agency not in plan.registry.agencies:
            add(("agency",), "KH065", f"cơ quan '{agency}' không có trong danh mục cơ quan"
                                      f"{suggest(agency, plan.reporters())}")
        elif agency not in plan.reporters():
            add(("agency",), "KH065", f"'{agency}' không thuộc danh sách phải báo cáo (reporting.reporters)")
        else:
            agency_ok = True

    period_value = data.get("period")
    if isinstance(period_value, (str, int)) and not isinstance(period_value, bool):
        problem = plan_period_problem(plan, period_value)
        if problem:
            add(("period",), "KH062", problem)
        elif str(period_value) != folder_period:
            add(("period",), "KH063", f"báo cáo ghi kỳ '{period_value}' nhưng nằm trong thư mục '{folder_period}'; "
                                      f"chuyển tệp sang thư mục '{period_value}' hoặc sửa period")

    own = dict(_agency_tasks(plan, agency)) if agency_ok and isinstance(agency, str) else {}
    unanswered: list[str] = []
    all_ids = [t.id for t in plan.tasks]
    seen: dict[str, int] = {}
    tasks = data.get("tasks")
    for i, item in enumerate(_list(tasks)):
        task_id = _dict(item).get("task")
        if not isinstance(task_id, str):
            continue
        path = ("tasks", i, "task")
        if _dict(item).get("removed") is True:
            continue  # kept for the record only (report init marks them)
        if _dict(item).get("status") is None and task_id in own:
            unanswered.append(task_id)
        if task_id in seen:
            add(path, "KH067", f"nhiệm vụ '{task_id}' đã ghi ở dòng {seen[task_id]}; gộp hai phần trả lời làm một")
            continue
        seen[task_id] = doc.where(path)[0]
        if task_id not in all_ids:
            add(path, "KH066", f"nhiệm vụ '{task_id}' không có trong Phụ lục của kế hoạch"
                               f"{suggest(task_id, own or all_ids)}")
        elif agency_ok and task_id not in own:
            add(path, "KH066", f"nhiệm vụ '{task_id}' không giao cho '{agency}' chủ trì hay phối hợp "
                               f"(cơ quan chủ trì: {plan.task(task_id).lead_cell})")
    if agency_ok and isinstance(tasks, list):
        for task_id, role in own.items():
            if task_id not in seen:
                add(("tasks",), "KH068", f"báo cáo chưa có nhiệm vụ '{task_id}' mà '{agency}' "
                                         f"{'chủ trì' if role == 'lead' else 'phối hợp'}; thêm vào tasks "
                                         f"(để status: null nếu chưa có kết quả)", key=True)
                unanswered.append(task_id)
    if data.get("submitted") is not None and unanswered:
        shown = ", ".join(unanswered[:5]) + (f" và {len(unanswered) - 5} nhiệm vụ khác" if len(unanswered) > 5 else "")
        add(("submitted",), "KH110", f"báo cáo ghi ngày gửi nhưng chưa có tình trạng thực hiện của nhiệm vụ "
                                     f"{shown}; báo cáo được coi là bản nháp, chưa tính là đã gửi")
    return out


def _build(plan: Plan, data: dict, shown: str) -> Return:
    agency = data["agency"]
    roles = dict(_agency_tasks(plan, agency))
    tasks = tuple(
        TaskReturn(
            task_id=t["task"], role=roles[t["task"]], status=t.get("status"), result=_text(t.get("result")),
            figures=tuple(Figure(f["name"], f["value"], f.get("unit")) for f in t.get("figures") or ()),
            difficulties=_text(t.get("difficulties")), proposals=_text(t.get("proposals")),
            note=_text(t.get("note")),
        )
        for t in data["tasks"] if t.get("removed") is not True
    )
    summary = _dict(data.get("summary"))
    submitted = data.get("submitted")
    return Return(
        agency_id=agency, period_id=str(data["period"]),
        submitted=dt.date.fromisoformat(submitted) if submitted else None,
        reporter=_text(data.get("reporter")), tasks=tasks,
        summary=Summary(**{k: _text(summary.get(k)) for k in SUMMARY_KEYS}), path=shown,
    )


def _reports_folder(plan_dir: Union[str, os.PathLike], reports_dir: Union[str, os.PathLike, None]) -> Path:
    return Path(reports_dir) if reports_dir is not None else Path(plan_dir) / REPORTS_DIR


def load_returns(
    plan: Plan, plan_dir: Union[str, os.PathLike], period_id: Union[str, int], *,
    reports_dir: Union[str, os.PathLike, None] = None,
) -> tuple[tuple[Return, ...], list[Diagnostic]]:
    """Read and check every return of a period: ``<plan_dir>/reports/<period>/*.yaml``.

    Returns ``(returns, diagnostics)``: the returns of the files without
    errors, in the order of ``reporting.reporters``, and every diagnostic,
    sorted.  A missing period folder means no return yet: ``((), [])``.
    ``reports_dir`` replaces ``<plan_dir>/reports`` (e.g. a fixture folder).
    Raises ValueError (Vietnamese) when ``period_id`` is not a period of the plan.
    """
    per = period(plan, period_id)
    folder = _reports_folder(plan_dir, reports_dir) / per.id
    if not folder.exists():
        return (), []
    if reports_dir is None and not inside(folder, plan_dir):
        # Not even the names of files elsewhere are listed.
        link = folder if inside(folder.parent, plan_dir) else folder.parent
        return (), [make(_display(link), 1, 1, "KH093",
                         "thư mục báo cáo là liên kết tới chỗ nằm ngoài thư mục kế hoạch; kehoach không đọc thư mục đó")]
    if not folder.is_dir():
        return (), [make(_display(folder), 1, 1, "KH001", f"'{per.id}' phải là thư mục chứa các báo cáo của kỳ")]
    out: list[Diagnostic] = []
    found: list[Return] = []
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        return (), [make(_display(folder), 1, 1, "KH001", f"không đọc được thư mục: {_os_error(exc)}")]
    for entry in entries:
        if entry.name.startswith("."):
            continue  # .gitkeep and editors' temporary files
        shown = _display(entry)
        if entry.is_dir() or entry.suffix != ".yaml":
            hint = f"; đổi tên thành '{entry.stem}.yaml'" if entry.suffix.lower() in (".yml", ".yaml") else ""
            out.append(make(shown, 1, 1, "KH069", f"'{entry.name}' không phải tệp báo cáo .yaml nên không được đọc{hint}"))
            continue
        doc, problems = read_yaml(entry, shown, root=Path(plan_dir) if reports_dir is None else folder)
        items = doc.data.get("tasks") if isinstance(doc.data, dict) else None
        if isinstance(items, list) and len(items) > len(plan.tasks):
            # Cheap bound before the schema: a return answers each task at most
            # once, and validating 20,000 copies would take seconds.
            line, col = doc.where(("tasks",), key=True)
            problems.append(make(shown, line, col, "KH024",
                                 f"'tasks' có {len(items):,} mục, nhiều hơn số nhiệm vụ của kế hoạch "
                                 f"({len(plan.tasks)}); mỗi nhiệm vụ chỉ ghi một lần"))
            out += problems
            continue
        if doc.data is not None:
            problems += validate("return", doc)
            problems += _check(plan, doc, entry.stem, per.id)
        out += problems
        if doc.data is not None and not has_errors(problems):
            found.append(_build(plan, doc.data, shown))
    order = {a: i for i, a in enumerate(plan.reporters())}
    found.sort(key=lambda r: (order.get(r.agency_id, len(order)), r.agency_id))
    return tuple(found), sort(out)


def read_returns(
    plan: Plan, plan_dir: Union[str, os.PathLike], *, reports_dir: Union[str, os.PathLike, None] = None,
) -> tuple[dict[str, tuple[Return, ...]], list[Diagnostic]]:
    """Read and check every period folder under ``<plan_dir>/reports``, once.

    Returns ``(returns, diagnostics)``: period id → the returns of its folder
    (:func:`load_returns`), for every period of the plan that has a folder,
    and every diagnostic, sorted; anything else in the reports folder is a
    KH069.  This is the returns stage of :func:`kehoach.load.check_plan`.
    """
    root = _reports_folder(plan_dir, reports_dir)
    if not root.is_dir():
        return {}, []
    if reports_dir is None and not inside(root, plan_dir):
        return {}, [make(_display(root), 1, 1, "KH093",
                         "thư mục báo cáo là liên kết tới chỗ nằm ngoài thư mục kế hoạch; kehoach không đọc thư mục đó")]
    out: list[Diagnostic] = []
    found: dict[str, tuple[Return, ...]] = {}
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        problem = plan_period_problem(plan, entry.name) \
            if entry.is_dir() else "không phải thư mục của một kỳ báo cáo"
        if problem:
            out.append(make(_display(entry), 1, 1, "KH069", f"'{entry.name}' bị bỏ qua: {problem}"))
            continue
        returns, problems = load_returns(plan, plan_dir, entry.name, reports_dir=reports_dir)
        out += problems
        per_id = period(plan, entry.name).id
        if (root / per_id).is_dir():  # the folder load_returns read (a period may be spelt two ways)
            found[per_id] = returns
    return found, sort(out)


def check_returns(
    plan: Plan, plan_dir: Union[str, os.PathLike], *, reports_dir: Union[str, os.PathLike, None] = None,
) -> list[Diagnostic]:
    """Every diagnostic of every period folder under ``<plan_dir>/reports``
    (what :func:`kehoach.load.check_plan` adds); anything else in that folder is a KH069."""
    return read_returns(plan, plan_dir, reports_dir=reports_dir)[1]

