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

* **One office process per build.**  A build hands all its documents to one
  ``soffice --convert-to`` call (:func:`convert_documents` stages them under
  unique numbered names, so equal file names in different folders no longer
  need separate calls).  Measured on the bundled plan: see docs/performance.md.
* **Reproducible PDFs.**  LibreOffice stamps the conversion time into the
  ``/CreationDate`` of the document information, into ``xmp:CreateDate`` of
  the XMP metadata and — for PDF/A — into the header of the embedded ICC
  colour profile, and derives the trailer ``/ID`` from it; it has no switch to
  pin any of them.  :func:`make_reproducible` rewrites exactly those from
  ``SOURCE_DATE_EPOCH`` with pikepdf and lets qpdf compute the ``/ID`` from the
  content (``deterministic_id``), so two conversions of the same .docx are
  byte-identical (measured: those were the only differences).
* **PDF/A-2b** on request (``pdfa=True``): LibreOffice's own export filter
  option ``SelectPdfVersion=2`` embeds every font and writes the
  ``pdfaid`` identification and an output intent.
* **Interruption.**  soffice runs in its own process group; on Ctrl-C,
  SIGTERM or a timeout the whole group (``soffice`` and ``soffice.bin``) is
  killed and the temporary folder (profile, staged copies) removed.
"""

from __future__ import annotations

import glob
import hashlib
import os
import queue
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Optional, Sequence

from .publish import atomic_write_bytes

__all__ = ["PdfError", "SofficeNotFound", "convert_documents", "convert_to_pdf", "find_soffice",
           "install_hint", "make_reproducible"]

_LINUX_HINT = (
    "Trên Debian/Ubuntu, cài bằng lệnh: "
    "sudo apt-get install libreoffice-writer-nogui fonts-liberation2 "
    "(fonts-liberation2 cung cấp phông Liberation Serif có đủ chữ tiếng Việt "
    "và cùng kích thước ký tự với Times New Roman, nên ngắt dòng, ngắt trang "
    "giống như trong Word)."
)
_WINDOWS_HINT = (
    "Trên Windows, tải và cài LibreOffice từ trang libreoffice.org (bản cài đặt .msi), "
    "giữ thư mục cài mặc định C:\\Program Files\\LibreOffice; máy Windows đã có phông "
    "Times New Roman nên không cần cài thêm phông. Nếu cài vào thư mục khác, đặt biến "
    "môi trường KEHOACH_SOFFICE trỏ tới tệp soffice.exe."
)
_MAC_HINT = (
    "Trên macOS, tải LibreOffice từ trang libreoffice.org (tệp .dmg) rồi kéo vào thư mục "
    "Applications, hoặc cài bằng lệnh: brew install --cask libreoffice. Nếu cài ở nơi khác, "
    "đặt biến môi trường KEHOACH_SOFFICE trỏ tới tệp "
    "LibreOffice.app/Contents/MacOS/soffice."
)
#: kept for callers of the Debian hint; :func:`install_hint` picks the platform's.
INSTALL_HINT = _LINUX_HINT


def install_hint(platform: Optional[str] = None) -> str:
    """How to install LibreOffice on this (or the named) platform, in Vietnamese."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        return _WINDOWS_HINT
    if platform == "darwin":
        return _MAC_HINT
    return _LINUX_HINT


