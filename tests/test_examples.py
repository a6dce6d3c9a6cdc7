"""The illustrative plans under ``examples/``: each validates, builds every
document, and its rendered plan equals the text written by hand beside it
(``expected.txt``: paragraphs one per line, table rows as ``| cell | cell |``
with a cell's paragraphs joined by " / ", section ends marked) — exactly.

The structure the text cannot show (merged header cells, bold total rows,
italic labels, page breaks between appendices, sections) is checked in the
OOXML itself.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import kehoach
from kehoach.build import render_documents, render_plan
from kehoach.docx2text import docx_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if (p / "plan.yaml").is_file())
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def test_there_are_the_three_forms():
    assert {p.name for p in EXAMPLES} >= {"tinh-phu-luc-ba-cap", "xa-nhiem-vu-trong-than", "thanh-pho-hai-phu-luc",
                                         "so-nhiem-vu-trong-than", "tinh-bao-cao-hai-cap"}


@pytest.fixture(scope="module")
def built() -> dict[str, tuple[kehoach.Plan, bytes, list]]:
    """Each example loaded, its plan rendered and every document built — once."""
    out = {}
    for folder in EXAMPLES:
        plan, diagnostics = kehoach.check_plan(folder)
        assert plan is not None, [str(d) for d in diagnostics]
        out[folder.name] = (plan, render_plan(plan), render_documents(plan))
    return out


def assert_same_lines(expected_file: Path, actual: str) -> None:
    """``actual`` equals the hand-written file, line by line (the first difference named)."""
    expected = expected_file.read_text(encoding="utf-8").split("\n")
    lines = actual.split("\n")
    for number, (want, got) in enumerate(zip(expected, lines), 1):
        assert got == want, f"{expected_file.parent.name}/{expected_file.name} line {number}"
    assert len(lines) == len(expected)


@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: p.name)
def test_rendered_plan_is_the_hand_written_text(built, folder):
    assert_same_lines(folder / "expected.txt", docx_text(built[folder.name][1]))


@pytest.mark.parametrize("folder", EXAMPLES, ids=lambda p: p.name)
def test_every_document_builds_and_validates_cleanly(built, folder):
    plan, _, documents = built[folder.name]
    _, diagnostics = kehoach.check_plan(folder)
    assert [d for d in diagnostics if d.severity.name == "ERROR"] == []
    kinds = {d.kind for d in documents}
    assert {"plan", "preview", "letter", "calendar"} <= kinds
    for d in documents:
        if d.path.endswith(".docx"):
            with zipfile.ZipFile(io.BytesIO(d.data)) as zf:
                etree.fromstring(zf.read("word/document.xml"))  # well formed
    # every task reaches the letters of the agencies it addresses
    letters = {d.agency: docx_text(d.data) for d in documents if d.kind == "letter"}
    for task in plan.tasks:
        for agency in plan.lead_agencies(task):
            assert task.content in letters[agency], (task.id, agency)


def _body(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read("word/document.xml")).find("w:body", NS)


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{{{W}}}t"))


def _sections(body) -> list[str]:
    return [s.find("w:pgSz", NS).get(f"{{{W}}}orient", "portrait") for s in body.iter(f"{{{W}}}sectPr")]


def test_three_level_appendix_structure(built):
    _, data, _ = built["tinh-phu-luc-ba-cap"]
    body = _body(data)
    assert _sections(body) == ["portrait", "landscape"]
    table = body.findall("w:tbl", NS)[-1]
    rows = table.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    part = rows[1].findall("w:tc", NS)          # "A. NHIỆM VỤ CHUNG": one cell across the table
    assert len(part) == 1 and part[0].find("w:tcPr/w:gridSpan", NS).get(f"{{{W}}}val") == "6"
    assert part[0].find(".//w:pStyle", NS).get(f"{{{W}}}val") == "KHBangNhom"
    group = rows[2].findall("w:tc", NS)         # "I | Hoàn thiện thể chế"
    assert [_text(c) for c in group] == ["I", "Hoàn thiện thể chế"]
    sub = next(r for r in rows if _text(r.findall("w:tc", NS)[0]) == "2.1").findall("w:tc", NS)
    assert sub[1].find(".//w:pStyle", NS).get(f"{{{W}}}val") == "KHBang"  # level printed not bold


def test_body_task_records_structure(built):
    plan, data, _ = built["xa-nhiem-vu-trong-than"]
    body = _body(data)
    assert _sections(body) == ["portrait"], "no appendix: one portrait section"
    assert plan.appendices == () and len(plan.tasks) == 4
    label = next(p for p in body.iter(f"{{{W}}}p") if "Đơn vị chủ trì thực hiện:" in _text(p))
    runs = {(r.findtext("w:t", namespaces=NS) or ""): r.find("w:rPr/w:rStyle", NS) for r in label.findall("w:r", NS)}
    assert runs["Đơn vị chủ trì thực hiện:"].get(f"{{{W}}}val") == "KHNghieng"
    bold = next(p for p in body.iter(f"{{{W}}}p") if _text(p).startswith("- Chủ trì:"))
    styled = [r.find("w:rPr/w:rStyle", NS) for r in bold.findall("w:r", NS) if r.findtext("w:t", namespaces=NS) == "Chủ trì:"]
    assert styled and styled[0].get(f"{{{W}}}val") == "KHDam"
    # the records drive the letters like appendix rows do
    assert [t.cite for t in plan.tasks] == ["II.1.a", "II.1.b", "II.2.a", "II.2.b"]


def test_two_appendices_data_table_structure(built):
    _, data, _ = built["thanh-pho-hai-phu-luc"]
    body = _body(data)
    labels = [p for p in body.findall("w:p", NS) if _text(p) in ("PHỤ LỤC I", "PHỤ LỤC II")]
    assert [_text(p) for p in labels] == ["PHỤ LỤC I", "PHỤ LỤC II"]
    assert labels[0].find("w:pPr/w:pageBreakBefore", NS) is None
    assert labels[1].find("w:pPr/w:pageBreakBefore", NS) is not None, "each further appendix starts a page"
    tasks, money = body.findall("w:tbl", NS)[-2:]
    top, second = money.findall("w:tr", NS)[:2]
    cells = top.findall("w:tc", NS)
    assert [_text(c) for c in cells] == ["STT", "Nội dung", "Kinh phí", "Ghi chú"]
    assert cells[0].find("w:tcPr/w:vMerge", NS).get(f"{{{W}}}val") == "restart"
    assert cells[2].find("w:tcPr/w:gridSpan", NS).get(f"{{{W}}}val") == "3"
    below = second.findall("w:tc", NS)
    assert below[0].find("w:tcPr/w:vMerge", NS) is not None and below[0].find("w:tcPr/w:vMerge", NS).get(f"{{{W}}}val") is None
    assert second.find("w:trPr/w:tblHeader", NS) is not None, "both header rows repeat on every page"
    total = money.findall("w:tr", NS)[-1]
    assert "Tổng cộng" in _text(total)
    assert all(r.find("w:rPr/w:b", NS) is not None for r in total.iter(f"{{{W}}}r"))
    # the task table's two-row header: "Đơn vị thực hiện" over Chủ trì | Phối hợp
    head = tasks.findall("w:tr", NS)[0].findall("w:tc", NS)
    assert _text(head[2]) == "Đơn vị thực hiện" and head[2].find("w:tcPr/w:gridSpan", NS).get(f"{{{W}}}val") == "2"
    grid = sum(int(c.get(f"{{{W}}}w")) for c in money.findall("w:tblGrid/w:gridCol", NS))
    assert abs(grid - round(252 * 1440 / 25.4)) <= 6, "the table fills the landscape text width"


def test_a_member_of_a_coordinating_group_gets_a_summary_not_the_rows(built):
    plan, _, documents = built["tinh-phu-luc-ba-cap"]
    letter = next(docx_text(d.data) for d in documents if d.kind == "letter" and d.agency == "so-tai-chinh")
    via_group = [t for t in plan.tasks_supported_by("so-tai-chinh") if "so-tai-chinh" not in t.support]
    assert via_group, "the example names Sở Tài chính only through 'Các sở, ban, ngành'"
    for task in via_group:
        assert task.content not in letter
    assert ("- Là thành viên của Các sở, ban, ngành tỉnh: phối hợp thực hiện 2 nhiệm vụ số "
            "1 (mục A - I), 2 (mục A - I) theo Phụ lục kèm theo Kế hoạch.") in letter
    # named directly: the row in full
    assert "- Nhiệm vụ 1 (mục B - II - 2.1): Nâng cấp mạng truyền số liệu chuyên dùng đến cấp xã." in letter
    # the plan is dated 08/10/2025: no report due before it is asked for
    assert "6 tháng đầu năm 2025" not in letter and "Báo cáo năm 2025" in letter


def test_preview_shows_each_appendix_as_printed(built):
    from kehoach.documents import preview
    plan, _, _ = built["thanh-pho-hai-phu-luc"]
    md = preview.markdown(plan)
    assert "## PHỤ LỤC I\n" in md and "## PHỤ LỤC II\n" in md
    assert "| STT | Nội dung thực hiện | Đơn vị thực hiện / Chủ trì | Đơn vị thực hiện / Phối hợp |" in md
    assert "| (1) | (2) | (3)=(4)+(5) | (4) | (5) | (6) |" in md
    assert "| | **Tổng cộng** | **1.620** | **1.300** | **320** | |" in md
    assert "*(Kèm theo Kế hoạch số …/KH-UBND ngày …/9/2025 của UBND thành phố Hải Vân)*" in md


def test_diff_sees_printed_cells_numbers_and_timelines(tmp_path):
    from kehoach.diff import diff_plans, to_markdown
    old = tmp_path / "old"
    shutil.copytree(ROOT / "examples" / "tinh-phu-luc-ba-cap", old)
    new = tmp_path / "new"
    shutil.copytree(old, new)
    text = (new / "tasks.yaml").read_text(encoding="utf-8")
    text = text.replace("lead_text: Sở KH&CN; Sở Tư pháp", "lead_text: Sở Khoa học và Công nghệ; Sở Tư pháp")
    text = text.replace("timeline: Quý IV/2025", "timeline: Quý I/2026")
    text = text.replace('number: "1"', 'number: "1a"')
    (new / "tasks.yaml").write_text(text, encoding="utf-8")
    diff = diff_plans(kehoach.load_plan(old), kehoach.load_plan(new))
    fields = {(c.id, c.field) for c in diff.tasks}
    assert fields == {("quy-che-du-lieu", "lead_text"), ("quy-che-du-lieu", "timeline"), ("boi-duong", "number")}
    md = to_markdown(diff, "cũ", "mới")
    assert "thời gian thực hiện đổi từ Quý IV/2025 thành Quý I/2026" in md
    assert "ô chủ trì (chữ in)" in md and "số thứ tự in đổi" in md


def test_returns_of_body_tasks(tmp_path):
    from kehoach.returns import init_returns, load_returns, write_returns
    folder = tmp_path / "plan"
    shutil.copytree(ROOT / "examples" / "xa-nhiem-vu-trong-than", folder)
    plan = kehoach.load_plan(folder)
    files = init_returns(plan, "2026")
    assert sorted(files) == [f"reports/2026/{a}.yaml" for a in ("phong-kinh-te", "tram-y-te", "van-phong")]
    assert '- task: "cam-ket"' in files["reports/2026/phong-kinh-te.yaml"]
    write_returns(folder, files)
    returns, diagnostics = load_returns(plan, folder, "2026")
    assert [d for d in diagnostics if d.severity.name == "ERROR"] == [] and len(returns) == 3


# -- words, emphasis and markers --------------------------------------------------------------


def marked_text(data: bytes) -> str:
    """Each body paragraph (not inside a table, not empty) as ``STYLE| text`` with
    ``**bold**``, ``*italic*``, ``***both***`` runs and ``[^n]`` footnote references,
    then each footnote as ``[^n]: text`` — read from the OOXML, independently of
    kehoach's writers (character styles KHDam/KHNghieng or direct w:b/w:i).  A
    no-break space (a place name kept whole on one line) reads "~"."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        body = etree.fromstring(zf.read("word/document.xml")).find("w:body", NS)
        notes = etree.fromstring(zf.read("word/footnotes.xml")) if "word/footnotes.xml" in zf.namelist() else None
    lines = []
    for p in body.findall("w:p", NS):
        style = p.find("w:pPr/w:pStyle", NS)
        out = []
        for r in p.findall("w:r", NS):
            rs = r.find("w:rPr/w:rStyle", NS)
            rs = rs.get(f"{{{W}}}val") if rs is not None else ""
            bold = rs == "KHDam" or r.find("w:rPr/w:b", NS) is not None
            italic = rs == "KHNghieng" or r.find("w:rPr/w:i", NS) is not None
            ref = r.find("w:footnoteReference", NS)
            if ref is not None:
                out.append(f"[^{ref.get(f'{{{W}}}id')}]")
                continue
            # a no-break space (a place name kept on one line) shows as "~"
            text = "".join(t.text or "" for t in r.findall("w:t", NS)).replace("\u00a0", "~")
            mark = "***" if bold and italic else "**" if bold else "*" if italic else ""
            core = text.strip()
            if mark and core:
                text = text[:len(text) - len(text.lstrip())] + mark + core + mark + text[len(text.rstrip()):]
            out.append(text)
        line = "".join(out)
        if line.strip():
            lines.append(f"{style.get(f'{{{W}}}val') if style is not None else ''}| {line}")
    if notes is not None:
        for n in notes.findall("w:footnote", NS):
            if int(n.get(f"{{{W}}}id")) > 0:
                lines.append(f"[^{n.get(f'{{{W}}}id')}]: " + "".join(t.text or "" for t in n.iter(f"{{{W}}}t")).strip())
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("folder", [p for p in EXAMPLES if (p / "expected-marks.txt").is_file()], ids=lambda p: p.name)
def test_rendered_body_has_the_hand_written_emphasis_and_markers(built, folder):
    assert_same_lines(folder / "expected-marks.txt", marked_text(built[folder.name][1]))


