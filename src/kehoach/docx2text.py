"""Readable plain text of a .docx, for ``git diff`` (textconv) and review.

A .docx is a zip of XML, so ``git diff`` only says "Binary files differ".
:func:`docx_text` turns one into lines a reviewer can read and diff:

* body paragraphs in document order, one line each (a line break inside a
  paragraph starts a new line), empty paragraphs as empty lines;
* tables row by row as ``| a | b |`` lines: one cell per ``w:tc``, so a
  horizontally merged cell appears once, the continuation of a vertically
  merged cell is empty; the paragraphs of a cell are joined with " / ";
* each section's headers and footers, every line marked (``[đầu trang] …``,
  ``[chân trang (trang đầu)] …``), and the end of each section of a
  multi-section document, with its page size and orientation
  (``--- (hết vùng 1: A4 dọc) ---``);
* text boxes (``[hộp văn bản] …``), footnotes and endnotes at the end;
* page-number and date fields as their code (``{PAGE}``), not a stale result;
* docxtpl / Jinja tags exactly as typed (``{{ subject }}``,
  ``{%tr for row in appendix.rows %}``), since they are ordinary text;
* optionally (``with_styles=True``) each paragraph prefixed with its style
  name: ``[KH Nội dung] …``.

Output is NFC and deterministic (a pure function of the bytes).  Anything that
is not a readable .docx raises :class:`ValueError` with a Vietnamese message.

``python -m kehoach.docx2text FILE`` prints the text, for
``git config diff.docx.textconv`` without the ``kehoach`` command (see
``docs/git-diff-docx.md``).
"""

from __future__ import annotations

import io
import os
import posixpath
import sys
import unicodedata
import zipfile
from typing import Iterator, Optional, Sequence

from lxml import etree

from . import ooxml
from .ooxml import MC, R, W
from .vi_messages import os_error as _os_error

__all__ = ["docx_text", "main"]

# Cost caps.  git runs the textconv on every diff of whatever is committed,
# so a crafted file must not cost minutes and gigabytes (a 764 KB zip bomb
# expanding to a 256 MB document.xml took 284 s and 4 GB before these caps).
# A 1,000-task plan is about 3 MB of document.xml, compressed about 10:1.
#: Largest .docx accepted.
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Largest part read, uncompressed.
MAX_PART_BYTES = 32 * 1024 * 1024
#: Largest sum of the uncompressed sizes of all parts.
MAX_TOTAL_BYTES = 128 * 1024 * 1024
#: Most zip entries.
MAX_ENTRIES = 5000
#: Highest compression ratio of a part larger than 1 MB (XML compresses 5–30:1).
MAX_RATIO = 200

CELL_SEPARATOR = " / "

_HEADER_LABELS = {"first": "đầu trang (trang đầu)", "default": "đầu trang", "even": "đầu trang (trang chẵn)"}
_FOOTER_LABELS = {"first": "chân trang (trang đầu)", "default": "chân trang", "even": "chân trang (trang chẵn)"}
_REF_ORDER = ("first", "default", "even")

#: Fields whose cached result is only a snapshot (page numbers, dates): shown as ``{CODE}``.
_CODE_FIELDS = frozenset({
    "PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "DATE", "TIME", "PRINTDATE", "SAVEDATE",
    "CREATEDATE", "EDITTIME", "FILENAME", "FILESIZE", "NUMWORDS", "NUMCHARS",
})

#: Paper sizes in twips (portrait width, height).
_PAPER = (("A4", 11906, 16838), ("A3", 16838, 23811), ("A5", 8391, 11906),
          ("Letter", 12240, 15840), ("Legal", 12240, 20160))


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# Containers whose children are read as if they were in the parent.
_TRANSPARENT_BLOCKS = (w("sdt"), w("sdtContent"), w("customXml"))
# Inline subtrees that carry no text of the paragraph itself.
_SKIP_INLINE = frozenset({
    w("pPr"), w("rPr"), w("drawing"), w("pict"), w("object"), f"{{{MC}}}AlternateContent",
    w("del"), w("moveFrom"), w("commentReference"), w("sdtPr"), w("sdtEndPr"),
})


