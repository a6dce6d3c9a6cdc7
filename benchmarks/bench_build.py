#!/usr/bin/env python3
"""Measure document rendering and print the figures, against plain docxtpl in the same run.

    python benchmarks/bench_build.py [--tasks 1000] [--agencies 150] [--repeat 5]

For the bundled plan and for a synthetic plan of the given size it prints:
the time to render the plan .docx with kehoach's cached renderer and with plain
docxtpl (a fresh ``DocxTemplate`` per render: what a script would do), the
time of a whole ``build()`` (render + publish), the peak Python memory of a
render, and the document size.  No timing is asserted in tests; this script is
where speed is watched.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from synth_plan import write_plan  # noqa: E402


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(label: str, plan, repeat: int) -> None:
    from kehoach.build import build, template_bytes
    from kehoach.documents import plan as plan_document
    from kehoach.render.engine import TemplateRenderer

    template = template_bytes(plan, plan_document.TEMPLATE)
    context = plan_document.context(plan)
    cached = TemplateRenderer(template)
    plain = TemplateRenderer(template, cache=False)
    cached.render(context, expect_sections=2)  # compile once, as a build does after its first document
    size = len(cached.render(context, expect_sections=2))
    t_context = median_ms(lambda: plan_document.context(plan), repeat)
    t_cached = median_ms(lambda: cached.render(context, expect_sections=2), repeat)
    t_plain = median_ms(lambda: plain.render(context, expect_sections=2), repeat)
    with tempfile.TemporaryDirectory() as tmp:
        t_build = median_ms(lambda: build(plan, Path(tmp) / "out"), repeat)
    tracemalloc.start()
    cached.render(context, expect_sections=2)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label}: {len(plan.tasks)} tasks, {len(plan.registry.agencies)} agencies, .docx {size / 1024:.0f} KiB")
    print(f"  context from model:                     {t_context:8.1f} ms")
    print(f"  render plan .docx, kehoach (cached):    {t_cached:8.1f} ms")
    print(f"  render plan .docx, plain docxtpl:       {t_plain:8.1f} ms   ({t_plain / t_cached:.1f}x)")
    print(f"  build() incl. checks + atomic publish:  {t_build:8.1f} ms")
    print(f"  peak Python memory of one render:       {peak / 2**20:8.1f} MiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--agencies", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import kehoach

    measure("bundled plan (Tam Đường)", kehoach.load_plan(HERE.parent / "plan"), args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        write_plan(Path(tmp) / "plan", args.tasks, args.agencies)
        measure("synthetic plan", kehoach.load_plan(Path(tmp) / "plan"), args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
