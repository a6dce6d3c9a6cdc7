"""The workflow documents as ``build()`` writes them: letters (công văn, Mẫu 1.5),
report templates (báo cáo of one agency, Mẫu 1.4 + Phụ lục), the consolidated
report (báo cáo tổng hợp) with its Markdown summary, and the manifest.

Everything is read back from the .docx files in the output folder (the XML,
with the effective formatting resolved as a word processor does, by the
readers of ``ooxml.py``), never from the contexts that produced them.  The
expected values are computed here from the plan's data (who leads or supports
which task) or known by construction: the returns of the consolidation
scenario are written by this module with chosen statuses, so the figures the
report must print follow from those choices, not from the consolidation code.

The plain build is the run's shared one (``plan_build`` in conftest.py); the
scenarios are built a handful of times per module (module-scoped fixtures); the
CLI runs in process (``conftest.run_cli``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from lxml import etree

import kehoach
from kehoach.build import BuildOptions, build
from kehoach.returns import expected_agencies, init_returns
from kehoach.templating.generate import STYLE_NAMES, WORKFLOW_STYLE_NAMES

from conftest import AS_OF, PLAN, norm, position, run_cli
from ooxml import (FONT_SLOTS, NS, Docx, Para, _containing_table, _flag, cell_text, cells_of, find_para,
                   has_page_field, mm_to_twips, next_para, paragraphs, pg, rows_of, span, tables, w)

PERIOD = "2025-H1"
DUE = dt.date(2025, 6, 20)          # reporting.due half-year "06-20" in plan/plan.yaml
LATE = dt.date(2025, 6, 25)          # after the due date: missing agencies are overdue
COMMUNE_GROUP = "ubnd-cac-xa"
REPORTERS_LINE = "reporters: [co-quan-huyen, ubnd-cac-xa]"
NON_REPORTER = "hoi-lhpn"            # leads 3.4 and supports tasks: made a non-reporter in a copy
KINDS = {"plan", "letter", "report-template", "consolidated-report", "calendar", "preview", "dashboard"}


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- readers of these documents --------------------------------------------------------


def table_with_header(doc: Docx, header: list[str]) -> etree._Element:
    found = [t for t in tables(doc) if [cell_text(c) for c in cells_of(rows_of(t)[0])] == header]
    assert len(found) == 1, f"exactly one table with the header {header}"
    return found[0]


def body_paras(doc: Docx) -> list[Para]:
    """Non-empty paragraphs of the body outside any table, in order."""
    return [Para(doc, p) for p in doc.body.iter(w("p")) if _containing_table(p) is None and norm(
        "".join(p.xpath(".//w:t/text()", namespaces=NS)))]


def header_left_lines(doc: Docx) -> list[Para]:
    """Non-empty paragraphs of ô 2 (first cell of the header table)."""
    first = cells_of(rows_of(tables(doc)[0])[0])[0]
    return [p for p in paragraphs(doc, first) if p.text]


def signature_cells(doc: Docx) -> tuple[list[Para], list[Para]]:
    sig = [t for t in tables(doc) if "Nơi nhận:" in [p.text for p in paragraphs(doc, t)]]
    assert len(sig) == 1, "exactly one signature table"
    left, right = cells_of(rows_of(sig[0])[0])
    return [p for p in paragraphs(doc, left) if p.text], paragraphs(doc, right)


def section_one_end(doc: Docx) -> int:
    """Index, among the body's children, of the paragraph closing section 1."""
    children = list(doc.body)
    for i, child in enumerate(children):
        if child.tag == w("p") and child.find("w:pPr/w:sectPr", NS) is not None:
            return i
    raise AssertionError("no section break in the body")


# --- expectations from the plan's data ---------------------------------------------------


def lead_ids(plan, agency: str) -> list[str]:
    return [t.id for t in plan.tasks if agency in plan.lead_agencies(t)]


def support_ids(plan, agency: str) -> list[str]:
    return [t.id for t in plan.tasks if agency in plan.support_agencies(t)]


def direct_support_ids(plan, agency: str) -> list[str]:
    """Tasks the agency coordinates on, named directly (listed in full in its letter)."""
    return [t.id for t in plan.tasks if agency in plan.support_agencies(t) and agency in t.support]


def member_ids(plan, agency: str) -> list[str]:
    """Tasks it coordinates on only as a member of a named group (one summary line per group)."""
    return [t.id for t in plan.tasks if agency in plan.support_agencies(t) and agency not in t.support]


def header_lines_expected(plan, agency_id: str) -> list[str]:
    """Ô 2 of an agency's report: its parent (if any), then its name in capitals,
    a People's Committee's name split after "ỦY BAN NHÂN DÂN"."""
    agency = plan.registry.agencies[agency_id]
    lines = [agency.parent] if agency.parent else []
    prefix = "Ủy ban nhân dân "
    if agency.name.startswith(prefix):
        lines += ["ỦY BAN NHÂN DÂN", agency.name[len(prefix):].upper()]
    else:
        lines.append(agency.name.upper())
    return lines


def expected_due_lines(plan) -> list[str]:
    """The reporting duty of a letter, one line per period of the plan (2025-H1 … 2030)."""
    assert (plan.start_year, plan.end_year) == (2025, 2030)
    lines = []
    for y in range(plan.start_year, plan.end_year + 1):
        lines.append(f"- Báo cáo 6 tháng đầu năm {y} (số liệu từ ngày 15/12/{y - 1} đến ngày 14/6/{y}): "
                     f"trước ngày 20/6/{y};")
        lines.append(f"- Báo cáo năm {y} (số liệu từ ngày 15/12/{y - 1} đến ngày 14/12/{y}): "
                     f"trước ngày 20/12/{y};")
    lines[-1] = lines[-1][:-1] + "."
    return lines


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan(plan_build):
    return plan_build.plan


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("workflow")


@pytest.fixture(scope="module")
def out(plan_build) -> Path:
    """The fixture plan built as shipped (no returns), as of LATE: plan, letters, report
    templates, calendars (the run's shared build: read only)."""
    assert plan_build.result.manifest and LATE == AS_OF
    return plan_build.out


def docx_at(folder: Path, rel: str) -> Docx:
    path = folder / rel
    assert path.is_file(), f"{rel} was not built"
    return Docx(path.read_bytes())


