"""The fixture plan's document through the real LibreOffice: the .docx of the run's
shared build, converted with the workflow documents in one LibreOffice call
(``office_pdfs`` in conftest.py).  ``build(..., pdf=...)`` itself (every document
converted, the PDFs in the manifest) is tested on a small plan in test_perf_pdf.py.

LibreOffice is the second, independent reader of the .docx: what it prints is
what an office will print.  These tests are marked ``office`` and go through
``tests/office.py``: CI installs LibreOffice and poppler-utils, so a missing tool
is a broken environment and fails loudly.

Pages are read with poppler (``pdfinfo -f 1 -l 99`` for each page's size,
``pdftotext -f N -l N -layout`` for each page's text).  PDF text is not NFC and
is broken into lines (justified, so with runs of spaces): it is normalised to
NFC and whitespace-collapsed before any comparison.  The short rules of page 1
are drawings, not text: they are measured on the page rendered to grey pixels
(``pdftoppm -gray``) against the text lines' boxes (``pdftotext -bbox-layout``).
"""

from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from conftest import SEED, norm, seed_paragraphs
from office import OFFICE

pytestmark = OFFICE


A4_PORTRAIT = (595.0, 842.0)
A4_LANDSCAPE = (842.0, 595.0)


def canonical(text: str) -> str:
    """What survives line breaking: whitespace collapsed, and no space after a
    hyphen (a line may break after ``QĐ-`` or before ``xã hội`` in ``kinh tế -
    xã hội``).  Applied to both sides of a comparison."""
    return re.sub(r"-\s+", "-", norm(text))


# --- tools -----------------------------------------------------------------------------------


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


def line_boxes(pdf: Path, number: int) -> list[tuple[str, float, float, float, float]]:
    """``(text, xMin, yMin, xMax, yMax)`` of every text line of a page, in points
    from the top left, from ``pdftotext -bbox-layout``."""
    out = _run("pdftotext", "-f", str(number), "-l", str(number), "-bbox-layout", str(pdf), "-")
    boxes = []
    for attrs, body in re.findall(r"<line ([^>]*)>(.*?)</line>", out, re.S):
        coords = dict(re.findall(r'(\w+)="([\d.]+)"', attrs))
        words = [html.unescape(w) for w in re.findall(r"<word [^>]*>(.*?)</word>", body, re.S)]
        boxes.append((norm(" ".join(words)), float(coords["xMin"]), float(coords["yMin"]),
                      float(coords["xMax"]), float(coords["yMax"])))
    return sorted(boxes, key=lambda b: (b[2], b[1]))


class Raster:
    """A page rendered to 8-bit grey (``pdftoppm -gray``, PGM), to measure what
    is drawn rather than written: the short rules."""

    DPI = 144

    def __init__(self, pdf: Path, number: int, folder: Path):
        stem = folder / f"page-{number}"
        subprocess.run(["pdftoppm", "-r", str(self.DPI), "-gray", "-f", str(number), "-l", str(number),
                        "-singlefile", str(pdf), str(stem)], check=True)
        data = stem.with_suffix(".pgm").read_bytes()
        header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
        self.width, self.height, _ = map(int, header.groups())
        self.pixels = data[header.end():]

    def longest_dark_run(self, top: float, bottom: float, left: float, right: float) -> tuple[float, float]:
        """The longest horizontal run of dark pixels inside a box given in points:
        ``(length, centre x)`` in points, (0, 0) if none."""
        k = self.DPI / 72
        best, best_start = 0, 0
        for y in range(int(top * k), min(int(bottom * k) + 1, self.height)):
            row = self.pixels[y * self.width:(y + 1) * self.width]
            run = 0
            for x in range(max(0, int(left * k)), min(int(right * k), self.width)):
                if row[x] < 128:
                    run += 1
                    if run > best:
                        best, best_start = run, x - run + 1
                else:
                    run = 0
        return best / k, (best_start + best / 2) / k


def pt_to_mm(pt: float) -> float:
    return pt * 25.4 / 72


