"""One validation pipeline: the library (``kehoach.check_plan``) and every
command of the CLI see the same problems in the same plan, and exit alike.

The fixture plan is a copy of ``tests/fixtures/harden-small`` (a scaffolded
commune plan, whose ``THAY`` placeholders give KH120 warnings) with one
agency's return for the open period 2026.  The CLI runs in-process.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
from pathlib import Path

import pytest

import kehoach
from kehoach import cli
from kehoach.annotations import format_github, format_gitlab
from kehoach.diagnostics import format_json, format_text
from kehoach.returns import init_returns

from conftest import FIXTURES, replace_once

PERIOD = "2026"
REPORTER = "cong-an-xa"
RETURN = Path("plan") / "reports" / PERIOD / f"{REPORTER}.yaml"
#: the module (``kehoach.build`` is the function of the same name)
build_module = importlib.import_module("kehoach.build")
DIAGNOSTIC = re.compile(r"^.+:\d+:\d+: KH\d{3} (lỗi|cảnh báo): ")


@pytest.fixture
def plan(tmp_path, monkeypatch) -> Path:
    """``tmp_path/plan``, valid, with the blank return of ``cong-an-xa``; the
    working directory is ``tmp_path`` so every path printed is ``plan/…``."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURES / "harden-small", "plan")
    files = init_returns(kehoach.load_plan("plan"), PERIOD)
    rel = f"reports/{PERIOD}/{REPORTER}.yaml"
    assert rel in files
    (tmp_path / RETURN).parent.mkdir(parents=True)
    (tmp_path / RETURN).write_text(files[rel], encoding="utf-8")
    return Path("plan")


def _bad_return(plan: Path) -> None:
    """The misspelt agency of issue #11: the file name no longer matches (KH064)
    and the agency is unknown (KH065)."""
    replace_once(RETURN, f"agency: {REPORTER}", "agency: cong-an-x")


def _unknown_agency(plan: Path) -> None:
    replace_once(plan / "tasks.yaml", "lead: cong-an-xa", "lead: cong-an-xaa")


def _schema_error(plan: Path) -> None:
    replace_once(plan / "plan.yaml", "level: xa\n", "level: xa\nlevle: xa\n")


BAD = {"bad return": (_bad_return, {"KH064", "KH065"}), "unknown agency": (_unknown_agency, {"KH030"}),
       "schema error": (_schema_error, {"KH020"})}

#: every command that needs a valid plan, as argv (the plan folder is "plan")
COMMANDS = {
    "validate": ["validate", "plan"],
    "build": ["build", "plan", "-o", "out"],
    "diff": ["diff", "plan", "plan"],
    "report init": ["report", "init", "plan", "--period", PERIOD],
    "report read": ["report", "read", "filled.docx", "--plan", "plan"],
    "calendar": ["calendar", "plan", "-o", "lich"],
    "templates check": ["templates", "check", "mau", "--plan", "plan"],
}


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _diagnostic_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if DIAGNOSTIC.match(line)]


@pytest.mark.parametrize("case", BAD)
def test_library_and_every_command_agree(plan, capsys, case):
    breaks, codes = BAD[case]
    breaks(plan)
    result = kehoach.check_plan(plan)
    assert not result.ok and result.plan is None
    assert codes <= {d.code for d in result.diagnostics if d.is_error}
    expected = format_text(result.diagnostics).splitlines()
    # a plan whose own files are sound gets its warnings too (KH120 of the placeholders)
    assert any("KH120" in line for line in expected) == (case == "bad return")
    for name, argv in COMMANDS.items():
        code, out, err = _run(capsys, argv)
        assert code == cli.EXIT_INVALID, (name, err)
        assert _diagnostic_lines(err) == expected, name
        assert "Traceback" not in err and "lỗi nội bộ" not in err, name
        assert all(line.startswith("kehoach: ") or DIAGNOSTIC.match(line) for line in err.splitlines()), name
    assert not Path("out").exists() and not Path("lich").exists()


