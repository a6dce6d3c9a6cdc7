"""Broken copies of the bundled plan: each kind of mistake gives its code at
the right file:line:col, exit code 1 from the CLI, and no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

import kehoach

from kehoach import check_plan, load_plan, PlanError
from kehoach.cli import main

from conftest import PLAN, position, replace_once, run_cli


def only(diagnostics, code):
    found = [d for d in diagnostics if d.code == code]
    assert found, f"no {code} in {[d.format() for d in diagnostics]}"
    return found


def assert_at(plan_dir: Path, code: str, file: str, line: int, col: int):
    plan, diagnostics = check_plan(plan_dir)
    assert plan is None
    hits = only(diagnostics, code)
    assert any(d.path.endswith(file) and (d.line, d.col) == (line, col) for d in hits), \
        f"{code} expected at {file}:{line}:{col}, got {[d.format() for d in hits]}"
    return diagnostics


def test_bundled_plan_is_valid():
    plan, diagnostics = check_plan(PLAN)
    assert [d.format() for d in diagnostics if d.is_error] == []
    assert plan is not None


def test_bad_yaml_syntax(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", "level: huyen", "level: [huyen")
    line, _ = position(text, "level: [huyen")
    _, diagnostics = check_plan(plan_copy)
    hit = only(diagnostics, "KH010")[0]
    assert hit.path.endswith("plan.yaml")
    # libyaml notices the unclosed list on a later line; the message says where it began
    assert hit.line >= line
    assert "YAML" in hit.message


def test_mapping_value_in_plain_scalar_points_at_the_colon(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", "place: Tam Đường", "place: Tam Đường: x")
    line, col = position(text, "Tam Đường: x", len("Tam Đường"))
    assert_at(plan_copy, "KH010", "plan.yaml", line, col)


def test_duplicate_key(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", "  code: UBND\n", "  code: UBND\n  code: UBND2\n")
    line, col = position(text, "  code: UBND2", 2)
    diagnostics = assert_at(plan_copy, "KH011", "plan.yaml", line, col)
    first_line, _ = position(text, "  code: UBND\n")
    assert f"dòng {first_line}" in only(diagnostics, "KH011")[0].message


def test_alias_rejected(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", "  place: Tam Đường", "  place: &p Tam Đường\n  extra: *p")
    line, col = position(text, "*p")
    assert_at(plan_copy, "KH012", "plan.yaml", line, col)


def test_tab_indentation(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", "\n  code: UBND", "\n\tcode: UBND")
    line, col = position(text, "\tcode: UBND")
    assert_at(plan_copy, "KH013", "plan.yaml", line, col)


def test_unknown_key_with_suggestion(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", "  place: Tam Đường", "  plase: Tam Đường")
    line, col = position(text, "plase:")
    diagnostics = assert_at(plan_copy, "KH020", "plan.yaml", line, col)
    message = only(diagnostics, "KH020")[0].message
    assert "'plase'" in message and "có phải là 'place'" in message
    # the same typo also makes the required key missing
    only(diagnostics, "KH022")


def test_wrong_type(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", "  from: 2025", "  from: hai nghìn")
    line, col = position(text, "hai nghìn")
    diagnostics = assert_at(plan_copy, "KH021", "plan.yaml", line, col)
    assert "số nguyên" in only(diagnostics, "KH021")[0].message


def test_octal_looking_and_boolean_looking_values_stay_strings(plan_copy):
    # YAML 1.1 would read 0123 as 83 and "no" as False; here both stay strings,
    # so the schema complains about a string, not about a number or a boolean.
    text = replace_once(plan_copy / "plan.yaml", "  code: UBND", "  code: no")
    line, col = position(text, "  code: no", 8)
    diagnostics = assert_at(plan_copy, "KH023", "plan.yaml", line, col)
    assert "'no'" in only(diagnostics, "KH023")[0].message


def test_control_character(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", "Vũ Xuân Thịnh", "Vũ Xuân\x0bThịnh")
    line, col = position(text, "\x0b")
    diagnostics = assert_at(plan_copy, "KH005", "plan.yaml", line, col)
    assert "U+000B" in only(diagnostics, "KH005")[0].message


def test_impossible_date_in_timeline(plan_copy):
    text = (plan_copy / "tasks.yaml").read_text(encoding="utf-8")
    first = text.index("timeline:")
    end = text.index("\n", first)
    new = text[:first] + 'timeline: "2026-02-30"' + text[end:]
    (plan_copy / "tasks.yaml").write_text(new, encoding="utf-8")
    line, col = position(new, '"2026-02-30"')
    assert_at(plan_copy, "KH034", "tasks.yaml", line, col)


def test_impossible_date_in_document(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", 'date: "2025-03"', 'date: "2025-02-30"')
    line, col = position(text, '"2025-02-30"')
    assert_at(plan_copy, "KH034", "plan.yaml", line, col)


def test_impossible_registry_date_via_format_check(plan_copy):
    text = replace_once(plan_copy / "agencies.yaml", 'as_of: "2025-03-01"', 'as_of: "2025-13-01"')
    line, col = position(text, '"2025-13-01"')
    assert_at(plan_copy, "KH034", "agencies.yaml", line, col)


def test_timeline_outside_plan_years(plan_copy):
    text = (plan_copy / "tasks.yaml").read_text(encoding="utf-8")
    first = text.index("timeline:")
    end = text.index("\n", first)
    new = text[:first] + 'timeline: "2024-2031"' + text[end:]
    (plan_copy / "tasks.yaml").write_text(new, encoding="utf-8")
    line, col = position(new, '"2024-2031"')
    assert_at(plan_copy, "KH033", "tasks.yaml", line, col)


def test_unknown_agency_with_suggestion(plan_copy):
    text = (plan_copy / "tasks.yaml").read_text(encoding="utf-8")
    start = text.index("lead: ") + len("lead: ")
    end = text.index("\n", start)
    lead = text[start:end].strip().strip('"')
    new = text[:start] + lead + "x" + text[end:]
    (plan_copy / "tasks.yaml").write_text(new, encoding="utf-8")
    line, col = position(new, lead + "x")
    diagnostics = assert_at(plan_copy, "KH030", "tasks.yaml", line, col)
    assert f"có phải là '{lead}'" in only(diagnostics, "KH030")[0].message


def test_self_coordination(plan_copy):
    text = (plan_copy / "tasks.yaml").read_text(encoding="utf-8")
    start = text.index("lead: ") + len("lead: ")
    lead = text[start:text.index("\n", start)].strip().strip('"')
    support_at = text.index("support:", start)
    bracket = text.index("[", support_at)
    new = text[:bracket + 1] + lead + ", " + text[bracket + 1:]
    (plan_copy / "tasks.yaml").write_text(new, encoding="utf-8")
    line, col = position(new, "[" + lead + ", ", 1)
    assert_at(plan_copy, "KH032", "tasks.yaml", line, col)


def test_duplicate_task_id(plan_copy):
    text = (plan_copy / "tasks.yaml").read_text(encoding="utf-8")
    ids = [line.split("id:")[1].strip() for line in text.splitlines() if line.strip().startswith("- id:")]
    task_ids = [i for i in ids if "." in i]
    new = text.replace(f"id: {task_ids[1]}", f"id: {task_ids[0]}", 1)
    (plan_copy / "tasks.yaml").write_text(new, encoding="utf-8")
    first = position(new, f"id: {task_ids[0]}")
    second_index = new.index(f"id: {task_ids[0]}", new.index(f"id: {task_ids[0]}") + 1)
    line = new.count("\n", 0, second_index) + 1
    col = second_index - (new.rfind("\n", 0, second_index) + 1) + 1 + len("id: ")
    diagnostics = assert_at(plan_copy, "KH031", "tasks.yaml", line, col)
    assert f"dòng {first[0]}" in only(diagnostics, "KH031")[0].message


def test_empty_file(plan_copy):
    (plan_copy / "agencies.yaml").write_text("", encoding="utf-8")
    assert_at(plan_copy, "KH003", "agencies.yaml", 1, 1)


def test_comment_only_file_is_empty(plan_copy):
    (plan_copy / "agencies.yaml").write_text("# chỉ có chú thích\n", encoding="utf-8")
    assert_at(plan_copy, "KH003", "agencies.yaml", 1, 1)


def test_non_utf8_file(plan_copy):
    # The signer's name saved in Windows-1258, the legacy Vietnamese code page.
    text = (plan_copy / "plan.yaml").read_text(encoding="utf-8")
    index = text.index("Vũ Xuân Thịnh")
    legacy = "Vũ Xuân Thịnh".encode("cp1258", "replace")
    raw = text[:index].encode("utf-8") + legacy + text[index + 13:].encode("utf-8")
    (plan_copy / "plan.yaml").write_bytes(raw)
    first_bad = next(i for i, b in enumerate(legacy) if b >= 0x80)
    line, col = position(text, "Vũ Xuân Thịnh")
    assert_at(plan_copy, "KH002", "plan.yaml", line, col + first_bad)


def test_missing_file(plan_copy):
    (plan_copy / "agencies.yaml").unlink()
    assert_at(plan_copy, "KH037", "agencies.yaml", 1, 1)


def test_plan_without_tasks_file_has_no_appendix(plan_copy):
    """A plan with no Phụ lục (tasks, if any, written in the body) has no tasks.yaml."""
    (plan_copy / "tasks.yaml").unlink()
    text = (plan_copy / "plan.yaml").read_text(encoding="utf-8")
    plan, diagnostics = kehoach.check_plan(plan_copy)
    assert plan is not None and plan.appendices == () and plan.tasks == ()
    assert not [d for d in diagnostics if d.code == "KH037"]


def test_file_too_large(plan_copy, monkeypatch):
    from kehoach.load import yamlread
    monkeypatch.setattr(yamlread, "MAX_BYTES", 1000)
    assert_at(plan_copy, "KH004", "plan.yaml", 1, 1)


def test_deep_nesting_is_a_clean_error(plan_copy):
    (plan_copy / "agencies.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    _, diagnostics = check_plan(plan_copy)
    only(diagnostics, "KH015")


def test_nfd_text_is_normalised_with_a_warning(plan_copy):
    nfd = unicodedata.normalize("NFD", "Vũ Xuân Thịnh")
    text = replace_once(plan_copy / "plan.yaml", "Vũ Xuân Thịnh", nfd)
    line, col = position(text, nfd)
    plan, diagnostics = check_plan(plan_copy)
    assert plan is not None, [d.format() for d in diagnostics]
    warning = only(diagnostics, "KH006")[0]
    assert (warning.line, warning.col) == (line, col) and not warning.is_error
    assert plan.signer.name == "Vũ Xuân Thịnh"


def test_all_problems_reported_sorted(plan_copy):
    replace_once(plan_copy / "plan.yaml", "  place: Tam Đường", "  plase: Tam Đường")
    replace_once(plan_copy / "plan.yaml", "  from: 2025", "  from: x")
    text = (plan_copy / "tasks.yaml").read_text(encoding="utf-8")
    (plan_copy / "tasks.yaml").write_text(text.replace("lead: ", "lead: zz", 2), encoding="utf-8")
    _, diagnostics = check_plan(plan_copy)
    assert len([d for d in diagnostics if d.code == "KH030"]) >= 2
    assert {"KH020", "KH021", "KH030"} <= {d.code for d in diagnostics}
    keys = [(d.path, d.line, d.col) for d in diagnostics]
    assert keys == sorted(keys)


def test_load_plan_raises_plan_error(plan_copy):
    (plan_copy / "plan.yaml").write_text("id: [\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(plan_copy)
    assert info.value.diagnostics and info.value.diagnostics[0].code == "KH010"


# -- the CLI on broken input: exit 1, positioned message, no traceback -------------

def run_process(*args: str) -> subprocess.CompletedProcess:
    """``python -m kehoach args`` in a real process: the entry point's exit codes and streams."""
    return subprocess.run([sys.executable, "-m", "kehoach", *args], capture_output=True, text=True)


