"""Atomic publication of build outputs.

A build writes many files (the plan, one letter per agency, a calendar…).  If
it fails half-way, the user must not be left with a folder mixing new and old
documents — someone might send last month's letter with this month's plan.
:func:`publish` therefore builds the complete new folder beside the old one
and swaps it in with renames:

1. write every file into a fresh temporary folder next to ``out_dir`` (same
   parent, hence same filesystem, so renames are cheap and cannot half-copy);
   fsync each file and each folder, so a crash after the swap cannot leave
   empty files behind a valid-looking folder;
2. rename the old ``out_dir`` to a temporary name, rename the new folder to
   ``out_dir``; if that second rename fails, rename the old one back;
3. remove the old folder.

Any exception before step 2 leaves ``out_dir`` exactly as it was.  After
success ``out_dir`` holds exactly the new files plus ``manifest.json`` — stale
files from the previous build are gone.

The manifest is also our *ownership mark*.  Publishing replaces the whole
folder, so pointing ``--out`` at the wrong place (``~/Documents``…) would
delete someone's files.  An existing, non-empty ``out_dir`` without a
``manifest.json`` written by kehoach is refused with an error, never removed.

Swapping: on Linux the two folders are exchanged in one atomic
``renameat2(RENAME_EXCHANGE)`` call, so ``out_dir`` always exists and is always
complete, even if the process is killed at any instant.  Where that call is
missing (other systems, some filesystems) two renames are used; a kill between
them leaves ``out_dir`` missing and the complete old folder in a hidden
``.<name>.old-…``: the next :func:`publish` puts it back before anything else
(:func:`recover`), and removes the hidden ``.new-``/``.old-`` folders a killed
build left behind.

Concurrency: :func:`output_lock` holds an exclusive lock (``flock`` on a hidden
``.<name>.lock`` beside ``out_dir``) for the whole publish; a second build of
the same folder fails at once with :class:`OutputBusy` instead of
interleaving.  The lock file is removed on release (and the lock re-checked
against the file on disk, so removal cannot let two holders in).  On systems
without ``fcntl`` (Windows) there is no lock.

Errors of the filesystem (read-only, full, a path below a regular file…)
become :class:`PublishError` with a Vietnamese message; the previous
``out_dir`` is untouched.  If removing the old folder fails after a
successful swap, the leftover is removed by the next publish.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Mapping, Optional

__all__ = ["MANIFEST_NAME", "OutputBusy", "PublishError", "atomic_write_bytes", "output_lock", "publish", "recover"]

MANIFEST_NAME = "manifest.json"
GENERATOR = "kehoach"


class PublishError(Exception):
    """Publishing the outputs was refused or failed (Vietnamese message).

    ``code`` is the diagnostic code the CLI prints with the output folder."""

    code: Optional[str] = "KH095"


class OutputBusy(PublishError):
    """Another build holds the lock of the output folder."""

    code = None  # a plain message: the folder is fine, only busy


def _os_message(exc: OSError) -> str:
    """An OS error in Vietnamese (the system's own words in parentheses)."""
    words = {
        errno.EACCES: "không có quyền ghi", errno.EPERM: "không có quyền ghi",
        errno.EROFS: "ổ đĩa chỉ cho phép đọc", errno.ENOSPC: "ổ đĩa đã đầy",
        errno.EDQUOT: "vượt hạn mức dung lượng", errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
        errno.EEXIST: "một phần của đường dẫn là tệp, không phải thư mục",
        errno.ENAMETOOLONG: "đường dẫn quá dài", errno.ENOENT: "đường dẫn không tồn tại",
    }
    said = words.get(exc.errno, "lỗi hệ thống tệp") if exc.errno is not None else "lỗi hệ thống tệp"
    return f"{said} ({exc.strerror or exc})"


def _fsync_dir(path: Path) -> None:
    """fsync a directory so the entries created in it survive a crash.

    Not possible on Windows (directories cannot be opened); there NTFS
    journaling is what we rely on.
    """
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    """Create ``path`` (must not exist), write ``data``, fsync.

    Opened with mode 0o666 so the process umask decides the final mode, as for
    any normally created file (``tempfile.mkstemp`` would give 0o600 and make
    published documents unreadable to colleagues sharing the folder).
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_sibling_dir(parent: Path, name: str, tag: str) -> Path:
    """Create a fresh hidden folder ``.<name>.<tag>-<random>`` in ``parent``.

    ``os.mkdir`` with 0o777 (umask applied) rather than ``tempfile.mkdtemp``,
    whose 0o700 would become the published folder's mode after the swap.
    """
    for _ in range(100):
        candidate = parent / f".{name}.{tag}-{secrets.token_hex(6)}"
        try:
            os.mkdir(candidate, 0o777)
            return candidate
        except FileExistsError:
            continue
    raise PublishError(f"Không tạo được thư mục tạm trong {parent}.")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see either the old or the new file.

    The bytes go to a temporary file in the same folder (same filesystem),
    which is fsynced and then moved over ``path`` with :func:`os.replace`,
    atomic on POSIX and Windows.  On failure the temporary file is removed and
    ``path`` is untouched.  The parent folder must exist.
    """
    path = Path(path)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"Dữ liệu ghi vào {path} phải là bytes, không phải {type(data).__name__}")
    parent = path.parent
    tmp = parent / f".{path.name}.tmp-{secrets.token_hex(6)}"
    try:
        _write_file(tmp, bytes(data))
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(parent)


