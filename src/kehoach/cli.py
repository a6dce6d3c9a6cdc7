"""The ``kehoach`` command: argument parsing and printing only.

Every command is one entry of :data:`COMMANDS` — its name, help, arguments
and a handler that calls the library — defined once.  Every command that
needs a plan checks it with :func:`kehoach.load.check_plan`, the library's one
validation pipeline, so ``validate``, ``build``, ``diff``, ``report`` and a
script can never disagree on whether a plan is valid.  A handler that stops
raises :class:`CommandError`, which carries its exit code and its positioned
diagnostics; :func:`main` prints them through the reporter of the chosen
format (:mod:`kehoach.reporters`).

Exit codes: 0 success (warnings allowed), 1 invalid input, 2 usage error, 3
internal error (a bug: please report it; set ``KEHOACH_DEBUG=1`` to see the
traceback).  Global flags (``-q``) are accepted before or after the command.

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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Sequence

from ._version import __version__
from .diagnostics import Diagnostic, PlanError, has_errors, make
from .reporters import Reporter, reporter

if TYPE_CHECKING:
    from .load import CheckResult
    from .model import Plan

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

KIND_WORDS = {"plan": "kế hoạch", "letter": "công văn", "report-template": "mẫu báo cáo",
              "consolidated-report": "báo cáo tổng hợp", "calendar": "lịch", "preview": "bản xem trước",
              "dashboard": "trang theo dõi"}


# -- errors ------------------------------------------------------------------------------


class CommandError(Exception):
    """A command stops: a Vietnamese ``message`` (printed as ``kehoach: …``),
    the positioned ``diagnostics`` that explain it, and the ``exit_code``.
    Raised by handlers, printed by :func:`main` (like click's ``ClickException``)."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str = "", diagnostics: Iterable[Diagnostic] = (), *,
                 exit_code: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = list(diagnostics)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(CommandError):
    """The command line asks for something that cannot be (an unknown period)."""

    exit_code = EXIT_USAGE


# -- the pipeline, for every command that needs a plan -----------------------------------


def check_plan(folder) -> "CheckResult":
    """:func:`kehoach.load.check_plan`, imported when first used (fast start)."""
    from .load import check_plan as check
    return check(folder)


def _checked(folder: str, out: Reporter, stop: str = "") -> "tuple[Plan, CheckResult]":
    """The plan of a command that needs a valid one, and the whole check
    result: its warnings printed, or :class:`CommandError` with every
    diagnostic.  ``stop`` is added to the message ("không dựng văn bản; …")."""
    result = check_plan(folder)
    if result.plan is None:
        raise CommandError(f"{folder}: kế hoạch không hợp lệ" + (f"\n{stop}" if stop else ""), result.diagnostics)
    out.report(result.diagnostics)
    return result.plan, result


# -- argparse, in Vietnamese ---------------------------------------------------------------


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


def _global_flags(parser: argparse.ArgumentParser, top: bool) -> None:
    """Flags every command accepts, before or after its name.  On a
    sub-command the default is SUPPRESS, so a flag given before the command
    is not reset by the sub-command's own (absent) copy."""
    parser.add_argument("-q", "--quiet", action="store_true", default=False if top else argparse.SUPPRESS,
                        help="chỉ in lỗi và cảnh báo (print only diagnostics)")


def _date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' không phải ngày dạng YYYY-MM-DD") from None


def _jobs_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"số tiến trình phải là số nguyên từ 1 trở lên, không phải '{text}'")
    return value


def _plan_arg(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("plan", nargs="?", default="plan", metavar="THƯ_MỤC",
                        help="thư mục kế hoạch, mặc định: plan (plan directory)")
    return parser


def _format_arg(parser: argparse.ArgumentParser, choices=("text", "json"), default="text") -> None:
    parser.add_argument("--format", choices=choices, default=default,
                        help=f"định dạng kết quả, mặc định {default} (output format)")


# -- the registry ---------------------------------------------------------------------------

Handler = Callable[[argparse.Namespace, Reporter], int]


@dataclass(frozen=True)
class Command:
    """One command of ``kehoach``: ``name`` is its words (``"report init"``);
    ``arguments`` adds its arguments to its parser; ``run`` is None for a
    group of sub-commands.  ``reports_format``: ``--format`` chooses how its
    diagnostics are printed (else they are text on stderr and ``--format``
    is about the command's data)."""

    name: str
    help: str
    description: str = ""
    arguments: Callable[[argparse.ArgumentParser], None] = lambda parser: None
    run: Optional[Handler] = None
    reports_format: bool = False


#: every command, in the order of ``kehoach --help``; a group before its sub-commands
COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, description: str = "", arguments=lambda parser: None, *,
            reports_format: bool = False) -> Callable[[Handler], Handler]:
    """Register the decorated handler as the command ``name``."""
    def register(run: Handler) -> Handler:
        COMMANDS[name] = Command(name, help, description, arguments, run, reports_format)
        return run
    return register


