"""docs/diagnostics.md stays in step with the code table kehoach.diagnostics.CODES.

Conventions the document follows (and these tests enforce):

* each code has exactly one section headed ``## KH### — <Vietnamese title>``
  with the title copied verbatim from CODES;
* a section runs from its heading to the next level-1 or level-2 heading;
* each section has a line ``**Mức độ / Severity:** lỗi (error)`` or
  ``**Mức độ / Severity:** cảnh báo (warning)`` and a line
  ``**English:** <English title>``;
* example output lines (``plan/FILE:LINE:COL: KH### lỗi|cảnh báo: ...``) sit
  inside the section of the code they show.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kehoach.diagnostics import CODES, Severity

DOCS = Path(__file__).parent.parent / "docs"
DOC = DOCS / "diagnostics.md"

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
CODE_IN_HEADING = re.compile(r"\bKH\d{3}\b")
SECTION_HEADING = re.compile(r"^## (KH\d{3}) — (.+?)\s*$")
EXAMPLE = re.compile(r"^plan/\S+:\d+:\d+: (KH\d{3}) (lỗi|cảnh báo): ")
SEVERITY_LINE = re.compile(r"^\*\*Mức độ / Severity:\*\*\s*(lỗi|cảnh báo) \((error|warning)\)\s*$")
ENGLISH_LINE = re.compile(r"^\*\*English:\*\*\s*(.+?)\s*$")

ENGLISH_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def _lines() -> list[str]:
    return DOC.read_text(encoding="utf-8").splitlines()


def _sections(lines: list[str]) -> dict[str, list[str]]:
    """code -> the lines of its section (heading excluded)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        heading = HEADING.match(line)
        if heading and len(heading.group(1)) <= 2:
            match = SECTION_HEADING.match(line)
            current = sections.setdefault(match.group(1), []) if match else None
            continue
        if current is not None:
            current.append(line)
    return sections


def test_doc_exists_and_is_utf8():
    assert DOC.is_file(), f"missing {DOC}"
    DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_exact_heading(code):
    """(a) ``## KH### — <Vietnamese title>`` exactly once, title verbatim."""
    title = CODES[code][1]
    expected = f"## {code} — {title}"
    found = [line.rstrip() for line in _lines() if SECTION_HEADING.match(line)
             and SECTION_HEADING.match(line).group(1) == code]
    assert found, f"docs/diagnostics.md has no heading '{expected}'"
    assert found == [expected], f"heading for {code} should be exactly {expected!r}, got {found!r}"


def test_no_heading_for_unknown_code():
    """(b) no heading names a code missing from CODES, and every heading that
    names a code uses the section form (no '### KH030' or '## KH030 - ...')."""
    unknown, malformed = [], []
    for number, line in enumerate(_lines(), 1):
        heading = HEADING.match(line)
        if not heading:
            continue
        codes = CODE_IN_HEADING.findall(heading.group(2))
        unknown += [f"line {number}: {code}" for code in codes if code not in CODES]
        if codes and not SECTION_HEADING.match(line):
            malformed.append(f"line {number}: {line}")
    assert not unknown, f"headings for codes not in CODES: {unknown}"
    assert not malformed, f"headings naming a code must read '## KH### — title': {malformed}"


@pytest.mark.parametrize("code", sorted(CODES))
def test_section_states_its_severity(code):
    """(c) the section's severity line gives the code's severity, in Vietnamese
    (the word printed in the output) and in English (the JSON value)."""
    severity = CODES[code][0]
    body = _sections(_lines()).get(code)
    assert body is not None, f"no section for {code}"
    stated = [SEVERITY_LINE.match(line) for line in body if line.startswith("**Mức độ")]
    stated = [m for m in stated if m]
    assert len(stated) == 1, f"{code}: expected one '**Mức độ / Severity:** …' line"
    vietnamese, english = stated[0].groups()
    assert vietnamese == severity.value, f"{code} is '{severity.value}', section says '{vietnamese}'"
    assert english == ENGLISH_SEVERITY[severity], f"{code} is '{ENGLISH_SEVERITY[severity]}', section says '{english}'"


@pytest.mark.parametrize("code", sorted(CODES))
def test_section_gives_english_title(code):
    body = _sections(_lines()).get(code)
    assert body is not None, f"no section for {code}"
    titles = [m.group(1) for m in map(ENGLISH_LINE.match, body) if m]
    assert titles == [CODES[code][2]], f"{code}: expected '**English:** {CODES[code][2]}', got {titles}"


@pytest.mark.parametrize("code", sorted(CODES))
def test_section_explains_in_both_languages(code):
    body = "\n".join(_sections(_lines()).get(code, []))
    for label in ("**Nguyên nhân.**", "**Cách sửa.**", "**Cause.**", "**Fix.**"):
        assert label in body, f"{code}: section lacks {label}"


def test_example_lines_use_their_sections_code():
    """(d) every example output line sits in the section of its own code and
    prints that code's severity word."""
    lines = _lines()
    current = None
    wrong = []
    for number, line in enumerate(lines, 1):
        heading = HEADING.match(line)
        if heading and len(heading.group(1)) <= 2:
            match = SECTION_HEADING.match(line)
            current = match.group(1) if match else None
            continue
        example = EXAMPLE.match(line)
        if not example:
            continue
        code, word = example.groups()
        if code != current:
            wrong.append(f"line {number}: {code} example in section {current or '(none)'}")
        elif code in CODES and word != CODES[code][0].value:
            wrong.append(f"line {number}: {code} is '{CODES[code][0].value}', example prints '{word}'")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_section_has_an_example(code):
    body = _sections(_lines()).get(code, [])
    assert any(EXAMPLE.match(line) for line in body), f"{code}: no example output line 'plan/…: {code} …'"
