"""Context pieces shared by every document kind (header, signature, recipients)."""

from __future__ import annotations

from .. import vn
from ..model import DocumentMeta, Issuer, Plan, Recipient, Signer


def number_line(document: DocumentMeta, issuer: Issuer) -> str:
    """``Số: 05/KH-UBND``, or ``Số:      /KH-UBND`` in a draft."""
    return vn.document_number(document.code, issuer.code, document.number)


def place_date(document: DocumentMeta, issuer: Issuer) -> str:
    """``Tam Đường, ngày 05 tháng 3 năm 2025`` (blanks kept in a draft)."""
    return vn.format_date(document.year, document.month, document.day, place=issuer.place)


def reference(plan: Plan) -> str:
    """How other documents cite the plan: ``Kế hoạch số 05/KH-UBND ngày 05 tháng 3
    năm 2025 của UBND huyện Tam Đường`` (blanks in a draft)."""
    d = plan.document
    number = vn.document_number(d.code, plan.issuer.code, d.number)[len("Số:"):]
    return f"{d.type_name} số{number} {vn.format_date(d.year, d.month, d.day)} của {plan.issuer.short_name}"


def recipient_lines(recipients: tuple[Recipient, ...], note: str | None = None) -> list[str]:
    """``- …;`` for each line, nested items as ``+ …;``, the very last line
    ending with ``.``; then ``note`` (a copy count) as written."""
    flat: list[tuple[str, bool]] = []          # (line, gets punctuation)
    for r in recipients:
        flat.append((f"- {r.text}", not r.items))  # "- Các sở, ngành:" heads its items as written
        flat += [(f"+ {item}", True) for item in r.items]
    out = [line + (("." if i == len(flat) - 1 else ";") if punct else "") for i, (line, punct) in enumerate(flat)]
    return out + ([note] if note else [])


def signer_context(signer: Signer) -> dict:
    return {"lines": list(signer.lines), "name": signer.name}


def place_names(plan: Plan) -> tuple[str, ...]:
    """The plan's place names (the issuer's and every agency's ``place``), kept
    whole in titles and headers by :func:`kehoach.vn.keep_names_together`."""
    found = [plan.issuer.place] + [a.place for a in plan.registry.agencies.values()]
    return tuple(sorted({p for p in found if p}))


def title_line(plan: Plan, text: str) -> str:
    """A header or title line that wraps before a place name, never inside it."""
    return vn.keep_names_together(text, place_names(plan))


def header_context(plan: Plan) -> dict:
    """Ô 1–4 of the first page: issuer, Quốc hiệu side, number, place and date."""
    return {
        "parent": [title_line(plan, line) for line in plan.issuer.parent_header],
        "name": [title_line(plan, line) for line in plan.issuer.header],
        "number": number_line(plan.document, plan.issuer),
        "place_date": place_date(plan.document, plan.issuer),
    }


def period_context(per) -> dict:
    """A reporting period as documents print it.  ``deadline`` is the whole
    phrase after the colon of a letter's line ("trước ngày 20/6/2025",
    "trước 7 giờ 00 ngày 14/7/2025")."""
    return {
        "id": per.id,
        "label": per.label,
        "range": per.range_text,
        "due": vn.short_date(per.due),
        "deadline": per.deadline,
        "via_due": vn.short_date(per.via_due) if per.via_due else "",
        "consolidated_due": vn.short_date(per.consolidated_due),
    }
