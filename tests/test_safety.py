"""Safe names, safe reading, escaped diagnostics, ECMA patterns, publish faults
(kill between the renames, a lock for concurrent builds, filesystem errors),
the UTC as-of date, docx2text's cost caps and the template worker."""

from __future__ import annotations

import datetime as dt
import importlib
import errno
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from kehoach import cli, sandbox
from kehoach.build import BuildOptions, render_plan
from kehoach.diagnostics import escape, format_json, make
from kehoach.docx2text import docx_text
from kehoach.load import load_plan
from kehoach.load.schema import ecma_pattern, validator
from kehoach.load.yamlread import YamlDoc
from kehoach.render.publish import MANIFEST_NAME, OutputBusy, PublishError, output_lock, publish, recover
from kehoach.safety import UnsafeFile, name_collisions, name_problem, read_regular

publish_mod = importlib.import_module("kehoach.render.publish")  # the package re-exports the function

SMALL = Path(__file__).parent / "fixtures" / "harden-small"
SRC = str(Path(__file__).resolve().parent.parent / "src")
FIRST = {"a.docx": b"first a", "sub/b.ics": b"first b"}
SECOND = {"a.docx": b"second a", "sub/c.ics": b"second c"}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- safe names ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["phong-y-te", "3.2", "xa-ban-hon", "a", "con-cuong", "com10", "lpt"])
def test_safe_names_accepted(name):
    assert name_problem(name) is None


@pytest.mark.parametrize("name", [
    "phong-moi\n", "../x", "a/b", "a\\b", "c:x", "a\x00b", "", "Phong", "phòng", "a--b", "-a", "a.",
    "con", "CON", "nul", "aux", "prn", "com1", "lpt9", "lpt1.x", "tong-hop", "manifest", "a" * 101,
])
def test_unsafe_names_refused(name):
    assert name_problem(name)


def test_collisions_fold_case_and_normalisation():
    nfd = "pho\u0300ng"
    assert name_collisions(["Phong", "phong", "x", "phòng", nfd]) == [("Phong", "phong"), ("phòng", nfd)]
    assert name_collisions(["a", "a", "b"]) == []  # the same id twice is KH031's business


# -- safe reading --------------------------------------------------------------------


def test_read_regular_refuses_what_is_not_a_regular_file_inside(tmp_path):
    root = tmp_path / "plan"
    root.mkdir()
    (tmp_path / "secret").write_text("BÍ MẬT")
    (root / "ok.yaml").write_text("a: 1\n")
    os.symlink(tmp_path / "secret", root / "out-link")
    os.symlink(root / "ok.yaml", root / "in-link")
    os.symlink("/dev/zero", root / "zero")
    os.mkfifo(root / "fifo")
    (root / "big").write_bytes(b"x" * 101)
    assert read_regular(root / "ok.yaml", root, 100) == b"a: 1\n"
    assert read_regular(root / "in-link", root, 100) == b"a: 1\n"  # a link inside the plan is fine
    for name, words in (("out-link", "ngoài"), ("zero", "ngoài"), ("fifo", "FIFO"), ("big", "vượt giới hạn")):
        start = time.monotonic()
        with pytest.raises(UnsafeFile, match=words) as info:
            read_regular(root / name, root, 100)
        assert time.monotonic() - start < 2
        assert "BÍ MẬT" not in str(info.value)
    with pytest.raises(UnsafeFile, match="thiết bị"):
        read_regular("/dev/zero", "/dev", 100)


# -- diagnostics print user values literally, on one line ------------------------------


def test_escape_neutralises_line_breaks_terminal_and_bidi_controls():
    value = "x\nplan/a.yaml:1:1: KH000 lỗi: giả\r\x1b[2K\u202e\u200b\x85"
    line = make("plan/a\n.yaml", 3, 4, "KH023", f"giá trị '{value}'").format()
    assert "\n" not in line and "\r" not in line and "\x1b" not in line and "\u202e" not in line
    assert line == ("plan/a\\n.yaml:3:4: KH023 lỗi: giá trị 'x\\nplan/a.yaml:1:1: KH000 lỗi: giả"
                    "\\r\\x1b[2K\\u202e\\u200b\\x85'")
    assert escape("Tiếng Việt có dấu ./.") == "Tiếng Việt có dấu ./."
    data = json.loads(format_json([make("p", 1, 1, "KH023", "a\nb")]))
    assert data["diagnostics"][0]["message"] == "a\\nb"


# -- patterns are ECMA-262: "$" is the very end ------------------------------------------


