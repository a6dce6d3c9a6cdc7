"""Whatever validates, builds: property tests over generated plans.

Hypothesis varies a small fixture plan (``tests/fixtures/harden-small``, a
commune plan) with values drawn from the schemas.  The strategies are written
by hand from the CURRENT schemas (they are not derived automatically;
:func:`test_strategies_reach_every_form` proves they reach every form), in
three forms of tasks, each run for a third of the examples:

* ``short``: tasks.yaml's short form (title + groups), the fixture's body;
* ``appendices``: ``appendices:`` with a task table (declared columns in any
  order, field columns read from ``fields``, widths, parent headings, levels
  of any numbering and form, groups nested up to five deep, ungrouped rows)
  and a data table (header rows with spans, widths, alignment, total and
  group rows); body sections of generated blocks;
* ``body``: no appendix, task records in body blocks (``task:``, ``record:``,
  ``task_records``), ``numbered`` true/decimal/letter/paren, markers, titles.

Every text gets arbitrary Unicode (any category but surrogates, control
characters included, sometimes NFD), agency ids are drawn from the id
pattern, ``style:`` gets keys and values of the schema's declared types, and
``markup`` is on, off or absent; a task's text mixes plain words with
``**bold**``, ``*italic*``, ``^[footnotes]`` and escaped marks (``\\*``),
and the printed form is worked out independently of kehoach.inline.  The plan
is written as JSON (valid YAML, every character escaped) and then either

* it is rejected, and every error is a positioned diagnostic inside one of
  the plan's files (line and column within the file), never an exception, or
* it loads, and every document renders: each .docx is a well-formed package
  (every XML part parses), the first .docx of each kind is valid OOXML
  (openxml-audit), every generated task is in the plan and each task's
  printed text appears exactly once in the plan document.

Examples per run: :data:`EXAMPLES` (``KEHOACH_PROPERTY_EXAMPLES`` raises it
locally and draws at random; ``KEHOACH_PROPERTY_NO_SHRINK=1`` skips shrinking,
which can take minutes on these large examples); derandomized so CI is
reproducible.
"""

from __future__ import annotations

import io
import json
import os
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from kehoach.build import BuildError, render_documents
from kehoach.inline import plain
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
GROUP_IDS = [g["id"] for g in BASE["agencies.yaml"].get("groups", [])]
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


# -- the text of a task: words, emphasis, footnotes ------------------------------------------

#: characters the inline markup gives a meaning to (kehoach.inline)
MARKS = set("*^[]\\")


@st.composite
def task_text(draw, index: int, hostile: bool):
    r"""``(yaml_text, printed)`` of a task's content: a unique «NV<i>» lead,
    then pieces of plain words, ``**bold**``, ``*italic*``, ``^[footnote]``
    and escaped marks (``\*``).  ``printed`` is what the reader sees with
    markup on, worked out here independently of kehoach.inline — or None when
    a drawn piece holds a mark character, then kehoach.inline.plain is the
    reference."""
    text, printed = [f"«NV{index}» "], [f"«NV{index}» "]
    known = True
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["words", "words", "bold", "italic", "note", "escaped"]))
        word = draw(words(hostile=hostile, max_size=20))
        if kind == "words" or MARKS & set(word):
            known = known and not (MARKS & set(word))
            text.append(word)
            printed.append(word)
            continue
        mark = {"bold": "**", "italic": "*"}.get(kind)
        if mark:
            text.append(f"{mark}{word}{mark}")
            printed.append(word)
        elif kind == "note":  # the note's words go to the footnote, not the sentence
            text.append(f"^[{word}]")
        else:
            text.append(f"\\*{word}\\*")
            printed.append(f"*{word}*")
        text.append(" ")
        printed.append(" ")
    return "".join(text), ("".join(printed) if known else None)


# -- the full forms of the current schemas -----------------------------------------------------

TIMELINES = ["Hằng năm", "Thường xuyên", "2026", "2027-2029", "2030-12-31", "Quý IV/2026",
             "Tháng 12/2026", "Trước ngày 30/11/2026", "Từ 01/7/2026", "Theo kế hoạch riêng"]
