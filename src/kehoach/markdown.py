"""Markdown (and the HTML inside it) for text kehoach did not write.

Every Markdown file kehoach writes — the plan's preview (``ke-hoach.md``),
the consolidated report's summary, the plan diff, the completion
descriptions of the exported schemas — prints names and sentences typed by
an office or an agency.  GitHub, GitLab and editors render that Markdown,
and Markdown lets raw HTML, links, images and emphasis through; so each
piece of such text goes through this module and prints as typed:

* :func:`inline` escapes what acts anywhere in a line (emphasis, code, links,
  HTML tags and entities, strikethrough, GitHub math, table pipes), keeping
  the text's newlines;
* :func:`line_start` escapes what would open a block at the start of a line
  (heading, quote, list item, thematic break);
* :func:`escape` is both, on one line — what most callers want; :func:`cell`
  is :func:`escape` for a table cell ("—" when empty).
"""

from __future__ import annotations

import re

__all__ = ["cell", "escape", "inline", "line_start"]

#: characters with an inline meaning in CommonMark / GFM: always backslash-escaped (a lone ``>``
#: is inert once ``<`` is escaped: no tag can open; at the start of a line it is a quote, see _LEADING)
_INLINE = re.compile(r"([\\`*_\[\]<~$|])")
#: "&amp;", "&#123;": an entity would be decoded, so its ampersand is escaped
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
#: an ordered list item ("1." / "1)") at the start of a line
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
#: what opens a block at the start of a line (heading, quote, bullet, break, setext underline)
_LEADING = "#>+-=*_~`|"


def inline(text: object) -> str:
    """``text`` with every inline syntax escaped; whitespace runs collapsed, newlines kept."""
    text = re.sub(r"[^\S\n]+", " ", str(text))
    return _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", text))


def line_start(line: str) -> str:
    """An (already :func:`inline`-escaped) line, stripped, with the block syntax it would open escaped."""
    line = line.strip()
    m = _ORDERED.match(line)
    if m:
        return f"{m.group(1)}\\{m.group(2)}{line[m.end():]}"
    if line[:1] in _LEADING and not line.startswith("\\"):
        return "\\" + line
    return line


def escape(text: object, start: bool = False) -> str:
    """``text`` made inert in Markdown, on one line.

    ``start``: the text opens a line or a bullet, so block syntax is escaped too.

    >>> escape('<img src=x> [site](http://x) *a* | b')
    '\\\\<img src=x> \\\\[site\\\\](http://x) \\\\*a\\\\* \\\\| b'
    >>> escape("# 1. Tiêu đề", start=True)
    '\\\\# 1. Tiêu đề'
    """
    line = inline(" ".join(str(text).split()))
    return line_start(line) if start and line else line


def cell(text: object) -> str:
    """A Markdown table cell: :func:`escape`, and "—" when empty."""
    return escape(text) or "—"
