"""Export kehoach's JSON Schemas for editors, optionally with the plan's agency list.

The schemas in ``schemas/`` accept any well-formed id wherever an agency or a
group is referenced (``definitions/ref`` of ``common.schema.json``); kehoach
checks the ids against ``agencies.yaml`` itself.  An editor cannot read
``agencies.yaml``, so :func:`export_schemas` can write a copy of the schemas
whose ``ref`` also carries an ``enum`` of the registry's agency and group ids,
with ``enumDescriptions`` / ``markdownEnumDescriptions`` giving each one's
Vietnamese name: the YAML language server (VS Code, github.dev) then offers
the agencies when one types ``lead: `` and flags an unknown id while typing.

Every other file is copied byte for byte, and every ``$id`` stays relative
(``common.schema.json``), so the exported folder resolves its ``$ref``s next to
itself, offline.  The list goes stale when ``agencies.yaml`` changes: refresh
it with ``kehoach schema --out schemas``.  kehoach's own validation always
uses its packaged schemas, never an exported copy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from .diagnostics import Diagnostic, format_text, has_errors
from .model import Plan
from .resources import schema_dir

__all__ = ["COMMON", "Choice", "choices_from_dir", "choices_from_plan", "configure_parser", "export_schemas",
           "run", "schema_texts"]

COMMON = "common.schema.json"
_REFRESH = ("Danh sách mã lấy từ agencies.yaml khi xuất lược đồ; sau khi sửa agencies.yaml, chạy lại "
            "'kehoach schema --out schemas' để cập nhật gợi ý.")


@dataclass(frozen=True)
class Choice:
    """One id an editor offers where an agency or group is expected."""

    id: str
    description: str            # plain text (enumDescriptions)
    markdown: str               # Markdown (markdownEnumDescriptions)


def _md(text: str) -> str:
    """Escape the Markdown characters that could occur in an agency name."""
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return text


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


def _with_enum(common: dict[str, Any], choices: Sequence[Choice]) -> dict[str, Any]:
    """``common.schema.json`` with the enum added to ``definitions/ref``."""
    common = json.loads(json.dumps(common))  # deep copy; the input stays untouched
    ref = common["definitions"]["ref"]
    ref["description"] = f"{ref.get('description', '').rstrip()} {_REFRESH}".strip()
    ref["enum"] = [c.id for c in choices]
    ref["enumDescriptions"] = [c.description for c in choices]
    ref["markdownEnumDescriptions"] = [c.markdown for c in choices]
    common["$comment"] = ("Bản xuất cho trình soạn thảo bởi 'kehoach schema': definitions/ref liệt kê mã "
                          "cơ quan và nhóm của kế hoạch. Không sửa tay.")
    return common


def schema_texts(plan: Optional[Plan] = None, *, choices: Optional[Sequence[Choice]] = None,
                 source: Optional[Path] = None) -> dict[str, bytes]:
    """File name → content of every exported schema (nothing written).

    ``choices`` overrides the ones taken from ``plan``; with neither, the
    schemas are kehoach's own, byte for byte."""
    folder = Path(source) if source else schema_dir()
    files = {path.name: path.read_bytes() for path in sorted(folder.glob("*.schema.json"))}
    if COMMON not in files:
        raise FileNotFoundError(f"kehoach: thiếu lược đồ {COMMON} trong {folder}")
    if choices is None and plan is not None:
        choices = choices_from_plan(plan)
    if choices:
        common = _with_enum(json.loads(files[COMMON].decode("utf-8")), choices)
        files[COMMON] = (json.dumps(common, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


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


# -- command line: ``kehoach schema`` ---------------------------------------------


def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Arguments of ``kehoach schema`` (the caller creates the sub-parser);
    the same names as the CLI's wiring, plus ``--plain``."""
    parser.add_argument("--out", default="schemas", metavar="THƯ_MỤC_RA",
                        help="thư mục ghi lược đồ, mặc định: schemas (output directory)")
    parser.add_argument("--plan", default="plan", metavar="THƯ_MỤC",
                        help="kế hoạch lấy danh mục cơ quan, mặc định: plan; bỏ qua nếu không có")
    parser.add_argument("--plain", action="store_true",
                        help="chỉ xuất lược đồ gốc, không kèm danh sách mã cơ quan (plain schemas)")
    return parser


def _choices_for(folder: str) -> tuple[Optional[list[Choice]], int]:
    """(choices or None, exit code: 0 go on, 1 stop)."""
    from .load import check_plan

    if not Path(folder).is_dir():
        print(f"không có thư mục kế hoạch '{folder}': xuất lược đồ không kèm danh sách mã cơ quan")
        return None, 0
    plan, diagnostics = check_plan(folder)
    if plan is not None:
        return choices_from_plan(plan), 0
    choices, problems = choices_from_dir(folder)
    if choices is None:
        sys.stderr.write(format_text(problems))
        sys.stderr.write(f"{folder}: danh mục cơ quan (agencies.yaml) còn lỗi; chưa xuất lược đồ\n")
        return None, 1
    sys.stderr.write(f"{folder}: kế hoạch còn lỗi (xem 'kehoach validate'); danh sách mã lấy từ agencies.yaml\n")
    return choices, 0


def run(args: argparse.Namespace) -> int:
    """``kehoach schema [--out THƯ_MỤC_RA] [--plan THƯ_MỤC] [--plain]``; returns the exit code.

    A plan with errors elsewhere still gives its agency list (from
    agencies.yaml alone); an agencies.yaml with errors stops with exit 1 and
    leaves the folder as it was."""
    choices: Optional[list[Choice]] = None
    if not getattr(args, "plain", False):
        choices, code = _choices_for(getattr(args, "plan", None) or "plan")
        if code:
            return code
    try:
        written = export_schemas(Path(args.out), choices=choices or None)
    except (ValueError, OSError) as exc:
        sys.stderr.write(f"kehoach: {exc}\n")
        return 1
    extra = f", kèm {len(choices)} mã cơ quan và nhóm cho gợi ý" if choices else ""
    print(f"{args.out}: {len(written)} lược đồ{extra}")
    return 0