def _check_name(name: object) -> PurePosixPath:
    """Validate a relative output name such as ``letters/phong-y-te.docx``.

    Names use ``/`` on every platform.  Refused: non-strings, empty names,
    absolute paths (POSIX or Windows, including drive letters and UNC),
    backslashes (a separator on Windows, a plain character on POSIX — ambiguous),
    ``.``/``..``/empty components, NUL, and the reserved manifest name.
    """
    if not isinstance(name, str) or not name:
        raise PublishError(f"Tên tệp đầu ra không hợp lệ: {name!r}")
    if "\x00" in name or "\\" in name:
        raise PublishError(f"Tên tệp đầu ra '{name}' chứa ký tự không được phép (NUL hoặc '\\').")
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive:
        raise PublishError(f"Tên tệp đầu ra '{name}' phải là đường dẫn tương đối, không được là đường dẫn tuyệt đối.")
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise PublishError(
            f"Tên tệp đầu ra '{name}' không được chứa thành phần rỗng, '.' hoặc '..' "
            "(không được ghi ra ngoài thư mục đầu ra)."
        )
    if name == MANIFEST_NAME:
        raise PublishError(f"Tên tệp '{MANIFEST_NAME}' được dành riêng cho kehoach.")
    return PurePosixPath(name)


def _validate_files(files: Mapping[str, bytes]) -> list[tuple[PurePosixPath, bytes]]:
    checked: list[tuple[PurePosixPath, bytes]] = []
    # Case- and normalisation-insensitive keys: on Windows and macOS
    # "Phòng.docx" and "phòng.docx" (or its NFD spelling) are the same file,
    # and one would silently overwrite the other.
    folded: dict[str, str] = {}
    for name, data in files.items():
        rel = _check_name(name)
        if not isinstance(data, (bytes, bytearray)):
            raise PublishError(f"Nội dung của '{name}' phải là bytes, không phải {type(data).__name__}.")
        key = unicodedata.normalize("NFC", name).casefold()
        if key in folded:
            raise PublishError(
                f"Hai tệp đầu ra '{folded[key]}' và '{name}' trùng tên khi không phân biệt "
                "chữ hoa/thường (trên Windows và macOS chúng sẽ ghi đè lên nhau)."
            )
        folded[key] = name
        checked.append((rel, bytes(data)))
    # A name that is also a folder of another name ("a" and "a/b").
    prefixes = {str(p) for rel, _ in checked for p in rel.parents if str(p) != "."}
    for rel, _ in checked:
        if str(rel) in prefixes:
            raise PublishError(f"'{rel}' vừa là tệp vừa là thư mục chứa tệp khác.")
    return checked


