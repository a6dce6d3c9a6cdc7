"""``kehoach.docx2text``: readable text of a .docx, and ``git diff`` through it.

The end-to-end tests make their own git repositories under ``tmp_path`` with
an isolated configuration (no global or system config), configure
``diff.docx.textconv`` exactly as ``docs/git-diff-docx.md`` says, and read the
output of ``git diff``.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import unicodedata
import zipfile

import docx
import pytest

import kehoach
from kehoach.build import render_plan
from kehoach.docx2text import docx_text, main

from conftest import PLAN, ROOT, norm, seed_paragraphs

TEMPLATE = ROOT / "templates" / "plan.docx"
TEXTCONV = f"{shlex.quote(sys.executable)} -m kehoach.docx2text"


@pytest.fixture(scope="module")
def plan():
    return kehoach.load_plan(PLAN)


@pytest.fixture(scope="module")
def rendered(plan) -> bytes:
    return render_plan(plan)


@pytest.fixture(scope="module")
def rendered_text(rendered) -> str:
    return docx_text(rendered)


def make_docx(*paragraphs: str, **kwargs) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for rows in kwargs.get("tables", ()):
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rewrite_zip(data: bytes, part: str, edit) -> bytes:
    """``data`` with ``part`` replaced by ``edit(part text)``, other entries as they were."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == part:
                content = edit(content.decode("utf-8")).encode("utf-8")
            dst.writestr(info, content)
    return out.getvalue()


# -- the text of the rendered plan ----------------------------------------------------------


def test_rendered_plan_contains_the_seed(rendered_text):
    text = norm(rendered_text)
    missing = [p for p in seed_paragraphs() if p not in text]
    assert not missing, missing


def test_rendered_plan_paragraphs_are_lines_in_order(plan, rendered_text):
    lines = rendered_text.split("\n")
    assert "KẾ HOẠCH" in lines
    assert norm(plan.document.subject) in lines
    for section in plan.sections:
        assert f"{section.numeral}. {section.title}" in lines
    assert lines.index("I. MỤC ĐÍCH, YÊU CẦU") < lines.index("II. NHIỆM VỤ VÀ GIẢI PHÁP") \
        < lines.index("III. TỔ CHỨC THỰC HIỆN") < lines.index("Phụ lục")
    assert "1. Văn phòng HĐND - UBND huyện: Chủ trì, phối hợp với các cơ quan, đơn vị, UBND các xã, thị trấn " \
           "trong công tác tổ chức thực hiện Kế hoạch, tổng hợp báo cáo kết quả thực hiện của các đơn vị gửi về " \
           "trình UBND huyện đảm bảo thời gian quy định." in lines


def test_rendered_plan_tables_row_by_row(plan, rendered_text):
    lines = rendered_text.split("\n")
    assert "| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian thực hiện | Sản phẩm, kết quả |" in lines
    task = plan.task("1.1")
    row = next(line for line in lines if line.startswith("| 1.1 | "))
    assert row == (f"| 1.1 | {norm(task.content)} | Phòng Tư pháp | "
                   f"{'; '.join(plan.registry.name(r) for r in task.support)} | Năm 2025 | {norm(task.output)} |")
    # a group row: its title cell spans five columns and is printed once
    group = plan.appendix.groups[0]
    assert f"| I | {norm(group.title)} |" in lines
    # header: issuer and Quốc hiệu side by side, cell paragraphs joined with " / "
    assert "| ỦY BAN NHÂN DÂN / HUYỆN TAM ĐƯỜNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc |" in lines
    assert any(re.match(r"\| Số: +/KH-UBND \| Tam Đường, ngày +tháng 3 năm 2025 \|$", line) for line in lines)
    rows = [line for line in lines if re.match(r"\| \d+\.\d+ \| ", line)]
    assert [r.split(" | ")[0][2:] for r in rows] == [t.id for t in plan.tasks]


