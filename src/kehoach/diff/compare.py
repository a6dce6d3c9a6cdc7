"""Comparing two loaded plans: :func:`diff_plans` gives their :class:`~kehoach.diff.model.PlanDiff`.

Matching tasks
--------------
Tasks are matched in this order, each step only among tasks not yet matched:

1. same id and same content (content compared after NFC and collapsing
   whitespace, so re-wrapping a YAML paragraph is not a change);
2. same content, different id: a **renumbering** (``4.2`` → ``4.1`` after
   ``4.1`` was deleted), not a removal plus an addition;
3. content at least :data:`RENUMBER_SIMILARITY` (90 %) similar, word by word:
   the same task, possibly renumbered *and* edited (a ``task_renumbered``
   change followed by a ``task_changed`` ``content`` change).  Skipped when
   more than :data:`FUZZY_LIMIT` pairs would have to be compared;
4. same id, whatever the content: the task was rewritten in place;

what is left in the new plan was added, what is left in the old one removed.
A matched task whose group (matched by id, else by identical title) differs
was moved.  Agency names in the output come from the side where the
reference exists: the old lead's name from the old registry, the new lead's
from the new one.

Body paragraphs are identified by section numeral and number (``II.1.2``) or,
when not numbered, by position under their parent (``I/2``: second paragraph
of part I; ``III.2/1``); their ``label`` says it in Vietnamese ("Mục II.1.2",
"Phần I, đoạn 2").  Sibling paragraphs are aligned by content first, so
inserting one does not report every following one as changed.

Not compared: ``style``, ``templates``, ``letters``, agencies' ``note``,
the appendix ``note`` and ``illustrative`` flag, the registry's ``as_of``.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from difflib import SequenceMatcher
from typing import Any, Callable, Mapping, Optional, Sequence

from .. import vn
from ..model import Block, Plan, Registry, Task, TaskGroup
from .model import AgencyRef, BlockInfo, Change, GroupRef, PlanDiff, TaskInfo
from .textdiff import _align, _norm, _similarity, word_diff

__all__ = ["diff_plans", "RENUMBER_SIMILARITY", "FUZZY_LIMIT"]

#: Word similarity from which an unmatched task of the old plan is taken to be
#: an unmatched task of the new plan, renumbered and edited.
RENUMBER_SIMILARITY = 0.9
#: Most (old × new) pairs of unmatched tasks compared for similarity.
FUZZY_LIMIT = 40_000


def _text_change(kind: str, ident: str, fld: str, old: Optional[str], new: Optional[str],
                 label: Optional[str] = None) -> Optional[Change]:
    a, b = _norm(old), _norm(new)
    if a == b:
        return None
    return Change(kind, ident, fld, a or None, b or None, tuple(word_diff(a, b)), label=label)


def _value_change(kind: str, ident: str, fld: str, old: Any, new: Any,
                  label: Optional[str] = None) -> Optional[Change]:
    return None if old == new else Change(kind, ident, fld, old, new, label=label)


def _list_change(kind: str, ident: str, fld: str, old: Sequence[Any], new: Sequence[Any],
                 label: Optional[str] = None,
                 old_show: Callable[[Any], Any] = lambda x: x,
                 new_show: Callable[[Any], Any] = lambda x: x) -> Optional[Change]:
    """A list compared as a whole; ``added``/``removed`` by membership (both empty: reordered)."""
    old, new = tuple(old), tuple(new)
    if old == new:
        return None
    return Change(
        kind, ident, fld, tuple(old_show(x) for x in old), tuple(new_show(x) for x in new),
        added=tuple(new_show(x) for x in new if x not in old),
        removed=tuple(old_show(x) for x in old if x not in new), label=label,
    )


def _ref(registry: Registry, ref: Optional[str]) -> Optional[AgencyRef]:
    return None if ref is None else _refs(registry, (ref,))[0]


def _refs(registry: Registry, refs: Sequence[str]) -> tuple[AgencyRef, ...]:
    return tuple(AgencyRef(ref, registry.name(ref) if ref in registry else ref) for ref in refs)


def _append(out: list[Change], change: Optional[Change]) -> None:
    if change is not None:
        out.append(change)


# -- diffing ------------------------------------------------------------------------------------


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Compare two plans; see the module docstring for what is compared and how."""
    return PlanDiff(
        tasks=tuple(_diff_tasks(old, new)),
        agencies=tuple(_diff_agencies(old, new)),
        document=tuple(_diff_document(old, new)),
        body=tuple(_diff_body(old, new)),
        reporting=tuple(_diff_reporting(old, new)),
    )