def test_dollar_in_schema_patterns_does_not_match_before_a_final_newline():
    assert ecma_pattern("^[a-z]+$") == "^[a-z]+\\Z"
    assert ecma_pattern(r"^a\$[$]$") == r"^a\$[$]\Z"
    assert ecma_pattern("^[]$]$") == "^[]$]\\Z"
    agencies = {"agencies": [{"id": "phong-moi\n", "name": "A", "short_name": "A", "kind": "khac"}]}
    errors = list(validator("agencies").iter_errors(agencies))
    assert [e.validator for e in errors] == ["pattern"]
    agencies["agencies"][0]["id"] = "phong-moi"
    assert not list(validator("agencies").iter_errors(agencies))


# -- publish: faults ------------------------------------------------------------------------


def _killed_publish(out: Path, moment: str) -> None:
    """Publish SECOND in a child process that dies (os._exit) at ``moment``."""
    code = textwrap.dedent(f"""
        import os, sys
        from pathlib import Path
        import importlib
        p = importlib.import_module('kehoach.render.publish')
        real_rename, real_write = p._rename, p._write_file
        moment = {moment!r}
        def rename(src, dst):
            real_rename(src, dst)
            if moment == "between-renames" and Path(dst).name.startswith(".out.old-"):
                os._exit(9)
        def write(path, data):
            if moment == "while-writing" and Path(path).name == "c.ics":
                os._exit(9)
            real_write(path, data)
        p._rename, p._write_file = rename, write
        p._exchange = lambda new, out: False   # the two-rename path, where the gap exists
        p.publish({SECOND!r}, Path({str(out)!r}))
        sys.exit(1)
    """)
    result = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": SRC}, capture_output=True)
    assert result.returncode == 9, result.stderr.decode()


@pytest.mark.parametrize("moment", ["between-renames", "while-writing"])
def test_next_publish_repairs_what_a_killed_one_left(tmp_path, moment):
    out = tmp_path / "out"
    publish(FIRST, out)
    _killed_publish(out, moment)
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "out")
    assert leftovers and all(name.startswith((".out.old-", ".out.new-", ".out.lock")) for name in leftovers)
    if moment == "between-renames":
        assert not out.exists()  # the gap the exchange closes on Linux
    recover(out)  # what the next build does first, under the lock
    assert snapshot(out) == {**{k: v for k, v in FIRST.items()}, MANIFEST_NAME: (out / MANIFEST_NAME).read_bytes()}
    publish(SECOND, out)
    assert set(snapshot(out)) == set(SECOND) | {MANIFEST_NAME}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_exchange_keeps_out_dir_in_place(tmp_path, monkeypatch):
    """On Linux the swap is one renameat2(RENAME_EXCHANGE): no moment without ``out``."""
    out = tmp_path / "out"
    publish(FIRST, out)
    seen = []
    real = publish_mod._exchange_syscall

    def exchange(new, old):
        done = real(new, old)
        seen.append(done)
        assert out.is_dir()
        return done

    monkeypatch.setattr(publish_mod, "_exchange_syscall", exchange)
    publish(SECOND, out)
    assert set(snapshot(out)) == set(SECOND) | {MANIFEST_NAME}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    if sys.platform.startswith("linux"):
        assert seen == [True]


def test_second_build_of_the_same_folder_is_refused_while_the_first_runs(tmp_path):
    out = tmp_path / "out"
    publish(FIRST, out)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; from kehoach.render.publish import output_lock\n"
         f"with output_lock(Path({str(out)!r})):\n    print('locked', flush=True); sys.stdin.read()"],
        env={**os.environ, "PYTHONPATH": SRC}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputBusy, match="đang được một lệnh kehoach khác dựng"):
            publish(SECOND, out)
        assert snapshot(out)["a.docx"] == b"first a"
        shutil.copytree(SMALL, tmp_path / "plan")
        err = io.StringIO()
        cwd = os.getcwd()
        os.chdir(tmp_path)
        try:
            sys.stderr, saved = err, sys.stderr
            code = cli.main(["build", "plan", "-o", "out"])
        finally:
            sys.stderr = saved
            os.chdir(cwd)
        assert code == 1 and "đang được một lệnh kehoach khác dựng" in err.getvalue(), err.getvalue()
    finally:
        holder.communicate("")
    publish(SECOND, out)  # free again
    assert snapshot(out)["a.docx"] == b"second a"