def _default_candidates() -> tuple[str, ...]:
    """Where LibreOffice installs ``soffice`` when it is not on PATH (globs allowed)."""
    if sys.platform.startswith("win"):
        roots = [os.environ.get(k) for k in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
        roots += [r"C:\Program Files", r"C:\Program Files (x86)"]
        seen: list[str] = []
        for root in roots:
            if root:
                for folder in ("LibreOffice", "LibreOffice*"):
                    path = os.path.join(root, folder, "program", "soffice.exe")
                    if path not in seen:
                        seen.append(path)
        return tuple(seen)
    return (
        "/usr/lib/libreoffice/program/soffice",
        "/usr/lib64/libreoffice/program/soffice",
        "/opt/libreoffice/program/soffice",
        "/opt/libreoffice*/program/soffice",
        "/snap/bin/libreoffice",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        os.path.expanduser("~/Applications/LibreOffice.app/Contents/MacOS/soffice"),
    )


_CANDIDATES = _default_candidates()

#: LibreOffice's import filter for .docx; forcing it makes soffice refuse
#: anything that is not Word 2007+ XML instead of importing it as plain text.
DOCX_IMPORT_FILTER = "MS Word 2007 XML"
#: PDF export; with PDF/A the JSON filter options (LibreOffice ≥ 7.4) select PDF/A-2b.
PDF_EXPORT = "pdf"
PDFA_EXPORT = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'

_ERROR_LINE = re.compile(r"^\s*Error:", re.MULTILINE)
_MAX_OUTPUT_IN_MESSAGE = 4000

Progress = Callable[[int, int], None]


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
    locations: Windows ``Program Files\\LibreOffice``, Debian's
    ``/usr/lib/libreoffice``, the upstream ``/opt/libreoffice*`` packages,
    the snap, macOS ``/Applications/LibreOffice.app``.
    """
    override = os.environ.get("KEHOACH_SOFFICE")
    if override and _is_executable(override):
        return override
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _CANDIDATES:
        matches = sorted(glob.glob(candidate), reverse=True) if any(c in candidate for c in "*?[") else [candidate]
        for path in matches:
            if _is_executable(path):
                return path
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
        "TMP": str(profile_dir),
        "TEMP": str(profile_dir),
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
    if proc.poll() is not None and sys.platform == "win32":
        return
    try:
        if sys.platform != "win32":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    except (ProcessLookupError, PermissionError, OSError):
        pass


class _Terminated(SystemExit):
    """SIGTERM/SIGHUP while soffice runs: unwinds like Ctrl-C (children killed,
    temporary folder removed), then exits with 128 + the signal number."""


@contextmanager
def _terminate_as_exception():
    """Turn SIGTERM and SIGHUP into an exception while soffice runs, so the
    ``finally`` clauses that kill its process group and remove the temporary
    folder run (the default action would end Python on the spot).  Ctrl-C
    already raises KeyboardInterrupt.  Only the main thread can set handlers;
    elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {}

    def handler(signum, frame):
        raise _Terminated(128 + signum)

    for sig in wanted:
        try:
            previous[sig] = signal.signal(sig, handler)
        except (ValueError, OSError):
            pass
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


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


def _check_inputs(paths: list[Path]) -> None:
    for p in paths:
        if not p.is_file():
            raise PdfError(f"Không tìm thấy tệp cần chuyển sang PDF: {p}")
        if not zipfile.is_zipfile(p):
            raise PdfError(f"Tệp {p} không phải tệp .docx (không phải gói zip), không chuyển sang PDF được.")


def _soffice() -> str:
    soffice = find_soffice()
    if soffice is None:
        raise SofficeNotFound("Không tìm thấy LibreOffice (lệnh soffice) để chuyển .docx sang PDF. " + install_hint())
    return soffice


def _run(paths: list[Path], work: Path, *, pdfa: bool, timeout: Optional[float],
         progress: Optional[Progress]) -> Path:
    """One soffice call converting ``paths`` (distinct stems) into ``work/out``;
    returns that folder after checking every PDF.  ``timeout`` None means
    60 s plus 10 s per document."""
    soffice = _soffice()
    profile = work / "profile"
    profile.mkdir()
    staging = work / "out"
    staging.mkdir()
    if timeout is None:
        timeout = 60 + 10 * len(paths)
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
        f"--infilter={DOCX_IMPORT_FILTER}",
        "--convert-to", PDFA_EXPORT if pdfa else PDF_EXPORT,
        "--outdir", str(staging),
        *[str(p) for p in paths],
    ]
    popen_extra = ({"start_new_session": True} if sys.platform != "win32"
                   else {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)})
    outputs: "queue.Queue[tuple[str, bytes]]" = queue.Queue()
    with _terminate_as_exception():
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=_clean_env(work), cwd=work, **popen_extra)
        try:
            readers = [threading.Thread(target=lambda s=s, k=k: outputs.put((k, s.read())), daemon=True)
                       for k, s in (("out", proc.stdout), ("err", proc.stderr))]
            for r in readers:
                r.start()
            deadline = time.monotonic() + timeout
            expected = {p.stem + ".pdf" for p in paths}
            reported = 0
            while True:
                try:
                    proc.wait(timeout=0.2)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if progress:
                    done = sum(1 for n in os.listdir(staging) if n in expected)
                    # a PDF appears when LibreOffice starts writing it: count it
                    # done once the next one appears
                    done = max(0, done - 1)
                    if done > reported:
                        reported = done
                        progress(done, len(paths))
                if time.monotonic() > deadline:
                    _kill(proc)
                    proc.wait()
                    for r in readers:
                        r.join(5)
                    got = dict(outputs.queue)
                    raise PdfError(
                        f"LibreOffice không chuyển xong sang PDF sau {timeout:g} giây và đã bị dừng.\n"
                        "Thông báo của LibreOffice:\n"
                        + _format_output(got.get("out", b"").decode("utf-8", "replace"),
                                         got.get("err", b"").decode("utf-8", "replace"))) from None
        except BaseException:
            _kill(proc)
            proc.wait()
            raise
        # the launcher may leave soffice.bin behind on odd exits: never leak it
        _kill(proc)
        for r in readers:
            r.join(10)
    got = dict(outputs.queue)
    stdout = got.get("out", b"").decode("utf-8", "replace")
    stderr = got.get("err", b"").decode("utf-8", "replace")
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
    if progress and reported < len(paths):
        progress(len(paths), len(paths))
    return staging


