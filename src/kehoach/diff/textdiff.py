"""Comparing texts and sequences, knowing nothing of plans.

How texts are normalised before comparison (:func:`_norm`), the word-level
diff (:func:`word_diff`), word similarity (:func:`_similarity`) and the
order-keeping alignment of two lists (:func:`_align`) that pairs body
paragraphs, bases and sections.  The underscore names are private to the
:mod:`kehoach.diff` package.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any, Callable, Optional, Sequence

from .. import vn

__all__ = ["word_diff"]


def _norm(text: Optional[str]) -> str:
    """NFC, whitespace runs collapsed: how texts are compared."""
    return " ".join(vn.nfc(text).split()) if text else ""


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level diff of two texts: ``[(op, words), …]`` with op ``equal``,
    ``delete`` or ``insert`` and words joined by single spaces.

    Words are whitespace-separated tokens of the NFC text, punctuation attached
    ("trẻ em," is one word).  A replacement is a ``delete`` then an ``insert``;
    consecutive runs of the same op are merged.
    """
    a, b = _norm(old).split(), _norm(new).split()
    out: list[tuple[str, list[str]]] = []

    def add(op: str, words: list[str]) -> None:
        if not words:
            return
        if out and out[-1][0] == op:
            out[-1][1].extend(words)
        else:
            out.append((op, list(words)))

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
            continue
        add("delete", a[i1:i2])
        add("insert", b[j1:j2])
    return [(op, " ".join(words)) for op, words in out]


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def _align(old: Sequence[Any], new: Sequence[Any], sig: Callable[[Any], Any],
           sim: Callable[[Any, Any], float], threshold: float = 0.4) -> list[tuple[Optional[int], Optional[int]]]:
    """Pair two lists in order: identical signatures first (difflib), then inside
    each replaced stretch positionally when both sides have as many items, else
    by the most similar pairs (≥ ``threshold``) that keep the order."""
    a, b = [sig(x) for x in old], [sig(x) for x in new]
    out: list[tuple[Optional[int], Optional[int]]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            out += list(zip(range(i1, i2), range(j1, j2)))
        elif tag == "delete":
            out += [(i, None) for i in range(i1, i2)]
        elif tag == "insert":
            out += [(None, j) for j in range(j1, j2)]
        else:
            out += _pair_similar(list(range(i1, i2)), list(range(j1, j2)),
                                 lambda i, j: sim(old[i], new[j]), threshold)
    return out


def _pair_similar(xs: list[int], ys: list[int], sim: Callable[[int, int], float],
                  threshold: float) -> list[tuple[Optional[int], Optional[int]]]:
    n, m = len(xs), len(ys)
    s = [[sim(x, y) for y in ys] for x in xs]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in reversed(range(n)):
        for j in reversed(range(m)):
            value = max(best[i + 1][j], best[i][j + 1])
            if s[i][j] >= threshold:
                value = max(value, s[i][j] + best[i + 1][j + 1])
            best[i][j] = value
    out: list[tuple[Optional[int], Optional[int]]] = []
    i = j = 0
    while i < n and j < m:
        if s[i][j] >= threshold and best[i][j] == s[i][j] + best[i + 1][j + 1]:
            out.append((xs[i], ys[j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            out.append((xs[i], None))
            i += 1
        else:
            out.append((None, ys[j]))
            j += 1
    out += [(xs[k], None) for k in range(i, n)]
    out += [(None, ys[k]) for k in range(j, m)]
    return out
