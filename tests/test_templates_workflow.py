"""The workflow templates: ``letter.docx`` (công văn, Mẫu 1.5), ``report.docx``
(báo cáo of one agency, Mẫu 1.4 + Phụ lục) and ``consolidated.docx`` (báo cáo
tổng hợp, Mẫu 1.4 + Phụ lục).

* each committed file is byte-identical to what the generator produces;
* each renders with the real contexts of :mod:`kehoach.documents` (through the
  renderer's sandboxed, strict, autoescaping environment and its checks), and
  the rendered text carries the fixed wording NĐ 30 expects;
* the styles that carry ô 9a/9b/5b resolve to Times New Roman at the sizes of
  ``docs/nd30-format.md``;
* the tables have one row per item, the report's three result columns empty;
* :func:`check_templates` finds nothing wrong with the four templates;
* LibreOffice lays them out as expected (portrait pages, then landscape
  appendix pages with the header row repeated, page numbers restarting).

The letter and the consolidated report use context keys the document modules
may not provide yet (``issuer_short``; ``report_ref`` for the consolidated
report): the fixtures add them when missing, from the plan.
"""

from __future__ import annotations

import copy
import datetime
import io
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

import kehoach
from kehoach.consolidate import consolidate
from kehoach.documents import consolidated as consolidated_doc
from kehoach.documents import letter as letter_doc
from kehoach.documents import plan as plan_doc
from kehoach.documents import report as report_doc
from kehoach.periods import period
from kehoach.render import check_docx, convert_to_pdf
from kehoach.render.engine import render_docx
from kehoach.returns import load_returns
from kehoach.templating.check import check_templates
from kehoach.templating.generate import (
    REPORT_APPENDIX_COLUMNS,
    STYLE_NAMES,
    WORKFLOW_STYLE_NAMES,
    generate_templates,
)
from kehoach.templating.profile import DEFAULT

from conftest import PLAN
from office import OFFICE, require_office
from ooxml import NS, W, cells_of, part, rows_of

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
RETURNS = ROOT / "tests" / "fixtures" / "returns"
WORKFLOW = ("letter.docx", "report.docx", "consolidated.docx")
SECTIONS = {"letter.docx": 1, "report.docx": 2, "consolidated.docx": 2}


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def templates() -> dict[str, bytes]:
    return generate_templates()


@pytest.fixture(scope="module")
def plan():
    return kehoach.load_plan(PLAN)


@pytest.fixture(scope="module")
def contexts(plan) -> dict[str, dict]:
    per = period(plan, "2025-H1")
    letter = letter_doc.context(plan, "phong-y-te")
    letter.setdefault("issuer_short", plan.issuer.short_name)
    report = report_doc.context(plan, per, "xa-binh-lu")
    returns, _ = load_returns(plan, PLAN, "2025-H1", reports_dir=RETURNS)
    cons = consolidated_doc.context(plan, consolidate(plan, per, returns, datetime.date(2025, 6, 25)))
    cons.setdefault("issuer_short", plan.issuer.short_name)
    cons.setdefault("report_ref", {
        "number": cons["header"]["number"][len("Số:"):],
        "date": cons["header"]["place_date"].split(", ", 1)[1],
    })
    return {"plan.docx": plan_doc.context(plan), "letter.docx": letter, "report.docx": report,
            "consolidated.docx": cons}


@pytest.fixture(scope="module")
def rendered(templates, contexts) -> dict[str, bytes]:
    return {name: render_docx(templates[name], copy.deepcopy(contexts[name]), expect_sections=SECTIONS[name])
            for name in WORKFLOW}


# --- helpers ---------------------------------------------------------------------------------


def text_of(el: etree._Element) -> str:
    return "".join(el.xpath(".//w:t/text()", namespaces=NS))


def body_paragraphs(data: bytes) -> list[etree._Element]:
    return list(part(data, "word/document.xml").iter(f"{{{W}}}p"))


def texts(data: bytes) -> list[str]:
    return [text_of(p) for p in body_paragraphs(data)]


def style_id(p: etree._Element) -> str | None:
    ps = p.find("w:pPr/w:pStyle", NS)
    return ps.get(f"{{{W}}}val") if ps is not None else None


def paragraph(data: bytes, predicate) -> etree._Element:
    hits = [p for p in body_paragraphs(data) if predicate(text_of(p))]
    assert hits, "no paragraph matches"
    return hits[0]


