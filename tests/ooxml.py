"""Reading a rendered .docx back as a word processor would, for the tests.

``Docx`` holds the parts of the package; ``Para`` is one paragraph with its
*effective* formatting resolved through direct run/paragraph properties, the
character style, the paragraph style and its ``basedOn`` chain, the table
style, then ``docDefaults``.  The rest are small readers of paragraphs,
tables, sections and fields.  Shared by ``test_plan_document.py``,
``test_workflow_documents.py`` and the template tests.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Iterable, Optional

from lxml import etree

from conftest import norm


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def mm_to_twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


FONT_SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")


def edit_part(data: bytes, name: str, edit) -> bytes:
    """A copy of the .docx ``data`` with part ``name`` replaced by ``edit(text)``
    (text in UTF-8); the edit must change something."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == name:
                text = blob.decode("utf-8")
                changed = edit(text)
                assert changed != text, f"the edit did not change {name}"
                blob = changed.encode("utf-8")
            dst.writestr(info, blob)
    return out.getvalue()


def with_paragraph_first(data: bytes, text: str) -> bytes:
    """The .docx with a paragraph holding ``text`` (raw XML text) at the start of its body."""
    def edit(xml: str) -> str:
        at = xml.index(">", xml.index("<w:body")) + 1
        return xml[:at] + f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" + xml[at:]
    return edit_part(data, "word/document.xml", edit)


