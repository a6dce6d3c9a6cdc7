"""The typed model of the bundled plan: lookups, numbering, and the seed's text."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

import kehoach

from conftest import PLAN, SEED, norm, seed_paragraphs
from kehoach import load_plan

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def plan():
    return load_plan(PLAN)


def plan_text_lines(plan) -> list[str]:
    """Every line the plan document will print, assembled from the model the way
    the NĐ 30 layout does (draft blanks collapse to a single space)."""
    from kehoach import vn
    d = plan.document
    lines = [*plan.issuer.header,
             vn.document_number(d.code, plan.issuer.code, d.number),
             vn.format_date(d.year, d.month, d.day, place=plan.issuer.place),
             vn.upper(d.type_name), d.subject, *plan.bases]
    for section in plan.sections:
        lines.append(f"{section.numeral}. {section.title}")
        for block in section.walk():
            head = " ".join(p for p in (block.marker, block.number, block.title, block.text) if p)
            lines.append(head)
    lines.append(plan.closing)
    lines.append("Nơi nhận:")
    lines += [f"- {r.text}{'.' if i == len(plan.recipients) - 1 else ';'}" for i, r in enumerate(plan.recipients)]
    lines += [*plan.signer.lines, plan.signer.name]
    return [norm(x) for x in lines]


def test_every_seed_paragraph_comes_from_the_data(plan):
    produced = plan_text_lines(plan)
    missing = [p for p in seed_paragraphs() if p not in produced]
    assert missing == []


def test_seed_subject_and_signer(plan):
    assert plan.issuer.name == "Ủy ban nhân dân huyện Tam Đường"
    assert plan.document.code == "KH" and plan.document.number is None and plan.document.day is None
    assert (plan.document.year, plan.document.month) == (2025, 3)
    assert plan.document.is_draft
    assert plan.signer.lines == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert plan.signer.name == "Vũ Xuân Thịnh"
    assert len(plan.recipients) == 7 and plan.recipients[-1].text == "Lưu VT"


def test_numbering_is_computed(plan):
    numerals = [s.numeral for s in plan.sections]
    assert numerals == ["I", "II", "III"]
    section_two = plan.sections[1]
    numbers = [b.number for b in section_two.walk() if b.number]
    assert numbers == ["1.", "1.1.", "1.2.", "1.3.", "1.4.", "2."]


def test_reporting_rule_is_structured(plan):
    rule = plan.reporting
    assert rule.periods == ("half-year", "annual")
    assert rule.to == "ubnd-huyen" and rule.via == "vp-hdnd-ubnd" and rule.consolidated_to == "so-y-te"
    reporters = plan.reporters()
    assert "xa-binh-lu" in reporters and "phong-y-te" in reporters


def test_registry_has_thirteen_communes(plan):
    communes = [a for a in plan.registry.agencies.values() if a.kind == "xa"]
    assert len(communes) == 13
    assert set(plan.registry.groups["ubnd-cac-xa"].members) == {a.id for a in communes}
    assert plan.registry.name("xa-binh-lu") == "Ủy ban nhân dân xã Bình Lư"


def test_appendix_shape(plan):
    appendix = plan.appendix
    assert appendix.illustrative is True and appendix.note
    assert [g.numeral for g in appendix.groups] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert 30 <= len(plan.tasks) <= 40
    for task in plan.tasks:
        assert not set(task.leads) & set(task.support)
        assert task.timeline.kind in {"year", "years", "date", "yearly", "continuous"}
        assert task.number == task.id  # the short form prints each row's id


def test_group_lead_binds_every_member(plan):
    group_tasks = [t for t in plan.tasks if t.leads == ("ubnd-cac-xa",)]
    assert group_tasks, "the bundled plan has tasks led by UBND các xã, thị trấn"
    for commune in plan.registry.groups["ubnd-cac-xa"].members:
        led = plan.tasks_led_by(commune)
        assert set(group_tasks) <= set(led)


def test_led_and_supported_lookups_agree_with_rows(plan):
    for agency in plan.registry.agencies:
        led = {t.id for t in plan.tasks_led_by(agency)}
        supported = {t.id for t in plan.tasks_supported_by(agency)}
        assert not led & supported
        for task in plan.tasks:
            expected_lead = agency in plan.registry.expand_all(task.leads)
            assert (task.id in led) == expected_lead
    assert set(plan.agencies_with_tasks()) == {
        a for t in plan.tasks for a in plan.lead_agencies(t) + plan.support_agencies(t)}


def test_timeline_parsing(plan):
    from kehoach.timeline import parse_timeline
    import datetime as dt
    assert parse_timeline("2025-2030") == kehoach.Timeline("2025-2030", "years", dt.date(2025, 1, 1), dt.date(2030, 12, 31))
    assert parse_timeline("2026-06-30").deadline.isoformat() == "2026-06-30"
    assert parse_timeline("Hằng năm").kind == "yearly"
    assert parse_timeline("Thường xuyên").kind == "continuous"


def test_responsibilities_resolve(plan):
    duties = plan.responsibilities()
    assert duties[0][0] == ("vp-hdnd-ubnd",)
    assert "xa-then-sin" in duties[1][0] and "phong-gd-dt" in duties[1][0]


def test_model_is_frozen(plan):
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.tasks[0].leads = ("x",)  # type: ignore[misc]
    with pytest.raises(TypeError):
        plan.registry.agencies["x"] = None  # type: ignore[index]


def test_synthetic_plan_validates(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth_plan.py"), str(tmp_path),
                    "--tasks", "50", "--agencies", "12"], check=True, capture_output=True)
    plan = load_plan(tmp_path)
    assert len(plan.tasks) == 50
    assert len([a for a in plan.registry.agencies if a.startswith("co-quan-")]) == 12
