"""Low-level python-docx helpers the default templates are drawn with.

One job: OOXML elements in schema order (fonts in all four slots, paragraph
borders, fields, fixed-width tables), knowing nothing of styles or of any
template.  Named styles are :mod:`.styles`; the pieces every template shares
(header block, signature, Phụ lục section) are :mod:`.layout`; each template
is drawn beside its context code in :mod:`kehoach.documents`.
"""

from __future__ import annotations

from typing import Sequence

from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from .profile import StyleProfile
from .tables import RULE_LINE_PT, RULE_WEIGHT_EIGHTHS, TABLE_BORDER_EIGHTHS, TINY_MARK_PT

__all__ = [
    "RULE_LINE_PT", "RULE_WEIGHT_EIGHTHS", "TABLE_BORDER_EIGHTHS", "TINY_MARK_PT",
    "add_rule", "el", "fill_header", "first_para", "half_points", "new_table", "order_children", "page_field",
    "para", "preserve", "prune_package", "row_flags", "set_bold_italic", "set_run_fonts", "setup_settings",
    "span_row", "tiny_mark", "twips_mm", "twips_pt", "v_center",
]

# Children that must follow a given element, in schema order (for insert_element_before).
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


# --- low-level XML helpers ---------------------------------------------------


def el(tag: str, **attrs: str | int) -> BaseOxmlElement:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    return element


def half_points(size_pt: float) -> str:
    return str(int(round(size_pt * 2)))


def twips_mm(mm: float) -> int:
    return int(round(Mm(mm).twips))


def twips_pt(pt: float) -> int:
    return int(round(pt * 20))


def set_run_fonts(rPr, p: StyleProfile, size: float | None) -> None:
    """Font in all four slots, no theme fonts, size (normal + complex script), vi-VN."""
    rFonts = rPr.get_or_add_rFonts()
    for attr in list(rFonts.attrib):
        rFonts.attrib.pop(attr)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        rFonts.set(qn(f"w:{slot}"), p.font)
    if size is not None:
        rPr.get_or_add_sz().set(qn("w:val"), half_points(size))
        szCs = rPr.find(qn("w:szCs"))
        if szCs is None:
            szCs = el("w:szCs")
            rPr.insert_element_before(
                szCs, "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText",
                "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", *W_TAGS_RPR_AFTER_LANG,
            )
        szCs.set(qn("w:val"), half_points(size))
    lang = rPr.find(qn("w:lang"))
    if lang is None:
        lang = el("w:lang")
        rPr.insert_element_before(lang, *W_TAGS_RPR_AFTER_LANG)
    lang.attrib.clear()
    lang.set(qn("w:val"), p.language)
    lang.set(qn("w:eastAsia"), p.language)


def set_bold_italic(rPr, bold: bool, italic: bool) -> None:
    if bold:
        rPr.get_or_add_b()
        rPr.get_or_add_bCs()
    if italic:
        rPr.get_or_add_i()
        rPr.get_or_add_iCs()


# --- document-wide settings --------------------------------------------------


def prune_package(document) -> None:
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


def setup_settings(document, p: StyleProfile) -> None:
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


# --- paragraphs, rules, fields ------------------------------------------------


def preserve(run) -> None:
    """Keep spaces at the edges of the run text (values like `` (Có phụ lục…)``)."""
    for t in run._r.findall(qn("w:t")):
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def para(container, style: str, *runs: str | tuple[str, str]):
    """Add a paragraph in ``style`` with one run per item; a ``(text, char_style)``
    item gets a character style.  Each docxtpl tag is the whole text of one run."""
    par = container.add_paragraph(style=style)
    for item in runs:
        text, char_style = (item, None) if isinstance(item, str) else item
        run = par.add_run(text, style=char_style)
        preserve(run)
    return par


def first_para(cell, style: str, *runs: str | tuple[str, str]):
    """Fill the cell's initial empty paragraph (a cell always holds one)."""
    par = cell.paragraphs[0]
    par.style = style
    for item in runs:
        text, char_style = (item, None) if isinstance(item, str) else item
        preserve(par.add_run(text, style=char_style))
    return par


