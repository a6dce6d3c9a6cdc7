"""Vietnamese for the messages kehoach passes on from other software.

A văn thư reads only Vietnamese, yet three kinds of message come from below
kehoach in English: argparse's usage errors, the operating system's
``strerror`` (``[Errno 2] No such file or directory``) and libyaml's problem
strings inside KH010.  The functions here say them in Vietnamese; the CLI,
the loaders and the exporters call them instead of printing the English.
"""

from __future__ import annotations

import errno
import re
from typing import Optional

__all__ = ["ARGPARSE_PATTERNS", "OS_ERRORS", "YAML_PROBLEMS", "argparse_message", "os_error", "yaml_problem"]

#: errno → what the operating system means, in Vietnamese
OS_ERRORS = {
    errno.ENOENT: "không có tệp hoặc thư mục này",
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "thao tác không được phép",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn không phải là thư mục",
    errno.EEXIST: "tệp hoặc thư mục đã tồn tại",
    errno.ENOTEMPTY: "thư mục không trống",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho phép đọc",
    errno.ENAMETOOLONG: "tên tệp quá dài",
    errno.EBUSY: "tệp hoặc thư mục đang được chương trình khác sử dụng",
    errno.EMFILE: "mở quá nhiều tệp cùng lúc",
    errno.EXDEV: "không chuyển được tệp sang ổ đĩa khác",
    errno.EIO: "lỗi đọc ghi ổ đĩa",
    errno.ELOOP: "đường dẫn có vòng liên kết",
    errno.EINVAL: "tên hoặc tham số không hợp lệ",
    errno.ETXTBSY: "tệp đang được chạy",
    errno.EAGAIN: "tài nguyên tạm thời không sẵn sàng, hãy thử lại",
    errno.ENOMEM: "không đủ bộ nhớ",
    errno.EFBIG: "tệp quá lớn",
    errno.EDQUOT: "đã hết hạn mức dung lượng",
}
# Windows reports a file held open by Word as winerror 32 (errno EACCES): say what it means
_WINERROR = {32: "tệp đang được mở bởi chương trình khác (ví dụ Word); hãy đóng tệp rồi thử lại",
             5: "không có quyền truy cập"}


def os_error(exc: BaseException) -> str:
    """What went wrong with a file, in Vietnamese (no English ``strerror``)."""
    winerror = getattr(exc, "winerror", None)
    if winerror in _WINERROR:
        return _WINERROR[winerror]
    code = getattr(exc, "errno", None)
    if code in OS_ERRORS:
        return OS_ERRORS[code]
    if code is not None:
        return f"lỗi hệ điều hành (mã lỗi {code})"
    return "lỗi hệ điều hành"


