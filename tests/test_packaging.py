"""The release path, end to end and offline: build the wheel and sdist, make a
commune repository that installs kehoach from that wheel, run its CI commands
and pre-commit hooks as its CI and its clerks would, and check the recipes
against the CI services' own schemas.

The wheel is built with ``python -m build --no-isolation`` (setuptools and
build come from the test extra, so no download) from a copy of the tracked
files.  The plan repository's environment is a fresh virtual environment with
``--system-site-packages`` (kehoach's dependencies come from the interpreter
running the tests) and ``PIP_NO_INDEX=1``; PYTHONPATH is removed so the
commands run the installed wheel, not this source tree.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import yaml

import kehoach

from conftest import check_jsonschema

ROOT = Path(__file__).resolve().parent.parent


def _run(argv, cwd, env=None, timeout=300, shell=False) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, shell=shell)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict:
    """The wheel and sdist of this source tree, and the build log."""
    base = tmp_path_factory.mktemp("dist")
    tree = base / "src"
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT)
    assert listed.returncode == 0, listed.stderr
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name)
    result = _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(base / "out"), str(tree)], tree)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = (base / "out").glob("kehoach-*.whl")
    (sdist,) = (base / "out").glob("kehoach-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist, "log": result.stdout + result.stderr}


def test_build_has_no_packaging_warnings(dist):
    log = dist["log"]
    for bad in ("would be ignored", "SetuptoolsDeprecationWarning", "License classifiers are deprecated",
                "project.license` as a TOML table"):
        assert bad not in log, bad


def test_wheel_contents_and_metadata(dist):
    version = kehoach.__version__
    assert dist["wheel"].name == f"kehoach-{version}-py3-none-any.whl"
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"kehoach-{version}.dist-info/METADATA").decode("utf-8")
    for needed in ("kehoach/py.typed", "kehoach/schemas/plan.schema.json", "kehoach/templates/plan.docx",
                   "kehoach/scaffold_files/dot-github/workflows/kehoach.yml",
                   "kehoach/scaffold_files/plan/xa/tasks.yaml", "kehoach/scaffold_files/huong-dan/HUONG-DAN.md",
                   "kehoach/scaffold_files/ci/post_comment.py", f"kehoach-{version}.dist-info/licenses/LICENSE"):
        assert needed in names, needed
    assert not [n for n in names if "__pycache__" in n]
    assert f"\nVersion: {version}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata and "\nLicense-File: LICENSE\n" in metadata


def test_version_is_written_once():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and "kehoach._version.__version__" in pyproject
    assert not re.search(r'^version\s*=\s*"', pyproject, re.M) and kehoach.__version__ not in pyproject


# -- a commune repository that installs the wheel ---------------------------------------------


@pytest.fixture(scope="module")
def commune(dist, tmp_path_factory) -> dict:
    """A commune repository made with ``--source wheel``, a clone of it as
    ``origin``, a branch with one change, and a venv with the wheel installed
    exactly as the repository's CI installs it."""
    base = tmp_path_factory.mktemp("commune")
    repo = base / "kho-xa"
    made = _run([sys.executable, "-m", "kehoach", "new", str(repo), "--level", "xa", "--source", "wheel",
                 "--from", str(dist["wheel"])], base)
    assert made.returncode == 0, made.stderr
    assert (repo / ".git").is_dir()
    git = ["git", "-c", "user.name=Cán bộ", "-c", "user.email=can-bo@localhost"]
    assert _run(["git", "clone", "-q", "--bare", str(repo), str(base / "origin.git")], base).returncode == 0
    for argv in (["git", "remote", "add", "origin", str(base / "origin.git")], ["git", "fetch", "-q", "origin"],
                 ["git", "checkout", "-q", "-b", "sua-thoi-gian"]):
        assert _run(argv, repo).returncode == 0, argv
    tasks = repo / "plan" / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    assert "timeline: Thường xuyên" in text
    tasks.write_text(text.replace("timeline: Thường xuyên", "timeline: 2026-2030", 1), encoding="utf-8")
    assert _run([*git, "commit", "-q", "-am", "Sửa thời gian nhiệm vụ 1.2"], repo).returncode == 0

    env_dir = base / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{bindir}{os.pathsep}{env['PATH']}", PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PRE_COMMIT_HOME=str(base / "pre-commit"), PYTHONUTF8="1")
    return {"repo": repo, "env": env, "bindir": bindir, "base": base}


