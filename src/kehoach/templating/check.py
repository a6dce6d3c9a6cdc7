"""Check docxtpl templates before anything is rendered with them.

An office may edit ``templates/plan.docx`` in Word.  A typo in a tag then
surfaces either as a cryptic Jinja traceback mid-build or — worse — not at all:
docxtpl renders an unknown variable as an empty string unless the environment
is strict, and an unclosed ``{{`` makes docxtpl's own pre-processing swallow
the paragraphs that follow it without any error.  :func:`check_templates`
finds these problems up front and reports them as ordinary diagnostics:

``KH050``  the file cannot be opened as a .docx (not a zip, corrupt, not Word);
``KH051``  a Jinja syntax error, or a tag opened (``{{``, ``{%``, ``{#``) and not
           closed in the same paragraph;
``KH052``  the template uses a variable the renderer does not provide — every
           unknown top-level name (:func:`jinja2.meta.find_undeclared_variables`)
           and every missing attribute or key met while rendering the sample
           context (``appendix.titel``, ``row.titel`` …), not only the first;
``KH053``  a template the renderer needs is missing from the folder;
``KH054``  rendering the sample context fails otherwise (a sandbox violation, a
           filter error) or the rendered .docx fails :func:`~kehoach.render.checks.check_docx`;
``KH093``  a template that must not be read: a symlink that leads outside the
           repository, a FIFO or a device, a file over the build's size limit;
``KH096``  the template folder itself lies outside the repository.

Templates are read the way the build reads them (:func:`kehoach.safety.read_regular`
with the same size limit), so the check neither hangs on a FIFO, fills memory
from ``/dev/zero``, nor reads a file a symlink points to outside the
repository — the template folder may come from a pull request too.  The
repository is ``root`` when the caller knows the plan's
(:func:`kehoach.safety.repository_root` of the plan folder, what the build
uses), else the repository holding the template folder.

The XML that is checked is exactly what docxtpl compiles: the body, every
header and footer and the footnotes, taken through docxtpl's own
:meth:`DocxTemplate.patch_xml` (and the line splitting of
``DocxTemplate.render_xml_part``, so that one Jinja source line is one Word
paragraph and errors can name the paragraph).  The environment is
:func:`kehoach.render.jinja.make_environment` — sandboxed, autoescaping,
strict — the one the renderer uses.

Positions are reported as line 1, column 1 of the template file: a line inside
a zipped XML part means nothing to someone editing the template in Word, so the
message names the part (``word/document.xml``) and quotes the paragraph text.
"""

from __future__ import annotations

import html
import io
import re
import sys
import types
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional

from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.runtime import StrictUndefined, missing

from .. import diagnostics
from ..diagnostics import Diagnostic
from ..render.checks import RenderCheckError, check_docx
from ..render.jinja import make_environment
from ..safety import UnsafeFile, inside, read_regular, repository_root
from ..vi_messages import os_error as _os_error

__all__ = ["check_templates", "check_template"]

_FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
#: Core properties docxtpl renders through Jinja (DocxTemplate.render_properties).
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_OPENER = re.compile(r"\{[{%#]")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
_SNIPPET = 70


# --- small text helpers ---------------------------------------------------------


def _shorten(text: str, limit: int = _SNIPPET) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line_text(source: str, lineno: int | None) -> str:
    """The visible text of Jinja source line ``lineno`` (one Word paragraph),
    or of the closest non-empty line before it."""
    if not lineno:
        return ""
    lines = source.split("\n")
    index = min(max(lineno, 1), len(lines)) - 1
    while index >= 0:
        text = html.unescape(re.sub(r"<[^>]*>", "", lines[index])).strip()
        if text:
            return _shorten(text)
        index -= 1
    return ""


def _where(part: str, text: str) -> str:
    return f"{part}, đoạn văn «{text}»" if text else part


# --- what docxtpl compiles -----------------------------------------------------------


class _Part:
    """One Jinja source docxtpl would compile: its name, the XML before
    patching (for the paragraph lint) and the patched source."""

    def __init__(self, name: str, raw, source: str) -> None:
        self.name = name
        self.raw = raw  # lxml element, or None for core properties
        # DocxTemplate.render_xml_part puts every paragraph on its own line.
        self.source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)


