"""The report template (báo cáo định kỳ, Mẫu 1.4): one per reporting agency and
period, issued by the agency to the plan's issuer.

It carries the agency's header under its parent body, the usual sections with
guidance placeholders (all wording in ``templates/report.docx``), and a
landscape table listing exactly that agency's tasks with empty columns for the
result, progress and notes.  The duties the plan's body gives the agency (its
own and its groups') are quoted under mục I.2, each with room for its result.
"""

from __future__ import annotations

from .. import vn
from ..model import Plan
from ..periods import Period
from .common import period_context, reference, title_line
from .consolidated import leads_text
from .letter import duty_blocks

KIND = "report-template"
TEMPLATE = "report.docx"
#: Code of a báo cáo in the "Số: …/BC-…" line (Phụ lục III, NĐ 30).
REPORT_CODE = "BC"


def path(period_id: str, agency_id: str) -> str:
    return f"bao-cao/{period_id}/{agency_id}.docx"


def agencies(plan: Plan, per: Period) -> tuple[str, ...]:
    """Agencies that owe a report for the period (reporters with tasks)."""
    from ..returns import expected_agencies
    return expected_agencies(plan, per.id)


#: The collective body that opens a People's Committee's name, printed on a line of its own.
_COMMITTEE = "Ủy ban nhân dân "


def header_lines(name: str) -> list[str]:
    """An agency's name as header lines (ô 2): a People's Committee's name is
    split after "ỦY BAN NHÂN DÂN" as the national samples do; others stay one line."""
    if name.startswith(_COMMITTEE) and len(name) > len(_COMMITTEE):
        return [vn.upper(_COMMITTEE.strip()), vn.upper(name[len(_COMMITTEE):])]
    return [vn.upper(name)]


def _number(agency) -> str:
    """``Số:      /BC-PYT``; the agency's code is "…" until the registry has one."""
    return f"Số:{vn.DEFAULT_BLANK}/{REPORT_CODE}-{agency.code or '…'}"


def context(plan: Plan, per: Period, agency_id: str) -> dict:
    registry = plan.registry
    agency = registry.agencies[agency_id]
    # One pass in appendix order; a task the agency leads is never also one it supports.
    # The agency's tasks from the plan's indexes, in plan order; a task it leads
    # is never also one it supports.
    led = plan.tasks_led_by(agency_id)
    lead_ids = {t.id for t in led}
    position = {t.id: i for i, t in enumerate(plan.tasks)}
    mine = sorted(led + plan.tasks_supported_by(agency_id), key=lambda t: position[t.id])
    rows = []
    for t in mine:
        role = "Chủ trì" if t.id in lead_ids else "Phối hợp"
        rows.append({
            "stt": t.id,
            "content": t.content,
            "role": role,
            "lead": leads_text(plan, t),
            "timeline": t.timeline.text,
        })
    due = per.due
    rule = plan.reporting
    return {
        "header": {
            "parent": [title_line(plan, agency.parent)] if agency.parent else [],
            "name": [title_line(plan, line) for line in header_lines(agency.name)],
            "number": _number(agency),
            "place_date": vn.format_date(due.year, due.month, None, place=agency.place or plan.issuer.place),
        },
        "period": period_context(per),
        "plan_ref": reference(plan),
        "addressee": registry.name(rule.to),
        "via": registry.short_name(rule.via) if rule.via else "",
        "agency_name": agency.name,
        "agency_short": agency.short_name,
        "rows": rows,
        # the plan's duty paragraphs binding the agency ("Tổ chức thực hiện"): results asked for each
        "duties": [{"lines": lines} for lines in duty_blocks(plan, agency_id)],
        # "(Kèm theo Báo cáo số {{ number }} {{ date }} của {{ agency_name }})" in the template
        "report_ref": {
            "number": f"{vn.DEFAULT_BLANK}/{REPORT_CODE}-{agency.code or '…'}",
            "date": vn.format_date(due.year, due.month, None),
        },
    }
