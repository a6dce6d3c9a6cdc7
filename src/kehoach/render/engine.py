"""Render a docxtpl template into finished, deterministic .docx bytes.

docxtpl re-reads the package, re-patches the XML and re-compiles the Jinja
template on every ``render()`` (measured: about a third of the time each).
A build renders the same template once per agency and period, so
:class:`TemplateRenderer` patches and compiles each part once per process and
keeps the compiled templates; each render still starts from a fresh copy of
the package (python-docx objects are mutable and must not be shared).

The result is always checked (well-formed XML, the expected number of
sections) and normalised (fixed zip timestamps and core properties).
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from typing import Any, Mapping

from docxtpl import DocxTemplate
from jinja2 import Template
from lxml import etree

from .checks import RenderCheckError, check_docx
from .jinja import make_environment
from .package import normalize_docx

__all__ = ["TemplateRenderer", "render_docx"]

_P_OPEN = re.compile(r"<w:p([ >])")
_P_SPLIT = re.compile(r"\n<w:p([ >])")
_LISTING_CHARS = re.compile("[\t\a\n\f]")


class _CachedDocxTemplate(DocxTemplate):
    """A DocxTemplate whose patched-and-compiled parts come from a shared cache.

    Only :meth:`render_xml_part` is replaced; it mirrors docxtpl 0.17–0.20's own
    post-processing (paragraph split markers, escaped braces, listings).
    """

    def __init__(self, data: bytes, cache: dict[str, Template], lock: threading.Lock):
        super().__init__(io.BytesIO(data))
        self._compiled = cache
        self._lock = lock

    def render_xml_part(self, src_xml, part, context, jinja_env=None):  # noqa: D401 - docxtpl API
        key = str(part.partname)
        template = self._compiled.get(key)
        if template is None:
            marked = _P_OPEN.sub(r"\n<w:p\1", src_xml)
            template = jinja_env.from_string(marked)
            with self._lock:
                self._compiled[key] = template
        self.current_rendering_part = part
        dst_xml = template.render(context)
        dst_xml = _P_SPLIT.sub(r"<w:p\1", dst_xml)
        dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        # resolve_listing turns \t \a \n \f inside text into tabs, paragraphs,
        # line breaks and page breaks; it is a regex pass over every run, so
        # skip it when none of those characters is present (the usual case).
        if _LISTING_CHARS.search(dst_xml):
            dst_xml = self.resolve_listing(dst_xml)
        return dst_xml

    def fix_tables(self, xml):
        """docxtpl re-parses the rendered body with a *recovering* parser, which
        silently drops whatever follows broken markup.  Parse strictly first so
        a broken render fails loudly instead of losing paragraphs."""
        try:
            etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)
        except etree.XMLSyntaxError as exc:
            raise RenderCheckError("word/document.xml", f"XML sau khi dựng mẫu không hợp lệ: {exc}") from None
        return super().fix_tables(xml)


class TemplateRenderer:
    """Renders one template many times.  Safe to share between threads."""

    def __init__(self, template: bytes, *, cache: bool = True):
        self.template = template
        self.digest = hashlib.sha256(template).hexdigest()
        self.cache = cache
        self._compiled: dict[str, Template] = {}
        self._lock = threading.Lock()
        self._env = make_environment()

    def render(self, context: Mapping[str, Any], *, expect_sections: int | None = None,
               epoch: int | None = None) -> bytes:
        if self.cache:
            doc = _CachedDocxTemplate(self.template, self._compiled, self._lock)
            env = self._env
        else:  # plain docxtpl, for comparison in benchmarks
            doc = DocxTemplate(io.BytesIO(self.template))
            env = make_environment()
        doc.render(dict(context), jinja_env=env, autoescape=True)
        out = io.BytesIO()
        doc.save(out)
        data = normalize_docx(out.getvalue(), epoch)
        check_docx(data, expect_sections=expect_sections)
        return data


_RENDERERS: dict[str, TemplateRenderer] = {}


def render_docx(template: bytes, context: Mapping[str, Any], *, expect_sections: int | None = None,
                epoch: int | None = None) -> bytes:
    """Render ``template`` with ``context``; compiled parts are cached per template content."""
    digest = hashlib.sha256(template).hexdigest()
    renderer = _RENDERERS.get(digest)
    if renderer is None:
        renderer = _RENDERERS.setdefault(digest, TemplateRenderer(template))
    return renderer.render(context, expect_sections=expect_sections, epoch=epoch)
