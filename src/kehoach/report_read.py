"""Word in, data out: read report templates that agencies filled in Word.

Most agencies never edit YAML: they receive their report template
(``bao-cao/<kỳ>/<cơ quan>.docx``), fill it in Word and send it back.  This
module reads such a file and turns it into the agency's return:

* the task table of the Phụ lục — one row per task, the task id in the STT
  cell — gives each task's result, progress (Tiến độ) and note (Ghi chú);
* the narrative sections of the body (I.1, I.2, II.1–3, III, IV) give the
  return's ``summary``.

What is read is compared with the template as kehoach renders it for the same
agency and period, so anything that is not a filled-in place is noticed: an
edited fixed cell or paragraph, a row whose id is not one of the agency's
tasks, an unknown progress value, a missing heading.  Each is a positioned
error (``bảng 1, dòng 4, cột Tiến độ: …``; line = row or paragraph number,
column = column number) and, as for every kehoach input, nothing is written
unless every file of the batch is clean.  Rows are matched by task id, so a
reordered row is read correctly and a deleted one is reported (KH116) and its
task left as it was.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

from .diagnostics import Diagnostic, has_errors, make, sort
from .model import Plan
from .periods import Period, period, periods
from .returns import REPORTS_DIR, STATUSES, _agency_tasks, init_returns

__all__ = ["ReadReport", "read_report", "read_reports", "write_read_returns", "NARRATIVE_HEADINGS"]

#: The report template's headings, in order, and the ``summary`` key of the text under each (None: a part title).
NARRATIVE_HEADINGS: tuple[tuple[str, Optional[str]], ...] = (
    ("I. KẾT QUẢ THỰC HIỆN", None),
    ("1. Công tác chỉ đạo, triển khai", "direction"),
    ("2. Kết quả thực hiện các nhiệm vụ được giao", "overview"),
    ("II. ĐÁNH GIÁ CHUNG", None),
    ("1. Ưu điểm", "achievements"),
    ("2. Tồn tại, hạn chế", "shortcomings"),
    ("3. Nguyên nhân", "causes"),
    ("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", "next_steps"),
    ("IV. ĐỀ XUẤT, KIẾN NGHỊ", "recommendations"),
)
#: The paragraph that ends the narrative ("Trên đây là báo cáo …").
CLOSING_PREFIX = "Trên đây là báo cáo"
#: Progress words accepted in the Tiến độ cell (lowercase, NFC) → status.
PROGRESS = {**{words: key for key, words in STATUSES.items()}, **{key: key for key in STATUSES}}
#: Column of each answer in the task table (0-based) and how messages name it.
COLUMNS = ("STT", "Nhiệm vụ", "Vai trò", "Cơ quan chủ trì", "Thời gian thực hiện", "Kết quả thực hiện",
           "Tiến độ", "Ghi chú")
RESULT, PROGRESS_COL, NOTE = 5, 6, 7
_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
_ATTACHED = re.compile(r"^\(Kèm theo Báo cáo số .* của (.+)\)$")


def _norm(text: str) -> str:
    """NFC, each run of spaces and tabs one space, lines stripped, blank lines dropped."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _flat(text: str) -> str:
    return " ".join(_norm(text).split())


# -- the .docx as blocks ----------------------------------------------------------------------


@dataclass
class _Doc:
    """A .docx as kehoach reads it back: body paragraphs outside tables (with
    their number in body order), and tables as rows of cell texts."""

    paragraphs: list[tuple[int, str]] = field(default_factory=list)   # (number, text) in order
    tables: list[list[list[str]]] = field(default_factory=list)
    section_breaks: list[int] = field(default_factory=list)           # paragraph numbers ending a section


def _cell_text(cell) -> str:
    # python-docx gives "\n" for a line break (w:br) inside a paragraph; paragraphs are joined by "\n"
    return "\n".join(p.text for p in cell.paragraphs)


def _read_docx(data: bytes) -> _Doc:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    out = _Doc()
    number = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            number += 1
            par = Paragraph(child, document)
            out.paragraphs.append((number, par.text))
            if child.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr") is not None:
                out.section_breaks.append(number)
        elif tag == "tbl":
            table = Table(child, document)
            rows = []
            for row in table.rows:
                cells, seen = [], set()
                for cell in row.cells:       # a merged cell appears once per grid column: keep one
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(_cell_text(cell))
                rows.append(cells)
            out.tables.append(rows)
    return out


def _task_table(doc: _Doc) -> Optional[list[list[str]]]:
    for rows in doc.tables:
        if rows and [_flat(c) for c in rows[0]] == list(COLUMNS):
            return rows
    return None


