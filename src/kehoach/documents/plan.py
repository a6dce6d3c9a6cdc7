"""The plan document (Kế hoạch, Mẫu 1.4) with its Phụ lục (Mẫu 2.1).

:func:`context` flattens the model into what ``templates/plan.docx`` renders:
the body as a list of paragraphs (runs ``pre``, bold ``lead``, italic
``italic``, ``text``; task records written in the body become paragraphs
too), and the appendices as escaped OOXML (:mod:`kehoach.templating.tables`),
since each appendix declares its own columns, groups and header rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import vn
from ..model import Appendix, Block, Column, Plan, RecordFormat, Task, TaskGroup
from ..templating.profile import DEFAULT, StyleProfile
from ..inline import Footnote, Run, parse, plain
from ..templating.body import Paragraph, body_xml, footnotes_part
from ..templating.tables import AppendixSpec, Cell, Row, TableSpec, appendices_xml
from .common import header_context, recipient_lines, reference, signer_context, title_line
from .kind import Content, Selection, Target, TemplateKind

if TYPE_CHECKING:
    from .env import RenderEnv

KIND = "plan"
TEMPLATE = "plan.docx"


def _runs(plan: Plan, text: str, *, bold: bool = False, italic: bool = False) -> tuple[Run, ...]:
    """Inline markup of ``text`` (unless the plan turned it off), optionally all bold/italic."""
    runs = parse(text, plan.markup)
    if bold or italic:
        runs = tuple(Run(r.text, r.bold or bold, r.italic or italic, r.note) for r in runs)
    return runs


def _block(plan: Plan, block: Block) -> list[Paragraph]:
    """One body paragraph per block, then its task record, then its children.

    NĐ 30: a numbered item is bold when it has a title, regular otherwise, so
    the number joins the bold title only when there is a title; a title may
    instead be italic (``title_style: italic``, "*2.1. Sở Tài chính*") or plain.
    """
    prefix = " ".join(p for p in (block.marker, block.number) if p)
    runs: tuple[Run, ...] = ()
    if block.title:
        bold, italic = block.title_style == "bold", block.title_style == "italic"
        runs += _runs(plan, f"{prefix} {block.title}" if prefix else block.title, bold=bold, italic=italic)
        if block.text:
            runs += (Run(" "),) + _runs(plan, block.text)
    else:
        runs += ((Run(f"{prefix} "),) if prefix else ()) + _runs(plan, block.text or "")
    out = [Paragraph("KHNoiDung", runs, italic=block.italic)]
    if block.task is not None and block.record is not None:
        out.extend(_record(plan, block.task, block.record))
    for child in block.children:
        out.extend(_block(plan, child))
    return out


def record_value(task: Task, name: str) -> str:
    """The printed value of one field of a task record (blank: not printed)."""
    values = {"lead": task.lead_cell, "support": task.support_cell, "timeline": task.timeline.text,
              "output": task.output or ""}
    return values[name] if name in values else task.fields.get(name, "")


def _record(plan: Plan, task: Task, fmt: RecordFormat) -> list[Paragraph]:
    """A task written in the body: one paragraph per non-blank field,
    ``<marker> <label> <value><suffix>`` with the label in the chosen style."""
    out = []
    pre = (Run(f"{fmt.marker} "),) if fmt.marker else ()
    for f in fmt.fields:
        value = record_value(task, f.field)
        if not value:
            continue
        label = Run(f.label, bold=fmt.label_style == "bold", italic=fmt.label_style == "italic")
        out.append(Paragraph("KHNoiDung", pre + (label, Run(" ")) + _runs(plan, f"{value}{fmt.suffix}")))
    return out


def paragraphs(plan: Plan) -> list[Paragraph]:
    """The body as printed, in order: căn cứ (one paragraph each, or all in one),
    the lead-in sentence, then each part with its items, points and records."""
    pre = plan.preamble
    out: list[Paragraph] = []
    # "Kính gửi:" under the title: one addressee on its line, several as "- …" lines under it
    if len(pre.addressed_to) == 1:
        out.append(Paragraph("KHNoiDung", (Run("Kính gửi: "),) + _runs(plan, pre.addressed_to[0]), align="center"))
    elif pre.addressed_to:
        out.append(Paragraph("KHNoiDung", (Run("Kính gửi:"),), align="center", keep_with_next=True))
        out += [Paragraph("KHNoiDung", (Run("- "),) + _runs(plan, text)) for text in pre.addressed_to]
    style = "KHCanCu" if pre.bases_italic else "KHNoiDung"
    if pre.bases_inline and plan.bases:
        joined: tuple[Run, ...] = ()
        for i, basis in enumerate(plan.bases):
            joined += ((Run(" "),) if i else ()) + _runs(plan, basis)
        out.append(Paragraph(style, joined))
    else:
        out += [Paragraph(style, _runs(plan, basis)) for basis in plan.bases]
    for text in pre.after_bases:
        out.append(Paragraph("KHNoiDung", _runs(plan, text)))
    for section in plan.sections:
        out.append(Paragraph("KHTenPhan", _runs(plan, f"{section.numeral}. {section.title}"), keep_with_next=True))
        for block in section.blocks:
            out.extend(_block(plan, block))
    return out


def body(paras: list[Paragraph]) -> list[dict]:
    """The body for templates that loop over paragraphs (``{%p for p in body %}``),
    from :func:`paragraphs` (the parts onwards, not the căn cứ): plain text, a
    bold run-in ``lead``; emphasis and footnotes are only in ``body_xml``."""
    out: list[dict] = []
    for p in paras:
        text = "".join(r.text for r in p.runs)
        if p.style == "KHTenPhan":
            out.append({"kind": "heading", "pre": "", "lead": "", "italic": "", "text": text})
        elif out:  # paragraphs before the first part are the căn cứ and the lead-in
            lead = "".join(r.text for r in _leading(p.runs, bold=True))
            out.append({"kind": "paragraph", "pre": "", "lead": lead, "italic": "", "text": text[len(lead):]})
    return out


def _leading(runs: tuple[Run, ...], *, bold: bool) -> list[Run]:
    out = []
    for r in runs:
        if r.bold != bold or r.note is not None:
            break
        out.append(r)
    return out


def appendix_rows(plan: Plan) -> list[dict]:
    """The first task appendix as flat rows (group rows, then task rows) with the
    six classic cells: the context of templates written before appendices had
    declared columns (an office's own ``plan.docx`` may still loop over it)."""
    rows: list[dict] = []
    for group in plan.appendix.walk_groups():
        rows.append({"group": True, "stt": group.numeral, "title": group.title})
        rows.extend(_classic_row(task) for task in group.tasks)
    return [_classic_row(t) for t in plan.appendix.ungrouped] + rows


def _classic_row(task: Task) -> dict:
    return {"group": False, "stt": task.number, "content": task.content, "lead": task.lead_cell,
            "support": task.support_cell, "timeline": task.timeline.text, "output": task.output or ""}


# -- appendices as printed: declared columns, nested groups, data tables ------------

_CENTRED_ROLES = frozenset({"number", "timeline"})


def _default_width(column: Column, p: StyleProfile) -> float:
    return column.width_mm or {
        "number": p.col_stt_mm, "task": p.col_task_mm, "lead": p.col_lead_mm, "support": p.col_support_mm,
        "timeline": p.col_timeline_mm, "output": p.col_output_mm,
    }.get(column.role, p.col_timeline_mm)


def _fit(widths: list[float], total: float) -> tuple[float, ...]:
    """Widths scaled to fill the landscape text width, keeping their proportions."""
    whole = sum(widths) or 1.0
    return tuple(total * w / whole for w in widths)


def _header_rows(rows: list[list[tuple[str, int, int]]], width: int, style: str = "KHBangTieuDe") -> list[Row]:
    """Header rows from ``(text, colspan, rowspan)`` cells: a cell spanning rows
    continues (vertically merged) in the rows below it."""
    out: list[Row] = []
    covered: dict[int, tuple[int, int]] = {}   # column -> (rows left, colspan)
    for cells in rows:
        row: list[Cell] = []
        column = 0
        queue = list(cells)
        while column < width and (queue or column in covered):
            if column in covered:
                left, span = covered[column]
                row.append(Cell(colspan=span, style=style, continued=True))
                if left <= 1:
                    del covered[column]
                else:
                    covered[column] = (left - 1, span)
                column += span
                continue
            text, colspan, rowspan = queue.pop(0)
            row.append(Cell(text, colspan=colspan, rowspan=rowspan, style=style))
            if rowspan > 1:
                covered[column] = (rowspan - 1, colspan)
            column += colspan
        out.append(Row(tuple(row), header=True))
    return out


def _task_table(appendix: Appendix, p: StyleProfile) -> TableSpec:
    columns = appendix.columns
    n = len(columns)
    widths = _fit([_default_width(c, p) for c in columns], p.landscape_text_width_mm)
    if any(c.parent for c in columns):
        top: list[tuple[str, int, int]] = []
        bottom: list[tuple[str, int, int]] = []
        i = 0
        while i < n:
            parent = columns[i].parent
            if not parent:
                top.append((columns[i].heading, 1, 2))
                i += 1
                continue
            j = i
            while j < n and columns[j].parent == parent:
                bottom.append((columns[j].heading, 1, 1))
                j += 1
            top.append((parent, j - i, 1))
            i = j
        rows = _header_rows([top, bottom], n)
    else:
        rows = _header_rows([[(c.heading, 1, 1) for c in columns]], n)
    if appendix.column_codes:
        rows += _header_rows([[(code, 1, 1) for code in appendix.column_codes]], n, "KHBangGiua")

    def task_row(task: Task) -> Row:
        cells = []
        for c in columns:
            value = {
                "number": task.number, "task": task.content, "lead": task.lead_cell,
                "support": task.support_cell, "timeline": task.timeline.text, "output": task.output or "",
            }.get(c.role, task.fields.get(c.key or "", ""))
            style = "KHBangGiua" if c.role in _CENTRED_ROLES and not c.align else "KHBang"
            cells.append(Cell(value, style=style, align=c.align))
        return Row(tuple(cells))

    def group_rows(group: TaskGroup) -> list[Row]:
        style = "KHBangNhom" if group.bold else "KHBang"
        if group.form == "stt" and columns[0].role == "number" and n > 1:
            head = [Cell(group.numeral, style=style, align="center"), Cell(group.title, colspan=n - 1, style=style)]
        else:
            text = f"{group.numeral}{group.separator}{group.title}" if group.numeral else group.title
            head = [Cell(text, colspan=n, style=style)]
        out = [Row(tuple(head))]
        out += [task_row(t) for t in group.tasks]
        for child in group.groups:
            out += group_rows(child)
        return out

    rows += [task_row(t) for t in appendix.ungrouped]
    for group in appendix.groups:
        rows += group_rows(group)
    return TableSpec(widths, tuple(rows))


def _data_table(appendix: Appendix, p: StyleProfile) -> TableSpec:
    width = sum(c.colspan for c in appendix.header[0])
    widths = _fit(list(appendix.widths_mm) or [1.0] * width, p.landscape_text_width_mm)
    rows = _header_rows([[(c.text, c.colspan, c.rowspan) for c in r] for r in appendix.header], width)
    if appendix.column_codes:
        rows += _header_rows([[(code, 1, 1) for code in appendix.column_codes]], width, "KHBangGiua")
    align = list(appendix.align) + [None] * width
    for r in appendix.data:
        if r.group is not None:
            rows.append(Row((Cell(r.group, colspan=width, style="KHBangNhom" if r.bold else "KHBang"),)))
        else:
            rows.append(Row(tuple(Cell(text, style="KHBang", align=align[i], bold=r.bold)
                                  for i, text in enumerate(r.cells))))
    return TableSpec(widths, tuple(rows))


def appendix_specs(plan: Plan, p: StyleProfile) -> list[AppendixSpec]:
    """What each appendix prints, in order."""
    out = []
    for index, a in enumerate(plan.appendices):
        notes = tuple(("KHNoiDung", text) for text in a.notes)
        if a.illustrative and a.note:
            notes += (("KHCanCu", a.note),)
        table = _data_table(a, p) if a.kind == "table" else _task_table(a, p)
        out.append(AppendixSpec(
            label=a.label, title=a.title,
            attachment=a.attachment if a.attachment is not None else f"(Kèm theo {reference(plan)})",
            table=table, unit=a.unit, notes=notes, first=index == 0,
        ))
    return out


def context(plan: Plan, profile: StyleProfile = DEFAULT) -> dict:
    """Everything ``plan.docx`` needs, as plain data (no model objects);
    ``body_xml`` and ``appendices_xml`` are already written as escaped OOXML."""
    return context_and_footnotes(plan, profile)[0]


def context_and_footnotes(plan: Plan, profile: StyleProfile = DEFAULT) -> tuple[dict, tuple[Footnote, ...]]:
    """The context, and the footnotes its body references (numbered 1… in
    order) — one pass over the body for both."""
    paras = paragraphs(plan)
    body_xml_, notes = body_xml(paras)
    return {
        "header": header_context(plan),
        "type_name": vn.upper(plan.document.type_name),
        "subject": title_line(plan, plain(plan.document.subject, plan.markup)),
        "bases": [plain(b, plan.markup) for b in plan.bases],
        "body": body(paras),
        "body_xml": body_xml_,
        "footnotes": len(notes),
        "closing": plain(plan.closing, plan.markup),
        "recipients": recipient_lines(plan.recipients, plan.recipients_note),
        "signer": signer_context(plan.signer),
        "appendices": [a.id for a in plan.appendices],
        "appendices_xml": appendices_xml(appendix_specs(plan, profile), profile),
        "appendix": {
            "title": plan.appendix.title,
            "reference": reference(plan),
            "rows": appendix_rows(plan),
            "note": plan.appendix.note if plan.appendix.illustrative else "",
        },
    }, notes



# -- the default template plan.docx: Kế hoạch (Mẫu 1.4) + Phụ lục (Mẫu 2.1) ----------------------------------
# Its tags are the keys of context() above: change both together.


def template(profile: StyleProfile = DEFAULT) -> bytes:
    """The Kế hoạch template (Mẫu 1.4 with a Phụ lục, Mẫu 2.1) as raw .docx bytes
    (not yet normalised: :func:`kehoach.templating.generate.generate_templates`
    is the public entry point)."""
    # python-docx is imported only to draw templates, never to render a document
    from ..templating.docx_parts import para
    from ..templating.layout import (appendix_section, closing, end_document, header_block, new_document,
                                     portrait_section, signature_block, signer, title_block)
    p = profile
    document = new_document(p, "Mẫu kế hoạch (Nghị định 30/2020/NĐ-CP, Mẫu 1.4 và Mẫu 2.1)",
                             workflow_styles=False)

    # --- Section 1: A4 portrait, the plan itself (Mẫu 1.4) ---
    portrait_section(document, p)
    header_block(document, p)
    title_block(document, p, "{{ type_name }}", "{{ subject }}")
    # Căn cứ, the paragraphs after them and the body: escaped OOXML with inline
    # emphasis and footnote references (kehoach.templating.body).
    para(document, "KH Nội dung", "{{p body_xml }}")
    closing(document, "{{ closing }}")
    signature_block(document, p, [
        ("KH Nơi nhận", "Nơi nhận:"),
        ("KH Nơi nhận dòng", "{%p for r in recipients %}"),
        ("KH Nơi nhận dòng", "{{ r }}"),
        ("KH Nơi nhận dòng", "{%p endfor %}"),
    ], signer(p))

    # --- Section 2: the Phụ lục on landscape A4 (Mẫu 2.1), numbered from 1 ---
    # Each appendix declares its own columns and groups: they arrive as escaped
    # OOXML (kehoach.templating.tables).  A plan without appendices renders an
    # empty landscape section, which kehoach.render.sections then removes.
    appendix_section(document, p)
    para(document, "KH Nội dung", "{{p appendices_xml }}")
    return end_document(document)


# -- the kind: one plan document ------------------------------------------------------------------


def _targets(plan: Plan, env: "RenderEnv", selection: Selection) -> tuple[Target, ...]:
    return (Target(),)


def _path(plan: Plan, target: Target) -> str:
    return f"{plan.id}.docx"


def _content(plan: Plan, env: "RenderEnv", target: Target) -> Content:
    context, notes = context_and_footnotes(plan, env.profile)
    notes_part = footnotes_part(notes, int(round(env.profile.footnote_size * 2))) if notes else None
    return Content(context, notes_part, drop_last_section=not plan.appendices)


def _sample(plan: Plan) -> Target:
    return Target()


#: the Kế hoạch with its Phụ lục (two sections; the second dropped when the plan has no appendix)
DOCUMENT_KIND = TemplateKind(KIND, TEMPLATE, "{kind} {subject}", 2, _targets, _path, _content, _sample, template)
