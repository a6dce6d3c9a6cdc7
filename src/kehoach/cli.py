"""The ``kehoach`` command: argument parsing and printing only.

Every command is one call into the library.  Exit codes: 0 success (warnings
allowed), 1 invalid input, 2 usage error, 3 internal error (a bug: please
report it; set ``KEHOACH_DEBUG=1`` to see the traceback).

Help is Vietnamese first with the English meaning in brackets, so the office
staff and a visiting engineer both read it.  Diagnostics and progress go to
stderr; data (``--format json``, Markdown diffs, text of a .docx) to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from ._version import __version__
from .diagnostics import PlanError, escape, format_json, format_text, has_errors, make

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def check_plan(folder):
    """:func:`kehoach.load.check_plan`, imported when first used (fast start)."""
    from .load import check_plan as check
    return check(folder)

KIND_WORDS = {"plan": "kế hoạch", "letter": "công văn", "report-template": "mẫu báo cáo",
              "consolidated-report": "báo cáo tổng hợp", "calendar": "lịch", "preview": "bản xem trước",
              "dashboard": "trang theo dõi"}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse passes prefix="" when it computes a sub-command's prog: keep that.
        super().add_usage(usage, actions, groups, "cách dùng (usage): " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Vietnamese section titles and error prefix."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "đối số (arguments)"
        self._optionals.title = "tùy chọn (options)"
        self.add_argument("-h", "--help", action="help", help="in hướng dẫn này rồi thoát (show this help)")

    def error(self, message):
        from .vi_messages import argparse_message

        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: lỗi cách dùng (usage error): {argparse_message(message)}\n")


def _date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' không phải ngày dạng YYYY-MM-DD") from None


def _plan_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", nargs="?", default="plan", metavar="THƯ_MỤC",
                        help="thư mục kế hoạch, mặc định: plan (plan directory)")


def _format_arg(parser: argparse.ArgumentParser, choices=("text", "json"), default="text") -> None:
    parser.add_argument("--format", choices=choices, default=default,
                        help=f"định dạng kết quả, mặc định {default} (output format)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kehoach",
        description="kehoach — kế hoạch của cơ quan nhà nước dưới dạng dữ liệu: kiểm tra, dựng văn bản theo "
                    "Nghị định 30/2020/NĐ-CP, theo dõi báo cáo.\n"
                    "(Vietnamese government plans as code: validate, render, follow up.)",
        epilog="Mã thoát (exit codes): 0 thành công; 1 dữ liệu không hợp lệ; 2 sai cách dùng lệnh; 3 lỗi nội bộ.\n"
               "Xem README.md và docs/ để biết chi tiết.",
    )
    parser.add_argument("--version", action="version", version=f"kehoach {__version__}",
                        help="in số phiên bản rồi thoát (show version)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="chỉ in lỗi và cảnh báo (print only diagnostics)")
    commands = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser,
                                     title="các lệnh (commands)")
    commands.required = True

    validate = commands.add_parser(
        "validate", help="kiểm tra dữ liệu kế hoạch (validate plan data)",
        description="Kiểm tra thư mục kế hoạch: cú pháp YAML, lược đồ JSON Schema, tham chiếu giữa các tệp và "
                    "các báo cáo của cơ quan trong plan/reports/. Mỗi vấn đề in ra một dòng\n"
                    "'tệp:dòng:cột: MÃ lỗi|cảnh báo: thông báo'.\n(Validate YAML, schemas, cross-references, returns.)")
    _plan_arg(validate)
    _format_arg(validate, choices=("text", "json", "github", "gitlab"))

    build = commands.add_parser(
        "build", help="dựng các văn bản vào thư mục đầu ra (render every document)",
        description="Kiểm tra rồi dựng toàn bộ văn bản (kế hoạch, công văn, mẫu báo cáo, báo cáo tổng hợp, lịch, "
                    "bản xem trước) vào thư mục đầu ra, kèm manifest.json. Nếu có lỗi, thư mục đầu ra được giữ "
                    "nguyên như trước.\n(Validate, render, publish atomically with a manifest.)")
    _plan_arg(build)
    build.add_argument("-o", "--out", default="output", metavar="THƯ_MỤC_RA",
                       help="thư mục đầu ra, mặc định: output (output directory)")
    build.add_argument("--pdf", action="store_const", const=True, default=False,
                       help="xuất thêm PDF bằng LibreOffice; --pdf=a: PDF/A-2b để lưu trữ, nhúng đủ phông "
                            "(also write PDFs; --pdf=a for PDF/A-2b; needs libreoffice-writer-nogui)")
    build.add_argument("--pdf-a", dest="pdf", action="store_const", const="a", help=argparse.SUPPRESS)
    build.add_argument("--period", action="append", metavar="KỲ",
                       help="kỳ báo cáo, ví dụ 2025-H1 hoặc 2025; lặp lại được; mặc định: reporting.open "
                            "(reporting periods to render)")
    build.add_argument("--as-of", type=_date_arg, metavar="YYYY-MM-DD",
                       help="ngày tính ai quá hạn trong báo cáo tổng hợp; mặc định: ngày của SOURCE_DATE_EPOCH "
                            "nếu có, nếu không thì hôm nay (day the consolidated report counts from)")
    build.add_argument("-j", "--jobs", type=_jobs_arg, default=None, metavar="N",
                       help="số tiến trình dựng văn bản song song; mặc định: số lõi CPU; -j 1: không song song; "
                            "kết quả giống hệt nhau với mọi N (parallel render processes)")
    build.add_argument("--force", action="store_true",
                       help="dựng lại mọi văn bản, kể cả văn bản không đổi so với lần dựng trước "
                            "(rebuild every document, not only the changed ones)")
    _format_arg(build)

    report = commands.add_parser("report", help="báo cáo định kỳ của các cơ quan (periodic returns)",
                                 description="Công việc với báo cáo định kỳ (6 tháng, năm) của các cơ quan.")
    report_commands = report.add_subparsers(dest="report_command", metavar="LỆNH", parser_class=_Parser)
    report_commands.required = True
    init = report_commands.add_parser(
        "init", help="tạo sẵn và cập nhật tệp báo cáo YAML của từng cơ quan (pre-fill and update returns)",
        description="Tạo plan/reports/KỲ/<mã cơ quan>.yaml cho mỗi cơ quan phải báo cáo, đã điền sẵn các nhiệm "
                    "vụ của cơ quan, câu trả lời để trống. Tệp đã có được cập nhật theo kế hoạch: thêm nhiệm vụ "
                    "mới, đánh dấu removed: true nhiệm vụ đã bỏ; mọi câu trả lời và ghi chú được giữ nguyên. "
                    "Kỳ phải đang mở (reporting.open).")
    _plan_arg(init)
    init.add_argument("--period", required=True, metavar="KỲ", help="kỳ báo cáo, ví dụ 2025-H1 (period)")
    read = report_commands.add_parser(
        "read", help="đọc báo cáo Word đã điền và ghi vào tệp báo cáo YAML (read filled Word reports)",
        description="Đọc các mẫu báo cáo .docx mà cơ quan đã điền (bảng nhiệm vụ: Kết quả thực hiện, Tiến độ, "
                    "Ghi chú; các mục I–IV) và ghi vào plan/reports/KỲ/<mã cơ quan>.yaml. Có lỗi ở bất kỳ tệp "
                    "nào thì không ghi tệp nào.\n(Read filled report templates into returns; all or nothing.)")
    read.add_argument("files", nargs="+", metavar="TỆP.docx", help="các tệp báo cáo đã điền")
    read.add_argument("--plan", default="plan", metavar="THƯ_MỤC",
                      help="thư mục kế hoạch, mặc định: plan (plan directory)")
    read.add_argument("--period", metavar="KỲ", help="kỳ báo cáo; mặc định: kỳ ghi trong báo cáo (period)")
    read.add_argument("--submitted", type=_date_arg, metavar="YYYY-MM-DD",
                      help="ngày nhận báo cáo, ghi vào submitted; mặc định: ngày ghi trên báo cáo nếu có "
                           "(date received)")

    calendar = commands.add_parser(
        "calendar", help="xuất lịch hạn báo cáo và hạn nhiệm vụ .ics (deadline calendars)",
        description="Ghi một tệp lịch .ics cho mỗi cơ quan có nhiệm vụ và một tệp cho văn phòng tổng hợp.")
    _plan_arg(calendar)
    calendar.add_argument("-o", "--out", default="lich", metavar="THƯ_MỤC_RA",
                          help="thư mục đầu ra, mặc định: lich (output directory)")

    diff = commands.add_parser(
        "diff", help="so sánh hai phiên bản kế hoạch theo nhiệm vụ (plan-level diff)",
        description="So sánh hai phiên bản kế hoạch ở mức nhiệm vụ, cơ quan, thông tin văn bản. Mỗi bên là một "
                    "thư mục kế hoạch hoặc một phiên bản git (main, HEAD~1, thẻ).\n"
                    "(Each side is a plan directory or a git revision.)")
    diff.add_argument("old", metavar="CŨ", help="phiên bản cũ: thư mục hoặc phiên bản git (old side)")
    diff.add_argument("new", metavar="MỚI", help="phiên bản mới: thư mục hoặc phiên bản git (new side)")
    diff.add_argument("--plan-path", default="plan", metavar="ĐƯỜNG_DẪN",
                      help="thư mục kế hoạch trong kho git, mặc định: plan (plan folder inside the repository)")
    _format_arg(diff, choices=("markdown", "json"), default="markdown")

    docx2text = commands.add_parser(
        "docx2text", help="in nội dung chữ của tệp .docx, dùng cho git diff (text of a .docx)",
        description="In nội dung chữ của một tệp .docx (đoạn văn, bảng, đầu trang), dùng làm textconv cho git "
                    "diff: xem docs/git-diff-docx.md.")
    docx2text.add_argument("file", metavar="TỆP", help="tệp .docx")
    docx2text.add_argument("--styles", action="store_true", help="ghi tên kiểu đoạn văn (show paragraph styles)")

    schema = commands.add_parser(
        "schema", help="xuất lược đồ JSON Schema cho trình soạn thảo (export schemas for editors)",
        description="Ghi các lược đồ JSON Schema vào thư mục; nếu có kế hoạch hợp lệ, danh sách mã cơ quan được "
                    "đưa vào lược đồ để trình soạn thảo gợi ý (VS Code, github.dev).")
    schema.add_argument("--out", default="schemas", metavar="THƯ_MỤC_RA",
                        help="thư mục đầu ra, mặc định: schemas (output directory)")
    schema.add_argument("--plan", default="plan", metavar="THƯ_MỤC",
                        help="kế hoạch lấy danh mục cơ quan, mặc định: plan; bỏ qua nếu không có")
    schema.add_argument("--plain", action="store_true",
                        help="chỉ xuất lược đồ gốc, không kèm danh sách mã cơ quan (plain schemas)")
    schema.add_argument("--check", action="store_true",
                        help="không ghi gì, chỉ kiểm tra lược đồ đã cập nhật chưa; mã thoát 1 nếu đã cũ "
                             "(check that the exported schemas are up to date)")

    new = commands.add_parser(
        "new", help="tạo kho kế hoạch mới cho một cấp (scaffold a plan repository)",
        description="Tạo một kho kế hoạch mới, hợp lệ và dựng được ngay: dữ liệu mẫu theo cấp, lược đồ, công thức "
                    "CI, cấu hình pre-commit và hướng dẫn cho cán bộ.")
    new.add_argument("target", metavar="THƯ_MỤC", help="thư mục mới, phải trống (new, empty directory)")
    new.add_argument("--level", required=True, choices=["tinh", "huyen", "xa"],
                     help="cấp ban hành: tinh, huyen, xa (administrative level)")
    new.add_argument("--source", choices=["index", "git", "wheel"], default="index",
                     help="kho mới cài kehoach từ đâu: index — kho gói của cơ quan (mặc định), git — kho mã nguồn "
                          "theo thẻ phiên bản, wheel — tệp .whl đặt trong kho (where the repository installs "
                          "kehoach from)")
    new.add_argument("--from", dest="source_from", metavar="ĐỊA_CHỈ",
                     help="địa chỉ kho gói (index, không bắt buộc), địa chỉ kho git (git) hoặc đường dẫn tệp .whl "
                          "(wheel) (index URL, git URL or wheel path)")
    new.add_argument("--no-git", action="store_true",
                     help="không khởi tạo kho git và commit đầu tiên (do not run git init)")

    templates = commands.add_parser("templates", help="công cụ cho mẫu văn bản .docx (template tools)",
                                    description="Kiểm tra mẫu văn bản .docx (docxtpl).")
    template_commands = templates.add_subparsers(dest="templates_command", metavar="LỆNH", parser_class=_Parser)
    template_commands.required = True
    check = template_commands.add_parser(
        "check", help="báo lỗi cú pháp Jinja và biến không được cung cấp (check templates)",
        description="Kiểm tra các mẫu .docx trong thư mục: lỗi cú pháp Jinja, biến mà kehoach không cung cấp.")
    check.add_argument("folder", nargs="?", default="templates", metavar="THƯ_MỤC",
                       help="thư mục mẫu, mặc định: templates")
    check.add_argument("--plan", default="plan", metavar="THƯ_MỤC_KẾ_HOẠCH",
                       help="kế hoạch dùng làm dữ liệu mẫu khi thử dựng, mặc định: plan")
    _format_arg(check)
    return parser


# -- output helpers -------------------------------------------------------------------


class _Out:
    """Where a command prints: data to stdout, talk to stderr, nothing when quiet."""

    def __init__(self, quiet: bool):
        self.quiet = quiet

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text)

    @staticmethod
    def problems(diagnostics) -> None:
        sys.stderr.write(format_text(diagnostics))

    @staticmethod
    def fail(text: str) -> None:
        sys.stderr.write("".join(f"kehoach: {escape(line)}\n" for line in str(text).split("\n")))

    @staticmethod
    def output_problem(out_dir: str, exc: Exception) -> None:
        """A refused or failed publish, as a diagnostic on the output folder."""
        code = getattr(exc, "code", "KH095")
        if code is None:  # busy: not a problem of the folder itself
            _Out.fail(str(exc))
        else:
            sys.stderr.write(format_text([make(out_dir, 1, 1, code, str(exc))]))


class _Progress:
    """One self-overwriting line on stderr while documents are rendered; only on
    a terminal, never when quiet."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.drawn = False

    def __call__(self, n: int, document) -> None:
        if not self.enabled:
            return
        verb = "đang chuyển sang PDF" if document.path.endswith(".pdf") else "đang dựng"
        line = f"{verb} {n}: {document.path}"
        sys.stderr.write("\r" + line[:100].ljust(100))
        sys.stderr.flush()
        self.drawn = True

    def done(self) -> None:
        if self.drawn:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()