# -- what one file says -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadReport:
    """One filled report, read: the agency's answers, ready to be written."""

    source: str                                 # the file as given
    agency_id: str
    period_id: str
    answers: dict                               # task id -> {"status", "result", "note"}
    summary: dict                               # summary key -> text (sections left blank are absent)
    submitted: Optional[dt.date]
    total: int                                  # the agency's tasks

    @property
    def path(self) -> str:
        return f"{REPORTS_DIR}/{self.period_id}/{self.agency_id}.yaml"

    @property
    def answered(self) -> int:
        return sum(1 for a in self.answers.values() if a.get("status"))


class _Problems:
    def __init__(self, shown: str):
        self.shown = shown
        self.items: list[Diagnostic] = []

    def add(self, line: int, col: int, code: str, message: str) -> None:
        self.items.append(make(self.shown, line, col, code, message))


def _identify(plan: Plan, doc: _Doc, wanted: Optional[Period], problems: _Problems
              ) -> tuple[Optional[str], Optional[Period]]:
    """The agency (from "(Kèm theo Báo cáo số … của <tên cơ quan>)") and the
    period (from the subject line, which ends with the period's label)."""
    agency_id = None
    by_name = {_flat(a.name): a.id for a in plan.registry.agencies.values()}
    for number, text in doc.paragraphs:
        m = _ATTACHED.match(_flat(text))
        if m and _flat(m.group(1)) in by_name:
            agency_id = by_name[_flat(m.group(1))]
            break
    if agency_id is None:
        problems.add(1, 1, "KH112", "không tìm thấy dòng '(Kèm theo Báo cáo số … của <tên cơ quan>)' ghi đúng tên "
                                    "một cơ quan trong danh mục: tệp không phải mẫu báo cáo do kehoach tạo, hoặc "
                                    "dòng này đã bị sửa")
        return None, None
    found = None
    labels = {p.label: p for p in periods(plan)}
    for number, text in doc.paragraphs:
        flat = _flat(text)
        if flat.startswith("Kết quả thực hiện "):
            # the longest label that ends the line: "6 tháng đầu năm 2025" before "năm 2025"
            for label, per in sorted(labels.items(), key=lambda item: -len(item[0])):
                if flat.endswith(" " + label):
                    found = (number, per)
                    break
            if found:
                break
    if found is None and wanted is None:
        problems.add(1, 1, "KH117", "không xác định được kỳ báo cáo từ trích yếu 'Kết quả thực hiện … <kỳ>'; "
                                    "ghi rõ kỳ bằng --period")
        return agency_id, None
    if found and wanted and found[1].id != wanted.id:
        problems.add(found[0], 1, "KH117", f"báo cáo ghi kỳ {found[1].label} ({found[1].id}) nhưng lệnh đọc kỳ "
                                           f"{wanted.id}; kiểm tra lại tệp hoặc --period")
        return agency_id, None
    if wanted is None:
        assert found is not None  # neither found nor asked for returned above
        return agency_id, found[1]
    return agency_id, wanted


def _expected(plan: Plan, per: Period, agency_id: str) -> _Doc:
    """The blank template of this agency and period, as kehoach renders it now."""
    from .build import render_report_template
    return _read_docx(render_report_template(plan, per, agency_id))


