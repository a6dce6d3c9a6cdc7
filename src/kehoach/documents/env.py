"""The render environment: what a rendering takes from outside the plan.

One :class:`RenderEnv` is built at the top of a build (or of a single
document's rendering) and passed down to every document kind: the clock
(the epoch every file is stamped with, the day consolidated reports are "as
of"), where the templates come from (:class:`TemplateSource`) and the style
profile.  No document module reads ``SOURCE_DATE_EPOCH``, the templates
folder or the plan's ``style:`` itself.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from ..clock import Clock
from ..diagnostics import make
from ..model import Plan
from ..resources import data_dir
from ..safety import UnsafeFile, read_regular, repository_root
from ..templating.profile import DEFAULT, StyleProfile
from ..vi_messages import os_error
from .kind import BuildError

__all__ = ["MAX_TEMPLATE_BYTES", "RenderEnv", "TemplateSource", "plan_profile"]

#: Largest user template accepted (the default ones are about 20 KB).
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024


def plan_profile(plan: Plan) -> StyleProfile:
    """The style profile of this plan: the defaults with its ``style:`` overrides."""
    return DEFAULT.replace(dict(plan.style)) if plan.style else DEFAULT


@functools.lru_cache(maxsize=8)
def _generated(style: tuple[tuple[str, Any], ...]) -> dict[str, bytes]:
    from ..templating.generate import generate_templates  # imported late: it imports every document kind
    return generate_templates(DEFAULT.replace(dict(style)))


@dataclass(frozen=True)
class TemplateSource:
    """Where a plan's templates come from: the plan's own folder
    (``templates:``), else the defaults regenerated with the plan's ``style:``
    overrides, else the committed defaults."""

    folder: Optional[Path] = None
    #: the plan's repository: a template outside it is refused
    root: Optional[Path] = None
    style: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, plan: Plan) -> "TemplateSource":
        if not plan.template_dir:
            return cls(style=tuple(sorted(plan.style.items())) if plan.style else ())
        folder = Path(plan.template_dir)
        return cls(folder, repository_root(plan.source_dir) if plan.source_dir else folder)

    @property
    def sandboxed(self) -> bool:
        """A user's own template is rendered in a worker with a time and size limit."""
        return self.folder is not None

    def shown(self, name: str) -> str:
        """The template's name in diagnostics."""
        return str(self.folder / name) if self.folder is not None else f"templates/{name}"

    def read(self, name: str) -> bytes:
        """The bytes of template ``name``; an unreadable or unsafe file raises
        :class:`~kehoach.documents.kind.BuildError` (KH093, KH053)."""
        if self.folder is not None:
            path = self.folder / name
            try:
                return read_regular(path, self.root or self.folder, MAX_TEMPLATE_BYTES)
            except UnsafeFile as exc:
                raise BuildError([make(str(path), 1, 1, "KH093", f"không đọc mẫu văn bản '{name}': {exc}")]) from None
            except OSError as exc:
                raise BuildError([make(str(path), 1, 1, "KH053",
                                       f"không đọc được mẫu văn bản '{name}': {os_error(exc)}")]) from None
        if self.style:
            return _generated(self.style)[name]
        return (data_dir("templates") / name).read_bytes()


@dataclass(frozen=True)
class RenderEnv:
    """Everything a rendering depends on besides the plan and the returns.

    Built once at the top (:meth:`of`) and passed down; a job sent to a
    worker process finds the same environment there (inherited through fork).
    """

    clock: Clock
    #: the day consolidated reports and the dashboard are "as of" (who is overdue)
    as_of: dt.date
    profile: StyleProfile
    templates: TemplateSource

    @classmethod
    def of(cls, plan: Plan, as_of: Optional[dt.date] = None, clock: Optional[Clock] = None) -> "RenderEnv":
        """The environment of ``plan``: the clock read now (unless given),
        ``as_of`` or the clock's day, the plan's style and templates."""
        clock = clock or Clock.read()
        return cls(clock, as_of or clock.today, plan_profile(plan), TemplateSource.of(plan))

    @property
    def epoch(self) -> int:
        return self.clock.epoch
