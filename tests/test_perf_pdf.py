"""PDFs of a whole build: one LibreOffice process, reproducible bytes, PDF/A-2b,
the document's own title, cleanup when interrupted, LibreOffice found on every
platform.

The real-LibreOffice tests share one pair of builds of a small synthetic plan
(module fixture).  Like tests/test_render_pdf.py they fail, not skip, when
soffice is missing, unless KEHOACH_NO_SOFFICE=1 outside CI (``tests/office.py``).
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pikepdf
import pytest

import kehoach
from kehoach.build import build

pdf_mod = importlib.import_module("kehoach.render.pdf")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from synth_plan import write_plan  # noqa: E402

from office import OFFICE, require_office  # noqa: E402


# -- real LibreOffice ------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    require_office()
    work = tmp_path_factory.mktemp("pdf-builds")
    write_plan(work / "plan", 6, 6)
    plan = kehoach.load_plan(work / "plan")
    seen: list[tuple[int, str]] = []
    first = build(plan, work / "a", pdf="a", progress=lambda n, d: seen.append((n, d.path)))
    second = build(plan, work / "b", pdf="a")
    return plan, first, second, seen


@OFFICE
def test_two_pdf_builds_are_byte_identical(two_builds):
    _, first, second, _ = two_builds
    pdfs = [d for d in first.documents if d.path.endswith(".pdf")]
    docx = [d for d in first.documents if d.path.endswith(".docx")]
    assert len(pdfs) == len(docx) >= 4
    assert first.manifest == second.manifest
    for d in pdfs:
        assert (first.out_dir / d.path).read_bytes() == (second.out_dir / d.path).read_bytes(), d.path


@OFFICE
def test_manifest_lists_every_pdf_with_its_sha256(two_builds):
    """Each .docx has its PDF in manifest.json (same kind, the file's SHA-256), on
    disk and in what ``build()`` returns; the plan's PDF is of kind "plan"."""
    plan, first, _, _ = two_builds
    manifest = json.loads((first.out_dir / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["path"]: e for e in manifest["documents"]}
    returned = {e["path"]: e for e in first.manifest["documents"]}
    docx = [e for e in manifest["documents"] if e["path"].endswith(".docx")]
    assert len(docx) >= 4
    for d in docx:
        path = d["path"][:-len(".docx")] + ".pdf"
        assert path in entries, path
        entry = entries[path]
        assert manifest["files"][path] == hashlib.sha256((first.out_dir / path).read_bytes()).hexdigest(), path
        assert entry["kind"] == d["kind"] and returned[path] == entry, path
    assert entries[f"{plan.id}.pdf"]["kind"] == "plan"


@OFFICE
def test_progress_is_reported_during_conversion(two_builds):
    _, first, _, seen = two_builds
    pdf_paths = [p for _, p in seen if p.endswith(".pdf")]
    assert pdf_paths, "no progress while LibreOffice converted"
    assert pdf_paths[-1] == [d.path for d in first.documents if d.path.endswith(".pdf")][-1]
    assert [n for n, _ in seen] == sorted(n for n, _ in seen)


@OFFICE
def test_pdfa_identification_dates_and_fonts(two_builds):
    plan, first, _, _ = two_builds
    for d in (d for d in first.documents if d.path.endswith(".pdf")):
        with pikepdf.open(io.BytesIO(d.data)) as pdf:
            meta = pdf.open_metadata()
            assert meta.get("pdfaid:part") == "2", d.path
            assert meta.get("pdfaid:conformance") == "B", d.path
            assert meta.get("xmp:CreateDate", "").startswith("2025-01-01T00:00:00"), d.path  # DEFAULT_EPOCH
            assert str(pdf.docinfo["/CreationDate"]).startswith("D:20250101000000"), d.path
            assert "/OutputIntents" in pdf.Root
            fonts = 0
            for page in pdf.pages:
                for font in (page.Resources.get("/Font") or {}).values():
                    fonts += 1
                    descendants = font.get("/DescendantFonts")
                    descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
                    assert descriptor is not None, d.path
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
                        f"{d.path}: font {font.get('/BaseFont')} not embedded"
            assert fonts, d.path


@OFFICE
def test_pdf_title_is_the_documents_not_the_templates(two_builds):
    plan, first, _, _ = two_builds
    titles = {}
    for d in (d for d in first.documents if d.path.endswith(".pdf")):
        with pikepdf.open(io.BytesIO(d.data)) as pdf:
            titles[d.path] = str(pdf.docinfo.get("/Title", ""))
            assert str(pdf.docinfo.get("/Subject", "")) == plan.document.subject, d.path
    assert not any(t.startswith("Mẫu công văn") or t.startswith("Mẫu kế hoạch") for t in titles.values()), titles
    plan_pdf = f"{plan.id}.pdf"
    assert titles[plan_pdf].startswith("Kế hoạch ")
    assert plan.document.subject[1:20] in titles[plan_pdf]


# -- a fake soffice ----------------------------------------------------------------------

FAKE = r"""#!/bin/sh
# Fake soffice: logs each call; "ok" converts every input, "hang" starts a child and waits.
echo call >> "{d}/calls.log"
printf '%s\n' "$@" > "{d}/args.log"
outdir=""; prev=""
for a in "$@"; do
  if [ "$prev" = "--outdir" ]; then outdir="$a"; fi
  prev="$a"
done
case "$(cat "{d}/mode")" in
  ok)   for a in "$@"; do
          case "$a" in *.docx) cp "{d}/min.pdf" "$outdir/$(basename "$a" .docx).pdf" ;; esac
        done ;;
  hang) sleep 300 &
        echo $! > "{d}/child.pid"
        wait ;;
esac
"""


@pytest.fixture
def fake(tmp_path, monkeypatch):
    if os.name == "nt":
        pytest.skip("shell-script fake needs POSIX")
    d = tmp_path / "fake"
    d.mkdir()
    pikepdf.new().save(d / "min.pdf")
    script = d / "soffice"
    script.write_text(FAKE.format(d=d))
    script.chmod(0o755)
    monkeypatch.setenv("KEHOACH_SOFFICE", str(script))
    return d


def _docx() -> bytes:
    import docx
    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


def test_one_call_for_all_documents_even_with_equal_names(fake, tmp_path):
    (fake / "mode").write_text("ok")
    done = []
    pdfs = pdf_mod.convert_documents([_docx()] * 5, progress=lambda n, total: done.append((n, total)))
    assert len(pdfs) == 5 and all(p.startswith(b"%PDF-") for p in pdfs)
    assert (fake / "calls.log").read_text().count("call") == 1
    assert sum(a.endswith(".docx") for a in (fake / "args.log").read_text().splitlines()) == 5
    assert done[-1] == (5, 5)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ("Z", "X")


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "timeout"])
def test_interruption_kills_office_children_and_removes_temp_files(fake, tmp_path, how):
    (fake / "mode").write_text("hang")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    timeout = "3" if how == "timeout" else "None"
    script = textwrap.dedent(f"""
        import io, sys, docx
        from kehoach.render.pdf import convert_documents, PdfError
        buf = io.BytesIO(); docx.Document().save(buf)
        try:
            convert_documents([buf.getvalue()], timeout={timeout})
        except PdfError as exc:
            print(exc); sys.exit(1)
    """)
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (fake / "child.pid").exists():
        assert time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    time.sleep(0.3)
    child = int((fake / "child.pid").read_text())
    assert _alive(child)
    assert list(tmp.glob("kehoach-soffice-*"))
    if how != "timeout":
        proc.send_signal(getattr(signal, how))
    out, err = proc.communicate(timeout=30)
    expected = {"SIGTERM": 128 + signal.SIGTERM, "SIGINT": -signal.SIGINT, "timeout": 1}[how]
    assert proc.returncode == expected, (out, err)
    if how == "timeout":
        assert "sau 3 giây" in out
    if how == "SIGINT":
        assert "KeyboardInterrupt" in err
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "LibreOffice's child process was left running"
    assert not list(tmp.glob("kehoach-soffice-*")), "temporary profile/copies left behind"