def fill(text: str, statuses) -> str:
    """Give each task of a blank return the next status of ``statuses``; an
    answered task gets the result "Kết quả nhiệm vụ <id>".  Every return is
    dated 18/6/2025: a partial one stays a draft all the same."""
    data = yaml.safe_load(text)
    data["submitted"] = "2025-06-18"
    assert len(data["tasks"]) == len(statuses)
    for task, status in zip(data["tasks"], statuses):
        task["status"] = status
        if status:
            task["result"] = f"Kết quả nhiệm vụ {task['task']}"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


#: The returns of the consolidation scenario: agency -> how its tasks are answered.
#: complete (every task done), partial (first task in progress, the rest null: a
#: draft, not counted), complete (all in progress), one commune of thirteen (nothing started).
SCENARIO = {
    "phong-y-te": "all:hoan-thanh",
    "phong-tu-phap": "first:dang-thuc-hien",
    "thanh-tra": "all:dang-thuc-hien",
    "xa-binh-lu": "all:chua-thuc-hien",
}


@pytest.fixture(scope="module")
def scenario(root) -> Path:
    """A copy of the plan with the returns of SCENARIO under reports/2025-H1/."""
    target = root / "scenario" / "plan"
    shutil.copytree(PLAN, target)
    plan = kehoach.load_plan(target)
    blanks = init_returns(plan, PERIOD)
    for agency, how in SCENARIO.items():
        rel = f"reports/{PERIOD}/{agency}.yaml"
        n = len(yaml.safe_load(blanks[rel])["tasks"])
        which, status = how.split(":")
        statuses = [status] * n if which == "all" else [status] + [None] * (n - 1)
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(fill(blanks[rel], statuses), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def scenario_plan(scenario):
    return kehoach.load_plan(scenario)


@pytest.fixture(scope="module")
def late_out(root, scenario_plan) -> Path:
    target = root / "late"
    build(scenario_plan, target, options=BuildOptions(as_of=LATE))
    return target


@pytest.fixture(scope="module")
def due_out(root, scenario_plan) -> Path:
    target = root / "due"
    build(scenario_plan, target, options=BuildOptions(as_of=DUE))
    return target


@pytest.fixture(scope="module")
def expected_status(plan) -> dict[str, str]:
    """Each task's status word, known from SCENARIO: a task takes its lead's answer;
    the commune-led tasks were answered by one commune of thirteen only."""
    out = {}
    for t in plan.tasks:
        if t.leads == ("phong-y-te",):
            out[t.id] = "Hoàn thành"
        elif t.leads == ("thanh-tra",):
            out[t.id] = "Đang thực hiện"
        elif t.leads == (COMMUNE_GROUP,):
            out[t.id] = "Chưa thực hiện (1/13 đơn vị đã báo cáo)"
        else:
            out[t.id] = "Chưa có báo cáo"
    return out


# =========================================================================================
# 1. Letters
# =========================================================================================


def letter_sections(doc: Docx) -> dict[str, object]:
    """The letter's body split by its numbered headings: task ids under the lead
    and the support heading, the lines under the reporting heading, and the
    headings themselves."""
    heads = {
        "lead": re.compile(r"(\d+)\. Nhiệm vụ chủ trì thực hiện"),
        "support": re.compile(r"(\d+)\. Nhiệm vụ phối hợp thực hiện"),
        "duties": re.compile(r"(\d+)\. Trách nhiệm tổ chức thực hiện"),
        "reporting": re.compile(r"(\d+)\. Chế độ báo cáo"),
    }
    out: dict[str, object] = {"lead": [], "support": [], "member": [], "duties": [], "reporting": [],
                              "headings": [], "other_tasks": []}
    current = None
    for p in body_paras(doc):
        matched = [k for k, rx in heads.items() if rx.fullmatch(p.text)]
        if matched:
            current = matched[0]
            out["headings"].append(p.text)
            continue
        member = re.fullmatch(r"- Là thành viên của (.+): phối hợp thực hiện (\d+) nhiệm vụ số (.+) "
                              r"theo Phụ lục kèm theo Kế hoạch\.", p.text)
        if current == "support" and member:
            ids = member.group(3).split(", ")
            assert len(ids) == int(member.group(2)), p.text
            out["member"] += ids
            continue
        m = re.match(r"- Nhiệm vụ (\S+): ", p.text)
        if current in ("lead", "support") and m:
            out[current].append(m.group(1))
        elif m:
            out["other_tasks"].append(m.group(1))
        elif p.text.endswith("./."):
            out["closing"] = p.text
            current = None
        elif current in ("reporting", "duties"):
            out[current].append(p.text)
    return out


def test_one_letter_per_agency_with_tasks_or_duties(out, plan):
    involved = set()
    for t in plan.tasks:
        involved |= set(plan.lead_agencies(t)) | set(plan.support_agencies(t))
    assert set(plan.agencies_with_tasks()) == involved
    # duties of "Tổ chức thực hiện" bind every member of the groups they name
    bound = set()
    for members, _ in plan.responsibilities():
        bound |= set(members)
    letters = {p.stem for p in (out / "cong-van").iterdir()}
    assert {p.suffix for p in (out / "cong-van").iterdir()} == {".docx"}
    assert letters == involved | bound
    assert bound - involved == {"ban-chqs", "phong-kt-ht"}, "members of a duty group without any task"
    assert len(letters) == 36


def test_each_letter_lists_exactly_its_tasks_by_role(out, plan):
    for agency in plan.agencies_with_tasks():
        doc = docx_at(out, f"cong-van/{agency}.docx")
        sections = letter_sections(doc)
        lead, support = lead_ids(plan, agency), direct_support_ids(plan, agency)
        assert sections["lead"] == lead, agency
        assert sections["support"] == support, agency
        assert sorted(sections["member"]) == sorted(member_ids(plan, agency)), agency
        assert sections["other_tasks"] == [], agency
        # numbering: 1. lead (if any), then support (if any), then reporting
        expected_heads = []
        if lead:
            expected_heads.append("Nhiệm vụ chủ trì thực hiện")
        if support or member_ids(plan, agency):
            expected_heads.append("Nhiệm vụ phối hợp thực hiện")
        if plan.duties_of(agency):
            expected_heads.append("Trách nhiệm tổ chức thực hiện")
        expected_heads.append("Chế độ báo cáo")
        assert sections["headings"] == [f"{i}. {h}" for i, h in enumerate(expected_heads, 1)], agency


def test_letters_carry_the_duties_that_bind_them(out, plan):
    """A duty of "Tổ chức thực hiện" reaches the agency it names and every member
    of a group it names, with its points, word for word."""
    office = letter_sections(docx_at(out, "cong-van/vp-hdnd-ubnd.docx"))["duties"]
    assert office[0].startswith("Văn phòng HĐND - UBND huyện: Chủ trì, phối hợp với các cơ quan, đơn vị")
    group_duty = next(b for b in plan.sections[2].blocks if "co-quan-huyen" in b.responsible)
    expected = [norm(group_duty.title)] + [norm(f"{c.marker} {c.text}") for c in group_duty.children]
    for agency in ("phong-kt-ht", "xa-binh-lu", "hoi-lhpn"):
        assert letter_sections(docx_at(out, f"cong-van/{agency}.docx"))["duties"] == expected, agency
    # an agency with duties and no task still gets its letter
    kt = letter_sections(docx_at(out, "cong-van/phong-kt-ht.docx"))
    assert kt["lead"] == kt["support"] == kt["member"] == [] and kt["headings"][0] == "1. Trách nhiệm tổ chức thực hiện"


def test_task_details_in_letters(out, plan):
    """Under each lead task its coordinators by name; under each supported task its lead."""
    names = plan.registry.name
    for agency in ("phong-y-te", "xa-binh-lu"):
        texts = [p.text for p in body_paras(docx_at(out, f"cong-van/{agency}.docx"))]
        for tid in lead_ids(plan, agency):
            t = plan.task(tid)
            i = texts.index(norm(f"- Nhiệm vụ {t.id}: {t.content}"))
            detail = texts[i + 1]
            for ref in t.support:
                assert norm(names(ref)) in detail, (agency, tid, ref)
            assert detail.endswith(norm(f"sản phẩm: {t.output}")), (agency, tid, detail)
        for tid in direct_support_ids(plan, agency):
            t = plan.task(tid)
            i = texts.index(norm(f"- Nhiệm vụ {t.id}: {t.content}"))
            assert texts[i + 1].startswith(norm(f"Cơ quan chủ trì: {t.lead_cell}; thời gian thực hiện: ")), tid


def test_group_led_task_is_in_every_commune_letter(out, plan):
    communes = plan.registry.groups[COMMUNE_GROUP].members
    assert len(communes) == 13
    group_tasks = [t.id for t in plan.tasks if t.leads == (COMMUNE_GROUP,)]
    assert group_tasks
    for commune in communes:
        sections = letter_sections(docx_at(out, f"cong-van/{commune}.docx"))
        for tid in group_tasks:
            assert tid in sections["lead"], (commune, tid)


def test_letter_addressee_subject_and_recipients(out, plan):
    extra = [f"- {r};" for r in plan.letters["recipients"]]
    for agency in plan.agencies_with_tasks():
        doc = docx_at(out, f"cong-van/{agency}.docx")
        texts = [p.text for p in body_paras(doc)]
        assert f"Kính gửi: {plan.registry.name(agency)}." in texts, agency
        number_cell = cells_of(rows_of(tables(doc)[0])[1])[0]
        cell = [p.text for p in paragraphs(doc, number_cell) if p.text]
        assert cell[0] == "Số: /UBND-VP", cell
        assert cell[1].startswith("V/v triển khai thực hiện Kế hoạch số"), cell
        left, _ = signature_cells(doc)
        lines = [p.text for p in left]
        assert lines[0] == "Nơi nhận:"
        assert lines[1] == "- Như trên;", agency
        assert lines[-1] == "- Lưu: VT, VP.", agency
        assert lines[2:-1] == extra, agency


def test_letter_lists_every_reporting_period_with_its_due_date(out, plan):
    expected = expected_due_lines(plan)
    assert "- Báo cáo 6 tháng đầu năm 2025 (số liệu từ ngày 15/12/2024 đến ngày 14/6/2025): " \
           "trước ngày 20/6/2025;" == expected[0]
    assert expected[-1].endswith("trước ngày 20/12/2030.")
    for agency in plan.agencies_with_tasks():
        assert agency in plan.reporters()
        reporting = letter_sections(docx_at(out, f"cong-van/{agency}.docx"))["reporting"]
        assert reporting[0].startswith("Định kỳ báo cáo kết quả thực hiện các nhiệm vụ được giao, gửi về "
                                       "UBND huyện Tam Đường (qua Văn phòng HĐND - UBND huyện)"), agency
        due_lines = [t for t in reporting if t.startswith("- Báo cáo ")]
        assert due_lines == expected, agency


@pytest.fixture(scope="module")
def non_reporter_out(root) -> tuple[object, Path]:
    """A copy of the plan where NON_REPORTER is left out of reporting.reporters."""
    target = root / "non-reporter" / "plan"
    shutil.copytree(PLAN, target)
    plan = kehoach.load_plan(PLAN)
    reporters = [a for a in plan.reporters() if a != NON_REPORTER]
    text = (target / "plan.yaml").read_text(encoding="utf-8")
    assert REPORTERS_LINE in text
    (target / "plan.yaml").write_text(text.replace(REPORTERS_LINE, f"reporters: [{', '.join(reporters)}]"),
                                      encoding="utf-8")
    copy = kehoach.load_plan(target)
    assert NON_REPORTER in copy.agencies_with_tasks() and NON_REPORTER not in copy.reporters()
    dest = root / "non-reporter" / "out"
    build(copy, dest, options=BuildOptions(as_of=LATE))
    return copy, dest


def test_agency_that_does_not_report_gets_no_due_dates(non_reporter_out):
    plan, dest = non_reporter_out
    assert (dest / "cong-van" / f"{NON_REPORTER}.docx").is_file(), "it still has tasks: it gets a letter"
    sections = letter_sections(docx_at(dest, f"cong-van/{NON_REPORTER}.docx"))
    assert sections["lead"] == lead_ids(plan, NON_REPORTER)
    assert sections["support"] == direct_support_ids(plan, NON_REPORTER)
    assert sorted(sections["member"]) == sorted(member_ids(plan, NON_REPORTER))
    assert re.fullmatch(r"[34]\. Chế độ báo cáo", sections["headings"][-1])
    reporting = sections["reporting"]
    assert not any(re.search(r"\d{1,2}/\d{1,2}/\d{4}", t) for t in reporting), reporting
    assert not any(t.startswith("- Báo cáo ") or "Định kỳ báo cáo" in t for t in reporting), reporting
    assert len(reporting) == 1 and reporting[0].startswith("Chủ động phối hợp, cung cấp"), reporting
    assert sections["closing"] == "Đề nghị Hội LHPN huyện quan tâm, triển khai thực hiện./."
    # …and no report template is built for it
    assert NON_REPORTER not in expected_agencies(plan, PERIOD)
    assert not (dest / "bao-cao" / PERIOD / f"{NON_REPORTER}.docx").exists()
    # a reporter in the same build still gets its due dates
    other = letter_sections(docx_at(dest, "cong-van/phong-y-te.docx"))["reporting"]
    assert [t for t in other if t.startswith("- Báo cáo ")] == expected_due_lines(plan)


@pytest.fixture(scope="module")
def letter(out) -> Docx:
    return docx_at(out, "cong-van/xa-binh-lu.docx")


def test_letter_page_setup_and_page_numbers(letter):
    sections = letter.sections()
    assert len(sections) == 1
    s = sections[0]
    assert abs(int(pg(s, "pgSz", "w")) - mm_to_twips(210)) <= 1
    assert abs(int(pg(s, "pgSz", "h")) - mm_to_twips(297)) <= 1
    assert pg(s, "pgSz", "orient") in (None, "portrait")
    for side, mm in {"top": 20, "bottom": 20, "left": 30, "right": 15}.items():
        assert abs(int(pg(s, "pgMar", side)) - mm_to_twips(mm)) <= 1, side
    title_pg = s.find("w:titlePg", NS)
    assert title_pg is not None and _flag(title_pg), "different first page"
    first, default = letter.header_part(s, "first"), letter.header_part(s, "default")
    assert first is not None and default is not None
    assert has_page_field(default) and not has_page_field(first)


def test_letter_sizes_and_styles(letter):
    body = body_paras(letter)
    kinh_gui = find_para(body, "Kính gửi: Ủy ban nhân dân xã Bình Lư.")
    assert kinh_gui.sizes() == {14.0} and kinh_gui.no_run("b")
    number_cell = cells_of(rows_of(tables(letter)[0])[1])[0]
    vv = next(p for p in paragraphs(letter, number_cell) if p.text.startswith("V/v "))
    assert vv.sizes() == {13.0} and vv.no_run("b") and vv.no_run("i")
    left, _ = signature_cells(letter)
    assert left[0].text == "Nơi nhận:"
    assert left[0].sizes() == {12.0} and left[0].all_runs("b") and left[0].all_runs("i")
    for p in left[1:]:
        assert p.sizes() == {11.0} and p.no_run("b") and p.no_run("i"), p.text
    # the body ends with "./." just before the signature block
    assert body[-1].text == "Đề nghị UBND xã Bình Lư quan tâm, triển khai thực hiện./."
    assert body[-1].text.endswith("./.")
    for p in body:
        for run in p.runs():
            for slot in FONT_SLOTS:
                assert p.rpr(run, "rFonts", slot) == "Times New Roman", (p.text[:30], slot)
            assert p.rpr(run, "lang") == "vi-VN", p.text[:30]


# =========================================================================================
# 2. Report templates
# =========================================================================================


REPORT_HEADER = ["STT", "Nhiệm vụ", "Vai trò", "Cơ quan chủ trì", "Thời gian thực hiện",
                 "Kết quả thực hiện", "Tiến độ", "Ghi chú"]


def test_one_report_template_per_expected_agency(out, plan):
    expected = set(expected_agencies(plan, PERIOD))
    assert expected, "the bundled plan has reporters with tasks"
    built = {p.stem for p in (out / "bao-cao" / PERIOD).iterdir()}
    assert built == expected
    assert [p.name for p in (out / "bao-cao").iterdir()] == [PERIOD], "only the open period"


def test_report_template_table_lists_exactly_the_agency_tasks(out, plan):
    for agency in expected_agencies(plan, PERIOD):
        doc = docx_at(out, f"bao-cao/{PERIOD}/{agency}.docx")
        s1, s2 = doc.sections()
        assert pg(s2, "pgSz", "orient") == "landscape"
        assert int(pg(s2, "pgSz", "w")) > int(pg(s2, "pgSz", "h"))
        table = table_with_header(doc, REPORT_HEADER)
        assert list(doc.body).index(table) > section_one_end(doc), "the task table is in section 2"
        leads, supports = set(lead_ids(plan, agency)), set(support_ids(plan, agency))
        mine = [t.id for t in plan.tasks if t.id in leads | supports]  # appendix order
        rows = [[cell_text(c) for c in cells_of(tr)] for tr in rows_of(table)[1:]]
        assert [r[0] for r in rows] == mine, agency
        for r in rows:
            task = plan.task(r[0])
            assert r[1] == norm(task.content), (agency, r[0])
            assert r[2] == ("Chủ trì" if r[0] in leads else "Phối hợp"), (agency, r[0])
            assert r[3] == norm(task.lead_cell), (agency, r[0])
            assert r[5:] == ["", "", ""], (agency, r[0], r[5:])


def test_report_template_header_title_and_sections(out, plan):
    for agency in expected_agencies(plan, PERIOD):
        doc = docx_at(out, f"bao-cao/{PERIOD}/{agency}.docx")
        ag = plan.registry.agencies[agency]
        lines = header_left_lines(doc)
        expected = header_lines_expected(plan, agency)
        assert [p.text for p in lines if not p.text.startswith("Số:")] == expected, agency
        if ag.parent:
            assert lines[0].no_run("b"), "the parent body is regular"
        for p in lines[1 if ag.parent else 0:len(expected)]:
            assert p.all_runs("b"), (agency, p.text)
        body = body_paras(doc)
        texts = [p.text for p in body]
        title = find_para(body, "BÁO CÁO")
        subject = next_para([p for p in paragraphs(doc) if _containing_table(p.el) is None], title)
        assert subject.text.startswith("Kết quả thực hiện Kế hoạch số"), subject.text
        assert subject.text.endswith("6 tháng đầu năm 2025"), subject.text
        assert "Kính gửi: Ủy ban nhân dân huyện Tam Đường." in texts
        for heading in ("I. KẾT QUẢ THỰC HIỆN", "II. ĐÁNH GIÁ CHUNG",
                        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", "IV. ĐỀ XUẤT, KIẾN NGHỊ"):
            assert find_para(body, heading).all_runs("b"), heading
        assert texts.index("I. KẾT QUẢ THỰC HIỆN") < texts.index("II. ĐÁNH GIÁ CHUNG") < \
            texts.index("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI") < texts.index("IV. ĐỀ XUẤT, KIẾN NGHỊ")
        assert any(f"{norm(ag.name)} báo cáo kết quả thực hiện 6 tháng đầu năm 2025 (số liệu từ ngày "
                   f"15/12/2024 đến ngày 14/6/2025)" in t for t in texts), agency
        assert any("trước ngày 20/6/2025" in t for t in texts), agency


def test_commune_report_header_is_the_commune_under_the_district(out):
    doc = docx_at(out, f"bao-cao/{PERIOD}/xa-binh-lu.docx")
    lines = header_left_lines(doc)
    assert [p.text for p in lines[:3]] == ["UBND HUYỆN TAM ĐƯỜNG", "ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ"]
    date_cell = cells_of(rows_of(tables(doc)[0])[1])[1]
    assert [p.text for p in paragraphs(doc, date_cell) if p.text] == ["Bình Lư, ngày tháng 6 năm 2025"]


def test_build_period_2026_renders_that_period(root, plan):
    dest = root / "p2026"
    result = run_cli("build", str(PLAN), "-o", str(dest), "--period", "2026", "--as-of", "2026-12-25", cwd=root)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (dest / "bao-cao").iterdir()] == ["2026"]
    assert {p.stem for p in (dest / "bao-cao" / "2026").iterdir()} == set(expected_agencies(plan, "2026"))
    doc = docx_at(dest, "bao-cao/2026/xa-binh-lu.docx")
    texts = [p.text for p in body_paras(doc)]
    subject = texts[texts.index("BÁO CÁO") + 1]
    assert subject.endswith("năm 2026") and "6 tháng" not in subject, subject
    assert any("báo cáo kết quả thực hiện năm 2026 (số liệu từ ngày 15/12/2025 đến ngày 14/12/2026)" in t
               for t in texts)
    assert any("trước ngày 20/12/2026" in t for t in texts)
    assert not any("2025-H1" in t or "6 tháng đầu năm 2025" in t for t in texts)
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    assert {e["period"] for e in manifest["documents"] if e["kind"] == "report-template"} == {"2026"}


@pytest.mark.parametrize("bad, words", [
    ("2031", "nằm ngoài giai đoạn kế hoạch 2025-2030"),
    ("2025-H3", "mã kỳ báo cáo '2025-H3' không hợp lệ"),
])
def test_unknown_period_exits_with_a_message_and_leaves_output(root, out, bad, words):
    before = tree(out)
    result = run_cli("build", str(PLAN), "-o", str(out), "--period", bad, cwd=root)
    assert result.returncode in (1, 2), (result.returncode, result.stderr)
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "lỗi nội bộ" not in result.stderr, result.stderr
    assert result.stdout == ""
    assert tree(out) == before


# =========================================================================================
# 3. Consolidated report
# =========================================================================================


COUNTS_RX = re.compile(r"Kế hoạch có (\d+) nhiệm vụ, trong đó: hoàn thành (\d+); đang thực hiện (\d+); "
                       r"chưa thực hiện (\d+); chưa có báo cáo (\d+)\.")
AGENCY_HEADER = ["STT", "Cơ quan, đơn vị", "Chủ trì", "Phối hợp", "Hoàn thành", "Đang thực hiện",
                 "Chưa thực hiện", "Chưa trả lời", "Tình trạng"]
APPENDIX_HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Tình trạng", "Kết quả thực hiện của các cơ quan, đơn vị",
                   "Khó khăn, đề xuất"]