def test_sections_headers_and_fields(rendered_text):
    lines = rendered_text.split("\n")
    assert lines.count("--- (hết vùng 1: A4 dọc) ---") == 1
    assert lines[-2:] == ["--- (hết vùng 2: A4 ngang) ---", ""]
    assert lines.index("--- (hết vùng 1: A4 dọc) ---") < lines.index("Phụ lục")
    # each section's headers, the page number as its field code
    assert lines.count("[đầu trang] {PAGE}") == 2
    assert lines.count("[đầu trang (trang đầu)]") == 2


def test_with_styles(rendered):
    lines = docx_text(rendered, with_styles=True).split("\n")
    assert "[KH Tên loại] KẾ HOẠCH" in lines
    assert "[KH Tên phần] I. MỤC ĐÍCH, YÊU CẦU" in lines
    assert any(line.startswith("[KH Nội dung] 1.1. Đẩy mạnh") for line in lines)
    assert any(line.startswith("| [KH Bảng giữa] 1.1 | [KH Bảng] Rà soát") for line in lines)
    assert "[đầu trang] [KH Số trang] {PAGE}" in lines


def test_nfc_and_deterministic(rendered, rendered_text, plan):
    assert unicodedata.is_normalized("NFC", rendered_text)
    assert docx_text(rendered) == rendered_text
    assert docx_text(render_plan(plan)) == rendered_text
    assert rendered_text.endswith("\n") and not rendered_text.endswith("\n\n")


# -- templates ----------------------------------------------------------------------------------


def test_template_tags_are_kept_verbatim():
    text = docx_text(TEMPLATE.read_bytes())
    lines = text.split("\n")
    assert "{{ subject }}" in lines
    assert "{{ type_name }}" in lines
    assert "{{p appendices_xml }}" in lines
    assert "{{p body_xml }}" in lines
    assert "| Nơi nhận: / {%p for r in recipients %} / {{ r }} / {%p endfor %} | " \
           "{%p for line in signer.lines %} / {{ line }} / {%p endfor %} / {{ signer.name }} |" in lines
    report = docx_text((ROOT / "templates" / "report.docx").read_bytes()).split("\n")
    assert any(line.startswith("| {%tr for r in rows %} |") for line in report)


@pytest.mark.parametrize("name", ["plan.docx", "letter.docx", "report.docx", "consolidated.docx"])
def test_every_default_template_reads(name):
    text = docx_text((ROOT / "templates" / name).read_bytes())
    assert "{{" in text and unicodedata.is_normalized("NFC", text)


# -- bits of WordprocessingML ----------------------------------------------------------------------


def test_simple_document_and_table():
    data = make_docx("Câu thứ nhất.", "", "Câu | thứ hai.", tables=[[["a", "b|c"], ["d", ""]]])
    assert docx_text(data) == "Câu thứ nhất.\n\nCâu | thứ hai.\n| a | b\\|c |\n| d | |\n"
    assert docx_text(data, with_styles=True).split("\n")[0] == "[Normal] Câu thứ nhất."


def test_merged_cells_appear_once():
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "ngang"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "dọc"
    table.cell(1, 1).text, table.cell(1, 2).text = "x", "y"
    table.cell(2, 1).text, table.cell(2, 2).text = "z", "w"
    out = io.BytesIO()
    document.save(out)
    assert docx_text(out.getvalue()).split("\n")[-4:-1] == ["| ngang |", "| dọc | x | y |", "| | z | w |"]


def test_vertical_merge_continuation_is_empty_even_with_stale_text():
    data = make_docx(tables=[[["PHẦN ĐẦU", "a"], ["CŨ", "b"]]])
    data = rewrite_zip(data, "word/document.xml", lambda xml: xml.replace(
        "<w:tcPr>", '<w:tcPr><w:vMerge w:val="restart"/>', 1).replace(
        '<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="4320"/></w:tcPr><w:p><w:r><w:t>CŨ',
        '<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="4320"/><w:vMerge/></w:tcPr><w:p><w:r><w:t>CŨ'))
    assert "<w:vMerge/>" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert docx_text(data) == "| PHẦN ĐẦU | a |\n| | b |\n"


