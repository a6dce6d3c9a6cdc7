"""Shared fixtures: the tests' own copy of the Tam Đường plan, broken copies of it,
and one build of it shared by the whole run.

The tests read ``tests/fixtures/tam-duong`` (a frozen copy of the plan the project
ships in ``plan/``), never the editable ``plan/`` folder: the office will change that
folder (its real appendix, its own agencies) and the tests must not break the day it
does.  Only ``tests/test_bundled_plan.py`` reads ``plan/`` (it builds, it validates,
it prints every paragraph of the seed)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: the tests' Tam Đường plan (a frozen copy of the bundled ``plan/``)
PLAN = FIXTURES / "tam-duong"
#: the plan the project ships: for the smoke tests of tests/test_bundled_plan.py only
BUNDLED_PLAN = ROOT / "plan"


@pytest.fixture
def plan_copy(tmp_path: Path) -> Path:
    """A fresh copy of the fixture plan (:data:`PLAN`) that a test may break."""
    target = tmp_path / "plan"
    shutil.copytree(PLAN, target)
    return target


def position(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """1-based (line, column) of ``needle``'s first occurrence plus ``offset``
    characters — computed from the text, independently of the loader."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def replace_once(path: Path, old: str, new: str) -> str:
    """Replace the first occurrence of ``old`` in ``path``; return the new text."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


SEED = FIXTURES / "ke-hoach-tam-duong-qd27.md"


def norm(text: str) -> str:
    """NFC, every run of whitespace (draft blanks included) collapsed to one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def seed_paragraphs() -> list[str]:
    """The seed's paragraphs, in order, without Markdown decoration (headings'
    ``#``, ``**`` bold markers, the two-space hard line breaks)."""
    out = []
    for block in SEED.read_text(encoding="utf-8").split("\n\n"):
        text = re.sub(r"^#+\s*", "", block.strip())
        text = text.replace("**", "").replace("  \n", "\n")
        for line in text.split("\n"):
            line = norm(line)
            if line:
                out.append(line)
    return out


def spy_rendered_here(monkeypatch) -> list[str]:
    """Paths of the .docx rendered in this process (not in a -j worker), in order:
    wraps ``kehoach.build._run_here`` for the incremental and parallel tests."""
    import importlib
    module = importlib.import_module("kehoach.build")  # the module (kehoach.build is the function)
    seen: list[str] = []
    real = module._run_here

    def run_here(plan, job):
        seen.append(job.path)
        return real(plan, job)
    monkeypatch.setattr(module, "_run_here", run_here)
    return seen


def use_default_templates(plan_dir: Path, folder: str = "mau") -> Path:
    """Give the plan its own template folder (``templates: mau``) holding copies of
    the default templates; returns the folder (a test may then change one)."""
    from kehoach.resources import data_dir
    templates = plan_dir / folder
    templates.mkdir()
    for name in ("plan.docx", "letter.docx", "report.docx", "consolidated.docx"):
        shutil.copyfile(data_dir("templates") / name, templates / name)
    text = (plan_dir / "plan.yaml").read_text(encoding="utf-8")
    (plan_dir / "plan.yaml").write_text(text.replace("\nlevel:", f"\ntemplates: {folder}\nlevel:", 1), encoding="utf-8")
    return templates


#: the day the shared build is "as of": after the 2025-H1 due date (20/6/2025)
AS_OF = dt.date(2025, 6, 25)


@dataclass(frozen=True)
class Built:
    """A build of a plan: the loaded plan, the output folder, ``build()``'s result."""

    plan: Any
    out: Path
    result: Any


@pytest.fixture(scope="session")
def plan_build(tmp_path_factory) -> Built:
    """THE build of the fixture plan (:data:`PLAN`, no returns, as of :data:`AS_OF`),
    made once and shared by every test module of the run that reads a plain build:
    read it, never write into it (a test that changes a build makes its own)."""
    import kehoach
    plan = kehoach.load_plan(PLAN)
    out = tmp_path_factory.mktemp("plan-build") / "out"
    result = kehoach.build(plan, out, options=kehoach.BuildOptions(as_of=AS_OF))
    return Built(plan, out, result)