def convert_to_pdf(docx_paths: list[Path], out_dir: Path, timeout: Optional[float] = 180, *,
                   pdfa: bool = False, epoch: Optional[int] = None,
                   progress: Optional[Progress] = None) -> list[Path]:
    """Convert .docx files to PDF with one LibreOffice call; return the PDF paths.

    The PDFs are named after the inputs (``a.docx`` → ``out_dir/a.pdf``) and
    returned in the order of ``docx_paths``.  ``out_dir`` is created if needed;
    an existing PDF of the same name is replaced, atomically, only once the new
    one passed the checks.  PDFs are made reproducible (:func:`make_reproducible`,
    ``epoch`` None: ``SOURCE_DATE_EPOCH``); ``pdfa`` asks for PDF/A-2b.

    Raises :class:`SofficeNotFound` if LibreOffice is not installed, and
    :class:`PdfError` (message in Vietnamese, with LibreOffice's output) if an
    input is missing or not a .docx, two inputs would produce the same PDF name,
    soffice times out after ``timeout`` seconds, prints an ``Error:`` line, or
    any expected PDF is missing or malformed.
    """
    paths = [Path(p).resolve() for p in docx_paths]
    if not paths:
        return []
    _check_inputs(paths)
    seen: dict[str, Path] = {}
    for p in paths:
        key = p.stem + ".pdf"
        if key in seen:
            raise PdfError(
                f"Hai tệp {seen[key]} và {p} sẽ cùng tạo ra '{key}' trong {out_dir}; "
                "hãy đổi tên một trong hai tệp."
            )
        seen[key] = p
    _soffice()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kehoach-soffice-"))
    try:
        staging = _run(paths, work, pdfa=pdfa, timeout=timeout, progress=progress)
        results: list[Path] = []
        for src in paths:
            target = out_dir / (src.stem + ".pdf")
            atomic_write_bytes(target, make_reproducible((staging / target.name).read_bytes(), epoch))
            results.append(target)
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def convert_documents(documents: Sequence[bytes], *, pdfa: bool = False, epoch: Optional[int] = None,
                      timeout: Optional[float] = None, progress: Optional[Progress] = None) -> list[bytes]:
    """Convert .docx documents (bytes) to reproducible PDFs (bytes), in order,
    with **one** LibreOffice process for all of them.

    The documents are staged as ``00001.docx``, ``00002.docx``… so documents
    that share a file name in different folders (a letter and a report
    template of the same agency) still go in the same call.  ``timeout`` None
    means 60 s plus 10 s per document; ``progress(done, total)`` is called
    while LibreOffice works.  The temporary folder is removed however this
    ends (error, timeout, Ctrl-C, SIGTERM).
    """
    if not documents:
        return []
    _soffice()
    work = Path(tempfile.mkdtemp(prefix="kehoach-soffice-"))
    try:
        inputs = work / "in"
        inputs.mkdir()
        paths = []
        for i, data in enumerate(documents, 1):
            path = inputs / f"{i:05d}.docx"
            path.write_bytes(data)
            paths.append(path)
        _check_inputs(paths)
        staging = _run(paths, work, pdfa=pdfa, timeout=timeout, progress=progress)
        return [make_reproducible((staging / (p.stem + ".pdf")).read_bytes(), epoch) for p in paths]
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- reproducible bytes ----------------------------------------------------------------

