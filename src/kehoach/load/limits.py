"""Bounds on the numbers of ``style:`` that the schema leaves open.

The schema only says "a positive number" (``exclusiveMinimum: 0``); the
templates are generated from these values, and a margin of 500 mm or a
100,000-line signature space produces documents that are invalid (negative
table widths) or take minutes to render.  The bounds are generous — well
outside what Nghị định 30/2020 allows — and only stop values no document can
use.  Each violation is a positioned KH094.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, make
from .yamlread import YamlDoc, as_number

#: key suffix or exact key -> (lowest, highest, unit)
_BY_SUFFIX = {
    "_size": (4, 72, "pt"),
    "_cm": (0, 10, "cm"),
}
_EXACT = {
    "page_width_mm": (100, 600, "mm"),
    "page_height_mm": (100, 600, "mm"),
    "header_distance_mm": (0, 50, "mm"),
    "space_after_pt": (0, 72, "pt"),
    "line_spacing_pt": (4, 144, "pt"),
    "table_space_pt": (0, 72, "pt"),
    "signature_space_lines": (0, 30, "dòng"),
}
_MARGIN = (0, 100, "mm")
_WIDTH = (0, 600, "mm")
#: Narrowest text column (mm) the page, minus margins, must leave.
MIN_TEXT_WIDTH_MM = 40


def bounds(key: str):
    """``(lowest, highest, unit)`` for a numeric style key, or None."""
    if key in _EXACT:
        return _EXACT[key]
    if key.startswith("margin_"):
        return _MARGIN
    if key.endswith("_mm"):
        return _WIDTH
    for suffix, value in _BY_SUFFIX.items():
        if key.endswith(suffix):
            return value
    return None


def check_style(doc: YamlDoc) -> list[Diagnostic]:
    """Every numeric ``style:`` value outside its bounds, and margins that leave
    no room for text, as positioned errors."""
    data = doc.data if isinstance(doc.data, dict) else {}
    style = data.get("style")
    if not isinstance(style, dict):
        return []
    out: list[Diagnostic] = []
    values = {}
    for key, raw in style.items():
        value = as_number(raw)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        values[key] = value
        limit = bounds(key)
        if limit and not (limit[0] <= value <= limit[1]):
            line, col = doc.where(("style", key))
            out.append(make(doc.path, line, col, "KH094",
                            f"'{key}' là {value:g}, ngoài giới hạn {limit[0]}–{limit[1]} {limit[2]}"))
    if out:
        return out
    from ..templating.profile import DEFAULT

    def get(name):
        return values.get(name, getattr(DEFAULT, name))

    margins = get("margin_left_mm") + get("margin_right_mm")
    for side, page in (("page_width_mm", get("page_width_mm")), ("page_height_mm", get("page_height_mm"))):
        if page - margins < MIN_TEXT_WIDTH_MM:
            key = next((k for k in ("margin_left_mm", "margin_right_mm", side) if k in values), side)
            line, col = doc.where(("style", key))
            out.append(make(doc.path, line, col, "KH094",
                            f"lề trái + lề phải ({margins:g} mm) không chừa đủ chỗ cho chữ trên trang rộng "
                            f"{page:g} mm (cần ít nhất {MIN_TEXT_WIDTH_MM} mm)"))
            break
    return out
