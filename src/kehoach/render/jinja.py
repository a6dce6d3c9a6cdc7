"""The Jinja environment used to render kehoach's docxtpl templates.

Three settings, each closing a hole that was measured, not guessed:

``autoescape=True``
    docxtpl renders Jinja *inside WordprocessingML*.  With escaping off, a YAML
    value such as ``A & B <C>`` is pasted into the XML verbatim; docxtpl then
    re-parses the body with a *recovering* parser, which silently dropped every
    paragraph after the value, every table and the section properties (page
    size, header) — with no error.  Escaping turns ``&``/``<``/``>`` into
    entities, so data can never become markup.  ``docxtpl.RichText`` and
    ``Listing`` implement ``__html__`` and still pass through unescaped.

``undefined=StrictUndefined``
    By default a misspelt or missing variable renders as an empty string and
    the plan silently loses a sentence.  Strict mode raises
    :class:`jinja2.exceptions.UndefinedError` at render time instead.

``SandboxedEnvironment``
    Templates are part of the project, but they are still edited by people and
    rendered with user data; the sandbox refuses attribute access to
    ``__class__``, ``__mro__``, ``__subclasses__``, ``__globals__`` and the like
    (:class:`jinja2.exceptions.SecurityError`), so a template cannot reach
    Python internals.  Measured cost with docxtpl: nothing measurable.

Text from YAML is only ever passed as **context values**, never compiled as a
template: ``{{ 7*7 }}`` or ``{% if %}`` written in a YAML field is data and
comes out literally.  Do not call ``env.from_string()`` on user-supplied text —
that would let users run template code (and the sandbox is a second line of
defence, not a licence to do so).

docxtpl caveat: ``DocxTemplate.render(context, jinja_env=env, autoescape=True)``
*assigns* ``env.autoescape = True`` on the environment you pass (and with
``autoescape=False``, the default, it leaves the environment untouched).  The
environment returned here already has ``autoescape=True``, so either call is
safe; but an environment shared with other code is mutated by docxtpl, which is
one more reason to build a fresh one with :func:`make_environment` per renderer
rather than sharing a global one.

Another docxtpl caveat: it also renders the core properties (title, subject,
author…) through the same environment, and python-docx escapes the result again
when saving — a ``{{ title }}`` property with ``A & B`` ends up as
``A &amp; B`` in the document properties.  Set document properties with
python-docx after rendering instead of templating them.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

__all__ = ["make_environment"]

_FILTER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def make_environment(
    filters: Mapping[str, Callable[..., Any]] | None = None,
) -> SandboxedEnvironment:
    """Return a fresh sandboxed, autoescaping, strict Jinja environment.

    ``filters`` maps filter names to callables and is where kehoach's own
    filters (dates in Vietnamese, agency names, numbering…) are registered.
    They may replace a built-in Jinja filter of the same name — deliberately
    allowed so a project can e.g. provide a Vietnamese-aware ``sort``.
    Filters receive already-*unescaped* Python values and their string results
    are escaped like any other value, unless they return ``markupsafe.Markup``
    (only do that for XML you built and escaped yourself).

    A new object is returned on every call because docxtpl mutates the
    environment it is given (see the module docstring).
    """
    env = SandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
    )
    if filters:
        for name, func in filters.items():
            if not isinstance(name, str) or not _FILTER_NAME.match(name):
                raise ValueError(f"Tên bộ lọc Jinja không hợp lệ: {name!r}")
            if not callable(func):
                raise TypeError(f"Bộ lọc Jinja {name!r} không phải hàm gọi được: {func!r}")
            env.filters[name] = func
    return env
