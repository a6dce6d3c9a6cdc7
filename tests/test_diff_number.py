"""The diff's Markdown words a document number written as a string.

``document.number`` may be a string that keeps the register's leading zeros
(``"0124"``); the Markdown renderer formatted every number with ``:02d`` and
stopped with an internal error on such a plan.
"""

from __future__ import annotations

import dataclasses

from conftest import PLAN
from kehoach.diff import diff_plans, load_side, to_json, to_markdown


def test_a_string_number_is_worded_as_written():
    old = load_side(str(PLAN))
    assert old.document.number is None            # the bundled plan is a draft
    issued = dataclasses.replace(old, document=dataclasses.replace(old.document, number="0124"))
    renumbered = dataclasses.replace(old, document=dataclasses.replace(old.document, number=7))
    assert "- Số văn bản: từ (chưa cấp số) thành 0124\n" in to_markdown(diff_plans(old, issued), "cũ", "mới")
    assert "- Số văn bản: từ 0124 thành 07\n" in to_markdown(diff_plans(issued, renumbered), "cũ", "mới")
    [change] = to_json(diff_plans(old, issued))["document"]
    assert (change["field"], change["old"], change["new"]) == ("number", None, "0124")
