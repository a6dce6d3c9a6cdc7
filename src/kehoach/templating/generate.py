"""Build the default docxtpl templates (``templates/plan.docx``) from a style profile.

The template is written from scratch with python-docx so that it is fully
determined by :class:`~kehoach.templating.profile.StyleProfile`: every size,
margin, indent and column width comes from the profile, and the output is
byte-identical on every run (:func:`~kehoach.render.package.normalize_docx`
with a fixed epoch).

Formatting lives in **named styles** (``KH Nội dung``, ``KH Tên loại``, …), not
on individual paragraphs: an office that wants 13 pt body text or another
indent opens the template in Word and changes the style once.  Direct
formatting is used only for geometry that is not a typographic choice: table
widths and borders, the short rules under the issuer, the motto and the
subject, the landscape section of the Phụ lục.

Every style sets the font in all four slots (``ascii``, ``hAnsi``,
``eastAsia``, ``cs``), carries no theme-font attribute (theme fonts win over
explicit names in Word) and is tagged ``vi-VN``.

Every docxtpl tag is written as the whole text of a single run, so docxtpl
never has to merge runs (a merged tag keeps only the first run's formatting).
The body receives the context built by :func:`kehoach.documents.plan.context`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Sequence

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, Twips
from docx.text.paragraph import Paragraph

from ..render.package import normalize_docx
from .profile import DEFAULT, StyleProfile

__all__ = ["TEMPLATE_EPOCH", "STYLE_NAMES", "generate_templates", "build_plan_template"]

#: Zip timestamps and core-properties dates of generated templates: 1980-01-01,
#: fixed so the committed file does not depend on SOURCE_DATE_EPOCH or the clock.
TEMPLATE_EPOCH = 315532800

# --- Geometry that is not a typographic choice of the profile ---------------
# (kept here, named, rather than scattered as literals; candidates for the
# profile if an office ever needs to change them)

#: Weight of the short solid rules (ô 2, Tiêu ngữ, trích yếu, Phụ lục), in
#: eighths of a point: ¾ pt, as thin as the decree's own sample.
RULE_WEIGHT_EIGHTHS = 6
#: Height of the empty paragraph that carries a rule (pt), i.e. the gap between
#: the text above and the rule, as in the decree's samples.
RULE_LINE_PT = 4.0
#: Size of the paragraph mark of an empty rule or section-break paragraph (pt),
#: small so that the mark never makes the paragraph taller than RULE_LINE_PT.
TINY_MARK_PT = 1.0
#: Borders of the Phụ lục task table, eighths of a point (½ pt single line).
TABLE_BORDER_EIGHTHS = 4

W_TAGS_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
W_TAGS_PPR_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)
W_TAGS_PPR_AFTER_RPR = ("w:sectPr", "w:pPrChange")
W_TAGS_SECTPR_AFTER_PGNUMTYPE = (
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)
#: CT_TblPr children in schema order (tblBorders must come before shd/tblLayout/…).
W_TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
    "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
    "w:tblDescription",
)
#: Styles of python-docx's default template that the generated one keeps (the
#: defaults every document needs); every other built-in style is dropped so the
#: style list an office sees holds only what the template uses.
KEPT_BUILTIN_STYLES = ("Normal", "Default Paragraph Font", "Normal Table", "No List")

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


@dataclass(frozen=True)
class _StyleSpec:
    name: str
    style_id: str
    size: float
    kind: str = "paragraph"  # or "character"
    bold: bool = False
    italic: bool = False
    caps: bool = False  # shown in capitals whatever case the data is in
    align: str | None = None
    first_line_indent_cm: float | None = None
    space_before_pt: float = 0.0
    space_after_pt: float = 0.0
    line_exact_pt: float | None = None  # None: single line spacing
    keep_with_next: bool = False
    next_style: str | None = None


# Names of every style the template defines, in definition order.
STYLE_NAMES: tuple[str, ...] = (
    "KH Cơ quan chủ quản", "KH Tên cơ quan", "KH Quốc hiệu", "KH Tiêu ngữ",
    "KH Số ký hiệu", "KH Địa danh ngày", "KH Tên loại", "KH Trích yếu", "KH Căn cứ",
    "KH Tên phần", "KH Nội dung", "KH Nơi nhận", "KH Nơi nhận dòng", "KH Chức vụ ký",
    "KH Người ký", "KH Số trang", "KH Phụ lục", "KH Tên phụ lục", "KH Kèm theo",
    "KH Bảng", "KH Bảng giữa", "KH Bảng tiêu đề", "KH Bảng nhóm", "KH Đậm",
)


def _style_specs(p: StyleProfile) -> list[_StyleSpec]:
    """Every named style, with all values taken from the profile."""
    body = dict(
        size=p.body_size,
        align="justify",
        first_line_indent_cm=p.first_line_indent_cm,
        space_after_pt=p.space_after_pt,
        line_exact_pt=p.line_spacing_pt,
    )
    table = dict(size=p.table_size, space_before_pt=p.table_space_pt, space_after_pt=p.table_space_pt)
    specs = [
        # Header block (ô 1–4).
        # NĐ 30: ô 2 is UPPERCASE.  The data is expected in capitals already;
        # w:caps makes a lower-case entry still print correctly.
        _StyleSpec("KH Cơ quan chủ quản", "KHCoQuanChuQuan", p.header_org_size, caps=True,
                   align="center"),
        _StyleSpec("KH Tên cơ quan", "KHTenCoQuan", p.header_org_size, bold=True, caps=True,
                   align="center"),
        _StyleSpec("KH Quốc hiệu", "KHQuocHieu", p.header_org_size, bold=True, align="center"),
        _StyleSpec("KH Tiêu ngữ", "KHTieuNgu", p.motto_size, bold=True, align="center"),
        _StyleSpec("KH Số ký hiệu", "KHSoKyHieu", p.number_size, align="center",
                   space_before_pt=p.space_after_pt),
        _StyleSpec("KH Địa danh ngày", "KHDiaDanhNgay", p.place_date_size, italic=True,
                   align="center", space_before_pt=p.space_after_pt),
        # Title (ô 5a): a blank line of the body above it.
        _StyleSpec("KH Tên loại", "KHTenLoai", p.title_size, bold=True, align="center",
                   space_before_pt=2 * p.line_spacing_pt, keep_with_next=True),
        _StyleSpec("KH Trích yếu", "KHTrichYeu", p.title_size, bold=True, align="center",
                   keep_with_next=True),
        # Body (ô 6).
        _StyleSpec("KH Căn cứ", "KHCanCu", italic=True, next_style="KH Nội dung", **body),
        _StyleSpec("KH Tên phần", "KHTenPhan", bold=True, keep_with_next=True,
                   next_style="KH Nội dung", **body),
        _StyleSpec("KH Nội dung", "KHNoiDung", next_style="KH Nội dung", **body),
        # Recipients and signature (ô 9b, 7a, 7b).
        _StyleSpec("KH Nơi nhận", "KHNoiNhan", p.recipients_heading_size, bold=True,
                   italic=True, align="left", next_style="KH Nơi nhận dòng"),
        _StyleSpec("KH Nơi nhận dòng", "KHNoiNhanDong", p.recipients_size, align="left"),
        _StyleSpec("KH Chức vụ ký", "KHChucVuKy", p.signer_size, bold=True, align="center"),
        _StyleSpec("KH Người ký", "KHNguoiKy", p.signer_size, bold=True, align="center"),
        _StyleSpec("KH Số trang", "KHSoTrang", p.page_number_size, align="center"),
        # Phụ lục (Mẫu 2.1).
        _StyleSpec("KH Phụ lục", "KHPhuLuc", p.appendix_label_size, bold=True, align="center",
                   keep_with_next=True),
        _StyleSpec("KH Tên phụ lục", "KHTenPhuLuc", p.title_size, bold=True, align="center",
                   keep_with_next=True),
        _StyleSpec("KH Kèm theo", "KHKemTheo", p.title_size, italic=True, align="center",
                   keep_with_next=True),
        _StyleSpec("KH Bảng", "KHBang", align="left", **table),
        _StyleSpec("KH Bảng giữa", "KHBangGiua", align="center", **table),
        _StyleSpec("KH Bảng tiêu đề", "KHBangTieuDe", bold=True, align="center", **table),
        # keep-with-next on every paragraph of a row keeps the row with the next
        # one: a group title is never left alone at the foot of a page.
        _StyleSpec("KH Bảng nhóm", "KHBangNhom", bold=True, align="left", keep_with_next=True,
                   **table),
        # Character style: the bold lead of a numbered item.
        _StyleSpec("KH Đậm", "KHDam", p.body_size, kind="character", bold=True),
    ]
    assert tuple(s.name for s in specs) == STYLE_NAMES
    return specs


# --- low-level XML helpers ---------------------------------------------------


def _el(tag: str, **attrs: str | int) -> OxmlElement:
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def _half_points(size_pt: float) -> str:
    return str(int(round(size_pt * 2)))


def _twips_mm(mm: float) -> int:
    return int(round(Mm(mm).twips))


def _twips_pt(pt: float) -> int:
    return int(round(pt * 20))


def _set_run_fonts(rPr, p: StyleProfile, size: float | None) -> None:
    """Font in all four slots, no theme fonts, size (normal + complex script), vi-VN."""
    rFonts = rPr.get_or_add_rFonts()
    for attr in list(rFonts.attrib):
        rFonts.attrib.pop(attr)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        rFonts.set(qn(f"w:{slot}"), p.font)
    if size is not None:
        rPr.get_or_add_sz().set(qn("w:val"), _half_points(size))
        szCs = rPr.find(qn("w:szCs"))
        if szCs is None:
            szCs = _el("w:szCs")
            rPr.insert_element_before(
                szCs, "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText",
                "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", *W_TAGS_RPR_AFTER_LANG,
            )
        szCs.set(qn("w:val"), _half_points(size))
    lang = rPr.find(qn("w:lang"))
    if lang is None:
        lang = _el("w:lang")
        rPr.insert_element_before(lang, *W_TAGS_RPR_AFTER_LANG)
    lang.attrib.clear()
    lang.set(qn("w:val"), p.language)
    lang.set(qn("w:eastAsia"), p.language)


def _set_bold_italic(rPr, bold: bool, italic: bool) -> None:
    if bold:
        rPr.get_or_add_b()
        rPr.get_or_add_bCs()
    if italic:
        rPr.get_or_add_i()
        rPr.get_or_add_iCs()


# --- document-wide settings --------------------------------------------------


def _prune_package(document) -> None:
    """Drop what python-docx's default template carries but a template should not:
    ``stylesWithEffects`` (a second, theme-font-laden copy of the styles),
    the thumbnail of a blank page and an empty custom-XML item."""
    part = document.part
    for rId, rel in list(part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            del part.rels[rId]
    pkg_rels = part.package.rels
    for rId, rel in list(pkg_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del pkg_rels[rId]


def _setup_settings(document, p: StyleProfile) -> None:
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.attrib.clear()
        lang.set(qn("w:val"), p.language)
    # Word 2013+ layout (table edges on the text margin, as both Word and
    # LibreOffice lay out new documents today).
    for cs in settings.iter(qn("w:compatSetting")):
        if cs.get(qn("w:name")) == "compatibilityMode":
            cs.set(qn("w:val"), "15")


def _setup_defaults(document, p: StyleProfile) -> None:
    """docDefaults, Normal, and the removal of unused built-in styles."""
    styles_el = document.styles.element
    doc_defaults = styles_el.find(qn("w:docDefaults"))
    if doc_defaults is not None:
        styles_el.remove(doc_defaults)
    doc_defaults = _el("w:docDefaults")
    rpr_default = _el("w:rPrDefault")
    rPr = OxmlElement("w:rPr")
    rpr_default.append(rPr)
    _set_run_fonts(rPr, p, p.body_size)
    ppr_default = _el("w:pPrDefault")
    pPr = OxmlElement("w:pPr")
    pPr.append(_el("w:widowControl"))
    pPr.append(_el("w:spacing", before=0, after=0, line=240, lineRule="auto"))
    ppr_default.append(pPr)
    doc_defaults.append(rpr_default)
    doc_defaults.append(ppr_default)
    styles_el.insert(0, doc_defaults)

    for style_el in list(styles_el.findall(qn("w:style"))):
        name_el = style_el.find(qn("w:name"))
        name = name_el.get(qn("w:val")) if name_el is not None else None
        if name not in KEPT_BUILTIN_STYLES:
            styles_el.remove(style_el)

    normal = document.styles["Normal"]
    _set_run_fonts(normal.element.get_or_add_rPr(), p, p.body_size)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    pf.widow_control = True


def _add_style(document, spec: _StyleSpec, p: StyleProfile) -> None:
    kind = WD_STYLE_TYPE.CHARACTER if spec.kind == "character" else WD_STYLE_TYPE.PARAGRAPH
    style = document.styles.add_style(spec.name, kind)
    style.element.set(qn("w:styleId"), spec.style_id)
    style.quick_style = True
    style.priority = 1
    if kind == WD_STYLE_TYPE.CHARACTER:
        style.base_style = document.styles["Default Paragraph Font"]
    else:
        style.base_style = document.styles["Normal"]
    rPr = style.element.get_or_add_rPr()
    _set_bold_italic(rPr, spec.bold, spec.italic)
    if spec.caps:
        rPr.get_or_add_caps()
    _set_run_fonts(rPr, p, spec.size)
    if kind == WD_STYLE_TYPE.CHARACTER:
        return
    pf = style.paragraph_format
    if spec.align:
        pf.alignment = ALIGN[spec.align]
    pf.first_line_indent = Cm(spec.first_line_indent_cm) if spec.first_line_indent_cm else Cm(0)
    pf.left_indent = Cm(0)
    pf.right_indent = Cm(0)
    pf.space_before = Pt(spec.space_before_pt)
    pf.space_after = Pt(spec.space_after_pt)
    if spec.line_exact_pt is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(spec.line_exact_pt)
    else:
        pf.line_spacing = 1.0
    pf.widow_control = True
    if spec.keep_with_next:
        pf.keep_with_next = True


def _link_next_styles(document, specs: Sequence[_StyleSpec]) -> None:
    for spec in specs:
        if spec.next_style:
            document.styles[spec.name].next_paragraph_style = document.styles[spec.next_style]


# --- paragraphs, rules, fields ------------------------------------------------


def _preserve(run) -> None:
    """Keep spaces at the edges of the run text (values like `` (Có phụ lục…)``)."""
    for t in run._r.findall(qn("w:t")):
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _para(container, style: str, *runs: str | tuple[str, str]):
    """Add a paragraph in ``style`` with one run per item; a ``(text, char_style)``
    item gets a character style.  Each docxtpl tag is the whole text of one run."""
    par = container.add_paragraph(style=style)
    for item in runs:
        text, char_style = (item, None) if isinstance(item, str) else item
        run = par.add_run(text, style=char_style)
        _preserve(run)
    return par


def _first_para(cell, style: str, *runs: str | tuple[str, str]):
    """Fill the cell's initial empty paragraph (a cell always holds one)."""
    par = cell.paragraphs[0]
    par.style = style
    for item in runs:
        text, char_style = (item, None) if isinstance(item, str) else item
        _preserve(par.add_run(text, style=char_style))
    return par