def _group_ref(group: TaskGroup) -> GroupRef:
    return GroupRef(group.id, group.numeral, _norm(group.title))


def _task_info(plan: Plan, task: Task, groups: Mapping[str, GroupRef]) -> TaskInfo:
    reg = plan.registry
    return TaskInfo(task.id, groups.get(task.group_id or "", _NO_GROUP), _norm(task.content),
                    _refs(reg, task.leads), _refs(reg, task.support),
                    task.timeline.text, _norm(task.output or ""))


_NO_GROUP = GroupRef("", "", "")


def _all_groups(plan: Plan) -> list[TaskGroup]:
    """Every task group at any depth of every appendix: what is compared as groups."""
    return [g for a in plan.appendices for g in a.walk_groups()]


def _group_refs(plan: Plan) -> dict[str, GroupRef]:
    """How a task's group is named: appendix groups, and the body sections that
    hold task records (``Plan.task_groups``; sections are compared with the body)."""
    refs = {g.id: _group_ref(g) for g in plan.task_groups()}
    refs.update({g.id: _group_ref(g) for g in _all_groups(plan)})
    return refs


def _match_groups(old: Sequence[TaskGroup], new: Sequence[TaskGroup]) -> dict[str, str]:
    """old group id → new group id: same id, else identical title."""
    new_ids = {g.id for g in new}
    pairs = {g.id: g.id for g in old if g.id in new_ids}
    free: dict[str, str] = {}
    for g in new:
        if g.id not in pairs.values():
            free.setdefault(_norm(g.title), g.id)
    for g in old:
        if g.id not in pairs and _norm(g.title) in free:
            pairs[g.id] = free.pop(_norm(g.title))
    return pairs


def _match_tasks(old: Sequence[Task], new: Sequence[Task]) -> dict[int, int]:
    """old index → new index, by the four steps of the module docstring."""
    okey = [_norm(t.content) for t in old]
    nkey = [_norm(t.content) for t in new]
    new_by_id = {t.id: j for j, t in enumerate(new)}
    pairs: dict[int, int] = {}
    used: set[int] = set()

    def pair(i: int, j: int) -> None:
        pairs[i] = j
        used.add(j)

    for i, t in enumerate(old):                       # 1. same id, same content
        j = new_by_id.get(t.id)
        if j is not None and okey[i] == nkey[j]:
            pair(i, j)
    by_content: dict[str, list[int]] = {}             # 2. same content: renumbered
    for j in range(len(new)):
        if j not in used:
            by_content.setdefault(nkey[j], []).append(j)
    for i in range(len(old)):
        if i not in pairs and by_content.get(okey[i]):
            pair(i, by_content[okey[i]].pop(0))
    rest_old = [i for i in range(len(old)) if i not in pairs]   # 3. similar content
    rest_new = [j for j in range(len(new)) if j not in used]
    if rest_old and rest_new and len(rest_old) * len(rest_new) <= FUZZY_LIMIT:
        words_new = {j: nkey[j].split() for j in rest_new}
        candidates = []
        matcher = SequenceMatcher(None, autojunk=False)
        for i in rest_old:
            matcher.set_seq2(okey[i].split())
            for j in rest_new:
                matcher.set_seq1(words_new[j])
                if matcher.real_quick_ratio() < RENUMBER_SIMILARITY or matcher.quick_ratio() < RENUMBER_SIMILARITY:
                    continue
                ratio = matcher.ratio()
                if ratio >= RENUMBER_SIMILARITY:
                    candidates.append((-ratio, old[i].id != new[j].id, i, j))
        for _, _, i, j in sorted(candidates):
            if i not in pairs and j not in used:
                pair(i, j)
    for i, t in enumerate(old):                       # 4. same id, rewritten
        j = new_by_id.get(t.id)
        if i not in pairs and j is not None and j not in used:
            pair(i, j)
    return pairs


