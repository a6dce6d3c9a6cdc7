"""Build orchestration: which documents, from which templates, into which folder.

:func:`render_documents` renders every document of a plan in memory;
:func:`build` publishes them (and optional PDFs) atomically with a
``manifest.json``.  Nothing here formats text: that is the document modules'
job; nothing here knows XML: that is :mod:`kehoach.render`'s.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Optional

if TYPE_CHECKING:
    import concurrent.futures

from ._version import __version__
from .diagnostics import Diagnostic, PlanError, make
from .inline import plain
from .consolidate import Consolidation, consolidate
from .diagnostics import has_errors
from .documents import calendar, consolidated, dashboard, letter, preview, report
from .documents import plan as plan_document
from .documents import html_preview
from .model import Plan
from .periods import Period, open_periods, period, periods
from .render.package import source_date_epoch
from .returns import REPORTS_DIR, Return, load_returns, read_returns
from .render import RenderCheckError, convert_documents, publish
from .render.engine import render_docx
from .render.mend import add_footnotes, drop_empty_last_section
from .templating.body import footnotes_part
from .render.publish import PublishError, _os_message, output_lock
from .resources import data_dir
from .safety import UnsafeFile, inside, read_regular, repository_root
from . import sandbox
from .vi_messages import os_error as _os_error

__all__ = [
    "BuildOptions", "BuildResult", "Document", "build", "calendar_documents", "publish_calendars", "consolidation", "render_consolidated",
    "render_documents", "render_letter", "render_plan", "render_report_template", "template_bytes",
]


@dataclass(frozen=True)
class Document:
    """One output file, in memory."""

    path: str                    # relative, "/"-separated
    kind: str                    # "plan", later "letter", "report-template", …
    data: bytes
    agency: Optional[str] = None
    period: Optional[str] = None
    #: content hash of everything the rendering used (see :func:`_input_key`),
    #: kept in the manifest so the next build can skip an unchanged document
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


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    documents: tuple[Document, ...]
    manifest: dict[str, Any] = field(default_factory=dict)


class BuildError(PlanError):
    """A document could not be rendered (bad template, failed post-check)."""


#: Largest user template accepted (the default ones are about 20 KB).
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
#: Latest SOURCE_DATE_EPOCH accepted: 9999-12-31 23:59:59 UTC (a date must have 4 digits).
MAX_EPOCH = 253402300799


class SourceDateEpochError(ValueError):
    """``SOURCE_DATE_EPOCH`` is set to something that is not a usable time."""


def check_source_date_epoch() -> None:
    """Raise :class:`SourceDateEpochError` (Vietnamese message) when
    ``SOURCE_DATE_EPOCH`` is set but not a whole number of seconds between 1970
    and the end of the year 9999 (dates in documents have four-digit years)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or not raw.strip():
        return
    try:
        value = source_date_epoch()
    except ValueError:
        value = None
    if value is None or not 0 <= value <= MAX_EPOCH:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise SourceDateEpochError(
            f"biến môi trường SOURCE_DATE_EPOCH='{shown}' không hợp lệ: phải là số giây nguyên kể từ "
            f"1970-01-01 00:00:00 UTC, từ 0 đến {MAX_EPOCH} (năm 9999), ví dụ SOURCE_DATE_EPOCH=1735689600")


def check_out_dir(plan: Plan, out_dir: str | os.PathLike) -> None:
    """Refuse an output folder inside the plan directory (``-o plan/reports``
    would turn the returns folder into the output) or one that contains it
    (publishing replaces the whole folder)."""
    if not plan.source_dir:
        return
    out = Path(os.path.abspath(out_dir))
    folders = [Path(plan.source_dir)] + ([Path(plan.template_dir)] if plan.template_dir else [])
    for folder in folders:
        if inside(out, folder) or inside(folder, out):
            raise PublishError(
                f"Thư mục đầu ra {out_dir} nằm trong (hoặc chứa) thư mục dữ liệu {folder} của kế hoạch; "
                "kehoach không ghi vào đó để không ghi đè dữ liệu. Hãy chọn thư mục khác, ví dụ -o output.")


# -- templates --------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _generated(style: tuple[tuple[str, Any], ...]) -> dict[str, bytes]:
    from .templating.generate import generate_templates
    from .templating.profile import DEFAULT
    return generate_templates(DEFAULT.replace(dict(style)))


