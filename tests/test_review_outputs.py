"""What reviewers see: the HTML preview written by ``kehoach build`` and the
diagnostics as CI annotations (``--format github``, ``--format gitlab``)."""

from __future__ import annotations

import json
import re

import pytest

from kehoach import cli
from kehoach.annotations import format_github, format_gitlab
from kehoach.diagnostics import make
from kehoach.docx2text import docx_text
from kehoach.documents import html_preview

from conftest import replace_once


@pytest.fixture(scope="module")
def built(plan_build):
    """The run's shared build of the fixture plan (read only)."""
    return plan_build.plan, plan_build.out, plan_build.result


def test_build_writes_a_self_contained_preview(built):
    plan, out, result = built
    page = (out / "preview" / "index.html").read_text(encoding="utf-8")
    entry = next(d for d in result.manifest["documents"] if d["path"] == "preview/index.html")
    assert entry["kind"] == "preview"
    assert page.startswith("<!DOCTYPE html>") and '<html lang="vi">' in page and '<meta charset="utf-8">' in page
    for external in ("<script", "src=", "<link", "@import", "url("):
        assert external not in page, external
    assert not re.search(r'href="(?!#)', page)  # only in-page links
    assert plan.document.subject in page


def test_preview_holds_the_plan_and_every_letter(built):
    plan, out, result = built
    page = (out / "preview" / "index.html").read_text(encoding="utf-8")
    letters = [d for d in result.documents if d.kind == "letter"]
    assert letters
    assert page.count("<section ") == 1 + len(letters)
    assert page.count('<li><a href="#vb-') == 1 + len(letters)
    for letter in letters:
        assert f"Công văn gửi {plan.registry.name(letter.agency)}" in page
    # the Phụ lục's rows are table rows with every task's content
    for task in plan.tasks[:5]:
        assert f"<td>{task.id}</td>" in page
    # the words are those of the .docx
    plan_doc = next(d for d in result.documents if d.kind == "plan")
    first_paragraph = next(line for line in docx_text(plan_doc.data).splitlines()
                           if line.startswith("Căn cứ"))
    assert f"<p>{first_paragraph}</p>" in page.replace("&quot;", '"').replace("&#x27;", "'")


def test_preview_is_reproducible(built):
    plan, _, result = built
    again = html_preview.page(plan, result.documents)
    assert again == html_preview.page(plan, result.documents)
    assert again.encode("utf-8") == next(d.data for d in result.documents if d.path == html_preview.PATH)


def test_document_html_escapes_and_recognises_tables():
    text = "[đầu trang] {PAGE}\n| A <b> | B & C |\n| x | y |\nĐoạn <script>alert(1)</script> & \"nháy\"\n\n"
    out = html_preview.document_html(text)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<table class="header">' in out and "<td>A &lt;b&gt;</td><td>B &amp; C</td>" in out
    assert "[đầu trang]" not in out
    assert out.endswith("<p>Đoạn &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;nháy&quot;</p>")


# -- annotations --------------------------------------------------------------------------


def test_github_workflow_commands_are_escaped():
    d = make("plan/a,b:c.yaml", 3, 7, "KH030", "50% xong\ndòng hai, có dấu: phẩy")
    w = make("plan/tasks.yaml", 1, 1, "KH120", "còn chữ 'THAY'")
    assert format_github([d, w]) == (
        "::error file=plan/a%2Cb%3Ac.yaml,line=3,col=7,title=KH030::KH030 lỗi: 50%25 xong%0Adòng hai, có dấu: phẩy\n"
        "::warning file=plan/tasks.yaml,line=1,col=1,title=KH120::KH120 cảnh báo: còn chữ 'THAY'\n")
    assert format_github([]) == ""


def test_gitlab_code_quality_report():
    d = make("plan/tasks.yaml", 3, 7, "KH030", "sai mã")
    w = make("plan/tasks.yaml", 9, 1, "KH120", "còn chữ 'THAY'")
    report = json.loads(format_gitlab([d, w]))
    assert report[0] == {"description": "KH030 lỗi: sai mã", "check_name": "KH030",
                         "fingerprint": report[0]["fingerprint"], "severity": "major",
                         "location": {"path": "plan/tasks.yaml", "lines": {"begin": 3}}}
    assert report[1]["severity"] == "minor"
    assert re.fullmatch(r"[0-9a-f]{32}", report[0]["fingerprint"])
    assert report[0]["fingerprint"] != report[1]["fingerprint"]
    assert json.loads(format_gitlab([d]))[0]["fingerprint"] == report[0]["fingerprint"]  # stable
    assert json.loads(format_gitlab([])) == []


def test_validate_formats_on_a_plan_with_errors(plan_copy, capsys, monkeypatch):
    text = replace_once(plan_copy / "tasks.yaml", "lead: phong-tu-phap", "lead: phong-tuphap")
    line = text[:text.index("lead: phong-tuphap")].count("\n") + 1
    monkeypatch.chdir(plan_copy.parent)
    assert cli.main(["validate", "plan", "--format", "github"]) == 1
    captured = capsys.readouterr()
    assert captured.err == ""
    errors = [ln for ln in captured.out.splitlines() if ln.startswith("::error ")]
    assert errors == [f"::error file=plan/tasks.yaml,line={line},col=15,title=KH030::KH030 lỗi: cơ quan chủ trì "
                      f"'phong-tuphap' không có trong danh mục cơ quan và nhóm; có phải là 'phong-tu-phap'?"]
    assert cli.main(["validate", "plan", "--format", "gitlab"]) == 1
    report = json.loads(capsys.readouterr().out)
    (issue,) = [i for i in report if i["check_name"] == "KH030"]
    assert issue["location"] == {"path": "plan/tasks.yaml", "lines": {"begin": line}}
