"""A self-contained HTML preview of the plan and its letters, for reviewers.

A reviewer of a pull request should see the documents, not only the YAML.
``kehoach build`` writes ``preview/index.html``: one page, no script, no
external file (the style sheet is inline), with the text of the plan (its
Phụ lục as a table) and of every assignment letter, each under its own
heading with a table of contents.  The CI recipes publish it (GitHub / GitLab
Pages on the main branch, an artifact linked from the job summary for a pull
request).

The words are taken from the rendered .docx themselves (:func:`docx_text`,
the same reader ``git diff`` uses), so the preview shows exactly what was
built; only the layout is simplified.  Every piece of text is HTML-escaped.
"""

from __future__ import annotations

import html
from typing import Iterable, Sequence

from ..docx2text import docx_text
from ..model import Plan

__all__ = ["KIND", "PATH", "document_html", "page"]

KIND = "preview"
PATH = "preview/index.html"

_STYLE = """
body{font-family:"Times New Roman","Liberation Serif",serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.45;color:#111}
nav{border:1px solid #ccc;padding:.5rem 1rem;margin-bottom:2rem;background:#f8f8f8}
section{border-top:3px double #888;padding-top:1rem;margin-top:2rem}
h1{font-size:1.4rem}h2{font-size:1.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
td{border:1px solid #999;padding:.25rem .4rem;vertical-align:top}
table.header td{border:none;text-align:center;font-weight:bold}
p{margin:.3rem 0;text-align:justify}
.note{color:#555;font-size:.9rem}
""".strip()


def _rows(lines: Sequence[str]) -> str:
    rows = []
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    return "\n".join(rows)


def document_html(text: str) -> str:
    """The text of one .docx (as :func:`docx_text` gives it) as HTML: table
    rows (``| a | b |``) become tables, header/footer markers are dropped,
    every other line is a paragraph."""
    out: list[str] = []
    table: list[str] = []
    first_table = True

    def flush() -> None:
        nonlocal first_table
        if table:
            css = ' class="header"' if first_table and len(table) <= 3 else ""
            out.append(f"<table{css}>\n{_rows(table)}\n</table>")
            first_table = False
            table.clear()

    for line in text.splitlines():
        if line.startswith("[") and "]" in line and line.split("]", 1)[0].startswith(("[đầu trang", "[chân trang")):
            continue
        if line.startswith("| ") and line.rstrip().endswith("|"):
            table.append(line)
            continue
        flush()
        if line.strip():
            out.append(f"<p>{html.escape(line.strip())}</p>")
    flush()
    return "\n".join(out)


def page(plan: Plan, documents: Iterable) -> str:
    """The preview page for the rendered ``documents`` (objects with ``path``,
    ``kind``, ``data``, ``agency``): the plan first, then the letters."""
    chosen = [d for d in documents if d.path.endswith(".docx") and d.kind in ("plan", "letter")]
    chosen.sort(key=lambda d: (d.kind != "plan", d.path))
    title = f"Bản xem trước: {plan.document.subject}" if getattr(plan.document, "subject", None) else "Bản xem trước"
    nav, sections = [], []
    for i, doc in enumerate(chosen, 1):
        name = "Kế hoạch" if doc.kind == "plan" else f"Công văn gửi {plan.registry.name(doc.agency)}"
        nav.append(f'<li><a href="#vb-{i}">{html.escape(name)}</a> <span class="note">({html.escape(doc.path)})'
                   f"</span></li>")
        sections.append(f'<section id="vb-{i}">\n<h2>{html.escape(name)}</h2>\n'
                        f"{document_html(docx_text(doc.data))}\n</section>")
    return ("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n"
            f"<h1>{html.escape(title)}</h1>\n"
            "<p class=\"note\">Bản xem trước dựng tự động từ dữ liệu kế hoạch để xem xét thay đổi; văn bản chính "
            "thức là các tệp .docx (và PDF) trong thư mục kết quả.</p>\n"
            f"<nav><strong>Mục lục</strong>\n<ol>\n{''.join(nav)}\n</ol></nav>\n"
            + "\n".join(sections) + "\n</body>\n</html>\n")
