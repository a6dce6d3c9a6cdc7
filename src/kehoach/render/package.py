"""Deterministic packaging of .docx files.

A .docx is a zip archive.  Saving the same document twice with python-docx or
docxtpl gives different bytes because every zip entry carries the wall-clock
time of the save (measured: two saves more than 2 s apart differ *only* in
those timestamps).  Reproducible output matters here: a plan rebuilt from the
same YAML must give the same file, so that reviewers can trust "nothing
changed" and CI can compare builds by hash.

:func:`normalize_docx` therefore rewrites the archive with everything that
depends on the machine or the clock pinned:

* every entry gets a *fresh* :class:`zipfile.ZipInfo` (reusing the source
  archive's ``ZipInfo`` objects corrupted later reads in an earlier experiment,
  and would carry over extra fields, flags and attributes anyway);
* the entry time comes from ``epoch`` (default: ``SOURCE_DATE_EPOCH``, the
  reproducible-builds convention, else a fixed constant), clamped to the range
  a zip "DOS time" can hold (1980-01-01 … 2107-12-31);
* fixed ``create_system`` (Unix), ``external_attr`` (regular file, 0644),
  compression method and level;
* a fixed entry order: ``[Content_Types].xml`` first (some consumers sniff
  it), then ``_rels/.rels``, then all other parts sorted by name;
* ``docProps/core.xml`` is parsed and rewritten: ``dcterms:created`` and
  ``dcterms:modified`` are set to the epoch, ``cp:lastModifiedBy`` and
  ``cp:revision`` to fixed values, ``cp:lastPrinted`` is removed.  The author
  (``dc:creator``) and title are left alone: they are content chosen by the
  template or the renderer, not something the clock or the machine injects.

Limits: byte-identity is guaranteed for the same Python and zlib.  A different
zlib build (e.g. zlib-ng) may compress the same input to different bytes; the
*uncompressed* parts stay identical.  Directory entries, if a producer wrote
any, are dropped: OOXML has no use for them.
"""

from __future__ import annotations

import calendar
import io
import time
import zipfile

from lxml import etree

# the clock lives in kehoach.clock; these names stay importable from here
from ..clock import DEFAULT_EPOCH, source_date_epoch

__all__ = [
    "DEFAULT_EPOCH",
    "FIXED_LAST_MODIFIED_BY",
    "FIXED_REVISION",
    "normalize_docx",
    "source_date_epoch",
    "w3cdtf",
    "zip_date_time",
]


#: Smallest time a zip entry can carry (1980-01-01 00:00:00 UTC).
ZIP_MIN_EPOCH = calendar.timegm((1980, 1, 1, 0, 0, 0))
#: Largest time a zip entry can carry (2107-12-31 23:59:58 UTC; DOS time has
#: 2-second resolution and a 7-bit year offset from 1980).
ZIP_MAX_EPOCH = calendar.timegm((2107, 12, 31, 23, 59, 58))

FIXED_LAST_MODIFIED_BY = "kehoach"
FIXED_REVISION = "1"

#: deflate level 6 is zlib's default: the speed/size trade-off every office
#: suite uses; fixed so that the output does not depend on a library default.
COMPRESS_LEVEL = 6
#: S_IFREG | 0o644, in the high 16 bits as zip stores Unix modes.
EXTERNAL_ATTR = (0o100644 & 0xFFFF) << 16
CREATE_SYSTEM_UNIX = 3

_CONTENT_TYPES = "[Content_Types].xml"
_ROOT_RELS = "_rels/.rels"
_CORE = "docProps/core.xml"

_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def _q(prefix: str, local: str) -> str:
    return f"{{{_NS[prefix]}}}{local}"


def _clamp(epoch: int) -> int:
    return max(ZIP_MIN_EPOCH, min(ZIP_MAX_EPOCH, int(epoch)))


def zip_date_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    """The ``ZipInfo.date_time`` for ``epoch`` (UTC, clamped to the zip range).

    Zip stores local "DOS time" without a zone; UTC is used so the result does
    not depend on the machine's TZ.  Seconds are rounded down to even, which is
    what the format stores anyway — rounding here makes the value read back
    equal to the value written.
    """
    t = time.gmtime(_clamp(epoch))
    return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec - t.tm_sec % 2)


