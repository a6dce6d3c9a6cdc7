"""The typed plan: frozen dataclasses, no I/O, no formatting.

Everything a document builder needs is here, already resolved and checked by
:mod:`kehoach.load`: agency references point at registry entries, numbering of
sections and items is computed, timelines are parsed.  Builders never look at
YAML.  Collections are tuples (and read-only mappings) so a ``Plan`` can be
shared freely between builders and threads.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterator, Mapping, Optional

from .timeline import Timeline


@dataclass(frozen=True)
class Agency:
    """A body that can lead, support, receive or report (cơ quan, đơn vị)."""

    id: str
    name: str
    short_name: str
    kind: str
    parent: Optional[str] = None
    until: Optional[_dt.date] = None
    note: Optional[str] = None
    code: Optional[str] = None        # ký hiệu in its own documents ("PYT")
    place: Optional[str] = None       # địa danh of its own documents

    def active_on(self, day: _dt.date) -> bool:
        return self.until is None or day < self.until


@dataclass(frozen=True)
class AgencyGroup:
    """A named set of agencies that documents address together
    ("UBND các xã, thị trấn").  A task given to a group binds every member."""

    id: str
    name: str
    members: tuple[str, ...]
    note: Optional[str] = None


@dataclass(frozen=True)
class Registry:
    """Agencies and groups, looked up by id."""

    agencies: Mapping[str, Agency]
    groups: Mapping[str, AgencyGroup]
    as_of: Optional[_dt.date] = None
    note: Optional[str] = None

    def __contains__(self, ref: str) -> bool:
        return ref in self.agencies or ref in self.groups

    def name(self, ref: str) -> str:
        """Official name of an agency, or the collective name of a group."""
        if ref in self.agencies:
            return self.agencies[ref].name
        return self.groups[ref].name

    def short_name(self, ref: str) -> str:
        if ref in self.agencies:
            return self.agencies[ref].short_name
        return self.groups[ref].name

    def expand(self, ref: str) -> tuple[str, ...]:
        """The agency ids a reference stands for: itself, or a group's members."""
        if ref in self.groups:
            return self.groups[ref].members
        return (ref,)

    def expand_all(self, refs: tuple[str, ...]) -> tuple[str, ...]:
        """Agency ids of several references, each once, in first-seen order."""
        seen: dict[str, None] = {}
        for ref in refs:
            for agency_id in self.expand(ref):
                seen.setdefault(agency_id, None)
        return tuple(seen)


@dataclass(frozen=True)
class Issuer:
    """The issuing authority as printed in the header (ô 2)."""

    agency_id: str
    name: str
    short_name: str
    header: tuple[str, ...]
    parent_header: tuple[str, ...]
    code: str
    place: str


@dataclass(frozen=True)
class DocumentMeta:
    """Số, ký hiệu, ngày, trích yếu.  ``number`` and ``day`` are None in a draft."""

    type_name: str
    code: str
    number: Optional[int | str]   # a string keeps the register's leading zeros ("0124")
    year: int
    month: int
    day: Optional[int]
    subject: str

    #: the subject as letters and reports cite it after "về" (``subject_cited`` in
    #: plan.yaml, else derived: see :func:`cited_subject`)
    cited: str = ""

    @property
    def is_draft(self) -> bool:
        return self.number is None or self.day is None

    @property
    def date(self) -> Optional[_dt.date]:
        return None if self.day is None else _dt.date(self.year, self.month, self.day)

    @property
    def reference_date(self) -> _dt.date:
        """The signing date, or the first of the month while it is a draft."""
        return _dt.date(self.year, self.month, self.day or 1)


