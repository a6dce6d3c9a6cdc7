"""Tests for the default template: its generator, the committed file, the checker.

* ``templates/plan.docx`` must be byte-identical to what the generator produces
  (CI's proof that nobody edited the committed template by hand, and that the
  generator is reproducible);
* the template's formatting lives in named styles built from the StyleProfile
  (fonts in four slots, no theme fonts, vi-VN), and a profile override changes it;
* page setup: A4 portrait + a landscape Phụ lục section numbered from 1, with
  their own headers;
* docxtpl really renders it with the real plan, and LibreOffice lays it out as
  expected (header row repeated, page numbers);
* :func:`check_templates` reports KH050–KH053 for broken templates.
"""

from __future__ import annotations

import copy
import io
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Pt
from docxtpl import DocxTemplate
from lxml import etree

import kehoach
from kehoach.documents import plan as plan_doc
from kehoach.render import check_docx, convert_to_pdf, make_environment
from kehoach.templating.check import check_templates
from kehoach.templating.generate import STYLE_NAMES, generate_templates
from kehoach.templating.profile import DEFAULT
from kehoach.templating.tables import appendices_xml

from conftest import PLAN
from office import OFFICE, require_office
from ooxml import NS, W, edit_part, part

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
SCRIPT = ROOT / "scripts" / "make_templates.py"


# --- fixtures and helpers --------------------------------------------------------


@pytest.fixture(scope="module")
def template_bytes() -> bytes:
    return generate_templates()["plan.docx"]


@pytest.fixture(scope="module")
def context() -> dict:
    return plan_doc.context(kehoach.load_plan(PLAN))


@pytest.fixture(scope="module")
def rendered(template_bytes, context) -> bytes:
    return render(template_bytes, context)


