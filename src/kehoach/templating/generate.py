"""Build the default docxtpl templates (``templates/*.docx``) from a style profile.

Four templates, one per document kind of the workflow:

``plan.docx``
    the Kế hoạch (Mẫu 1.4) and its landscape Phụ lục (Mẫu 2.1);
``letter.docx``
    the công văn giao nhiệm vụ to one agency (Mẫu 1.5);
``report.docx``
    the báo cáo an agency fills in for one period (Mẫu 1.4), with a landscape
    Phụ lục listing its tasks and empty result columns;
``consolidated.docx``
    the báo cáo tổng hợp the issuer sends to the upper level (Mẫu 1.4), with a
    table by agency and a landscape Phụ lục of results by task.

They are assembled from the same pieces (:mod:`.layout`: a new document with
the named styles of :mod:`.styles`, the portrait section with page-number
headers, the landscape appendix section, the header block, the signature
block, the bordered table with a repeated header row and a ``{%tr for %}``
row), drawn with the python-docx helpers of :mod:`.docx_parts`, so a change of
layout is made once.  Each template's fixed wording (headings, sentences,
guidance) and its tags are drawn by ``template()`` in its document module
(:mod:`kehoach.documents.plan`, ``letter``, ``report``, ``consolidated``),
beside the ``context()`` whose keys the tags use; this module only collects
them and makes their bytes reproducible.

The template is written from scratch with python-docx so that it is fully
determined by :class:`~kehoach.templating.profile.StyleProfile`: every size,
margin, indent and column width comes from the profile, and the output is
byte-identical on every run (:func:`~kehoach.render.package.normalize_docx`
with a fixed epoch).

Formatting lives in **named styles** (``KH Nội dung``, ``KH Tên loại``, …), not
on individual paragraphs: an office that wants 13 pt body text or another
indent opens the template in Word and changes the style once.  Direct
formatting is used only for geometry that is not a typographic choice: table
widths and borders, the short rules under the issuer, the motto and the
subject, the landscape section of the Phụ lục.

Every style sets the font in all four slots (``ascii``, ``hAnsi``,
``eastAsia``, ``cs``), carries no theme-font attribute (theme fonts win over
explicit names in Word) and is tagged ``vi-VN``.

Every docxtpl tag is written as the whole text of a single run, so docxtpl
never has to merge runs (a merged tag keeps only the first run's formatting).

``plan.docx`` carries exactly the styles of :data:`STYLE_NAMES`; the three
workflow templates add :data:`WORKFLOW_STYLE_NAMES` (Kính gửi, the công văn's
"V/v" line, guidance placeholders in italics).
"""

from __future__ import annotations

from ..documents import consolidated, letter, plan, report
from ..documents.consolidated import CONSOLIDATED_AGENCY_COLUMNS, CONSOLIDATED_APPENDIX_COLUMNS
from ..documents.registry import TEMPLATE_KINDS
from ..documents.report import REPORT_APPENDIX_COLUMNS, REPORT_TABLE_GUIDE
from ..render.package import normalize_docx
from .profile import DEFAULT, StyleProfile
from .styles import STYLE_NAMES, WORKFLOW_STYLE_NAMES

__all__ = [
    "TEMPLATE_EPOCH", "STYLE_NAMES", "WORKFLOW_STYLE_NAMES", "TEMPLATE_NAMES", "generate_templates",
    "build_plan_template", "build_letter_template", "build_report_template",
    "build_consolidated_template", "CONSOLIDATED_AGENCY_COLUMNS", "CONSOLIDATED_APPENDIX_COLUMNS",
    "REPORT_APPENDIX_COLUMNS", "REPORT_TABLE_GUIDE",
]

#: Zip timestamps and core-properties dates of generated templates: 1980-01-01,
#: fixed so the committed file does not depend on SOURCE_DATE_EPOCH or the clock.
TEMPLATE_EPOCH = 315532800

#: each default template's drawing, beside its context code (the names kept for callers)
build_plan_template = plan.template
build_letter_template = letter.template
build_report_template = report.template
build_consolidated_template = consolidated.template

#: File names of the default templates, in the order they are generated.
TEMPLATE_NAMES: tuple[str, ...] = tuple(k.template for k in TEMPLATE_KINDS)


def generate_templates(profile: StyleProfile = DEFAULT) -> dict[str, bytes]:
    """Every default template, by file name, as deterministic bytes: each
    template kind's ``default`` drawing (:mod:`kehoach.documents.registry`)."""
    return {k.template: normalize_docx(k.default(profile), epoch=TEMPLATE_EPOCH) for k in TEMPLATE_KINDS}