class _Package:
    """The parts of a .docx that the text needs."""

    def __init__(self, data: bytes):
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ValueError("cần nội dung tệp .docx dạng bytes")
        if len(data) > MAX_FILE_BYTES:
            raise ValueError(f"tệp .docx quá lớn: {len(data):,} byte, giới hạn {MAX_FILE_BYTES:,} byte")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(bytes(data)))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
            raise ValueError(f"không phải tệp .docx: không đọc được dạng nén zip ({exc})") from None
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ValueError(f"tệp .docx có {len(infos):,} phần, giới hạn {MAX_ENTRIES:,}")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES:
            raise ValueError(f"tệp .docx quá lớn khi giải nén: {total:,} byte, giới hạn {MAX_TOTAL_BYTES:,} byte")
        self.names = set(self.zip.namelist())
        self.main = self._main_part()
        self.rels = self._relationships(self.main)
        self.document = self.xml(self.main)
        if self.document.tag != w("document"):
            raise ValueError(f"không phải tệp .docx của Word: phần {self.main} không phải là văn bản (w:document)")
        self.styles, self.default_style = self._styles()

    def read(self, name: str) -> bytes:
        info = self.zip.getinfo(name)
        if info.file_size > MAX_PART_BYTES:
            raise ValueError(f"tệp .docx quá lớn: phần {name} có {info.file_size:,} byte khi giải nén, "
                             f"giới hạn {MAX_PART_BYTES:,} byte")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ValueError(f"tệp .docx đáng ngờ (bom nén): phần {name} nén {info.compress_size:,} byte "
                             f"thành {info.file_size:,} byte, tỉ lệ vượt {MAX_RATIO}:1")
        try:
            return self.zip.read(name)
        except Exception as exc:  # bad CRC, unsupported compression, truncated data
            raise ValueError(f"tệp .docx bị hỏng: không giải nén được phần {name} ({exc})") from None

    def xml(self, name: str) -> etree._Element:
        try:
            return etree.fromstring(self.read(name), ooxml.parser(remove_comments=True))
        except etree.XMLSyntaxError as exc:
            raise ValueError(f"tệp .docx bị hỏng: phần {name} không phải XML hợp lệ ({exc})") from None

    def _main_part(self) -> str:
        if "_rels/.rels" in self.names:
            try:
                target = ooxml.office_document(etree.fromstring(self.read("_rels/.rels"), ooxml.parser()))
            except etree.XMLSyntaxError:
                target = None
            if target in self.names:
                return target
        if "word/document.xml" in self.names:
            return "word/document.xml"
        raise ValueError("không phải tệp .docx: thiếu phần nội dung chính (word/document.xml)")

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, part name) for ``part``, internal targets only."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.names:
            return {}
        out = {}
        for rel in self.xml(rels_name):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id")] = (rel.get("Type", ""), name)
        return out

    def related(self, kind: str) -> Optional[str]:
        """The part of the main document's relationship of type ``…/kind``."""
        for rel_type, name in sorted(self.rels.values()):
            if rel_type.rsplit("/", 1)[-1] == kind and name in self.names:
                return name
        return None

    def _styles(self) -> tuple[dict[str, str], Optional[str]]:
        name = self.related("styles")
        if name is None:
            return {}, None
        styles, default = {}, None
        for style in self.xml(name).iter(w("style")):
            if style.get(w("type")) != "paragraph":
                continue
            sid = style.get(w("styleId"))
            label = style.find(w("name"))
            styles[sid] = label.get(w("val")) if label is not None and label.get(w("val")) else sid
            if style.get(w("default")) in ("1", "true", "on"):
                default = styles[sid]
        return styles, default


