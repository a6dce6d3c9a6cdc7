"""The report template (báo cáo định kỳ, Mẫu 1.4): one per reporting agency and
period, issued by the agency to the plan's issuer.

It carries the agency's header under its parent body, the usual sections with
guidance placeholders (all wording in ``templates/report.docx``), and a
landscape table listing exactly that agency's tasks with empty columns for the
result, progress and notes.  The duties the plan's body gives the agency (its
own and its groups') are quoted under mục I.2, each with room for its result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import vn
from ..model import Plan
from ..periods import Period, open_periods, periods
from ..templating.profile import DEFAULT, StyleProfile
from ..templating.tables import Column
from .common import period_context, reference, title_line
from .consolidated import leads_text
from .kind import Content, Selection, Target, TemplateKind
from .letter import duty_blocks

if TYPE_CHECKING:
    from .env import RenderEnv

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


# -- the default template report.docx: báo cáo of one agency for one period (Mẫu 1.4 + Phụ lục) --------------
# Its tags are the keys of context() above: change both together.


#: Columns of the report's Phụ lục; widths are shares of the landscape text
#: width (out of 252, the width of the default profile, in mm).  The last three
#: are left empty for the agency to fill in.
REPORT_APPENDIX_COLUMNS: tuple[Column, ...] = (
    Column("STT", 12, "KH Bảng giữa", "{{ r.stt }}"),
    Column("Nhiệm vụ", 66, "KH Bảng", "{{ r.content }}"),
    Column("Vai trò", 22, "KH Bảng giữa", "{{ r.role }}"),
    Column("Cơ quan chủ trì", 32, "KH Bảng", "{{ r.lead }}"),
    Column("Thời gian thực hiện", 24, "KH Bảng giữa", "{{ r.timeline }}"),
    Column("Kết quả thực hiện", 54, "KH Bảng"),
    Column("Tiến độ", 22, "KH Bảng giữa"),
    Column("Ghi chú", 20, "KH Bảng"),
)


#: Guidance above the report's task table: the table is read back by ``kehoach report read``.
REPORT_TABLE_GUIDE = ("(Điền các cột Kết quả thực hiện, Tiến độ, Ghi chú. Cột Tiến độ ghi một trong: Hoàn thành; "
                      "Đang thực hiện; Chưa thực hiện. Không sửa các cột khác, không thêm, bớt hay đổi số ở "
                      "cột STT: đó là mã nhiệm vụ để tổng hợp tự động. Xóa dòng này trước khi trình ký.)")


def template(profile: StyleProfile = DEFAULT) -> bytes:
    """The báo cáo an agency sends for one period (Mẫu 1.4), with guidance in
    italics and a landscape Phụ lục of its tasks.  Context:
    :func:`kehoach.documents.report.context`."""
    # python-docx is imported only to draw templates, never to render a document
    from ..templating.docx_parts import para
    from ..templating.layout import (appendix_heading, appendix_section, closing, column_table, end_document,
                                     header_block, hide_section_break_mark, new_document, paras, portrait_section,
                                     signature_block, title_block)
    p = profile
    document = new_document(p, "Mẫu báo cáo kết quả thực hiện kế hoạch của cơ quan, đơn vị "
                                "(Nghị định 30/2020/NĐ-CP, Mẫu 1.4 và Mẫu 2.1)")
    portrait_section(document, p)
    header_block(document, p)
    title_block(document, p, "BÁO CÁO", "Kết quả thực hiện {{ plan_ref }} {{ period.label }}",
                 space_after_pt=0)
    guide, body, heading = "KH Hướng dẫn", "KH Nội dung", "KH Tên phần"
    paras(document, [
        ("KH Kính gửi", "Kính gửi: {{ addressee }}."),
        (body, "Thực hiện {{ plan_ref }}, {{ agency_name }} báo cáo kết quả thực hiện "
               "{{ period.label }} (số liệu {{ period.range }}) như sau:"),
        (heading, "I. KẾT QUẢ THỰC HIỆN"),
        (heading, "1. Công tác chỉ đạo, triển khai"),
        (guide, "(Nêu việc ban hành văn bản chỉ đạo, kế hoạch triển khai, công tác tuyên truyền, "
                "kiểm tra, đôn đốc… của {{ agency_short }} {{ period.range }}.)"),
        (heading, "2. Kết quả thực hiện các nhiệm vụ được giao"),
        (guide, "(Nêu tóm tắt kết quả nổi bật của các nhiệm vụ chủ trì và phối hợp thực hiện, "
                "có số liệu cụ thể, so sánh với chỉ tiêu, sản phẩm được giao.)"),
        (body, "{%p if rows %}"),
        (body, "Kết quả thực hiện từng nhiệm vụ chi tiết tại Phụ lục kèm theo Báo cáo này."),
        (body, "{%p endif %}"),
        # the duties of the plan's body that bind the agency, each followed by room for its result
        (body, "{%p if duties %}"),
        (body, "Kết quả thực hiện các trách nhiệm được phân công tại {{ plan_ref }}:"),
        (body, "{%p for d in duties %}"),
        (body, "{%p for line in d.lines %}"),
        (body, "{{ line }}"),
        (body, "{%p endfor %}"),
        (guide, "(Nêu kết quả thực hiện trách nhiệm này.)"),
        (body, "{%p endfor %}"),
        (body, "{%p endif %}"),
        (heading, "II. ĐÁNH GIÁ CHUNG"),
        (heading, "1. Ưu điểm"),
        (guide, "(Nêu những kết quả đạt được, cách làm hiệu quả, mô hình tốt.)"),
        (heading, "2. Tồn tại, hạn chế"),
        (guide, "(Nêu những nhiệm vụ chưa hoàn thành, chậm tiến độ hoặc chưa đạt yêu cầu.)"),
        (heading, "3. Nguyên nhân"),
        (guide, "(Nêu nguyên nhân khách quan, chủ quan của những tồn tại, hạn chế.)"),
        (heading, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"),
        (guide, "(Nêu các nhiệm vụ, giải pháp trọng tâm để hoàn thành các nhiệm vụ được giao "
                "trong thời gian tới.)"),
        (heading, "IV. ĐỀ XUẤT, KIẾN NGHỊ"),
        (guide, "(Nêu đề xuất, kiến nghị với {{ addressee }} và các cơ quan liên quan, nếu có.)"),
    ])
    para(document, body, "Trên đây là báo cáo kết quả thực hiện {{ plan_ref }} {{ period.label }} "
                          "của {{ agency_name }}./.").paragraph_format.keep_with_next = True
    # Guidance, so it goes before signing: the deadline and the channel.
    closing(document, "(Hạn gửi: {{ period.deadline }}{% if via %}, qua {{ via }}{% endif %}. "
                       "Xóa các dòng in nghiêng trong ngoặc trước khi trình ký.)", style=guide)
    signature_block(document, p, [
        ("KH Nơi nhận", "Nơi nhận:"),
        ("KH Nơi nhận dòng", "- {{ addressee }}{% if via %} (qua {{ via }}){% endif %};"),
        ("KH Nơi nhận dòng", "- Lưu: VT."),
    ], [
        ("KH Chức vụ ký", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"),
        ("KH Hướng dẫn ký", "(Ký, ghi rõ họ tên, đóng dấu)"),
        *[("KH Người ký", None)] * p.signature_space_lines,
    ])

    appendix_section(document, p)
    hide_section_break_mark(document)
    appendix_heading(
        document, p, "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ ĐƯỢC GIAO {{ period.label|upper }}",
        "(Kèm theo Báo cáo số {{ report_ref.number }} {{ report_ref.date }} của {{ agency_name }})")
    # The office reads the filled table back (kehoach report read): say what goes where.
    para(document, "KH Hướng dẫn", REPORT_TABLE_GUIDE)
    column_table(document, p.landscape_text_width_mm, REPORT_APPENDIX_COLUMNS, "{%tr for r in rows %}")
    return end_document(document)


# -- the kind: one blank report per period chosen and agency that owes it -------------------------


def _targets(plan: Plan, env: "RenderEnv", selection: Selection) -> list[Target]:
    return [Target(a, per) for per in selection.periods for a in agencies(plan, per)]


def _path(plan: Plan, target: Target) -> str:
    return path(target.per.id, target.agency_id)


def _content(plan: Plan, env: "RenderEnv", target: Target) -> Content:
    return Content(context(plan, target.per, target.agency_id))


def _sample(plan: Plan) -> Target:
    per = (open_periods(plan) or periods(plan))[0]
    return Target(next(iter(agencies(plan, per)), plan.agencies_with_tasks()[0]), per)


#: the báo cáo each agency fills in for a period (two sections: the report, its Phụ lục)
DOCUMENT_KIND = TemplateKind(KIND, TEMPLATE, "Mẫu báo cáo của {agency}: kết quả thực hiện {kind} {subject}", 2,
                             _targets, _path, _content, _sample, template)