def group(name: str, help: str, description: str = "") -> None:
    COMMANDS[name] = Command(name, help, description)


# -- validate -------------------------------------------------------------------------------


@command("validate", "kiểm tra dữ liệu kế hoạch (validate plan data)",
         "Kiểm tra thư mục kế hoạch: cú pháp YAML, lược đồ JSON Schema, tham chiếu giữa các tệp và "
         "các báo cáo của cơ quan trong plan/reports/. Mỗi vấn đề in ra một dòng\n"
         "'tệp:dòng:cột: MÃ lỗi|cảnh báo: thông báo'.\n(Validate YAML, schemas, cross-references, returns.)",
         lambda p: _format_arg(_plan_arg(p), choices=("text", "json", "github", "gitlab")),
         reports_format=True)
def _validate(args, out: Reporter) -> int:
    result = check_plan(args.plan)
    out.report(result.diagnostics)
    plan = result.plan
    if plan is None:
        message = f"{args.plan}: không hợp lệ — {result.errors} lỗi, {result.warnings} cảnh báo"
        raise CommandError(message if args.format == "text" else "")
    out.say(f"{args.plan}: hợp lệ — {len(plan.tasks)} nhiệm vụ trong {len(plan.appendices)} phụ lục, "
            f"{len(plan.registry.agencies)} cơ quan, {len(plan.registry.groups)} nhóm cơ quan, "
            f"{result.warnings} cảnh báo")
    return EXIT_OK


# -- build ----------------------------------------------------------------------------------


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


def _output_problem(out_dir: str, exc: Exception, then: str) -> CommandError:
    """A refused or failed publish, as a diagnostic on the output folder."""
    code = getattr(exc, "code", "KH095")
    if code is None:  # busy: not a problem of the folder itself
        return CommandError(f"{exc}\n{then}" if then else str(exc))
    return CommandError(then, [make(out_dir, 1, 1, code, str(exc))])


def _build_arguments(build: argparse.ArgumentParser) -> None:
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


@command("build", "dựng các văn bản vào thư mục đầu ra (render every document)",
         "Kiểm tra rồi dựng toàn bộ văn bản (kế hoạch, công văn, mẫu báo cáo, báo cáo tổng hợp, lịch, "
         "bản xem trước) vào thư mục đầu ra, kèm manifest.json. Nếu có lỗi, thư mục đầu ra được giữ "
         "nguyên như trước.\n(Validate, render, publish atomically with a manifest.)",
         _build_arguments)
def _build(args, out: Reporter) -> int:
    from .build import BuildOptions, SourceDateEpochError, build
    from .render import PdfError, PublishError

    kept = f"thư mục {args.out} được giữ nguyên"
    plan, checked = _checked(args.plan, out, f"không dựng văn bản; {kept}")
    options = BuildOptions(tuple(args.period) if args.period else None, args.as_of)
    try:
        options.periods(plan)
    except ValueError as exc:  # an unknown --period is a usage error
        raise UsageError(f"{exc}; {kept}") from None
    progress = _Progress(not out.quiet)
    try:
        result = build(plan, args.out, pdf=args.pdf, options=options, progress=progress,
                       jobs=args.jobs, force=args.force, returns=checked.returns)
    except SourceDateEpochError as exc:
        raise CommandError(f"lỗi: {exc}; {kept}") from None
    except PlanError as exc:
        raise CommandError(f"không dựng được văn bản; {kept}", exc.diagnostics) from None
    except PublishError as exc:
        raise _output_problem(args.out, exc, kept) from None
    except PdfError as exc:
        raise CommandError(f"{exc}\n{kept}") from None
    finally:
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


# -- report init, report read -----------------------------------------------------------------


group("report", "báo cáo định kỳ của các cơ quan (periodic returns)",
      "Công việc với báo cáo định kỳ (6 tháng, năm) của các cơ quan.")


