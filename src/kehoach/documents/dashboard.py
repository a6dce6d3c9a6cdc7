"""The status dashboard: ``output/dashboard/index.html``.

One self-contained page — CSS, script and chart inline, no network, no CDN —
so it works opened from disk and as a CI artifact.  It shows every task's
latest status per agency (the most recent submitted answer over the plan's
periods), counts by status that follow the filters (agency, group, status),
the returns of the current period with overdue and late ones highlighted, and
a chart of progress by agency drawn as inline SVG.  Vietnamese throughout.

The bytes depend only on the plan, its returns and the day the build is "as
of" (never the clock), so two builds are identical.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Sequence

from ..consolidate import NO_ANSWER, STATES, STATUS_WORDS, Consolidation
from ..model import Plan
from ..periods import periods
from ..vn import short_date
from .kind import Document, FileKind, Selection

if TYPE_CHECKING:
    from .env import RenderEnv

KIND = "dashboard"
PATH = "dashboard/index.html"
#: Status → colour of its chart segment and badge (the four are distinct in grey scale too).
COLOURS = {"hoan-thanh": "#2e7d32", "dang-thuc-hien": "#1565c0", "chua-thuc-hien": "#ef6c00", NO_ANSWER: "#9e9e9e"}
ROLE_WORDS = {"lead": "Chủ trì", "support": "Phối hợp"}


@dataclass(frozen=True)
class Row:
    """One task of one agency, with the latest status that agency reported."""

    task_id: str
    content: str
    group_id: str
    group: str
    agency_id: str
    role: str
    status: str                  # a key of STATUS_WORDS
    period: Optional[str]        # the period of that answer, None when never answered
    flag: str                    # "overdue", "late" or "" for the agency's return of the current period


def rows(plan: Plan, consolidations: Sequence[Consolidation], current: Optional[Consolidation]) -> list[Row]:
    """Every (task, agency) of the plan, leads first, with the latest answer."""
    latest: dict[tuple[str, str], tuple[str, str]] = {}
    for c in sorted(consolidations, key=lambda c: c.period.end):      # later periods overwrite
        for result in c.tasks:
            for answer in result.answers:
                if answer.status:
                    latest[(result.task.id, answer.agency_id)] = (answer.status, c.period.id)
    flags = {}
    if current is not None:
        for a in current.agencies:
            flags[a.agency_id] = "late" if a.late else ("overdue" if a.overdue else "")
    out = []
    for group in plan.task_groups():
        for task in group.tasks:
            pairs = [(a, "lead") for a in plan.lead_agencies(task)] + \
                    [(a, "support") for a in plan.support_agencies(task)]
            for agency_id, role in pairs:
                status, period_id = latest.get((task.id, agency_id), (NO_ANSWER, None))
                out.append(Row(task.id, task.content, group.id, group.heading, agency_id, role,
                               status, period_id, flags.get(agency_id, "")))
    return out


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _chart(plan: Plan, table: list[Row]) -> str:
    """Horizontal stacked bars, one per agency: its tasks by latest status."""
    agencies = [a for a in plan.registry.agencies if any(r.agency_id == a for r in table)]
    label_w, bar_w, row_h, top = 260, 420, 22, 28
    height = top + row_h * len(agencies) + 10
    parts = [f'<svg id="bieu-do" xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 60}" '
             f'height="{height}" role="img" aria-label="Tiến độ thực hiện theo cơ quan, đơn vị">']
    x: float = label_w
    for status, word in STATUS_WORDS.items():  # legend
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{COLOURS[status]}"/>'
                     f'<text x="{x + 16}" y="14" font-size="11">{_e(word)}</text>')
        x += 16 + 7 * len(word) + 14
    most = max([sum(1 for r in table if r.agency_id == a) for a in agencies] or [1])
    for i, agency_id in enumerate(agencies):
        y = top + i * row_h
        mine = [r for r in table if r.agency_id == agency_id]
        name = plan.registry.short_name(agency_id)
        parts.append(f'<g class="cot" data-agency="{_e(agency_id)}">'
                     f'<text x="{label_w - 6}" y="{y + 14}" font-size="12" text-anchor="end">{_e(name)}</text>')
        x = float(label_w)
        for status in STATUS_WORDS:
            n = sum(1 for r in mine if r.status == status)
            if not n:
                continue
            w = bar_w * n / most
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
                         f'fill="{COLOURS[status]}" data-status="{status}" data-count="{n}">'
                         f'<title>{_e(name)}: {n} nhiệm vụ {_e(STATUS_WORDS[status])}</title></rect>')
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 14}" font-size="11">{len(mine)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


CSS = """
body{font-family:"Times New Roman",Liberation Serif,serif;margin:1.5rem;color:#212121;background:#fafafa}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
p.phu{margin:0 0 1rem;color:#555}
.the{display:flex;gap:.75rem;flex-wrap:wrap;margin:.5rem 0}
.the div{background:#fff;border:1px solid #ddd;border-left:6px solid var(--mau);padding:.4rem .8rem;min-width:9rem}
.the b{display:block;font-size:1.4rem}
.loc{display:flex;gap:1rem;flex-wrap:wrap;align-items:end;margin:.5rem 0}
.loc label{display:flex;flex-direction:column;font-size:.9rem}
select{font:inherit;padding:.2rem}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border:1px solid #ccc;padding:.25rem .4rem;vertical-align:top;text-align:left;font-size:.9rem}
th{background:#eceff1}
tr.overdue td{background:#ffebee}tr.late td{background:#fff3e0}
.nhan{display:inline-block;padding:0 .4rem;border-radius:.6rem;color:#fff;background:var(--mau);white-space:nowrap}
.chu-thich{font-size:.85rem;color:#555}
"""

SCRIPT = """
(function(){
  var rows=Array.prototype.slice.call(document.querySelectorAll('#bang-nhiem-vu tbody tr'));
  var pick={agency:document.getElementById('loc-co-quan'),group:document.getElementById('loc-nhom'),
            status:document.getElementById('loc-tinh-trang')};
  function apply(){
    var counts={}, shown=0;
    STATUSES.forEach(function(s){counts[s]=0;});
    rows.forEach(function(r){
      var ok=(!pick.agency.value||r.dataset.agency===pick.agency.value)&&
             (!pick.group.value||r.dataset.group===pick.group.value)&&
             (!pick.status.value||r.dataset.status===pick.status.value);
      r.hidden=!ok;
      if(ok){counts[r.dataset.status]+=1;shown+=1;}
    });
    STATUSES.forEach(function(s){document.getElementById('dem-'+s).textContent=counts[s];});
    document.getElementById('dem-tong').textContent=shown;
  }
  [pick.agency,pick.group,pick.status].forEach(function(el){el.addEventListener('change',apply);});
  apply();
})();
"""


def page(plan: Plan, consolidations: Sequence[Consolidation], current: Optional[Consolidation], as_of) -> bytes:
    """The dashboard as UTF-8 bytes."""
    table = rows(plan, consolidations, current)
    registry = plan.registry
    statuses = list(STATUS_WORDS)
    out = ['<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
           '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
           f"<title>Tình hình thực hiện — {_e(plan.document.subject)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"]
    out.append(f"<h1>Tình hình thực hiện kế hoạch</h1>\n<p class=\"phu\">{_e(plan.issuer.short_name)} — "
               f"{_e(plan.document.subject)}. Số liệu tính đến ngày {_e(short_date(as_of))}; mỗi dòng là tình trạng "
               f"mới nhất mà cơ quan, đơn vị đã báo cáo.</p>\n")

    if current is not None:
        per = current.period
        out.append(f'<p id="ky-hien-tai">Kỳ báo cáo {_e(per.label)} ({_e(per.id)}), hạn gửi {_e(short_date(per.due))}: '
                   f'đã gửi <b id="da-gui">{len(current.reported)}</b>/{len(current.agencies)} cơ quan, đơn vị, gửi muộn '
                   f'<b id="gui-muon">{len(current.late)}</b>, chưa gửi <b id="chua-gui">{len(current.missing)}</b>'
                   f'{" (đã quá hạn)" if current.overdue and current.missing else ""}.</p>\n')
    else:
        out.append('<p id="ky-hien-tai">Chưa có kỳ báo cáo nào có báo cáo của cơ quan, đơn vị.</p>\n')

    # counts that follow the filters
    out.append('<h2>Nhiệm vụ theo tình trạng</h2>\n<div class="the" id="dem">')
    for status in statuses:
        n = sum(1 for r in table if r.status == status)
        out.append(f'<div style="--mau:{COLOURS[status]}">{_e(STATUS_WORDS[status][:1].upper() + STATUS_WORDS[status][1:])}'
                   f'<b id="dem-{status}">{n}</b></div>')
    out.append(f'<div style="--mau:#424242">Số dòng đang hiện<b id="dem-tong">{len(table)}</b></div></div>\n')
    out.append('<p class="chu-thich">Mỗi dòng là một nhiệm vụ của một cơ quan, đơn vị (chủ trì hoặc phối hợp); '
               "các số đếm theo các dòng đang hiện. Dòng tô đỏ: cơ quan chưa gửi báo cáo kỳ hiện tại và đã quá hạn; "
               "tô cam: cơ quan gửi báo cáo muộn.</p>\n")

    out.append("<h2>Tiến độ theo cơ quan, đơn vị</h2>\n")
    out.append(_chart(plan, table) + "\n")

    # filters
    agencies = [a for a in registry.agencies if any(r.agency_id == a for r in table)]
    out.append('<div class="loc"><label>Cơ quan, đơn vị<select id="loc-co-quan"><option value="">Tất cả</option>')
    out += [f'<option value="{_e(a)}">{_e(registry.short_name(a))}</option>' for a in agencies]
    out.append('</select></label><label>Nhóm nhiệm vụ<select id="loc-nhom"><option value="">Tất cả</option>')
    out += [f'<option value="{_e(g.id)}">{_e(g.heading)}</option>' for g in plan.task_groups()]
    out.append('</select></label><label>Tình trạng<select id="loc-tinh-trang"><option value="">Tất cả</option>')
    out += [f'<option value="{s}">{_e(STATUS_WORDS[s])}</option>' for s in statuses]
    out.append("</select></label></div>\n")

    out.append('<table id="bang-nhiem-vu"><thead><tr><th>STT</th><th>Nhiệm vụ</th><th>Cơ quan, đơn vị</th>'
               "<th>Vai trò</th><th>Tình trạng</th><th>Kỳ báo cáo</th></tr></thead><tbody>\n")
    for r in table:
        word = STATUS_WORDS[r.status]
        out.append(f'<tr class="{r.flag}" data-agency="{_e(r.agency_id)}" data-group="{_e(r.group_id)}" '
                   f'data-status="{r.status}"><td>{_e(r.task_id)}</td><td>{_e(r.content)}</td>'
                   f"<td>{_e(registry.short_name(r.agency_id))}</td><td>{ROLE_WORDS[r.role]}</td>"
                   f'<td><span class="nhan" style="--mau:{COLOURS[r.status]}">{_e(word[:1].upper() + word[1:])}</span></td>'
                   f"<td>{_e(r.period or '')}</td></tr>\n")
    out.append("</tbody></table>\n")

    # returns of the current period
    if current is not None:
        out.append(f"<h2>Báo cáo của các cơ quan, đơn vị kỳ {_e(current.period.id)}</h2>\n")
        out.append('<table id="bang-bao-cao"><thead><tr><th>Cơ quan, đơn vị</th><th>Tình trạng báo cáo</th>'
                   "<th>Ngày gửi</th></tr></thead><tbody>\n")
        for a in current.agencies:
            cls = "late" if a.late else ("overdue" if a.overdue else "")
            state = STATES[a.state] + (", quá hạn" if a.overdue else "")
            out.append(f'<tr class="{cls}" data-agency="{_e(a.agency_id)}" data-state="{a.state}">'
                       f"<td>{_e(registry.name(a.agency_id))}</td><td>{_e(state)}</td>"
                       f"<td>{_e(short_date(a.submitted)) if a.submitted and a.reported else ''}</td></tr>\n")
        out.append("</tbody></table>\n")

    out.append(f"<script>var STATUSES={json.dumps(statuses)};{SCRIPT}</script>\n</body>\n</html>\n")
    return "".join(out).encode("utf-8")


def _files(plan: Plan, env: "RenderEnv", selection: Selection) -> tuple[Document, ...]:
    """The status page: latest answers over every period that has returns; the
    returns of the last period built (else the last with returns) highlighted."""
    found = [c for c in (selection.consolidation(plan, per, env.as_of) for per in periods(plan)) if c is not None]
    chosen = [per.id for per in selection.periods]
    current = next((c for c in reversed(found) if c.period.id in chosen), found[-1] if found else None)
    return (Document(PATH, KIND, page(plan, found, current, env.as_of)),)


#: the status page over every period's returns
DOCUMENT_KIND = FileKind(KIND, _files)
