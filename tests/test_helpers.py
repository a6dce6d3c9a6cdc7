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