@pytest.mark.parametrize("case", BAD)
def test_validate_reports_the_library_diagnostics_in_every_format(plan, capsys, case):
    BAD[case][0](plan)
    diagnostics = kehoach.check_plan(plan).diagnostics
    for fmt, render in (("json", format_json), ("github", format_github), ("gitlab", format_gitlab)):
        code, out, err = _run(capsys, ["validate", "plan", "--format", fmt])
        assert (code, out, err) == (cli.EXIT_INVALID, render(diagnostics), ""), fmt
    assert json.loads(_run(capsys, ["validate", "plan", "--format", "json"])[1])["errors"] == \
        sum(d.is_error for d in diagnostics)


def test_the_issue_figures(plan, capsys):
    """Before: check_plan() found 0 errors where validate found 2 and exited 1."""
    _bad_return(plan)
    errors = [d for d in kehoach.check_plan(plan).diagnostics if d.is_error]
    assert [(d.path, d.code) for d in errors] == [(str(RETURN), "KH064"), (str(RETURN), "KH065")]
    code, _, err = _run(capsys, ["validate", "plan"])
    assert code == 1 and "plan: không hợp lệ — 2 lỗi" in err
    with pytest.raises(kehoach.PlanError) as raised:
        kehoach.load_plan(plan)
    assert raised.value.diagnostics == kehoach.check_plan(plan).diagnostics


def test_check_result_keeps_the_old_pair(plan):
    result = kehoach.check_plan(plan)
    model, diagnostics = result
    assert result.ok and model is result.plan and result[0] is model and result[1] is diagnostics
    assert {d.code for d in diagnostics} == {"KH120"} and result.errors == 0
    assert result.warnings == len(diagnostics)
    (answer,) = result.returns[PERIOD]
    assert answer.agency_id == REPORTER and answer.path == str(RETURN)
    assert kehoach.load_plan(plan) == model


def test_each_return_is_read_once(plan, monkeypatch):
    import kehoach.returns.load as returns_module  # where the loader looks read_yaml up
    reads: list[str] = []
    real = returns_module.read_yaml

    def spy(path, shown, **kw):
        reads.append(shown)
        return real(path, shown, **kw)

    monkeypatch.setattr(returns_module, "read_yaml", spy)
    assert kehoach.check_plan(plan).ok
    assert reads == [str(RETURN)]


def test_build_renders_from_the_checked_returns(plan, capsys, monkeypatch):
    """The build does not read the returns again: it renders the consolidated
    report from what the pipeline checked."""
    result = kehoach.check_plan(plan)

    def no_second_read(*args, **kwargs):
        raise AssertionError("returns read again during the build")

    monkeypatch.setattr(build_module, "read_returns", no_second_read)
    monkeypatch.setattr(build_module, "load_returns", no_second_read)
    code, out, err = _run(capsys, ["build", "plan", "-o", "out", "-q", "-j", "1"])
    assert (code, out) == (0, ""), err
    assert _diagnostic_lines(err) == format_text(result.diagnostics).splitlines()  # the warnings, once
    manifest = json.loads(Path("out/manifest.json").read_text(encoding="utf-8"))
    assert any(d["kind"] == "consolidated-report" and d.get("period") == PERIOD for d in manifest["documents"])


def test_a_script_build_checks_the_returns_before_rendering(plan, tmp_path):
    model = kehoach.load_plan(plan)
    _bad_return(plan)  # broken after loading: the build finds it, once, before any rendering
    with pytest.raises(kehoach.PlanError) as raised:
        kehoach.build(model, tmp_path / "out", jobs=1)
    assert {"KH064", "KH065"} <= {d.code for d in raised.value.diagnostics}
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv", [["build", "plan", "-o", "out", "-q"], ["-q", "build", "plan", "-o", "out"]],
                         ids=["after", "before"])
