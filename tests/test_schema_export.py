"""Schemas exported for editors: Vietnamese messages and completion added to
kehoach's own, optionally the plan's agency enum; no ``$id``, every ``$ref``
relative, so they resolve offline next to the schema file."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from referencing import Registry
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT7

import kehoach
from kehoach.resources import schema_dir
from kehoach.schema_export import (
    COMMON, choices_from_dir, choices_from_plan, export_schemas, schema_texts,
)

from conftest import PLAN, replace_once

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"plan.yaml": "plan.schema.json", "agencies.yaml": "agencies.schema.json", "tasks.yaml": "tasks.schema.json"}


@pytest.fixture(scope="module")
def plan():
    return kehoach.load_plan(PLAN)


def _offline_validators(folder: Path) -> dict[str, jsonschema.Draft7Validator]:
    """Validators built from the exported folder alone; any other lookup fails."""
    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.schema.json")}

    def refuse(uri: str):
        raise NoSuchResource(ref=uri)

    registry = Registry(retrieve=refuse).with_resources(
        (name, DRAFT7.create_resource(s)) for name, s in schemas.items())
    return {name: jsonschema.Draft7Validator(s, registry=registry) for name, s in schemas.items()}


def _errors(validator, data) -> list[str]:
    """Each error as "path: message"; for a value that may take several shapes
    (``lead``: one id or a list), the message of the shape it has."""
    out = []
    for e in validator.iter_errors(data):
        fitting = [c for c in e.context if c.validator != "type"] if e.context else []
        e = jsonschema.exceptions.best_match(fitting) if fitting else e
        out.append(f"{list(e.absolute_path)}: {e.message}")
    return out


def _without_editor_keywords(node):
    """A schema with the keywords only editors read removed."""
    if isinstance(node, dict):
        return {k: _without_editor_keywords(v) for k, v in node.items()
                if k not in ("markdownDescription", "errorMessage", "patternErrorMessage", "defaultSnippets",
                             "examples", "enumDescriptions")}
    if isinstance(node, list):
        return [_without_editor_keywords(v) for v in node]
    return node


def test_plain_export_is_the_source_plus_editor_keywords(tmp_path):
    written = export_schemas(tmp_path / "schemas")
    source = sorted(schema_dir().glob("*.schema.json"))
    assert sorted(p.name for p in written) == [p.name for p in source]
    assert len(written) == 5
    for path in source:
        exported = json.loads((tmp_path / "schemas" / path.name).read_text(encoding="utf-8"))
        original = json.loads(path.read_text(encoding="utf-8"))
        assert exported != original, path.name
        assert _without_editor_keywords(exported) == _without_editor_keywords(original), path.name


def test_export_with_plan_adds_the_agency_enum(tmp_path, plan):
    written = export_schemas(tmp_path, plan)
    assert {p.name for p in written} == {p.name for p in schema_dir().glob("*.schema.json")}
    plain = schema_texts()
    for path in written:
        if path.name != COMMON:  # everything but common.schema.json is as in the plain export
            assert path.read_bytes() == plain[path.name], path.name
    common = json.loads((tmp_path / COMMON).read_text(encoding="utf-8"))
    ref = common["definitions"]["ref"]
    ids = list(plan.registry.agencies) + list(plan.registry.groups)
    assert ref["enum"] == ids
    assert len(ref["enumDescriptions"]) == len(ref["markdownEnumDescriptions"]) == len(ids)
    described = dict(zip(ref["enum"], ref["enumDescriptions"]))
    assert described["phong-y-te"].startswith("Phòng Y tế")
    assert described["xa-binh-lu"] == "Ủy ban nhân dân xã Bình Lư (UBND xã Bình Lư)"
    assert "ngừng hoạt động từ 01/03/2025" in described["cong-an"]
    assert described["ubnd-cac-xa"].startswith("Nhóm: UBND các xã, thị trấn — 13 cơ quan:")
    markdown = dict(zip(ref["enum"], ref["markdownEnumDescriptions"]))
    assert markdown["phong-y-te"].startswith("**Phòng Y tế**")
    # what was there stays: the pattern, the Vietnamese title, and a hint to refresh
    assert ref["pattern"] == "^[a-z0-9]+([.-][a-z0-9]+)*$" and ref["title"] == "Mã cơ quan hoặc nhóm"
    assert "kehoach schema --out schemas" in ref["description"]
    # the refs list and every other definition are unchanged
    original = json.loads(plain[COMMON])
    for name, definition in original["definitions"].items():
        if name != "ref":
            assert common["definitions"][name] == definition, name


def test_exported_schemas_have_no_id_and_every_ref_resolves(tmp_path, plan):
    export_schemas(tmp_path, plan)
    for path in tmp_path.glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert "$id" not in path.read_text(encoding="utf-8")
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        for ref in re.findall(r'"\$ref":\s*"([^"]+)"', path.read_text(encoding="utf-8")):
            file, _, pointer = ref.partition("#")
            target = json.loads((tmp_path / file).read_text(encoding="utf-8")) if file else schema
            assert not re.match(r"^[a-z]+:", file), f"{path.name}: absolute $ref {ref}"
            node = target
            for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
                node = node[part]
            assert isinstance(node, dict), ref


def test_exported_schemas_accept_the_plan_offline_and_catch_unknown_agencies(tmp_path, plan):
    export_schemas(tmp_path / "enum", plan)
    export_schemas(tmp_path / "plain")
    enum, plain = _offline_validators(tmp_path / "enum"), _offline_validators(tmp_path / "plain")
    for source, schema in KINDS.items():
        data = yaml.safe_load((PLAN / source).read_text(encoding="utf-8"))
        assert _errors(enum[schema], data) == [], source
    tasks = yaml.safe_load((PLAN / "tasks.yaml").read_text(encoding="utf-8"))
    tasks["groups"][0]["tasks"][0]["lead"] = "phong-tuphap"
    problems = _errors(enum["tasks.schema.json"], tasks)
    assert len(problems) == 1 and "'phong-tuphap' is not one of" in problems[0]  # jsonschema's own words
    assert _errors(plain["tasks.schema.json"], tasks) == []  # the plain schemas only check the shape


def test_export_is_idempotent_and_leaves_other_files(tmp_path, plan):
    (tmp_path / "README.txt").write_text("giữ nguyên", encoding="utf-8")
    first = {p.name: p.read_bytes() for p in export_schemas(tmp_path, plan)}
    second = {p.name: p.read_bytes() for p in export_schemas(tmp_path, plan)}
    assert first == second
    assert (tmp_path / "README.txt").read_text(encoding="utf-8") == "giữ nguyên"
    assert not list(tmp_path.glob(".*.tmp"))
    assert schema_texts(plan) == first


def test_export_refuses_kehoach_s_own_schema_folder(plan):
    before = {p.name: p.read_bytes() for p in schema_dir().glob("*.json")}
    with pytest.raises(ValueError, match="không ghi đè thư mục lược đồ gốc"):
        export_schemas(schema_dir(), plan)
    assert {p.name: p.read_bytes() for p in schema_dir().glob("*.json")} == before


def test_choices_from_agencies_yaml_alone(plan_copy, plan):
    replace_once(plan_copy / "tasks.yaml", "lead: phong-tu-phap", "lead: phong-tuphap")
    assert kehoach.check_plan(plan_copy)[0] is None
    choices, problems = choices_from_dir(plan_copy)
    assert problems == []
    assert choices == choices_from_plan(plan)
    replace_once(plan_copy / "agencies.yaml", "kind: phong-ban", "kind: phongban")
    choices, problems = choices_from_dir(plan_copy)
    assert choices is None and [d.code for d in problems] == ["KH023"]


def _args(*argv: str) -> list[str]:
    return ["schema", *argv]


def run(argv: list[str]) -> int:
    from kehoach.cli import main
    return main(argv)


def test_run_with_a_plan(tmp_path, capsys):
    assert run(_args("--out", str(tmp_path / "s"), "--plan", str(PLAN))) == 0
    assert "kèm 45 mã cơ quan và nhóm" in capsys.readouterr().out
    assert "enum" in json.loads((tmp_path / "s" / COMMON).read_text(encoding="utf-8"))["definitions"]["ref"]


def test_run_without_a_plan_folder_exports_plain_schemas(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert run(_args()) == 0  # defaults: --plan plan (absent), --out schemas
    assert "không kèm danh sách mã cơ quan" in capsys.readouterr().out
    assert (tmp_path / "schemas" / COMMON).read_bytes() == schema_texts()[COMMON]
    assert run(_args("--plain", "--plan", str(PLAN), "--out", "p")) == 0
    assert (tmp_path / "p" / COMMON).read_bytes() == schema_texts()[COMMON]


def test_run_with_a_broken_registry_writes_nothing(tmp_path, plan_copy, capsys):
    replace_once(plan_copy / "agencies.yaml", "kind: phong-ban", "kind: phongban")
    assert run(_args("--out", str(tmp_path / "s"), "--plan", str(plan_copy))) == 1
    assert "KH023" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_run_with_errors_outside_the_registry_still_lists_agencies(tmp_path, plan_copy, capsys):
    replace_once(plan_copy / "tasks.yaml", "lead: phong-tu-phap", "lead: phong-tuphap")
    assert run(_args("--out", str(tmp_path / "s"), "--plan", str(plan_copy))) == 0
    assert "danh sách mã lấy từ agencies.yaml" in capsys.readouterr().err
    ref = json.loads((tmp_path / "s" / COMMON).read_text(encoding="utf-8"))["definitions"]["ref"]
    assert "phong-tu-phap" in ref["enum"]


def test_run_refuses_the_package_schemas(capsys):
    assert run(_args("--out", str(schema_dir()), "--plan", str(PLAN))) == 1
    assert "không ghi đè" in capsys.readouterr().err


# -- docs/editors.md ----------------------------------------------------------------------


EDITORS = ROOT / "docs" / "editors.md"


def test_editors_doc_covers_the_set_up():
    text = EDITORS.read_text(encoding="utf-8")
    for needle in ("redhat.vscode-yaml", "# yaml-language-server: $schema=../schemas/tasks.schema.json",
                   "kehoach schema --out schemas", "yaml.schemas", "github.dev", ".vscode/settings.json"):
        assert needle in text, needle
    assert "## English" in text


def test_editors_doc_settings_snippet_maps_existing_schemas():
    text = EDITORS.read_text(encoding="utf-8")
    blocks = re.findall(r"```jsonc?\n(.*?)```", text, re.S)
    settings = [json.loads(b) for b in blocks if "yaml.schemas" in b]
    assert settings, "no .vscode/settings.json example with yaml.schemas"
    for block in settings:
        for schema, globs in block["yaml.schemas"].items():
            assert (schema_dir() / Path(schema).name).is_file(), schema
            assert Path(schema).parent.name == "schemas"
            globs = [globs] if isinstance(globs, str) else globs
            assert all(g.startswith("plan/") for g in globs), globs
