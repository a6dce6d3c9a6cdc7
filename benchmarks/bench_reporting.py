#!/usr/bin/env python3
"""Measure the reporting cycle and print the figures.

    python benchmarks/bench_reporting.py [--plan plan] [--period 2025-H1] [--repeat 3]

On a copy of the plan it prints: the time to render every agency's report
template of the period, to fill each one (python-docx, as Word would save it)
and read them all back with ``report read`` (one batch, all or nothing), to
write the returns, to consolidate the period, and to render the dashboard, with
the dashboard's size.  No timing is asserted in tests; this script is where
speed is watched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import docx  # noqa: E402

import kehoach  # noqa: E402
from kehoach.build import BuildOptions, _dashboard, consolidation, render_report_template  # noqa: E402
from kehoach.periods import period  # noqa: E402
from kehoach.report_read import read_reports, write_read_returns  # noqa: E402
from kehoach.returns import expected_agencies  # noqa: E402

HEADER = ["STT", "Nhiệm vụ", "Vai trò", "Cơ quan chủ trì", "Thời gian thực hiện", "Kết quả thực hiện", "Tiến độ",
          "Ghi chú"]


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def fill(data: bytes, out: Path) -> None:
    document = docx.Document(io.BytesIO(data))
    table = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == HEADER)
    for row in table.rows[1:]:
        row.cells[5].text = f"Kết quả nhiệm vụ {row.cells[0].text}.\nSố liệu kèm theo."
        row.cells[6].text = "Đang thực hiện"
    document.tables[0].rows[1].cells[1].paragraphs[0].text = "Tam Đường, ngày 18 tháng 6 năm 2025"
    document.save(str(out))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", default=str(HERE.parent / "tests" / "fixtures" / "reporting" / "plan"))
    parser.add_argument("--period", default="2025-H1")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = {}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            shutil.copytree(args.plan, work / "plan")
            plan = kehoach.load_plan(work / "plan")
            per = period(plan, args.period)
            agencies = expected_agencies(plan, per.id)
            blanks, t = timed(lambda: {a: render_report_template(plan, per, a) for a in agencies})
            rows.setdefault("render templates", []).append(t)
            files = []
            for a, data in blanks.items():
                files.append(work / f"{a}.docx")
                fill(data, files[-1])
            (reports, problems), t = timed(lambda: read_reports(plan, files))
            assert not [d for d in problems if d.is_error], problems[:3]
            rows.setdefault(f"report read ({len(files)} files)", []).append(t)
            _, t = timed(lambda: write_read_returns(plan, reports))
            rows.setdefault("write returns", []).append(t)
            plan = kehoach.load_plan(work / "plan")
            c, t = timed(lambda: consolidation(plan, per, dt.date(2025, 6, 25)))
            rows.setdefault("load + consolidate", []).append(t)
            (page,), t = timed(lambda: _dashboard(plan, BuildOptions(period_ids=(per.id,), as_of=dt.date(2025, 6, 25))))
            rows.setdefault("dashboard", []).append(t)
            size = len(page.data)
    print(f"{len(agencies)} agencies, {len(plan.tasks)} tasks, period {args.period}, median of {args.repeat}:")
    for label, times in rows.items():
        print(f"  {label:<28} {statistics.median(times) * 1000:8.0f} ms")
    print(f"  dashboard size               {size / 1024:8.0f} KiB, {len(c.reported)}/{len(c.agencies)} reported")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
