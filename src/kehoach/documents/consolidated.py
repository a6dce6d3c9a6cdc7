"""The consolidated report (báo cáo tổng hợp, Mẫu 1.4) from the plan's issuer to
the upper level, built from the agencies' submitted returns of one period; its
Markdown summary for the office and for pull-request review; and a JSON
summary for tools (the dashboard, scripts).

The report carries the content, not a form to fill: who reported (on time,
late) and who did not (drafts included), counts by status, every agency's
narrative under the heading it belongs to with the agency named, and per task
every agency's result, figures and notes, the lead first.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterator

from .. import markdown as markdown_text, vn
from ..consolidate import (NO_ANSWER, STATES, STATUS_WORDS, AgencyStanding, Answer, Consolidation, TaskResult,
                           consolidate)
from ..model import Plan
from ..periods import open_periods, periods
from ..returns import SUMMARY_KEYS
from ..templating.profile import DEFAULT, StyleProfile
from ..templating.tables import Column
from ..vn import short_date
from .common import header_context, period_context, reference, signer_context
from .kind import Content, Document, Selection, Target, TemplateKind

if TYPE_CHECKING:
    from .env import RenderEnv

KIND = "consolidated-report"
TEMPLATE = "consolidated.docx"
#: Where each summary key of a return goes in the consolidated report (heading as printed).
NARRATIVE_HEADINGS = {
    "direction": "I.1. Công tác chỉ đạo, triển khai",
    "overview": "I.3. Kết quả thực hiện các nhiệm vụ",
    "achievements": "II.1. Kết quả đạt được",
    "shortcomings": "II.2. Tồn tại, hạn chế",
    "causes": "II.3. Nguyên nhân",
    "next_steps": "III. Phương hướng, nhiệm vụ thời gian tới",
    "recommendations": "IV. Đề xuất, kiến nghị",
}
ROLE_WORDS = {"lead": "chủ trì", "support": "phối hợp"}


def path(period_id: str, suffix: str = "docx") -> str:
    return f"tong-hop/{period_id}.{suffix}"


def _cap(text: str) -> str:
    return vn.upper(text[:1]) + text[1:] if text else text


def _status(result: TaskResult) -> str:
    word = STATUS_WORDS[result.status]
    if result.expected_leads > 1 and result.status != NO_ANSWER:
        word += f" ({result.answered_leads}/{result.expected_leads} đơn vị đã báo cáo)"
    return _cap(word)


def _sentence(text: str) -> str:
    """One paragraph of running text ending with a full stop."""
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", "…", ":", ";")) else text + "."


def figure_text(figure) -> str:
    """``Số trẻ em được hỗ trợ: 125 trẻ em``."""
    value = figure.value
    if isinstance(figure.number, float):  # Vietnamese decimal comma: 99,2
        value = str(value).strip().replace(".", ",")
    return f"{figure.name}: {value}{' ' + figure.unit if figure.unit else ''}"


def answer_text(plan: Plan, answer: Answer) -> str:
    """An agency's answer on a task as one paragraph of the report:
    "Phòng Y tế (chủ trì) — hoàn thành: <result> Số liệu: …. Ghi chú: …"."""
    head = f"{plan.registry.short_name(answer.agency_id)} ({ROLE_WORDS[answer.role]})"
    if answer.status:
        head += f" — {STATUS_WORDS[answer.status]}"
    parts = [_sentence(answer.result) if answer.result else "chưa nêu kết quả."]
    if answer.figures:
        parts.append("Số liệu: " + "; ".join(figure_text(f) for f in answer.figures) + ".")
    if answer.note:
        parts.append("Ghi chú: " + _sentence(answer.note))
    return f"{head}: " + " ".join(parts)


def _issues_text(plan: Plan, answer: Answer) -> list[str]:
    name = plan.registry.short_name(answer.agency_id)
    out = []
    if answer.difficulties:
        out.append(f"{name}: khó khăn: {_sentence(answer.difficulties)}")
    if answer.proposals:
        out.append(f"{name}: đề xuất: {_sentence(answer.proposals)}")
    return out


def leads_text(plan: Plan, task) -> str:
    """The task's lead cell as the plan prints it (the office's own wording, or
    the registry names of its leads; a group by its collective name)."""
    return task.lead_cell


def _submitted(a: AgencyStanding) -> str:
    """The day an agency that reported (on time or late) sent its return: those states have one."""
    assert a.submitted is not None
    return short_date(a.submitted)


def _state_words(a) -> str:
    if a.state == "on-time":
        return f"Đã gửi đúng hạn (ngày {_submitted(a)})"
    if a.state == "late":
        return f"Gửi muộn (ngày {_submitted(a)})"
    words = "Chưa gửi (mới có bản nháp)" if a.draft else "Chưa gửi"
    return words + (", quá hạn" if a.overdue else "")


def _narrative(plan: Plan, c: Consolidation) -> dict:
    registry = plan.registry
    out = {key: [{"agency": registry.short_name(a), "text": _sentence(text)} for a, text in c.narrative.get(key, ())]
           for key in SUMMARY_KEYS}
    # difficulties and proposals written on tasks join the limits and the recommendations
    for r in c.tasks:
        for ans in r.answers:
            name = registry.short_name(ans.agency_id)
            if ans.difficulties:
                out["shortcomings"].append({"agency": f"{name} (nhiệm vụ {r.task.id})",
                                            "text": _sentence(ans.difficulties)})
            if ans.proposals:
                out["recommendations"].append({"agency": f"{name} (nhiệm vụ {r.task.id})",
                                               "text": _sentence(ans.proposals)})
    return out


def context(plan: Plan, c: Consolidation) -> dict:
    registry = plan.registry
    per = c.period
    rows = []
    by_task = {r.task.id: r for r in c.tasks}
    for group in plan.task_groups():
        rows.append({"group": True, "stt": group.numeral, "title": group.title})
        for task in group.tasks:
            r = by_task[task.id]
            issues = [line for a in r.answers for line in _issues_text(plan, a)]
            rows.append({
                "group": False, "stt": task.cite, "content": task.content,
                "lead": leads_text(plan, task), "status": _status(r),
                "results": "\n".join(answer_text(plan, a) for a in r.answers),
                "difficulties": "\n".join(issues),
            })
    header = header_context(plan)
    header["number"] = vn.document_number("BC", plan.issuer.code, None)
    header["place_date"] = vn.format_date(per.consolidated_due.year, per.consolidated_due.month, None,
                                          place=plan.issuer.place)
    counts = c.counts
    agencies = [{
        "name": registry.name(a.agency_id),
        "lead": a.lead_tasks, "support": a.support_tasks,
        "done": a.by_status["hoan-thanh"], "in_progress": a.by_status["dang-thuc-hien"],
        "not_started": a.by_status["chua-thuc-hien"], "no_answer": a.by_status[NO_ANSWER],
        "state": _state_words(a),
    } for a in c.agencies]
    not_started = [f"{r.task.id}" for r in c.tasks if r.status == "chua-thuc-hien"]
    return {
        "header": header,
        "period": period_context(per),
        "plan_ref": reference(plan),
        "addressee": registry.name(plan.reporting.consolidated_to),
        "as_of": short_date(c.as_of),
        "counts": {
            "total": len(c.tasks), "done": counts["hoan-thanh"], "in_progress": counts["dang-thuc-hien"],
            "not_started": counts["chua-thuc-hien"], "no_answer": counts[NO_ANSWER],
            "not_started_ids": ", ".join(not_started),
        },
        "reporting": {
            "expected": len(c.agencies), "reported": len(c.reported),
            "on_time": sum(1 for a in c.agencies if a.state == "on-time"),
            "complete": len(c.reported),
            "late": [{"name": registry.name(a.agency_id), "date": _submitted(a)} for a in c.late],
            "missing": [registry.name(a.agency_id) + (" (mới có bản nháp)" if a.draft else "") for a in c.missing],
            "overdue": c.overdue and bool(c.missing),
        },
        "narrative": _narrative(plan, c),
        "agencies": agencies,
        "rows": rows,
        "addressee_short": registry.short_name(plan.reporting.consolidated_to),
        "issuer_short": plan.issuer.short_name,
        "report_ref": {
            "number": header["number"][len("Số:"):],
            "date": vn.format_date(per.consolidated_due.year, per.consolidated_due.month, None),
        },
        "signer": signer_context(plan.signer),
    }


_cell = markdown_text.cell
_md = markdown_text.escape


def _heading(text: str) -> str:
    """A heading's text: escaped, ``#`` too (a trailing one would be eaten)."""
    return _md(text).replace("#", "\\#")


