"""What changed between two versions of a plan, at the level users think in.

A *side* is a plan directory or a git revision of the repository that holds
one (:func:`load_side`).  :func:`diff_plans` compares two loaded plans and
returns a :class:`PlanDiff`: tasks added, removed, renumbered, moved between
groups, and each changed field of a task; task groups; agencies and agency
groups; the document's metadata; the body of the plan; the reporting rule.
:func:`to_markdown` words it in Vietnamese for a pull-request comment,
:func:`to_json` gives the same data as a stable JSON structure.

Matching tasks
--------------
Tasks are matched in this order, each step only among tasks not yet matched:

1. same id and same content (content compared after NFC and collapsing
   whitespace, so re-wrapping a YAML paragraph is not a change);
2. same content, different id: a **renumbering** (``4.2`` → ``4.1`` after
   ``4.1`` was deleted), not a removal plus an addition;
3. content at least :data:`RENUMBER_SIMILARITY` (90 %) similar, word by word:
   the same task, possibly renumbered *and* edited (a ``task_renumbered``
   change followed by a ``task_changed`` ``content`` change).  Skipped when
   more than :data:`FUZZY_LIMIT` pairs would have to be compared;
4. same id, whatever the content: the task was rewritten in place;

what is left in the new plan was added, what is left in the old one removed.
A matched task whose group (matched by id, else by identical title) differs
was moved.  Agency names in the output come from the side where the
reference exists: the old lead's name from the old registry, the new lead's
from the new one.

Not compared: ``style``, ``templates``, ``letters``, agencies' ``note``,
the appendix ``note`` and ``illustrative`` flag, the registry's ``as_of``.

The JSON structure (:func:`to_json`), version 2 (version 1 had one lead
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
strings.  The kinds, by list:

``tasks``      ``task_group_added`` / ``task_group_removed`` / ``task_group_renamed``
               (field ``title``); ``task_added``, ``task_removed``,
               ``task_renumbered`` (field ``id``, old/new ids), ``task_moved``
               (field ``group``), ``task_changed`` (field ``content``, ``lead``,
               ``support``, ``lead_text``, ``support_text``, ``number``,
               ``fields.<key>``, ``timeline``, ``output``, ``implements``, ``note``)
``agencies``   ``agency_added``, ``agency_renamed`` (``name``, ``short_name``),
               ``agency_retired`` (``until`` set, or ``registry``: removed from
               the registry), ``agency_changed`` (``until``, ``kind``, ``parent``,
               ``code``, ``place``), ``agency_group_added`` / ``_removed`` /
               ``_renamed`` (``name``), ``agency_group_members`` (``members``)
``document``   ``document_changed`` (``type_name``, ``code``, ``number``,
               ``date``, ``subject``, ``years``), ``issuer_changed`` (``agency``,
               ``header``, ``parent_header``, ``code``, ``place``),
               ``signer_changed`` (``lines``, ``name``), ``recipient_added``,
               ``recipient_removed``, ``recipients_reordered``
``body``       ``basis_added`` / ``_removed`` / ``_changed``, ``section_added`` /
               ``_removed`` / ``_renamed``, ``block_added`` / ``_removed`` /
               ``_changed`` (``title``, ``text``, ``marker``, ``numbered``,
               ``responsible``), ``closing_changed``, ``appendix_changed``
               (``title``)
``reporting``  ``reporting_changed`` (``periods``, ``reporters``, ``to``, ``via``,
               ``consolidated_to``, ``cutoff.<kind>``, ``due.<kind>``,
               ``consolidated_due.<kind>``, ``open``)

Markdown (:func:`to_markdown`): one bullet per change, agency names instead of
ids, deleted words ``~~struck~~`` and inserted words ``**bold**``; unchanged
runs longer than :data:`CONTEXT_WORDS` words around a change are shortened
with "…" (the JSON keeps every word), added or removed body paragraphs to
:data:`EXCERPT_WORDS` words.  User text is escaped (``\\ ` * _ ~ [ ] < > | $``,
entity-like ``&``, and ``#``, ``>``, ``-``, ``1.`` where a name opens a bullet).
Removed items are located with the old plan's numbering, all others with the
new plan's.

Body paragraphs are identified by section numeral and number (``II.1.2``) or,
when not numbered, by position under their parent (``I/2``: second paragraph
of part I; ``III.2/1``); their ``label`` says it in Vietnamese ("Mục II.1.2",
"Phần I, đoạn 2").  Sibling paragraphs are aligned by content first, so
inserting one does not report every following one as changed.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import posixpath
import re
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterable, Mapping, Optional, Sequence

from . import markdown, vn
from .diagnostics import Diagnostic, format_text
from .load import PLAN_FILES, check_plan
from .load.yamlread import read_yaml
from .model import Block, Plan, Registry, Task, TaskGroup
from .periods import KIND_NAMES, period_label

__all__ = [
    "AgencyRef", "BlockInfo", "Change", "DiffError", "GroupRef", "PlanDiff", "TaskInfo",
    "diff_plans", "load_side", "to_json", "to_markdown", "word_diff",
    "RENUMBER_SIMILARITY", "FUZZY_LIMIT",
]

#: Word similarity from which an unmatched task of the old plan is taken to be
#: an unmatched task of the new plan, renumbered and edited.
RENUMBER_SIMILARITY = 0.9
#: Most (old × new) pairs of unmatched tasks compared for similarity.
FUZZY_LIMIT = 40_000
#: Words of unchanged text kept around each change in Markdown (the JSON keeps all).
CONTEXT_WORDS = 8
#: Words of an added or removed body paragraph shown in Markdown.
EXCERPT_WORDS = 40


# -- errors ---------------------------------------------------------------------------------


class DiffError(Exception):
    """A side cannot be loaded.  ``message`` is Vietnamese; ``diagnostics`` holds
    the positioned problems when the plan of that side is invalid."""

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()):
        self.message = message
        self.diagnostics = tuple(diagnostics)
        super().__init__(message)

    def format(self) -> str:
        """The message, then one ``path:line:col: KH### lỗi: …`` line per diagnostic."""
        return self.message + "\n" + format_text(self.diagnostics)


# -- loading a side -------------------------------------------------------------------------