def expected_counts(expected_status) -> tuple[int, int, int, int, int]:
    words = [s.split(" (")[0] for s in expected_status.values()]
    return (len(words), words.count("Hoàn thành"), words.count("Đang thực hiện"),
            words.count("Chưa thực hiện"), words.count("Chưa có báo cáo"))


def test_scenario_is_what_it_says(plan, expected_status):
    total, done, in_progress, not_started, no_answer = expected_counts(expected_status)
    assert total == len(plan.tasks) == 39
    assert done == len([t for t in plan.tasks if t.leads == ("phong-y-te",)]) > 0
    assert in_progress == 1 and not_started == 5 and no_answer > 0


def test_counts_sentence(late_out, due_out, expected_status):
    total, done, in_progress, not_started, no_answer = expected_counts(expected_status)
    sentence = (f"Kế hoạch có {total} nhiệm vụ, trong đó: hoàn thành {done}; đang thực hiện {in_progress}; "
                f"chưa thực hiện {not_started}; chưa có báo cáo {no_answer}.")
    for folder in (late_out, due_out):
        texts = [p.text for p in body_paras(docx_at(folder, f"tong-hop/{PERIOD}.docx"))]
        assert sentence in texts, [t for t in texts if COUNTS_RX.match(t)]


def test_reporting_situation_and_missing_list(late_out, plan):
    expected = expected_agencies(plan, PERIOD)
    texts = [p.text for p in body_paras(docx_at(late_out, f"tong-hop/{PERIOD}.docx"))]
    # phong-y-te, thanh-tra, xa-binh-lu answered every task; phong-tu-phap's partial return is a draft
    assert (f"Tính đến ngày 25/6/2025, có 3/{len(expected)} cơ quan, đơn vị gửi báo cáo (hạn gửi ngày "
            f"20/6/2025), trong đó 3 đơn vị gửi đúng hạn, 0 đơn vị gửi muộn.") in texts
    intro = "Các cơ quan, đơn vị chưa gửi báo cáo (đã quá hạn ngày 20/6/2025):"
    assert intro in texts
    missing = [plan.registry.name(a) + (" (mới có bản nháp)" if a == "phong-tu-phap" else "")
               for a in expected if a not in SCENARIO or a == "phong-tu-phap"]
    start = texts.index(intro) + 1
    listed = texts[start:start + len(missing)]
    assert listed == [f"- {n}{'.' if i == len(missing) - 1 else ';'}" for i, n in enumerate(missing)]
    assert not texts[start + len(missing)].startswith("- "), "nothing more in the list"