class Styles:
    """Resolves a paragraph style's run properties through ``basedOn`` and the
    document defaults, as Word does (direct formatting is checked separately)."""

    def __init__(self, data: bytes):
        root = part(data, "word/styles.xml")
        self.by_id = {s.get(f"{{{W}}}styleId"): s for s in root.findall("w:style", NS)}
        self.defaults = root.find("w:docDefaults/w:rPrDefault/w:rPr", NS)

    def _chain(self, sid: str):
        while sid:
            style = self.by_id[sid]
            yield style.find("w:rPr", NS)
            based = style.find("w:basedOn", NS)
            sid = based.get(f"{{{W}}}val") if based is not None else None
        yield self.defaults

    def _first(self, sid: str, tag: str):
        for rPr in self._chain(sid):
            if rPr is not None and rPr.find(tag, NS) is not None:
                return rPr.find(tag, NS)
        return None

    def size(self, sid: str) -> float:
        return int(self._first(sid, "w:sz").get(f"{{{W}}}val")) / 2

    def fonts(self, sid: str) -> dict[str, str]:
        el = self._first(sid, "w:rFonts")
        return {k.split("}")[1]: v for k, v in el.attrib.items()}

    def flag(self, sid: str, tag: str) -> bool:
        el = self._first(sid, tag)
        return el is not None and el.get(f"{{{W}}}val") not in ("0", "false")


def tables(data: bytes) -> list[etree._Element]:
    return part(data, "word/document.xml").findall(".//w:tbl", NS)


# --- the committed files -----------------------------------------------------------------------


def test_generator_produces_the_four_templates(templates):
    assert set(templates) == {"plan.docx", "letter.docx", "report.docx", "consolidated.docx"}


@pytest.mark.parametrize("name", WORKFLOW)
def test_committed_template_is_what_the_generator_produces(templates, name):
    assert (TEMPLATES / name).read_bytes() == templates[name], (
        f"templates/{name} differs from generate_templates(): run `python scripts/make_templates.py`")


@pytest.mark.parametrize("name", WORKFLOW)
def test_generation_is_reproducible(templates, name):
    assert generate_templates()[name] == templates[name]
    with zipfile.ZipFile(io.BytesIO(templates[name])) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --- styles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", WORKFLOW)
def test_workflow_styles_exist_in_times_new_roman(templates, name):
    d = docx.Document(io.BytesIO(templates[name]))
    styles = Styles(templates[name])
    for style_name in STYLE_NAMES + WORKFLOW_STYLE_NAMES:
        sid = d.styles[style_name].style_id
        assert set(styles.fonts(sid).values()) == {"Times New Roman"}, style_name
        assert set(styles.fonts(sid)) == {"ascii", "hAnsi", "eastAsia", "cs"}, style_name
    raw = etree.tostring(part(templates[name], "word/styles.xml")).decode()
    assert not re.search(r'w:\w*[Tt]heme\w*="', raw.replace("w:themeFontLang", ""))


def test_plan_template_keeps_only_its_own_styles(templates):
    d = docx.Document(io.BytesIO(templates["plan.docx"]))
    names = {s.name for s in d.styles}
    assert not names & set(WORKFLOW_STYLE_NAMES)


def test_nd30_sizes_of_kinh_gui_vv_and_recipients(rendered):
    """Kính gửi 14 (ô 9a, 13–14), V/v 13 (ô 5b, 12–13), Nơi nhận 12 bold italic,
    recipient lines 11 regular — as the paragraphs of the rendered letter resolve."""
    data = rendered["letter.docx"]
    styles = Styles(data)

    def resolved(p):
        sid = style_id(p)
        # No direct formatting on the runs: the style decides.
        for r in p.findall("w:r", NS):
            rPr = r.find("w:rPr", NS)
            assert rPr is None or rPr.find("w:sz", NS) is None, text_of(p)
        return sid, styles.size(sid), set(styles.fonts(sid).values())

    kinh_gui = paragraph(data, lambda t: t.startswith("Kính gửi:"))
    assert resolved(kinh_gui)[1:] == (14, {"Times New Roman"})
    assert not styles.flag(style_id(kinh_gui), "w:b")
    assert kinh_gui.find("w:pPr/w:jc", NS) is None  # centring comes from the style
    assert Styles(data).by_id[style_id(kinh_gui)].find("w:pPr/w:jc", NS).get(f"{{{W}}}val") == "center"
    vv = paragraph(data, lambda t: t.startswith("V/v "))
    assert resolved(vv)[1:] == (13, {"Times New Roman"})
    assert not styles.flag(style_id(vv), "w:b") and not styles.flag(style_id(vv), "w:i")
    noi_nhan = paragraph(data, lambda t: t == "Nơi nhận:")
    assert resolved(noi_nhan)[1:] == (12, {"Times New Roman"})
    assert styles.flag(style_id(noi_nhan), "w:b") and styles.flag(style_id(noi_nhan), "w:i")
    for line in ("- Như trên;", "- Lưu: VT, VP."):
        p = paragraph(data, lambda t, line=line: t == line)
        assert resolved(p)[1:] == (11, {"Times New Roman"}), line
        assert not styles.flag(style_id(p), "w:b") and not styles.flag(style_id(p), "w:i")