def _workflow_steps(repo: Path) -> list[dict]:
    workflow = yaml.safe_load((repo / ".github/workflows/kehoach.yml").read_text(encoding="utf-8"))
    return workflow["jobs"]["kiem-tra"]["steps"]


_EXPRESSIONS = {
    "${{ github.base_ref }}": "main",
    "${{ steps.van-ban.outputs.artifact-url }}": "https://github.invalid/artifacts/1",
}


def _github_job(commune: dict, summary: Path) -> list[tuple[str, subprocess.CompletedProcess]]:
    """Run the pull request job's ``run:`` steps as Actions would (bash -e),
    stopping at the first failure; the comment step (network) is left out."""
    results = []
    for step in _workflow_steps(commune["repo"]):
        if "run" not in step or "post_comment.py" in step["run"]:
            continue
        env = dict(commune["env"], GITHUB_STEP_SUMMARY=str(summary))
        for key, value in (step.get("env") or {}).items():
            env[key] = _EXPRESSIONS[value]
        # the venv's python (the job's setup-python); `python` is what the recipe calls
        result = _run(["bash", "-e", "-c", step["run"]], commune["repo"], env)
        results.append((step["name"], result))
        if result.returncode:
            break
    return results


def test_the_pull_request_job_of_the_new_repository_passes(commune):
    summary = commune["base"] / "summary.md"
    results = _github_job(commune, summary)
    for name, result in results:
        assert result.returncode == 0, (name, result.stdout[-2000:], result.stderr[-2000:])
    names = [name for name, _ in results]
    assert names[0] == "Cài kehoach" and len(names) == 6, names
    installed = _run(["python", "-c", "import kehoach; print(kehoach.__file__)"], commune["repo"], commune["env"])
    assert str(commune["base"] / "venv") in installed.stdout  # the wheel, not this source tree
    repo = commune["repo"]
    assert (repo / "output" / "preview" / "index.html").is_file()
    assert (repo / "output" / "ke-hoach-mau.docx").is_file()
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Thay đổi kế hoạch: origin/main → HEAD")
    assert "Nhiệm vụ 1.2: thời gian thực hiện đổi từ Thường xuyên thành 2026 - 2030" in text and "https://github.invalid/artifacts/1" in text and "preview/index.html" in text
    validate_out = dict(results)["Kiểm tra dữ liệu kế hoạch"].stdout
    assert validate_out.startswith("::warning file=plan/") and "::error" not in validate_out  # KH120 only


