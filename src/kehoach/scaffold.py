"""``kehoach new``: a new plan repository, valid and buildable at once.

:func:`new_plan_repo` writes, for a plan of one level (``tinh``, ``huyen``,
``xa``)::

    plan/plan.yaml, plan/agencies.yaml, plan/tasks.yaml   placeholder plan ("tỉnh Mẫu", "xã Mẫu"…)
    schemas/*.schema.json                                 exported with the agency enum (editors)
    .github/workflows/kehoach.yml, .gitlab-ci.yml         CI recipes
    ci/post_comment.py                                    the PR/MR comment poster they call
    .pre-commit-config.yaml                               the kehoach-validate hook
    .gitattributes, .gitignore, .vscode/                  docx textconv, output/ ignored, editor set-up
    README.md                                             a short Vietnamese guide for office staff

Every file comes from the package data folder ``kehoach/scaffold_files/``,
which is the ONE source of the CI recipes (``ci/`` at the top of the kehoach
repository only points there).  Its layout mirrors the new repository, with
two renames so no packaged file name starts with a dot (setuptools' globs
skip those): a path part ``dot-x`` becomes ``.x``, and ``plan/<level>/`` becomes
``plan/``.  The plan templates carry ``{{nam}}``-style placeholders for the
dates, filled from ``today`` so the new plan starts in the current year.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import secrets
import shutil
import sys
from pathlib import Path
from typing import Optional

__all__ = ["LEVELS", "configure_parser", "new_plan_repo", "repo_files", "run", "scaffold_dir",
           "template_values"]

#: level → how Vietnamese names it
LEVELS = {"tinh": "tỉnh", "huyen": "huyện", "xa": "xã"}
_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")


def scaffold_dir() -> Path:
    """The packaged template folder."""
    return Path(__file__).resolve().parent / "scaffold_files"


def template_values(today: dt.date) -> dict[str, str]:
    """Dates for the plan templates.

    The plan runs from this year to the end of the five-year period that
    contains next year (2025 → 2025-2030, 2026 → 2026-2030, 2030 → 2030-2035);
    the draft is dated this month; the open reporting period is the first half
    of this year until June, the whole year after.
    """
    year = today.year
    return {
        "nam": str(year),
        "thang": f"{today.month:02d}",
        "nam_cuoi": str((year // 5 + 1) * 5),
        "ky_mo": f"{year}-H1" if today.month <= 6 else str(year),
    }


def _fill(text: str, values: dict[str, str], name: str) -> str:
    def one(match: re.Match) -> str:
        try:
            return values[match.group(1)]
        except KeyError:
            raise KeyError(f"{name}: unknown placeholder {match.group(0)}") from None
    return _PLACEHOLDER.sub(one, text)


def _destination(relative: Path, level: str) -> Optional[Path]:
    """Where a packaged file goes in the new repository; None: not for this level."""
    parts = list(relative.parts)
    if parts[0] == "plan":
        if len(parts) != 3 or parts[1] != level:
            return None
        parts = ["plan", parts[2]]
    return Path(*(("." + p[len("dot-"):]) if p.startswith("dot-") else p for p in parts))


def repo_files(level: str, today: Optional[dt.date] = None) -> dict[str, bytes]:
    """Relative path (``/``-separated) → content of every file of a new
    repository except ``schemas/`` (which needs the loaded plan)."""
    if level not in LEVELS:
        choices = ", ".join(f"{k} ({v})" for k, v in LEVELS.items())
        raise ValueError(f"cấp kế hoạch '{level}' không hợp lệ; chọn một trong: {choices}")
    values = template_values(today or dt.date.today())
    source = scaffold_dir()
    if not (source / "plan" / level / "plan.yaml").is_file():
        raise FileNotFoundError(f"kehoach: thiếu dữ liệu mẫu '{source}' của gói cài đặt (cài lại kehoach)")
    out: dict[str, bytes] = {}
    for path in sorted(source.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        relative = path.relative_to(source)
        target = _destination(relative, level)
        if target is None:
            continue
        data = path.read_bytes()
        if relative.parts[0] == "plan":
            data = _fill(data.decode("utf-8"), values, relative.as_posix()).encode("utf-8")
        out[target.as_posix()] = data
    return out


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise ValueError(f"'{target}' là một tệp, không phải thư mục")
    if target.is_dir() and any(target.iterdir()):
        raise ValueError(f"thư mục '{target}' đã có nội dung; hãy chọn một thư mục mới hoặc một thư mục trống "
                         f"(kehoach không ghi đè tệp có sẵn)")


def new_plan_repo(target: Path, level: str, *, today: Optional[dt.date] = None) -> list[Path]:
    """Write a new plan repository for ``level`` into ``target``; return its files, sorted.

    ``target`` must not exist or be an empty folder (ValueError otherwise, with
    a Vietnamese message, as for an unknown level).  The repository is built in
    a sibling temporary folder, its plan loaded (so it is valid by
    construction) and its schemas exported with the agency list, then moved
    into place: a failure leaves nothing half-written.
    """
    from .load import load_plan
    from .schema_export import export_schemas

    target = Path(target)
    files = repo_files(level, today)          # checks the level first
    _check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.kehoach-new-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        export_schemas(staging / "schemas", load_plan(staging / "plan"))
        _check_target(target)                 # nobody filled it meanwhile
        if target.is_dir():
            for child in staging.iterdir():
                os.replace(child, target / child.name)
            staging.rmdir()
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(p for p in target.rglob("*") if p.is_file())


# -- command line: ``kehoach new`` ---------------------------------------------------


def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Arguments of ``kehoach new`` (the caller creates the sub-parser)."""
    parser.add_argument("target", metavar="THƯ_MỤC", help="thư mục của kho mới (chưa có hoặc đang trống)")
    parser.add_argument("--level", required=True, choices=list(LEVELS),
                        help="cấp ban hành: tinh (tỉnh), huyen (huyện), xa (xã)")
    return parser


def run(args: argparse.Namespace) -> int:
    """``kehoach new THƯ_MỤC --level tinh|huyen|xa``; returns the exit code."""
    target = Path(args.target)
    try:
        files = new_plan_repo(target, args.level)
    except ValueError as exc:
        sys.stderr.write(f"kehoach: {exc}\n")
        return 1
    print(f"{target}: đã tạo kho kế hoạch cấp {LEVELS[args.level]} ({len(files)} tệp)")
    for path in files:
        print(f"  {path.relative_to(target).as_posix()}")
    print("Bước tiếp theo:\n"
          f"  cd {target}\n"
          "  thay các tên \"Mẫu\" và các dòng ghi THAY trong plan/*.yaml\n"
          "  kehoach validate && kehoach build -o output\n"
          "  git init && git add . && git commit -m \"Khởi tạo kế hoạch\"\n"
          "  git config diff.docx.textconv \"kehoach docx2text\"")
    return 0