def test_profile_drives_the_new_styles():
    profile = DEFAULT.replace({"body_size": 13, "number_size": 12, "signer_size": 13})
    d = docx.Document(io.BytesIO(generate_templates(profile)["letter.docx"]))
    assert d.styles["KH Kính gửi"].font.size.pt == 13
    assert d.styles["KH Trích yếu công văn"].font.size.pt == 12
    assert d.styles["KH Hướng dẫn"].font.size.pt == 13 and d.styles["KH Hướng dẫn"].font.italic
    assert d.styles["KH Hướng dẫn ký"].font.size.pt == 13


@pytest.mark.parametrize("name", WORKFLOW)
def test_every_tag_is_inside_one_run(templates, name):
    for t in part(templates[name], "word/document.xml").iter(f"{{{W}}}t"):
        text = t.text or ""
        for opener, closer in (("{{", "}}"), ("{%", "%}")):
            assert text.count(opener) == text.count(closer), text


@pytest.mark.parametrize("name", WORKFLOW)
def test_page_setup(templates, name):
    d = docx.Document(io.BytesIO(templates[name]))
    assert len(d.sections) == SECTIONS[name]
    s1 = d.sections[0]
    assert (round(s1.page_width.mm), round(s1.page_height.mm)) == (210, 297)
    assert s1.different_first_page_header_footer
    assert s1.left_margin.mm == pytest.approx(DEFAULT.margin_left_mm, abs=0.05)
    if SECTIONS[name] == 2:
        s2 = d.sections[1]
        assert (round(s2.page_width.mm), round(s2.page_height.mm)) == (297, 210)
        assert s2._sectPr.find("w:pgNumType", NS).get(f"{{{W}}}start") == "1"


# --- rendering with the real contexts -----------------------------------------------------------


@pytest.mark.parametrize("name", WORKFLOW)
def test_renders_and_passes_the_checks(rendered, name):
    check_docx(rendered[name], expect_sections=SECTIONS[name])
    joined = "\n".join(texts(rendered[name]))
    assert "{{" not in joined and "{%" not in joined


def test_letter_text(rendered, contexts):
    ctx = contexts["letter.docx"]
    got = texts(rendered["letter.docx"])
    assert f"Kính gửi: {ctx['addressee']}." in got
    assert f"V/v triển khai thực hiện {ctx['plan_ref']}" in got
    intro = next(t for t in got if t.startswith("Thực hiện "))
    assert ctx["plan_ref"] in intro and ctx["plan_subject"] in intro and "(sau đây gọi là Kế hoạch)" in intro
    assert "Ủy ban nhân dân huyện" not in intro.replace(ctx["plan_subject"], "")
    assert f"{ctx['issuer_short']} đề nghị {ctx['agency_short']}" in intro
    for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   ctx["header"]["number"], ctx["header"]["place_date"],
                   "1. Nhiệm vụ chủ trì thực hiện", "2. Nhiệm vụ phối hợp thực hiện",
                   "3. Trách nhiệm tổ chức thực hiện", "4. Chế độ báo cáo", *ctx["duties"],
                   "Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", ctx["signer"]["name"],
                   f"Đề nghị {ctx['agency_short']} quan tâm, triển khai thực hiện./."):
        assert needle in got, needle
    for t in ctx["lead_tasks"]:
        assert f"- Nhiệm vụ {t['id']}: {t['content']}" in got
        assert (f"Cơ quan phối hợp: {t['support']}; thời gian thực hiện: {t['timeline']}; "
                f"sản phẩm: {t['output']}") in got
    for t in ctx["support_tasks"]:
        assert f"- Nhiệm vụ {t['id']}: {t['content']}" in got
        assert f"Cơ quan chủ trì: {t['lead']}; thời gian thực hiện: {t['timeline']}." in got
    due = [t for t in got if t.startswith("- Báo cáo ")]
    assert len(due) == len(ctx["reporting"]["periods"])
    assert all(t.endswith(";") for t in due[:-1]) and due[-1].endswith(".")
    first = ctx["reporting"]["periods"][0]
    assert f"- Báo cáo {first['label']} (số liệu {first['range']}): trước ngày {first['due']};" in got
    assert any(f"gửi về {ctx['reporting']['to']} (qua {ctx['reporting']['via']})" in t for t in got)
    for r in ctx["recipients"]:
        assert r in got
    # Nơi nhận in order: Như trên, the plan's extra recipients, Lưu.
    start = got.index("Nơi nhận:")
    assert got[start + 1:start + 3 + len(ctx["recipients"])] == ["- Như trên;", *ctx["recipients"], "- Lưu: VT, VP."]


