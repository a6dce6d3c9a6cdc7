"""Run the bad-input corpus (tests/corpus/cases.py) through ``validate`` and ``build``.

Each case runs in a scratch folder: ``plan/`` (the patched fixture plan),
``out/`` (a previous build), ``outside/secret.yaml`` (a file outside the plan
whose content must never be printed).  The CLI runs in process (``main(argv)``,
which turns any exception into exit 3 — so exit 3 is the "traceback" we
forbid) under an alarm, so a hang fails the case instead of the suite.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from corpus.cases import CASES, SECRET, Case  # noqa: E402
from ooxml import with_paragraph_first  # noqa: E402
from conftest import scoped  # noqa: E402

from kehoach import cli, sandbox  # noqa: E402
from kehoach.diagnostics import escape  # noqa: E402
from kehoach.docx2text import docx_text  # noqa: E402
from kehoach.resources import data_dir  # noqa: E402

FIXTURE = Path(__file__).parent / "fixtures" / "harden-plan"
RETURNS = Path(__file__).parent / "fixtures" / "returns" / "2025-H1"
#: Seconds any one command may take (the slowest case, 20,000 return entries, takes about 2 s).
BOUND = 30
DIAGNOSTIC = re.compile(r"^(\S.*?):(\d+):(\d+): KH\d{3} (lỗi|cảnh báo): ")
TIMES: dict[str, float] = {}


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def run(argv: list[str], cwd: Path, env: dict) -> tuple[int, str, str, float]:
    """``kehoach argv`` in process, in ``cwd``, with ``env`` added; (exit, stdout, stderr, seconds)."""
    out, err = io.StringIO(), io.StringIO()
    with scoped(env, cwd):
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(BOUND)
        start = time.perf_counter()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli.main(argv)
        except Hang:
            pytest.fail(f"kehoach {' '.join(argv)} ran past {BOUND} s")
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - start


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"", p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def tree(folder: Path, skip: Path) -> set[str]:
    """Every path below ``folder`` except those in ``skip`` (the output)."""
    out = set()
    for p in folder.rglob("*"):
        if p == skip or skip in p.parents:
            continue
        out.add(str(p.relative_to(folder)))
    return out


@pytest.fixture(scope="session")
def previous_output(tmp_path_factory) -> Path:
    """One build of the fixture plan: the output every case starts from."""
    root = tmp_path_factory.mktemp("corpus-base")
    shutil.copytree(FIXTURE, root / "plan")
    code, _, err, _ = run(["build", "plan", "-o", "out"], root, {})
    assert code == 0, err
    return root / "out"


def _template_folder(plan: Path, name: str, snippet: str) -> None:
    """``plan/mau/``: the default templates, ``snippet`` added at the start of ``name``'s body."""
    folder = plan / "mau"
    folder.mkdir(exist_ok=True)
    for source in sorted(data_dir("templates").glob("*.docx")):
        data = source.read_bytes()
        if source.name == name and snippet:
            data = with_paragraph_first(data, snippet)
        (folder / source.name).write_bytes(data)
    text = (plan / "plan.yaml").read_text(encoding="utf-8")
    if "\ntemplates:" not in text:
        (plan / "plan.yaml").write_text(text.replace("level: huyen\n", "level: huyen\ntemplates: mau\n", 1), encoding="utf-8")


def apply(case: Case, root: Path) -> None:
    plan = root / "plan"
    for op in case.ops:
        kind, rel = op[0], op[1]
        path = plan / rel
        if kind == "replace":
            text = path.read_text(encoding="utf-8")
            assert op[2] in text, f"{case.name}: {op[2]!r} not in {rel}"
            path.write_text(text.replace(op[2], op[3], 1), encoding="utf-8")
        elif kind == "append":
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(op[2])
        elif kind == "write":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(op[2] if isinstance(op[2], bytes) else op[2].encode("utf-8"))
        elif kind == "remove":
            path.unlink()
        elif kind == "symlink":
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(op[2].format(outside=root / "outside"), path)
        elif kind == "fifo":
            path.parent.mkdir(parents=True, exist_ok=True)
            os.mkfifo(path)
        elif kind == "mkdir":
            path.mkdir(parents=True, exist_ok=True)
        elif kind == "return":
            target = plan / "reports" / "2025-H1" / f"{rel}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(RETURNS / f"{rel}.yaml", target)
        elif kind == "templates":
            _template_folder(plan, rel, op[2])
        else:  # pragma: no cover - a typo in the corpus
            raise AssertionError(f"unknown operation {kind}")


def expected_prefix(case: Case, root: Path) -> str:
    """The start of the diagnostic line the case must print."""
    if case.file == "out":
        return f"{escape(case.out or 'out')}:1:1: {case.code} "
    if case.file == "env":
        return "kehoach: lỗi: biến môi trường SOURCE_DATE_EPOCH="
    if case.file.startswith("/"):
        return f"{case.file}:1:1: {case.code} "
    if isinstance(case.at, tuple) and isinstance(case.at[0], str):
        text = (root / "plan" / case.file).read_bytes().decode("utf-8", "replace")
        index = text.index(case.at[0]) + case.at[1]
        line = text.count("\n", 0, index) + 1
        col = index - (text.rfind("\n", 0, index) + 1) + 1
        return f"plan/{case.file}:{line}:{col}: {case.code} "
    if case.at:
        return f"plan/{case.file}:{case.at[0]}:{case.at[1]}: {case.code} "
    return f"plan/{case.file}:"


