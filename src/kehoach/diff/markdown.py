"""The diff in Vietnamese Markdown for a pull-request comment: :func:`to_markdown`.

One bullet per change, agency names instead of ids, deleted words
``~~struck~~`` and inserted words ``**bold**``; unchanged runs longer than
:data:`CONTEXT_WORDS` words around a change are shortened with "…" (the JSON
keeps every word), added or removed body paragraphs to :data:`EXCERPT_WORDS`
words.  User text is escaped (``\\ ` * _ ~ [ ] < > | $``, entity-like ``&``,
and ``#``, ``>``, ``-``, ``1.`` where a name opens a bullet).  Removed items
are located with the old plan's numbering, all others with the new plan's.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Callable, Optional, Sequence

from .. import vn
from ..markdown import escape as _md
from ..periods import KIND_NAMES, period_label
from .model import AgencyRef, BlockInfo, Change, PlanDiff, TaskInfo

__all__ = ["to_markdown", "CONTEXT_WORDS", "EXCERPT_WORDS"]

#: Words of unchanged text kept around each change in Markdown (the JSON keeps all).
CONTEXT_WORDS = 8
#: Words of an added or removed body paragraph shown in Markdown.
EXCERPT_WORDS = 40


def _marks(words: Sequence[tuple[str, str]], context: int = CONTEXT_WORDS) -> str:
    """``~~xoá~~`` and ``**thêm**``; long unchanged stretches shortened with "…"."""
    parts = []
    last = len(words) - 1
    for k, (op, text) in enumerate(words):
        if op == "delete":
            parts.append(f"~~{_md(text)}~~")
        elif op == "insert":
            parts.append(f"**{_md(text)}**")
        else:
            w = text.split()
            if k == 0 and k != last and len(w) > context:
                w = ["…"] + w[-context:]
            elif k == last and k != 0 and len(w) > context:
                w = w[:context] + ["…"]
            elif 0 < k < last and len(w) > 2 * context + 1:
                w = w[:context] + ["…"] + w[-context:]
            parts.append(_md(" ".join(w)))
    return " ".join(parts)


def _excerpt(text: Optional[str], limit: int = EXCERPT_WORDS) -> str:
    words = (text or "").split()
    shown = " ".join(words[:limit])
    return _md(shown) + (" …" if len(words) > limit else "")


def _name(ref: Optional[AgencyRef]) -> str:
    return "(không có)" if ref is None else _md(ref.name)


def _names(refs: Sequence[AgencyRef]) -> str:
    """Several agencies (several leads), or "(không có)"."""
    return vn.join_names([_name(r) for r in refs]) if refs else "(không có)"


def _added_removed(change: Change, show: Callable[[Any], str]) -> str:
    parts = []
    if change.added:
        parts.append("thêm: " + vn.join_names([show(x) for x in change.added]))
    if change.removed:
        parts.append("bỏ: " + vn.join_names([show(x) for x in change.removed]))
    if not parts:
        parts.append("đổi thứ tự: " + vn.join_names([show(x) for x in change.new]))
    return "; ".join(parts)


def _timeline(text: Optional[str]) -> str:
    if text is None:
        return "(không có)"
    m = re.fullmatch(r"([0-9]{4})-([0-9]{4})", text)
    if m:
        return f"{m.group(1)} - {m.group(2)}"
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return _short_date(text)
    return _md(text)


def _short_date(iso: Optional[str]) -> str:
    if not iso:
        return "(không có)"
    return vn.short_date(_dt.date.fromisoformat(iso))


def _month_day(value: Optional[str]) -> str:
    if not value:
        return "(không có)"
    if "-" not in value:
        return f"ngày {int(value)}"     # a day of the month (monthly and quarterly reports)
    month, day = value.split("-")
    return f"{int(day)}/{int(month)}"


def _period_label(ident: str) -> str:
    label = period_label(ident)
    return _md(ident) if label is None else label


def _quoted(value: Any) -> str:
    if value is None:
        return "(không có)"
    if isinstance(value, tuple):
        return "“" + " / ".join(_md(v) for v in value) + "”" if value else "(không có)"
    return "“" + _md(value) + "”"


def _plain(value: Any) -> str:
    return "(không có)" if value is None or value == "" else _md(value)


def _from_to(change: Change, show: Callable[[Any], str] = _plain) -> str:
    return f"từ {show(change.old)} thành {show(change.new)}"


def _doc_number(number: Optional[int | str]) -> str:
    """As the document prints it (:func:`kehoach.vn.document_number`): ``5`` → ``05``, a string such as
    ``"0124"`` (the register's leading zeros) as written."""
    if number is None:
        return "(chưa cấp số)"
    return _md(number) if isinstance(number, str) else f"{number:02d}"


def _doc_date(value: str) -> str:
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 2:
        return f"tháng {parts[1]} năm {parts[0]} (chưa có ngày)"
    return vn.format_date(parts[0], parts[1], parts[2])


def _years(value: str) -> str:
    return value.replace("-", " - ")


_TASK_FIELDS = {"content": "nội dung", "output": "sản phẩm", "note": "ghi chú",
                "lead_text": "ô chủ trì (chữ in)", "support_text": "ô phối hợp (chữ in)"}
_AGENCY_FIELDS = {"kind": "loại cơ quan", "parent": "cơ quan cấp trên (in phía trên tên cơ quan)",
                  "code": "ký hiệu văn bản", "place": "địa danh"}
_DOCUMENT_FIELDS = {"type_name": "Tên loại văn bản", "code": "Ký hiệu tên loại văn bản",
                    "number": "Số văn bản", "date": "Ngày ban hành", "subject": "Trích yếu",
                    "years": "Giai đoạn kế hoạch"}
_ISSUER_FIELDS = {"agency": "Cơ quan ban hành", "header": "Tên cơ quan ban hành ở đầu văn bản",
                  "parent_header": "Tên cơ quan chủ quản ở đầu văn bản",
                  "code": "Ký hiệu cơ quan ban hành", "place": "Địa danh"}
_REPORTING_FIELDS = {"periods": "Kỳ báo cáo", "reporters": "Cơ quan, đơn vị phải báo cáo",
                     "to": "Nơi nhận báo cáo", "via": "Đầu mối tiếp nhận, tổng hợp báo cáo",
                     "consolidated_to": "Nơi nhận báo cáo tổng hợp", "open": "Kỳ đang nhận báo cáo",
                     "cutoff": "Thời gian chốt số liệu", "due": "Hạn gửi báo cáo",
                     "consolidated_due": "Hạn gửi báo cáo tổng hợp",
                     "via_due": "Hạn cơ quan đầu mối gửi báo cáo", "daily": "Báo cáo hằng ngày",
                     "once": "Báo cáo đột xuất"}
_BLOCK_FIELDS = {"title": "tiêu đề", "text": "nội dung"}


def _task_line(c: Change, same_content: set[str]) -> str:
    label = f"Nhiệm vụ {_md(c.id)}"
    if c.kind == "task_added":
        t: TaskInfo = c.new
        return (f"{label} (mới) — {_md(t.content)} (chủ trì: {_names(t.lead)}; "
                f"thời gian: {_timeline(t.timeline)})")
    if c.kind == "task_removed":
        return f"{label} đã bị xóa — {_md(c.old.content)}"
    if c.kind == "task_renumbered":
        unchanged = " (nội dung không đổi)" if c.id in same_content else ""
        return f"Nhiệm vụ {_md(c.old)} đổi số hiệu thành {_md(c.new)}{unchanged}"
    if c.kind == "task_moved":
        return f"{label} chuyển từ nhóm {c.old.numeral} sang nhóm {c.new.numeral}"
    if c.kind == "task_group_added":
        return f"{c.label} (mới): {_md(c.new.title)}"
    if c.kind == "task_group_removed":
        return f"{c.label} đã bị xóa: {_md(c.old.title)}"
    if c.kind == "task_group_renamed":
        return f"{c.label}: tên nhóm: {_marks(c.words or ())}"
    if c.field in _TASK_FIELDS:
        return f"{label}: {_TASK_FIELDS[c.field or '']}: {_marks(c.words or ())}"
    if c.field == "lead":
        return f"{label}: cơ quan chủ trì đổi từ {_names(c.old)} sang {_names(c.new)}"
    if c.field == "number":
        return f"{label}: số thứ tự in đổi {_from_to(c, _quoted)}"
    if (c.field or "").startswith("fields."):
        return f"{label}: cột {_md((c.field or '')[len('fields.'):])}: {_marks(c.words or ())}"
    if c.field == "support":
        return f"{label}: cơ quan phối hợp — {_added_removed(c, _name)}"
    if c.field == "timeline":
        return f"{label}: thời gian thực hiện đổi {_from_to(c, _timeline)}"
    if c.field == "implements":
        return f"{label}: thực hiện theo — {_added_removed(c, _quoted)}"
    raise AssertionError(c)  # pragma: no cover


def _agency_line(c: Change) -> str:
    name = _md(c.label, start=True)
    if c.kind == "agency_added":
        return f"Thêm cơ quan, đơn vị: {name}"
    if c.kind == "agency_renamed":
        if c.field == "name":
            return f"{_md(c.old, start=True)} đổi tên thành {_md(c.new)}"
        return f"{name}: tên viết tắt đổi {_from_to(c)}"
    if c.kind == "agency_retired":
        if c.field == "registry":
            return f"{_md(c.old.name, start=True)} bị bỏ khỏi danh mục"
        return f"{name} ngừng hoạt động từ ngày {_short_date(c.new)}"
    if c.kind == "agency_changed":
        if c.field == "until":
            if c.new is None:
                return f"{name} hoạt động trở lại (bỏ ngày ngừng hoạt động {_short_date(c.old)})"
            return f"{name}: ngày ngừng hoạt động đổi {_from_to(c, _short_date)}"
        return f"{name}: {_AGENCY_FIELDS[c.field or '']} đổi {_from_to(c)}"
    if c.kind == "agency_group_added":
        return f"Thêm nhóm “{name}” ({len(c.added)} cơ quan, đơn vị)"
    if c.kind == "agency_group_removed":
        return f"Nhóm “{_md(c.old.name)}” đã bị xóa"
    if c.kind == "agency_group_renamed":
        return f"Nhóm “{_md(c.old)}” đổi tên thành “{_md(c.new)}”"
    if c.kind == "agency_group_members":
        return f"Nhóm “{name}”: {_added_removed(c, _name)}"
    raise AssertionError(c)  # pragma: no cover


def _document_line(c: Change) -> str:
    if c.kind == "document_changed":
        title = _DOCUMENT_FIELDS[c.field or ""]
        if c.field == "subject":
            return f"{title}: {_marks(c.words or ())}"
        shows: dict[str, Callable[[Any], str]] = {"number": _doc_number, "date": _doc_date, "years": _years}
        show = shows.get(c.field or "", _plain)
        return f"{title}: {_from_to(c, show)}"
    if c.kind == "issuer_changed":
        if c.field == "agency":
            show = _name
        elif (c.field or "").endswith("header"):
            show = _quoted
        else:
            show = _plain
        return f"{_ISSUER_FIELDS[c.field or '']}: {_from_to(c, show)}"
    if c.kind == "signer_changed":
        title = "Thẩm quyền ký" if c.field == "lines" else "Người ký"
        return f"{title}: {_from_to(c, _quoted if c.field == 'lines' else _plain)}"
    if c.kind == "recipient_added":
        return f"Nơi nhận: thêm “{_md(c.new)}”"
    if c.kind == "recipient_removed":
        return f"Nơi nhận: bỏ “{_md(c.old)}”"
    if c.kind == "recipients_reordered":
        return "Nơi nhận: đổi thứ tự thành " + "; ".join(f"“{_md(t)}”" for t in c.new)
    raise AssertionError(c)  # pragma: no cover


def _block_text(info: BlockInfo) -> str:
    parts = [x for x in (info.title, info.text) if x]
    text = " — ".join(_excerpt(x) for x in parts) if parts else "(không có nội dung)"
    return text + (f" (kèm {info.children} đoạn con)" if info.children else "")


def _body_line(c: Change) -> str:
    label = c.label
    if c.kind in ("basis_changed", "closing_changed"):
        return f"{label}: {_marks(c.words or ())}"
    if c.kind == "appendix_changed":
        what = {"title": "Tên", "label": "Nhãn", "attachment": "Dòng kèm theo"}[c.field or ""]
        where = "Phụ lục" if c.label == "Phụ lục" else _md(c.label)
        return f"{what} {where}: {_marks(c.words or ())}"
    if c.kind == "basis_added":
        return f"{label} (mới): {_excerpt(c.new)}"
    if c.kind == "basis_removed":
        return f"{label} đã bị xóa: {_excerpt(c.old)}"
    if c.kind == "section_added":
        return f"{label} (mới): {_md(c.new)}"
    if c.kind == "section_removed":
        return f"{label} đã bị xóa: {_md(c.old)}"
    if c.kind == "section_renamed":
        return f"{label}: tên phần: {_marks(c.words or ())}"
    if c.kind == "block_added":
        return f"{label} (mới): {_block_text(c.new)}"
    if c.kind == "block_removed":
        return f"{label} đã bị xóa: {_block_text(c.old)}"
    if c.kind == "block_changed":
        if c.field in _BLOCK_FIELDS:
            return f"{label}: {_BLOCK_FIELDS[c.field or '']}: {_marks(c.words or ())}"
        if c.field == "marker":
            return f"{label}: ký hiệu đầu dòng đổi {_from_to(c, _quoted)}"
        if c.field == "numbered":
            return f"{label}: {'được đánh số' if c.new else 'bỏ đánh số'}"
        if c.field == "responsible":
            return f"{label}: cơ quan, đơn vị được giao — {_added_removed(c, _name)}"
    raise AssertionError(c)  # pragma: no cover


def _reporting_line(c: Change) -> str:
    base, _, period_kind = (c.field or "").partition(".")
    title = _REPORTING_FIELDS[base]
    if period_kind:
        title += f" kỳ {KIND_NAMES.get(period_kind, _md(period_kind))}"
    if base == "periods":
        return f"{title}: {_added_removed(c, lambda k: KIND_NAMES.get(k, _md(k)))}"
    if base == "reporters":
        return f"{title}: {_added_removed(c, _name)}"
    if base == "open":
        return f"{title}: {_added_removed(c, _period_label)}"
    if base in ("to", "via", "consolidated_to"):
        return f"{title}: {_from_to(c, _name)}"
    if base in ("daily", "once"):
        return f"{title}: {_from_to(c, lambda v: '(không có)' if v is None else _md(v))}"
    if base == "cutoff":
        def span(v: Optional[tuple]) -> str:
            return "(không có)" if not v else f"{_month_day(v[0])} - {_month_day(v[1])}"
        return f"{title}: {_from_to(c, span)}"
    return f"{title}: {_from_to(c, _month_day)}"


_HEADINGS = (
    ("tasks", "Nhiệm vụ"),
    ("agencies", "Cơ quan, đơn vị"),
    ("document", "Thông tin văn bản"),
    ("body", "Nội dung kế hoạch"),
    ("reporting", "Chế độ báo cáo"),
)
_SUMMARY = (
    ("tasks_changed", "nhiệm vụ thay đổi"),
    ("tasks_added", "nhiệm vụ mới"),
    ("tasks_removed", "nhiệm vụ bị xóa"),
    ("tasks_renumbered", "đổi số hiệu"),
    ("tasks_moved", "chuyển nhóm"),
    ("task_groups", "thay đổi nhóm nhiệm vụ"),
    ("agencies", "thay đổi danh mục cơ quan"),
    ("document", "thay đổi thông tin văn bản"),
    ("body", "thay đổi nội dung kế hoạch"),
    ("reporting", "thay đổi chế độ báo cáo"),
)


def to_markdown(diff: PlanDiff, old_label: str, new_label: str) -> str:
    """The diff in Vietnamese Markdown for a pull-request comment: a title, a
    one-line summary of counts, then one section per area that changed, one
    bullet per change.  ``Không có thay đổi.`` when the plans are equal."""
    lines = [f"## Thay đổi kế hoạch: {_md(old_label)} → {_md(new_label)}", ""]
    if diff.equal:
        return "\n".join(lines + ["Không có thay đổi.", ""])
    counts = diff.summary()
    lines += [", ".join(f"{counts[key]} {text}" for key, text in _SUMMARY if counts[key]) + ".", ""]
    same_content = {c.id for c in diff.tasks if c.kind == "task_renumbered"} - {
        c.id for c in diff.tasks if c.kind == "task_changed" and c.field == "content"}
    render: dict[str, Callable[[Change], str]] = {
        "tasks": lambda c: _task_line(c, same_content),
        "agencies": _agency_line, "document": _document_line, "body": _body_line, "reporting": _reporting_line,
    }
    for area, heading in _HEADINGS:
        changes = getattr(diff, area)
        if changes:
            lines += [f"### {heading}", ""] + [f"- {render[area](c)}" for c in changes] + [""]
    return "\n".join(lines)