@command("report init", "tạo sẵn và cập nhật tệp báo cáo YAML của từng cơ quan (pre-fill and update returns)",
         "Tạo plan/reports/KỲ/<mã cơ quan>.yaml cho mỗi cơ quan phải báo cáo, đã điền sẵn các nhiệm "
         "vụ của cơ quan, câu trả lời để trống. Tệp đã có được cập nhật theo kế hoạch: thêm nhiệm vụ "
         "mới, đánh dấu removed: true nhiệm vụ đã bỏ; mọi câu trả lời và ghi chú được giữ nguyên. "
         "Kỳ phải đang mở (reporting.open).",
         lambda p: _plan_arg(p).add_argument("--period", required=True, metavar="KỲ",
                                             help="kỳ báo cáo, ví dụ 2025-H1 (period)"))
def _report_init(args, out: Reporter) -> int:
    """The one command that runs on a plan whose returns have errors: bringing
    stale returns up to date (a task given to another agency: KH066, KH068)
    is its job.  Afterwards the plan is checked again, and the command prints
    and exits with what ``kehoach validate`` would say then."""
    from .render.publish import atomic_write_bytes
    from .returns import period_open_problems, refresh_returns

    result = check_plan(args.plan)
    plan = result.model
    if plan is None:  # the plan files themselves are invalid
        raise CommandError(f"{args.plan}: kế hoạch không hợp lệ", result.diagnostics)
    problems = period_open_problems(plan, args.period)
    if problems:
        raise CommandError("không tạo tệp báo cáo nào", problems)
    files, problems = refresh_returns(plan, args.period)
    if has_errors(problems):
        raise CommandError("không ghi tệp báo cáo nào", problems)
    out.report(problems)
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    for f in files:
        counts[f.action] += 1
        shown = Path(args.plan) / f.path
        if f.action == "unchanged":
            out.say(f"{shown}: đã có, giữ nguyên")
            continue
        target = Path(plan.source_dir or args.plan) / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, f.text.encode("utf-8"))
        if f.action == "new":
            out.say(f"{shown}: đã tạo")
        else:
            changes = ([f"thêm nhiệm vụ {', '.join(f.added)}"] if f.added else []) + \
                      ([f"đánh dấu removed: true nhiệm vụ {', '.join(f.removed)}"] if f.removed else [])
            out.say(f"{shown}: đã cập nhật — {'; '.join(changes)}")
    out.say(f"{counts['new']} tệp mới, {counts['updated']} tệp cập nhật, {counts['unchanged']} tệp giữ nguyên")
    _checked(args.plan, out)  # the plan as it is now
    return EXIT_OK


def _report_read_arguments(read: argparse.ArgumentParser) -> None:
    read.add_argument("files", nargs="+", metavar="TỆP.docx", help="các tệp báo cáo đã điền")
    read.add_argument("--plan", default="plan", metavar="THƯ_MỤC",
                      help="thư mục kế hoạch, mặc định: plan (plan directory)")
    read.add_argument("--period", metavar="KỲ", help="kỳ báo cáo; mặc định: kỳ ghi trong báo cáo (period)")
    read.add_argument("--submitted", type=_date_arg, metavar="YYYY-MM-DD",
                      help="ngày nhận báo cáo, ghi vào submitted; mặc định: ngày ghi trên báo cáo nếu có "
                           "(date received)")


@command("report read", "đọc báo cáo Word đã điền và ghi vào tệp báo cáo YAML (read filled Word reports)",
         "Đọc các mẫu báo cáo .docx mà cơ quan đã điền (bảng nhiệm vụ: Kết quả thực hiện, Tiến độ, "
         "Ghi chú; các mục I–IV) và ghi vào plan/reports/KỲ/<mã cơ quan>.yaml. Có lỗi ở bất kỳ tệp "
         "nào thì không ghi tệp nào.\n(Read filled report templates into returns; all or nothing.)",
         _report_read_arguments)