def test_line_breaks_tabs_and_nfd():
    document = docx.Document()
    p = document.add_paragraph("Dòng một")
    run = p.add_run()
    run.add_break()
    p.add_run("dòng\thai")
    document.add_paragraph(unicodedata.normalize("NFD", "Tiếng Việt"))
    out = io.BytesIO()
    document.save(out)
    text = docx_text(out.getvalue())
    assert text == "Dòng một\ndòng\thai\nTiếng Việt\n"
    assert unicodedata.is_normalized("NFC", text)


def test_split_runs_of_a_tag_are_joined():
    data = make_docx("PLACEHOLDER")
    data = rewrite_zip(data, "word/document.xml", lambda xml: xml.replace(
        "<w:r><w:t>PLACEHOLDER</w:t></w:r>",
        "<w:r><w:t>{{ sub</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>ject }}</w:t></w:r>"))
    assert docx_text(data) == "{{ subject }}\n"


def test_tracked_deletions_are_not_text():
    data = make_docx("PLACEHOLDER")
    data = rewrite_zip(data, "word/document.xml", lambda xml: xml.replace(
        "<w:r><w:t>PLACEHOLDER</w:t></w:r>",
        '<w:ins w:id="1" w:author="a"><w:r><w:t>mới</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>cũ</w:delText></w:r></w:del>'))
    assert docx_text(data) == "mới\n"


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04broken", b"%PDF-1.7\n"])
def test_not_a_zip_is_a_value_error(data):
    with pytest.raises(ValueError, match="không phải tệp .docx"):
        docx_text(data)


def test_zip_without_document_is_a_value_error():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    with pytest.raises(ValueError, match="thiếu phần nội dung chính"):
        docx_text(out.getvalue())


