"""Safe names and safe file reading for untrusted plan data.

A plan arrives through pull requests and CI builds it, so everything in a plan
directory is untrusted input.  Two things follow, and both live here so there
is exactly one definition of each:

*Safe names.*  Ids of the plan and of agencies become file names
(``cong-van/<agency>.docx``, ``lich/<agency>.ics``).  :func:`name_problem`
says why an id cannot be a file name: it must match :data:`SAFE_NAME` as a
whole string (``re.fullmatch`` — a ``$`` in Python also matches before a final
newline), must not be a name kehoach uses itself (the office calendar
``tong-hop``) or a Windows device (``CON``, ``PRN``, ``AUX``, ``NUL``,
``COM1``–``COM9``, ``LPT1``–``LPT9``, with or without an extension), and two
ids must not fold to the same name (:func:`fold`: NFC then casefold — on
Windows and macOS ``Phong`` and ``phong`` are one file).

*Safe reading.*  :func:`read_regular` reads a file only when, after resolving
every symlink, it is a regular file inside an allowed folder (the plan
directory), no larger than a limit.  It opens with ``O_NONBLOCK`` and checks the
*opened* descriptor, so a FIFO or a device (``/dev/zero``) is refused instead
of blocking or filling memory, and a symlink to ``/etc/passwd`` is refused
without its content ever being read, let alone echoed in a diagnostic.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Iterable, Optional, Union

__all__ = [
    "RESERVED_NAMES", "SAFE_NAME", "UnsafeFile", "fold", "inside", "name_collisions", "name_problem",
    "read_regular", "repository_root",
]

#: What an id that becomes a file name may look like (the schemas' ``id``
#: pattern, but applied with fullmatch): lower-case ASCII letters and digits,
#: single dots or hyphens between them.
SAFE_NAME = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")
#: Longest id accepted as a file name (a file name is at most 255 bytes on
#: common filesystems; ``.docx`` and a temporary suffix must still fit).
MAX_NAME = 100
#: Names kehoach itself writes next to agencies' files.
OWN_NAMES = frozenset({"tong-hop", "manifest"})
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)}
)
RESERVED_NAMES = OWN_NAMES | _WINDOWS_DEVICES


class UnsafeFile(Exception):
    """A file that must not be read: outside the allowed folder, not a regular
    file, or too large (``too_large``).  The message is Vietnamese and never
    quotes content."""

    def __init__(self, message: str, too_large: bool = False):
        super().__init__(message)
        self.too_large = too_large


def fold(name: str) -> str:
    """The key under which two names are the same file on Windows or macOS."""
    return unicodedata.normalize("NFC", name).casefold()


def name_problem(name: object) -> Optional[str]:
    """Why ``name`` cannot become a file name (Vietnamese), or None when it can."""
    if not isinstance(name, str) or not name:
        return "mã không được để trống"
    if len(name) > MAX_NAME:
        return f"mã dài {len(name)} ký tự, tối đa {MAX_NAME}"
    if not SAFE_NAME.fullmatch(name):
        return ("mã chỉ gồm chữ thường không dấu a-z, chữ số 0-9, dấu '-' hoặc '.' nằm giữa "
                "(không có dấu cách, '/', '\\', ':', ký tự điều khiển hay xuống dòng)")
    stem = name.split(".")[0]
    if name in OWN_NAMES:
        return f"'{name}' là tên kehoach dùng cho tệp của mình (ví dụ lich/{name}.ics); hãy đặt mã khác"
    if stem in _WINDOWS_DEVICES:
        return f"'{stem}' là tên thiết bị dành riêng trên Windows, không dùng được làm tên tệp; hãy đặt mã khác"
    return None


def name_collisions(names: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs ``(first, later)`` of distinct names that fold to the same file name."""
    seen: dict[str, str] = {}
    out = []
    for name in names:
        key = fold(name)
        if key in seen and seen[key] != name:
            out.append((seen[key], name))
        else:
            seen.setdefault(key, name)
    return out


def inside(path: Union[str, os.PathLike], folder: Union[str, os.PathLike]) -> bool:
    """Whether ``path`` is ``folder`` or below it, after resolving symlinks of both."""
    real = os.path.realpath(path)
    root = os.path.realpath(folder)
    try:
        return os.path.commonpath([real, root]) == root
    except ValueError:  # different drives on Windows
        return False


def repository_root(folder: Union[str, os.PathLike]) -> Path:
    """The plan's repository: the nearest folder at or above ``folder`` holding
    ``.git``, else ``folder`` itself.  User templates must live inside it."""
    start = Path(os.path.realpath(folder))
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return start


def read_regular(path: Union[str, os.PathLike], root: Union[str, os.PathLike], max_bytes: int) -> bytes:
    """The bytes of ``path`` if it is a regular file inside ``root`` (symlinks
    resolved) of at most ``max_bytes``; else :class:`UnsafeFile`.

    ``OSError`` from opening or reading (missing file, permission) propagates.
    """
    if not inside(path, root):
        raise UnsafeFile("tệp là liên kết tới chỗ nằm ngoài thư mục kế hoạch; kehoach không đọc tệp đó")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(os.path.realpath(path), flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = ("một ống dẫn (FIFO)" if stat.S_ISFIFO(st.st_mode) else
                    "một thiết bị" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                    "một thư mục" if stat.S_ISDIR(st.st_mode) else
                    "một socket" if stat.S_ISSOCK(st.st_mode) else "không phải tệp thường")
            raise UnsafeFile(f"đây là {kind}, không phải tệp thường; kehoach chỉ đọc tệp thường")
        if st.st_size > max_bytes:
            raise UnsafeFile(f"tệp có {st.st_size:,} byte, vượt giới hạn {max_bytes:,} byte", too_large=True)
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:  # grew while we read
                raise UnsafeFile(f"tệp vượt giới hạn {max_bytes:,} byte", too_large=True)
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