def _load(folder: str):
    """Load a plan for a command that needs a valid one; print why not."""
    from .placeholders import check_placeholders

    plan, diagnostics = check_plan(folder)
    if plan is not None:
        diagnostics = sorted(diagnostics + check_placeholders(plan.source_dir or folder))
    _Out.problems(diagnostics)
    if plan is None:
        _Out.fail(f"{folder}: kế hoạch không hợp lệ")
    return plan


# -- commands --------------------------------------------------------------------------


def _validate(args, out: _Out) -> int:
    from .placeholders import check_placeholders
    from .returns import check_returns

    plan, diagnostics = check_plan(args.plan)
    if plan is not None:
        diagnostics = sorted(diagnostics + check_returns(plan, plan.source_dir)
                             + check_placeholders(plan.source_dir or args.plan))
    if args.format == "json":
        sys.stdout.write(format_json(diagnostics))
    elif args.format in ("github", "gitlab"):
        from .annotations import format_github, format_gitlab
        sys.stdout.write((format_github if args.format == "github" else format_gitlab)(diagnostics))
    else:
        _Out.problems(diagnostics)
    errors = sum(d.is_error for d in diagnostics)
    if errors:
        if args.format == "text":
            _Out.fail(f"{args.plan}: không hợp lệ — {errors} lỗi, {len(diagnostics) - errors} cảnh báo")
        return EXIT_INVALID
    if args.format == "text":
        out.say(f"{args.plan}: hợp lệ — {len(plan.tasks)} nhiệm vụ trong {len(plan.appendices)} phụ lục, "
                f"{len(plan.registry.agencies)} cơ quan, {len(plan.registry.groups)} nhóm cơ quan, "
                f"{len(diagnostics)} cảnh báo")
    return EXIT_OK