def load_side(spec: str, *, repo: Optional[Path] = None, plan_path: str = "plan") -> Plan:
    """Load one side of a diff.

    ``spec`` is a plan directory (or its ``plan.yaml``) when that path exists
    (relative to the current directory; a directory wins over a branch of the
    same name), else a git revision (branch, tag, ``HEAD~1``, sha) of ``repo`` (default:
    the repository of the current directory), whose ``plan_path`` folder is
    read with ``git cat-file`` into a temporary directory and checked with
    :func:`kehoach.load.check_plan` — every check applies.  Diagnostics of a
    revision name their file ``REV:plan/tasks.yaml``.  A plan loaded from a
    revision has ``source_dir`` and ``template_dir`` None (the files are gone).

    Raises :class:`DiffError` (Vietnamese message) when the side is neither a
    directory nor a revision, git is missing, or the plan is invalid.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise DiffError("chưa chỉ ra phiên bản kế hoạch cần so sánh (thư mục hoặc phiên bản git)")
    path = Path(spec)
    if path.exists():
        plan, diagnostics = check_plan(path)
        if plan is None:
            raise DiffError(_invalid(f"kế hoạch trong thư mục '{spec}'", diagnostics), diagnostics)
        return plan
    return _load_revision(spec, repo, plan_path)


def _invalid(what: str, diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(d.is_error for d in diagnostics)
    return f"{what} không hợp lệ ({errors} lỗi)"


def _git(cwd: Path, *args: str, stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    try:
        return subprocess.run(["git", *args], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE,
                              env=env, check=False)
    except FileNotFoundError:
        raise DiffError("không tìm thấy chương trình git: cài đặt git để so sánh các phiên bản") from None
    except NotADirectoryError:
        raise DiffError(f"'{cwd}' không phải là thư mục") from None


def _toplevel(repo: Optional[Path], spec: str) -> Path:
    where = Path(repo) if repo is not None else Path.cwd()
    if not where.is_dir():
        raise DiffError(f"không tìm thấy thư mục kho git '{where}'")
    result = _git(where, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise DiffError(f"'{spec}' không phải là thư mục kế hoạch, và '{where}' không nằm trong một kho git "
                        f"nên không đọc được phiên bản '{spec}'")
    return Path(result.stdout.decode("utf-8", "replace").strip())


def _clean_plan_path(plan_path: str) -> str:
    text = str(plan_path).replace("\\", "/").strip()
    norm = posixpath.normpath(text) if text else "."
    if norm.startswith("/") or norm == ".." or norm.startswith("../"):
        raise DiffError(f"đường dẫn thư mục kế hoạch '{plan_path}' phải nằm trong kho git")
    return "" if norm == "." else norm


def _load_revision(spec: str, repo: Optional[Path], plan_path: str) -> Plan:
    if spec.startswith("-") or "\n" in spec or "\0" in spec:
        raise DiffError(f"phiên bản '{spec}' không hợp lệ")
    top = _toplevel(repo, spec)
    folder_in_repo = _clean_plan_path(plan_path)
    result = _git(top, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    if result.returncode != 0:
        raise DiffError(f"'{spec}' không phải là thư mục kế hoạch, cũng không phải phiên bản (nhánh, thẻ, "
                        f"commit) nào của kho git '{top}'")
    sha = result.stdout.decode().strip()
    shown_folder = folder_in_repo or "."
    kind = _git(top, "cat-file", "-t", f"{sha}:{folder_in_repo}")
    if kind.returncode != 0 or kind.stdout.decode().strip() != "tree":
        raise DiffError(f"phiên bản '{spec}' không có thư mục kế hoạch '{shown_folder}'")
    listing = _git(top, "ls-tree", "-z", sha, "--", f"{folder_in_repo}/" if folder_in_repo else ".")
    if listing.returncode != 0:
        raise DiffError(f"không đọc được thư mục '{shown_folder}' ở phiên bản '{spec}'")
    blobs: dict[str, str] = {}
    for entry in listing.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not entry:
            continue
        meta, _, name = entry.partition("\t")
        mode, objtype, obj = meta.split(" ")
        if objtype == "blob" and mode in ("100644", "100755"):
            blobs[posixpath.basename(name)] = obj

    with tempfile.TemporaryDirectory(prefix="kehoach-diff-") as tmp:
        root = Path(tmp).resolve()
        folder = root / folder_in_repo if folder_in_repo else root
        folder.mkdir(parents=True, exist_ok=True)
        for name in PLAN_FILES.values():
            if name in blobs:  # a missing file stays missing: check_plan reports it (KH037)
                with open(folder / name, "wb") as out:
                    if _git(top, "cat-file", "blob", blobs[name], stdout=out).returncode != 0:
                        raise DiffError(f"không đọc được tệp '{name}' ở phiên bản '{spec}'")
        _template_folder(top, sha, folder_in_repo, folder, root)
        plan, diagnostics = check_plan(folder)
        diagnostics = [_relabel(d, root, spec) for d in diagnostics]
    if plan is None:
        raise DiffError(_invalid(f"kế hoạch ở phiên bản '{spec}'", diagnostics), diagnostics)
    return dataclasses.replace(plan, source_dir=None, template_dir=None)


def _template_folder(top: Path, sha: str, folder_in_repo: str, folder: Path, root: Path) -> None:
    """``templates:`` in plan.yaml must name a folder; when that folder exists in
    the revision, stand an empty one in for it (templates are not compared)."""
    plan_file = folder / PLAN_FILES["plan"]
    if not plan_file.is_file():
        return
    doc, _ = read_yaml(plan_file, str(plan_file))
    value = doc.data.get("templates") if isinstance(doc.data, dict) else None
    if not isinstance(value, str) or not value.strip() or value.startswith("/"):
        return
    target = posixpath.normpath(posixpath.join(folder_in_repo, value.replace("\\", "/")))
    if target == ".." or target.startswith("../"):
        return
    kind = _git(top, "cat-file", "-t", f"{sha}:{'' if target == '.' else target}")
    if kind.returncode == 0 and kind.stdout.decode().strip() == "tree":
        (root / target).mkdir(parents=True, exist_ok=True)


def _relabel(d: Diagnostic, root: Path, spec: str) -> Diagnostic:
    """``/tmp/kehoach-diff-x/plan/tasks.yaml`` → ``HEAD~1:plan/tasks.yaml``."""
    path = Path(d.path)
    if not path.is_absolute():
        path = Path.cwd() / path
    try:
        inside = Path(os.path.normpath(path)).relative_to(root)
    except ValueError:
        return d
    return dataclasses.replace(d, path=f"{spec}:{inside.as_posix()}")


# -- the diff model ------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyRef:
    """An agency or agency group, named as its side's registry names it."""

    id: str
    name: str


@dataclass(frozen=True)
class GroupRef:
    """A task group: its id, its numeral on that side, its title."""

    id: str
    numeral: str
    title: str


@dataclass(frozen=True)
class TaskInfo:
    """A whole task, for tasks added or removed."""

    id: str
    group: GroupRef
    content: str
    lead: tuple[AgencyRef, ...]
    support: tuple[AgencyRef, ...]
    timeline: str
    output: str


@dataclass(frozen=True)
class BlockInfo:
    """A body paragraph added or removed: title, text, number of paragraphs under it."""

    title: Optional[str]
    text: Optional[str]
    children: int