def _diff_tasks(old: Plan, new: Plan) -> list[Change]:
    out: list[Change] = []
    old_all, new_all = _all_groups(old), _all_groups(new)
    old_groups = {g.id: g for g in old_all}
    old_refs, new_refs = _group_refs(old), _group_refs(new)
    group_map = _match_groups(old_all, new_all)
    matched_new = set(group_map.values())
    back = {n: o for o, n in group_map.items()}
    for g in new_all:
        label = f"Nhóm nhiệm vụ {g.numeral}"
        if g.id not in matched_new:
            out.append(Change("task_group_added", g.id, new=_group_ref(g), label=label))
        else:
            _append(out, _text_change("task_group_renamed", g.id, "title", old_groups[back[g.id]].title,
                                      g.title, label))
    for g in old_all:
        if g.id not in group_map:
            out.append(Change("task_group_removed", g.id, old=_group_ref(g), label=f"Nhóm nhiệm vụ {g.numeral}"))

    old_tasks, new_tasks = old.tasks, new.tasks
    pairs = _match_tasks(old_tasks, new_tasks)
    inverse = {j: i for i, j in pairs.items()}
    oreg, nreg = old.registry, new.registry
    for j, nt in enumerate(new_tasks):
        label = f"Nhiệm vụ {nt.id}"
        if j not in inverse:
            out.append(Change("task_added", nt.id, new=_task_info(new, nt, new_refs), label=label))
            continue
        ot = old_tasks[inverse[j]]
        if ot.id != nt.id:
            out.append(Change("task_renumbered", nt.id, "id", ot.id, nt.id, label=label))
        if group_map.get(ot.group_id or "", ot.group_id) != nt.group_id:
            out.append(Change("task_moved", nt.id, "group", old_refs.get(ot.group_id or "", _NO_GROUP),
                              new_refs.get(nt.group_id or "", _NO_GROUP), label=label))
        kind = "task_changed"
        _append(out, _text_change(kind, nt.id, "content", ot.content, nt.content, label))
        _append(out, _list_change(kind, nt.id, "lead", ot.leads, nt.leads, label,
                                  lambda r: _ref(oreg, r), lambda r: _ref(nreg, r)))
        # printed cells the office wrote (cells derived from registry names follow the ids)
        _append(out, _text_change(kind, nt.id, "lead_text", ot.lead_text, nt.lead_text, label))
        _append(out, _text_change(kind, nt.id, "support_text", ot.support_text, nt.support_text, label))
        if (ot.number, nt.number) != (ot.id, nt.id):  # printing the id: already a renumbering
            _append(out, _value_change(kind, nt.id, "number", ot.number, nt.number, label))
        for key in sorted(set(ot.fields) | set(nt.fields)):
            _append(out, _text_change(kind, nt.id, f"fields.{key}", ot.fields.get(key), nt.fields.get(key), label))
        _append(out, _list_change(kind, nt.id, "support", ot.support, nt.support, label,
                                  lambda r: _ref(oreg, r), lambda r: _ref(nreg, r)))
        _append(out, _value_change(kind, nt.id, "timeline", ot.timeline.text, nt.timeline.text, label))
        _append(out, _text_change(kind, nt.id, "output", ot.output, nt.output, label))
        _append(out, _list_change(kind, nt.id, "implements", [_norm(x) for x in ot.implements],
                                  [_norm(x) for x in nt.implements], label))
        _append(out, _text_change(kind, nt.id, "note", ot.note, nt.note, label))
    for i, ot in enumerate(old_tasks):
        if i not in pairs:
            out.append(Change("task_removed", ot.id, old=_task_info(old, ot, old_refs),
                              label=f"Nhiệm vụ {ot.id}"))
    return out


