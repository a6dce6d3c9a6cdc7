"""What a document kind is: the one interface every kind of output implements.

A kind says what it needs from the plan (which agencies, which periods →
which documents: its *targets*), which template it renders, the context it
gives that template and where each document goes.  Each module of
:mod:`kehoach.documents` declares its kind as ``DOCUMENT_KIND``;
:mod:`kehoach.documents.registry` lists them in build order, and
:mod:`kehoach.build` renders whatever the registry holds without knowing any
kind by name.

Two shapes cover every kind today:

* :class:`TemplateKind` — one .docx per target, rendered from a template
  (plan, letters, report templates, consolidated reports).  Listing a target
  is cheap; its context is built only when the document is produced
  (:meth:`Pending.job`), in a worker process when the build runs in parallel.
* :class:`FileKind` — files written without a template (the Markdown
  preview, calendars, the dashboard).

Both give :data:`Output` items: a finished :class:`Document`, or a .docx to
render (:class:`Pending`, or a :class:`DocxJob` whose context is built).  The render environment (clock, templates, style) is
:class:`~kehoach.documents.env.RenderEnv`, built once and passed down.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Optional, Protocol, Union

from ..diagnostics import PlanError
from ..inline import plain
from ..model import Plan
from ..periods import Period

if TYPE_CHECKING:
    from ..consolidate import Consolidation
    from ..returns import Return
    from ..templating.profile import StyleProfile
    from .env import RenderEnv

__all__ = [
    "BuildError", "Content", "Document", "DocumentKind", "DocxJob", "FileKind", "Output", "Pending", "Returns",
    "Selection", "Target", "TemplateKind", "properties",
]


@dataclass(frozen=True)
class Document:
    """One output file, in memory."""

    path: str                    # relative, "/"-separated
    kind: str                    # "plan", "letter", "report-template", …
    data: bytes
    agency: Optional[str] = None
    period: Optional[str] = None
    #: content hash of everything the rendering used (see
    #: :func:`kehoach.build._input_key`), kept in the manifest so the next
    #: build can skip an unchanged document
    input: Optional[str] = field(default=None, compare=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def manifest_entry(self) -> dict[str, Any]:
        """What ``manifest.json`` says of the document beside its hash, which
        publishing records once for every file (``files``: path -> SHA-256)."""
        entry: dict[str, Any] = {"path": self.path, "kind": self.kind}
        if self.agency:
            entry["agency"] = self.agency
        if self.period:
            entry["period"] = self.period
        if self.input:
            entry["input"] = self.input
        return entry


class BuildError(PlanError):
    """A document could not be rendered (bad template, failed post-check)."""


#: the returns a build renders from: period id -> the returns of its folder
Returns = Mapping[str, "tuple[Return, ...]"]


@dataclass(frozen=True)
class Selection:
    """What a build asks for beyond the plan: the periods whose report
    templates and consolidated reports are built, and the returns (already
    read and checked) it renders from."""

    periods: tuple[Period, ...] = ()
    returns: Returns = field(default_factory=dict)

    def consolidation(self, plan: Plan, per: Period, as_of: Any) -> "Optional[Consolidation]":
        """The consolidation of the period's returns, or None when it has no
        returns folder."""
        found = self.returns.get(per.id)
        if found is None:
            return None
        from ..consolidate import consolidate
        return consolidate(plan, per, found, as_of)


@dataclass(frozen=True)
class Target:
    """One document of a kind: for which agency, which period (None: the
    plan's own), and for a consolidated report the consolidation it shows."""

    agency: Optional[str] = None
    period: Optional[Period] = None
    consolidation: "Optional[Consolidation]" = None

    @property
    def agency_id(self) -> str:
        """The agency of a kind whose every target has one."""
        if self.agency is None:
            raise ValueError("this document kind needs an agency")
        return self.agency

    @property
    def per(self) -> Period:
        """The period of a kind whose every target has one."""
        if self.period is None:
            raise ValueError("this document kind needs a period")
        return self.period


@dataclass(frozen=True)
class Content:
    """What a template kind gives its template for one target: the context,
    and the post-processing of the rendered .docx."""

    context: dict
    #: the footnotes part to add (the plan document's notes), or None
    footnotes: Optional[bytes] = None
    #: drop the empty landscape section (a plan without appendices)
    drop_last_section: bool = False


@dataclass(frozen=True)
class DocxJob:
    """One .docx to render: everything the rendering uses, and nothing else.

    A job is a pure function of its fields and the template bytes, which is
    what makes both the process pool (jobs are sent to workers) and
    incremental builds (a job's fields are hashed into its input key) sound.
    """

    path: str
    kind: str
    template: str                       # template file name
    context: dict
    expect_sections: int
    properties: dict
    agency: Optional[str] = None
    period: Optional[str] = None
    footnotes: Optional[bytes] = None   # the plan document's footnotes part
    drop_last_section: bool = False     # the plan document without appendices

    def document(self, data: bytes, key: Optional[str] = None) -> Document:
        return Document(self.path, self.kind, data, self.agency, self.period, key)


def properties(plan: Plan, title: str, context: dict) -> dict[str, str]:
    """Title and subject of a rendered document: its own, not the template's
    ("Mẫu công văn…"), so Word's properties and the PDF's title say what it
    is.  ``title`` is the kind's pattern (``{kind}``, ``{subject}``, ``{agency}``)."""
    subject = plain(plan.document.subject, plan.markup)
    kind = plan.document.type_name
    text = title.format(kind=kind[:1].upper() + kind[1:].lower(), subject=plan.document.cited,
                        agency=context.get("agency_short") or "")

    def cut(value: str) -> str:  # a core property holds at most 255 characters
        return value if len(value) <= 255 else value[:254] + "…"
    return {"title": cut(text), "subject": cut(subject)}


@dataclass(frozen=True)
class TemplateKind:
    """A kind rendered from a .docx template, one document per target.

    Every field is a module-level function, so a :class:`Pending` document
    (which holds its kind) can be sent to a worker process as is.
    """

    #: the manifest's ``kind``
    name: str
    #: the template's file name (``plan.docx``…), drawn by ``template()`` of the module
    template: str
    #: the document's title property (see :func:`properties`)
    title: str
    #: how many sections the rendered document must have (a post-check)
    sections: int
    #: what the kind needs from the plan: the documents to make
    targets: Callable[[Plan, "RenderEnv", Selection], Iterable[Target]]
    #: where a target's .docx goes (relative, "/"-separated)
    path: Callable[[Plan, Target], str]
    #: the template's context for a target (its keys are the template's tags)
    content: Callable[[Plan, "RenderEnv", Target], Content]
    #: a real target for ``kehoach templates check``
    sample: Callable[[Plan], Target]
    #: draws the default template from a style profile (``template()`` of the
    #: module, beside the context code whose keys its tags use)
    default: Callable[["StyleProfile"], bytes]
    #: files written beside each .docx (a consolidated report's Markdown and JSON)
    extras: Optional[Callable[[Plan, "RenderEnv", Target], Iterable[Document]]] = None
    #: build the context while listing, in this process: for targets that
    #: cannot be sent to a worker (a consolidation holds read-only mappings,
    #: which do not pickle); the context itself is plain data
    eager: bool = False

    def outputs(self, plan: Plan, env: "RenderEnv", selection: Selection) -> Iterable["Output"]:
        for target in self.targets(plan, env, selection):
            yield self.job(plan, env, target) if self.eager else Pending(self, target)
            if self.extras is not None:
                yield from self.extras(plan, env, target)

    def job(self, plan: Plan, env: "RenderEnv", target: Target) -> DocxJob:
        """The rendering of one target (builds its context)."""
        content = self.content(plan, env, target)
        return DocxJob(self.path(plan, target), self.name, self.template, content.context, self.sections,
                       properties(plan, self.title, content.context), target.agency,
                       target.period.id if target.period else None, content.footnotes, content.drop_last_section)


@dataclass(frozen=True)
class Pending:
    """A .docx listed but not yet rendered: its context is built when it is
    produced (:meth:`job`), in whichever process produces it."""

    kind: TemplateKind
    target: Target

    def job(self, plan: Plan, env: "RenderEnv") -> DocxJob:
        return self.kind.job(plan, env, self.target)


@dataclass(frozen=True)
class FileKind:
    """A kind written without a template: ``files`` gives its documents."""

    name: str
    files: Callable[[Plan, "RenderEnv", Selection], Iterable[Document]]

    def outputs(self, plan: Plan, env: "RenderEnv", selection: Selection) -> Iterable["Output"]:
        return self.files(plan, env, selection)


#: what a kind lists: a finished file, or a .docx to render (its context built
#: when it is produced, or already built)
Output = Union[Document, Pending, DocxJob]


class DocumentKind(Protocol):
    """The interface :mod:`kehoach.build` sees: a name, and the outputs for a
    plan in an environment and a selection, in the order they are listed."""

    @property
    def name(self) -> str: ...

    def outputs(self, plan: Plan, env: "RenderEnv", selection: Selection) -> Iterable[Output]: ...