@dataclass(frozen=True)
class Change:
    """One change.  See the module docstring for the kinds and fields."""

    kind: str
    id: str
    field: Optional[str] = None
    old: Any = None
    new: Any = None
    words: Optional[tuple[tuple[str, str], ...]] = None
    added: tuple = ()
    removed: tuple = ()
    label: Optional[str] = None


@dataclass(frozen=True)
class PlanDiff:
    """Changes by area, each in a deterministic order (new plan's order, then
    what only the old plan had, in its order)."""

    tasks: tuple[Change, ...] = ()
    agencies: tuple[Change, ...] = ()
    document: tuple[Change, ...] = ()
    body: tuple[Change, ...] = ()
    reporting: tuple[Change, ...] = ()

    AREAS: ClassVar[tuple[str, ...]] = ("tasks", "agencies", "document", "body", "reporting")

    @property
    def equal(self) -> bool:
        return not self.changes

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(c for area in self.AREAS for c in getattr(self, area))

    def summary(self) -> dict[str, int]:
        """Counts: tasks by what happened to them (a task counts once per kind),
        other areas by number of changes."""
        def ids(kind: str) -> int:
            return len({c.id for c in self.tasks if c.kind == kind})
        return {
            "tasks_changed": ids("task_changed"),
            "tasks_added": ids("task_added"),
            "tasks_removed": ids("task_removed"),
            "tasks_renumbered": ids("task_renumbered"),
            "tasks_moved": ids("task_moved"),
            "task_groups": sum(c.kind.startswith("task_group_") for c in self.tasks),
            "agencies": len(self.agencies),
            "document": len(self.document),
            "body": len(self.body),
            "reporting": len(self.reporting),
        }


# -- words ------------------------------------------------------------------------------------


def _norm(text: Optional[str]) -> str:
    """NFC, whitespace runs collapsed: how texts are compared."""
    return " ".join(vn.nfc(text).split()) if text else ""


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level diff of two texts: ``[(op, words), …]`` with op ``equal``,
    ``delete`` or ``insert`` and words joined by single spaces.

    Words are whitespace-separated tokens of the NFC text, punctuation attached
    ("trẻ em," is one word).  A replacement is a ``delete`` then an ``insert``;
    consecutive runs of the same op are merged.
    """
    a, b = _norm(old).split(), _norm(new).split()
    out: list[tuple[str, list[str]]] = []

    def add(op: str, words: list[str]) -> None:
        if not words:
            return
        if out and out[-1][0] == op:
            out[-1][1].extend(words)
        else:
            out.append((op, list(words)))

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
            continue
        add("delete", a[i1:i2])
        add("insert", b[j1:j2])
    return [(op, " ".join(words)) for op, words in out]


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def _text_change(kind: str, ident: str, fld: str, old: Optional[str], new: Optional[str],
                 label: Optional[str] = None) -> Optional[Change]:
    a, b = _norm(old), _norm(new)
    if a == b:
        return None
    return Change(kind, ident, fld, a or None, b or None, tuple(word_diff(a, b)), label=label)


def _value_change(kind: str, ident: str, fld: str, old: Any, new: Any,
                  label: Optional[str] = None) -> Optional[Change]:
    return None if old == new else Change(kind, ident, fld, old, new, label=label)


def _list_change(kind: str, ident: str, fld: str, old: Sequence[Any], new: Sequence[Any],
                 label: Optional[str] = None,
                 old_show: Callable[[Any], Any] = lambda x: x,
                 new_show: Callable[[Any], Any] = lambda x: x) -> Optional[Change]:
    """A list compared as a whole; ``added``/``removed`` by membership (both empty: reordered)."""
    old, new = tuple(old), tuple(new)
    if old == new:
        return None
    return Change(
        kind, ident, fld, tuple(old_show(x) for x in old), tuple(new_show(x) for x in new),
        added=tuple(new_show(x) for x in new if x not in old),
        removed=tuple(old_show(x) for x in old if x not in new), label=label,
    )


def _ref(registry: Registry, ref: Optional[str]) -> Optional[AgencyRef]:
    return None if ref is None else _refs(registry, (ref,))[0]


def _refs(registry: Registry, refs: Sequence[str]) -> tuple[AgencyRef, ...]:
    return tuple(AgencyRef(ref, registry.name(ref) if ref in registry else ref) for ref in refs)


def _append(out: list[Change], change: Optional[Change]) -> None:
    if change is not None:
        out.append(change)


def _align(old: Sequence[Any], new: Sequence[Any], sig: Callable[[Any], Any],
           sim: Callable[[Any, Any], float], threshold: float = 0.4) -> list[tuple[Optional[int], Optional[int]]]:
    """Pair two lists in order: identical signatures first (difflib), then inside
    each replaced stretch positionally when both sides have as many items, else
    by the most similar pairs (≥ ``threshold``) that keep the order."""
    a, b = [sig(x) for x in old], [sig(x) for x in new]
    out: list[tuple[Optional[int], Optional[int]]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            out += list(zip(range(i1, i2), range(j1, j2)))
        elif tag == "delete":
            out += [(i, None) for i in range(i1, i2)]
        elif tag == "insert":
            out += [(None, j) for j in range(j1, j2)]
        else:
            out += _pair_similar(list(range(i1, i2)), list(range(j1, j2)),
                                 lambda i, j: sim(old[i], new[j]), threshold)
    return out


def _pair_similar(xs: list[int], ys: list[int], sim: Callable[[int, int], float],
                  threshold: float) -> list[tuple[Optional[int], Optional[int]]]:
    n, m = len(xs), len(ys)
    s = [[sim(x, y) for y in ys] for x in xs]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in reversed(range(n)):
        for j in reversed(range(m)):
            value = max(best[i + 1][j], best[i][j + 1])
            if s[i][j] >= threshold:
                value = max(value, s[i][j] + best[i + 1][j + 1])
            best[i][j] = value
    out: list[tuple[Optional[int], Optional[int]]] = []
    i = j = 0
    while i < n and j < m:
        if s[i][j] >= threshold and best[i][j] == s[i][j] + best[i + 1][j + 1]:
            out.append((xs[i], ys[j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            out.append((xs[i], None))
            i += 1
        else:
            out.append((None, ys[j]))
            j += 1
    out += [(xs[k], None) for k in range(i, n)]
    out += [(None, ys[k]) for k in range(j, m)]
    return out


# -- diffing ------------------------------------------------------------------------------------


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Compare two plans; see the module docstring for what is compared and how."""
    return PlanDiff(
        tasks=tuple(_diff_tasks(old, new)),
        agencies=tuple(_diff_agencies(old, new)),
        document=tuple(_diff_document(old, new)),
        body=tuple(_diff_body(old, new)),
        reporting=tuple(_diff_reporting(old, new)),
    )


def _group_ref(group: TaskGroup) -> GroupRef:
    return GroupRef(group.id, group.numeral, _norm(group.title))


