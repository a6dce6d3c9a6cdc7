"""Build the appendices (Phụ lục) and task records of the model from checked data.

``tasks.yaml`` comes in two forms:

* the **short form** — ``title`` + ``groups`` at the top: one task appendix
  with the six default columns, Roman group rows, each row numbered with its
  task id, the title printed in capitals (kept for existing plans);
* the **full form** — ``appendices:``, a list in printing order, each with its
  label, title, attachment line, declared columns, group levels of any depth
  and numbering rules, or a data table (``kind: table``).

Numbering is presentation: a group's or task's printed ``number`` comes from
the data when given (offices repeat or skip numerals), else from the level's
rule (``roman``, ``upper-alpha``, ``lower-alpha``, ``decimal``,
``decimal-parent``, ``none``, ``id``) counted per parent (``restart``) or
across the table (``continue``).  Ids stay the identity.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import MappingProxyType
from typing import Any, Optional

from .. import vn
from ..model import (
    Appendix, Column, DataRow, HeaderCell, RecordField, RecordFormat, Registry, Task, TaskGroup,
)
from ..timeline import parse_timeline

__all__ = ["DEFAULT_COLUMNS", "build_appendices", "build_task", "record_format", "appendix_items"]

#: the six columns of the short form (and of a full-form appendix that declares none)
DEFAULT_COLUMNS = (
    Column("number", "STT", 0.0),
    Column("task", "Nhiệm vụ", 0.0),
    Column("lead", "Cơ quan chủ trì", 0.0),
    Column("support", "Cơ quan phối hợp", 0.0),
    Column("timeline", "Thời gian thực hiện", 0.0),
    Column("output", "Sản phẩm, kết quả", 0.0),
)
#: default record format of tasks written in the body
DEFAULT_RECORD = RecordFormat((
    RecordField("lead", "Cơ quan chủ trì:"),
    RecordField("support", "Cơ quan phối hợp:"),
    RecordField("timeline", "Thời gian thực hiện:"),
    RecordField("output", "Sản phẩm:"),
))


def appendix_items(tasks_data: Any) -> list[tuple[tuple, dict, bool]]:
    """``(path, appendix data, short_form)`` for each appendix of ``tasks.yaml``
    data (defensive: used by the reference checks on unchecked data too)."""
    if not isinstance(tasks_data, dict):
        return []
    if isinstance(tasks_data.get("appendices"), list):
        return [(("appendices", i), a, False) for i, a in enumerate(tasks_data["appendices"]) if isinstance(a, dict)]
    if "groups" in tasks_data or "title" in tasks_data:
        return [((), tasks_data, True)]
    return []


def _style(style: str, ordinal: int, chain: str, task_id: str = "") -> str:
    if style == "roman":
        return vn.roman(ordinal)
    if style == "upper-alpha":
        return vn.letter(ordinal, upper=True)
    if style == "lower-alpha":
        return vn.letter(ordinal)
    if style == "decimal":
        return str(ordinal)
    if style == "decimal-parent":
        return f"{chain}.{ordinal}" if chain else str(ordinal)
    if style == "id":
        return task_id
    return ""  # none


def _chain(style: str, ordinal: int, number: str, parent_chain: str) -> str:
    """What a ``decimal-parent`` child prefixes: a decimal chain, or the ordinal."""
    if style == "decimal-parent":
        return number if number and number.replace(".", "").isdigit() else (
            f"{parent_chain}.{ordinal}" if parent_chain else str(ordinal))
    if number and number.replace(".", "").isdigit():
        return number
    return str(ordinal)


class _Counter:
    """Ordinals per level: restarting under each parent, or running on."""

    def __init__(self) -> None:
        self.running: dict[int, int] = {}

    def next(self, level: int, counting: str, local: dict[int, int]) -> int:
        if counting == "continue":
            self.running[level] = self.running.get(level, 0) + 1
            return self.running[level]
        local[level] = local.get(level, 0) + 1
        return local[level]


def _cell_names(refs: tuple[str, ...], registry: Registry) -> str:
    return "; ".join(registry.name(r) for r in refs if r in registry)


def _refs(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def build_task(t: dict[str, Any], registry: Registry, *, content: str, number: str = "",
               group_id: Optional[str] = None, group_path: tuple[str, ...] = (),
               appendix_id: Optional[str] = None, cite: str = "") -> Task:
    """One task from its checked data (a table row or a body record)."""
    leads, support = _refs(t.get("lead")), _refs(t.get("support"))
    timeline = parse_timeline(t.get("timeline", ""))
    if t.get("due"):
        timeline = timeline.with_due(dt.date.fromisoformat(t["due"]))
    return Task(
        id=t["id"], group_id=group_id, content=content, leads=leads, support=support, timeline=timeline,
        output=t.get("output"),
        lead_cell=t["lead_text"] if "lead_text" in t else _cell_names(leads, registry),
        support_cell=t["support_text"] if "support_text" in t else _cell_names(support, registry),
        number=number,
        fields=MappingProxyType({k: str(v) for k, v in t.get("fields", {}).items()}),
        implements=tuple(t.get("implements", ())), note=t.get("note"),
        appendix_id=appendix_id, group_path=group_path,
        lead_text=t.get("lead_text"), support_text=t.get("support_text"), cite=cite or number or t["id"],
    )


def _columns(data: Optional[list[dict]]) -> tuple[Column, ...]:
    if not data:
        return DEFAULT_COLUMNS
    defaults = {c.role: c.heading for c in DEFAULT_COLUMNS}
    return tuple(Column(role=c["role"], heading=c.get("heading", defaults.get(c["role"], "")),
                        width_mm=float(c.get("width", 0.0)), key=c.get("key"), parent=c.get("parent"),
                        align=c.get("align"))
                 for c in data)


def _task_appendix(a: dict[str, Any], index: int, short: bool, registry: Registry) -> Appendix:
    appendix_id = a.get("id", f"pl-{index}")
    default_level = {"numbering": "roman", "counting": "restart", "form": "stt"}
    levels = [dict(default_level, **lv) for lv in a.get("levels", [])] or [default_level]
    rows = {"numbering": "id" if short else "decimal-parent", "counting": "restart", **a.get("rows", {})}
    counter = _Counter()

    def level_spec(depth: int) -> dict:
        if depth < len(levels):
            return levels[depth]
        return {"numbering": "decimal-parent", "counting": "restart", "form": levels[-1].get("form", "stt")}

    def tasks_of(items: list[dict], local: dict[int, int], chain: str, gid: Optional[str],
                 path: tuple[str, ...]) -> tuple[Task, ...]:
        out = []
        for t in items:
            ordinal = counter.next(-1, rows["counting"], local)
            number = t.get("number") or _style(rows["numbering"], ordinal, chain, t["id"])
            out.append(build_task(t, registry, content=t["content"], number=number, group_id=gid,
                                  group_path=path, appendix_id=appendix_id))
        return tuple(out)

    def groups_of(items: list[dict], depth: int, parent_chain: str, path: tuple[str, ...]) -> tuple[TaskGroup, ...]:
        spec = level_spec(depth)
        local: dict[int, int] = {}
        out = []
        for g in items:
            ordinal = counter.next(depth, spec["counting"], local)
            number = g.get("number") or _style(spec["numbering"], ordinal, parent_chain)
            chain = _chain(spec["numbering"], ordinal, g.get("number", ""), parent_chain)
            inner_path = path + (g["id"],)
            task_local: dict[int, int] = {}
            out.append(TaskGroup(
                id=g["id"], numeral=number, title=g["title"],
                tasks=tasks_of(g.get("tasks", []), task_local, chain, g["id"], inner_path),
                groups=groups_of(g.get("groups", []), depth + 1, chain, inner_path),
                level=depth, form=spec.get("form", "stt"), separator=spec.get("separator", ". "),
                bold=spec.get("bold", True),
            ))
        return tuple(out)

    title = vn.upper(a["title"]) if short else a["title"]
    groups = groups_of(a.get("groups", []), 0, "", ())
    ungrouped = tasks_of(a.get("tasks", []), {}, "", None, ())
    groups, ungrouped = _with_citations(groups, ungrouped)
    return Appendix(
        title=title, groups=groups,
        illustrative=bool(a.get("illustrative", False)), note=a.get("note"), id=appendix_id, kind="tasks",
        label=a.get("label", "Phụ lục"), attachment=a.get("attachment"), columns=_columns(a.get("columns")),
        column_codes=tuple(a.get("column_codes", ())), unit=a.get("unit"), notes=tuple(a.get("notes", ())),
        ungrouped=ungrouped,
    )


def _with_citations(groups: tuple[TaskGroup, ...], ungrouped: tuple[Task, ...]
                    ) -> tuple[tuple[TaskGroup, ...], tuple[Task, ...]]:
    """Set each task's ``cite``: its printed number when unique in the table,
    else qualified with its groups' printed numbers (rows numbered 1, 2, 3
    afresh in each group)."""
    numerals: dict[str, str] = {}
    counts: dict[str, int] = {}

    def collect(gs: tuple[TaskGroup, ...], path: tuple[str, ...]) -> None:
        for g in gs:
            numerals[g.id] = g.numeral
            for t in g.tasks:
                counts[t.number] = counts.get(t.number, 0) + 1
            collect(g.groups, path + (g.numeral,))

    for t in ungrouped:
        counts[t.number] = counts.get(t.number, 0) + 1
    collect(groups, ())

    def cite(t: Task) -> Task:
        number = t.number or t.id
        if counts.get(t.number, 0) > 1 and t.group_path:
            where = " - ".join(numerals[g] for g in t.group_path if numerals.get(g))
            number = f"{number} (mục {where})" if where else number
        return dataclasses.replace(t, cite=number)

    def mend(gs: tuple[TaskGroup, ...]) -> tuple[TaskGroup, ...]:
        return tuple(dataclasses.replace(g, tasks=tuple(cite(t) for t in g.tasks), groups=mend(g.groups)) for g in gs)

    return mend(groups), tuple(cite(t) for t in ungrouped)


def _data_appendix(a: dict[str, Any], index: int) -> Appendix:
    header = tuple(
        tuple(HeaderCell(c) if isinstance(c, str) else HeaderCell(c["text"], c.get("colspan", 1), c.get("rowspan", 1))
              for c in row)
        for row in a.get("header", ()))
    rows = []
    for row in a.get("data", ()):
        if isinstance(row, list):
            rows.append(DataRow(tuple(str(c) for c in row)))
        elif "group" in row:
            rows.append(DataRow(group=row["group"], bold=row.get("bold", True)))
        else:
            rows.append(DataRow(tuple(str(c) for c in row["cells"]), bold=row.get("bold", row.get("total", False))))
    return Appendix(
        title=a["title"], id=a.get("id", f"pl-{index}"), kind="table", label=a.get("label", "Phụ lục"),
        attachment=a.get("attachment"), illustrative=bool(a.get("illustrative", False)), note=a.get("note"),
        unit=a.get("unit"), notes=tuple(a.get("notes", ())), column_codes=tuple(a.get("column_codes", ())),
        header=header, widths_mm=tuple(float(w) for w in a.get("widths", ())), align=tuple(a.get("align", ())),
        data=tuple(rows),
    )


def build_appendices(tasks_data: Optional[dict[str, Any]], registry: Registry) -> tuple[Appendix, ...]:
    """Every appendix of checked ``tasks.yaml`` data, in printing order."""
    out = []
    for index, (_, a, short) in enumerate(appendix_items(tasks_data), 1):
        if a.get("kind") == "table":
            out.append(_data_appendix(a, index))
        else:
            out.append(_task_appendix(a, index, short, registry))
    return tuple(out)


def record_format(data: Optional[dict[str, Any]], base: RecordFormat = DEFAULT_RECORD) -> RecordFormat:
    """A task-record format from ``task_records:`` data, over ``base``."""
    if not data:
        return base
    fields = tuple(RecordField(f["field"], f["label"]) for f in data["fields"]) if "fields" in data else base.fields
    return RecordFormat(fields, data.get("marker", base.marker), data.get("label_style", base.label_style),
                        data.get("suffix", base.suffix))
