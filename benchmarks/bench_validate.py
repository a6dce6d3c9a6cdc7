#!/usr/bin/env python3
"""Measure `kehoach validate` on a synthetic plan and print the figures.

    python benchmarks/bench_validate.py [--tasks 1000] [--agencies 150] [--repeat 7]

Prints wall time (cold first run in a fresh process, then the median of warm
runs in-process), peak Python memory (tracemalloc), and, in the same run, the
naive baseline a hand-rolled script would use: ``yaml.safe_load`` +
``jsonschema.validate`` (no positions, no cross-references, no safety checks).
The target for issue #2 is < 0.5 s for 1,000 tasks and 150 agencies; the
script exits 1 when the target is missed, so it can guard CI if wanted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from synth_plan import write_plan  # noqa: E402

TARGET_SECONDS = 0.5


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--agencies", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import jsonschema
    import yaml

    from kehoach.load import check_plan
    from kehoach.resources import schema_dir

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "plan"
        write_plan(folder, args.tasks, args.agencies)
        size = sum(f.stat().st_size for f in folder.iterdir())

        # Cold: a fresh interpreter running the real CLI (imports included).
        start = time.perf_counter()
        cold = subprocess.run([sys.executable, "-m", "kehoach", "validate", str(folder)],
                              capture_output=True, text=True, env={"PYTHONPATH": str(HERE.parent / "src")})
        cold_s = time.perf_counter() - start
        assert cold.returncode == 0, cold.stderr

        plan, diagnostics = check_plan(folder)  # warm caches (validators)
        assert plan is not None and len(plan.tasks) == args.tasks
        warm = timed(lambda: check_plan(folder), args.repeat)

        tracemalloc.start()
        check_plan(folder)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in schema_dir().glob("*.json")}
        from referencing import Registry
        from referencing.jsonschema import DRAFT7
        registry = Registry().with_resources((s["$id"], DRAFT7.create_resource(s)) for s in schemas.values())

        def naive() -> None:
            for kind in ("plan", "agencies", "tasks"):
                data = yaml.safe_load((folder / f"{kind}.yaml").read_text(encoding="utf-8"))
                jsonschema.validate(data, schemas[f"{kind}.schema.json"], registry=registry)

        baseline = timed(naive, args.repeat)

    median = statistics.median(warm)
    print(f"plan: {args.tasks} tasks, {args.agencies} agencies, {size / 1024:.0f} KiB of YAML")
    print(f"kehoach validate, cold CLI process (incl. imports): {cold_s * 1000:7.1f} ms")
    print(f"check_plan, warm, median of {args.repeat}:            {median * 1000:7.1f} ms "
          f"(min {min(warm) * 1000:.1f}, max {max(warm) * 1000:.1f})")
    print(f"check_plan peak Python memory (tracemalloc):     {peak / 2**20:7.1f} MiB")
    print(f"baseline yaml.safe_load + jsonschema.validate:   {statistics.median(baseline) * 1000:7.1f} ms "
          "(no positions, no cross-references, no safety checks)")
    ok = median < TARGET_SECONDS and cold_s < TARGET_SECONDS * 2
    print(f"target: warm < {TARGET_SECONDS * 1000:.0f} ms -> {'PASS' if median < TARGET_SECONDS else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