def _task_info(plan: Plan, task: Task, groups: Mapping[str, GroupRef]) -> TaskInfo:
    reg = plan.registry
    return TaskInfo(task.id, groups.get(task.group_id or "", _NO_GROUP), _norm(task.content),
                    _refs(reg, task.leads), _refs(reg, task.support),
                    task.timeline.text, _norm(task.output or ""))


_NO_GROUP = GroupRef("", "", "")


def _all_groups(plan: Plan) -> list[TaskGroup]:
    """Every task group at any depth of every appendix: what is compared as groups."""
    return [g for a in plan.appendices for g in a.walk_groups()]


def _group_refs(plan: Plan) -> dict[str, GroupRef]:
    """How a task's group is named: appendix groups, and the body sections that
    hold task records (``Plan.task_groups``; sections are compared with the body)."""
    refs = {g.id: _group_ref(g) for g in plan.task_groups()}
    refs.update({g.id: _group_ref(g) for g in _all_groups(plan)})
    return refs


def _match_groups(old: Sequence[TaskGroup], new: Sequence[TaskGroup]) -> dict[str, str]:
    """old group id → new group id: same id, else identical title."""
    new_ids = {g.id for g in new}
    pairs = {g.id: g.id for g in old if g.id in new_ids}
    free: dict[str, str] = {}
    for g in new:
        if g.id not in pairs.values():
            free.setdefault(_norm(g.title), g.id)
    for g in old:
        if g.id not in pairs and _norm(g.title) in free:
            pairs[g.id] = free.pop(_norm(g.title))
    return pairs


def _match_tasks(old: Sequence[Task], new: Sequence[Task]) -> dict[int, int]:
    """old index → new index, by the four steps of the module docstring."""
    okey = [_norm(t.content) for t in old]
    nkey = [_norm(t.content) for t in new]
    new_by_id = {t.id: j for j, t in enumerate(new)}
    pairs: dict[int, int] = {}
    used: set[int] = set()

    def pair(i: int, j: int) -> None:
        pairs[i] = j
        used.add(j)

    for i, t in enumerate(old):                       # 1. same id, same content
        j = new_by_id.get(t.id)
        if j is not None and okey[i] == nkey[j]:
            pair(i, j)
    by_content: dict[str, list[int]] = {}             # 2. same content: renumbered
    for j in range(len(new)):
        if j not in used:
            by_content.setdefault(nkey[j], []).append(j)
    for i in range(len(old)):
        if i not in pairs and by_content.get(okey[i]):
            pair(i, by_content[okey[i]].pop(0))
    rest_old = [i for i in range(len(old)) if i not in pairs]   # 3. similar content
    rest_new = [j for j in range(len(new)) if j not in used]
    if rest_old and rest_new and len(rest_old) * len(rest_new) <= FUZZY_LIMIT:
        words_new = {j: nkey[j].split() for j in rest_new}
        candidates = []
        matcher = SequenceMatcher(None, autojunk=False)
        for i in rest_old:
            matcher.set_seq2(okey[i].split())
            for j in rest_new:
                matcher.set_seq1(words_new[j])
                if matcher.real_quick_ratio() < RENUMBER_SIMILARITY or matcher.quick_ratio() < RENUMBER_SIMILARITY:
                    continue
                ratio = matcher.ratio()
                if ratio >= RENUMBER_SIMILARITY:
                    candidates.append((-ratio, old[i].id != new[j].id, i, j))
        for _, _, i, j in sorted(candidates):
            if i not in pairs and j not in used:
                pair(i, j)
    for i, t in enumerate(old):                       # 4. same id, rewritten
        j = new_by_id.get(t.id)
        if i not in pairs and j is not None and j not in used:
            pair(i, j)
    return pairs


def _diff_tasks(old: Plan, new: Plan) -> list[Change]:
    out: list[Change] = []
    old_all, new_all = _all_groups(old), _all_groups(new)
    old_groups = {g.id: g for g in old_all}
    old_refs, new_refs = _group_refs(old), _group_refs(new)
    group_map = _match_groups(old_all, new_all)
    matched_new = set(group_map.values())
    back = {n: o for o, n in group_map.items()}
    for g in new_all:
        label = f"Nhóm nhiệm vụ {g.numeral}"
        if g.id not in matched_new:
            out.append(Change("task_group_added", g.id, new=_group_ref(g), label=label))
        else:
            _append(out, _text_change("task_group_renamed", g.id, "title", old_groups[back[g.id]].title,
                                      g.title, label))
    for g in old_all:
        if g.id not in group_map:
            out.append(Change("task_group_removed", g.id, old=_group_ref(g), label=f"Nhóm nhiệm vụ {g.numeral}"))

    old_tasks, new_tasks = old.tasks, new.tasks
    pairs = _match_tasks(old_tasks, new_tasks)
    inverse = {j: i for i, j in pairs.items()}
    oreg, nreg = old.registry, new.registry
    for j, nt in enumerate(new_tasks):
        label = f"Nhiệm vụ {nt.id}"
        if j not in inverse:
            out.append(Change("task_added", nt.id, new=_task_info(new, nt, new_refs), label=label))
            continue
        ot = old_tasks[inverse[j]]
        if ot.id != nt.id:
            out.append(Change("task_renumbered", nt.id, "id", ot.id, nt.id, label=label))
        if group_map.get(ot.group_id or "", ot.group_id) != nt.group_id:
            out.append(Change("task_moved", nt.id, "group", old_refs.get(ot.group_id or "", _NO_GROUP),
                              new_refs.get(nt.group_id or "", _NO_GROUP), label=label))
        kind = "task_changed"
        _append(out, _text_change(kind, nt.id, "content", ot.content, nt.content, label))
        _append(out, _list_change(kind, nt.id, "lead", ot.leads, nt.leads, label,
                                  lambda r: _ref(oreg, r), lambda r: _ref(nreg, r)))
        # printed cells the office wrote (cells derived from registry names follow the ids)
        _append(out, _text_change(kind, nt.id, "lead_text", ot.lead_text, nt.lead_text, label))
        _append(out, _text_change(kind, nt.id, "support_text", ot.support_text, nt.support_text, label))
        if (ot.number, nt.number) != (ot.id, nt.id):  # printing the id: already a renumbering
            _append(out, _value_change(kind, nt.id, "number", ot.number, nt.number, label))
        for key in sorted(set(ot.fields) | set(nt.fields)):
            _append(out, _text_change(kind, nt.id, f"fields.{key}", ot.fields.get(key), nt.fields.get(key), label))
        _append(out, _list_change(kind, nt.id, "support", ot.support, nt.support, label,
                                  lambda r: _ref(oreg, r), lambda r: _ref(nreg, r)))
        _append(out, _value_change(kind, nt.id, "timeline", ot.timeline.text, nt.timeline.text, label))
        _append(out, _text_change(kind, nt.id, "output", ot.output, nt.output, label))
        _append(out, _list_change(kind, nt.id, "implements", [_norm(x) for x in ot.implements],
                                  [_norm(x) for x in nt.implements], label))
        _append(out, _text_change(kind, nt.id, "note", ot.note, nt.note, label))
    for i, ot in enumerate(old_tasks):
        if i not in pairs:
            out.append(Change("task_removed", ot.id, old=_task_info(old, ot, old_refs),
                              label=f"Nhiệm vụ {ot.id}"))
    return out