NUMBERING = ["roman", "upper-alpha", "lower-alpha", "decimal", "decimal-parent", "none", "id"]
ALIGN = ["left", "center", "right", "justify"]
ID = st.from_regex(r"[a-z0-9]{1,6}([.-][a-z0-9]{1,4}){0,2}", fullmatch=True)


def _numbering():
    return st.fixed_dictionaries({}, optional={"numbering": st.sampled_from(NUMBERING),
                                               "counting": st.sampled_from(["restart", "continue"])})


@st.composite
def task_record(draw, state, body: bool):
    """One task (a table row, or ``body``: a body record without content)."""
    i = state["next"]
    state["next"] += 1
    words_ = state["words"]
    text, printed = draw(task_text(i, state["hostile"]))
    task = {"id": f"t{i}"}
    state["expected"][task["id"]] = printed
    if body:
        state["body_text"][task["id"]] = text
    else:
        task["content"] = text
    leads = state["leads"]
    if draw(st.booleans()):
        task["lead"] = draw(st.sampled_from(leads))
    else:
        task["lead"] = draw(st.lists(st.sampled_from(leads), min_size=1, max_size=3, unique=True))
    lead = [task["lead"]] if isinstance(task["lead"], str) else task["lead"]
    if draw(st.booleans()):
        task["support"] = draw(st.lists(st.sampled_from([a for a in leads if a not in lead]), max_size=3,
                                        unique=True))
    if draw(st.booleans()):
        task["timeline"] = draw(st.sampled_from(TIMELINES))
        if task["timeline"] == "Theo kế hoạch riêng" or draw(st.integers(0, 5)) == 0:
            task["due"] = draw(st.sampled_from(["2026-06-30", "2027-12-31", "2030-01-01"]))
    if draw(st.booleans()):
        task["output"] = draw(words_(max_size=40))
    if draw(st.integers(0, 4)) == 0:
        task["lead_text"] = draw(words_(min_size=0, max_size=20))
    if draw(st.integers(0, 4)) == 0:
        task["support_text"] = draw(words_(min_size=0, max_size=20))
    if not body and draw(st.integers(0, 4)) == 0:
        task["number"] = draw(st.from_regex(r"[0-9IVX]{1,3}(\.[0-9]{1,2})?", fullmatch=True))
    keys = state["field_keys"]
    if keys and draw(st.booleans()):
        task["fields"] = {k: draw(st.one_of(words_(min_size=0, max_size=20), st.integers(0, 10 ** 9)))
                          for k in draw(st.lists(st.sampled_from(keys), min_size=1, unique=True))}
    if draw(st.integers(0, 5)) == 0:
        task["implements"] = [draw(words_(max_size=10))]
    if draw(st.integers(0, 5)) == 0:
        task["note"] = draw(words_(max_size=30))
    return task


@st.composite
def group(draw, state, depth: int, chain: int = 0):
    """A task group with tasks and/or sub-groups, nested up to five levels;
    ``chain`` more levels are forced below the first sub-group."""
    g = {"id": f"g{state['next_group']}", "title": draw(state["words"](max_size=30))}
    state["next_group"] += 1
    if draw(st.integers(0, 4)) == 0:
        g["number"] = draw(st.from_regex(r"[0-9A-Z]{1,3}(\.[0-9]{1,2})?", fullmatch=True))
    if chain > 0:
        g["groups"] = [draw(group(state, depth + 1, chain - 1))]
        g["groups"] += [draw(group(state, depth + 1)) for _ in range(draw(st.integers(0, 1)))]
    elif depth < 5 and draw(st.integers(0, 3)) == 0:
        g["groups"] = [draw(group(state, depth + 1)) for _ in range(draw(st.integers(1, 2)))]
    if "groups" not in g or draw(st.booleans()):
        g["tasks"] = [draw(task_record(state, body=False)) for _ in range(draw(st.integers(1, 2)))]
    return g


