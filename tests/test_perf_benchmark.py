"""benchmarks/run.py works: run at its smallest size, every figure is printed
and written to JSON.  Nothing is timed here (speed is the benchmark's job,
not a test's); this only proves the script runs from the repository.

Marked ``office``: its PDF figure starts LibreOffice (with ``KEHOACH_NO_SOFFICE=1``
outside CI it runs without that figure, see ``tests/office.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from office import OFFICE, require_office, skipped_on_purpose

ROOT = Path(__file__).resolve().parent.parent


@OFFICE
def test_benchmark_runs_at_its_smallest_size(tmp_path):
    out = tmp_path / "bench.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    pdf_docs = "0" if skipped_on_purpose() else "1"
    if pdf_docs == "1":
        require_office()
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "10,20", "--agencies", "6",
         "--repeat", "1", "--pdf-docs", pdf_docs, "--json", str(out)],
        capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    figures = {f["key"]: f for f in data["figures"]}
    for key in ("template_kehoach", "template_plain", "template_speedup", "floor", "vs_floor", "bundled_build",
                "build_10", "peak_10", "validate_10", "build_returns_20", "growth_10", "version", "docx2text",
                "jobs_1_10", "jobs_2_20", "rebuild_one_10", "rebuild_none_20"):
        assert isinstance(figures[key]["value"], float) and figures[key]["value"] > 0, key
    assert figures["template_speedup"]["target"] == "≥ 5× faster"
    assert figures["growth_10"]["target"] == "≤ 2.1×"
    if pdf_docs != "0":
        assert figures["pdf_speedup"]["value"] > 0
    table = result.stdout
    assert "| figure | measured | target | met |" in table
    assert "kehoach vs plain docxtpl" in table and "rebuild after one task" in table
    assert data["meta"]["sizes"] == [10, 20]
