"""Every kind of .docx kehoach writes is valid OOXML (ECMA-376), as checked by
openxml-audit — a pure-Python port of the Open XML SDK's validator (schema
and semantic checks: unknown or misplaced elements, element order, attribute
values and types, relationships).  Word repairs or refuses what it rejects.

Checked: the plan document of the fixture plans (a four-task short-form
appendix; a 39-task plan with its table) and of every plan under
``examples/`` (appendices with columns, nested groups, task records in the
body), the three-level example with every ``style:`` value pushed to the
bounds the loader accepts (a 100 mm page, huge header widths, tiny columns),
the small plan with footnotes (``word/footnotes.xml``), a letter and a report
template of each, the consolidated report of a reporting period with
returns, and the default templates as shipped.  A last test proves the
validator here does reject a broken document, so the others can fail.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

import openxml_audit  # the test extra: a missing validator fails CI, it is not skipped

import kehoach
from kehoach.build import BuildOptions, render_documents
from kehoach.documents import consolidated as consolidated_doc
from kehoach.documents import letter, plan as plan_doc, report
from kehoach.load import check_plan

from ooxml import edit_part
from reporting_scenario import AFTER, PERIOD, write_scenario

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = sorted(p.name for p in (ROOT / "examples").iterdir() if (p / "plan.yaml").is_file())
TEMPLATES = sorted(p.name for p in (ROOT / "templates").glob("*.docx"))
#: Kinds every plan yields (the consolidated report needs returns: see below).
KINDS = (plan_doc.KIND, letter.KIND, report.KIND)

#: ``style:`` at the edges the loader accepts (load/limits.py and the schema):
#: a 100 mm square page with 40 mm of text width, rules and header blocks
#: wider than the page, a 0.01 mm task column, the largest and smallest sizes.
EXTREME_STYLE = """
style:
  page_width_mm: 100
  page_height_mm: 100
  margin_left_mm: 30
  margin_right_mm: 30
  margin_top_mm: 0.01
  margin_bottom_mm: 0.01
  header_distance_mm: 50
  first_line_indent_cm: 10
  header_left_mm: 600
  header_right_mm: 600
  issuer_rule_mm: 600
  motto_rule_mm: 600
  subject_rule_mm: 0.01
  col_stt_mm: 600
  col_task_mm: 0.01
  body_size: 72
  title_size: 4
  table_size: 4
  space_after_pt: 72
  line_spacing_pt: 4
  table_space_pt: 72
  signature_space_lines: 30
  appendix_first_page_number: true
"""


@pytest.fixture(scope="session")
def validator():
    return openxml_audit.OpenXmlValidator()


def _problems(validator, data: bytes, tmp: Path, name: str) -> list[str]:
    path = tmp / name.replace("/", "_")
    path.write_bytes(data)
    result = validator.validate(path)
    return [f"{e.part_uri} {e.path}: {e.description}" for e in result.errors]


def _load(folder: Path):
    plan, diagnostics = check_plan(folder)
    assert plan is not None, [d.format() for d in diagnostics]
    return plan


def _extreme(tmp: Path) -> Path:
    folder = tmp / "extreme"
    shutil.copytree(ROOT / "examples" / "tinh-phu-luc-ba-cap", folder)
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    assert not re.search(r"^style:", text, re.M)
    (folder / "plan.yaml").write_text(text + EXTREME_STYLE, encoding="utf-8")
    return folder


def _footnotes(tmp: Path) -> Path:
    """The small plan with footnotes (with emphasis) in the body: word/footnotes.xml."""
    folder = tmp / "footnotes"
    shutil.copytree(FIXTURES / "harden-small", folder)
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    for old, new in (("hiện chuyển đổi số; bảo đảm", "hiện chuyển đổi số^[Chú thích *nghiêng* và **đậm**]; bảo đảm"),
                     ("thời hạn hoàn thành;", "thời hạn hoàn thành^[Chú thích thứ hai.];")):
        assert old in text
        text = text.replace(old, new, 1)
    (folder / "plan.yaml").write_text(text, encoding="utf-8")
    return folder


SOURCES = ["harden-small", "harden-plan", *(f"examples/{e}" for e in EXAMPLES), "extreme-style", "footnotes"]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One .docx of each kind per source plan: ``{source: {kind: (path, bytes)}}``."""
    tmp = tmp_path_factory.mktemp("ooxml")
    folders = {"harden-small": FIXTURES / "harden-small", "harden-plan": FIXTURES / "harden-plan",
               "extreme-style": _extreme(tmp), "footnotes": _footnotes(tmp)}
    folders.update({f"examples/{e}": ROOT / "examples" / e for e in EXAMPLES})
    out = {}
    for source in SOURCES:
        firsts: dict[str, tuple[str, bytes]] = {}
        for d in render_documents(_load(folders[source]), BuildOptions(as_of=AFTER)):
            if d.path.endswith(".docx"):
                firsts.setdefault(d.kind, (d.path, d.data))
        out[source] = firsts
    return out


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("kind", KINDS)
def test_document_is_valid_ooxml(built, validator, tmp_path, source, kind):
    assert kind in built[source], f"{source} built no {kind}: {sorted(built[source])}"
    path, data = built[source][kind]
    assert _problems(validator, data, tmp_path, path) == [], f"{source}: {path}"


