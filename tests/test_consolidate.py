"""Consolidation of a period with blank, partly filled, on-time and late
returns (tests/reporting_scenario.py): who counts as reported, who is late or
overdue, counts by status, and every agency's figures and narrative in the
consolidated .docx, its Markdown summary and its JSON summary — all read back
from what was rendered, the expectations known by construction."""

from __future__ import annotations

import io
import json

import docx
import pytest

import kehoach
from kehoach.build import render_consolidated
from kehoach.consolidate import NO_ANSWER, consolidate
from kehoach.documents.consolidated import markdown, summary_json
from kehoach.periods import period
from kehoach.returns import expected_agencies, load_returns

from conftest import norm
from reporting_scenario import (AFTER, DRAFTS, DUE, HEALTH_NOTE, HEALTH_RESULT, JUSTICE_DIFFICULTY, LATE,
                                NARRATIVE, ON_TIME, PERIOD, write_scenario)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    plan_dir = write_scenario(tmp_path_factory.mktemp("consolidate") / "plan")
    plan = kehoach.load_plan(plan_dir)
    returns, diagnostics = load_returns(plan, plan_dir, PERIOD)
    return plan, returns, diagnostics


@pytest.fixture(scope="module")
def after(world):
    plan, returns, _ = world
    return consolidate(plan, period(plan, PERIOD), returns, AFTER)


@pytest.fixture(scope="module")
def rendered(world, after):
    plan = world[0]
    return docx.Document(io.BytesIO(render_consolidated(plan, after)))


def body_texts(document) -> list[str]:
    return [norm(p.text) for p in document.paragraphs if norm(p.text)]


def under(texts: list[str], *headings: str) -> list[str]:
    """Paragraphs after the path of ``headings`` (each found after the previous)
    up to the next heading-like paragraph ("1. …", "II. …")."""
    import re
    i = 0
    for h in headings:
        i = texts.index(h, i) + 1
    out = []
    for t in texts[i:]:
        if re.match(r"^([IVX]+|\d+)\. [A-ZĐÀ-Ỹ]", t):
            break
        out.append(t)
    return out


def test_a_dated_partial_return_is_a_draft_with_a_positioned_warning(world):
    plan, returns, diagnostics = world
    assert [d for d in diagnostics if d.is_error] == []
    warnings = [d for d in diagnostics if d.code == "KH110"]
    assert len(warnings) == 1 and warnings[0].path.endswith("ttvh-tt-tt.yaml")
    text = open(warnings[0].path, encoding="utf-8").read()
    line = text.splitlines().index("submitted: '2025-06-19'") + 1
    assert (warnings[0].line, warnings[0].col) == (line, 12)
    assert "chưa tính là đã gửi" in warnings[0].message


def test_states_of_every_agency(world, after):
    plan = world[0]
    state = {a.agency_id: a.state for a in after.agencies}
    assert [a for a, s in state.items() if s == "on-time"] == list(ON_TIME)
    assert [a for a, s in state.items() if s == "late"] == list(LATE)
    assert sorted(a for a, s in state.items() if s == "draft") == sorted(DRAFTS)
    expected = expected_agencies(plan, PERIOD)
    assert [a.agency_id for a in after.missing] == [a for a in expected if a not in ON_TIME + LATE]
    assert [a.agency_id for a in after.reported] == [a for a in expected if a in ON_TIME + LATE]
    assert all(a.overdue for a in after.missing) and not any(a.overdue for a in after.reported)
    on_due_day = consolidate(plan, period(plan, PERIOD), world[1], DUE)
    assert not any(a.overdue for a in on_due_day.agencies)


def test_counts_come_from_submitted_returns_only(world, after):
    plan = world[0]
    status = {r.task.id: r.status for r in after.tasks}
    justice = {t.id for t in plan.tasks_led_by("phong-tu-phap")}
    office = {t.id for t in plan.tasks_led_by("vp-hdnd-ubnd")}
    health = [t.id for t in plan.tasks_led_by("phong-y-te")]
    assert {t for t, s in status.items() if s == "hoan-thanh"} == office | {health[0]}
    assert {t for t, s in status.items() if s == "dang-thuc-hien"} == justice | set(health[1:])
    assert after.count("chua-thuc-hien") == 0
    # the drafts' answers (ttyt's and ttvh-tt-tt's first lead tasks) count for nothing
    assert status[plan.tasks_led_by("ttyt")[0].id] == NO_ANSWER
    assert status[plan.tasks_led_by("ttvh-tt-tt")[0].id] == NO_ANSWER
    assert sum(after.counts.values()) == len(plan.tasks)