def cited_subject(subject: str) -> str:
    """The subject as cited in running text ("… về triển khai thực hiện …").

    Typed in sentence case, only its first letter is lowered.  Typed in
    capitals, as every surveyed plan prints it, it is lowered whole — the tool
    cannot tell "TỈNH ĐỒNG NAI" (a name) from "THỰC HIỆN" — and the loader warns
    (KH078) so the office can give ``document.subject_cited``.  Inline marks
    (``**``) are not part of the citation.
    """
    from .inline import plain
    text = " ".join(plain(subject).split())
    if text == text.upper() and text != text.lower():
        return text.lower()
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class Block:
    """A paragraph of the body: optional bold title, text, children.

    ``number`` is computed at load time ("1.", "1.1.") for numbered blocks.
    ``responsible`` names the agencies or groups the paragraph gives duties to.
    """

    title: Optional[str]
    text: Optional[str]
    number: Optional[str]
    marker: Optional[str]
    responsible: tuple[str, ...]
    children: tuple["Block", ...]
    #: a task record printed in this paragraph (tasks written in the body)
    task: Optional["Task"] = None
    record: Optional["RecordFormat"] = None
    title_style: str = "bold"       # "bold" (NĐ 30), "italic" ("*2.1. Sở Tài chính*") or "plain"
    italic: bool = False            # the whole paragraph in italics ("*Lưu ý: …*")
    #: duties addressed to a body outside the issuer's authority ("Đề nghị …"):
    #: they print, but reach no letter or report unless ``letters`` is true
    request: bool = False
    letters: Optional[bool] = None

    def walk(self) -> Iterator["Block"]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Section:
    """A part of the plan: ``I. MỤC ĐÍCH, YÊU CẦU`` and its blocks."""

    numeral: str
    title: str
    blocks: tuple[Block, ...]

    def walk(self) -> Iterator[Block]:
        for block in self.blocks:
            yield from block.walk()


@dataclass(frozen=True)
class Recipient:
    """One line of *Nơi nhận*, optionally tied to an agency or group."""

    text: str
    ref: Optional[str] = None
    items: tuple[str, ...] = ()     # nested "+ …" lines under this one


@dataclass(frozen=True)
class Signer:
    """The signature block (ô 7): TM./KT./TL./TUQ. lines, title and name."""

    title: str
    name: str
    on_behalf_of: Optional[str] = None
    delegation_prefix: Optional[str] = None
    delegation_head: Optional[str] = None

    @property
    def lines(self) -> tuple[str, ...]:
        """The uppercase lines above the signature, in printing order."""
        out = []
        if self.on_behalf_of:
            out.append(_prefixed("TM", self.on_behalf_of))
        if self.delegation_prefix:
            out.append(_prefixed(self.delegation_prefix, self.delegation_head or ""))
        out.append(self.title)
        return tuple(out)


def _prefixed(prefix: str, line: str) -> str:
    """``TM. ỦY BAN NHÂN DÂN`` from ``ỦY BAN NHÂN DÂN`` — or from the line as
    printed, when the office already wrote the prefix (never ``TM. TM. …``;
    the loader warns, KH077)."""
    return line if has_prefix(prefix, line) else f"{prefix}. {line}"


def has_prefix(prefix: str, line: str) -> bool:
    return line.strip().upper().replace(" ", "").startswith(f"{prefix.upper()}.")


#: Cut-off of each periodic kind, ``(from, to)``: Nghị định 09/2019/NĐ-CP,
#: Điều 12 — a month from the 15th of the previous month to the 14th, a quarter
#: from the 15th of the month before it to the 14th of its last month, 6 months
#: from 15/12 of the previous year to 14/6, a year from 15/12 of the previous
#: year to 14/12.  Yearly kinds write "MM-DD", the others a day of the month.
DEFAULT_CUTOFF: Mapping[str, tuple[str, str]] = MappingProxyType({
    "monthly": ("15", "14"),
    "quarterly": ("15", "14"),
    "half-year": ("12-15", "06-14"),
    "annual": ("12-15", "12-14"),
})
#: When agencies' reports are due at the office: "MM-DD" in the period's end
#: year, or a day of the month (the first such day after the cut-off).  NĐ
#: 09/2019 leaves deadlines to the body that issues the regime, so these are the
#: project's defaults, not the decree's.
DEFAULT_DUE: Mapping[str, str] = MappingProxyType(
    {"monthly": "20", "quarterly": "20", "half-year": "06-20", "annual": "12-20"})
#: When the consolidated report goes up (project defaults, as for ``DEFAULT_DUE``).
DEFAULT_CONSOLIDATED_DUE: Mapping[str, str] = MappingProxyType(
    {"monthly": "25", "quarterly": "25", "half-year": "06-25", "annual": "12-25"})


@dataclass(frozen=True)
class DailyWindow:
    """Daily reports (emergency plans): every day from ``start`` to ``end``,
    at each of ``times`` ("07:00") when the plan sets hours, else by the end of the day."""

    start: _dt.date
    end: _dt.date
    times: tuple[str, ...] = ()