def test_quiet_before_or_after_the_command(plan, capsys, argv, monkeypatch):
    monkeypatch.setattr(build_module, "render_documents", lambda *a, **k: [])  # the flag, not the render
    code, out, err = _run(capsys, argv)
    assert (code, out) == (0, "") and "lỗi cách dùng" not in err
    loud = _run(capsys, ["build", "plan", "-o", "out2"])
    assert loud[0] == 0 and "manifest.json" in loud[1]


def test_quiet_after_a_sub_command(plan, capsys):
    assert _run(capsys, ["validate", "plan"])[1].startswith("plan: hợp lệ")
    assert _run(capsys, ["validate", "plan", "-q"])[:2] == (0, "")
    assert _run(capsys, ["-q", "validate", "plan"])[:2] == (0, "")
    code, out, _ = _run(capsys, ["report", "init", "plan", "--period", PERIOD, "--quiet"])
    assert (code, out) == (0, "")


def test_schema_plain(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, ["schema", "--plain", "--out", "s"])
    assert (code, err) == (0, "") and out.startswith("s: ")
    assert (tmp_path / "s" / "common.schema.json").is_file()


def test_unknown_period_is_a_usage_error(plan, capsys):
    code, _, err = _run(capsys, ["build", "plan", "-o", "out", "--period", "1999"])
    assert code == cli.EXIT_USAGE and not Path("out").exists()
    assert err.splitlines()[-1].startswith("kehoach: kỳ báo cáo '1999'")


def test_each_command_is_defined_once():
    """One registry: every command of ``kehoach --help`` is an entry of
    cli.COMMANDS, and the library modules no longer carry parsers of their own."""
    import kehoach.scaffold
    import kehoach.schema_export

    assert set(cli.COMMANDS) == {"validate", "build", "report", "report init", "report read", "calendar", "diff",
                                 "docx2text", "schema", "new", "templates", "templates check"}
    for module in (kehoach.scaffold, kehoach.schema_export):
        assert not hasattr(module, "configure_parser") and not hasattr(module, "run")


def test_command_error_carries_its_exit_code_and_diagnostics(capsys, monkeypatch):
    from kehoach.diagnostics import make

    problem = make("plan/plan.yaml", 3, 5, "KH020", "khóa 'x' không được khai báo")

    def fails(args, out):
        raise cli.UsageError("dừng lại", [problem])

    monkeypatch.setitem(cli.COMMANDS, "validate", cli.Command("validate", "h", run=fails))
    code, out, err = _run(capsys, ["validate"])
    assert (code, out) == (2, "")
    assert err == problem.format() + "\nkehoach: dừng lại\n"


def test_report_init_repairs_stale_returns_then_agrees_with_validate(plan, capsys):
    """A plan change makes a return stale (KH066: a task no longer the
    agency's); ``report init`` is the command that repairs it, so it runs on
    such a plan, and exits with what the pipeline says afterwards."""
    replace_once(plan / "tasks.yaml", "lead: cong-an-xa", "lead: phong-kinh-te")
    replace_once(plan / "tasks.yaml", "support: [vp-hdnd-ubnd, phong-kinh-te]",
                 "support: [vp-hdnd-ubnd, phong-kinh-te, cong-an-xa]")
    stale = kehoach.check_plan(plan)
    assert not stale.ok and stale.model is not None
    assert "KH066" in {d.code for d in stale.diagnostics if d.is_error}
    assert _run(capsys, ["validate", "plan"])[0] == 1
    code, out, err = _run(capsys, ["report", "init", "plan", "--period", PERIOD])
    assert code == 0, err
    assert f"{RETURN}: đã cập nhật — thêm nhiệm vụ 2.1; đánh dấu removed: true nhiệm vụ 1.2" in out.splitlines()
    after = kehoach.check_plan(plan)
    assert after.ok and _diagnostic_lines(err) == format_text(after.diagnostics).splitlines()
    assert _run(capsys, ["validate", "plan"])[0] == 0