def plan_profile(plan: Plan):
    """The style profile of this plan: the defaults with its ``style:`` overrides."""
    from .templating.profile import DEFAULT
    return DEFAULT.replace(dict(plan.style)) if plan.style else DEFAULT


def template_bytes(plan: Plan, name: str) -> bytes:
    """The template ``name`` for this plan: the plan's own folder, else the
    defaults regenerated with the plan's ``style:`` overrides, else the
    committed defaults."""
    if plan.template_dir:
        path = Path(plan.template_dir) / name
        root = repository_root(plan.source_dir) if plan.source_dir else Path(plan.template_dir)
        try:
            return read_regular(path, root, MAX_TEMPLATE_BYTES)
        except UnsafeFile as exc:
            raise BuildError([make(str(path), 1, 1, "KH093", f"không đọc mẫu văn bản '{name}': {exc}")]) from None
        except OSError as exc:
            raise BuildError([make(str(path), 1, 1, "KH053",
                                   f"không đọc được mẫu văn bản '{name}': {_os_error(exc)}")]) from None
    if plan.style:
        return _generated(tuple(sorted(plan.style.items())))[name]
    return (data_dir("templates") / name).read_bytes()


#: document title (a core property, and so the PDF's title) per template
TITLES = {"plan.docx": "{kind} {subject}",
          "letter.docx": "Công văn gửi {agency} về thực hiện {kind} {subject}",
          "report.docx": "Mẫu báo cáo của {agency}: kết quả thực hiện {kind} {subject}",
          "consolidated.docx": "Báo cáo tổng hợp kết quả thực hiện {kind} {subject}"}


def _properties(plan: Plan, name: str, context: dict) -> dict[str, str]:
    """Title and subject of the rendered document: its own, not the template's
    ("Mẫu công văn…"), so Word's properties and the PDF's title say what it is."""
    subject = plain(plan.document.subject, plan.markup)
    kind = plan.document.type_name
    title = TITLES.get(name, "{kind} {subject}").format(
        kind=kind[:1].upper() + kind[1:].lower(), subject=plan.document.cited,
        agency=context.get("agency_short") or "")

    def cut(text: str) -> str:  # a core property holds at most 255 characters
        return text if len(text) <= 255 else text[:254] + "…"
    return {"title": cut(title), "subject": cut(subject)}


def _shown(plan: Plan, name: str) -> str:
    return str(Path(plan.template_dir) / name) if plan.template_dir else f"templates/{name}"


def _render_bytes(template: bytes, shown: str, sandboxed: bool, context: dict, expect_sections: int,
                  properties: dict) -> bytes:
    """Render one template; errors become :class:`BuildError` naming ``shown``."""
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
    try:
        if sandboxed:  # the user's own template: in a worker with a time and size limit
            return sandbox.render(template, context, expect_sections=expect_sections, properties=properties)
        return render_docx(template, context, expect_sections=expect_sections, properties=properties)
    except sandbox.LimitExceeded as exc:
        raise BuildError([make(shown, 1, 1, "KH097", str(exc))]) from None
    except UndefinedError as exc:
        raise BuildError([make(shown, 1, 1, "KH052", f"mẫu dùng biến không được cung cấp: {exc.message}")]) from None
    except TemplateSyntaxError as exc:
        raise BuildError([make(shown, exc.lineno or 1, 1, "KH051", f"lỗi cú pháp Jinja: {exc.message}")]) from None
    except TemplateError as exc:
        raise BuildError([make(shown, 1, 1, "KH051", f"lỗi khi dựng mẫu: {exc}")]) from None
    except RenderCheckError as exc:
        raise BuildError([make(shown, 1, 1, "KH054", str(exc))]) from None
    except Exception as exc:  # a corrupt .docx given as template (zip, XML errors)
        raise BuildError([make(shown, 1, 1, "KH050", f"không đọc được mẫu văn bản: tệp hỏng hoặc không phải .docx ({type(exc).__name__})")]) from None


def _render(plan: Plan, name: str, context: dict, expect_sections: int) -> bytes:
    return _render_bytes(template_bytes(plan, name), _shown(plan, name), bool(plan.template_dir), context,
                         expect_sections, _properties(plan, name, context))