def markdown(plan: Plan, c: Consolidation) -> str:
    """A Vietnamese summary of the consolidation, for the office and PR review."""
    registry = plan.registry
    per = c.period
    counts = c.counts
    lines = [
        f"# Tổng hợp báo cáo {per.label}",
        "",
        f"{_md(reference(plan))} — số liệu {per.range_text}; hạn gửi báo cáo {short_date(per.due)}; "
        f"tình hình tính đến ngày {short_date(c.as_of)}.",
        "",
        "## Nhiệm vụ theo tình trạng",
        "",
        "| Tình trạng | Số nhiệm vụ |",
        "|---|---:|",
    ]
    lines += [f"| {STATUS_WORDS[s]} | {n} |" for s, n in counts.items()]
    lines += [f"| **Tổng số** | **{len(c.tasks)}** |", "", "## Cơ quan, đơn vị", "",
              f"Đã gửi báo cáo: {len(c.reported)}/{len(c.agencies)} cơ quan, đơn vị "
              f"(đúng hạn {len(c.reported) - len(c.late)}, gửi muộn {len(c.late)}).", "",
              "| Cơ quan, đơn vị | Chủ trì | Phối hợp | Hoàn thành | Đang thực hiện | Chưa thực hiện | Chưa trả lời | Tình trạng |",
              "|---|---:|---:|---:|---:|---:|---:|---|"]
    for a in c.agencies:
        state = _state_words(a)
        if a.late or a.overdue:
            state = f"**{state}**"
        s = a.by_status
        lines.append(f"| {_cell(registry.name(a.agency_id))} | {a.lead_tasks} | {a.support_tasks} | {s['hoan-thanh']} | "
                     f"{s['dang-thuc-hien']} | {s['chua-thuc-hien']} | {s[NO_ANSWER]} | {state} |")
    lines += ["", "## Chưa gửi báo cáo", ""]
    lines += [f"- {_md(registry.name(a.agency_id), start=True)}{' (mới có bản nháp)' if a.draft else ''}"
              f"{' (quá hạn)' if a.overdue else ''}" for a in c.missing] or ["Không có."]
    lines += ["", "## Gửi báo cáo muộn", ""]
    lines += [f"- {_md(registry.name(a.agency_id), start=True)} (gửi ngày {_submitted(a)}, hạn {short_date(per.due)})"
              for a in c.late] or ["Không có."]
    lines += ["", "## Nhiệm vụ chưa có báo cáo", ""]
    lines += [f"- {_md(t.task.id, start=True)}: {_cell(t.task.content)} (chủ trì: {_md(leads_text(plan, t.task))})"
              for t in c.tasks_without_answer] or ["Không có."]
    narrative = _narrative(plan, c)
    lines += ["", "## Nội dung báo cáo của các cơ quan, đơn vị", ""]
    for key in SUMMARY_KEYS:
        lines += [f"### {NARRATIVE_HEADINGS[key]}", ""]
        lines += [f"- **{_md(item['agency'])}**: {_cell(item['text'])}" for item in narrative[key]] or ["Chưa có nội dung."]
        lines.append("")
    lines += ["## Kết quả theo nhiệm vụ", ""]
    by_task = {r.task.id: r for r in c.tasks}
    for group in plan.task_groups():
        lines += [f"### {_heading(group.heading)}", "", "| STT | Nhiệm vụ | Chủ trì | Tình trạng | Kết quả |", "|---|---|---|---|---|"]
        for task in group.tasks:
            r = by_task[task.id]
            results = "<br>".join(_cell(answer_text(plan, a)) for a in r.answers)
            lines.append(f"| {_cell(task.id)} | {_cell(task.content)} | {_cell(leads_text(plan, task))} | {_status(r)} | "
                         f"{results or '—'} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def summary(plan: Plan, c: Consolidation) -> dict:
    """The consolidation as plain data (ids and Vietnamese words), for tools."""
    per = c.period
    return {
        "plan": plan.id,
        "period": {"id": per.id, "label": per.label, "start": per.start.isoformat(), "end": per.end.isoformat(),
                   "due": per.due.isoformat()},
        "as_of": c.as_of.isoformat(),
        "overdue": c.overdue,
        "counts": dict(c.counts),
        "reported": [a.agency_id for a in c.reported],
        "late": [a.agency_id for a in c.late],
        "not_reported": [a.agency_id for a in c.missing],
        "drafts": [a.agency_id for a in c.drafts],
        "agencies": [{
            "id": a.agency_id, "name": plan.registry.name(a.agency_id), "state": a.state,
            "state_label": STATES[a.state], "submitted": a.submitted.isoformat() if a.submitted else None,
            "overdue": a.overdue, "lead_tasks": a.lead_tasks, "support_tasks": a.support_tasks,
            "by_status": dict(a.by_status),
        } for a in c.agencies],
        "narrative": {key: [{"agency": a, "text": t} for a, t in c.narrative.get(key, ())] for key in SUMMARY_KEYS},
        "tasks": [{
            "id": r.task.id, "status": r.status, "answered_leads": r.answered_leads,
            "expected_leads": r.expected_leads,
            "answers": [{
                "agency": a.agency_id, "role": a.role, "status": a.status, "result": a.result,
                "figures": [{"name": f.name, "value": f.value, "unit": f.unit} for f in a.figures],
                "difficulties": a.difficulties, "proposals": a.proposals, "note": a.note,
            } for a in r.answers],
        } for r in c.tasks],
    }


def summary_json(plan: Plan, c: Consolidation) -> bytes:
    return (json.dumps(summary(plan, c), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# -- the default template consolidated.docx: báo cáo tổng hợp (Mẫu 1.4 + Phụ lục) ----------------------------
# Its tags are the keys of context() above: change both together.


#: The table by agency in the body (portrait); shares of the text width (out
#: of 165, the default profile's width in mm).
CONSOLIDATED_AGENCY_COLUMNS: tuple[Column, ...] = (
    Column("STT", 12, "KH Bảng giữa", "{{ loop.index }}"),
    Column("Cơ quan, đơn vị", 40, "KH Bảng", "{{ a.name }}"),
    Column("Chủ trì", 13, "KH Bảng giữa", "{{ a.lead }}"),
    Column("Phối hợp", 14, "KH Bảng giữa", "{{ a.support }}"),
    Column("Hoàn thành", 15, "KH Bảng giữa", "{{ a.done }}"),
    Column("Đang thực hiện", 15, "KH Bảng giữa", "{{ a.in_progress }}"),
    Column("Chưa thực hiện", 15, "KH Bảng giữa", "{{ a.not_started }}"),
    Column("Chưa trả lời", 15, "KH Bảng giữa", "{{ a.no_answer }}"),
    Column("Tình trạng", 26, "KH Bảng", "{{ a.state }}"),
)
#: The Phụ lục of results by task (landscape); shares out of 252.
CONSOLIDATED_APPENDIX_COLUMNS: tuple[Column, ...] = (
    Column("STT", 12, "KH Bảng giữa", "{{ row.stt }}"),
    Column("Nhiệm vụ", 62, "KH Bảng", "{{ row.content }}"),
    Column("Cơ quan chủ trì", 30, "KH Bảng", "{{ row.lead }}"),
    Column("Tình trạng", 26, "KH Bảng", "{{ row.status }}"),
    Column("Kết quả thực hiện của các cơ quan, đơn vị", 77, "KH Bảng", "{{ row.results }}"),
    Column("Khó khăn, đề xuất", 45, "KH Bảng", "{{ row.difficulties }}"),
)


def _narrative_paras(key: str, empty: str) -> list[tuple[str, str | None]]:
    """The agencies' text for one heading of the consolidated report, one
    paragraph per agency ("- Phòng Y tế: …"), or a guide line when none wrote any."""
    return [
        ("KH Nội dung", f"{{%p for item in narrative.{key} %}}"),
        ("KH Nội dung", "- {{ item.agency }}: {{ item.text }}"),
        ("KH Nội dung", "{%p endfor %}"),
        ("KH Hướng dẫn", f"{{%p if not narrative.{key} %}}"),
        ("KH Hướng dẫn", f"({empty})"),
        ("KH Hướng dẫn", "{%p endif %}"),
    ]


def template(profile: StyleProfile = DEFAULT) -> bytes:
    """The báo cáo tổng hợp of the issuer to the upper level (Mẫu 1.4): who
    reported (on time, late) and who did not, counts by status and by agency,
    the agencies' narrative under each heading, and a landscape Phụ lục of
    every agency's results by task.  Context:
    :func:`kehoach.documents.consolidated.context`."""
    # python-docx is imported only to draw templates, never to render a document
    from docx.shared import Pt
    from ..templating.docx_parts import para
    from ..templating.layout import (appendix_heading, appendix_section, closing, column_table, end_document,
                                     header_block, hide_section_break_mark, new_document, paras, portrait_section,
                                     signature_block, signer, title_block)
    p = profile
    document = new_document(p, "Mẫu báo cáo tổng hợp kết quả thực hiện kế hoạch "
                                "(Nghị định 30/2020/NĐ-CP, Mẫu 1.4 và Mẫu 2.1)")
    portrait_section(document, p)
    header_block(document, p)
    title_block(document, p, "BÁO CÁO", "Kết quả thực hiện {{ plan_ref }} {{ period.label }}",
                 space_after_pt=0)
    body, heading = "KH Nội dung", "KH Tên phần"
    none = "Chưa có cơ quan, đơn vị nào báo cáo nội dung này; bổ sung trước khi trình ký."
    paras(document, [
        ("KH Kính gửi", "Kính gửi: {{ addressee }}."),
        (body, "Trên cơ sở báo cáo của các cơ quan, đơn vị, {{ issuer_short }} báo cáo kết quả thực hiện "
               "{{ plan_ref }} {{ period.label }} (số liệu {{ period.range }}) như sau:"),
        (heading, "I. KẾT QUẢ THỰC HIỆN"),
        (heading, "1. Công tác chỉ đạo, triển khai"),
        *_narrative_paras("direction", none),
        (heading, "2. Tình hình báo cáo của các cơ quan, đơn vị"),
        (body, "Tính đến ngày {{ as_of }}, có {{ reporting.reported }}/{{ reporting.expected }} cơ quan, "
               "đơn vị gửi báo cáo (hạn gửi ngày {{ period.due }}), trong đó {{ reporting.on_time }} "
               "đơn vị gửi đúng hạn, {{ reporting.late|length }} đơn vị gửi muộn."),
        (body, "{%p if reporting.late %}"),
        (body, "Các cơ quan, đơn vị gửi báo cáo muộn:"),
        (body, "{%p for n in reporting.late %}"),
        (body, "- {{ n.name }} (gửi ngày {{ n.date }}){% if loop.last %}.{% else %};{% endif %}"),
        (body, "{%p endfor %}"),
        (body, "{%p endif %}"),
        (body, "{%p if reporting.missing %}"),
        (body, "Các cơ quan, đơn vị chưa gửi báo cáo{% if reporting.overdue %} (đã quá hạn ngày "
               "{{ period.due }}){% endif %}:"),
        (body, "{%p for n in reporting.missing %}"),
        (body, "- {{ n }}{% if loop.last %}.{% else %};{% endif %}"),
        (body, "{%p endfor %}"),
        (body, "{%p else %}"),
        (body, "Tất cả các cơ quan, đơn vị đã gửi báo cáo."),
        (body, "{%p endif %}"),
        (heading, "3. Kết quả thực hiện các nhiệm vụ"),
        (body, "Kế hoạch có {{ counts.total }} nhiệm vụ, trong đó: hoàn thành {{ counts.done }}; "
               "đang thực hiện {{ counts.in_progress }}; chưa thực hiện {{ counts.not_started }}; "
               "chưa có báo cáo {{ counts.no_answer }}."),
        (body, "{%p for item in narrative.overview %}"),
        (body, "- {{ item.agency }}: {{ item.text }}"),
        (body, "{%p endfor %}"),
        (body, "Số nhiệm vụ và tình trạng thực hiện theo từng cơ quan, đơn vị như sau:"),
    ])
    column_table(document, p.text_width_mm, CONSOLIDATED_AGENCY_COLUMNS, "{%tr for a in agencies %}")
    table_end = para(document, body, "Kết quả thực hiện từng nhiệm vụ của từng cơ quan, đơn vị chi tiết tại "
                                      "Phụ lục kèm theo Báo cáo này.")
    table_end.paragraph_format.space_before = Pt(p.space_after_pt)
    paras(document, [
        (heading, "II. ĐÁNH GIÁ CHUNG"),
        (heading, "1. Kết quả đạt được"),
        *_narrative_paras("achievements", none),
        (heading, "2. Tồn tại, hạn chế"),
        *_narrative_paras("shortcomings", none),
        (body, "{%p if counts.not_started_ids %}"),
        (body, "- Các nhiệm vụ chưa thực hiện: {{ counts.not_started_ids }}."),
        (body, "{%p endif %}"),
        (body, "{%p if reporting.missing %}"),
        (body, "- Việc chấp hành chế độ báo cáo: còn {{ reporting.missing|length }} cơ quan, đơn vị chưa gửi "
               "báo cáo{% if reporting.late %}, {{ reporting.late|length }} cơ quan, đơn vị gửi muộn{% endif %}."),
        (body, "{%p endif %}"),
        (heading, "3. Nguyên nhân"),
        *_narrative_paras("causes", none),
        (heading, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"),
        *_narrative_paras("next_steps", none),
        (heading, "IV. ĐỀ XUẤT, KIẾN NGHỊ"),
        *_narrative_paras("recommendations", "Không có đề xuất, kiến nghị của các cơ quan, đơn vị; bổ sung "
                                             "đề xuất với " + "{{ addressee }}, nếu có."),
    ])
    closing(document, "Trên đây là báo cáo kết quả thực hiện {{ plan_ref }} {{ period.label }}, "
                       "kính gửi {{ addressee_short }} tổng hợp, theo dõi./.")
    signature_block(document, p, [
        ("KH Nơi nhận", "Nơi nhận:"),
        ("KH Nơi nhận dòng", "- {{ addressee_short }};"),
        ("KH Nơi nhận dòng", "- Lưu: VT."),
    ], signer(p))

    appendix_section(document, p)
    hide_section_break_mark(document)
    appendix_heading(
        document, p, "KẾT QUẢ THỰC HIỆN NHIỆM VỤ {{ period.label|upper }}",
        "(Kèm theo Báo cáo số {{ report_ref.number }} {{ report_ref.date }} của {{ issuer_short }})")
    column_table(document, p.landscape_text_width_mm, CONSOLIDATED_APPENDIX_COLUMNS,
                  "{%tr for row in rows %}", group=("{{ row.stt }}", "{{ row.title }}"))
    return end_document(document)


# -- the kind: one consolidated report per period chosen that has returns -------------------------


def _targets(plan: Plan, env: "RenderEnv", selection: Selection) -> Iterator[Target]:
    for per in selection.periods:
        c = selection.consolidation(plan, per, env.as_of)
        if c is not None:
            yield Target(period=per, consolidation=c)


def _path(plan: Plan, target: Target) -> str:
    return path(target.per.id)


def _consolidation(target: Target) -> Consolidation:
    if target.consolidation is None:
        raise ValueError("a consolidated report needs its consolidation")
    return target.consolidation


def _content(plan: Plan, env: "RenderEnv", target: Target) -> Content:
    return Content(context(plan, _consolidation(target)))


def _extras(plan: Plan, env: "RenderEnv", target: Target) -> tuple[Document, ...]:
    """The same consolidation in Markdown (for the office and PR review) and JSON (for tools)."""
    c, per = _consolidation(target), target.per.id
    return (Document(path(per, "md"), KIND, markdown(plan, c).encode("utf-8"), period=per),
            Document(path(per, "json"), KIND, summary_json(plan, c), period=per))


def _sample(plan: Plan) -> Target:
    per = (open_periods(plan) or periods(plan))[0]
    return Target(period=per, consolidation=consolidate(plan, per, (), per.due))


#: the báo cáo tổng hợp of a period (two sections), with its Markdown and JSON beside it
DOCUMENT_KIND = TemplateKind(KIND, TEMPLATE, "Báo cáo tổng hợp kết quả thực hiện {kind} {subject}", 2,
                             _targets, _path, _content, _sample, template, _extras, eager=True)
