"""Build the default docxtpl templates (``templates/*.docx``) from a style profile.

Four templates, one per document kind of the workflow:

``plan.docx``
    the Kế hoạch (Mẫu 1.4) and its landscape Phụ lục (Mẫu 2.1);
``letter.docx``
    the công văn giao nhiệm vụ to one agency (Mẫu 1.5);
``report.docx``
    the báo cáo an agency fills in for one period (Mẫu 1.4), with a landscape
    Phụ lục listing its tasks and empty result columns;
``consolidated.docx``
    the báo cáo tổng hợp the issuer sends to the upper level (Mẫu 1.4), with a
    table by agency and a landscape Phụ lục of results by task.

They are assembled from the same pieces (a new document with the named styles,
the portrait section with page-number headers, the landscape appendix section,
the header block, the signature block, the bordered table with a repeated
header row and a ``{%tr for %}`` row), so a change of layout is made once.
All fixed wording (headings, sentences, guidance) is in this module, written
into the templates; the document modules supply only data.

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
Each template receives the context built by ``context()`` of its module in
:mod:`kehoach.documents` (``plan``, ``letter``, ``report``, ``consolidated``).

``plan.docx`` carries exactly the styles of :data:`STYLE_NAMES`; the three
workflow templates add :data:`WORKFLOW_STYLE_NAMES` (Kính gửi, the công văn's
"V/v" line, guidance placeholders in italics).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Sequence

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, Twips
from docx.text.paragraph import Paragraph

from ..render.package import normalize_docx
from .profile import DEFAULT, StyleProfile

__all__ = [
    "TEMPLATE_EPOCH", "STYLE_NAMES", "WORKFLOW_STYLE_NAMES", "TEMPLATE_NAMES", "generate_templates",
    "build_plan_template", "build_letter_template", "build_report_template",
    "build_consolidated_template",
]

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
    "KH Bảng", "KH Bảng giữa", "KH Bảng tiêu đề", "KH Bảng nhóm", "KH Đậm", "KH Nghiêng",
)


#: Styles the workflow templates (letter, report, consolidated) add to STYLE_NAMES.
WORKFLOW_STYLE_NAMES: tuple[str, ...] = (
    "KH Kính gửi", "KH Trích yếu công văn", "KH Hướng dẫn", "KH Hướng dẫn ký",
)


def _body_paragraph(p: StyleProfile) -> dict:
    """Size and paragraph geometry of body text (ô 6)."""
    return dict(
        size=p.body_size,
        align="justify",
        first_line_indent_cm=p.first_line_indent_cm,
        space_after_pt=p.space_after_pt,
        line_exact_pt=p.line_spacing_pt,
    )


def _style_specs(p: StyleProfile) -> list[_StyleSpec]:
    """Every named style of the plan template, with all values taken from the profile."""
    body = _body_paragraph(p)
    table: dict[str, Any] = dict(size=p.table_size, space_before_pt=p.table_space_pt,
                                 space_after_pt=p.table_space_pt)
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
        # Character style: italic labels (task records written in the body).
        _StyleSpec("KH Nghiêng", "KHNghieng", p.body_size, kind="character", italic=True),
    ]
    assert tuple(s.name for s in specs) == STYLE_NAMES
    return specs


def _workflow_style_specs(p: StyleProfile) -> list[_StyleSpec]:
    """The styles letter, report and consolidated templates add.

    No profile field is added for them: "Kính gửi" (ô 9a, 13–14 pt) takes the
    body size, the công văn's "V/v" line (ô 5b, 12–13 pt) the size of the
    number line (ô 3), and the guidance under the signer's title the signer's.
    """
    specs = [
        # ô 9a: one addressee on the line of "Kính gửi:", centred, a blank line
        # of the body above and below it.
        _StyleSpec("KH Kính gửi", "KHKinhGui", p.body_size, align="center",
                   space_before_pt=p.line_spacing_pt, space_after_pt=p.line_spacing_pt,
                   keep_with_next=True),
        # ô 5b: "V/v …" under the number of a công văn, regular, centred.
        _StyleSpec("KH Trích yếu công văn", "KHTrichYeuCongVan", p.number_size, align="center"),
        # What the drafter writes there, in brackets: removed before signing.
        _StyleSpec("KH Hướng dẫn", "KHHuongDan", italic=True, next_style="KH Nội dung",
                   **_body_paragraph(p)),
        _StyleSpec("KH Hướng dẫn ký", "KHHuongDanKy", p.signer_size, italic=True, align="center"),
    ]
    assert tuple(s.name for s in specs) == WORKFLOW_STYLE_NAMES
    return specs


# --- low-level XML helpers ---------------------------------------------------


def _el(tag: str, **attrs: str | int) -> BaseOxmlElement:
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


# --- shared pieces of every template ------------------------------------------------


@dataclass(frozen=True)
class _Column:
    """One column of a bordered table: heading, relative width, cell style and
    the cell's content in a task row (``""``: left empty for the drafter)."""
    heading: str
    share: float
    style: str = "KH Bảng"
    tag: str = ""


