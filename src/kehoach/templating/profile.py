"""One style profile: every size, margin and indent of the documents, in one place.

Nghị định 30/2020 allows ranges (body 13–14 pt, left margin 30–35 mm, …); the
project picks one value for each here.  The default templates are generated
from this profile, and a plan may override any field under ``style:`` in
``plan.yaml`` (the templates are then regenerated in memory for that build).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class StyleProfile:
    # Page (mm).  NĐ 30: top/bottom 20–25, left 30–35, right 15–20.
    page_width_mm: float = 210.0
    page_height_mm: float = 297.0
    margin_top_mm: float = 20.0
    margin_bottom_mm: float = 20.0
    margin_left_mm: float = 30.0
    margin_right_mm: float = 15.0
    header_distance_mm: float = 10.0

    # Fonts and sizes (pt).
    font: str = "Times New Roman"
    language: str = "vi-VN"
    body_size: float = 14.0            # 13–14
    header_org_size: float = 13.0      # ô 2 (cơ quan), ô 1 Quốc hiệu: 12–13
    motto_size: float = 14.0           # Tiêu ngữ: 13–14
    number_size: float = 13.0          # ô 3 Số, ký hiệu: 13
    place_date_size: float = 14.0      # ô 4: 13–14
    title_size: float = 14.0           # ô 5a tên loại, trích yếu: 13–14
    recipients_heading_size: float = 12.0  # "Nơi nhận:" 12
    recipients_size: float = 11.0      # lines of nơi nhận: 11
    signer_size: float = 14.0          # ô 7: 13–14
    page_number_size: float = 14.0     # 13–14
    table_size: float = 12.0           # phụ lục table cells: 12–13
    appendix_label_size: float = 14.0  # "Phụ lục": 14

    # Paragraphs.
    first_line_indent_cm: float = 1.27  # 1 or 1.27
    space_after_pt: float = 6.0         # at least 6
    line_spacing_pt: float = 17.0       # "exactly"; single to 1.5 lines allowed
    table_space_pt: float = 2.0         # before/after inside table cells
    footnote_size: float = 12.0         # footnote text (NĐ 30 sets none; 12 pt as the tables)

    # Header table (first page) column widths (mm); sum = text width.
    header_left_mm: float = 65.0
    header_right_mm: float = 100.0
    # Short rules drawn under the issuer name, the subject and the appendix reference (mm).
    issuer_rule_mm: float = 20.0
    motto_rule_mm: float = 62.0         # as long as "Độc lập - Tự do - Hạnh phúc" at 14 pt bold
    subject_rule_mm: float = 50.0

    # Signature block.
    signature_space_lines: int = 4      # empty lines left for signature and seal

    # Appendix task table column widths (mm), landscape text width 252 mm.
    col_stt_mm: float = 14.0
    col_task_mm: float = 80.0
    col_lead_mm: float = 36.0
    col_support_mm: float = 52.0
    col_timeline_mm: float = 25.0
    col_output_mm: float = 45.0
    appendix_first_page_number: bool = False  # NĐ 30: page 1 of a document shows no number

    def replace(self, overrides: Mapping[str, Any]) -> "StyleProfile":
        """A copy with some fields changed; unknown names raise ``KeyError``."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = set(overrides) - names
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        return dataclasses.replace(self, **dict(overrides))

    @property
    def text_width_mm(self) -> float:
        return self.page_width_mm - self.margin_left_mm - self.margin_right_mm

    @property
    def landscape_text_width_mm(self) -> float:
        return self.page_height_mm - self.margin_left_mm - self.margin_right_mm


DEFAULT = StyleProfile()
