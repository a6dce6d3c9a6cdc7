"""The ``kehoach`` command: argument parsing and printing only.

Every command is one call into the library.  Exit codes: 0 success (warnings
allowed), 1 invalid input, 2 usage error, 3 internal error (a bug: please
report it; set ``KEHOACH_DEBUG=1`` to see the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from ._version import __version__
from .diagnostics import PlanError, format_json, format_text, has_errors
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
    build = commands.add_parser(
        "build", help="dựng các văn bản (.docx, tùy chọn PDF) vào thư mục đầu ra",
        description="Kiểm tra rồi dựng toàn bộ văn bản của kế hoạch vào thư mục đầu ra, kèm manifest.json. "
                    "Nếu có lỗi, thư mục đầu ra được giữ nguyên như trước.",
    )
    build.add_argument("plan", nargs="?", default="plan", metavar="THƯ_MỤC",
                       help="thư mục kế hoạch (mặc định: plan)")
    build.add_argument("-o", "--out", default="output", metavar="THƯ_MỤC_RA",
                       help="thư mục đầu ra (mặc định: output)")
    build.add_argument("--pdf", action="store_true",
                       help="xuất thêm PDF bằng LibreOffice (cần cài libreoffice-writer-nogui)")
    build.add_argument("--period", action="append", metavar="KỲ",
                       help="kỳ báo cáo cần dựng mẫu báo cáo và báo cáo tổng hợp, ví dụ 2025-H1 hoặc 2025 "
                            "(lặp lại được; mặc định: các kỳ đang mở trong reporting.open)")
    build.add_argument("--as-of", type=_date_arg, metavar="YYYY-MM-DD",
                       help="ngày tính tình hình báo cáo (ai quá hạn) trong báo cáo tổng hợp; "
                            "mặc định: ngày của SOURCE_DATE_EPOCH nếu có, nếu không thì hôm nay")

    report = commands.add_parser("report", help="báo cáo định kỳ của các cơ quan",
                                 description="Công việc với báo cáo định kỳ (6 tháng, năm) của các cơ quan.")
    report_commands = report.add_subparsers(dest="report_command", metavar="LỆNH")
    report_commands.required = True
    init = report_commands.add_parser(
        "init", help="tạo sẵn tệp báo cáo (YAML) cho từng cơ quan của một kỳ",
        description="Tạo plan/reports/KỲ/<mã cơ quan>.yaml cho mỗi cơ quan phải báo cáo, đã điền sẵn "
                    "các nhiệm vụ của cơ quan, câu trả lời để trống. Không ghi đè tệp đã có.")
    init.add_argument("plan", nargs="?", default="plan", metavar="THƯ_MỤC", help="thư mục kế hoạch (mặc định: plan)")
    init.add_argument("--period", required=True, metavar="KỲ", help="kỳ báo cáo, ví dụ 2025-H1 hoặc 2025")

    calendar = commands.add_parser(
        "calendar", help="xuất lịch hạn báo cáo và hạn nhiệm vụ (.ics)",
        description="Ghi một tệp lịch .ics cho mỗi cơ quan có nhiệm vụ và một tệp cho văn phòng tổng hợp.")
    calendar.add_argument("plan", nargs="?", default="plan", metavar="THƯ_MỤC", help="thư mục kế hoạch (mặc định: plan)")
    calendar.add_argument("-o", "--out", default="lich", metavar="THƯ_MỤC_RA", help="thư mục đầu ra (mặc định: lich)")

    templates = commands.add_parser("templates", help="công cụ cho mẫu văn bản .docx",
                                    description="Kiểm tra mẫu văn bản .docx (docxtpl).")
    template_commands = templates.add_subparsers(dest="templates_command", metavar="LỆNH")
    template_commands.required = True
    check = template_commands.add_parser(
        "check", help="báo lỗi cú pháp Jinja và biến không được cung cấp trong các mẫu",
        description="Kiểm tra các mẫu .docx trong thư mục: lỗi cú pháp Jinja, biến mà kehoach không cung cấp.")
    check.add_argument("folder", nargs="?", default="templates", metavar="THƯ_MỤC",
                       help="thư mục mẫu (mặc định: templates)")
    check.add_argument("--plan", default="plan", metavar="THƯ_MỤC_KẾ_HOẠCH",
                       help="kế hoạch dùng làm dữ liệu mẫu khi thử dựng (mặc định: plan)")
    check.add_argument("--format", choices=["text", "json"], default="text",
                       help="định dạng kết quả")
    return parser


def _date_arg(text: str):
    import datetime as dt
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' không phải ngày dạng YYYY-MM-DD") from None


def _load_or_report(folder: str):
    """Load a plan for a command that needs a valid one; print why not."""
    plan, diagnostics = check_plan(folder)
    sys.stderr.write(format_text(diagnostics))
    if plan is None:
        sys.stderr.write(f"{folder}: kế hoạch không hợp lệ\n")
    return plan


def _report(diagnostics, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(format_json(diagnostics))
    else:
        sys.stderr.write(format_text(diagnostics))


def _build(args: argparse.Namespace) -> int:
    from .build import build
    from .render import PdfError, PublishError

    plan, diagnostics = check_plan(args.plan)
    sys.stderr.write(format_text(diagnostics))
    if plan is None:
        sys.stderr.write(f"{args.plan}: không hợp lệ, không dựng văn bản; thư mục {args.out} được giữ nguyên\n")
        return EXIT_INVALID
    from .build import BuildOptions
    options = BuildOptions(tuple(args.period) if args.period else None, args.as_of)
    try:
        options.periods(plan)
    except ValueError as exc:  # an unknown --period is a usage error
        sys.stderr.write(f"kehoach: {exc}\nthư mục {args.out} được giữ nguyên\n")
        return EXIT_USAGE
    try:
        result = build(plan, args.out, pdf=args.pdf, options=options)
    except PlanError as exc:
        sys.stderr.write(format_text(exc.diagnostics))
        sys.stderr.write(f"không dựng được văn bản; thư mục {args.out} được giữ nguyên\n")
        return EXIT_INVALID
    except (PdfError, PublishError, ValueError) as exc:
        sys.stderr.write(f"kehoach: {exc}\nthư mục {args.out} được giữ nguyên\n")
        return EXIT_INVALID
    kinds = {"plan": "kế hoạch", "letter": "công văn", "report-template": "mẫu báo cáo",
             "consolidated-report": "báo cáo tổng hợp", "calendar": "lịch"}
    counts: dict[str, int] = {}
    for document in result.documents:
        counts[document.kind] = counts.get(document.kind, 0) + 1
        if document.kind == "plan":
            print(f"{Path(args.out) / document.path}")
    summary = ", ".join(f"{n} {kinds.get(kind, kind)}" for kind, n in counts.items())
    print(f"{Path(args.out) / 'manifest.json'}: {len(result.documents)} tệp ({summary})")
    return EXIT_OK


def _report_command(args: argparse.Namespace) -> int:
    from .returns import init_returns, write_returns

    plan = _load_or_report(args.plan)
    if plan is None:
        return EXIT_INVALID
    try:
        files = init_returns(plan, args.period)
    except ValueError as exc:
        sys.stderr.write(f"kehoach: {exc}\n")
        return EXIT_USAGE
    written, skipped = write_returns(plan.source_dir, files)
    for name in written:
        print(f"{Path(args.plan) / name}: đã tạo")
    for name in skipped:
        print(f"{Path(args.plan) / name}: đã có, giữ nguyên")
    print(f"{len(written)} tệp mới, {len(skipped)} tệp giữ nguyên")
    return EXIT_OK


def _calendar(args: argparse.Namespace) -> int:
    from .build import publish_calendars
    from .render import PublishError

    plan = _load_or_report(args.plan)
    if plan is None:
        return EXIT_INVALID
    try:
        documents = publish_calendars(plan, args.out)
    except PublishError as exc:
        sys.stderr.write(f"kehoach: {exc}\n")
        return EXIT_INVALID
    print(f"{args.out}: {len(documents)} tệp lịch")
    return EXIT_OK


def _templates(args: argparse.Namespace) -> int:
    from .templating.check import check_templates
    from .build import sample_contexts

    plan, diagnostics = check_plan(args.plan)
    if plan is None:
        sys.stderr.write(format_text(diagnostics))
        sys.stderr.write(f"{args.plan}: kế hoạch dùng làm dữ liệu mẫu không hợp lệ\n")
        return EXIT_INVALID
    folder = Path(args.folder)
    if not folder.is_dir():
        sys.stderr.write(f"kehoach: không tìm thấy thư mục mẫu '{folder}'\n")
        return EXIT_INVALID
    contexts = sample_contexts(plan)
    problems = check_templates(folder, contexts)
    _report(problems, args.format)
    if has_errors(problems):
        return EXIT_INVALID
    if args.format == "text":
        print(f"{folder}: {len(contexts)} mẫu hợp lệ")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from .returns import check_returns

    plan, diagnostics = check_plan(args.plan)
    if plan is not None:
        diagnostics = sorted(diagnostics + check_returns(plan, plan.source_dir))
    _report(diagnostics, args.format)
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


COMMANDS = {"validate": _validate, "build": _build, "templates": _templates, "report": _report_command,
            "calendar": _calendar}


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
