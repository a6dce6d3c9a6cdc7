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

from ._version import __version__
from .diagnostics import CODES, Diagnostic, PlanError, Severity
from .load import check_plan, load_plan
from .build import (
    BuildOptions, BuildResult, Document, build, calendar_documents, consolidation, render_consolidated,
    render_documents, render_letter, render_plan, render_report_template,
)
from .consolidate import Consolidation, consolidate
from .periods import Period, open_periods, period, periods
from .returns import Return, check_returns, init_returns, load_returns, write_returns
from .model import (
    Agency, AgencyGroup, Appendix, Block, DocumentMeta, Issuer, Plan, Recipient, Registry,
    ReportingRule, Section, Signer, Task, TaskGroup, Timeline,
)


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