def part(data: bytes, name: str) -> etree._Element:
    """One XML part of a .docx package, parsed."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(name))


# --- the package -----------------------------------------------------------------------


class Docx:
    """The parts of a rendered .docx that the tests read."""

    def __init__(self, data: bytes):
        self.data = data
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            self.parts = {name: zf.read(name) for name in zf.namelist()}
        self.document = etree.fromstring(self.parts["word/document.xml"])
        self.styles_raw = self.parts["word/styles.xml"].decode("utf-8")
        self.styles_root = etree.fromstring(self.parts["word/styles.xml"])
        self.styles = {s.get(w("styleId")): s for s in self.styles_root.findall("w:style", NS)}
        rels = etree.fromstring(self.parts["word/_rels/document.xml.rels"])
        self.rels = {r.get("Id"): r.get("Target") for r in rels}
        self.body = self.document.find("w:body", NS)

    # styles

    def default_style(self, kind: str) -> Optional[etree._Element]:
        for s in self.styles.values():
            if s.get(w("type")) == kind and s.get(w("default")) in ("1", "true", "on"):
                return s
        return None

    def style_chain(self, style_id: Optional[str], kind: str) -> list[etree._Element]:
        """The style and its ``basedOn`` ancestors, nearest first."""
        style = self.styles.get(style_id) if style_id else self.default_style(kind)
        chain: list[etree._Element] = []
        while style is not None and style not in chain:
            chain.append(style)
            based = style.find("w:basedOn", NS)
            style = self.styles.get(based.get(w("val"))) if based is not None else None
        return chain

    def style_by_name(self, name: str) -> etree._Element:
        for s in self.styles.values():
            n = s.find("w:name", NS)
            if n is not None and n.get(w("val")) == name:
                return s
        raise KeyError(name)

    @property
    def rpr_default(self) -> Optional[etree._Element]:
        return self.styles_root.find("w:docDefaults/w:rPrDefault/w:rPr", NS)

    @property
    def ppr_default(self) -> Optional[etree._Element]:
        return self.styles_root.find("w:docDefaults/w:pPrDefault/w:pPr", NS)

    # sections and headers

    def sections(self) -> list[etree._Element]:
        """Every ``w:sectPr`` in document order (the last one is the body's)."""
        return self.body.findall(".//w:sectPr", NS)

    def header_part(self, sectPr: etree._Element, kind: str) -> Optional[etree._Element]:
        ref = sectPr.find(f"w:headerReference[@w:type='{kind}']", NS)
        if ref is None:
            return None
        target = self.rels[ref.get(f"{{{R}}}id")]
        return etree.fromstring(self.parts["word/" + target.lstrip("/").removeprefix("word/")])


# --- effective formatting ----------------------------------------------------------------


FALSE_VALUES = {"0", "false", "off", "none"}
TOGGLES = {"b", "i", "caps"}


def _flag(el: etree._Element) -> bool:
    return el.get(w("val"), "true") not in FALSE_VALUES


def _containing_table(p: etree._Element) -> Optional[etree._Element]:
    node = p.getparent()
    while node is not None and node.tag != w("tbl"):
        node = node.getparent()
    return node


def _in_field_instruction(node) -> bool:
    return node.getparent() is not None and node.getparent().tag == w("instrText")



@dataclass
class Para:
    """One paragraph of the rendered document, with its effective formatting."""

    doc: Docx
    el: etree._Element

    # text

    @property
    def raw_text(self) -> str:
        out = []
        for node in self.el.iter(w("t"), w("tab"), w("br")):
            if node.tag == w("t") and not _in_field_instruction(node):
                out.append(node.text or "")
            elif node.tag != w("t"):
                out.append(" ")
        return "".join(out)

    @property
    def text(self) -> str:
        return norm(self.raw_text)

    def runs(self) -> list[etree._Element]:
        return [r for r in self.el.iter(w("r")) if "".join(r.xpath("w:t/text()", namespaces=NS))]

    # style chains

    @property
    def style_id(self) -> Optional[str]:
        ps = self.el.find("w:pPr/w:pStyle", NS)
        return ps.get(w("val")) if ps is not None else None

    def _para_chain(self) -> list[etree._Element]:
        return self.doc.style_chain(self.style_id, "paragraph")

    def _table_chain(self) -> list[etree._Element]:
        tbl = _containing_table(self.el)
        if tbl is None:
            return []
        ts = tbl.find("w:tblPr/w:tblStyle", NS)
        return self.doc.style_chain(ts.get(w("val")) if ts is not None else None, "table")

    # paragraph properties

    def ppr(self, tag: str, attr: Optional[str] = None):
        """The effective ``w:pPr/w:<tag>`` element (``attr`` None) or attribute:
        direct, paragraph style chain, table style chain, docDefaults."""
        sources = [self.el.find("w:pPr", NS)]
        sources += [s.find("w:pPr", NS) for s in self._para_chain()]
        sources += [s.find("w:pPr", NS) for s in self._table_chain()]
        sources.append(self.doc.ppr_default)
        for pPr in sources:
            if pPr is None:
                continue
            el = pPr.find(f"w:{tag}", NS)
            if el is None:
                continue
            if attr is None:
                return el
            value = el.get(w(attr))
            if value is not None:
                return value
        return None

    @property
    def alignment(self) -> str:
        return self.ppr("jc", "val") or "left"

    def twips(self, tag: str, attr: str) -> int:
        value = self.ppr(tag, attr)
        return int(value) if value is not None else 0

    def has_bottom_border(self) -> bool:
        pBdr = self.ppr("pBdr")
        if pBdr is None:
            return False
        bottom = pBdr.find("w:bottom", NS)
        return bottom is not None and bottom.get(w("val")) not in ("nil", "none", None)

    # run properties

    def rpr(self, run: etree._Element, tag: str, attr: str = "val"):
        """The effective run property: direct, then (for toggles: XOR of) the
        character style chain and the paragraph style chain, then the table
        style, then docDefaults.  Returns the element's ``attr`` (or True/False
        for toggles), None when nothing sets it."""
        direct = run.find(f"w:rPr/w:{tag}", NS)
        if direct is not None:
            return _flag(direct) if tag in TOGGLES else direct.get(w(attr))
        rstyle = run.find("w:rPr/w:rStyle", NS)
        char_chain = self.doc.style_chain(rstyle.get(w("val")), "character") if rstyle is not None else []

        def from_chain(chain):
            for style in chain:
                el = style.find(f"w:rPr/w:{tag}", NS)
                if el is not None and (tag in TOGGLES or el.get(w(attr)) is not None):
                    return el
            return None

        levels = [from_chain(char_chain), from_chain(self._para_chain()), from_chain(self._table_chain())]
        if tag in TOGGLES:
            found = [_flag(el) for el in levels if el is not None]
            if found:
                value = False
                for v in found:  # toggle properties of styles combine by XOR (ECMA-376 §17.7.3)
                    value ^= v
                return value
        else:
            for el in levels:
                if el is not None:
                    return el.get(w(attr))
        default = self.doc.rpr_default
        el = default.find(f"w:{tag}", NS) if default is not None else None
        if el is None:
            return False if tag in TOGGLES else None
        return _flag(el) if tag in TOGGLES else el.get(w(attr))

    def size_pt(self, run: etree._Element) -> float:
        value = self.rpr(run, "sz")
        return int(value) / 2 if value is not None else 10.0  # Word's built-in default

    def sizes(self) -> set[float]:
        return {self.size_pt(r) for r in self.runs()}

    def all_runs(self, tag: str) -> bool:
        runs = self.runs()
        return bool(runs) and all(self.rpr(r, tag) for r in runs)

    def no_run(self, tag: str) -> bool:
        return not any(self.rpr(r, tag) for r in self.runs())

    def text_where(self, tag: str, value: bool) -> str:
        return "".join("".join(r.xpath("w:t/text()", namespaces=NS))
                       for r in self.runs() if bool(self.rpr(r, tag)) is value)

    def looks_uppercase(self) -> bool:
        """Printed in capitals: the text is upper case, or every run has ``caps``."""
        return self.raw_text == self.raw_text.upper() or self.all_runs("caps")


def paragraphs(doc: Docx, root: Optional[etree._Element] = None) -> list[Para]:
    return [Para(doc, p) for p in (root if root is not None else doc.body).iter(w("p"))]


def find_para(paras: Iterable[Para], text: str) -> Para:
    hits = [p for p in paras if p.text == text]
    assert hits, f"no paragraph reads {text!r}"
    return hits[0]


def next_para(paras: list[Para], para: Para) -> Para:
    index = [p.el for p in paras].index(para.el)
    return paras[index + 1]


def has_page_field(root: etree._Element) -> bool:
    """A PAGE field: complex (fldChar begin, instrText PAGE, fldChar end, in that
    order) or simple (``w:fldSimple w:instr="PAGE"``)."""
    for simple in root.iter(w("fldSimple")):
        if simple.get(w("instr"), "").split()[:1] == ["PAGE"]:
            return True
    state = None
    for node in root.iter(w("fldChar"), w("instrText")):
        if node.tag == w("fldChar"):
            kind = node.get(w("fldCharType"))
            if kind == "begin":
                state = "begin"
            elif kind == "end":
                if state == "page":
                    return True
                state = None
        elif state == "begin" and (node.text or "").split()[:1] == ["PAGE"]:
            state = "page"
    return False


def tables(doc: Docx) -> list[etree._Element]:
    """Top-level tables of the body, in order."""
    return doc.body.findall("w:tbl", NS)



def rows_of(tbl: etree._Element) -> list[etree._Element]:
    return tbl.findall("w:tr", NS)


def cells_of(tr: etree._Element) -> list[etree._Element]:
    return tr.findall("w:tc", NS)


def cell_text(tc: etree._Element) -> str:
    return norm(" ".join("".join(p.xpath(".//w:t/text()", namespaces=NS)) for p in tc.findall("w:p", NS)))


def span(tc) -> int:
    """How many grid columns a cell spans (``w:gridSpan``, 1 when absent)."""
    el = tc.find("w:tcPr/w:gridSpan", NS)
    return int(el.get(w("val"))) if el is not None else 1


def pg(sectPr, tag: str, attr: str) -> Optional[str]:
    """An attribute of a section property (``w:pgSz``, ``w:pgMar``, …), None when absent."""
    el = sectPr.find(f"w:{tag}", NS)
    return el.get(w(attr)) if el is not None else None