def add_rule(container, length_mm: float, available_mm: float):
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
    pBdr = el("w:pBdr")
    pBdr.append(el("w:bottom", val="single", sz=RULE_WEIGHT_EIGHTHS, space=1, color="auto"))
    pPr.insert_element_before(pBdr, *W_TAGS_PPR_AFTER_PBDR)
    tiny_mark(par)
    return par


def tiny_mark(par) -> None:
    """Make the paragraph mark as small as the rule line, so an empty paragraph
    takes (almost) no height."""
    pPr = par._p.get_or_add_pPr()
    rPr = OxmlElement("w:rPr")
    size = half_points(TINY_MARK_PT)
    rPr.append(el("w:sz", val=size))
    rPr.append(el("w:szCs", val=size))
    pPr.insert_element_before(rPr, *W_TAGS_PPR_AFTER_RPR)


def page_field(par) -> None:
    """A ``PAGE`` field: begin / instrText / separate / placeholder / end runs."""
    def run_with(child) -> None:
        r = OxmlElement("w:r")
        r.append(child)
        par._p.append(r)

    run_with(el("w:fldChar", fldCharType="begin"))
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    run_with(instr)
    run_with(el("w:fldChar", fldCharType="separate"))
    t = OxmlElement("w:t")
    t.text = "2"
    run_with(t)
    run_with(el("w:fldChar", fldCharType="end"))


def fill_header(header, with_number: bool) -> None:
    header.is_linked_to_previous = False
    par = header.paragraphs[0]
    par.style = "KH Số trang"
    if with_number:
        page_field(par)


# --- tables -------------------------------------------------------------------


def new_table(document, widths_mm: Sequence[float], rows: int, *, borders: bool, cell_margins_zero: bool):
    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.autofit = False
    tblPr = table._tbl.tblPr
    total = sum(twips_mm(w) for w in widths_mm)
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = el("w:tblW")
        tblPr.append(tblW)
    tblW.set(qn("w:w"), str(total))
    tblW.set(qn("w:type"), "dxa")
    if borders:
        tblBorders = el("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            tblBorders.append(el(f"w:{edge}", val="single", sz=TABLE_BORDER_EIGHTHS, space=0, color="auto"))
    else:
        tblBorders = el("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            tblBorders.append(el(f"w:{edge}", val="nil"))
    tblPr.append(tblBorders)
    if cell_margins_zero:
        mar = el("w:tblCellMar")
        for edge in ("top", "left", "bottom", "right"):
            mar.append(el(f"w:{edge}", w=0, type="dxa"))
        tblPr.append(mar)
    ind = el("w:tblInd", w=0, type="dxa")
    tblPr.append(ind)
    order_children(tblPr, W_TBLPR_ORDER)
    grid = table._tbl.tblGrid
    for gridCol, width in zip(grid.findall(qn("w:gridCol")), widths_mm):
        gridCol.set(qn("w:w"), str(twips_mm(width)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Twips(twips_mm(width))
    return table


def order_children(parent, order: Sequence[str]) -> None:
    """Re-insert ``parent``'s children in schema order (stable for equal tags)."""
    rank = {qn(tag): i for i, tag in enumerate(order)}
    children = list(parent)
    for child in children:
        parent.remove(child)
    for child in sorted(children, key=lambda c: rank.get(c.tag, len(order))):
        parent.append(child)


def row_flags(row, *, header: bool = False, cant_split: bool = True) -> None:
    trPr = row._tr.get_or_add_trPr()
    if cant_split:
        trPr.append(el("w:cantSplit"))
    if header:
        trPr.append(el("w:tblHeader"))


def v_center(cell) -> None:
    tcPr = cell._tc.get_or_add_tcPr()
    tcPr.append(el("w:vAlign", val="center"))


def span_row(table, row_index: int):
    """Merge every cell of a row into one (gridSpan = number of columns)."""
    row = table.rows[row_index]
    first, last = row.cells[0], row.cells[-1]
    return first.merge(last)
