"""WordprocessingML for the appendices: headings and bordered tables, from plain data.

A Phụ lục's columns, header rows, group rows and merged cells are declared
by each plan, so they cannot be fixed in a template.  :func:`appendices_xml`
writes them as OOXML, with the same styles (``KH Phụ lục``, ``KH Bảng``…) and
the same geometry the generated templates use (:mod:`.layout`), from a
:class:`~kehoach.templating.profile.StyleProfile`.  The template receives the
result as one ``{{p appendices_xml }}`` paragraph.

Every text goes through :func:`xml.sax.saxutils.escape` and control
characters other than tab are dropped, so data never becomes markup.  The
result is wrapped in :class:`markupsafe.Markup` only here, after escaping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

from .profile import StyleProfile

__all__ = ["Cell", "Column", "Row", "TableSpec", "AppendixSpec", "appendices_xml", "column_widths", "twips"]

#: ``w:jc`` values by the schema's alignment names
_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
# Geometry that is not a typographic choice of the profile, shared by these
# tables and the default templates (:mod:`.docx_parts`, :mod:`.layout`)
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


def twips(mm: float) -> int:
    """Millimetres to twips, rounded as python-docx's ``Mm(mm).twips``."""
    return int(round(mm * 1440 / 25.4))


@dataclass(frozen=True)
class Column:
    """One column of a default template's bordered table (report, consolidated):
    heading, relative width, cell style and the docxtpl tag of the cell in an
    item row (``""``: left empty for the drafter).  Declared beside the context
    code that fills the tags (:mod:`kehoach.documents`), drawn by
    :func:`kehoach.templating.layout.column_table`."""
    heading: str
    share: float
    style: str = "KH Bảng"
    tag: str = ""


def column_widths(total_mm: float, columns: Sequence[Column]) -> tuple[float, ...]:
    """Column widths (mm) in proportion to ``share``, summing to ``total_mm``."""
    whole = sum(c.share for c in columns)
    return tuple(total_mm * c.share / whole for c in columns)


@dataclass(frozen=True)
class Cell:
    """One table cell: text (lines kept as separate paragraphs), spans, style."""

    text: str = ""
    colspan: int = 1
    rowspan: int = 1         # >1 starts a vertical merge; the rows below hold ``Cell(continued=True)``
    style: str = "KHBang"
    align: Optional[str] = None
    bold: bool = False
    continued: bool = False  # the continuation of a vertical merge from above


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    header: bool = False     # repeated at the top of every page


@dataclass(frozen=True)
class TableSpec:
    widths_mm: tuple[float, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class AppendixSpec:
    """What one appendix prints, in order: label, title, attachment line, rule,
    unit line, the table, notes."""

    label: str
    title: str
    attachment: str
    table: TableSpec
    unit: Optional[str] = None
    notes: tuple[tuple[str, str], ...] = ()   # (style id, text) paragraphs after the table
    first: bool = True       # later appendices start on a new page


def _text(value: str) -> str:
    return escape(_CONTROL.sub("", value))


def _run(text: str, *, bold: bool = False) -> str:
    rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{_text(text)}</w:t></w:r>'


def _paragraph(style: str, text: Optional[str], *, align: Optional[str] = None, bold: bool = False,
               extra_ppr: str = "") -> str:
    jc = f'<w:jc w:val="{_JC[align]}"/>' if align else ""
    body = _run(text, bold=bold) if text else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra_ppr}{jc}</w:pPr>{body}</w:p>'


def _rule(p: StyleProfile, available_mm: float) -> str:
    """The short rule under the appendix heading, as :func:`.docx_parts.add_rule` draws it."""
    side = twips(max(0.0, (available_mm - p.subject_rule_mm) / 2))
    tiny = int(round(TINY_MARK_PT * 2))
    return ('<w:p><w:pPr><w:keepNext w:val="0"/><w:pBdr><w:bottom w:val="single" '
            f'w:sz="{RULE_WEIGHT_EIGHTHS}" w:space="1" w:color="auto"/></w:pBdr>'
            f'<w:spacing w:before="0" w:after="{int(round(p.line_spacing_pt * 20))}" w:lineRule="exact" '
            f'w:line="{int(round(RULE_LINE_PT * 20))}"/><w:ind w:left="{side}" w:right="{side}" w:firstLine="0"/>'
            f'<w:rPr><w:sz w:val="{tiny}"/><w:szCs w:val="{tiny}"/></w:rPr></w:pPr></w:p>')


def _cell(cell: Cell, width: int) -> str:
    props = [f'<w:tcW w:type="dxa" w:w="{width}"/>']
    if cell.colspan > 1:
        props.append(f'<w:gridSpan w:val="{cell.colspan}"/>')
    if cell.rowspan > 1:
        props.append('<w:vMerge w:val="restart"/>')
    elif cell.continued:
        props.append("<w:vMerge/>")
    if cell.style == "KHBangTieuDe":
        props.append('<w:vAlign w:val="center"/>')
    lines = [""] if cell.continued else (cell.text.split("\n") if cell.text else [""])
    paragraphs = "".join(_paragraph(cell.style, line, align=cell.align, bold=cell.bold) for line in lines)
    return f'<w:tc><w:tcPr>{"".join(props)}</w:tcPr>{paragraphs}</w:tc>'


def table_xml(spec: TableSpec) -> str:
    grid = [twips(w) for w in spec.widths_mm]
    total = sum(grid)
    borders = "".join(f'<w:{edge} w:val="single" w:sz="{TABLE_BORDER_EIGHTHS}" w:space="0" w:color="auto"/>'
                      for edge in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [f'<w:tbl><w:tblPr><w:tblW w:type="dxa" w:w="{total}"/><w:tblInd w:w="0" w:type="dxa"/>'
           f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
           '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
           'w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>']
    out += [f'<w:gridCol w:w="{w}"/>' for w in grid]
    out.append("</w:tblGrid>")
    for row in spec.rows:
        out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if row.header else "") + "</w:trPr>")
        column = 0
        for cell in row.cells:
            out.append(_cell(cell, sum(grid[column:column + cell.colspan])))
            column += cell.colspan
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def appendices_xml(appendices: Sequence[AppendixSpec], p: StyleProfile) -> Markup:
    """Every appendix, in order, as body-level OOXML for ``{{p appendices_xml }}``."""
    width = p.landscape_text_width_mm
    out = []
    for a in appendices:
        page_break = "" if a.first else "<w:pageBreakBefore/>"
        out.append(_paragraph("KHPhuLuc", a.label, extra_ppr=page_break))
        out.append(_paragraph("KHTenPhuLuc", a.title))
        if a.attachment:
            out.append(_paragraph("KHKemTheo", a.attachment))
        out.append(_rule(p, width))
        if a.unit:
            out.append(_paragraph("KHBang", a.unit, align="right"))
        out.append(table_xml(a.table))
        for i, (style, note) in enumerate(a.notes):
            spacing = f'<w:spacing w:before="{int(round(p.space_after_pt * 20))}"/>' if i == 0 else ""
            out.append(_paragraph(style, note, extra_ppr=spacing))
    return Markup("".join(out))