def test_department_plan_duties_reach_letters_and_outside_parties_get_none(built):
    plan, _, documents = built["so-nhiem-vu-trong-than"]
    letters = {d.agency: docx_text(d.data) for d in documents if d.kind == "letter"}
    assert "cong-doan" not in letters, "a request to a body outside the issuer's authority sends no letter"
    for member in ("phong-to-chuc", "phong-cai-cach"):   # a collective duty reaches each member
        assert "3. Trách nhiệm tổ chức thực hiện" in letters[member] or "Trách nhiệm tổ chức thực hiện" in letters[member]
        assert ("Các phòng chuyên môn: tổ chức thực hiện nhiệm vụ được giao, báo cáo kết quả "
                "trước ngày 05/12/2026.") in letters[member]
    assert "Văn phòng Sở: theo dõi, tổng hợp kết quả, báo cáo Giám đốc Sở." in letters["van-phong-so"]
    # KT. without TM., leading-zero number
    text = docx_text(built["so-nhiem-vu-trong-than"][1])
    assert "| KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC / Đỗ Thanh Bình |" in text and "Số: 0124/KH-SNV" in text


def test_department_report_templates_ask_for_each_duty(built):
    """Each reporter's report template quotes the duties binding it (its own, its
    group's) with room for the result of each; an outside party has no template."""
    plan, _, documents = built["so-nhiem-vu-trong-than"]
    reports = {d.agency: docx_text(d.data).split("\n") for d in documents if d.kind == "report-template"}
    assert "cong-doan" not in reports
    intro = ("Kết quả thực hiện các trách nhiệm được phân công tại Kế hoạch số 0124/KH-SNV ngày 12 tháng 01 năm 2026 "
             "của Sở Nội vụ:")
    for member in ("phong-to-chuc", "phong-cai-cach"):   # the collective duty of "Các phòng chuyên môn"
        lines = reports[member]
        at = lines.index(intro)
        assert lines[at + 1:at + 3] == [
            "Các phòng chuyên môn: tổ chức thực hiện nhiệm vụ được giao, báo cáo kết quả trước ngày 05/12/2026.",
            "(Nêu kết quả thực hiện trách nhiệm này.)"]
        assert lines.index("II. ĐÁNH GIÁ CHUNG") > at
    lines = reports["van-phong-so"]
    assert lines[lines.index(intro) + 1] == "Văn phòng Sở: theo dõi, tổng hợp kết quả, báo cáo Giám đốc Sở."
    assert not any("Các phòng chuyên môn:" in line for line in lines)


