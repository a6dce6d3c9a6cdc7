"""The one gate of every test that runs the real LibreOffice (``soffice``).

Such a test is marked ``@pytest.mark.office`` (``pytestmark = OFFICE`` for a whole
module) and asks :func:`require_office` for the program before using it, so that
``pytest -m "not office"`` leaves every one of them out and the rules below hold
in one place:

- a missing ``soffice`` (or poppler's ``pdfinfo``/``pdftotext``) FAILS the test:
  CI installs them (``.ci/run``), so a missing tool is a broken environment;
- ``KEHOACH_NO_SOFFICE=1`` skips them deliberately (a laptop without LibreOffice),
  except in CI (``CI=true``), where the variable is ignored: CI never skips them.
"""

from __future__ import annotations

import os
import shutil

import pytest

from kehoach.render import find_soffice

#: the marker of every test that runs the real LibreOffice
OFFICE = pytest.mark.office

SKIP_VARIABLE = "KEHOACH_NO_SOFFICE"
INSTALL = "sudo apt-get install libreoffice-writer-nogui fonts-liberation2 poppler-utils"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def skipped_on_purpose() -> bool:
    """``KEHOACH_NO_SOFFICE=1`` outside CI."""
    return os.environ.get(SKIP_VARIABLE) == "1" and not in_ci()


def require_office(*tools: str) -> str:
    """The path of ``soffice``, after checking poppler's ``pdfinfo``, ``pdftotext``
    and any further ``tools``; skips or fails the calling test as the module says."""
    if skipped_on_purpose():
        pytest.skip(f"{SKIP_VARIABLE}=1: LibreOffice tests skipped on purpose")
    path = find_soffice()
    if path is None:
        pytest.fail(f"LibreOffice (soffice) not found, but CI installs it and these tests need it: `{INSTALL}`"
                    + ("" if in_ci() else f" (or set {SKIP_VARIABLE}=1 to skip them deliberately)."))
    for tool in ("pdfinfo", "pdftotext", *tools):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} not found: install poppler-utils (`{INSTALL}`).")
    return path