def _iso(day: Optional[_dt.date]) -> Optional[str]:
    return day.isoformat() if day else None


def _diff_agencies(old: Plan, new: Plan) -> list[Change]:
    out: list[Change] = []
    oreg, nreg = old.registry, new.registry
    for aid, na in nreg.agencies.items():
        oa = oreg.agencies.get(aid)
        if oa is None:
            out.append(Change("agency_added", aid, new=AgencyRef(aid, na.name), label=na.name))
            continue
        _append(out, _value_change("agency_renamed", aid, "name", oa.name, na.name, na.name))
        _append(out, _value_change("agency_renamed", aid, "short_name", oa.short_name, na.short_name, na.name))
        if oa.until != na.until:
            kind = "agency_retired" if oa.until is None else "agency_changed"
            out.append(Change(kind, aid, "until", _iso(oa.until), _iso(na.until), label=na.name))
        for fld in ("kind", "parent", "code", "place"):
            _append(out, _value_change("agency_changed", aid, fld, getattr(oa, fld), getattr(na, fld), na.name))
    for aid, oa in oreg.agencies.items():
        if aid not in nreg.agencies:
            out.append(Change("agency_retired", aid, "registry", AgencyRef(aid, oa.name), None, label=oa.name))
    for gid, ng in nreg.groups.items():
        og = oreg.groups.get(gid)
        if og is None:
            out.append(Change("agency_group_added", gid, new=AgencyRef(gid, ng.name),
                              added=tuple(_ref(nreg, m) for m in ng.members), label=ng.name))
            continue
        _append(out, _value_change("agency_group_renamed", gid, "name", og.name, ng.name, ng.name))
        _append(out, _list_change("agency_group_members", gid, "members", og.members, ng.members, ng.name,
                                  lambda r: _ref(oreg, r), lambda r: _ref(nreg, r)))
    for gid, og in oreg.groups.items():
        if gid not in nreg.groups:
            out.append(Change("agency_group_removed", gid, old=AgencyRef(gid, og.name), label=og.name))
    return out


def _date_id(d) -> str:
    return f"{d.year:04d}-{d.month:02d}" + (f"-{d.day:02d}" if d.day is not None else "")


def _diff_document(old: Plan, new: Plan) -> list[Change]:
    out: list[Change] = []
    od, nd = old.document, new.document
    kind = "document_changed"
    _append(out, _value_change(kind, "document", "type_name", od.type_name, nd.type_name))
    _append(out, _value_change(kind, "document", "code", od.code, nd.code))
    _append(out, _value_change(kind, "document", "number", od.number, nd.number))
    _append(out, _value_change(kind, "document", "date", _date_id(od), _date_id(nd)))
    _append(out, _text_change(kind, "document", "subject", od.subject, nd.subject))
    _append(out, _value_change(kind, "document", "years", f"{old.start_year}-{old.end_year}",
                               f"{new.start_year}-{new.end_year}"))
    oi, ni = old.issuer, new.issuer
    if (oi.agency_id, _norm(oi.name)) != (ni.agency_id, _norm(ni.name)):
        out.append(Change("issuer_changed", "issuer", "agency", AgencyRef(oi.agency_id, oi.name),
                          AgencyRef(ni.agency_id, ni.name)))
    for fld in ("header", "parent_header"):
        _append(out, _value_change("issuer_changed", "issuer", fld, tuple(map(_norm, getattr(oi, fld))),
                                   tuple(map(_norm, getattr(ni, fld)))))
    _append(out, _value_change("issuer_changed", "issuer", "code", oi.code, ni.code))
    _append(out, _value_change("issuer_changed", "issuer", "place", oi.place, ni.place))
    _append(out, _value_change("signer_changed", "signer", "lines", tuple(map(_norm, old.signer.lines)),
                               tuple(map(_norm, new.signer.lines))))
    _append(out, _value_change("signer_changed", "signer", "name", _norm(old.signer.name), _norm(new.signer.name)))

    old_texts = [_norm(r.text) for r in old.recipients]
    new_texts = [_norm(r.text) for r in new.recipients]
    left = Counter(old_texts)
    added = []
    for text in new_texts:
        if left[text]:
            left[text] -= 1
        else:
            added.append(text)
    right = Counter(new_texts)
    removed = []
    for text in old_texts:
        if right[text]:
            right[text] -= 1
        else:
            removed.append(text)
    out += [Change("recipient_added", "recipients", "text", None, text) for text in added]
    out += [Change("recipient_removed", "recipients", "text", text, None) for text in removed]
    if not added and not removed and old_texts != new_texts:
        out.append(Change("recipients_reordered", "recipients", "order", tuple(old_texts), tuple(new_texts)))
    return out


def _block_key(parent: str, index: int, block: Block, numeral: str) -> str:
    if block.number:
        return f"{numeral}.{block.number.rstrip('.')}"
    return f"{parent}/{index + 1}"


def _block_label(key: str) -> str:
    head, *rest = key.split("/")
    label = f"Mục {head}" if "." in head else f"Phần {head}"
    return label + (", đoạn " + ".".join(rest) if rest else "")


def _block_sig(block: Block) -> tuple[str, str]:
    return _norm(block.title), _norm(block.text)


def _block_words(block: Block) -> str:
    return " ".join(x for x in _block_sig(block) if x)


def _block_info(block: Block) -> BlockInfo:
    return BlockInfo(_norm(block.title) or None, _norm(block.text) or None, sum(1 for _ in block.walk()) - 1)


def _diff_blocks(old: Plan, new: Plan, ob: Sequence[Block], nb: Sequence[Block],
                 oparent: str, nparent: str, onum: str, nnum: str, out: list[Change]) -> None:
    pairs = _align(ob, nb, _block_sig, lambda a, b: _similarity(_block_words(a), _block_words(b)))
    for i, j in pairs:
        if j is None:
            assert i is not None  # _align never pairs nothing with nothing
            key = _block_key(oparent, i, ob[i], onum)
            out.append(Change("block_removed", key, old=_block_info(ob[i]), label=_block_label(key)))
            continue
        key = _block_key(nparent, j, nb[j], nnum)
        label = _block_label(key)
        if i is None:
            out.append(Change("block_added", key, new=_block_info(nb[j]), label=label))
            continue
        a, b = ob[i], nb[j]
        _append(out, _text_change("block_changed", key, "title", a.title, b.title, label))
        _append(out, _text_change("block_changed", key, "text", a.text, b.text, label))
        _append(out, _value_change("block_changed", key, "marker", a.marker, b.marker, label))
        _append(out, _value_change("block_changed", key, "numbered", a.number is not None, b.number is not None,
                                   label))
        _append(out, _list_change("block_changed", key, "responsible", a.responsible, b.responsible, label,
                                  lambda r: _ref(old.registry, r), lambda r: _ref(new.registry, r)))
        _diff_blocks(old, new, a.children, b.children, _block_key(oparent, i, a, onum), key, onum, nnum, out)


