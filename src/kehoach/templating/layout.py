"""The pieces every default template is assembled from (Nghị định 30/2020/NĐ-CP).

A new document with the named styles (:mod:`.styles`), the portrait section
with page-number headers, the landscape Phụ lục section numbered from 1, the
header block (ô 1–4), the title (ô 5a), the signature block (ô 7, ô 9b), the
bordered table with a repeated heading row and a ``{%tr for %}`` row: a change
of layout is made once, here.  Each template's own wording and tags are drawn
by ``template()`` in its document module (:mod:`kehoach.documents.plan`,
``letter``, ``report``, ``consolidated``), beside the ``context()`` that fills
them; :func:`kehoach.templating.generate.generate_templates` collects them.

Every docxtpl tag is written as the whole text of a single run, so docxtpl
never has to merge runs (a merged tag keeps only the first run's formatting).
"""

from __future__ import annotations

import io
from typing import Sequence

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from .docx_parts import (TINY_MARK_PT, W_TAGS_SECTPR_AFTER_PGNUMTYPE, add_rule, el, fill_header, first_para,
                         new_table, para, prune_package, row_flags, setup_settings, span_row, tiny_mark, v_center)
from .profile import StyleProfile
from .styles import add_style, link_next_styles, setup_defaults, style_specs, workflow_style_specs
from .tables import Column, column_widths

__all__ = [
    "Column", "appendix_heading", "appendix_section", "bordered_table", "closing", "column_table", "end_document",
    "header_block", "hide_section_break_mark", "new_document", "paras", "portrait_section", "signature_block",
    "signer", "title_block",
]


def new_document(p: StyleProfile, title: str, *, workflow_styles: bool = True):
    """An empty document with the package pruned, the defaults and every named style."""
    document = docx.Document()
    prune_package(document)
    setup_settings(document, p)
    setup_defaults(document, p)
    specs = style_specs(p)
    if workflow_styles:
        specs += workflow_style_specs(p)
    for spec in specs:
        add_style(document, spec, p)
    link_next_styles(document, specs)

    core = document.core_properties
    core.author = "kehoach"
    core.title = title
    core.comments = "Sinh tự động bởi kehoach từ hồ sơ định dạng (StyleProfile); sửa kiểu (style), không sửa từng đoạn."
    core.language = p.language
    core.subject = ""
    core.keywords = ""
    return document


