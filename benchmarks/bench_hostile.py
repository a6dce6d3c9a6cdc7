#!/usr/bin/env python3
"""Measure what hostile input costs kehoach, and print the figures.

    python benchmarks/bench_hostile.py

Each line is one input from issue 13 that used to be slow or unbounded, with
the wall time and peak Python memory (tracemalloc) it costs now:

* validating a return with 20,000 duplicate task entries (was 4.7 s);
* ``docx2text`` on a 764 KB-class zip bomb (a 256 MB document.xml; was 284 s, 4 GB);
* a user template with nested loops, stopped by the worker's time limit
  (set to 2 s here; 30 s in a build; was unbounded);
* reading a 10,000-deep nested YAML value and a 5,000-digit number.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from kehoach import sandbox  # noqa: E402
from kehoach.docx2text import docx_text  # noqa: E402
from kehoach.load import check_plan  # noqa: E402
from kehoach.load.yamlread import read_yaml  # noqa: E402
from kehoach.resources import data_dir  # noqa: E402
from kehoach.returns import check_returns  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "harden-plan"
RETURN = ROOT / "tests" / "fixtures" / "returns" / "2025-H1" / "phong-y-te.yaml"


def _with_snippet(template: bytes, snippet: str) -> bytes:
    """``template`` with a paragraph holding ``snippet`` at the start of its body."""
    src = zipfile.ZipFile(io.BytesIO(template))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "word/document.xml":
                xml = part.decode("utf-8")
                at = xml.index(">", xml.index("<w:body")) + 1
                part = (xml[:at] + f"<w:p><w:r><w:t>{snippet}</w:t></w:r></w:p>" + xml[at:]).encode("utf-8")
            dst.writestr(info, part)
    return buf.getvalue()


def _run(func) -> str:
    try:
        return str(func())[:90]
    except Exception as exc:  # noqa: BLE001 - the refusal is the expected outcome
        return f"{type(exc).__name__}: {str(exc)[:70]}"


def measure(label: str, func) -> None:
    """Time one run, then measure peak memory in a second (tracemalloc slows Python down)."""
    start = time.perf_counter()
    outcome = _run(func)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    _run(func)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<46} {seconds:7.2f} s  {peak / 2**20:8.1f} MB  {outcome}")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="kehoach-hostile-"))
    try:
        plan_dir = tmp / "plan"
        shutil.copytree(FIXTURE, plan_dir)
        folder = plan_dir / "reports" / "2025-H1"
        folder.mkdir(parents=True)
        text = RETURN.read_text(encoding="utf-8")
        (folder / "phong-y-te.yaml").write_text(
            text.replace("tasks:\n", "tasks:\n" + "  - {task: '1.2', status: null}\n" * 20000, 1), encoding="utf-8")
        plan, _ = check_plan(plan_dir)
        measure("return with 20,000 duplicate entries", lambda: f"{len(check_returns(plan, plan_dir))} diagnostic(s)")

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            z.writestr("word/document.xml", b"<w:document>" + b" " * (256 * 2**20) + b"</w:document>")
        bomb = buf.getvalue()
        measure(f"docx2text zip bomb ({len(bomb) // 1024} KB -> 256 MB)", lambda: docx_text(bomb))

        loops = _with_snippet((data_dir("templates") / "plan.docx").read_bytes(),
                              "{% for a in range(99999) %}{% for b in range(99999) %}{{ a }}{% endfor %}{% endfor %}")
        from kehoach.documents import plan as plan_document
        context = plan_document.context(plan)
        measure("user template, nested loops (2 s limit)", lambda: sandbox.render(loops, context, time_limit=2))

        deep = tmp / "deep.yaml"
        deep.write_text("a: " + "[" * 10000 + "]" * 10000 + "\n")
        measure("YAML nested 10,000 deep", lambda: read_yaml(deep)[1][0].format())
        digits = tmp / "digits.yaml"
        digits.write_text("a: " + "7" * 5000 + "\n")
        measure("YAML number with 5,000 digits", lambda: read_yaml(digits)[1][0].format()[:60])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