def test_titles_never_break_inside_a_place_name(built):
    """Header lines and the subject keep "TỈNH BÌNH SƠN" on one line (no-break
    spaces), and print the words exactly as written."""
    plan, data, documents = built["tinh-phu-luc-ba-cap"]
    lines = marked_text(data).split("\n")
    assert "KHTrichYeu| Triển khai chuyển đổi số trong cơ quan nhà nước tỉnh~Bình~Sơn giai đoạn 2026 - 2030" in lines
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml").decode()
    assert ">TỈNH\u00a0BÌNH\u00a0SƠN<" in xml and "TỈNH BÌNH SƠN" not in xml
    letter = next(d.data for d in documents if d.kind == "letter")
    with zipfile.ZipFile(io.BytesIO(letter)) as zf:
        assert ">TỈNH\u00a0BÌNH\u00a0SƠN<" in zf.read("word/document.xml").decode()
    assert "| ỦY BAN NHÂN DÂN / TỈNH BÌNH SƠN |" in docx_text(data)   # read back, it is the printed text


def test_commune_yearly_fixed_date_report_through_a_focal_agency(built):
    plan, _, documents = built["xa-nhiem-vu-trong-than"]
    letter = next(docx_text(d.data) for d in documents if d.kind == "letter" and d.agency == "tram-y-te")
    assert ("- Báo cáo năm 2026 (số liệu từ ngày 1/11/2025 đến ngày 31/10/2026): trước ngày 15/11/2026.") in letter
    assert "gửi về UBND xã Tân Lập (qua Văn phòng HĐND và UBND xã)" in letter
    assert "| TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / Lê Thị Hoa |" in docx_text(built["xa-nhiem-vu-trong-than"][1])


