"""Remove a trailing section that holds nothing.

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

import io
import zipfile

from lxml import etree

__all__ = ["drop_empty_last_section"]

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
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, xml if info.filename == "word/document.xml" else source.read(info))
    return out.getvalue()