def _iso(day: Optional[_dt.date]) -> Optional[str]:
    return day.isoformat() if day else None


def _diff_agencies(old: Plan, new: Plan) -> list[Change]:
    out: list[Change] = []
    oreg, nreg = old.registry, new.registry
    for aid, na in nreg.agencies.items():
        oa = oreg.agencies.get(aid)
        if oa is None:
            out.append(Change("agency_added", aid, new=AgencyRef(aid, na.name), label=na.name))
            continue
        _append(out, _value_change("agency_renamed", aid, "name", oa.name, na.name, na.name))
        _append(out, _value_change("agency_renamed", aid, "short_name", oa.short_name, na.short_name, na.name))
        if oa.until != na.until:
            kind = "agency_retired" if oa.until is None else "agency_changed"
            out.append(Change(kind, aid, "until", _iso(oa.until), _iso(na.until), label=na.name))
        for fld in ("kind", "parent", "code", "place"):
            _append(out, _value_change("agency_changed", aid, fld, getattr(oa, fld), getattr(na, fld), na.name))
    for aid, oa in oreg.agencies.items():
        if aid not in nreg.agencies:
            out.append(Change("agency_retired", aid, "registry", AgencyRef(aid, oa.name), None, label=oa.name))
    for gid, ng in nreg.groups.items():
        og = oreg.groups.get(gid)
        if og is None:
            out.append(Change("agency_group_added", gid, new=AgencyRef(gid, ng.name),
                              added=tuple(_ref(nreg, m) for m in ng.members), label=ng.name))
            continue
        _append(out, _value_change("agency_group_renamed", gid, "name", og.name, ng.name, ng.name))
        _append(out, _list_change("agency_group_members", gid, "members", og.members, ng.members, ng.name,
                                  lambda r: _ref(oreg, r), lambda r: _ref(nreg, r)))
    for gid, og in oreg.groups.items():
        if gid not in nreg.groups:
            out.append(Change("agency_group_removed", gid, old=AgencyRef(gid, og.name), label=og.name))
    return out


def _date_id(d) -> str:
    return f"{d.year:04d}-{d.month:02d}" + (f"-{d.day:02d}" if d.day is not None else "")


