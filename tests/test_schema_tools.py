"""The exported schemas with the tools plan repositories use: check-jsonschema
resolves every ``$ref`` from the schema file's own folder (no ``$id``, no
network), ``kehoach schema --check`` notices stale exports, and the editor
keywords are Vietnamese."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest

import kehoach
from kehoach import cli
from kehoach.scaffold import LEVELS, new_plan_repo
from kehoach.schema_export import COMMON, export_schemas, schema_texts, stale_schemas

from conftest import FIXTURES, PLAN, ROOT, check_jsonschema, replace_once

KINDS = {"plan.yaml": "plan.schema.json", "agencies.yaml": "agencies.schema.json", "tasks.yaml": "tasks.schema.json"}
RETURNS = sorted((FIXTURES / "returns").rglob("*.yaml"))


def _check_jsonschema(schema: Path, *files: Path) -> subprocess.CompletedProcess:
    return check_jsonschema("--schemafile", str(schema), *map(str, files))


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The example plan's schemas exported with its agency list, in a folder of their own."""
    folder = tmp_path_factory.mktemp("exported") / "schemas"
    export_schemas(folder, kehoach.load_plan(PLAN))
    return folder


@pytest.fixture(scope="module")
def scaffolds(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("scaffolds")
    out = {}
    for level in sorted(LEVELS):
        new_plan_repo(base / level, level, today=dt.date(2026, 11, 28), git=False)
        out[level] = base / level
    return out


def test_check_jsonschema_validates_the_example_plan_with_the_exported_schemas(exported):
    assert RETURNS, "no fixture returns"
    for source, schema in KINDS.items():
        result = _check_jsonschema(exported / schema, PLAN / source)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "validation done" in result.stdout
    result = _check_jsonschema(exported / "return.schema.json", *RETURNS)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "examples").iterdir() if (p / "plan.yaml").is_file()))
def test_check_jsonschema_validates_every_example_plan(example, tmp_path):
    """Each illustrative plan under examples/ (several appendices, data tables, body task records,
    markup) with the schemas exported for its own agency list."""
    folder = ROOT / "examples" / example
    export_schemas(tmp_path / "schemas", kehoach.load_plan(folder))
    sources = [s for s in KINDS if (folder / s).is_file()]
    assert "plan.yaml" in sources and "agencies.yaml" in sources
    for source in sources:
        result = _check_jsonschema(tmp_path / "schemas" / KINDS[source], folder / source)
        assert result.returncode == 0, (example, source, result.stdout + result.stderr)
        assert "validation done" in result.stdout


def test_check_jsonschema_validates_every_scaffolded_repository(scaffolds):
    for level, repo in scaffolds.items():
        for source, schema in KINDS.items():
            result = _check_jsonschema(repo / "schemas" / schema, repo / "plan" / source)
            assert result.returncode == 0, (level, source, result.stdout + result.stderr)


