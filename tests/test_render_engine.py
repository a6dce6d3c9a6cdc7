"""The prepared renderer gives the same bytes as the plain docxtpl pipeline.

``render_plain`` (docxtpl render, python-docx save, normalize_docx,
check_docx) is what kehoach did before the prepared renderer; every document
kind of a synthetic plan, and a hand-made template exercising the docxtpl
features kehoach's own templates do not use, must come out byte-identical.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from markupsafe import Markup

import kehoach
from kehoach.build import sample_contexts, template_bytes
from kehoach.documents import letter as letter_doc
from kehoach.render import RenderCheckError, normalize_docx
from kehoach.render import engine
from kehoach.render.engine import PreparedTemplate, render_docx, render_plain, zip_parts

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from synth_plan import write_plan  # noqa: E402

SECTIONS = {"plan.docx": 2, "letter.docx": 1, "report.docx": 2, "consolidated.docx": 2}
EPOCH = 1767225600  # 2026-01-01


@pytest.fixture(scope="module")
def synth_plan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth") / "plan"
    write_plan(folder, 30, 8)
    return kehoach.load_plan(folder)


def test_every_template_matches_plain_docxtpl(synth_plan):
    contexts = sample_contexts(synth_plan)
    assert set(contexts) == set(SECTIONS)
    for name, context in contexts.items():
        template = template_bytes(synth_plan, name)
        fast = render_docx(template, context, expect_sections=SECTIONS[name], epoch=EPOCH)
        plain = render_plain(template, context, expect_sections=SECTIONS[name], epoch=EPOCH)
        assert fast == plain, name


def test_every_letter_matches_plain_docxtpl(synth_plan):
    template = template_bytes(synth_plan, letter_doc.TEMPLATE)
    agencies = letter_doc.agencies(synth_plan)
    assert len(agencies) >= 5
    for agency in agencies:
        context = letter_doc.context(synth_plan, agency)
        assert render_docx(template, context, expect_sections=1) == render_plain(template, context, expect_sections=1)


def _custom_template() -> bytes:
    """docxtpl features kehoach's templates do not use: tags in a header and
    in the title property, a ``{%tc for %}`` column loop (fix_tables), an
    escaped ``{_{`` in the template text."""
    d = docx.Document()
    d.core_properties.title = "Tiêu đề {{ title }}"
    d.sections[0].header.paragraphs[0].text = "Đầu trang {{ head }}"
    d.add_paragraph("Nội dung: {{ body }}")
    d.add_paragraph("Cú pháp mẫu: {_{ giu_nguyen }_}")
    table = d.add_table(rows=2, cols=3)
    for row, cell in ((0, "{{ c }}"), (1, "x")):
        table.cell(row, 0).text = "{%tc for c in cols %}"
        table.cell(row, 1).text = cell
        table.cell(row, 2).text = "{%tc endfor %}"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _text(data: bytes, part: str = "word/document.xml") -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(part).decode("utf-8")


@pytest.mark.parametrize("cols", [["a"], ["a", "b", "c", "d"]])
def test_custom_template_matches_plain_docxtpl(cols):
    template = _custom_template()
    context = {"title": "A & B", "head": "Sở <Y tế>", "body": "dòng 1\ndòng 2\tcột", "cols": cols}
    fast = PreparedTemplate(template).render(context, epoch=EPOCH)
    plain = render_plain(template, context, epoch=EPOCH)
    assert fast == plain
    assert "Sở &lt;Y tế&gt;" in _text(fast, "word/header1.xml")
    assert "<w:br/>" in _text(fast)
    # fix_tables ran: the grid has one column per rendered cell
    assert _text(fast).count("<w:gridCol ") == len(cols)


def test_template_escapes_print_braces_but_data_comes_out_as_typed():
    template = _custom_template()
    context = {"title": "t", "head": "h", "body": "{_{ x }_} và {_% if %_}", "cols": ["a"]}
    xml = _text(PreparedTemplate(template).render(context, epoch=EPOCH))
    assert "Cú pháp mẫu: {{ giu_nguyen }}" in xml          # the template's escape still works
    assert "Nội dung: {_{ x }_} và {_% if %_}" in xml       # user data is never rewritten
    # the plain docxtpl pipeline leaks: it rewrites the data too (issue 13)
    assert "Nội dung: {{ x }} và {% if %}" in _text(render_plain(template, context, epoch=EPOCH))


def test_document_properties_can_be_set_per_render():
    template = _custom_template()
    data = PreparedTemplate(template).render({"title": "t", "head": "h", "body": "b", "cols": []},
                                             epoch=EPOCH, properties={"title": "Kế hoạch A & B", "subject": "S"})
    core = _text(data, "docProps/core.xml")
    assert "<dc:title>Kế hoạch A &amp; B</dc:title>" in core
    assert "<dc:subject>S</dc:subject>" in core
    assert "2026-01-01T00:00:00Z" in core


def test_broken_render_is_an_error_not_silent_damage():
    template = _custom_template()
    prepared = PreparedTemplate(template)
    context = {"title": "t", "head": "h", "body": Markup("</w:t></w:r></w:p>"), "cols": ["a"]}
    with pytest.raises(RenderCheckError, match="XML sau khi dựng mẫu không hợp lệ"):
        prepared.render(context)
    with pytest.raises(RenderCheckError, match="có 1 vùng .* cần đúng 2"):
        prepared.render(dict(context, body="ok"), expect_sections=2)


def test_zip_writer_matches_zipfile_and_normalize_docx():
    parts = {"word/document.xml": b"<a/>" * 500, "[Content_Types].xml": b"<Types/>",
             "_rels/.rels": b"<Relationships/>", "word/media/ảnh.xml": "Tiếng Việt".encode() * 50,
             "empty.bin": b""}
    ours = zip_parts(parts, EPOCH)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert ours == normalize_docx(raw.getvalue(), EPOCH)
    with zipfile.ZipFile(io.BytesIO(ours)) as z:
        assert z.testzip() is None
        assert {n: z.read(n) for n in z.namelist()} == parts


def test_a_build_prepares_each_template_once(synth_plan, tmp_path):
    from kehoach.build import render_documents
    engine._PREPARED.clear()
    before = engine.PREPARE_COUNT
    documents = render_documents(synth_plan)
    assert sum(d.path.endswith(".docx") for d in documents) > 5
    assert engine.PREPARE_COUNT - before <= len(SECTIONS)
