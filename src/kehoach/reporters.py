"""How the command line prints diagnostics: one interface, one class per format.

A command asks :func:`reporter` for the format the user chose (``--format``)
and hands it every diagnostic and, when the run stops, a message; it never
formats a diagnostic itself.  So ``validate``, ``build``, ``diff``, ``report``
print the same problems the same way (the design of check-jsonschema's
reporters).

* ``text``: ``path:line:col: KH### lỗi: message`` on stderr, then the
  message as ``kehoach: …`` lines (what people and editors read);
* ``json``: one JSON document on stdout (:func:`kehoach.diagnostics.format_json`);
* ``github`` / ``gitlab``: CI annotations on stdout (:mod:`kehoach.annotations`).

The machine formats print nothing but their document on stdout: a message
goes to stderr, where it cannot break the JSON.
"""

from __future__ import annotations

import sys
from typing import Callable, Iterable, Optional, TextIO

from .diagnostics import Diagnostic, escape, format_json, format_text

__all__ = ["FORMATS", "Reporter", "TextReporter", "JsonReporter", "AnnotationReporter", "reporter"]


class Reporter:
    """Prints the outcome of a check.  ``report`` is called once per run with
    every diagnostic; ``fail`` and ``say`` print the run's own words."""

    def __init__(self, quiet: bool = False, out: Optional[TextIO] = None, err: Optional[TextIO] = None) -> None:
        self.quiet = quiet
        self._out, self._err = out, err

    @property
    def out(self) -> TextIO:  # looked up at print time: tests swap sys.stdout (capsys)
        return self._out or sys.stdout

    @property
    def err(self) -> TextIO:
        return self._err or sys.stderr

    def report(self, diagnostics: Iterable[Diagnostic]) -> None:
        raise NotImplementedError

    def fail(self, message: str) -> None:
        """Why the command stops, one ``kehoach: …`` line per line, on stderr."""
        self.err.write("".join(f"kehoach: {escape(line)}\n" for line in str(message).split("\n")))

    def say(self, text: str) -> None:
        """A line for a person (a summary, a file written); not in quiet mode,
        nor in a machine format (its stdout is one document)."""
        if not self.quiet:
            print(text, file=self.out)


class TextReporter(Reporter):
    def report(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.err.write(format_text(diagnostics))


class JsonReporter(Reporter):
    def report(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.out.write(format_json(diagnostics))

    def say(self, text: str) -> None:
        pass


class AnnotationReporter(Reporter):
    """GitHub workflow commands or a GitLab Code Quality report."""

    def __init__(self, render: Callable[[Iterable[Diagnostic]], str], quiet: bool = False,
                 out: Optional[TextIO] = None, err: Optional[TextIO] = None) -> None:
        super().__init__(quiet, out, err)
        self.render = render

    def report(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.out.write(self.render(diagnostics))

    def say(self, text: str) -> None:
        pass


def _github(quiet: bool) -> Reporter:
    from .annotations import format_github
    return AnnotationReporter(format_github, quiet)


def _gitlab(quiet: bool) -> Reporter:
    from .annotations import format_gitlab
    return AnnotationReporter(format_gitlab, quiet)


#: format name -> factory(quiet)
FORMATS: dict[str, Callable[[bool], Reporter]] = {
    "text": TextReporter, "json": JsonReporter, "github": _github, "gitlab": _gitlab,
}


def reporter(name: str = "text", quiet: bool = False) -> Reporter:
    """The reporter of a format; a format that is not a diagnostics format
    (``markdown`` of diff, ``json`` of build's manifest) reports as text."""
    return FORMATS.get(name, TextReporter)(quiet)
