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


def header_context(plan: Plan) -> dict:
    """Ô 1–4 of the first page: issuer, Quốc hiệu side, number, place and date."""
    return {
        "parent": list(plan.issuer.parent_header),
        "name": list(plan.issuer.header),
        "number": number_line(plan.document, plan.issuer),
        "place_date": place_date(plan.document, plan.issuer),
    }


def period_context(per) -> dict:
    """A reporting period as documents print it."""
    return {
        "id": per.id,
        "label": per.label,
        "range": per.range_text,
        "due": vn.short_date(per.due),
        "consolidated_due": vn.short_date(per.consolidated_due),
    }