#: libyaml's problem strings (scanner, parser, composer, reader) → Vietnamese
YAML_PROBLEMS = {
    "mapping values are not allowed in this context":
        "không được đặt 'khóa: giá trị' ở đây (thường do thiếu dấu nháy quanh chuỗi có dấu ':' hoặc thụt lề sai)",
    "could not find expected ':'": "thiếu dấu ':' sau khóa",
    "did not find expected key": "thụt lề không khớp hoặc thiếu khóa",
    "did not find expected '-' indicator": "thụt lề của danh sách không khớp",
    "found character that cannot start any token": "có ký tự không được đứng đầu một giá trị (ví dụ @ hoặc `)",
    "found unexpected end of stream": "tệp kết thúc khi chuỗi hoặc khối chưa đóng",
    "found unknown escape character": "ký tự thoát không hợp lệ trong chuỗi nháy kép",
    "did not find expected node content": "thiếu giá trị",
    "did not find expected ',' or ']'": "danh sách [...] thiếu dấu ',' hoặc ']'",
    "did not find expected ',' or '}'": "ánh xạ {...} thiếu dấu ',' hoặc '}'",
    "found a tab character that violates indentation": "ký tự tab làm sai thụt lề",
    "found a tab character where an indentation space is expected":
        "ký tự tab ở chỗ cần dấu cách để thụt lề (chỉ thụt lề bằng dấu cách)",
    "block sequence entries are not allowed in this context": "không được bắt đầu danh sách '-' ở đây",
    "mapping keys are not allowed in this context": "không được đặt khóa ở đây",
    "found undefined alias": "bí danh chưa được định nghĩa",
    "did not find expected alphabetic or numeric character":
        "sau ký tự * hoặc & phải là tên neo/bí danh; nếu là chữ thường, hãy đặt cả giá trị trong dấu nháy",
    "did not find expected whitespace or line break":
        "sau ký tự ! phải là tên thẻ kiểu; nếu là chữ thường, hãy đặt cả giá trị trong dấu nháy",
    "did not find expected comment or line break": "thừa ký tự sau giá trị (thiếu dấu nháy?)",
    "did not find expected <document start>": "thừa nội dung sau phần dữ liệu (thiếu dấu nháy hoặc thụt lề sai?)",
    "did not find expected hexdecimal number": "mã ký tự \\x, \\u hoặc \\U phải là số hệ mười sáu",
    "found invalid Unicode character escape code": "mã ký tự Unicode không hợp lệ",
    "found unexpected document indicator": "dòng '---' hoặc '...' nằm giữa một chuỗi",
    "found an indentation indicator equal to 0": "chỉ số thụt lề của khối chữ không được bằng 0",
    "found undefined tag handle": "thẻ kiểu chưa được khai báo",
    "found duplicate anchor": "tên neo bị trùng",
    "found unknown directive name": "chỉ thị '%' không hợp lệ",
    "found incompatible YAML document": "phiên bản YAML không được hỗ trợ",
    "found duplicate %YAML directive": "chỉ thị %YAML bị lặp",
    "found duplicate %TAG directive": "chỉ thị %TAG bị lặp",
    "did not find URI escaped octet": "mã %xx trong thẻ không hợp lệ",
    "found an incorrect leading UTF-8 octet": "tệp không phải UTF-8 hợp lệ",
    "found an incorrect trailing UTF-8 octet": "tệp không phải UTF-8 hợp lệ",
    "control characters are not allowed": "có ký tự điều khiển không được phép",
    "invalid leading UTF-8 octet": "tệp không phải UTF-8 hợp lệ",
    "invalid trailing UTF-8 octet": "tệp không phải UTF-8 hợp lệ",
    "incomplete UTF-8 octet sequence": "tệp không phải UTF-8 hợp lệ",
    "invalid length of a UTF-8 sequence": "tệp không phải UTF-8 hợp lệ",
    "invalid Unicode character": "có ký tự Unicode không hợp lệ",
}
_YAML_GENERIC = "cấu trúc không hợp lệ ở đây (kiểm tra thụt lề, dấu ':' sau khóa và dấu nháy quanh chuỗi)"


def yaml_problem(problem: Optional[str]) -> str:
    """libyaml's problem string in Vietnamese; a generic Vietnamese hint when
    the string is one kehoach does not know (never the English itself)."""
    text = (problem or "").strip()
    if text in YAML_PROBLEMS:
        return YAML_PROBLEMS[text]
    for known, said in YAML_PROBLEMS.items():       # "found duplicate anchor; first occurrence …"
        if text.startswith(known):
            return said
    return _YAML_GENERIC


#: argparse's messages (Python 3.10–3.13) → Vietnamese, tried in order
ARGPARSE_PATTERNS: list[tuple[re.Pattern, str]] = [(re.compile(p), r) for p, r in [
    (r"^the following arguments are required: (.*)$", r"thiếu đối số bắt buộc: \1"),
    (r"^unrecognized arguments: (.*)$", r"không hiểu đối số: \1"),
    (r"^argument (\S+): invalid choice: (.*?) \(choose from (.*)\)$",
     r"đối số \1: lựa chọn \2 không hợp lệ (chọn một trong: \3)"),
    (r"^argument (\S+): expected one argument$", r"đối số \1: cần đúng một giá trị"),
    (r"^argument (\S+): expected at most one argument$", r"đối số \1: chỉ được tối đa một giá trị"),
    (r"^argument (\S+): expected at least one argument$", r"đối số \1: cần ít nhất một giá trị"),
    (r"^argument (\S+): expected (\d+) arguments?$", r"đối số \1: cần \2 giá trị"),
    (r"^argument (\S+): invalid (\S+) value: (.*)$", r"đối số \1: giá trị \3 không hợp lệ"),
    (r"^argument (\S+): not allowed with argument (\S+)$", r"đối số \1: không dùng cùng \2"),
    (r"^argument (\S+): ignored explicit argument (.*)$", r"đối số \1: không nhận giá trị \2"),
    (r"^ambiguous option: (\S+) could match (.*)$", r"tùy chọn \1 chưa rõ, có thể là: \2"),
    (r"^one of the arguments (.*) is required$", r"cần một trong các đối số: \1"),
    (r"^argument (\S+): (.*)$", r"đối số \1: \2"),       # the message of an ArgumentTypeError (Vietnamese)
]]


def argparse_message(message: str) -> str:
    """An argparse error message in Vietnamese (unknown ones pass unchanged)."""
    for pattern, replacement in ARGPARSE_PATTERNS:
        if pattern.match(message):
            return pattern.sub(replacement, message, count=1)
    return message
