"""Diagnostics: what kehoach tells a user about their plan files.

Every problem found in the input becomes a :class:`Diagnostic` with a file, a
1-based line and column, a stable code (``KH###``), a severity and a Vietnamese
message.  Problems are collected, never raised one at a time, so a user sees
every mistake of a file in one run, sorted by file and position.

The code table :data:`CODES` is the single source of truth; ``docs/diagnostics.md``
documents each code in Vietnamese and English and a test keeps the two in step.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any, Iterable


class Severity(str, Enum):
    """How bad a problem is; the value is the Vietnamese word printed."""

    ERROR = "lỗi"
    WARNING = "cảnh báo"


#: code -> (severity, short Vietnamese title, short English title)
CODES: dict[str, tuple[Severity, str, str]] = {
    # Reading files
    "KH001": (Severity.ERROR, "không đọc được tệp hoặc thư mục", "file or folder cannot be read"),
    "KH002": (Severity.ERROR, "tệp không phải UTF-8", "file is not UTF-8"),
    "KH003": (Severity.ERROR, "tệp rỗng", "empty file"),
    "KH004": (Severity.ERROR, "tệp quá lớn", "file too large"),
    "KH005": (Severity.ERROR, "ký tự điều khiển", "control character"),
    "KH006": (Severity.WARNING, "văn bản chưa chuẩn hóa Unicode NFC", "text not in Unicode NFC"),
    # YAML syntax
    "KH010": (Severity.ERROR, "lỗi cú pháp YAML", "YAML syntax error"),
    "KH011": (Severity.ERROR, "khóa bị lặp", "duplicate key"),
    "KH012": (Severity.ERROR, "không dùng neo/bí danh YAML", "YAML anchor or alias"),
    "KH013": (Severity.ERROR, "thụt lề bằng ký tự tab", "tab indentation"),
    "KH014": (Severity.ERROR, "không dùng thẻ kiểu YAML", "explicit YAML tag"),
    "KH015": (Severity.ERROR, "lồng quá sâu", "nesting too deep"),
    "KH016": (Severity.ERROR, "khóa không phải chuỗi", "non-string key"),
    # Schema
    "KH020": (Severity.ERROR, "khóa không được khai báo", "unknown key"),
    "KH021": (Severity.ERROR, "sai kiểu dữ liệu", "wrong type"),
    "KH022": (Severity.ERROR, "thiếu khóa bắt buộc", "missing required key"),
    "KH023": (Severity.ERROR, "giá trị không hợp lệ", "invalid value"),
    "KH024": (Severity.ERROR, "số phần tử không hợp lệ", "wrong number of items"),
    # Cross references and meaning
    "KH030": (Severity.ERROR, "cơ quan hoặc nhóm không có trong danh mục", "unknown agency or group"),
    "KH031": (Severity.ERROR, "mã bị trùng", "duplicate id"),
    "KH032": (Severity.ERROR, "cơ quan chủ trì nằm trong danh sách phối hợp", "lead is also a coordinator"),
    "KH033": (Severity.ERROR, "thời gian ngoài giai đoạn kế hoạch", "timeline outside the plan years"),
    "KH034": (Severity.ERROR, "ngày không tồn tại", "impossible date"),
    "KH035": (Severity.WARNING, "cơ quan đã ngừng hoạt động", "agency no longer exists"),
    "KH036": (Severity.ERROR, "giai đoạn kế hoạch không hợp lệ", "invalid plan years"),
    "KH037": (Severity.ERROR, "thiếu tệp bắt buộc của kế hoạch", "required plan file missing"),
    "KH038": (Severity.WARNING, "phối hợp trùng lặp qua nhóm", "coordinator repeated through a group"),
    "KH039": (Severity.WARNING, "cơ quan có nhiệm vụ nhưng không phải báo cáo", "agency with tasks does not report"),
    "KH040": (Severity.WARNING, "đoạn kết không kết thúc bằng ./.", "closing paragraph does not end with ./."),
    # Appendices, task tables and timelines as printed
    "KH070": (Severity.WARNING, "không nhận ra thời hạn", "timeline wording not recognised (no deadline)"),
    "KH071": (Severity.ERROR, "dạng tệp phụ lục không hợp lệ", "tasks.yaml mixes or lacks its forms"),
    "KH072": (Severity.ERROR, "cột tự do thiếu khóa", "free column without a key"),
    "KH073": (Severity.ERROR, "bảng số liệu không khớp số cột", "data table rows do not match its columns"),
    "KH074": (Severity.WARNING, "nhiệm vụ không giao cho cơ quan nào", "task addresses no registry agency"),
    "KH075": (Severity.ERROR, "mã phụ lục trùng", "duplicate appendix id"),
    "KH076": (Severity.WARNING, "dấu định dạng không đóng", "inline mark never closed"),
    "KH077": (Severity.WARNING, "tiền tố TM./KT. bị ghi lặp", "signer prefix written twice"),
    "KH078": (Severity.WARNING, "trích yếu viết hoa toàn bộ", "subject typed in capitals"),
    "KH079": (Severity.ERROR, "lịch báo cáo không dùng được", "reporting schedule cannot be used"),
    "KH098": (Severity.WARNING, "hạn báo cáo trước ngày ban hành kế hoạch", "report due before the plan's date"),
    "KH130": (Severity.ERROR, "không có nhiệm vụ hoặc nhóm cần sửa", "no such task or group to edit"),
    # Templates and rendering
    "KH050": (Severity.ERROR, "không đọc được mẫu văn bản", "template cannot be read"),
    "KH051": (Severity.ERROR, "lỗi cú pháp Jinja trong mẫu", "Jinja syntax error in template"),
    "KH052": (Severity.ERROR, "mẫu dùng biến không được cung cấp", "template uses a variable the renderer does not provide"),
    "KH053": (Severity.ERROR, "thiếu mẫu văn bản", "template missing"),
    "KH054": (Severity.ERROR, "văn bản dựng ra bị hỏng", "rendered document failed its checks"),
    # Reporting calendar and agencies' returns (báo cáo định kỳ)
    "KH060": (Severity.ERROR, "ngày trong năm không hợp lệ", "invalid month-day"),
    "KH061": (Severity.ERROR, "hạn báo cáo trước ngày chốt số liệu", "report deadline before the cut-off"),
    "KH062": (Severity.ERROR, "kỳ báo cáo không hợp lệ", "invalid reporting period"),
    "KH063": (Severity.ERROR, "kỳ báo cáo không khớp thư mục", "return period does not match its folder"),
    "KH064": (Severity.ERROR, "tên tệp không khớp mã cơ quan", "file name does not match the agency"),
    "KH065": (Severity.ERROR, "cơ quan không phải gửi báo cáo", "agency does not report"),
    "KH066": (Severity.ERROR, "nhiệm vụ không phải của cơ quan", "task not assigned to the agency"),
    "KH067": (Severity.ERROR, "nhiệm vụ bị ghi lặp trong báo cáo", "task listed twice in a return"),
    "KH068": (Severity.WARNING, "báo cáo thiếu nhiệm vụ của cơ quan", "return omits a task of the agency"),
    "KH069": (Severity.WARNING, "tệp bị bỏ qua trong thư mục báo cáo", "file ignored in the reports folder"),
    # The reporting cycle: submission, report init, reading filled Word reports
    "KH110": (Severity.WARNING, "báo cáo ghi ngày gửi nhưng chưa đủ", "return dated but not complete"),
    "KH111": (Severity.ERROR, "kỳ báo cáo chưa mở", "period not open for reporting"),
    "KH112": (Severity.ERROR, "tệp Word không phải mẫu báo cáo", "Word file is not a report template"),
    "KH113": (Severity.ERROR, "tiến độ không hợp lệ", "unknown progress value"),
    "KH114": (Severity.ERROR, "dòng không phải nhiệm vụ của cơ quan", "row is not a task of the agency"),
    "KH115": (Severity.ERROR, "nội dung nằm ngoài chỗ được điền", "text outside the places to fill"),
    "KH116": (Severity.WARNING, "thiếu dòng nhiệm vụ trong bảng", "task row missing from the table"),
    "KH117": (Severity.ERROR, "báo cáo không khớp kỳ hoặc cơ quan", "report does not match the period or agency"),
    # Plan repositories made by `kehoach new`
    "KH120": (Severity.WARNING, "còn chỗ giữ chỗ THAY của kho mẫu", "placeholder THAY left from the scaffold"),
    # Untrusted input: limits, safe names, safe files, output location
    "KH090": (Severity.WARNING, "ký tự vô hình trong giá trị", "invisible character in a value"),
    "KH091": (Severity.ERROR, "số quá lớn", "number too large"),
    "KH092": (Severity.ERROR, "mã không dùng được làm tên tệp", "id cannot be a file name"),
    "KH093": (Severity.ERROR, "tệp không được phép đọc", "file may not be read"),
    "KH094": (Severity.ERROR, "thông số trình bày ngoài giới hạn", "style value out of bounds"),
    "KH095": (Severity.ERROR, "không ghi được thư mục đầu ra", "output folder cannot be written"),
    "KH096": (Severity.ERROR, "mẫu văn bản nằm ngoài kho kế hoạch", "template folder outside the plan repository"),
    "KH097": (Severity.ERROR, "dựng mẫu văn bản vượt giới hạn", "template rendering exceeded its limit"),
}


#: Characters a diagnostic never prints raw: a line feed in a quoted value would
#: forge a second, valid-looking diagnostic line; a carriage return or a
#: terminal escape could erase the real one; bidi and zero-width characters
#: would make the line read differently from what it says.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069"
    "\ufeff\ud800-\udfff\ufff9-\uffff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text: str) -> str:
    """``text`` on one line, every control, bidi or invisible character written
    as an escape (``\\n``, ``\\x1b``, ``\\u202e``) so what a user reads is literal."""
    def one(m: re.Match[str]) -> str:
        ch = m.group()
        return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
    return _UNPRINTABLE.sub(one, str(text))


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one place.  Ordering sorts by file, line, column, code."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown diagnostic code {self.code}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        """``path:line:col: KH### lỗi: message`` — the form editors and CI parse."""
        return f"{escape(self.path)}:{self.line}:{self.col}: {self.code} {self.severity.value}: {escape(self.message)}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"], data["message"] = escape(self.path), escape(self.message)
        data["severity"] = "error" if self.is_error else "warning"
        return data


def make(path: str, line: int, col: int, code: str, message: str) -> Diagnostic:
    """Build a diagnostic whose severity comes from the code table."""
    return Diagnostic(path, line, col, code, message, CODES[code][0])


def sort(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    return "".join(d.format() + "\n" for d in diagnostics)


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    items = [d.to_json() for d in diagnostics]
    summary = {
        "valid": not any(d["severity"] == "error" for d in items),
        "errors": sum(d["severity"] == "error" for d in items),
        "warnings": sum(d["severity"] == "warning" for d in items),
        "diagnostics": items,
    }
    return json.dumps(summary, ensure_ascii=False, indent=2) + "\n"


class PlanError(Exception):
    """Raised by the library when input is invalid; carries every diagnostic."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sort(diagnostics)
        errors = [d for d in self.diagnostics if d.is_error]
        first = errors[0].format() if errors else "kế hoạch không hợp lệ"
        more = f" (và {len(errors) - 1} lỗi khác)" if len(errors) > 1 else ""
        super().__init__(first + more)
