"""The workflow documents through the real LibreOffice: one letter, one report
template and the consolidated report (built with the fixture returns), all
converted in ONE ``convert_to_pdf`` call with the plan (``office_pdfs`` in
conftest.py), then read back with poppler.

These tests are marked ``office`` and go through ``tests/office.py``: CI installs
LibreOffice and poppler-utils, so a missing tool is a broken environment and fails
loudly.  PDF text is not NFC and is
broken into lines: it is normalised to NFC and whitespace-collapsed before any
comparison.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

import kehoach
from kehoach.consolidate import consolidate
from kehoach.periods import period
from kehoach.returns import load_returns

from conftest import AS_OF as CONFTEST_AS_OF, OFFICE_AGENCY, OFFICE_PERIOD
from office import OFFICE

pytestmark = OFFICE

PERIOD = "2025-H1"
AS_OF = dt.date(2025, 6, 25)
AGENCY = "xa-binh-lu"
A4 = (595.28, 841.89)  # points


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def canonical(text: str) -> str:
    """Whitespace collapsed and no space after a hyphen (a line may break after one)."""
    return re.sub(r"-\s+", "-", norm(text))


def _run(*args: str) -> str:
    result = subprocess.run(list(args), capture_output=True, text=True)
    assert result.returncode == 0, f"{args[0]} failed ({result.returncode}): {result.stderr}"
    return result.stdout


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = _run("pdfinfo", "-f", "1", "-l", "999", str(pdf))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    sizes = [(float(a), float(b)) for a, b in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]
    assert pages >= 1 and len(sizes) == pages, info
    return sizes


def page_text(pdf: Path, first: int, last: int) -> str:
    return norm(_run("pdftotext", "-f", str(first), "-l", str(last), "-layout", str(pdf), "-"))


def is_a4(size, landscape: bool) -> bool:
    w, h = size
    want = (A4[1], A4[0]) if landscape else A4
    return abs(w - want[0]) <= 1.5 and abs(h - want[1]) <= 1.5


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan_dir(office_pdfs) -> Path:
    """The fixture plan with the fixture returns, as ``office_pdfs`` built it."""
    return office_pdfs["letter"].parent.parent / "plan"


@pytest.fixture(scope="module")
def plan(plan_dir):
    return kehoach.load_plan(plan_dir)


@pytest.fixture(scope="module")
def pdfs(office_pdfs) -> dict[str, Path]:
    assert (PERIOD, AGENCY, AS_OF) == (OFFICE_PERIOD, OFFICE_AGENCY, CONFTEST_AS_OF)
    return office_pdfs


KINDS = ["letter", "report", "consolidated"]


# --- tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_opens_and_page_one_is_a4_portrait(pdfs, kind):
    pdf = pdfs[kind]
    assert pdf.read_bytes()[:5] == b"%PDF-"
    sizes = page_sizes(pdf)
    assert is_a4(sizes[0], landscape=False), sizes[0]


def test_letter_is_portrait_throughout(pdfs):
    sizes = page_sizes(pdfs["letter"])
    assert all(is_a4(s, landscape=False) for s in sizes), sizes


@pytest.mark.parametrize("kind", ["report", "consolidated"])
def test_appendix_pages_are_landscape(pdfs, kind):
    pdf = pdfs[kind]
    sizes = page_sizes(pdf)
    portrait = [is_a4(s, landscape=False) for s in sizes]
    landscape = [is_a4(s, landscape=True) for s in sizes]
    assert all(p or l for p, l in zip(portrait, landscape)), sizes
    assert any(landscape), f"no landscape page: {sizes}"
    first_landscape = landscape.index(True)
    assert first_landscape >= 1 and all(landscape[first_landscape:]), \
        f"portrait body first, then only landscape Phụ lục pages: {sizes}"
    appendix = page_text(pdf, first_landscape + 1, len(sizes))
    body = page_text(pdf, 1, first_landscape)
    assert appendix.startswith("Phụ lục") or " Phụ lục " in f" {appendix[:200]} ", appendix[:200]
    assert "STT" in appendix and "Kết quả thực hiện" in appendix
    assert "Phụ lục KẾT QUẢ" not in body, "the Phụ lục heading is on the landscape pages"


def test_letter_text(pdfs, plan):
    text = canonical(page_text(pdfs["letter"], 1, len(page_sizes(pdfs["letter"]))))
    assert canonical("Kính gửi: Ủy ban nhân dân xã Bình Lư.") in text
    assert canonical("V/v triển khai thực hiện Kế hoạch số") in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and canonical("Độc lập - Tự do - Hạnh phúc") in text
    assert "Nơi nhận:" in text and canonical("- Lưu: VT, VP.") in text
    for tid in (t.id for t in plan.tasks if t.leads == ("ubnd-cac-xa",)):
        assert f"Nhiệm vụ {tid}:" in text, tid
    assert "trước ngày 20/6/2025" in text and "trước ngày 20/12/2030" in text


def test_report_template_text(pdfs, plan):
    pdf = pdfs["report"]
    text = canonical(page_text(pdf, 1, len(page_sizes(pdf))))
    first = canonical(page_text(pdf, 1, 1))
    for needle in ("UBND HUYỆN TAM ĐƯỜNG", "ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯ", "BÁO CÁO",
                   "Kính gửi: Ủy ban nhân dân huyện Tam Đường."):
        assert canonical(needle) in first, needle
    assert "6 tháng đầu năm 2025" in text
    assert canonical("Ủy ban nhân dân xã Bình Lư") in text
    ids = [t.id for t in plan.tasks if AGENCY in plan.lead_agencies(t) or AGENCY in plan.support_agencies(t)]
    appendix = page_text(pdf, [i for i, s in enumerate(page_sizes(pdf), 1) if s[0] > s[1]][0], len(page_sizes(pdf)))
    found = re.findall(r"(?<![\d./])(\d\.\d)(?![\d/])", appendix)
    assert [x for x in found if x in ids] == ids, "the agency's tasks, in appendix order"


def test_consolidated_text(pdfs, plan, plan_dir):
    pdf = pdfs["consolidated"]
    text = canonical(page_text(pdf, 1, len(page_sizes(pdf))))
    assert canonical(page_text(pdf, 1, 1)).count("BÁO CÁO") >= 1
    assert canonical("Kính gửi: Sở Y tế tỉnh Lai Châu.") in text
    returns, diagnostics = load_returns(plan, plan_dir, PERIOD)
    assert not [d for d in diagnostics if d.is_error]
    c = consolidate(plan, period(plan, PERIOD), returns, AS_OF)
    n = c.counts
    sentence = (f"Kế hoạch có {len(plan.tasks)} nhiệm vụ, trong đó: hoàn thành {n['hoan-thanh']}; "
                f"đang thực hiện {n['dang-thuc-hien']}; chưa thực hiện {n['chua-thuc-hien']}; "
                f"chưa có báo cáo {n['chua-bao-cao']}.")
    assert canonical(sentence) in text
    # 9 fixture returns: phong-y-te, xa-binh-lu and hoi-lhpn are undated drafts; tt-tam-duong came in late
    assert len(returns) == 9
    assert canonical(f"có 6/{len(c.agencies)} cơ quan, đơn vị gửi báo cáo") in text
    assert canonical("- Ủy ban nhân dân thị trấn Tam Đường (gửi ngày 23/6/2025).") in text
    assert canonical("(đã quá hạn ngày 20/6/2025)") in text
    assert canonical("Ủy ban nhân dân xã Thèn Sin") in text