def test_letter_branches(templates, contexts):
    """No lead task, no reporting duty, a lead task without coordinators."""
    ctx = copy.deepcopy(contexts["letter.docx"])
    ctx["support_tasks"], ctx["reports"] = [], False
    ctx["sections"] = {"lead": "1.", "support": "", "duties": "", "reporting": "2."}
    ctx["duties"] = []
    ctx["lead_tasks"] = ctx["lead_tasks"][:1]
    ctx["lead_tasks"][0]["support"] = ""
    got = texts(render_docx(templates["letter.docx"], ctx, expect_sections=1))
    t = ctx["lead_tasks"][0]
    assert f"Thời gian thực hiện: {t['timeline']}; sản phẩm: {t['output']}" in got
    assert not any("Cơ quan phối hợp" in x or "Nhiệm vụ phối hợp" in x or x.startswith("- Báo cáo ") for x in got)
    assert "2. Chế độ báo cáo" in got
    assert any(x.startswith("Chủ động phối hợp, cung cấp") for x in got)


def test_report_text(rendered, contexts):
    ctx = contexts["report.docx"]
    got = texts(rendered["report.docx"])
    per = ctx["period"]
    for needle in ("BÁO CÁO", f"Kết quả thực hiện {ctx['plan_ref']} {per['label']}",
                   f"Kính gửi: {ctx['addressee']}.",
                   "I. KẾT QUẢ THỰC HIỆN", "1. Công tác chỉ đạo, triển khai",
                   "2. Kết quả thực hiện các nhiệm vụ được giao",
                   "II. ĐÁNH GIÁ CHUNG", "1. Ưu điểm", "2. Tồn tại, hạn chế", "3. Nguyên nhân",
                   "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", "IV. ĐỀ XUẤT, KIẾN NGHỊ",
                   f"Trên đây là báo cáo kết quả thực hiện {ctx['plan_ref']} {per['label']} "
                   f"của {ctx['agency_name']}./.",
                   "Nơi nhận:", f"- {ctx['addressee']} (qua {ctx['via']});", "- Lưu: VT.",
                   "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "(Ký, ghi rõ họ tên, đóng dấu)",
                   "Phụ lục", f"KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ ĐƯỢC GIAO {per['label'].upper()}",
                   f"(Kèm theo Báo cáo số {ctx['report_ref']['number']} {ctx['report_ref']['date']} "
                   f"của {ctx['agency_name']})"):
        assert needle in got, needle
    for line in ctx["header"]["parent"] + ctx["header"]["name"]:
        assert line in got
    assert any(ctx["agency_short"] in t and per["range"] in t for t in got)
    assert any(f"Hạn gửi: trước ngày {per['due']}, qua {ctx['via']}" in t for t in got)


def test_report_guidance_is_italic_and_bracketed(rendered):
    data = rendered["report.docx"]
    styles = Styles(data)
    guidance = [p for p in body_paragraphs(data) if style_id(p) in ("KHHuongDan", "KHHuongDanKy")]
    assert len(guidance) >= 9
    for p in guidance:
        text = text_of(p)
        assert text.startswith("(") and text.endswith(")"), text
        assert styles.flag(style_id(p), "w:i"), text
    # Nothing else in the portrait body is a bracketed placeholder in upright type.
    for p in body_paragraphs(data):
        text = text_of(p)
        if text.startswith("(Nêu"):
            assert style_id(p) == "KHHuongDan", text


