r"""Read one YAML file safely, keeping the position of every key and value.

Why not ``yaml.safe_load``: it is YAML 1.1 (``no`` becomes False, ``0123``
becomes 83, an unquoted date becomes ``datetime.date`` or a bare
``ValueError`` with no position), keeps the last of two duplicate keys, expands
aliases (a few hundred bytes can become billions of nodes), and forgets where
each value came from.  Here we walk libyaml's *event* stream ourselves: the C
parser does the tokenising (fast, no recursion limit), and this module decides
what each scalar means and records ``(line, column)`` for every path.

Scalar rules (a strict subset of YAML 1.2's core schema): a plain ``null``,
``~`` or empty value is ``None``; plain ``true``/``false`` are booleans; a plain
decimal integer without leading zeros is an ``int``; everything else, quoted or
not, is a string.  Every string is normalised to NFC.  A plain decimal
number such as ``13.5`` is a :class:`PlainNumber`: a ``str`` (so ``id: 1.1``
stays the string ``"1.1"``) that the schema also accepts where a number is
expected (``body_size: 13.5``); :func:`as_number` turns it into a ``float``.

Untrusted input: only a regular file inside the plan directory is read (see
:func:`kehoach.safety.read_regular`); integers longer than :data:`MAX_DIGITS`
digits, and characters no document can hold (control characters, bidi
controls, non-characters) are refused with their position even when they were
written as escapes (``"\x01"``, ``"\e"``, ``"\uFFFE"``), because the schema
cannot see them and the build could not render them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..vi_messages import os_error, yaml_problem
from ..diagnostics import Diagnostic, make
from ..safety import UnsafeFile, read_regular

#: Largest source file accepted.  A 1,000-task appendix is about 0.5 MB.
MAX_BYTES = 5 * 1024 * 1024
#: Deepest nesting accepted; real plan files stay under 10.
MAX_DEPTH = 40
#: Stop listing the same kind of character problem after this many per file.
MAX_REPEATS = 20
#: Longest integer accepted (digits); Python refuses to parse 4,300 and more,
#: and no plan number (year, count, figure) needs more than this.
MAX_DIGITS = 15

Path_ = tuple  # a path into the document: keys (str) and indices (int)

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
#: Characters refused inside a value however they were written: C0/C1 controls
#: except tab and line feed, the line/paragraph separators, BOM, bidi embedding,
#: override and isolate controls (they reorder what a reviewer sees: "Trojan
#: source"), surrogates and non-characters (not allowed in XML).
_BAD_IN_VALUE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069"
    "\ufeff\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
    "|[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]")
#: Raw bidi controls in the file (the escaped ones are caught per value).
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Invisible characters that are legal but almost always pasted by accident.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200d\u2060-\u2064]")
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9]*)\.[0-9]+\Z")
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}

# libyaml's messages are said in Vietnamese by kehoach.vi_messages.yaml_problem.


@dataclass
class YamlDoc:
    """A parsed file: its data plus the position of each value and key."""

    path: str
    data: Any = None
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Best position for ``path``: the key when asked and known, else the
        value, else the nearest ancestor that has one (never fails)."""
        path = tuple(path)
        while True:
            if key and path in self.key_positions:
                return self.key_positions[path]
            if path in self.positions:
                return self.positions[path]
            if not path:
                return (1, 1)
            path = path[:-1]


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def read_yaml(file: Path, display: str | None = None, root: Path | None = None) -> tuple[YamlDoc, list[Diagnostic]]:
    """Read ``file``; return the document and every problem found.

    ``display`` is the path printed in diagnostics (relative, so output is
    stable across machines).  ``root`` is the folder the file must resolve
    into (default: the folder it is listed in), so a symlink to a file
    elsewhere is refused, unread.  When an error is returned, ``doc.data`` is None.
    """
    shown = display or str(file)
    doc = YamlDoc(shown)
    file = Path(file)
    try:
        raw = read_regular(file, root if root is not None else file.parent, MAX_BYTES)
    except UnsafeFile as exc:
        return doc, [make(shown, 1, 1, "KH004" if exc.too_large else "KH093", str(exc))]
    except OSError as exc:
        return doc, [make(shown, 1, 1, "KH001", f"không đọc được tệp: {os_error(exc)}")]
    return doc, _parse_bytes(raw, doc)