def _manifest(checked: list[tuple[PurePosixPath, bytes]], extra: Mapping[str, object] | None = None) -> bytes:
    """Deterministic manifest (no timestamps) so reproducible builds stay so.

    ``extra`` (e.g. the build's list of documents with their kinds) is merged
    in; ``generator`` and ``files`` are always ours.
    """
    doc = dict(extra or {})
    doc.update({
        "generator": GENERATOR,
        "files": {str(rel): hashlib.sha256(data).hexdigest() for rel, data in sorted(checked)},
    })
    return (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _is_ours(out_dir: Path) -> bool:
    manifest = out_dir / MANIFEST_NAME
    try:
        doc = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("generator") == GENERATOR


def _check_out_dir(out_dir: Path) -> bool:
    """Refuse to replace anything that is not a kehoach output folder.

    Returns whether ``out_dir`` exists (and may be replaced).
    """
    try:
        st = os.lstat(out_dir)
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode):
        raise PublishError(
            f"Thư mục đầu ra {out_dir} là một liên kết tượng trưng (symlink); kehoach không "
            "thay thế nó. Hãy chỉ định trực tiếp thư mục thật."
        )
    if not stat.S_ISDIR(st.st_mode):
        raise PublishError(f"{out_dir} đã tồn tại và không phải là thư mục; kehoach không ghi đè lên nó.")
    if any(out_dir.iterdir()) and not _is_ours(out_dir):
        raise PublishError(
            f"Thư mục đầu ra {out_dir} đã có dữ liệu nhưng không có tệp {MANIFEST_NAME} do "
            "kehoach tạo, nên có thể không phải thư mục do kehoach sinh ra. Để tránh xóa nhầm "
            "dữ liệu, kehoach từ chối ghi vào đó. Hãy chọn một thư mục trống hoặc chưa tồn tại."
        )
    return True


_HELD: set[str] = set()


@contextlib.contextmanager
def output_lock(out_dir: Path):
    """Hold the exclusive lock of ``out_dir`` (re-entrant within a process).

    Raises :class:`OutputBusy` at once when another process holds it."""
    out_dir = Path(os.path.abspath(out_dir))
    key = str(out_dir)
    try:
        import fcntl
    except ImportError:  # Windows: no lock (documented)
        yield
        return
    if key in _HELD:
        yield
        return
    lock_path = out_dir.parent / f".{out_dir.name}.lock"
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise PublishError(f"Không tạo được thư mục đầu ra {out_dir}: {_os_message(exc)}.") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise OutputBusy(
                f"Thư mục đầu ra {out_dir} đang được một lệnh kehoach khác dựng (tệp khóa {lock_path.name}). "
                "Hãy chờ lệnh kia xong rồi chạy lại.") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(lock_path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder removed the file as we opened it: take the new one
    _HELD.add(key)
    try:
        yield
    finally:
        _HELD.discard(key)
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
        os.close(fd)


_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?P<tag>new|old)-[0-9a-f]{12}\Z")


def recover(out_dir: Path) -> None:
    """Repair what a killed publish left beside ``out_dir`` (call under the lock).

    ``out_dir`` missing but a complete ``.<name>.old-…`` (with our manifest)
    present: the kill came between the two renames, so the old folder goes
    back to its path.  Every other ``.<name>.new-…``/``.<name>.old-…`` is removed.
    """
    out_dir = Path(os.path.abspath(out_dir))
    parent = out_dir.parent
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    leftovers = []
    for entry in entries:
        m = _LEFTOVER.match(entry.name)
        if m and m.group("name") == out_dir.name and entry.is_dir() and not entry.is_symlink():
            leftovers.append((m.group("tag"), entry))
    if not os.path.lexists(out_dir):
        olds = sorted((e for tag, e in leftovers if tag == "old" and _is_ours(e)),
                      key=lambda e: e.stat().st_mtime_ns, reverse=True)
        if olds:
            _rename(olds[0], out_dir)
            _fsync_dir(parent)
            leftovers = [(t, e) for t, e in leftovers if e != olds[0]]
    for _, entry in leftovers:
        shutil.rmtree(entry, ignore_errors=True)


