"""PDF conversion through LibreOffice (``soffice --headless``).

LibreOffice is used both to produce PDFs for users and as a test oracle (a
second, independent reader of our .docx files).  What was measured and shapes
this module:

* **The exit code lies.**  soffice exited 0 after printing
  ``Error: source file could not be loaded`` for broken XML, and it imported a
  non-zip file as plain text and "converted" it.  Success is therefore decided
  here by evidence: each expected PDF exists, is non-empty, starts with
  ``%PDF`` and ends with ``%%EOF``, and LibreOffice printed no ``Error:`` line.
  The import filter is forced to Word 2007+ XML (``--infilter``) so a non-.docx
  is refused instead of being imported as text, and inputs are checked to be zip
  archives before LibreOffice is even started.
* **Profiles.**  Two soffice processes sharing a user profile interfere (the
  second one hands its job to the first, or fails on the profile lock).  Every
  call gets a fresh ``-env:UserInstallation=file:///…`` in a temporary folder,
  with ``HOME`` and ``TMPDIR`` pointing there too, so parallel test workers, CI
  running as root, and a user's own open LibreOffice never collide.
* **Speed.**  Start-up dominates: ≈ 1 s for one file, ≈ 1.4 s for ten in one
  call.  :func:`convert_to_pdf` therefore takes a list and makes one call.
* **Stale output.**  LibreOffice writes into a fresh temporary folder and the
  PDFs are only moved into ``out_dir`` after they passed the checks, so an old
  PDF left from a previous run can never be mistaken for this run's result.
* **Fonts.**  Times New Roman is not installable on Debian; ``fonts-liberation2``
  (not ``fonts-liberation`` 1.x, which lacks most Vietnamese letters) provides
  Liberation Serif, metric-compatible with Times New Roman, so line and page
  breaks match Word's.

**PDFs are not byte-reproducible**: LibreOffice stamps the conversion time
(``CreationDate``) and a document ``/ID`` that changes with it into every
PDF (measured: two conversions of one file differ in exactly those), and offers no
switch to pin them.  Only the .docx output is reproducible (see
:mod:`kehoach.render.package`); compare PDFs by page count, page size and text.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .publish import atomic_write_bytes

__all__ = ["PdfError", "SofficeNotFound", "convert_to_pdf", "find_soffice"]

INSTALL_HINT = (
    "Trên Debian/Ubuntu, cài bằng lệnh: "
    "sudo apt-get install libreoffice-writer-nogui fonts-liberation2 "
    "(fonts-liberation2 cung cấp phông Liberation Serif có đủ chữ tiếng Việt "
    "và cùng kích thước ký tự với Times New Roman, nên ngắt dòng, ngắt trang "
    "giống như trong Word)."
)

_CANDIDATES = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)

#: LibreOffice's import filter for .docx; forcing it makes soffice refuse
#: anything that is not Word 2007+ XML instead of importing it as plain text.
DOCX_IMPORT_FILTER = "MS Word 2007 XML"

_ERROR_LINE = re.compile(r"^\s*Error:", re.MULTILINE)
_MAX_OUTPUT_IN_MESSAGE = 4000


class PdfError(Exception):
    """Converting to PDF failed; the message (Vietnamese) includes LibreOffice's output."""


class SofficeNotFound(PdfError):
    """LibreOffice is not installed (or not where we look for it)."""


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_soffice() -> str | None:
    """Return the path of LibreOffice's ``soffice``, or ``None``.

    Order: ``$KEHOACH_SOFFICE`` (explicit override, for unusual installs),
    ``soffice`` and ``libreoffice`` on ``PATH``, then the usual install
    locations (Debian's ``/usr/lib/libreoffice/program/soffice``, the upstream
    ``/opt`` packages, macOS).
    """
    override = os.environ.get("KEHOACH_SOFFICE")
    if override and _is_executable(override):
        return override
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _CANDIDATES:
        if _is_executable(candidate):
            return candidate
    return None