def test_the_merge_request_job_of_the_new_repository_passes(commune):
    pipeline = yaml.safe_load((commune["repo"] / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    base = _run(["git", "rev-parse", "origin/main"], commune["repo"]).stdout.strip()
    env = dict(commune["env"], CI_MERGE_REQUEST_DIFF_BASE_SHA=base)
    for line in pipeline["kiem-tra"]["script"]:
        result = _run(["bash", "-e", "-c", line], commune["repo"], env)
        assert result.returncode == 0, (line, result.stdout[-2000:], result.stderr[-2000:])
    report = json.loads((commune["repo"] / "gl-code-quality.json").read_text(encoding="utf-8"))
    assert report and {issue["check_name"] for issue in report} == {"KH120"}
    assert all(issue["severity"] == "minor" for issue in report)
    assert "thành 2026 - 2030" in (commune["repo"] / "diff.md").read_text(encoding="utf-8")


def test_pre_commit_hooks_of_the_new_repository(commune):
    repo, env = commune["repo"], commune["env"]
    pre_commit = [sys.executable, "-m", "pre_commit"]
    result = _run([*pre_commit, "run", "--all-files"], repo, env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.count("Passed") == 2, result.stdout

    agencies = repo / "plan" / "agencies.yaml"
    original = agencies.read_text(encoding="utf-8")
    try:
        agencies.write_text(original.replace("agencies:\n", "agencies:\n  - id: tram-y-te\n    name: Trạm Y tế xã Mẫu\n"
                                             "    short_name: Trạm Y tế\n    kind: don-vi\n", 1), encoding="utf-8")
        result = _run([*pre_commit, "run", "--all-files"], repo, env)
        assert result.returncode == 1
        assert "kehoach schema --check" in result.stdout and "lược đồ đã cũ" in result.stdout, result.stdout
        assert _run(["kehoach", "schema", "--out", "schemas"], repo, env).returncode == 0
        assert _run([*pre_commit, "run", "--all-files"], repo, env).returncode == 0
    finally:
        agencies.write_text(original, encoding="utf-8")
        _run(["kehoach", "schema", "--out", "schemas"], repo, env)


def test_annotations_and_hooks_on_a_plan_with_an_error(commune, tmp_path):
    repo, env = commune["repo"], commune["env"]
    tasks = repo / "plan" / "tasks.yaml"
    original = tasks.read_text(encoding="utf-8")
    line = next(i for i, text in enumerate(original.splitlines(), 1) if "lead: cong-an-xa" in text)
    try:
        tasks.write_text(original.replace("lead: cong-an-xa", "lead: cong-an-x", 1), encoding="utf-8")
        summary = tmp_path / "summary.md"
        results = dict(_github_job(commune, summary))
        validate = results["Kiểm tra dữ liệu kế hoạch"]
        assert validate.returncode == 1 and "Dựng văn bản" not in results  # the job stops there
        errors = [ln for ln in validate.stdout.splitlines() if ln.startswith("::error")]
        assert errors == [f"::error file=plan/tasks.yaml,line={line},col=15,title=KH030::KH030 lỗi: cơ quan chủ "
                          f"trì 'cong-an-x' không có trong danh mục cơ quan và nhóm; có phải là 'cong-an-xa'?"]
        quality = _run(["bash", "-c", "kehoach validate --format gitlab"], repo, env)
        assert quality.returncode == 1
        issues = [i for i in json.loads(quality.stdout) if i["check_name"] == "KH030"]
        assert issues[0]["location"] == {"path": "plan/tasks.yaml", "lines": {"begin": line}}
        assert issues[0]["severity"] == "major"
        hooks = _run([sys.executable, "-m", "pre_commit", "run", "--all-files"], repo, env)
        assert hooks.returncode == 1 and "KH030" in hooks.stdout
    finally:
        tasks.write_text(original, encoding="utf-8")


# -- the recipes against the CI services' schemas ----------------------------------------------


@pytest.mark.parametrize("source", ["index", "git", "wheel"])
def test_recipes_pass_the_ci_services_schemas(source, dist, tmp_path):
    from kehoach.scaffold import Source, repo_files

    where = {"index": "https://goi.example.vn/simple", "git": "https://git.example.vn/kehoach",
             "wheel": str(dist["wheel"])}[source]
    files = repo_files("xa", source=Source(source, where))
    for name, builtin in ((".github/workflows/kehoach.yml", "vendor.github-workflows"),
                          (".gitlab-ci.yml", "vendor.gitlab-ci")):
        path = tmp_path / Path(name).name
        path.write_bytes(files[name])
        result = check_jsonschema("--builtin-schema", builtin, str(path))  # in process
        assert result.returncode == 0, (name, result.stdout, result.stderr)
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_bytes(files[".pre-commit-config.yaml"])
    result = _run([sys.executable, "-m", "pre_commit", "validate-config", str(config)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_published_hooks_manifest_is_valid():
    result = _run([sys.executable, "-m", "pre_commit", "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                  ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
