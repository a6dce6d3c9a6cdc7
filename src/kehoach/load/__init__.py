"""Load a plan directory: YAML → schema → cross-references → :class:`~kehoach.model.Plan`.

A plan directory holds three files, each with its own schema:

``plan.yaml``      the document: issuer, number, date, subject, bases, body,
                   recipients, signer, reporting rule
``agencies.yaml``  the registry of agencies and named groups
``tasks.yaml``     the Phụ lục (one or several; optional when the plan has none)
``reports/``       the agencies' returns, one folder per period (optional)

:func:`check_plan` is the one validation pipeline: every command of the CLI
and every script goes through it, so they can never disagree on whether a
plan is valid.  It reads each file once and runs, in order, the plan files'
checks (:func:`check_plan_files`: YAML, schema, references, style, names,
templates folder), the placeholder check (KH120) and the returns' checks
(:mod:`kehoach.returns`), and gives one :class:`CheckResult` holding the
model, every diagnostic and the returns read.  :func:`load_plan` returns the
model or raises :class:`~kehoach.diagnostics.PlanError` carrying them all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Optional

from .. import vn
from ..diagnostics import Diagnostic, PlanError, has_errors, make, sort
from ..model import cited_subject
from ..model import (
    Agency, AgencyGroup, Block, DocumentMeta, Issuer, Plan, Preamble, Recipient, RecordFormat, Registry,
    ReportingRule, Section, Signer,
)
from ..safety import inside, name_collisions, name_problem, repository_root
from .appendix import build_appendices, build_task, record_format
from .limits import check_style
from .refs import check_references
from .schema import validate
from .yamlread import YamlDoc, as_number, read_yaml

if TYPE_CHECKING:
    from ..returns import Return

#: kind -> file name inside a plan directory
PLAN_FILES = {"plan": "plan.yaml", "agencies": "agencies.yaml", "tasks": "tasks.yaml"}
#: a plan without any appendix (tasks, if any, written in the body) has no tasks.yaml
OPTIONAL_FILES = frozenset({"tasks"})

__all__ = ["PLAN_FILES", "CheckResult", "check_plan", "check_plan_files", "load_plan", "plan_dir"]


def plan_dir(path: str | os.PathLike) -> Path:
    """Accept a plan directory or its ``plan.yaml``."""
    path = Path(path)
    return path.parent if path.is_file() and path.name == PLAN_FILES["plan"] else path


def _display(path: Path) -> str:
    """Paths in diagnostics: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """What :func:`check_plan` found in a plan directory.

    ``plan``: the model, or None when any diagnostic is an error (a plan
    whose returns have errors is not valid either: it cannot be built).
    ``diagnostics``: every problem of every file, sorted by file, line and
    column.  ``returns``: period id → the returns read from
    ``reports/<period>/`` (only periods that have a folder; empty when the
    plan is invalid), so a build renders from what was checked instead of
    reading the files again.  ``model``: the plan built from its three files
    whenever they are sound, even when a return has errors — what
    ``kehoach report init`` needs to bring stale returns up to date.

    It unpacks like the pair older scripts expect:
    ``plan, diagnostics = check_plan("plan")``.
    """

    plan: Optional[Plan]
    diagnostics: list[Diagnostic]
    returns: Mapping[str, "tuple[Return, ...]"] = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    model: Optional[Plan] = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """No error (warnings allowed): the plan can be built."""
        return self.plan is not None

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors

    def __iter__(self) -> Iterator[Any]:
        return iter((self.plan, self.diagnostics))

    def __len__(self) -> int:
        return 2

    def __getitem__(self, index: int) -> Any:
        return (self.plan, self.diagnostics)[index]


def check_plan(path: str | os.PathLike) -> CheckResult:
    """Check a plan directory (or its ``plan.yaml``) completely: the plan
    files, the placeholders left from ``kehoach new`` and the returns under
    ``reports/``.  Each file is read once.  See :class:`CheckResult`."""
    # Imported here: kehoach.returns is built on this package's readers.
    from ..placeholders import check_placeholders
    from ..returns import read_returns

    plan, diagnostics = check_plan_files(path)
    model = plan
    returns: Mapping[str, tuple] = MappingProxyType({})
    if plan is not None:
        folder = plan.source_dir or str(plan_dir(path))  # check_plan_files sets it
        found, problems = read_returns(plan, folder)
        diagnostics = sort(diagnostics + problems + check_placeholders(folder))
        if has_errors(diagnostics):
            plan = None
        else:
            returns = MappingProxyType(found)
    return CheckResult(plan, diagnostics, returns, model)