def test_report_appendix_table(rendered, contexts):
    ctx = contexts["report.docx"]
    tbl = tables(rendered["report.docx"])[-1]
    rows = rows_of(tbl)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert [text_of(c) for c in cells_of(rows[0])] == [c.heading for c in REPORT_APPENDIX_COLUMNS] == [
        "STT", "Nhiệm vụ", "Vai trò", "Cơ quan chủ trì", "Thời gian thực hiện", "Kết quả thực hiện",
        "Tiến độ", "Ghi chú"]
    assert len(rows) == 1 + len(ctx["rows"])
    for tr, row in zip(rows[1:], ctx["rows"]):
        cells = [text_of(c) for c in cells_of(tr)]
        assert cells == [row["stt"], row["content"], row["role"], row["lead"], row["timeline"], "", "", ""]
    # Widths: proportions of the landscape text width, which they fill.
    widths = [int(c.get(f"{{{W}}}w")) for c in tbl.findall("w:tblGrid/w:gridCol", NS)]
    assert sum(widths) == pytest.approx(DEFAULT.landscape_text_width_mm * 1440 / 25.4, abs=len(widths))


def test_consolidated_text(rendered, contexts):
    ctx = contexts["consolidated.docx"]
    got = texts(rendered["consolidated.docx"])
    per, rep, counts = ctx["period"], ctx["reporting"], ctx["counts"]
    for needle in ("BÁO CÁO", f"Kết quả thực hiện {ctx['plan_ref']} {per['label']}",
                   f"Kính gửi: {ctx['addressee']}.", ctx["header"]["number"],
                   "I. KẾT QUẢ THỰC HIỆN", "1. Công tác chỉ đạo, triển khai",
                   "2. Tình hình báo cáo của các cơ quan, đơn vị", "3. Kết quả thực hiện các nhiệm vụ",
                   "II. ĐÁNH GIÁ CHUNG", "1. Kết quả đạt được", "2. Tồn tại, hạn chế", "3. Nguyên nhân",
                   "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", "IV. ĐỀ XUẤT, KIẾN NGHỊ",
                   f"Tính đến ngày {ctx['as_of']}, có {rep['reported']}/{rep['expected']} cơ quan, đơn vị "
                   f"gửi báo cáo (hạn gửi ngày {per['due']}), trong đó {rep['on_time']} đơn vị gửi đúng hạn, "
                   f"{len(rep['late'])} đơn vị gửi muộn.",
                   f"Các cơ quan, đơn vị chưa gửi báo cáo (đã quá hạn ngày {per['due']}):",
                   f"Kế hoạch có {counts['total']} nhiệm vụ, trong đó: hoàn thành {counts['done']}; "
                   f"đang thực hiện {counts['in_progress']}; chưa thực hiện {counts['not_started']}; "
                   f"chưa có báo cáo {counts['no_answer']}.",
                   "Nơi nhận:", f"- {ctx['addressee_short']};", "- Lưu: VT.", ctx["signer"]["name"],
                   "Phụ lục", f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ {per['label'].upper()}",
                   f"(Kèm theo Báo cáo số {ctx['report_ref']['number']} {ctx['report_ref']['date']} "
                   f"của {ctx['issuer_short']})"):
        assert needle in got, needle
    missing = [f"- {n};" for n in rep["missing"][:-1]] + [f"- {rep['missing'][-1]}."]
    start = got.index(missing[0])
    assert got[start:start + len(missing)] == missing
    closing = next(t for t in got if t.startswith("Trên đây là báo cáo"))
    assert closing.endswith("./.")


