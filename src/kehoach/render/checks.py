"""Structural checks on a rendered .docx.

Why this exists: the worst docxtpl failures are *silent*.  A value that breaks
the XML is "repaired" by docxtpl's recovering parser, the file saves without
error, and the document has simply lost its tables, its later paragraphs and
its section properties (page size, margins, headers).  Word may then refuse
the file or open it with an A4 plan turned into US Letter.  LibreOffice is no
oracle either: it exits 0 on broken input.  So every rendered document goes
through :func:`check_docx`, which is cheap (a few milliseconds) and catches
exactly those symptoms:

* every ``.xml`` / ``.rels`` part must be well-formed, parsed with a
  *non-recovering* parser (a recovering one would hide the very damage we look
  for), and must not carry a DOCTYPE (forbidden in OOXML; also the doorway to
  entity tricks);
* the main document part must have a ``w:body`` whose last element is the
  body-level ``w:sectPr`` — the part Word reads page size and margins from;
* the number of section properties (the final one plus one per section break)
  can be compared with what the renderer produced;
* the number of paragraphs can be checked against a minimum;
* no ``w:t`` (text) element may contain elements — the mark of a docxtpl
  ``RichText`` used as ``{{ r }}`` instead of ``{{r r }}``.

This is not OOXML schema validation; it targets the damage templating causes.

Failures raise :class:`RenderCheckError` with a Vietnamese message that names
the part and the problem.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

from .. import ooxml

__all__ = ["DocxStats", "RenderCheckError", "check_docx", "check_main_part", "docx_stats"]

W_NS = ooxml.W
_W = f"{{{W_NS}}}"
_DEFAULT_MAIN = "word/document.xml"
# compiled once; evaluated in C (the checks run on every rendered document)
_SECTIONS = etree.XPath("count(.//w:sectPr[not(ancestor::w:sectPrChange)])", namespaces={"w": W_NS})
_PARAGRAPHS = etree.XPath("count(.//w:p)", namespaces={"w": W_NS})
_T_WITH_CHILD = etree.XPath(".//w:t[*]", namespaces={"w": W_NS})


class RenderCheckError(Exception):
    """A rendered .docx failed a structural check.

    ``part`` is the zip entry concerned (or ``None`` for the whole package) and
    ``problem`` the Vietnamese description; ``str(exc)`` combines both.
    """

    def __init__(self, part: str | None, problem: str) -> None:
        self.part = part
        self.problem = problem
        where = f"phần '{part}'" if part else "gói tệp"
        super().__init__(f"Tệp .docx sinh ra không hợp lệ — {where}: {problem}")


@dataclass(frozen=True)
class DocxStats:
    """What :func:`docx_stats` counted in the main document part."""

    main_part: str
    sections: int
    paragraphs: int


_parser = ooxml.parser


def _parse_part(name: str, data: bytes) -> etree._Element:
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (None, None)
        pos = f" (dòng {line}, cột {col})" if line else ""
        raise RenderCheckError(name, f"XML không hợp lệ{pos}: {exc.msg}") from exc
    if root.getroottree().docinfo.doctype:
        raise RenderCheckError(name, "có khai báo DOCTYPE, điều mà chuẩn OOXML không cho phép")
    return root


def _main_part_name(parts: dict[str, etree._Element]) -> str:
    """Find the main document part through ``_rels/.rels``, as Word does.

    python-docx always writes ``word/document.xml``, but templates saved by
    other tools may not; following the relationship avoids a false alarm.
    """
    rels = parts.get("_rels/.rels")
    if rels is None:
        raise RenderCheckError("_rels/.rels", "thiếu phần quan hệ gốc của gói")
    main = ooxml.office_document(rels)
    if main is not None:
        return main
    raise RenderCheckError("_rels/.rels", "không có quan hệ trỏ tới phần văn bản chính (officeDocument)")


def _load_parts(data: bytes) -> dict[str, etree._Element]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise RenderCheckError(None, f"không phải tệp zip hợp lệ ({exc})") from exc
    parts: dict[str, etree._Element] = {}
    with zf:
        names = [i.filename for i in zf.infolist() if not i.is_dir()]
        if "[Content_Types].xml" not in names:
            raise RenderCheckError("[Content_Types].xml", "thiếu phần khai báo kiểu nội dung")
        for name in names:
            if not name.lower().endswith((".xml", ".rels")):
                continue
            try:
                raw = zf.read(name)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise RenderCheckError(name, f"không đọc được nội dung nén ({exc})") from exc
            parts[name] = _parse_part(name, raw)
    return parts


def _stats(parts: dict[str, etree._Element]) -> DocxStats:
    main = _main_part_name(parts)
    root = parts.get(main)
    if root is None:
        raise RenderCheckError(main, "thiếu phần văn bản chính")
    return _root_stats(root, main)


def _root_stats(root: etree._Element, main: str) -> DocxStats:
    if root.tag != f"{_W}document":
        raise RenderCheckError(main, f"phần tử gốc là {root.tag!r}, không phải w:document")
    body = root.find(f"{_W}body")
    if body is None:
        raise RenderCheckError(main, "không có phần thân văn bản (w:body)")
    children = [c for c in body if isinstance(c.tag, str)]
    if not children or children[-1].tag != f"{_W}sectPr":
        raise RenderCheckError(
            main,
            "thiếu thuộc tính vùng (w:sectPr) ở cuối phần thân: khổ giấy, lề và "
            "đầu/chân trang đã bị mất — thường do một giá trị làm hỏng XML khi dựng mẫu",
        )
    # w:t holds text only.  An element inside it is what docxtpl produces when
    # a RichText is used as {{ r }} instead of {{r r }}: well-formed, so the
    # parser accepts it, but Word rejects the file and LibreOffice shows nothing.
    for t in _T_WITH_CHILD(body):
        child = next((c for c in t if isinstance(c.tag, str)), None)
        if child is not None:
            raise RenderCheckError(
                main,
                f"phần tử văn bản w:t chứa phần tử con {etree.QName(child).localname!r} "
                "(thường do dùng RichText bằng {{ biến }} thay vì {{r biến }} trong mẫu)",
            )
    # Section properties: the final one plus one inside the w:pPr of each
    # paragraph that ends a section.  Those inside w:sectPrChange are tracked
    # revisions (the *old* properties), not sections.
    sections = int(_SECTIONS(body))
    # All paragraphs in the body, including those in table cells: losing a
    # table is one of the symptoms we are looking for.
    paragraphs = int(_PARAGRAPHS(body))
    return DocxStats(main_part=main, sections=sections, paragraphs=paragraphs)


def docx_stats(data: bytes) -> DocxStats:
    """Parse ``data`` like :func:`check_docx` and return what was counted.

    Useful in tests and for choosing ``expect_sections``/``min_paragraphs``.
    Raises :class:`RenderCheckError` on the same structural failures.
    """
    return _stats(_load_parts(data))


def check_docx(
    data: bytes,
    *,
    expect_sections: int | None = None,
    min_paragraphs: int | None = None,
) -> None:
    """Raise :class:`RenderCheckError` unless ``data`` is a structurally sound .docx.

    ``expect_sections``: exact number of sections (``w:sectPr`` elements) the
    renderer created — e.g. 2 for a plan with a landscape appendix.
    ``min_paragraphs``: lower bound on paragraphs in the body (table cells
    included); a lower count means content was dropped.
    """
    stats = docx_stats(data)
    if expect_sections is not None and stats.sections != expect_sections:
        raise RenderCheckError(
            stats.main_part,
            f"có {stats.sections} vùng (w:sectPr) nhưng cần đúng {expect_sections}",
        )
    if min_paragraphs is not None and stats.paragraphs < min_paragraphs:
        raise RenderCheckError(
            stats.main_part,
            f"chỉ có {stats.paragraphs} đoạn văn, ít hơn mức tối thiểu {min_paragraphs} "
            "— có thể nội dung đã bị mất khi dựng mẫu",
        )


def check_main_part(root: etree._Element, name: str = _DEFAULT_MAIN, *, expect_sections: int | None = None) -> DocxStats:
    """The checks of :func:`check_docx` on an already parsed main document part.

    The prepared renderer (:mod:`kehoach.render.engine`) parses what it
    rendered strictly anyway and never touches the other parts, so it checks
    only this: the body ends with its ``w:sectPr``, no ``w:t`` holds elements,
    and the number of sections is the expected one.
    """
    stats = _root_stats(root, name)
    if expect_sections is not None and stats.sections != expect_sections:
        raise RenderCheckError(name, f"có {stats.sections} vùng (w:sectPr) nhưng cần đúng {expect_sections}")
    return stats
