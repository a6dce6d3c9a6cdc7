"""The named styles of the default templates (``KH Nội dung``, ``KH Tên loại``, …).

Formatting lives in named styles, not on paragraphs: an office that wants
13 pt body text opens the template in Word and changes the style once.  Every
value comes from the :class:`~kehoach.templating.profile.StyleProfile`; every
style sets the font in all four slots, carries no theme font and is tagged
``vi-VN``.  ``plan.docx`` carries exactly :data:`STYLE_NAMES`; the three
workflow templates add :data:`WORKFLOW_STYLE_NAMES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .docx_parts import el, set_bold_italic, set_run_fonts
from .profile import StyleProfile

__all__ = [
    "ALIGN", "KEPT_BUILTIN_STYLES", "STYLE_NAMES", "WORKFLOW_STYLE_NAMES", "StyleSpec", "add_style",
    "body_paragraph", "link_next_styles", "setup_defaults", "style_specs", "workflow_style_specs",
]

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
class StyleSpec:
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


def body_paragraph(p: StyleProfile) -> dict:
    """Size and paragraph geometry of body text (ô 6)."""
    return dict(
        size=p.body_size,
        align="justify",
        first_line_indent_cm=p.first_line_indent_cm,
        space_after_pt=p.space_after_pt,
        line_exact_pt=p.line_spacing_pt,
    )


def style_specs(p: StyleProfile) -> list[StyleSpec]:
    """Every named style of the plan template, with all values taken from the profile."""
    body = body_paragraph(p)
    table: dict[str, Any] = dict(size=p.table_size, space_before_pt=p.table_space_pt,
                                 space_after_pt=p.table_space_pt)
    specs = [
        # Header block (ô 1–4).
        # NĐ 30: ô 2 is UPPERCASE.  The data is expected in capitals already;
        # w:caps makes a lower-case entry still print correctly.
        StyleSpec("KH Cơ quan chủ quản", "KHCoQuanChuQuan", p.header_org_size, caps=True,
                   align="center"),
        StyleSpec("KH Tên cơ quan", "KHTenCoQuan", p.header_org_size, bold=True, caps=True,
                   align="center"),
        StyleSpec("KH Quốc hiệu", "KHQuocHieu", p.header_org_size, bold=True, align="center"),
        StyleSpec("KH Tiêu ngữ", "KHTieuNgu", p.motto_size, bold=True, align="center"),
        StyleSpec("KH Số ký hiệu", "KHSoKyHieu", p.number_size, align="center",
                   space_before_pt=p.space_after_pt),
        StyleSpec("KH Địa danh ngày", "KHDiaDanhNgay", p.place_date_size, italic=True,
                   align="center", space_before_pt=p.space_after_pt),
        # Title (ô 5a): a blank line of the body above it.
        StyleSpec("KH Tên loại", "KHTenLoai", p.title_size, bold=True, align="center",
                   space_before_pt=2 * p.line_spacing_pt, keep_with_next=True),
        StyleSpec("KH Trích yếu", "KHTrichYeu", p.title_size, bold=True, align="center",
                   keep_with_next=True),
        # Body (ô 6).
        StyleSpec("KH Căn cứ", "KHCanCu", italic=True, next_style="KH Nội dung", **body),
        StyleSpec("KH Tên phần", "KHTenPhan", bold=True, keep_with_next=True,
                   next_style="KH Nội dung", **body),
        StyleSpec("KH Nội dung", "KHNoiDung", next_style="KH Nội dung", **body),
        # Recipients and signature (ô 9b, 7a, 7b).
        StyleSpec("KH Nơi nhận", "KHNoiNhan", p.recipients_heading_size, bold=True,
                   italic=True, align="left", next_style="KH Nơi nhận dòng"),
        StyleSpec("KH Nơi nhận dòng", "KHNoiNhanDong", p.recipients_size, align="left"),
        StyleSpec("KH Chức vụ ký", "KHChucVuKy", p.signer_size, bold=True, align="center"),
        StyleSpec("KH Người ký", "KHNguoiKy", p.signer_size, bold=True, align="center"),
        StyleSpec("KH Số trang", "KHSoTrang", p.page_number_size, align="center"),
        # Phụ lục (Mẫu 2.1).
        StyleSpec("KH Phụ lục", "KHPhuLuc", p.appendix_label_size, bold=True, align="center",
                   keep_with_next=True),
        StyleSpec("KH Tên phụ lục", "KHTenPhuLuc", p.title_size, bold=True, align="center",
                   keep_with_next=True),
        StyleSpec("KH Kèm theo", "KHKemTheo", p.title_size, italic=True, align="center",
                   keep_with_next=True),
        StyleSpec("KH Bảng", "KHBang", align="left", **table),
        StyleSpec("KH Bảng giữa", "KHBangGiua", align="center", **table),
        StyleSpec("KH Bảng tiêu đề", "KHBangTieuDe", bold=True, align="center", **table),
        # keep-with-next on every paragraph of a row keeps the row with the next
        # one: a group title is never left alone at the foot of a page.
        StyleSpec("KH Bảng nhóm", "KHBangNhom", bold=True, align="left", keep_with_next=True,
                   **table),
        # Character style: the bold lead of a numbered item.
        StyleSpec("KH Đậm", "KHDam", p.body_size, kind="character", bold=True),
        # Character style: italic labels (task records written in the body).
        StyleSpec("KH Nghiêng", "KHNghieng", p.body_size, kind="character", italic=True),
    ]
    assert tuple(s.name for s in specs) == STYLE_NAMES
    return specs


def workflow_style_specs(p: StyleProfile) -> list[StyleSpec]:
    """The styles letter, report and consolidated templates add.

    No profile field is added for them: "Kính gửi" (ô 9a, 13–14 pt) takes the
    body size, the công văn's "V/v" line (ô 5b, 12–13 pt) the size of the
    number line (ô 3), and the guidance under the signer's title the signer's.
    """
    specs = [
        # ô 9a: one addressee on the line of "Kính gửi:", centred, a blank line
        # of the body above and below it.
        StyleSpec("KH Kính gửi", "KHKinhGui", p.body_size, align="center",
                   space_before_pt=p.line_spacing_pt, space_after_pt=p.line_spacing_pt,
                   keep_with_next=True),
        # ô 5b: "V/v …" under the number of a công văn, regular, centred.
        StyleSpec("KH Trích yếu công văn", "KHTrichYeuCongVan", p.number_size, align="center"),
        # What the drafter writes there, in brackets: removed before signing.
        StyleSpec("KH Hướng dẫn", "KHHuongDan", italic=True, next_style="KH Nội dung",
                   **body_paragraph(p)),
        StyleSpec("KH Hướng dẫn ký", "KHHuongDanKy", p.signer_size, italic=True, align="center"),
    ]
    assert tuple(s.name for s in specs) == WORKFLOW_STYLE_NAMES
    return specs


def setup_defaults(document, p: StyleProfile) -> None:
    """docDefaults, Normal, and the removal of unused built-in styles."""
    styles_el = document.styles.element
    doc_defaults = styles_el.find(qn("w:docDefaults"))
    if doc_defaults is not None:
        styles_el.remove(doc_defaults)
    doc_defaults = el("w:docDefaults")
    rpr_default = el("w:rPrDefault")
    rPr = OxmlElement("w:rPr")
    rpr_default.append(rPr)
    set_run_fonts(rPr, p, p.body_size)
    ppr_default = el("w:pPrDefault")
    pPr = OxmlElement("w:pPr")
    pPr.append(el("w:widowControl"))
    pPr.append(el("w:spacing", before=0, after=0, line=240, lineRule="auto"))
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
    set_run_fonts(normal.element.get_or_add_rPr(), p, p.body_size)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    pf.widow_control = True


def add_style(document, spec: StyleSpec, p: StyleProfile) -> None:
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
    set_bold_italic(rPr, spec.bold, spec.italic)
    if spec.caps:
        rPr.get_or_add_caps()
    set_run_fonts(rPr, p, spec.size)
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


def link_next_styles(document, specs: Sequence[StyleSpec]) -> None:
    for spec in specs:
        if spec.next_style:
            document.styles[spec.name].next_paragraph_style = document.styles[spec.next_style]