def _clean_env(profile_dir: Path) -> dict[str, str]:
    """Environment for soffice: no user settings leak in, nothing leaks out.

    Only ``PATH`` (and the dynamic-loader path, if set) is inherited.  ``HOME``
    and ``TMPDIR`` point into the per-call folder, so LibreOffice neither reads
    the user's configuration nor leaves files in their home — and running as
    root in CI cannot touch /root.  A UTF-8 locale keeps Vietnamese file names
    intact on the command line and in messages.
    """
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(profile_dir),
        "TMPDIR": str(profile_dir),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        # Headless rendering without an X server or desktop integration.
        "SAL_USE_VCLPLUGIN": "svp",
    }
    for key in ("LD_LIBRARY_PATH", "SYSTEMROOT", "FONTCONFIG_FILE", "FONTCONFIG_PATH"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def _format_output(stdout: str, stderr: str) -> str:
    text = "\n".join(s for s in (stdout.strip(), stderr.strip()) if s) or "(không có thông báo)"
    if len(text) > _MAX_OUTPUT_IN_MESSAGE:
        text = text[:_MAX_OUTPUT_IN_MESSAGE] + "\n…(đã cắt bớt)"
    return text


def _kill(proc: subprocess.Popen) -> None:
    """Kill soffice and its children: ``soffice`` is a launcher for ``soffice.bin``."""
    try:
        if sys.platform != "win32":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass


def _check_pdf(path: Path) -> str | None:
    """Return a Vietnamese description of what is wrong with ``path``, or None."""
    if not path.is_file():
        return "không tạo ra tệp PDF"
    size = path.stat().st_size
    if size == 0:
        return "tệp PDF rỗng"
    with path.open("rb") as fh:
        head = fh.read(5)
        fh.seek(max(0, size - 1024))
        tail = fh.read()
    if head != b"%PDF-":
        return "tệp tạo ra không phải PDF (không bắt đầu bằng %PDF-)"
    if b"%%EOF" not in tail:
        return "tệp PDF bị cụt (không có %%EOF ở cuối)"
    return None


def convert_to_pdf(docx_paths: list[Path], out_dir: Path, timeout: float = 180) -> list[Path]:
    """Convert .docx files to PDF with one LibreOffice call; return the PDF paths.

    The PDFs are named after the inputs (``a.docx`` → ``out_dir/a.pdf``) and
    returned in the order of ``docx_paths``.  ``out_dir`` is created if needed;
    an existing PDF of the same name is replaced, atomically, only once the new
    one passed the checks.

    Raises :class:`SofficeNotFound` if LibreOffice is not installed, and
    :class:`PdfError` (message in Vietnamese, with LibreOffice's output) if an
    input is missing or not a .docx, two inputs would produce the same PDF name,
    soffice times out after ``timeout`` seconds, prints an ``Error:`` line, or
    any expected PDF is missing or malformed.
    """
    paths = [Path(p).resolve() for p in docx_paths]
    if not paths:
        return []

    seen: dict[str, Path] = {}
    for p in paths:
        if not p.is_file():
            raise PdfError(f"Không tìm thấy tệp cần chuyển sang PDF: {p}")
        if not zipfile.is_zipfile(p):
            raise PdfError(f"Tệp {p} không phải tệp .docx (không phải gói zip), không chuyển sang PDF được.")
        key = p.stem + ".pdf"
        if key in seen:
            raise PdfError(
                f"Hai tệp {seen[key]} và {p} sẽ cùng tạo ra '{key}' trong {out_dir}; "
                "hãy đổi tên một trong hai tệp."
            )
        seen[key] = p

    soffice = find_soffice()
    if soffice is None:
        raise SofficeNotFound(
            "Không tìm thấy LibreOffice (lệnh soffice) để chuyển .docx sang PDF. " + INSTALL_HINT
        )

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    work = Path(tempfile.mkdtemp(prefix="kehoach-soffice-"))
    try:
        profile = work / "profile"
        profile.mkdir()
        staging = work / "out"
        staging.mkdir()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"--infilter={DOCX_IMPORT_FILTER}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(staging),
            *[str(p) for p in paths],
        ]
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_clean_env(work),
            cwd=work,
            start_new_session=(sys.platform != "win32"),
        )
        try:
            out_b, err_b = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            out_b, err_b = proc.communicate()
            raise PdfError(
                f"LibreOffice không chuyển xong sang PDF sau {timeout:g} giây và đã bị dừng.\n"
                "Thông báo của LibreOffice:\n"
                + _format_output(out_b.decode("utf-8", "replace"), err_b.decode("utf-8", "replace"))
            ) from None
        stdout = out_b.decode("utf-8", "replace")
        stderr = err_b.decode("utf-8", "replace")

        problems: list[str] = []
        if proc.returncode != 0:
            problems.append(f"LibreOffice kết thúc với mã lỗi {proc.returncode}")
        if _ERROR_LINE.search(stdout) or _ERROR_LINE.search(stderr):
            problems.append("LibreOffice báo lỗi (dòng 'Error:')")
        for src in paths:
            issue = _check_pdf(staging / (src.stem + ".pdf"))
            if issue:
                problems.append(f"{src.name}: {issue}")
        if problems:
            raise PdfError(
                "Chuyển sang PDF thất bại: " + "; ".join(problems) + ".\n"
                "Thông báo của LibreOffice:\n" + _format_output(stdout, stderr)
            )

        results: list[Path] = []
        for src in paths:
            target = out_dir / (src.stem + ".pdf")
            atomic_write_bytes(target, (staging / target.name).read_bytes())
            results.append(target)
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)