@st.composite
def task_appendix(draw, state):
    columns = [{"role": "number"}, {"role": "task"}]
    columns += [{"role": role} for role in ("lead", "support", "timeline", "output") if draw(st.booleans())]
    # (hypothesis favours the first choice of sampled_from: the richer form comes first)
    for _ in range(draw(st.sampled_from([1, 2, 0]))):  # free columns read from a task's fields
        key = draw(ID.filter(lambda k: k not in state["field_keys"]))
        state["field_keys"].append(key)
        columns.append({"role": "field", "key": key})
    columns = draw(st.permutations(columns))
    for column in columns:
        if draw(st.booleans()):
            column["heading"] = draw(state["words"](max_size=20))
        if draw(st.booleans()):
            column["width"] = draw(st.integers(1, 400))
        if draw(st.integers(0, 3)) == 0:
            column["parent"] = draw(st.sampled_from(["Thực hiện", "Kết quả"]))
        if draw(st.integers(0, 3)) == 0:
            column["align"] = draw(st.sampled_from(ALIGN))
    appendix = {"id": f"pl{state['next_group']}", "title": draw(state["words"](max_size=40)), "columns": columns}
    state["next_group"] += 1
    for key, strategy in (("label", state["words"](max_size=15)), ("attachment", state["words"](max_size=40)),
                          ("unit", state["words"](max_size=15)), ("illustrative", st.booleans()),
                          ("notes", st.lists(state["words"](max_size=30), max_size=2))):
        if draw(st.booleans()):
            appendix[key] = draw(strategy)
    if draw(st.booleans()):
        appendix["column_codes"] = [f"({n})" for n in range(1, len(columns) + 1)]
    if draw(st.sampled_from([True, True, False])):
        appendix["levels"] = draw(st.lists(st.fixed_dictionaries({
            "numbering": st.sampled_from(NUMBERING), "form": st.sampled_from(["stt", "merged"])}, optional={
            "counting": st.sampled_from(["restart", "continue"]), "separator": st.sampled_from([". ", " - ", ""]),
            "bold": st.booleans()}), min_size=1, max_size=3))
    if draw(st.booleans()):
        appendix["rows"] = draw(_numbering())
    if draw(st.integers(0, 3)) != 0:
        appendix["groups"] = [draw(group(state, 1, chain=draw(st.sampled_from([3, 2, 1, 0]))))]
        appendix["groups"] += [draw(group(state, 1)) for _ in range(draw(st.integers(0, 1)))]
    if "groups" not in appendix or draw(st.integers(0, 3)) == 0:
        appendix["tasks"] = [draw(task_record(state, body=False)) for _ in range(draw(st.integers(1, 2)))]
    return appendix


@st.composite
def table_appendix(draw, state):
    """A data table (``kind: table``): header rows with spans, widths, alignment, data rows."""
    words_ = state["words"]
    n = draw(st.integers(1, 5))
    header = [[draw(words_(min_size=0, max_size=15)) for _ in range(n)]]
    if n > 1 and draw(st.booleans()):  # a spanning top row over the first two columns
        header.insert(0, [{"text": draw(words_(max_size=15)), "colspan": 2}]
                      + [{"text": draw(words_(max_size=15)), "rowspan": 2} for _ in range(n - 2)])
        header[1] = header[1][:2]
    cell = st.one_of(words_(min_size=0, max_size=20), st.integers(-10 ** 9, 10 ** 9))
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 3))
        cells = [draw(cell) for _ in range(n)]
        rows.append(cells if kind < 2 else {"cells": cells, "total": True, "bold": draw(st.booleans())}
                    if kind == 2 else {"group": draw(words_(max_size=20)), "bold": draw(st.booleans())})
    table = {"kind": "table", "title": draw(words_(max_size=40)), "header": header, "data": rows}
    if draw(st.booleans()):
        table["widths"] = [draw(st.integers(1, 400)) for _ in range(n)]
    if draw(st.booleans()):
        table["align"] = [draw(st.sampled_from(ALIGN)) for _ in range(n)]
    return table


RECORD_FIELDS = ["lead", "support", "timeline", "output"]