def test_no_overdue_mention_on_the_due_date(due_out, plan):
    doc = docx_at(due_out, f"tong-hop/{PERIOD}.docx")
    texts = [p.text for p in body_paras(doc)]
    assert "Các cơ quan, đơn vị chưa gửi báo cáo:" in texts
    assert not any("quá hạn ngày" in t for t in texts), "the due day itself is on time"
    assert "(đã quá hạn ngày 20/6/2025)" not in " ".join(p.text for p in paragraphs(doc))
    assert any(t.startswith("Tính đến ngày 20/6/2025, có 3/36 cơ quan, đơn vị gửi báo cáo") for t in texts)
    states = [cell_text(cells_of(tr)[-1]) for tr in rows_of(table_with_header(doc, AGENCY_HEADER))[1:]]
    assert not any("quá hạn" in s for s in states), states
    md = (due_out / "tong-hop" / f"{PERIOD}.md").read_text(encoding="utf-8")
    agencies_part = md.split("## Cơ quan, đơn vị")[1].split("## Nhiệm vụ chưa có báo cáo")[0]
    assert "quá hạn" not in agencies_part
    assert "- Phòng Nội vụ" in md.splitlines()


def agency_rows_expected(plan, overdue: bool) -> list[list[str]]:
    rows = []
    for i, agency in enumerate(expected_agencies(plan, PERIOD), 1):
        lead, support = len(lead_ids(plan, agency)), len(support_ids(plan, agency))
        n = lead + support
        figures = {"hoan-thanh": 0, "dang-thuc-hien": 0, "chua-thuc-hien": 0, "null": 0}
        how = SCENARIO.get(agency)
        which, status = how.split(":") if how else (None, None)
        if how is None or (which == "first" and n > 1):  # no file, or a draft: nothing counted
            state = ("Chưa gửi (mới có bản nháp)" if how else "Chưa gửi") + (", quá hạn" if overdue else "")
        else:
            figures[status] = n
            state = "Đã gửi đúng hạn (ngày 18/6/2025)"
        rows.append([str(i), norm(plan.registry.name(agency)), str(lead), str(support),
                     str(figures["hoan-thanh"]), str(figures["dang-thuc-hien"]), str(figures["chua-thuc-hien"]),
                     str(figures["null"]), state])
    return rows