@dataclass(frozen=True)
class OneOffReport:
    """A one-off report ("báo cáo sơ kết … trước ngày 15/12/2026"): its id (the
    returns' folder), the words documents name it with, its figures' range
    (from the plan's date to the deadline unless given) and deadlines."""

    id: str
    due: _dt.date
    label: Optional[str] = None
    start: Optional[_dt.date] = None
    end: Optional[_dt.date] = None
    via_due: Optional[_dt.date] = None
    consolidated_due: Optional[_dt.date] = None


@dataclass(frozen=True)
class ReportingRule:
    """Who reports what, how often, to whom, and when (định kỳ báo cáo).

    ``cutoff``, ``due`` and ``consolidated_due`` hold an entry for every
    period kind, the plan's own values where ``plan.yaml`` gives them and the
    defaults above otherwise.  Dates are "MM-DD"; a cut-off ``from`` later in
    the year than its ``to`` lies in the previous year.  ``open`` lists the
    period ids ("2025-H1", "2025") currently open for reporting — data, so a
    build is reproducible.  :mod:`kehoach.periods` turns all this into dates.
    """

    periods: tuple[str, ...]          # "monthly", "quarterly", "half-year", "annual", "daily", "once", "on-request"
    reporters: tuple[str, ...]        # agency or group ids, as written
    to: str
    via: Optional[str]
    consolidated_to: str
    cutoff: Mapping[str, tuple[str, str]] = field(default_factory=lambda: DEFAULT_CUTOFF)
    due: Mapping[str, str] = field(default_factory=lambda: DEFAULT_DUE)
    consolidated_due: Mapping[str, str] = field(default_factory=lambda: DEFAULT_CONSOLIDATED_DUE)
    open: tuple[str, ...] = ()
    #: the focal agency's (``via``) deadline to send its synthesis to ``to``, per kind (two-tier chains)
    via_due: Mapping[str, str] = field(default_factory=dict)
    daily: Optional[DailyWindow] = None
    once: tuple[OneOffReport, ...] = ()

    @property
    def on_request(self) -> bool:
        """Reports are also (or only) asked for when requested ("khi có yêu cầu")."""
        return "on-request" in self.periods


@dataclass(frozen=True)
class Task:
    """One task: a row of a Phụ lục, or a task record printed in the body.

    ``leads`` and ``support`` are the registry agencies or groups the task
    *addresses* (who gets letters and report rows); ``lead_cell`` and
    ``support_cell`` are what the document *prints* in those cells, exactly as
    the office wrote it (``lead_text``/``support_text``), or the registry names
    joined with "; " when the office gave only ids.  ``number`` is the printed
    number (presentation); ``id`` is the stable identity used by diffs,
    returns and calendars.
    """

    id: str
    group_id: Optional[str]
    content: str
    leads: tuple[str, ...]
    support: tuple[str, ...]
    timeline: Timeline
    output: Optional[str]
    lead_cell: str = ""
    support_cell: str = ""
    number: str = ""
    fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    implements: tuple[str, ...] = ()
    note: Optional[str] = None
    appendix_id: Optional[str] = None   # None: a task record in the body
    group_path: tuple[str, ...] = ()    # ids of the enclosing groups, outermost first
    lead_text: Optional[str] = None     # the printed lead cell when the office wrote it
    support_text: Optional[str] = None  # the printed coordinators cell when written
    #: how letters cite the row: its printed number, qualified by its groups'
    #: numbers when the number alone is ambiguous ("1 (mục B - II - 2.2)")
    cite: str = ""


@dataclass(frozen=True)
class TaskGroup:
    """A group row of a Phụ lục (A, I, 5.1, …): its tasks and sub-groups."""

    id: str
    numeral: str            # the printed number ("I", "5.1", "" when none)
    title: str
    tasks: tuple[Task, ...]
    groups: tuple["TaskGroup", ...] = ()
    level: int = 0
    form: str = "stt"       # "stt": number in the STT cell; "merged": one cell "I. TITLE"
    separator: str = ". "
    bold: bool = True

    @property
    def heading(self) -> str:
        """``I. Title`` — or the title alone when the group prints no number."""
        return f"{self.numeral}. {self.title}" if self.numeral else self.title

    def walk(self) -> Iterator["TaskGroup"]:
        yield self
        for child in self.groups:
            yield from child.walk()

    @property
    def all_tasks(self) -> tuple[Task, ...]:
        """Tasks of this group and of its sub-groups, in printing order."""
        return self.tasks + tuple(t for g in self.groups for t in g.all_tasks)


