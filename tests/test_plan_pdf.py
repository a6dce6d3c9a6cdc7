"""The bundled plan through the real LibreOffice: ``build(plan, out, pdf=True)``.

LibreOffice is the second, independent reader of the .docx: what it prints is
what an office will print.  These tests never skip: CI installs LibreOffice and
poppler-utils, so a missing tool is a broken environment and fails loudly.

Pages are read with poppler (``pdfinfo -f 1 -l 99`` for each page's size,
``pdftotext -f N -l N -layout`` for each page's text).  PDF text is not NFC and
is broken into lines (justified, so with runs of spaces): it is normalised to
NFC and whitespace-collapsed before any comparison.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

import kehoach
from kehoach.build import build
from kehoach.render import find_soffice

from conftest import PLAN

SEED = Path(__file__).resolve().parent / "fixtures" / "ke-hoach-tam-duong-qd27.md"

A4_PORTRAIT = (595.0, 842.0)
A4_LANDSCAPE = (842.0, 595.0)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def canonical(text: str) -> str:
    """What survives line breaking: whitespace collapsed, and no space after a
    hyphen (a line may break after ``QĐ-`` or before ``xã hội`` in ``kinh tế -
    xã hội``).  Applied to both sides of a comparison."""
    return re.sub(r"-\s+", "-", norm(text))


def seed_paragraphs() -> list[str]:
    """The seed's paragraphs without Markdown decoration (as in test_model)."""
    out = []
    for block in SEED.read_text(encoding="utf-8").split("\n\n"):
        text = re.sub(r"^#+\s*", "", block.strip())
        text = text.replace("**", "").replace("  \n", "\n")
        for line in text.split("\n"):
            line = norm(line)
            if line:
                out.append(line)
    return out


# --- tools -----------------------------------------------------------------------------------


