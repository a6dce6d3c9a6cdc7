"""Fast start: the commands that do not render do not import the rendering
stack (docxtpl, python-docx, jinja2, icalendar, pikepdf; lxml only where the
command reads XML).  Import sets, not timings: times are measured by
benchmarks/run.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RENDERING = ("docxtpl", "docx", "jinja2", "icalendar", "pikepdf", "markupsafe",
             "kehoach.build", "kehoach.render", "kehoach.documents", "kehoach.templating")


def imported_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def heavy(modules: set[str], also: tuple[str, ...] = ()) -> set[str]:
    roots = RENDERING + also
    return {m for m in modules if any(m == r or m.startswith(r + ".") for r in roots)}


def run_cli(*argv: str) -> str:
    return f"from kehoach.cli import main\ntry:\n    main({list(argv)!r})\nexcept SystemExit:\n    pass"


def test_version_imports_nothing_heavy():
    modules = imported_after(run_cli("--version"))
    assert heavy(modules, ("lxml", "yaml", "jsonschema", "kehoach.load")) == set()


def test_import_kehoach_and_vn_import_nothing_heavy():
    modules = imported_after("import kehoach\nimport kehoach.vn")
    assert heavy(modules, ("lxml", "yaml", "jsonschema", "kehoach.load", "kehoach.model")) == set()


def test_validate_does_not_import_the_rendering_stack():
    modules = imported_after(run_cli("-q", "validate", str(ROOT / "tests" / "fixtures" / "reporting" / "plan")))
    assert "kehoach.load" in modules  # it did validate
    assert heavy(modules, ("lxml",)) == set()


def test_docx2text_does_not_import_the_rendering_stack(tmp_path):
    from kehoach.build import render_plan
    import kehoach
    docx = tmp_path / "plan.docx"
    docx.write_bytes(render_plan(kehoach.load_plan(ROOT / "tests" / "fixtures" / "reporting" / "plan")))
    modules = imported_after(run_cli("docx2text", str(docx)))
    assert "lxml.etree" in modules  # it did read the document
    assert heavy(modules, ("yaml", "jsonschema", "kehoach.load")) == set()


@pytest.mark.parametrize("name, function", [("build", "build_plan"), ("consolidate", "consolidate_returns"),
                                            ("periods", "reporting_periods")])
def test_submodules_are_not_shadowed_and_stay_callable(name, function):
    """``kehoach.build`` is the module :mod:`kehoach.build` whichever way it is
    reached; calling it still calls its function (the API before
    ``build_plan``), and the public name is that very function."""
    code = (f"import importlib, types, kehoach\nfirst = kehoach.{name}\n"
            f"module = importlib.import_module('kehoach.{name}')\nimport kehoach.{name} as again\n"
            f"assert first is module is again and isinstance(module, types.ModuleType)\n"
            f"assert callable(kehoach.{name}) and kehoach.{function} is getattr(module, '{name}')\n"
            "assert kehoach.load_plan and kehoach.Plan and kehoach.PlanError and kehoach.BuildOptions\n"
            "assert kehoach.CODES and kehoach.render_documents  # the names exported before the list was shortened\n"
            "from kehoach import *\nassert Task and render_plan and with_task and build_plan")
    imported_after(code)


def test_a_module_imported_first_is_callable_too():
    code = ("import kehoach.periods, kehoach\n"
            "plan = kehoach.load_plan('tests/fixtures/reporting/plan')\n"
            "assert kehoach.periods(plan) == kehoach.reporting_periods(plan) and kehoach.periods(plan)\n"
            "assert 'reporting_periods' in kehoach.__all__ and 'periods' not in kehoach.__all__")
    imported_after(code)