@st.composite
def record_format(draw, state):
    fmt = {"fields": [{"field": f, "label": draw(state["words"](max_size=15))}
                      for f in draw(st.lists(st.sampled_from(RECORD_FIELDS + state["field_keys"]),
                                             min_size=1, max_size=4, unique=True))]}
    for key, strategy in (("marker", st.sampled_from(["-", "+", "•"])),
                          ("label_style", st.sampled_from(["plain", "italic", "bold"])),
                          ("suffix", st.sampled_from([".", ";", ""]))):
        if draw(st.booleans()):
            fmt[key] = draw(strategy)
    return fmt


@st.composite
def block(draw, state, depth: int):
    """A body block: text and/or title, numbering of every kind, maybe a task record."""
    b = {}
    numbered = draw(st.sampled_from([None, True, False, "decimal", "letter", "letter", "paren"]))
    if numbered is not None:
        b["numbered"] = numbered
    elif draw(st.booleans()):
        b["marker"] = draw(st.sampled_from(["-", "+", "a)", "đ)", "(1)"]))
    if draw(st.integers(0, 4)) == 0:
        b["number"] = draw(st.sampled_from(["2.1.", "đ)", "(3)"]))
    if draw(st.booleans()):
        b["title"] = draw(state["words"](max_size=30))
        b["title_style"] = draw(st.sampled_from(["bold", "italic", "plain"]))
    if draw(st.booleans()):
        b["italic"] = True
    if draw(st.integers(0, 1)) == 0:
        b["task"] = draw(task_record(state, body=True))
        b["text"] = state["body_text"][b["task"]["id"]]
        if draw(st.integers(0, 2)) == 0:
            b["record"] = draw(record_format(state))
    elif "title" not in b or draw(st.booleans()):
        b["text"] = draw(state["words"](max_size=60))
    if depth < 3 and draw(st.integers(0, 3)) == 0:
        b["content"] = [draw(block(state, depth + 1)) for _ in range(draw(st.integers(1, 2)))]
    return b


@st.composite
def full_forms(draw, files, words_, hostile, leads, form):
    """Replace the fixture's tasks and body with the schemas' full forms:
    ``appendices:`` (task tables with columns, levels and groups at any depth,
    ungrouped rows, data tables; ``form`` "appendices": a task table and a
    data table at least, "body": none at all and a task record in the body)
    and body sections whose blocks carry ``task:`` records, ``numbered:
    letter``/``paren``, record formats; ``markup`` on or off."""
    state = {"next": 0, "next_group": 0, "expected": {}, "body_text": {}, "field_keys": [],
             "words": words_, "hostile": hostile, "leads": leads}
    appendices = []
    if form == "appendices":
        appendices = [draw(task_appendix(state)), draw(table_appendix(state))]
        appendices += [draw(st.one_of(task_appendix(state), table_appendix(state)))
                       for _ in range(draw(st.integers(0, 1)))]
        appendices = draw(st.permutations(appendices))
    files["tasks.yaml"] = {"appendices": appendices}
    plan = files["plan.yaml"]
    plan["sections"] = [{"title": draw(words_(max_size=30)),
                         "content": [draw(block(state, 1)) for _ in range(draw(st.integers(1, 3)))]}
                        for _ in range(draw(st.integers(1, 3)))]
    if form == "body" and not state["body_text"]:
        task = draw(task_record(state, body=True))
        plan["sections"][-1]["content"].append({"numbered": "letter", "text": state["body_text"][task["id"]],
                                                "task": task})
    if draw(st.booleans()):
        plan["task_records"] = draw(record_format(state))
    plan["markup"] = draw(st.sampled_from([True, False, None]))
    if plan["markup"] is None:
        del plan["markup"]
    files["_expected"] = state["expected"]
    return files


FORMS_OF_TASKS = ("short", "appendices", "body")


