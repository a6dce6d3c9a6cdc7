"""Document kinds: one module per kind of output.

Each module turns the typed :class:`~kehoach.model.Plan` into a *context* — plain
strings, lists and dicts, already worded and numbered — that a .docx template
renders, and declares its kind as ``DOCUMENT_KIND`` (:mod:`.kind`: which
documents the plan calls for, the template, the context, the paths).  The
modules with a template also draw its default (``template()``), beside the
context whose keys its tags use.  :mod:`.registry` lists the kinds in build
order; :mod:`.env` is the render environment (clock, templates, style) a
build makes once and passes down.  Builders never read YAML and never write
files.
"""