def test_broken_xml_is_a_value_error():
    data = rewrite_zip(make_docx("x"), "word/document.xml", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(ValueError, match="không phải XML hợp lệ"):
        docx_text(data)


def test_entities_are_not_expanded():
    data = rewrite_zip(make_docx("PLACEHOLDER"), "word/document.xml", lambda xml: xml.replace(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>",
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>').replace("PLACEHOLDER", "&x;"))
    try:
        text = docx_text(data)
    except ValueError as exc:  # lxml refuses the undefined entity: fine too
        assert "XML" in str(exc)
        return
    assert "root:" not in text


# -- the command -------------------------------------------------------------------------------------


def test_main_prints_text(tmp_path, capsysbinary):
    path = tmp_path / "a.docx"
    path.write_bytes(make_docx("Xin chào"))
    assert main([str(path)]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8") == "Xin chào\n"
    assert main(["--styles", str(path)]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8") == "[Normal] Xin chào\n"


def test_main_bad_file_exit_1(tmp_path, capsys):
    path = tmp_path / "a.docx"
    path.write_text("không phải docx", encoding="utf-8")
    assert main([str(path)]) == 1
    err = capsys.readouterr().err
    assert "kehoach docx2text" in err and "không phải tệp .docx" in err
    assert main([str(tmp_path / "khong-co.docx")]) == 1
    assert "không đọc được tệp" in capsys.readouterr().err


def test_main_usage_exit_2(capsys):
    assert main([]) == 2
    assert "Cách dùng" in capsys.readouterr().err
    assert main(["a.docx", "b.docx"]) == 2


def test_python_m_runs(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(make_docx("Chạy bằng python -m"))
    run = subprocess.run([sys.executable, "-m", "kehoach.docx2text", str(path)], capture_output=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr.decode()
    assert run.stdout.decode("utf-8") == "Chạy bằng python -m\n"
    path.write_bytes(b"rubbish")
    run = subprocess.run([sys.executable, "-m", "kehoach.docx2text", str(path)], capture_output=True, cwd=tmp_path)
    assert run.returncode == 1 and not run.stdout
    assert "không phải tệp .docx" in run.stderr.decode("utf-8")


# -- git diff through textconv --------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    root.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, HOME=str(tmp_path),
               GIT_AUTHOR_NAME="Văn thư", GIT_AUTHOR_EMAIL="vt@example.invalid",
               GIT_COMMITTER_NAME="Văn thư", GIT_COMMITTER_EMAIL="vt@example.invalid", LC_ALL="C.UTF-8")

    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True)
        assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
        return run.stdout.decode("utf-8")

    git("init", "-q")
    git("config", "commit.gpgsign", "false")
    (root / ".gitattributes").write_text("*.docx diff=docx\n", encoding="utf-8")
    git("config", "diff.docx.textconv", TEXTCONV)
    git("config", "diff.docx.cachetextconv", "true")
    return root, git


def changed_lines(diff: str) -> tuple[list[str], list[str]]:
    lines = diff.split("\n")
    removed = [x[1:] for x in lines if x.startswith("-") and not x.startswith("---")]
    added = [x[1:] for x in lines if x.startswith("+") and not x.startswith("+++")]
    return removed, added


def test_git_diff_shows_the_changed_sentence(repo):
    root, git = repo
    path = root / "van-ban.docx"
    path.write_bytes(make_docx("Tiêu đề giữ nguyên.", "Câu cũ về quyền trẻ em.", "Đoạn cuối giữ nguyên."))
    git("add", ".")
    git("commit", "-q", "-m", "thêm văn bản")
    path.write_bytes(make_docx("Tiêu đề giữ nguyên.", "Câu mới về quyền trẻ em.", "Đoạn cuối giữ nguyên."))
    git("commit", "-q", "-am", "sửa câu")
    diff = git("diff", "--no-color", "HEAD~1", "HEAD")
    assert "Binary files" not in diff
    removed, added = changed_lines(diff)
    assert removed == ["Câu cũ về quyền trẻ em."]
    assert added == ["Câu mới về quyền trẻ em."]
    assert " Tiêu đề giữ nguyên." in diff.split("\n")
    # the cached conversion (cachetextconv) gives the same answer
    assert git("diff", "--no-color", "HEAD~1", "HEAD") == diff
    # and without textconv it is a binary file again
    assert "Binary files" in git("diff", "--no-color", "--no-textconv", "HEAD~1", "HEAD")


def test_git_diff_of_a_template(repo):
    root, git = repo
    path = root / "templates" / "plan.docx"
    path.parent.mkdir()
    shutil.copyfile(TEMPLATE, path)
    git("add", ".")
    git("commit", "-q", "-m", "mẫu")
    edited = rewrite_zip(TEMPLATE.read_bytes(), "word/document.xml",
                         lambda xml: xml.replace(">Nơi nhận:<", ">Nơi nhận (đã sửa):<", 1))
    assert edited != TEMPLATE.read_bytes()
    path.write_bytes(edited)
    git("commit", "-q", "-am", "sửa mẫu")
    diff = git("diff", "--no-color", "HEAD~1", "HEAD")
    removed, added = changed_lines(diff)
    assert len(removed) == len(added) == 1, diff
    assert removed[0].startswith("| Nơi nhận: / {%p for r in recipients %}")
    assert added[0].startswith("| Nơi nhận (đã sửa): / {%p for r in recipients %}")
    assert added[0].replace("Nơi nhận (đã sửa):", "Nơi nhận:") == removed[0]
    # the lines around it are context, shown as they are in the template
    assert " {{ closing }}" in diff.split("\n")


def test_git_diff_of_the_rendered_plan(repo, plan, rendered):
    root, git = repo
    path = root / "ke-hoach.docx"
    path.write_bytes(rendered)
    git("add", ".")
    git("commit", "-q", "-m", "kế hoạch")

    changed = dataclasses.replace(plan, closing=plan.closing.replace("nghiêm túc triển khai", "khẩn trương triển khai"))
    path.write_bytes(render_plan(changed))
    git("commit", "-q", "-am", "sửa phần kết")
    removed, added = changed_lines(git("diff", "--no-color", "HEAD~1", "HEAD"))
    assert len(removed) == len(added) == 1
    assert "nghiêm túc triển khai" in removed[0] and "khẩn trương triển khai" in added[0]


def test_other_office_file_is_a_value_error():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    with pytest.raises(ValueError, match="không phải tệp .docx"):
        docx_text(out.getvalue())