def _read_table(plan: Plan, agency_id: str, rows: list[list[str]], expected_rows: dict[str, list[str]],
                problems: _Problems) -> dict:
    own = dict(_agency_tasks(plan, agency_id))
    name = plan.registry.short_name(agency_id)
    answers: dict[str, dict] = {}
    seen: dict[str, int] = {}
    for index, cells in enumerate(rows[1:], start=2):           # Word numbers the heading row 1
        where = f"bảng 1, dòng {index}"
        if len(cells) != len(COLUMNS):
            problems.add(index, 1, "KH115", f"{where}: dòng có {len(cells)} ô, mẫu có {len(COLUMNS)} cột; không "
                                            f"gộp, tách hay thêm ô trong bảng")
            continue
        task_id = _flat(cells[0])
        if not task_id:
            if any(_flat(c) for c in cells):
                problems.add(index, 1, "KH115", f"{where}: dòng không có mã nhiệm vụ ở cột STT; chỉ điền vào dòng "
                                                f"của nhiệm vụ có sẵn, không thêm dòng")
            continue
        if task_id in seen:
            problems.add(index, 1, "KH114", f"{where}: nhiệm vụ {task_id} đã có ở dòng {seen[task_id]}; mỗi nhiệm "
                                            f"vụ một dòng")
            continue
        seen[task_id] = index
        if task_id not in own:
            known = task_id in {t.id for t in plan.tasks}
            why = (f"không giao cho {name} chủ trì hay phối hợp" if known
                   else "không có trong Phụ lục của kế hoạch")
            problems.add(index, 1, "KH114", f"{where}: nhiệm vụ '{task_id}' ở cột STT {why}; không sửa cột STT "
                                            f"(mã nhiệm vụ)")
            continue
        template = expected_rows.get(task_id)
        if template:
            for col in range(1, RESULT):
                if _flat(cells[col]) != _flat(template[col]):
                    problems.add(index, col + 1, "KH115",
                                 f"{where}, cột {COLUMNS[col]}: nội dung khác với mẫu; chỉ điền các cột Kết quả "
                                 f"thực hiện, Tiến độ, Ghi chú")
        progress = _flat(cells[PROGRESS_COL]).rstrip(".").strip()
        status = None
        if progress:
            status = PROGRESS.get(unicodedata.normalize("NFC", progress).lower())
            if status is None:
                words = "; ".join(w[:1].upper() + w[1:] for w in STATUSES.values())
                problems.add(index, PROGRESS_COL + 1, "KH113",
                             f"{where}, cột Tiến độ: '{progress}' không phải một tiến độ; ghi một trong: {words} "
                             f"(để trống nếu chưa có kết quả)")
                continue
        # an empty cell is no answer: it never erases what the return already says
        values = {"status": status, "result": _norm(cells[RESULT]) or None, "note": _norm(cells[NOTE]) or None}
        answers[task_id] = {k: v for k, v in values.items() if v is not None}
    for task_id, role in own.items():
        if task_id not in seen:
            problems.add(1, 1, "KH116", f"bảng 1: không có dòng của nhiệm vụ {task_id} "
                                        f"({'chủ trì' if role == 'lead' else 'phối hợp'}); nhiệm vụ này được giữ "
                                        f"nguyên như trong tệp báo cáo (chưa có tiến độ nếu là báo cáo mới)")
    return answers


def _read_narrative(doc: _Doc, template: _Doc, problems: _Problems) -> dict:
    """The text under each heading; paragraphs equal to the template's (guides,
    fixed sentences) are not answers; any other text outside a section is an error."""
    fixed = {_flat(t) for _, t in template.paragraphs if _flat(t)}
    guides = sorted((_flat(t) for _, t in template.paragraphs if _flat(t).startswith("(")), key=len, reverse=True)
    headings = [h for h, _ in NARRATIVE_HEADINGS]
    end = doc.section_breaks[0] if doc.section_breaks else None
    texts: dict[str, list[str]] = {key: [] for _, key in NARRATIVE_HEADINGS if key}
    current: Optional[str] = None          # the heading we are under, None before the first
    expected_next = 0
    closed = False
    for number, raw in doc.paragraphs:
        if end is not None and number > end:
            break
        flat = _flat(raw)
        if not flat:
            continue
        if expected_next < len(headings) and flat == headings[expected_next]:
            current = headings[expected_next]
            expected_next += 1
            continue
        if flat.startswith(CLOSING_PREFIX):
            closed = True
            current = None
        if flat in fixed:
            continue
        key = dict(NARRATIVE_HEADINGS).get(current) if current else None
        if key is None or closed:
            place = f"dưới đề mục '{current}'" if current else ("sau đoạn kết" if closed else "trước mục I")
            problems.add(number, 1, "KH115", f"đoạn {number} ('{flat[:40]}{'…' if len(flat) > 40 else ''}'): nội dung "
                                             f"{place} nằm ngoài chỗ được điền; viết nội dung dưới các đề mục "
                                             f"1, 2, 3 của từng phần, không sửa phần mẫu")
            continue
        text = _norm(raw)
        for guide in guides:                # text typed after a guide that was left in place
            if _flat(text).startswith(guide):
                text = _norm(_flat(text)[len(guide):])
                break
        if text:
            texts[key].append(text)
    if expected_next < len(headings):
        problems.add(1, 1, "KH115", f"không tìm thấy đề mục '{headings[expected_next]}' của mẫu (hoặc các đề mục "
                                    f"bị đổi thứ tự); giữ nguyên các đề mục, chỉ viết nội dung dưới mỗi đề mục")
    return {key: "\n".join(parts) for key, parts in texts.items() if parts}


def _submitted(doc: _Doc) -> Optional[dt.date]:
    """The date the agency wrote on its report ("Tam Đường, ngày 18 tháng 6 năm 2025"), if any."""
    for rows in doc.tables[:1]:
        for cells in rows:
            for cell in cells:
                m = _DATE.search(_flat(cell))
                if m:
                    try:
                        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                    except ValueError:
                        return None
    return None