def test_check_jsonschema_reports_an_unknown_agency_and_a_bad_id(exported, tmp_path):
    tasks = tmp_path / "tasks.yaml"
    tasks.write_text((PLAN / "tasks.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    replace_once(tasks, "lead: phong-tu-phap", "lead: phong-tuphap")
    text = tasks.read_text(encoding="utf-8")
    first_id = re.search(r'^\s+- id: "?([0-9.]+)"?$', text, re.M)
    replace_once(tasks, first_id.group(0), first_id.group(0).replace(first_id.group(1), "Nhiệm vụ 1"))
    result = _check_jsonschema(exported / "tasks.schema.json", tasks)
    assert result.returncode == 1
    assert "phong-tuphap" in result.stdout and "Nhiệm vụ 1" in result.stdout
    assert "Unresolvable" not in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_the_source_schemas_resolve_too():
    """kehoach's own schema folder works the same way (no $id anywhere)."""
    folder = kehoach.resources.schema_dir()
    for source, schema in KINDS.items():
        assert "$id" not in (folder / schema).read_text(encoding="utf-8")
        result = _check_jsonschema(folder / schema, PLAN / source)
        assert result.returncode == 0, result.stdout + result.stderr


# -- kehoach schema --check ----------------------------------------------------------------


def test_schema_check_passes_when_fresh_and_fails_when_an_agency_is_added(tmp_path, plan_copy, capsys, monkeypatch):
    out = tmp_path / "schemas"
    assert cli.main(["schema", "--out", str(out), "--plan", str(plan_copy)]) == 0
    capsys.readouterr()
    assert cli.main(["schema", "--check", "--out", str(out), "--plan", str(plan_copy)]) == 0
    assert "đã cập nhật" in capsys.readouterr().out
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    replace_once(plan_copy / "agencies.yaml", "agencies:\n", "agencies:\n  - id: phong-moi\n"
                 "    name: Phòng Mới\n    short_name: Phòng Mới\n    kind: phong-ban\n")
    assert kehoach.check_plan(plan_copy)[0] is not None
    assert cli.main(["schema", "--check", "--out", str(out), "--plan", str(plan_copy)]) == 1
    err = capsys.readouterr().err
    assert f"{out / COMMON}: lược đồ đã cũ" in err and "plan.schema.json" not in err
    assert f"kehoach schema --out {out} --plan {plan_copy}" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # --check writes nothing

    assert cli.main(["schema", "--out", str(out), "--plan", str(plan_copy)]) == 0
    assert cli.main(["schema", "--check", "--out", str(out), "--plan", str(plan_copy)]) == 0


def test_schema_check_reports_missing_files(tmp_path, capsys):
    assert cli.main(["schema", "--check", "--plain", "--out", str(tmp_path / "none")]) == 1
    assert len([line for line in capsys.readouterr().err.splitlines() if "lược đồ đã cũ" in line]) == 5


def test_stale_schemas_compares_bytes(tmp_path):
    export_schemas(tmp_path)
    assert stale_schemas(tmp_path) == []
    (tmp_path / "tasks.schema.json").write_text("{}", encoding="utf-8")
    assert stale_schemas(tmp_path) == ["tasks.schema.json"]


# -- what the editor shows -----------------------------------------------------------------


def _nodes(node):
    """Every subschema (not the name→schema maps, not enum/examples/snippet values)."""
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key in ("properties", "definitions", "patternProperties"):
                for child in value.values():
                    yield from _nodes(child)
            elif key in ("items", "not", "additionalProperties") and isinstance(value, dict):
                yield from _nodes(value)
            elif key in ("anyOf", "allOf", "oneOf", "items") and isinstance(value, list):
                for child in value:
                    yield from _nodes(child)


def test_every_pattern_enum_and_typed_field_has_a_vietnamese_message():
    for name, data in schema_texts().items():
        for node in _nodes(json.loads(data)):
            if "$ref" in node:
                continue
            if "pattern" in node:
                assert node.get("patternErrorMessage"), (name, node.get("title"))
            if "enum" in node or isinstance(node.get("type"), (str, list)):
                assert node.get("errorMessage"), (name, node.get("title"))
            if node.get("title"):
                assert node.get("markdownDescription", "").startswith("**"), (name, node["title"])


def test_timeline_and_period_completion():
    tasks = json.loads(schema_texts()["tasks.schema.json"])
    timeline = tasks["definitions"]["task"]["properties"]["timeline"]
    bodies = [s["body"] for s in timeline["defaultSnippets"]]
    assert "Thường xuyên" in bodies and "Hằng năm" in bodies and "${1:2026}-${2:2030}" in bodies
    assert "2026-2030" in timeline["examples"]
    if "pattern" in timeline:  # a timeline restricted by a pattern explains the forms it accepts
        assert "khoảng năm (2026-2030)" in timeline["patternErrorMessage"]
    snippet = tasks["definitions"]["task"]["defaultSnippets"][0]["body"]
    assert set(snippet) >= {"id", "content", "lead", "timeline", "output"}
    plan = json.loads(schema_texts()["plan.schema.json"])
    period = plan["definitions"]["reporting"]["definitions"]["period_id"]
    assert [s["body"] for s in period["defaultSnippets"]] == ["${1:2026}-H1", "${1:2026}", "${1:2026}-Q${2:1}",
                                                                   "${1:2026}-${2:03}"]
    periods = plan["definitions"]["reporting"]["properties"]["periods"]["items"]
    assert periods["enumDescriptions"] == ["hằng tháng", "hằng quý", "kỳ 6 tháng", "kỳ năm", "hằng ngày",
                                           "đột xuất, một lần", "khi có yêu cầu"]


def test_agency_enum_has_a_vietnamese_error_message():
    common = json.loads(schema_texts(kehoach.load_plan(PLAN))[COMMON])
    ref = common["definitions"]["ref"]
    assert "không có trong danh mục" in ref["errorMessage"]
    assert ref["patternErrorMessage"].startswith("«Mã cơ quan hoặc nhóm»: mã chỉ gồm chữ thường")


def test_exported_schemas_accept_and_reject_exactly_like_the_source(tmp_path):
    """Validators ignore the editor keywords: the exported schema decides as the source does."""
    import jsonschema
    import yaml
    from referencing import Registry
    from referencing.jsonschema import DRAFT7

    def validators(files: dict[str, dict]):
        registry = Registry().with_resources((n, DRAFT7.create_resource(s)) for n, s in files.items())
        return {n: jsonschema.Draft7Validator(s, registry=registry) for n, s in files.items()}

    source = validators({p.name: json.loads(p.read_text(encoding="utf-8"))
                         for p in kehoach.resources.schema_dir().glob("*.schema.json")})
    exported = validators({n: json.loads(d) for n, d in schema_texts().items()})
    tasks = yaml.safe_load((PLAN / "tasks.yaml").read_text(encoding="utf-8"))
    for bad in ("2026-13", "sớm", "Hằng năm", "2026-2030"):
        tasks["groups"][0]["tasks"][0]["timeline"] = bad
        assert (len(list(source["tasks.schema.json"].iter_errors(tasks)))
                == len(list(exported["tasks.schema.json"].iter_errors(tasks)))), bad
