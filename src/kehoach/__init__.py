"""kehoach — Vietnamese government plans as code.

The public API (everything the CLI uses, and what scripts should import)::

    import kehoach

    plan = kehoach.load_plan("plan/")          # raises kehoach.PlanError
    plan, diagnostics = kehoach.check_plan("plan/")
    for task in plan.tasks_led_by("phong-y-te"):
        print(task.id, task.content)

Data flows one way: YAML → :mod:`kehoach.load` → :mod:`kehoach.model` →
document builders → files.
"""

import importlib
import sys
import types

from ._version import __version__

#: public name -> the submodule defining it; imported on first use, so that
#: ``kehoach --version``, ``import kehoach.vn`` or ``docx2text`` do not pay for
#: the rendering stack (docxtpl, python-docx, jinja2, icalendar…)
_LAZY = {
    **dict.fromkeys(("CODES", "Diagnostic", "PlanError", "Severity"), "diagnostics"),
    **dict.fromkeys(("check_plan", "load_plan"), "load"),
    **dict.fromkeys(("BuildOptions", "BuildResult", "Document", "build", "calendar_documents", "consolidation",
                     "render_consolidated", "render_documents", "render_letter", "render_plan",
                     "render_report_template"), "build"),
    **dict.fromkeys(("Consolidation", "consolidate"), "consolidate"),
    **dict.fromkeys(("Period", "open_periods", "period", "periods"), "periods"),
    **dict.fromkeys(("Return", "check_returns", "init_returns", "load_returns", "write_returns"), "returns"),
    **dict.fromkeys(("Agency", "AgencyGroup", "Appendix", "Block", "DocumentMeta", "Issuer", "Plan", "Recipient",
                     "Registry", "ReportingRule", "Section", "Signer", "Task", "TaskGroup", "Timeline"), "model"),
}

#: functions named like the submodule that defines them: ``kehoach.build`` is
#: the function (as before imports were lazy), the module is
#: ``sys.modules["kehoach.build"]`` / ``importlib.import_module("kehoach.build")``
_SHADOWED = frozenset(name for name, module in _LAZY.items() if name == module)


class _Package(types.ModuleType):
    """The package module: resolves the public names lazily, and keeps a
    submodule import (which sets ``kehoach.<submodule>``) from replacing a
    public function of the same name."""

    def __getattr__(self, name: str):
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'kehoach' has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        types.ModuleType.__setattr__(self, name, value)
        return value

    def __setattr__(self, name: str, value) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return
        types.ModuleType.__setattr__(self, name, value)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(_LAZY))


sys.modules[__name__].__class__ = _Package

__all__ = [
    "CODES", "Diagnostic", "PlanError", "Severity", "check_plan", "load_plan",
    "BuildOptions", "BuildResult", "Document", "build", "calendar_documents", "consolidation",
    "render_consolidated", "render_documents", "render_letter", "render_plan", "render_report_template",
    "Consolidation", "consolidate", "Period", "open_periods", "period", "periods",
    "Return", "check_returns", "init_returns", "load_returns", "write_returns",
    "Agency", "AgencyGroup", "Appendix", "Block", "DocumentMeta", "Issuer", "Plan", "Recipient",
    "Registry", "ReportingRule", "Section", "Signer", "Task", "TaskGroup", "Timeline",
    "__version__",
]
