"""The body as offices write it: inline emphasis, real footnotes, lettered points,
explicit numbers, italic labels, căn cứ inline or upright, and the signer and
subject forms that used to misprint."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import kehoach
from kehoach.build import render_letter, render_plan
from kehoach.docx2text import docx_text

ROOT = Path(__file__).resolve().parent.parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}

BODY = """
bases_layout: inline
bases_italic: false
lead_in: "Ủy ban nhân dân xã ban hành Kế hoạch như sau:"
sections:
  - title: MỤC ĐÍCH, YÊU CẦU
    content:
      - marker: "-"
        text: "Hoàn thành **trước ngày 30/6/2026** các việc *(nếu có)* còn lại^[Theo **Công văn** số 12/UBND ngày 02/01/2026.]."
      - italic: true
        text: "Lưu ý: không đốt nương trong mùa khô."
      - numbered: true
        title: Kiểm tra
        content:
          - numbered: letter
            text: Điểm một.
          - numbered: letter
            text: Điểm hai.
          - numbered: letter
            text: Điểm ba.
          - numbered: letter
            text: Điểm bốn.
          - numbered: letter
            text: Điểm năm.
          - numbered: letter
            text: Điểm sáu.
          - number: "2.1."
            title_style: italic
            title: Văn phòng
            text: theo dõi chung.
