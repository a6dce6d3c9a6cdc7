"""WordprocessingML for the body of the plan: paragraphs of styled runs, and footnotes.

The body (căn cứ, parts, items, points, task records) is written here from
plain data — a paragraph style and :class:`kehoach.inline.Run` s — because
real plans mix bold run-in labels, italic parentheticals and footnotes inside
one paragraph, which a fixed template paragraph cannot express.  The template
receives the result as one ``{{p body_xml }}`` paragraph.

Bold and italic use the template's character styles (``KH Đậm``,
``KH Nghiêng``) so an office restyles them in Word once; a run both bold and
italic uses ``KH Đậm`` plus direct italic.  A footnote reference is a
``w:footnoteReference`` run; the notes themselves go to ``word/footnotes.xml``
(:func:`footnotes_part`, added to the package by
:func:`kehoach.render.notes.add_footnotes`).  All text is escaped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

from ..inline import Footnote, Run, merge

__all__ = ["Paragraph", "body_xml", "footnotes_part"]

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class Paragraph:
    style: str                      # a paragraph style id of the template ("KHNoiDung")
    runs: tuple[Run, ...]
    italic: bool = False            # the whole paragraph in italics (label paragraphs)
    keep_with_next: bool = False
    align: str = ""                 # "center" for the Kính gửi line; else the style's


def _t(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape(_CONTROL.sub("", text))}</w:t>'


def _run(run: Run, italic_paragraph: bool, notes: list[Footnote]) -> str:
    italic = run.italic or italic_paragraph
    props = []
    if run.bold:
        props.append('<w:rStyle w:val="KHDam"/>')
        if italic:
            props.append("<w:i/><w:iCs/>")
    elif italic:
        props.append('<w:rStyle w:val="KHNghieng"/>')
    if run.note is not None:
        notes.append(run.note)
        return (f'<w:r><w:rPr>{"".join(props)}<w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteReference w:id="{len(notes)}"/></w:r>')
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    return f"<w:r>{rpr}{_t(run.text)}</w:r>"


def _paragraph(p: Paragraph, notes: list[Footnote]) -> str:
    keep = "<w:keepNext/>" if p.keep_with_next else ""
    jc = f'<w:jc w:val="{p.align}"/>' if p.align else ""
    runs = "".join(_run(r, p.italic, notes) for r in merge(p.runs))
    return f'<w:p><w:pPr><w:pStyle w:val="{p.style}"/>{keep}{jc}</w:pPr>{runs}</w:p>'


def body_xml(paragraphs: Sequence[Paragraph]) -> tuple[Markup, tuple[Footnote, ...]]:
    """The paragraphs as OOXML, and the footnotes they reference (numbered 1… in order)."""
    notes: list[Footnote] = []
    xml = "".join(_paragraph(p, notes) for p in paragraphs)
    return Markup(xml), tuple(notes)


def footnotes_part(notes: Sequence[Footnote], size_half_points: int) -> bytes:
    """``word/footnotes.xml``: Word's two separator notes, then each note (ids 1…)."""
    sep = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
           'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
           'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>')
    size = f'<w:sz w:val="{size_half_points}"/><w:szCs w:val="{size_half_points}"/>'
    body = []
    for number, note in enumerate(notes, 1):
        runs = []
        for r in note.runs:
            props = ("<w:b/><w:bCs/>" if r.bold else "") + ("<w:i/><w:iCs/>" if r.italic else "")
            runs.append(f"<w:r><w:rPr>{props}{size}</w:rPr>{_t(r.text)}</w:r>")
        body.append(
            # ECMA-376 fixes the order of properties: w:spacing before w:jc, w:sz before w:vertAlign
            f'<w:footnote w:id="{number}"><w:p><w:pPr><w:spacing w:after="0"/><w:jc w:val="both"/></w:pPr>'
            f'<w:r><w:rPr>{size}<w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:rPr>{size}</w:rPr>{_t(" ")}</w:r>{"".join(runs)}</w:p></w:footnote>')
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
           f'{sep}{"".join(body)}</w:footnotes>')
    return xml.encode("utf-8")
