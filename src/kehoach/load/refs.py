"""Cross-file checks: what a schema cannot see.

Runs on the raw data of all three files at once, defensively (a file with
schema errors is still checked where its shape allows), so one run reports
every unknown agency, duplicate id or impossible date, not only the first.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterator, Optional

from ..diagnostics import Diagnostic, make
from ..inline import problems as inline_problems
from ..model import cited_subject, has_prefix
from ..timeline import parse_timeline
from .appendix import appendix_items
from .reporting import check_calendar
from .schema import suggest
from .yamlread import YamlDoc, as_dict as _dict, as_list as _list

_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})\Z")
#: a day written in a timeline (30/11/2025, 2025-11-30): unrecognised only when impossible
_DATE_LIKE = re.compile(r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{4}-\d{2}-\d{2}")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class _Checker:
    def __init__(self, plan: YamlDoc, agencies: YamlDoc, tasks: YamlDoc):
        self.plan, self.agencies, self.tasks = plan, agencies, tasks
        self.out: list[Diagnostic] = []
        self.agency_ids: dict[str, dict] = {}
        self.group_ids: dict[str, dict] = {}
        #: every task seen, ``(file, path, data)``, for checks across tasks
        self.all_tasks: list[tuple[YamlDoc, tuple, dict]] = []

    def add(self, doc: YamlDoc, path: tuple, code: str, message: str, *, key: bool = False) -> None:
        line, col = doc.where(path, key=key)
        self.out.append(make(doc.path, line, col, code, message))

    # -- registry --------------------------------------------------------------
    def registry(self) -> None:
        doc = self.agencies
        data = _dict(doc.data)
        first_seen: dict[str, tuple[int, int]] = {}
        entries = [("agencies", i, a) for i, a in enumerate(_list(data.get("agencies")))]
        entries += [("groups", i, g) for i, g in enumerate(_list(data.get("groups")))]
        for kind, index, entry in entries:
            ident = _str(_dict(entry).get("id"))
            if ident is None:
                continue
            path = (kind, index, "id")
            if ident in first_seen:
                self.add(doc, path, "KH031", f"mã '{ident}' đã dùng ở dòng {first_seen[ident][0]}")
                continue
            first_seen[ident] = doc.where(path)
            (self.agency_ids if kind == "agencies" else self.group_ids)[ident] = entry
        for index, group in enumerate(_list(data.get("groups"))):
            for m, member in enumerate(_list(_dict(group).get("members"))):
                if isinstance(member, str) and member not in self.agency_ids:
                    extra = " (thành viên của nhóm phải là cơ quan, không phải nhóm)" if member in self.group_ids else \
                        suggest(member, self.agency_ids)
                    self.add(doc, ("groups", index, "members", m), "KH030",
                             f"thành viên '{member}' không có trong danh mục cơ quan{extra}")

    def known(self, ref: str) -> bool:
        return ref in self.agency_ids or ref in self.group_ids

    @property
    def have_registry(self) -> bool:
        """False when agencies.yaml could not be read: references cannot be
        checked then, and reporting each as unknown would only bury the real error."""
        return isinstance(self.agencies.data, dict)

    def ref(self, doc: YamlDoc, path: tuple, ref: Any, role: str) -> bool:
        """Check one agency/group reference; warn when the agency has ceased."""
        if not isinstance(ref, str) or not self.have_registry:
            return False
        if not self.known(ref):
            self.add(doc, path, "KH030", f"{role} '{ref}' không có trong danh mục cơ quan và nhóm"
                                         f"{suggest(ref, list(self.agency_ids) + list(self.group_ids))}")
            return False
        until = _str(_dict(self.agency_ids.get(ref)).get("until"))
        if until and self.reference_date and _DATE.match(until) and until <= self.reference_date:
            self.add(doc, path, "KH035", f"{role} '{ref}' đã ngừng hoạt động từ ngày {until}")
        return True

    # -- plan.yaml --------------------------------------------------------------
    def plan_file(self) -> None:
        doc = self.plan
        data = _dict(doc.data)
        issuer = _dict(data.get("issuer"))
        self.ref(doc, ("issuer", "agency"), issuer.get("agency"), "cơ quan ban hành")
        for i, recipient in enumerate(_list(data.get("recipients"))):
            if "ref" in _dict(recipient):
                self.ref(doc, ("recipients", i, "ref"), recipient["ref"], "nơi nhận")
        texts = [(("bases", i), b) for i, b in enumerate(_list(data.get("bases")))]
        for path, block in _walk_blocks(data.get("sections")):
            for j, ref in enumerate(_list(block.get("responsible"))):
                self.ref(doc, path + ("responsible", j), ref, "cơ quan chịu trách nhiệm")
            texts += [(path + (key,), block.get(key)) for key in ("title", "text")]
        if data.get("markup", True) is not False:
            for path, text in texts:
                unclosed = inline_problems(text) if isinstance(text, str) else []
                if unclosed:
                    self.add(doc, path, "KH076", f"dấu '{unclosed[0]}' không có dấu đóng nên được in nguyên như đã gõ; "
                                                 f"muốn in dấu này hãy viết '\\{unclosed[0][0]}', muốn in đậm/nghiêng "
                                                 f"hãy đóng lại (**đậm**, *nghiêng*, ^[chú thích])")
        signer = _dict(data.get("signer"))
        for path, prefix, value in ((("signer", "on_behalf_of"), "TM", signer.get("on_behalf_of")),
                                    (("signer", "delegation", "head"), _str(_dict(signer.get("delegation")).get("prefix")),
                                     _dict(signer.get("delegation")).get("head"))):
            if isinstance(value, str) and prefix and has_prefix(prefix, value):
                self.add(doc, path, "KH077", f"'{value}' đã có tiền tố '{prefix}.': kehoach tự thêm tiền tố, "
                                             f"nên in đúng một lần; hãy bỏ '{prefix}.' khỏi giá trị này")
        subject = _str(_dict(data.get("document")).get("subject"))
        if subject and subject == subject.upper() and subject != subject.lower() \
                and not _str(_dict(data.get("document")).get("subject_cited")):
            self.add(doc, ("document", "subject"), "KH078",
                     "trích yếu viết hoa toàn bộ: công văn, báo cáo trích dẫn ở dạng chữ thường "
                     f"('{cited_subject(subject)[:60]}…'); khai báo document.subject_cited nếu cần giữ "
                     "chữ hoa của tên riêng")
        closing = _str(data.get("closing"))
        if closing and not closing.rstrip().endswith("./."):
            self.add(doc, ("closing",), "KH040", "đoạn kết của văn bản phải kết thúc bằng dấu ./. (Nghị định 30/2020)")
        reporting = _dict(data.get("reporting"))
        for j, ref in enumerate(_list(reporting.get("reporters"))):
            self.ref(doc, ("reporting", "reporters", j), ref, "cơ quan báo cáo")
        for key, role in (("to", "nơi nhận báo cáo"), ("via", "cơ quan tổng hợp"),
                          ("consolidated_to", "nơi nhận báo cáo tổng hợp")):
            if key in reporting:
                self.ref(doc, ("reporting", key), reporting[key], role)

    def plan_dates(self) -> None:
        """Document date and plan years; sets the dates later checks use."""
        doc = self.plan
        data = _dict(doc.data)
        self.reference_date = None
        date = _str(_dict(data.get("document")).get("date"))
        if date:
            m = _DATE.match(date) or _MONTH.match(date)
            if m:
                year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.lastindex == 3 else 1
                try:
                    self.reference_date = dt.date(year, month, day).isoformat()
                except ValueError:
                    what = "tháng" if not 1 <= month <= 12 else "ngày"
                    self.add(doc, ("document", "date"), "KH034",
                             f"ngày ban hành '{date}' không có thật ({what} không hợp lệ)")
        years = _dict(data.get("years"))
        start, end = years.get("from"), years.get("to")
        self.years = None
        if isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool):
            if start > end:
                self.add(doc, ("years", "to"), "KH036", f"năm kết thúc {end} trước năm bắt đầu {start}")
            else:
                self.years = (start, end)

    # -- tasks.yaml and task records in the body -----------------------------
    def tasks_file(self) -> None:
        doc = self.tasks
        data = _dict(doc.data)
        seen_tasks: dict[str, int] = {}
        if "appendices" in data and ("groups" in data or "title" in data):
            self.add(doc, ("appendices",), "KH071", "tasks.yaml dùng một trong hai dạng: appendices (đầy đủ) "
                                                    "hoặc title + groups (dạng ngắn), không dùng cả hai", key=True)
        elif isinstance(doc.data, dict) and "appendices" not in data:
            for key in ("title", "groups"):
                if key not in data:
                    self.add(doc, (), "KH071", f"tasks.yaml dạng ngắn thiếu khóa '{key}' "
                                               f"(hoặc dùng appendices: [...] để khai báo các phụ lục)")
        seen_appendices: dict[str, int] = {}
        seen_groups: dict[str, int] = {}   # group ids are unique across appendices (diffs key them)
        for index, (path, appendix, _short) in enumerate(appendix_items(doc.data), 1):
            aid = _str(appendix.get("id")) or f"pl-{index}"
            if aid in seen_appendices:
                self.add(doc, path + ("id",), "KH075", f"mã phụ lục '{aid}' đã dùng ở dòng {seen_appendices[aid]}")
            else:
                seen_appendices[aid] = doc.where(path)[0]
            if appendix.get("kind") == "table":
                self.data_table(doc, path, appendix)
                continue
            for c, column in enumerate(_list(appendix.get("columns"))):
                if _dict(column).get("role") == "field" and "key" not in _dict(column):
                    self.add(doc, path + ("columns", c), "KH072", "cột tự do (role: field) cần khóa 'key' "
                                                                  "để lấy giá trị từ fields của nhiệm vụ")
            for gpath, group in _walk_groups(appendix.get("groups"), path + ("groups",)):
                self.first_use(doc, gpath + ("id",), group.get("id"), seen_groups, "mã nhóm nhiệm vụ")
                for t, task in enumerate(_list(group.get("tasks"))):
                    self.task(doc, gpath + ("tasks", t), _dict(task), seen_tasks)
            for t, task in enumerate(_list(appendix.get("tasks"))):
                self.task(doc, path + ("tasks", t), _dict(task), seen_tasks)
        for path, block in _walk_blocks(_dict(self.plan.data).get("sections")):
            if isinstance(block.get("task"), dict):
                self.task(self.plan, path + ("task",), block["task"], seen_tasks)

    def data_table(self, doc: YamlDoc, path: tuple, appendix: dict) -> None:
        """Rows of a data table have as many cells as the header has columns."""
        header = [row for row in _list(appendix.get("header")) if isinstance(row, list)]
        if not header:
            self.add(doc, path, "KH073", "bảng số liệu (kind: table) cần dòng tiêu đề 'header'")
            return
        width = sum(_dict(c).get("colspan", 1) if isinstance(c, dict) else 1 for c in header[0])
        for key in ("widths", "align", "column_codes"):
            values = appendix.get(key)
            if isinstance(values, list) and values and len(values) != width:
                self.add(doc, path + (key,), "KH073", f"'{key}' có {len(values)} giá trị nhưng bảng có {width} cột")
        for r, row in enumerate(_list(appendix.get("data"))):
            cells = row if isinstance(row, list) else _dict(row).get("cells")
            if isinstance(cells, list) and len(cells) != width:
                self.add(doc, path + ("data", r), "KH073", f"dòng có {len(cells)} ô nhưng bảng có {width} cột")

    def first_use(self, doc: YamlDoc, path: tuple, ident: Any, seen: dict[str, int], what: str) -> None:
        """KH031 when ``ident`` was already used (``seen``: id → line of its first use)."""
        if not isinstance(ident, str):
            return
        if ident in seen:
            self.add(doc, path, "KH031", f"{what} '{ident}' đã dùng ở dòng {seen[ident]}")
        else:
            seen[ident] = doc.where(path)[0]

    def task(self, doc: YamlDoc, path: tuple, task: dict, seen: dict[str, int]) -> None:
        self.all_tasks.append((doc, path, task))
        tid = _str(task.get("id"))
        self.first_use(doc, path + ("id",), tid, seen, "mã nhiệm vụ")
        lead = task.get("lead")
        leads = [lead] if isinstance(lead, str) else _list(lead)
        lead_path = (lambda j: path + ("lead",)) if isinstance(lead, str) else (lambda j: path + ("lead", j))
        known_leads = [ref for j, ref in enumerate(leads) if self.ref(doc, lead_path(j), ref, "cơ quan chủ trì")]
        support = _list(task.get("support"))
        in_groups = {member: ref for ref in support if isinstance(ref, str) and ref in self.group_ids
                     for member in self.members(ref)}
        known_support = []
        for j, ref in enumerate(support):
            if not self.ref(doc, path + ("support", j), ref, "cơ quan phối hợp"):
                continue
            known_support.append(ref)
            if ref in leads:
                self.add(doc, path + ("support", j), "KH032",
                         f"'{ref}' là cơ quan chủ trì nên không được ghi là cơ quan phối hợp của chính nhiệm vụ này")
            elif ref in in_groups:
                self.add(doc, path + ("support", j), "KH038",
                         f"'{ref}' đã thuộc nhóm '{in_groups[ref]}' trong danh sách phối hợp")
        if self.have_registry and not known_leads and not known_support and not leads and not support \
                and tid is not None:
            self.add(doc, path + ("id",), "KH074", f"nhiệm vụ '{tid}' không giao cho cơ quan nào trong danh mục "
                                                   f"(lead, support): không có trong công văn, báo cáo của cơ quan nào")
        self.timeline(doc, path + ("timeline",), task.get("timeline"), has_due="due" in task)
        due = _str(task.get("due"))
        if due and _DATE.match(due):
            try:
                dt.date.fromisoformat(due)
            except ValueError:
                self.add(doc, path + ("due",), "KH034", f"hạn '{due}' không phải là ngày có thật")

    def members(self, ref: str) -> list[str]:
        if ref in self.group_ids:
            return [m for m in _list(self.group_ids[ref].get("members")) if isinstance(m, str)]
        return [ref]

    def timeline(self, doc: YamlDoc, path: tuple, value: Any, *, has_due: bool = False) -> None:
        """The wording is printed as written; here only its meaning is judged."""
        if not isinstance(value, str) or not value.strip():
            return
        meaning = parse_timeline(value)
        if meaning.kind == "unknown":
            if _DATE_LIKE.search(value):
                self.add(doc, path, "KH034", f"thời gian thực hiện '{value}' có ngày tháng không có thật")
            elif not has_due:
                self.add(doc, path, "KH070", f"không nhận ra thời hạn trong '{value}': vẫn in nguyên văn, nhưng nhiệm "
                                             f"vụ sẽ không có hạn trong lịch và báo cáo (khai báo due: YYYY-MM-DD nếu có hạn)")
            return
        if meaning.start and meaning.deadline and meaning.start > meaning.deadline:
            self.add(doc, path, "KH033", f"thời gian '{value}' có thời điểm bắt đầu sau thời điểm kết thúc")
            return
        years = [y for y in (meaning.start_year, meaning.end_year) if y]
        if years and self.years and (min(years) < self.years[0] or max(years) > self.years[1]):
            self.add(doc, path, "KH033", f"thời gian thực hiện '{value}' nằm ngoài giai đoạn kế hoạch "
                                         f"{self.years[0]}-{self.years[1]}")

    # -- reporting calendar ---------------------------------------------------
    def reporting_calendar(self) -> None:
        """Days, chains, windows, one-off reports and open periods (:mod:`.reporting`)."""
        doc = self.plan
        reporting = _dict(_dict(doc.data).get("reporting"))
        reference = dt.date.fromisoformat(self.reference_date) if self.reference_date else None
        check_calendar(reporting, self.years, reference,
                       lambda path, code, message: self.add(doc, path, code, message))

    def reporting_coverage(self) -> None:
        """An agency with tasks that no reporting rule asks to report is
        probably a mistake in ``reporting.reporters``."""
        reporting = _dict(_dict(self.plan.data).get("reporting"))
        reporters = set()
        for ref in _list(reporting.get("reporters")):
            if isinstance(ref, str) and self.known(ref):
                reporters.update(self.members(ref))
        if not reporters:
            return
        involved: dict[str, tuple[YamlDoc, tuple]] = {}
        for doc, path, task in self.all_tasks:
            lead = task.get("lead")
            for j, ref in enumerate([lead] if isinstance(lead, str) else _list(lead)):
                if isinstance(ref, str) and self.known(ref):
                    for member in self.members(ref):
                        involved.setdefault(member, (doc, path + (("lead",) if isinstance(lead, str) else ("lead", j))))
        for agency, (doc, path) in involved.items():
            if agency not in reporters:
                self.add(doc, path, "KH039",
                         f"'{agency}' chủ trì nhiệm vụ nhưng không thuộc danh sách phải báo cáo (reporting.reporters)")


def _walk_groups(groups: Any, path: tuple) -> Iterator[tuple[tuple, dict]]:
    """Every task group at any depth, with its path."""
    for i, group in enumerate(_list(groups)):
        if isinstance(group, dict):
            yield path + (i,), group
            yield from _walk_groups(group.get("groups"), path + (i, "groups"))


def _walk_blocks(sections: Any) -> Iterator[tuple[tuple, dict]]:
    def walk(blocks: Any, path: tuple):
        for i, block in enumerate(_list(blocks)):
            if isinstance(block, dict):
                yield path + (i,), block
                yield from walk(block.get("content"), path + (i, "content"))

    for s, section in enumerate(_list(sections)):
        yield from walk(_dict(section).get("content"), ("sections", s, "content"))


def check_references(plan: YamlDoc, agencies: YamlDoc, tasks: YamlDoc) -> list[Diagnostic]:
    """Every cross-reference and meaning problem across the three files."""
    checker = _Checker(plan, agencies, tasks)
    checker.registry()
    checker.plan_dates()
    checker.plan_file()
    checker.tasks_file()
    checker.reporting_coverage()
    checker.reporting_calendar()
    return checker.out