def _report_read(args, out: Reporter) -> int:
    from .report_read import read_reports, write_read_returns

    plan, _ = _checked(args.plan, out)
    try:
        results, problems = read_reports(plan, args.files, period_id=args.period, submitted=args.submitted)
    except ValueError as exc:  # an unknown --period
        raise UsageError(str(exc)) from None
    if has_errors(problems):
        raise CommandError(f"không ghi báo cáo nào: sửa {sum(d.is_error for d in problems)} lỗi rồi đọc lại",
                           problems)
    out.report(problems)
    for result in write_read_returns(plan, results):
        shown = Path(args.plan) / result.path
        date = f"ngày gửi {result.submitted}" if result.submitted else "chưa có ngày gửi (dùng --submitted)"
        out.say(f"{result.source}: {result.answered}/{result.total} nhiệm vụ có tiến độ, {date} → {shown}")
    return EXIT_OK


# -- calendar ----------------------------------------------------------------------------------


@command("calendar", "xuất lịch hạn báo cáo và hạn nhiệm vụ .ics (deadline calendars)",
         "Ghi một tệp lịch .ics cho mỗi cơ quan có nhiệm vụ và một tệp cho văn phòng tổng hợp.",
         lambda p: _plan_arg(p).add_argument("-o", "--out", default="lich", metavar="THƯ_MỤC_RA",
                                             help="thư mục đầu ra, mặc định: lich (output directory)"))
def _calendar(args, out: Reporter) -> int:
    from .build import SourceDateEpochError, publish_calendars
    from .render import PublishError

    plan, _ = _checked(args.plan, out)
    try:
        documents = publish_calendars(plan, args.out)
    except SourceDateEpochError as exc:
        raise CommandError(f"lỗi: {exc}") from None
    except PublishError as exc:
        raise _output_problem(args.out, exc, "") from None
    out.say(f"{args.out}: {len(documents)} tệp lịch")
    return EXIT_OK


# -- diff ---------------------------------------------------------------------------------------


def _diff_arguments(diff: argparse.ArgumentParser) -> None:
    diff.add_argument("old", metavar="CŨ", help="phiên bản cũ: thư mục hoặc phiên bản git (old side)")
    diff.add_argument("new", metavar="MỚI", help="phiên bản mới: thư mục hoặc phiên bản git (new side)")
    diff.add_argument("--plan-path", default="plan", metavar="ĐƯỜNG_DẪN",
                      help="thư mục kế hoạch trong kho git, mặc định: plan (plan folder inside the repository)")
    _format_arg(diff, choices=("markdown", "json"), default="markdown")


@command("diff", "so sánh hai phiên bản kế hoạch theo nhiệm vụ (plan-level diff)",
         "So sánh hai phiên bản kế hoạch ở mức nhiệm vụ, cơ quan, thông tin văn bản. Mỗi bên là một "
         "thư mục kế hoạch hoặc một phiên bản git (main, HEAD~1, thẻ).\n"
         "(Each side is a plan directory or a git revision.)",
         _diff_arguments)
def _diff(args, out: Reporter) -> int:
    from .diff import DiffError, diff_plans, load_side, to_json, to_markdown

    try:  # each side through the library's pipeline (kehoach.load.check_plan)
        old = load_side(args.old, plan_path=args.plan_path)
        new = load_side(args.new, plan_path=args.plan_path)
    except DiffError as exc:
        raise CommandError(exc.message, exc.diagnostics) from None
    result = diff_plans(old, new)
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(to_markdown(result, args.old, args.new))
    return EXIT_OK


# -- docx2text ------------------------------------------------------------------------------------


@command("docx2text", "in nội dung chữ của tệp .docx, dùng cho git diff (text of a .docx)",
         "In nội dung chữ của một tệp .docx (đoạn văn, bảng, đầu trang), dùng làm textconv cho git "
         "diff: xem docs/git-diff-docx.md.",
         lambda p: (p.add_argument("file", metavar="TỆP", help="tệp .docx"),
                    p.add_argument("--styles", action="store_true",
                                   help="ghi tên kiểu đoạn văn (show paragraph styles)")))
def _docx2text(args, out: Reporter) -> int:
    from .docx2text import MAX_FILE_BYTES, docx_text
    from .safety import UnsafeFile, read_regular

    try:
        # A regular file of bounded size only: a FIFO or /dev/zero must not hang or fill memory.
        data = read_regular(args.file, os.path.abspath(os.sep), MAX_FILE_BYTES)
        text = docx_text(data, with_styles=args.styles)
    except UnsafeFile as exc:
        raise CommandError(f"{args.file}: {exc}") from None
    except OSError as exc:
        from .vi_messages import os_error
        raise CommandError(f"không đọc được tệp '{args.file}': {os_error(exc)}") from None
    except ValueError as exc:
        raise CommandError(f"{args.file}: {exc}") from None
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


