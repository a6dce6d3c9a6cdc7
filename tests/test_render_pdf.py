"""Tests for kehoach.render.pdf: LibreOffice conversion and its failure detection.

The real-LibreOffice tests are marked ``office`` and go through
``tests/office.py`` (a missing soffice fails them: CI installs it;
KEHOACH_NO_SOFFICE=1 skips them outside CI).
The tests with a fake soffice always run: they pin down how success is judged
when LibreOffice lies with exit code 0.
"""

from __future__ import annotations

import importlib
import os
import re
import stat
import subprocess
import time
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Mm

from kehoach.render import PdfError, SofficeNotFound, convert_to_pdf, find_soffice

from office import OFFICE, require_office

pdf_mod = importlib.import_module("kehoach.render.pdf")

TEXT = "A & B <C> {{ 7*7 }}"
VIET = "Kế hoạch thực hiện nhiệm vụ: ơ ư ạ ắ ế ộ Đ"


def write_docx(path: Path, *paragraphs: str) -> Path:
    d = docx.Document()
    s = d.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    for text in paragraphs or (TEXT, VIET):
        d.add_paragraph(text)
    d.save(path)
    return path


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


@pytest.fixture
def soffice():
    return require_office()


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


# --- real LibreOffice ---------------------------------------------------------


@OFFICE
def test_convert_one_a4_page(soffice, tmp_path):
    src = write_docx(tmp_path / "kế-hoạch.docx")
    t0 = time.perf_counter()
    [pdf] = convert_to_pdf([src], tmp_path / "pdf")
    elapsed = time.perf_counter() - t0
    print(f"soffice conversion of 1 file: {elapsed:.2f} s")
    assert pdf == tmp_path / "pdf" / "kế-hoạch.pdf"
    info = pdfinfo(pdf)
    assert info["Pages"] == "1"
    m = re.match(r"([\d.]+) x ([\d.]+) pts", info["Page size"])
    assert m, info["Page size"]
    w, h = float(m.group(1)), float(m.group(2))
    assert round(w) == 595 and round(h) == 842
    assert "A4" in info["Page size"]
    text = nfc(pdftext(pdf))
    assert TEXT in text
    assert nfc(VIET) in text
    # No working files of LibreOffice left next to the output.
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == ["kế-hoạch.pdf"]


@OFFICE
def test_convert_several_in_one_call_replaces_stale(soffice, tmp_path):
    out = tmp_path / "pdf"
    out.mkdir()
    (out / "b.pdf").write_bytes(b"stale, from an older build")
    srcs = [write_docx(tmp_path / f"{n}.docx", f"Tệp {n}") for n in ("a", "b", "c")]
    t0 = time.perf_counter()
    pdfs = convert_to_pdf(srcs, out)
    print(f"soffice conversion of 3 files in one call: {time.perf_counter() - t0:.2f} s")
    assert [p.name for p in pdfs] == ["a.pdf", "b.pdf", "c.pdf"]
    for n, p in zip("abc", pdfs):
        assert p.read_bytes().startswith(b"%PDF-")
        assert f"Tệp {n}" in nfc(pdftext(p))


