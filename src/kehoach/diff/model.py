"""The result of a comparison: :class:`Change` records grouped by area in a :class:`PlanDiff`.

Plain frozen dataclasses, no behaviour beyond counting: :mod:`.compare` fills
them, :mod:`.markdown` and :mod:`.jsonout` render them.

A :class:`Change` says what changed (``kind``, below) and where (``id``: the
task id — the new one when the task still exists —, an agency or group id,
``document``, ``issuer``, ``signer``, ``recipients``, a body locator,
``reporting``), which ``field``, its ``old`` and ``new`` values, the
word-level diff of a text field (``words``), the members ``added`` and
``removed`` of a list field (leads, coordinators, members, reporters,
periods, open periods), and a Vietnamese ``label`` ("Nhiệm vụ 3.2", "Mục
II.1.2", the agency's name), or None where the Markdown words it itself.
Values are agency references (:class:`AgencyRef`), task groups
(:class:`GroupRef`), whole tasks (:class:`TaskInfo`, for ``task_added`` and
``task_removed``), body paragraphs (:class:`BlockInfo`), texts, tuples and ISO
date strings.  The kinds, by area (:attr:`PlanDiff.AREAS`):

``tasks``      ``task_group_added`` / ``task_group_removed`` / ``task_group_renamed``
               (field ``title``); ``task_added``, ``task_removed``,
               ``task_renumbered`` (field ``id``, old/new ids), ``task_moved``
               (field ``group``), ``task_changed`` (field ``content``, ``lead``,
               ``support``, ``lead_text``, ``support_text``, ``number``,
               ``fields.<key>``, ``timeline``, ``output``, ``implements``, ``note``)
``agencies``   ``agency_added``, ``agency_renamed`` (``name``, ``short_name``),
               ``agency_retired`` (``until`` set, or ``registry``: removed from
               the registry), ``agency_changed`` (``until``, ``kind``, ``parent``,
               ``code``, ``place``), ``agency_group_added`` / ``_removed`` /
               ``_renamed`` (``name``), ``agency_group_members`` (``members``)
``document``   ``document_changed`` (``type_name``, ``code``, ``number``,
               ``date``, ``subject``, ``years``), ``issuer_changed`` (``agency``,
               ``header``, ``parent_header``, ``code``, ``place``),
               ``signer_changed`` (``lines``, ``name``), ``recipient_added``,
               ``recipient_removed``, ``recipients_reordered``
``body``       ``basis_added`` / ``_removed`` / ``_changed``, ``section_added`` /
               ``_removed`` / ``_renamed``, ``block_added`` / ``_removed`` /
               ``_changed`` (``title``, ``text``, ``marker``, ``numbered``,
               ``responsible``), ``closing_changed``, ``appendix_changed``
               (``title``)
``reporting``  ``reporting_changed`` (``periods``, ``reporters``, ``to``, ``via``,
               ``consolidated_to``, ``cutoff.<kind>``, ``due.<kind>``,
               ``consolidated_due.<kind>``, ``open``)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Optional

__all__ = ["AgencyRef", "BlockInfo", "Change", "GroupRef", "PlanDiff", "TaskInfo"]


@dataclass(frozen=True)
class AgencyRef:
    """An agency or agency group, named as its side's registry names it."""

    id: str
    name: str


@dataclass(frozen=True)
class GroupRef:
    """A task group: its id, its numeral on that side, its title."""

    id: str
    numeral: str
    title: str


@dataclass(frozen=True)
class TaskInfo:
    """A whole task, for tasks added or removed."""

    id: str
    group: GroupRef
    content: str
    lead: tuple[AgencyRef, ...]
    support: tuple[AgencyRef, ...]
    timeline: str
    output: str


@dataclass(frozen=True)
class BlockInfo:
    """A body paragraph added or removed: title, text, number of paragraphs under it."""

    title: Optional[str]
    text: Optional[str]
    children: int


@dataclass(frozen=True)
class Change:
    """One change.  See the module docstring for the kinds and fields."""

    kind: str
    id: str
    field: Optional[str] = None
    old: Any = None
    new: Any = None
    words: Optional[tuple[tuple[str, str], ...]] = None
    added: tuple = ()
    removed: tuple = ()
    label: Optional[str] = None


@dataclass(frozen=True)
class PlanDiff:
    """Changes by area, each in a deterministic order (new plan's order, then
    what only the old plan had, in its order)."""

    tasks: tuple[Change, ...] = ()
    agencies: tuple[Change, ...] = ()
    document: tuple[Change, ...] = ()
    body: tuple[Change, ...] = ()
    reporting: tuple[Change, ...] = ()

    AREAS: ClassVar[tuple[str, ...]] = ("tasks", "agencies", "document", "body", "reporting")

    @property
    def equal(self) -> bool:
        return not self.changes

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(c for area in self.AREAS for c in getattr(self, area))

    def summary(self) -> dict[str, int]:
        """Counts: tasks by what happened to them (a task counts once per kind),
        other areas by number of changes."""
        def ids(kind: str) -> int:
            return len({c.id for c in self.tasks if c.kind == kind})
        return {
            "tasks_changed": ids("task_changed"),
            "tasks_added": ids("task_added"),
            "tasks_removed": ids("task_removed"),
            "tasks_renumbered": ids("task_renumbered"),
            "tasks_moved": ids("task_moved"),
            "task_groups": sum(c.kind.startswith("task_group_") for c in self.tasks),
            "agencies": len(self.agencies),
            "document": len(self.document),
            "body": len(self.body),
            "reporting": len(self.reporting),
        }