"""


@pytest.fixture(scope="module")
def body_plan(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("body") / "plan"
    shutil.copytree(ROOT / "examples" / "xa-nhiem-vu-trong-than", folder)
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    head, _, rest = text.partition("bases:")
    tail = rest[rest.index("\nclosing:"):]
    bases = "bases:\n  - Căn cứ Luật Lâm nghiệp năm 2017;\n  - Căn cứ tình hình thực tế của xã.\n"
    text = head + bases + BODY + tail
    text = text.replace("on_behalf_of: ỦY BAN NHÂN DÂN", "on_behalf_of: TM. ỦY BAN NHÂN DÂN")
    text = text.replace("subject: Phòng, chống cháy rừng trên địa bàn xã Tân Lập năm 2026",
                        "subject: PHÒNG, CHỐNG CHÁY RỪNG NĂM 2026")
    (folder / "plan.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def rendered(body_plan):
    plan, diagnostics = kehoach.check_plan(body_plan)
    assert plan is not None, [str(d) for d in diagnostics]
    return plan, diagnostics, render_plan(plan)


def _part(data: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(name))


def _runs(p):
    out = []
    for r in p.findall("w:r", NS):
        style = r.find("w:rPr/w:rStyle", NS)
        out.append(("".join(t.text or "" for t in r.findall("w:t", NS)),
                    style.get(f"{{{W}}}val") if style is not None else None,
                    r.find("w:footnoteReference", NS) is not None))
    return out


def test_text_prints_without_marks(rendered):
    _, _, data = rendered
    lines = docx_text(data).split("\n")
    assert "Căn cứ Luật Lâm nghiệp năm 2017; Căn cứ tình hình thực tế của xã." in lines
    assert "Ủy ban nhân dân xã ban hành Kế hoạch như sau:" in lines
    assert "- Hoàn thành trước ngày 30/6/2026 các việc (nếu có) còn lại[^1]." in lines
    assert [line for line in lines if line[:2] in ("a)", "b)", "c)", "d)", "đ)", "e)")] == [
        "a) Điểm một.", "b) Điểm hai.", "c) Điểm ba.", "d) Điểm bốn.", "đ) Điểm năm.", "e) Điểm sáu."]
    assert "2.1. Văn phòng theo dõi chung." in lines


def test_emphasis_runs_and_a_real_footnote(rendered):
    _, _, data = rendered
    body = _part(data, "word/document.xml").find("w:body", NS)
    para = next(p for p in body.iter(f"{{{W}}}p") if "Hoàn thành" in "".join(t.text or "" for t in p.iter(f"{{{W}}}t")))
    assert _runs(para) == [("- Hoàn thành ", None, False), ("trước ngày 30/6/2026", "KHDam", False),
                           (" các việc ", None, False), ("(nếu có)", "KHNghieng", False),
                           (" còn lại", None, False), ("", None, True), (".", None, False)]
    ref = para.find(".//w:footnoteReference", NS).get(f"{{{W}}}id")
    notes = _part(data, "word/footnotes.xml")
    note = next(n for n in notes.findall("w:footnote", NS) if n.get(f"{{{W}}}id") == ref)
    assert "".join(t.text or "" for t in note.iter(f"{{{W}}}t")).strip() == "Theo Công văn số 12/UBND ngày 02/01/2026."
    bold = [r for r in note.iter(f"{{{W}}}r") if r.find("w:rPr/w:b", NS) is not None]
    assert ["".join(t.text for t in r.findall("w:t", NS)) for r in bold] == ["Công văn"]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert b"footnotes+xml" in zf.read("[Content_Types].xml")
        assert b'Target="footnotes.xml"' in zf.read("word/_rels/document.xml.rels")


def test_bases_upright_label_italic_title_italic(rendered):
    _, _, data = rendered
    body = _part(data, "word/document.xml").find("w:body", NS)
    paras = {"".join(t.text or "" for t in p.iter(f"{{{W}}}t")): p for p in body.findall("w:p", NS)}
    basis = paras["Căn cứ Luật Lâm nghiệp năm 2017; Căn cứ tình hình thực tế của xã."]
    assert basis.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val") == "KHNoiDung", "upright căn cứ"
    label = paras["Lưu ý: không đốt nương trong mùa khô."]
    assert {s for _, s, _ in _runs(label)} == {"KHNghieng"}
    title = paras["2.1. Văn phòng theo dõi chung."]
    assert _runs(title)[0] == ("2.1. Văn phòng", "KHNghieng", False)


def test_signer_prefix_written_twice_is_warned_and_printed_once(rendered):
    _, diagnostics, data = rendered
    assert [d.code for d in diagnostics if d.code == "KH077"] == ["KH077"]
    text = docx_text(data)
    assert "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" in text and "TM. TM." not in text


def test_subject_in_capitals_is_cited_in_lower_case(rendered):
    plan, diagnostics, data = rendered
    assert "PHÒNG, CHỐNG CHÁY RỪNG NĂM 2026" in docx_text(data).split("\n")
    assert [d.code for d in diagnostics if d.code == "KH078"] == ["KH078"]
    letter = docx_text(render_letter(plan, "phong-kinh-te"))
    assert "về phòng, chống cháy rừng năm 2026 (sau đây gọi là Kế hoạch)" in letter


def test_markup_off_prints_marks_literally(body_plan, tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(body_plan, folder)
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    (folder / "plan.yaml").write_text("markup: false\n" + text, encoding="utf-8")
    data = render_plan(kehoach.load_plan(folder))
    assert ("- Hoàn thành **trước ngày 30/6/2026** các việc *(nếu có)* còn lại^[Theo **Công văn** số "
            "12/UBND ngày 02/01/2026.].") in docx_text(data).split("\n")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "word/footnotes.xml" not in zf.namelist()


def test_unclosed_mark_is_a_warning_and_prints_as_typed(body_plan, tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(body_plan, folder)
    path = folder / "plan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("text: Điểm một.", "text: Điểm 5 * 3."),
                    encoding="utf-8")
    plan, diagnostics = kehoach.check_plan(folder)
    assert [d.code for d in diagnostics if d.code == "KH076"] == ["KH076"]
    assert "a) Điểm 5 * 3." in docx_text(render_plan(plan)).split("\n")


def test_preview_shows_emphasis_and_footnotes(body_plan):
    from kehoach.documents import preview
    md = preview.markdown(kehoach.load_plan(body_plan))
    assert "\\- Hoàn thành **trước ngày 30/6/2026** các việc *\\(nếu có\\)* còn lại[^1]." in md or \
        "\\- Hoàn thành **trước ngày 30/6/2026** các việc *(nếu có)* còn lại[^1]." in md
    assert "[^1]: Theo **Công văn** số 12/UBND ngày 02/01/2026." in md


def test_nested_recipients_and_a_copy_count(body_plan, tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(body_plan, folder)
    path = folder / "plan.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  - text: Các cơ quan, đơn vị liên quan\n",
        "  - text: \"Các cơ quan:\"\n    items: [Văn phòng HĐND và UBND xã, Phòng Kinh tế]\n")
    path.write_text(text + "recipients_note: (05b)\n", encoding="utf-8")
    plan = kehoach.load_plan(folder)
    cell = next(line for line in docx_text(render_plan(plan)).split("\n") if line.startswith("| Nơi nhận:"))
    assert ("Nơi nhận: / - UBND tỉnh Bình Sơn; / - Đảng ủy xã; / - Các cơ quan: / + Văn phòng HĐND và UBND xã; "
            "/ + Phòng Kinh tế; / - Lưu: VT. / (05b) |") in cell
    from kehoach.documents import preview
    md = preview.markdown(plan)
    assert "- Các cơ quan:\n  - Văn phòng HĐND và UBND xã;\n  - Phòng Kinh tế;\n- Lưu: VT.\n\n(05b)\n" in md


@pytest.mark.parametrize("addressed, expected", [
    (["Các sở, ban, ngành tỉnh."], ["Kính gửi: Các sở, ban, ngành tỉnh."]),
    (["Các sở, ban, ngành tỉnh;", "UBND các xã, phường."],
     ["Kính gửi:", "- Các sở, ban, ngành tỉnh;", "- UBND các xã, phường."]),
])
def test_kinh_gui_under_the_title(body_plan, tmp_path, addressed, expected):
    folder = tmp_path / "plan"
    shutil.copytree(body_plan, folder)
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    lines = "".join(f"  - {a}\n" for a in addressed)
    (folder / "plan.yaml").write_text(text.replace("bases:\n", f"addressed_to:\n{lines}bases:\n", 1), encoding="utf-8")
    plan, diagnostics = kehoach.check_plan(folder)
    assert plan is not None, [str(d) for d in diagnostics]
    root = _part(render_plan(plan), "word/document.xml")
    paragraphs = root.findall(".//w:body/w:p", NS)
    texts = ["".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in paragraphs]
    first = texts.index(expected[0])
    # under the title, before the căn cứ (inline in this plan)
    assert texts[first:first + len(expected) + 1] == expected + [
        "Căn cứ Luật Lâm nghiệp năm 2017; Căn cứ tình hình thực tế của xã."]
    assert texts[first - 1] == "" and "CHÁY RỪNG" in texts[first - 2]     # the rule under the subject, the subject
    assert paragraphs[first].find("w:pPr/w:jc", NS).get(f"{{{W}}}val") == "center"