def _jobs_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"số tiến trình phải là số nguyên từ 1 trở lên, không phải '{text}'")
    return value


def _build(args, out: _Out) -> int:
    from .build import BuildOptions, SourceDateEpochError, build
    from .render import PdfError, PublishError

    plan = _load(args.plan)
    if plan is None:
        _Out.fail(f"không dựng văn bản; thư mục {args.out} được giữ nguyên")
        return EXIT_INVALID
    options = BuildOptions(tuple(args.period) if args.period else None, args.as_of)
    try:
        options.periods(plan)
    except ValueError as exc:  # an unknown --period is a usage error
        _Out.fail(f"{exc}; thư mục {args.out} được giữ nguyên")
        return EXIT_USAGE
    progress = _Progress(not out.quiet)
    try:
        result = build(plan, args.out, pdf=args.pdf, options=options, progress=progress,
                       jobs=args.jobs, force=args.force)
    except SourceDateEpochError as exc:
        _Out.fail(f"lỗi: {exc}; thư mục {args.out} được giữ nguyên")
        return EXIT_INVALID
    except PlanError as exc:
        progress.done()
        _Out.problems(exc.diagnostics)
        _Out.fail(f"không dựng được văn bản; thư mục {args.out} được giữ nguyên")
        return EXIT_INVALID
    except PublishError as exc:
        progress.done()
        _Out.output_problem(args.out, exc)
        _Out.fail(f"thư mục {args.out} được giữ nguyên")
        return EXIT_INVALID
    except PdfError as exc:
        progress.done()
        _Out.fail(f"{exc}\nthư mục {args.out} được giữ nguyên")
        return EXIT_INVALID
    progress.done()
    if args.format == "json":
        sys.stdout.write(json.dumps(result.manifest, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    counts: dict[str, int] = {}
    for document in result.documents:
        counts[document.kind] = counts.get(document.kind, 0) + 1
        if document.kind == "plan":
            out.say(str(Path(args.out) / document.path))
    summary = ", ".join(f"{n} {KIND_WORDS.get(kind, kind)}" for kind, n in counts.items())
    out.say(f"{Path(args.out) / 'manifest.json'}: {len(result.documents)} tệp ({summary})")
    return EXIT_OK


def _report(args, out: _Out) -> int:
    if args.report_command == "read":
        return _report_read(args, out)
    from .render.publish import atomic_write_bytes
    from .returns import period_open_problems, refresh_returns

    plan = _load(args.plan)
    if plan is None:
        return EXIT_INVALID
    problems = period_open_problems(plan, args.period)
    if problems:
        _Out.problems(problems)
        _Out.fail("không tạo tệp báo cáo nào")
        return EXIT_INVALID
    files, problems = refresh_returns(plan, args.period)
    _Out.problems(problems)
    if has_errors(problems):
        _Out.fail("không ghi tệp báo cáo nào")
        return EXIT_INVALID
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    for f in files:
        counts[f.action] += 1
        shown = Path(args.plan) / f.path
        if f.action == "unchanged":
            out.say(f"{shown}: đã có, giữ nguyên")
            continue
        target = Path(plan.source_dir) / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, f.text.encode("utf-8"))
        if f.action == "new":
            out.say(f"{shown}: đã tạo")
        else:
            changes = ([f"thêm nhiệm vụ {', '.join(f.added)}"] if f.added else []) + \
                      ([f"đánh dấu removed: true nhiệm vụ {', '.join(f.removed)}"] if f.removed else [])
            out.say(f"{shown}: đã cập nhật — {'; '.join(changes)}")
    out.say(f"{counts['new']} tệp mới, {counts['updated']} tệp cập nhật, {counts['unchanged']} tệp giữ nguyên")
    return EXIT_OK


def _report_read(args, out: _Out) -> int:
    from .report_read import read_reports, write_read_returns

    plan = _load(args.plan)
    if plan is None:
        return EXIT_INVALID
    try:
        results, problems = read_reports(plan, args.files, period_id=args.period,
                                         submitted=args.submitted)
    except ValueError as exc:  # an unknown --period
        _Out.fail(str(exc))
        return EXIT_USAGE
    _Out.problems(problems)
    if has_errors(problems):
        _Out.fail(f"không ghi báo cáo nào: sửa {sum(d.is_error for d in problems)} lỗi rồi đọc lại")
        return EXIT_INVALID
    for result in write_read_returns(plan, results):
        shown = Path(args.plan) / result.path
        date = f"ngày gửi {result.submitted}" if result.submitted else "chưa có ngày gửi (dùng --submitted)"
        out.say(f"{result.source}: {result.answered}/{result.total} nhiệm vụ có tiến độ, {date} → {shown}")
    return EXIT_OK


def _calendar(args, out: _Out) -> int:
    from .build import SourceDateEpochError, publish_calendars
    from .render import PublishError

    plan = _load(args.plan)
    if plan is None:
        return EXIT_INVALID
    try:
        documents = publish_calendars(plan, args.out)
    except SourceDateEpochError as exc:
        _Out.fail(f"lỗi: {exc}")
        return EXIT_INVALID
    except PublishError as exc:
        _Out.output_problem(args.out, exc)
        return EXIT_INVALID
    out.say(f"{args.out}: {len(documents)} tệp lịch")
    return EXIT_OK


def _diff(args, out: _Out) -> int:
    from .diff import DiffError, diff_plans, load_side, to_json, to_markdown

    try:
        old = load_side(args.old, plan_path=args.plan_path)
        new = load_side(args.new, plan_path=args.plan_path)
    except DiffError as exc:
        sys.stderr.write(exc.format() if exc.format().endswith("\n") else exc.format() + "\n")
        return EXIT_INVALID
    result = diff_plans(old, new)
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(to_markdown(result, args.old, args.new))
    return EXIT_OK


def _docx2text(args, out: _Out) -> int:
    from .docx2text import MAX_FILE_BYTES, docx_text
    from .safety import UnsafeFile, read_regular

    try:
        # A regular file of bounded size only: a FIFO or /dev/zero must not hang or fill memory.
        data = read_regular(args.file, os.path.abspath(os.sep), MAX_FILE_BYTES)
        text = docx_text(data, with_styles=args.styles)
    except UnsafeFile as exc:
        _Out.fail(f"{args.file}: {exc}")
        return EXIT_INVALID
    except OSError as exc:
        from .vi_messages import os_error
        _Out.fail(f"không đọc được tệp '{args.file}': {os_error(exc)}")
        return EXIT_INVALID
    except ValueError as exc:
        _Out.fail(f"{args.file}: {exc}")
        return EXIT_INVALID
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def _schema(args, out: _Out) -> int:
    from .schema_export import run

    return run(args)


def _new(args, out: _Out) -> int:
    from .scaffold import LEVELS, Source, new_plan_repo

    try:
        source = Source(args.source, args.source_from)
        written = new_plan_repo(Path(args.target), args.level, source=source, git=not args.no_git)
    except ValueError as exc:
        _Out.fail(str(exc))
        return EXIT_USAGE
    committed = (Path(args.target) / ".git").is_dir()
    out.say(f"{args.target}: đã tạo kho kế hoạch cấp {LEVELS[args.level]} ({len(written)} tệp"
            f"{', đã khởi tạo git với commit đầu tiên' if committed else ''}); cài kehoach {source.values()['nguon']}")
    out.say(f"tiếp theo: đọc {Path(args.target) / 'HUONG-DAN.md'}, thay các chỗ ghi THAY trong plan/*.yaml, "
            f"rồi cd {args.target} && kehoach validate && kehoach build")
    return EXIT_OK


def _templates(args, out: _Out) -> int:
    from .build import sample_contexts
    from .templating.check import check_templates

    plan = _load(args.plan)
    if plan is None:
        return EXIT_INVALID
    folder = Path(args.folder)
    if not folder.is_dir():
        _Out.fail(f"không tìm thấy thư mục mẫu '{folder}'")
        return EXIT_INVALID
    from .safety import repository_root
    contexts = sample_contexts(plan)
    # like the build: templates only from the plan's own repository (KH096)
    problems = check_templates(folder, contexts, root=repository_root(Path(plan.source_dir)))
    if args.format == "json":
        sys.stdout.write(format_json(problems))
    else:
        _Out.problems(problems)
    if has_errors(problems):
        return EXIT_INVALID
    if args.format == "text":
        out.say(f"{folder}: {len(contexts)} mẫu hợp lệ")
    return EXIT_OK


COMMANDS = {
    "validate": _validate, "build": _build, "report": _report, "calendar": _calendar, "diff": _diff,
    "docx2text": _docx2text, "schema": _schema, "new": _new, "templates": _templates,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    # `--pdf=a` (PDF/A): argparse cannot give `--pdf` an optional value without
    # it swallowing a following plan folder (`build --pdf plan`), so the one
    # spelling with a value is mapped to a hidden flag.
    argv = ["--pdf-a" if a == "--pdf=a" else a for a in (sys.argv[1:] if argv is None else argv)]
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    try:
        return COMMANDS[args.command](args, _Out(args.quiet))
    except KeyboardInterrupt:
        sys.stderr.write("kehoach: đã dừng theo yêu cầu\n")
        return 130
    except Exception as exc:  # a bug, not bad input: bad input is reported as diagnostics
        if os.environ.get("KEHOACH_DEBUG"):
            raise
        sys.stderr.write(f"kehoach: lỗi nội bộ, xin báo lại cho nhóm phát triển: {type(exc).__name__}: {exc}\n"
                         "(đặt biến môi trường KEHOACH_DEBUG=1 để xem chi tiết)\n")
        return EXIT_INTERNAL