# -- schema ---------------------------------------------------------------------------------------


def _schema_arguments(schema: argparse.ArgumentParser) -> None:
    schema.add_argument("--out", default="schemas", metavar="THƯ_MỤC_RA",
                        help="thư mục đầu ra, mặc định: schemas (output directory)")
    schema.add_argument("--plan", default="plan", metavar="THƯ_MỤC",
                        help="kế hoạch lấy danh mục cơ quan, mặc định: plan; bỏ qua nếu không có")
    schema.add_argument("--plain", action="store_true",
                        help="chỉ xuất lược đồ gốc, không kèm danh sách mã cơ quan (plain schemas)")
    schema.add_argument("--check", action="store_true",
                        help="không ghi gì, chỉ kiểm tra lược đồ đã cập nhật chưa; mã thoát 1 nếu đã cũ "
                             "(check that the exported schemas are up to date)")


def _agency_choices(folder: str, out: Reporter):
    """The agency ids for the editors' schemas: from the valid plan, else from
    its agencies.yaml alone; None without a plan folder."""
    from .schema_export import choices_from_dir, choices_from_plan

    if not Path(folder).is_dir():
        out.say(f"không có thư mục kế hoạch '{folder}': xuất lược đồ không kèm danh sách mã cơ quan")
        return None
    result = check_plan(folder)
    if result.plan is not None:
        return choices_from_plan(result.plan)
    choices, problems = choices_from_dir(folder)
    if choices is None:
        raise CommandError(f"{folder}: danh mục cơ quan (agencies.yaml) còn lỗi; chưa xuất lược đồ", problems)
    out.fail(f"{folder}: kế hoạch còn lỗi (xem 'kehoach validate'); danh sách mã lấy từ agencies.yaml")
    return choices


@command("schema", "xuất lược đồ JSON Schema cho trình soạn thảo (export schemas for editors)",
         "Ghi các lược đồ JSON Schema vào thư mục; nếu có kế hoạch hợp lệ, danh sách mã cơ quan được "
         "đưa vào lược đồ để trình soạn thảo gợi ý (VS Code, github.dev).",
         _schema_arguments)
def _schema(args, out: Reporter) -> int:
    """A plan with errors elsewhere still gives its agency list (from
    agencies.yaml alone); an agencies.yaml with errors stops with exit 1 and
    leaves the folder as it was.  ``--check`` writes nothing and exits 1 when
    a schema in the folder is missing or differs from what would be written."""
    from .schema_export import export_schemas, stale_schemas

    choices = None if args.plain else _agency_choices(args.plan, out)
    if args.check:
        stale = stale_schemas(Path(args.out), choices=choices or None)
        if stale:
            plan_option = "" if args.plan == "plan" else f" --plan {args.plan}"
            raise CommandError("\n".join(
                [f"{Path(args.out) / name}: lược đồ đã cũ hoặc bị thiếu so với danh mục cơ quan và phiên bản "
                 f"kehoach hiện tại" for name in stale]
                + [f"chạy 'kehoach schema --out {args.out}{plan_option}' để cập nhật lược đồ rồi commit các tệp đó"]))
        out.say(f"{args.out}: lược đồ đã cập nhật")
        return EXIT_OK
    try:
        written = export_schemas(Path(args.out), choices=choices or None)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        from .vi_messages import os_error
        raise CommandError(f"không ghi được lược đồ vào '{args.out}': {os_error(exc)}") from None
    extra = f", kèm {len(choices)} mã cơ quan và nhóm cho gợi ý" if choices else ""
    out.say(f"{args.out}: {len(written)} lược đồ{extra}")
    return EXIT_OK


# -- new --------------------------------------------------------------------------------------------


def _new_arguments(new: argparse.ArgumentParser) -> None:
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


@command("new", "tạo kho kế hoạch mới cho một cấp (scaffold a plan repository)",
         "Tạo một kho kế hoạch mới, hợp lệ và dựng được ngay: dữ liệu mẫu theo cấp, lược đồ, công thức "
         "CI, cấu hình pre-commit và hướng dẫn cho cán bộ.",
         _new_arguments)
