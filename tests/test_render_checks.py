"""Tests for kehoach.render.checks: catching docxtpl's silent damage."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.shared import Mm
from docxtpl import DocxTemplate

from kehoach.render import RenderCheckError, check_docx, docx_stats


def make_docx(*, sections: int = 1, table: bool = False) -> bytes:
    d = docx.Document()
    s = d.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    d.add_paragraph("A & B <C> {{ 7*7 }}")
    d.add_paragraph("Đoạn thứ hai")
    if table:
        t = d.add_table(rows=2, cols=2)
        t.cell(0, 0).text = "ô 1"
    for _ in range(sections - 1):
        d.add_section(WD_SECTION.NEW_PAGE)
        d.add_paragraph("Phụ lục")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info.filename))
    return out.getvalue()


def read_part(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def test_good_document_passes():
    data = make_docx()
    check_docx(data)
    check_docx(data, expect_sections=1, min_paragraphs=2)
    stats = docx_stats(data)
    assert (stats.main_part, stats.sections, stats.paragraphs) == ("word/document.xml", 1, 2)


def test_section_breaks_are_counted():
    data = make_docx(sections=3)
    check_docx(data, expect_sections=3)
    with pytest.raises(RenderCheckError, match="có 3 vùng .* cần đúng 1"):
        check_docx(data, expect_sections=1)


def test_table_paragraphs_are_counted():
    # A 2x2 table holds 4 paragraphs: losing the table lowers the count.
    assert docx_stats(make_docx(table=True)).paragraphs == 6
    with pytest.raises(RenderCheckError, match="chỉ có 2 đoạn văn, ít hơn mức tối thiểu 6"):
        check_docx(make_docx(), min_paragraphs=6)


def test_broken_xml_part_is_named():
    data = make_docx()
    styles = read_part(data, "word/styles.xml")
    broken = replace_part(data, "word/styles.xml", styles[: len(styles) // 2])
    with pytest.raises(RenderCheckError) as info:
        check_docx(broken)
    assert info.value.part == "word/styles.xml"
    msg = str(info.value)
    assert "phần 'word/styles.xml'" in msg
    assert "XML không hợp lệ" in msg
    assert re.search(r"dòng \d+, cột \d+", msg)


def test_recoverable_damage_is_not_recovered():
    # An unescaped "&" is exactly what autoescape=False produces; a recovering
    # parser would accept it, ours must not.
    data = make_docx()
    doc = read_part(data, "word/document.xml").replace(b"\xc4\x90o\xe1\xba\xa1n", b"A & B", 1)
    with pytest.raises(RenderCheckError, match="word/document.xml.*XML không hợp lệ"):
        check_docx(replace_part(data, "word/document.xml", doc))


def test_broken_rels_part_is_checked():
    data = make_docx()
    broken = replace_part(data, "word/_rels/document.xml.rels", b"<Relationships><oops></Relationships>")
    with pytest.raises(RenderCheckError, match="word/_rels/document.xml.rels"):
        check_docx(broken)


def test_missing_final_sectpr():
    data = make_docx()
    doc = read_part(data, "word/document.xml")
    stripped = re.sub(rb"<w:sectPr\b.*?</w:sectPr>", b"", doc, flags=re.S)
    assert stripped != doc
    with pytest.raises(RenderCheckError) as info:
        check_docx(replace_part(data, "word/document.xml", stripped))
    assert info.value.part == "word/document.xml"
    assert "w:sectPr" in str(info.value)
    assert "khổ giấy" in str(info.value)


def test_sectpr_not_last_is_rejected():
    data = make_docx()
    doc = read_part(data, "word/document.xml")
    moved = doc.replace(b"</w:body>", b"<w:p><w:r><w:t>sau</w:t></w:r></w:p></w:body>")
    with pytest.raises(RenderCheckError, match="w:sectPr"):
        check_docx(replace_part(data, "word/document.xml", moved))


def test_missing_body():
    data = make_docx()
    doc = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    with pytest.raises(RenderCheckError, match="w:body"):
        check_docx(replace_part(data, "word/document.xml", doc))


def test_doctype_rejected():
    data = make_docx()
    doc = read_part(data, "word/document.xml")
    decl, rest = doc.split(b"?>", 1)
    with_dtd = decl + b'?><!DOCTYPE w:document [<!ENTITY x "y">]>' + rest
    with pytest.raises(RenderCheckError, match="DOCTYPE"):
        check_docx(replace_part(data, "word/document.xml", with_dtd))


def test_not_a_zip():
    with pytest.raises(RenderCheckError, match="không phải tệp zip") as info:
        check_docx(b"plain text")
    assert info.value.part is None


def test_missing_content_types():
    data = make_docx()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name != "[Content_Types].xml":
                dst.writestr(name, src.read(name))
    with pytest.raises(RenderCheckError, match=r"\[Content_Types\].xml"):
        check_docx(out.getvalue())


def test_catches_real_docxtpl_damage_without_autoescape():
    """The failure the engineering notes describe, end to end.

    docxtpl with autoescape=False saves a document that lost its section
    properties; check_docx must refuse it.  With autoescape=True it passes.
    """
    d = docx.Document()
    d.add_paragraph("Tên: {{ v }}")
    d.add_paragraph("sau 1")
    d.add_table(rows=2, cols=2)
    d.add_paragraph("sau 2")
    buf = io.BytesIO()
    d.save(buf)

    def render(autoescape: bool) -> bytes:
        tpl = DocxTemplate(io.BytesIO(buf.getvalue()))
        tpl.render({"v": "A & B <C>"}, autoescape=autoescape)
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()

    with pytest.raises(RenderCheckError):
        check_docx(render(False), expect_sections=1, min_paragraphs=7)
    check_docx(render(True), expect_sections=1, min_paragraphs=7)