def _diff_document(old: Plan, new: Plan) -> list[Change]:
    out: list[Change] = []
    od, nd = old.document, new.document
    kind = "document_changed"
    _append(out, _value_change(kind, "document", "type_name", od.type_name, nd.type_name))
    _append(out, _value_change(kind, "document", "code", od.code, nd.code))
    _append(out, _value_change(kind, "document", "number", od.number, nd.number))
    _append(out, _value_change(kind, "document", "date", _date_id(od), _date_id(nd)))
    _append(out, _text_change(kind, "document", "subject", od.subject, nd.subject))
    _append(out, _value_change(kind, "document", "years", f"{old.start_year}-{old.end_year}",
                               f"{new.start_year}-{new.end_year}"))
    oi, ni = old.issuer, new.issuer
    if (oi.agency_id, _norm(oi.name)) != (ni.agency_id, _norm(ni.name)):
        out.append(Change("issuer_changed", "issuer", "agency", AgencyRef(oi.agency_id, oi.name),
                          AgencyRef(ni.agency_id, ni.name)))
    for fld in ("header", "parent_header"):
        _append(out, _value_change("issuer_changed", "issuer", fld, tuple(map(_norm, getattr(oi, fld))),
                                   tuple(map(_norm, getattr(ni, fld)))))
    _append(out, _value_change("issuer_changed", "issuer", "code", oi.code, ni.code))
    _append(out, _value_change("issuer_changed", "issuer", "place", oi.place, ni.place))
    _append(out, _value_change("signer_changed", "signer", "lines", tuple(map(_norm, old.signer.lines)),
                               tuple(map(_norm, new.signer.lines))))
    _append(out, _value_change("signer_changed", "signer", "name", _norm(old.signer.name), _norm(new.signer.name)))

    old_texts = [_norm(r.text) for r in old.recipients]
    new_texts = [_norm(r.text) for r in new.recipients]
    left = Counter(old_texts)
    added = []
    for text in new_texts:
        if left[text]:
            left[text] -= 1
        else:
            added.append(text)
    right = Counter(new_texts)
    removed = []
    for text in old_texts:
        if right[text]:
            right[text] -= 1
        else:
            removed.append(text)
    out += [Change("recipient_added", "recipients", "text", None, text) for text in added]
    out += [Change("recipient_removed", "recipients", "text", text, None) for text in removed]
    if not added and not removed and old_texts != new_texts:
        out.append(Change("recipients_reordered", "recipients", "order", tuple(old_texts), tuple(new_texts)))
    return out


def _block_key(parent: str, index: int, block: Block, numeral: str) -> str:
    if block.number:
        return f"{numeral}.{block.number.rstrip('.')}"
    return f"{parent}/{index + 1}"


def _block_label(key: str) -> str:
    head, *rest = key.split("/")
    label = f"Mục {head}" if "." in head else f"Phần {head}"
    return label + (", đoạn " + ".".join(rest) if rest else "")


def _block_sig(block: Block) -> tuple[str, str]:
    return _norm(block.title), _norm(block.text)


def _block_words(block: Block) -> str:
    return " ".join(x for x in _block_sig(block) if x)


def _block_info(block: Block) -> BlockInfo:
    return BlockInfo(_norm(block.title) or None, _norm(block.text) or None, sum(1 for _ in block.walk()) - 1)


def _diff_blocks(old: Plan, new: Plan, ob: Sequence[Block], nb: Sequence[Block],
                 oparent: str, nparent: str, onum: str, nnum: str, out: list[Change]) -> None:
    pairs = _align(ob, nb, _block_sig, lambda a, b: _similarity(_block_words(a), _block_words(b)))
    for i, j in pairs:
        if j is None:
            assert i is not None  # _align never pairs nothing with nothing
            key = _block_key(oparent, i, ob[i], onum)
            out.append(Change("block_removed", key, old=_block_info(ob[i]), label=_block_label(key)))
            continue
        key = _block_key(nparent, j, nb[j], nnum)
        label = _block_label(key)
        if i is None:
            out.append(Change("block_added", key, new=_block_info(nb[j]), label=label))
            continue
        a, b = ob[i], nb[j]
        _append(out, _text_change("block_changed", key, "title", a.title, b.title, label))
        _append(out, _text_change("block_changed", key, "text", a.text, b.text, label))
        _append(out, _value_change("block_changed", key, "marker", a.marker, b.marker, label))
        _append(out, _value_change("block_changed", key, "numbered", a.number is not None, b.number is not None,
                                   label))
        _append(out, _list_change("block_changed", key, "responsible", a.responsible, b.responsible, label,
                                  lambda r: _ref(old.registry, r), lambda r: _ref(new.registry, r)))
        _diff_blocks(old, new, a.children, b.children, _block_key(oparent, i, a, onum), key, onum, nnum, out)


