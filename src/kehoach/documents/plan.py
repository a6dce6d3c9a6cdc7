"""The plan document (Kế hoạch, Mẫu 1.4) with its Phụ lục (Mẫu 2.1).

:func:`context` flattens the model into what ``templates/plan.docx`` renders:
the body as a list of paragraphs, each with a bold ``lead`` and a regular
``text`` part, and the appendix as a list of rows (group rows and task rows).
"""

from __future__ import annotations

from .. import vn
from ..model import Block, Plan
from .common import header_context, recipient_lines, reference, signer_context, timeline_text

KIND = "plan"
TEMPLATE = "plan.docx"


def _paragraphs(block: Block) -> list[dict]:
    """One body paragraph per block, then its children.

    NĐ 30: a numbered item is bold when it has a title, regular otherwise, so
    the number joins the bold ``lead`` only when there is a title.
    """
    prefix = " ".join(p for p in (block.marker, block.number) if p)
    if block.title:
        lead = f"{prefix} {block.title}" if prefix else block.title
        text = f" {block.text}" if block.text else ""
    else:
        lead = ""
        text = f"{prefix} {block.text}" if prefix else (block.text or "")
    out = [{"kind": "paragraph", "lead": lead, "text": text}]
    for child in block.children:
        out.extend(_paragraphs(child))
    return out


def body(plan: Plan) -> list[dict]:
    out: list[dict] = []
    for section in plan.sections:
        out.append({"kind": "heading", "lead": "", "text": f"{section.numeral}. {section.title}"})
        for block in section.blocks:
            out.extend(_paragraphs(block))
    return out


def appendix_rows(plan: Plan) -> list[dict]:
    """Group rows (I, II, …) across the table, then the tasks, agency names as
    the registry spells them (a group lead shows the group's collective name)."""
    names = plan.registry.name
    rows: list[dict] = []
    for group in plan.appendix.groups:
        rows.append({"group": True, "stt": group.numeral, "title": group.title})
        for task in group.tasks:
            rows.append({
                "group": False,
                "stt": task.id,
                "content": task.content,
                "lead": names(task.lead),
                "support": "; ".join(names(ref) for ref in task.support),
                "timeline": timeline_text(task.timeline),
                "output": task.output,
            })
    return rows


def context(plan: Plan) -> dict:
    """Everything ``plan.docx`` needs, as plain data (no model objects)."""
    return {
        "header": header_context(plan),
        "type_name": vn.upper(plan.document.type_name),
        "subject": plan.document.subject,
        "bases": list(plan.bases),
        "body": body(plan),
        "closing": plan.closing,
        "recipients": recipient_lines(plan.recipients),
        "signer": signer_context(plan.signer),
        "appendix": {
            "title": vn.upper(plan.appendix.title),
            "reference": reference(plan),
            "rows": appendix_rows(plan),
            "note": plan.appendix.note if plan.appendix.illustrative else "",
        },
    }
