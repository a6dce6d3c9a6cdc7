"""The Markdown preview of the whole plan (``kehoach.documents.preview``).

Python-Markdown is not a dependency, so the structure is checked with regular
expressions: the words (every seed paragraph, once the Markdown markup is
stripped), the appendix table (one row per group and per task, in order,
exactly six cells each, agency names), and that user text cannot break out of
a table cell or start a Markdown block.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import pytest

import kehoach
from kehoach.documents import plan as plan_document
from kehoach.documents import preview

from conftest import PLAN, norm, replace_once, seed_paragraphs

HEADER = "| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian thực hiện | Sản phẩm, kết quả |"


@pytest.fixture(scope="module")
def plan():
    return kehoach.load_plan(PLAN)


@pytest.fixture(scope="module")
def md(plan):
    return preview.markdown(plan)


# -- helpers ------------------------------------------------------------------------------


def cells(row: str) -> list[str]:
    """The cells of a GFM table row: split at pipes not escaped with a backslash."""
    assert row.startswith("|") and row.endswith("|"), row
    return [c.strip() for c in re.split(r"(?<!\\)\|", row[1:-1])]


def strip_markdown(text: str) -> str:
    """What a reader sees, roughly: no comments, heading marks, emphasis, table
    pipes and delimiter rows, ``<br>``, backslash escapes, hard-break backslashes;
    the draft blank "…" removed (the seed writes blanks as spaces)."""
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"(?m)^\|(?:\s*:?-{3,}:?\s*\|)+\s*$", " ", text)   # delimiter rows
    text = re.sub(r"(?m)^#+\s*", "", text)
    text = re.sub(r"(?m)^---$", " ", text)
    text = re.sub(r"(?<!\\)\*+", "", text)
    text = re.sub(r"(?<!\\)\|", " ", text)
    text = text.replace("<br>", " ")
    text = re.sub(r"\\\n", "\n", text)                                  # hard line breaks
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)                 # backslash escapes
    return norm(text.replace(preview.BLANK, " "))


def appendix_table(md: str) -> list[str]:
    """The lines of the Phụ lục table after its header and delimiter rows."""
    lines = md.split("\n")
    start = lines.index(HEADER)
    assert re.fullmatch(r"\|(?: :?-{3,}:? \|){6}", lines[start + 1]), lines[start + 1]
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


# -- constants and shape ------------------------------------------------------------------


def test_constants():
    assert preview.KIND == "preview"
    assert preview.PATH == "ke-hoach.md"


def test_nfc_deterministic_and_ends_with_newline(plan, md):
    assert unicodedata.is_normalized("NFC", md)
    assert md == preview.markdown(plan) == preview.markdown(kehoach.load_plan(PLAN))
    assert md.endswith("\n") and not md.endswith("\n\n")
    assert "\t" not in md and "\r" not in md


def test_every_seed_paragraph_is_in_the_preview(md):
    text = strip_markdown(md)
    missing = [p for p in seed_paragraphs() if p not in text]
    assert not missing, missing


def test_seed_paragraphs_appear_in_order(md):
    text = strip_markdown(md)
    at = 0
    for p in seed_paragraphs():
        found = text.find(p, at)
        assert found >= 0, f"out of order: {p[:60]}"
        at = found


def test_header_block(plan, md):
    lines = md.split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    issuer, delimiter, numbers = lines[first:first + 3]
    assert cells(issuer) == ["<br>".join(f"**{x}**" for x in plan.issuer.header),
                             "**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**<br>**Độc lập - Tự do - Hạnh phúc**"]
    assert delimiter == "| :---: | :---: |"
    # the draft's blanks are shown as "…"
    assert plan.document.is_draft
    assert cells(numbers) == ["Số: …/KH-UBND", "*Tam Đường, ngày … tháng 3 năm 2025*"]
    assert "      " not in md


def test_signed_document_has_no_blanks(plan):
    signed = dataclasses.replace(plan, document=dataclasses.replace(plan.document, number=5, day=7))
    md = preview.markdown(signed)
    assert "| Số: 05/KH-UBND | *Tam Đường, ngày 07 tháng 3 năm 2025* |" in md
    assert "*(Kèm theo Kế hoạch số 05/KH-UBND ngày 07 tháng 3 năm 2025 của UBND huyện Tam Đường)*" in md
    assert preview.BLANK not in md


def test_title_bases_headings_and_order(plan, md):
    lines = md.split("\n")
    assert lines.count("# KẾ HOẠCH") == 1
    subject = lines[lines.index("# KẾ HOẠCH") + 2]
    assert subject == f"**{norm(plan.document.subject)}**"
    for basis in plan.bases:
        assert f"*{norm(basis)}*" in lines
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [f"## {s.numeral}. {s.title}" for s in plan.sections] + ["## Phụ lục"]
    order = [md.index(x) for x in ("# KẾ HOẠCH", "*Căn cứ", "## I.", "## III.", "Trên đây là",
                                   "***Nơi nhận:***", "**TM. ỦY BAN NHÂN DÂN**", "**Vũ Xuân Thịnh**",
                                   "## Phụ lục", HEADER)]
    assert order == sorted(order)


def test_numbered_items_bold_titles_as_in_the_document(plan, md):
    lines = md.split("\n")
    for p in plan_document.body(plan_document.paragraphs(plan)):
        if p["kind"] != "paragraph":
            continue
        if p["lead"]:
            expected = f"**{p['lead']}**" + (f" {norm(p['text'])}" if p["text"] else "")
        else:
            expected = norm(p["text"])
            expected = "\\" + expected if expected.startswith("- ") else expected
        assert expected in lines, expected
    assert "**1. Văn phòng HĐND - UBND huyện:** Chủ trì, phối hợp" in md
    assert "**2. Nhiệm vụ, giải pháp cụ thể:** (Có phụ lục kèm theo)." in md
    # an item without a title is regular text, its number included
    assert any(line.startswith("1.1. Đẩy mạnh") for line in lines)


def test_recipients_and_signer(plan, md):
    lines = md.split("\n")
    start = lines.index("***Nơi nhận:***") + 2
    recipients = lines[start:start + len(plan.recipients)]
    assert recipients == [f"- {r.text}{'.' if i == len(plan.recipients) - 1 else ';'}"
                          for i, r in enumerate(plan.recipients)]
    assert "**TM. ỦY BAN NHÂN DÂN**\\\n**KT. CHỦ TỊCH**\\\n**PHÓ CHỦ TỊCH**" in md
    assert "\n**Vũ Xuân Thịnh**\n" in md


# -- the Phụ lục ---------------------------------------------------------------------------


def test_appendix_title_reference_and_note(plan, md):
    assert f"**{norm(plan.appendix.title).upper()}**" in md
    assert "*(Kèm theo Kế hoạch số …/KH-UBND ngày … tháng 3 năm 2025 của UBND huyện Tam Đường)*" in md
    assert plan.appendix.illustrative and plan.appendix.note
    note = f"*{norm(plan.appendix.note)}*"
    assert note in md.split("\n")
    assert md.index(note) > md.index(HEADER)


def test_no_note_when_not_illustrative(plan):
    md = preview.markdown(dataclasses.replace(plan, appendices=(dataclasses.replace(plan.appendix, illustrative=False),)))
    assert norm(plan.appendix.note) not in md


def test_one_row_per_group_and_task_in_order(plan, md):
    rows = appendix_table(md)
    expected = []
    for group in plan.appendix.groups:
        expected.append(f"**{group.numeral}**")
        expected.extend(task.id for task in group.tasks)
    assert [cells(r)[0] for r in rows] == expected
    assert len(rows) == len(plan.tasks) + len(plan.appendix.groups)


def test_every_row_has_six_cells(md):
    for row in [HEADER] + appendix_table(md):
        assert len(cells(row)) == 6, row


def test_group_rows_are_bold_with_empty_cells(plan, md):
    rows = {cells(r)[0]: r for r in appendix_table(md)}
    for group in plan.appendix.groups:
        assert rows[f"**{group.numeral}**"] == f"| **{group.numeral}** | **{norm(group.title)}** | | | | |"


def test_task_rows_use_agency_names_not_ids(plan, md):
    rows = {cells(r)[0]: cells(r) for r in appendix_table(md)}
    registry = plan.registry
    ids = set(registry.agencies) | set(registry.groups)
    for task in plan.tasks:
        row = rows[task.id]
        assert row[1] == norm(task.content)
        assert row[2] == task.lead_cell
        assert row[3] == "; ".join(registry.name(r) for r in task.support)
        assert row[4] == task.timeline.text
        assert row[5] == norm(task.output)
        assert not ({row[2]} | set(row[3].split("; "))) & ids
    assert rows["1.1"][2] == "Phòng Tư pháp"
    assert rows["3.1"][4] == "30/6/2025"


def test_pipe_and_newline_in_a_task_do_not_break_the_table(plan_copy):
    replace_once(plan_copy / "tasks.yaml",
                 "Rà soát các văn bản do Hội đồng nhân dân, Ủy ban nhân dân huyện ban",
                 "Rà soát | các văn bản\n\n          # do Hội đồng nhân dân, Ủy ban nhân dân huyện ban")
    replace_once(plan_copy / "tasks.yaml",
                 "output: Báo cáo kết quả rà soát và kiến nghị xử lý văn bản trình UBND huyện.",
                 'output: "A|B\\n- <b>C</b> *D* `E` [F](x) $G$"')
    plan = kehoach.load_plan(plan_copy)
    task = plan.task("1.1")
    assert "|" in task.content and "\n" in task.content
    md = preview.markdown(plan)
    rows = appendix_table(md)
    assert len(rows) == len(plan.tasks) + len(plan.appendix.groups)
    for row in rows:
        assert len(cells(row)) == 6, row
    row = next(r for r in rows if cells(r)[0] == "1.1")
    content, output = cells(row)[1], cells(row)[5]
    assert content.startswith("Rà soát \\| các văn bản<br># do Hội đồng nhân dân")
    assert output == "A\\|B<br>- \\<b>C\\</b> \\*D\\* \\`E\\` \\[F\\](x) \\$G\\$"
    # the rest of the document is unchanged
    assert [cells(r)[0] for r in rows] == [cells(r)[0] for r in appendix_table(preview.markdown(kehoach.load_plan(PLAN)))]


def test_pipe_in_a_group_title_and_agency_name(plan_copy):
    replace_once(plan_copy / "tasks.yaml", "Rà soát, đề xuất hoàn thiện", "Rà soát | đề xuất hoàn thiện")
    replace_once(plan_copy / "agencies.yaml", "name: Phòng Tư pháp", "name: Phòng Tư pháp | Hộ tịch")
    md = preview.markdown(kehoach.load_plan(plan_copy))
    for row in appendix_table(md):
        assert len(cells(row)) == 6, row
    assert "| **I** | **Rà soát \\| đề xuất hoàn thiện" in md
    assert "| Phòng Tư pháp \\| Hộ tịch |" in md


def test_leading_markdown_syntax_in_user_text_is_escaped(plan):
    closing = "# Không phải tiêu đề\n- không phải danh sách\n3. không phải danh sách số\n> không trích dẫn\n---"
    md = preview.markdown(dataclasses.replace(plan, closing=closing))
    lines = md.split("\n")
    assert "\\# Không phải tiêu đề\\" in lines
    assert "\\- không phải danh sách\\" in lines
    assert "3\\. không phải danh sách số\\" in lines
    assert "\\> không trích dẫn\\" in lines
    assert "\\---" in lines
    # no line of the body starts a heading, list or quote except those the preview writes
    for line in lines:
        if line.startswith("#"):
            assert re.match(r"#{1,2} (KẾ HOẠCH|[IVX]+\. |Phụ lục)", line), line
        assert not line.startswith(">"), line
        assert not re.match(r"\d+\. ", line), line


def test_newlines_in_a_body_paragraph_are_hard_breaks(plan):
    section = plan.sections[0]
    block = dataclasses.replace(section.blocks[0], text="Dòng một\n# dòng hai")
    sections = (dataclasses.replace(section, blocks=(block,) + section.blocks[1:]),) + plan.sections[1:]
    md = preview.markdown(dataclasses.replace(plan, sections=sections))
    assert "\\- Dòng một\\\n\\# dòng hai\n" in md


def test_nfd_text_comes_out_nfc(plan):
    nfd = unicodedata.normalize("NFD", "Trên đây là kế hoạch hướng dẫn")
    md = preview.markdown(dataclasses.replace(plan, closing=nfd))
    assert unicodedata.is_normalized("NFC", md)
    assert unicodedata.normalize("NFC", nfd) in md


def test_hash_in_a_section_title_stays_in_the_heading(plan):
    section = dataclasses.replace(plan.sections[0], title="MỤC ĐÍCH #1 #")
    md = preview.markdown(dataclasses.replace(plan, sections=(section,) + plan.sections[1:]))
    assert "## I. MỤC ĐÍCH \\#1 \\#" in md.split("\n")
