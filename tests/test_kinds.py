"""Document kinds behind one interface, and the render environment passed down.

The build knows no kind by name: it renders what the registry lists.  The
clock, templates and style reach every kind through the one RenderEnv the
build makes, not through the process environment read again by each module.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import zipfile

import pytest
from icalendar import Calendar

import kehoach
from kehoach.build import BuildOptions, render_documents
from kehoach.clock import Clock
from kehoach.documents import calendar, letter, plan as plan_document
from kehoach.documents.env import RenderEnv
from kehoach.documents.kind import Document, FileKind, Pending, Selection, Target
from kehoach.documents.registry import KINDS, TEMPLATE_KINDS
from kehoach.templating.generate import TEMPLATE_NAMES

from conftest import ROOT

build_module = importlib.import_module("kehoach.build")
FIXTURE = ROOT / "tests" / "fixtures" / "reporting" / "plan"
#: 2031-05-06 07:08:09 UTC: nothing else in the suite uses it
EPOCH = 1935817689


@pytest.fixture(scope="module")
def plan():
    return kehoach.load_plan(FIXTURE)


def test_the_registry_holds_every_kind_once_and_each_default_template():
    assert [k.name for k in KINDS] == ["plan", "preview", "letter", "report-template", "consolidated-report",
                                       "calendar", "dashboard"]
    assert tuple(k.template for k in TEMPLATE_KINDS) == TEMPLATE_NAMES == (
        "plan.docx", "letter.docx", "report.docx", "consolidated.docx")


def test_a_registered_kind_is_built_in_its_place(plan, monkeypatch):
    """Adding a kind is adding it to the list: the build renders it, in order,
    with the environment and selection it made once."""
    seen = []

    def files(plan, env, selection):
        seen.append((env.as_of, tuple(p.id for p in selection.periods)))
        return [Document("extra/as-of.txt", "extra", env.as_of.isoformat().encode())]

    kinds = list(KINDS)
    kinds.insert(2, FileKind("extra", files))  # after the plan and its preview
    monkeypatch.setattr(build_module, "KINDS", kinds)
    as_of = dt.date(2030, 1, 2)
    documents = render_documents(plan, BuildOptions(as_of=as_of), returns={})
    paths = [d.path for d in documents]
    assert paths[:3] == [f"{plan.id}.docx", "ke-hoach.md", "extra/as-of.txt"]
    assert documents[2].data == b"2030-01-02"
    assert seen == [(as_of, tuple(p.id for p in kehoach.open_periods(plan)))]


def test_the_clock_of_the_environment_stamps_calendars_and_docx(plan, monkeypatch):
    """The epoch a kind stamps is the one in its RenderEnv, whatever
    SOURCE_DATE_EPOCH says by the time the document is made."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    env = RenderEnv.of(plan, clock=Clock(EPOCH, dt.date(2031, 5, 6)))
    ics = calendar.DOCUMENT_KIND.outputs(plan, env, Selection())
    stamps = {str(e.decoded("dtstamp")) for d in ics for e in Calendar.from_ical(d.data).walk("VEVENT")}
    assert stamps == {"2031-05-06 07:08:09+00:00"}
    agency = letter.agencies(plan)[0]
    data = build_module._run_here(env, Pending(letter.DOCUMENT_KIND, Target(agency=agency)).job(plan, env))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        core = zf.read("docProps/core.xml").decode()
        stamped = {info.date_time for info in zf.infolist()}
    assert "2031-05-06T07:08:08Z" not in core and "2031-05-06T07:08:09Z" in core
    assert stamped == {(2031, 5, 6, 7, 8, 8)}  # zip times have 2-second steps


def test_a_build_reads_the_clock_once(plan, monkeypatch):
    reads = []
    real = Clock.read.__func__

    def counted(cls):
        reads.append(1)
        return real(cls)
    monkeypatch.setattr(Clock, "read", classmethod(counted))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    documents = render_documents(plan, returns={})
    assert reads == [1]
    events = [d for d in documents if d.path.endswith(".ics") and b"BEGIN:VEVENT" in d.data]
    assert events and all(b"DTSTAMP:20310506T070809Z" in d.data for d in events)


def test_a_template_kind_gives_the_context_its_template_uses(plan):
    """The plan kind's content is the module's context, with its footnotes
    and the post-processing the build applies."""
    env = RenderEnv.of(plan)
    job = plan_document.DOCUMENT_KIND.job(plan, env, Target())
    assert job.path == f"{plan.id}.docx" and job.template == "plan.docx" and job.expect_sections == 2
    assert job.context == plan_document.context(plan, env.profile)
    assert job.drop_last_section == (not plan.appendices)
    assert job.properties["title"].endswith(plan.document.cited)
