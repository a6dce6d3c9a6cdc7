"""Smoke tests of the plan the project ships in ``plan/``: it validates, it builds,
and its plan document prints every paragraph of the seed (the signed Tam Đường
plan, ``tests/fixtures/ke-hoach-tam-duong-qd27.md``) in the seed's order.

These are the only tests that read ``plan/``: the office edits that folder (its
real appendix, its own agencies), so everything else reads the frozen copy in
``tests/fixtures/tam-duong``.  What is checked here must hold whatever the
office enters.
"""

from __future__ import annotations

import json

import pytest

import kehoach
from kehoach import cli

from conftest import BUNDLED_PLAN, seed_paragraphs
from ooxml import Docx, paragraphs


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """``kehoach build plan`` once, in process."""
    out = tmp_path_factory.mktemp("bundled") / "out"
    code = cli.main(["-q", "build", str(BUNDLED_PLAN), "-o", str(out)])
    return code, out


def test_bundled_plan_validates(capsys):
    plan, diagnostics = kehoach.check_plan(BUNDLED_PLAN)
    assert [d.format() for d in diagnostics if d.is_error] == []
    assert plan is not None and plan.tasks
    assert cli.main(["validate", str(BUNDLED_PLAN)]) == 0
    assert "lỗi" not in capsys.readouterr().err


def test_bundled_plan_builds(built):
    code, out = built
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    kinds = [d["kind"] for d in manifest["documents"]]
    assert kinds.count("plan") == 1 and "letter" in kinds and "calendar" in kinds
    for entry in manifest["documents"]:
        assert (out / entry["path"]).is_file(), entry["path"]


def test_bundled_plan_prints_every_seed_paragraph_in_order(built):
    code, out = built
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (path,) = [d["path"] for d in manifest["documents"] if d["kind"] == "plan"]
    lines = [p.text for p in paragraphs(Docx((out / path).read_bytes())) if p.text]
    missing = [s for s in seed_paragraphs() if s not in lines]
    assert missing == [], f"seed paragraphs not printed word for word: {missing}"
    position = 0
    for s in seed_paragraphs():
        assert s in lines[position:], f"{s!r} is out of order"
        position = lines.index(s, position) + 1
