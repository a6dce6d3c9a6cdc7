"""Document builders: one module per document kind.

Each module turns the typed :class:`~kehoach.model.Plan` into a *context* — plain
strings, lists and dicts, already worded and numbered — that a .docx template
renders.  Builders never read YAML and never write files.
"""