def _rule(container, length_mm: float, available_mm: float):
    """An empty, very low paragraph whose bottom border is a centred solid rule
    ``length_mm`` long, inside a column ``available_mm`` wide."""
    par = container.add_paragraph(style="Normal")
    side = max(0.0, (available_mm - length_mm) / 2)
    pf = par.paragraph_format
    pf.left_indent = Mm(side)
    pf.right_indent = Mm(side)
    pf.first_line_indent = Mm(0)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(RULE_LINE_PT)
    pf.keep_with_next = False
    pPr = par._p.get_or_add_pPr()
    pBdr = _el("w:pBdr")
    pBdr.append(_el("w:bottom", val="single", sz=RULE_WEIGHT_EIGHTHS, space=1, color="auto"))
    pPr.insert_element_before(pBdr, *W_TAGS_PPR_AFTER_PBDR)
    _tiny_mark(par)
    return par


def _tiny_mark(par) -> None:
    """Make the paragraph mark as small as the rule line, so an empty paragraph
    takes (almost) no height."""
    pPr = par._p.get_or_add_pPr()
    rPr = OxmlElement("w:rPr")
    size = _half_points(TINY_MARK_PT)
    rPr.append(_el("w:sz", val=size))
    rPr.append(_el("w:szCs", val=size))
    pPr.insert_element_before(rPr, *W_TAGS_PPR_AFTER_RPR)