def _parts(tpl: DocxTemplate) -> Iterator[_Part]:
    document = tpl.docx
    yield _Part(document.part.partname.lstrip("/"), document.element.body,
                tpl.patch_xml(tpl.get_xml()))
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _rel, part in tpl.get_headers_footers(uri):
            xml = tpl.get_part_xml(part)
            yield _Part(part.partname.lstrip("/"), parse_xml(part.blob), tpl.patch_xml(xml))
    for part in document.part.package.parts:
        if part.content_type == _FOOTNOTES_CT:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            yield _Part(part.partname.lstrip("/"), parse_xml(part.blob), tpl.patch_xml(blob))
    core = document.core_properties
    for prop in _PROPERTIES:
        value = getattr(core, prop) or ""
        if _OPENER.search(value):
            yield _Part(f"docProps/core.xml ({prop})", None, value)


def _paragraph_texts(root) -> Iterator[str]:
    """Visible text of every paragraph (text boxes counted as their own paragraphs)."""
    p_tag, t_tag = qn("w:p"), qn("w:t")
    for p in root.iter(p_tag):
        chunks = []
        for t in p.iter(t_tag):
            owner = t.getparent()
            while owner is not None and owner.tag != p_tag:
                owner = owner.getparent()
            if owner is p:
                chunks.append(t.text or "")
        yield "".join(chunks)


def _unclosed_tags(text: str) -> Iterator[str]:
    """Tags opened in ``text`` and never closed in it."""
    pos = 0
    while True:
        m = _OPENER.search(text, pos)
        if m is None:
            return
        end = text.find(_CLOSER[m.group()], m.end())
        if end < 0:
            yield text[m.start():]
            return
        pos = end + 2


# --- recording the undefined values a render meets ------------------------------------


class _Miss:
    def __init__(self, name: Any, obj: Any, hint: str | None, exc: type, lineno: int | None):
        self.name, self.obj, self.hint, self.exc, self.lineno = name, obj, hint, exc, lineno


def _recording_undefined(sink: list[_Miss], template_ref: list):
    """A StrictUndefined that records every use StrictUndefined would reject and
    lets the render go on, so one pass finds every missing name, not only the first."""

    def template_line() -> int | None:
        frame: Optional[types.FrameType] = sys._getframe(2)
        while frame is not None:
            if frame.f_code.co_filename == "<template>" and template_ref:
                try:
                    return template_ref[0].get_corresponding_lineno(frame.f_lineno)
                except Exception:  # pragma: no cover - debug info is best effort
                    return None
            frame = frame.f_back
        return None

    # jinja2 types every dunder of StrictUndefined as raising (-> Never); this
    # class records the miss and answers instead, on purpose, so the type
    # checker sees its base as Any rather than flag each override
    base: Any = StrictUndefined

    class RecordingUndefined(base):
        __slots__ = ()

        def _note(self) -> None:
            sink.append(_Miss(self._undefined_name, self._undefined_obj, self._undefined_hint,
                              self._undefined_exception, template_line()))

        def _chain(self, *args: Any, **kwargs: Any) -> "RecordingUndefined":
            self._note()
            return self

        def __getattr__(self, name: str) -> Any:
            if name[:2] == "__" and name[-2:] == "__":
                raise AttributeError(name)
            self._note()
            return self

        def __str__(self) -> str:
            self._note()
            return ""

        def __iter__(self):
            self._note()
            return iter(())

        def __len__(self) -> int:
            self._note()
            return 0

        def __bool__(self) -> bool:
            self._note()
            return False

        def __eq__(self, other: object) -> bool:
            self._note()
            return False

        def __ne__(self, other: object) -> bool:
            self._note()
            return True

        def __hash__(self) -> int:
            return id(self)

        def __contains__(self, item: object) -> bool:
            self._note()
            return False

        def __int__(self) -> int:
            self._note()
            return 0

        def __float__(self) -> float:
            self._note()
            return 0.0

        def __complex__(self) -> complex:
            self._note()
            return 0j

        __add__ = __radd__ = __sub__ = __rsub__ = _chain
        __mul__ = __rmul__ = __div__ = __rdiv__ = _chain
        __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _chain
        __mod__ = __rmod__ = __pos__ = __neg__ = __pow__ = __rpow__ = _chain
        __call__ = __getitem__ = _chain
        __lt__ = __le__ = __gt__ = __ge__ = _chain

    return RecordingUndefined


