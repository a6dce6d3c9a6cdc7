"""``kehoach new``: a plan repository that validates and builds at once, for each level."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
import yaml

import kehoach
import kehoach.schema_export
from kehoach import cli
from kehoach.scaffold import (
    LEVELS, new_plan_repo, repo_files, scaffold_dir, template_values,
)

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 28)
EXPECTED = {
    "README.md", "HUONG-DAN.md", "MA-LOI.md", ".gitignore", ".gitattributes", ".pre-commit-config.yaml", ".gitlab-ci.yml",
    ".github/workflows/kehoach.yml", ".vscode/settings.json", ".vscode/extensions.json", "ci/post_comment.py",
    "plan/plan.yaml", "plan/agencies.yaml", "plan/tasks.yaml",
    "schemas/common.schema.json", "schemas/plan.schema.json", "schemas/agencies.schema.json",
    "schemas/tasks.schema.json", "schemas/return.schema.json",
}


@pytest.fixture(scope="module", params=sorted(LEVELS))
def repo(request, tmp_path_factory) -> tuple[str, Path, list[Path]]:
    level = request.param
    target = tmp_path_factory.mktemp("new") / f"ke-hoach-{level}"
    return level, target, new_plan_repo(target, level, today=TODAY)


def test_writes_the_whole_repository(repo):
    level, target, written = repo
    assert written == sorted(written)
    assert {p.relative_to(target).as_posix() for p in written} == EXPECTED
    assert not [p for p in target.parent.iterdir() if p.name != target.name]  # no staging folder left


def test_plan_validates_without_any_diagnostic_and_builds(repo, tmp_path):
    level, target, _ = repo
    plan = kehoach.load_plan(target / "plan")
    assert plan.level == level
    checked, diagnostics = kehoach.check_plan(target / "plan")
    assert checked is not None
    # only the KH120 warnings: the THAY placeholders a new repository shows until they are replaced
    assert [d.format() for d in diagnostics if d.code != "KH120"] == []
    result = kehoach.build(plan, tmp_path / "out")
    kinds = {d.kind for d in result.documents}
    assert {"plan", "letter", "report-template", "calendar"} <= kinds
    assert (tmp_path / "out" / "ke-hoach-mau.docx").is_file()
    assert json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))


def test_yaml_files_point_at_exported_schemas(repo):
    _, target, _ = repo
    for name, schema in (("plan", "plan"), ("agencies", "agencies"), ("tasks", "tasks")):
        path = target / "plan" / f"{name}.yaml"
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\.\./schemas/[a-z]+\.schema\.json)", first)
        assert match, first
        assert match.group(1) == f"../schemas/{schema}.schema.json"
        assert (path.parent / match.group(1)).resolve().is_file()


def test_exported_schemas_carry_the_new_registry(repo):
    _, target, _ = repo
    plan = kehoach.load_plan(target / "plan")
    ref = json.loads((target / "schemas" / "common.schema.json").read_text(encoding="utf-8"))["definitions"]["ref"]
    assert ref["enum"] == list(plan.registry.agencies) + list(plan.registry.groups)
    plain = kehoach.schema_export.schema_texts()
    for name in ("plan", "agencies", "tasks", "return"):
        exported = (target / "schemas" / f"{name}.schema.json").read_bytes()
        assert exported == plain[f"{name}.schema.json"]


def test_issuer_and_signer_wording_per_level(repo):
    level, target, _ = repo
    plan = kehoach.load_plan(target / "plan")
    issuer = plan.issuer
    assert issuer.header[0] == "ỦY BAN NHÂN DÂN"
    assert issuer.header[1] == {"tinh": "TỈNH MẪU", "huyen": "HUYỆN MẪU", "xa": "XÃ MẪU"}[level]
    assert issuer.code == "UBND" and plan.document.code == "KH" and plan.document.is_draft
    assert issuer.parent_header == {"tinh": (), "huyen": (), "xa": ("UBND TỈNH MẪU",)}[level]
    signer = plan.signer
    assert (signer.on_behalf_of, signer.delegation_prefix, signer.delegation_head, signer.title) == \
        ("ỦY BAN NHÂN DÂN", "KT", "CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert plan.closing.endswith("./.")
    reporting = plan.reporting
    assert reporting.to == issuer.agency_id
    upper = plan.registry.agencies[reporting.consolidated_to]
    assert upper.kind == "cap-tren"
    if level == "xa":
        assert reporting.consolidated_to == "ubnd-tinh"  # two-level government: the commune reports to the province
    if level == "tinh":
        members = plan.registry.expand("so-ban-nganh")
        assert sum(plan.registry.name(m).startswith("Sở ") for m in members) >= 3


def test_placeholder_names_are_marked(repo):
    _, target, _ = repo
    plan = kehoach.load_plan(target / "plan")
    assert "Mẫu" in plan.registry.name(plan.issuer.agency_id)
    assert "Mẫu" in plan.document.subject
    assert plan.appendix.illustrative
    for name in ("plan.yaml", "agencies.yaml", "tasks.yaml"):
        assert "THAY" in (target / "plan" / name).read_text(encoding="utf-8"), name


def test_a_handful_of_tasks_in_two_groups(repo):
    _, target, _ = repo
    plan = kehoach.load_plan(target / "plan")
    assert len(plan.appendix.groups) == 2
    assert 3 <= len(plan.tasks) <= 5
    assert 5 <= len(plan.registry.agencies) <= 12
    assert plan.reporting.open  # a period is open, so report templates are built at once


def test_ci_files_are_the_package_data_with_the_source_filled_in(repo):
    _, target, _ = repo
    source = scaffold_dir()
    assert (target / "ci/post_comment.py").read_bytes() == (source / "ci/post_comment.py").read_bytes()
    for copied, original in ((".github/workflows/kehoach.yml", "dot-github/workflows/kehoach.yml"),
                             (".gitlab-ci.yml", "dot-gitlab-ci.yml"), (".pre-commit-config.yaml", "dot-pre-commit-config.yaml"),
                             ("README.md", "README.md")):
        written = (target / copied).read_text(encoding="utf-8")
        assert "@@" in (source / original).read_text(encoding="utf-8") and "@@" not in written, copied
    assert f'python -m pip install "kehoach=={kehoach.__version__}"' in (target / ".gitlab-ci.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load((target / ".github/workflows/kehoach.yml").read_text(encoding="utf-8"))
    assert workflow["jobs"]


def test_git_and_editor_files(repo):
    _, target, _ = repo
    ignored = (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    for folder in ("output/", "lich/", "public/", "diff.md", "gl-code-quality.json"):  # every output the docs name
        assert folder in ignored, folder
    attributes = (target / ".gitattributes").read_text(encoding="utf-8")
    assert "*.docx diff=docx" in attributes.splitlines()
    assert 'git config diff.docx.textconv "kehoach docx2text"' in attributes
    config = yaml.safe_load((target / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for r in config["repos"] for h in r["hooks"]] == ["kehoach-validate", "kehoach-schema-check"]
    assert json.loads((target / ".vscode/extensions.json").read_text())["recommendations"] == ["redhat.vscode-yaml"]
    settings = json.loads((target / ".vscode/settings.json").read_text())
    assert settings["[yaml]"]["editor.insertSpaces"] is True


def test_readme_for_office_staff(repo):
    _, target, _ = repo
    text = (target / "README.md").read_text(encoding="utf-8")
    for needle in ("plan/plan.yaml", "plan/agencies.yaml", "plan/tasks.yaml", "kehoach validate",
                   "kehoach build -o output", "kehoach schema --out schemas", "pull request", "github.dev",
                   'git config diff.docx.textconv "kehoach docx2text"'):
        assert needle in text, needle


def test_cli_validate_and_build_use_the_default_folders(repo, monkeypatch, tmp_path, capsys):
    """The CI recipes and the pre-commit hook call `kehoach validate` and
    `kehoach build -o output` from the repository root, without arguments."""
    _, target, _ = repo
    monkeypatch.chdir(target)
    assert cli.main(["validate"]) == 0
    captured = capsys.readouterr()
    assert "cảnh báo" in captured.out
    warnings = captured.err.splitlines()
    assert warnings and all(" KH120 cảnh báo: " in line for line in warnings)  # only the THAY placeholders
    assert cli.main(["build", "-o", str(tmp_path / "output")]) == 0


# -- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize("today, years, open_period", [
    (dt.date(2025, 3, 1), ("2025", "2030"), "2025-H1"),
    (dt.date(2026, 6, 30), ("2026", "2030"), "2026-H1"),
    (dt.date(2026, 7, 1), ("2026", "2030"), "2026"),
    (dt.date(2029, 12, 31), ("2029", "2030"), "2029"),
    (dt.date(2030, 1, 2), ("2030", "2035"), "2030-H1"),
])
def test_template_values(today, years, open_period):
    values = template_values(today)
    assert (values["nam"], values["nam_cuoi"]) == years
    assert values["ky_mo"] == open_period
    assert values["thang"] == f"{today.month:02d}"


@pytest.mark.parametrize("level", sorted(LEVELS))
@pytest.mark.parametrize("today", [dt.date(2025, 1, 1), dt.date(2029, 12, 31), dt.date(2030, 7, 15)])
def test_valid_whatever_the_day(level, today, tmp_path):
    new_plan_repo(tmp_path / "kho", level, today=today)
    plan, diagnostics = kehoach.check_plan(tmp_path / "kho" / "plan")
    assert plan is not None and [d for d in diagnostics if d.code != "KH120"] == []
    assert plan.start_year == today.year and plan.document.month == today.month


def test_templates_have_no_unfilled_placeholders():
    for level in LEVELS:
        for name, data in repo_files(level, TODAY).items():
            if name.startswith("plan/"):
                assert "{{" not in data.decode("utf-8"), name


# -- refusals -------------------------------------------------------------------------------


def test_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "kho").mkdir()
    (tmp_path / "kho" / "ghi-chu.txt").write_text("của tôi", encoding="utf-8")
    with pytest.raises(ValueError, match="đã có nội dung"):
        new_plan_repo(tmp_path / "kho", "xa")
    assert [p.name for p in (tmp_path / "kho").iterdir()] == ["ghi-chu.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kho"]


def test_refuses_a_file_and_an_unknown_level(tmp_path):
    (tmp_path / "tep").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="là một tệp"):
        new_plan_repo(tmp_path / "tep", "tinh")
    with pytest.raises(ValueError, match="cấp kế hoạch 'phuong' không hợp lệ"):
        new_plan_repo(tmp_path / "moi", "phuong")
    assert not (tmp_path / "moi").exists()


def test_accepts_an_empty_directory(tmp_path):
    (tmp_path / "kho").mkdir()
    written = new_plan_repo(tmp_path / "kho", "huyen", today=TODAY)
    assert len(written) == len(EXPECTED)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kho"]
    assert [d for d in kehoach.check_plan(tmp_path / "kho" / "plan")[1] if d.code != "KH120"] == []


def test_a_failure_leaves_nothing_behind(tmp_path, monkeypatch):
    import kehoach.schema_export

    def broken(*args, **kwargs):
        raise OSError("đĩa đầy")

    monkeypatch.setattr(kehoach.schema_export, "export_schemas", broken)
    with pytest.raises(OSError):
        new_plan_repo(tmp_path / "kho", "tinh")
    assert list(tmp_path.iterdir()) == []


# -- package data -------------------------------------------------------------------------


def test_package_data_names_need_no_dot_globs():
    """setuptools' package-data globs skip names starting with a dot: none may."""
    files = [p.relative_to(scaffold_dir()) for p in scaffold_dir().rglob("*") if p.is_file()
             and "__pycache__" not in p.parts]
    assert files
    assert not [f for f in files if any(part.startswith(".") for part in f.parts)]


def test_package_data_globs_cover_every_file():
    """The pyproject entry proposed for kehoach.scaffold_files (["*", "**/*"]) matches every file."""
    import glob

    base = str(scaffold_dir())
    matched = {os.path.relpath(p, base) for pattern in ("*", "**/*")
               for p in glob.glob(os.path.join(base, pattern), recursive=True) if os.path.isfile(p)}
    files = {str(p.relative_to(scaffold_dir())) for p in scaffold_dir().rglob("*") if p.is_file()}
    assert files <= matched


# -- command line ---------------------------------------------------------------------------


def test_new_prints_the_next_steps(tmp_path, capsys):
    argv = ["new", str(tmp_path / "kho"), "--level", "xa"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "đã tạo kho kế hoạch cấp xã" in out and "HUONG-DAN.md" in out
    assert cli.main(argv) == 2
    assert "đã có nội dung" in capsys.readouterr().err
