"""Build orchestration: which documents, from which templates, into which folder.

:func:`render_documents` renders every document of a plan in memory;
:func:`build` publishes them (and optional PDFs) atomically with a
``manifest.json``.  Nothing here formats text: that is the document modules'
job; nothing here knows XML: that is :mod:`kehoach.render`'s.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError

from . import __version__
from .diagnostics import Diagnostic, PlanError, make
from .documents import plan as plan_document
from .model import Plan
from .render import RenderCheckError, convert_to_pdf, publish
from .render.engine import render_docx
from .resources import data_dir

__all__ = ["BuildResult", "Document", "build", "render_documents", "render_plan", "template_bytes"]


@dataclass(frozen=True)
class Document:
    """One output file, in memory."""

    path: str                    # relative, "/"-separated
    kind: str                    # "plan", later "letter", "report-template", …
    data: bytes
    agency: Optional[str] = None
    period: Optional[str] = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def manifest_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"path": self.path, "kind": self.kind, "sha256": self.sha256}
        if self.agency:
            entry["agency"] = self.agency
        if self.period:
            entry["period"] = self.period
        return entry


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    documents: tuple[Document, ...]
    manifest: dict[str, Any] = field(default_factory=dict)


class BuildError(PlanError):
    """A document could not be rendered (bad template, failed post-check)."""


# -- templates --------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _generated(style: tuple[tuple[str, Any], ...]) -> dict[str, bytes]:
    from .templating.generate import generate_templates
    from .templating.profile import DEFAULT
    return generate_templates(DEFAULT.replace(dict(style)))


def template_bytes(plan: Plan, name: str) -> bytes:
    """The template ``name`` for this plan: the plan's own folder, else the
    defaults regenerated with the plan's ``style:`` overrides, else the
    committed defaults."""
    if plan.template_dir:
        path = Path(plan.template_dir) / name
        try:
            return path.read_bytes()
        except OSError as exc:
            raise BuildError([make(str(path), 1, 1, "KH053",
                                   f"không đọc được mẫu văn bản '{name}': {exc.strerror or exc}")]) from None
    if plan.style:
        return _generated(tuple(sorted(plan.style.items())))[name]
    return (data_dir("templates") / name).read_bytes()


def _render(plan: Plan, name: str, context: dict, expect_sections: int) -> bytes:
    template = template_bytes(plan, name)
    shown = str(Path(plan.template_dir) / name) if plan.template_dir else f"templates/{name}"
    try:
        return render_docx(template, context, expect_sections=expect_sections)
    except UndefinedError as exc:
        raise BuildError([make(shown, 1, 1, "KH052", f"mẫu dùng biến không được cung cấp: {exc.message}")]) from None
    except TemplateSyntaxError as exc:
        raise BuildError([make(shown, exc.lineno or 1, 1, "KH051", f"lỗi cú pháp Jinja: {exc.message}")]) from None
    except TemplateError as exc:
        raise BuildError([make(shown, 1, 1, "KH051", f"lỗi khi dựng mẫu: {exc}")]) from None
    except RenderCheckError as exc:
        raise BuildError([make(shown, 1, 1, "KH054", str(exc))]) from None
    except Exception as exc:  # a corrupt .docx given as template (zip, XML errors)
        raise BuildError([make(shown, 1, 1, "KH050", f"không đọc được mẫu văn bản: {type(exc).__name__}: {exc}")]) from None


# -- documents ------------------------------------------------------------------------


def render_plan(plan: Plan) -> bytes:
    """The plan document (Kế hoạch with its Phụ lục) as .docx bytes; touches no disk
    except to read the template."""
    return _render(plan, plan_document.TEMPLATE, plan_document.context(plan), expect_sections=2)


def _plan_documents(plan: Plan) -> list[Document]:
    return [Document(f"{plan.id}.docx", plan_document.KIND, render_plan(plan))]


#: every document kind, in build order; later issues append to this list
BUILDERS: list[Callable[[Plan], list[Document]]] = [_plan_documents]


def render_documents(plan: Plan) -> list[Document]:
    """Every document of the plan, rendered in memory."""
    out: list[Document] = []
    for builder in BUILDERS:
        out.extend(builder(plan))
    return out


def _pdfs(documents: list[Document]) -> list[Document]:
    """Convert every .docx to PDF with LibreOffice (one call for all)."""
    docx = [d for d in documents if d.path.endswith(".docx")]
    with tempfile.TemporaryDirectory(prefix="kehoach-pdf-") as tmp:
        src = Path(tmp) / "src"
        dst = Path(tmp) / "pdf"
        inputs = []
        for i, doc in enumerate(docx):
            path = src / f"{i:05d}" / Path(doc.path).name
            path.parent.mkdir(parents=True)
            path.write_bytes(doc.data)
            inputs.append(path)
        dst.mkdir()
        out = []
        for i, (doc, pdf) in enumerate(zip(docx, _convert_each(inputs, dst))):
            out.append(Document(doc.path[:-len(".docx")] + ".pdf", doc.kind, pdf.read_bytes(), doc.agency, doc.period))
        return out


def _convert_each(inputs: list[Path], dst: Path) -> list[Path]:
    """LibreOffice writes ``name.pdf`` into one folder; inputs with equal names
    (same file name in different subfolders) go in separate calls."""
    by_name: dict[str, list[Path]] = {}
    for path in inputs:
        by_name.setdefault(path.name, []).append(path)
    results: dict[Path, Path] = {}
    round_ = 0
    while any(by_name.values()):
        batch = [paths.pop(0) for paths in by_name.values() if paths]
        out_dir = dst / f"r{round_}"
        out_dir.mkdir()
        for src, pdf in zip(batch, convert_to_pdf(batch, out_dir)):
            results[src] = pdf
        round_ += 1
    return [results[p] for p in inputs]


def build(plan: Plan, out_dir: str | os.PathLike = "output", *, pdf: bool = False) -> BuildResult:
    """Render every document and publish them into ``out_dir`` atomically.

    A failure at any point (a template error, LibreOffice missing when ``pdf``
    is asked) leaves ``out_dir`` exactly as it was.
    """
    documents = render_documents(plan)
    if pdf:
        documents += _pdfs(documents)
    manifest = {
        "plan": plan.id,
        "kehoach": __version__,
        "documents": [d.manifest_entry() for d in documents],
    }
    out = Path(out_dir)
    publish({d.path: d.data for d in documents}, out, manifest)
    return BuildResult(out, tuple(documents), manifest)
