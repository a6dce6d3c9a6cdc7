"""Reading OOXML packages (.docx) safely: what the render checks
(:mod:`kehoach.render.checks`) and the text extractor (:mod:`kehoach.docx2text`)
share — the namespaces, the one XML parser they both trust, and how the main
document part is found.

The parser never resolves entities, loads a DTD, touches the network or
accepts a "huge" tree: a .docx is a zip of XML written by anyone (an office's
template, a downloaded file), and each of those is a way to read local files,
stall on a billion laughs or exhaust memory.  Only lxml is imported, so
``docx2text`` stays free of the rendering stack.
"""

from __future__ import annotations

import posixpath
from typing import Optional

from lxml import etree

__all__ = ["MC", "OFFICE_DOCUMENT_TYPES", "PKG_REL", "R", "W", "office_document", "parser"]

#: WordprocessingML
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: relationships of a part (r:id)
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: markup compatibility (mc:AlternateContent)
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
#: the package's relationship parts (``_rels/*.rels``)
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
#: the relationship type of the main document part, transitional and Strict OOXML spellings
OFFICE_DOCUMENT_TYPES = frozenset({
    R + "/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
})


def parser(*, remove_comments: bool = False) -> etree.XMLParser:
    """A strict XML parser for package parts: no entities, DTD, network or huge trees, no recovery."""
    return etree.XMLParser(recover=False, resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=remove_comments)


def office_document(rels: etree._Element) -> Optional[str]:
    """The main document part named by the package relationships ``rels``
    (``_rels/.rels``, parsed), as a zip entry name; None when none is named.

    Word finds it this way; python-docx always writes ``word/document.xml``,
    but templates saved by other tools may not."""
    for rel in rels.iter(f"{{{PKG_REL}}}Relationship"):
        if rel.get("Type") in OFFICE_DOCUMENT_TYPES and rel.get("TargetMode") != "External":
            return posixpath.normpath(rel.get("Target", "").lstrip("/"))
    return None
