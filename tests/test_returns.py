"""Agencies' returns: the fixture returns of 2025-H1, blank returns from
init_returns, writing them, and broken returns (KH062–KH069 at line:col)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kehoach import load_plan
from kehoach.returns import (
    SCHEMA_COMMENT, STATUSES, Figure, Return, check_returns, expected_agencies, init_returns, load_returns,
    missing_agencies, write_returns,
)

from conftest import FIXTURES, PLAN, position, replace_once

RETURNS = FIXTURES / "returns"
H1 = RETURNS / "2025-H1"
COMMUNES = ("tt-tam-duong", "xa-ban-bo", "xa-ban-giang", "xa-ban-hon", "xa-binh-lu", "xa-giang-ma", "xa-ho-thau",
            "xa-khun-ha", "xa-na-tam", "xa-nung-nang", "xa-son-binh", "xa-ta-leng", "xa-then-sin")


@pytest.fixture(scope="module")
def plan():
    return load_plan(PLAN)


@pytest.fixture(scope="module")
def fixture_returns(plan):
    returns, diagnostics = load_returns(plan, PLAN, "2025-H1", reports_dir=RETURNS)
    return returns, diagnostics


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """A writable copy of the fixture returns: ``<tmp>/reports/2025-H1/*.yaml``."""
    target = tmp_path / "reports"
    shutil.copytree(RETURNS, target)
    return target


def own_tasks(plan, agency_id: str) -> list[str]:
    """The agency's task ids, lead tasks then supported ones, in appendix order."""
    lead, support = [], []
    for task in plan.tasks:
        if agency_id in plan.lead_agencies(task):
            lead.append(task.id)
        elif agency_id in plan.support_agencies(task):
            support.append(task.id)
    return lead + support


def load(plan, reports: Path):
    return load_returns(plan, reports.parent, "2025-H1", reports_dir=reports)


def expect(diagnostics, code: str, file: str, line: int, col: int):
    hits = [d for d in diagnostics if d.code == code]
    assert hits, f"no {code} in {[d.format() for d in diagnostics]}"
    at = [d for d in hits if d.path.endswith(file) and (d.line, d.col) == (line, col)]
    assert at, f"{code} expected at {file}:{line}:{col}, got {[d.format() for d in hits]}"
    return at[0]


# -- the fixture returns -----------------------------------------------------------------


def test_fixture_returns_load_without_any_diagnostic(fixture_returns):
    returns, diagnostics = fixture_returns
    assert [d.format() for d in diagnostics] == []
    assert len(returns) == len(list(H1.glob("*.yaml"))) == 9


def test_fixture_files_start_with_the_schema_comment():
    for file in sorted(H1.glob("*.yaml")):
        assert file.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_COMMENT, file.name


def test_fixture_returns_are_in_reporters_order(plan, fixture_returns):
    returns, _ = fixture_returns
    order = plan.reporters()
    assert [r.agency_id for r in returns] == sorted((r.agency_id for r in returns), key=order.index)
    assert all(r.period_id == "2025-H1" for r in returns)


def test_complete_partial_and_missing(plan, fixture_returns):
    returns, _ = fixture_returns
    by_agency = {r.agency_id: r for r in returns}
    complete = {a for a, r in by_agency.items() if r.is_complete}
    assert complete == {"vp-hdnd-ubnd", "thanh-tra", "phong-tu-phap", "bhxh", "ttvh-tt-tt", "tt-tam-duong"}
    assert {a for a, r in by_agency.items() if not r.is_complete} == {"phong-y-te", "xa-binh-lu", "hoi-lhpn"}
    missing = missing_agencies(plan, returns, "2025-H1")
    assert "phong-gd-dt" in missing and "ttyt" in missing and "xa-ban-bo" in missing
    assert set(missing) | set(by_agency) == set(expected_agencies(plan, "2025-H1"))
    assert not set(missing) & set(by_agency)


def test_every_fixture_return_lists_exactly_the_agencys_tasks(plan, fixture_returns):
    returns, _ = fixture_returns
    for r in returns:
        assert [t.task_id for t in r.tasks] == own_tasks(plan, r.agency_id), r.agency_id


def test_fixture_details(plan, fixture_returns):
    returns, _ = fixture_returns
    by_agency = {r.agency_id: r for r in returns}

    thanh_tra = by_agency["thanh-tra"]
    assert thanh_tra.submitted == dt.date(2025, 6, 16)
    assert thanh_tra.reporter == "Tẩn Văn Chiến, Phó Chánh Thanh tra huyện"
    answer = thanh_tra.task("5.2")
    assert (answer.role, answer.status, answer.status_label) == ("lead", "dang-thuc-hien", "đang thực hiện")
    assert answer.figures[0] == Figure("Cuộc thanh tra có lồng ghép nội dung về trẻ em", 1, "cuộc")
    assert answer.figures[2].value == "100%" and answer.figures[2].number is None
    assert thanh_tra.summary.shortcomings is None
    assert thanh_tra.summary.next_steps.startswith("Lồng ghép nội dung")

    bhxh = by_agency["bhxh"].task("4.5")
    assert bhxh.role == "support"
    rate = bhxh.figures[1]
    assert rate.value == "99.2" and rate.number == pytest.approx(99.2) and rate.unit == "%"

    # a late return: submitted after the due date of the period
    town = by_agency["tt-tam-duong"]
    assert town.submitted == dt.date(2025, 6, 23)
    assert town.task("2.6").role == "lead"  # led by the group ubnd-cac-xa

    # partial returns: null status is no answer, whether written or left out
    lhpn = by_agency["hoi-lhpn"]
    assert lhpn.task("2.7").status is None and not lhpn.task("2.7").answered
    assert [t.task_id for t in lhpn.answered] == ["3.4", "2.3", "2.5"]
    assert by_agency["xa-binh-lu"].submitted is None
    assert len(by_agency["xa-binh-lu"].unanswered) == 23
    assert by_agency["phong-y-te"].summary.achievements is not None
    assert by_agency["phong-y-te"].summary.next_steps is None


def test_statuses_and_their_words():
    assert dict(STATUSES) == {"hoan-thanh": "hoàn thành", "dang-thuc-hien": "đang thực hiện",
                              "chua-thuc-hien": "chưa thực hiện"}


# -- init_returns ------------------------------------------------------------------


def test_init_returns_one_per_reporting_agency_with_tasks(plan):
    files = init_returns(plan, "2025-H1")
    agencies = [Path(p).stem for p in files]
    assert agencies == list(expected_agencies(plan, "2025-H1"))
    assert all(p == f"reports/2025-H1/{a}.yaml" for p, a in zip(files, agencies))
    reporters = plan.reporters()
    with_tasks = [a for a in reporters if own_tasks(plan, a) or plan.duties_of(a)]
    assert agencies == with_tasks
    # a reporter with no task but a duty of the plan's body (mục III.2 binds every district body) reports on it
    assert "ban-chqs" in reporters and "ban-chqs" in agencies and not own_tasks(plan, "ban-chqs")
    assert set(COMMUNES) <= set(agencies)


def test_init_returns_is_deterministic(plan):
    assert init_returns(plan, "2025-H1") == init_returns(plan, "2025-H1")
    assert init_returns(plan, "2025") != init_returns(plan, "2025-H1")


def test_init_returns_text(plan):
    text = init_returns(plan, "2025-H1")["reports/2025-H1/thanh-tra.yaml"]
    lines = text.splitlines()
    assert lines[0] == SCHEMA_COMMENT
    assert "6 tháng đầu năm 2025" in lines[1]
    assert "từ ngày 15/12/2024 đến ngày 14/6/2025" in text and "ngày 20/6/2025" in text
    assert "agency: thanh-tra" in lines and 'period: "2025-H1"' in lines
    index = lines.index('  - task: "5.2"')
    assert lines[index - 1].startswith("  # 5.2 (chủ trì): Thanh tra việc thực hiện chính sách")
    assert lines[index + 1:index + 7] == ["    status: null", "    result: null", "    figures: []",
                                          "    difficulties: null", "    proposals: null", "    note: null"]
    assert text.endswith("  recommendations: null\n")


def test_every_task_has_a_one_line_comment_before_it(plan):
    for path, text in init_returns(plan, "2025-H1").items():
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("  - task: "):
                task_id = line.split('"')[1]
                role = "chủ trì" if task_id in [t.id for t in plan.tasks_led_by(Path(path).stem)] else "phối hợp"
                comment = lines[i - 1]
                assert comment.startswith(f"  # {task_id} ({role}): "), (path, comment)
                content = " ".join(plan.task(task_id).content.split())
                shown = comment.split(": ", 1)[1]
                assert content.startswith(shown.rstrip("…")), (path, task_id)
                assert len(comment) < 140


def test_init_returns_load_back_cleanly(plan, plan_copy):
    files = init_returns(plan, "2025-H1")
    written, skipped = write_returns(plan_copy, files)
    assert written == tuple(files) and skipped == ()
    returns, diagnostics = load_returns(plan, plan_copy, "2025-H1")
    assert [d.format() for d in diagnostics] == []
    assert [r.agency_id for r in returns] == [Path(p).stem for p in files]
    for r in returns:
        assert [t.task_id for t in r.tasks] == own_tasks(plan, r.agency_id), r.agency_id
        assert r.answered == () and not r.is_complete
        assert r.submitted is None and r.reporter is None
        assert all(t.figures == () and t.result is None for t in r.tasks)
    assert missing_agencies(plan, returns, "2025-H1") == ()


def test_group_led_task_is_in_every_communes_return(plan):
    files = init_returns(plan, "2025-H1")
    communes = set(plan.registry.expand("ubnd-cac-xa"))
    led_by_group = [t.id for t in plan.tasks if set(plan.lead_agencies(t)) == communes]
    assert led_by_group == ["2.6", "3.6", "4.5", "5.4", "7.3"]
    for commune in COMMUNES:
        text = files[f"reports/2025-H1/{commune}.yaml"]
        for task_id in led_by_group:
            assert f'  # {task_id} (chủ trì): ' in text and f'  - task: "{task_id}"' in text, (commune, task_id)
    # and in no district agency's return
    assert '- task: "2.6"' not in files["reports/2025-H1/thanh-tra.yaml"]


def test_write_returns_never_overwrites(plan, plan_copy):
    files = init_returns(plan, "2025-H1")
    write_returns(plan_copy, files)
    mine = plan_copy / "reports" / "2025-H1" / "thanh-tra.yaml"
    answered = mine.read_text(encoding="utf-8").replace("status: null", "status: hoan-thanh")
    mine.write_text(answered, encoding="utf-8")
    written, skipped = write_returns(plan_copy, files)
    assert written == () and skipped == tuple(files)
    assert mine.read_text(encoding="utf-8") == answered
    mine.unlink()
    written, skipped = write_returns(plan_copy, files)
    assert written == ("reports/2025-H1/thanh-tra.yaml",) and len(skipped) == len(files) - 1
    assert not list((plan_copy / "reports" / "2025-H1").glob(".*"))  # no temporary files left


@pytest.mark.parametrize("bad", ["../escape.yaml", "/tmp/abs.yaml", "reports\\x.yaml", "C:/x.yaml"])
def test_write_returns_refuses_paths_outside_the_plan(plan_copy, bad):
    with pytest.raises(ValueError, match="tương đối"):
        write_returns(plan_copy, {bad: "agency: x\n"})


# -- loading edge cases --------------------------------------------------------------------


def test_no_folder_means_no_returns(plan, tmp_path):
    assert load_returns(plan, tmp_path, "2025-H1") == ((), [])


def test_unknown_period_argument(plan, tmp_path):
    with pytest.raises(ValueError, match="có phải là '2025-H1'"):
        load_returns(plan, tmp_path, "2025-H2")


# -- broken returns --------------------------------------------------------------------


def test_task_not_the_agencys(plan, reports):
    file = reports / "2025-H1" / "thanh-tra.yaml"
    text = replace_once(file, '  - task: "5.2"', '  - task: "2.1"\n  - task: "5.2"')
    returns, diagnostics = load(plan, reports)
    line, col = position(text, '"2.1"')
    hit = expect(diagnostics, "KH066", "thanh-tra.yaml", line, col)
    assert "'thanh-tra'" in hit.message and "Phòng Y tế" in hit.message
    assert "thanh-tra" not in [r.agency_id for r in returns]  # a return with errors is left out
    assert len(returns) == 8


def test_task_not_in_the_appendix(plan, reports):
    file = reports / "2025-H1" / "bhxh.yaml"
    text = replace_once(file, '- task: "4.5"', '- task: "4.55"')
    _, diagnostics = load(plan, reports)
    line, col = position(text, '"4.55"')
    hit = expect(diagnostics, "KH066", "bhxh.yaml", line, col)
    assert "không có trong Phụ lục" in hit.message and "có phải là '4.5'?" in hit.message


def test_unknown_period(plan, reports):
    file = reports / "2025-H1" / "bhxh.yaml"
    text = replace_once(file, 'period: "2025-H1"', 'period: "2024-H1"')
    _, diagnostics = load(plan, reports)
    line, col = position(text, '"2024-H1"')
    hit = expect(diagnostics, "KH062", "bhxh.yaml", line, col)
    assert "2025-2030" in hit.message and "có phải là '2025-H1'?" in hit.message


def test_period_does_not_match_the_folder(plan, reports):
    file = reports / "2025-H1" / "vp-hdnd-ubnd.yaml"
    text = replace_once(file, 'period: "2025-H1"', "period: 2025")
    _, diagnostics = load(plan, reports)
    line, col = position(text, "period: 2025", len("period: "))
    hit = expect(diagnostics, "KH063", "vp-hdnd-ubnd.yaml", line, col)
    assert "'2025'" in hit.message and "'2025-H1'" in hit.message


def test_bad_status(plan, reports):
    file = reports / "2025-H1" / "thanh-tra.yaml"
    text = replace_once(file, "status: dang-thuc-hien", "status: đang thực hiện")
    _, diagnostics = load(plan, reports)
    line, col = position(text, "status: đang thực hiện", len("status: "))
    hit = expect(diagnostics, "KH023", "thanh-tra.yaml", line, col)
    assert "có phải là 'dang-thuc-hien'?" in hit.message
    assert "None" not in hit.message and "null" in hit.message


def test_duplicate_task(plan, reports):
    file = reports / "2025-H1" / "vp-hdnd-ubnd.yaml"
    text = file.read_text(encoding="utf-8")
    text = text.replace("summary:\n", '  - task: "6.2"\n    status: hoan-thanh\nsummary:\n', 1)
    file.write_text(text, encoding="utf-8")
    _, diagnostics = load(plan, reports)
    first_line, _ = position(text, '- task: "6.2"')
    index = text.index('- task: "6.2"', text.index('- task: "6.2"') + 1)
    line, col = position(text[index:], '"6.2"')
    line += text.count("\n", 0, index)
    col += index - (text.rfind("\n", 0, index) + 1)
    hit = expect(diagnostics, "KH067", "vp-hdnd-ubnd.yaml", line, col)
    assert f"dòng {first_line}" in hit.message


def test_wrong_file_name(plan, reports):
    source = reports / "2025-H1" / "bhxh.yaml"
    renamed = source.with_name("bao-hiem-xa-hoi.yaml")
    source.rename(renamed)
    text = renamed.read_text(encoding="utf-8")
    returns, diagnostics = load(plan, reports)
    line, col = position(text, "agency: bhxh", len("agency: "))
    hit = expect(diagnostics, "KH064", "bao-hiem-xa-hoi.yaml", line, col)
    assert "'bhxh.yaml'" in hit.message
    assert "bhxh" not in [r.agency_id for r in returns]


@pytest.mark.parametrize("agency, words", [
    ("so-y-te", "không thuộc danh sách phải báo cáo"),
    ("ubnd-cac-xa", "là một nhóm cơ quan"),
    ("thanh-tra-huyen", "không có trong danh mục cơ quan; có phải là 'thanh-tra'?"),
])
def test_agency_that_does_not_report(plan, reports, agency, words):
    source = reports / "2025-H1" / "thanh-tra.yaml"
    text = replace_once(source, "agency: thanh-tra", f"agency: {agency}")
    source.rename(source.with_name(f"{agency}.yaml"))
    _, diagnostics = load(plan, reports)
    line, col = position(text, f"agency: {agency}", len("agency: "))
    hit = expect(diagnostics, "KH065", f"{agency}.yaml", line, col)
    assert words in hit.message
    assert not [d for d in diagnostics if d.code == "KH064"]


def test_omitted_task_is_a_warning(plan, reports):
    file = reports / "2025-H1" / "ttvh-tt-tt.yaml"
    text = file.read_text(encoding="utf-8")
    start = text.index('  # 6.3 (phối hợp)')
    end = text.index("summary:")
    text = text[:start] + text[end:]
    file.write_text(text, encoding="utf-8")
    returns, diagnostics = load(plan, reports)
    line, col = position(text, "tasks:")
    hit = expect(diagnostics, "KH068", "ttvh-tt-tt.yaml", line, col)
    assert not hit.is_error and "'6.3'" in hit.message and "phối hợp" in hit.message
    # a warning only: the return is still loaded, without the task
    ttvh = next(r for r in returns if r.agency_id == "ttvh-tt-tt")
    assert ttvh.task("6.3") is None and len(ttvh.tasks) == 3


def test_file_that_is_not_a_return_is_reported(plan, reports):
    shutil.copy(reports / "2025-H1" / "bhxh.yaml", reports / "2025-H1" / "ldld.yml")
    (reports / "2025-H1" / ".gitkeep").write_text("", encoding="utf-8")
    returns, diagnostics = load(plan, reports)
    hit = expect(diagnostics, "KH069", "ldld.yml", 1, 1)
    assert not hit.is_error and "'ldld.yaml'" in hit.message
    assert len(diagnostics) == 1 and len(returns) == 9


def test_every_problem_of_a_file_in_one_run(plan, reports):
    file = reports / "2025-H1" / "thanh-tra.yaml"
    replace_once(file, 'period: "2025-H1"', 'period: "2025-H2"')
    replace_once(file, "status: dang-thuc-hien", "status: xong")
    replace_once(file, '  - task: "5.2"', '  - task: "1.1"\n  - task: "5.2"')
    _, diagnostics = load(plan, reports)
    assert [d.code for d in diagnostics] == ["KH062", "KH066", "KH023"]
    assert [d.line for d in diagnostics] == sorted(d.line for d in diagnostics)


def test_check_returns_walks_every_period_folder(plan, reports):
    (reports / "2025-H2").mkdir()
    (reports / "notes.txt").write_text("ghi chú", encoding="utf-8")
    replace_once(reports / "2025-H1" / "bhxh.yaml", "status: dang-thuc-hien", "status: xong")
    diagnostics = check_returns(plan, reports.parent, reports_dir=reports)
    codes = {(Path(d.path).name, d.code) for d in diagnostics}
    assert codes == {("2025-H2", "KH069"), ("notes.txt", "KH069"), ("bhxh.yaml", "KH023")}
    folder = next(d for d in diagnostics if d.path.endswith("2025-H2"))
    assert "có phải là '2025-H1'?" in folder.message


def test_return_dataclasses_are_frozen(fixture_returns):
    returns, _ = fixture_returns
    with pytest.raises(AttributeError):
        returns[0].agency_id = "x"  # type: ignore[misc]
    assert isinstance(returns[0], Return)