def page_geometry(section, p: StyleProfile, *, landscape: bool) -> None:
    """A4 in the given orientation, the profile's margins and header distance."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width = Mm(p.page_height_mm)
        section.page_height = Mm(p.page_width_mm)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(p.page_width_mm)
        section.page_height = Mm(p.page_height_mm)
    section.top_margin = Mm(p.margin_top_mm)
    section.bottom_margin = Mm(p.margin_bottom_mm)
    section.left_margin = Mm(p.margin_left_mm)
    section.right_margin = Mm(p.margin_right_mm)
    section.header_distance = Mm(p.header_distance_mm)
    section.footer_distance = Mm(p.header_distance_mm)


def portrait_section(document, p: StyleProfile) -> None:
    """Section 1: A4 portrait, page number centred in the header, none on page 1."""
    s1 = document.sections[0]
    page_geometry(s1, p, landscape=False)
    s1.gutter = Mm(0)
    s1.different_first_page_header_footer = True  # NĐ 30: no number on page 1
    fill_header(s1.first_page_header, with_number=False)
    fill_header(s1.header, with_number=True)


def appendix_section(document, p: StyleProfile) -> None:
    """A new section on a new landscape page, numbered from 1 (Mẫu 2.1)."""
    s2 = document.add_section(WD_SECTION.NEW_PAGE)
    tiny_mark_section_break(document)
    page_geometry(s2, p, landscape=True)
    # A new section inherits "different first page" and the header references
    # of the previous one: set both explicitly.
    s2.different_first_page_header_footer = not p.appendix_first_page_number
    fill_header(s2.first_page_header, with_number=p.appendix_first_page_number)
    fill_header(s2.header, with_number=True)
    pg = el("w:pgNumType", start=1)
    s2._sectPr.insert_element_before(pg, *W_TAGS_SECTPR_AFTER_PGNUMTYPE)


def tiny_mark_section_break(document) -> None:
    """The paragraph python-docx adds to carry section 1's properties is empty:
    make it (almost) take no room, so it cannot push a blank page."""
    sectPr = document.sections[0]._sectPr
    par = Paragraph(sectPr.getparent().getparent(), document._body)
    par.style = "Normal"
    pf = par.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(TINY_MARK_PT)
    tiny_mark(par)


def end_document(document) -> bytes:
    """Close the body with a (tiny) paragraph — a document must not end with a
    table, Word appends a paragraph anyway — and return the raw .docx bytes."""
    tiny_mark(document.add_paragraph(style="Normal"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def fill_cell(cell, items: Sequence[tuple[str, str | None]]) -> None:
    """Paragraphs ``(style, text)`` in a table cell, the first one in the cell's
    own initial paragraph; ``None`` text: an empty paragraph."""
    for index, (style, text) in enumerate(items):
        runs = () if text is None else (text,)
        if index == 0:
            first_para(cell, style, *runs)
        else:
            para(cell, style, *runs)


def header_block(document, p: StyleProfile, *, under_number: Sequence[tuple[str, str]] = ()) -> None:
    """Ô 1–4 (and the công văn's ô 5b, ``under_number``) in a borderless table."""
    widths = (p.header_left_mm, p.header_right_mm)
    table = new_table(document, widths, 2, borders=False, cell_margins_zero=True)
    left, right = table.rows[0].cells
    # ô 2: cơ quan chủ quản, then tên cơ quan ban hành, then a short rule.
    first_para(left, "KH Cơ quan chủ quản", "{%p for line in header.parent %}")
    para(left, "KH Cơ quan chủ quản", "{{ line }}")
    para(left, "KH Cơ quan chủ quản", "{%p endfor %}")
    para(left, "KH Tên cơ quan", "{%p for line in header.name %}")
    para(left, "KH Tên cơ quan", "{{ line }}")
    para(left, "KH Tên cơ quan", "{%p endfor %}")
    add_rule(left, p.issuer_rule_mm, p.header_left_mm)
    # ô 1: Quốc hiệu and Tiêu ngữ, with a rule as long as the motto.
    first_para(right, "KH Quốc hiệu", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    para(right, "KH Tiêu ngữ", "Độc lập - Tự do - Hạnh phúc")
    add_rule(right, p.motto_rule_mm, p.header_right_mm)
    # ô 3 and ô 4 on one row, so they stay level whatever the height above.
    number, place_date = table.rows[1].cells
    first_para(number, "KH Số ký hiệu", "{{ header.number }}")
    for style, text in under_number:
        para(number, style, text)
    first_para(place_date, "KH Địa danh ngày", "{{ header.place_date }}")


def title_block(document, p: StyleProfile, type_name: str, subject: str, *,
                 space_after_pt: float | None = None) -> None:
    """Ô 5a: tên loại, trích yếu and the short rule under it."""
    para(document, "KH Tên loại", type_name)
    para(document, "KH Trích yếu", subject)
    rule = add_rule(document, p.subject_rule_mm, p.text_width_mm)
    rule.paragraph_format.space_after = Pt(p.line_spacing_pt if space_after_pt is None else space_after_pt)


def paras(document, items: Sequence[tuple[str, str | None]]) -> None:
    """Body paragraphs ``(style, text)``, in order; ``None``: an empty paragraph."""
    for style, text in items:
        para(document, style, *(() if text is None else (text,)))


def closing(document, text: str, style: str = "KH Nội dung") -> None:
    """The last body paragraph stays on the page of the signature (a page holding
    only a signature is not acceptable), then one blank line before Nơi nhận."""
    para(document, style, text).paragraph_format.keep_with_next = True
    para(document, "Normal").paragraph_format.keep_with_next = True


def signature_block(document, p: StyleProfile, left: Sequence[tuple[str, str | None]],
                     right: Sequence[tuple[str, str | None]]) -> None:
    """Ô 9b (Nơi nhận, ``left``) and ô 7 (``right``) in a borderless table."""
    widths = (p.header_left_mm, p.header_right_mm)
    table = new_table(document, widths, 1, borders=False, cell_margins_zero=True)
    # The signature block is never split across pages.
    row_flags(table.rows[0])
    left_cell, right_cell = table.rows[0].cells
    fill_cell(left_cell, left)
    fill_cell(right_cell, right)


def signer(p: StyleProfile) -> list[tuple[str, str | None]]:
    """Ô 7a–7b from ``signer``: authority and title lines, room to sign, name."""
    return [
        ("KH Chức vụ ký", "{%p for line in signer.lines %}"),
        ("KH Chức vụ ký", "{{ line }}"),
        ("KH Chức vụ ký", "{%p endfor %}"),
        *[("KH Người ký", None)] * p.signature_space_lines,
        ("KH Người ký", "{{ signer.name }}"),
    ]


def appendix_heading(document, p: StyleProfile, title: str, reference: str) -> None:
    """"Phụ lục", its title, the "(Kèm theo …)" line and a short rule (Mẫu 2.1)."""
    para(document, "KH Phụ lục", "Phụ lục")
    para(document, "KH Tên phụ lục", title)
    para(document, "KH Kèm theo", reference)
    appendix_rule = add_rule(document, p.subject_rule_mm, p.landscape_text_width_mm)
    appendix_rule.paragraph_format.space_after = Pt(p.line_spacing_pt)


def bordered_table(document, widths_mm: Sequence[float], headings: Sequence[str], loop: str,
                    cells: Sequence[tuple[str, str]], *, group: tuple[str, str] | None = None) -> None:
    """A bordered table: a heading row repeated at the top of every page, then
    one row per item of ``loop`` (``{%tr for … %}``) with ``cells`` as
    ``(style, content)`` (``""``: an empty cell).  With ``group``
    (``(numeral, title)`` tags), items whose ``row.group`` is true print as a
    bold row: the numeral, then the title across the other columns."""
    rows_needed = 8 if group else 4
    table = new_table(document, widths_mm, rows_needed, borders=True, cell_margins_zero=False)
    rows = table.rows
    # Row 0: column headings, repeated at the top of every page.
    row_flags(rows[0], header=True)
    for cell, text in zip(rows[0].cells, headings):
        first_para(cell, "KH Bảng tiêu đề", text)
        v_center(cell)
    # Control rows: docxtpl replaces each whole row by its tag.
    controls: tuple[tuple[int, str], ...]
    if group:
        controls = ((1, loop), (2, "{%tr if row.group %}"), (4, "{%tr else %}"), (6, "{%tr endif %}"),
                    (7, "{%tr endfor %}"))
    else:
        controls = ((1, loop), (3, "{%tr endfor %}"))
    for index, tag in controls:
        cell = span_row(table, index)
        first_para(cell, "KH Bảng", tag)
    if group:
        # Row 3: a group (I, II, …) — its numeral, then its title across the other columns.
        row_flags(rows[3])
        group_cells = rows[3].cells
        title_cell = group_cells[1].merge(group_cells[-1])
        stt = first_para(group_cells[0], "KH Bảng nhóm", group[0])
        stt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        first_para(title_cell, "KH Bảng nhóm", group[1])
    # The item row.
    item = rows[5] if group else rows[2]
    row_flags(item)
    for cell, (style, tag) in zip(item.cells, cells):
        first_para(cell, style, *((tag,) if tag else ()))


def column_table(document, total_mm: float, columns: Sequence[Column], loop: str, **kwargs) -> None:
    bordered_table(document, column_widths(total_mm, columns), [c.heading for c in columns], loop,
                    [(c.style, c.tag) for c in columns], **kwargs)


def hide_section_break_mark(document) -> None:
    """Hide the mark of the paragraph carrying section 1's break: when the
    signature block ends at the very foot of a page, even the 1 pt mark would
    otherwise start a page of its own (LibreOffice does so; Word's known cure
    is the same hidden mark).  Used by the report templates, whose length
    depends on what agencies write."""
    sectPr = document.sections[0]._sectPr
    rPr = sectPr.getparent().find(qn("w:rPr"))
    if rPr is not None and rPr.find(qn("w:vanish")) is None:
        rPr.insert(0, OxmlElement("w:vanish"))
