"""A Markdown preview of the whole plan (Kế hoạch and its Phụ lục), for GitHub
and GitLab: the same words as the .docx, in reading order.

The preview is another rendering of :func:`kehoach.documents.plan.context`, so
numbering, bold leads, agency names, timelines, the reference line and the
recipients' punctuation cannot drift from the .docx.  Only layout differs:
the header is a two-column table, the draft blanks are shown as "…", and the
Phụ lục is a GitHub-flavoured Markdown table.

Every piece of user text is escaped: inline syntax (``*`` ``_`` `````` ``[``
``<`` ``$`` …) everywhere, block syntax (``#``, ``>``, ``- ``, ``1. ``) at the
start of a line, pipes and newlines in table cells.  A newline in the source
text, which the .docx prints as a line break, is a hard line break here
(``\\`` at the end of the line) or ``<br>`` inside a table cell.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import markdown as markdown_text, vn
from ..model import Plan
from ..templating.profile import DEFAULT
from ..templating.tables import TableSpec
from . import plan as plan_document
from .kind import Document, FileKind, Selection

if TYPE_CHECKING:
    from .env import RenderEnv

__all__ = ["KIND", "PATH", "markdown"]

KIND = "preview"
PATH = "ke-hoach.md"

#: Fixed words of the document, as ``templates/plan.docx`` prints them.
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
NOI_NHAN = "Nơi nhận:"
PHU_LUC = "Phụ lục"
#: The draft blank as the preview shows it.
BLANK = "…"


# -- escaping (kehoach.markdown) ------------------------------------------------------


def _text(text: str) -> str:
    """NFC, whitespace runs (never newlines) collapsed, inline syntax escaped."""
    return markdown_text.inline(vn.nfc(str(text)))


_line_start = markdown_text.line_start


def _lines(text: str, start: bool = True) -> list[str]:
    """User text as escaped Markdown lines (one per source line, empty ones
    dropped); ``start``: the lines begin a Markdown line, so block syntax is
    escaped too (not needed inside ``**…**`` or after a bold lead)."""
    lines = [x.strip() for x in _text(text).split("\n") if x.strip()]
    return [_line_start(x) for x in lines] if start else lines


def _para(text: str, wrap: str = "", lead: str = "") -> str:
    """A paragraph: ``lead`` in bold (when given), then ``text``; each line of the
    text wrapped in ``wrap`` ("*" italic, "**" bold); newlines become hard breaks."""
    lines = _lines(text, start=not wrap)
    if wrap:
        lines = [f"{wrap}{x}{wrap}" for x in lines]
    bold = [f"**{x}**" for x in _lines(lead, start=False)]
    if bold:
        if lines and not wrap:
            # the first line of the text follows the bold lead: no block syntax
            lines[0] = _lines(text, start=False)[0]
        if lines and text[:1].isspace():
            bold[-1] += " "
        lines = bold[:-1] + [bold[-1] + (lines[0] if lines else "")] + lines[1:]
    return "\\\n".join(lines)


def _runs(runs, italic: bool, notes: list[str]) -> str:
    """A paragraph of styled runs: ``**bold**``, ``*italic*``, footnotes as
    ``[^n]`` (their text collected in ``notes``); whitespace is kept outside the
    marks (CommonMark does not close ``**x **``); newlines are hard breaks."""
    parts = []
    for r in runs:
        if r.note is not None:
            notes.append(_runs(r.note.runs, False, []).replace("\\\n", " "))
            parts.append(f"[^{len(notes)}]")
            continue
        text = re.sub(r"[^\S\n]+", " ", _text(r.text))
        mark = "***" if r.bold and (r.italic or italic) else "**" if r.bold else "*" if (r.italic or italic) else ""
        if mark and text.strip():
            head, tail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            core = f"{mark}\\\n{mark}".join(x.strip() for x in text.strip().split("\n") if x.strip())
            text = f"{head}{mark}{core}{mark}{tail}"
        else:
            text = "\\\n".join(text.split("\n"))
        parts.append(text)
    lines = "".join(parts).strip().split("\\\n")
    return "\\\n".join(x if x.startswith("*") else _line_start(x) for x in lines)


def _cell(text: str, bold: bool = False) -> str:
    """One table cell: escaped, pipes escaped, newlines as ``<br>``."""
    parts = [x.strip() for x in _text(text).split("\n") if x.strip()]
    if bold:
        parts = [f"**{x}**" for x in parts]
    return "<br>".join(parts)


def _heading(level: int, text: str) -> str:
    """An ATX heading: one line, ``#`` escaped (a trailing one would be eaten)."""
    return "#" * level + " " + _text(text).replace("\n", " ").replace("#", "\\#").strip()


def _row(cells) -> str:
    return "|" + "".join(f" {c} |" if c else " |" for c in cells)