@dataclass(frozen=True)
class _Job:
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

    def run(self, template: bytes, shown: str, sandboxed: bool) -> bytes:
        data = _render_bytes(template, shown, sandboxed, self.context, self.expect_sections, self.properties)
        if self.footnotes:
            data = add_footnotes(data, self.footnotes)
        return drop_empty_last_section(data) if self.drop_last_section else data

    def document(self, data: bytes, key: Optional[str] = None) -> Document:
        return Document(self.path, self.kind, data, self.agency, self.period, key)


@dataclass(frozen=True)
class _Recipe:
    """How to make a job: ``make(plan, *args)``.  Building the context is
    left to whoever renders, so that with ``-j`` the contexts are built in
    the workers too (they are most of a large plan's cost)."""

    make: Callable[..., _Job]
    args: tuple = ()

    def job(self, plan: Plan) -> _Job:
        return self.make(plan, *self.args)


def _job(plan: Plan, path: str, kind: str, name: str, context: dict, expect_sections: int, **extra) -> _Job:
    return _Job(path, kind, name, context, expect_sections, _properties(plan, name, context), **extra)


def _run_here(plan: Plan, job: _Job) -> bytes:
    return job.run(template_bytes(plan, job.template), _shown(plan, job.template), bool(plan.template_dir))


# -- documents ------------------------------------------------------------------------


def _plan_job(plan: Plan) -> _Job:
    profile = plan_profile(plan)
    context, notes = plan_document.context_and_footnotes(plan, profile)
    return _job(plan, f"{plan.id}.docx", plan_document.KIND, plan_document.TEMPLATE, context, 2,
                footnotes=footnotes_part(notes, int(round(profile.footnote_size * 2))) if notes else None,
                drop_last_section=not plan.appendices)


def render_plan(plan: Plan) -> bytes:
    """The plan document (Kế hoạch with its Phụ lục) as .docx bytes; touches no disk
    except to read the template."""
    return _run_here(plan, _plan_job(plan))


#: the returns a build renders from: period id -> the returns of its folder
Returns = Mapping[str, "tuple[Return, ...]"]


def checked_returns(plan: Plan) -> Returns:
    """Every return of the plan, read and checked once (see
    :func:`kehoach.returns.read_returns`), for a build given a bare
    :class:`Plan`; any error raises :class:`BuildError`.  A plan from
    :func:`kehoach.load.check_plan` already carries them
    (:attr:`~kehoach.load.CheckResult.returns`)."""
    if not plan.source_dir:
        return {}
    returns, diagnostics = read_returns(plan, plan.source_dir)
    if has_errors(diagnostics):
        raise BuildError(diagnostics)
    return returns


def _plan_documents(plan: Plan, options: "BuildOptions") -> list:
    return [_Recipe(_plan_job, ()), Document(preview.PATH, preview.KIND, preview.markdown(plan).encode("utf-8"))]


def _letter_job(plan: Plan, agency_id: str) -> _Job:
    return _job(plan, letter.path(agency_id), letter.KIND, letter.TEMPLATE, letter.context(plan, agency_id), 1,
                agency=agency_id)


def render_letter(plan: Plan, agency_id: str) -> bytes:
    """The assignment letter (công văn) to one agency, as .docx bytes."""
    return _run_here(plan, _letter_job(plan, agency_id))


def _letters(plan: Plan, options: "BuildOptions") -> Iterable["_Recipe"]:
    return (_Recipe(_letter_job, (a,)) for a in letter.agencies(plan))


def _report_job(plan: Plan, per: Period, agency_id: str) -> _Job:
    return _job(plan, report.path(per.id, agency_id), report.KIND, report.TEMPLATE,
                report.context(plan, per, agency_id), 2, agency=agency_id, period=per.id)


def render_report_template(plan: Plan, per: Period, agency_id: str) -> bytes:
    """The blank periodic report of one agency for one period, as .docx bytes."""
    return _run_here(plan, _report_job(plan, per, agency_id))


def _report_templates(plan: Plan, options: "BuildOptions") -> Iterable["_Recipe"]:
    for per in options.periods(plan):
        for a in report.agencies(plan, per):
            yield _Recipe(_report_job, (per, a))


def consolidation(plan: Plan, per: Period, as_of: dt.date) -> Optional[Consolidation]:
    """The consolidation of the returns under ``plan/reports/<period>/``, or None
    when that folder does not exist; bad returns raise :class:`BuildError`."""
    if not plan.source_dir or not (Path(plan.source_dir) / REPORTS_DIR / per.id).is_dir():
        return None
    returns, diagnostics = load_returns(plan, plan.source_dir, per.id)
    if has_errors(diagnostics):
        raise BuildError(diagnostics)
    return consolidate(plan, per, returns, as_of)


