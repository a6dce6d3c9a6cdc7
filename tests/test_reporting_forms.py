"""Reporting rules as real plans write them (issue #9, item 6).

Each form — quarterly, monthly (deadline this month or next), daily at set
hours, one-off, on request, a two-tier chain through a focal agency, none —
is written into a copy of the commune example (plan dated 3/2/2026, years
2026) and built.  For every form: the periods are the right ones, the letters
word the duty as plans do, and no document lists a deadline before the plan's
date.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

import kehoach
from kehoach.build import BuildOptions, render_documents
from kehoach.docx2text import docx_text
from kehoach.periods import period, periods

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "xa-nhiem-vu-trong-than"
PLAN_DATE = dt.date(2026, 2, 3)
HEAD = """reporting:
  reporters: [van-phong, phong-kinh-te, tram-y-te]
  to: ubnd-xa
  via: van-phong
  consolidated_to: ubnd-tinh
"""

FORMS = {
    "quarterly": HEAD + "  periods: [quarterly]\n  open: [\"2026-Q1\"]\n",
    "monthly-next": HEAD + "  periods: [monthly]\n  due: {monthly: \"05\"}\n  consolidated_due: {monthly: 10}\n"
                           "  open: [\"2026-01\"]\n",
    "monthly": HEAD + "  periods: [monthly]\n  open: [\"2026-02\"]\n",
    "daily": HEAD + "  periods: [daily]\n  daily: {from: \"2026-07-01\", to: \"2026-07-03\", times: [\"07:00\", \"15:00\"]}\n"
                    "  open: [\"2026-07-01T0700\"]\n",
    "once": HEAD + "  periods: [once]\n  once:\n"
                   "    - {id: so-ket, label: sơ kết 6 tháng thực hiện Kế hoạch, due: \"2026-06-15\"}\n"
                   "    - {id: truoc-ke-hoach, due: \"2026-01-15\"}\n  open: [so-ket]\n",
    "on-request": HEAD + "  periods: [on-request]\n",
    "two-tier": HEAD + "  periods: [half-year, annual]\n  cutoff: {annual: {from: \"11-01\", to: \"10-31\"}}\n"
                       "  due: {half-year: \"06-20\", annual: \"11-15\"}\n"
                       "  via_due: {half-year: \"06-25\", annual: \"11-20\"}\n"
                       "  consolidated_due: {half-year: \"06-30\", annual: \"11-30\"}\n  open: [\"2026\"]\n",
    "fixed-yearly": HEAD + "  periods: [annual]\n  cutoff: {annual: {from: \"11-01\", to: \"10-31\"}}\n"
                           "  due: {annual: \"11-15\"}\n  consolidated_due: {annual: \"11-30\"}\n  open: [\"2026\"]\n",
    "none": "",
}


def write_form(folder: Path, reporting: str) -> Path:
    shutil.copytree(EXAMPLE, folder)
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    text = text[:text.index("reporting:")] + reporting
    (folder / "plan.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> dict:
    """Each form loaded and every document built (every period), once."""
    out = {}
    for name, reporting in FORMS.items():
        folder = write_form(tmp_path_factory.mktemp(name) / "plan", reporting)
        plan, diagnostics = kehoach.check_plan(folder)
        assert plan is not None, (name, [str(d) for d in diagnostics])
        ids = tuple(p.id for p in periods(plan))
        documents = render_documents(plan, BuildOptions(period_ids=ids))
        out[name] = (plan, diagnostics, documents)
    return out


def letter(forms, name: str, agency: str) -> str:
    return next(docx_text(d.data) for d in forms[name][2] if d.kind == "letter" and d.agency == agency)


#: a deadline in running text: "trước ngày 20/6/2026", "trước 7 giờ 00 ngày 1/7/2026" (not the figures' range)
_DATE = re.compile(r"trước (?:\d+ giờ \d+ )?ngày (\d{1,2})/(\d{1,2})/(\d{4})\b")


@pytest.mark.parametrize("name", FORMS)
def test_no_document_lists_a_deadline_before_the_plan_date(forms, name):
    plan, _, documents = forms[name]
    assert all(p.due >= PLAN_DATE for p in periods(plan))
    seen = 0
    for d in documents:
        if d.kind == "letter":
            text = docx_text(d.data)
            tail = text[text.index("Chế độ báo cáo"):] if "Chế độ báo cáo" in text else ""
            for m in _DATE.finditer(tail):
                seen += 1
                assert dt.date(int(m[3]), int(m[2]), int(m[1])) >= PLAN_DATE, (name, d.path, m[0])
        elif d.path.endswith(".ics"):
            for day in re.findall(rb"DTSTART;VALUE=DATE:(\d{8})", d.data):
                seen += 1
                assert dt.datetime.strptime(day.decode(), "%Y%m%d").date() >= PLAN_DATE, (name, d.path, day)
    # the scan reads real deadlines (letters list yearly and one-off ones; calendars every one)
    assert seen > 0 or name in ("on-request", "none")


def test_quarterly(forms):
    plan = forms["quarterly"][0]
    assert [(p.id, p.label, p.start, p.end, p.due) for p in periods(plan)][:2] == [
        ("2026-Q1", "quý I năm 2026", dt.date(2025, 12, 15), dt.date(2026, 3, 14), dt.date(2026, 3, 20)),
        ("2026-Q2", "quý II năm 2026", dt.date(2026, 3, 15), dt.date(2026, 6, 14), dt.date(2026, 6, 20)),
    ]
    assert ("- Báo cáo hằng quý (số liệu từ ngày 15 tháng trước quý đến ngày 14 tháng cuối quý): trước ngày 20 "
            "tháng cuối quý, từ quý I/2026 đến quý IV/2026.") in letter(forms, "quarterly", "tram-y-te").split("\n")
    reports = [d for d in forms["quarterly"][2] if d.kind == "report-template"]
    assert {d.period for d in reports} == {"2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"}
    text = docx_text(next(d.data for d in reports if d.period == "2026-Q2"))
    assert "quý II năm 2026" in text and "(Hạn gửi: trước ngày 20/6/2026, qua Văn phòng HĐND và UBND xã." in text


def test_monthly_deadline_next_month_and_the_month_before_the_plan(forms):
    plan = forms["monthly-next"][0]
    january = period(plan, "2026-01")          # figures 15/12/2025–14/1/2026, due 5/2: after the plan's date
    assert (january.start, january.end, january.due, january.consolidated_due) == (
        dt.date(2025, 12, 15), dt.date(2026, 1, 14), dt.date(2026, 2, 5), dt.date(2026, 2, 10))
    february = period(plan, "2026-02")
    assert (february.end, february.due) == (dt.date(2026, 2, 14), dt.date(2026, 3, 5))
    assert "trước ngày 5 của tháng sau, từ tháng 1/2026 đến tháng 12/2026" in letter(forms, "monthly-next", "tram-y-te")
    # due on the 20th, January's report would be due 20/1, before the plan: it is not asked for
    plan = forms["monthly"][0]
    assert [p.id for p in periods(plan)][:2] == ["2026-02", "2026-03"]
    with pytest.raises(ValueError, match="trước ngày ban hành kế hoạch"):
        period(plan, "2026-01")
    assert "trước ngày 20 hằng tháng, từ tháng 2/2026 đến tháng 12/2026" in letter(forms, "monthly", "tram-y-te")


def test_daily_at_set_hours(forms):
    plan = forms["daily"][0]
    assert [(p.id, p.label, p.due_time) for p in periods(plan)][:3] == [
        ("2026-07-01T0700", "7 giờ 00 ngày 1/7/2026", "07:00"),
        ("2026-07-01T1500", "15 giờ 00 ngày 1/7/2026", "15:00"),
        ("2026-07-02T0700", "7 giờ 00 ngày 2/7/2026", "07:00"),
    ]
    assert len(periods(plan)) == 6
    assert ("- Báo cáo hằng ngày (số liệu trong ngày): trước 7 giờ 00 và 15 giờ 00 hằng ngày, từ ngày 1/7/2026 "
            "đến ngày 3/7/2026.") in letter(forms, "daily", "tram-y-te").split("\n")
    report = next(d for d in forms["daily"][2] if d.kind == "report-template" and d.period == "2026-07-01T1500")
    assert "(Hạn gửi: trước 15 giờ 00 ngày 1/7/2026, qua" in docx_text(report.data)
    calendar = next(d.data for d in forms["daily"][2] if d.path == "lich/tram-y-te.ics")
    assert calendar.count(b"BEGIN:VEVENT") >= 6


def test_one_off_reports_and_one_due_before_the_plan(forms):
    plan, diagnostics, documents = forms["once"]
    assert [(p.id, p.label, p.start, p.due) for p in periods(plan)] == [
        ("so-ket", "sơ kết 6 tháng thực hiện Kế hoạch", PLAN_DATE, dt.date(2026, 6, 15))]
    warned = [d for d in diagnostics if d.code == "KH098"]
    assert len(warned) == 1 and "15/1/2026 trước ngày ban hành kế hoạch" in warned[0].message
    text = letter(forms, "once", "tram-y-te")
    assert ("- Báo cáo sơ kết 6 tháng thực hiện Kế hoạch (số liệu từ ngày 3/2/2026 đến ngày 15/6/2026): trước ngày "
            "15/6/2026.") in text.split("\n")
    assert "truoc-ke-hoach" not in text and "15/1/2026" not in text
    assert "Báo cáo kết quả thực hiện các nhiệm vụ được giao, gửi về" in text     # not "Định kỳ": one-off only
    assert {d.period for d in documents if d.kind == "report-template"} == {"so-ket"}


def test_on_request_only(forms):
    plan, diagnostics, documents = forms["on-request"]
    assert periods(plan) == () and not [d for d in documents if d.kind == "report-template"]
    lines = letter(forms, "on-request", "tram-y-te").split("\n")
    assert "- Báo cáo đột xuất: khi có yêu cầu." in lines
    assert not any(line.startswith("Định kỳ báo cáo") for line in lines)


def test_two_tier_chain(forms):
    plan, _, documents = forms["two-tier"]
    annual = period(plan, "2026")
    assert (annual.due, annual.via_due, annual.consolidated_due) == (
        dt.date(2026, 11, 15), dt.date(2026, 11, 20), dt.date(2026, 11, 30))
    focal = letter(forms, "two-tier", "van-phong").split("\n")
    assert ("Văn phòng HĐND và UBND xã tổng hợp báo cáo của các cơ quan, đơn vị, gửi UBND xã Tân Lập theo thời hạn "
            "sau:") in focal
    assert "- Tổng hợp báo cáo năm 2026: trước ngày 20/11/2026." in focal
    other = letter(forms, "two-tier", "tram-y-te")
    assert "tổng hợp báo cáo của các cơ quan" not in other and "- Báo cáo năm 2026 (số liệu" in other
    calendar = next(d.data for d in documents if d.path == "lich/van-phong.ics")
    assert b"DTSTART;VALUE=DATE:20261120" in calendar and "Hạn tổng hợp báo cáo năm 2026".encode() in calendar


def test_fixed_yearly_date_through_the_focal_agency(forms):
    plan = forms["fixed-yearly"][0]
    assert [(p.id, p.start, p.end, p.due) for p in periods(plan)] == [
        ("2026", dt.date(2025, 11, 1), dt.date(2026, 10, 31), dt.date(2026, 11, 15))]
    assert ("Định kỳ báo cáo kết quả thực hiện các nhiệm vụ được giao, gửi về UBND xã Tân Lập (qua Văn phòng HĐND và "
            "UBND xã) theo thời hạn sau:") in letter(forms, "fixed-yearly", "tram-y-te").split("\n")


def test_no_periodic_report(forms):
    plan, diagnostics, documents = forms["none"]
    assert periods(plan) == () and not [d for d in diagnostics if d.severity.value == "error"]
    assert not [d for d in documents if d.kind in ("report-template", "consolidated-report")]
    assert "Chế độ báo cáo" not in letter(forms, "none", "tram-y-te")


@pytest.mark.parametrize("reporting, code, words", [
    (HEAD + "  periods: [monthly]\n  open: [\"2026-01\"]\n", "KH062", "có hạn gửi trước ngày ban hành kế hoạch"),
    (HEAD + "  periods: [daily]\n", "KH079", "không khai báo reporting.daily"),
    (HEAD + "  periods: [daily]\n  daily: {from: \"2026-07-03\", to: \"2026-07-01\"}\n", "KH079",
     "trước ngày bắt đầu"),
    (HEAD + "  periods: [once]\n  once:\n    - {due: \"2027-01-15\"}\n", "KH079", "nằm ngoài giai đoạn kế hoạch"),
    (HEAD + "  periods: [annual]\n  via_due: {annual: \"12-10\"}\n", "KH061", "trước hạn các cơ quan gửi báo cáo"),
    (HEAD.replace("  via: van-phong\n", "") + "  periods: [annual]\n  via_due: {annual: \"12-22\"}\n", "KH079",
     "không khai báo cơ quan đầu mối"),
    (HEAD + "  periods: [quarterly]\n  due: {quarterly: \"32\"}\n", "KH060", "không phải một ngày trong tháng"),
])
def test_schedule_errors_are_positioned(tmp_path, reporting, code, words):
    folder = write_form(tmp_path / "plan", reporting)
    plan, diagnostics = kehoach.check_plan(folder)
    found = [d for d in diagnostics if d.code == code]
    assert plan is None and found, [str(d) for d in diagnostics]
    assert words in found[0].message and found[0].path.endswith("plan.yaml") and found[0].line > 1


@pytest.mark.parametrize("name, ident", [("quarterly", "2026-Q1"), ("monthly-next", "2026-01"),
                                         ("daily", "2026-07-01T0700"), ("once", "so-ket")])
def test_returns_of_every_period_kind_load_back(tmp_path, name, ident):
    """`report init` writes blank returns for the open period of every kind, and
    the one validation pipeline reads them back without a diagnostic."""
    from kehoach.returns import init_returns, write_returns
    folder = write_form(tmp_path / "plan", FORMS[name])
    plan, _ = kehoach.check_plan(folder)
    files = init_returns(plan, ident)
    assert files and all(path.startswith(f"reports/{ident}/") for path in files)
    write_returns(folder, files)
    result = kehoach.check_plan(folder)
    assert result.plan is not None and [str(d) for d in result.diagnostics if d.code != "KH098"] == []
    assert list(result.returns) == [ident]
    assert {r.period_id for r in result.returns[ident]} == {ident} and len(result.returns[ident]) == len(files)