def _table(table: TableSpec) -> list[str]:
    """A GFM table: header rows folded into one heading per column (a merged
    parent heading and its sub-heading joined with " / "); merged body cells
    print their text in their first column."""
    width = sum(c.colspan for c in table.rows[0].cells)
    headings: list[list[str]] = [[] for _ in range(width)]
    body: list[str] = []
    styles: list[str] | None = None   # cell styles of the first full row: centred columns
    for row in table.rows:
        codes = all(c.style == "KHBangGiua" for c in row.cells)   # the (1) (2) (3) row: shown as a row
        if row.header and not body and not codes:
            column = 0
            for cell in row.cells:
                if not cell.continued and cell.text:
                    for i in range(column, column + cell.colspan):
                        headings[i].append(cell.text)
                column += cell.colspan
            continue
        cells: list[str] = []
        for cell in row.cells:
            bold = cell.bold or cell.style == "KHBangNhom"
            cells += [_cell(cell.text, bold=bold)] + [""] * (cell.colspan - 1)
        body.append(_row(cells))
        if len(row.cells) == width and styles is None and not codes:
            styles = [c.style for c in row.cells]
    align = [":---:" if (styles or [""] * width)[i] == "KHBangGiua" else "---" for i in range(width)]
    return [_row([_cell(" / ".join(h)) for h in headings]), _row(align)] + body


def _blanks(text: str) -> str:
    """The draft blanks of the number, the date and the reference line as "…"."""
    blank = vn.DEFAULT_BLANK
    text = text.replace(blank + "/", f" {BLANK}/")
    text = text.replace(blank, f" {BLANK} ")
    # blanks an office typed itself in an attachment line ("ngày     /9/2025")
    return re.sub(r" {2,}(/?)", lambda m: f" {BLANK}{m.group(1) or ' '}", text)


# -- the document ------------------------------------------------------------------------


def markdown(plan: Plan) -> str:
    """The whole plan as GitHub/GitLab Markdown (NFC, deterministic, ends with a newline)."""
    ctx = plan_document.context(plan)
    header = ctx["header"]
    # no user text inside the comment: "-->" in it would end the comment
    out: list[str] = [
        "<!-- Bản xem trước do kehoach dựng từ các tệp YAML của kế hoạch; không sửa trực tiếp tệp này. -->",
        "",
    ]

    # ô 1–4: issuer | Quốc hiệu; number | place and date
    issuer = [_cell(x) for x in header["parent"]] + [_cell(x, bold=True) for x in header["name"]]
    out += [
        _row(["<br>".join(x for x in issuer if x), f"**{QUOC_HIEU}**<br>**{TIEU_NGU}**"]),
        _row([":---:", ":---:"]),
        _row([_cell(_blanks(header["number"])), f"*{_cell(_blanks(header['place_date']))}*"]),
        "",
    ]

    # ô 5: type name and subject
    out += [_heading(1, ctx["type_name"]), "", _para(ctx["subject"], wrap="**"), ""]

    notes: list[str] = []
    for p in plan_document.paragraphs(plan):
        if p.style == "KHTenPhan":
            out += [_heading(2, "".join(r.text for r in p.runs)), ""]
            continue
        line = _runs(p.runs, p.italic or p.style == "KHCanCu", notes)
        if line:
            out += [line, ""]

    if ctx["closing"]:
        out += [_para(ctx["closing"]), ""]

    # ô 9 and 7: Nơi nhận, then the signature block
    out += [f"***{NOI_NHAN}***", ""]
    for line in ctx["recipients"]:
        if line.startswith("+ "):       # a nested item
            out.append("  - " + " ".join(_lines(line[2:])))
        elif line.startswith("- "):
            out.append("- " + " ".join(_lines(line[2:])))
        else:                            # the copy count after the last line
            out += ["", " ".join(_lines(line))]
    out.append("")
    signer = ctx["signer"]
    out += ["\\\n".join(f"**{x}**" for line in signer["lines"] for x in _lines(line, start=False)), ""]
    if signer["name"]:
        out += [_para(signer["name"], wrap="**"), ""]

    # the Phụ lục, each as printed: label, title, attachment line, table, notes
    for spec in plan_document.appendix_specs(plan, DEFAULT):
        out += ["---", "", _heading(2, spec.label), "", _para(spec.title, wrap="**"), ""]
        if spec.attachment:
            out += [f"*{_cell(_blanks(spec.attachment))}*", ""]
        if spec.unit:
            out += [_para(spec.unit), ""]
        out += _table(spec.table) + [""]
        for _, note in spec.notes:
            out += [_para(note, wrap="*" if _ == "KHCanCu" else ""), ""]

    for number, note in enumerate(notes, 1):
        out += [f"[^{number}]: {note}"]
    text = "\n".join(out).rstrip("\n") + "\n"
    return vn.nfc(text)


def _files(plan: Plan, env: "RenderEnv", selection: Selection) -> tuple[Document, ...]:
    return (Document(PATH, KIND, markdown(plan).encode("utf-8")),)


#: the plan in Markdown, for review on GitHub
DOCUMENT_KIND = FileKind(KIND, _files)
