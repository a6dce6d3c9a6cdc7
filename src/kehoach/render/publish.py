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

Known limits: between the two renames ``out_dir`` briefly does not exist (a
true atomic exchange needs Linux's ``renameat2(RENAME_EXCHANGE)``, which the
standard library does not expose).  Two concurrent ``publish`` calls on the
same folder are not serialised — wrap builds in a lock if that can happen.
If removing the old folder fails after a successful swap, a hidden
``.<name>.old-…`` folder is left beside ``out_dir``; the publish still counts
as successful.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import stat
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Mapping

__all__ = ["MANIFEST_NAME", "PublishError", "atomic_write_bytes", "publish"]

MANIFEST_NAME = "manifest.json"
GENERATOR = "kehoach"


class PublishError(Exception):
    """Publishing the outputs was refused or failed (Vietnamese message)."""


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


def publish(files: dict[str, bytes], out_dir: Path, manifest: Mapping[str, object] | None = None) -> None:
    """Replace ``out_dir`` with exactly ``files`` (plus ``manifest.json``), atomically.

    ``files`` maps relative names (``/``-separated, subfolders allowed, e.g.
    ``letters/phong-y-te.docx``) to contents; ``manifest`` adds keys to
    ``manifest.json``.  See the module docstring for the
    guarantees.  Raises :class:`PublishError` (Vietnamese message) for invalid
    names, or when ``out_dir`` exists, is not empty and is not a kehoach output
    folder; I/O errors propagate after the previous ``out_dir`` was restored.
    """
    checked = _validate_files(files)
    out_dir = Path(os.path.abspath(out_dir))
    parent, name = out_dir.parent, out_dir.name
    if not name:
        raise PublishError(f"Không thể dùng {out_dir} làm thư mục đầu ra.")
    exists = _check_out_dir(out_dir)
    parent.mkdir(parents=True, exist_ok=True)

    new_dir = _make_sibling_dir(parent, name, "new")
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
                    f"được thư mục cũ ({restore_exc}). Dữ liệu cũ vẫn còn nguyên trong {old_dir}."
                ) from exc
            raise
    except BaseException:
        shutil.rmtree(new_dir, ignore_errors=True)
        raise
    _fsync_dir(parent)
    shutil.rmtree(old_dir, ignore_errors=True)


def _rename(src: Path, dst: Path) -> None:
    """``os.rename``, kept as a seam so tests can inject a failure at the swap."""
    os.rename(src, dst)