@st.composite
def plans(draw, form: str):
    """A plan of one ``form``: "short" (tasks.yaml title + groups, the fixture's
    body), "appendices" or "body" (see :func:`full_forms`)."""
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
    if form != "short":
        files = draw(full_forms(files, words_, hostile, [new_id, *AGENCY_IDS, *GROUP_IDS], form))
    else:  # the short form of tasks.yaml (title + groups), as the fixture has it
        tasks = [t for g in files["tasks.yaml"]["groups"] for t in g["tasks"]]
        tasks[0]["lead"] = new_id
        tasks[0]["support"] = [a for a in tasks[0].get("support", []) if a != new_id]
        expected = {}
        for i, task in enumerate(tasks):
            task["content"], expected[task["id"]] = draw(task_text(i, hostile))
            if draw(st.booleans()):
                task["output"] = draw(words_())
            if draw(st.integers(0, 4)) == 0:
                task["timeline"] = draw(st.sampled_from(["Hằng năm", "Thường xuyên", "2026", "2027-2029", "2030-12-31"]))
            elif hostile and draw(st.booleans()):
                task["timeline"] = draw(st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", fullmatch=True))
        files["_expected"] = expected
        if draw(st.booleans()):
            files["plan.yaml"]["markup"] = draw(st.booleans())
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


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _printed_text(docx: bytes) -> str:
    """The words of the main document as a reader sees them: each paragraph's
    text runs joined (a footnote reference adds nothing, a tab or break is a
    space), paragraphs separated by a space, whitespace collapsed.  Read here
    from the XML rather than through docx2text, which marks footnotes inline."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    paragraphs = []
    for p in root.iter(f"{W}p"):
        chunks = []
        for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
            chunks.append(el.text or "" if el.tag == f"{W}t" else " ")
        paragraphs.append("".join(chunks))
    return " ".join(" ".join(paragraphs).split())


#: what the generated plans exercised, printed by test_property_coverage
STATS: Counter = Counter()


@pytest.mark.parametrize("form", FORMS_OF_TASKS)
@settings(max_examples=EXAMPLES // len(FORMS_OF_TASKS) + 1, deadline=None, derandomize="KEHOACH_PROPERTY_EXAMPLES" not in os.environ,
          database=None, report_multiple_bugs=False,
          phases=[p for p in Phase if p is not Phase.shrink or "KEHOACH_PROPERTY_NO_SHRINK" not in os.environ],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_whatever_validates_builds(tmp_path_factory, ooxml_validator, form, data):
    files = dict(data.draw(plans(form)))
    expected = files.pop("_expected")
    folder = tmp_path_factory.mktemp("prop") / "plan"
    lines = _write(folder, files)
    STATS["examples"] += 1
    plan, diagnostics = check_plan(folder)
    for d in diagnostics:
        name = Path(d.path).name
        assert name in lines and 1 <= d.line <= lines[name] and d.col >= 1, d.format()
        assert "\n" not in d.format() and "\r" not in d.format()
    if plan is None:
        assert any(d.is_error for d in diagnostics)
        STATS["rejected " + ",".join(sorted({d.code for d in diagnostics if d.is_error}))] += 1
        return
    try:
        documents = render_documents(plan)
    except BuildError as exc:  # only a positioned plan error is acceptable
        raise AssertionError(f"validated plan failed to build: {[d.format() for d in exc.diagnostics]}")
    docx = [d for d in documents if d.path.endswith(".docx")]
    assert docx
    for d in docx:
        _well_formed(d.data, d.path)
    plan_docx = next(d for d in documents if d.kind == "plan").data
    # the first document of each kind is also valid OOXML (openxml-audit, ECMA-376 schemas)
    firsts = {}
    for d in docx:
        firsts.setdefault(d.kind, d)
    for d in firsts.values():
        checked = folder.parent / f"{d.kind}.docx"
        checked.write_bytes(d.data)
        problems = [f"{e.part_uri} {e.path}: {e.description}" for e in ooxml_validator.validate(checked).errors]
        assert problems == [], (d.path, problems)
    # every generated task is in the plan, and its text is printed exactly once
    assert {t.id for t in plan.tasks} == set(expected)
    text = _printed_text(plan_docx)
    for task in plan.tasks:
        if not plan.markup or task.appendix_id:
            # Appendix cells print the text as typed (templating/tables.py), although
            # docs/than-van-ban.md §3 lists "ô phụ lục" among the fields with markup:
            # see changes/harden2-note.md.
            printed = task.content
        else:
            printed = expected[task.id] if expected[task.id] is not None else plain(task.content)
        # the loader stores text NFC-normalised (the generator draws NFD too)
        wanted = unicodedata.normalize("NFC", " ".join(printed.split()))
        assert text.count(wanted) == 1, (task.id, task.content, wanted)
    STATS["built"] += 1
    STATS.update(_forms(files))


@pytest.fixture(scope="module")
def ooxml_validator():
    import openxml_audit

    return openxml_audit.OpenXmlValidator()


def test_property_coverage():
    """What the generated plans that built exercised (printed with ``-s``);
    after a full run, most generated plans must build."""
    print("\nproperty: " + ", ".join(f"{k} {v}" for k, v in sorted(STATS.items())))
    if STATS["examples"] >= EXAMPLES:  # a full run (not -k)
        assert STATS["built"] >= EXAMPLES // 3, STATS


def _forms(files: dict) -> set[str]:
    """The schema forms one generated plan uses (read from the data, not the model)."""
    found = set()
    tasks, plan = files["tasks.yaml"], files["plan.yaml"]
    appendices = tasks.get("appendices")
    found.add("short form" if appendices is None else "no appendix" if appendices == [] else "appendices")

    def depth(groups, level=1):
        return max((max(level, depth(g.get("groups", []), level + 1)) for g in groups), default=0)

    for a in appendices or ():
        if a.get("kind") == "table":
            found.add("data table")
            found.update({"spanning header"} if len(a["header"]) > 1 else set())
            found.update({"total row"} if any(isinstance(r, dict) and r.get("total") for r in a["data"]) else set())
            found.update({"group row"} if any(isinstance(r, dict) and "group" in r for r in a["data"]) else set())
            continue
        found.add("task appendix")
        found.update({"ungrouped rows"} if a.get("tasks") else set())
        found.update({"field column"} if any(c["role"] == "field" for c in a["columns"]) else set())
        found.update({"merged group rows"} if any(lv.get("form") == "merged" for lv in a.get("levels", ())) else set())
        found.add(f"groups {min(depth(a.get('groups', [])), 4)} deep")
    text = json.dumps(plan, ensure_ascii=False)
    for key, form in (('"task": {', "body task records"), ('"numbered": "letter"', "numbered: letter"),
                      ('"numbered": "paren"', "numbered: paren"), ('"record": {', "record format"),
                      ('"task_records"', "task_records"), ('"markup": false', "markup: false"),
                      ('"markup": true', "markup: true")):
        if key in text:
            found.add(form)
    contents = text + json.dumps(tasks, ensure_ascii=False)
    for mark, form in (("**", "bold"), ("^[", "footnote"), ("\\\\*", "escaped mark")):
        if mark in contents:
            found.add(form)
    return found


FORMS = {"short form", "no appendix", "appendices", "task appendix", "data table", "spanning header", "total row",
         "group row", "ungrouped rows", "field column", "merged group rows", "groups 1 deep", "groups 4 deep",
         "body task records", "numbered: letter", "numbered: paren", "record format", "task_records",
         "markup: false", "markup: true", "bold", "footnote", "escaped mark"}


def test_strategies_reach_every_form():
    """The generator is written by hand from the current schemas (not derived
    from them): prove that it produces each of their forms — appendices with
    columns, groups at any depth and data tables; body blocks with ``task:``
    records, ``numbered: letter``; markup on and off — in derandomized draws
    (generation only, nothing is built)."""
    seen: Counter = Counter()
    for form in FORMS_OF_TASKS:
        @settings(max_examples=50, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(plans(form))
        def draw_plans(files):
            seen.update(_forms(files))

        draw_plans()
    assert FORMS - set(seen) == set(), (FORMS - set(seen), seen)


def test_examples_per_run_is_modest():
    """Kept small so the suite stays fast; see changes/harden-note.md."""
    assert 20 <= EXAMPLES or "KEHOACH_PROPERTY_EXAMPLES" in os.environ