@dataclass(frozen=True)
class Column:
    """A column of a task table: the heading as printed and the role it plays."""

    role: str               # number, task, lead, support, timeline, output, field
    heading: str
    width_mm: float
    key: Optional[str] = None       # role "field": the key in Task.fields
    parent: Optional[str] = None    # merged heading above (two-row headers)
    align: Optional[str] = None


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class DataRow:
    """A row of a data table: cells, or one merged ``group`` cell."""

    cells: tuple[str, ...] = ()
    group: Optional[str] = None
    bold: bool = False


@dataclass(frozen=True)
class Appendix:
    """One Phụ lục, as printed: label, title, attachment line, then a task
    table (``kind == "tasks"``) or a data table (``kind == "table"``)."""

    title: str
    groups: tuple[TaskGroup, ...] = ()
    illustrative: bool = False
    note: Optional[str] = None
    id: str = "pl-1"
    kind: str = "tasks"
    label: str = "Phụ lục"
    attachment: Optional[str] = None    # None: "(Kèm theo <reference of the plan>)"
    columns: tuple[Column, ...] = ()
    column_codes: tuple[str, ...] = ()
    unit: Optional[str] = None
    notes: tuple[str, ...] = ()
    ungrouped: tuple[Task, ...] = ()    # tasks of a table without groups
    header: tuple[tuple[HeaderCell, ...], ...] = ()   # data tables
    widths_mm: tuple[float, ...] = ()                 # data tables
    align: tuple[str, ...] = ()                       # data tables
    data: tuple[DataRow, ...] = ()                    # data tables

    @property
    def tasks(self) -> tuple[Task, ...]:
        return self.ungrouped + tuple(task for group in self.groups for task in group.all_tasks)

    def walk_groups(self) -> Iterator[TaskGroup]:
        for group in self.groups:
            yield from group.walk()


@dataclass(frozen=True)
class RecordField:
    field: str      # lead, support, timeline, output, or a key of Task.fields
    label: str


@dataclass(frozen=True)
class RecordFormat:
    """How a task record prints in the body: one paragraph per field,
    ``<marker> <label> <value><suffix>``."""

    fields: tuple[RecordField, ...]
    marker: str = "-"
    label_style: str = "plain"
    suffix: str = ""