@contextlib.contextmanager
def scoped(env: dict | None = None, cwd: Path | str | None = None):
    """``env`` added to the environment and ``cwd`` as the working folder, both
    restored on the way out (what an in-process CLI call needs)."""
    saved_env = {k: os.environ.get(k) for k in (env or {})}
    saved_cwd = os.getcwd()
    os.environ.update(env or {})
    try:
        if cwd is not None:
            os.chdir(cwd)
        yield
    finally:
        os.chdir(saved_cwd)
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_cli(*args: str, env: dict | None = None, cwd: Path | str | None = None) -> subprocess.CompletedProcess:
    """``kehoach args`` IN PROCESS (``kehoach.cli.main``), with ``env`` added to the
    environment and ``cwd`` as the working folder for the call; the result looks
    like ``subprocess.run``'s (returncode, stdout, stderr).

    A subprocess costs a Python start and kehoach's imports (about a second on the
    2-core CI machine) and proves nothing more for most commands; the tests of
    the entry point itself (``python -m kehoach``, exit codes, stdout/stderr
    separation, a fresh process's caches) keep a real subprocess."""
    from kehoach import cli
    out, err = io.StringIO(), io.StringIO()
    with scoped(env, cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # argparse's own exits
            code = exc.code if isinstance(exc.code, int) else 1
    return subprocess.CompletedProcess(["kehoach", *args], code, out.getvalue(), err.getvalue())


#: the period and the commune whose documents go through LibreOffice (``office_pdfs``)
OFFICE_PERIOD = "2025-H1"
OFFICE_AGENCY = "xa-binh-lu"


@pytest.fixture(scope="session")
def office_pdfs(plan_build, tmp_path_factory) -> dict[str, Path]:
    """The documents of the fixture plan that the LibreOffice tests read, converted
    in ONE ``convert_to_pdf`` call (a LibreOffice start costs seconds): the plan
    (from :func:`plan_build`), and a commune's letter, its report template and the
    consolidated report of a build with the fixture returns (``fixtures/returns``).
    Returns kind -> PDF, kinds ``plan``, ``letter``, ``report``, ``consolidated``;
    the plan with returns is ``<folder of the PDFs>/../plan``."""
    import time

    import kehoach
    from kehoach.render import convert_to_pdf
    from office import require_office
    require_office("pdffonts", "pdftoppm")
    work = tmp_path_factory.mktemp("office")
    plan_dir = work / "plan"
    shutil.copytree(PLAN, plan_dir)
    shutil.copytree(FIXTURES / "returns" / OFFICE_PERIOD, plan_dir / "reports" / OFFICE_PERIOD)
    out = work / "out"
    kehoach.build(kehoach.load_plan(plan_dir), out, options=kehoach.BuildOptions(as_of=AS_OF))
    sources = {
        "plan": plan_build.out / f"{plan_build.plan.id}.docx",
        "letter": out / "cong-van" / f"{OFFICE_AGENCY}.docx",
        "report": out / "bao-cao" / OFFICE_PERIOD / f"{OFFICE_AGENCY}.docx",
        "consolidated": out / "tong-hop" / f"{OFFICE_PERIOD}.docx",
    }
    inputs = work / "in"
    inputs.mkdir()
    copies = []
    for kind, src in sources.items():  # letter and report template share a file name
        assert src.is_file(), f"{src} was not built"
        copies.append(inputs / (src.name if kind == "plan" else f"{kind}-{src.name}"))
        shutil.copyfile(src, copies[-1])
    started = time.monotonic()
    results = convert_to_pdf(copies, work / "pdf")
    assert time.monotonic() - started < 180
    assert [p.name for p in results] == [c.stem + ".pdf" for c in copies]
    return dict(zip(sources, results))


def check_jsonschema(*args: str) -> subprocess.CompletedProcess:
    """``check-jsonschema args``: that tool's own click command, run in process (a
    Python start and its imports cost about a second a call); the result looks like
    ``subprocess.run``'s (returncode, stdout, stderr)."""
    from check_jsonschema.cli.main_command import main
    from click.testing import CliRunner
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return subprocess.CompletedProcess(["check-jsonschema", *args], result.exit_code, result.stdout, result.stderr)