class _Reader:
    def __init__(self, package: _Package, with_styles: bool):
        self.pkg = package
        self.with_styles = with_styles
        self.notes: dict[str, list[tuple[str, str]]] = {"footnote": [], "endnote": []}

    # -- paragraphs ------------------------------------------------------------------

    def style_prefix(self, p: etree._Element) -> str:
        if not self.with_styles:
            return ""
        ref = p.find(f"{w('pPr')}/{w('pStyle')}")
        name = None
        if ref is not None:
            sid = ref.get(w("val"))
            name = self.pkg.styles.get(sid, sid)
        elif self.pkg.default_style:
            name = self.pkg.default_style
        return f"[{name}] " if name else ""

    def paragraph_text(self, p: etree._Element) -> str:
        out: list[str] = []
        fields: list[dict] = []
        self._inline(p, out, fields)
        return "".join(out)

    def _inline(self, el: etree._Element, out: list[str], fields: list[dict]) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_INLINE:
                continue
            hidden = any(f["hide"] for f in fields)
            if tag == w("t"):
                if not hidden:      # a no-break space reads as a space (as w:noBreakHyphen reads as "-")
                    out.append((child.text or "").replace("\u00a0", " "))
            elif tag in (w("tab"), w("ptab")):
                if not hidden:
                    out.append("\t")
            elif tag in (w("br"), w("cr")):
                if not hidden:
                    out.append("\n--- (ngắt trang) ---\n" if child.get(w("type")) == "page" else "\n")
            elif tag == w("noBreakHyphen"):
                if not hidden:
                    out.append("-")
            elif tag == w("sym"):
                if not hidden:
                    try:
                        out.append(chr(int(child.get(w("char"), ""), 16)))
                    except ValueError:
                        pass
            elif tag == w("fldChar"):
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    fields.append({"instr": [], "hide": False, "shown": False})
                elif kind == "separate" and fields:
                    self._field_code(fields[-1], out, hidden)
                elif kind == "end" and fields:
                    field = fields.pop()
                    self._field_code(field, out, any(f["hide"] for f in fields))
            elif tag == w("instrText"):
                if fields:
                    fields[-1]["instr"].append(child.text or "")
            elif tag == w("fldSimple"):
                word = (child.get(w("instr")) or "").split()
                if word and word[0].upper() in _CODE_FIELDS:
                    if not hidden:
                        out.append("{" + word[0].upper() + "}")
                else:
                    self._inline(child, out, fields)
            elif tag in (w("footnoteReference"), w("endnoteReference")):
                if not hidden:
                    out.append(self._note_mark(tag == w("endnoteReference"), child.get(w("id"), "")))
            else:
                self._inline(child, out, fields)

    @staticmethod
    def _field_code(field: dict, out: list[str], hidden: bool) -> None:
        """At a field's separator (or its end, when it has none): show ``{CODE}``
        for snapshot fields and hide their cached result."""
        if field["shown"]:
            return
        field["shown"] = True
        words = "".join(field["instr"]).split()
        if words and words[0].upper() in _CODE_FIELDS:
            if not hidden:
                out.append("{" + words[0].upper() + "}")
            field["hide"] = True

    @staticmethod
    def _note_mark(endnote: bool, note_id: str) -> str:
        return f"[^{'e' if endnote else ''}{note_id}]"

    def text_boxes(self, p: etree._Element) -> list[str]:
        """Paragraph lines of the text boxes anchored in ``p`` (DrawingML, or VML
        without a DrawingML choice), each once."""
        lines = []
        for box in p.iter(w("txbxContent")):
            ancestors = list(box.iterancestors())
            stop = ancestors.index(p) if p in ancestors else len(ancestors)
            above = ancestors[:stop]
            if any(a.tag == f"{{{MC}}}Fallback" or a.tag == w("txbxContent") for a in above):
                continue
            for line in self.blocks(box):
                lines.append(f"[hộp văn bản] {line}")
        return lines

    # -- blocks -------------------------------------------------------------------------

    def block_items(self, container: etree._Element) -> Iterator[etree._Element]:
        """``w:p`` and ``w:tbl`` children, through content controls and custom XML."""
        for child in container:
            if child.tag in (w("p"), w("tbl")):
                yield child
            elif child.tag in _TRANSPARENT_BLOCKS:
                yield from self.block_items(child)

    def paragraph_lines(self, p: etree._Element) -> list[str]:
        lines = (self.style_prefix(p) + self.paragraph_text(p)).split("\n")
        return lines + self.text_boxes(p)

    def blocks(self, container: etree._Element) -> list[str]:
        lines: list[str] = []
        for item in self.block_items(container):
            if item.tag == w("p"):
                lines.extend(self.paragraph_lines(item))
            else:
                lines.extend(self.table(item))
        return lines

    # -- tables ------------------------------------------------------------------------------

    def _children(self, el: etree._Element, tag: str) -> Iterator[etree._Element]:
        for child in el:
            if child.tag == tag:
                yield child
            elif child.tag in _TRANSPARENT_BLOCKS:
                yield from self._children(child, tag)

    def cell_text(self, tc: etree._Element) -> str:
        merge = tc.find(f"{w('tcPr')}/{w('vMerge')}")
        if merge is not None and merge.get(w("val"), "continue") != "restart":
            return ""
        parts: list[str] = []
        for item in self.block_items(tc):
            if item.tag == w("p"):
                parts.extend(x for x in self.paragraph_lines(item) if x.strip())
            else:  # a nested table: its rows, inline
                parts.extend("[" + row.strip("| ") + "]" for row in self.table(item))
        return CELL_SEPARATOR.join(x.strip() for x in parts).replace("|", "\\|") if parts else ""

    def table(self, tbl: etree._Element) -> list[str]:
        lines = []
        for tr in self._children(tbl, w("tr")):
            cells = [self.cell_text(tc) for tc in self._children(tr, w("tc"))]
            lines.append("|" + "".join(f" {c} |" if c else " |" for c in cells))
        return lines

    # -- sections, headers, footers ------------------------------------------------------------

    def sections(self, body: etree._Element) -> list[tuple[list[str], Optional[etree._Element]]]:
        """The body's lines split at section ends, each with its ``w:sectPr``."""
        out: list[tuple[list[str], Optional[etree._Element]]] = []
        current: list[str] = []

        def walk(container):
            nonlocal current
            for item in self.block_items(container):
                if item.tag == w("tbl"):
                    current.extend(self.table(item))
                    continue
                current.extend(self.paragraph_lines(item))
                sect = item.find(f"{w('pPr')}/{w('sectPr')}")
                if sect is not None:
                    out.append((current, sect))
                    current = []

        walk(body)
        out.append((current, body.find(w("sectPr"))))
        if len(out) > 1 and not out[-1][0] and out[-1][1] is None:
            out.pop()  # a body that ends with a paragraph-level section break
        return out

    def header_footer(self, sect: Optional[etree._Element], kind: str) -> list[str]:
        if sect is None:
            return []
        labels = _HEADER_LABELS if kind == "header" else _FOOTER_LABELS
        refs: dict[str, str] = {}
        for ref in sect.findall(w(f"{kind}Reference")):
            refs[ref.get(w("type"), "default")] = ref.get(f"{{{R}}}id", "")
        lines: list[str] = []
        for ref_type in _REF_ORDER:
            rel = self.pkg.rels.get(refs.get(ref_type, ""))
            if rel is None or rel[1] not in self.pkg.names:
                continue
            part = self.pkg.xml(rel[1])
            content = self.blocks(part) or [""]
            lines.extend(f"[{labels[ref_type]}] {line}" for line in content)
        return lines

    @staticmethod
    def page(sect: Optional[etree._Element]) -> str:
        size = sect.find(w("pgSz")) if sect is not None else None
        if size is None:
            return ""
        try:
            width, height = int(size.get(w("w"), "0")), int(size.get(w("h"), "0"))
        except ValueError:
            width = height = 0
        if width and height:
            orientation = "ngang" if width > height else "dọc"
        else:
            orientation = "ngang" if size.get(w("orient")) == "landscape" else "dọc"
        short, long_ = sorted((width, height))
        for name, pw, ph in _PAPER:
            if abs(short - pw) <= 20 and abs(long_ - ph) <= 20:
                return f"{name} {orientation}"
        if width and height:
            return f"{round(width * 25.4 / 1440)} × {round(height * 25.4 / 1440)} mm {orientation}"
        return orientation

    # -- notes ---------------------------------------------------------------------------------

    def notes_lines(self) -> list[str]:
        lines = []
        for kind, title in (("footnote", "chú thích cuối trang"), ("endnote", "chú thích cuối văn bản")):
            name = self.pkg.related(kind + "s")
            if name is None:
                continue
            notes = []
            for note in self.pkg.xml(name).iter(w(kind)):
                if note.get(w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                text = " ".join(x.strip() for x in self.blocks(note) if x.strip())
                notes.append(f"{self._note_mark(kind == 'endnote', note.get(w('id'), ''))} {text}")
            if notes:
                lines += [f"--- ({title}) ---"] + notes
        return lines

    # -- the whole document ---------------------------------------------------------------------

    def text(self) -> str:
        body = self.pkg.document.find(w("body"))
        lines: list[str] = []
        if body is not None:
            sections = self.sections(body)
            many = len(sections) > 1
            for number, (content, sect) in enumerate(sections, 1):
                lines += self.header_footer(sect, "header")
                lines += content
                lines += self.header_footer(sect, "footer")
                if many:
                    page = self.page(sect)
                    lines.append(f"--- (hết vùng {number}{': ' + page if page else ''}) ---")
        lines += self.notes_lines()
        text = "\n".join(line.rstrip() for line in "\n".join(lines).split("\n"))
        return unicodedata.normalize("NFC", text.strip("\n") + "\n") if text.strip() else ""


def docx_text(data: bytes, with_styles: bool = False) -> str:
    """The readable text of a .docx (bytes): see the module docstring.

    Raises ValueError, with a Vietnamese message, when ``data`` is not a
    readable .docx (not a zip, no main document part, broken XML, a part
    larger than :data:`MAX_PART_BYTES`).
    """
    package = _Package(data)
    return _Reader(package, with_styles).text()


USAGE = ("Cách dùng: python -m kehoach.docx2text [--styles] TỆP.docx\n"
         "In nội dung chữ của tệp .docx (đoạn văn, bảng, đầu trang, chân trang, vùng trang) ra đầu ra chuẩn,\n"
         "để dùng với git diff (textconv). --styles: ghi tên kiểu đoạn văn trước mỗi đoạn. "
         "TỆP là '-' thì đọc từ đầu vào chuẩn.\n")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m kehoach.docx2text [--styles] FILE``: 0 printed, 1 bad file, 2 usage error."""
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in args):
        sys.stdout.write(USAGE)
        return 0
    with_styles = "--styles" in args
    files = [a for a in args if a != "--styles"]
    if len(files) != 1 or (files[0].startswith("-") and files[0] != "-"):
        sys.stderr.write(USAGE)
        return 2
    path = files[0]
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        else:
            from .safety import UnsafeFile, read_regular
            try:  # a regular file of bounded size only: a FIFO or /dev/zero must not hang or fill memory
                data = read_regular(path, os.path.abspath(os.sep), MAX_FILE_BYTES)
            except UnsafeFile as exc:
                sys.stderr.write(f"kehoach docx2text: {path}: {exc}\n")
                return 1
    except OSError as exc:
        sys.stderr.write(f"kehoach docx2text: không đọc được tệp '{path}': {_os_error(exc)}\n")
        return 1
    try:
        text = docx_text(data, with_styles=with_styles)
    except ValueError as exc:
        sys.stderr.write(f"kehoach docx2text: {path}: {exc}\n")
        return 1
    out = getattr(sys.stdout, "buffer", None)
    if out is not None:
        sys.stdout.flush()
        out.write(text.encode("utf-8"))
        out.flush()
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
