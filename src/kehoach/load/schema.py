r"""JSON Schema validation of parsed YAML, with positioned Vietnamese messages.

Schemas are Draft-07 (what the YAML language server in VS Code and github.dev
understands best).  They carry no ``$id``: a relative ``$ref`` such as
``common.schema.json#/...`` then resolves next to the schema file itself, which
is what check-jsonschema, ajv and the YAML language server all do; this module
resolves it from a :class:`referencing.Registry` keyed by file name, built
from the local folder only — never the network.  Validators are built once per process
(re-checking the schema on every call costs ~5×).

Two keywords are checked with our own functions:

``pattern``
    JSON Schema patterns are ECMA-262 regular expressions, where ``$`` (without
    the multiline flag) matches only at the very end.  Python's ``re`` lets
    ``$`` match before a final newline too, so ``"phong-moi\n"`` matched
    ``^[a-z0-9-]+$`` and became a file name with a newline in it.  Every
    unescaped ``$`` outside a character class is translated to ``\Z``, which
    covers whatever patterns the schemas gain later.
``type`` / bounds
    An unquoted decimal (``13.5``) is read as :class:`~.yamlread.PlainNumber`,
    a string that also counts as a number; the bound keywords compare it as a
    float.
"""

from __future__ import annotations

import difflib
import functools
import json
from typing import Any

import re

import jsonschema
from jsonschema import _keywords, validators
from referencing import Registry
from referencing.jsonschema import DRAFT7

from ..diagnostics import Diagnostic, make
from ..resources import schema_dir
from .yamlread import PlainNumber, YamlDoc, as_number

#: source file kind -> schema file
SCHEMAS = {
    "plan": "plan.schema.json",
    "agencies": "agencies.schema.json",
    "tasks": "tasks.schema.json",
    "return": "return.schema.json",
}

_TYPE_NAMES = {
    "string": "chuỗi",
    "integer": "số nguyên",
    "number": "số",
    "boolean": "true hoặc false",
    "array": "danh sách",
    "object": "ánh xạ (khóa: giá trị)",
    "null": "null (để trống)",
}


@functools.cache
def _registry_and_schemas() -> tuple[Registry, dict[str, dict]]:
    folder = schema_dir()
    schemas = {}
    for path in sorted(folder.glob("*.schema.json")):
        schemas[path.name] = json.loads(path.read_text(encoding="utf-8"))
    registry = Registry().with_resources(
        (name, DRAFT7.create_resource(schema)) for name, schema in schemas.items()
    )
    return registry, schemas


def ecma_pattern(pattern: str) -> str:
    """``pattern`` with every ``$`` anchor written ``\\Z`` (end of string only)."""
    out = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "]":  # "[]...]": a literal ] first
                out.append("[]")
                i += 2
                continue
        elif ch == "$":
            ch = r"\Z"
        out.append(ch)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(ecma_pattern(pattern))


def _pattern(validator, patrn, instance, schema):
    if validator.is_type(instance, "string") and not _compiled(patrn).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {patrn!r}")


def _numeric(keyword):
    check = getattr(_keywords, keyword)

    def wrapped(validator, bound, instance, schema):
        yield from check(validator, bound, as_number(instance), schema)
    return wrapped


def _is_number(checker, instance) -> bool:
    return isinstance(instance, PlainNumber) or jsonschema.Draft7Validator.TYPE_CHECKER.is_type(instance, "number")