def check_plan_files(path: str | os.PathLike) -> tuple[Optional[Plan], list[Diagnostic]]:
    """Load and check the three plan files only (no returns, no placeholders);
    the first stage of :func:`check_plan`.

    Returns ``(plan, diagnostics)``; ``plan`` is None when any diagnostic is an
    error.  Diagnostics are sorted by file, line and column.
    """
    folder = plan_dir(path)
    if not folder.is_dir():
        shown = _display(folder)
        return None, [make(shown, 1, 1, "KH001", "không tìm thấy thư mục kế hoạch")]

    docs: dict[str, YamlDoc] = {}
    out: list[Diagnostic] = []
    for kind, name in PLAN_FILES.items():
        file = folder / name
        shown = _display(file)
        if not os.path.lexists(file):
            if kind not in OPTIONAL_FILES:
                out.append(make(shown, 1, 1, "KH037", f"thiếu tệp '{name}' trong thư mục kế hoạch"))
            docs[kind] = YamlDoc(shown)
            continue
        doc, problems = read_yaml(file, shown, root=folder)
        out += problems
        if doc.data is not None:
            out += validate(kind, doc)
        docs[kind] = doc

    out += check_references(docs["plan"], docs["agencies"], docs["tasks"])
    out += check_style(docs["plan"])
    out += _check_names(docs, out)
    template_dir = None
    plan_data = docs["plan"].data if isinstance(docs["plan"].data, dict) else {}
    if isinstance(plan_data.get("templates"), str):
        line, col = docs["plan"].where(("templates",))
        try:
            template_dir = (folder / plan_data["templates"]).resolve()
            found = template_dir.is_dir()
        except (OSError, ValueError):
            template_dir, found = None, False
        repo = repository_root(folder)
        if found and template_dir is not None and not inside(template_dir, repo):
            out.append(make(docs["plan"].path, line, col, "KH096",
                            f"thư mục mẫu văn bản '{plan_data['templates']}' nằm ngoài kho kế hoạch "
                            f"({_display(repo)}); mẫu chỉ được lấy từ trong kho"))
        elif not found:
            out.append(make(docs["plan"].path, line, col, "KH053",
                            f"không tìm thấy thư mục mẫu văn bản '{plan_data['templates']}'"))
    out = sort(out)
    if has_errors(out):
        return None, out
    plan = build_model(docs["plan"].data, docs["agencies"].data, docs["tasks"].data)
    plan = dataclasses.replace(plan, source_dir=str(folder.resolve()),
                               template_dir=str(template_dir) if template_dir else None)
    return plan, out


def _check_names(docs: dict[str, YamlDoc], found: list[Diagnostic]) -> list[Diagnostic]:
    """Ids that become file names (the plan's, each agency's) are safe names
    (:func:`kehoach.safety.name_problem`) and no two fold to the same file.
    A position that already has an error (the schema's pattern) is not
    reported twice."""
    taken = {(d.path, d.line, d.col) for d in found if d.is_error}
    out: list[Diagnostic] = []

    def report(doc: YamlDoc, path: tuple, message: str) -> None:
        line, col = doc.where(path)
        if (doc.path, line, col) not in taken:
            out.append(make(doc.path, line, col, "KH092", message))

    plan = docs["plan"]
    if isinstance(plan.data, dict) and isinstance(plan.data.get("id"), str):
        problem = name_problem(plan.data["id"])
        if problem:
            report(plan, ("id",), f"mã kế hoạch '{plan.data['id']}' không dùng được làm tên tệp: {problem}")
    agencies = docs["agencies"]
    items = agencies.data.get("agencies") if isinstance(agencies.data, dict) else None
    if isinstance(items, list):
        ids = [(i, a["id"]) for i, a in enumerate(items) if isinstance(a, dict) and isinstance(a.get("id"), str)]
        for i, ident in ids:
            problem = name_problem(ident)
            if problem:
                report(agencies, ("agencies", i, "id"), f"mã cơ quan '{ident}' không dùng được làm tên tệp: {problem}")
        ids = [(i, ident) for i, ident in ids if name_problem(ident) is None]  # each error once
        index = {ident: i for i, ident in reversed(ids)}
        later = {ident: i for i, ident in ids}
        for first, second in name_collisions(ident for _, ident in ids):
            report(agencies, ("agencies", later[second], "id"),
                   f"mã cơ quan '{second}' trùng tên tệp với '{first}' (dòng "
                   f"{agencies.where(('agencies', index[first], 'id'))[0]}) khi không phân biệt chữ hoa/thường "
                   "hoặc dạng Unicode")
    return out


def load_plan(path: str | os.PathLike) -> Plan:
    """Load a plan directory or raise :class:`PlanError` with every diagnostic.

    Warnings do not stop loading; read them with :func:`check_plan`.
    """
    plan, diagnostics = check_plan(path)
    if plan is None:
        raise PlanError(diagnostics)
    return plan


# -- building the model from checked data ----------------------------------------


def _date(value: Optional[str]) -> Optional[dt.date]:
    return dt.date.fromisoformat(value) if value else None