def test_a_plan_without_periodic_reports(tmp_path):
    """No `reporting:` at all (4 of 29 surveyed plans): it validates, builds no
    report template, and its letters carry no reporting section."""
    folder = tmp_path / "plan"
    shutil.copytree(ROOT / "examples" / "so-nhiem-vu-trong-than", folder)
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    (folder / "plan.yaml").write_text(text[:text.index("reporting:")], encoding="utf-8")
    plan, diagnostics = kehoach.check_plan(folder)
    assert plan is not None and [d for d in diagnostics if d.severity.name == "ERROR"] == []
    documents = render_documents(plan)
    assert not [d for d in documents if d.kind in ("report-template", "consolidated-report")]
    letter = next(docx_text(d.data) for d in documents if d.kind == "letter" and d.agency == "phong-to-chuc")
    assert "Chế độ báo cáo" not in letter and "2. Trách nhiệm tổ chức thực hiện" in letter


def test_diff_sees_a_body_task_move_between_parts(tmp_path):
    from kehoach.diff import diff_plans
    old = tmp_path / "old"
    shutil.copytree(ROOT / "examples" / "xa-nhiem-vu-trong-than", old)
    new = tmp_path / "new"
    shutil.copytree(old, new)
    text = (new / "plan.yaml").read_text(encoding="utf-8")
    start = text.index("          - marker: b)\n            text: Bố trí cán bộ y tế")
    block = text[start:text.index("  - title: TỔ CHỨC THỰC HIỆN")]
    text = text.replace(block, "")
    text = text.replace("  - title: TỔ CHỨC THỰC HIỆN\n    content:\n",
                        "  - title: TỔ CHỨC THỰC HIỆN\n    content:\n" + block.replace("          ", "      ", 1)
                        .replace("\n          ", "\n      "), 1)
    (new / "plan.yaml").write_text(text, encoding="utf-8")
    diff = diff_plans(kehoach.load_plan(old), kehoach.load_plan(new))
    moved = [c for c in diff.tasks if c.kind == "task_moved"]
    assert [(c.id, c.old.numeral, c.new.numeral) for c in moved] == [("truc-so-cuu", "II", "III")]


