"""CLI manners: version, bilingual help, quiet mode, progress only on a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from kehoach import __version__

from conftest import PLAN


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kehoach", *args], capture_output=True, text=True, **kw)


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"kehoach {__version__}"


def test_help_is_vietnamese_with_english():
    result = run("--help")
    assert result.returncode == 0
    for words in ("cách dùng (usage)", "kiểm tra dữ liệu kế hoạch (validate plan data)",
                  "so sánh hai phiên bản kế hoạch", "(plan-level diff)", "Mã thoát (exit codes)"):
        assert words in result.stdout
    for command in ("validate", "build", "report", "calendar", "diff", "docx2text", "schema", "new", "templates"):
        sub = run(command, "--help")
        assert sub.returncode == 0 and "cách dùng (usage): kehoach " + command in sub.stdout


def test_usage_error_in_vietnamese_exit_2():
    result = run("build", "--as-of", "30/6/2025")
    assert result.returncode == 2
    assert "lỗi cách dùng (usage error)" in result.stderr and "YYYY-MM-DD" in result.stderr


def test_quiet_build_prints_nothing_and_no_progress_in_logs(tmp_path):
    quiet = run("-q", "build", str(PLAN), "-o", str(tmp_path / "a"))
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    loud = run("build", str(PLAN), "-o", str(tmp_path / "b"))
    assert loud.returncode == 0 and "manifest.json" in loud.stdout
    assert "đang dựng" not in loud.stderr  # stderr is a pipe here, not a terminal


def test_progress_line_on_a_terminal(tmp_path):
    """Under a pseudo-terminal the build draws its progress line on stderr."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "kehoach", "build", str(PLAN), "-o", str(tmp_path / "out")],
                            stdin=slave, stdout=subprocess.DEVNULL, stderr=slave, close_fds=True)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait() == 0
    os.close(master)
    text = seen.decode("utf-8", "replace")
    assert "\rđang dựng 1: tam-duong-qd27.docx" in text
    assert "cong-van/" in text


def test_build_format_json_prints_the_manifest(tmp_path):
    import json
    result = run("build", str(PLAN), "-o", str(tmp_path / "out"), "--format", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["plan"] == "tam-duong-qd27" and data["documents"][0]["kind"] == "plan"