def _consolidation(plan: Plan, per: Period, as_of: dt.date, returns: Returns) -> Optional[Consolidation]:
    """:func:`consolidation` from returns already read and checked."""
    found = returns.get(per.id)
    return None if found is None else consolidate(plan, per, found, as_of)


def _consolidated_job(plan: Plan, c: Consolidation) -> _Job:
    return _job(plan, consolidated.path(c.period.id), consolidated.KIND, consolidated.TEMPLATE,
                consolidated.context(plan, c), 2, period=c.period.id)


def render_consolidated(plan: Plan, c: Consolidation) -> bytes:
    """The consolidated report of a period, as .docx bytes."""
    return _run_here(plan, _consolidated_job(plan, c))


def _consolidated(plan: Plan, options: "BuildOptions") -> list:
    out: list = []
    for per in options.periods(plan):
        c = _consolidation(plan, per, options.today(), options.checked_returns(plan))
        if c is None:
            continue
        out.append(_consolidated_job(plan, c))
        out.append(Document(consolidated.path(per.id, "md"), consolidated.KIND,
                            consolidated.markdown(plan, c).encode("utf-8"), period=per.id))
        out.append(Document(consolidated.path(per.id, "json"), consolidated.KIND,
                            consolidated.summary_json(plan, c), period=per.id))
    return out


def _dashboard(plan: Plan, options: "BuildOptions") -> list[Document]:
    """The status page: latest answers over every period that has returns; the
    returns of the last period built (else the last with returns) highlighted."""
    as_of = options.today()
    returns = options.checked_returns(plan)
    found = [c for c in (_consolidation(plan, per, as_of, returns) for per in periods(plan)) if c is not None]
    chosen = [per.id for per in options.periods(plan)]
    current = next((c for c in reversed(found) if c.period.id in chosen), found[-1] if found else None)
    return [Document(dashboard.PATH, dashboard.KIND, dashboard.page(plan, found, current, as_of))]


def calendar_documents(plan: Plan) -> list[Document]:
    """The .ics calendars: one per agency that gets a letter (tasks, or duties of
    the plan's body), one for the office."""
    out = [Document(calendar.path(a), calendar.KIND, calendar.agency_calendar(plan, a), agency=a)
           for a in letter.agencies(plan)]
    out.append(Document(calendar.path(calendar.OFFICE), calendar.KIND, calendar.office_calendar(plan)))
    return out


def publish_calendars(plan: Plan, out_dir: str | os.PathLike) -> list[Document]:
    """Publish only the calendars (``kehoach calendar``) into ``out_dir``, atomically."""
    check_source_date_epoch()
    check_out_dir(plan, out_dir)
    documents = calendar_documents(plan)
    publish({Path(d.path).name: d.data for d in documents}, Path(out_dir),
            {"plan": plan.id, "documents": [dict(d.manifest_entry(), path=Path(d.path).name) for d in documents]})
    return documents


def _calendars(plan: Plan, options: "BuildOptions") -> list[Document]:
    return calendar_documents(plan)


def sample_contexts(plan: Plan) -> dict[str, dict]:
    """One real context per template, for ``kehoach templates check``: what the
    renderer provides, so a template using anything else is reported."""
    per = (open_periods(plan) or periods(plan))[0]
    agency = plan.agencies_with_tasks()[0]
    reporter = next(iter(report.agencies(plan, per)), agency)
    return {
        plan_document.TEMPLATE: plan_document.context(plan, plan_profile(plan)),
        letter.TEMPLATE: letter.context(plan, agency),
        report.TEMPLATE: report.context(plan, per, reporter),
        consolidated.TEMPLATE: consolidated.context(plan, consolidate(plan, per, (), per.due)),
    }


