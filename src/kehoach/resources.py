"""Where kehoach's own data files live: JSON Schemas and default templates.

In a source checkout (and an editable install) they are the top-level
``schemas/`` and ``templates/`` folders, the ones editors and reviewers see.
A wheel carries copies inside the package (``kehoach/schemas``,
``kehoach/templates``, mapped in ``pyproject.toml``).  The checkout wins so a
developer's edit to a schema takes effect without reinstalling.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def data_dir(name: str) -> Path:
    """The folder ``name`` ("schemas" or "templates")."""
    for candidate in (_CHECKOUT / name, _PACKAGE / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"kehoach: thiếu thư mục dữ liệu '{name}' của gói cài đặt")


def schema_dir() -> Path:
    return data_dir("schemas")