def test_consolidated_tables(rendered, contexts):
    ctx = contexts["consolidated.docx"]
    _header, by_agency, _signature, appendix = tables(rendered["consolidated.docx"])
    rows = rows_of(by_agency)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert [text_of(c) for c in cells_of(rows[0])] == [
        "STT", "Cơ quan, đơn vị", "Chủ trì", "Phối hợp", "Hoàn thành", "Đang thực hiện", "Chưa thực hiện",
        "Chưa trả lời", "Tình trạng"]
    assert len(rows) == 1 + len(ctx["agencies"])
    for n, (tr, a) in enumerate(zip(rows[1:], ctx["agencies"]), start=1):
        assert [text_of(c) for c in cells_of(tr)] == [
            str(n), a["name"], str(a["lead"]), str(a["support"]), str(a["done"]), str(a["in_progress"]),
            str(a["not_started"]), str(a["no_answer"]), a["state"]]
    rows = rows_of(appendix)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert [text_of(c) for c in cells_of(rows[0])] == [
        "STT", "Nhiệm vụ", "Cơ quan chủ trì", "Tình trạng", "Kết quả thực hiện của các cơ quan, đơn vị",
        "Khó khăn, đề xuất"]
    assert len(rows) == 1 + len(ctx["rows"])
    for tr, row in zip(rows[1:], ctx["rows"]):
        cells = cells_of(tr)
        if row["group"]:
            assert [text_of(c) for c in cells] == [row["stt"], row["title"]]
            assert cells[1].find("w:tcPr/w:gridSpan", NS).get(f"{{{W}}}val") == "5"
        else:
            assert [text_of(c) for c in cells[:4]] == [row["stt"], row["content"], row["lead"], row["status"]]
            # "\n" between agencies becomes a line break inside the cell.
            results = cells[4]
            assert text_of(results) == row["results"].replace("\n", "")
            assert len(results.findall(".//w:br", NS)) == row["results"].count("\n")


def test_consolidated_without_missing_agencies(templates, contexts):
    ctx = copy.deepcopy(contexts["consolidated.docx"])
    ctx["reporting"]["missing"], ctx["reporting"]["overdue"] = [], False
    got = texts(render_docx(templates["consolidated.docx"], ctx, expect_sections=2))
    assert not any(t.startswith("Các cơ quan, đơn vị chưa gửi báo cáo") for t in got)


def test_values_are_escaped(templates, contexts):
    ctx = copy.deepcopy(contexts["letter.docx"])
    ctx["addressee"] = "A & B <C> {{ 7*7 }}"
    got = texts(render_docx(templates["letter.docx"], ctx, expect_sections=1))
    assert "Kính gửi: A & B <C> {{ 7*7 }}." in got


# --- check_templates ----------------------------------------------------------------------------


def test_check_templates_finds_nothing(contexts):
    assert check_templates(TEMPLATES, contexts) == []


def test_check_templates_names_a_missing_key(contexts):
    ctx = {k: copy.deepcopy(v) for k, v in contexts.items()}
    del ctx["letter.docx"]["issuer_short"]
    diags = check_templates(TEMPLATES, ctx)
    assert [d.code for d in diags] == ["KH052"]
    assert "issuer_short" in diags[0].message and "letter.docx" in diags[0].path


# --- LibreOffice -------------------------------------------------------------------------------


def _tool(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdfs(rendered, tmp_path_factory) -> dict[str, Path]:
    require_office()
    folder = tmp_path_factory.mktemp("workflow")
    paths = []
    for name in WORKFLOW:
        path = folder / name
        path.write_bytes(rendered[name])
        paths.append(path)
    return dict(zip(WORKFLOW, convert_to_pdf(paths, folder / "pdf")))


def _pages(pdf: Path) -> list[tuple[tuple[int, int], list[str]]]:
    info = _tool("pdfinfo", "-f", "1", "-l", "999", str(pdf))
    sizes = [tuple(round(float(v)) for v in m)
             for m in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    out = []
    for i, size in enumerate(sizes, start=1):
        text = _tool("pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf), "-")
        lines = [re.sub(r"\s+", " ", unicodedata.normalize("NFC", line)).strip() for line in text.splitlines()]
        out.append((size, [line for line in lines if line]))
    return out


@OFFICE
@pytest.mark.parametrize("name", WORKFLOW)
def test_libreoffice_layout(pdfs, name):
    pages = _pages(pdfs[name])
    portrait = [i for i, (size, _) in enumerate(pages) if size == (595, 842)]
    landscape = [i for i, (size, _) in enumerate(pages) if size == (842, 595)]
    assert portrait and portrait + landscape == list(range(len(pages)))
    assert bool(landscape) is (SECTIONS[name] == 2)
    first = pages[0][1]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first[0]
    assert any(line.startswith("Kính gửi:") for line in first)
    for n, i in enumerate(portrait[1:], start=2):
        assert pages[i][1][0] == str(n)
    for n, i in enumerate(landscape, start=1):
        lines = pages[i][1]
        assert lines[0] == (str(n) if n > 1 else "Phụ lục")
        assert any(line.startswith("STT") and "Nhiệm vụ" in line for line in lines), f"no header row on page {i + 1}"
    assert any("Nơi nhận:" in line for line in pages[portrait[-1]][1])
    assert not any("{{" in line or "{%" in line for _, lines in pages for line in lines)