@dataclass(frozen=True)
class BuildOptions:
    """What to build beyond the plan itself.

    ``period_ids``: the periods whose report templates and consolidated
    reports are built; None means the plan's open periods (``reporting.open``).
    ``as_of``: the day the consolidated report is "as of" (who is overdue);
    None means the day of ``SOURCE_DATE_EPOCH`` when set, else today.
    """

    period_ids: Optional[tuple[str, ...]] = None
    as_of: Optional[dt.date] = None
    #: the returns to render from (:attr:`kehoach.load.CheckResult.returns`);
    #: None: read and checked once by :meth:`with_returns` at the start of a build
    returns: Optional[Returns] = field(default=None, compare=False, repr=False)

    def with_returns(self, plan: Plan, returns: Optional[Returns] = None) -> "BuildOptions":
        """These options with the returns a build renders from: ``returns``
        when given, else those already set, else the plan's returns read and
        checked now (:func:`checked_returns`; an error raises :class:`BuildError`)."""
        if returns is None:
            returns = self.returns if self.returns is not None else checked_returns(plan)
        return dataclasses.replace(self, returns=returns)

    def checked_returns(self, plan: Plan) -> Returns:
        return self.returns if self.returns is not None else checked_returns(plan)

    def periods(self, plan: Plan) -> tuple[Period, ...]:
        if self.period_ids is None:
            return open_periods(plan)
        chosen = {p.id: p for p in (period(plan, ident) for ident in self.period_ids)}  # each once
        return tuple(sorted(chosen.values(), key=lambda p: p.end))

    def today(self) -> dt.date:
        if self.as_of is not None:
            return self.as_of
        if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
            check_source_date_epoch()
            return dt.datetime.fromtimestamp(source_date_epoch(), tz=dt.timezone.utc).date()
        # UTC, not the local calendar day: two machines building at the same
        # instant in different time zones must produce the same bytes.
        return dt.datetime.now(dt.timezone.utc).date()


#: every document kind, in build order
BUILDERS: list[Callable[[Plan, BuildOptions], Iterable["Document | _Recipe"]]] = [
    _plan_documents, _letters, _report_templates, _consolidated, _calendars, _dashboard,
]


#: fewer documents to render than this: render in this process (a worker's
#: start and the transfer of contexts cost more than they save)
POOL_THRESHOLD = 24


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _input_key(job: _Job, template_sha: str) -> Optional[str]:
    """Content hash of everything a job's rendering depends on: the kehoach
    version, the template bytes, the job's context, properties and
    post-processing, the build epoch.  The style reaches a document only through
    its template bytes (regenerated from the style) and its context, so it is
    covered.  None when the context cannot be serialised (then it is always
    rendered)."""
    import pickle
    h = hashlib.sha256()
    h.update(f"kehoach {__version__}\0epoch {source_date_epoch()}\0template {template_sha}\0".encode())
    try:
        h.update(pickle.dumps((job.template, job.context, job.expect_sections, job.properties, job.footnotes,
                               job.drop_last_section), protocol=4))
    except Exception:  # pragma: no cover - contexts hold plain data
        return None
    return h.hexdigest()


# -- producing documents ---------------------------------------------------------------

#: what to take from a previous build: ``previous(path, input_key)`` -> bytes or None
Previous = Callable[[str, str], Optional[bytes]]


class _Producer:
    """Turns a job (or a recipe) into its :class:`Document`: builds the context,
    computes the input key, takes the previous build's bytes when the key
    matches, else renders.  One per process (the build's own, or a worker's)."""

    def __init__(self, plan: Plan, previous: Optional[Previous]) -> None:
        self.plan, self.previous = plan, previous
        self.template_sha: dict[str, Optional[str]] = {}

    def sha(self, name: str) -> Optional[str]:
        if name not in self.template_sha:
            try:
                self.template_sha[name] = hashlib.sha256(template_bytes(self.plan, name)).hexdigest()
            except BuildError:  # reported by the rendering, in document order
                self.template_sha[name] = None
        return self.template_sha[name]

    def __call__(self, item: "_Job | _Recipe") -> Document:
        job = item.job(self.plan) if isinstance(item, _Recipe) else item
        template = self.sha(job.template)
        key = _input_key(job, template) if template else None
        data = self.previous(job.path, key) if self.previous and key else None
        if data is None:
            data = _run_here(self.plan, job)
        return job.document(data, key)


#: the producer of a pool worker (its plan inherited through fork, never pickled)
_WORKER: list[_Producer] = []


def _worker_init(plan: Plan, previous: Optional[Previous]) -> None:
    _WORKER[:] = [_Producer(plan, previous)]


