"""The ``kehoach`` command: argument parsing and printing only.

Every command is one call into the library.  Exit codes: 0 success (warnings
allowed), 1 invalid input, 2 usage error, 3 internal error (a bug: please
report it; set ``KEHOACH_DEBUG=1`` to see the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from . import __version__
from .diagnostics import format_json, format_text, has_errors
from .load import check_plan

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kehoach",
        description="kehoach — kế hoạch của cơ quan nhà nước dưới dạng dữ liệu: kiểm tra, dựng văn bản, theo dõi.",
        epilog="Mã thoát: 0 hợp lệ; 1 dữ liệu không hợp lệ; 2 sai cách dùng lệnh.",
    )
    parser.add_argument("--version", action="version", version=f"kehoach {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="LỆNH")
    commands.required = True

    validate = commands.add_parser(
        "validate", help="kiểm tra dữ liệu kế hoạch (cú pháp, lược đồ, tham chiếu chéo)",
        description="Kiểm tra thư mục kế hoạch: cú pháp YAML, lược đồ JSON Schema và tham chiếu giữa các tệp. "
                    "Mỗi vấn đề in ra một dòng 'tệp:dòng:cột: MÃ lỗi|cảnh báo: thông báo'.",
    )
    validate.add_argument("plan", nargs="?", default="plan", metavar="THƯ_MỤC",
                          help="thư mục kế hoạch (mặc định: plan)")
    validate.add_argument("--format", choices=["text", "json"], default="text",
                          help="định dạng kết quả: text (mặc định) hoặc json cho máy đọc")
    return parser


def _validate(args: argparse.Namespace) -> int:
    plan, diagnostics = check_plan(args.plan)
    if args.format == "json":
        sys.stdout.write(format_json(diagnostics))
    else:
        sys.stderr.write(format_text(diagnostics))
    if has_errors(diagnostics):
        if args.format == "text":
            errors = sum(d.is_error for d in diagnostics)
            sys.stderr.write(f"{args.plan}: không hợp lệ — {errors} lỗi, {len(diagnostics) - errors} cảnh báo\n")
        return EXIT_INVALID
    if args.format == "text":
        warnings = len(diagnostics)
        print(f"{args.plan}: hợp lệ — {len(plan.tasks)} nhiệm vụ trong {len(plan.appendix.groups)} nhóm, "
              f"{len(plan.registry.agencies)} cơ quan, {len(plan.registry.groups)} nhóm cơ quan, "
              f"{warnings} cảnh báo")
    return EXIT_OK


COMMANDS = {"validate": _validate}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        sys.stderr.write("kehoach: đã dừng theo yêu cầu\n")
        return 130
    except Exception as exc:  # a bug, not bad input: bad input is reported as diagnostics
        if os.environ.get("KEHOACH_DEBUG"):
            raise
        sys.stderr.write(f"kehoach: lỗi nội bộ, xin báo lại cho nhóm phát triển: {type(exc).__name__}: {exc}\n"
                         "(đặt biến môi trường KEHOACH_DEBUG=1 để xem chi tiết)\n")
        return EXIT_INTERNAL