def _expr(node: nodes.Node) -> str | None:
    """``appendix.titel`` / ``row['x']`` for a chain of lookups on a name."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _expr(node.node)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = _expr(node.node)
        if base is None:
            return None
        key = node.arg.value
        return f"{base}.{key}" if isinstance(key, str) and key.isidentifier() else f"{base}[{key!r}]"
    return None


def _lookup_expr(ast: nodes.Template, name: Any, lineno: int | None) -> str | None:
    """How the template spelt the lookup of the missing ``name``, preferring
    the one on ``lineno``."""
    found: list[tuple[bool, int, str]] = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            hit = node.attr == name
        else:
            hit = isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and node.arg.value == name
        if hit:
            text = _expr(node)
            if text:
                found.append((node.lineno != lineno, node.lineno, text))
    return min(found)[2] if found else None


def _describe(obj: Any) -> str:
    if isinstance(obj, Mapping):
        keys = ", ".join(sorted(str(k) for k in obj)) or "không có khóa nào"
        return f"dữ liệu ở đó chỉ có các khóa: {keys}"
    return f"giá trị ở đó có kiểu {type(obj).__name__}"


# --- one template ------------------------------------------------------------------------


def _max_template_bytes() -> int:
    from ..documents import env  # imported late: the documents import the templating package

    return env.MAX_TEMPLATE_BYTES


def check_template(path: Path, context: Mapping[str, Any], root: Path | None = None) -> list[Diagnostic]:
    """Diagnostics for one template file rendered with a sample ``context``.

    The file is read only if it is a regular file inside ``root`` (default:
    the repository holding it), symlinks resolved, within the build's size limit.
    """
    path = Path(path)
    where = str(path)

    def diag(code: str, message: str) -> Diagnostic:
        return diagnostics.make(where, 1, 1, code, message)

    try:
        data = read_regular(path, root if root is not None else repository_root(path.parent),
                            _max_template_bytes())
    except UnsafeFile as exc:
        return [diag("KH093", f"không đọc mẫu văn bản '{path.name}': {exc}")]
    except OSError as exc:
        return [diag("KH050", f"không đọc được mẫu văn bản {path.name}: {_os_error(exc)}")]
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.init_docx()
        parts = list(_parts(tpl))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        return [diag("KH050", f"không mở được mẫu văn bản {path.name} như một tệp Word (.docx): "
                              f"{_open_error(exc)}")]

    found: list[Diagnostic] = []

    # 1. Tags that do not close inside their paragraph.  docxtpl's pre-processing
    #    would join the following paragraphs into the tag and drop them silently.
    for part in parts:
        if part.raw is None:
            texts = [part.source]
        else:
            texts = list(_paragraph_texts(part.raw))
        for text in texts:
            for snippet in _unclosed_tags(text):
                opener = snippet[:2]
                found.append(diag("KH051", (
                    f"{_where(part.name, _shorten(text))}: thẻ Jinja «{_shorten(snippet, 40)}» mở bằng "
                    f"'{opener}' nhưng không đóng bằng '{_CLOSER[opener]}' trong cùng đoạn văn. "
                    "Mỗi thẻ phải nằm trọn trong một đoạn văn; nếu không, docxtpl sẽ nuốt mất các "
                    "đoạn văn phía sau mà không báo lỗi."
                )))
    if found:
        return found

    # 2. Compile every part with the renderer's environment.
    env = make_environment()
    compiled = []
    for part in parts:
        try:
            template = env.from_string(part.source)
            ast = env.parse(part.source)
        except TemplateSyntaxError as exc:
            near = _line_text(part.source, exc.lineno)
            found.append(diag("KH051", (
                f"{_where(part.name, near)}: lỗi cú pháp Jinja: {exc.message}"
            )))
            continue
        compiled.append((part, template, ast))
    if found:
        return found

    # 3. Every top-level name the template reads that the renderer does not provide.
    reported: set[tuple[str, str]] = set()
    provided = set(context)
    for part, _template, ast in compiled:
        for name in sorted(meta.find_undeclared_variables(ast) - provided - set(env.globals)):
            lineno = next((n.lineno for n in ast.find_all(nodes.Name)
                           if n.name == name and n.ctx == "load"), None)
            reported.add((part.name, name))
            found.append(diag("KH052", (
                f"{_where(part.name, _line_text(part.source, lineno))}: mẫu dùng biến '{name}' "
                f"nhưng bộ dựng văn bản không cung cấp biến này (các biến có: "
                f"{', '.join(sorted(provided)) or 'không có'})."
            )))

    # 4. Render the sample context: every missing attribute/key met on the way.
    for part, _template, ast in compiled:
        sink: list[_Miss] = []
        template_ref: list = []
        rec_env = make_environment()
        rec_env.undefined = _recording_undefined(sink, template_ref)
        failure: Exception | None = None
        try:
            template = rec_env.from_string(part.source)
            template_ref.append(template)
            template.render(dict(context))
        except Exception as exc:  # an operation the recorder cannot absorb, a filter error…
            failure = exc
        for miss in sink:
            if issubclass(miss.exc, SecurityError):
                key = (part.name, f"security:{miss.hint}")
                if key not in reported:
                    reported.add(key)
                    found.append(diag("KH054", (
                        f"{_where(part.name, _line_text(part.source, miss.lineno))}: mẫu truy cập "
                        f"thuộc tính không được phép: {miss.hint}"
                    )))
                continue
            if miss.obj is missing:
                expr = str(miss.name)
                detail = "bộ dựng văn bản không cung cấp biến này"
            else:
                expr = _lookup_expr(ast, miss.name, miss.lineno) or str(miss.name)
                detail = f"không có '{miss.name}' ({_describe(miss.obj)})"
            if (part.name, expr) in reported:
                continue
            reported.add((part.name, expr))
            found.append(diag("KH052", (
                f"{_where(part.name, _line_text(part.source, miss.lineno))}: mẫu dùng biến "
                f"'{expr}' nhưng {detail}."
            )))
        if failure is not None and not sink:
            found.append(_render_failure(diag, part, failure))

    # 5. The strict render the renderer will do, end to end, and the structural
    #    checks of its output (only when nothing else is wrong).
    if not found:
        try:
            fresh = DocxTemplate(io.BytesIO(data))
            fresh.render(dict(context), jinja_env=make_environment(), autoescape=True)
            out = io.BytesIO()
            fresh.save(out)
            check_docx(out.getvalue())
        except UndefinedError as exc:
            found.append(diag("KH052", f"mẫu dùng biến không được cung cấp: {exc.message}"))
        except RenderCheckError as exc:
            found.append(diag("KH054", f"văn bản dựng thử từ mẫu bị hỏng: {exc}"))
        except Exception as exc:
            found.append(diag("KH054", f"dựng thử văn bản từ mẫu thất bại: {type(exc).__name__}: {exc}"))
    return found


def _render_failure(diag, part: _Part, exc: Exception) -> Diagnostic:
    lineno = _traceback_lineno(exc)
    where = _where(part.name, _line_text(part.source, lineno))
    if isinstance(exc, UndefinedError):
        return diag("KH052", f"{where}: mẫu dùng biến không được cung cấp: {exc.message}")
    message = exc.message if isinstance(exc, TemplateError) and exc.message else str(exc)
    return diag("KH054", f"{where}: dựng thử mẫu với dữ liệu mẫu thất bại: {type(exc).__name__}: {message}")


def _traceback_lineno(exc: BaseException) -> int | None:
    """The template line of the innermost template frame of ``exc`` (Jinja
    rewrites tracebacks so template frames carry template line numbers)."""
    lineno = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _open_error(exc: Exception) -> str:
    import zipfile

    if isinstance(exc, zipfile.BadZipFile):
        return "tệp không phải gói zip hợp lệ (tệp .docx bị hỏng hoặc không phải .docx)"
    text = str(exc) or type(exc).__name__
    return _shorten(f"{type(exc).__name__}: {text}", 200)


# --- a folder of templates -----------------------------------------------------------------


def check_templates(folder: Path, contexts: Mapping[str, Mapping[str, Any]],
                    root: Path | None = None) -> list[Diagnostic]:
    """Check every template of ``folder`` that the renderer uses.

    ``contexts`` maps a template file name (``"plan.docx"``) to a sample context
    of the kind the renderer passes it; other ``.docx`` files in the folder are
    ignored.  ``root`` is the repository templates must come from (the build
    passes ``repository_root`` of the plan folder); by default the repository
    holding ``folder``.  A folder outside ``root`` is refused (KH096) and
    nothing in it is read.  Returns the diagnostics sorted (empty when every
    template is fine).
    """
    folder = Path(folder)
    repo = Path(root) if root is not None else repository_root(folder)
    if not inside(folder, repo):
        return [diagnostics.make(
            str(folder), 1, 1, "KH096",
            f"thư mục mẫu văn bản '{folder}' nằm ngoài kho kế hoạch ({repo}); mẫu chỉ được lấy từ trong kho")]
    found: list[Diagnostic] = []
    for name in sorted(contexts):
        path = folder / name
        if not (path.exists() or path.is_symlink()):  # a FIFO or a device is read (and refused) below
            found.append(diagnostics.make(
                str(path), 1, 1, "KH053",
                f"thiếu mẫu văn bản '{name}' trong thư mục {folder}. Chép lại mẫu, hoặc sinh lại "
                "các mẫu mặc định bằng: python scripts/make_templates.py",
            ))
            continue
        found.extend(check_template(path, contexts[name], repo))
    return diagnostics.sort(found)
