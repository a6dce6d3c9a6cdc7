"""Inline emphasis and footnotes inside any text field: a small, documented markup.

Offices bold a run-in label or a deadline in mid-sentence, italicise a
parenthetical, and add footnotes.  A text field may say so with three marks,
chosen because they are what people already type in chat and Markdown:

``**chữ đậm**``      bold
``*chữ nghiêng*``    italic (inside bold too: ``**Lưu ý: *(nếu có)***``)
``^[chú thích]``     a footnote at this point; its text may carry emphasis

A backslash keeps the next character literal (``\\*``, ``\\^``, ``\\\\``), and a
plan that prints asterisks as such sets ``markup: false`` in ``plan.yaml``:
then no text is interpreted at all.  A mark that is never closed prints as
typed (and :func:`problems` reports it, so the loader can warn).

The result is data — :class:`Run` and :class:`Footnote` — never XML: the
writers (:mod:`kehoach.templating.body`, the Markdown preview) escape it.
"""

from __future__ import annotations

import functools

from dataclasses import dataclass

__all__ = ["Run", "Footnote", "merge", "parse", "plain", "problems"]


@dataclass(frozen=True)
class Run:
    """A stretch of text in one style; ``note`` is set on a footnote reference."""

    text: str
    bold: bool = False
    italic: bool = False
    note: "Footnote | None" = None


@dataclass(frozen=True)
class Footnote:
    runs: tuple[Run, ...]


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.i = 0
        self.unclosed: list[str] = []

    def runs(self, bold: bool = False, italic: bool = False, stop: str = "") -> list[Run]:
        out: list[Run] = []
        buf: list[str] = []

        def flush() -> None:
            if buf:
                out.append(Run("".join(buf), bold, italic))
                buf.clear()

        t = self.text
        while self.i < len(t):
            if stop and t.startswith(stop, self.i):
                flush()
                self.i += len(stop)
                return out
            c = t[self.i]
            if c == "\\" and self.i + 1 < len(t) and t[self.i + 1] in "\\*^[]":
                buf.append(t[self.i + 1])
                self.i += 2
                continue
            if t.startswith("**", self.i) and self._closes("**", self.i + 2):
                flush()
                self.i += 2
                out += self.runs(True, italic, "**")
                continue
            if c == "*" and not t.startswith("**", self.i) and self._closes("*", self.i + 1):
                flush()
                self.i += 1
                out += self.runs(bold, True, "*")
                continue
            if t.startswith("^[", self.i) and self._closes("]", self.i + 2):
                flush()
                self.i += 2
                note = Footnote(tuple(self.runs(False, False, "]")))
                out.append(Run("", bold, italic, note))
                continue
            if c == "*" or t.startswith("^[", self.i):
                self.unclosed.append(t[self.i:self.i + 2] if c == "^" else "*")
            buf.append(c)
            self.i += 1
        flush()
        return out

    def _closes(self, mark: str, start: int) -> bool:
        """Whether ``mark`` occurs again (unescaped) after ``start`` — so an
        opening mark is only taken as one when it is closed."""
        t = self.text
        j = start
        while j < len(t):
            if t[j] == "\\":
                j += 2
                continue
            if t.startswith(mark, j):
                # "**" inside "*…*" is bold-in-italic, not the close of "*"
                if mark == "*" and t.startswith("**", j):
                    k = t.find("**", j + 2)
                    if k == -1:
                        return False
                    j = k + 2
                    continue
                return j > start
            j += 1
        return False


@functools.lru_cache(maxsize=8192)
def parse(text: str, enabled: bool = True) -> tuple[Run, ...]:
    """Runs of ``text``; with ``enabled=False`` one plain run, every mark literal.

    Cached: the result is immutable, and a plan's texts are parsed again by
    every letter and report that quotes them (a duty reaches dozens of agencies)."""
    if not text:
        return ()
    if not enabled:
        return (Run(text),)
    return merge(_Parser(text).runs())


def merge(runs) -> tuple[Run, ...]:
    """Neighbouring runs of one style as one run; empty runs dropped."""
    out: list[Run] = []
    for r in runs:
        if out and r.note is None and out[-1].note is None and (out[-1].bold, out[-1].italic) == (r.bold, r.italic):
            out[-1] = Run(out[-1].text + r.text, r.bold, r.italic)
        elif r.text or r.note is not None:
            out.append(r)
    return tuple(out)


def plain(text: str, enabled: bool = True) -> str:
    """The printed words without marks and without footnote texts."""
    return "".join(r.text for r in parse(text, enabled))


def problems(text: str) -> list[str]:
    """Marks that were never closed (printed as typed)."""
    parser = _Parser(text)
    parser.runs()
    return parser.unclosed
