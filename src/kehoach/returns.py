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
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, Mapping, Optional, Union

from . import vn
from .diagnostics import Diagnostic, has_errors, make, sort
from .load import _display
from .load.schema import suggest, validate
from .load.yamlread import YamlDoc, read_yaml
from .model import Plan
from .periods import Period, period, plan_period_problem
from .vi_messages import os_error as _os_error
from .safety import inside

__all__ = [
    "REPORTS_DIR", "SCHEMA_COMMENT", "STATUSES", "Figure", "Return", "Summary", "TaskReturn",
    "check_returns", "expected_agencies", "init_returns", "load_returns", "missing_agencies",
    "read_returns", "write_returns",
]

#: Folder of the returns inside a plan directory.
REPORTS_DIR = "reports"
#: First line of every return: lets editors (VS Code, github.dev) check the file as it is typed.
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../../schemas/return.schema.json"
#: status value -> Vietnamese words, in report order.
STATUSES: Mapping[str, str] = MappingProxyType({
    "hoan-thanh": "hoàn thành",
    "dang-thuc-hien": "đang thực hiện",
    "chua-thuc-hien": "chưa thực hiện",
})
#: Keys of ``summary``, in the order of the report's sections.
SUMMARY_KEYS = ("direction", "overview", "achievements", "shortcomings", "causes", "next_steps",
                "recommendations")
#: Keys of a blank task answer, in the order ``report init`` writes them.
TASK_KEYS = ("status", "result", "figures", "difficulties", "proposals", "note")

_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+\Z")


# -- the model of a return ---------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure of a task's result ("Số trẻ em được hỗ trợ: 125 trẻ em")."""

    name: str
    value: Union[int, float, str]
    unit: Optional[str] = None

    @property
    def number(self) -> Optional[Union[int, float]]:
        """The value as a number when it is one (``12``, ``"12.5"``), else None ("95%", "13/13 xã")."""
        if isinstance(self.value, (int, float)) and not isinstance(self.value, bool):
            return self.value
        if isinstance(self.value, str) and _DECIMAL.match(self.value.strip()):
            return float(self.value)
        return None


@dataclass(frozen=True)
class TaskReturn:
    """An agency's answer on one task.  ``role`` is ``"lead"`` (chủ trì) or
    ``"support"`` (phối hợp), from the plan; ``status`` None means no answer yet."""

    task_id: str
    role: str
    status: Optional[str]
    result: Optional[str] = None
    figures: tuple[Figure, ...] = ()
    difficulties: Optional[str] = None
    proposals: Optional[str] = None
    note: Optional[str] = None

    @property
    def answered(self) -> bool:
        return self.status is not None

    @property
    def status_label(self) -> Optional[str]:
        """"hoàn thành", "đang thực hiện", "chưa thực hiện", or None while unanswered."""
        return STATUSES.get(self.status) if self.status else None


@dataclass(frozen=True)
class Summary:
    """The general assessment of a return; each part None while unwritten.
    ``direction``: công tác chỉ đạo, triển khai; ``overview``: the agency's own
    summary of its results (mục I.2 of its report)."""

    direction: Optional[str] = None
    overview: Optional[str] = None
    achievements: Optional[str] = None
    shortcomings: Optional[str] = None
    causes: Optional[str] = None
    next_steps: Optional[str] = None
    recommendations: Optional[str] = None


@dataclass(frozen=True)
class Return:
    """One agency's return for one period.  ``path`` is the file as diagnostics print it."""

    agency_id: str
    period_id: str
    submitted: Optional[dt.date]
    reporter: Optional[str]
    tasks: tuple[TaskReturn, ...]
    summary: Summary
    path: str = ""

    def task(self, task_id: str) -> Optional[TaskReturn]:
        return next((t for t in self.tasks if t.task_id == task_id), None)

    @property
    def answered(self) -> tuple[TaskReturn, ...]:
        return tuple(t for t in self.tasks if t.answered)

    @property
    def unanswered(self) -> tuple[TaskReturn, ...]:
        return tuple(t for t in self.tasks if not t.answered)

    @property
    def is_complete(self) -> bool:
        """Every task answered (a return may still lack its summary); a return
        with no task (an agency bound only by duties of the plan's body) is
        complete once its results (``summary.overview``) are written."""
        if not self.tasks:
            return bool(self.summary.overview)
        return all(t.answered for t in self.tasks)

    @property
    def is_submitted(self) -> bool:
        """Sent, as a fact: a ``submitted`` date and every task answered.
        Anything less is a draft the office does not count as a report."""
        return self.submitted is not None and self.is_complete

    def is_late(self, due: dt.date) -> bool:
        """Submitted after ``due`` (the period's deadline; the due day itself is on time)."""
        return self.is_submitted and self.submitted is not None and self.submitted > due


# -- who reports ------------------------------------------------------------------


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


# -- loading ----------------------------------------------------------------------


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


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


# -- blank returns ------------------------------------------------------------------


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
    from .render.publish import atomic_write_bytes

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


# -- opening a period, keeping returns up to date ------------------------------------------


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
    (:func:`kehoach.returns_yaml.refresh_return`).  Nothing is written here.
    A file that is not valid YAML is reported and left alone."""
    from .returns_yaml import refresh_return

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
