"""Tests for kehoach.render.package: byte-reproducible .docx packaging."""

from __future__ import annotations

import hashlib
import io
import zipfile

import docx
import pytest
from docx.shared import Mm
from lxml import etree

from kehoach.render import check_docx
from kehoach.render.package import (
    CREATE_SYSTEM_UNIX,
    DEFAULT_EPOCH,
    EXTERNAL_ATTR,
    normalize_docx,
    source_date_epoch,
)

NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "dc": "http://purl.org/dc/elements/1.1/",
}
TEXT = "A & B <C> {{ 7*7 }}"


def make_docx() -> bytes:
    d = docx.Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    d.add_paragraph(TEXT)
    d.add_paragraph("Kế hoạch thực hiện nhiệm vụ năm 2025")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def restamp(data: bytes, date_time, *, reverse: bool = False, core_edit=None) -> bytes:
    """Simulate "the same document saved at another time, by another machine".

    Rebuilds the zip with a different entry time, a different entry order,
    different attributes, and (optionally) edits core.xml as Word would.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    names = [i.filename for i in src.infolist()]
    if reverse:
        names = names[::-1]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in names:
            content = src.read(name)
            if name == "docProps/core.xml" and core_edit is not None:
                content = core_edit(content)
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.create_system = 0  # "MS-DOS", as Windows tools write
            info.external_attr = 0x20
            dst.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


def word_like_core(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    root.find("dcterms:modified", NS).text = "2031-05-06T07:08:09Z"
    root.find("cp:lastModifiedBy", NS).text = "Nguyễn Văn A"
    root.find("cp:revision", NS).text = "17"
    printed = etree.SubElement(root, f"{{{NS['cp']}}}lastPrinted")
    printed.text = "2030-01-01T00:00:00Z"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def core(data: bytes) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml"))


@pytest.fixture(autouse=True)
def _no_sde(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_different_save_times_give_identical_bytes():
    base = make_docx()
    a = restamp(base, (2024, 3, 1, 8, 0, 0))
    b = restamp(base, (2026, 11, 28, 23, 59, 58), reverse=True, core_edit=word_like_core)
    assert a != b  # the inputs really differ
    na, nb = normalize_docx(a, epoch=1700000000), normalize_docx(b, epoch=1700000000)
    assert na == nb
    assert hashlib.sha256(na).hexdigest() == hashlib.sha256(nb).hexdigest()


def test_two_real_saves_normalize_identically():
    # Two independent python-docx builds of the same content.
    assert normalize_docx(make_docx()) == normalize_docx(make_docx())


def test_idempotent():
    once = normalize_docx(make_docx(), epoch=1234567890)
    assert normalize_docx(once, epoch=1234567890) == once


def test_zip_entries_are_pinned():
    out = normalize_docx(restamp(make_docx(), (2030, 1, 2, 3, 4, 6), reverse=True), epoch=1700000000)
    infos = zipfile.ZipFile(io.BytesIO(out)).infolist()
    names = [i.filename for i in infos]
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert names[2:] == sorted(names[2:])
    for info in infos:
        # 1700000000 = 2023-11-14 22:13:20 UTC
        assert info.date_time == (2023, 11, 14, 22, 13, 20)
        assert info.create_system == CREATE_SYSTEM_UNIX
        assert info.external_attr == EXTERNAL_ATTR
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.extra == b""


def test_content_other_than_core_is_unchanged():
    base = make_docx()
    out = normalize_docx(base, epoch=1700000000)
    src, dst = zipfile.ZipFile(io.BytesIO(base)), zipfile.ZipFile(io.BytesIO(out))
    assert sorted(src.namelist()) == sorted(dst.namelist())
    for name in src.namelist():
        if name != "docProps/core.xml":
            assert src.read(name) == dst.read(name), name
    # Still a valid document that python-docx and our checks accept.
    check_docx(out, expect_sections=1, min_paragraphs=2)
    reopened = docx.Document(io.BytesIO(out))
    assert reopened.paragraphs[0].text == TEXT
    assert round(reopened.sections[0].page_width.mm) == 210


def test_core_properties_pinned():
    out = normalize_docx(restamp(make_docx(), (2030, 1, 1, 0, 0, 0), core_edit=word_like_core), epoch=1700000001)
    root = core(out)
    for tag in ("dcterms:created", "dcterms:modified"):
        el = root.find(tag, NS)
        assert el.text == "2023-11-14T22:13:21Z"
        assert el.get(f"{{{NS['xsi']}}}type") == "dcterms:W3CDTF"
    assert root.find("cp:lastModifiedBy", NS).text == "kehoach"
    assert root.find("cp:revision", NS).text == "1"
    assert root.find("cp:lastPrinted", NS) is None
    # Author is content, not a timestamp: left alone.
    assert root.find("dc:creator", NS).text == "python-docx"


def test_core_properties_added_when_missing():
    def strip(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        for tag in ("dcterms:created", "dcterms:modified", "cp:revision", "cp:lastModifiedBy"):
            for el in root.findall(tag, NS):
                root.remove(el)
        return etree.tostring(root)

    out = normalize_docx(restamp(make_docx(), (2030, 1, 1, 0, 0, 0), core_edit=strip), epoch=DEFAULT_EPOCH)
    root = core(out)
    assert root.find("dcterms:created", NS).text == "2025-01-01T00:00:00Z"
    assert root.find("dcterms:modified", NS).text == "2025-01-01T00:00:00Z"
    assert root.find("cp:revision", NS).text == "1"


def test_source_date_epoch_changes_dates(monkeypatch):
    base = make_docx()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")  # 2020-09-13 12:26:40 UTC
    a = normalize_docx(base)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")  # 2025-06-15 15:06:40 UTC
    b = normalize_docx(base)
    assert a != b
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(a)).infolist()} == {(2020, 9, 13, 12, 26, 40)}
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(b)).infolist()} == {(2025, 6, 15, 15, 6, 40)}
    assert core(a).find("dcterms:created", NS).text == "2020-09-13T12:26:40Z"
    assert core(b).find("dcterms:created", NS).text == "2025-06-15T15:06:40Z"
    # An explicit epoch wins over the environment.
    assert normalize_docx(base, epoch=1600000000) == a


def test_default_epoch_without_env():
    assert source_date_epoch() == DEFAULT_EPOCH
    out = normalize_docx(make_docx())
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(out)).infolist()} == {(2025, 1, 1, 0, 0, 0)}


def test_epoch_clamped_to_1980():
    out = normalize_docx(make_docx(), epoch=0)
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(out)).infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert core(out).find("dcterms:created", NS).text == "1980-01-01T00:00:00Z"


@pytest.mark.parametrize("bad", ["abc", "1.5", "1e9", "12 34", "٣"])
def test_bad_source_date_epoch(monkeypatch, bad):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH không hợp lệ") as info:
        source_date_epoch()
    assert "số nguyên" in str(info.value)
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        normalize_docx(make_docx())


def test_empty_source_date_epoch_means_default(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert source_date_epoch() == DEFAULT_EPOCH


def test_not_a_zip():
    with pytest.raises(ValueError, match="không phải tệp zip"):
        normalize_docx(b"this is not a docx")


def test_broken_core_xml_is_reported():
    broken = restamp(make_docx(), (2030, 1, 1, 0, 0, 0), core_edit=lambda xml: xml[:-20])
    with pytest.raises(ValueError, match="docProps/core.xml"):
        normalize_docx(broken)


def test_core_without_namespace_declarations_gets_them():
    minimal = (
        b'<?xml version="1.0"?><cp:coreProperties xmlns:cp="'
        + NS["cp"].encode()
        + b'"><cp:revision>4</cp:revision><cp:lastPrinted>x</cp:lastPrinted></cp:coreProperties>'
    )
    out = normalize_docx(restamp(make_docx(), (2030, 1, 1, 0, 0, 0), core_edit=lambda _: minimal), epoch=DEFAULT_EPOCH)
    root = core(out)
    assert root.nsmap["dcterms"] == NS["dcterms"] and root.nsmap["xsi"] == NS["xsi"]
    created = root.find("dcterms:created", NS)
    assert created.text == "2025-01-01T00:00:00Z"
    assert created.get(f"{{{NS['xsi']}}}type") == "dcterms:W3CDTF"
    assert root.find("cp:lastPrinted", NS) is None
    assert root.find("cp:revision", NS).text == "1"
