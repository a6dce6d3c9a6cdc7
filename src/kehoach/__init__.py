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

from .diagnostics import CODES, Diagnostic, PlanError, Severity
from .load import check_plan, load_plan
from .model import (
    Agency, AgencyGroup, Appendix, Block, DocumentMeta, Issuer, Plan, Recipient, Registry,
    ReportingRule, Section, Signer, Task, TaskGroup, Timeline,
)

__version__ = "0.1.0"

__all__ = [
    "CODES", "Diagnostic", "PlanError", "Severity", "check_plan", "load_plan",
    "Agency", "AgencyGroup", "Appendix", "Block", "DocumentMeta", "Issuer", "Plan", "Recipient",
    "Registry", "ReportingRule", "Section", "Signer", "Task", "TaskGroup", "Timeline",
    "__version__",
]
