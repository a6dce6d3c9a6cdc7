"""Diagnostics for CI forges: annotations on the YAML lines of a pull request.

``kehoach validate --format github`` prints one workflow command per
diagnostic (``::error file=…,line=…,col=…,title=KH030::…``): GitHub Actions
turns each into an annotation on that line of the pull request's diff, for
pull requests from forks too (no token needed).  ``--format gitlab`` prints a
GitLab Code Quality report (JSON), which the merge request widget shows when
the job declares it under ``artifacts:reports:codequality``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterable

from .diagnostics import Diagnostic

__all__ = ["format_github", "format_gitlab"]


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands, one line per diagnostic."""
    out = []
    for d in diagnostics:
        level = "error" if d.is_error else "warning"
        out.append(f"::{level} file={_property(d.path)},line={d.line},col={d.col},title={_property(d.code)}::"
                   f"{_data(f'{d.code} {d.severity.value}: {d.message}')}")
    return "".join(line + "\n" for line in out)


def format_gitlab(diagnostics: Iterable[Diagnostic]) -> str:
    """A GitLab Code Quality report: a JSON array, one issue per diagnostic;
    the fingerprint is stable for the same problem at the same place."""
    issues = []
    for d in diagnostics:
        fingerprint = hashlib.sha256(f"{d.path}:{d.line}:{d.col}:{d.code}:{d.message}".encode("utf-8")).hexdigest()
        issues.append({
            "description": f"{d.code} {d.severity.value}: {d.message}",
            "check_name": d.code,
            "fingerprint": fingerprint[:32],
            "severity": "major" if d.is_error else "minor",
            "location": {"path": d.path, "lines": {"begin": d.line}},
        })
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"