_Validator = validators.extend(
    jsonschema.Draft7Validator,
    validators={"pattern": _pattern, **{k: _numeric(k) for k in (
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")}},
    type_checker=jsonschema.Draft7Validator.TYPE_CHECKER.redefine("number", _is_number),
)


@functools.cache
def validator(kind: str) -> jsonschema.Draft7Validator:
    """The validator for one source-file kind, built once."""
    registry, schemas = _registry_and_schemas()
    return _Validator(
        schemas[SCHEMAS[kind]], registry=registry, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def load_schema(kind: str) -> dict:
    """The raw schema document for ``kind`` (used by exporters and editors)."""
    return _registry_and_schemas()[1][SCHEMAS[kind]]


def validate(kind: str, doc: YamlDoc) -> list[Diagnostic]:
    """Every schema violation of ``doc`` as a positioned diagnostic."""
    out: list[Diagnostic] = []
    for error in validator(kind).iter_errors(doc.data):
        out.extend(_translate(error, doc))
    return out


def _type_name(value: Any) -> str:
    if value is None:
        return _TYPE_NAMES["null"]
    if isinstance(value, bool):
        return _TYPE_NAMES["boolean"]
    if isinstance(value, int):
        return _TYPE_NAMES["integer"]
    if isinstance(value, str):
        return _TYPE_NAMES["string"]
    if isinstance(value, list):
        return _TYPE_NAMES["array"]
    if isinstance(value, dict):
        return _TYPE_NAMES["object"]
    return type(value).__name__


def _label(error: jsonschema.ValidationError) -> str:
    """How to name the offending field: the schema title, else its key."""
    title = error.schema.get("title") if isinstance(error.schema, dict) else None
    path = list(error.absolute_path)
    key = next((p for p in reversed(path) if isinstance(p, str)), None)
    if title and key:
        return f"'{key}' ({title})"
    if key:
        return f"'{key}'"
    return f"({title})" if title else "tệp"


def suggest(word: str, choices) -> str:
    """A Vietnamese "did you mean" suffix, or ''."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; có phải là '{match[0]}'?" if match else ""


def _translate(error: jsonschema.ValidationError, doc: YamlDoc) -> list[Diagnostic]:
    path = tuple(error.absolute_path)
    line, col = doc.where(path)
    kind = error.validator
    value = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    at = lambda code, message: make(doc.path, line, col, code, message)  # noqa: E731

    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        out = []
        for key in value:
            if key not in allowed:
                kl, kc = doc.where(path + (key,), key=True)
                out.append(make(doc.path, kl, kc, "KH020",
                                f"khóa '{key}' không được khai báo{suggest(key, allowed)} "
                                f"(các khóa hợp lệ: {', '.join(allowed)})"))
        return out
    if kind == "required":
        missing = [k for k in error.validator_value if k not in value]
        return [at("KH022", f"thiếu khóa bắt buộc '{k}'") for k in missing]
    if kind == "type":
        wanted = error.validator_value
        wanted = wanted if isinstance(wanted, list) else [wanted]
        names = " hoặc ".join(_TYPE_NAMES.get(w, str(w)) for w in wanted)
        return [at("KH021", f"{_label(error)} phải là {names}, nhưng đang là {_type_name(value)}")]
    if kind == "enum":
        options = ", ".join("null" if o is None else str(o) for o in error.validator_value)
        return [at("KH023", f"giá trị '{value}' không hợp lệ cho {_label(error)}{suggest(value, error.validator_value)}"
                            f" (chỉ chấp nhận: {options})")]
    if kind == "format":
        if error.validator_value == "date":
            return [at("KH034", f"'{value}' không phải là ngày có thật (định dạng YYYY-MM-DD)")]
        return [at("KH023", f"'{value}' không đúng định dạng {error.validator_value}")]
    if kind in ("minLength", "pattern") and isinstance(value, str) and not value.strip():
        return [at("KH023", f"{_label(error)} không được để trống")]
    if kind == "pattern":
        hint = schema.get("description") or schema.get("title") or error.validator_value
        return [at("KH023", f"giá trị '{value}' không hợp lệ cho {_label(error)}: {hint}")]
    if kind in ("minLength", "maxLength"):
        return [at("KH023", f"{_label(error)} dài {len(value)} ký tự, "
                            f"{'tối thiểu' if kind == 'minLength' else 'tối đa'} {error.validator_value}")]
    if kind in ("minimum", "maximum"):
        bound = "nhỏ nhất" if kind == "minimum" else "lớn nhất"
        return [at("KH023", f"{_label(error)} là {value}, giá trị {bound} cho phép là {error.validator_value}")]
    if kind in ("minItems", "maxItems"):
        if kind == "minItems" and not value:
            return [at("KH024", f"{_label(error)} không được để trống")]
        bound = "ít nhất" if kind == "minItems" else "nhiều nhất"
        return [at("KH024", f"{_label(error)} có {len(value)} phần tử, cần {bound} {error.validator_value}")]
    if kind == "uniqueItems":
        seen, dups = [], []  # items may be mappings (unhashable): compare by equality
        for item in value[:1000]:
            if item in seen and item not in dups:
                dups.append(item)
            seen.append(item)
        shown = ", ".join(map(str, dups[:5])) + (", …" if len(dups) > 5 else "")
        return [at("KH024", f"{_label(error)} có phần tử lặp lại: {shown}")]
    if kind == "anyOf" and all("required" in s for s in error.validator_value):
        keys = " hoặc ".join(f"'{s['required'][0]}'" for s in error.validator_value)
        return [at("KH022", f"cần có ít nhất một trong các khóa {keys}")]
    if kind in ("oneOf", "anyOf") and error.context:
        # A value that may take several shapes (one agency id, or a list of
        # them): report what is wrong in the shape whose type it has, if any.
        fitting = [e for e in error.context if e.validator != "type"]
        if fitting:
            best = jsonschema.exceptions.best_match(fitting)
            if best is not None:
                return _translate(best, doc)
        types = []
        for sub in error.validator_value:
            resolved = sub
            if "$ref" in sub:
                resolved = _ref_schema(sub["$ref"])
            kind_of = resolved.get("type") if isinstance(resolved, dict) else None
            types += kind_of if isinstance(kind_of, list) else [kind_of] if kind_of else []
        if types:
            names = " hoặc ".join(dict.fromkeys(_TYPE_NAMES.get(t, str(t)) for t in types))
            return [at("KH021", f"{_label(error)} phải là {names}, nhưng đang là {_type_name(value)}")]
    return [at("KH023", f"{_label(error)} không hợp lệ: {error.message}")]


def _ref_schema(ref: str) -> dict:
    """The schema a ``$ref`` of the local schemas points at ({} when unknown)."""
    registry, _ = _registry_and_schemas()
    try:
        return registry.resolver().lookup(ref).contents
    except Exception:  # an unresolvable reference only loses the hint
        return {}
