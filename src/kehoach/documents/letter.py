"""The assignment letter (công văn giao nhiệm vụ, Mẫu 1.5): one per agency that
leads or supports at least one task.

The letter cites the plan, lists the tasks the agency leads (with their
coordinators, timeline and output) and those it supports (with their lead), and
spells out its reporting duty with concrete due dates.  Every fixed sentence is
in ``templates/letter.docx``; this module supplies only data.
"""

from __future__ import annotations

from .. import vn
from ..model import Plan
from ..periods import periods
from .common import header_context, lower_first, period_context, reference, signer_context, timeline_text

KIND = "letter"
TEMPLATE = "letter.docx"
#: Drafting unit in the letter's code ("Số: …/UBND-VP") when the plan gives none.
DEFAULT_UNIT = "VP"


def folder() -> str:
    return "cong-van"


def path(agency_id: str) -> str:
    return f"{folder()}/{agency_id}.docx"


def agencies(plan: Plan) -> tuple[str, ...]:
    """Agencies that get a letter: each one that leads or supports a task."""
    return plan.agencies_with_tasks()


def context(plan: Plan, agency_id: str) -> dict:
    registry = plan.registry
    d = plan.document
    letters = plan.letters
    unit = letters.get("drafting_unit", DEFAULT_UNIT)
    lead = [
        {
            "id": t.id,
            "content": t.content,
            "support": "; ".join(registry.name(r) for r in t.support),
            "timeline": timeline_text(t.timeline),
            "output": t.output,
        }
        for t in plan.tasks_led_by(agency_id)
    ]
    support = [
        {
            "id": t.id,
            "content": t.content,
            "lead": registry.name(t.lead),
            "timeline": timeline_text(t.timeline),
            "output": t.output,
        }
        for t in plan.tasks_supported_by(agency_id)
    ]
    numbers = iter(f"{i}." for i in range(1, 4))
    sections = {
        "lead": next(numbers) if lead else "",
        "support": next(numbers) if support else "",
        "reporting": next(numbers),
    }
    reports = agency_id in plan.reporters()
    rule = plan.reporting
    extra = list(letters.get("recipients", ()))
    return {
        "header": {
            **header_context(plan),
            # a letter has its own number (no type code, drafting unit) and day, blank until issued
            "number": vn.document_number(None, plan.issuer.code, None, unit=unit),
            "place_date": vn.format_date(d.year, d.month, None, place=plan.issuer.place),
        },
        "plan_ref": reference(plan),
        "issuer_short": plan.issuer.short_name,
        "plan_subject": lower_first(d.subject),
        "addressee": registry.name(agency_id),
        "agency_short": registry.short_name(agency_id),
        "sections": sections,
        "lead_tasks": lead,
        "support_tasks": support,
        "reports": reports,
        "reporting": {
            "to": registry.short_name(rule.to),
            "via": registry.short_name(rule.via) if rule.via else "",
            "periods": [period_context(p) for p in periods(plan)],
        },
        "recipients": recipient_lines_middle(extra),
        "unit": unit,
        "signer": signer_context(plan.signer),
    }


def recipient_lines_middle(texts) -> list[str]:
    """Lines between "- Như trên;" and "- Lưu: VT, …." (both in the template)."""
    return [f"- {text};" for text in texts]

