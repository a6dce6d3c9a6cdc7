"""Editing a plan from a script: change a task, add a task, get a checked plan back.

::

    plan = kehoach.load_plan("plan")
    plan = kehoach.with_task(plan, "1.2", lead="phong-van-hoa")
    plan = kehoach.add_task(plan, "nhom-1", id="1.9", content="…", lead="phong-y-te", timeline="Năm 2026")
    kehoach.render_letter(plan, "phong-van-hoa")

An edit is applied to the plan's *files as read* (the YAML of ``plan.yaml``,
``agencies.yaml`` and ``tasks.yaml`` under :attr:`Plan.source_dir`), never
written back, and the edited data goes through the same schema and reference
checks as ``kehoach validate``: a misspelt agency id is a
:class:`~kehoach.diagnostics.PlanError` whose diagnostic names the file, line
and column of the task being edited, with the message the command would
print had the office typed the change into the file — not a ``KeyError``
three calls later.  Each edit returns a new :class:`~kehoach.model.Plan`; the
plan passed in is unchanged, and edits chain (the next edit starts from the
edited data, kept beside the returned plan).

Only errors stop an edit; warnings (a ceased agency, a timeline without a
deadline) are what ``kehoach validate`` shows for the same data.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Optional, Union

from .diagnostics import Diagnostic, PlanError, has_errors, make, sort
from .load import PLAN_FILES, build_model
from .load.appendix import appendix_items
from .load.limits import check_style
from .load.refs import check_references
from .load.schema import suggest, validate
from .load.yamlread import YamlDoc, read_yaml
from .model import Plan

__all__ = ["add_task", "with_task"]

#: an agency reference as a script writes it: one id, or several
Refs = Union[str, Sequence[str]]

#: the keys :func:`with_task` may set, as ``tasks.yaml`` spells them
_TASK_KEYS = ("content", "lead", "support", "timeline", "output", "note", "due", "lead_text", "support_text")

#: id(plan) -> the edited documents it was built from; an entry leaves with its plan
_EDITED: dict[int, dict[str, YamlDoc]] = {}


def _shown(file: Path) -> str:
    """A path as diagnostics print it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(file)
    except ValueError:  # another drive on Windows
        return str(file)
    return str(file) if relative.startswith("..") else relative


def _documents(plan: Plan) -> dict[str, YamlDoc]:
    """A deep copy of the documents ``plan`` was built from, to edit."""
    edited = _EDITED.get(id(plan))
    if edited is not None:
        return copy.deepcopy(edited)
    if plan.source_dir is None:
        raise PlanError([make("<kế hoạch>", 1, 1, "KH130",
                              "kế hoạch không được đọc từ thư mục (load_plan) nên không sửa được: "
                              "không có tệp để kiểm tra lại")])
    folder = Path(plan.source_dir)
    docs: dict[str, YamlDoc] = {}
    problems: list[Diagnostic] = []
    for kind, name in PLAN_FILES.items():
        file = folder / name
        if not os.path.lexists(file):
            docs[kind] = YamlDoc(_shown(file))
            continue
        doc, found = read_yaml(file, _shown(file), root=folder)
        docs[kind], problems = doc, problems + found
    if has_errors(problems):  # the files changed on disk since the plan was loaded
        raise PlanError(problems)
    return docs


def _tasks(docs: dict[str, YamlDoc]) -> Iterator[tuple[YamlDoc, tuple[Any, ...], dict[str, Any]]]:
    """Every task record, ``(document, path, data)``: the appendices' rows, then the body's records."""
    tasks = docs["tasks"]
    for path, appendix, _short in appendix_items(tasks.data):
        for gpath, group in _groups(appendix.get("groups"), path + ("groups",)):
            for t, task in enumerate(group.get("tasks") or ()):
                yield tasks, gpath + ("tasks", t), task
        for t, task in enumerate(appendix.get("tasks") or ()):
            yield tasks, path + ("tasks", t), task
    plan = docs["plan"]
    for s, section in enumerate((plan.data or {}).get("sections") or ()):
        yield from _body_tasks(plan, section.get("content"), ("sections", s, "content"))


def _body_tasks(doc: YamlDoc, blocks: Any, path: tuple[Any, ...]
                ) -> Iterator[tuple[YamlDoc, tuple[Any, ...], dict[str, Any]]]:
    for i, block in enumerate(blocks or ()):
        if isinstance(block.get("task"), dict):
            yield doc, path + (i, "task"), block["task"]
        yield from _body_tasks(doc, block.get("content"), path + (i, "content"))


