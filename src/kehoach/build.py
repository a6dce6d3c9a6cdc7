"""Build orchestration: render every document kind, publish the result.

:func:`render_documents` renders every document of a plan in memory;
:func:`build` publishes them (and optional PDFs) atomically with a
``manifest.json``.  This module knows no document kind by name: it renders
whatever :data:`kehoach.documents.registry.KINDS` lists, each kind saying
what it needs from the plan, its template, its context and its paths
(:mod:`kehoach.documents.kind`).  The render environment (clock, templates,
style: :class:`~kehoach.documents.env.RenderEnv`) is built once, here, and
passed down.  Nothing here formats text: that is the document modules' job;
nothing here knows XML: that is :mod:`kehoach.render`'s.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional

if TYPE_CHECKING:
    import concurrent.futures

from ._version import __version__
from .clock import Clock, check_source_date_epoch
# names that lived here before the clock, the render environment and the kinds had their own modules
from .clock import MAX_EPOCH as MAX_EPOCH, SourceDateEpochError as SourceDateEpochError
from .consolidate import Consolidation, consolidate
from .diagnostics import has_errors, make
from .documents import calendar, consolidated, html_preview, letter, report
from .documents import plan as plan_document
from .documents.env import MAX_TEMPLATE_BYTES, RenderEnv, TemplateSource
from .documents.env import plan_profile as plan_profile
from .documents.kind import BuildError, Document, DocumentKind, DocxJob, Pending, Returns, Selection, Target
from .documents.registry import KINDS, TEMPLATE_KINDS
from .model import Plan
from .periods import Period, open_periods, period
from .returns import REPORTS_DIR, load_returns, read_returns
from .render import RenderCheckError, convert_documents, publish
from .render.engine import render_docx
from .render.mend import add_footnotes, drop_empty_last_section
from .render.publish import PublishError, _os_message, output_lock
from .safety import UnsafeFile, inside, read_regular
from . import sandbox

__all__ = [
    "BuildOptions", "BuildResult", "Document", "build", "calendar_documents", "publish_calendars", "consolidation",
    "render_consolidated", "render_documents", "render_letter", "render_plan", "render_report_template",
    "template_bytes",
]


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    documents: tuple[Document, ...]
    manifest: dict[str, Any] = field(default_factory=dict)


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


def template_bytes(plan: Plan, name: str) -> bytes:
    """The template ``name`` for this plan: the plan's own folder, else the
    defaults regenerated with the plan's ``style:`` overrides, else the
    committed defaults (:class:`~kehoach.documents.env.TemplateSource`)."""
    return TemplateSource.of(plan).read(name)


def _render_bytes(template: bytes, shown: str, sandboxed: bool, context: dict, expect_sections: int,
                  properties: dict, epoch: Optional[int] = None) -> bytes:
    """Render one template; errors become :class:`BuildError` naming ``shown``."""
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
    try:
        if sandboxed:  # the user's own template: in a worker with a time and size limit
            return sandbox.render(template, context, expect_sections=expect_sections, properties=properties)
        return render_docx(template, context, expect_sections=expect_sections, properties=properties, epoch=epoch)
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


def _run_here(env: RenderEnv, job: DocxJob) -> bytes:
    """Render ``job`` in this process, with its post-processing."""
    templates = env.templates
    data = _render_bytes(templates.read(job.template), templates.shown(job.template), templates.sandboxed,
                         job.context, job.expect_sections, job.properties, env.epoch)
    if job.footnotes:
        data = add_footnotes(data, job.footnotes)
    return drop_empty_last_section(data) if job.drop_last_section else data


def _render_one(plan: Plan, document: Pending, env: Optional[RenderEnv] = None) -> bytes:
    """One document of a template kind, as .docx bytes, outside a build."""
    env = env or RenderEnv.of(plan)
    return _run_here(env, document.job(plan, env))


# -- single documents ------------------------------------------------------------------


def render_plan(plan: Plan) -> bytes:
    """The plan document (Kế hoạch with its Phụ lục) as .docx bytes; touches no disk
    except to read the template."""
    return _render_one(plan, Pending(plan_document.DOCUMENT_KIND, Target()))


def render_letter(plan: Plan, agency_id: str) -> bytes:
    """The assignment letter (công văn) to one agency, as .docx bytes."""
    return _render_one(plan, Pending(letter.DOCUMENT_KIND, Target(agency=agency_id)))


def render_report_template(plan: Plan, per: Period, agency_id: str) -> bytes:
    """The blank periodic report of one agency for one period, as .docx bytes."""
    return _render_one(plan, Pending(report.DOCUMENT_KIND, Target(agency_id, per)))


def render_consolidated(plan: Plan, c: Consolidation) -> bytes:
    """The consolidated report of a period, as .docx bytes."""
    return _render_one(plan, Pending(consolidated.DOCUMENT_KIND, Target(period=c.period, consolidation=c)))


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


def consolidation(plan: Plan, per: Period, as_of: dt.date) -> Optional[Consolidation]:
    """The consolidation of the returns under ``plan/reports/<period>/``, or None
    when that folder does not exist; bad returns raise :class:`BuildError`."""
    if not plan.source_dir or not (Path(plan.source_dir) / REPORTS_DIR / per.id).is_dir():
        return None
    returns, diagnostics = load_returns(plan, plan.source_dir, per.id)
    if has_errors(diagnostics):
        raise BuildError(diagnostics)
    return consolidate(plan, per, returns, as_of)


def calendar_documents(plan: Plan) -> list[Document]:
    """The .ics calendars: one per agency that gets a letter (tasks, or duties of
    the plan's body), one for the office."""
    return calendar.documents(plan, Clock.read().stamp)


def publish_calendars(plan: Plan, out_dir: str | os.PathLike) -> list[Document]:
    """Publish only the calendars (``kehoach calendar``) into ``out_dir``, atomically."""
    check_source_date_epoch()
    check_out_dir(plan, out_dir)
    documents = calendar_documents(plan)
    publish({Path(d.path).name: d.data for d in documents}, Path(out_dir),
            {"plan": plan.id, "documents": [dict(d.manifest_entry(), path=Path(d.path).name) for d in documents]})
    return documents


def sample_contexts(plan: Plan) -> dict[str, dict]:
    """One real context per template, for ``kehoach templates check``: what the
    renderer provides, so a template using anything else is reported."""
    env = RenderEnv.of(plan, clock=Clock(0, dt.date(1970, 1, 1)))  # no context depends on the clock
    return {k.template: k.content(plan, env, k.sample(plan)).context for k in TEMPLATE_KINDS}


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
        """``as_of``, else the clock's day (:attr:`kehoach.clock.Clock.today`)."""
        if self.as_of is not None:
            return self.as_of
        check_source_date_epoch()
        return Clock.read().today

    def environment(self, plan: Plan) -> RenderEnv:
        """The render environment of a build with these options: the clock
        read once (a bad ``SOURCE_DATE_EPOCH`` raises
        :class:`~kehoach.clock.SourceDateEpochError`), the as-of day, the
        plan's style and templates."""
        check_source_date_epoch()
        return RenderEnv.of(plan, self.as_of, Clock.read())

    def selection(self, plan: Plan) -> Selection:
        """The periods chosen and the returns (checked once) a build renders from."""
        return Selection(self.periods(plan), self.checked_returns(plan))


def documents_of(kind: DocumentKind, plan: Plan, options: Optional[BuildOptions] = None) -> list[Document]:
    """Every document of one kind, rendered here (a script, a test)."""
    options = (options or BuildOptions()).with_returns(plan)
    env = options.environment(plan)
    return [item if isinstance(item, Document) else _Producer(plan, env, None)(item)
            for item in kind.outputs(plan, env, options.selection(plan))]


#: fewer documents to render than this: render in this process (a worker's
#: start and the transfer of contexts cost more than they save)
POOL_THRESHOLD = 24


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _input_key(job: DocxJob, template_sha: str, epoch: int) -> Optional[str]:
    """Content hash of everything a job's rendering depends on: the kehoach
    version, the template bytes, the job's context, properties and
    post-processing, the build epoch.  The style reaches a document only through
    its template bytes (regenerated from the style) and its context, so it is
    covered.  None when the context cannot be serialised (then it is always
    rendered)."""
    import pickle
    h = hashlib.sha256()
    h.update(f"kehoach {__version__}\0epoch {epoch}\0template {template_sha}\0".encode())
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
    """Turns a pending .docx into its :class:`Document`: builds the context,
    computes the input key, takes the previous build's bytes when the key
    matches, else renders.  One per process (the build's own, or a worker's)."""

    def __init__(self, plan: Plan, env: RenderEnv, previous: Optional[Previous]) -> None:
        self.plan, self.env, self.previous = plan, env, previous
        self.template_sha: dict[str, Optional[str]] = {}

    def sha(self, name: str) -> Optional[str]:
        if name not in self.template_sha:
            try:
                self.template_sha[name] = hashlib.sha256(self.env.templates.read(name)).hexdigest()
            except BuildError:  # reported by the rendering, in document order
                self.template_sha[name] = None
        return self.template_sha[name]

    def __call__(self, item: "Pending | DocxJob") -> Document:
        job = item.job(self.plan, self.env) if isinstance(item, Pending) else item
        template = self.sha(job.template)
        key = _input_key(job, template, self.env.epoch) if template else None
        data = self.previous(job.path, key) if self.previous and key else None
        if data is None:
            data = _run_here(self.env, job)
        return job.document(data, key)


#: the producer of a pool worker (its plan inherited through fork, never pickled)
_WORKER: list[_Producer] = []


def _worker_init(plan: Plan, env: RenderEnv, previous: Optional[Previous]) -> None:
    _WORKER[:] = [_Producer(plan, env, previous)]


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

    def __init__(self, plan: Plan, env: RenderEnv, workers: int, previous: Optional[Previous]) -> None:
        self.plan, self.env, self.previous = plan, env, previous
        self.workers = workers if self._can_fork() else 1
        self.pool: Optional["concurrent.futures.Executor"] = None
        self.waiting: list = []
        self.chunks: list = []        # futures of submitted chunks, in order
        self.count = 0

    @staticmethod
    def _can_fork() -> bool:
        import multiprocessing
        return "fork" in multiprocessing.get_all_start_methods()

    def add(self, item: "Pending | DocxJob") -> None:
        self.waiting.append(item)
        self.count += 1
        if self.pool is None and self.workers > 1 and self.count >= POOL_THRESHOLD:
            import concurrent.futures
            import multiprocessing
            self.pool = concurrent.futures.ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init,
                initargs=(self.plan, self.env, self.previous))
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
            produce = _Producer(self.plan, self.env, self.previous)
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
    env = options.environment(plan)  # the clock, templates and style: read once, passed down
    selection = options.selection(plan)
    renderer = _Renderer(plan, env, default_jobs() if jobs is None else max(1, jobs), previous)
    items: list = []      # Document, or None for the next result of the renderer
    out: list[Document] = []
    try:
        for kind in KINDS:
            for item in kind.outputs(plan, env, selection):
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
