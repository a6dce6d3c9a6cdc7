"""KH120: placeholders (``THAY``) left from a repository made by ``kehoach new``.

The scaffold marks every value an office must replace with the upper-case
word ``THAY`` ("replace"), in the value itself or in a trailing ``# THAY: …``
comment.  Nothing else in a plan uses that word in capitals, so a line still
holding it is a line whose sample content may reach a signed document.  The
check reads the text (comments included), one warning per line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .diagnostics import Diagnostic, make

__all__ = ["WORD", "check_placeholders"]

WORD = re.compile(r"(?<![A-Za-zÀ-ỹĐđ])THAY(?![A-Za-zÀ-ỹĐđ])")
FILES = ("plan.yaml", "agencies.yaml", "tasks.yaml")


def check_placeholders(plan_dir: str | os.PathLike) -> list[Diagnostic]:
    """A KH120 warning for each line of the plan files that still says THAY."""
    from .load import _display

    out = []
    for name in FILES:
        path = Path(plan_dir) / name
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the loader reports unreadable files (KH001, KH002)
        shown = _display(path)
        for number, line in enumerate(text.splitlines(), 1):
            match = WORD.search(line)
            if match:
                out.append(make(shown, number, match.start() + 1, "KH120",
                                "còn chữ 'THAY' của kho mẫu: thay bằng nội dung thật rồi xóa chữ THAY"))
    return out