def _widths(total_mm: float, columns: Sequence[_Column]) -> tuple[float, ...]:
    """Column widths (mm) in proportion to ``share``, summing to ``total_mm``."""
    whole = sum(c.share for c in columns)
    return tuple(total_mm * c.share / whole for c in columns)


def _new_document(p: StyleProfile, title: str, *, workflow_styles: bool = True):
    """An empty document with the package pruned, the defaults and every named style."""
    document = docx.Document()
    _prune_package(document)
    _setup_settings(document, p)
    _setup_defaults(document, p)
    specs = _style_specs(p)
    if workflow_styles:
        specs += _workflow_style_specs(p)
    for spec in specs:
        _add_style(document, spec, p)
    _link_next_styles(document, specs)

    core = document.core_properties
    core.author = "kehoach"
    core.title = title
    core.comments = "Sinh tự động bởi kehoach từ hồ sơ định dạng (StyleProfile); sửa kiểu (style), không sửa từng đoạn."
    core.language = p.language
    core.subject = ""
    core.keywords = ""
    return document


def _page_geometry(section, p: StyleProfile, *, landscape: bool) -> None:
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


def _portrait_section(document, p: StyleProfile) -> None:
    """Section 1: A4 portrait, page number centred in the header, none on page 1."""
    s1 = document.sections[0]
    _page_geometry(s1, p, landscape=False)
    s1.gutter = Mm(0)
    s1.different_first_page_header_footer = True  # NĐ 30: no number on page 1
    _fill_header(s1.first_page_header, with_number=False)
    _fill_header(s1.header, with_number=True)


def _appendix_section(document, p: StyleProfile) -> None:
    """A new section on a new landscape page, numbered from 1 (Mẫu 2.1)."""
    s2 = document.add_section(WD_SECTION.NEW_PAGE)
    _tiny_mark_section_break(document)
    _page_geometry(s2, p, landscape=True)
    # A new section inherits "different first page" and the header references
    # of the previous one: set both explicitly.
    s2.different_first_page_header_footer = not p.appendix_first_page_number
    _fill_header(s2.first_page_header, with_number=p.appendix_first_page_number)
    _fill_header(s2.header, with_number=True)
    pg = _el("w:pgNumType", start=1)
    s2._sectPr.insert_element_before(pg, *W_TAGS_SECTPR_AFTER_PGNUMTYPE)


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