def _groups(groups: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    for i, group in enumerate(groups or ()):
        yield path + (i,), group
        yield from _groups(group.get("groups"), path + (i, "groups"))


def _missing(doc: YamlDoc, what: str, ident: str, known: list[str]) -> PlanError:
    """KH130 at the start of ``doc``: the script named a task or group the plan does not have."""
    return PlanError([make(doc.path, 1, 1, "KH130", f"không có {what} '{ident}' trong kế hoạch{suggest(ident, known)}")])


def _checked(plan: Plan, docs: dict[str, YamlDoc]) -> Plan:
    """The plan built from edited ``docs`` after the schema and reference checks, or PlanError."""
    found: list[Diagnostic] = []
    for kind in PLAN_FILES:
        if docs[kind].data is not None:
            found += validate(kind, docs[kind])
    found += check_references(docs["plan"], docs["agencies"], docs["tasks"])
    found += check_style(docs["plan"])
    if has_errors(found):
        raise PlanError(sort(found))
    edited = dataclasses.replace(build_model(docs["plan"].data, docs["agencies"].data, docs["tasks"].data),
                                 source_dir=plan.source_dir, template_dir=plan.template_dir)
    key = id(edited)
    _EDITED[key] = docs
    weakref.finalize(edited, _EDITED.pop, key, None)
    return edited


def _refs(value: Refs) -> Union[str, list[str]]:
    return value if isinstance(value, str) else list(value)


def with_task(plan: Plan, task_id: str, *, content: Optional[str] = None, lead: Optional[Refs] = None,
              support: Optional[Refs] = None, timeline: Optional[str] = None, output: Optional[str] = None,
              note: Optional[str] = None, due: Optional[str] = None) -> Plan:
    """``plan`` with task ``task_id`` changed: each argument given replaces that field.

    ``lead``/``support`` are agency or group ids (one id or a list);
    ``due`` is ``YYYY-MM-DD``.  Setting ``lead`` (or ``support``) drops the
    cell text the office typed for it (``lead_text``), which named the old
    agencies.  Raises :class:`~kehoach.diagnostics.PlanError` — positioned at
    the task in its file — for an unknown task, agency or group, or anything
    ``kehoach validate`` would reject.
    """
    docs = _documents(plan)
    records = list(_tasks(docs))
    for _doc, _path, task in records:
        if task.get("id") == task_id:
            break
    else:
        raise _missing(docs["tasks"] if docs["tasks"].data is not None else docs["plan"], "nhiệm vụ", task_id,
                       [str(t.get("id")) for _d, _p, t in records])
    changes = {"content": content, "lead": None if lead is None else _refs(lead),
               "support": None if support is None else _refs(support), "timeline": timeline, "output": output,
               "note": note, "due": due}
    for key, value in changes.items():
        if value is not None:
            task[key] = value
            if key in ("lead", "support"):
                task.pop(f"{key}_text", None)
    return _checked(plan, docs)


def add_task(plan: Plan, group_id: str, *, id: str, content: str, lead: Refs, support: Refs = (),
             timeline: str, output: Optional[str] = None, note: Optional[str] = None,
             due: Optional[str] = None) -> Plan:
    """``plan`` with a new task at the end of group ``group_id`` of a Phụ lục.

    The new row is numbered like its neighbours; ``id`` must be new (KH031
    otherwise, naming the line of the task that has it).  Errors as for
    :func:`with_task`, positioned at the group.
    """
    docs = _documents(plan)
    groups = [(group, path) for _p, appendix, _s in appendix_items(docs["tasks"].data)
              for path, group in _groups(appendix.get("groups"), ())]
    for group, _path in groups:
        if group.get("id") == group_id:
            break
    else:
        raise _missing(docs["tasks"] if docs["tasks"].data is not None else docs["plan"], "nhóm nhiệm vụ", group_id,
                       [str(g.get("id")) for g, _p in groups])
    task: dict[str, Any] = {"id": id, "content": content, "lead": _refs(lead), "timeline": timeline}
    if support:
        task["support"] = _refs(support)
    task.update({k: v for k, v in (("output", output), ("note", note), ("due", due)) if v is not None})
    group.setdefault("tasks", []).append(task)
    return _checked(plan, docs)