@pytest.mark.parametrize("level", ["tinh", "huyen", "xa", "so-nganh"])
def test_the_level_is_data_only(built, tmp_path, level):
    """Issuers differ by data, never by an `if` on the level: the same plan
    declared at any level renders byte for byte the same documents."""
    folder = tmp_path / "plan"
    shutil.copytree(ROOT / "examples" / "xa-nhiem-vu-trong-than", folder)
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    assert "\nlevel: xa\n" in text
    (folder / "plan.yaml").write_text(text.replace("\nlevel: xa\n", f"\nlevel: {level}\n"), encoding="utf-8")
    plan, _ = kehoach.check_plan(folder)
    assert plan is not None and plan.level == level
    before = {d.path: d.data for d in built["xa-nhiem-vu-trong-than"][2] if d.path.endswith(".docx")}
    after = {d.path: d.data for d in render_documents(plan) if d.path.endswith(".docx")}
    assert after == before


def test_province_quarterly_reports_through_a_focal_agency(built):
    """tinh-bao-cao-hai-cap: quarterly reports to Sở Tư pháp by the 15th of the
    quarter's last month, on to UBND tỉnh by the 20th (its own deadline), to the
    ministry by the 25th; a yearly fixed date, a one-off report, on request.
    The plan is dated 16/3/2026, so Q1 2026 (due 15/3) is asked of nobody."""
    plan, _, documents = built["tinh-bao-cao-hai-cap"]
    letters = {d.agency: docx_text(d.data).split("\n") for d in documents if d.kind == "letter"}
    assert "hiep-hoi-doanh-nghiep" not in letters                          # "Đề nghị …": no letter
    member = letters["ubnd-xa-an-binh"]
    assert ("- Báo cáo hằng quý (số liệu từ ngày 15 tháng trước quý đến ngày 14 tháng cuối quý): trước ngày 15 "
            "tháng cuối quý, từ quý II/2026 đến quý IV/2027;") in member
    assert "- Báo cáo đột xuất: khi có yêu cầu." in member
    assert not any(line.startswith("Sở Tư pháp tổng hợp") for line in member)
    focal = letters["so-tu-phap"]
    at = focal.index("Sở Tư pháp tổng hợp báo cáo của các cơ quan, đơn vị, gửi UBND tỉnh theo thời hạn sau:")
    assert focal[at + 1:at + 5] == [
        "- Tổng hợp báo cáo hằng quý: trước ngày 20 tháng cuối quý, từ quý II/2026 đến quý IV/2027;",
        "- Tổng hợp báo cáo năm 2026: trước ngày 20/11/2026;",
        "- Tổng hợp báo cáo sơ kết 1 năm thực hiện Kế hoạch: trước ngày 15/3/2027;",
        "- Tổng hợp báo cáo năm 2027: trước ngày 20/11/2027."]
    # the numbered-sentence duty reaches the agency that is its subject, with the collective one
    assert "Sở Giáo dục và Đào tạo đưa nội dung pháp luật vào hoạt động ngoại khóa trong trường học." in \
        letters["so-giao-duc"]
    office = next(d.data for d in documents if d.path == "lich/tong-hop.ics")
    assert b"DTSTART;VALUE=DATE:20260615" in office and b"DTSTART;VALUE=DATE:20260620" in office
    assert b"DTSTART;VALUE=DATE:20260315" not in office                   # Q1: before the plan's date
    # agencies bound only by duties get their calendar with their report deadlines
    calendar = next(d.data for d in documents if d.path == "lich/ubnd-xa-an-binh.ics")
    assert b"DTSTART;VALUE=DATE:20260615" in calendar