def _diff_body(old: Plan, new: Plan) -> list[Change]:
    out: list[Change] = []
    for i, j in _align(old.bases, new.bases, _norm, lambda a, b: _similarity(_norm(a), _norm(b))):
        if j is None:
            assert i is not None  # _align never pairs nothing with nothing
            out.append(Change("basis_removed", str(i + 1), old=_norm(old.bases[i]), label=f"Căn cứ {i + 1}"))
        elif i is None:
            out.append(Change("basis_added", str(j + 1), new=_norm(new.bases[j]), label=f"Căn cứ {j + 1}"))
        else:
            _append(out, _text_change("basis_changed", str(j + 1), "text", old.bases[i], new.bases[j],
                                      f"Căn cứ {j + 1}"))

    def section_words(s) -> str:
        return " ".join([_norm(s.title)] + [_block_words(b) for b in s.walk()])

    for i, j in _align(old.sections, new.sections, lambda s: _norm(s.title),
                       lambda a, b: _similarity(section_words(a), section_words(b))):
        if j is None:
            assert i is not None  # _align never pairs nothing with nothing
            s = old.sections[i]
            out.append(Change("section_removed", s.numeral, old=_norm(s.title), label=f"Phần {s.numeral}"))
        elif i is None:
            s = new.sections[j]
            out.append(Change("section_added", s.numeral, new=_norm(s.title), label=f"Phần {s.numeral}"))
        else:
            a, b = old.sections[i], new.sections[j]
            _append(out, _text_change("section_renamed", b.numeral, "title", a.title, b.title, f"Phần {b.numeral}"))
            _diff_blocks(old, new, a.blocks, b.blocks, a.numeral, b.numeral, a.numeral, b.numeral, out)
    _append(out, _text_change("closing_changed", "closing", "text", old.closing, new.closing, "Đoạn kết"))
    old_appendices = {a.id: a for a in old.appendices}
    for appendix in new.appendices:
        o = old_appendices.get(appendix.id)
        label = "Phụ lục" if len(new.appendices) == 1 else f"Phụ lục {appendix.label}"
        for fld in ("title", "label", "attachment"):
            _append(out, _text_change("appendix_changed", appendix.id, fld, getattr(o, fld) if o else None,
                                      getattr(appendix, fld), label))
    return out


def _diff_reporting(old: Plan, new: Plan) -> list[Change]:
    out: list[Change] = []
    o, n = old.reporting, new.reporting
    oreg, nreg = old.registry, new.registry
    kind, ident = "reporting_changed", "reporting"
    _append(out, _list_change(kind, ident, "periods", o.periods, n.periods))
    _append(out, _list_change(kind, ident, "reporters", o.reporters, n.reporters, None,
                              lambda r: _ref(oreg, r), lambda r: _ref(nreg, r)))
    for fld in ("to", "via", "consolidated_to"):
        a, b = getattr(o, fld), getattr(n, fld)
        if a != b:
            out.append(Change(kind, ident, fld, _ref(oreg, a), _ref(nreg, b)))
    for name in ("cutoff", "due", "via_due", "consolidated_due"):
        a, b = getattr(o, name), getattr(n, name)
        for period_kind in sorted(set(a) | set(b)):
            _append(out, _value_change(kind, ident, f"{name}.{period_kind}", _tuple(a.get(period_kind)),
                                       _tuple(b.get(period_kind))))
    _append(out, _list_change(kind, ident, "open", o.open, n.open))
    for name, words in (("daily", _daily_words), ("once", _once_words)):
        a, b = words(getattr(o, name)), words(getattr(n, name))
        if a != b:
            out.append(Change(kind, ident, name, a, b))
    return out


def _daily_words(window: Any) -> Optional[str]:
    if window is None:
        return None
    times = f", lúc {', '.join(window.times)}" if window.times else ""
    return f"{_short_date(window.start.isoformat())} - {_short_date(window.end.isoformat())}{times}"


def _once_words(reports: Any) -> Optional[str]:
    return "; ".join(f"{r.label or r.id} (hạn {_short_date(r.due.isoformat())})" for r in reports) or None


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


# -- JSON -----------------------------------------------------------------------------------------


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


# -- Markdown ---------------------------------------------------------------------------------------

_md = markdown.escape


def _marks(words: Sequence[tuple[str, str]], context: int = CONTEXT_WORDS) -> str:
    """``~~xoá~~`` and ``**thêm**``; long unchanged stretches shortened with "…"."""
    parts = []
    last = len(words) - 1
    for k, (op, text) in enumerate(words):
        if op == "delete":
            parts.append(f"~~{_md(text)}~~")
        elif op == "insert":
            parts.append(f"**{_md(text)}**")
        else:
            w = text.split()
            if k == 0 and k != last and len(w) > context:
                w = ["…"] + w[-context:]
            elif k == last and k != 0 and len(w) > context:
                w = w[:context] + ["…"]
            elif 0 < k < last and len(w) > 2 * context + 1:
                w = w[:context] + ["…"] + w[-context:]
            parts.append(_md(" ".join(w)))
    return " ".join(parts)


def _excerpt(text: Optional[str], limit: int = EXCERPT_WORDS) -> str:
    words = (text or "").split()
    shown = " ".join(words[:limit])
    return _md(shown) + (" …" if len(words) > limit else "")


def _name(ref: Optional[AgencyRef]) -> str:
    return "(không có)" if ref is None else _md(ref.name)


def _names(refs: Sequence[AgencyRef]) -> str:
    """Several agencies (several leads), or "(không có)"."""
    return vn.join_names([_name(r) for r in refs]) if refs else "(không có)"


def _added_removed(change: Change, show: Callable[[Any], str]) -> str:
    parts = []
    if change.added:
        parts.append("thêm: " + vn.join_names([show(x) for x in change.added]))
    if change.removed:
        parts.append("bỏ: " + vn.join_names([show(x) for x in change.removed]))
    if not parts:
        parts.append("đổi thứ tự: " + vn.join_names([show(x) for x in change.new]))
    return "; ".join(parts)


def _timeline(text: Optional[str]) -> str:
    if text is None:
        return "(không có)"
    m = re.fullmatch(r"([0-9]{4})-([0-9]{4})", text)
    if m:
        return f"{m.group(1)} - {m.group(2)}"
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return _short_date(text)
    return _md(text)


