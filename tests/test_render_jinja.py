"""Tests for kehoach.render.jinja: escaping, strictness and sandboxing with docxtpl."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.shared import Mm
from docxtpl import DocxTemplate, RichText
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from kehoach.render import RenderCheckError, check_docx, make_environment

HOSTILE = "{{ 7*7 }} {% if %} <w:p> &"


def make_template(*paragraphs: str, table: bool = True) -> bytes:
    d = docx.Document()
    s = d.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    for text in paragraphs:
        d.add_paragraph(text)
    if table:
        t = d.add_table(rows=1, cols=2)
        t.cell(0, 0).text = "bảng"
    d.add_paragraph("Đoạn cuối")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def render(template: bytes, context: dict, env=None, **kwargs) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render(context, jinja_env=env if env is not None else make_environment(), **kwargs)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def texts(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_environment_settings():
    env = make_environment()
    assert isinstance(env, SandboxedEnvironment)
    assert env.autoescape is True
    assert make_environment() is not env  # fresh object each call


def test_hostile_value_comes_out_literally():
    out = render(make_template("Giá trị: {{ v }}"), {"v": HOSTILE})
    assert texts(out) == [f"Giá trị: {HOSTILE}", "Đoạn cuối"]
    # Nothing after the value was lost: table, final paragraph, page size.
    check_docx(out, expect_sections=1, min_paragraphs=3)
    reopened = docx.Document(io.BytesIO(out))
    assert reopened.tables[0].cell(0, 0).text == "bảng"
    assert round(reopened.sections[0].page_width.mm) == 210
    xml = zipfile.ZipFile(io.BytesIO(out)).read("word/document.xml")
    assert b"&lt;w:p&gt; &amp;" in xml


def test_hostile_value_without_explicit_autoescape_argument():
    # docxtpl's own default is autoescape=False; our env must still escape.
    out = render(make_template("{{ v }}"), {"v": HOSTILE}, autoescape=False)
    assert texts(out)[0] == HOSTILE
    check_docx(out, expect_sections=1, min_paragraphs=3)


def test_richtext_still_works():
    rt = RichText()
    rt.add("đậm & rõ", bold=True)
    # RichText replaces the run, so it needs docxtpl's {{r ...}} tag.
    out = render(make_template("{{r r }}"), {"r": rt})
    check_docx(out, min_paragraphs=3)
    doc = docx.Document(io.BytesIO(out))
    assert doc.paragraphs[0].text == "đậm & rõ"
    assert [r.bold for r in doc.paragraphs[0].runs if r.text] == [True]


def test_richtext_misused_as_plain_variable_is_caught():
    rt = RichText()
    rt.add("đậm", bold=True)
    out = render(make_template("{{ r }}"), {"r": rt})
    with pytest.raises(RenderCheckError, match="w:t chứa phần tử con 'r'"):
        check_docx(out)


def test_strict_undefined_raises():
    with pytest.raises(UndefinedError, match="missing"):
        render(make_template("{{ missing }}"), {})
    env = make_environment()
    with pytest.raises(UndefinedError):
        env.from_string("{{ a.b }}").render(a={})


@pytest.mark.parametrize(
    "expr",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__ }}",
        "{{ v.__class__.__mro__[1].__subclasses__() }}",
        "{{ f.__globals__ }}",
    ],
)
def test_sandbox_blocks_internals(expr):
    env = make_environment()
    with pytest.raises(SecurityError):
        env.from_string(expr).render(v="x", f=make_environment)


def test_sandbox_blocks_internals_in_docx_template():
    with pytest.raises(SecurityError):
        render(make_template("{{ ''.__class__.__mro__ }}"), {})


def test_filters_are_registered_and_escaped():
    env = make_environment({"upper_vi": lambda s: s.upper() + " <&>"})
    out = render(make_template("{{ v | upper_vi }}"), {"v": "phòng y tế"}, env=env)
    assert texts(out)[0] == "PHÒNG Y TẾ <&>"
    check_docx(out, min_paragraphs=3)


def test_bad_filters_rejected():
    with pytest.raises(ValueError, match="Tên bộ lọc"):
        make_environment({"not a name": str})
    with pytest.raises(TypeError, match="không phải hàm"):
        make_environment({"x": 42})


def test_docxtpl_mutates_autoescape_on_given_env():
    """Characterises the docxtpl behaviour the module docstring warns about."""
    env = SandboxedEnvironment(autoescape=False)
    render(make_template("{{ v }}"), {"v": "x"}, env=env, autoescape=True)
    assert env.autoescape is True


def test_docxtpl_double_escapes_templated_core_properties():
    """Characterises the docstring's advice: don't template document properties.

    If docxtpl stops double-escaping, this fails and the advice can be dropped.
    """
    d = docx.Document()
    d.core_properties.title = "{{ t }}"
    d.add_paragraph("x")
    buf = io.BytesIO()
    d.save(buf)
    out = render(buf.getvalue(), {"t": "A & B"})
    assert docx.Document(io.BytesIO(out)).core_properties.title == "A &amp; B"