def _diff_body(old: Plan, new: Plan) -> list[Change]:
    out: list[Change] = []
    for i, j in _align(old.bases, new.bases, _norm, lambda a, b: _similarity(_norm(a), _norm(b))):
        if j is None:
            assert i is not None  # _align never pairs nothing with nothing
            out.append(Change("basis_removed", str(i + 1), old=_norm(old.bases[i]), label=f"Căn cứ {i + 1}"))
        elif i is None:
            out.append(Change("basis_added", str(j + 1), new=_norm(new.bases[j]), label=f"Căn cứ {j + 1}"))
        else:
            _append(out, _text_change("basis_changed", str(j + 1), "text", old.bases[i], new.bases[j],
                                      f"Căn cứ {j + 1}"))

    def section_words(s) -> str:
        return " ".join([_norm(s.title)] + [_block_words(b) for b in s.walk()])

    for i, j in _align(old.sections, new.sections, lambda s: _norm(s.title),
                       lambda a, b: _similarity(section_words(a), section_words(b))):
        if j is None:
            assert i is not None  # _align never pairs nothing with nothing
            s = old.sections[i]
            out.append(Change("section_removed", s.numeral, old=_norm(s.title), label=f"Phần {s.numeral}"))
        elif i is None:
            s = new.sections[j]
            out.append(Change("section_added", s.numeral, new=_norm(s.title), label=f"Phần {s.numeral}"))
        else:
            a, b = old.sections[i], new.sections[j]
            _append(out, _text_change("section_renamed", b.numeral, "title", a.title, b.title, f"Phần {b.numeral}"))
            _diff_blocks(old, new, a.blocks, b.blocks, a.numeral, b.numeral, a.numeral, b.numeral, out)
    _append(out, _text_change("closing_changed", "closing", "text", old.closing, new.closing, "Đoạn kết"))
    old_appendices = {a.id: a for a in old.appendices}
    for appendix in new.appendices:
        o = old_appendices.get(appendix.id)
        label = "Phụ lục" if len(new.appendices) == 1 else f"Phụ lục {appendix.label}"
        for fld in ("title", "label", "attachment"):
            _append(out, _text_change("appendix_changed", appendix.id, fld, getattr(o, fld) if o else None,
                                      getattr(appendix, fld), label))
    return out


def _diff_reporting(old: Plan, new: Plan) -> list[Change]:
    out: list[Change] = []
    o, n = old.reporting, new.reporting
    oreg, nreg = old.registry, new.registry
    kind, ident = "reporting_changed", "reporting"
    _append(out, _list_change(kind, ident, "periods", o.periods, n.periods))
    _append(out, _list_change(kind, ident, "reporters", o.reporters, n.reporters, None,
                              lambda r: _ref(oreg, r), lambda r: _ref(nreg, r)))
    for fld in ("to", "via", "consolidated_to"):
        a, b = getattr(o, fld), getattr(n, fld)
        if a != b:
            out.append(Change(kind, ident, fld, _ref(oreg, a), _ref(nreg, b)))
    for name in ("cutoff", "due", "via_due", "consolidated_due"):
        a, b = getattr(o, name), getattr(n, name)
        for period_kind in sorted(set(a) | set(b)):
            _append(out, _value_change(kind, ident, f"{name}.{period_kind}", _tuple(a.get(period_kind)),
                                       _tuple(b.get(period_kind))))
    _append(out, _list_change(kind, ident, "open", o.open, n.open))
    for name, words in (("daily", _daily_words), ("once", _once_words)):
        a, b = words(getattr(o, name)), words(getattr(n, name))
        if a != b:
            out.append(Change(kind, ident, name, a, b))
    return out


def _daily_words(window: Any) -> Optional[str]:
    if window is None:
        return None
    times = f", lúc {', '.join(window.times)}" if window.times else ""
    return f"{vn.short_date(window.start)} - {vn.short_date(window.end)}{times}"


def _once_words(reports: Any) -> Optional[str]:
    return "; ".join(f"{r.label or r.id} (hạn {vn.short_date(r.due)})" for r in reports) or None


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value