def _short_date(iso: Optional[str]) -> str:
    if not iso:
        return "(không có)"
    return vn.short_date(_dt.date.fromisoformat(iso))


def _month_day(value: Optional[str]) -> str:
    if not value:
        return "(không có)"
    if "-" not in value:
        return f"ngày {int(value)}"     # a day of the month (monthly and quarterly reports)
    month, day = value.split("-")
    return f"{int(day)}/{int(month)}"


def _period_label(ident: str) -> str:
    label = period_label(ident)
    return _md(ident) if label is None else label


def _quoted(value: Any) -> str:
    if value is None:
        return "(không có)"
    if isinstance(value, tuple):
        return "“" + " / ".join(_md(v) for v in value) + "”" if value else "(không có)"
    return "“" + _md(value) + "”"


def _plain(value: Any) -> str:
    return "(không có)" if value is None or value == "" else _md(value)


def _from_to(change: Change, show: Callable[[Any], str] = _plain) -> str:
    return f"từ {show(change.old)} thành {show(change.new)}"


def _doc_number(number: Optional[int]) -> str:
    return "(chưa cấp số)" if number is None else f"{number:02d}"


def _doc_date(value: str) -> str:
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 2:
        return f"tháng {parts[1]} năm {parts[0]} (chưa có ngày)"
    return vn.format_date(parts[0], parts[1], parts[2])


def _years(value: str) -> str:
    return value.replace("-", " - ")


_TASK_FIELDS = {"content": "nội dung", "output": "sản phẩm", "note": "ghi chú",
                "lead_text": "ô chủ trì (chữ in)", "support_text": "ô phối hợp (chữ in)"}
_AGENCY_FIELDS = {"kind": "loại cơ quan", "parent": "cơ quan cấp trên (in phía trên tên cơ quan)",
                  "code": "ký hiệu văn bản", "place": "địa danh"}
_DOCUMENT_FIELDS = {"type_name": "Tên loại văn bản", "code": "Ký hiệu tên loại văn bản",
                    "number": "Số văn bản", "date": "Ngày ban hành", "subject": "Trích yếu",
                    "years": "Giai đoạn kế hoạch"}
_ISSUER_FIELDS = {"agency": "Cơ quan ban hành", "header": "Tên cơ quan ban hành ở đầu văn bản",
                  "parent_header": "Tên cơ quan chủ quản ở đầu văn bản",
                  "code": "Ký hiệu cơ quan ban hành", "place": "Địa danh"}
_REPORTING_FIELDS = {"periods": "Kỳ báo cáo", "reporters": "Cơ quan, đơn vị phải báo cáo",
                     "to": "Nơi nhận báo cáo", "via": "Đầu mối tiếp nhận, tổng hợp báo cáo",
                     "consolidated_to": "Nơi nhận báo cáo tổng hợp", "open": "Kỳ đang nhận báo cáo",
                     "cutoff": "Thời gian chốt số liệu", "due": "Hạn gửi báo cáo",
                     "consolidated_due": "Hạn gửi báo cáo tổng hợp",
                     "via_due": "Hạn cơ quan đầu mối gửi báo cáo", "daily": "Báo cáo hằng ngày",
                     "once": "Báo cáo đột xuất"}
_BLOCK_FIELDS = {"title": "tiêu đề", "text": "nội dung"}


def _task_line(c: Change, same_content: set[str]) -> str:
    label = f"Nhiệm vụ {_md(c.id)}"
    if c.kind == "task_added":
        t: TaskInfo = c.new
        return (f"{label} (mới) — {_md(t.content)} (chủ trì: {_names(t.lead)}; "
                f"thời gian: {_timeline(t.timeline)})")
    if c.kind == "task_removed":
        return f"{label} đã bị xóa — {_md(c.old.content)}"
    if c.kind == "task_renumbered":
        unchanged = " (nội dung không đổi)" if c.id in same_content else ""
        return f"Nhiệm vụ {_md(c.old)} đổi số hiệu thành {_md(c.new)}{unchanged}"
    if c.kind == "task_moved":
        return f"{label} chuyển từ nhóm {c.old.numeral} sang nhóm {c.new.numeral}"
    if c.kind == "task_group_added":
        return f"{c.label} (mới): {_md(c.new.title)}"
    if c.kind == "task_group_removed":
        return f"{c.label} đã bị xóa: {_md(c.old.title)}"
    if c.kind == "task_group_renamed":
        return f"{c.label}: tên nhóm: {_marks(c.words or ())}"
    if c.field in _TASK_FIELDS:
        return f"{label}: {_TASK_FIELDS[c.field or '']}: {_marks(c.words or ())}"
    if c.field == "lead":
        return f"{label}: cơ quan chủ trì đổi từ {_names(c.old)} sang {_names(c.new)}"
    if c.field == "number":
        return f"{label}: số thứ tự in đổi {_from_to(c, _quoted)}"
    if (c.field or "").startswith("fields."):
        return f"{label}: cột {_md((c.field or '')[len('fields.'):])}: {_marks(c.words or ())}"
    if c.field == "support":
        return f"{label}: cơ quan phối hợp — {_added_removed(c, _name)}"
    if c.field == "timeline":
        return f"{label}: thời gian thực hiện đổi {_from_to(c, _timeline)}"
    if c.field == "implements":
        return f"{label}: thực hiện theo — {_added_removed(c, _quoted)}"
    raise AssertionError(c)  # pragma: no cover


def _agency_line(c: Change) -> str:
    name = _md(c.label, start=True)
    if c.kind == "agency_added":
        return f"Thêm cơ quan, đơn vị: {name}"
    if c.kind == "agency_renamed":
        if c.field == "name":
            return f"{_md(c.old, start=True)} đổi tên thành {_md(c.new)}"
        return f"{name}: tên viết tắt đổi {_from_to(c)}"
    if c.kind == "agency_retired":
        if c.field == "registry":
            return f"{_md(c.old.name, start=True)} bị bỏ khỏi danh mục"
        return f"{name} ngừng hoạt động từ ngày {_short_date(c.new)}"
    if c.kind == "agency_changed":
        if c.field == "until":
            if c.new is None:
                return f"{name} hoạt động trở lại (bỏ ngày ngừng hoạt động {_short_date(c.old)})"
            return f"{name}: ngày ngừng hoạt động đổi {_from_to(c, _short_date)}"
        return f"{name}: {_AGENCY_FIELDS[c.field or '']} đổi {_from_to(c)}"
    if c.kind == "agency_group_added":
        return f"Thêm nhóm “{name}” ({len(c.added)} cơ quan, đơn vị)"
    if c.kind == "agency_group_removed":
        return f"Nhóm “{_md(c.old.name)}” đã bị xóa"
    if c.kind == "agency_group_renamed":
        return f"Nhóm “{_md(c.old)}” đổi tên thành “{_md(c.new)}”"
    if c.kind == "agency_group_members":
        return f"Nhóm “{name}”: {_added_removed(c, _name)}"
    raise AssertionError(c)  # pragma: no cover


