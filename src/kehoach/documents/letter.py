"""The assignment letter (công văn giao nhiệm vụ, Mẫu 1.5): one per agency that
leads or supports at least one task, or that a duty of the plan binds.

The letter cites the plan, lists the tasks the agency leads (with their
coordinators, timeline and output) and those it supports (with their lead),
quotes the plan's duty paragraphs that bind it (its own, and its groups'), and
spells out its reporting duty with concrete due dates.  Every fixed sentence is
in ``templates/letter.docx``; this module supplies only data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import vn
from ..inline import plain
from ..model import Plan, Task
from ..periods import periods
from ..templating.profile import DEFAULT, StyleProfile
from .common import header_context, reference, signer_context
from .kind import Content, Selection, Target, TemplateKind
from .schedule import schedule_lines

if TYPE_CHECKING:
    from .env import RenderEnv

KIND = "letter"
TEMPLATE = "letter.docx"
#: Drafting unit in the letter's code ("Số: …/UBND-VP") when the plan gives none.
DEFAULT_UNIT = "VP"


def folder() -> str:
    return "cong-van"


def path(agency_id: str) -> str:
    return f"{folder()}/{agency_id}.docx"


def agencies(plan: Plan) -> tuple[str, ...]:
    """Agencies that get a letter: each one that leads or supports a task, or that
    a duty paragraph of the plan binds (not requests to outside parties)."""
    involved = set(plan.agencies_with_tasks()) | set(plan.agencies_with_duties())
    return tuple(a for a in plan.registry.agencies if a in involved)


def duty_blocks(plan: Plan, agency_id: str) -> list[list[str]]:
    """The plan's duty paragraphs binding the agency, each as its lines (the
    duty, then its points, markers kept, inline marks removed)."""
    blocks = []
    for block in plan.duties_of(agency_id):
        lines = []
        for inner in block.walk():
            # the duty's own number belongs to the plan's outline, not to the letter's
            prefix = " ".join(x for x in (inner.marker, inner.number) if x) if inner is not block else ""
            words = " ".join(x for x in (inner.title, inner.text) if x)
            lines.append(plain(f"{prefix} {words}" if prefix else words, plan.markup))
        blocks.append(lines)
    return blocks


def duty_lines(plan: Plan, agency_id: str) -> list[str]:
    """:func:`duty_blocks` as one list of lines, as the letter quotes them."""
    return [line for lines in duty_blocks(plan, agency_id) for line in lines]


def split_support(plan: Plan, agency_id: str) -> tuple[list[Task], dict[str, list[Task]]]:
    """Tasks ``agency_id`` coordinates on: those naming it directly, and those
    reaching it only as a member of a coordinating group (by group id, in plan
    order) — the letter lists the first in full and summarises the second."""
    direct: list[Task] = []
    via_group: dict[str, list[Task]] = {}
    for task in plan.tasks_supported_by(agency_id):
        if agency_id in task.support:
            direct.append(task)
            continue
        group = next((ref for ref in task.support if agency_id in plan.registry.expand(ref)), None)
        via_group.setdefault(group or "", []).append(task)
    return direct, via_group


def context(plan: Plan, agency_id: str) -> dict:
    registry = plan.registry
    d = plan.document
    letters = plan.letters
    unit = letters.get("drafting_unit", DEFAULT_UNIT)
    lead = [
        {
            "id": t.cite,
            "content": t.content,
            "support": t.support_cell,
            "timeline": t.timeline.text,
            "output": t.output or "",
        }
        for t in plan.tasks_led_by(agency_id)
    ]
    direct, via_group = split_support(plan, agency_id)
    support = [
        {
            "id": t.cite,
            "content": t.content,
            "lead": t.lead_cell,
            "timeline": t.timeline.text,
            "output": t.output or "",
        }
        for t in direct
    ]
    member_tasks = [
        {"group": registry.name(group), "count": len(tasks),
         "numbers": "số " + ", ".join(t.cite for t in tasks)}
        for group, tasks in via_group.items()
    ]
    duties = duty_lines(plan, agency_id)
    numbers = iter(f"{i}." for i in range(1, 5))
    sections = {
        "lead": next(numbers) if lead else "",
        "support": next(numbers) if support or member_tasks else "",
        "duties": next(numbers) if duties else "",
        "reporting": next(numbers) if plan.reporting.periods else "",   # a plan may set no report
    }
    reports = agency_id in plan.reporters()
    rule = plan.reporting
    plan_periods = periods(plan)
    # the focal agency of a two-tier chain also gets its own deadlines to send the synthesis on
    relay = schedule_lines(rule, plan_periods, step="via_due") if agency_id == rule.via else []
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
        "plan_subject": d.cited,
        "addressee": registry.name(agency_id),
        "agency_short": registry.short_name(agency_id),
        "sections": sections,
        "lead_tasks": lead,
        "support_tasks": support,
        "member_tasks": member_tasks,
        "duties": duties,
        "reports": reports,
        "reporting": {
            "to": registry.short_name(rule.to),
            "via": registry.short_name(rule.via) if rule.via else "",
            "periodic": any(p.kind != "once" for p in plan_periods),
            # periods(plan) holds no report due before the plan is issued
            "periods": schedule_lines(rule, plan_periods),
            "relay": relay,
        },
        "recipients": recipient_lines_middle(extra),
        "unit": unit,
        "signer": signer_context(plan.signer),
    }


def recipient_lines_middle(texts) -> list[str]:
    """Lines between "- Như trên;" and "- Lưu: VT, …." (both in the template)."""
    return [f"- {text};" for text in texts]


# -- the default template letter.docx: công văn giao nhiệm vụ (Mẫu 1.5) --------------------------------------
# Its tags are the keys of context() above: change both together.


def template(profile: StyleProfile = DEFAULT) -> bytes:
    """The công văn to one agency (Mẫu 1.5): its tasks as lead and as
    coordinator, and its reporting duty.  Context: :func:`kehoach.documents.letter.context`
    plus ``issuer_short``."""
    # python-docx is imported only to draw templates, never to render a document
    from ..templating.layout import (closing, end_document, header_block, new_document, paras, portrait_section,
                                     signature_block, signer)
    p = profile
    document = new_document(p, "Mẫu công văn giao nhiệm vụ (Nghị định 30/2020/NĐ-CP, Mẫu 1.5)")
    portrait_section(document, p)
    header_block(document, p, under_number=[
        ("KH Trích yếu công văn", "V/v triển khai thực hiện {{ plan_ref }}"),
    ])
    paras(document, [
        # A blank line more above "Kính gửi" than below it, as in Mẫu 1.5.
        ("Normal", None),
        ("KH Kính gửi", "Kính gửi: {{ addressee }}."),
        ("KH Nội dung",
         "Thực hiện {{ plan_ref }} về {{ plan_subject }} (sau đây gọi là Kế hoạch), {{ issuer_short }} "
         "đề nghị {{ agency_short }} triển khai thực hiện các nhiệm vụ được giao như sau:"),
        # 1. Tasks the agency leads.
        ("KH Tên phần", "{%p if lead_tasks %}"),
        ("KH Tên phần", "{{ sections.lead }} Nhiệm vụ chủ trì thực hiện"),
        ("KH Nội dung", "{%p for t in lead_tasks %}"),
        ("KH Nội dung", "- Nhiệm vụ {{ t.id }}: {{ t.content }}"),
        ("KH Nội dung",
         "{% if t.support %}Cơ quan phối hợp: {{ t.support }}; thời gian thực hiện"
         "{% else %}Thời gian thực hiện{% endif %}: {{ t.timeline }}"
         "{% if t.output %}; sản phẩm: {{ t.output }}{% endif %}"),
        ("KH Nội dung", "{%p endfor %}"),
        ("KH Nội dung", "{%p endif %}"),
        # 2. Tasks it supports.
        ("KH Tên phần", "{%p if sections.support %}"),
        ("KH Tên phần", "{{ sections.support }} Nhiệm vụ phối hợp thực hiện"),
        ("KH Nội dung", "{%p for t in support_tasks %}"),
        ("KH Nội dung", "- Nhiệm vụ {{ t.id }}: {{ t.content }}"),
        ("KH Nội dung", "Cơ quan chủ trì: {{ t.lead }}; thời gian thực hiện: {{ t.timeline }}."),
        ("KH Nội dung", "{%p endfor %}"),
        # Tasks given to a whole group it belongs to: one line per group, not
        # every row (a department named only as one of "các sở, ngành" would
        # otherwise receive dozens of pages of other agencies' tasks).
        ("KH Nội dung", "{%p for g in member_tasks %}"),
        ("KH Nội dung",
         "- Là thành viên của {{ g.group }}: phối hợp thực hiện {{ g.count }} nhiệm vụ "
         "{{ g.numbers }} theo Phụ lục kèm theo Kế hoạch."),
        ("KH Nội dung", "{%p endfor %}"),
        ("KH Nội dung", "{%p endif %}"),
        # 3. The plan's duty paragraphs that bind it ("Tổ chức thực hiện"), as printed.
        ("KH Tên phần", "{%p if duties %}"),
        ("KH Tên phần", "{{ sections.duties }} Trách nhiệm tổ chức thực hiện"),
        ("KH Nội dung", "{%p for d in duties %}"),
        ("KH Nội dung", "{{ d }}"),
        ("KH Nội dung", "{%p endfor %}"),
        ("KH Nội dung", "{%p endif %}"),
        # 4. Reporting (none when the plan sets no periodic report).
        ("KH Tên phần", "{%p if sections.reporting %}"),
        ("KH Tên phần", "{{ sections.reporting }} Chế độ báo cáo"),
        ("KH Nội dung", "{%p if reports %}"),
        ("KH Nội dung",
         "{% if reporting.periodic %}Định kỳ báo cáo{% else %}Báo cáo{% endif %} kết quả thực hiện các nhiệm vụ "
         "được giao, gửi về {{ reporting.to }}"
         "{% if reporting.via %} (qua {{ reporting.via }}){% endif %} theo thời hạn sau:"),
        ("KH Nội dung", "{%p for per in reporting.periods %}"),
        ("KH Nội dung",
         "- Báo cáo {{ per.label }}{% if per.range %} (số liệu {{ per.range }}){% endif %}: {{ per.deadline }}"
         "{% if loop.last %}.{% else %};{% endif %}"),
        ("KH Nội dung", "{%p endfor %}"),
        ("KH Nội dung", "{%p else %}"),
        ("KH Nội dung",
         "Chủ động phối hợp, cung cấp đầy đủ, kịp thời thông tin, số liệu về kết quả thực hiện các "
         "nhiệm vụ nêu trên cho cơ quan chủ trì khi được đề nghị, để tổng hợp, báo cáo theo quy định."),
        ("KH Nội dung", "{%p endif %}"),
        # The focal agency of a two-tier chain: its own deadlines to send the synthesis on.
        ("KH Nội dung", "{%p if reporting.relay %}"),
        ("KH Nội dung",
         "{{ agency_short }} tổng hợp báo cáo của các cơ quan, đơn vị, gửi {{ reporting.to }} theo thời hạn sau:"),
        ("KH Nội dung", "{%p for per in reporting.relay %}"),
        ("KH Nội dung",
         "- Tổng hợp báo cáo {{ per.label }}: {{ per.deadline }}{% if loop.last %}.{% else %};{% endif %}"),
        ("KH Nội dung", "{%p endfor %}"),
        ("KH Nội dung", "{%p endif %}"),
        ("KH Nội dung", "{%p endif %}"),
    ])
    closing(document, "Đề nghị {{ agency_short }} quan tâm, triển khai thực hiện./.")
    signature_block(document, p, [
        ("KH Nơi nhận", "Nơi nhận:"),
        ("KH Nơi nhận dòng", "- Như trên;"),
        ("KH Nơi nhận dòng", "{%p for r in recipients %}"),
        ("KH Nơi nhận dòng", "{{ r }}"),
        ("KH Nơi nhận dòng", "{%p endfor %}"),
        ("KH Nơi nhận dòng", "- Lưu: VT, {{ unit }}."),
    ], signer(p))
    return end_document(document)


# -- the kind: one letter per agency --------------------------------------------------------------


def _targets(plan: Plan, env: "RenderEnv", selection: Selection) -> list[Target]:
    return [Target(agency=a) for a in agencies(plan)]


def _path(plan: Plan, target: Target) -> str:
    return path(target.agency_id)


def _content(plan: Plan, env: "RenderEnv", target: Target) -> Content:
    return Content(context(plan, target.agency_id))


def _sample(plan: Plan) -> Target:
    return Target(agency=plan.agencies_with_tasks()[0])


#: the công văn to each agency the plan involves (one section)
DOCUMENT_KIND = TemplateKind(KIND, TEMPLATE, "Công văn gửi {agency} về thực hiện {kind} {subject}", 1,
                             _targets, _path, _content, _sample, template)