def publish(files: dict[str, bytes], out_dir: Path, manifest: Mapping[str, object] | None = None) -> None:
    """Replace ``out_dir`` with exactly ``files`` (plus ``manifest.json``), atomically.

    ``files`` maps relative names (``/``-separated, subfolders allowed, e.g.
    ``letters/phong-y-te.docx``) to contents; ``manifest`` adds keys to
    ``manifest.json``.  See the module docstring for the
    guarantees.  Raises :class:`PublishError` (Vietnamese message) for invalid
    names, when ``out_dir`` exists, is not empty and is not a kehoach output
    folder, or when the filesystem refuses (the previous ``out_dir`` restored);
    :class:`OutputBusy` when another build holds the folder's lock.
    """
    checked = _validate_files(files)
    out_dir = Path(os.path.abspath(out_dir))
    parent, name = out_dir.parent, out_dir.name
    if not name:
        raise PublishError(f"Không thể dùng {out_dir} làm thư mục đầu ra.")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"Không tạo được thư mục {parent}: {_os_message(exc)}.") from None
    with output_lock(out_dir):
        recover(out_dir)
        try:
            _publish_locked(checked, out_dir, manifest)
        except PublishError:
            raise
        except OSError as exc:
            raise PublishError(f"Không ghi được thư mục đầu ra {out_dir}: {_os_message(exc)}. "
                               "Thư mục cũ được giữ nguyên.") from None


def _publish_locked(checked, out_dir: Path, manifest) -> None:
    parent, name = out_dir.parent, out_dir.name
    exists = _check_out_dir(out_dir)
    new_dir = _make_sibling_dir(parent, name, "new")
    staging: Optional[Path] = new_dir  # removed if publishing fails, until it is the output or the old one
    old_dir = None
    try:
        made_dirs = {new_dir}
        for rel, data in checked:
            for depth in range(1, len(rel.parts)):
                d = new_dir.joinpath(*rel.parts[:depth])
                if d not in made_dirs:
                    d.mkdir(exist_ok=True)
                    made_dirs.add(d)
            _write_file(new_dir.joinpath(*rel.parts), data)
        _write_file(new_dir / MANIFEST_NAME, _manifest(checked, manifest))
        # Deepest folders first, so each folder's entries are durable before
        # the entry naming it in its parent is.
        for d in sorted(made_dirs, key=lambda p: len(p.parts), reverse=True):
            _fsync_dir(d)

        # Re-check right before the swap: the folder may have changed while we wrote.
        exists = _check_out_dir(out_dir)
        if not exists:
            _rename(new_dir, out_dir)
            _fsync_dir(parent)
            return
        if _exchange(new_dir, out_dir):
            # new_dir now holds the previous output: remove it below.
            old_dir, staging = new_dir, None
        else:
            old_dir = _make_sibling_dir(parent, name, "old")
            # _make_sibling_dir created it; rename needs the target absent (or an
            # empty dir on POSIX, but not on Windows) — remove it and keep the name.
            os.rmdir(old_dir)
            _rename(out_dir, old_dir)
            try:
                _rename(new_dir, out_dir)
            except BaseException as exc:
                try:
                    _rename(old_dir, out_dir)
                except OSError as restore_exc:
                    raise PublishError(
                        f"Không thay được thư mục đầu ra {out_dir} ({exc}) và cũng không khôi phục "
                        f"được thư mục cũ ({restore_exc}). Dữ liệu cũ vẫn còn nguyên trong {old_dir}; "
                        "lần dựng sau sẽ tự đưa nó về chỗ cũ."
                    ) from exc
                raise
            staging = None
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    _fsync_dir(parent)
    shutil.rmtree(old_dir, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange_syscall(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux ``renameat2``); False when not available."""
    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _exchange(new_dir: Path, out_dir: Path) -> bool:
    """Seam for tests: swap ``new_dir`` and ``out_dir`` in one step if the system can."""
    return _exchange_syscall(new_dir, out_dir)


def _rename(src: Path, dst: Path) -> None:
    """``os.rename``, kept as a seam so tests can inject a failure at the swap."""
    os.rename(src, dst)