def check_output_lines(stderr: str, root: Path) -> None:
    """What holds for every case's messages."""
    assert "lỗi nội bộ" not in stderr and "Traceback" not in stderr, stderr
    assert SECRET not in stderr, "content of a file outside the plan was printed"
    assert "\r" not in stderr and "\x1b" not in stderr and "\u202e" not in stderr, repr(stderr)
    for line in stderr.splitlines():
        assert not re.match(r"plan(/[a-z.]+)?:1:1: KH000 ", line), f"forged diagnostic line: {line!r}"
        assert line.startswith("kehoach: ") or DIAGNOSTIC.match(line), f"unexpected output line: {line!r}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Case, previous_output: Path, tmp_path: Path, monkeypatch):
    shutil.copytree(FIXTURE, tmp_path / "plan")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_text(f"id: {SECRET}\nlevel: huyen\n", encoding="utf-8")
    apply(case, tmp_path)
    out = tmp_path / "out"
    shutil.copytree(previous_output, out)
    before = snapshot(out)
    before_tree = tree(tmp_path, out)
    if case.template_time:
        monkeypatch.setattr(sandbox, "TIME_LIMIT", case.template_time)

    code, _, v_err, v_time = run(["validate", "plan"], tmp_path, case.env)
    check_output_lines(v_err, tmp_path)
    assert code == case.validate_exit, v_err
    b_code, _, b_err, b_time = run(["build", "plan", "-o", case.out or "out"], tmp_path, case.env)
    check_output_lines(b_err, tmp_path)
    assert b_code == case.build_exit, b_err
    TIMES[case.name] = max(v_time, b_time)

    if case.code:
        prefix = expected_prefix(case, tmp_path)
        lines = (v_err if case.validate_exit else b_err).splitlines()
        if case.file.startswith("/"):
            assert any(prefix in line for line in lines), f"{prefix!r} not in:\n{b_err}"
        else:
            assert any(line.startswith(prefix) for line in lines), f"{prefix!r} not in:\n{v_err}\n{b_err}"
        if case.validate_exit:  # build reports the same problem before rendering anything
            assert any(line.startswith(prefix) for line in b_err.splitlines()), b_err
    # Nothing written outside the output folder (build's lock file is removed).
    assert tree(tmp_path, out) == before_tree
    if case.build_exit:
        assert snapshot(out) == before, "the previous output was changed"
    else:
        assert snapshot(out) != before
        documents = [p for p in out.rglob("*.docx")]
        assert documents
        if case.literal:
            text = docx_text((out / "tam-duong-qd27.docx").read_bytes())
            for literal in [case.literal] if isinstance(case.literal, str) else case.literal:
                assert text.count(literal) == 1, literal
        for path, literal in case.literal_in:
            assert " ".join(docx_text((out / path).read_bytes()).split()).count(literal) == 1, (path, literal)
        for ics in out.rglob("*.ics"):  # a value never ends a calendar early
            lines = ics.read_bytes().decode("utf-8").splitlines()
            assert lines.count("END:VCALENDAR") == 1 and lines[-1] == "END:VCALENDAR", ics


def test_corpus_size_and_slowest_case():
    """The corpus covers the issue's list (a floor, so cases are not lost) and
    reports the slowest case (see changes/harden-note.md)."""
    assert len(CASES) >= 95
    assert len({c.name for c in CASES}) == len(CASES)
    if TIMES:
        name = max(TIMES, key=TIMES.get)
        print(f"\ncorpus: {len(CASES)} cases, slowest {name} {TIMES[name]:.2f} s")


def test_manifest_lists_every_file_once_and_nothing_outside(previous_output: Path):
    """Every published path is unique (also case- and NFC-insensitively), every
    file on disk is listed with its hash, and every path stays inside the output."""
    import hashlib
    import json
    import unicodedata

    from kehoach.safety import name_problem

    manifest = json.loads((previous_output / "manifest.json").read_text(encoding="utf-8"))
    on_disk = {str(p.relative_to(previous_output)) for p in previous_output.rglob("*") if p.is_file()}
    on_disk.discard("manifest.json")
    listed = [d["path"] for d in manifest["documents"]]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(manifest["files"]) == on_disk
    assert len({unicodedata.normalize("NFC", p).casefold() for p in listed}) == len(listed)
    root = previous_output.resolve()
    for path in listed:
        target = (previous_output / path).resolve()
        assert root in target.parents
        assert hashlib.sha256(target.read_bytes()).hexdigest() == manifest["files"][path]
        stem = Path(path).name.split(".")[0]
        assert name_problem(stem) is None or stem == "tong-hop", path  # the office calendar is kehoach's own
        assert escape(path) == path
    assert listed.count("lich/tong-hop.ics") == 1