# -- finding LibreOffice ------------------------------------------------------------------


def test_candidates_and_install_hints_per_platform(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("ProgramFiles", r"D:\Apps")
    win = pdf_mod._default_candidates()
    assert os.path.join(r"D:\Apps", "LibreOffice", "program", "soffice.exe") in win
    assert any(c.startswith(r"C:\Program Files") for c in win)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert "/Applications/LibreOffice.app/Contents/MacOS/soffice" in pdf_mod._default_candidates()
    monkeypatch.setattr(sys, "platform", "linux")
    assert "/usr/lib/libreoffice/program/soffice" in pdf_mod._default_candidates()
    assert "C:\\Program Files\\LibreOffice" in pdf_mod.install_hint("win32")
    assert "brew install --cask libreoffice" in pdf_mod.install_hint("darwin")
    assert "sudo apt-get install libreoffice-writer-nogui fonts-liberation2" in pdf_mod.install_hint("linux")
    for hint in (pdf_mod.install_hint(p) for p in ("win32", "darwin", "linux")):
        assert "cài" in hint


def test_globbed_install_folder_is_found(monkeypatch, tmp_path):
    soffice = tmp_path / "opt" / "libreoffice7.6" / "program" / "soffice"
    soffice.parent.mkdir(parents=True)
    soffice.write_text("#!/bin/sh\n")
    soffice.chmod(0o755)
    monkeypatch.delenv("KEHOACH_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(pdf_mod, "_CANDIDATES", (str(tmp_path / "opt" / "libreoffice*" / "program" / "soffice"),))
    assert pdf_mod.find_soffice() == str(soffice)


def test_pdf_a_option_on_the_command_line(monkeypatch, tmp_path):
    """`--pdf=a` reaches build() as "a", `--pdf` as True, and `--pdf` before the
    plan folder does not swallow it."""
    from kehoach import cli
    got = {}

    def fake_build(plan, out, *, pdf, options, progress, **_):
        got["pdf"] = pdf
        raise SystemExit(0)

    monkeypatch.setattr(importlib.import_module("kehoach.build"), "build", fake_build)
    plan = tmp_path / "plan"
    write_plan(plan, 3, 6)
    for argv, expected in ((["build", "--pdf=a", str(plan)], "a"), (["build", "--pdf", str(plan)], True),
                           (["build", str(plan)], False)):
        got.clear()
        with pytest.raises(SystemExit):
            cli.main([*argv, "-o", str(tmp_path / "out")])
        assert got["pdf"] == expected, argv
