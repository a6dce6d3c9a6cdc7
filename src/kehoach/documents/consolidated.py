"""The consolidated report (báo cáo tổng hợp, Mẫu 1.4) from the plan's issuer to
the upper level, built from the agencies' returns of one period; and its
Markdown summary for the office and for pull-request review.
"""

from __future__ import annotations

from .. import vn
from ..consolidate import NO_ANSWER, STATUS_WORDS, Consolidation
from ..model import Plan
from .common import header_context, period_context, reference, short_date, signer_context

KIND = "consolidated-report"
TEMPLATE = "consolidated.docx"


def path(period_id: str, suffix: str = "docx") -> str:
    return f"tong-hop/{period_id}.{suffix}"


def _names(plan: Plan, pairs) -> str:
    return "\n".join(f"{plan.registry.short_name(a)}: {text}" for a, text in pairs)


def _status(result) -> str:
    word = STATUS_WORDS[result.status]
    if result.expected_leads > 1 and result.status != NO_ANSWER:
        word += f" ({result.answered_leads}/{result.expected_leads} đơn vị đã báo cáo)"
    return vn.upper(word[:1]) + word[1:]


def context(plan: Plan, c: Consolidation) -> dict:
    registry = plan.registry
    per = c.period
    rows = []
    by_task = {r.task.id: r for r in c.tasks}
    for group in plan.appendix.groups:
        rows.append({"group": True, "stt": group.numeral, "title": group.title})
        for task in group.tasks:
            r = by_task[task.id]
            rows.append({
                "group": False, "stt": task.id, "content": task.content,
                "lead": task.lead_cell, "status": _status(r),
                "results": _names(plan, r.results), "difficulties": _names(plan, r.difficulties + r.proposals),
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
        "state": ("Đã báo cáo đầy đủ" if a.complete else "Báo cáo chưa đủ") if a.reported
                 else ("Chưa báo cáo, quá hạn" if a.overdue else "Chưa báo cáo"),
    } for a in c.agencies]
    return {
        "header": header,
        "period": period_context(per),
        "plan_ref": reference(plan),
        "addressee": registry.name(plan.reporting.consolidated_to),
        "as_of": short_date(c.as_of),
        "counts": {
            "total": len(c.tasks), "done": counts["hoan-thanh"], "in_progress": counts["dang-thuc-hien"],
            "not_started": counts["chua-thuc-hien"], "no_answer": counts[NO_ANSWER],
        },
        "reporting": {
            "expected": len(c.agencies), "reported": len(c.reported),
            "complete": sum(1 for a in c.agencies if a.complete),
            "missing": [registry.name(a.agency_id) for a in c.missing],
            "overdue": c.overdue and bool(c.missing),
        },
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


def _cell(text: str) -> str:
    """Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|") or "—"


def markdown(plan: Plan, c: Consolidation) -> str:
    """A short Vietnamese summary of the consolidation, for the office and PR review."""
    registry = plan.registry
    per = c.period
    counts = c.counts
    lines = [
        f"# Tổng hợp báo cáo {per.label}",
        "",
        f"{reference(plan)} — số liệu {per.range_text}; hạn gửi báo cáo {short_date(per.due)}; "
        f"tình hình tính đến ngày {short_date(c.as_of)}.",
        "",
        "## Nhiệm vụ theo tình trạng",
        "",
        "| Tình trạng | Số nhiệm vụ |",
        "|---|---:|",
    ]
    lines += [f"| {STATUS_WORDS[s]} | {n} |" for s, n in counts.items()]
    lines += [f"| **Tổng số** | **{len(c.tasks)}** |", "", "## Cơ quan, đơn vị", "",
              f"Đã gửi báo cáo: {len(c.reported)}/{len(c.agencies)} cơ quan, đơn vị.", "",
              "| Cơ quan, đơn vị | Chủ trì | Phối hợp | Hoàn thành | Đang thực hiện | Chưa thực hiện | Chưa trả lời | Tình trạng |",
              "|---|---:|---:|---:|---:|---:|---:|---|"]
    for a in c.agencies:
        state = ("đầy đủ" if a.complete else "chưa đủ") if a.reported else ("**chưa báo cáo, quá hạn**" if a.overdue else "chưa báo cáo")
        s = a.by_status
        lines.append(f"| {_cell(registry.name(a.agency_id))} | {a.lead_tasks} | {a.support_tasks} | {s['hoan-thanh']} | "
                     f"{s['dang-thuc-hien']} | {s['chua-thuc-hien']} | {s[NO_ANSWER]} | {state} |")
    missing = c.missing
    lines += ["", "## Chưa gửi báo cáo", ""]
    lines += [f"- {registry.name(a.agency_id)}{' (quá hạn)' if a.overdue else ''}" for a in missing] or ["Không có."]
    lines += ["", "## Nhiệm vụ chưa có báo cáo", ""]
    lines += [f"- {t.task.id}: {_cell(t.task.content)} (chủ trì: {t.task.lead_cell})"
              for t in c.tasks_without_answer] or ["Không có."]
    lines += ["", "## Kết quả theo nhiệm vụ", ""]
    by_task = {r.task.id: r for r in c.tasks}
    for group in plan.appendix.groups:
        lines += [f"### {group.numeral}. {group.title}", "", "| STT | Nhiệm vụ | Chủ trì | Tình trạng | Kết quả |", "|---|---|---|---|---|"]
        for task in group.tasks:
            r = by_task[task.id]
            results = "; ".join(f"{registry.short_name(a)}: {t}" for a, t in r.results)
            lines.append(f"| {task.id} | {_cell(task.content)} | {_cell(task.lead_cell)} | {_status(r)} | {_cell(results)} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
