"""Export kehoach's JSON Schemas for editors and standard tools.

The source schemas in ``schemas/`` are what kehoach validates with.  The
EXPORTED copy (``kehoach schema --out schemas``, and every repository made by
``kehoach new``) adds what only editors use, all in Vietnamese:

* ``markdownDescription`` (hover text) from each ``title``/``description``;
* ``errorMessage`` / ``patternErrorMessage``, the keywords the YAML language
  server (VS Code, github.dev) shows instead of its English "Value is not
  accepted", "Incorrect type", "String does not match the pattern of …";
* completion: ``defaultSnippets`` and ``examples`` for a task, an agency,
  ``timeline``, reporting periods; Vietnamese ``enumDescriptions``;
* optionally (:func:`export_schemas` with a plan or choices) an ``enum`` of
  the registry's agency and group ids on ``definitions/ref`` of
  ``common.schema.json``, each with its Vietnamese name, so ``lead: ``
  completes and an unknown id is flagged while typing.

No schema has an ``$id``: every ``$ref`` is relative (``common.schema.json#/…``)
and resolves next to the schema file, offline — which is how check-jsonschema,
ajv and the YAML language server all resolve it.  Validators ignore the added
keywords, so an exported schema accepts and rejects exactly what the source
one does.  The agency list goes stale when ``agencies.yaml`` changes:
``kehoach schema --check`` (and the ``kehoach-schema-check`` pre-commit hook)
says so, ``kehoach schema --out schemas`` refreshes it.  kehoach's own
validation always uses its packaged schemas, never an exported copy.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from .diagnostics import Diagnostic, has_errors
from .model import Plan
from .markdown import escape as _md
from .resources import schema_dir

__all__ = ["COMMON", "Choice", "choices_from_dir", "choices_from_plan", "editor_schema",
           "export_schemas", "schema_texts", "stale_schemas"]

COMMON = "common.schema.json"
_REFRESH = ("Danh sách mã lấy từ agencies.yaml khi xuất lược đồ; sau khi sửa agencies.yaml, chạy lại "
            "'kehoach schema --out schemas' để cập nhật gợi ý.")


@dataclass(frozen=True)
class Choice:
    """One id an editor offers where an agency or group is expected."""

    id: str
    description: str            # plain text (enumDescriptions)
    markdown: str               # Markdown (markdownEnumDescriptions)




def _agency_choice(ident: str, name: str, short_name: Optional[str], until: Optional[str]) -> Choice:
    plain, markdown = name, f"**{_md(name)}**"
    if short_name and short_name != name:
        plain += f" ({short_name})"
        markdown += f" ({_md(short_name)})"
    if until:
        day = until.split("-")
        shown = f"{day[2]}/{day[1]}/{day[0]}" if len(day) == 3 else until
        plain += f" — ngừng hoạt động từ {shown}"
        markdown += f" — *ngừng hoạt động từ {shown}*"
    return Choice(ident, plain, markdown)


def _group_choice(ident: str, name: str, member_names: Sequence[str]) -> Choice:
    listed = ", ".join(member_names[:8]) + (", …" if len(member_names) > 8 else "")
    plain = f"Nhóm: {name} — {len(member_names)} cơ quan: {listed}"
    markdown = f"**Nhóm: {_md(name)}** — {len(member_names)} cơ quan: {_md(listed)}"
    return Choice(ident, plain, markdown)


def choices_from_plan(plan: Plan) -> list[Choice]:
    """Agencies in registry order, then groups."""
    registry = plan.registry
    out = [_agency_choice(a.id, a.name, a.short_name, a.until.isoformat() if a.until else None)
           for a in registry.agencies.values()]
    for group in registry.groups.values():
        members = [registry.agencies[m].short_name if m in registry.agencies else m for m in group.members]
        out.append(_group_choice(group.id, group.name, members))
    return out


def choices_from_dir(plan_dir: str | os.PathLike) -> tuple[Optional[list[Choice]], list[Diagnostic]]:
    """The choices from ``agencies.yaml`` alone, for a plan whose other files
    still have errors (an unknown agency in tasks.yaml is exactly when the
    completion list helps).  ``(None, diagnostics)`` when agencies.yaml itself
    is missing, malformed or fails its schema."""
    from .load import PLAN_FILES, _display, plan_dir as resolve
    from .load.schema import validate
    from .load.yamlread import read_yaml
    from .diagnostics import make

    file = resolve(plan_dir) / PLAN_FILES["agencies"]
    shown = _display(file)
    if not file.is_file():
        return None, [make(shown, 1, 1, "KH037", f"thiếu tệp '{PLAN_FILES['agencies']}' trong thư mục kế hoạch")]
    doc, problems = read_yaml(file, shown)
    if doc.data is not None:
        problems = problems + validate("agencies", doc)
    if doc.data is None or has_errors(problems):
        return None, problems
    agencies = doc.data.get("agencies", [])
    names = {a["id"]: a.get("short_name") or a["name"] for a in agencies}
    out, seen = [], set()
    for a in agencies:
        if a["id"] not in seen:
            seen.add(a["id"])
            out.append(_agency_choice(a["id"], a["name"], a.get("short_name"), a.get("until")))
    for g in doc.data.get("groups", []):
        if g["id"] not in seen:
            seen.add(g["id"])
            out.append(_group_choice(g["id"], g["name"], [names.get(m, m) for m in g["members"]]))
    return out, problems



# -- what editors show: Vietnamese messages, hover text, completion ------------------------

_TYPE_WORDS = {
    "string": "một chuỗi chữ", "integer": "một số nguyên", "number": "một số", "boolean": "true hoặc false",
    "array": "một danh sách (mỗi phần tử một dòng bắt đầu bằng '- ')",
    "object": "một ánh xạ (các dòng 'khóa: giá trị')", "null": "để trống (null)",
}

#: messages for the patterns of the source schemas; any other pattern gets a
#: message built from the field's title and description
_PATTERN_MESSAGES = {
    "^[a-z0-9]+([.-][a-z0-9]+)*$":
        "Mã chỉ gồm chữ thường không dấu, chữ số, dấu gạch ngang hoặc dấu chấm ở giữa "
        "(ví dụ: phong-y-te, 3.2).",
    "\\S": "Không được để trống.",
    "^[^\\n]*\\S[^\\n]*$": "Phải là một dòng chữ, không để trống, không xuống dòng.",
    "^[^\\n]*$": "Chỉ được một dòng, không xuống dòng.",
    "^([0-9]{4}|[0-9]{4}-[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}|Hằng năm|Thường xuyên)$":
        "Phải là một trong các dạng: năm (2026), khoảng năm (2026-2030), "
        "ngày hạn (2026-06-30), \"Hằng năm\" hoặc \"Thường xuyên\".",
    "^[A-ZĐ][A-ZĐa-z0-9&]*$": "Chữ viết tắt bắt đầu bằng chữ in hoa, không dấu cách (ví dụ: UBND, PYT).",
    "^[A-ZĐ][A-ZĐa-z]*$": "Ký hiệu loại văn bản bằng chữ in hoa (ví dụ: KH).",
    "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$":
        "Ngày dạng YYYY-MM-DD (ví dụ: 2026-03-15), hoặc YYYY-MM khi dự thảo chưa có ngày.",
    "^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$": "Ngày trong năm dạng MM-DD, ví dụ 06-20 (20 tháng 6).",
    "^[^\\x00]*$": "Đường dẫn không hợp lệ.",
    "^(0?[1-9]|[12][0-9]|3[01])$": "Ngày trong tháng, từ 1 đến 31, ví dụ \"20\".",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "Ngày phải có dạng YYYY-MM-DD, ví dụ 2026-06-30.",
    "^([01][0-9]|2[0-3]):[0-5][0-9]$": "Giờ dạng HH:MM, ví dụ 07:00.",
    "^[a-z0-9][a-z0-9-]*$": "Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (ví dụ: so-ket-2027).",
}
_DATE_MESSAGE = "Ngày phải có dạng YYYY-MM-DD, ví dụ 2026-06-30."

#: Vietnamese meaning of enum values that are English words
_ENUM_WORDS = {"half-year": "kỳ 6 tháng", "annual": "kỳ năm", "monthly": "hằng tháng", "quarterly": "hằng quý",
               "daily": "hằng ngày", "once": "đột xuất, một lần", "on-request": "khi có yêu cầu"}

_TIMELINE_SNIPPETS = [
    {"label": "Thường xuyên", "description": "Nhiệm vụ thực hiện thường xuyên", "body": "Thường xuyên"},
    {"label": "Hằng năm", "description": "Nhiệm vụ thực hiện hằng năm", "body": "Hằng năm"},
    {"label": "năm", "description": "Một năm, ví dụ 2026", "body": "${1:2026}"},
    {"label": "khoảng năm", "description": "Từ năm đến năm, ví dụ 2026-2030", "body": "${1:2026}-${2:2030}"},
    {"label": "ngày hạn", "description": "Hạn hoàn thành, ví dụ 2026-06-30", "body": "${1:2026}-${2:06}-${3:30}"},
]
_PERIOD_SNIPPETS = [
    {"label": "6 tháng đầu năm", "description": "Kỳ báo cáo 6 tháng, ví dụ 2026-H1", "body": "${1:2026}-H1"},
    {"label": "cả năm", "description": "Kỳ báo cáo năm, ví dụ 2026", "body": "${1:2026}"},
    {"label": "quý", "description": "Kỳ báo cáo quý, ví dụ 2026-Q1", "body": "${1:2026}-Q${2:1}"},
    {"label": "tháng", "description": "Kỳ báo cáo tháng, ví dụ 2026-03", "body": "${1:2026}-${2:03}"},
]
_TASK_SNIPPET = {
    "label": "nhiệm vụ mới", "description": "Một dòng của Phụ lục: mã, nội dung, chủ trì, phối hợp, thời gian, sản phẩm",
    "body": {"id": "${1:1.1}", "content": "${2:Nội dung nhiệm vụ}", "lead": "${3:ma-co-quan-chu-tri}",
             "support": ["${4:ma-co-quan-phoi-hop}"], "timeline": "${5:Thường xuyên}", "output": "${6:Sản phẩm}"},
}
_GROUP_SNIPPET = {
    "label": "nhóm nhiệm vụ mới", "description": "Một nhóm nhiệm vụ (dòng La Mã trong Phụ lục) với một nhiệm vụ",
    "body": {"id": "${1:1}", "title": "${2:Tên nhóm nhiệm vụ}", "tasks": [_TASK_SNIPPET["body"]]},
}
_AGENCY_SNIPPET = {
    "label": "cơ quan mới", "description": "Một cơ quan, đơn vị trong danh mục",
    "body": {"id": "${1:ma-co-quan}", "name": "${2:Tên đầy đủ của cơ quan}", "short_name": "${3:Tên ngắn}",
             "kind": "${4:phong-ban}"},
}
_AGENCY_GROUP_SNIPPET = {
    "label": "nhóm cơ quan mới", "description": "Các cơ quan được gọi chung trong văn bản",
    "body": {"id": "${1:ma-nhom}", "name": "${2:Tên nhóm}", "members": ["${3:ma-co-quan}"]},
}

#: (schema file, JSON pointer inside it) → keywords added for completion
_COMPLETION: dict[tuple[str, str], dict[str, Any]] = {
    ("tasks.schema.json", "/definitions/task/properties/timeline"):
        {"defaultSnippets": _TIMELINE_SNIPPETS, "examples": ["Thường xuyên", "Hằng năm", "2026", "2026-2030",
                                                            "2026-06-30"]},
    ("tasks.schema.json", "/definitions/task"): {"defaultSnippets": [_TASK_SNIPPET]},
    ("tasks.schema.json", "/definitions/group"): {"defaultSnippets": [_GROUP_SNIPPET]},
    ("agencies.schema.json", "/definitions/agency"): {"defaultSnippets": [_AGENCY_SNIPPET]},
    ("agencies.schema.json", "/definitions/group"): {"defaultSnippets": [_AGENCY_GROUP_SNIPPET]},
    ("plan.schema.json", "/definitions/reporting/definitions/period_id"):
        {"defaultSnippets": _PERIOD_SNIPPETS, "examples": ["2026-H1", "2026"]},
    ("return.schema.json", "/properties/period"): {"defaultSnippets": _PERIOD_SNIPPETS},
}


def _quote_list(values: Sequence[Any]) -> str:
    return ", ".join("null" if v is None else f"'{v}'" for v in values)


def _field(node: dict[str, Any]) -> str:
    return f"«{node['title']}»: " if node.get("title") else ""


def _with_field(node: dict[str, Any], message: str) -> str:
    """``«Title»: message`` (message lower-cased after the colon), or the message alone."""
    return f"{_field(node)}{message[0].lower()}{message[1:]}" if node.get("title") else message


def _enrich_node(node: dict[str, Any]) -> None:
    """Add the editor keywords to one schema node (in place; children apart)."""
    title, description = node.get("title"), node.get("description")
    if (title or description) and "markdownDescription" not in node:
        node["markdownDescription"] = "\n\n".join(
            part for part in (f"**{_md(title)}**" if title else None, _md(description) if description else None)
            if part)
    if "$ref" in node:          # the referenced definition carries the messages
        return
    if "pattern" in node and "patternErrorMessage" not in node:
        node["patternErrorMessage"] = _with_field(node, _PATTERN_MESSAGES.get(
            node["pattern"], f"Không đúng dạng quy định. {description or ''}".strip()))
    if node.get("format") == "date" and "patternErrorMessage" not in node:
        node["patternErrorMessage"] = _with_field(node, _DATE_MESSAGE)
    if "errorMessage" in node:
        return
    if isinstance(node.get("enum"), list):
        values = node["enum"]
        meaning = [f"{v} = {_ENUM_WORDS[v]}" for v in values if v in _ENUM_WORDS]
        node["errorMessage"] = (_field(node) + f"giá trị không hợp lệ; chọn một trong: {_quote_list(values)}"
                                + (f" ({'; '.join(meaning)})" if meaning else "") + ".")
        if meaning and "enumDescriptions" not in node:
            node["enumDescriptions"] = [_ENUM_WORDS.get(v, "") for v in values]
        return
    kind = node.get("type")
    if kind == "object" and isinstance(node.get("properties"), dict):
        required = node.get("required") or []
        parts = [_field(node).rstrip(": ") or "Mục này"]
        if required:
            parts.append(f"cần đủ các khóa bắt buộc: {_quote_list(required)}")
        if node.get("additionalProperties") is False:
            parts.append(f"chỉ dùng các khóa: {_quote_list(list(node['properties']))}")
        parts.append(f"phải là {_TYPE_WORDS['object']}")
        node["errorMessage"] = "; ".join(parts) + "."
    elif isinstance(kind, str) and kind in _TYPE_WORDS:
        node["errorMessage"] = f"{_field(node)}phải là {_TYPE_WORDS[kind]}."
    elif isinstance(kind, list) and all(k in _TYPE_WORDS for k in kind):
        node["errorMessage"] = f"{_field(node)}phải là {' hoặc '.join(_TYPE_WORDS[k] for k in kind)}."


def _walk(node: Any, pointer: str, visit) -> None:
    if isinstance(node, dict):
        visit(node, pointer)
        for key, value in node.items():
            if key not in ("enum", "examples", "defaultSnippets", "default", "const"):
                _walk(value, f"{pointer}/{key}", visit)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _walk(value, f"{pointer}/{index}", visit)


def _is_schema_node(pointer: str) -> bool:
    """False for the maps of names (``properties``, ``definitions``) themselves."""
    last = pointer.rsplit("/", 1)[-1] if pointer else ""
    return last not in ("properties", "definitions", "patternProperties")


def editor_schema(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The exported form of one source schema (a new dict): Vietnamese hover
    text, error messages and completion for the YAML language server."""
    out = json.loads(json.dumps(schema))

    def visit(node: dict[str, Any], pointer: str) -> None:
        if _is_schema_node(pointer):
            _enrich_node(node)
            extra = _COMPLETION.get((name, pointer))
            if extra:
                for key, value in extra.items():
                    node.setdefault(key, json.loads(json.dumps(value)))

    _walk(out, "", visit)
    return out


