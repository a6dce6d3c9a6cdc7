"""Every document kind, in build order (the order of the manifest).

:mod:`kehoach.build` renders what this tuple holds; adding a kind is adding
its module's ``DOCUMENT_KIND`` here.
"""

from __future__ import annotations

from . import calendar, consolidated, dashboard, letter, plan, preview, report
from .kind import DocumentKind, TemplateKind

__all__ = ["KINDS", "TEMPLATE_KINDS"]

#: every kind, in build order
KINDS: tuple[DocumentKind, ...] = (
    plan.DOCUMENT_KIND, preview.DOCUMENT_KIND, letter.DOCUMENT_KIND, report.DOCUMENT_KIND,
    consolidated.DOCUMENT_KIND, calendar.DOCUMENT_KIND, dashboard.DOCUMENT_KIND,
)
#: the kinds rendered from a .docx template, each with its default template
TEMPLATE_KINDS: tuple[TemplateKind, ...] = tuple(k for k in KINDS if isinstance(k, TemplateKind))