def _parse_bytes(raw: bytes, doc: YamlDoc) -> list[Diagnostic]:
    shown = doc.path
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [make(shown, 1, 1, "KH002", "tệp được lưu ở bảng mã UTF-16; hãy lưu lại với bảng mã UTF-8")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")) + 1
        return [make(shown, line, col, "KH002",
                     f"byte 0x{raw[exc.start]:02X} không hợp lệ trong UTF-8; hãy lưu tệp với bảng mã UTF-8")]
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return [make(shown, 1, 1, "KH003", "tệp rỗng, không có dữ liệu")]

    problems = _scan_characters(text, shown)
    if problems:
        return problems
    return _build(text, doc)


def _scan_characters(text: str, shown: str) -> list[Diagnostic]:
    """Control characters and tab indentation, found before parsing so the
    message names the real problem rather than libyaml's guess."""
    out: list[Diagnostic] = []
    for m in _CONTROL.finditer(text):
        if len(out) >= MAX_REPEATS:
            break
        line, col = _line_col(text, m.start())
        out.append(make(shown, line, col, "KH005",
                        f"ký tự điều khiển U+{ord(m.group()):04X} không được phép; hãy xóa ký tự này"))
    for m in _BIDI.finditer(text):
        if len(out) >= 2 * MAX_REPEATS:
            break
        line, col = _line_col(text, m.start())
        out.append(make(shown, line, col, "KH005",
                        f"ký tự điều khiển hướng chữ U+{ord(m.group()):04X} không được phép (làm đảo thứ tự "
                        "chữ hiển thị); hãy xóa ký tự này"))
    tabs = 0
    for lineno, row in enumerate(text.split("\n"), 1):
        indent = len(row) - len(row.lstrip(" \t"))
        if "\t" in row[:indent] and row.strip() and tabs < MAX_REPEATS:
            tabs += 1
            out.append(make(shown, lineno, row.index("\t") + 1, "KH013",
                            "thụt lề bằng ký tự tab; YAML chỉ cho phép thụt lề bằng dấu cách"))
    return out


class _Frame:
    __slots__ = ("container", "path", "key", "key_mark", "seen")

    def __init__(self, container: Any, path: Path_) -> None:
        self.container = container
        self.path = path
        self.key: Any = None          # pending key of a mapping, None when a key is expected
        self.key_mark: Any = None     # its (line, column)
        self.seen: dict[str, int] = {}


def _build(text: str, doc: YamlDoc) -> list[Diagnostic]:
    shown = doc.path
    out: list[Diagnostic] = []
    stack: list[_Frame] = []
    root: list[Any] = []
    documents = 0
    positions = doc.positions
    key_positions = doc.key_positions

    def attach(value, mark) -> None:
        if not stack:
            root.append(value)
            positions[()] = mark
            return
        frame = stack[-1]
        if isinstance(frame.container, list):
            path = frame.path + (len(frame.container),)
            frame.container.append(value)
            positions.setdefault(path, mark)
        else:
            path = frame.path + (frame.key,)
            frame.container[frame.key] = value
            positions.setdefault(path, mark)
            key_positions[path] = frame.key_mark
            frame.key = None

    def child_path() -> Path_:
        if not stack:
            return ()
        frame = stack[-1]
        if isinstance(frame.container, list):
            return frame.path + (len(frame.container),)
        return frame.path + (frame.key,)

    def expecting_key() -> bool:
        return bool(stack) and isinstance(stack[-1].container, dict) and stack[-1].key is None

    def string(value: str, mark) -> str:
        bad = _BAD_IN_VALUE.search(value)
        if bad:
            out.append(make(shown, mark[0], mark[1], "KH005",
                            f"giá trị chứa ký tự U+{ord(bad.group()):04X} không in được (ký tự điều khiển, "
                            "điều khiển hướng chữ hoặc không phải ký tự); văn bản không chứa được ký tự này, "
                            "hãy xóa nó"))
            return value
        invisible = _INVISIBLE.search(value)
        if invisible:
            out.append(make(shown, mark[0], mark[1], "KH090",
                            f"giá trị chứa ký tự vô hình U+{ord(invisible.group()):04X} (thường do dán từ nơi khác); "
                            "nên xóa ký tự này"))
        if not unicodedata.is_normalized("NFC", value):
            out.append(make(shown, mark[0], mark[1], "KH006",
                            "chuỗi chưa ở dạng Unicode dựng sẵn (NFC), đã được chuẩn hóa; nên lưu lại tệp ở dạng NFC"))
            return unicodedata.normalize("NFC", value)
        return value

    # events are dispatched on type(ev), which the type checker cannot follow: each is Any
    ev: Any
    last: Any = None
    try:
        for ev in yaml.parse(text, Loader=yaml.CSafeLoader):
            last = ev
            mark = (ev.start_mark.line + 1, ev.start_mark.column + 1)
            kind = type(ev)
            if kind is yaml.ScalarEvent:
                if ev.anchor is not None:
                    out.append(make(shown, *mark, "KH012", f"không dùng neo YAML '&{ev.anchor}'; hãy viết đầy đủ giá trị"))
                if ev.tag not in (None, "!"):
                    out.append(make(shown, *mark, "KH014", f"không dùng thẻ kiểu '{ev.tag}'; hãy viết giá trị bình thường"))
                if expecting_key():
                    key = string(ev.value, mark)
                    frame = stack[-1]
                    if key in frame.seen:
                        out.append(make(shown, *mark, "KH011",
                                        f"khóa '{key}' bị lặp (đã khai báo ở dòng {frame.seen[key]})"))
                        key = f"\x00dup{len(frame.seen)}:{key}"  # keep parsing; never reaches the schema
                    else:
                        frame.seen[key] = mark[0]
                    frame.key, frame.key_mark = key, mark
                    continue
                if ev.implicit[0]:
                    value = _plain(ev.value)
                    if isinstance(value, _TooLong):
                        out.append(make(shown, *mark, "KH091",
                                        f"số có {value.digits:,} chữ số, quá lớn (tối đa {MAX_DIGITS} chữ số); "
                                        "nếu là chữ, hãy đặt trong dấu nháy"))
                        value = None
                    if isinstance(value, str) and not isinstance(value, PlainNumber):
                        value = string(value, mark)
                else:
                    value = string(ev.value, mark)
                attach(value, mark)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if expecting_key():
                    out.append(make(shown, *mark, "KH016", "khóa phải là một chuỗi, không phải danh sách hay ánh xạ"))
                    raise _Abort
                if ev.anchor is not None:
                    out.append(make(shown, *mark, "KH012", f"không dùng neo YAML '&{ev.anchor}'; hãy viết đầy đủ giá trị"))
                if ev.tag is not None and not ev.implicit:
                    out.append(make(shown, *mark, "KH014", f"không dùng thẻ kiểu '{ev.tag}'"))
                if len(stack) >= MAX_DEPTH:
                    out.append(make(shown, *mark, "KH015", f"dữ liệu lồng quá {MAX_DEPTH} cấp"))
                    raise _Abort
                container: Any = {} if kind is yaml.MappingStartEvent else []
                path = child_path()
                attach(container, mark)
                stack.append(_Frame(container, path))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
            elif kind is yaml.AliasEvent:
                out.append(make(shown, *mark, "KH012", f"không dùng bí danh YAML '*{ev.anchor}'; hãy viết đầy đủ giá trị"))
                raise _Abort
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    out.append(make(shown, *mark, "KH010", "mỗi tệp chỉ được có một tài liệu YAML (bỏ dòng '---' thứ hai)"))
                    raise _Abort
    except _Abort:
        pass
    except yaml.MarkedYAMLError as exc:
        quoted: Any = last if type(last) is yaml.ScalarEvent else None  # libyaml's marks are never None
        if quoted is not None and quoted.style in ('"', "'") and quoted.end_mark.line > quoted.start_mark.line:
            # A quoted string ran over several lines into the error: the real
            # mistake is almost always its missing closing quote.
            out.append(make(shown, quoted.start_mark.line + 1, quoted.start_mark.column + 1, "KH010",
                            f"lỗi cú pháp YAML: chuỗi mở bằng dấu nháy {quoted.style} ở đây kéo dài tới dòng "
                            f"{quoted.end_mark.line + 1}; có thể thiếu dấu nháy đóng ({(exc.problem or '').strip()})"))
        else:
            out.append(_syntax_error(exc, shown))
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml always gives marks
        out.append(make(shown, 1, 1, "KH010", f"lỗi cú pháp YAML: {yaml_problem(getattr(exc, 'problem', None))}"))

    if any(d.is_error for d in out):
        return out
    data = root[0] if root else None
    if data is None:
        return out + [make(shown, 1, 1, "KH003", "tệp không có dữ liệu (chỉ có chú thích)")]
    doc.data = data
    return out


class _Abort(Exception):
    """Stop reading a file whose structure cannot be trusted any further."""


def _plain(value: str):
    if value in _NULLS:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.match(value):
        digits = len(value.lstrip("+-"))
        return _TooLong(digits) if digits > MAX_DIGITS else int(value)
    if _FLOAT.match(value):
        digits = len(value.lstrip("+-")) - 1
        return _TooLong(digits) if digits > MAX_DIGITS else PlainNumber(value)
    return value


class PlainNumber(str):
    """An unquoted decimal such as ``13.5``: a string that is also a number."""

    __slots__ = ()


def as_number(value):
    """``value`` with a :class:`PlainNumber` turned into a ``float``."""
    return float(value) if isinstance(value, PlainNumber) else value


class _TooLong:
    """A plain number with too many digits (reported, never parsed)."""

    def __init__(self, digits: int):
        self.digits = digits


def _syntax_error(exc: yaml.MarkedYAMLError, shown: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "").strip()
    if exc.context and "quoted scalar" in exc.context and exc.context_mark:
        # "found unexpected end of stream" at the end of the file: point at the opening quote.
        m = exc.context_mark
        return make(shown, m.line + 1, m.column + 1, "KH010",
                    f"lỗi cú pháp YAML: chuỗi mở bằng dấu nháy ở đây không được đóng ({problem})")
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if "maximum nesting depth" in problem:  # libyaml ≥ 0.2.5 stops deep nesting itself
        return make(shown, line, col, "KH015", "dữ liệu lồng quá sâu")
    message = f"lỗi cú pháp YAML: {yaml_problem(problem)}"  # Vietnamese only: a văn thư reads this
    if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
        message += f"; bắt đầu từ dòng {exc.context_mark.line + 1}"
    return make(shown, line, col, "KH010", message)


def as_dict(value: Any) -> dict:
    """``value`` when the YAML gave a mapping, else an empty one: checks run on
    raw data defensively, and the schema reports the wrong type."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    """``value`` when the YAML gave a list, else an empty one (see :func:`as_dict`)."""
    return value if isinstance(value, list) else []