def test_answers_lead_first_then_coordinators(world, after):
    plan = world[0]
    r11 = next(r for r in after.tasks if r.task.id == "1.1")   # led by Phòng Tư pháp
    agencies = [a.agency_id for a in r11.answers]
    assert agencies[0] == "phong-tu-phap" and set(agencies[1:]) == {"vp-hdnd-ubnd", "phong-y-te"}
    assert agencies[1:] == [a for a in plan.support_agencies(plan.task("1.1")) if a in agencies[1:]]
    assert [a.role for a in r11.answers] == ["lead", "support", "support"]


def test_docx_reporting_situation(world, rendered):
    plan = world[0]
    texts = body_texts(rendered)
    expected = expected_agencies(plan, PERIOD)
    assert (f"Tính đến ngày 25/6/2025, có 3/{len(expected)} cơ quan, đơn vị gửi báo cáo (hạn gửi ngày "
            f"20/6/2025), trong đó 2 đơn vị gửi đúng hạn, 1 đơn vị gửi muộn.") in texts
    late = under(texts, "2. Tình hình báo cáo của các cơ quan, đơn vị")
    start = late.index("Các cơ quan, đơn vị gửi báo cáo muộn:")
    assert late[start + 1] == "- Phòng Tư pháp (gửi ngày 24/6/2025)."
    start = late.index("Các cơ quan, đơn vị chưa gửi báo cáo (đã quá hạn ngày 20/6/2025):")
    missing = late[start + 1:]
    names = [plan.registry.name(a) + (" (mới có bản nháp)" if a in DRAFTS else "")
             for a in expected if a not in ON_TIME + LATE]
    assert missing == [f"- {n}{'.' if i == len(names) - 1 else ';'}" for i, n in enumerate(names)]


def test_docx_counts_and_agency_table(world, after, rendered):
    texts = body_texts(rendered)
    c = after.counts
    assert (f"Kế hoạch có 39 nhiệm vụ, trong đó: hoàn thành {c['hoan-thanh']}; đang thực hiện "
            f"{c['dang-thuc-hien']}; chưa thực hiện 0; chưa có báo cáo {c[NO_ANSWER]}.") in texts
    table = next(t for t in rendered.tables if norm(t.rows[0].cells[1].text) == "Cơ quan, đơn vị")
    states = {norm(r.cells[1].text): norm(r.cells[-1].text) for r in table.rows[1:]}
    assert states["Phòng Y tế"] == "Đã gửi đúng hạn (ngày 18/6/2025)"
    assert states["Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện"] == "Đã gửi đúng hạn (ngày 20/6/2025)"
    assert states["Phòng Tư pháp"] == "Gửi muộn (ngày 24/6/2025)"
    assert states["Thanh tra huyện Tam Đường"] == "Chưa gửi (mới có bản nháp), quá hạn"
    assert states["Phòng Giáo dục và Đào tạo"] == "Chưa gửi, quá hạn"


