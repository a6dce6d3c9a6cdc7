"""Loading one side of a diff: a plan directory, or the plan folder of a git revision.

:func:`load_side` is this module's only entry point; every failure is a
:class:`DiffError` with a Vietnamese message (and the positioned diagnostics
when the plan of that side is invalid), never a traceback.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from ..diagnostics import Diagnostic, format_text
from ..load import PLAN_FILES, check_plan
from ..load.yamlread import read_yaml
from ..model import Plan

__all__ = ["DiffError", "load_side"]


# -- errors ---------------------------------------------------------------------------------


class DiffError(Exception):
    """A side cannot be loaded.  ``message`` is Vietnamese; ``diagnostics`` holds
    the positioned problems when the plan of that side is invalid."""

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()):
        self.message = message
        self.diagnostics = tuple(diagnostics)
        super().__init__(message)

    def format(self) -> str:
        """The message, then one ``path:line:col: KH### lỗi: …`` line per diagnostic."""
        return self.message + "\n" + format_text(self.diagnostics)


# -- loading a side -------------------------------------------------------------------------


def load_side(spec: str, *, repo: Optional[Path] = None, plan_path: str = "plan") -> Plan:
    """Load one side of a diff.

    ``spec`` is a plan directory (or its ``plan.yaml``) when that path exists
    (relative to the current directory; a directory wins over a branch of the
    same name), else a git revision (branch, tag, ``HEAD~1``, sha) of ``repo`` (default:
    the repository of the current directory), whose ``plan_path`` folder is
    read with ``git cat-file`` into a temporary directory and checked with
    :func:`kehoach.load.check_plan` — every check applies.  Diagnostics of a
    revision name their file ``REV:plan/tasks.yaml``.  A plan loaded from a
    revision has ``source_dir`` and ``template_dir`` None (the files are gone).

    Raises :class:`DiffError` (Vietnamese message) when the side is neither a
    directory nor a revision, git is missing, or the plan is invalid.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise DiffError("chưa chỉ ra phiên bản kế hoạch cần so sánh (thư mục hoặc phiên bản git)")
    path = Path(spec)
    if path.exists():
        plan, diagnostics = check_plan(path)
        if plan is None:
            raise DiffError(_invalid(f"kế hoạch trong thư mục '{spec}'", diagnostics), diagnostics)
        return plan
    return _load_revision(spec, repo, plan_path)


def _invalid(what: str, diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(d.is_error for d in diagnostics)
    return f"{what} không hợp lệ ({errors} lỗi)"


def _git(cwd: Path, *args: str, stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    try:
        return subprocess.run(["git", *args], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE,
                              env=env, check=False)
    except FileNotFoundError:
        raise DiffError("không tìm thấy chương trình git: cài đặt git để so sánh các phiên bản") from None
    except NotADirectoryError:
        raise DiffError(f"'{cwd}' không phải là thư mục") from None


def _toplevel(repo: Optional[Path], spec: str) -> Path:
    where = Path(repo) if repo is not None else Path.cwd()
    if not where.is_dir():
        raise DiffError(f"không tìm thấy thư mục kho git '{where}'")
    result = _git(where, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise DiffError(f"'{spec}' không phải là thư mục kế hoạch, và '{where}' không nằm trong một kho git "
                        f"nên không đọc được phiên bản '{spec}'")
    return Path(result.stdout.decode("utf-8", "replace").strip())


def _clean_plan_path(plan_path: str) -> str:
    text = str(plan_path).replace("\\", "/").strip()
    norm = posixpath.normpath(text) if text else "."
    if norm.startswith("/") or norm == ".." or norm.startswith("../"):
        raise DiffError(f"đường dẫn thư mục kế hoạch '{plan_path}' phải nằm trong kho git")
    return "" if norm == "." else norm


def _load_revision(spec: str, repo: Optional[Path], plan_path: str) -> Plan:
    if spec.startswith("-") or "\n" in spec or "\0" in spec:
        raise DiffError(f"phiên bản '{spec}' không hợp lệ")
    top = _toplevel(repo, spec)
    folder_in_repo = _clean_plan_path(plan_path)
    result = _git(top, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    if result.returncode != 0:
        raise DiffError(f"'{spec}' không phải là thư mục kế hoạch, cũng không phải phiên bản (nhánh, thẻ, "
                        f"commit) nào của kho git '{top}'")
    sha = result.stdout.decode().strip()
    shown_folder = folder_in_repo or "."
    kind = _git(top, "cat-file", "-t", f"{sha}:{folder_in_repo}")
    if kind.returncode != 0 or kind.stdout.decode().strip() != "tree":
        raise DiffError(f"phiên bản '{spec}' không có thư mục kế hoạch '{shown_folder}'")
    listing = _git(top, "ls-tree", "-z", sha, "--", f"{folder_in_repo}/" if folder_in_repo else ".")
    if listing.returncode != 0:
        raise DiffError(f"không đọc được thư mục '{shown_folder}' ở phiên bản '{spec}'")
    blobs: dict[str, str] = {}
    for entry in listing.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not entry:
            continue
        meta, _, name = entry.partition("\t")
        mode, objtype, obj = meta.split(" ")
        if objtype == "blob" and mode in ("100644", "100755"):
            blobs[posixpath.basename(name)] = obj

    with tempfile.TemporaryDirectory(prefix="kehoach-diff-") as tmp:
        root = Path(tmp).resolve()
        folder = root / folder_in_repo if folder_in_repo else root
        folder.mkdir(parents=True, exist_ok=True)
        for name in PLAN_FILES.values():
            if name in blobs:  # a missing file stays missing: check_plan reports it (KH037)
                with open(folder / name, "wb") as out:
                    if _git(top, "cat-file", "blob", blobs[name], stdout=out).returncode != 0:
                        raise DiffError(f"không đọc được tệp '{name}' ở phiên bản '{spec}'")
        _template_folder(top, sha, folder_in_repo, folder, root)
        plan, diagnostics = check_plan(folder)
        diagnostics = [_relabel(d, root, spec) for d in diagnostics]
    if plan is None:
        raise DiffError(_invalid(f"kế hoạch ở phiên bản '{spec}'", diagnostics), diagnostics)
    return dataclasses.replace(plan, source_dir=None, template_dir=None)


def _template_folder(top: Path, sha: str, folder_in_repo: str, folder: Path, root: Path) -> None:
    """``templates:`` in plan.yaml must name a folder; when that folder exists in
    the revision, stand an empty one in for it (templates are not compared)."""
    plan_file = folder / PLAN_FILES["plan"]
    if not plan_file.is_file():
        return
    doc, _ = read_yaml(plan_file, str(plan_file))
    value = doc.data.get("templates") if isinstance(doc.data, dict) else None
    if not isinstance(value, str) or not value.strip() or value.startswith("/"):
        return
    target = posixpath.normpath(posixpath.join(folder_in_repo, value.replace("\\", "/")))
    if target == ".." or target.startswith("../"):
        return
    kind = _git(top, "cat-file", "-t", f"{sha}:{'' if target == '.' else target}")
    if kind.returncode == 0 and kind.stdout.decode().strip() == "tree":
        (root / target).mkdir(parents=True, exist_ok=True)


def _relabel(d: Diagnostic, root: Path, spec: str) -> Diagnostic:
    """``/tmp/kehoach-diff-x/plan/tasks.yaml`` → ``HEAD~1:plan/tasks.yaml``."""
    path = Path(d.path)
    if not path.is_absolute():
        path = Path.cwd() / path
    try:
        inside = Path(os.path.normpath(path)).relative_to(root)
    except ValueError:
        return d
    return dataclasses.replace(d, path=f"{spec}:{inside.as_posix()}")