@dataclass(frozen=True)
class Preamble:
    """How the căn cứ print, and the paragraphs between them and part I.

    ``bases_inline``: all căn cứ in one paragraph (18 of 29 surveyed plans)
    rather than one each; ``bases_italic``: italic (NĐ 30's rule for legal
    documents) or upright (28 of 29 plans).  ``after_bases``: the background
    paragraph, the proposal line ("Theo đề nghị của …"), the lead-in sentence
    ("… ban hành Kế hoạch … như sau:") and a supersession clause, as given.
    """

    bases_inline: bool = False
    bases_italic: bool = True
    after_bases: tuple[str, ...] = ()
    #: the "Kính gửi:" line(s) under the title, as printed (1 of 29 surveyed plans)
    addressed_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """A whole plan: document metadata, body, appendix, registry, reporting."""

    id: str
    level: str
    issuer: Issuer
    document: DocumentMeta
    start_year: int
    end_year: int
    bases: tuple[str, ...]
    sections: tuple[Section, ...]
    closing: str
    recipients: tuple[Recipient, ...]
    signer: Signer
    reporting: ReportingRule
    registry: Registry
    appendices: tuple[Appendix, ...]
    #: the plan's own template folder (absolute), or None for the defaults
    template_dir: Optional[str] = None
    #: the folder the plan was loaded from (absolute); agencies' returns live under it
    source_dir: Optional[str] = None
    #: overrides of the style profile (``style:`` in plan.yaml)
    style: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    #: assignment-letter settings (``letters:`` in plan.yaml): drafting_unit, recipients
    letters: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    #: inline emphasis and footnotes in text fields (``markup: false`` prints every mark as typed)
    markup: bool = True
    preamble: Preamble = field(default_factory=Preamble)
    #: a line printed after the last Nơi nhận line (a copy count such as "(12b)")
    recipients_note: Optional[str] = None
    _tasks: Mapping[str, Task] = field(init=False, repr=False, compare=False)
    _all_tasks: tuple[Task, ...] = field(init=False, repr=False, compare=False)
    _led: Mapping[str, tuple[Task, ...]] = field(init=False, repr=False, compare=False)
    _supported: Mapping[str, tuple[Task, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        body = tuple(b.task for s in self.sections for b in s.walk() if b.task is not None)
        tasks = body + tuple(t for a in self.appendices for t in a.tasks)
        object.__setattr__(self, "_all_tasks", tasks)
        object.__setattr__(self, "_tasks", MappingProxyType({t.id: t for t in tasks}))
        led: dict[str, list[Task]] = {}
        supported: dict[str, list[Task]] = {}
        for task in tasks:
            leads = self.registry.expand_all(task.leads)
            for agency_id in leads:
                led.setdefault(agency_id, []).append(task)
            for agency_id in self.registry.expand_all(task.support):
                if agency_id not in leads:
                    supported.setdefault(agency_id, []).append(task)
        object.__setattr__(self, "_led", MappingProxyType({k: tuple(v) for k, v in led.items()}))
        object.__setattr__(self, "_supported", MappingProxyType({k: tuple(v) for k, v in supported.items()}))

    # -- tasks -----------------------------------------------------------
    @property
    def tasks(self) -> tuple[Task, ...]:
        """Every task: records in the body first, then each appendix's rows, in printing order."""
        return self._all_tasks

    @property
    def appendix(self) -> Appendix:
        """The first task appendix (an empty one when the plan has none); plans
        with several appendices should use :attr:`appendices`."""
        for appendix in self.appendices:
            if appendix.kind == "tasks":
                return appendix
        return Appendix(title="", id="")

    def task(self, task_id: str) -> Task:
        return self._tasks[task_id]

    def task_groups(self) -> tuple[TaskGroup, ...]:
        """Every task under the heading that prints it, in plan order: body
        sections holding task records (as pseudo-groups ``muc-N``), then each
        appendix's ungrouped rows and its groups at every depth, each with its
        own direct tasks.  Reports and dashboards list tasks by these."""
        out = []
        for i, section in enumerate(self.sections, 1):
            tasks = tuple(b.task for b in section.walk() if b.task is not None)
            if tasks:
                out.append(TaskGroup(f"muc-{i}", section.numeral, section.title, tasks))
        for appendix in self.appendices:
            if appendix.ungrouped:
                out.append(TaskGroup(appendix.id, "", appendix.title, appendix.ungrouped))
            out += [g for g in appendix.walk_groups() if g.tasks]
        return tuple(out)

    def lead_agencies(self, task: Task) -> tuple[str, ...]:
        """Agency ids that lead ``task`` (each member when a group leads)."""
        return self.registry.expand_all(task.leads)

    def support_agencies(self, task: Task) -> tuple[str, ...]:
        """Agency ids that support ``task``, never including one of its leads."""
        leads = set(self.lead_agencies(task))
        return tuple(a for a in self.registry.expand_all(task.support) if a not in leads)

    def tasks_led_by(self, agency_id: str) -> tuple[Task, ...]:
        """Tasks ``agency_id`` leads (itself or through a group), in plan order (indexed once)."""
        return self._led.get(agency_id, ())

    def tasks_supported_by(self, agency_id: str) -> tuple[Task, ...]:
        """Tasks ``agency_id`` coordinates on (and does not lead), in plan order."""
        return self._supported.get(agency_id, ())

    def agencies_with_tasks(self) -> tuple[str, ...]:
        """Agency ids that lead or support at least one task, in registry order."""
        return tuple(a for a in self.registry.agencies if a in self._led or a in self._supported)

    # -- body --------------------------------------------------------------
    def responsibilities(self) -> tuple[tuple[tuple[str, ...], Block], ...]:
        """Blocks of the body that assign duties, with the agency ids they bind."""
        out = []
        for section in self.sections:
            for block in section.walk():
                if block.responsible:
                    out.append((self.registry.expand_all(block.responsible), block))
        return tuple(out)

    def duties_of(self, agency_id: str) -> tuple[Block, ...]:
        """The duty paragraphs that bind ``agency_id`` — naming it, or a group it
        belongs to — in plan order; requests to outside parties only when the
        plan sends them letters (``letters: true``)."""
        out = []
        for bound, block in self.responsibilities():
            sends = block.letters if block.letters is not None else not block.request
            if sends and agency_id in bound:
                out.append(block)
        return tuple(out)

    def agencies_with_duties(self) -> tuple[str, ...]:
        """Agency ids with at least one duty that reaches them, in registry order."""
        return tuple(a for a in self.registry.agencies if self.duties_of(a))

    def reporters(self) -> tuple[str, ...]:
        """Agency ids that owe periodic reports."""
        return self.registry.expand_all(self.reporting.reporters)