def read_report(plan: Plan, file: Union[str, os.PathLike], *, period_id: Union[str, int, None] = None,
                submitted: Optional[dt.date] = None, shown: Optional[str] = None
                ) -> tuple[Optional[ReadReport], list[Diagnostic]]:
    """Read one filled report.  Returns ``(report, diagnostics)``; the report is
    None when any error was found.  Raises ValueError for an unknown ``period_id``."""
    shown = shown or str(file)
    wanted = period(plan, period_id) if period_id is not None else None
    problems = _Problems(shown)
    try:
        doc = _read_docx(Path(file).read_bytes())
    except FileNotFoundError:
        problems.add(1, 1, "KH001", "không tìm thấy tệp")
        return None, problems.items
    except OSError as exc:
        problems.add(1, 1, "KH001", f"không đọc được tệp: {exc.strerror or exc}")
        return None, problems.items
    except Exception as exc:  # not a .docx (zip or XML errors)
        problems.add(1, 1, "KH112", f"không phải tệp Word .docx đọc được ({type(exc).__name__}); lưu lại dưới dạng "
                                    f"Word Document (.docx)")
        return None, problems.items
    agency_id, per = _identify(plan, doc, wanted, problems)
    if agency_id is None or per is None:
        return None, problems.items
    if not _agency_tasks(plan, agency_id) and not plan.duties_of(agency_id):
        problems.add(1, 1, "KH117", f"{plan.registry.short_name(agency_id)} không có nhiệm vụ nào trong kế hoạch")
        return None, problems.items
    rows = _task_table(doc)
    if rows is None:
        problems.add(1, 1, "KH112", "không tìm thấy bảng nhiệm vụ của Phụ lục (dòng tiêu đề: "
                                    f"{', '.join(COLUMNS)}); không sửa dòng tiêu đề của bảng")
        return None, problems.items
    template = _expected(plan, per, agency_id)
    expected_rows = {_flat(r[0]): r for r in (_task_table(template) or [])[1:] if r}
    answers = _read_table(plan, agency_id, rows, expected_rows, problems)
    summary = _read_narrative(doc, template, problems)
    if has_errors(problems.items):
        return None, sort(problems.items)
    report = ReadReport(shown, agency_id, per.id, answers, summary, submitted or _submitted(doc),
                        len(_agency_tasks(plan, agency_id)))
    return report, sort(problems.items)


def read_reports(plan: Plan, files: Sequence[Union[str, os.PathLike]], *, period_id: Union[str, int, None] = None,
                 submitted: Optional[dt.date] = None) -> tuple[list[ReadReport], list[Diagnostic]]:
    """Read several filled reports (an office receives a folder of them).

    Two files of the same agency and period are an error (KH117).  The caller
    writes nothing unless the diagnostics have no error."""
    out: list[ReadReport] = []
    problems: list[Diagnostic] = []
    first: dict[tuple[str, str], str] = {}
    for file in files:
        report, found = read_report(plan, file, period_id=period_id, submitted=submitted)
        problems += found
        if report is None:
            continue
        key = (report.agency_id, report.period_id)
        if key in first:
            problems.append(make(report.source, 1, 1, "KH117",
                                 f"cùng là báo cáo {report.period_id} của {plan.registry.short_name(report.agency_id)} "
                                 f"với tệp {first[key]}; chỉ đọc một tệp cho mỗi cơ quan"))
            continue
        first[key] = report.source
        out.append(report)
    return out, problems


@dataclass(frozen=True)
class Written:
    source: str
    path: str
    answered: int
    total: int
    submitted: Optional[str]


def write_read_returns(plan: Plan, reports: Iterable[ReadReport]) -> list[Written]:
    """Write each report into its agency's return (created from the blank one
    when missing, brought up to date with the plan first), keeping everything
    the file already had that the report does not answer: a cell or a section
    left empty in Word never erases what the return says."""
    from .render.publish import atomic_write_bytes
    from .returns.yaml_roundtrip import apply_answers, refresh_return

    root = Path(plan.source_dir or ".")
    blanks: dict[str, dict[str, str]] = {}
    staged = []
    for report in reports:
        target = root / report.path
        if target.exists():
            text = refresh_return(plan, report.agency_id, target.read_text(encoding="utf-8"))[0]
        else:
            if report.period_id not in blanks:
                blanks[report.period_id] = init_returns(plan, report.period_id)
            text = blanks[report.period_id][report.path]
        date = report.submitted.isoformat() if report.submitted else None
        staged.append((report, target, apply_answers(text, report.answers, report.summary, date)))
    out = []
    for report, target, text in staged:       # everything computed before anything is written
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, text.encode("utf-8"))
        out.append(Written(report.source, report.path, report.answered, report.total,
                           report.submitted.isoformat() if report.submitted else None))
    return out
