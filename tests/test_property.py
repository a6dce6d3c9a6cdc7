"""Whatever validates, builds: property tests over generated plans.

Hypothesis varies a small fixture plan (``tests/fixtures/harden-small``, a
commune plan with four tasks) with values drawn from the schemas: every text
and line field of tasks and agencies gets arbitrary Unicode (any category but
surrogates, control characters included, sometimes non-NFC), agency ids are
drawn from the id pattern, ``style:`` gets keys and values of the schema's
declared types (any positive number, floats, huge values, arbitrary font
names).  The plan is written as JSON (valid YAML, every character escaped) and
then either

* it is rejected, and every error is a positioned diagnostic inside one of
  the plan's files (line and column within the file), never an exception, or
* it loads, and every document renders: each .docx is a well-formed package
  (every XML part parses) and each task's text appears exactly once in the
  plan document.

Examples per run: :data:`EXAMPLES` (``KEHOACH_PROPERTY_EXAMPLES`` raises it
locally); derandomized so CI is reproducible.
"""

from __future__ import annotations

import io
import json
import os
import unicodedata
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from kehoach.build import BuildError, render_documents
from kehoach.docx2text import docx_text
from kehoach.load import check_plan
from kehoach.load.schema import load_schema, validator
from kehoach.load.yamlread import read_yaml

FIXTURE = Path(__file__).parent / "fixtures" / "harden-small"
EXAMPLES = int(os.environ.get("KEHOACH_PROPERTY_EXAMPLES", "40"))
FILES = ("plan.yaml", "agencies.yaml", "tasks.yaml")


def _data(name: str):
    doc, problems = read_yaml(FIXTURE / name)
    assert doc.data is not None, problems
    return json.loads(json.dumps(doc.data))  # plain dicts, lists and str


BASE = {name: _data(name) for name in FILES}
AGENCY_IDS = [a["id"] for a in BASE["agencies.yaml"]["agencies"]]
STYLE = load_schema("plan")["properties"]["style"]["properties"]

# Any character but surrogates (a YAML file is UTF-8); controls, format
# characters (bidi, zero-width), private use and unassigned code points included.
CHAR = st.characters(blacklist_categories=("Cs",))
PLAIN = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"))


@st.composite
def words(draw, min_size=1, max_size=30, hostile=False):
    """A line of text: printable characters of any script, or (``hostile``)
    sometimes anything at all, controls included."""
    alphabet = draw(st.sampled_from([PLAIN, CHAR])) if hostile else PLAIN
    text = draw(st.text(alphabet=alphabet, min_size=min_size, max_size=max_size))
    if draw(st.booleans()):
        text = unicodedata.normalize("NFD", text)
    return text


def _number(schema: dict):
    if schema.get("type") == "integer":
        return st.integers(min_value=0, max_value=10 ** 12)
    return st.one_of(st.integers(min_value=1, max_value=40),
                     st.integers(min_value=100, max_value=4000).map(lambda n: n / 100),
                     st.integers(min_value=1, max_value=10 ** 12))


def _style_value(schema: dict):
    kind = schema.get("type")
    if kind in ("number", "integer"):
        return _number(schema)
    if kind == "boolean":
        return st.booleans()
    return words(max_size=20)


@st.composite
def styles(draw):
    keys = draw(st.lists(st.sampled_from(sorted(STYLE)), max_size=3, unique=True))
    return {k: draw(_style_value(STYLE[k])) for k in keys}


@st.composite
def plans(draw):
    files = json.loads(json.dumps(BASE))
    hostile = draw(st.integers(0, 3)) == 0
    words_ = lambda **kw: words(hostile=hostile, **kw)  # noqa: E731
    agencies = files["agencies.yaml"]["agencies"]
    for agency in agencies:
        if draw(st.integers(0, 3)) == 0:
            agency["name"] = draw(words_())
        if draw(st.integers(0, 3)) == 0:
            agency["short_name"] = draw(words_(max_size=15))
    # A new agency with a drawn id leads the first task.
    new_id = draw(st.from_regex(r"[a-z0-9]{1,8}([.-][a-z0-9]{1,5}){0,2}", fullmatch=True))
    agencies.append({"id": new_id, "name": draw(words_()), "short_name": draw(words_(max_size=15)), "kind": "khac"})
    tasks = [t for g in files["tasks.yaml"]["groups"] for t in g["tasks"]]
    tasks[0]["lead"] = new_id
    tasks[0]["support"] = [a for a in tasks[0].get("support", []) if a != new_id]
    for i, task in enumerate(tasks):
        task["content"] = f"«NV{i}» " + draw(words_(max_size=60))
        if draw(st.booleans()):
            task["output"] = draw(words_())
        if draw(st.integers(0, 4)) == 0:
            task["timeline"] = draw(st.sampled_from(["Hằng năm", "Thường xuyên", "2026", "2027-2029", "2030-12-31"]))
        elif hostile and draw(st.booleans()):
            task["timeline"] = draw(st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", fullmatch=True))
    style = draw(styles()) if draw(st.booleans()) else {}
    if style:
        files["plan.yaml"]["style"] = style
    if draw(st.booleans()):
        files["plan.yaml"]["document"]["subject"] = draw(words_(max_size=80))
    return files


def _write(folder: Path, files: dict) -> dict[str, int]:
    """Write each file as indented JSON (one value per line); return line counts."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = {}
    for name, data in files.items():
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        (folder / name).write_bytes(text.encode("utf-8", "surrogatepass"))
        lines[name] = text.count("\n") + 1
    return lines


def _well_formed(data: bytes, name: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None, name
        for part in z.namelist():
            if part.endswith((".xml", ".rels")):
                etree.fromstring(z.read(part))  # raises on malformed XML


def _schema_valid(folder: Path) -> bool:
    kinds = {"plan.yaml": "plan", "agencies.yaml": "agencies", "tasks.yaml": "tasks"}
    for name, kind in kinds.items():
        doc, problems = read_yaml(folder / name)
        if doc.data is None or any(True for _ in validator(kind).iter_errors(doc.data)):
            return False
    return True


@settings(max_examples=EXAMPLES, deadline=None, derandomize="KEHOACH_PROPERTY_EXAMPLES" not in os.environ,
          database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(plans())
def test_whatever_validates_builds(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("prop") / "plan"
    lines = _write(folder, files)
    plan, diagnostics = check_plan(folder)
    for d in diagnostics:
        name = Path(d.path).name
        assert name in lines and 1 <= d.line <= lines[name] and d.col >= 1, d.format()
        assert "\n" not in d.format() and "\r" not in d.format()
    if plan is None:
        assert any(d.is_error for d in diagnostics)
        return
    try:
        documents = render_documents(plan)
    except BuildError as exc:  # only a positioned plan error is acceptable
        raise AssertionError(f"validated plan failed to build: {[d.format() for d in exc.diagnostics]}")
    docx = [d for d in documents if d.path.endswith(".docx")]
    assert docx
    for d in docx:
        _well_formed(d.data, d.path)
    # docx2text writes table cells as "| a | b |" and escapes a "|" in a cell.
    text = " ".join(docx_text(next(d for d in documents if d.kind == "plan").data).replace("\\|", "|").split())
    for task in plan.tasks:
        wanted = " ".join(task.content.split())
        assert text.count(wanted) == 1, wanted


def test_examples_per_run_is_modest():
    """Kept small so the suite stays fast; see changes/harden-note.md."""
    assert 20 <= EXAMPLES or "KEHOACH_PROPERTY_EXAMPLES" in os.environ
