"""The diff as JSON data: :func:`to_json` gives the stable ``kehoach-diff`` structure.

Version 2 (version 1 had one lead
agency per task: ``lead`` was an agency reference, it is now a list)::

    {
      "format": "kehoach-diff", "version": 2,
      "equal": false,
      "summary": {"tasks_changed": 3, "tasks_added": 1, "tasks_removed": 1,
                  "tasks_renumbered": 1, "tasks_moved": 1, "task_groups": 0,
                  "agencies": 2, "document": 4, "body": 3, "reporting": 1},
      "tasks": [CHANGE, ...], "agencies": [...], "document": [...],
      "body": [...], "reporting": [...]
    }

    CHANGE = {"kind": "task_changed", "id": "3.2", "field": "lead",
              "label": "Nhiệm vụ 3.2",
              "old": [{"id": "phong-y-te", "name": "Phòng Y tế"}],
              "new": [{"id": "phong-vh-kh-tt", "name": "Phòng Văn hóa, Khoa học và Thông tin"}],
              "words": null, "added": [{"id": "phong-vh-kh-tt", …}], "removed": [{"id": "phong-y-te", …}]}

Every change object has all nine keys.  ``id`` names what changed (task id —
the new one when the task still exists —, agency or group id, ``document``,
``issuer``, ``signer``, ``recipients``, a body locator, ``reporting``);
``label`` says it in Vietnamese ("Nhiệm vụ 3.2", "Mục II.1.2", the agency's
name) or is null where the Markdown words it itself.  ``words`` is the word-level diff
(``[["equal", "…"], ["delete", "…"], ["insert", "…"]]``) for text fields and
null otherwise; ``added``/``removed`` are filled for list fields (leads, coordinators,
members, reporters, periods, open periods).  An agency reference is ``{"id", "name"}``,
a task group ``{"id", "numeral", "title"}``, a task (``task_added``,
``task_removed``) ``{"id", "group", "content", "lead", "support", "timeline",
"output"}``, a body paragraph ``{"title", "text", "children"}``; dates are ISO
strings.  The kinds of change in each list, and their fields, are listed in
:mod:`kehoach.diff.model`.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any, Mapping

from .model import PlanDiff

__all__ = ["to_json"]


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def to_json(diff: PlanDiff) -> dict:
    """The diff as plain JSON data (see the module docstring for the structure)."""
    data: dict[str, Any] = {
        "format": "kehoach-diff", "version": 2, "equal": diff.equal, "summary": diff.summary(),
    }
    for area in PlanDiff.AREAS:
        data[area] = [
            {"kind": c.kind, "id": c.id, "field": c.field, "label": c.label,
             "old": _jsonable(c.old), "new": _jsonable(c.new),
             "words": None if c.words is None else [[op, text] for op, text in c.words],
             "added": _jsonable(c.added), "removed": _jsonable(c.removed)}
            for c in getattr(diff, area)
        ]
    return data
