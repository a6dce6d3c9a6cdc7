"""``kehoach new``: a new plan repository, valid and buildable at once.

:func:`new_plan_repo` writes, for a plan of one level (``tinh``, ``huyen``,
``xa``)::

    plan/plan.yaml, plan/agencies.yaml, plan/tasks.yaml   placeholder plan ("tỉnh Mẫu", "xã Mẫu"…)
    schemas/*.schema.json                                 exported with the agency enum (editors)
    .github/workflows/kehoach.yml, .gitlab-ci.yml         CI recipes
    ci/post_comment.py                                    the PR/MR comment poster they call
    .pre-commit-config.yaml                               kehoach-validate and kehoach-schema-check hooks
    .gitattributes, .gitignore, .vscode/                  docx textconv, outputs ignored, editor set-up
    README.md                                             a short Vietnamese guide for office staff
    HUONG-DAN.md                                          the staff guide, its examples for this level
    ci/goi/kehoach-….whl                                  only with ``--source wheel``

How the repository gets kehoach (:class:`Source`) is written into the CI
recipes, the pre-commit configuration and the README: a package index the
organisation runs (``index``), a git URL at the release tag (``git``), or a
wheel committed beside the plan (``wheel``).  The non-plan templates carry
``@@name@@`` placeholders for it (``{{…}}`` would clash with GitHub's
``${{ … }}`` expressions).  With ``git=True`` the repository starts as a git
repository with a first commit.

Every file comes from the package data folder ``kehoach/scaffold_files/``,
which is the ONE source of the CI recipes (``ci/`` at the top of the kehoach
repository only points there).  Its layout mirrors the new repository, with
two renames so no packaged file name starts with a dot (setuptools' globs
skip those): a path part ``dot-x`` becomes ``.x``, and ``plan/<level>/`` becomes
``plan/``.  The plan templates carry ``{{nam}}``-style placeholders for the
dates, filled from ``today`` so the new plan starts in the current year.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ._version import __version__

__all__ = ["LEVELS", "SOURCES", "Source", "git_init", "new_plan_repo", "repo_files",
           "scaffold_dir", "template_values"]

#: level → how Vietnamese names it
LEVELS = {"tinh": "tỉnh", "huyen": "huyện", "xa": "xã"}
_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")
_AT_PLACEHOLDER = re.compile(r"@@([a-z_]+)@@")
#: the diagnostics list of the new repository, generated from the CODES table of the installed kehoach
DIAGNOSTICS_URL = "MA-LOI.md"
#: per level: the agencies the staff guide's examples use (they exist in plan/<level>/agencies.yaml)
_GUIDE = {
    "tinh": {"lead": "so-noi-vu", "support": "so-kh-cn, vp-ubnd-tinh", "typo": "so-noivu",
             "new_id": "so-y-te", "new_name": "Sở Y tế tỉnh Mẫu", "new_short": "Sở Y tế", "new_kind": "phong-ban"},
    "huyen": {"lead": "phong-noi-vu", "support": "phong-vh-kh-tt, vp-hdnd-ubnd", "typo": "phong-noivu",
              "new_id": "phong-y-te", "new_name": "Phòng Y tế huyện Mẫu", "new_short": "Phòng Y tế",
              "new_kind": "phong-ban"},
    "xa": {"lead": "vp-hdnd-ubnd", "support": "phong-kinh-te, tt-phuc-vu-hcc", "typo": "vp-hdnd-ubd",
           "new_id": "tram-y-te", "new_name": "Trạm Y tế xã Mẫu", "new_short": "Trạm Y tế", "new_kind": "don-vi"},
}
#: ``--source``: how a plan repository installs kehoach
SOURCES = {"index": "kho gói (package index) của cơ quan", "git": "kho mã nguồn git, theo thẻ phiên bản",
           "wheel": "tệp .whl đặt ngay trong kho kế hoạch"}
WHEEL_DIR = "ci/goi"


@dataclass(frozen=True)
class Source:
    """Where a plan repository gets kehoach from.

    ``kind``: ``index`` (``location`` = the organisation's package index URL,
    or None for the index pip is configured with), ``git`` (``location`` = the
    URL of the kehoach code repository; installed at tag ``v<version>``) or
    ``wheel`` (``location`` = path of a ``kehoach-*.whl``, copied into
    ``ci/goi/``)."""

    kind: str = "index"
    location: Optional[str] = None
    version: str = __version__

    def __post_init__(self):
        if self.kind not in SOURCES:
            raise ValueError(f"nguồn cài đặt '{self.kind}' không hợp lệ; chọn một trong: {', '.join(SOURCES)}")
        if self.kind in ("git", "wheel") and not self.location:
            what = "địa chỉ kho git (--from URL)" if self.kind == "git" else "đường dẫn tệp .whl (--from TỆP)"
            raise ValueError(f"--source {self.kind} cần {what}")
        if self.kind == "wheel":
            name = Path(self.location or "").name
            if not re.fullmatch(r"kehoach-[^-]+-[^-]+-[^-]+-[^-]+\.whl", name):
                raise ValueError(f"'{self.location}' không phải tệp cài đặt kehoach (kehoach-….whl)")
            if not Path(self.location).is_file():
                raise ValueError(f"không tìm thấy tệp '{self.location}'")

    @property
    def tag(self) -> str:
        return f"v{self.version}"

    def wheel_path(self) -> Optional[str]:
        """Where the wheel lives inside the new repository (``/``-separated)."""
        return f"{WHEEL_DIR}/{Path(self.location or '').name}" if self.kind == "wheel" else None

    def pip_args(self) -> str:
        """The arguments of ``python -m pip install`` (shell words)."""
        if self.kind == "wheel":
            return self.wheel_path() or ""
        if self.kind == "git":
            return f'"kehoach @ git+{self.location}@{self.tag}"'
        index = f"--index-url {self.location} " if self.location else ""
        return f'{index}"kehoach=={self.version}"'

    def values(self) -> dict[str, str]:
        """The ``@@name@@`` values of the CI recipes, pre-commit config and README."""
        words = {"index": f"từ {SOURCES['index']}" + (f" ({self.location})" if self.location else ""),
                 "git": f"từ {SOURCES['git']} {self.location}, thẻ {self.tag}",
                 "wheel": f"từ tệp {self.wheel_path()} trong kho này"}
        return {"cai_dat": self.pip_args(), "nguon": words[self.kind], "phien_ban": self.version,
                "pre_commit": self._pre_commit(), "diagnostics_url": DIAGNOSTICS_URL}

    def _pre_commit(self) -> str:
        if self.kind == "git":
            return (f"  # kehoach lấy {SOURCES['git']}: pre-commit tự cài vào môi trường riêng.\n"
                    f"  - repo: {self.location}\n    rev: {self.tag}\n    hooks:\n"
                    "      - id: kehoach-validate\n      - id: kehoach-schema-check\n")
        if self.kind == "index":
            hint = ("  # kehoach lấy từ kho gói của cơ quan: đặt biến môi trường PIP_INDEX_URL="
                    + (self.location or "<địa chỉ kho gói>") + " trước khi chạy pre-commit.\n")
            language, deps = "python", f'\n        additional_dependencies: ["kehoach=={self.version}"]'
        else:
            hint = (f"  # Dùng kehoach đã cài trên máy từ tệp trong kho: "
                    f"python -m pip install {self.wheel_path()}\n")
            language, deps = "system", ""
        hooks = ""
        for hook, entry, files in (("kehoach-validate", "kehoach validate", r"^plan/.*\.ya?ml$"),
                                   ("kehoach-schema-check", "kehoach schema --check",
                                    r"^(plan/agencies\.ya?ml|schemas/.*\.json)$")):
            hooks += (f"      - id: {hook}\n        name: {entry}\n        entry: {entry}\n"
                      f"        language: {language}{deps}\n        files: {files}\n        pass_filenames: false\n")
        return hint + "  - repo: local\n    hooks:\n" + hooks


def scaffold_dir() -> Path:
    """The packaged template folder."""
    return Path(__file__).resolve().parent / "scaffold_files"


def template_values(today: dt.date) -> dict[str, str]:
    """Dates for the plan templates.

    The plan runs from this year to the end of the five-year period that
    contains next year (2025 → 2025-2030, 2026 → 2026-2030, 2030 → 2030-2035);
    the draft is dated this month; the open reporting period is the first half
    of this year until June, the whole year after.
    """
    year = today.year
    return {
        "nam": str(year),
        "thang": f"{today.month:02d}",
        "nam_cuoi": str((year // 5 + 1) * 5),
        "ky_mo": f"{year}-H1" if today.month <= 6 else str(year),
    }


def _fill(text: str, values: dict[str, str], name: str, pattern: re.Pattern = _PLACEHOLDER) -> str:
    def one(match: re.Match) -> str:
        try:
            return values[match.group(1)]
        except KeyError:
            raise KeyError(f"{name}: unknown placeholder {match.group(0)}") from None
    return pattern.sub(one, text)


def _destination(relative: Path, level: str) -> Optional[Path]:
    """Where a packaged file goes in the new repository; None: not for this level."""
    parts = list(relative.parts)
    if parts[0] == "plan":
        if len(parts) != 3 or parts[1] != level:
            return None
        parts = ["plan", parts[2]]
    if parts[0] == "huong-dan":
        parts = parts[1:]
    return Path(*(("." + p[len("dot-"):]) if p.startswith("dot-") else p for p in parts))


def repo_files(level: str, today: Optional[dt.date] = None, source: Optional[Source] = None) -> dict[str, bytes]:
    """Relative path (``/``-separated) → content of every file of a new
    repository except ``schemas/`` (which needs the loaded plan)."""
    if level not in LEVELS:
        choices = ", ".join(f"{k} ({v})" for k, v in LEVELS.items())
        raise ValueError(f"cấp kế hoạch '{level}' không hợp lệ; chọn một trong: {choices}")
    values = template_values(today or dt.date.today())
    source = source or Source()
    at_values = dict(source.values(), level=level, cap=LEVELS[level], **_GUIDE[level])
    wheel = source.wheel_path()
    files = scaffold_dir()
    if not (files / "plan" / level / "plan.yaml").is_file():
        raise FileNotFoundError(f"kehoach: thiếu dữ liệu mẫu '{files}' của gói cài đặt (cài lại kehoach)")
    out: dict[str, bytes] = {}
    for path in sorted(files.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        relative = path.relative_to(files)
        target = _destination(relative, level)
        if target is None:
            continue
        data = path.read_bytes()
        if relative.parts[0] == "plan":
            data = _fill(data.decode("utf-8"), values, relative.as_posix()).encode("utf-8")
        elif path.suffix != ".py" and b"@@" in data:
            data = _fill(data.decode("utf-8"), at_values, relative.as_posix(), _AT_PLACEHOLDER).encode("utf-8")
        out[target.as_posix()] = data
    if wheel:
        out[wheel] = Path(source.location or "").read_bytes()
    out[DIAGNOSTICS_URL] = _codes_markdown().encode("utf-8")
    return out


def _codes_markdown() -> str:
    """MA-LOI.md: every diagnostic code of this kehoach version, in Vietnamese."""
    from .diagnostics import CODES

    lines = ["# Danh sách mã lỗi và cảnh báo của kehoach", "",
             f"Các mã `kehoach validate` có thể in ra (kehoach {__version__}). Mỗi dòng kết quả có dạng",
             "`tệp:dòng:cột: MÃ lỗi|cảnh báo: thông báo`; lỗi phải sửa, cảnh báo nên xem lại.",
             "Giải thích chi tiết và ví dụ từng mã: tài liệu `docs/diagnostics.md` của kehoach.", "",
             "| Mã | Mức độ | Ý nghĩa |", "|---|---|---|"]
    lines += [f"| {code} | {severity.value} | {title} |" for code, (severity, title, _) in sorted(CODES.items())]
    return "\n".join(lines) + "\n"


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise ValueError(f"'{target}' là một tệp, không phải thư mục")
    if target.is_dir() and any(target.iterdir()):
        raise ValueError(f"thư mục '{target}' đã có nội dung; hãy chọn một thư mục mới hoặc một thư mục trống "
                         f"(kehoach không ghi đè tệp có sẵn)")


def git_init(folder: Path) -> bool:
    """``git init`` with a first commit of everything in ``folder``; False
    when git is not installed.  The user's git identity is used when set,
    else a neutral one (the commit is the tool's, not a person's)."""
    git = shutil.which("git")
    if git is None:
        return False

    def run_git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([git, *args], cwd=folder, capture_output=True, text=True, check=True)

    run_git("init", "-q")
    run_git("symbolic-ref", "HEAD", "refs/heads/main")
    identity = []
    for key, fallback in (("user.name", "kehoach"), ("user.email", "kehoach@localhost")):
        if subprocess.run([git, "config", key], cwd=folder, capture_output=True).returncode != 0:
            identity += ["-c", f"{key}={fallback}"]
    run_git("add", "-A")
    run_git(*identity, "commit", "-q", "--no-verify", "-m", "Khởi tạo kho kế hoạch (kehoach new)")
    return True


def new_plan_repo(target: Path, level: str, *, today: Optional[dt.date] = None, source: Optional[Source] = None,
                  git: bool = False) -> list[Path]:
    """Write a new plan repository for ``level`` into ``target``; return its files, sorted.

    ``target`` must not exist or be an empty folder (ValueError otherwise, with
    a Vietnamese message, as for an unknown level).  ``source`` (default: the
    package index pip is configured with) is how the repository installs
    kehoach; ``git=True`` (the CLI's default, ``--no-git`` turns it off) makes
    it a git repository with a first commit once everything is in place.  The repository is built in
    a sibling temporary folder, its plan loaded (so it is valid by
    construction) and its schemas exported with the agency list, then moved
    into place: a failure leaves nothing half-written.
    """
    from .load import load_plan
    from .schema_export import export_schemas

    target = Path(target)
    files = repo_files(level, today, source)  # checks the level first
    _check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.kehoach-new-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        export_schemas(staging / "schemas", load_plan(staging / "plan"))
        _check_target(target)                 # nobody filled it meanwhile
        if target.is_dir():
            for child in staging.iterdir():
                os.replace(child, target / child.name)
            staging.rmdir()
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if git:
        git_init(target)
    return sorted(p for p in target.rglob("*") if p.is_file() and ".git" not in p.relative_to(target).parts)
