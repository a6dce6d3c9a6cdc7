"""Editing agencies' returns in place, keeping what people wrote.

Returns are edited by hand (or by ``kehoach report read``) and reviewed in
pull requests, so a tool that touches one must change only what it means to:
comments, key order, quoting and folded text stay byte for byte.  This module
does every such edit through ruamel.yaml's round-trip mode:

* :func:`refresh_return` brings a return up to date with the plan — the
  agency's new tasks are appended (blank, with the one-line comment that
  ``report init`` writes), tasks the plan no longer gives the agency are
  marked ``removed: true`` (their answers are kept for the record);
* :func:`apply_answers` writes answers read from a filled Word report.
"""

from __future__ import annotations

import io
import re
from typing import Any, Mapping, Optional

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from ..model import Plan
from .model import TASK_KEYS
from .rule import _agency_tasks
from .write import _one_line

__all__ = ["apply_answers", "dump", "load", "refresh_return"]


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096                      # never re-wrap a line someone wrote
    yaml.indent(mapping=2, sequence=4, offset=2)   # the layout report init writes
    # null stays "null" (ruamel's default writes an empty value)
    yaml.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


def load(text: str) -> Any:
    return _yaml().load(text)


def dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def _blank_task(task_id: str) -> CommentedMap:
    item = CommentedMap()
    item["task"] = DoubleQuotedScalarString(task_id)
    for key in TASK_KEYS:
        item[key] = CommentedSeq() if key == "figures" else None
    if isinstance(item["figures"], CommentedSeq):
        item["figures"].fa.set_flow_style()
    return item


def refresh_return(plan: Plan, agency_id: str, text: str) -> tuple[str, list[str], list[str]]:
    """``text`` (a return of ``agency_id``) brought up to date with the plan.

    Returns ``(new text, added task ids, removed task ids)``; the text is
    unchanged, byte for byte, when both lists are empty.  Raises ValueError
    (Vietnamese) when the file has no ``tasks`` list to update.
    """
    data = load(text)
    tasks = data.get("tasks") if isinstance(data, CommentedMap) else None
    if not isinstance(tasks, CommentedSeq):
        raise ValueError("tệp không có danh sách tasks để cập nhật")
    own = dict(_agency_tasks(plan, agency_id))
    added, removed = [], []
    present = set()
    for item in tasks:
        if not isinstance(item, CommentedMap) or not isinstance(item.get("task"), str):
            continue
        task_id = str(item["task"])
        if task_id in own:
            present.add(task_id)
            if item.get("removed") is True:   # given back to the agency: answers count again
                del item["removed"]
                added.append(task_id)
        elif item.get("removed") is not True:
            item.insert(1, "removed", True)
            removed.append(task_id)
    missing = [t for t in own if t not in present]
    if missing and tasks.fa.flow_style():
        tasks.fa.set_block_style()
    for task_id in missing:
        tasks.append(_blank_task(task_id))
        role = "chủ trì" if own[task_id] == "lead" else "phối hợp"
        tasks.yaml_set_comment_before_after_key(
            len(tasks) - 1, before=f"{task_id} ({role}): {_one_line(plan.task(task_id).content)}", indent=2)
        added.append(task_id)
    if not added and not removed:
        return text, [], []
    return dump(data), added, removed


#: Plain scalars kehoach's reader would not take as text (null, booleans, numbers): quote them.
_NOT_TEXT = re.compile(r"(~|null|true|false|yes|no|on|off|[-+]?[0-9][0-9_.,:eE+-]*)", re.IGNORECASE)


def _scalar(text: Optional[str]):
    """Multi-line answers as literal blocks (``|-``) so line breaks typed in Word
    survive; text that would read back as a number or null is quoted."""
    if text is None:
        return None
    if "\n" in text:
        return LiteralScalarString(text)
    return DoubleQuotedScalarString(text) if _NOT_TEXT.fullmatch(text.strip()) else text


def apply_answers(text: str, answers: Mapping[str, Mapping[str, Optional[str]]],
                  summary: Mapping[str, Optional[str]], submitted: Optional[str]) -> str:
    """Write answers into a return, keeping everything else.

    ``answers``: task id → {status, result, note} (the keys to write);
    ``summary``: key → text; ``submitted``: an ISO date, or None to keep the one
    written.  Tasks absent from ``answers`` are left as they are.
    """
    data = load(text)
    by_id = {str(item["task"]): item for item in data["tasks"]
             if isinstance(item, CommentedMap) and item.get("removed") is not True}
    for task_id, values in answers.items():
        item = by_id[task_id]
        for key in ("status", "result", "note"):
            if key in values:
                if key in item:
                    item[key] = _scalar(values[key])
                else:
                    item.insert(len(item), key, _scalar(values[key]))
    if summary:
        block = data.get("summary")
        if not isinstance(block, CommentedMap):
            block = CommentedMap()
            data["summary"] = block
        for key, value in summary.items():
            block[key] = _scalar(value)
    if submitted is not None:
        data["submitted"] = DoubleQuotedScalarString(submitted)
    return dump(data)
