"""mypy proves the package's annotations: the whole package with mypy's
default settings (the ``[tool.mypy]`` table of pyproject.toml), the public API
modules with ``--strict``, and a script written against the public API sees
real types (a wrong argument is an error, not ``Any``).

mypy is in the ``test`` extra, so CI runs these; they are not skipped when it
is missing.  The cache lives in the system's temporary folder, so a second
run takes about a second instead of a cold ~15 s."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
CACHE = Path(tempfile.gettempdir()) / "kehoach-mypy-cache"

#: the public API: what ``kehoach`` exports, the edit API, the model and what they name in their signatures
STRICT = ("kehoach/__init__.py", "kehoach/edit.py", "kehoach/model.py", "kehoach/timeline.py",
          "kehoach/diagnostics.py")


def mypy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MYPYPATH=str(SRC))
    env.pop("PYTHONPATH", None)  # the package is found through MYPYPATH, as the source tree
    return subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(CACHE), *args],
                          capture_output=True, text=True, cwd=cwd, env=env)


def test_the_package_is_clean_with_default_settings() -> None:
    result = mypy("--config-file", str(ROOT / "pyproject.toml"), str(SRC / "kehoach"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found")


def test_the_public_api_is_clean_with_strict() -> None:
    result = mypy("--config-file", str(ROOT / "pyproject.toml"), "--strict", "--follow-imports=silent",
                  *(str(SRC / module) for module in STRICT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"no issues found in {len(STRICT)} source files" in result.stdout


SCRIPT = '''\
import kehoach

plan: kehoach.Plan = kehoach.load_plan("plan")
plan = kehoach.with_task(plan, "1.2", lead=["phong-y-te"])
plan = kehoach.add_task(plan, "nhom-1", id="1.9", content="x", lead="phong-y-te", timeline="2026")
data: bytes = kehoach.render_letter(plan, "phong-y-te")
try:
    kehoach.load_plan("plan")
except kehoach.PlanError as error:
    messages: list[str] = [d.format() for d in error.diagnostics]
'''


@pytest.mark.parametrize("line, error", [
    ("", None),
    ('kehoach.with_task(plan, 12, lead="phong-y-te")', 'Argument 2 to "with_task" has incompatible type "int"'),
    ('kehoach.with_task(plan, "1.2", leader="phong-y-te")', 'Unexpected keyword argument "leader"'),
    ("count: int = kehoach.render_plan(plan)", 'Incompatible types in assignment (expression has type "bytes"'),
])
def test_a_script_sees_the_public_types(tmp_path: Path, line: str, error: str | None) -> None:
    (tmp_path / "script.py").write_text(SCRIPT + line + "\n", encoding="utf-8")
    result = mypy("--strict", "--follow-imports=silent", "script.py", cwd=tmp_path)
    if error is None:
        assert result.returncode == 0, result.stdout + result.stderr
    else:
        assert result.returncode == 1 and error in result.stdout, result.stdout + result.stderr
