"""The shared helpers: one Markdown escaper (kehoach.markdown) for every
Markdown kehoach writes, one short-date formatter (kehoach.vn.short_date)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

import kehoach
from kehoach import markdown, vn
from kehoach.consolidate import consolidate
from kehoach.documents import consolidated
from kehoach.periods import period

FIXTURE = Path(__file__).parent / "fixtures" / "reporting" / "plan"
HOSTILE = '<img src=x onerror="alert(1)"> [xem](http://x.invalid) *đậm* | ô &amp; `mã`'


def test_escape_leaves_no_markdown_or_html_active() -> None:
    text = markdown.escape(HOSTILE)
    assert text == ('\\<img src=x onerror="alert(1)"> \\[xem\\](http://x.invalid) \\*đậm\\* \\| ô \\&amp; '
                    '\\`mã\\`')
    # every special character is preceded by a backslash: no tag, link, emphasis, cell or entity survives
    assert not re.search(r"(?<!\\)[<\[\]*|`]", text) and not re.search(r"(?<!\\)&amp;", text)


@pytest.mark.parametrize("text, start, expected", [
    ("# Tiêu đề", True, "\\# Tiêu đề"),
    ("# Tiêu đề", False, "# Tiêu đề"),
    ("1. Việc", True, "1\\. Việc"),
    ("2025.5", True, "2025.5"),
    ("- Mục\n  hai", True, "\\- Mục hai"),
    ("> trích", True, "\\> trích"),
    ("", True, ""),
])
def test_escape_at_the_start_of_a_line(text: str, start: bool, expected: str) -> None:
    assert markdown.escape(text, start=start) == expected


def test_inline_keeps_newlines_and_cell_marks_empty() -> None:
    assert markdown.inline("a  *b*\nc") == "a \\*b\\*\nc"
    assert markdown.cell("  ") == "—"
    assert markdown.cell("a|b") == "a\\|b"


@pytest.fixture
def hostile_plan(tmp_path: Path) -> kehoach.Plan:
    """The reporting fixture with an agency name and a task typed as HTML and links."""
    shutil.copytree(FIXTURE, tmp_path / "plan")
    plan = kehoach.load_plan(tmp_path / "plan")
    plan = kehoach.with_task(plan, "1.2", content=HOSTILE)
    registry = plan.registry
    agencies = dict(registry.agencies)
    agencies["phong-y-te"] = dataclasses.replace(agencies["phong-y-te"], name="<b>Phòng</b> [Y tế](http://x.invalid)")
    return dataclasses.replace(plan, registry=dataclasses.replace(registry, agencies=agencies))


def test_the_consolidated_markdown_escapes_agency_text(hostile_plan: kehoach.Plan) -> None:
    """Was: only pipes escaped, so an agency's HTML and links reached GitHub as is."""
    plan = hostile_plan
    per = kehoach.reporting_periods(plan)[0]
    text = consolidated.markdown(plan, consolidate(plan, period(plan, per.id), (), per.due + dt.timedelta(days=1)))
    assert "<img" not in text.replace("\\<img", "") and "<b>" not in text.replace("\\<b>", "")
    assert "](http" not in text.replace("\\](http", "")
    assert "\\<img src=x" in text and "\\<b>Phòng\\</b> \\[Y tế\\](http://x.invalid)" in text
    assert "\\*đậm\\*" in text and "ô \\&amp;" in text


def test_short_dates_are_written_one_way(hostile_plan: kehoach.Plan) -> None:
    """The deadline in the period's range text, the return template's header and
    the documents' context all come from vn.short_date."""
    per = kehoach.reporting_periods(hostile_plan)[0]
    assert per.range_text == f"từ ngày {vn.short_date(per.start)} đến ngày {vn.short_date(per.end)}"
    assert vn.short_date(dt.date(2025, 6, 20)) == "20/6/2025"
    from kehoach.documents.common import period_context
    assert period_context(per)["due"] == vn.short_date(per.due)


def test_the_unused_collation_code_is_gone() -> None:
    assert not hasattr(vn, "sort_key") and "sort_key" not in vn.__all__


# -- one OOXML reader (kehoach.ooxml) for the render checks and docx2text ------------------------------

def _moved_main_part(strict: bool) -> bytes:
    """The fixture plan's .docx with its main part renamed to ``/word/main.xml``
    and named by the package relationships (leading slash; Strict OOXML type when asked)."""
    import io
    import zipfile
    from kehoach.build import render_plan
    source = zipfile.ZipFile(io.BytesIO(render_plan(kehoach.load_plan(FIXTURE))))
    out = io.BytesIO()
    kind = ("http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" if strict else
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument")
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            name = info.filename
            if name == "word/document.xml":
                name = "word/main.xml"
            elif name == "word/_rels/document.xml.rels":
                name = "word/_rels/main.xml.rels"
            elif name == "_rels/.rels":
                data = re.sub(rb'Type="[^"]*officeDocument" Target="[^"]*"',
                              f'Type="{kind}" Target="/word/main.xml"'.encode(), data)
            elif name == "[Content_Types].xml":
                data = data.replace(b"/word/document.xml", b"/word/main.xml")
            target.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("strict", [False, True])
def test_checks_and_docx2text_find_the_main_part_the_same_way(strict: bool) -> None:
    from kehoach.docx2text import docx_text
    from kehoach.render.checks import docx_stats
    data = _moved_main_part(strict)
    assert docx_stats(data).main_part == "word/main.xml"
    assert "Tam Đường" in docx_text(data)


def test_the_shared_parser_refuses_entities() -> None:
    from lxml import etree
    from kehoach import ooxml
    evil = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>'
    root = etree.fromstring(evil, ooxml.parser())
    assert "root:" not in etree.tostring(root).decode()