def is_size(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return abs(size[0] - expected[0]) <= 1 and abs(size[1] - expected[1]) <= 1


# --- the build ---------------------------------------------------------------------------------


class Built:
    def __init__(self, pdf: Path):
        self.out = pdf.parent
        self.pdf = pdf
        self.sizes = page_sizes(self.pdf) if self.pdf.is_file() else []
        self.pages = [page_lines(self.pdf, i + 1) for i in range(len(self.sizes))]

    @property
    def portrait(self) -> list[int]:
        return [i for i, s in enumerate(self.sizes) if is_size(s, A4_PORTRAIT)]

    @property
    def landscape(self) -> list[int]:
        return [i for i, s in enumerate(self.sizes) if is_size(s, A4_LANDSCAPE)]


@pytest.fixture(scope="module")
def built(office_pdfs) -> Built:
    return Built(office_pdfs["plan"])


# --- tests ----------------------------------------------------------------------------------------


def test_pdf_exists_and_is_a_pdf(built):
    assert built.pdf.is_file(), f"no PDF in {sorted(p.name for p in built.out.iterdir())}"
    data = built.pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    assert len(built.sizes) >= 4


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


# --- the short rules, as printed -----------------------------------------------------------------
#
# NĐ 30/2020, Phụ lục I: under the issuer's name "đường kẻ ngang, nét liền, có độ
# dài bằng từ 1/3 đến 1/2 độ dài của dòng chữ và đặt cân đối so với dòng chữ";
# under the Tiêu ngữ a solid line "có độ dài bằng độ dài của dòng chữ".  Measured
# on page 1 as LibreOffice prints it (Liberation Serif has Times New Roman's
# metrics, so Word prints the same widths).


@pytest.fixture(scope="module")
def page_one(built, tmp_path_factory):
    boxes = line_boxes(built.pdf, 1)
    raster = Raster(built.pdf, 1, tmp_path_factory.mktemp("raster"))
    return boxes, raster


def _box(boxes, predicate, what: str):
    hits = [b for b in boxes if predicate(b[0])]
    assert hits, f"no text line for {what} on page 1: {[b[0] for b in boxes[:12]]}"
    return hits[0]


def test_issuer_rule_is_a_third_to_a_half_of_the_issuer_line(page_one):
    boxes, raster = page_one
    issuer = [_box(boxes, lambda t, n=name: t == n, name) for name in ("ỦY BAN NHÂN DÂN", "HUYỆN TAM ĐƯỜNG")]
    number = _box(boxes, lambda t: t.startswith("Số:"), "Số:")
    left = min(b[1] for b in issuer) - 30
    right = max(b[3] for b in issuer) + 30
    length, centre = raster.longest_dark_run(issuer[-1][4], number[2], left, right)
    assert length > 0, "no rule printed under the issuer's name"
    text = max(b[3] - b[1] for b in issuer)
    text_centre = (issuer[-1][1] + issuer[-1][3]) / 2
    assert abs(centre - text_centre) <= 4, "the rule is centred under the issuer's name"
    ratio = length / text
    assert 1 / 3 <= ratio <= 1 / 2, (
        f"rule under the issuer is {pt_to_mm(length):.1f} mm, {ratio:.0%} of the issuer line "
        f"({pt_to_mm(text):.1f} mm); NĐ 30 asks for 1/3 to 1/2 "
        f"({pt_to_mm(text) / 3:.1f}–{pt_to_mm(text) / 2:.1f} mm)")


def test_motto_rule_is_as_long_as_the_motto(page_one):
    boxes, raster = page_one
    motto = _box(boxes, lambda t: t == "Độc lập - Tự do - Hạnh phúc", "Tiêu ngữ")
    date = _box(boxes, lambda t: t.startswith("Tam Đường, ngày"), "địa danh, ngày")
    length, centre = raster.longest_dark_run(motto[4], date[2], motto[1] - 40, motto[3] + 40)
    text = motto[3] - motto[1]
    assert length > 0, "no rule printed under the Tiêu ngữ"
    assert abs(length - text) <= 0.05 * text, (pt_to_mm(length), pt_to_mm(text))
    assert abs(centre - (motto[1] + motto[3]) / 2) <= 4


def test_subject_rule_is_printed_short_and_centred(page_one):
    boxes, raster = page_one
    title = _box(boxes, lambda t: t == "KẾ HOẠCH", "KẾ HOẠCH")
    basis = _box(boxes, lambda t: t.startswith("Căn cứ"), "căn cứ")
    subject = [b for b in boxes if title[4] <= b[2] and b[4] <= basis[2]]
    assert subject, "no subject lines between KẾ HOẠCH and the căn cứ"
    length, centre = raster.longest_dark_run(subject[-1][4], basis[2], 0, 595)
    assert length > 0, "no rule printed under the subject"
    assert length < min(b[3] - b[1] for b in subject), "a short rule, shorter than the subject's lines"
    assert abs(centre - (subject[-1][1] + subject[-1][3]) / 2) <= 6