@OFFICE
def test_broken_docx_is_reported_despite_exit_code_zero(soffice, tmp_path):
    good = write_docx(tmp_path / "good.docx")
    broken = tmp_path / "broken.docx"
    src = zipfile.ZipFile(good)
    with zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                data = data[: len(data) // 2]
            dst.writestr(name, data)
    out = tmp_path / "pdf"
    with pytest.raises(PdfError) as info:
        convert_to_pdf([broken], out)
    msg = str(info.value)
    assert "Chuyển sang PDF thất bại" in msg
    assert "Thông báo của LibreOffice" in msg
    assert not (out / "broken.pdf").exists()


@OFFICE
def test_timeout_is_enforced(soffice, tmp_path):
    src = write_docx(tmp_path / "a.docx")
    t0 = time.perf_counter()
    with pytest.raises(PdfError, match="giây"):
        convert_to_pdf([src], tmp_path / "pdf", timeout=0.05)
    assert time.perf_counter() - t0 < 10


# --- no LibreOffice / fake LibreOffice (always run) ---------------------------


def test_missing_soffice_message(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_mod, "find_soffice", lambda: None)
    src = write_docx(tmp_path / "a.docx")
    with pytest.raises(SofficeNotFound) as info:
        convert_to_pdf([src], tmp_path / "pdf")
    assert isinstance(info.value, PdfError)
    msg = str(info.value)
    assert "sudo apt-get install libreoffice-writer-nogui fonts-liberation2" in msg
    assert "Times New Roman" in msg
    assert "tiếng Việt" in msg


def test_find_soffice_override_and_absence(monkeypatch, tmp_path):
    fake = tmp_path / "my-soffice"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("KEHOACH_SOFFICE", str(fake))
    assert find_soffice() == str(fake)
    monkeypatch.delenv("KEHOACH_SOFFICE")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(pdf_mod, "_CANDIDATES", ())
    assert find_soffice() is None


def test_empty_list_does_nothing(tmp_path):
    assert convert_to_pdf([], tmp_path / "pdf") == []
    assert not (tmp_path / "pdf").exists()


def test_inputs_checked_before_starting_soffice(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_mod, "find_soffice", lambda: pytest.fail("soffice must not be started"))
    with pytest.raises(PdfError, match="Không tìm thấy tệp"):
        convert_to_pdf([tmp_path / "missing.docx"], tmp_path / "pdf")
    text = tmp_path / "text.docx"
    text.write_text("not a zip")
    with pytest.raises(PdfError, match="không phải gói zip"):
        convert_to_pdf([text], tmp_path / "pdf")
    (tmp_path / "x").mkdir()
    a = write_docx(tmp_path / "a.docx")
    b = write_docx(tmp_path / "x" / "a.docx")
    with pytest.raises(PdfError, match="cùng tạo ra 'a.pdf'"):
        convert_to_pdf([a, b], tmp_path / "pdf")


FAKE_SOFFICE = r"""#!/bin/sh
# Fake soffice: records its environment and arguments, then behaves per $MODE file.
mode=$(cat "{mode}")
outdir=""
prev=""
for a in "$@"; do
  if [ "$prev" = "--outdir" ]; then outdir="$a"; fi
  prev="$a"
done
env > "{envlog}"
printf '%s\n' "$@" > "{arglog}"
last=""
for a in "$@"; do last="$a"; done
name=$(basename "$last" .docx)
case "$mode" in
  error-rc0)  echo "Error: source file could not be loaded"; exit 0 ;;
  notpdf)     echo "plain text" > "$outdir/$name.pdf"; exit 0 ;;
  empty)      : > "$outdir/$name.pdf"; exit 0 ;;
  truncated)  printf '%%PDF-1.7\n1 0 obj' > "$outdir/$name.pdf"; exit 0 ;;
  nothing)    exit 0 ;;
  rc1)        printf '%%PDF-1.7\n%%%%EOF\n' > "$outdir/$name.pdf"; echo boom >&2; exit 1 ;;
  ok)         cp "{minpdf}" "$outdir/$name.pdf"; echo "convert ok"; exit 0 ;;
esac
"""


@pytest.fixture
def fake_soffice(monkeypatch, tmp_path):
    if os.name == "nt":
        pytest.skip("shell-script fake needs POSIX")
    d = tmp_path / "fake"
    d.mkdir()
    script = d / "soffice"
    mode = d / "mode"
    import pikepdf
    pikepdf.new().save(d / "min.pdf")  # the smallest real PDF: kehoach rewrites what soffice wrote
    script.write_text(FAKE_SOFFICE.format(mode=mode, envlog=d / "env.log", arglog=d / "args.log",
                                          minpdf=d / "min.pdf"))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(pdf_mod, "find_soffice", lambda: str(script))
    return d


@pytest.mark.parametrize(
    "mode, expected",
    [
        ("error-rc0", "dòng 'Error:'"),
        ("notpdf", "không phải PDF"),
        ("empty", "tệp PDF rỗng"),
        ("truncated", "bị cụt"),
        ("nothing", "không tạo ra tệp PDF"),
        ("rc1", "mã lỗi 1"),
    ],
)
def test_lies_are_detected(fake_soffice, tmp_path, mode, expected):
    (fake_soffice / "mode").write_text(mode)
    out = tmp_path / "pdf"
    out.mkdir()
    (out / "a.pdf").write_bytes(b"%PDF-1.4 old but valid-looking\n%%EOF\n")
    src = write_docx(tmp_path / "a.docx")
    with pytest.raises(PdfError, match=re.escape(expected)) as info:
        convert_to_pdf([src], out)
    if mode == "error-rc0":
        assert "source file could not be loaded" in str(info.value)
    if mode == "rc1":
        assert "boom" in str(info.value)
    # A stale PDF from an earlier run is neither taken as success nor destroyed.
    assert (out / "a.pdf").read_bytes() == b"%PDF-1.4 old but valid-looking\n%%EOF\n"


def test_fresh_profile_and_clean_env(fake_soffice, tmp_path, monkeypatch):
    (fake_soffice / "mode").write_text("ok")
    monkeypatch.setenv("KEHOACH_SECRET_TOKEN", "should-not-leak")
    src = write_docx(tmp_path / "a.docx")
    [pdf] = convert_to_pdf([src], tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    args = (fake_soffice / "args.log").read_text().splitlines()
    env = dict(line.split("=", 1) for line in (fake_soffice / "env.log").read_text().splitlines() if "=" in line)
    profile = [a for a in args if a.startswith("-env:UserInstallation=file:///")]
    assert len(profile) == 1
    home = env["HOME"]
    assert profile[0].startswith(f"-env:UserInstallation=file://{home}/")
    assert home != os.path.expanduser("~")
    assert not Path(home).exists()  # removed after the call
    assert "KEHOACH_SECRET_TOKEN" not in env
    assert {"--headless", "--norestore", "--convert-to", "pdf", "--outdir"} <= set(args)
    assert args[-1] == str(src.resolve())
    # Two calls never share a profile.
    convert_to_pdf([src], tmp_path / "pdf")
    env2 = dict(line.split("=", 1) for line in (fake_soffice / "env.log").read_text().splitlines() if "=" in line)
    assert env2["HOME"] != home