def _end_document(document) -> bytes:
    """Close the body with a (tiny) paragraph — a document must not end with a
    table, Word appends a paragraph anyway — and return the raw .docx bytes."""
    _tiny_mark(document.add_paragraph(style="Normal"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _fill_cell(cell, items: Sequence[tuple[str, str | None]]) -> None:
    """Paragraphs ``(style, text)`` in a table cell, the first one in the cell's
    own initial paragraph; ``None`` text: an empty paragraph."""
    for index, (style, text) in enumerate(items):
        runs = () if text is None else (text,)
        if index == 0:
            _first_para(cell, style, *runs)
        else:
            _para(cell, style, *runs)


def _header_block(document, p: StyleProfile, *, under_number: Sequence[tuple[str, str]] = ()) -> None:
    """Ô 1–4 (and the công văn's ô 5b, ``under_number``) in a borderless table."""
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
    for style, text in under_number:
        _para(number, style, text)
    _first_para(place_date, "KH Địa danh ngày", "{{ header.place_date }}")


def _title_block(document, p: StyleProfile, type_name: str, subject: str, *,
                 space_after_pt: float | None = None) -> None:
    """Ô 5a: tên loại, trích yếu and the short rule under it."""
    _para(document, "KH Tên loại", type_name)
    _para(document, "KH Trích yếu", subject)
    rule = _rule(document, p.subject_rule_mm, p.text_width_mm)
    rule.paragraph_format.space_after = Pt(p.line_spacing_pt if space_after_pt is None else space_after_pt)


def _paras(document, items: Sequence[tuple[str, str | None]]) -> None:
    """Body paragraphs ``(style, text)``, in order; ``None``: an empty paragraph."""
    for style, text in items:
        _para(document, style, *(() if text is None else (text,)))


def _closing(document, text: str, style: str = "KH Nội dung") -> None:
    """The last body paragraph stays on the page of the signature (a page holding
    only a signature is not acceptable), then one blank line before Nơi nhận."""
    _para(document, style, text).paragraph_format.keep_with_next = True
    _para(document, "Normal").paragraph_format.keep_with_next = True


def _signature_block(document, p: StyleProfile, left: Sequence[tuple[str, str | None]],
                     right: Sequence[tuple[str, str | None]]) -> None:
    """Ô 9b (Nơi nhận, ``left``) and ô 7 (``right``) in a borderless table."""
    widths = (p.header_left_mm, p.header_right_mm)
    table = _table(document, widths, 1, borders=False, cell_margins_zero=True)
    # The signature block is never split across pages.
    _row_flags(table.rows[0])
    left_cell, right_cell = table.rows[0].cells
    _fill_cell(left_cell, left)
    _fill_cell(right_cell, right)


def _signer(p: StyleProfile) -> list[tuple[str, str | None]]:
    """Ô 7a–7b from ``signer``: authority and title lines, room to sign, name."""
    return [
        ("KH Chức vụ ký", "{%p for line in signer.lines %}"),
        ("KH Chức vụ ký", "{{ line }}"),
        ("KH Chức vụ ký", "{%p endfor %}"),
        *[("KH Người ký", None)] * p.signature_space_lines,
        ("KH Người ký", "{{ signer.name }}"),
    ]


def _appendix_heading(document, p: StyleProfile, title: str, reference: str) -> None:
    """"Phụ lục", its title, the "(Kèm theo …)" line and a short rule (Mẫu 2.1)."""
    _para(document, "KH Phụ lục", "Phụ lục")
    _para(document, "KH Tên phụ lục", title)
    _para(document, "KH Kèm theo", reference)
    appendix_rule = _rule(document, p.subject_rule_mm, p.landscape_text_width_mm)
    appendix_rule.paragraph_format.space_after = Pt(p.line_spacing_pt)


def _bordered_table(document, widths_mm: Sequence[float], headings: Sequence[str], loop: str,
                    cells: Sequence[tuple[str, str]], *, group: tuple[str, str] | None = None) -> None:
    """A bordered table: a heading row repeated at the top of every page, then
    one row per item of ``loop`` (``{%tr for … %}``) with ``cells`` as
    ``(style, content)`` (``""``: an empty cell).  With ``group``
    (``(numeral, title)`` tags), items whose ``row.group`` is true print as a
    bold row: the numeral, then the title across the other columns."""
    rows_needed = 8 if group else 4
    table = _table(document, widths_mm, rows_needed, borders=True, cell_margins_zero=False)
    rows = table.rows
    # Row 0: column headings, repeated at the top of every page.
    _row_flags(rows[0], header=True)
    for cell, text in zip(rows[0].cells, headings):
        _first_para(cell, "KH Bảng tiêu đề", text)
        _v_center(cell)
    # Control rows: docxtpl replaces each whole row by its tag.
    controls: tuple[tuple[int, str], ...]
    if group:
        controls = ((1, loop), (2, "{%tr if row.group %}"), (4, "{%tr else %}"), (6, "{%tr endif %}"),
                    (7, "{%tr endfor %}"))
    else:
        controls = ((1, loop), (3, "{%tr endfor %}"))
    for index, tag in controls:
        cell = _span_row(table, index)
        _first_para(cell, "KH Bảng", tag)
    if group:
        # Row 3: a group (I, II, …) — its numeral, then its title across the other columns.
        _row_flags(rows[3])
        group_cells = rows[3].cells
        title_cell = group_cells[1].merge(group_cells[-1])
        stt = _first_para(group_cells[0], "KH Bảng nhóm", group[0])
        stt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _first_para(title_cell, "KH Bảng nhóm", group[1])
    # The item row.
    item = rows[5] if group else rows[2]
    _row_flags(item)
    for cell, (style, tag) in zip(item.cells, cells):
        _first_para(cell, style, *((tag,) if tag else ()))


def _column_table(document, total_mm: float, columns: Sequence[_Column], loop: str, **kwargs) -> None:
    _bordered_table(document, _widths(total_mm, columns), [c.heading for c in columns], loop,
                    [(c.style, c.tag) for c in columns], **kwargs)


# --- plan.docx: Kế hoạch (Mẫu 1.4) + Phụ lục (Mẫu 2.1) -------------------------------------


def build_plan_template(profile: StyleProfile = DEFAULT) -> bytes:
    """The Kế hoạch template (Mẫu 1.4 with a Phụ lục, Mẫu 2.1) as raw .docx bytes
    (not yet normalised; :func:`generate_templates` is the public entry point)."""
    p = profile
    document = _new_document(p, "Mẫu kế hoạch (Nghị định 30/2020/NĐ-CP, Mẫu 1.4 và Mẫu 2.1)",
                             workflow_styles=False)

    # --- Section 1: A4 portrait, the plan itself (Mẫu 1.4) ---
    _portrait_section(document, p)
    _header_block(document, p)
    _title_block(document, p, "{{ type_name }}", "{{ subject }}")
    # Căn cứ, the paragraphs after them and the body: escaped OOXML with inline
    # emphasis and footnote references (kehoach.templating.body).
    _para(document, "KH Nội dung", "{{p body_xml }}")
    _closing(document, "{{ closing }}")
    _signature_block(document, p, [
        ("KH Nơi nhận", "Nơi nhận:"),
        ("KH Nơi nhận dòng", "{%p for r in recipients %}"),
        ("KH Nơi nhận dòng", "{{ r }}"),
        ("KH Nơi nhận dòng", "{%p endfor %}"),
    ], _signer(p))

    # --- Section 2: the Phụ lục on landscape A4 (Mẫu 2.1), numbered from 1 ---
    # Each appendix declares its own columns and groups: they arrive as escaped
    # OOXML (kehoach.templating.tables).  A plan without appendices renders an
    # empty landscape section, which kehoach.render.sections then removes.
    _appendix_section(document, p)
    _para(document, "KH Nội dung", "{{p appendices_xml }}")
    return _end_document(document)


# --- letter.docx: công văn giao nhiệm vụ (Mẫu 1.5) --------------------------------------------


def build_letter_template(profile: StyleProfile = DEFAULT) -> bytes:
    """The công văn to one agency (Mẫu 1.5): its tasks as lead and as
    coordinator, and its reporting duty.  Context: :func:`kehoach.documents.letter.context`
    plus ``issuer_short``."""
    p = profile
    document = _new_document(p, "Mẫu công văn giao nhiệm vụ (Nghị định 30/2020/NĐ-CP, Mẫu 1.5)")
    _portrait_section(document, p)
    _header_block(document, p, under_number=[
        ("KH Trích yếu công văn", "V/v triển khai thực hiện {{ plan_ref }}"),
    ])
    _paras(document, [
        # A blank line more above "Kính gửi" than below it, as in Mẫu 1.5.
        ("Normal", None),
        ("KH Kính gửi", "Kính gửi: {{ addressee }}."),
        ("KH Nội dung",
         "Thực hiện {{ plan_ref }} về {{ plan_subject }} (sau đây gọi là Kế hoạch), {{ issuer_short }} "
         "đề nghị {{ agency_short }} triển khai thực hiện các nhiệm vụ được giao như sau:"),
        # 1. Tasks the agency leads.
        ("KH Tên phần", "{%p if lead_tasks %}"),
        ("KH Tên phần", "{{ sections.lead }} Nhiệm vụ chủ trì thực hiện"),
        ("KH Nội dung", "{%p for t in lead_tasks %}"),
        ("KH Nội dung", "- Nhiệm vụ {{ t.id }}: {{ t.content }}"),
        ("KH Nội dung",
         "{% if t.support %}Cơ quan phối hợp: {{ t.support }}; thời gian thực hiện"
         "{% else %}Thời gian thực hiện{% endif %}: {{ t.timeline }}"
         "{% if t.output %}; sản phẩm: {{ t.output }}{% endif %}"),
        ("KH Nội dung", "{%p endfor %}"),
        ("KH Nội dung", "{%p endif %}"),
        # 2. Tasks it supports.
        ("KH Tên phần", "{%p if sections.support %}"),
        ("KH Tên phần", "{{ sections.support }} Nhiệm vụ phối hợp thực hiện"),
        ("KH Nội dung", "{%p for t in support_tasks %}"),
        ("KH Nội dung", "- Nhiệm vụ {{ t.id }}: {{ t.content }}"),
        ("KH Nội dung", "Cơ quan chủ trì: {{ t.lead }}; thời gian thực hiện: {{ t.timeline }}."),
        ("KH Nội dung", "{%p endfor %}"),
        # Tasks given to a whole group it belongs to: one line per group, not
        # every row (a department named only as one of "các sở, ngành" would
        # otherwise receive dozens of pages of other agencies' tasks).
        ("KH Nội dung", "{%p for g in member_tasks %}"),
        ("KH Nội dung",
         "- Là thành viên của {{ g.group }}: phối hợp thực hiện {{ g.count }} nhiệm vụ "
         "{{ g.numbers }} theo Phụ lục kèm theo Kế hoạch."),
        ("KH Nội dung", "{%p endfor %}"),
        ("KH Nội dung", "{%p endif %}"),
        # 3. The plan's duty paragraphs that bind it ("Tổ chức thực hiện"), as printed.
        ("KH Tên phần", "{%p if duties %}"),
        ("KH Tên phần", "{{ sections.duties }} Trách nhiệm tổ chức thực hiện"),
        ("KH Nội dung", "{%p for d in duties %}"),
        ("KH Nội dung", "{{ d }}"),
        ("KH Nội dung", "{%p endfor %}"),
        ("KH Nội dung", "{%p endif %}"),
        # 4. Reporting (none when the plan sets no periodic report).
        ("KH Tên phần", "{%p if sections.reporting %}"),
        ("KH Tên phần", "{{ sections.reporting }} Chế độ báo cáo"),
        ("KH Nội dung", "{%p if reports %}"),
        ("KH Nội dung",
         "{% if reporting.periodic %}Định kỳ báo cáo{% else %}Báo cáo{% endif %} kết quả thực hiện các nhiệm vụ "
         "được giao, gửi về {{ reporting.to }}"
         "{% if reporting.via %} (qua {{ reporting.via }}){% endif %} theo thời hạn sau:"),
        ("KH Nội dung", "{%p for per in reporting.periods %}"),
        ("KH Nội dung",
         "- Báo cáo {{ per.label }}{% if per.range %} (số liệu {{ per.range }}){% endif %}: {{ per.deadline }}"
         "{% if loop.last %}.{% else %};{% endif %}"),
        ("KH Nội dung", "{%p endfor %}"),
        ("KH Nội dung", "{%p else %}"),
        ("KH Nội dung",
         "Chủ động phối hợp, cung cấp đầy đủ, kịp thời thông tin, số liệu về kết quả thực hiện các "
         "nhiệm vụ nêu trên cho cơ quan chủ trì khi được đề nghị, để tổng hợp, báo cáo theo quy định."),
        ("KH Nội dung", "{%p endif %}"),
        # The focal agency of a two-tier chain: its own deadlines to send the synthesis on.
        ("KH Nội dung", "{%p if reporting.relay %}"),
        ("KH Nội dung",
         "{{ agency_short }} tổng hợp báo cáo của các cơ quan, đơn vị, gửi {{ reporting.to }} theo thời hạn sau:"),
        ("KH Nội dung", "{%p for per in reporting.relay %}"),
        ("KH Nội dung",
         "- Tổng hợp báo cáo {{ per.label }}: {{ per.deadline }}{% if loop.last %}.{% else %};{% endif %}"),
        ("KH Nội dung", "{%p endfor %}"),
        ("KH Nội dung", "{%p endif %}"),
        ("KH Nội dung", "{%p endif %}"),
    ])
    _closing(document, "Đề nghị {{ agency_short }} quan tâm, triển khai thực hiện./.")
    _signature_block(document, p, [
        ("KH Nơi nhận", "Nơi nhận:"),
        ("KH Nơi nhận dòng", "- Như trên;"),
        ("KH Nơi nhận dòng", "{%p for r in recipients %}"),
        ("KH Nơi nhận dòng", "{{ r }}"),
        ("KH Nơi nhận dòng", "{%p endfor %}"),
        ("KH Nơi nhận dòng", "- Lưu: VT, {{ unit }}."),
    ], _signer(p))
    return _end_document(document)


# --- report.docx: báo cáo of one agency for one period (Mẫu 1.4 + Phụ lục) -----------------------


#: Columns of the report's Phụ lục; widths are shares of the landscape text
#: width (out of 252, the width of the default profile, in mm).  The last three
#: are left empty for the agency to fill in.
REPORT_APPENDIX_COLUMNS: tuple[_Column, ...] = (
    _Column("STT", 12, "KH Bảng giữa", "{{ r.stt }}"),
    _Column("Nhiệm vụ", 66, "KH Bảng", "{{ r.content }}"),
    _Column("Vai trò", 22, "KH Bảng giữa", "{{ r.role }}"),
    _Column("Cơ quan chủ trì", 32, "KH Bảng", "{{ r.lead }}"),
    _Column("Thời gian thực hiện", 24, "KH Bảng giữa", "{{ r.timeline }}"),
    _Column("Kết quả thực hiện", 54, "KH Bảng"),
    _Column("Tiến độ", 22, "KH Bảng giữa"),
    _Column("Ghi chú", 20, "KH Bảng"),
)


def _hide_section_break_mark(document) -> None:
    """Hide the mark of the paragraph carrying section 1's break: when the
    signature block ends at the very foot of a page, even the 1 pt mark would
    otherwise start a page of its own (LibreOffice does so; Word's known cure
    is the same hidden mark).  Used by the report templates, whose length
    depends on what agencies write."""
    sectPr = document.sections[0]._sectPr
    rPr = sectPr.getparent().find(qn("w:rPr"))
    if rPr is not None and rPr.find(qn("w:vanish")) is None:
        rPr.insert(0, OxmlElement("w:vanish"))


#: Guidance above the report's task table: the table is read back by ``kehoach report read``.
REPORT_TABLE_GUIDE = ("(Điền các cột Kết quả thực hiện, Tiến độ, Ghi chú. Cột Tiến độ ghi một trong: Hoàn thành; "
                      "Đang thực hiện; Chưa thực hiện. Không sửa các cột khác, không thêm, bớt hay đổi số ở "
                      "cột STT: đó là mã nhiệm vụ để tổng hợp tự động. Xóa dòng này trước khi trình ký.)")


def build_report_template(profile: StyleProfile = DEFAULT) -> bytes:
    """The báo cáo an agency sends for one period (Mẫu 1.4), with guidance in
    italics and a landscape Phụ lục of its tasks.  Context:
    :func:`kehoach.documents.report.context`."""
    p = profile
    document = _new_document(p, "Mẫu báo cáo kết quả thực hiện kế hoạch của cơ quan, đơn vị "
                                "(Nghị định 30/2020/NĐ-CP, Mẫu 1.4 và Mẫu 2.1)")
    _portrait_section(document, p)
    _header_block(document, p)
    _title_block(document, p, "BÁO CÁO", "Kết quả thực hiện {{ plan_ref }} {{ period.label }}",
                 space_after_pt=0)
    guide, body, heading = "KH Hướng dẫn", "KH Nội dung", "KH Tên phần"
    _paras(document, [
        ("KH Kính gửi", "Kính gửi: {{ addressee }}."),
        (body, "Thực hiện {{ plan_ref }}, {{ agency_name }} báo cáo kết quả thực hiện "
               "{{ period.label }} (số liệu {{ period.range }}) như sau:"),
        (heading, "I. KẾT QUẢ THỰC HIỆN"),
        (heading, "1. Công tác chỉ đạo, triển khai"),
        (guide, "(Nêu việc ban hành văn bản chỉ đạo, kế hoạch triển khai, công tác tuyên truyền, "
                "kiểm tra, đôn đốc… của {{ agency_short }} {{ period.range }}.)"),
        (heading, "2. Kết quả thực hiện các nhiệm vụ được giao"),
        (guide, "(Nêu tóm tắt kết quả nổi bật của các nhiệm vụ chủ trì và phối hợp thực hiện, "
                "có số liệu cụ thể, so sánh với chỉ tiêu, sản phẩm được giao.)"),
        (body, "{%p if rows %}"),
        (body, "Kết quả thực hiện từng nhiệm vụ chi tiết tại Phụ lục kèm theo Báo cáo này."),
        (body, "{%p endif %}"),
        # the duties of the plan's body that bind the agency, each followed by room for its result
        (body, "{%p if duties %}"),
        (body, "Kết quả thực hiện các trách nhiệm được phân công tại {{ plan_ref }}:"),
        (body, "{%p for d in duties %}"),
        (body, "{%p for line in d.lines %}"),
        (body, "{{ line }}"),
        (body, "{%p endfor %}"),
        (guide, "(Nêu kết quả thực hiện trách nhiệm này.)"),
        (body, "{%p endfor %}"),
        (body, "{%p endif %}"),
        (heading, "II. ĐÁNH GIÁ CHUNG"),
        (heading, "1. Ưu điểm"),
        (guide, "(Nêu những kết quả đạt được, cách làm hiệu quả, mô hình tốt.)"),
        (heading, "2. Tồn tại, hạn chế"),
        (guide, "(Nêu những nhiệm vụ chưa hoàn thành, chậm tiến độ hoặc chưa đạt yêu cầu.)"),
        (heading, "3. Nguyên nhân"),
        (guide, "(Nêu nguyên nhân khách quan, chủ quan của những tồn tại, hạn chế.)"),
        (heading, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"),
        (guide, "(Nêu các nhiệm vụ, giải pháp trọng tâm để hoàn thành các nhiệm vụ được giao "
                "trong thời gian tới.)"),
        (heading, "IV. ĐỀ XUẤT, KIẾN NGHỊ"),
        (guide, "(Nêu đề xuất, kiến nghị với {{ addressee }} và các cơ quan liên quan, nếu có.)"),
    ])
    _para(document, body, "Trên đây là báo cáo kết quả thực hiện {{ plan_ref }} {{ period.label }} "
                          "của {{ agency_name }}./.").paragraph_format.keep_with_next = True
    # Guidance, so it goes before signing: the deadline and the channel.
    _closing(document, "(Hạn gửi: {{ period.deadline }}{% if via %}, qua {{ via }}{% endif %}. "
                       "Xóa các dòng in nghiêng trong ngoặc trước khi trình ký.)", style=guide)
    _signature_block(document, p, [
        ("KH Nơi nhận", "Nơi nhận:"),
        ("KH Nơi nhận dòng", "- {{ addressee }}{% if via %} (qua {{ via }}){% endif %};"),
        ("KH Nơi nhận dòng", "- Lưu: VT."),
    ], [
        ("KH Chức vụ ký", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"),
        ("KH Hướng dẫn ký", "(Ký, ghi rõ họ tên, đóng dấu)"),
        *[("KH Người ký", None)] * p.signature_space_lines,
    ])

    _appendix_section(document, p)
    _hide_section_break_mark(document)
    _appendix_heading(
        document, p, "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ ĐƯỢC GIAO {{ period.label|upper }}",
        "(Kèm theo Báo cáo số {{ report_ref.number }} {{ report_ref.date }} của {{ agency_name }})")
    # The office reads the filled table back (kehoach report read): say what goes where.
    _para(document, "KH Hướng dẫn", REPORT_TABLE_GUIDE)
    _column_table(document, p.landscape_text_width_mm, REPORT_APPENDIX_COLUMNS, "{%tr for r in rows %}")
    return _end_document(document)


# --- consolidated.docx: báo cáo tổng hợp (Mẫu 1.4 + Phụ lục) ------------------------------------


#: The table by agency in the body (portrait); shares of the text width (out
#: of 165, the default profile's width in mm).
CONSOLIDATED_AGENCY_COLUMNS: tuple[_Column, ...] = (
    _Column("STT", 12, "KH Bảng giữa", "{{ loop.index }}"),
    _Column("Cơ quan, đơn vị", 40, "KH Bảng", "{{ a.name }}"),
    _Column("Chủ trì", 13, "KH Bảng giữa", "{{ a.lead }}"),
    _Column("Phối hợp", 14, "KH Bảng giữa", "{{ a.support }}"),
    _Column("Hoàn thành", 15, "KH Bảng giữa", "{{ a.done }}"),
    _Column("Đang thực hiện", 15, "KH Bảng giữa", "{{ a.in_progress }}"),
    _Column("Chưa thực hiện", 15, "KH Bảng giữa", "{{ a.not_started }}"),
    _Column("Chưa trả lời", 15, "KH Bảng giữa", "{{ a.no_answer }}"),
    _Column("Tình trạng", 26, "KH Bảng", "{{ a.state }}"),
)
#: The Phụ lục of results by task (landscape); shares out of 252.
CONSOLIDATED_APPENDIX_COLUMNS: tuple[_Column, ...] = (
    _Column("STT", 12, "KH Bảng giữa", "{{ row.stt }}"),
    _Column("Nhiệm vụ", 62, "KH Bảng", "{{ row.content }}"),
    _Column("Cơ quan chủ trì", 30, "KH Bảng", "{{ row.lead }}"),
    _Column("Tình trạng", 26, "KH Bảng", "{{ row.status }}"),
    _Column("Kết quả thực hiện của các cơ quan, đơn vị", 77, "KH Bảng", "{{ row.results }}"),
    _Column("Khó khăn, đề xuất", 45, "KH Bảng", "{{ row.difficulties }}"),
)


def _narrative_paras(key: str, empty: str) -> list[tuple[str, str | None]]:
    """The agencies' text for one heading of the consolidated report, one
    paragraph per agency ("- Phòng Y tế: …"), or a guide line when none wrote any."""
    return [
        ("KH Nội dung", f"{{%p for item in narrative.{key} %}}"),
        ("KH Nội dung", "- {{ item.agency }}: {{ item.text }}"),
        ("KH Nội dung", "{%p endfor %}"),
        ("KH Hướng dẫn", f"{{%p if not narrative.{key} %}}"),
        ("KH Hướng dẫn", f"({empty})"),
        ("KH Hướng dẫn", "{%p endif %}"),
    ]


def build_consolidated_template(profile: StyleProfile = DEFAULT) -> bytes:
    """The báo cáo tổng hợp of the issuer to the upper level (Mẫu 1.4): who
    reported (on time, late) and who did not, counts by status and by agency,
    the agencies' narrative under each heading, and a landscape Phụ lục of
    every agency's results by task.  Context:
    :func:`kehoach.documents.consolidated.context`."""
    p = profile
    document = _new_document(p, "Mẫu báo cáo tổng hợp kết quả thực hiện kế hoạch "
                                "(Nghị định 30/2020/NĐ-CP, Mẫu 1.4 và Mẫu 2.1)")
    _portrait_section(document, p)
    _header_block(document, p)
    _title_block(document, p, "BÁO CÁO", "Kết quả thực hiện {{ plan_ref }} {{ period.label }}",
                 space_after_pt=0)
    guide, body, heading = "KH Hướng dẫn", "KH Nội dung", "KH Tên phần"
    none = "Chưa có cơ quan, đơn vị nào báo cáo nội dung này; bổ sung trước khi trình ký."
    _paras(document, [
        ("KH Kính gửi", "Kính gửi: {{ addressee }}."),
        (body, "Trên cơ sở báo cáo của các cơ quan, đơn vị, {{ issuer_short }} báo cáo kết quả thực hiện "
               "{{ plan_ref }} {{ period.label }} (số liệu {{ period.range }}) như sau:"),
        (heading, "I. KẾT QUẢ THỰC HIỆN"),
        (heading, "1. Công tác chỉ đạo, triển khai"),
        *_narrative_paras("direction", none),
        (heading, "2. Tình hình báo cáo của các cơ quan, đơn vị"),
        (body, "Tính đến ngày {{ as_of }}, có {{ reporting.reported }}/{{ reporting.expected }} cơ quan, "
               "đơn vị gửi báo cáo (hạn gửi ngày {{ period.due }}), trong đó {{ reporting.on_time }} "
               "đơn vị gửi đúng hạn, {{ reporting.late|length }} đơn vị gửi muộn."),
        (body, "{%p if reporting.late %}"),
        (body, "Các cơ quan, đơn vị gửi báo cáo muộn:"),
        (body, "{%p for n in reporting.late %}"),
        (body, "- {{ n.name }} (gửi ngày {{ n.date }}){% if loop.last %}.{% else %};{% endif %}"),
        (body, "{%p endfor %}"),
        (body, "{%p endif %}"),
        (body, "{%p if reporting.missing %}"),
        (body, "Các cơ quan, đơn vị chưa gửi báo cáo{% if reporting.overdue %} (đã quá hạn ngày "
               "{{ period.due }}){% endif %}:"),
        (body, "{%p for n in reporting.missing %}"),
        (body, "- {{ n }}{% if loop.last %}.{% else %};{% endif %}"),
        (body, "{%p endfor %}"),
        (body, "{%p else %}"),
        (body, "Tất cả các cơ quan, đơn vị đã gửi báo cáo."),
        (body, "{%p endif %}"),
        (heading, "3. Kết quả thực hiện các nhiệm vụ"),
        (body, "Kế hoạch có {{ counts.total }} nhiệm vụ, trong đó: hoàn thành {{ counts.done }}; "
               "đang thực hiện {{ counts.in_progress }}; chưa thực hiện {{ counts.not_started }}; "
               "chưa có báo cáo {{ counts.no_answer }}."),
        (body, "{%p for item in narrative.overview %}"),
        (body, "- {{ item.agency }}: {{ item.text }}"),
        (body, "{%p endfor %}"),
        (body, "Số nhiệm vụ và tình trạng thực hiện theo từng cơ quan, đơn vị như sau:"),
    ])
    _column_table(document, p.text_width_mm, CONSOLIDATED_AGENCY_COLUMNS, "{%tr for a in agencies %}")
    table_end = _para(document, body, "Kết quả thực hiện từng nhiệm vụ của từng cơ quan, đơn vị chi tiết tại "
                                      "Phụ lục kèm theo Báo cáo này.")
    table_end.paragraph_format.space_before = Pt(p.space_after_pt)
    _paras(document, [
        (heading, "II. ĐÁNH GIÁ CHUNG"),
        (heading, "1. Kết quả đạt được"),
        *_narrative_paras("achievements", none),
        (heading, "2. Tồn tại, hạn chế"),
        *_narrative_paras("shortcomings", none),
        (body, "{%p if counts.not_started_ids %}"),
        (body, "- Các nhiệm vụ chưa thực hiện: {{ counts.not_started_ids }}."),
        (body, "{%p endif %}"),
        (body, "{%p if reporting.missing %}"),
        (body, "- Việc chấp hành chế độ báo cáo: còn {{ reporting.missing|length }} cơ quan, đơn vị chưa gửi "
               "báo cáo{% if reporting.late %}, {{ reporting.late|length }} cơ quan, đơn vị gửi muộn{% endif %}."),
        (body, "{%p endif %}"),
        (heading, "3. Nguyên nhân"),
        *_narrative_paras("causes", none),
        (heading, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"),
        *_narrative_paras("next_steps", none),
        (heading, "IV. ĐỀ XUẤT, KIẾN NGHỊ"),
        *_narrative_paras("recommendations", "Không có đề xuất, kiến nghị của các cơ quan, đơn vị; bổ sung "
                                             "đề xuất với " + "{{ addressee }}, nếu có."),
    ])
    _closing(document, "Trên đây là báo cáo kết quả thực hiện {{ plan_ref }} {{ period.label }}, "
                       "kính gửi {{ addressee_short }} tổng hợp, theo dõi./.")
    _signature_block(document, p, [
        ("KH Nơi nhận", "Nơi nhận:"),
        ("KH Nơi nhận dòng", "- {{ addressee_short }};"),
        ("KH Nơi nhận dòng", "- Lưu: VT."),
    ], _signer(p))

    _appendix_section(document, p)
    _hide_section_break_mark(document)
    _appendix_heading(
        document, p, "KẾT QUẢ THỰC HIỆN NHIỆM VỤ {{ period.label|upper }}",
        "(Kèm theo Báo cáo số {{ report_ref.number }} {{ report_ref.date }} của {{ issuer_short }})")
    _column_table(document, p.landscape_text_width_mm, CONSOLIDATED_APPENDIX_COLUMNS,
                  "{%tr for row in rows %}", group=("{{ row.stt }}", "{{ row.title }}"))
    return _end_document(document)


# --- all of them ---------------------------------------------------------------------------------


_BUILDERS = {
    "plan.docx": build_plan_template,
    "letter.docx": build_letter_template,
    "report.docx": build_report_template,
    "consolidated.docx": build_consolidated_template,
}
#: File names of the default templates, in the order they are generated.
TEMPLATE_NAMES: tuple[str, ...] = tuple(_BUILDERS)


def generate_templates(profile: StyleProfile = DEFAULT) -> dict[str, bytes]:
    """Every default template, by file name, as deterministic bytes."""
    return {name: normalize_docx(build(profile), epoch=TEMPLATE_EPOCH) for name, build in _BUILDERS.items()}
