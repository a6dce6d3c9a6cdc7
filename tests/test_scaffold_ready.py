"""A scaffold ready for each level: the staff guide's examples work in that
level's repository, leftover placeholders warn (KH120), the repository starts
as a git repository, and ``--source`` reaches the recipes, hooks and README."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

import kehoach
from kehoach import cli
from kehoach.diagnostics import CODES
from kehoach.placeholders import check_placeholders
from kehoach.scaffold import LEVELS, Source, new_plan_repo, repo_files

from conftest import run_cli

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module", params=sorted(LEVELS))
def level_repo(request, tmp_path_factory):
    target = tmp_path_factory.mktemp("ready") / request.param
    new_plan_repo(target, request.param, today=TODAY)
    return request.param, target


def _examples(guide: str) -> dict[str, str]:
    """``<!-- vi-du: FILE NAME -->`` → the YAML block that follows it."""
    return {f"{m.group(1)} {m.group(2)}": m.group(3) for m in re.finditer(
        r"<!-- vi-du: (\S+) (\S+) -->\n```yaml\n(.*?)```", guide, re.S)}


def test_guide_examples_validate_in_that_level(level_repo, tmp_path):
    level, target = level_repo
    guide = (target / "HUONG-DAN.md").read_text(encoding="utf-8")
    assert f"cấp {LEVELS[level]}" in guide.splitlines()[0] and "@@" not in guide
    examples = _examples(guide)
    assert set(examples) == {"plan/tasks.yaml nhiem-vu", "plan/agencies.yaml co-quan"}
    plan_dir = tmp_path / "plan"
    plan_dir.mkdir()
    for name in ("plan.yaml", "agencies.yaml", "tasks.yaml"):
        (plan_dir / name).write_bytes((target / "plan" / name).read_bytes())
    # the guide says: append to the last group's tasks, and to the agencies list — as text, at the indentation shown
    tasks = plan_dir / "tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8").rstrip("\n") + "\n" + examples["plan/tasks.yaml nhiem-vu"],
                     encoding="utf-8")
    agencies = plan_dir / "agencies.yaml"
    text = agencies.read_text(encoding="utf-8")
    start = text.index("\ngroups:") if "\ngroups:" in text else len(text)
    agencies.write_text(text[:start].rstrip("\n") + "\n" + examples["plan/agencies.yaml co-quan"] + text[start:],
                        encoding="utf-8")
    plan, diagnostics = kehoach.check_plan(plan_dir)
    assert plan is not None, [d.format() for d in diagnostics]
    assert [d.format() for d in diagnostics if d.code != "KH120"] == []  # the THAY placeholders only
    added = plan.tasks[-1]
    assert added.id == "2.9" and added.timeline.text == "2026-2030"
    new_agency = yaml.safe_load(examples["plan/agencies.yaml co-quan"])[0]["id"]
    assert new_agency in plan.registry.agencies


def test_guide_error_example_is_what_validate_prints(level_repo, tmp_path, capsys, monkeypatch):
    level, target = level_repo
    guide = (target / "HUONG-DAN.md").read_text(encoding="utf-8")
    (shown,) = re.findall(r"^plan/tasks\.yaml:\d+:\d+: (KH030 lỗi: .*)$", guide, re.M)
    typo = re.search(r"'([^']+)' không có", shown).group(1)
    right = re.search(r"có phải là '([^']+)'", shown).group(1)
    repo = tmp_path / "kho"
    new_plan_repo(repo, level, today=TODAY)
    tasks = repo / "plan" / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    assert f"lead: {right}" in text
    tasks.write_text(text.replace(f"lead: {right}", f"lead: {typo}", 1), encoding="utf-8")
    monkeypatch.chdir(repo)
    assert cli.main(["validate"]) == 1
    err = capsys.readouterr().err
    assert shown in err, err


def test_readme_links_the_guide_and_the_codes(level_repo):
    _, target = level_repo
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert "[HUONG-DAN.md](HUONG-DAN.md)" in readme and "[MA-LOI.md](MA-LOI.md)" in readme
    codes = (target / "MA-LOI.md").read_text(encoding="utf-8")
    for code, (severity, title, _) in CODES.items():
        assert f"| {code} | {severity.value} | {title} |" in codes


def test_placeholders_warn_until_replaced(level_repo, tmp_path):
    _, target = level_repo
    warnings = check_placeholders(target / "plan")
    assert warnings and {d.code for d in warnings} == {"KH120"} and not any(d.is_error for d in warnings)
    texts = {name: (target / "plan" / name).read_text(encoding="utf-8") for name in ("plan.yaml", "agencies.yaml",
                                                                                    "tasks.yaml")}
    expected = sum(1 for text in texts.values() for line in text.splitlines() if "THAY" in line)
    assert len(warnings) == expected
    first = warnings[0]
    line = texts[Path(first.path).name].splitlines()[first.line - 1]
    assert line[first.col - 1:first.col + 3] == "THAY"
    cleaned = tmp_path / "plan"
    cleaned.mkdir()
    for name, text in texts.items():
        (cleaned / name).write_text(text.replace("THAY", "đã thay"), encoding="utf-8")
    assert check_placeholders(cleaned) == []
    assert "THAYĐỔI" not in "".join(texts.values())


def test_placeholder_word_must_stand_alone(tmp_path):
    (tmp_path / "plan.yaml").write_text("a: THAY ĐỔI\nb: THAYTHẾ\nc: thay thế\n", encoding="utf-8")
    assert [(d.line, d.col) for d in check_placeholders(tmp_path)] == [(1, 4)]


def test_validate_prints_the_placeholder_warnings(level_repo, capsys, monkeypatch):
    _, target = level_repo
    monkeypatch.chdir(target)
    assert cli.main(["validate", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] and report["warnings"] >= 3
    assert {d["code"] for d in report["diagnostics"]} == {"KH120"}


# -- git ------------------------------------------------------------------------------------


def test_cli_new_starts_a_git_repository_with_a_first_commit(tmp_path, capsys):
    assert cli.main(["new", str(tmp_path / "kho"), "--level", "huyen"]) == 0
    out = capsys.readouterr().out
    assert "đã khởi tạo git với commit đầu tiên" in out
    log = subprocess.run(["git", "log", "--format=%s", "--name-only"], cwd=tmp_path / "kho", capture_output=True,
                         text=True, check=True).stdout
    assert log.startswith("Khởi tạo kho kế hoạch (kehoach new)")
    assert "plan/tasks.yaml" in log and "schemas/common.schema.json" in log and ".github/workflows/kehoach.yml" in log
    status = subprocess.run(["git", "status", "--porcelain"], cwd=tmp_path / "kho", capture_output=True, text=True)
    assert status.stdout == ""
    branch = subprocess.run(["git", "symbolic-ref", "--short", "HEAD"], cwd=tmp_path / "kho", capture_output=True,
                            text=True).stdout.strip()
    assert branch == "main"


def test_no_git(tmp_path, capsys):
    assert cli.main(["new", str(tmp_path / "kho"), "--level", "xa", "--no-git"]) == 0
    assert not (tmp_path / "kho" / ".git").exists()
    assert "git" not in capsys.readouterr().out.splitlines()[0].split("(")[1].split(")")[0]


def test_gitignore_covers_the_build_outputs(tmp_path):
    new_plan_repo(tmp_path / "kho", "xa", today=TODAY, git=True)
    repo = tmp_path / "kho"
    for made in ("output/ke-hoach-mau.docx", "output/preview/index.html", "lich/tong-hop.ics", "public/index.html",
                 "diff.md", "gl-code-quality.json", "plan/~$ke-hoach.docx"):
        (repo / made).parent.mkdir(parents=True, exist_ok=True)
        (repo / made).write_text("x", encoding="utf-8")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo, capture_output=True,
                            text=True, check=True)
    assert status.stdout == "", status.stdout


# -- --source --------------------------------------------------------------------------------


def test_source_index_git_wheel_reach_every_file(tmp_path):
    wheel = tmp_path / f"kehoach-{kehoach.__version__}-py3-none-any.whl"
    wheel.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    cases = {
        "index": (Source("index", "https://goi.example.vn/simple"),
                  f'--index-url https://goi.example.vn/simple "kehoach=={kehoach.__version__}"'),
        "git": (Source("git", "https://git.example.vn/so-tt/kehoach"),
                f'"kehoach @ git+https://git.example.vn/so-tt/kehoach@v{kehoach.__version__}"'),
        "wheel": (Source("wheel", str(wheel)), f"ci/goi/{wheel.name}"),
    }
    for kind, (source, pip_args) in cases.items():
        files = repo_files("xa", TODAY, source)
        line = f"python -m pip install {pip_args}"
        for name in (".github/workflows/kehoach.yml", ".gitlab-ci.yml", "README.md"):
            assert line in files[name].decode("utf-8"), (kind, name)
        config = yaml.safe_load(files[".pre-commit-config.yaml"])
        hooks = [h["id"] for repo in config["repos"] for h in repo["hooks"]]
        assert hooks == ["kehoach-validate", "kehoach-schema-check"], kind
        if kind == "wheel":
            assert files[f"ci/goi/{wheel.name}"] == wheel.read_bytes()
            assert {h["language"] for h in config["repos"][0]["hooks"]} == {"system"}
        if kind == "git":
            assert config["repos"][0]["rev"] == f"v{kehoach.__version__}"
    assert "ci/goi" not in " ".join(repo_files("xa", TODAY, cases["index"][0]))


@pytest.mark.parametrize("argv, message", [
    (["--source", "git"], "--source git cần địa chỉ kho git"),
    (["--source", "wheel"], "--source wheel cần đường dẫn tệp .whl"),
    (["--source", "wheel", "--from", "khong-co.whl"], "không phải tệp cài đặt kehoach"),
    (["--source", "wheel", "--from", "kehoach-0.1.0-py3-none-any.whl"], "không tìm thấy tệp"),
])
def test_source_errors_are_usage_errors(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["new", "kho", "--level", "xa", *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "kho").exists()


def test_cli_new_help_lists_the_sources():
    result = run_cli("new", "--help")
    assert result.returncode == 0
    for needle in ("--source {index,git,wheel}", "--from ĐỊA_CHỈ", "--no-git"):
        assert needle in result.stdout, needle