def _with_enum(common: dict[str, Any], choices: Sequence[Choice]) -> dict[str, Any]:
    """``common.schema.json`` with the enum added to ``definitions/ref``."""
    common = json.loads(json.dumps(common))  # deep copy; the input stays untouched
    ref = common["definitions"]["ref"]
    ref["description"] = f"{ref.get('description', '').rstrip()} {_REFRESH}".strip()
    ref["markdownDescription"] = f"**{_md(ref.get('title', ''))}**\n\n{_md(ref['description'])}"
    ref["errorMessage"] = ("Mã cơ quan hoặc nhóm không có trong danh mục (agencies.yaml); bấm Ctrl+Space để "
                           "chọn mã đúng. Nếu vừa thêm cơ quan, chạy 'kehoach schema --out schemas'.")
    ref["enum"] = [c.id for c in choices]
    ref["enumDescriptions"] = [c.description for c in choices]
    ref["markdownEnumDescriptions"] = [c.markdown for c in choices]
    common["$comment"] = ("Bản xuất cho trình soạn thảo bởi 'kehoach schema': definitions/ref liệt kê mã "
                          "cơ quan và nhóm của kế hoạch. Không sửa tay.")
    return common


def schema_texts(plan: Optional[Plan] = None, *, choices: Optional[Sequence[Choice]] = None,
                 source: Optional[Path] = None) -> dict[str, bytes]:
    """File name → content of every exported schema (nothing written).

    Each is :func:`editor_schema` of kehoach's own; ``choices`` (or those of
    ``plan``) add the agency enum to common.schema.json."""
    folder = Path(source) if source else schema_dir()
    schemas = {path.name: json.loads(path.read_text(encoding="utf-8"))
               for path in sorted(folder.glob("*.schema.json"))}
    if COMMON not in schemas:
        raise FileNotFoundError(f"kehoach: thiếu lược đồ {COMMON} trong {folder}")
    if choices is None and plan is not None:
        choices = choices_from_plan(plan)
    files = {}
    for name, schema in schemas.items():
        exported = editor_schema(name, schema)
        if name == COMMON and choices:
            exported = _with_enum(exported, choices)
        files[name] = (json.dumps(exported, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


def stale_schemas(out_dir: Path, plan: Optional[Plan] = None, *,
                  choices: Optional[Sequence[Choice]] = None) -> list[str]:
    """Names of the schema files in ``out_dir`` that are missing or differ from
    what :func:`export_schemas` would write now (empty: up to date)."""
    out_dir = Path(out_dir)
    return [name for name, data in schema_texts(plan, choices=choices).items()
            if not ((out_dir / name).is_file() and (out_dir / name).read_bytes() == data)]


def export_schemas(out_dir: Path, plan: Optional[Plan] = None, *,
                   choices: Optional[Sequence[Choice]] = None) -> list[Path]:
    """Write the JSON Schemas for editors into ``out_dir``; return the files written.

    With ``plan`` (or ``choices``), ``definitions/ref`` of common.schema.json
    lists the registry's agency and group ids; without, the plain schemas.
    Other files in ``out_dir`` are left alone.  Refuses to overwrite kehoach's
    own schema folder (ValueError)."""
    out_dir = Path(out_dir)
    if out_dir.resolve() == schema_dir().resolve():
        raise ValueError(f"không ghi đè thư mục lược đồ gốc của kehoach ({out_dir}); hãy chọn thư mục khác")
    files = schema_texts(plan, choices=choices)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        path = out_dir / name
        if not (path.is_file() and path.read_bytes() == data):
            tmp = path.with_name(f".{name}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        written.append(path)
    return written