def _document_line(c: Change) -> str:
    if c.kind == "document_changed":
        title = _DOCUMENT_FIELDS[c.field or ""]
        if c.field == "subject":
            return f"{title}: {_marks(c.words or ())}"
        shows: dict[str, Callable[[Any], str]] = {"number": _doc_number, "date": _doc_date, "years": _years}
        show = shows.get(c.field or "", _plain)
        return f"{title}: {_from_to(c, show)}"
    if c.kind == "issuer_changed":
        if c.field == "agency":
            show = _name
        elif (c.field or "").endswith("header"):
            show = _quoted
        else:
            show = _plain
        return f"{_ISSUER_FIELDS[c.field or '']}: {_from_to(c, show)}"
    if c.kind == "signer_changed":
        title = "Thẩm quyền ký" if c.field == "lines" else "Người ký"
        return f"{title}: {_from_to(c, _quoted if c.field == 'lines' else _plain)}"
    if c.kind == "recipient_added":
        return f"Nơi nhận: thêm “{_md(c.new)}”"
    if c.kind == "recipient_removed":
        return f"Nơi nhận: bỏ “{_md(c.old)}”"
    if c.kind == "recipients_reordered":
        return "Nơi nhận: đổi thứ tự thành " + "; ".join(f"“{_md(t)}”" for t in c.new)
    raise AssertionError(c)  # pragma: no cover


def _block_text(info: BlockInfo) -> str:
    parts = [x for x in (info.title, info.text) if x]
    text = " — ".join(_excerpt(x) for x in parts) if parts else "(không có nội dung)"
    return text + (f" (kèm {info.children} đoạn con)" if info.children else "")


def _body_line(c: Change) -> str:
    label = c.label
    if c.kind in ("basis_changed", "closing_changed"):
        return f"{label}: {_marks(c.words or ())}"
    if c.kind == "appendix_changed":
        what = {"title": "Tên", "label": "Nhãn", "attachment": "Dòng kèm theo"}[c.field or ""]
        where = "Phụ lục" if c.label == "Phụ lục" else _md(c.label)
        return f"{what} {where}: {_marks(c.words or ())}"
    if c.kind == "basis_added":
        return f"{label} (mới): {_excerpt(c.new)}"
    if c.kind == "basis_removed":
        return f"{label} đã bị xóa: {_excerpt(c.old)}"
    if c.kind == "section_added":
        return f"{label} (mới): {_md(c.new)}"
    if c.kind == "section_removed":
        return f"{label} đã bị xóa: {_md(c.old)}"
    if c.kind == "section_renamed":
        return f"{label}: tên phần: {_marks(c.words or ())}"
    if c.kind == "block_added":
        return f"{label} (mới): {_block_text(c.new)}"
    if c.kind == "block_removed":
        return f"{label} đã bị xóa: {_block_text(c.old)}"
    if c.kind == "block_changed":
        if c.field in _BLOCK_FIELDS:
            return f"{label}: {_BLOCK_FIELDS[c.field or '']}: {_marks(c.words or ())}"
        if c.field == "marker":
            return f"{label}: ký hiệu đầu dòng đổi {_from_to(c, _quoted)}"
        if c.field == "numbered":
            return f"{label}: {'được đánh số' if c.new else 'bỏ đánh số'}"
        if c.field == "responsible":
            return f"{label}: cơ quan, đơn vị được giao — {_added_removed(c, _name)}"
    raise AssertionError(c)  # pragma: no cover


def _reporting_line(c: Change) -> str:
    base, _, period_kind = (c.field or "").partition(".")
    title = _REPORTING_FIELDS[base]
    if period_kind:
        title += f" kỳ {KIND_NAMES.get(period_kind, _md(period_kind))}"
    if base == "periods":
        return f"{title}: {_added_removed(c, lambda k: KIND_NAMES.get(k, _md(k)))}"
    if base == "reporters":
        return f"{title}: {_added_removed(c, _name)}"
    if base == "open":
        return f"{title}: {_added_removed(c, _period_label)}"
    if base in ("to", "via", "consolidated_to"):
        return f"{title}: {_from_to(c, _name)}"
    if base in ("daily", "once"):
        return f"{title}: {_from_to(c, lambda v: '(không có)' if v is None else _md(v))}"
    if base == "cutoff":
        def span(v: Optional[tuple]) -> str:
            return "(không có)" if not v else f"{_month_day(v[0])} - {_month_day(v[1])}"
        return f"{title}: {_from_to(c, span)}"
    return f"{title}: {_from_to(c, _month_day)}"


_HEADINGS = (
    ("tasks", "Nhiệm vụ"),
    ("agencies", "Cơ quan, đơn vị"),
    ("document", "Thông tin văn bản"),
    ("body", "Nội dung kế hoạch"),
    ("reporting", "Chế độ báo cáo"),
)
_SUMMARY = (
    ("tasks_changed", "nhiệm vụ thay đổi"),
    ("tasks_added", "nhiệm vụ mới"),
    ("tasks_removed", "nhiệm vụ bị xóa"),
    ("tasks_renumbered", "đổi số hiệu"),
    ("tasks_moved", "chuyển nhóm"),
    ("task_groups", "thay đổi nhóm nhiệm vụ"),
    ("agencies", "thay đổi danh mục cơ quan"),
    ("document", "thay đổi thông tin văn bản"),
    ("body", "thay đổi nội dung kế hoạch"),
    ("reporting", "thay đổi chế độ báo cáo"),
)


def to_markdown(diff: PlanDiff, old_label: str, new_label: str) -> str:
    """The diff in Vietnamese Markdown for a pull-request comment: a title, a
    one-line summary of counts, then one section per area that changed, one
    bullet per change.  ``Không có thay đổi.`` when the plans are equal."""
    lines = [f"## Thay đổi kế hoạch: {_md(old_label)} → {_md(new_label)}", ""]
    if diff.equal:
        return "\n".join(lines + ["Không có thay đổi.", ""])
    counts = diff.summary()
    lines += [", ".join(f"{counts[key]} {text}" for key, text in _SUMMARY if counts[key]) + ".", ""]
    same_content = {c.id for c in diff.tasks if c.kind == "task_renumbered"} - {
        c.id for c in diff.tasks if c.kind == "task_changed" and c.field == "content"}
    render: dict[str, Callable[[Change], str]] = {
        "tasks": lambda c: _task_line(c, same_content),
        "agencies": _agency_line, "document": _document_line, "body": _body_line, "reporting": _reporting_line,
    }
    for area, heading in _HEADINGS:
        changes = getattr(diff, area)
        if changes:
            lines += [f"### {heading}", ""] + [f"- {render[area](c)}" for c in changes] + [""]
    return "\n".join(lines)
