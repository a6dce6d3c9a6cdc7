"""The rendered plan document (.docx) against Nghị định 30/2020 and the seed.

Everything here is read from the XML of ``render_plan(load_plan("plan"))``,
not from the template: the seed's text must come out word for word, and every
paragraph's *effective* formatting is resolved the way a word processor does
(``ooxml.Para``: direct run/paragraph properties, then the character style, then the
paragraph style and its ``basedOn`` chain, then the table style, then
``docDefaults``), so a style that silently loses a property, or a stray direct
format that overrides a style, is caught.

The layout rules are those of ``docs/nd30-format.md``; the sizes
are the project's choices (``StyleProfile`` DEFAULT) within the decree's ranges.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from lxml import etree

import kehoach
from kehoach.build import render_plan
from kehoach.templating.generate import STYLE_NAMES
from kehoach.templating.profile import DEFAULT

from conftest import PLAN, replace_once, SEED, norm, seed_paragraphs
from ooxml import (FONT_SLOTS, NS, R, XML_SPACE, Docx, Para, _containing_table, _flag, cell_text,
                   find_para, has_page_field, mm_to_twips, next_para, paragraphs, tables, w)
from ooxml import pg as _pg, rows_of as _rows, span as _span


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan():
    return kehoach.load_plan(PLAN)


@pytest.fixture(scope="module")
def doc(plan) -> Docx:
    return Docx(render_plan(plan))


@pytest.fixture(scope="module")
def paras(doc) -> list[Para]:
    return paragraphs(doc)


@pytest.fixture(scope="module")
def header_table(doc):
    return tables(doc)[0]


@pytest.fixture(scope="module")
def signature_table(doc):
    sig = [t for t in tables(doc) if "Nơi nhận:" in [p.text for p in paragraphs(doc, t)]]
    assert len(sig) == 1
    return sig[0]


@pytest.fixture(scope="module")
def task_table(doc):
    found = [t for t in tables(doc)
             if [cell_text(c) for c in t.find("w:tr", NS).findall("w:tc", NS)][:1] == ["STT"]]
    assert len(found) == 1, "exactly one table whose first header cell is STT"
    return found[0]


# --- the seed, word for word -------------------------------------------------------------------


def test_seed_is_not_trivial():
    seed = seed_paragraphs()
    assert len(seed) >= 30
    assert seed[0] == "Số: /KH-UBND" and seed[-1] == "Vũ Xuân Thịnh"
    assert not any("**" in s or s.startswith("#") for s in seed)


def test_every_seed_paragraph_is_a_paragraph_of_the_document_in_order(paras):
    texts = [p.text for p in paras if p.text]
    missing = [s for s in seed_paragraphs() if s not in texts]
    assert missing == [], f"seed paragraphs not found word for word in the document: {missing}"
    # …and in the seed's order (the document has more: header, appendix).
    position = 0
    for s in seed_paragraphs():
        assert s in texts[position:], f"{s!r} is out of order"
        position = texts.index(s, position) + 1


def test_document_text_is_nfc(paras):
    for p in paras:
        assert unicodedata.is_normalized("NFC", p.raw_text), p.raw_text


# --- page setup -------------------------------------------------------------------------------


def test_two_sections(doc):
    assert len(doc.sections()) == 2
    # the body's own sectPr is the last one
    assert doc.sections()[-1].getparent() is doc.body


def test_section_one_is_a4_portrait_with_nd30_margins(doc):
    s1 = doc.sections()[0]
    width, height = int(_pg(s1, "pgSz", "w")), int(_pg(s1, "pgSz", "h"))
    assert abs(width - mm_to_twips(210)) <= 1 and abs(height - mm_to_twips(297)) <= 1
    assert _pg(s1, "pgSz", "orient") in (None, "portrait")
    expected = {"top": 20, "bottom": 20, "left": 30, "right": 15}
    for side, mm in expected.items():
        assert abs(int(_pg(s1, "pgMar", side)) - mm_to_twips(mm)) <= 1, (side, _pg(s1, "pgMar", side))


def test_section_two_is_landscape_on_a_new_page_numbered_from_one(doc):
    s2 = doc.sections()[1]
    width, height = int(_pg(s2, "pgSz", "w")), int(_pg(s2, "pgSz", "h"))
    assert _pg(s2, "pgSz", "orient") == "landscape"
    assert width > height
    assert abs(width - mm_to_twips(297)) <= 1 and abs(height - mm_to_twips(210)) <= 1
    # no w:type means nextPage; continuous / evenPage / oddPage would not do
    assert _pg(s2, "type", "val") in (None, "nextPage")
    assert _pg(s2, "pgNumType", "start") == "1"


# --- fonts and languages ------------------------------------------------------------------------


def test_times_new_roman_in_four_slots_and_vi_vn_on_defaults_and_kh_styles(doc):
    checked = [("docDefaults", doc.rpr_default)]
    for name in STYLE_NAMES:
        checked.append((name, doc.style_by_name(name).find("w:rPr", NS)))
    for name, rPr in checked:
        assert rPr is not None, name
        fonts = rPr.find("w:rFonts", NS)
        assert fonts is not None, name
        assert {slot: fonts.get(w(slot)) for slot in FONT_SLOTS} == dict.fromkeys(FONT_SLOTS, "Times New Roman"), name
        lang = rPr.find("w:lang", NS)
        assert lang is not None and lang.get(w("val")) == "vi-VN", name


def test_no_theme_fonts_anywhere_in_styles(doc):
    theme_attrs = re.findall(r'\bw:(\w*[Tt]heme\w*)="', doc.styles_raw)
    assert theme_attrs == [], f"theme font attributes in styles.xml: {sorted(set(theme_attrs))}"


def test_every_run_resolves_to_times_new_roman(doc):
    """No direct formatting in the document or headers brings another font back."""
    roots = [doc.document] + [etree.fromstring(data) for name, data in doc.parts.items()
                              if re.fullmatch(r"word/header\d+\.xml", name)]
    for root in roots:
        raw = etree.tostring(root).decode()
        assert not re.search(r'w:\w*[Tt]heme\w*="', raw), "theme font attribute in a document part"
        for para in paragraphs(doc, root):
            for run in para.runs():
                for slot in FONT_SLOTS:
                    assert para.rpr(run, "rFonts", slot) == "Times New Roman", (para.text, slot)


# --- header block (ô 1–4) -----------------------------------------------------------------------


def test_header_table_issuer_lines(doc, header_table, plan):
    left = header_table.find("w:tr", NS).findall("w:tc", NS)[0]
    left_paras = [p for p in paragraphs(doc, left) if p.text]
    issuer = [p for p in left_paras if p.text in [norm(x) for x in plan.issuer.header]]
    assert [p.text for p in issuer] == ["ỦY BAN NHÂN DÂN", "HUYỆN TAM ĐƯỜNG"]
    for p in issuer:
        assert p.all_runs("b"), p.text
        assert p.looks_uppercase(), p.text
        assert p.sizes() == {13.0}, p.text
        assert p.alignment == "center", p.text


def test_header_quoc_hieu_tieu_ngu_number_and_date(paras):
    quoc_hieu = find_para(paras, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert quoc_hieu.all_runs("b") and quoc_hieu.sizes() == {13.0} and quoc_hieu.alignment == "center"
    tieu_ngu = find_para(paras, "Độc lập - Tự do - Hạnh phúc")
    assert tieu_ngu.all_runs("b") and tieu_ngu.sizes() == {14.0} and tieu_ngu.alignment == "center"
    number = find_para(paras, "Số: /KH-UBND")
    assert number.sizes() == {13.0} and number.no_run("b") and number.no_run("i")
    place_date = find_para(paras, "Tam Đường, ngày tháng 3 năm 2025")
    assert place_date.all_runs("i") and place_date.sizes() == {14.0} and place_date.no_run("b")


def test_number_and_date_sit_in_the_header_table_left_and_right(doc, header_table):
    cells = [[p.text for p in paragraphs(doc, tc) if p.text] for tc in header_table.iter(w("tc"))]
    left = [t for c in cells[0::2] for t in c]
    right = [t for c in cells[1::2] for t in c]
    assert "Số: /KH-UBND" in left and "ỦY BAN NHÂN DÂN" in left
    assert "Tam Đường, ngày tháng 3 năm 2025" in right and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right


def test_draft_keeps_its_blanks(paras):
    """A draft prints room for the văn thư to write the number and the day, and
    the spaces survive in Word (xml:space="preserve" on the text)."""
    number = next(p for p in paras if p.text == "Số: /KH-UBND")
    assert re.fullmatch(r"Số: {4,}/KH-UBND", number.raw_text), repr(number.raw_text)
    date = next(p for p in paras if p.text == "Tam Đường, ngày tháng 3 năm 2025")
    assert re.fullmatch(r"Tam Đường, ngày {4,}tháng 3 năm 2025", date.raw_text), repr(date.raw_text)
    for p in (number, date):
        for t in p.el.iter(w("t")):
            if "  " in (t.text or ""):
                assert t.get(XML_SPACE) == "preserve", t.text
    reference = next(p for p in paras if p.text.startswith("(Kèm theo"))
    assert re.search(r"Kế hoạch số {4,}/KH-UBND ngày {4,}tháng 3 năm 2025", reference.raw_text), reference.raw_text


def _rule_checks(doc: Docx, rule: Para, column_twips: int) -> None:
    assert rule.text == "", "a rule is an empty paragraph"
    assert rule.has_bottom_border(), "no bottom border"
    left, right = rule.twips("ind", "left"), rule.twips("ind", "right")
    assert left == right, "the rule is centred"
    length = column_twips - left - right
    assert 0 < length < column_twips, "a short rule, not a full-width line"


def _grid(tbl) -> list[int]:
    return [int(c.get(w("w"))) for c in tbl.findall("w:tblGrid/w:gridCol", NS)]


def test_short_rules_under_issuer_and_motto(doc, header_table):
    first_row = header_table.find("w:tr", NS)
    left, right = first_row.findall("w:tc", NS)
    widths = _grid(header_table)
    left_paras = paragraphs(doc, left)
    issuer_last = find_para(left_paras, "HUYỆN TAM ĐƯỜNG")
    _rule_checks(doc, next_para(left_paras, issuer_last), widths[0])
    right_paras = paragraphs(doc, right)
    motto = find_para(right_paras, "Độc lập - Tự do - Hạnh phúc")
    rule = next_para(right_paras, motto)
    _rule_checks(doc, rule, widths[1])
    # Tiêu ngữ: "a solid line under it as long as the text": longer than the issuer's
    issuer_rule = next_para(left_paras, issuer_last)
    motto_len = widths[1] - 2 * rule.twips("ind", "left")
    issuer_len = widths[0] - 2 * issuer_rule.twips("ind", "left")
    assert motto_len > issuer_len


def _text_width_twips(doc: Docx, sectPr) -> int:
    return int(_pg(sectPr, "pgSz", "w")) - int(_pg(sectPr, "pgMar", "left")) - int(_pg(sectPr, "pgMar", "right"))


def test_short_rule_under_subject_and_under_appendix_reference(doc, paras, plan):
    subject = find_para(paras, norm(plan.document.subject))
    _rule_checks(doc, next_para(paras, subject), _text_width_twips(doc, doc.sections()[0]))
    reference = next(p for p in paras if p.text.startswith("(Kèm theo"))
    _rule_checks(doc, next_para(paras, reference), _text_width_twips(doc, doc.sections()[1]))


def _borders(tbl) -> dict[str, str]:
    el = tbl.find("w:tblPr/w:tblBorders", NS)
    return {etree.QName(e).localname: e.get(w("val")) for e in el} if el is not None else {}


def _table_style_borders(doc: Docx, tbl) -> dict[str, str]:
    ts = tbl.find("w:tblPr/w:tblStyle", NS)
    out: dict[str, str] = {}
    for style in reversed(doc.style_chain(ts.get(w("val")) if ts is not None else None, "table")):
        el = style.find("w:tblPr/w:tblBorders", NS)
        if el is not None:
            out.update({etree.QName(e).localname: e.get(w("val")) for e in el})
    return out


def test_header_and_signature_tables_are_borderless(doc, header_table, signature_table):
    for tbl in (header_table, signature_table):
        effective = {**_table_style_borders(doc, tbl), **_borders(tbl)}
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            assert effective.get(edge, "nil") in ("nil", "none"), (edge, effective)
        for tc_border in tbl.iter(w("tcBorders")):
            assert {e.get(w("val")) for e in tc_border} <= {"nil", "none"}


def test_task_table_has_a_grid(task_table):
    borders = _borders(task_table)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        assert borders.get(edge) not in (None, "nil", "none"), edge


# --- title, căn cứ, body ------------------------------------------------------------------------------


def test_type_name_and_subject(paras, plan):
    title = find_para(paras, "KẾ HOẠCH")
    assert title.all_runs("b") and title.alignment == "center" and title.sizes() == {14.0}
    subject = find_para(paras, norm(plan.document.subject))
    assert subject.all_runs("b") and subject.alignment == "center"
    assert subject.sizes() == {DEFAULT.title_size}
    assert paras.index(subject) == paras.index(title) + 1


def test_bases_italic_justified(paras, plan):
    for basis in plan.bases:
        p = find_para(paras, norm(basis))
        assert p.all_runs("i") and p.no_run("b"), p.text
        assert p.alignment == "both"
        assert p.sizes() == {14.0}


def test_section_headings_bold(paras, plan):
    for section in plan.sections:
        heading = find_para(paras, f"{section.numeral}. {norm(section.title)}")
        assert heading.all_runs("b"), heading.text
        assert heading.looks_uppercase(), heading.text
        assert heading.sizes() == {14.0}
    assert find_para(paras, "I. MỤC ĐÍCH, YÊU CẦU").all_runs("b")


def _body_paragraphs(doc: Docx, paras: list[Para], plan) -> list[Para]:
    """Non-empty paragraphs from the first căn cứ to the closing paragraph."""
    start = paras.index(find_para(paras, norm(plan.bases[0])))
    end = paras.index(find_para(paras, norm(plan.closing)))
    return [p for p in paras[start:end + 1] if p.text]


def test_body_paragraphs_14pt_justified_indented_spaced(doc, paras, plan):
    body = _body_paragraphs(doc, paras, plan)
    blocks = sum(1 for section in plan.sections for _ in section.walk())
    assert len(body) == len(plan.bases) + len(plan.sections) + blocks + 1  # + closing
    for p in body:
        assert _containing_table(p.el) is None, p.text
        assert p.sizes() == {14.0}, (p.text[:40], p.sizes())
        assert p.alignment == "both", (p.text[:40], p.alignment)
        assert abs(p.twips("ind", "firstLine") - 720) <= 1, (p.text[:40], p.twips("ind", "firstLine"))
        assert p.ppr("ind", "hanging") in (None, "0"), p.text[:40]
        assert p.twips("spacing", "after") >= 120, (p.text[:40], p.twips("spacing", "after"))


def test_numbered_items_bold_only_with_a_title(paras):
    whole = find_para(paras, "1. Nhiệm vụ, giải pháp chung")
    assert whole.all_runs("b")
    mixed = find_para(paras, "2. Nhiệm vụ, giải pháp cụ thể: (Có phụ lục kèm theo).")
    assert mixed.text_where("b", True) == "2. Nhiệm vụ, giải pháp cụ thể:"
    assert mixed.text_where("b", False) == " (Có phụ lục kèm theo)."
    untitled = next(p for p in paras if p.text.startswith("1.1. "))
    assert untitled.no_run("b"), "1.1. has no title: regular"
    for item in ("1.2. ", "1.3. ", "1.4. "):
        assert next(p for p in paras if p.text.startswith(item)).no_run("b"), item
    office = next(p for p in paras if p.text.startswith("1. Văn phòng HĐND - UBND huyện:"))
    assert norm(office.text_where("b", True)) == "1. Văn phòng HĐND - UBND huyện:"
    group = find_para(paras, "2. Các cơ quan, ban, ngành, đoàn thể huyện, UBND các xã, thị trấn")
    assert group.all_runs("b")


def test_every_item_bold_exactly_on_its_title(paras, plan):
    """Across the whole model: the bold part of a body paragraph is its number
    and title, nothing else; items without a title (and dashes) have no bold."""
    for section in plan.sections:
        for block in section.walk():
            prefix = " ".join(x for x in (block.marker, block.number) if x)
            full = norm(" ".join(x for x in (prefix, block.title, block.text) if x))
            p = find_para(paras, full)
            bold = norm(p.text_where("b", True))
            if block.title:
                assert bold == norm(f"{prefix} {block.title}" if prefix else block.title), full
            else:
                assert bold == "", full


def test_closing_ends_the_body_with_slash(doc, paras, plan, signature_table):
    first_sig = paragraphs(doc, signature_table)[0].el
    end = next(i for i, p in enumerate(paras) if p.el is first_sig)
    before = [p for p in paras[:end] if p.text]
    assert before[-1].text == norm(plan.closing)
    assert before[-1].text.endswith("./.")


# --- signature and recipients -----------------------------------------------------------------------


def test_recipients(doc, signature_table, plan):
    left = signature_table.find("w:tr", NS).findall("w:tc", NS)[0]
    lines = [p for p in paragraphs(doc, left) if p.text]
    heading = lines[0]
    assert heading.text == "Nơi nhận:"
    assert heading.sizes() == {12.0} and heading.all_runs("b") and heading.all_runs("i")
    recipients = lines[1:]
    assert len(recipients) == len(plan.recipients) == 7
    for p in recipients[:-1]:
        assert re.fullmatch(r"- .+;", p.text), p.text
    assert recipients[-1].text == "- Lưu VT."
    for p in recipients:
        assert p.sizes() == {11.0}, p.text
        assert p.no_run("b") and p.no_run("i"), p.text


def test_signature_block(doc, signature_table):
    right = signature_table.find("w:tr", NS).findall("w:tc", NS)[-1]
    cell = paragraphs(doc, right)
    texts = [p.text for p in cell]
    titles = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    for t in titles:
        p = find_para(cell, t)
        assert p.all_runs("b") and p.alignment == "center" and p.sizes() == {14.0}, t
    name = find_para(cell, "Vũ Xuân Thịnh")
    assert name.all_runs("b") and name.alignment == "center"
    assert name.sizes() == {DEFAULT.signer_size}
    between = texts[texts.index("PHÓ CHỦ TỊCH") + 1:texts.index("Vũ Xuân Thịnh")]
    assert len(between) >= 3 and all(t == "" for t in between), between
    # the signature row never splits across two pages
    assert signature_table.find("w:tr/w:trPr/w:cantSplit", NS) is not None


# --- page numbers ------------------------------------------------------------------------------------


def test_section_one_page_numbers(doc):
    s1 = doc.sections()[0]
    assert s1.find("w:titlePg", NS) is not None and _flag(s1.find("w:titlePg", NS))
    first = doc.header_part(s1, "first")
    default = doc.header_part(s1, "default")
    assert first is not None and default is not None
    assert not has_page_field(first), "page 1 shows no number"
    assert has_page_field(default)
    number_paras = [p for p in paragraphs(doc, default) if has_page_field(p.el)]
    assert len(number_paras) == 1
    p = number_paras[0]
    assert p.alignment == "center"
    field_runs = [r for r in p.el.iter(w("r"))]
    assert {p.size_pt(r) for r in field_runs} == {14.0}


def test_section_two_has_its_own_headers_and_restarts_at_one(doc):
    s1, s2 = doc.sections()
    refs1 = {r.get(w("type")): r.get(f"{{{R}}}id") for r in s1.findall("w:headerReference", NS)}
    refs2 = {r.get(w("type")): r.get(f"{{{R}}}id") for r in s2.findall("w:headerReference", NS)}
    assert "default" in refs2, "section 2 must not silently inherit section 1's header"
    assert has_page_field(doc.header_part(s2, "default"))
    assert _pg(s2, "pgNumType", "start") == "1"
    title_pg = s2.find("w:titlePg", NS)
    if title_pg is not None and _flag(title_pg):
        assert "first" in refs2, "titlePg without its own first-page header inherits section 1's"
        # NĐ 30 (profile default): the first page of the Phụ lục shows no number either
        assert has_page_field(doc.header_part(s2, "first")) is DEFAULT.appendix_first_page_number
    else:
        assert DEFAULT.appendix_first_page_number
    assert set(refs2.values()).isdisjoint(refs1.values()), "section 2 reuses section 1's header parts"


# --- Phụ lục ----------------------------------------------------------------------------------------


def test_appendix_heading_block(doc, paras, plan):
    s1_end = next(p for p in paras if p.el.find("w:pPr/w:sectPr", NS) is not None)
    after = [p for p in paras[paras.index(s1_end) + 1:] if p.text]
    label, title, reference = after[:3]
    assert label.text == "Phụ lục"
    assert label.all_runs("b") and label.alignment == "center" and label.sizes() == {14.0}
    assert title.text == norm(plan.appendix.title).upper()
    assert title.looks_uppercase() and title.all_runs("b") and title.alignment == "center"
    assert re.fullmatch(r"\(Kèm theo Kế hoạch số .+ của UBND huyện Tam Đường\)", reference.text), reference.text
    assert reference.all_runs("i") and reference.alignment == "center"


def test_task_table_header_row(task_table, doc):
    header = _rows(task_table)[0]
    assert [cell_text(c) for c in header.findall("w:tc", NS)] == [
        "STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện", "Sản phẩm, kết quả"]
    flag = header.find("w:trPr/w:tblHeader", NS)
    assert flag is not None and _flag(flag)
    for p in paragraphs(doc, header):
        if p.text:
            assert p.all_runs("b"), p.text
    # only the header row repeats
    assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in _rows(task_table)[1:])


def test_task_table_group_rows(task_table, doc, plan):
    groups = [r for r in _rows(task_table)[1:] if any(_span(c) == 5 for c in r.findall("w:tc", NS))]
    assert [cell_text(r.findall("w:tc", NS)[0]) for r in groups] == [g.numeral for g in plan.appendix.groups]
    assert [g.numeral for g in plan.appendix.groups] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    for row, group in zip(groups, plan.appendix.groups):
        cells = row.findall("w:tc", NS)
        assert [_span(c) for c in cells] == [1, 5]
        assert cell_text(cells[1]) == norm(group.title)
        for p in paragraphs(doc, row):
            if p.text:
                assert p.all_runs("b"), p.text


def test_task_rows_show_agency_names(task_table, plan):
    tasks = [t for g in plan.appendix.groups for t in g.tasks]
    rows = [r for r in _rows(task_table)[1:] if len(r.findall("w:tc", NS)) == 6]
    assert len(rows) == len(tasks)
    registry = plan.registry
    ids = set(registry.agencies) | set(registry.groups)
    by_stt = {}
    for row, task in zip(rows, tasks):
        cells = [cell_text(c) for c in row.findall("w:tc", NS)]
        by_stt[cells[0]] = cells
        assert cells[0] == task.id
        assert cells[1] == norm(task.content)
        assert cells[2] == norm(task.lead_cell), (task.id, cells[2])
        position = 0
        for ref in task.support:  # every supporting agency by name, in order
            name = norm(registry.name(ref))
            assert name in cells[3][position:], (task.id, name, cells[3])
            position = cells[3].index(name, position) + len(name)
        timeline = task.timeline  # shown as the data says, or spelled out ("Năm 2025"): same years
        if timeline.start_year is None:
            assert cells[4] == norm(timeline.text), (task.id, cells[4])
        else:
            years = {timeline.start_year, timeline.end_year} - {None}
            assert set(map(int, re.findall(r"\d{4}", cells[4]))) == years, (task.id, cells[4])
        assert cells[5] == norm(task.output)
        for text in cells[2:4]:
            for agency_id in ids:
                assert not re.search(rf"(?<![\w-]){re.escape(agency_id)}(?![\w-])", text), (task.id, agency_id)
    assert by_stt["1.1"][2] == "Phòng Tư pháp"
    assert by_stt["1.1"][3].startswith("Phòng Y tế")
    group_led = [t for t in tasks if t.leads == ("ubnd-cac-xa",)]
    assert group_led, "the bundled plan has tasks led by the group ubnd-cac-xa"
    for t in group_led:
        assert by_stt[t.id][2] == "UBND các xã, thị trấn"


def test_task_table_text_is_12pt(task_table, doc):
    sizes = set()
    for p in paragraphs(doc, task_table):
        sizes |= p.sizes()
    assert sizes == {12.0}


# --- a numbered, dated document ------------------------------------------------------------------------


def test_number_and_day_fill_the_blanks(plan_copy):
    replace_once(plan_copy / "plan.yaml", "number: null", "number: 5")
    replace_once(plan_copy / "plan.yaml", 'date: "2025-03"', 'date: "2025-03-05"')
    doc = Docx(render_plan(kehoach.load_plan(plan_copy)))
    texts = [p.text for p in paragraphs(doc)]
    raw = [p.raw_text for p in paragraphs(doc)]
    assert "Số: 05/KH-UBND" in raw
    assert "Tam Đường, ngày 05 tháng 3 năm 2025" in raw
    reference = next(t for t in raw if t.startswith("(Kèm theo"))
    assert reference == "(Kèm theo Kế hoạch số 05/KH-UBND ngày 05 tháng 3 năm 2025 của UBND huyện Tam Đường)"
    assert "Số: /KH-UBND" not in texts
    # the formatting stays that of ô 3 and ô 4
    paras = paragraphs(doc)
    number = find_para(paras, "Số: 05/KH-UBND")
    assert number.sizes() == {13.0}
    date = find_para(paras, "Tam Đường, ngày 05 tháng 3 năm 2025")
    assert date.all_runs("i") and date.sizes() == {14.0}