def _worker_produce(items: list) -> list[tuple[Optional[Document], Optional[list]]]:
    """Produce a chunk of documents in a worker; a :class:`BuildError` comes
    back as its diagnostics (PlanError does not survive pickling)."""
    out: list[tuple[Optional[Document], Optional[list]]] = []
    for item in items:
        try:
            out.append((_WORKER[0](item), None))
        except BuildError as exc:
            out.append((None, list(exc.diagnostics)))
    return out


class _Renderer:
    """Produces documents as their jobs are listed: in this process, or — once
    there are :data:`POOL_THRESHOLD` of them and more than one worker is
    allowed — in a pool of forked workers, chunk by chunk, while this process
    goes on with the calendars and pages.  Results are read back in order."""

    CHUNK = 8

    def __init__(self, plan: Plan, workers: int, previous: Optional[Previous]) -> None:
        self.plan, self.previous = plan, previous
        self.workers = workers if self._can_fork() else 1
        self.pool: Optional["concurrent.futures.Executor"] = None
        self.waiting: list = []
        self.chunks: list = []        # futures of submitted chunks, in order
        self.count = 0

    @staticmethod
    def _can_fork() -> bool:
        import multiprocessing
        return "fork" in multiprocessing.get_all_start_methods()

    def add(self, item: "_Job | _Recipe") -> None:
        self.waiting.append(item)
        self.count += 1
        if self.pool is None and self.workers > 1 and self.count >= POOL_THRESHOLD:
            import concurrent.futures
            import multiprocessing
            self.pool = concurrent.futures.ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init,
                initargs=(self.plan, self.previous))
        if self.pool is not None and len(self.waiting) >= self.CHUNK:
            self._submit()

    def _submit(self) -> None:
        assert self.pool is not None  # add() submits only once the pool exists
        for start in range(0, len(self.waiting), self.CHUNK):
            self.chunks.append(self.pool.submit(_worker_produce, self.waiting[start:start + self.CHUNK]))
        self.waiting = []

    def results(self) -> Iterable[Document]:
        """The document of every job added, in order."""
        if self.pool is None:
            produce = _Producer(self.plan, self.previous)
            for item in self.waiting:
                yield produce(item)
            return
        self._submit()
        for future in self.chunks:
            for document, diagnostics in future.result():
                if diagnostics is not None:
                    raise BuildError(diagnostics)
                yield document

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def render_documents(plan: Plan, options: Optional[BuildOptions] = None,
                     progress: Optional[Callable[[int, Document], None]] = None, *,
                     jobs: Optional[int] = 1, previous: Optional[Previous] = None,
                     returns: Optional[Returns] = None) -> list[Document]:
    """Every document of the plan, rendered in memory.

    ``progress(n, document)`` is called after each document, in order (a CLI
    draws a progress line with it).  ``jobs``: processes building and rendering
    the .docx files (None: one per core; a pool is only started for enough
    documents, and only where processes can be forked); the output is the same
    whatever ``jobs`` is.  ``previous(path, input_key)`` returns the bytes of
    an earlier build of the same document with the same input key, or None;
    such documents are not rendered again.  ``returns``: the plan's returns
    as :func:`kehoach.load.check_plan` read them (default: read here, once,
    before anything is rendered; an error raises :class:`BuildError`)."""
    options = (options or BuildOptions()).with_returns(plan, returns)
    renderer = _Renderer(plan, default_jobs() if jobs is None else max(1, jobs), previous)
    items: list = []      # Document, or None for the next result of the renderer
    out: list[Document] = []
    try:
        for builder in BUILDERS:
            for item in builder(plan, options):
                if isinstance(item, Document):
                    items.append(item)
                else:
                    renderer.add(item)
                    items.append(None)
        produced = iter(renderer.results())
        for item in items:
            out.append(item if item is not None else next(produced))
            if progress:
                progress(len(out), out[-1])
    finally:
        renderer.close()
    out.append(_html_preview(plan, out, previous))
    return out


def _html_preview(plan: Plan, documents: list[Document], previous: Optional[Previous]) -> Document:
    """The HTML preview; taken from the previous build when the plan's subject,
    the agencies' names and the bytes of every plan and letter .docx are the
    same (extracting their text is most of its cost)."""
    h = hashlib.sha256(f"kehoach {__version__}\0html\0{plan.document.subject}\0".encode())
    for d in documents:
        if d.path.endswith(".docx") and d.kind in ("plan", "letter"):
            name = plan.registry.name(d.agency) if d.agency else ""
            h.update(f"{d.path}\0{d.kind}\0{name}\0{d.sha256}\0".encode())
    key = h.hexdigest()
    data = previous(html_preview.PATH, key) if previous else None
    if data is None:
        data = html_preview.page(plan, documents).encode("utf-8")
    return Document(html_preview.PATH, html_preview.KIND, data, input=key)