def _require_tools() -> None:
    if find_soffice() is None:
        pytest.fail(
            "LibreOffice (soffice) not found, but the PDF of the plan is built with it and CI installs it: "
            "`sudo apt-get install libreoffice-writer-nogui fonts-liberation2`."
        )
    for tool in ("pdfinfo", "pdftotext", "pdffonts"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} not found: install poppler-utils (`sudo apt-get install poppler-utils`).")


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = _run("pdfinfo", "-f", "1", "-l", "99", str(pdf))
    sizes = [(float(a), float(b)) for a, b in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert len(sizes) == pages, "pdfinfo did not report every page's size"
    return sizes


def page_lines(pdf: Path, number: int) -> list[str]:
    """Non-empty lines of page ``number`` (1-based), NFC, whitespace collapsed."""
    out = _run("pdftotext", "-f", str(number), "-l", str(number), "-layout", str(pdf), "-")
    return [norm(line) for line in out.splitlines() if line.strip()]


def is_size(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return abs(size[0] - expected[0]) <= 1 and abs(size[1] - expected[1]) <= 1


# --- the build ---------------------------------------------------------------------------------


class Built:
    def __init__(self, out: Path, result):
        self.out = out
        self.result = result
        self.pdf = out / "tam-duong-qd27.pdf"
        self.sizes = page_sizes(self.pdf) if self.pdf.is_file() else []
        self.pages = [page_lines(self.pdf, i + 1) for i in range(len(self.sizes))]

    @property
    def portrait(self) -> list[int]:
        return [i for i, s in enumerate(self.sizes) if is_size(s, A4_PORTRAIT)]

    @property
    def landscape(self) -> list[int]:
        return [i for i, s in enumerate(self.sizes) if is_size(s, A4_LANDSCAPE)]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    _require_tools()
    out = tmp_path_factory.mktemp("pdf") / "out"
    result = build(kehoach.load_plan(PLAN), out, pdf=True)
    return Built(out, result)


# --- tests ----------------------------------------------------------------------------------------


def test_pdf_exists_and_is_a_pdf(built):
    assert built.pdf.is_file(), f"no PDF in {sorted(p.name for p in built.out.iterdir())}"
    data = built.pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    assert len(built.sizes) >= 4


def test_manifest_lists_the_pdf_with_its_sha256(built):
    manifest = json.loads((built.out / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in manifest["documents"]}
    assert "tam-duong-qd27.pdf" in entries, entries
    entry = entries["tam-duong-qd27.pdf"]
    assert entry["sha256"] == hashlib.sha256(built.pdf.read_bytes()).hexdigest()
    assert entry["kind"] == "plan"
    returned = {e["path"]: e for e in built.result.manifest["documents"]}
    assert returned["tam-duong-qd27.pdf"] == entry


def test_portrait_pages_then_landscape_appendix(built):
    portrait, landscape = built.portrait, built.landscape
    assert portrait and portrait[0] == 0, f"page 1 is not A4 portrait: {built.sizes[0]}"
    assert landscape, "no landscape page: the Phụ lục section is not landscape"
    assert portrait + landscape == list(range(len(built.sizes))), \
        f"every page is A4, portrait pages first, then the landscape Phụ lục: {built.sizes}"


def test_page_one_has_no_number_and_starts_with_the_header(built):
    first = built.pages[0]
    assert not re.fullmatch(r"\d+", first[0]), f"page 1 shows a page number: {first[0]!r}"
    assert not any(re.fullmatch(r"\d+", line) for line in first), "a page-number line on page 1"
    assert "ỦY BAN NHÂN DÂN" in first[0] and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first[0]


def test_portrait_pages_are_numbered_from_two(built):
    assert len(built.portrait) >= 2
    assert built.pages[1][0] == "2", f"page 2 starts with {built.pages[1][0]!r}"
    for n, index in enumerate(built.portrait[1:], start=2):
        assert built.pages[index][0] == str(n), (index + 1, built.pages[index][:2])


def test_appendix_first_page_and_restarted_numbering(built):
    landscape = built.landscape
    assert len(landscape) >= 2, "the Phụ lục table of the bundled plan needs more than one page"
    first = built.pages[landscape[0]]
    assert "Phụ lục" in first
    # NĐ 30: no number on the first page of the Phụ lục either (profile default)
    assert first[0] == "Phụ lục", f"first appendix page starts with {first[0]!r}"
    assert built.pages[landscape[1]][0] == "2", \
        f"the page after the first appendix page shows {built.pages[landscape[1]][0]!r}, not 2 (numbering not restarted)"
    for n, index in enumerate(landscape[1:], start=2):
        assert built.pages[index][0] == str(n), (index + 1, built.pages[index][:2])


def test_appendix_header_row_repeats_on_every_page(built):
    for index in built.landscape:
        assert any(line.startswith("STT") and "Nhiệm vụ" in line and "Cơ quan chủ trì" in line
                   for line in built.pages[index]), f"no header row on page {index + 1}"


def _document_text(built: Built) -> str:
    """All pages joined, each page's number line (first line, digits only) dropped
    so a paragraph that runs across a page break reads as one."""
    lines = []
    for page in built.pages:
        body = page[1:] if page and re.fullmatch(r"\d+", page[0]) else page
        lines.extend(body)
    return canonical(" ".join(lines))


def test_every_seed_paragraph_is_in_the_pdf(built):
    text = _document_text(built)
    missing = [p for p in seed_paragraphs() if canonical(p) not in text]
    assert missing == [], f"seed paragraphs missing from the PDF text: {missing}"


def test_seed_body_paragraphs_in_order_in_the_pdf(built):
    """In order up to the closing paragraph; after it, the signature table's two
    columns share lines in the layout text, so only presence is checked there."""
    text = _document_text(built)
    seed = seed_paragraphs()
    position = 0
    for p in seed[:seed.index("Nơi nhận:")]:
        found = text.find(canonical(p), position)
        assert found >= 0, f"{p!r} not found after position {position}"
        position = found + len(canonical(p))


def test_signature_is_on_the_last_portrait_page(built):
    last = built.pages[built.portrait[-1]]
    assert any("Vũ Xuân Thịnh" in line for line in last)
    assert any(line.startswith("Nơi nhận:") for line in last)


def test_no_template_code_in_the_pdf(built):
    for n, page in enumerate(built.pages, start=1):
        for line in page:
            assert "{{" not in line and "{%" not in line, (n, line)


def test_only_the_times_new_roman_family_is_used(built):
    """Liberation Serif is Times New Roman's metric-compatible stand-in; any other
    font means a glyph fell back (fonts-liberation 1.x lacks ơ ư ạ …)."""
    out = _run("pdffonts", str(built.pdf))
    fonts = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    assert fonts
    for font in fonts:
        family = font.split("+", 1)[-1]
        assert re.match(r"(LiberationSerif|TimesNewRoman)", family.replace(" ", "")), fonts