def test_cli_invalid_exit_1_no_traceback(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", "  place: Tam Đường", "  plase: Tam Đường")
    line, col = position(text, "plase:")
    result = run_process("validate", str(plan_copy))
    assert result.stdout == ""
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"plan.yaml:{line}:{col}: KH020 lỗi: khóa 'plase'" in result.stderr


def test_cli_json_format(plan_copy):
    replace_once(plan_copy / "plan.yaml", "  from: 2025", "  from: x")
    result = run_cli("validate", str(plan_copy), "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False and data["errors"] >= 1
    first = data["diagnostics"][0]
    assert set(first) == {"path", "line", "col", "code", "message", "severity"}
    assert first["severity"] == "error"


def test_cli_valid_exit_0():
    result = run_cli("validate", str(PLAN))
    assert result.returncode == 0, result.stderr
    assert "hợp lệ" in result.stdout


def test_cli_usage_error_exit_2():
    assert run_cli("validate", "--format", "xml").returncode == 2
    assert run_process("no-such-command").returncode == 2
    assert main(["validate", "--format", "xml"]) == 2


def test_cli_missing_directory_exit_1(tmp_path):
    result = run_cli("validate", str(tmp_path / "nope"))
    assert result.returncode == 1 and "KH001" in result.stderr


def test_closing_without_end_mark_warns(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", "triển khai thực hiện./.", "triển khai thực hiện.")
    line, col = position(text, "closing: >-", len("closing: "))
    plan, diagnostics = check_plan(plan_copy)
    assert plan is not None
    warning = only(diagnostics, "KH040")[0]
    assert (warning.line, warning.col) == (line, col) and not warning.is_error


@pytest.mark.parametrize("order", ["agency-first", "group-first"])
def test_coordinator_repeated_through_group_warns_in_either_order(plan_copy, order):
    text = (plan_copy / "tasks.yaml").read_text(encoding="utf-8")
    start = text.index("support: [") + len("support: [")
    end = text.index("]", start)
    lead_line = text.rfind("lead: ", 0, start)
    lead = text[lead_line + 6:text.index("\n", lead_line)].strip()
    commune = "xa-binh-lu" if lead != "xa-binh-lu" else "xa-ban-bo"
    new_list = "ubnd-cac-xa, " + commune if order == "group-first" else commune + ", ubnd-cac-xa"
    new = text[:start] + new_list + text[end:]
    if lead == "ubnd-cac-xa":
        pytest.skip("first task is led by the commune group")
    (plan_copy / "tasks.yaml").write_text(new, encoding="utf-8")
    line, col = position(new, commune, 0) if order == "agency-first" else position(new, ", " + commune, 2)
    plan, diagnostics = check_plan(plan_copy)
    hits = only(diagnostics, "KH038")
    assert [(d.line, d.col) for d in hits] == [(line, col)]
    assert "ubnd-cac-xa" in hits[0].message


def test_unreadable_registry_does_not_flood_unknown_agencies(plan_copy):
    (plan_copy / "agencies.yaml").write_text("agencies: [\n", encoding="utf-8")
    _, diagnostics = check_plan(plan_copy)
    codes = {d.code for d in diagnostics}
    assert "KH010" in codes and "KH030" not in codes