def test_docx_narrative_under_its_heading_with_the_agency_named(rendered):
    texts = body_texts(rendered)
    health, justice = NARRATIVE["phong-y-te"], NARRATIVE["phong-tu-phap"]
    assert under(texts, "I. KẾT QUẢ THỰC HIỆN", "1. Công tác chỉ đạo, triển khai") == \
        [f"- Phòng Y tế: {health['direction']}"]
    section3 = under(texts, "I. KẾT QUẢ THỰC HIỆN", "3. Kết quả thực hiện các nhiệm vụ")
    assert f"- Phòng Y tế: {health['overview']}" in section3
    # agencies in reporters order: Phòng Tư pháp comes before Phòng Y tế
    assert under(texts, "II. ĐÁNH GIÁ CHUNG", "1. Kết quả đạt được") == \
        [f"- Phòng Tư pháp: {justice['achievements']}", f"- Phòng Y tế: {health['achievements']}"]
    limits = under(texts, "II. ĐÁNH GIÁ CHUNG", "2. Tồn tại, hạn chế")
    assert f"- Phòng Y tế: {health['shortcomings']}" in limits
    assert f"- Phòng Tư pháp: {justice['shortcomings']}" in limits
    assert f"- Phòng Tư pháp (nhiệm vụ 2.3): {JUSTICE_DIFFICULTY}." in limits
    assert any(t.startswith("- Việc chấp hành chế độ báo cáo: còn") for t in limits)
    assert under(texts, "II. ĐÁNH GIÁ CHUNG", "3. Nguyên nhân") == [f"- Phòng Y tế: {health['causes']}"]
    assert under(texts, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI") == [f"- Phòng Y tế: {health['next_steps']}"]
    assert under(texts, "IV. ĐỀ XUẤT, KIẾN NGHỊ")[0] == f"- Phòng Y tế: {health['recommendations']}"
    # nothing of a draft
    assert not any("chưa gửi" in t and t.startswith("- ") for t in texts if "ttyt" in t or "ttvh" in t)


def test_docx_appendix_carries_each_agencys_result_figures_and_note(world, rendered):
    plan = world[0]
    table = rendered.tables[-1]
    rows = {norm(r.cells[0].text): r for r in table.rows[1:] if len(r.cells) >= 5}
    health_first = plan.tasks_led_by("phong-y-te")[0].id
    cell = norm(rows[health_first].cells[4].text)
    assert cell.startswith(f"Phòng Y tế (chủ trì) — hoàn thành: {HEALTH_RESULT}. Số liệu: Trẻ em được rà soát: "
                           f"125 trẻ em; Tỷ lệ hồ sơ đầy đủ: 92,5 %. Ghi chú: {HEALTH_NOTE}.")
    paragraphs = [norm(p.text) for p in rows["1.1"].cells[4].paragraphs]
    lines = " ".join(paragraphs)
    # the lead, then the coordinators in the plan's order (Phòng Y tế is listed before the Văn phòng)
    order = [lines.index(f"{name} (") for name in ("Phòng Tư pháp", "Phòng Y tế", "Văn phòng HĐND - UBND huyện")]
    assert order == sorted(order) and lines.index("Phòng Tư pháp (chủ trì)") == 0
    assert norm(rows["2.3"].cells[5].text) == f"Phòng Tư pháp: khó khăn: {JUSTICE_DIFFICULTY}."
    assert "chưa gửi" not in " ".join(norm(r.cells[4].text) for r in rows.values()), "drafts left out"


def test_markdown_lists_late_and_not_reported(world, after):
    plan = world[0]
    md = markdown(plan, after)
    assert "Đã gửi báo cáo: 3/36 cơ quan, đơn vị (đúng hạn 2, gửi muộn 1)." in md
    late = md.split("## Gửi báo cáo muộn", 1)[1].split("##", 1)[0]
    assert [l for l in late.splitlines() if l.startswith("- ")] == ["- Phòng Tư pháp (gửi ngày 24/6/2025, hạn 20/6/2025)"]
    missing = md.split("## Chưa gửi báo cáo", 1)[1].split("##", 1)[0]
    listed = [l for l in missing.splitlines() if l.startswith("- ")]
    assert "- Thanh tra huyện Tam Đường (mới có bản nháp) (quá hạn)" in listed
    assert len(listed) == 36 - 3
    narrative = md.split("### II.1. Kết quả đạt được", 1)[1].split("###", 1)[0]
    assert f"- **Phòng Y tế**: {NARRATIVE['phong-y-te']['achievements']}" in narrative


def test_json_summary(world, after):
    plan = world[0]
    data = json.loads(summary_json(plan, after))
    assert data["period"]["id"] == PERIOD and data["as_of"] == "2025-06-25" and data["overdue"] is True
    assert data["late"] == ["phong-tu-phap"]
    assert data["reported"] == ["vp-hdnd-ubnd", "phong-tu-phap", "phong-y-te"]
    assert sorted(data["drafts"]) == sorted(DRAFTS)
    assert len(data["not_reported"]) == 33 and "thanh-tra" in data["not_reported"]
    assert data["counts"] == dict(after.counts)
    task = next(t for t in data["tasks"] if t["id"] == plan.tasks_led_by("phong-y-te")[0].id)
    assert task["answers"][0]["figures"][0] == {"name": "Trẻ em được rà soát", "value": 125, "unit": "trẻ em"}
    assert task["answers"][0]["note"] == HEALTH_NOTE
    assert data["narrative"]["causes"] == [{"agency": "phong-y-te", "text": NARRATIVE["phong-y-te"]["causes"]}]
