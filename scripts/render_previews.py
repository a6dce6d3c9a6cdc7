#!/usr/bin/env python3
"""Render preview images of the bundled plan for the documentation.

Builds ``plan/`` to PDF with LibreOffice in a temporary folder (the same path
as ``kehoach build --pdf``) and writes two PNGs at 70 dpi:

* ``docs/images/plan-page-1.png``: page 1 (header block, title, căn cứ, body);
* ``docs/images/plan-appendix-page.png``: the first page of the Phụ lục
  (the first landscape page).

Needs LibreOffice (``soffice``) and poppler-utils (``pdfinfo``, ``pdftoppm``).
Usage: ``python scripts/render_previews.py [--out docs/images]``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DPI = 70
MAX_BYTES = 200_000


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)],
                          capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b)) for a, b in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


def render_page(pdf: Path, page: int, target: Path) -> None:
    """Page ``page`` (1-based) of ``pdf`` as a PNG at ``target``."""
    with tempfile.TemporaryDirectory(prefix="kehoach-png-") as tmp:
        stem = Path(tmp) / "page"
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-f", str(page), "-l", str(page),
                        "-singlefile", str(pdf), str(stem)], check=True)
        png = stem.with_suffix(".png")
        if not png.is_file():
            raise SystemExit(f"pdftoppm wrote no image for page {page}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, target)
    size = target.stat().st_size
    if size >= MAX_BYTES:
        raise SystemExit(f"{target} is {size} bytes, over the {MAX_BYTES}-byte limit")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images",
                        help="folder for the PNG files (default: docs/images)")
    parser.add_argument("--plan", type=Path, default=ROOT / "plan", help="plan folder (default: plan/)")
    args = parser.parse_args(argv)

    for tool in ("pdfinfo", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: install poppler-utils", file=sys.stderr)
            return 1

    import kehoach
    from kehoach.build import build

    plan = kehoach.load_plan(args.plan)
    with tempfile.TemporaryDirectory(prefix="kehoach-previews-") as tmp:
        out = Path(tmp) / "out"
        result = build(plan, out, pdf=True)
        pdfs = [out / d.path for d in result.documents if d.path.endswith(".pdf") and d.kind == "plan"]
        if len(pdfs) != 1 or not pdfs[0].is_file():
            print(f"expected one plan PDF, got {pdfs}", file=sys.stderr)
            return 1
        pdf = pdfs[0]
        sizes = page_sizes(pdf)
        landscape = [i + 1 for i, (w, h) in enumerate(sizes) if w > h]
        if not sizes or not landscape:
            print(f"no landscape (Phụ lục) page in the PDF: page sizes {sizes}", file=sys.stderr)
            return 1
        targets = {
            args.out / "plan-page-1.png": 1,
            args.out / "plan-appendix-page.png": landscape[0],
        }
        for target, page in targets.items():
            render_page(pdf, page, target)
            print(f"{target} (page {page}, {target.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
