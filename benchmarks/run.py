#!/usr/bin/env python3
"""kehoach's benchmark: every speed figure of issue 12, measured in one run.

    python benchmarks/run.py [--sizes 100,1000,2000] [--agencies 150] [--repeat 5]
                             [--pdf-docs 20] [--json FILE]

Prints a Markdown table (figure, measured median, target, met?) and, with
``--json``, writes the same figures as JSON.  ``docs/performance.md`` holds
the latest run's table.  Nothing here is asserted: tests only run this script
at its smallest size to prove it works (tests/test_perf_benchmark.py).

What is measured, each as the median of ``--repeat`` runs (subprocess figures
are *cold*: a new Python process each time, as a user or a git hook sees it):

* one report template with a 20-row table, rendered in a warm process by
  kehoach's prepared renderer and by plain docxtpl (``DocxTemplate.render`` +
  ``save``: what a script using docxtpl does; it writes no reproducible zip
  and checks nothing, so the comparison favours docxtpl), and their ratio;
* the floor for that document: the Jinja render of its compiled body plus
  zipping its finished parts with ``zipfile`` (the least any renderer must do);
* ``kehoach build`` of the bundled plan, cold;
* for each size: ``kehoach build`` of a synthetic plan (``synth_plan.py``,
  ``--agencies`` agencies), cold, wall time and peak memory (max RSS of the
  process); ``kehoach validate``, cold; the same build with returns for one
  period and its consolidated report (``report init`` then ``build --period``),
  and the growth of that build when the number of tasks doubles;
* ``kehoach --version`` and ``kehoach docx2text`` start-up;
* PDF for ``--pdf-docs`` documents of the bundled plan: one LibreOffice
  process for all (what ``build --pdf`` does) against one LibreOffice start
  per document (what kehoach did before), and the ratio;
* for each size, builds from scratch (``--force``) with ``-j 1`` and ``-j 2``
  (the default is one process per core), and the rebuild after one task's
  text changes (incremental: only the documents using that task are rendered).

Builds are timed with ``--force`` unless said otherwise: ``kehoach build``
reuses unchanged documents of the previous build in the same folder.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any, Callable, Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = ROOT / "src"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(SRC))

from synth_plan import write_plan  # noqa: E402

REPORT_PERIOD = "2025-H1"


# -- measuring --------------------------------------------------------------------------


def median_s(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_cold(args: list[str], repeat: int, cwd: Optional[Path] = None) -> tuple[float, float]:
    """Median wall time (s) and peak memory (MiB, max RSS) of ``python -m kehoach ARGS``."""
    times, peaks = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kehoach", *args], env=_env(), cwd=cwd,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            # ru_maxrss is KiB on Linux, bytes on macOS
            peaks.append(usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10))
        else:  # pragma: no cover - Windows
            proc.wait()
        times.append(time.perf_counter() - start)
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
        if proc.returncode != 0:
            raise SystemExit(f"kehoach {' '.join(args)} failed ({proc.returncode}):\n{err}")
    return statistics.median(times), (max(peaks) if peaks else float("nan"))


# -- the figures ------------------------------------------------------------------------


class Table:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, key: str, figure: str, value: Optional[float], unit: str, target: str = "",
            met: Optional[bool] = None, note: str = "") -> None:
        self.rows.append({"key": key, "figure": figure, "value": value, "unit": unit, "target": target,
                          "met": met, "note": note})
        print(f"  {figure}: {_fmt(value, unit)} {note}".rstrip(), file=sys.stderr, flush=True)

    def markdown(self) -> str:
        lines = ["| figure | measured | target | met |", "|---|---|---|---|"]
        for r in self.rows:
            met = {True: "yes", False: "**no**", None: ""}[r["met"]]
            measured = _fmt(r["value"], r["unit"]) + (f" ({r['note']})" if r["note"] else "")
            lines.append(f"| {r['figure']} | {measured} | {r['target']} | {met} |")
        return "\n".join(lines)


def _fmt(value: Optional[float], unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "x":
        return f"{value:.2f}×"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    return f"{value:g} {unit}".strip()


def _report_context(work: Path):
    """A report template context whose task table has 20 rows (the closest the
    synthetic plan offers), with its template bytes."""
    import kehoach
    from kehoach.build import template_bytes
    from kehoach.documents import report
    from kehoach.periods import period

    folder = work / "plan-20-rows"
    write_plan(folder, 200, 20)
    plan = kehoach.load_plan(folder)
    per = period(plan, REPORT_PERIOD)
    best = None
    for agency in report.agencies(plan, per):
        ctx = report.context(plan, per, agency)
        if best is None or abs(len(ctx["rows"]) - 20) < abs(len(best["rows"]) - 20):
            best = ctx
    return template_bytes(plan, report.TEMPLATE), best


def one_template(table: Table, work: Path, repeat: int) -> dict[str, float]:
    import copy

    from kehoach.render.engine import PreparedTemplate, render_plain

    template, ctx = _report_context(work)
    rows = len(ctx["rows"])
    start = time.perf_counter()
    prepared = PreparedTemplate(template)
    t_prepare = time.perf_counter() - start
    fresh = lambda: copy.deepcopy(ctx)  # noqa: E731 - a build hands each render its own context
    data = prepared.render(fresh(), expect_sections=2)
    repeat = max(repeat * 4, 5)  # milliseconds each: more samples, steadier median
    t_kehoach = median_s(lambda: prepared.render(fresh(), expect_sections=2), repeat)
    t_plain = median_s(lambda: render_plain(template, fresh(), normalize=False), repeat)
    t_old = median_s(lambda: render_plain(template, fresh(), expect_sections=2), repeat)

    body = next(p for p in prepared._parts if p.kind == "body").template
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}

    def zip_all() -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for name, blob in parts.items():
                z.writestr(name, blob)
        return out.getvalue()

    t_jinja = median_s(lambda: body.render(fresh()), repeat)
    t_zip = median_s(zip_all, repeat)
    t_floor = t_jinja + t_zip
    speedup = t_plain / t_kehoach
    vs_floor = t_kehoach / t_floor
    table.add("template_kehoach", f"one report template, {rows}-row table: kehoach", t_kehoach, "s")
    table.add("template_plain", f"one report template, {rows}-row table: plain docxtpl (render + save)",
              t_plain, "s")
    table.add("template_old", "same, kehoach before the prepared renderer (docxtpl + normalise + full check)",
              t_old, "s")
    table.add("template_speedup", "kehoach vs plain docxtpl", speedup, "x", "≥ 5× faster", speedup >= 5)
    table.add("floor", "the floor: Jinja render + zipping the finished parts", t_floor, "s",
              note=f"Jinja {t_jinja * 1000:.1f} ms + zip {t_zip * 1000:.1f} ms")
    table.add("vs_floor", "kehoach vs the floor", vs_floor, "x", "within 3×", vs_floor <= 3)
    table.add("prepare", "preparing the template (once per process and template)", t_prepare, "s")
    return {"rows": rows}


def bundled(table: Table, work: Path, repeat: int) -> Path:
    out = work / "bundled-out"
    t, _ = run_cold(["build", str(ROOT / "plan"), "-o", str(out), "--force"], repeat)
    n = len(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"])
    table.add("bundled_build", f"bundled plan, `kehoach build plan -o out`, cold ({n} files)", t, "s",
              "< 0.5 s", t < 0.5)
    return out


def sizes(table: Table, work: Path, sizes_: list[int], agencies: int, repeat: int) -> None:
    growth_times: dict[int, float] = {}
    for n in sizes_:
        folder = work / f"synth-{n}" / "plan"
        write_plan(folder, n, agencies)
        out = work / f"synth-{n}" / "out"
        t, peak = run_cold(["build", str(folder), "-o", str(out), "--force"], repeat)
        docs = len(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"])
        target, met = ("", None)
        if n == 1000:
            target, met = "< 3 s", t < 3
        table.add(f"build_{n}", f"{n} tasks / {agencies} agencies, `kehoach build`, cold ({docs} files, "
                  f"{os.cpu_count()} cores)", t, "s", target, met)
        table.add(f"peak_{n}", f"{n} tasks: peak memory (max RSS, main process)", peak, "MiB",
                  "< 300 MB" if n == 1000 else "", (peak < 300) if n == 1000 else None)
        for jobs in (1, 2):
            tj, _ = run_cold(["build", str(folder), "-o", str(out), "--force", "-j", str(jobs)], repeat)
            table.add(f"jobs_{jobs}_{n}", f"{n} tasks, `kehoach build -j {jobs} --force`, cold", tj, "s",
                      "< 3 s" if n == 1000 and jobs == 2 else "", (tj < 3) if n == 1000 and jobs == 2 else None)
        t1 = rebuild_one(folder, out, repeat)
        table.add(f"rebuild_one_{n}", f"{n} tasks, rebuild after one task's text changes, cold", t1, "s",
                  "< 0.5 s" if n == 1000 else "", (t1 < 0.5) if n == 1000 else None)
        tu, _ = run_cold(["build", str(folder), "-o", str(out)], repeat)
        table.add(f"rebuild_none_{n}", f"{n} tasks, rebuild with nothing changed, cold", tu, "s")
        tv, _ = run_cold(["validate", str(folder)], repeat)
        table.add(f"validate_{n}", f"`kehoach validate`, {n} tasks, cold", tv, "s",
                  "< 0.3 s" if n == 1000 else "", (tv < 0.3) if n == 1000 else None)
        run_cold(["report", "init", "--period", REPORT_PERIOD, str(folder)], 1)
        out2 = work / f"synth-{n}" / "out-returns"
        tr, _ = run_cold(["build", str(folder), "-o", str(out2), "--period", REPORT_PERIOD,
                          "--as-of", "2025-07-20"], repeat)
        docs2 = len(json.loads((out2 / "manifest.json").read_text(encoding="utf-8"))["documents"])
        table.add(f"build_returns_{n}", f"{n} tasks with returns and consolidated report, cold ({docs2} files)",
                  tr, "s")
        growth_times[n] = tr
    for n in sizes_:
        if 2 * n in growth_times:
            g = growth_times[2 * n] / growth_times[n]
            table.add(f"growth_{n}", f"growth when tasks double ({n} → {2 * n}), with returns and consolidated",
                      g, "x", "≤ 2.1×", g <= 2.1)


def rebuild_one(folder: Path, out: Path, repeat: int) -> float:
    """Median time of ``kehoach build`` into ``out`` (holding a complete build)
    after the text of one task with coordinating agencies changed."""
    tasks = folder / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    # the first task that has coordinating agencies: its content line
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("support: [co-quan"))
    content = next(i for i in range(at, -1, -1) if lines[i].strip().startswith("content:"))
    times = []
    for i in range(repeat):
        changed = lines[:content] + [lines[content].rstrip("\n")[:-1] + f' (sửa {i + 1})"\n'] + lines[content + 1:]
        tasks.write_text("".join(changed), encoding="utf-8")
        times.append(run_cold(["build", str(folder), "-o", str(out)], 1)[0])
    tasks.write_text(text, encoding="utf-8")
    run_cold(["build", str(folder), "-o", str(out)], 1)
    return statistics.median(times)


def startup(table: Table, docx: Path, repeat: int) -> None:
    t, _ = run_cold(["--version"], repeat)
    table.add("version", "`kehoach --version`, cold", t, "s", "< 0.15 s", t < 0.15)
    t, _ = run_cold(["docx2text", str(docx)], repeat)
    table.add("docx2text", "`kehoach docx2text` (the git textconv), cold", t, "s", "< 0.15 s", t < 0.15)


def pdf(table: Table, bundled_out: Path, count: int, work: Path) -> None:
    from kehoach.render.pdf import convert_documents, convert_to_pdf, find_soffice

    if count <= 0 or find_soffice() is None:
        why = "LibreOffice not found" if count > 0 else "--pdf-docs 0"
        table.add("pdf_one", "PDF, one LibreOffice process for all documents", None, "s", note=why)
        return
    docs = sorted(bundled_out.rglob("*.docx"))[:count]
    data = [p.read_bytes() for p in docs]
    start = time.perf_counter()
    convert_documents(data)
    t_one = time.perf_counter() - start
    start = time.perf_counter()
    for i, p in enumerate(docs):
        convert_to_pdf([p], work / "pdf-each" / str(i))
    t_each = time.perf_counter() - start
    ratio = t_each / t_one
    table.add("pdf_one", f"PDF for {len(docs)} documents, one LibreOffice process", t_one, "s")
    table.add("pdf_each", f"PDF for {len(docs)} documents, one LibreOffice start per document (before)", t_each, "s")
    table.add("pdf_speedup", "PDF: one process vs one start per document", ratio, "x", "≥ 4× faster", ratio >= 4)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="kehoach benchmark (issue 12): prints every figure with its target.")
    parser.add_argument("--sizes", default="100,1000,2000", help="task counts of the synthetic plans")
    parser.add_argument("--agencies", type=int, default=150, help="agencies of the synthetic plans")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--pdf-docs", type=int, default=20, help="documents to convert to PDF (0: skip)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    try:
        size_list = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes: comma-separated integers, e.g. 100,1000,2000")

    table = Table()
    info: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="kehoach-bench-") as tmp:
        work = Path(tmp)
        info.update(one_template(table, work, args.repeat))
        out = bundled(table, work, args.repeat)
        sizes(table, work, size_list, args.agencies, args.repeat)
        startup(table, next(out.glob("*.docx")), args.repeat)
        pdf(table, out, args.pdf_docs, work)

    import kehoach
    from kehoach import __version__
    meta = {"kehoach": __version__, "python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "sizes": size_list, "agencies": args.agencies, "repeat": args.repeat,
            "date": time.strftime("%Y-%m-%d", time.gmtime()), **info}
    del kehoach
    print(f"kehoach {meta['kehoach']}, Python {meta['python']}, {meta['cpus']} CPUs, "
          f"medians of {args.repeat} runs")
    print()
    print(table.markdown())
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "figures": table.rows}, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
