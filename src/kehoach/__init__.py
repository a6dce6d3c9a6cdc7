"""kehoach — Vietnamese government plans as code.

The public API is the short list in ``__all__``; scripts should use these
names (the CLI does)::

    import kehoach

    plan = kehoach.load_plan("plan/")                 # raises kehoach.PlanError
    plan, diagnostics = kehoach.check_plan("plan/")   # plan is None on an error
    plan = kehoach.with_task(plan, "1.2", lead="phong-y-te")   # checked again: PlanError, never KeyError
    kehoach.render_letter(plan, "phong-y-te")         # .docx bytes
    kehoach.build_plan(plan, "output")                # every document, published atomically

=========================  ====================================================================
read and check             :func:`load_plan`, :func:`check_plan`, :class:`PlanError`,
                           :class:`Diagnostic`
edit from a script         :func:`with_task`, :func:`add_task` (:mod:`kehoach.edit`)
the model                  :class:`Plan`, :class:`Task`, :class:`TaskGroup`, :class:`Timeline`,
                           :class:`Registry`, :class:`Agency` (all of it: :mod:`kehoach.model`)
reporting                  :func:`reporting_periods`, :func:`period`, :func:`load_returns`,
                           :func:`consolidate_returns`
documents                  :func:`render_plan`, :func:`render_letter`, :func:`build_plan`,
                           :class:`BuildOptions`
=========================  ====================================================================

Every submodule is reachable as itself: ``import kehoach.build`` gives the
module :mod:`kehoach.build`, and so does ``kehoach.build``.  The three
modules named like the function they hold (``build``, ``periods``,
``consolidate``) can still be *called* as that function, so scripts written
as ``kehoach.build(plan, "output")`` keep working; new code uses
:func:`build_plan`, :func:`reporting_periods` and :func:`consolidate_returns`.
The names this package exported before the list was shortened (``CODES``,
``render_documents``, ``ReportingRule``…) still resolve, outside ``__all__``.

Names are imported on first use, so ``import kehoach``, ``kehoach
--version``, ``import kehoach.vn`` or ``docx2text`` do not pay for the
rendering stack (docxtpl, python-docx, jinja2, icalendar…).

Data flows one way: YAML → :mod:`kehoach.load` → :mod:`kehoach.model` →
document builders → files.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from . import build as build, consolidate as consolidate, periods as periods
    from .build import BuildOptions as BuildOptions, build as build_plan
    from .build import render_letter as render_letter, render_plan as render_plan
    from .consolidate import consolidate as consolidate_returns
    from .diagnostics import Diagnostic as Diagnostic, PlanError as PlanError
    from .edit import add_task as add_task, with_task as with_task
    from .load import check_plan as check_plan, load_plan as load_plan
    from .model import Agency as Agency, Plan as Plan, Registry as Registry, Task as Task
    from .model import TaskGroup as TaskGroup
    from .periods import period as period, periods as reporting_periods
    from .returns import load_returns as load_returns
    from .timeline import Timeline as Timeline

__all__ = [
    "load_plan", "check_plan", "PlanError", "Diagnostic",
    "with_task", "add_task",
    "Plan", "Task", "TaskGroup", "Timeline", "Registry", "Agency",
    "reporting_periods", "period", "load_returns", "consolidate_returns",
    "render_plan", "render_letter", "build_plan", "BuildOptions",
    "__version__",
]

#: public name -> (submodule, attribute there); imported on first use
_LAZY: dict[str, tuple[str, str]] = {
    "load_plan": ("load", "load_plan"), "check_plan": ("load", "check_plan"),
    "PlanError": ("diagnostics", "PlanError"), "Diagnostic": ("diagnostics", "Diagnostic"),
    "with_task": ("edit", "with_task"), "add_task": ("edit", "add_task"),
    **{name: ("model", name) for name in ("Plan", "Task", "TaskGroup", "Registry", "Agency")},
    "Timeline": ("timeline", "Timeline"),
    "reporting_periods": ("periods", "periods"), "period": ("periods", "period"),
    "load_returns": ("returns", "load_returns"), "consolidate_returns": ("consolidate", "consolidate"),
    "render_plan": ("build", "render_plan"), "render_letter": ("build", "render_letter"),
    "build_plan": ("build", "build"), "BuildOptions": ("build", "BuildOptions"),
}

#: names exported before the public list was shortened: still resolved, not in ``__all__``
_COMPATIBLE: dict[str, tuple[str, str]] = {
    **{name: ("diagnostics", name) for name in ("CODES", "Severity")},
    **{name: ("build", name) for name in ("BuildResult", "Document", "calendar_documents", "consolidation",
                                          "render_consolidated", "render_documents", "render_report_template")},
    "Consolidation": ("consolidate", "Consolidation"), "open_periods": ("periods", "open_periods"),
    **{name: ("returns", name) for name in ("Return", "check_returns", "init_returns", "write_returns")},
    **{name: ("model", name) for name in ("AgencyGroup", "Appendix", "Block", "DocumentMeta", "Issuer",
                                          "Recipient", "ReportingRule", "Section", "Signer")},
}

#: submodules named like the function they define: the module, callable as that function
_CALLABLE_MODULES = frozenset({"build", "consolidate", "periods"})


class _CallableModule(types.ModuleType):
    """A submodule that can be called as its function of the same name, so
    ``kehoach.build(plan, "output")`` (the API before :func:`build_plan`)
    still works while ``kehoach.build`` is the module :mod:`kehoach.build`."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(self, self.__name__.rpartition(".")[2])(*args, **kwargs)


class _Package(types.ModuleType):
    """The package module: resolves the public names lazily; a submodule
    that shares its name with its function is made callable when the import
    system sets it on the package."""

    def __getattr__(self, name: str) -> Any:
        if name in _CALLABLE_MODULES:
            return importlib.import_module(f"{__name__}.{name}")  # the import sets it (and __setattr__ wraps it)
        where = _LAZY.get(name) or _COMPATIBLE.get(name)
        if where is None:
            raise AttributeError(f"module 'kehoach' has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{where[0]}"), where[1])
        types.ModuleType.__setattr__(self, name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _CALLABLE_MODULES and type(value) is types.ModuleType:
            value.__class__ = _CallableModule
        types.ModuleType.__setattr__(self, name, value)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(_LAZY))


sys.modules[__name__].__class__ = _Package
