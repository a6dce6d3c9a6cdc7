"""Render a docxtpl template into finished, deterministic .docx bytes.

Why this is not a plain ``DocxTemplate.render()``: docxtpl opens the package
with python-docx, re-patches the XML (five regex passes) and re-compiles the
Jinja template on *every* render, renders the six core properties as Jinja
templates, and python-docx then re-serialises every part on save; kehoach
used to unzip and re-zip that result to make it reproducible and parse all
16 parts again to check it.  A build renders the same template once per
agency and period, so almost all of that work was repeated hundreds of times
(a build of the bundled plan prepared templates 277 times: the cache was
keyed right, but ``DocxTemplate`` re-read and re-patched the package before
each render and only the Jinja compile was skipped).

:class:`PreparedTemplate` does the expensive work **once per process and
template**:

* python-docx opens the template once and saves it once; the bytes it writes
  for every part are kept.  Those are exactly the bytes docxtpl + python-docx
  would write for the parts a render does not change (python-docx
  re-serialises the XML parts it knows, drops unreferenced parts and rewrites
  ``[Content_Types].xml``, so the *template's* bytes would not do);
* the parts docxtpl renders (body, headers, footers, footnotes) are patched
  with docxtpl's own ``patch_xml`` and compiled once; parts without a Jinja
  tag are not rendered at all;
* docxtpl's escape syntax (``{_{ … }_}`` for a literal ``{{ … }}``) is
  resolved in the *template source* before compiling.  docxtpl replaces those
  markers in the rendered XML, which also rewrote user data: a task text
  ``{_{ x }_}`` came out as ``{{ x }}`` (issue 13).  Here data always comes out
  exactly as typed;
* the untouched parts are deflated once; each render deflates only what it
  rendered and writes the zip directly, byte-for-byte what
  :func:`~kehoach.render.package.normalize_docx` writes (same entry order,
  fixed times and attributes, pinned core properties).

Each render then applies docxtpl's post-processing itself (paragraph split
markers, listing characters ``\\t \\a \\n \\f``, ``fix_tables``, renumbering
``wp:docPr`` ids), parses the rendered parts *strictly* (docxtpl's
recovering parser silently dropped everything after broken markup) and checks
only those: the body structure and its number of sections.

The result is byte-identical to the plain docxtpl pipeline
(:func:`render_plain`, kept as the reference and as the benchmark baseline)
for every document kehoach builds; ``tests/test_render_engine.py`` proves it.
Known, deliberate differences: the ``{_{`` escapes above, and a footnotes part
is rendered once (docxtpl renders it once *per section*, re-rendering its own
output).
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from jinja2 import TemplateSyntaxError
from lxml import etree

from .checks import RenderCheckError, check_docx, check_main_part
from .jinja import make_environment
from .package import (COMPRESS_LEVEL, CREATE_SYSTEM_UNIX, EXTERNAL_ATTR, _CORE, _entry_order,
                      _pin_core_properties, normalize_docx, source_date_epoch, w3cdtf, zip_date_time)

__all__ = ["PreparedTemplate", "TemplateRenderer", "prepared", "render_docx", "render_plain", "zip_parts"]

_P_OPEN = re.compile(r"<w:p([ >])")
_HAS_TAG = re.compile(r"\{[{%#]")

#: docxtpl's escapes: a template author types ``{_{`` to print ``{{``.  They
#: become Jinja expressions printing the literal, in the template source only.
_ESCAPES = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")
_ESCAPE_LITERAL = {"{_{": "{{", "}_}": "}}", "{_%": "{%", "%_}": "%}"}

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{_W_NS}}}"
_WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_HEADER_URI = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER_URI = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

#: The core properties docxtpl renders as Jinja templates (``render_properties``).
CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def _resolve_escapes(src: str) -> str:
    return _ESCAPES.sub(lambda m: "{{ %r }}" % _ESCAPE_LITERAL[m.group(0)], src)


def _strict_parser(remove_blank_text: bool) -> etree.XMLParser:
    return etree.XMLParser(recover=False, resolve_entities=False, no_network=True, load_dtd=False,
                           remove_blank_text=remove_blank_text)


def _postprocess(xml: str) -> str:
    """docxtpl's ``render_xml_part`` after Jinja, minus the escape replacement
    (and minus removing the ``\n<w:p`` markers, never added here)."""
    # resolve_listing is a regex pass over every run; without listing
    # characters it returns its input unchanged, so skip it then.
    if "\n" in xml or "\t" in xml or "\a" in xml or "\f" in xml:
        from docxtpl import DocxTemplate
        xml = DocxTemplate.resolve_listing(None, xml)
    return xml


_TABLES = etree.XPath("//w:tbl", namespaces={"w": _W_NS})
_ROWS = etree.XPath(".//w:tr", namespaces={"w": _W_NS})
#: True when fix_tables would leave the table alone: no row has more cells
#: than the grid has columns, and some row spans the whole grid.
_GRID_FITS = etree.XPath(
    "not(.//w:tr[count(w:tc) > $n]) and boolean(.//w:tr[count(w:tc) - count(w:tc/w:tcPr/w:gridSpan)"
    " + sum(w:tc/w:tcPr/w:gridSpan/@w:val) >= $n])", namespaces={"w": _W_NS})


def _fix_tables(tree: etree._Element) -> None:
    """docxtpl's ``fix_tables`` on an already parsed body: make each table's
    ``w:tblGrid`` agree with the number of cells its rows have after a
    ``{%tc for %}`` loop, keeping the table's width (same arithmetic as
    docxtpl 0.20, so output stays identical; like docxtpl, rows of nested
    tables count for the outer table too)."""
    ns = _W
    tc_tag, pr_tag, span_tag, val = ns + "tc", ns + "tcPr", ns + "gridSpan", ns + "val"
    for t in _TABLES(tree):
        grid = t.find(ns + "tblGrid")
        if grid is None:
            continue
        columns = grid.findall(ns + "gridCol")
        if _GRID_FITS(t, n=len(columns)):
            continue  # the usual case, decided in C: nothing below would change
        rows = _ROWS(t)
        counts = []
        widest = 0
        for r in rows:
            cells = 0
            span = 0
            for cell in r.iterchildren(tc_tag):
                cells += 1
                pr = cell.find(pr_tag)
                gs = None if pr is None else pr.find(span_tag)
                span += int(gs.get(val)) if gs is not None else 1
            counts.append(cells)
            widest = max(widest, span)
        to_add = max([0] + [c - len(columns) for c in counts])
        if to_add > 0:
            width = 0.0
            for c in columns:
                if c.get(ns + "w") is not None:
                    width += float(c.get(ns + "w"))
            if width > 0:
                old_average = width / len(columns)
                new_average = width / (len(columns) + to_add)
                for c in columns:
                    c.set(ns + "w", str(int(float(c.get(ns + "w")) * new_average / old_average)))
                for _ in range(to_add):
                    etree.SubElement(grid, ns + "gridCol", {ns + "w": str(int(new_average))})
            columns = grid.findall(ns + "gridCol")
        to_remove = len(columns) - widest
        if to_remove > 0:
            removed = 0.0
            for c in columns[-to_remove:]:
                removed += float(c.get(ns + "w"))
                grid.remove(c)
            left = grid.findall(ns + "gridCol")
            extra = int(removed / len(left)) if left else 0
            for c in left:
                c.set(ns + "w", str(int(float(c.get(ns + "w")) + extra)))


def _fix_docpr_ids(tree: etree._Element) -> None:
    """docxtpl renumbers every ``wp:docPr`` id from 1001 (ids copied by a loop collide)."""
    for n, el in enumerate(tree.iter(f"{{{_WP_NS}}}docPr"), 1001):
        el.attrib["id"] = str(n)


# -- the zip ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """One deflated zip member: what ``zipfile`` would write, minus the header times."""

    name: bytes
    flags: int
    crc: int
    size: int
    data: bytes  # deflated


def _deflate(name: str, raw: bytes) -> _Entry:
    c = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
    data = c.compress(raw) + c.flush()
    ascii_name = name.isascii()
    return _Entry(name.encode("ascii" if ascii_name else "utf-8"), 0 if ascii_name else 0x800,
                  zlib.crc32(raw), len(raw), data)


def _write_zip(entries: list[_Entry], epoch: int) -> bytes:
    """The archive ``zipfile`` writes for these entries with the fixed
    :class:`~zipfile.ZipInfo` fields :func:`normalize_docx` uses (deflate,
    version 2.0, Unix, mode 0644, no extra fields, no data descriptors).
    Written directly so pre-deflated parts can be reused; a test compares the
    bytes with ``zipfile``'s."""
    y, mo, d, h, mi, s = zip_date_time(epoch)
    dosdate = (y - 1980) << 9 | mo << 5 | d
    dostime = h << 11 | mi << 5 | (s // 2)
    out = bytearray()
    central = bytearray()
    for e in entries:
        offset = len(out)
        out += struct.pack("<4s2B4HL2L2H", b"PK\003\004", 20, 0, e.flags, 8, dostime, dosdate,
                           e.crc, len(e.data), e.size, len(e.name), 0)
        out += e.name
        out += e.data
        central += struct.pack("<4s4B4HL2L5H2L", b"PK\001\002", 20, CREATE_SYSTEM_UNIX, 20, 0, e.flags, 8,
                               dostime, dosdate, e.crc, len(e.data), e.size, len(e.name), 0, 0, 0, 0,
                               EXTERNAL_ATTR, offset)
        central += e.name
    start = len(out)
    out += central
    out += struct.pack("<4s4H2LH", b"PK\005\006", 0, 0, len(entries), len(entries), len(central), start, 0)
    return bytes(out)


def zip_parts(parts: Mapping[str, bytes], epoch: int) -> bytes:
    """Zip finished parts exactly as :func:`normalize_docx` would (core
    properties are taken as given, not pinned)."""
    return _write_zip([_deflate(n, parts[n]) for n in _entry_order(list(parts))], epoch)


# -- the prepared template -------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    name: str                  # zip entry name
    kind: str                  # "body" | "xml" (header/footer) | "blob" (footnotes)
    template: Any              # compiled Jinja template


class PreparedTemplate:
    """One template, patched and compiled once; renders many times.

    Safe to share between threads: rendering only reads the prepared state
    (the per-epoch cache of pinned core properties is filled idempotently).
    """

    def __init__(self, template: bytes):
        import docx
        from docx.opc.oxml import parse_xml
        from docxtpl import DocxTemplate

        self.digest = hashlib.sha256(template).hexdigest()
        self._env = make_environment()
        doc = docx.Document(io.BytesIO(template))
        patcher = DocxTemplate(io.BytesIO(template))  # only for its patch_xml()

        def compile_(src: str):
            src = _resolve_escapes(patcher.patch_xml(src))
            if not _HAS_TAG.search(src):
                return None
            # docxtpl puts a newline before each <w:p so that Jinja's error
            # line numbers mean something, and removes them after rendering.
            # They change nothing else (no trim_blocks/lstrip_blocks), so they
            # are added only to report a syntax error at docxtpl's line.
            try:
                return self._env.from_string(src)
            except TemplateSyntaxError:
                self._env.from_string(_P_OPEN.sub(r"\n<w:p\1", src))
                raise

        main = doc.part
        self._main_name = str(main.partname).lstrip("/")
        parts: list[_Part] = []
        body = compile_(etree.tostring(doc.element.body, encoding="unicode"))
        # The body is always rendered: docxtpl always re-serialises it.
        if body is None:
            body = self._env.from_string(_resolve_escapes(patcher.patch_xml(
                etree.tostring(doc.element.body, encoding="unicode"))))
        parts.append(_Part(self._main_name, "body", body))
        seen = set()
        for rel in main.rels.values():
            if rel.is_external or rel.reltype not in (_HEADER_URI, _FOOTER_URI):
                continue
            part = rel.target_part
            name = str(part.partname).lstrip("/")
            if name in seen or not part.blob:
                continue
            seen.add(name)
            compiled = compile_(etree.tostring(parse_xml(part.blob), encoding="unicode"))
            if compiled is not None:
                parts.append(_Part(name, "xml", compiled))
        for part in doc.part.package.parts:
            if part.content_type == _FOOTNOTES_CT:
                blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                compiled = compile_(blob)
                if compiled is not None:
                    parts.append(_Part(str(part.partname).lstrip("/"), "blob", compiled))
        self._parts = tuple(parts)

        # Core properties, as docxtpl's render_properties leaves them.
        props = doc.core_properties
        self._dynamic_props: dict[str, Any] = {}
        for prop in CORE_PROPERTIES:
            source = getattr(props, prop)
            compiled = self._env.from_string(source)
            if _HAS_TAG.search(source):
                self._dynamic_props[prop] = compiled
            else:
                setattr(props, prop, compiled.render({}))
        self._core_element = copy.deepcopy(doc.core_properties._element)

        # The root of the main part without its body, for each render to fill.
        skeleton = copy.deepcopy(doc.element)
        old = skeleton.find(f"{_W}body")
        self._placeholder_index = list(skeleton).index(old)
        skeleton.remove(old)
        # a plain lxml tree: python-docx's element classes would otherwise be
        # proxied onto the rendered body once it is inserted
        self._skeleton = etree.fromstring(etree.tostring(skeleton), _strict_parser(False))

        out = io.BytesIO()
        doc.save(out)
        with zipfile.ZipFile(io.BytesIO(out.getvalue())) as z:
            ready = {i.filename: z.read(i.filename) for i in z.infolist() if not i.is_dir()}
        rendered = {p.name for p in self._parts}
        self._names = _entry_order(list(ready))
        self._ready_core = ready.get(_CORE)
        self._static: dict[str, _Entry] = {n: _deflate(n, ready[n]) for n in self._names
                                           if n not in rendered and n != _CORE}
        self._core_by_epoch: dict[int, _Entry] = {}
        self._lock = threading.Lock()

    # -- rendering ----------------------------------------------------------------

    def _core(self, context: Mapping[str, Any], properties: Optional[Mapping[str, str]], epoch: int) -> Optional[_Entry]:
        if self._ready_core is None:
            return None
        if not self._dynamic_props and not properties:
            entry = self._core_by_epoch.get(epoch)
            if entry is None:
                entry = _deflate(_CORE, _pin_core_properties(self._ready_core, w3cdtf(epoch)))
                with self._lock:
                    self._core_by_epoch[epoch] = entry
            return entry
        from docx.opc.coreprops import CoreProperties
        element = copy.deepcopy(self._core_element)
        props = CoreProperties(element)
        for prop, compiled in self._dynamic_props.items():
            setattr(props, prop, compiled.render(context))
        for prop, value in (properties or {}).items():
            if prop not in CORE_PROPERTIES:
                raise ValueError(f"Thuộc tính tài liệu không hỗ trợ: {prop!r}")
            setattr(props, prop, value)
        xml = etree.tostring(element, encoding="UTF-8", standalone=True)
        return _deflate(_CORE, _pin_core_properties(xml, w3cdtf(epoch)))

    def render_parts(self, context: Mapping[str, Any], *, expect_sections: Optional[int] = None) -> dict[str, bytes]:
        """The rendered parts only (name → finished bytes), checked."""
        ctx = dict(context)
        out: dict[str, bytes] = {}
        for part in self._parts:
            xml = _postprocess(part.template.render(ctx))
            if part.kind == "blob":
                out[part.name] = xml.encode("utf-8")
                continue
            try:
                tree = etree.fromstring(xml, _strict_parser(part.kind == "xml"))
            except etree.XMLSyntaxError as exc:
                raise RenderCheckError(part.name, f"XML sau khi dựng mẫu không hợp lệ: {exc}") from None
            if part.kind == "xml":
                out[part.name] = etree.tostring(tree, encoding="UTF-8", standalone=True)
                continue
            _fix_tables(tree)
            _fix_docpr_ids(tree)
            root = copy.copy(self._skeleton)
            root.insert(self._placeholder_index, tree)
            check_main_part(root, part.name, expect_sections=expect_sections)
            out[part.name] = etree.tostring(root, encoding="UTF-8", standalone=True)
        return out

    def render(self, context: Mapping[str, Any], *, expect_sections: Optional[int] = None,
               epoch: Optional[int] = None, properties: Optional[Mapping[str, str]] = None) -> bytes:
        """Finished .docx bytes for ``context``.

        ``properties``: core properties to set (``title``, ``subject``, …),
        e.g. the document's own subject instead of the template's title.
        """
        if epoch is None:
            epoch = source_date_epoch()
        rendered = self.render_parts(context, expect_sections=expect_sections)
        core = self._core(context, properties, epoch)
        entries = []
        for name in self._names:
            if name in rendered:
                entries.append(_deflate(name, rendered[name]))
            elif name == _CORE and core is not None:  # _CORE is listed only when the template has it
                entries.append(core)
            else:
                entries.append(self._static[name])
        return _write_zip(entries, epoch)


def render_plain(template: bytes, context: Mapping[str, Any], *, expect_sections: Optional[int] = None,
                 epoch: Optional[int] = None, normalize: bool = True) -> bytes:
    """The reference pipeline: plain docxtpl, python-docx save, then
    :func:`normalize_docx` and the full :func:`check_docx` (``normalize=False``:
    only docxtpl render + save, what a script using docxtpl would do)."""
    from docxtpl import DocxTemplate
    doc = DocxTemplate(io.BytesIO(template))
    doc.render(dict(context), jinja_env=make_environment(), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    if not normalize:
        return out.getvalue()
    data = normalize_docx(out.getvalue(), epoch)
    check_docx(data, expect_sections=expect_sections)
    return data


class TemplateRenderer:
    """Renders one template many times (``cache=False``: the plain docxtpl
    reference pipeline, for benchmarks and identity tests)."""

    def __init__(self, template: bytes, *, cache: bool = True):
        self.template = template
        self.cache = cache
        self._prepared = PreparedTemplate(template) if cache else None

    def render(self, context: Mapping[str, Any], *, expect_sections: Optional[int] = None,
               epoch: Optional[int] = None, properties: Optional[Mapping[str, str]] = None) -> bytes:
        if self._prepared is not None:
            return self._prepared.render(context, expect_sections=expect_sections, epoch=epoch,
                                         properties=properties)
        return render_plain(self.template, context, expect_sections=expect_sections, epoch=epoch)


_PREPARED: dict[str, PreparedTemplate] = {}
_PREPARED_LOCK = threading.Lock()
#: how many times a template was prepared in this process (tests and the
#: benchmark check that a build prepares each template once).
PREPARE_COUNT = 0


def prepared(template: bytes) -> PreparedTemplate:
    """The process-wide :class:`PreparedTemplate` for these template bytes."""
    global PREPARE_COUNT
    digest = hashlib.sha256(template).hexdigest()
    found = _PREPARED.get(digest)
    if found is None:
        with _PREPARED_LOCK:
            found = _PREPARED.get(digest)
            if found is None:
                found = PreparedTemplate(template)
                PREPARE_COUNT += 1
                if len(_PREPARED) >= 32:  # a long-lived process with many template edits
                    _PREPARED.pop(next(iter(_PREPARED)))
                _PREPARED[digest] = found
    return found


def render_docx(template: bytes, context: Mapping[str, Any], *, expect_sections: Optional[int] = None,
                epoch: Optional[int] = None, properties: Optional[Mapping[str, str]] = None) -> bytes:
    """Render ``template`` with ``context``; templates are prepared once per process."""
    return prepared(template).render(context, expect_sections=expect_sections, epoch=epoch,
                                     properties=properties)