@pytest.mark.parametrize("which", ["late", "due"])
def test_agency_table(late_out, due_out, plan, which):
    folder = late_out if which == "late" else due_out
    doc = docx_at(folder, f"tong-hop/{PERIOD}.docx")
    table = table_with_header(doc, AGENCY_HEADER)
    assert list(doc.body).index(table) < section_one_end(doc), "the agency table is in the portrait body"
    rows = [[cell_text(c) for c in cells_of(tr)] for tr in rows_of(table)[1:]]
    assert rows == agency_rows_expected(plan, overdue=(which == "late"))


def test_appendix_table_groups_and_task_statuses(late_out, plan, expected_status):
    doc = docx_at(late_out, f"tong-hop/{PERIOD}.docx")
    s1, s2 = doc.sections()
    assert pg(s2, "pgSz", "orient") == "landscape"
    table = table_with_header(doc, APPENDIX_HEADER)
    assert list(doc.body).index(table) > section_one_end(doc), "the Phụ lục table is in section 2"
    rows = rows_of(table)[1:]
    groups = [tr for tr in rows if [span(c) for c in cells_of(tr)] == [1, 5]]
    assert [cell_text(cells_of(tr)[0]) for tr in groups] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert [cell_text(cells_of(tr)[1]) for tr in groups] == [norm(g.title) for g in plan.appendix.groups]
    for tr in groups:
        for p in paragraphs(doc, tr):
            if p.text:
                assert p.all_runs("b"), p.text
    # the rows in order: each group row, then its tasks
    layout = []
    for tr in rows:
        cells = [cell_text(c) for c in cells_of(tr)]
        layout.append(("group", cells[0]) if len(cells) == 2 else ("task", cells[0]))
    assert layout == [item for g in plan.appendix.groups
                      for item in [("group", g.numeral)] + [("task", t.id) for t in g.tasks]]
    names = plan.registry
    for tr in rows:
        cells = [cell_text(c) for c in cells_of(tr)]
        if len(cells) == 2:
            continue
        assert len(cells) == 6 and [span(c) for c in cells_of(tr)] == [1] * 6
        task = plan.task(cells[0])
        assert cells[1] == norm(task.content)
        assert cells[2] == norm(task.lead_cell)
        assert cells[3] == expected_status[task.id], (task.id, cells[3])
        if task.leads == ("phong-y-te",):
            assert f"Phòng Y tế (chủ trì) — hoàn thành: Kết quả nhiệm vụ {task.id}." in cells[4], cells[4]
        if task.leads == (COMMUNE_GROUP,):
            assert f"UBND xã Bình Lư (chủ trì) — chưa thực hiện: Kết quả nhiệm vụ {task.id}." in cells[4], cells[4]
        if task.id in lead_ids(plan, "phong-tu-phap"):
            assert "Phòng Tư pháp" not in cells[4], "a draft's answers are not consolidated"