def test_footnotes_part_is_checked(built):
    path, data = built["footnotes"]["plan"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.read("word/footnotes.xml").count(b"<w:footnoteRef/>") == 2


def test_examples_cover_the_appendix_forms():
    """The examples this file validates do exercise appendices and body task records."""
    tasks = "".join((ROOT / "examples" / e / "tasks.yaml").read_text(encoding="utf-8")
                    for e in EXAMPLES if (ROOT / "examples" / e / "tasks.yaml").is_file())
    plans = "".join((ROOT / "examples" / e / "plan.yaml").read_text(encoding="utf-8") for e in EXAMPLES)
    assert "appendices:" in tasks and "columns:" in tasks
    assert re.search(r"^\s*-?\s*task:", plans, re.M), "no example has body task records"


def test_consolidated_report_is_valid_ooxml(tmp_path_factory, validator, tmp_path):
    plan = kehoach.load_plan(write_scenario(tmp_path_factory.mktemp("ooxml-consolidated") / "plan"))
    documents = render_documents(plan, BuildOptions(period_ids=(PERIOD,), as_of=AFTER))
    docx = [d for d in documents if d.path.endswith(".docx")]
    # every kind of .docx a build writes is covered by this file
    assert {d.kind for d in docx} == set(KINDS) | {consolidated_doc.KIND}
    consolidated = [d for d in docx if d.kind == consolidated_doc.KIND]
    assert len(consolidated) == 1
    assert _problems(validator, consolidated[0].data, tmp_path, consolidated[0].path) == []


@pytest.mark.parametrize("name", TEMPLATES)
def test_default_template_is_valid_ooxml(validator, tmp_path, name):
    assert _problems(validator, (ROOT / "templates" / name).read_bytes(), tmp_path, name) == []


def test_default_templates_are_all_checked():
    assert set(TEMPLATES) >= {"plan.docx", "letter.docx", "report.docx", "consolidated.docx"}


def _mutated(data: bytes, edit) -> bytes:
    return edit_part(data, "word/document.xml", edit)


@pytest.mark.parametrize("edit, expected", [
    (lambda s: s.replace("<w:r>", "<w:r><w:bogus/>", 1), "bogus"),
    (lambda s: re.sub(r'<w:gridCol w:w="\d+"', '<w:gridCol w:w="-500"', s, count=1), "gridCol"),
    (lambda s: s.replace("<w:r>", "<w:r><w:rPr><w:b/></w:rPr><w:rPr><w:i/></w:rPr>", 1), "rPr"),
], ids=["unknown-element", "negative-column-width", "element-order"])
def test_validator_rejects_a_broken_document(built, validator, tmp_path, edit, expected):
    """Guards the tests above: the validator as configured here does reject
    schema violations in a document kehoach rendered."""
    path, data = built["harden-plan"]["plan"]
    problems = _problems(validator, _mutated(data, edit), tmp_path, path)
    assert problems and any(expected in p for p in problems), problems