_XMP_DATES = re.compile(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)[^<]*(</xmp:)")
_XMP_DATE_ATTRS = re.compile(rb'(xmp:(?:CreateDate|ModifyDate|MetadataDate)=")[^"]*(")')


def _icc_with_date(profile: bytes, t: time.struct_time) -> bytes:
    """An ICC profile whose header date (bytes 24–35) is ``t``.  The profile
    ID (bytes 84–99, an MD5 in ICC v4) is recomputed when the profile has one:
    MD5 over the profile with flags, rendering intent and ID zeroed."""
    if len(profile) < 128 or profile[36:40] != b"acsp":
        return profile
    data = bytearray(profile)
    data[24:36] = struct.pack(">6H", t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)
    if any(data[84:100]):
        probe = bytearray(data)
        probe[44:48] = b"\0" * 4
        probe[64:68] = b"\0" * 4
        probe[84:100] = b"\0" * 16
        data[84:100] = hashlib.md5(bytes(probe)).digest()
    return bytes(data)


def make_reproducible(pdf: bytes, epoch: Optional[int] = None) -> bytes:
    """``pdf`` (from LibreOffice) with every clock-derived byte pinned to ``epoch``.

    Why a rewrite and not a LibreOffice option: LibreOffice has none.  What it
    stamps (measured, two conversions of one .docx compared object by object):
    ``/CreationDate`` in the document information, ``xmp:CreateDate`` in the
    XMP packet, the date in the header of the sRGB ICC profile it embeds as
    the PDF/A output intent (hence also that stream's length), the trailer
    ``/ID`` and LibreOffice's private trailer ``/DocChecksum``.  Those are set from ``epoch`` (None: ``SOURCE_DATE_EPOCH``, else
    kehoach's fixed default, as for the .docx) and qpdf writes the file with
    an ``/ID`` computed from the content.  The XMP and the document
    information keep agreeing, which PDF/A requires.
    """
    import io

    import pikepdf

    from .package import _clamp, source_date_epoch

    if epoch is None:
        epoch = source_date_epoch()
    t = time.gmtime(_clamp(epoch))
    pdf_date = time.strftime("D:%Y%m%d%H%M%SZ", t)
    xmp_date = time.strftime("%Y-%m-%dT%H:%M:%SZ", t).encode("ascii")
    try:
        doc = pikepdf.open(io.BytesIO(pdf))
    except pikepdf.PdfError as exc:
        raise PdfError(f"Tệp PDF do LibreOffice tạo ra không đọc được: {exc}") from None
    with doc:
        info = doc.trailer.get("/Info")
        if info is not None:
            for key in ("/CreationDate", "/ModDate"):
                if key in info:
                    info[key] = pikepdf.String(pdf_date)
        metadata = doc.Root.get("/Metadata")
        if metadata is not None:
            raw = metadata.read_bytes()
            fixed = _XMP_DATE_ATTRS.sub(rb"\g<1>" + xmp_date + rb"\2",
                                        _XMP_DATES.sub(rb"\g<1>" + xmp_date + rb"\2", raw))
            if fixed != raw:
                metadata.write(fixed)
        for intent in doc.Root.get("/OutputIntents", []):
            profile = intent.get("/DestOutputProfile")
            if profile is None:
                continue
            raw = profile.read_bytes()
            fixed = _icc_with_date(raw, t)
            if fixed != raw:
                profile.write(zlib.compress(fixed, 9), filter=pikepdf.Name.FlateDecode)
        # LibreOffice's private /DocChecksum hashes the stamped content; the
        # old /ID would be kept as the first ID element by qpdf: drop both.
        for key in ("/DocChecksum", "/ID"):
            if key in doc.trailer:
                del doc.trailer[key]
        out = io.BytesIO()
        doc.save(out, deterministic_id=True, fix_metadata_version=False)
        return out.getvalue()