def test_markdown_summary_matches(late_out, plan, expected_status):
    md = (late_out / "tong-hop" / f"{PERIOD}.md").read_text(encoding="utf-8")
    total, done, in_progress, not_started, no_answer = expected_counts(expected_status)
    for line in (f"| hoàn thành | {done} |", f"| đang thực hiện | {in_progress} |",
                 f"| chưa thực hiện | {not_started} |", f"| chưa có báo cáo | {no_answer} |",
                 f"| **Tổng số** | **{total}** |"):
        assert line in md.splitlines(), line
    expected = expected_agencies(plan, PERIOD)
    assert f"Đã gửi báo cáo: 3/{len(expected)} cơ quan, đơn vị (đúng hạn 3, gửi muộn 0)." in md
    section = md.split("## Chưa gửi báo cáo", 1)[1].split("##", 1)[0]
    listed = [line for line in section.splitlines() if line.startswith("- ")]
    assert listed == [f"- {plan.registry.name(a)}{' (mới có bản nháp)' if a == 'phong-tu-phap' else ''} (quá hạn)"
                      for a in expected if a not in SCENARIO or a == "phong-tu-phap"]
    no_answer_section = md.split("## Nhiệm vụ chưa có báo cáo", 1)[1].split("##", 1)[0]
    ids = [re.match(r"- (\S+):", line).group(1) for line in no_answer_section.splitlines() if line.startswith("- ")]
    assert ids == [t for t, s in expected_status.items() if s == "Chưa có báo cáo"]