@pytest.mark.parametrize("err, words", [(errno.ENOSPC, "ổ đĩa đã đầy"), (errno.EROFS, "chỉ cho phép đọc"),
                                        (errno.EACCES, "không có quyền ghi")])
def test_filesystem_errors_become_vietnamese_errors(tmp_path, monkeypatch, err, words):
    out = tmp_path / "out"
    publish(FIRST, out)

    def failing(path, data):
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(publish_mod, "_write_file", failing)
    with pytest.raises(PublishError, match=words) as info:
        publish(SECOND, out)
    assert info.value.code == "KH095"
    assert snapshot(out)["a.docx"] == b"first a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_cli_reports_a_full_disk_as_a_positioned_error(tmp_path, monkeypatch, capsys):
    shutil.copytree(SMALL, tmp_path / "plan")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["-q", "build", "plan", "-o", "out"]) == 0
    before = snapshot(tmp_path / "out")
    capsys.readouterr()
    monkeypatch.setattr(publish_mod, "_write_file", lambda path, data: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    assert cli.main(["build", "plan", "-o", "out"]) == 1
    err = capsys.readouterr().err
    [line] = [x for x in err.splitlines() if " lỗi: " in x]   # the fixture's KH120 warnings may precede it
    assert line.startswith("out:1:1: KH095 lỗi: ") and "ổ đĩa đã đầy" in line, err
    assert snapshot(tmp_path / "out") == before


# -- the consolidated report's "as of" day is the UTC day ---------------------------------


@pytest.mark.parametrize("zone", ["Etc/GMT-14", "Etc/GMT+12"])
def test_as_of_day_does_not_follow_the_local_time_zone(monkeypatch, zone):
    """At any instant one of UTC+14 and UTC-12 is on another calendar day than UTC."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        assert BuildOptions().today() == dt.datetime.now(dt.timezone.utc).date()
    finally:
        monkeypatch.undo()
        time.tzset()


# -- docx2text cost caps ----------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("entries, words", [
    ({"word/document.xml": b"<a>" + b" " * (40 * 1024 * 1024) + b"</a>"}, "quá lớn"),
    ({"word/document.xml": b"<a>" + b" " * (3 * 1024 * 1024) + b"</a>"}, "bom nén"),
    ({f"x/{i}.xml": b"" for i in range(6000)} | {"word/document.xml": b"<a/>"}, "phần"),
])
def test_docx2text_refuses_costly_packages_quickly(entries, words):
    data = _zip(entries)
    start = time.monotonic()
    with pytest.raises(ValueError, match=words):
        docx_text(data)
    assert time.monotonic() - start < 5


# -- user templates render in a limited worker, with the same result ---------------------------


def test_user_template_in_the_worker_renders_the_same_bytes(tmp_path):
    plan_dir = tmp_path / "plan"
    shutil.copytree(SMALL, plan_dir)
    default = render_plan(load_plan(plan_dir))
    from kehoach.resources import data_dir
    shutil.copytree(data_dir("templates"), plan_dir / "mau")
    text = (plan_dir / "plan.yaml").read_text(encoding="utf-8")
    (plan_dir / "plan.yaml").write_text(text.replace("\nlevel:", "\ntemplates: mau\nlevel:", 1), encoding="utf-8")
    plan = load_plan(plan_dir)
    assert plan.template_dir
    assert render_plan(plan) == default


def test_worker_time_limit_stops_a_runaway_render():
    # A template that really runs away (10^10 iterations): with the default
    # template and an empty context the worker fails at once, and a busy
    # machine could deliver that failure before a 1 ms limit expired.
    import docx

    document = docx.Document()
    document.add_paragraph("{% for a in range(99999) %}{% for b in range(99999) %}{{ a }}{% endfor %}{% endfor %}")
    buf = io.BytesIO()
    document.save(buf)
    start = time.monotonic()
    with pytest.raises(sandbox.LimitExceeded, match="giây"):
        sandbox.render(buf.getvalue(), {}, time_limit=0.5)
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("target", ["fifo", "/dev/zero"])
def test_docx2text_refuses_fifos_and_devices_without_blocking(tmp_path, capsys, target):
    path = tmp_path / "x.docx"
    if target == "fifo":
        os.mkfifo(path)
    else:
        os.symlink(target, path)
    start = time.monotonic()
    assert cli.main(["docx2text", str(path)]) == 1
    assert "không phải tệp thường" in capsys.readouterr().err
    from kehoach import docx2text
    assert docx2text.main([str(path)]) == 1
    assert time.monotonic() - start < 5
