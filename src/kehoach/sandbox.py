"""Render a user's own template in a worker process with a time and size limit.

A plan may bring its own .docx templates (``templates:`` in ``plan.yaml``).
Jinja's sandbox already stops a template from reaching Python internals, but
not from spending: ``{{ 'A' * 300000000 }}`` or three nested loops over the
tasks take minutes and gigabytes.  :func:`render` therefore renders in a
forked child that has an address-space cap (``RLIMIT_AS``), is killed after
:data:`TIME_LIMIT` seconds, and must return at most :data:`OUTPUT_LIMIT` bytes;
crossing any of them is :class:`LimitExceeded` (KH097).

Only the public :func:`kehoach.render.engine.render_docx` is called, so the
renderer can change freely.  Errors of the template (syntax, undefined
variable, a failed check) are raised in the parent as the same exception
types, so callers report them exactly as for an in-process render.  Where
``fork`` is not available (Windows, macOS spawn default), the render runs in
process without the limits (documented in SECURITY.md).

The default templates are kehoach's own code and are rendered in process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from typing import Any, Mapping

from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError

from .render.checks import RenderCheckError
from .render.engine import render_docx

__all__ = ["LimitExceeded", "MEMORY_LIMIT", "OUTPUT_LIMIT", "TIME_LIMIT", "render"]

#: Seconds one document may take (the default plan's largest takes 0.3 s).
TIME_LIMIT = 30.0
#: Bytes of address space the worker may use.
MEMORY_LIMIT = 2 * 1024 ** 3
#: Largest .docx a template may produce.
OUTPUT_LIMIT = 50 * 1024 * 1024


class LimitExceeded(Exception):
    """Rendering a user template went past a limit (Vietnamese message)."""


def _child(conn, template: bytes, context: Mapping[str, Any], expect_sections, memory: int, output: int,
           properties=None) -> None:
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platform without limits
        pass
    try:
        data = render_docx(template, context, expect_sections=expect_sections, properties=properties)
        if len(data) > output:
            conn.send(("limit", f"văn bản dựng ra có {len(data):,} byte, vượt giới hạn {output:,} byte", None))
        else:
            conn.send(("ok", data, None))
    except MemoryError:
        conn.send(("limit", f"dựng mẫu cần quá {memory // 1024 ** 2:,} MB bộ nhớ", None))
    except UndefinedError as exc:
        conn.send(("undefined", exc.message or str(exc), None))
    except TemplateSyntaxError as exc:
        conn.send(("syntax", exc.message or str(exc), exc.lineno))
    except TemplateError as exc:
        conn.send(("template", str(exc), None))
    except RenderCheckError as exc:
        conn.send(("check", exc.part, exc.problem))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides
        conn.send(("other", f"{type(exc).__name__}: {exc}", None))
    finally:
        conn.close()


def render(template: bytes, context: Mapping[str, Any], *, expect_sections: int | None = None,
           time_limit: float | None = None, properties: Mapping[str, str] | None = None) -> bytes:
    """Like :func:`~kehoach.render.engine.render_docx`, in a limited worker."""
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - no fork on this platform
        return render_docx(template, context, expect_sections=expect_sections, properties=properties)
    limit = TIME_LIMIT if time_limit is None else time_limit
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_child, args=(send, template, dict(context), expect_sections,
                                              MEMORY_LIMIT, OUTPUT_LIMIT, properties), daemon=True)
    worker.start()
    send.close()
    try:
        if not receive.poll(limit):
            raise LimitExceeded(f"dựng mẫu văn bản quá {limit:g} giây nên đã bị dừng "
                                "(mẫu có vòng lặp hoặc phép tính quá lớn?)")
        try:
            kind, value, extra = receive.recv()
        except (EOFError, OSError):
            raise LimitExceeded("tiến trình dựng mẫu văn bản bị dừng đột ngột (có thể do hết bộ nhớ)") from None
    finally:
        receive.close()
        if worker.is_alive() and worker.pid is not None:
            os.kill(worker.pid, signal.SIGKILL)
        worker.join()
    if kind == "ok":
        return value
    if kind == "limit":
        raise LimitExceeded(value)
    if kind == "undefined":
        raise UndefinedError(value)
    if kind == "syntax":
        raise TemplateSyntaxError(value, extra or 1)
    if kind == "template":
        raise TemplateError(value)
    if kind == "check":
        raise RenderCheckError(value, extra)
    raise RuntimeError(value)