def _new(args, out: Reporter) -> int:
    from .scaffold import LEVELS, Source, new_plan_repo

    try:
        source = Source(args.source, args.source_from)
        written = new_plan_repo(Path(args.target), args.level, source=source, git=not args.no_git)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    committed = (Path(args.target) / ".git").is_dir()
    out.say(f"{args.target}: đã tạo kho kế hoạch cấp {LEVELS[args.level]} ({len(written)} tệp"
            f"{', đã khởi tạo git với commit đầu tiên' if committed else ''}); cài kehoach {source.values()['nguon']}")
    out.say(f"tiếp theo: đọc {Path(args.target) / 'HUONG-DAN.md'}, thay các chỗ ghi THAY trong plan/*.yaml, "
            f"rồi cd {args.target} && kehoach validate && kehoach build")
    return EXIT_OK


# -- templates check --------------------------------------------------------------------------------


group("templates", "công cụ cho mẫu văn bản .docx (template tools)", "Kiểm tra mẫu văn bản .docx (docxtpl).")


def _templates_check_arguments(check: argparse.ArgumentParser) -> None:
    check.add_argument("folder", nargs="?", default="templates", metavar="THƯ_MỤC",
                       help="thư mục mẫu, mặc định: templates")
    check.add_argument("--plan", default="plan", metavar="THƯ_MỤC_KẾ_HOẠCH",
                       help="kế hoạch dùng làm dữ liệu mẫu khi thử dựng, mặc định: plan")
    _format_arg(check)


@command("templates check", "báo lỗi cú pháp Jinja và biến không được cung cấp (check templates)",
         "Kiểm tra các mẫu .docx trong thư mục: lỗi cú pháp Jinja, biến mà kehoach không cung cấp.",
         _templates_check_arguments, reports_format=True)
def _templates_check(args, out: Reporter) -> int:
    from .build import sample_contexts
    from .safety import repository_root
    from .templating.check import check_templates

    text = reporter("text", out.quiet)  # the plan's own problems are not this report: text on stderr
    try:
        plan, _ = _checked(args.plan, text)
    except CommandError as exc:
        text.report(exc.diagnostics)
        raise CommandError(exc.message) from None
    folder = Path(args.folder)
    if not folder.is_dir():
        raise CommandError(f"không tìm thấy thư mục mẫu '{folder}'")
    contexts = sample_contexts(plan)
    # like the build: templates only from the plan's own repository (KH096)
    problems = check_templates(folder, contexts, root=repository_root(Path(plan.source_dir or args.plan)))
    out.report(problems)
    if has_errors(problems):
        return EXIT_INVALID
    out.say(f"{folder}: {len(contexts)} mẫu hợp lệ")
    return EXIT_OK


# -- the parser, from the registry --------------------------------------------------------------


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
    _global_flags(parser, top=True)
    groups = {"": parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser,
                                        title="các lệnh (commands)")}
    groups[""].required = True
    for name, cmd in COMMANDS.items():
        parent, _, word = name.rpartition(" ")
        sub = groups[parent].add_parser(word, help=cmd.help, description=cmd.description or None)
        _global_flags(sub, top=False)
        cmd.arguments(sub)
        if cmd.run is None:  # a group: its sub-commands follow
            groups[name] = sub.add_subparsers(dest=f"{name}_command", metavar="LỆNH", parser_class=_Parser)
            groups[name].required = True
        else:
            sub.set_defaults(_command=name)
    return parser


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
    cmd = COMMANDS[args._command]
    assert cmd.run is not None  # only commands with a handler set _command
    out = reporter(args.format if cmd.reports_format else "text", args.quiet)
    try:
        return cmd.run(args, out)
    except CommandError as exc:
        if exc.diagnostics:
            out.report(exc.diagnostics)
        if exc.message:
            out.fail(exc.message)
        return exc.exit_code
    except PlanError as exc:  # a library call found invalid input the pipeline could not see
        out.report(exc.diagnostics)
        return EXIT_INVALID
    except KeyboardInterrupt:
        sys.stderr.write("kehoach: đã dừng theo yêu cầu\n")
        return 130
    except Exception as exc:  # a bug, not bad input: bad input is reported as diagnostics
        if os.environ.get("KEHOACH_DEBUG"):
            raise
        sys.stderr.write(f"kehoach: lỗi nội bộ, xin báo lại cho nhóm phát triển: {type(exc).__name__}: {exc}\n"
                         "(đặt biến môi trường KEHOACH_DEBUG=1 để xem chi tiết)\n")
        return EXIT_INTERNAL