def _blocks(items: list[dict], registry: Registry, records: RecordFormat, prefix: str = "",
            section_id: str = "", where: tuple[str, ...] = ()) -> tuple[Block, ...]:
    """Blocks with their automatic numbers: ``1.``, then ``1.1.`` inside ``1.``;
    a block with ``task:`` carries a task record (its text is the task's content)."""
    out = []
    counter = letters = parens = 0
    for item in items:
        number = None
        child_prefix = prefix
        if "number" in item:           # printed as given (offices repeat or skip numerals)
            number = item["number"]
        elif item.get("numbered") in (True, "decimal"):
            counter += 1
            number = f"{prefix}{counter}."
            child_prefix = number
        elif item.get("numbered") == "letter":
            letters += 1
            number = f"{vn.letter(letters)})"
        elif item.get("numbered") == "paren":
            parens += 1
            number = f"({parens})"
        fmt = record_format(item.get("record"), records) if "task" in item else None
        if item.get("numbered") in (True, "decimal") and "number" not in item:
            mark = str(counter)
        else:
            mark = (number or item.get("marker") or "").strip("()-+. ")
        here = where + ((mark,) if mark else ())
        task = None
        if "task" in item:
            task = build_task(item["task"], registry, content=item.get("text") or item.get("title", ""),
                              group_id=section_id or None, group_path=(section_id,) if section_id else (),
                              cite=".".join(here))
        out.append(Block(
            title=item.get("title"),
            text=item.get("text"),
            number=number,
            marker=item.get("marker"),
            responsible=tuple(item.get("responsible", ())),
            children=_blocks(item.get("content", []), registry, records, child_prefix, section_id, here),
            task=task,
            record=fmt,
            title_style=item.get("title_style", "bold"),
            italic=bool(item.get("italic", False)),
            request=bool(item.get("request", False)),
            letters=item.get("letters"),
        ))
    return tuple(out)


def build_model(plan: dict[str, Any], agencies: dict[str, Any], tasks: Optional[dict[str, Any]]) -> Plan:
    """Turn checked data into the typed model (assumes :func:`check_plan` passed)."""
    registry = Registry(
        agencies=MappingProxyType({
            a["id"]: Agency(a["id"], a["name"], a["short_name"], a["kind"], a.get("parent"),
                            _date(a.get("until")), a.get("note"), a.get("code"), a.get("place"))
            for a in agencies["agencies"]
        }),
        groups=MappingProxyType({
            g["id"]: AgencyGroup(g["id"], g["name"], tuple(g["members"]), g.get("note"))
            for g in agencies.get("groups", [])
        }),
        as_of=_date(agencies.get("as_of")),
        note=agencies.get("note"),
    )
    issuer_data = plan["issuer"]
    issuer_agency = registry.agencies.get(issuer_data["agency"])
    issuer = Issuer(
        agency_id=issuer_data["agency"],
        name=registry.name(issuer_data["agency"]),
        short_name=issuer_agency.short_name if issuer_agency else registry.name(issuer_data["agency"]),
        header=tuple(issuer_data["header"]),
        parent_header=tuple(issuer_data.get("parent_header", ())),
        code=issuer_data["code"],
        place=issuer_data["place"],
    )
    d = plan["document"]
    parts = [int(p) for p in d["date"].split("-")]
    document = DocumentMeta(
        type_name=d["type"], code=d["code"], number=d.get("number"),
        year=parts[0], month=parts[1], day=parts[2] if len(parts) == 3 else None,
        subject=d["subject"],
        cited=d.get("subject_cited") or cited_subject(d["subject"]),
    )
    records = record_format(plan.get("task_records"))
    sections = tuple(
        Section(vn.roman(i), s["title"], _blocks(s["content"], registry, records, section_id=f"muc-{i}",
                                                 where=(vn.roman(i),)))
        for i, s in enumerate(plan["sections"], 1)
    )
    signer_data = plan["signer"]
    delegation = signer_data.get("delegation") or {}
    signer = Signer(
        title=signer_data["title"], name=signer_data["name"],
        on_behalf_of=signer_data.get("on_behalf_of"),
        delegation_prefix=delegation.get("prefix"), delegation_head=delegation.get("head"),
    )
    from .reporting import build_rule

    reporting = build_rule(plan.get("reporting"), issuer_data["agency"])
    appendices = build_appendices(tasks, registry)
    return Plan(
        id=plan["id"], level=plan["level"], issuer=issuer, document=document,
        start_year=plan["years"]["from"], end_year=plan["years"]["to"],
        bases=tuple(plan.get("bases", ())), sections=sections, closing=plan["closing"],
        markup=bool(plan.get("markup", True)),
        preamble=Preamble(
            bases_inline=plan.get("bases_layout") == "inline",
            bases_italic=bool(plan.get("bases_italic", True)),
            after_bases=tuple(plan[k] for k in ("background", "proposal", "lead_in", "supersedes") if plan.get(k)),
            addressed_to=tuple(plan.get("addressed_to", ())),
        ),
        recipients=tuple(Recipient(x["text"], x.get("ref"), tuple(x.get("items", ()))) for x in plan["recipients"]),
        recipients_note=plan.get("recipients_note"),
        signer=signer, reporting=reporting, registry=registry, appendices=appendices,
        style=MappingProxyType({k: as_number(v) for k, v in plan.get("style", {}).items()}),
        letters=MappingProxyType({k: tuple(v) if isinstance(v, list) else v
                                  for k, v in plan.get("letters", {}).items()}),
    )
