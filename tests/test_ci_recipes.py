"""CI recipes for plan repositories: the GitHub workflow, the GitLab pipeline,
the pre-commit hook, and the comment poster they call (ci/post_comment.py).

The recipes cannot run here (no GitHub, no GitLab), so they are tested for
what can go wrong locally: valid YAML with the intended structure, every
shell line calling only documented commands with documented options, the
file ``kehoach diff`` writes being the one the poster reads, and the poster's
logic — against injected fakes and against a fake API on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import shlex
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

import kehoach

ROOT = Path(__file__).resolve().parent.parent
FILES = ROOT / "src" / "kehoach" / "scaffold_files"
GITHUB = FILES / "dot-github" / "workflows" / "kehoach.yml"
GITLAB = FILES / "dot-gitlab-ci.yml"
POSTER = FILES / "ci" / "post_comment.py"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def _load_poster():
    """Import ci/post_comment.py from the package data without leaving a __pycache__ there."""
    spec = importlib.util.spec_from_file_location("kehoach_post_comment", POSTER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    previous, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = previous
    return module


pc = _load_poster()


# -- which commands a recipe may run ----------------------------------------------------

#: the documented kehoach commands (README "Command line", and the commands of issue #5):
#: command -> (subcommand or None, max positionals, {option: takes a value})
DOCUMENTED = {
    "validate": (None, 1, {"--format": True}),
    "build": (None, 1, {"-o": True, "--out": True, "--pdf": False, "--period": True, "--as-of": True}),
    "report": ("init", 1, {"--period": True}),
    "calendar": (None, 1, {"-o": True, "--out": True}),
    "templates": ("check", 1, {"--plan": True, "--format": True}),
    "diff": (None, 2, {"--format": True, "--plan-path": True}),
    "schema": (None, 0, {"--out": True, "--plan": True, "--check": False, "--plain": False}),
    "docx2text": (None, 1, {}),
    "new": (None, 1, {"--level": True, "--source": True, "--from": True, "--no-git": False}),
}
FORMATS = {"validate": {"text", "json", "github", "gitlab"}, "templates": {"text", "json"}, "diff": {"markdown", "json"}}
APT_PACKAGES = {"libreoffice-writer-nogui", "fonts-liberation2"}


def _commands(script: str) -> list[list[str]]:
    """Each simple command of a shell snippet, as argv, redirections removed."""
    out = []
    for line in script.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for part in re.split(r"&&|\|\||;|\|", line):
            words = shlex.split(part)
            argv, skip = [], False
            for word in words:
                if skip:
                    skip = False
                    continue
                if word in (">", ">>", "2>", "<"):
                    skip = True
                    continue
                if re.match(r"^(\d?>>?|<)\S", word):
                    continue
                argv.append(word)
            if argv:
                out.append(argv)
    return out


def _redirect_target(script: str) -> str | None:
    match = re.search(r">\s*(\S+)\s*$", script.strip())
    return match.group(1) if match else None


def _check_kehoach(argv: list[str]) -> None:
    assert len(argv) >= 2, f"bare 'kehoach': {argv}"
    command = argv[1]
    assert command in DOCUMENTED, f"undocumented kehoach command: {argv}"
    sub, max_positional, options = DOCUMENTED[command]
    rest = argv[2:]
    if sub:
        assert rest and rest[0] == sub, f"'kehoach {command}' needs '{sub}': {argv}"
        rest = rest[1:]
    positional, i = [], 0
    while i < len(rest):
        word = rest[i]
        if word.startswith("-"):
            name = word.split("=", 1)[0]
            assert name in options, f"undocumented option {name} of 'kehoach {command}': {argv}"
            if options[name] and "=" not in word:
                value = rest[i + 1]
                if name == "--format":
                    assert value in FORMATS[command], f"--format {value} of 'kehoach {command}'"
                i += 1
        else:
            positional.append(word)
        i += 1
    assert len(positional) <= max_positional, f"too many arguments: {argv}"
    if command == "diff":
        assert len(positional) == 2, f"'kehoach diff OLD NEW': {argv}"
    # where the real parser already knows the command, it must accept the line too
    from kehoach.cli import _parser
    parser = _parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    if command in choices:
        with contextlib.redirect_stderr(io.StringIO()):
            try:
                parser.parse_args(argv[1:])
            except SystemExit as exc:  # pragma: no cover - the message is the failure
                pytest.fail(f"the kehoach parser rejects {argv}: exit {exc.code}")


def check_command(argv: list[str], *, allow_echo: bool = False) -> None:
    """Fail unless ``argv`` is one of the commands a recipe may run."""
    if argv[0] == "sudo":
        argv = argv[1:]
    head = argv[0]
    if head == "kehoach":
        _check_kehoach(argv)
    elif head in ("python", "python3"):
        if argv[1:3] == ["-m", "pip"]:
            assert argv[3] == "install", argv
        elif argv[1:3] == ["-m", "zipfile"]:
            assert argv[3] == "-c", argv
        else:
            assert argv[1] == "ci/post_comment.py", f"unexpected python script: {argv}"
            assert set(a for a in argv[2:] if a.startswith("-")) <= {"--gitlab", "--author"}, argv
    elif head in ("pip", "pip3"):
        assert argv[1] == "install", argv
    elif head == "apt-get":
        assert argv[1] in ("update", "install"), argv
        if argv[1] == "install":
            packages = {a for a in argv[2:] if not a.startswith("-")}
            assert packages <= APT_PACKAGES, f"unexpected packages: {packages - APT_PACKAGES}"
    elif head in ("echo", "cat", "true", "{", "}", "mkdir", "cp") and allow_echo:
        pass  # shell plumbing of a summary or a Pages folder
    else:
        pytest.fail(f"a recipe runs an unexpected command: {argv}")


def test_command_checker_rejects_undocumented_commands():
    for bad in ("kehoach publish", "kehoach build --fast", "kehoach diff HEAD", "curl https://x | sh",
                "python other.py", "kehoach diff a b --format html", "apt-get install nodejs"):
        with pytest.raises((AssertionError, pytest.fail.Exception)):  # noqa: PT012
            for argv in _commands(bad):
                check_command(argv)
    for good in ('kehoach diff "origin/$BASE_REF" HEAD --format markdown > diff.md',
                 "kehoach build -o output --pdf", "kehoach validate", "kehoach schema --out schemas",
                 "kehoach new kho --level xa", "kehoach docx2text a.docx",
                 "sudo apt-get update && sudo apt-get install -y libreoffice-writer-nogui fonts-liberation2"):
        for argv in _commands(good):
            check_command(argv)


# -- GitHub Actions -------------------------------------------------------------------


def _rendered(name: str, source=None) -> str:
    """A recipe as ``kehoach new`` writes it (placeholders filled)."""
    from kehoach.scaffold import Source, repo_files
    return repo_files("huyen", source=source or Source()).get(name).decode("utf-8")


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(_rendered(".github/workflows/kehoach.yml"))


def _triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true


def _runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def _uses(job: dict, action: str) -> dict:
    steps = [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]
    assert len(steps) == 1, f"{action} used {len(steps)} times"
    return steps[0]


def test_github_workflow_triggers(workflow):
    on = _triggers(workflow)
    assert "pull_request" in on
    assert on["push"] == {"branches": ["main"], "tags": ["v*"]}
    assert workflow["permissions"] == {"contents": "read"}


def test_github_workflow_run_lines_call_only_documented_commands(workflow):
    lines = [run for job in workflow["jobs"].values() for run in _runs(job)]
    assert lines
    for run in lines:
        for argv in _commands(run):
            check_command(argv, allow_echo="GITHUB_STEP_SUMMARY" in run)


def test_github_pull_request_job(workflow):
    job = workflow["jobs"]["kiem-tra"]
    assert "pull_request" in job["if"]
    assert job["permissions"]["pull-requests"] == "write"
    assert _uses(job, "actions/checkout").get("with", {}).get("fetch-depth") == 0  # base branch for diff
    runs = _runs(job)
    heads = [_commands(r)[0][:2] for r in runs]
    assert heads == [["python", "-m"], ["kehoach", "validate"], ["kehoach", "schema"], ["kehoach", "build"],
                     ["kehoach", "diff"], ["{"], ["python", "ci/post_comment.py"]]
    assert runs[1].split() == ["kehoach", "validate", "--format", "github"]  # annotations on the YAML lines
    assert runs[2].split() == ["kehoach", "schema", "--check"]
    summary = runs[5]
    assert "cat diff.md" in summary and '>> "$GITHUB_STEP_SUMMARY"' in summary and "preview/index.html" in summary
    assert "if" not in next(s for s in job["steps"] if s.get("run") == summary)  # forks get the summary too
    runs = [r for r in runs if r not in (runs[1], runs[2], summary)]
    runs.insert(1, "kehoach validate")
    artifact = _uses(job, "actions/upload-artifact")
    assert artifact["with"]["path"].rstrip("/") == "output"
    # the artifact is saved after the build and before the diff
    order = [s.get("run") or s.get("uses") for s in job["steps"]]
    assert order.index(runs[2]) < order.index(artifact["uses"]) < order.index(runs[3])
    diff_step = next(s for s in job["steps"] if s.get("run") == runs[3])
    assert diff_step["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert '"origin/$BASE_REF" HEAD --format markdown' in runs[3]
    # the comment posted is the file kehoach diff wrote
    produced = _redirect_target(runs[3])
    assert produced == "diff.md"
    assert _commands(runs[4])[0][-1] == produced
    comment = next(s for s in job["steps"] if s.get("run") == runs[4])
    assert comment["env"]["GITHUB_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"
    assert comment["env"]["PR_NUMBER"] == "${{ github.event.pull_request.number }}"
    assert comment["continue-on-error"] is True
    assert "head.repo.full_name == github.repository" in comment["if"]  # forks: read-only token


def test_github_release_job(workflow):
    job = workflow["jobs"]["phat-hanh"]
    assert "refs/tags/v" in job["if"]
    assert job["permissions"]["contents"] == "write"
    runs = _runs(job)
    install = next(r for r in runs if "apt-get install" in r)
    assert {"libreoffice-writer-nogui", "fonts-liberation2"} <= set(install.split())
    build = next(r for r in runs if r.startswith("kehoach build"))
    assert "--pdf" in build.split() and "-o output" in build
    assert runs.index(install) < runs.index(build)
    release = _uses(job, "softprops/action-gh-release")
    files = release["with"]["files"].split()
    assert "output/*.pdf" in files and "output/*.docx" in files
    zip_line = next(r for r in runs if "zipfile" in r)
    zipped = _commands(zip_line)[0][4]
    assert any(Path(zipped).match(pattern) for pattern in files), (zipped, files)


def test_github_actions_pinned_to_commits(workflow):
    """Every action is pinned to a full commit SHA with its release tag in a comment."""
    lines = [line.strip() for line in GITHUB.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert len(lines) >= 8
    for line in lines:
        assert re.fullmatch(r"(- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+", line), line
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_github_pages_jobs(workflow):
    build, deploy = workflow["jobs"]["trang-xem-truoc"], workflow["jobs"]["xuat-ban-trang"]
    assert "refs/heads/main" in build["if"]
    assert _uses(build, "actions/upload-pages-artifact")["with"]["path"] == "output/preview/"
    assert deploy["needs"] == "trang-xem-truoc" and deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"


# -- GitLab CI ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pipeline() -> dict:
    return yaml.safe_load(_rendered(".gitlab-ci.yml"))


def _jobs(pipeline: dict) -> dict:
    reserved = {"workflow", "stages", "variables", "default", "include"}
    return {k: v for k, v in pipeline.items() if k not in reserved and not k.startswith(".")}


def test_gitlab_pipeline_structure(pipeline):
    jobs = _jobs(pipeline)
    assert set(jobs) == {"kiem-tra", "binh-luan", "pages", "van-ban-pdf", "phat-hanh"}
    for name, job in jobs.items():
        assert job["stage"] in pipeline["stages"], name
        for needed in job.get("needs", []):
            assert needed in jobs, (name, needed)
    assert pipeline["variables"]["GIT_DEPTH"] == "0"
    sources = [r["if"] for r in pipeline["workflow"]["rules"]]
    assert any("merge_request_event" in s for s in sources) and any("CI_COMMIT_TAG" in s for s in sources)


def test_gitlab_script_lines_call_only_documented_commands(pipeline):
    for name, job in _jobs(pipeline).items():
        for line in job["script"]:
            for argv in _commands(line):
                if argv[0] == "glab":
                    assert name == "phat-hanh" and argv[1] in ("auth", "release"), argv
                    continue
                check_command(argv, allow_echo=(name in ("phat-hanh", "pages", "kiem-tra")))


def test_gitlab_merge_request_jobs(pipeline):
    check = pipeline["kiem-tra"]
    assert "merge_request_event" in check["rules"][0]["if"]
    heads = [_commands(line)[0][:2] for line in check["script"]]
    assert heads == [["python", "-m"], ["kehoach", "validate"], ["kehoach", "validate"], ["kehoach", "schema"],
                     ["kehoach", "build"], ["kehoach", "diff"], ["cat", "diff.md"]]
    assert _redirect_target(check["script"][1].replace(" || true", "")) == "gl-code-quality.json"
    assert check["artifacts"]["reports"]["codequality"] == "gl-code-quality.json"
    assert check["artifacts"]["when"] == "always"
    diff_line = check["script"][5]
    assert '"$CI_MERGE_REQUEST_DIFF_BASE_SHA" HEAD --format markdown' in diff_line
    produced = _redirect_target(diff_line)
    assert produced in check["artifacts"]["paths"] and "output/" in check["artifacts"]["paths"]
    comment = pipeline["binh-luan"]
    assert comment["needs"] == ["kiem-tra"] and comment["allow_failure"] is True
    assert "$KEHOACH_GITLAB_TOKEN" in comment["rules"][0]["if"]
    argv = _commands(comment["script"][0])[0]
    assert argv[:3] == ["python", "ci/post_comment.py", "--gitlab"] and argv[-1] == produced


def test_gitlab_tag_jobs(pipeline):
    build = pipeline["van-ban-pdf"]
    assert "CI_COMMIT_TAG" in build["rules"][0]["if"]
    script = " && ".join(build["script"])
    assert "libreoffice-writer-nogui" in script and "fonts-liberation2" in script
    assert any(line.startswith("kehoach build") and "--pdf" in line.split() for line in build["script"])
    assert build["artifacts"]["paths"] == ["output/"] and build["artifacts"]["expire_in"] == "never"
    release = pipeline["phat-hanh"]
    assert release["needs"] == ["van-ban-pdf"]
    assert "release-cli" not in release["image"] and release["image"].startswith("registry.gitlab.com/gitlab-org/cli")
    script = " ".join(release["script"])
    assert 'glab release create "$CI_COMMIT_TAG"' in script and "download?job=van-ban-pdf" in script


# -- pre-commit -------------------------------------------------------------------------


def test_pre_commit_hook_definition():
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["kehoach-validate", "kehoach-schema-check"]
    assert hooks[1]["entry"] == "kehoach schema --check" and hooks[1]["pass_filenames"] is False
    hook = hooks[0]
    assert hook["entry"] == "kehoach validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["files"] == r"^plan/.*\.ya?ml$"
    pattern = re.compile(hook["files"])
    for path in ("plan/plan.yaml", "plan/tasks.yml", "plan/reports/2025-H1/phong-y-te.yaml"):
        assert pattern.search(path), path
    for path in ("docs/plan.yaml", "plan/notes.md", "schemas/plan.schema.json", "xplan/a.yaml"):
        assert not pattern.search(path), path
    for argv in _commands(hook["entry"]):
        check_command(argv)


def test_scaffold_pre_commit_config_uses_the_published_hooks():
    from kehoach.scaffold import Source

    published = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    local = yaml.safe_load(_rendered(".pre-commit-config.yaml"))
    hooks = [h for repo in local["repos"] for h in repo["hooks"]]
    assert [h["id"] for h in hooks] == [h["id"] for h in published]
    for hook, original in zip(hooks, published):
        for key in ("entry", "files", "pass_filenames", "language"):
            assert hook[key] == original[key], key
        assert hook["additional_dependencies"] == [f"kehoach=={kehoach.__version__}"]
    remote = yaml.safe_load(_rendered(".pre-commit-config.yaml", Source("git", "https://git.example.vn/kehoach")))
    (repo,) = remote["repos"]
    assert repo["repo"] == "https://git.example.vn/kehoach" and repo["rev"] == f"v{kehoach.__version__}"
    assert [h["id"] for h in repo["hooks"]] == [h["id"] for h in published]


# -- post_comment.py: pure logic ---------------------------------------------------------


def test_build_body_marker_text_and_footer():
    body = pc.build_body("## Thay đổi\r\n\r\n- nhiệm vụ 1.1: đổi cơ quan chủ trì\r\n", link="Xem [lần chạy](u).")
    assert body.splitlines()[0] == pc.MARKER == "<!-- kehoach-diff -->"
    assert "\r" not in body
    assert "- nhiệm vụ 1.1: đổi cơ quan chủ trì" in body
    assert body.endswith("---\nXem [lần chạy](u).")


def test_build_body_without_changes():
    assert pc.build_body("  \n") == pc.MARKER + "\n" + pc.EMPTY


def test_build_body_truncates_at_a_line_and_closes_a_code_fence():
    diff = "# Thay đổi\n```diff\n" + "".join(f"+ dòng {i}\n" for i in range(5000)) + "```\n"
    body = pc.build_body(diff, limit=2000, link="footer")
    assert len(body) <= 2000
    assert body.startswith(pc.MARKER + "\n# Thay đổi")
    assert body.count("```") % 2 == 0
    assert pc.TRUNCATED in body and body.endswith("footer")
    kept = [line for line in body.splitlines() if line.startswith("+ dòng")]
    assert kept and all(re.fullmatch(r"\+ dòng \d+", line) for line in kept)  # no line cut in half


def test_pick_comment():
    marked = pc.MARKER + "\nold"
    comments = [
        {"id": 1, "body": "LGTM", "user": {"login": "chi", "type": "User"}},
        {"id": 2, "body": "quoting " + pc.MARKER, "user": {"login": "chi", "type": "User"}},
        {"id": 3, "body": marked, "user": {"login": "github-actions[bot]", "type": "Bot"}},
        {"id": 4, "body": marked, "user": {"login": "github-actions[bot]", "type": "Bot"}},
    ]
    assert pc.pick_comment(comments)["id"] == 2
    assert pc.pick_comment(comments, bots_only=True)["id"] == 3
    assert pc.pick_comment(comments, author="github-actions[bot]")["id"] == 3
    assert pc.pick_comment(comments, author="someone") is None
    assert pc.pick_comment(comments[:1]) is None
    notes = [{"id": 7, "body": marked, "system": True, "author": {"username": "bot"}},
             {"id": 8, "body": marked, "system": False, "author": {"username": "bot"}}]
    assert pc.pick_comment(notes, author="bot")["id"] == 8


def test_github_requests():
    gh = pc.GitHub("https://api.github.com/", "so-noi-vu/ke-hoach", 12, "t0k")
    listing = gh.list_request(2)
    assert (listing.method, listing.url) == (
        "GET", "https://api.github.com/repos/so-noi-vu/ke-hoach/issues/12/comments?per_page=100&page=2")
    assert listing.data() is None
    assert listing.headers["Authorization"] == "Bearer t0k"
    assert listing.headers["Accept"] == "application/vnd.github+json"
    create = gh.create_request("nội dung")
    assert (create.method, create.url) == ("POST", "https://api.github.com/repos/so-noi-vu/ke-hoach/issues/12/comments")
    assert json.loads(create.data().decode("utf-8")) == {"body": "nội dung"}
    update = gh.update_request({"id": 99}, "mới")
    assert (update.method, update.url) == ("PATCH", "https://api.github.com/repos/so-noi-vu/ke-hoach/issues/comments/99")
    assert gh.whoami_request() is None


def test_gitlab_requests():
    gl = pc.GitLab("https://gitlab.example/api/v4", "van-phong/ke-hoach", 5, "glpat")
    base = "https://gitlab.example/api/v4/projects/van-phong%2Fke-hoach/merge_requests/5/notes"
    listing = gl.list_request(1)
    assert listing.url == base + "?per_page=100&page=1&sort=asc&order_by=created_at"
    assert listing.headers["PRIVATE-TOKEN"] == "glpat" and "Authorization" not in listing.headers
    assert (gl.create_request("x").method, gl.create_request("x").url) == ("POST", base)
    update = gl.update_request({"id": 41}, "y")
    assert (update.method, update.url) == ("PUT", base + "/41")
    assert gl.whoami_request().url == "https://gitlab.example/api/v4/user"


class FakeApi:
    """An injected ``send``: serves comment pages, records every request."""

    def __init__(self, comments, whoami=None, page_size=pc.PER_PAGE):
        self.comments, self.whoami, self.page_size, self.requests = list(comments), whoami, page_size, []

    def __call__(self, request):
        self.requests.append(request)
        if request.url.endswith("/user"):
            if self.whoami is None:
                raise pc.urllib.error.URLError("no /user")
            return pc.Response(200, {"username": self.whoami})
        if request.method == "GET":
            page = int(re.search(r"[?&]page=(\d+)", request.url).group(1))
            return pc.Response(200, self.comments[(page - 1) * self.page_size: page * self.page_size])
        return pc.Response(200, {"id": 1000})


def test_fetch_comments_follows_pages():
    comments = [{"id": i, "body": "x"} for i in range(230)]
    api = FakeApi(comments)
    got = pc.fetch_comments(pc.GitHub("https://api", "o/r", 1, "t"), api)
    assert [c["id"] for c in got] == list(range(230))
    assert [re.search(r"[?&]page=(\d+)", r.url).group(1) for r in api.requests] == ["1", "2", "3"]


def test_post_or_update_creates_then_updates_then_leaves_alone():
    gh = pc.GitHub("https://api", "o/r", 3, "t")
    body = pc.build_body("- thay đổi A")
    api = FakeApi([{"id": 1, "body": "LGTM", "user": {"login": "chi", "type": "User"}}])
    assert pc.post_or_update(gh, body, api) == "created"
    assert [r.method for r in api.requests] == ["GET", "POST"]

    bot = {"login": "github-actions[bot]", "type": "Bot"}
    api = FakeApi([{"id": 1, "body": "LGTM", "user": bot}, {"id": 2, "body": body, "user": bot}])
    newer = pc.build_body("- thay đổi B")
    assert pc.post_or_update(gh, newer, api) == "updated"
    assert api.requests[-1].method == "PATCH" and api.requests[-1].url.endswith("/issues/comments/2")
    assert json.loads(api.requests[-1].data()) == {"body": newer}

    api = FakeApi([{"id": 2, "body": body, "user": bot}])
    assert pc.post_or_update(gh, body, api) == "unchanged"
    assert [r.method for r in api.requests] == ["GET"]

    # a human's comment quoting the marker is never edited by the workflow token
    api = FakeApi([{"id": 5, "body": body, "user": {"login": "chi", "type": "User"}}])
    assert pc.post_or_update(gh, newer, api) == "created"


def test_post_or_update_on_gitlab_matches_the_token_user():
    gl = pc.GitLab("https://gl/api/v4", "9", 4, "t")
    body = pc.build_body("- thay đổi")
    notes = [{"id": 1, "body": body, "author": {"username": "chi"}},
             {"id": 2, "body": body + "\ncũ", "author": {"username": "project_9_bot"}}]
    api = FakeApi(notes, whoami="project_9_bot")
    assert pc.post_or_update(gl, body, api) == "updated"
    assert api.requests[-1].method == "PUT" and api.requests[-1].url.endswith("/notes/2")
    api = FakeApi(notes, whoami=None)  # /user refused: the marker alone decides
    assert pc.post_or_update(gl, body, api) == "unchanged"


def test_github_pr_number_sources(tmp_path):
    assert pc.github_pr_number({"PR_NUMBER": "17"}) == 17
    assert pc.github_pr_number({"GITHUB_REF": "refs/pull/23/merge"}) == 23
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 31}}), encoding="utf-8")
    assert pc.github_pr_number({"GITHUB_EVENT_PATH": str(event)}) == 31
    with pytest.raises(pc.ConfigError):
        pc.github_pr_number({"GITHUB_REF": "refs/heads/main"})
    with pytest.raises(pc.ConfigError):
        pc.github_pr_number({"PR_NUMBER": "abc"})


def test_artifacts_link():
    github = pc.artifacts_link({"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/r",
                                "GITHUB_RUN_ID": "77"}, gitlab=False)
    assert "(https://github.com/o/r/actions/runs/77)" in github
    assert "(https://gl/p/-/pipelines/5)" in pc.artifacts_link({"CI_PIPELINE_URL": "https://gl/p/-/pipelines/5"},
                                                               gitlab=True)
    assert pc.artifacts_link({}, gitlab=False) is None


def test_main_reports_configuration_problems(tmp_path, capsys):
    diff = tmp_path / "diff.md"
    assert pc.main([str(tmp_path / "none.md")], env={}) == 1
    assert "không đọc được tệp" in capsys.readouterr().err
    diff.write_text("x", encoding="utf-8")
    assert pc.main([str(diff)], env={"GITHUB_REPOSITORY": "o/r", "PR_NUMBER": "1"}) == 1
    assert "GITHUB_TOKEN" in capsys.readouterr().err
    assert pc.main(["--gitlab", str(diff)], env={"CI_API_V4_URL": "u"}) == 1
    assert "KEHOACH_GITLAB_TOKEN" in capsys.readouterr().err


# -- post_comment.py against a fake GitHub API on the loopback interface ------------------


class _FakeGitHub(BaseHTTPRequestHandler):
    comments: list = []
    log: list = []
    fail: int | None = None

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _reply(self, status, payload):
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))

    def _handle(self):
        cls = type(self)
        cls.log.append((self.command, self.path, self.headers.get("Authorization")))
        if cls.fail:
            return self._reply(cls.fail, {"message": "Resource not accessible by integration"})
        if self.command == "GET" and self.path.startswith("/repos/o/r/issues/8/comments"):
            page = int(re.search(r"[?&]page=(\d+)", self.path).group(1))
            return self._reply(200, cls.comments[(page - 1) * 100: page * 100])
        if self.command == "POST" and self.path == "/repos/o/r/issues/8/comments":
            comment = {"id": 500 + len(cls.comments), "body": self._body()["body"],
                       "user": {"login": "github-actions[bot]", "type": "Bot"}}
            cls.comments.append(comment)
            return self._reply(201, comment)
        match = re.fullmatch(r"/repos/o/r/issues/comments/(\d+)", self.path)
        if self.command == "PATCH" and match:
            comment = next(c for c in cls.comments if c["id"] == int(match.group(1)))
            comment["body"] = self._body()["body"]
            return self._reply(200, comment)
        return self._reply(404, {"message": "Not Found"})

    do_GET = do_POST = do_PATCH = _handle


@pytest.fixture
def fake_github():
    _FakeGitHub.comments = [{"id": 1, "body": "Đã xem.", "user": {"login": "chi", "type": "User"}}]
    _FakeGitHub.log = []
    _FakeGitHub.fail = None
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeGitHub)
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_main_posts_once_then_updates_the_same_comment(tmp_path, capsys, fake_github):
    env = {"GITHUB_TOKEN": "s3cret", "GITHUB_REPOSITORY": "o/r", "PR_NUMBER": "8", "GITHUB_API_URL": fake_github,
           "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42"}
    diff = tmp_path / "diff.md"
    diff.write_text("## Thay đổi\n- nhiệm vụ 1.1\n", encoding="utf-8")
    assert pc.main([str(diff)], env=env) == 0
    assert "đã đăng bình luận mới" in capsys.readouterr().out
    diff.write_text("## Thay đổi\n- nhiệm vụ 1.1\n- nhiệm vụ 2.3\n", encoding="utf-8")
    assert pc.main([str(diff)], env=env) == 0
    assert "đã cập nhật bình luận" in capsys.readouterr().out
    assert pc.main([str(diff)], env=env) == 0
    assert "không đổi" in capsys.readouterr().out

    ours = [c for c in _FakeGitHub.comments if pc.MARKER in c["body"]]
    assert len(ours) == 1
    assert "- nhiệm vụ 2.3" in ours[0]["body"] and "actions/runs/42" in ours[0]["body"]
    assert [m for m, _, _ in _FakeGitHub.log] == ["GET", "POST", "GET", "PATCH", "GET"]
    assert all(auth == "Bearer s3cret" for _, _, auth in _FakeGitHub.log)


def test_main_explains_a_refused_token(tmp_path, capsys, fake_github):
    _FakeGitHub.fail = 403
    diff = tmp_path / "diff.md"
    diff.write_text("x", encoding="utf-8")
    env = {"GITHUB_TOKEN": "s3cret", "GITHUB_REPOSITORY": "o/r", "PR_NUMBER": "8", "GITHUB_API_URL": fake_github}
    assert pc.main([str(diff)], env=env) == 1
    err = capsys.readouterr().err
    assert "HTTP 403" in err and "quyền" in err and "s3cret" not in err


# -- the body comes from `kehoach diff` ----------------------------------------------------


def test_comment_body_from_kehoach_diff(tmp_path, capsys):
    from kehoach import cli
    from kehoach.scaffold import new_plan_repo

    parser = cli._parser()
    if "diff" not in next(a for a in parser._actions if a.dest == "command").choices:
        pytest.skip("'kehoach diff' is not wired into the CLI yet")
    old, new = tmp_path / "old", tmp_path / "new"
    new_plan_repo(old, "huyen")
    new_plan_repo(new, "huyen")
    tasks = new / "plan" / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    tasks.write_text(text.replace("lead: phong-noi-vu", "lead: phong-tc-kh")
                         .replace("support: [phong-vh-kh-tt, phong-tc-kh]", "support: [phong-vh-kh-tt]"),
                     encoding="utf-8")
    capsys.readouterr()
    code = cli.main(["diff", str(old / "plan"), str(new / "plan"), "--format", "markdown"])
    report = capsys.readouterr().out
    assert code in (0, 1), code  # some diff tools exit 1 when there are differences
    assert report.strip(), "kehoach diff printed nothing for a changed lead"
    body = pc.build_body(report)
    assert body.startswith(pc.MARKER + "\n") and report.strip() in body
    assert "2.2" in body


def test_ci_recipes_doc_matches_the_recipes():
    doc = (ROOT / "docs" / "ci-recipes.md").read_text(encoding="utf-8")
    github, gitlab = GITHUB.read_text(encoding="utf-8"), GITLAB.read_text(encoding="utf-8")
    for name in ("--source", "KEHOACH_GITLAB_TOKEN", "--format github", "--format gitlab", "GITHUB_STEP_SUMMARY",
                 "upload-pages-artifact", "codequality", "glab release create", "CI_MERGE_REQUEST_DIFF_BASE_SHA", "fetch-depth: 0",
                 "pull-requests: write", "contents: write", "van-ban-pdf", "binh-luan"):
        assert name in doc, name
        assert name in github or name in gitlab, name
    assert pc.MARKER in doc
    (example,) = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", doc, re.S)]
    published = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert [h["id"] for h in example["repos"][0]["hooks"]] == [h["id"] for h in published]
