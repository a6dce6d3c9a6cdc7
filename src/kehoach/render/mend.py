"""Edits to a rendered package that a template cannot express.

:func:`drop_empty_last_section` — remove a trailing section that holds nothing.
:func:`add_footnotes` — add ``word/footnotes.xml`` with its relationship and
content type.

Both rewrite the zip once with the renderer's writer, at the time the package
already carries, so the result stays byte-reproducible.

Removing a trailing section:

The plan template always has two sections: the portrait plan and the
landscape Phụ lục.  A plan without appendices renders an empty landscape
section, and a Word template cannot make its *last* section conditional
(the body-level ``w:sectPr`` must be there, once, for the file to stay a valid
template an office can open and restyle).  So the rendered document is
mended instead: when everything after the last paragraph-level ``w:sectPr`` is
empty paragraphs, that section is dropped — the previous section's
properties become the body's and the paragraph that carried them goes.

Only ``word/document.xml`` changes; every other zip entry is copied with its
``ZipInfo`` (already normalised), so the result stays byte-reproducible.
"""

from __future__ import annotations

import calendar
import io
import zipfile

from lxml import etree

__all__ = ["add_footnotes", "drop_empty_last_section"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_Q = lambda tag: f"{{{_W}}}{tag}"  # noqa: E731


def _is_empty(element) -> bool:
    """A paragraph with no text, tab, break, drawing or field: nothing to print."""
    if element.tag != _Q("p"):
        return False
    return not any(el.tag in {_Q("t"), _Q("tab"), _Q("br"), _Q("drawing"), _Q("fldChar"), _Q("instrText")}
                   and (el.tag != _Q("t") or el.text) for el in element.iter())


def drop_empty_last_section(data: bytes) -> bytes:
    """``data`` without its last section when that section is empty; else unchanged."""
    source = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(source.read("word/document.xml"))
    body = root.find(_Q("body"))
    children = list(body)
    final = children[-1] if children and children[-1].tag == _Q("sectPr") else None
    carriers = [i for i, el in enumerate(children[:-1])
                if el.tag == _Q("p") and el.find(f"{_Q('pPr')}/{_Q('sectPr')}") is not None]
    if final is None or not carriers:
        return data
    last = carriers[-1]
    if not all(_is_empty(el) for el in children[last + 1:-1]):
        return data
    carrier = children[last]
    previous = carrier.find(f"{_Q('pPr')}/{_Q('sectPr')}")
    body.remove(carrier)
    body.replace(final, previous)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _rewrite(source, {"word/document.xml": xml})


def _rewrite(source: zipfile.ZipFile, parts: dict[str, bytes]) -> bytes:
    """The package with ``parts`` replaced or added, zipped by the renderer's own
    deterministic writer (:func:`~kehoach.render.engine.zip_parts`) at the time
    the package already carries."""
    from .engine import zip_parts
    every = {info.filename: source.read(info) for info in source.infolist()}
    every.update(parts)
    stamp = source.getinfo("word/document.xml").date_time
    return zip_parts(every, calendar.timegm((*stamp, 0, 0, 0)))


_FOOTNOTES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_FOOTNOTES_CONTENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def add_footnotes(data: bytes, footnotes_xml: bytes) -> bytes:
    """``data`` with ``word/footnotes.xml`` (replacing any), related from the main document."""
    source = zipfile.ZipFile(io.BytesIO(data))
    rels_name = "word/_rels/document.xml.rels"
    rels = etree.fromstring(source.read(rels_name))
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    for rel in rels.findall(f"{{{pkg}}}Relationship"):
        if rel.get("Type") == _FOOTNOTES_TYPE:
            rels.remove(rel)
    ids = {rel.get("Id") for rel in rels}
    rid = next(f"rId{n}" for n in range(1000, 2000) if f"rId{n}" not in ids)
    etree.SubElement(rels, f"{{{pkg}}}Relationship", Id=rid, Type=_FOOTNOTES_TYPE, Target="footnotes.xml")
    types = etree.fromstring(source.read("[Content_Types].xml"))
    ct = "http://schemas.openxmlformats.org/package/2006/content-types"
    if not any(o.get("PartName") == "/word/footnotes.xml" for o in types.findall(f"{{{ct}}}Override")):
        etree.SubElement(types, f"{{{ct}}}Override", PartName="/word/footnotes.xml", ContentType=_FOOTNOTES_CONTENT)
    return _rewrite(source, {
        "word/footnotes.xml": footnotes_xml,
        rels_name: etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True),
        "[Content_Types].xml": etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True),
    })