def render(template: bytes, context: dict) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render(copy.deepcopy(context), jinja_env=make_environment(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def replace_in_part(data: bytes, name: str, old: str, new: str) -> bytes:
    """A copy of the .docx with ``old`` replaced by ``new`` in one part."""
    def edit(text: str) -> str:
        assert old in text, f"{old!r} not in {name}"
        return text.replace(old, new, 1)
    return edit_part(data, name, edit)


def text_of(el: etree._Element) -> str:
    return "".join(el.itertext())


def para_texts(root: etree._Element) -> list[str]:
    return ["".join(p.xpath(".//w:t/text()", namespaces=NS)) for p in root.iter(f"{{{W}}}p")]


def header_xml(document: docx.Document, section_index: int, kind: str) -> etree._Element:
    section = document.sections[section_index]
    header = section.first_page_header if kind == "first" else section.header
    return header._element


# --- the committed file and reproducibility ------------------------------------------


def test_committed_template_is_what_the_generator_produces(template_bytes):
    committed = (TEMPLATES / "plan.docx").read_bytes()
    assert committed == template_bytes, (
        "templates/plan.docx differs from generate_templates(): run "
        "`python scripts/make_templates.py` and commit the result"
    )


def test_generation_is_reproducible_and_ignores_source_date_epoch(template_bytes, monkeypatch):
    assert generate_templates()["plan.docx"] == template_bytes
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")
    assert generate_templates()["plan.docx"] == template_bytes
    with zipfile.ZipFile(io.BytesIO(template_bytes)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_generate_returns_every_default_template():
    assert set(generate_templates()) == {"plan.docx", "letter.docx", "report.docx", "consolidated.docx"}


def test_make_templates_script_writes_and_checks(tmp_path, template_bytes):
    out = tmp_path / "tpl"
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=tmp_path
    )
    missing = run("--check", "--out", str(out))
    assert missing.returncode == 1
    assert "chưa có tệp" in missing.stderr
    written = run("--out", str(out))
    assert written.returncode == 0, written.stderr
    assert (out / "plan.docx").read_bytes() == template_bytes
    ok = run("--check", "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    (out / "plan.docx").write_bytes(template_bytes + b"\0")
    stale = run("--check", "--out", str(out))
    assert stale.returncode == 1
    assert "khác với mẫu" in stale.stderr and "make_templates.py" in stale.stderr


# --- styles ----------------------------------------------------------------------------


STYLE_SIZES = {
    "KH Cơ quan chủ quản": "header_org_size",
    "KH Tên cơ quan": "header_org_size",
    "KH Quốc hiệu": "header_org_size",
    "KH Tiêu ngữ": "motto_size",
    "KH Số ký hiệu": "number_size",
    "KH Địa danh ngày": "place_date_size",
    "KH Tên loại": "title_size",
    "KH Trích yếu": "title_size",
    "KH Căn cứ": "body_size",
    "KH Tên phần": "body_size",
    "KH Nội dung": "body_size",
    "KH Nơi nhận": "recipients_heading_size",
    "KH Nơi nhận dòng": "recipients_size",
    "KH Chức vụ ký": "signer_size",
    "KH Người ký": "signer_size",
    "KH Số trang": "page_number_size",
    "KH Phụ lục": "appendix_label_size",
    "KH Bảng": "table_size",
    "KH Bảng giữa": "table_size",
    "KH Bảng tiêu đề": "table_size",
    "KH Bảng nhóm": "table_size",
}


def test_every_named_style_exists_with_profile_sizes(template_bytes):
    d = docx.Document(io.BytesIO(template_bytes))
    for name in STYLE_NAMES:
        style = d.styles[name]  # KeyError if missing
        assert style.type == (2 if name in ("KH Đậm", "KH Nghiêng") else 1), name
    for name, field in STYLE_SIZES.items():
        assert d.styles[name].font.size == Pt(getattr(DEFAULT, field)), name
    body = d.styles["KH Nội dung"].paragraph_format
    assert body.first_line_indent.cm == pytest.approx(DEFAULT.first_line_indent_cm, abs=0.01)
    assert body.space_after == Pt(DEFAULT.space_after_pt)
    assert body.line_spacing == Pt(DEFAULT.line_spacing_pt)
    assert body.line_spacing_rule == docx.enum.text.WD_LINE_SPACING.EXACTLY
    assert body.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.JUSTIFY
    assert d.styles["KH Nơi nhận"].font.bold and d.styles["KH Nơi nhận"].font.italic
    assert d.styles["KH Địa danh ngày"].font.italic and not d.styles["KH Địa danh ngày"].font.bold
    assert d.styles["KH Căn cứ"].font.italic
    assert d.styles["KH Đậm"].font.bold
    assert d.styles["KH Cơ quan chủ quản"].font.all_caps and not d.styles["KH Cơ quan chủ quản"].font.bold
    assert d.styles["KH Tên cơ quan"].font.all_caps and d.styles["KH Tên cơ quan"].font.bold
    assert not d.styles["KH Nơi nhận dòng"].paragraph_format.first_line_indent


def test_styles_use_times_new_roman_in_four_slots_without_theme_fonts(template_bytes):
    styles = part(template_bytes, "word/styles.xml")
    raw = etree.tostring(styles).decode()
    assert not re.search(r'w:\w*[Tt]heme\w*="', raw.replace("w:themeFontLang", "")), \
        "theme font attributes left in styles.xml"
    checked = []
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    checked.append(("docDefaults", defaults))
    for style in styles.findall("w:style", NS):
        name = style.find("w:name", NS).get(f"{{{W}}}val")
        if name == "Normal" or name in STYLE_NAMES:
            checked.append((name, style.find("w:rPr", NS)))
    assert len(checked) == len(STYLE_NAMES) + 2
    for name, rPr in checked:
        assert rPr is not None, name
        fonts = rPr.find("w:rFonts", NS)
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert fonts.get(f"{{{W}}}{slot}") == "Times New Roman", (name, slot)
        assert not [a for a in fonts.attrib if "heme" in a], name
        assert rPr.find("w:lang", NS).get(f"{{{W}}}val") == "vi-VN", name
        if rPr.find("w:sz", NS) is not None:
            assert rPr.find("w:szCs", NS).get(f"{{{W}}}val") == rPr.find("w:sz", NS).get(f"{{{W}}}val")


def test_profile_override_changes_styles_and_margins():
    profile = DEFAULT.replace({"body_size": 13, "margin_left_mm": 35, "table_size": 13})
    data = generate_templates(profile)["plan.docx"]
    assert data != generate_templates()["plan.docx"]
    d = docx.Document(io.BytesIO(data))
    assert d.styles["KH Nội dung"].font.size == Pt(13)
    assert d.styles["KH Căn cứ"].font.size == Pt(13)
    assert d.styles["Normal"].font.size == Pt(13)
    assert d.styles["KH Bảng"].font.size == Pt(13)
    for section in d.sections:
        assert section.left_margin.mm == pytest.approx(35, abs=0.05)
        assert section.right_margin.mm == pytest.approx(DEFAULT.margin_right_mm, abs=0.05)
    default = docx.Document(io.BytesIO(generate_templates()["plan.docx"]))
    assert default.styles["KH Nội dung"].font.size == Pt(14)
    assert default.sections[0].left_margin.mm == pytest.approx(30, abs=0.05)


# --- page setup, headers -------------------------------------------------------------------


def test_sections_a4_portrait_then_landscape_appendix(template_bytes):
    d = docx.Document(io.BytesIO(template_bytes))
    assert len(d.sections) == 2
    s1, s2 = d.sections
    assert (s1.page_width.mm, s1.page_height.mm) == (pytest.approx(210, abs=0.1), pytest.approx(297, abs=0.1))
    assert s1.orientation == docx.enum.section.WD_ORIENT.PORTRAIT
    assert s2.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE
    assert (s2.page_width.mm, s2.page_height.mm) == (pytest.approx(297, abs=0.1), pytest.approx(210, abs=0.1))
    for s in (s1, s2):
        assert s.top_margin.mm == pytest.approx(DEFAULT.margin_top_mm, abs=0.05)
        assert s.bottom_margin.mm == pytest.approx(DEFAULT.margin_bottom_mm, abs=0.05)
        assert s.header_distance.mm == pytest.approx(DEFAULT.header_distance_mm, abs=0.05)
    assert s2.start_type == docx.enum.section.WD_SECTION.NEW_PAGE
    pg = s2._sectPr.find("w:pgNumType", NS)
    assert pg is not None and pg.get(f"{{{W}}}start") == "1"
    assert s1._sectPr.find("w:pgNumType", NS) is None


def has_page_field(el: etree._Element) -> bool:
    kinds = [f.get(f"{{{W}}}fldCharType") for f in el.iter(f"{{{W}}}fldChar")]
    instr = "".join(i.text or "" for i in el.iter(f"{{{W}}}instrText"))
    return kinds == ["begin", "separate", "end"] and instr.strip() == "PAGE"


@pytest.mark.parametrize("number_first", [False, True])
def test_headers_page_numbers_and_first_pages(number_first):
    profile = DEFAULT.replace({"appendix_first_page_number": number_first})
    d = docx.Document(io.BytesIO(generate_templates(profile)["plan.docx"]))
    s1, s2 = d.sections
    assert s1.different_first_page_header_footer is True
    assert not has_page_field(header_xml(d, 0, "first")) and text_of(header_xml(d, 0, "first")) == ""
    default1 = header_xml(d, 0, "default")
    assert has_page_field(default1)
    assert default1.find(".//w:pStyle", NS).get(f"{{{W}}}val") == "KHSoTrang"
    # Section 2 has its own header references (nothing silently inherited).
    refs = {r.get(f"{{{W}}}type") for r in s2._sectPr.findall("w:headerReference", NS)}
    assert refs == {"first", "default"}
    assert not s2.header.is_linked_to_previous and not s2.first_page_header.is_linked_to_previous
    assert s2.different_first_page_header_footer is (not number_first)
    assert has_page_field(header_xml(d, 1, "default"))
    assert has_page_field(header_xml(d, 1, "first")) is number_first


# --- the docxtpl tags and tables ------------------------------------------------------------


def test_every_tag_is_inside_one_run(template_bytes):
    body = part(template_bytes, "word/document.xml")
    tags = []
    for t in body.iter(f"{{{W}}}t"):
        text = t.text or ""
        for opener, closer in (("{{", "}}"), ("{%", "%}")):
            assert text.count(opener) == text.count(closer), text
        tags += re.findall(r"\{[{%].*?[}%]\}", text)
    expected = [
        "{%p for line in header.parent %}", "{{ line }}", "{%p endfor %}",
        "{%p for line in header.name %}", "{{ line }}", "{%p endfor %}",
        "{{ header.number }}", "{{ header.place_date }}", "{{ type_name }}", "{{ subject }}",
        "{{p body_xml }}",
        "{{ closing }}",
        "{%p for r in recipients %}", "{{ r }}", "{%p endfor %}",
        "{%p for line in signer.lines %}", "{{ line }}", "{%p endfor %}", "{{ signer.name }}",
        "{{p appendices_xml }}",
    ]
    assert tags == expected
    # The body arrives as OOXML: its paragraph stands alone, to be replaced whole.
    holder = next(t for t in body.iter(f"{{{W}}}t") if t.text == "{{p body_xml }}")
    assert len(holder.getparent().getparent().findall("w:r", NS)) == 1


def test_tables_geometry_and_borders(template_bytes, rendered):
    """The header and signature tables are the template's; the Phụ lục table is
    written by kehoach.templating.tables with the same geometry rules."""
    body = part(template_bytes, "word/document.xml")
    header, signature = body.findall(".//w:tbl", NS)
    [tasks] = part(rendered, "word/document.xml").findall(".//w:body/w:tbl", NS)[2:]
    twips = lambda mm: round(mm * 1440 / 25.4)  # noqa: E731
    for tbl, widths in (
        (header, (DEFAULT.header_left_mm, DEFAULT.header_right_mm)),
        (signature, (DEFAULT.header_left_mm, DEFAULT.header_right_mm)),
        (tasks, (DEFAULT.col_stt_mm, DEFAULT.col_task_mm, DEFAULT.col_lead_mm,
                 DEFAULT.col_support_mm, DEFAULT.col_timeline_mm, DEFAULT.col_output_mm)),
    ):
        cols = [int(c.get(f"{{{W}}}w")) for c in tbl.findall("w:tblGrid/w:gridCol", NS)]
        assert cols == [twips(w) for w in widths]
        assert tbl.find("w:tblPr/w:tblLayout", NS).get(f"{{{W}}}type") == "fixed"
        order = [etree.QName(c).localname for c in tbl.find("w:tblPr", NS)]
        schema = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                  "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
                  "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription"]
        assert order == sorted(order, key=schema.index), order
    for tbl in (header, signature):
        assert {b.get(f"{{{W}}}val") for b in tbl.find("w:tblPr/w:tblBorders", NS)} == {"nil"}
        assert {m.get(f"{{{W}}}w") for m in tbl.find("w:tblPr/w:tblCellMar", NS)} == {"0"}
    edges = tasks.find("w:tblPr/w:tblBorders", NS)
    assert [etree.QName(e).localname for e in edges] == ["top", "left", "bottom", "right", "insideH", "insideV"]
    assert {e.get(f"{{{W}}}val") for e in edges} == {"single"}
    rows = tasks.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert rows[0].find("w:trPr/w:cantSplit", NS) is not None
    assert [text_of(c) for c in rows[0].findall("w:tc", NS)] == [
        "STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện", "Sản phẩm, kết quả"]
    group = rows[1].findall("w:tc", NS)
    assert text_of(group[0]) == "I" and len(group) == 2
    assert group[1].find("w:tcPr/w:gridSpan", NS).get(f"{{{W}}}val") == "5"
    assert len(rows[2].findall("w:tc", NS)) == 6 and text_of(rows[2].findall("w:tc", NS)[0]) == "1.1"


# --- rendering with docxtpl -------------------------------------------------------------------


def test_docxtpl_renders_the_real_plan(rendered, context):
    check_docx(rendered, expect_sections=2, min_paragraphs=60)
    body = part(rendered, "word/document.xml")
    texts = para_texts(body)
    joined = "\n".join(texts)
    assert "{{" not in joined and "{%" not in joined
    for needle in (context["subject"], context["type_name"], context["closing"], context["signer"]["name"],
                   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   context["header"]["number"], context["header"]["place_date"], "Nơi nhận:",
                   "Phụ lục", context["appendix"]["title"], f"(Kèm theo {context['appendix']['reference']})"):
        assert needle in texts, needle
    for line in context["recipients"] + context["signer"]["lines"] + context["header"]["name"]:
        assert line in texts, line
    for para in context["body"]:
        assert para["lead"] + para["text"] in texts, para
    tasks = body.findall(".//w:tbl", NS)[-1]
    rows = tasks.findall("w:tr", NS)
    assert len(rows) == 1 + len(context["appendix"]["rows"])
    for tr, row in zip(rows[1:], context["appendix"]["rows"]):
        cells = [text_of(c) for c in tr.findall("w:tc", NS)]
        if row["group"]:
            assert cells == [row["stt"], row["title"]]
            assert tr.findall("w:tc", NS)[1].find("w:tcPr/w:gridSpan", NS).get(f"{{{W}}}val") == "5"
        else:
            assert cells == [row["stt"], row["content"], row["lead"], row["support"], row["timeline"], row["output"]]
    # The leading space of a text part survives (xml:space="preserve").
    spaced = next(p for p in context["body"] if p["lead"] and p["text"].startswith(" "))
    assert spaced["lead"] + spaced["text"] in texts


def test_render_escapes_markup_and_drops_empty_note(template_bytes, context):
    ctx = copy.deepcopy(context)
    ctx["subject"] = "A & B <C> {{ 7*7 }}"
    ctx["appendices_xml"] = appendices_xml([], DEFAULT)
    out = render(template_bytes, ctx)
    check_docx(out, expect_sections=2)
    texts = para_texts(part(out, "word/document.xml"))
    assert "A & B <C> {{ 7*7 }}" in texts
    assert context["appendix"]["note"] not in texts


@OFFICE
def test_libreoffice_layout(rendered, tmp_path, context):
    """The rendered plan in the real office suite: A4 portrait pages then
    landscape appendix pages, no number on either first page, appendix pages
    numbered from 1, the table's header row repeated on every appendix page."""
    require_office()
    src = tmp_path / "ke-hoach.docx"
    src.write_bytes(rendered)
    [pdf] = convert_to_pdf([src], tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True,
                          text=True, check=True).stdout
    sizes = [tuple(round(float(v)) for v in m) for m in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    portrait = [i for i, (w, h) in enumerate(sizes) if (w, h) == (595, 842)]
    landscape = [i for i, (w, h) in enumerate(sizes) if (w, h) == (842, 595)]
    assert portrait and landscape and portrait + landscape == list(range(len(sizes)))
    assert len(landscape) >= 2

    def page(i: int) -> list[str]:
        out = subprocess.run(["pdftotext", "-f", str(i + 1), "-l", str(i + 1), "-layout", str(pdf), "-"],
                             capture_output=True, text=True, check=True).stdout
        return [unicodedata.normalize("NFC", line.strip()) for line in out.splitlines() if line.strip()]

    first = page(0)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first[0]
    for n, i in enumerate(portrait[1:], start=2):
        assert page(i)[0] == str(n)
    appendix_first = page(landscape[0])
    assert appendix_first[0] == "Phụ lục"
    for n, i in enumerate(landscape, start=1):
        lines = page(i)
        if n > 1:
            assert lines[0] == str(n)
        assert any(line.startswith("STT") and "Nhiệm vụ" in line for line in lines), f"no header row on page {i + 1}"
    last_portrait = page(portrait[-1])
    assert any(context["signer"]["name"] in line for line in last_portrait)
    assert not any("{{" in line or "{%" in line for i in range(len(sizes)) for line in page(i))


# --- check_templates ---------------------------------------------------------------------------


def folder_with(tmp_path: Path, data: bytes, name: str = "plan.docx") -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    return folder


def codes(diags) -> list[str]:
    return [d.code for d in diags]


def test_check_default_templates_clean(context):
    assert check_templates(TEMPLATES, {"plan.docx": context}) == []


def test_check_ignores_other_docx(tmp_path, template_bytes, context):
    folder = folder_with(tmp_path, template_bytes)
    (folder / "ghi-chu.docx").write_bytes(b"not a docx")
    assert check_templates(folder, {"plan.docx": context}) == []


def test_check_unclosed_tag_is_kh051(tmp_path, template_bytes, context):
    broken = replace_in_part(template_bytes, "word/document.xml", "{{ subject }}", "{{ subject ")
    folder = folder_with(tmp_path, broken)
    diags = check_templates(folder, {"plan.docx": context})
    assert codes(diags) == ["KH051"]
    d = diags[0]
    assert d.path == str(folder / "plan.docx") and (d.line, d.col) == (1, 1)
    assert "word/document.xml" in d.message and "{{ subject" in d.message


def test_check_jinja_syntax_error_is_kh051_with_jinja_message(tmp_path, template_bytes, context):
    broken = replace_in_part(template_bytes, "word/document.xml", "{%p endfor %}", "{%p endfr %}")
    diags = check_templates(folder_with(tmp_path, broken), {"plan.docx": context})
    assert codes(diags) == ["KH051"]
    assert "endfr" in diags[0].message and "lỗi cú pháp Jinja" in diags[0].message


def test_check_unknown_variable_is_kh052(tmp_path, template_bytes, context):
    broken = replace_in_part(template_bytes, "word/document.xml", "{{ subject }}", "{{ subjct }}")
    diags = check_templates(folder_with(tmp_path, broken), {"plan.docx": context})
    assert codes(diags) == ["KH052"]
    assert "'subjct'" in diags[0].message and "word/document.xml" in diags[0].message


def test_check_unknown_attribute_is_kh052(tmp_path, template_bytes, context):
    broken = replace_in_part(template_bytes, "word/document.xml", "{{ header.number }}", "{{ header.numbr }}")
    diags = check_templates(folder_with(tmp_path, broken), {"plan.docx": context})
    assert codes(diags) == ["KH052"]
    assert "header.numbr" in diags[0].message
    assert "number" in diags[0].message  # the keys that do exist are listed


def test_check_reports_every_unknown_name(tmp_path, template_bytes, context):
    broken = replace_in_part(template_bytes, "word/document.xml", "{{ closing }}",
                             "{{ closng }}{{ subjct }}{{ signer.nme }}")
    broken = replace_in_part(broken, "word/document.xml", "{{ header.place_date }}", "{{ header.place_dat }}")
    diags = check_templates(folder_with(tmp_path, broken), {"plan.docx": context})
    assert codes(diags) == ["KH052"] * 4
    messages = " ".join(d.message for d in diags)
    for name in ("'closng'", "'subjct'", "'signer.nme'", "'header.place_dat'"):
        assert name in messages


def test_check_unknown_variable_in_header_part(tmp_path, template_bytes, context):
    with zipfile.ZipFile(io.BytesIO(template_bytes)) as zf:
        header = next(n for n in zf.namelist() if n.startswith("word/header")
                      and b"PAGE" in zf.read(n))
    broken = replace_in_part(template_bytes, header, "<w:t>2</w:t>", "<w:t>{{ so_trang }}</w:t>")
    diags = check_templates(folder_with(tmp_path, broken), {"plan.docx": context})
    assert codes(diags) == ["KH052"]
    assert header in diags[0].message and "so_trang" in diags[0].message


def test_check_missing_template_is_kh053(tmp_path, context):
    folder = tmp_path / "templates"
    folder.mkdir()
    diags = check_templates(folder, {"plan.docx": context})
    assert codes(diags) == ["KH053"]
    assert diags[0].path == str(folder / "plan.docx") and "plan.docx" in diags[0].message


def test_check_non_zip_is_kh050(tmp_path, context):
    diags = check_templates(folder_with(tmp_path, b"PK but not really a zip"), {"plan.docx": context})
    assert codes(diags) == ["KH050"]
    assert diags[0].is_error and "plan.docx" in diags[0].message


def test_check_zip_that_is_not_word_is_kh050(tmp_path, context):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    diags = check_templates(folder_with(tmp_path, buf.getvalue()), {"plan.docx": context})
    assert codes(diags) == ["KH050"]