def test_manifest_lists_the_consolidated_report(late_out, out):
    manifest = json.loads((late_out / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in manifest["documents"]}
    for suffix in ("docx", "md", "json"):
        e = entries[f"tong-hop/{PERIOD}.{suffix}"]
        assert e["kind"] == "consolidated-report" and e["period"] == PERIOD
    assert not (out / "tong-hop").exists(), "no returns folder: no consolidated report"


def test_broken_return_fails_the_build_positioned_and_leaves_output(root, scenario, late_out):
    work = root / "broken"
    plan_dir = work / "plan"
    shutil.copytree(scenario, plan_dir)
    # thanh-tra leads 5.2 and supports nothing: task 1.1 (led by Phòng Tư pháp) is not its own
    text = (
        "agency: thanh-tra\n"
        'period: "2025-H1"\n'
        "submitted: null\n"
        "reporter: null\n"
        "tasks:\n"
        '  - task: "5.2"\n'
        "    status: hoan-thanh\n"
        "    result: Đã thanh tra.\n"
        '  - task: "1.1"\n'
        "    status: dang-thuc-hien\n"
        "    result: null\n"
    )
    rel = f"plan/reports/{PERIOD}/thanh-tra.yaml"
    (work / rel).write_text(text, encoding="utf-8")
    line, col = position(text, 'task: "1.1"', len("task: "))
    dest = work / "out"
    shutil.copytree(late_out, dest)  # a previous, good build of the same plan
    before = tree(dest)
    result = run_cli("build", "plan", "-o", "out", "--as-of", "2025-06-25", cwd=work)
    assert result.returncode == 1, result.stderr
    expected = (f"{rel}:{line}:{col}: KH066 lỗi: nhiệm vụ '1.1' không giao cho 'thanh-tra' chủ trì hay "
                f"phối hợp (cơ quan chủ trì: Phòng Tư pháp)")
    assert expected in result.stderr.splitlines(), result.stderr
    assert "Traceback" not in result.stderr
    assert tree(dest) == before


# =========================================================================================
# 4. Manifest and reproducibility
# =========================================================================================


def test_manifest_entries(late_out, plan):
    manifest = json.loads((late_out / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["documents"]
    on_disk = set(tree(late_out)) - {"manifest.json"}
    assert {e["path"] for e in entries} == on_disk
    assert len(entries) == len(on_disk)
    agencies = set(plan.agencies_with_tasks()) | set(plan.agencies_with_duties())
    for e in entries:
        assert e["kind"] in KINDS, e
        data = (late_out / e["path"]).read_bytes()
        assert manifest["files"][e["path"]] == hashlib.sha256(data).hexdigest(), e["path"]
        assert "sha256" not in e  # each hash is stored once, in "files"
        if e["kind"] in ("letter", "report-template"):
            assert e.get("agency") in agencies, e
            assert e["path"].endswith(f"/{e['agency']}.docx"), e
        if e["kind"] == "calendar" and e["path"] != "lich/tong-hop.ics":
            assert e.get("agency") in agencies and e["path"] == f"lich/{e['agency']}.ics", e
        if e["kind"] in ("report-template", "consolidated-report"):
            assert e.get("period") == PERIOD, e
        if e["kind"] in ("plan", "letter", "calendar"):
            assert "period" not in e, e
        if e["kind"] in ("plan", "consolidated-report") or e["path"] == "lich/tong-hop.ics":
            assert "agency" not in e, e
    kinds = [e["kind"] for e in entries]
    assert kinds.count("plan") == 1 and kinds.count("letter") == len(agencies)
    assert kinds.count("report-template") == len(expected_agencies(plan, PERIOD))
    assert kinds.count("consolidated-report") == 3
    assert kinds.count("calendar") == kinds.count("letter") + 1  # calendars: every agency with a letter, the office
    assert kinds.count("preview") == 2  # ke-hoach.md and preview/index.html


def test_period_given_twice_builds_each_document_once(root):
    """``--period 2025-H1 --period 2025-H1``: either refused, or the same build as
    one ``--period 2025-H1`` — never a manifest listing a document twice."""
    dest = root / "twice"
    result = run_cli("build", str(PLAN), "-o", str(dest), "--period", PERIOD, "--period", PERIOD,
                     "--as-of", "2025-06-25", cwd=root)
    if result.returncode != 0:
        assert result.returncode in (1, 2) and "Traceback" not in result.stderr, result.stderr
        assert not dest.exists()
        return
    manifest = json.loads((dest / "manifest.json").read_text(encoding="utf-8"))
    paths = [e["path"] for e in manifest["documents"]]
    duplicated = sorted({p for p in paths if paths.count(p) > 1})
    assert duplicated == [], f"{len(duplicated)} documents listed twice in manifest.json, e.g. {duplicated[:2]}"
    assert set(paths) == set(tree(dest)) - {"manifest.json"}


def test_two_builds_are_byte_identical(root, late_out, scenario_plan):
    again = root / "late-again"
    build(scenario_plan, again, options=BuildOptions(as_of=LATE))
    assert tree(again) == tree(late_out)


def test_as_of_changes_only_the_consolidated_report(late_out, due_out):
    a, b = tree(late_out), tree(due_out)
    assert set(a) == set(b)
    assert {k for k in a if a[k] != b[k]} == {f"tong-hop/{PERIOD}.docx", f"tong-hop/{PERIOD}.md",
                                             f"tong-hop/{PERIOD}.json", "dashboard/index.html", "manifest.json"}


# =========================================================================================
# 5. NĐ 30 layout common to every kind
# =========================================================================================


@pytest.fixture(scope="module")
def kinds(out, late_out) -> dict[str, Docx]:
    return {
        "letter": docx_at(out, "cong-van/phong-y-te.docx"),
        "report": docx_at(out, f"bao-cao/{PERIOD}/xa-binh-lu.docx"),
        "consolidated": docx_at(late_out, f"tong-hop/{PERIOD}.docx"),
    }


KIND_NAMES = ["letter", "report", "consolidated"]


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_fonts_in_four_slots_and_vi_vn(kinds, kind):
    doc = kinds[kind]
    checked = [("docDefaults", doc.rpr_default)]
    checked += [(name, doc.style_by_name(name).find("w:rPr", NS)) for name in STYLE_NAMES + WORKFLOW_STYLE_NAMES]
    for name, rPr in checked:
        assert rPr is not None, name
        fonts = rPr.find("w:rFonts", NS)
        assert fonts is not None, name
        assert {s: fonts.get(w(s)) for s in FONT_SLOTS} == dict.fromkeys(FONT_SLOTS, "Times New Roman"), name
        lang = rPr.find("w:lang", NS)
        assert lang is not None and lang.get(w("val")) == "vi-VN", name
    roots = [doc.document] + [etree.fromstring(data) for name, data in doc.parts.items()
                              if re.fullmatch(r"word/header\d+\.xml", name)]
    for root in roots:
        assert not re.search(r'w:\w*[Tt]heme\w*="', etree.tostring(root).decode())
        for para in paragraphs(doc, root):
            for run in para.runs():
                for slot in FONT_SLOTS:
                    assert para.rpr(run, "rFonts", slot) == "Times New Roman", (kind, para.text[:30], slot)
                assert para.rpr(run, "lang") == "vi-VN", (kind, para.text[:30])


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a4_margins_and_page_numbers(kinds, kind):
    doc = kinds[kind]
    sections = doc.sections()
    assert len(sections) == (1 if kind == "letter" else 2)
    for i, s in enumerate(sections):
        w_, h_ = int(pg(s, "pgSz", "w")), int(pg(s, "pgSz", "h"))
        if i == 0:
            assert abs(w_ - mm_to_twips(210)) <= 1 and abs(h_ - mm_to_twips(297)) <= 1
            assert pg(s, "pgSz", "orient") in (None, "portrait")
        else:
            assert abs(w_ - mm_to_twips(297)) <= 1 and abs(h_ - mm_to_twips(210)) <= 1
            assert pg(s, "pgSz", "orient") == "landscape"
            assert pg(s, "type", "val") in (None, "nextPage") and pg(s, "pgNumType", "start") == "1"
        for side, mm in {"top": 20, "bottom": 20, "left": 30, "right": 15}.items():
            assert abs(int(pg(s, "pgMar", side)) - mm_to_twips(mm)) <= 1, (kind, i, side)
        title_pg = s.find("w:titlePg", NS)
        assert title_pg is not None and _flag(title_pg), (kind, i)
        assert has_page_field(doc.header_part(s, "default")), (kind, i)
        assert not has_page_field(doc.header_part(s, "first")), (kind, i)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_header_block(kinds, kind):
    doc = kinds[kind]
    header = tables(doc)[0]
    left, right = cells_of(rows_of(header)[0])
    right_paras = paragraphs(doc, right)
    quoc_hieu = find_para(right_paras, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert quoc_hieu.all_runs("b") and quoc_hieu.alignment == "center" and quoc_hieu.sizes() == {13.0}
    tieu_ngu = find_para(right_paras, "Độc lập - Tự do - Hạnh phúc")
    assert tieu_ngu.all_runs("b") and tieu_ngu.alignment == "center" and tieu_ngu.sizes() == {14.0}
    rule = next_para(right_paras, tieu_ngu)
    assert rule.text == "" and rule.has_bottom_border(), "a solid rule under the Tiêu ngữ"
    assert rule.twips("ind", "left") == rule.twips("ind", "right")
    issuer = {"letter": ["ỦY BAN NHÂN DÂN", "HUYỆN TAM ĐƯỜNG"], "report": ["ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ"],
              "consolidated": ["ỦY BAN NHÂN DÂN", "HUYỆN TAM ĐƯỜNG"]}[kind]
    left_paras = paragraphs(doc, left)
    for text in issuer:
        p = find_para(left_paras, text)
        assert p.all_runs("b") and p.alignment == "center" and p.looks_uppercase() and p.sizes() == {13.0}, text
    under = next_para(left_paras, find_para(left_paras, issuer[-1]))
    assert under.text == "" and under.has_bottom_border(), "a short rule under the issuer"


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_body_paragraphs(kinds, kind):
    doc = kinds[kind]
    body = [p for p in body_paras(doc) if p.style_id in ("KHNoiDung", "KHTenPhan", "KHHuongDan")]
    assert len(body) >= 5
    for p in body:
        assert p.sizes() == {14.0}, (kind, p.text[:40], p.sizes())
        assert p.alignment == "both", (kind, p.text[:40], p.alignment)
        assert abs(p.twips("ind", "firstLine") - 720) <= 1, (kind, p.text[:40])
        assert p.twips("spacing", "after") >= 120, (kind, p.text[:40])
    # nothing in the portrait body escapes the body styles but the title block, Kính gửi and Phụ lục headings
    allowed = {"KHNoiDung", "KHTenPhan", "KHHuongDan", "KHKinhGui", "KHTenLoai", "KHTrichYeu",
               "KHPhuLuc", "KHTenPhuLuc", "KHKemTheo"}
    assert {p.style_id for p in body_paras(doc)} <= allowed, kind
    if kind != "letter":
        title = find_para(body_paras(doc), "BÁO CÁO")
        assert title.all_runs("b") and title.alignment == "center" and title.sizes() == {14.0}


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_signature_block(kinds, kind):
    doc = kinds[kind]
    left, right = signature_cells(doc)
    assert left[0].text == "Nơi nhận:" and left[0].all_runs("b") and left[0].all_runs("i")
    assert left[0].sizes() == {12.0}
    for p in left[1:]:
        assert p.sizes() == {11.0} and p.no_run("b"), (kind, p.text)
    signed = [p for p in right if p.text and not p.text.startswith("(")]
    expected = ({"report": ["THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"]}.get(kind)
                or ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Vũ Xuân Thịnh"])
    assert [p.text for p in signed] == expected
    for p in signed:
        assert p.all_runs("b") and p.alignment == "center" and p.sizes() == {14.0}, (kind, p.text)
