"""What changed between two versions of a plan, at the level users think in.

A *side* is a plan directory or a git revision of the repository that holds
one (:func:`load_side`).  :func:`diff_plans` compares two loaded plans and
returns a :class:`PlanDiff`: tasks added, removed, renumbered, moved between
groups, and each changed field of a task; task groups; agencies and agency
groups; the document's metadata; the body of the plan; the reporting rule.
:func:`to_markdown` words it in Vietnamese for a pull-request comment,
:func:`to_json` gives the same data as a stable JSON structure.

One job per module, each documenting its part:

:mod:`.gitload`   loading a side: a plan directory, or the plan folder of a git
                  revision read with ``git cat-file`` (:func:`load_side`,
                  :class:`DiffError`);
:mod:`.model`     the result: :class:`Change` records by area in a
                  :class:`PlanDiff`, and every change kind with its fields;
:mod:`.textdiff`  comparing texts and lists, knowing nothing of plans
                  (:func:`word_diff`, similarity, order-keeping alignment);
:mod:`.compare`   comparing two plans (:func:`diff_plans`): how tasks are
                  matched, renumbered and moved, and what is not compared;
:mod:`.markdown`  the Vietnamese Markdown (:func:`to_markdown`);
:mod:`.jsonout`   the JSON structure ``kehoach-diff`` version 2 (:func:`to_json`).

This package re-exports every public name, so ``from kehoach.diff import …``
is the way in; the submodules are the layout, not the interface.
"""

from __future__ import annotations

from .compare import FUZZY_LIMIT, RENUMBER_SIMILARITY, diff_plans
from .gitload import DiffError, load_side
from .jsonout import to_json
from .markdown import CONTEXT_WORDS, EXCERPT_WORDS, to_markdown
from .model import AgencyRef, BlockInfo, Change, GroupRef, PlanDiff, TaskInfo
from .textdiff import word_diff

__all__ = [
    "AgencyRef", "BlockInfo", "Change", "DiffError", "GroupRef", "PlanDiff", "TaskInfo",
    "diff_plans", "load_side", "to_json", "to_markdown", "word_diff",
    "RENUMBER_SIMILARITY", "FUZZY_LIMIT", "CONTEXT_WORDS", "EXCERPT_WORDS",
]