def _previous_build(out: Path) -> Previous:
    """Look-up of the documents of the build already in ``out``: a document is
    reused when its manifest entry has the same input key, the manifest was
    written by this kehoach version, and the file on disk still has the
    recorded SHA-256 (a file edited by hand is rendered again)."""
    import json
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = None
    entries: dict[str, tuple[str, str]] = {}
    if isinstance(manifest, dict) and manifest.get("generator") == "kehoach" \
            and manifest.get("kehoach") == __version__ and isinstance(manifest.get("documents"), list) \
            and isinstance(manifest.get("files"), dict):
        hashes = manifest["files"]
        for entry in manifest["documents"]:
            if isinstance(entry, dict) and isinstance(entry.get("input"), str) and isinstance(entry.get("path"), str):
                entries[entry["path"]] = (entry["input"], str(hashes.get(entry["path"])))
    root = Path(os.path.abspath(out))

    def look(path: str, key: str) -> Optional[bytes]:
        found = entries.get(path)
        if not found or found[0] != key:
            return None
        try:
            data = read_regular(root / path, root, MAX_TEMPLATE_BYTES * 10)
        except (OSError, UnsafeFile):
            return None
        return data if hashlib.sha256(data).hexdigest() == found[1] else None
    return look


def _pdfs(documents: list[Document], pdfa: bool = False,
          progress: Optional[Callable[[int, Document], None]] = None) -> list[Document]:
    """Convert every .docx to PDF with one LibreOffice process for all of them."""
    docx = [d for d in documents if d.path.endswith(".docx")]
    pdfs = [Document(d.path[:-len(".docx")] + ".pdf", d.kind, b"", d.agency, d.period) for d in docx]

    def step(done: int, total: int) -> None:
        if progress and done:
            progress(len(documents) + done, pdfs[done - 1])

    data = convert_documents([d.data for d in docx], pdfa=pdfa, progress=step)
    return [Document(p.path, p.kind, pdf, p.agency, p.period) for p, pdf in zip(pdfs, data)]


def build(plan: Plan, out_dir: str | os.PathLike = "output", *, pdf: bool | str = False,
          options: Optional[BuildOptions] = None,
          progress: Optional[Callable[[int, Document], None]] = None,
          jobs: Optional[int] = None, force: bool = False,
          returns: Optional[Returns] = None) -> BuildResult:
    """Render every document and publish them into ``out_dir`` atomically.

    A failure at any point (a template error, LibreOffice missing when ``pdf``
    is asked) leaves ``out_dir`` exactly as it was.  ``pdf="a"`` makes the
    PDFs PDF/A-2b.  The output folder's lock is held from the first render to
    the swap, so a second build of the same folder fails at once
    (:class:`~kehoach.render.publish.OutputBusy`).

    Incremental: a .docx whose input key (see :func:`_input_key`) equals the
    one recorded in ``out_dir/manifest.json`` is taken from ``out_dir``
    instead of being rendered; ``force=True`` renders everything.  ``jobs``:
    see :func:`render_documents` (default: one process per core).
    ``returns``: the returns of :attr:`kehoach.load.CheckResult.returns`;
    when None they are read and checked here, once, before any rendering.
    """
    check_source_date_epoch()
    check_out_dir(plan, out_dir)
    out = Path(out_dir)
    try:
        Path(os.path.abspath(out)).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"Không tạo được thư mục chứa {out_dir}: {_os_message(exc)}.") from None
    with output_lock(out):
        options = (options or BuildOptions()).with_returns(plan, returns)  # bad returns fail before any rendering
        previous = None if force else _previous_build(out)
        documents = render_documents(plan, options, progress, jobs=jobs, previous=previous)
        if pdf:
            documents += _pdfs(documents, pdfa=(pdf == "a"), progress=progress)
        manifest = {
            "plan": plan.id,
            "kehoach": __version__,
            "documents": [d.manifest_entry() for d in documents],
        }
        publish({d.path: d.data for d in documents}, out, manifest)
    return BuildResult(out, tuple(documents), manifest)