def _page_field(par) -> None:
    """A ``PAGE`` field: begin / instrText / separate / placeholder / end runs."""
    def run_with(child) -> None:
        r = OxmlElement("w:r")
        r.append(child)
        par._p.append(r)

    run_with(_el("w:fldChar", fldCharType="begin"))
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    run_with(instr)
    run_with(_el("w:fldChar", fldCharType="separate"))
    t = OxmlElement("w:t")
    t.text = "2"
    run_with(t)
    run_with(_el("w:fldChar", fldCharType="end"))


def _fill_header(header, with_number: bool) -> None:
    header.is_linked_to_previous = False
    par = header.paragraphs[0]
    par.style = "KH Số trang"
    if with_number:
        _page_field(par)


# --- tables -------------------------------------------------------------------


def _table(document, widths_mm: Sequence[float], rows: int, *, borders: bool, cell_margins_zero: bool):
    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.autofit = False
    tblPr = table._tbl.tblPr
    total = sum(_twips_mm(w) for w in widths_mm)
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = _el("w:tblW")
        tblPr.append(tblW)
    tblW.set(qn("w:w"), str(total))
    tblW.set(qn("w:type"), "dxa")
    if borders:
        tblBorders = _el("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            tblBorders.append(_el(f"w:{edge}", val="single", sz=TABLE_BORDER_EIGHTHS, space=0, color="auto"))
    else:
        tblBorders = _el("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            tblBorders.append(_el(f"w:{edge}", val="nil"))
    tblPr.append(tblBorders)
    if cell_margins_zero:
        mar = _el("w:tblCellMar")
        for edge in ("top", "left", "bottom", "right"):
            mar.append(_el(f"w:{edge}", w=0, type="dxa"))
        tblPr.append(mar)
    ind = _el("w:tblInd", w=0, type="dxa")
    tblPr.append(ind)
    _order_children(tblPr, W_TBLPR_ORDER)
    grid = table._tbl.tblGrid
    for gridCol, width in zip(grid.findall(qn("w:gridCol")), widths_mm):
        gridCol.set(qn("w:w"), str(_twips_mm(width)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Twips(_twips_mm(width))
    return table


def _order_children(parent, order: Sequence[str]) -> None:
    """Re-insert ``parent``'s children in schema order (stable for equal tags)."""
    rank = {qn(tag): i for i, tag in enumerate(order)}
    children = list(parent)
    for child in children:
        parent.remove(child)
    for child in sorted(children, key=lambda c: rank.get(c.tag, len(order))):
        parent.append(child)


def _row_flags(row, *, header: bool = False, cant_split: bool = True) -> None:
    trPr = row._tr.get_or_add_trPr()
    if cant_split:
        trPr.append(_el("w:cantSplit"))
    if header:
        trPr.append(_el("w:tblHeader"))


def _v_center(cell) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    tcPr.append(_el("w:vAlign", val="center"))


def _span_row(table, row_index: int):
    """Merge every cell of a row into one (gridSpan = number of columns)."""
    row = table.rows[row_index]
    first, last = row.cells[0], row.cells[-1]
    return first.merge(last)


# --- the plan template ----------------------------------------------------------


def _header_block(document, p: StyleProfile) -> None:
    widths = (p.header_left_mm, p.header_right_mm)
    table = _table(document, widths, 2, borders=False, cell_margins_zero=True)
    left, right = table.rows[0].cells
    # ô 2: cơ quan chủ quản, then tên cơ quan ban hành, then a short rule.
    _first_para(left, "KH Cơ quan chủ quản", "{%p for line in header.parent %}")
    _para(left, "KH Cơ quan chủ quản", "{{ line }}")
    _para(left, "KH Cơ quan chủ quản", "{%p endfor %}")
    _para(left, "KH Tên cơ quan", "{%p for line in header.name %}")
    _para(left, "KH Tên cơ quan", "{{ line }}")
    _para(left, "KH Tên cơ quan", "{%p endfor %}")
    _rule(left, p.issuer_rule_mm, p.header_left_mm)
    # ô 1: Quốc hiệu and Tiêu ngữ, with a rule as long as the motto.
    _first_para(right, "KH Quốc hiệu", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    _para(right, "KH Tiêu ngữ", "Độc lập - Tự do - Hạnh phúc")
    _rule(right, p.motto_rule_mm, p.header_right_mm)
    # ô 3 and ô 4 on one row, so they stay level whatever the height above.
    number, place_date = table.rows[1].cells
    _first_para(number, "KH Số ký hiệu", "{{ header.number }}")
    _first_para(place_date, "KH Địa danh ngày", "{{ header.place_date }}")


def _signature_block(document, p: StyleProfile) -> None:
    widths = (p.header_left_mm, p.header_right_mm)
    table = _table(document, widths, 1, borders=False, cell_margins_zero=True)
    # The signature block is never split across pages.
    _row_flags(table.rows[0])
    left, right = table.rows[0].cells
    _first_para(left, "KH Nơi nhận", "Nơi nhận:")
    _para(left, "KH Nơi nhận dòng", "{%p for r in recipients %}")
    _para(left, "KH Nơi nhận dòng", "{{ r }}")
    _para(left, "KH Nơi nhận dòng", "{%p endfor %}")
    _first_para(right, "KH Chức vụ ký", "{%p for line in signer.lines %}")
    _para(right, "KH Chức vụ ký", "{{ line }}")
    _para(right, "KH Chức vụ ký", "{%p endfor %}")
    for _ in range(p.signature_space_lines):
        _para(right, "KH Người ký")
    _para(right, "KH Người ký", "{{ signer.name }}")


APPENDIX_HEADINGS = (
    "STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện",
    "Sản phẩm, kết quả",
)


def _appendix_table(document, p: StyleProfile) -> None:
    widths = (p.col_stt_mm, p.col_task_mm, p.col_lead_mm, p.col_support_mm,
              p.col_timeline_mm, p.col_output_mm)
    table = _table(document, widths, 8, borders=True, cell_margins_zero=False)
    rows = table.rows
    # Row 0: column headings, repeated at the top of every page.
    _row_flags(rows[0], header=True)
    for cell, text in zip(rows[0].cells, APPENDIX_HEADINGS):
        _first_para(cell, "KH Bảng tiêu đề", text)
        _v_center(cell)
    # Control rows: docxtpl replaces each whole row by its tag.
    for index, tag in ((1, "{%tr for row in appendix.rows %}"), (2, "{%tr if row.group %}"),
                       (4, "{%tr else %}"), (6, "{%tr endif %}"), (7, "{%tr endfor %}")):
        cell = _span_row(table, index)
        _first_para(cell, "KH Bảng", tag)
    # Row 3: a group (I, II, …) — its numeral, then its title across five columns.
    _row_flags(rows[3])
    group = rows[3].cells
    title_cell = group[1].merge(group[-1])
    stt = _first_para(group[0], "KH Bảng nhóm", "{{ row.stt }}")
    stt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _first_para(title_cell, "KH Bảng nhóm", "{{ row.title }}")
    # Row 5: a task.
    _row_flags(rows[5])
    task = rows[5].cells
    for cell, style, tag in zip(
        task,
        ("KH Bảng giữa", "KH Bảng", "KH Bảng", "KH Bảng", "KH Bảng giữa", "KH Bảng"),
        ("{{ row.stt }}", "{{ row.content }}", "{{ row.lead }}", "{{ row.support }}",
         "{{ row.timeline }}", "{{ row.output }}"),
    ):
        _first_para(cell, style, tag)


def build_plan_template(profile: StyleProfile = DEFAULT) -> bytes:
    """The Kế hoạch template (Mẫu 1.4 with a Phụ lục, Mẫu 2.1) as raw .docx bytes
    (not yet normalised; :func:`generate_templates` is the public entry point)."""
    p = profile
    document = docx.Document()
    _prune_package(document)
    _setup_settings(document, p)
    _setup_defaults(document, p)
    specs = _style_specs(p)
    for spec in specs:
        _add_style(document, spec, p)
    _link_next_styles(document, specs)

    core = document.core_properties
    core.author = "kehoach"
    core.title = "Mẫu kế hoạch (Nghị định 30/2020/NĐ-CP, Mẫu 1.4 và Mẫu 2.1)"
    core.comments = "Sinh tự động bởi kehoach từ hồ sơ định dạng (StyleProfile); sửa kiểu (style), không sửa từng đoạn."
    core.language = p.language
    core.subject = ""
    core.keywords = ""

    # --- Section 1: A4 portrait, the plan itself (Mẫu 1.4) ---
    s1 = document.sections[0]
    s1.orientation = WD_ORIENT.PORTRAIT
    s1.page_width = Mm(p.page_width_mm)
    s1.page_height = Mm(p.page_height_mm)
    s1.top_margin = Mm(p.margin_top_mm)
    s1.bottom_margin = Mm(p.margin_bottom_mm)
    s1.left_margin = Mm(p.margin_left_mm)
    s1.right_margin = Mm(p.margin_right_mm)
    s1.header_distance = Mm(p.header_distance_mm)
    s1.footer_distance = Mm(p.header_distance_mm)
    s1.gutter = Mm(0)
    s1.different_first_page_header_footer = True  # NĐ 30: no number on page 1
    _fill_header(s1.first_page_header, with_number=False)
    _fill_header(s1.header, with_number=True)

    _header_block(document, p)
    _para(document, "KH Tên loại", "{{ type_name }}")
    _para(document, "KH Trích yếu", "{{ subject }}")
    subject_rule = _rule(document, p.subject_rule_mm, p.text_width_mm)
    subject_rule.paragraph_format.space_after = Pt(p.line_spacing_pt)
    _para(document, "KH Căn cứ", "{%p for b in bases %}")
    _para(document, "KH Căn cứ", "{{ b }}")
    _para(document, "KH Căn cứ", "{%p endfor %}")
    _para(document, "KH Nội dung", "{%p for p in body %}")
    _para(document, "KH Tên phần", '{%p if p.kind == "heading" %}')
    _para(document, "KH Tên phần", "{{ p.text }}")
    _para(document, "KH Nội dung", "{%p else %}")
    _para(document, "KH Nội dung", ("{{ p.lead }}", "KH Đậm"), "{{ p.text }}")
    _para(document, "KH Nội dung", "{%p endif %}")
    _para(document, "KH Nội dung", "{%p endfor %}")
    # The closing paragraph stays on the page of the signature (a page holding
    # only a signature is not acceptable), then one blank line before Nơi nhận.
    _para(document, "KH Nội dung", "{{ closing }}").paragraph_format.keep_with_next = True
    _para(document, "Normal").paragraph_format.keep_with_next = True
    _signature_block(document, p)

    # --- Section 2: the Phụ lục on landscape A4 (Mẫu 2.1), numbered from 1 ---
    s2 = document.add_section(WD_SECTION.NEW_PAGE)
    _tiny_mark_section_break(document)
    s2.orientation = WD_ORIENT.LANDSCAPE
    s2.page_width = Mm(p.page_height_mm)
    s2.page_height = Mm(p.page_width_mm)
    s2.top_margin = Mm(p.margin_top_mm)
    s2.bottom_margin = Mm(p.margin_bottom_mm)
    s2.left_margin = Mm(p.margin_left_mm)
    s2.right_margin = Mm(p.margin_right_mm)
    s2.header_distance = Mm(p.header_distance_mm)
    s2.footer_distance = Mm(p.header_distance_mm)
    # A new section inherits "different first page" and the header references
    # of the previous one: set both explicitly.
    s2.different_first_page_header_footer = not p.appendix_first_page_number
    _fill_header(s2.first_page_header, with_number=p.appendix_first_page_number)
    _fill_header(s2.header, with_number=True)
    pg = _el("w:pgNumType", start=1)
    s2._sectPr.insert_element_before(pg, *W_TAGS_SECTPR_AFTER_PGNUMTYPE)

    _para(document, "KH Phụ lục", "Phụ lục")
    _para(document, "KH Tên phụ lục", "{{ appendix.title }}")
    _para(document, "KH Kèm theo", "(Kèm theo {{ appendix.reference }})")
    appendix_rule = _rule(document, p.subject_rule_mm, p.landscape_text_width_mm)
    appendix_rule.paragraph_format.space_after = Pt(p.line_spacing_pt)
    _appendix_table(document, p)
    _para(document, "KH Căn cứ", "{%p if appendix.note %}")
    note = _para(document, "KH Căn cứ", "{{ appendix.note }}")
    note.paragraph_format.space_before = Pt(p.space_after_pt)
    _para(document, "KH Căn cứ", "{%p endif %}")
    # A document must not end with a table (Word appends a paragraph anyway).
    _tiny_mark(document.add_paragraph(style="Normal"))

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _tiny_mark_section_break(document) -> None:
    """The paragraph python-docx adds to carry section 1's properties is empty:
    make it (almost) take no room, so it cannot push a blank page."""
    sectPr = document.sections[0]._sectPr
    par = Paragraph(sectPr.getparent().getparent(), document._body)
    par.style = "Normal"
    pf = par.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(TINY_MARK_PT)
    _tiny_mark(par)


def generate_templates(profile: StyleProfile = DEFAULT) -> dict[str, bytes]:
    """Every default template, by file name, as deterministic bytes."""
    return {"plan.docx": normalize_docx(build_plan_template(profile), epoch=TEMPLATE_EPOCH)}