def w3cdtf(epoch: int) -> str:
    """``epoch`` (clamped like the zip dates) as W3CDTF ``YYYY-MM-DDTHH:MM:SSZ``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(_clamp(epoch)))


def _entry_order(names: list[str]) -> list[str]:
    head = [n for n in (_CONTENT_TYPES, _ROOT_RELS) if n in names]
    rest = sorted(n for n in names if n not in (_CONTENT_TYPES, _ROOT_RELS))
    return head + rest


def _pin_core_properties(xml: bytes, stamp: str) -> bytes:
    """Rewrite core.xml with times and machine-derived fields pinned.

    Parsed with a non-recovering parser: a broken core.xml is reported, not
    "repaired" into something else.  Entity resolution and network access are
    off — the input is a file we produced, but there is no reason to trust it.
    """
    parser = etree.XMLParser(
        recover=False, resolve_entities=False, no_network=True, remove_blank_text=False
    )
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"Phần '{_CORE}' trong tệp .docx không phải XML hợp lệ: {exc}") from exc
    if root.tag != _q("cp", "coreProperties"):
        raise ValueError(
            f"Phần '{_CORE}' trong tệp .docx có phần tử gốc không đúng: {root.tag!r} "
            "(cần cp:coreProperties)."
        )

    # Bind the prefixes first, so elements added below use them.
    root = _ensure_root_namespaces(root)

    def set_child(prefix: str, local: str, text: str, w3c: bool = False) -> None:
        found = root.findall(_q(prefix, local))
        for extra in found[1:]:
            root.remove(extra)
        el = found[0] if found else etree.SubElement(root, _q(prefix, local))
        # Drop any attributes a producer added and set exactly what OPC wants.
        el.attrib.clear()
        for child in list(el):
            el.remove(child)
        if w3c:
            el.set(_q("xsi", "type"), "dcterms:W3CDTF")
        el.text = text

    # The core-properties schema uses xsd:all, so child order does not matter
    # for validity; appending missing ones at the end is fine.
    set_child("dcterms", "created", stamp, w3c=True)
    set_child("dcterms", "modified", stamp, w3c=True)
    set_child("cp", "lastModifiedBy", FIXED_LAST_MODIFIED_BY)
    set_child("cp", "revision", FIXED_REVISION)
    for el in root.findall(_q("cp", "lastPrinted")):
        root.remove(el)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _ensure_root_namespaces(root: etree._Element) -> etree._Element:
    """Make sure ``dcterms`` is bound at the root under that exact prefix.

    ``xsi:type="dcterms:W3CDTF"`` is a QName *in an attribute value*; XML
    namespaces do not track those, so the ``dcterms`` prefix must be in scope
    with that spelling.  Files from Word and python-docx already declare it;
    this only matters for unusual producers.
    """
    nsmap = dict(root.nsmap)
    if nsmap.get("dcterms") == _NS["dcterms"] and nsmap.get("xsi") == _NS["xsi"]:
        return root
    for prefix in ("cp", "dc", "dcterms", "xsi"):
        if prefix not in nsmap:
            nsmap[prefix] = _NS[prefix]
    if nsmap.get("dcterms") != _NS["dcterms"] or nsmap.get("xsi") != _NS["xsi"]:
        raise ValueError(
            f"Phần '{_CORE}' dùng tiền tố 'dcterms' hoặc 'xsi' cho không gian tên khác; "
            "không thể ghi ngày tạo theo chuẩn W3CDTF."
        )
    new_root = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=nsmap)
    new_root.text = root.text
    for child in root:
        new_root.append(child)
    return new_root


def normalize_docx(data: bytes, epoch: int | None = None) -> bytes:
    """Return ``data`` (a .docx) rewritten so that equal content gives equal bytes.

    ``epoch`` is a Unix timestamp; ``None`` means :func:`source_date_epoch`.
    The content of every part except ``docProps/core.xml`` is copied unchanged.
    Raises :class:`ValueError` (Vietnamese message) when ``data`` is not a zip
    archive, holds duplicate entry names, or has a broken core.xml.
    """
    if epoch is None:
        epoch = source_date_epoch()
    date_time = zip_date_time(epoch)
    stamp = w3cdtf(epoch)

    try:
        src = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValueError(f"Dữ liệu không phải tệp .docx (không phải tệp zip hợp lệ): {exc}") from exc

    with src:
        infos = [i for i in src.infolist() if not i.is_dir()]
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            raise ValueError(
                "Tệp .docx có nhiều mục trùng tên trong gói zip: " + ", ".join(dup)
                + ". Không thể xác định nội dung nào đúng."
            )
        try:
            contents = {name: src.read(name) for name in names}
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            # CRC mismatch or truncated data surfaces here.
            raise ValueError(f"Tệp .docx bị hỏng, không đọc được nội dung gói zip: {exc}") from exc

    if _CORE in contents:
        contents[_CORE] = _pin_core_properties(contents[_CORE], stamp)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in _entry_order(names):
            info = zipfile.ZipInfo(filename=name, date_time=date_time)
            info.create_system = CREATE_SYSTEM_UNIX
            info.external_attr = EXTERNAL_ATTR
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, contents[name], compress_type=zipfile.ZIP_DEFLATED,
                         compresslevel=COMPRESS_LEVEL)
    return out.getvalue()
