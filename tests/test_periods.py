"""Reporting periods: dates under Nghị định 09/2019/NĐ-CP, the plan's own
calendar, and the checks on ``reporting:`` in plan.yaml (KH060–KH062)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kehoach import check_plan, load_plan
from kehoach.model import ReportingRule
from kehoach.periods import (
    Period, make_period, month_day_problem, open_periods, parse_period_id, period, period_id, period_ids,
    periods,
)

from conftest import PLAN, position, replace_once

ROOT = Path(__file__).resolve().parent.parent
D = dt.date

# The calendar block of the bundled plan.yaml, replaced wholesale by some tests.
CALENDAR_START = "  # Thời điểm chốt số liệu"
CALENDAR_END = '  open: ["2025-H1"]\n'


@pytest.fixture(scope="module")
def plan():
    return load_plan(PLAN)


def set_calendar(plan_dir: Path, block: str) -> str:
    """Replace the cutoff/due/consolidated_due/open lines of plan.yaml by ``block``."""
    file = plan_dir / "plan.yaml"
    text = file.read_text(encoding="utf-8")
    start = text.index(CALENDAR_START)
    end = text.index(CALENDAR_END) + len(CALENDAR_END)
    text = text[:start] + block + text[end:]
    file.write_text(text, encoding="utf-8")
    return text


def diagnostics_at(plan_dir: Path, code: str, line: int, col: int):
    plan, diagnostics = check_plan(plan_dir)
    hits = [d for d in diagnostics if d.code == code]
    assert hits, f"no {code} in {[d.format() for d in diagnostics]}"
    at = [d for d in hits if d.path.endswith("plan.yaml") and (d.line, d.col) == (line, col)]
    assert at, f"{code} expected at plan.yaml:{line}:{col}, got {[d.format() for d in hits]}"
    return plan, at[0]


# -- dates of the bundled plan, computed by hand ---------------------------------------

# (id, first day, last day, due, consolidated due, days).  A 6-month period runs
# 15/12 → 14/6: 17 days of December + 31 + 28 (29 in a leap year) + 31 + 30 + 31
# + 14 days of June = 182 (183).  An annual period 15/12 → 14/12 has 365 days, or
# 366 when it contains a 29 February (2028).
EXPECTED = [
    ("2025-H1", D(2024, 12, 15), D(2025, 6, 14), D(2025, 6, 20), D(2025, 6, 25), 182),
    ("2025", D(2024, 12, 15), D(2025, 12, 14), D(2025, 12, 20), D(2025, 12, 25), 365),
    ("2026-H1", D(2025, 12, 15), D(2026, 6, 14), D(2026, 6, 20), D(2026, 6, 25), 182),
    ("2026", D(2025, 12, 15), D(2026, 12, 14), D(2026, 12, 20), D(2026, 12, 25), 365),
    ("2027-H1", D(2026, 12, 15), D(2027, 6, 14), D(2027, 6, 20), D(2027, 6, 25), 182),
    ("2027", D(2026, 12, 15), D(2027, 12, 14), D(2027, 12, 20), D(2027, 12, 25), 365),
    ("2028-H1", D(2027, 12, 15), D(2028, 6, 14), D(2028, 6, 20), D(2028, 6, 25), 183),
    ("2028", D(2027, 12, 15), D(2028, 12, 14), D(2028, 12, 20), D(2028, 12, 25), 366),
    ("2029-H1", D(2028, 12, 15), D(2029, 6, 14), D(2029, 6, 20), D(2029, 6, 25), 182),
    ("2029", D(2028, 12, 15), D(2029, 12, 14), D(2029, 12, 20), D(2029, 12, 25), 365),
    ("2030-H1", D(2029, 12, 15), D(2030, 6, 14), D(2030, 6, 20), D(2030, 6, 25), 182),
    ("2030", D(2029, 12, 15), D(2030, 12, 14), D(2030, 12, 20), D(2030, 12, 25), 365),
]


def test_every_period_of_the_plan_in_order(plan):
    assert period_ids(plan) == tuple(row[0] for row in EXPECTED)
    got = [(p.id, p.start, p.end, p.due, p.consolidated_due, p.days) for p in periods(plan)]
    assert got == EXPECTED


@pytest.mark.parametrize("row", EXPECTED, ids=[row[0] for row in EXPECTED])
def test_period_by_id(plan, row):
    ident, start, end, due, consolidated, days = row
    p = period(plan, ident)
    assert (p.start, p.end, p.due, p.consolidated_due, p.days) == (start, end, due, consolidated, days)
    assert p.kind == ("half-year" if ident.endswith("-H1") else "annual")
    assert p.year == end.year
    if p.kind == "annual" and p.year > 2025:
        # consecutive annual periods tile the calendar: no day lost, none counted twice
        assert period(plan, str(p.year - 1)).end + dt.timedelta(days=1) == p.start
    if p.kind == "half-year":
        # the 6-month report starts with the annual one of the same year
        assert p.start == period(plan, str(p.year)).start


def test_leap_year_half_year_has_183_days():
    rule = ReportingRule(("half-year", "annual"), ("x",), "y", None, "z")
    h1_2024 = make_period(rule, "half-year", 2024)
    assert (h1_2024.start, h1_2024.end) == (D(2023, 12, 15), D(2024, 6, 14))
    assert h1_2024.days == 183  # 29/02/2024
    assert make_period(rule, "half-year", 2025).days == 182
    assert make_period(rule, "annual", 2024).days == 366
    assert make_period(rule, "annual", 2024).contains(D(2024, 2, 29))


def test_labels_and_range_text(plan):
    h1, year = period(plan, "2025-H1"), period(plan, "2025")
    assert h1.label == "6 tháng đầu năm 2025"
    assert year.label == "năm 2025"
    assert h1.range_text == "từ ngày 15/12/2024 đến ngày 14/6/2025"
    assert year.range_text == "từ ngày 15/12/2024 đến ngày 14/12/2025"


def test_is_overdue(plan):
    h1 = period(plan, "2025-H1")
    assert not h1.is_overdue(D(2025, 6, 14))
    assert not h1.is_overdue(D(2025, 6, 20))  # the due day itself is on time
    assert h1.is_overdue(D(2025, 6, 21))
    assert h1.is_overdue(D(2026, 1, 1))


def test_period_is_frozen(plan):
    with pytest.raises(AttributeError):
        period(plan, "2025").due = D(2025, 1, 1)  # type: ignore[misc]
    assert isinstance(period(plan, "2025"), Period)


def test_parse_period_id():
    assert parse_period_id("2025-H1") == ("half-year", 2025)
    assert parse_period_id("2030") == ("annual", 2030)
    assert parse_period_id(2027) == ("annual", 2027)  # an unquoted YAML 2027 is an int
    for bad in ("2025-H2", "2025-h1", "H1-2025", "25", "", True, None):
        with pytest.raises(ValueError, match="không hợp lệ"):
            parse_period_id(bad)  # type: ignore[arg-type]
    assert period_id("half-year", 2026) == "2026-H1"
    assert period_id("annual", 2026) == "2026"


def test_unknown_period_id_says_what_it_might_be(plan):
    with pytest.raises(ValueError) as exc:
        period(plan, "2025-H2")
    assert "có phải là '2025-H1'?" in str(exc.value)
    assert "6 tháng cuối năm" in str(exc.value)  # the second half is the annual report
    with pytest.raises(ValueError, match="nằm ngoài giai đoạn kế hoạch 2025-2030"):
        period(plan, "2031")
    with pytest.raises(ValueError, match="nằm ngoài giai đoạn kế hoạch 2025-2030; có phải là '2025-H1'"):
        period(plan, "2024-H1")


def test_open_periods_of_the_bundled_plan(plan):
    assert plan.reporting.open == ("2025-H1",)
    assert [p.id for p in open_periods(plan)] == ["2025-H1"]


def test_month_day_problem():
    assert month_day_problem("06-20") is None
    assert month_day_problem("12-31") is None
    assert month_day_problem("02-28") is None
    assert "năm nhuận" in month_day_problem("02-29")
    assert month_day_problem("02-30") == "tháng 2 không có ngày 30"
    assert month_day_problem("04-31") == "tháng 4 không có ngày 31"
    assert month_day_problem("13-01") == "không có tháng 13"
    assert "MM-DD" in month_day_problem("6-20")


# -- the plan's own calendar -------------------------------------------------------------


def test_defaults_apply_when_the_plan_gives_no_calendar(plan_copy):
    set_calendar(plan_copy, "")
    custom = load_plan(plan_copy)
    assert custom.reporting.open == ()
    assert open_periods(custom) == ()
    assert [(p.id, p.start, p.end, p.due, p.consolidated_due, p.days) for p in periods(custom)] == EXPECTED


def test_custom_cutoff_and_deadlines(plan_copy):
    set_calendar(plan_copy, (
        "  cutoff:\n"
        '    half-year: {from: "01-01", to: "06-30"}\n'
        '    annual: {from: "12-01", to: "11-30"}\n'
        "  due:\n"
        '    half-year: "07-10"\n'
        '    annual: "12-05"\n'
        "  consolidated_due:\n"
        '    half-year: "07-15"\n'
        "  open: [\"2026-H1\", 2025]\n"
    ))
    custom = load_plan(plan_copy)
    h1 = period(custom, "2026-H1")
    # "01-01" is before "06-30": the same year
    assert (h1.start, h1.end, h1.due, h1.consolidated_due) == (D(2026, 1, 1), D(2026, 6, 30), D(2026, 7, 10), D(2026, 7, 15))
    assert h1.days == 181
    annual = period(custom, "2026")
    # "12-01" is after "11-30": the previous year; consolidated_due.annual falls back to the default
    assert (annual.start, annual.end, annual.due, annual.consolidated_due) == \
        (D(2025, 12, 1), D(2026, 11, 30), D(2026, 12, 5), D(2026, 12, 25))
    assert annual.days == 365
    # open periods come back by end date, whatever the order written
    assert [p.id for p in open_periods(custom)] == ["2025", "2026-H1"]
    assert custom.reporting.open == ("2026-H1", "2025")


def test_annual_only_plan(plan_copy):
    replace_once(plan_copy / "plan.yaml", "periods: [half-year, annual]", "periods: [annual]")
    set_calendar(plan_copy, "")
    annual_only = load_plan(plan_copy)
    assert period_ids(annual_only) == ("2025", "2026", "2027", "2028", "2029", "2030")
    with pytest.raises(ValueError, match="không có kỳ báo cáo 6 tháng"):
        period(annual_only, "2025-H1")


# -- KH060: a cut-off or deadline that is not a day of every year ----------------------


def test_february_29_rejected_as_a_deadline(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", 'half-year: "06-20"', 'half-year: "02-29"')
    line, col = position(text, '"02-29"')
    plan, hit = diagnostics_at(plan_copy, "KH060", line, col)
    assert plan is None
    assert "năm nhuận" in hit.message and "'02-29'" in hit.message


def test_impossible_cutoff_day(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", 'to: "06-14"', 'to: "06-31"')
    line, col = position(text, '"06-31"')
    _, hit = diagnostics_at(plan_copy, "KH060", line, col)
    assert "tháng 6 không có ngày 31" in hit.message


def test_malformed_month_day_is_a_schema_error(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", 'annual: "12-25"', 'annual: "25/12"')
    line, col = position(text, '"25/12"')
    _, hit = diagnostics_at(plan_copy, "KH023", line, col)
    assert "MM-DD" in hit.message


# -- KH061: a deadline before the cut-off ---------------------------------------------


def test_due_before_the_end_of_the_period(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", 'half-year: "06-20"', 'half-year: "06-10"')
    line, col = position(text, '"06-10"')
    _, hit = diagnostics_at(plan_copy, "KH061", line, col)
    assert "(06-10)" in hit.message and "(06-14)" in hit.message


def test_consolidated_due_before_agencies_due(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", 'annual: "12-25"', 'annual: "12-18"')
    line, col = position(text, '"12-18"')
    _, hit = diagnostics_at(plan_copy, "KH061", line, col)
    assert "tổng hợp" in hit.message and "(12-20)" in hit.message


def test_later_cutoff_needs_its_own_due(plan_copy):
    text = set_calendar(plan_copy, "  cutoff:\n    half-year: {from: \"01-01\", to: \"06-30\"}\n")
    line, col = position(text, '"06-30"')
    _, hit = diagnostics_at(plan_copy, "KH061", line, col)
    assert "reporting.due.half-year" in hit.message


# -- KH062: open periods ---------------------------------------------------------------


def test_open_period_typo_suggests(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", 'open: ["2025-H1"]', 'open: ["2025-H2"]')
    line, col = position(text, '"2025-H2"')
    _, hit = diagnostics_at(plan_copy, "KH062", line, col)
    assert "có phải là '2025-H1'?" in hit.message


def test_open_period_outside_plan_years(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", 'open: ["2025-H1"]', 'open: ["2025-H1", "2031"]')
    line, col = position(text, '"2031"')
    _, hit = diagnostics_at(plan_copy, "KH062", line, col)
    assert "2025-2030" in hit.message and "có phải là '2030'?" in hit.message


def test_open_period_of_a_kind_the_plan_does_not_use(plan_copy):
    replace_once(plan_copy / "plan.yaml", "periods: [half-year, annual]", "periods: [annual]")
    text = (plan_copy / "plan.yaml").read_text(encoding="utf-8")
    line, col = position(text, '"2025-H1"]')
    _, hit = diagnostics_at(plan_copy, "KH062", line, col)
    assert "không có kỳ báo cáo 6 tháng" in hit.message and "có phải là '2025'?" in hit.message


def test_open_period_written_as_a_number_is_accepted(plan_copy):
    replace_once(plan_copy / "plan.yaml", 'open: ["2025-H1"]', "open: [2025]")
    plan, diagnostics = check_plan(plan_copy)
    assert [d.format() for d in diagnostics if d.is_error] == []
    assert plan.reporting.open == ("2025",)
    assert open_periods(plan)[0].end == D(2025, 12, 14)


def test_duplicate_open_period(plan_copy):
    text = replace_once(plan_copy / "plan.yaml", 'open: ["2025-H1"]', 'open: ["2025-H1", "2025-H1"]')
    line, col = position(text, 'open: [', len("open: "))
    diagnostics_at(plan_copy, "KH024", line, col)


def test_bundled_plan_calendar_is_valid():
    plan, diagnostics = check_plan(PLAN)
    assert plan is not None
    assert [d.format() for d in diagnostics if d.code.startswith("KH06")] == []
