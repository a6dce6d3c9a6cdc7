"""Low-level rendering machinery for kehoach.

Everything here works on bytes and paths, independent of the plan model:

* :mod:`.jinja`   — the sandboxed, autoescaping, strict Jinja environment for docxtpl;
* :mod:`.checks`  — structural checks that catch docxtpl's silent damage;
* :mod:`.package` — byte-reproducible .docx packaging (``SOURCE_DATE_EPOCH``);
* :mod:`.publish` — atomic replacement of the output folder;
* :mod:`.engine`  — prepared templates: patch and compile once, render only tagged parts;
* :mod:`.pdf`     — PDF conversion with LibreOffice (one process per build, reproducible, PDF/A).

Only relative imports are used, so this package also imports while
``kehoach`` itself is still a namespace package (no ``kehoach/__init__.py``).
"""

from .checks import DocxStats, RenderCheckError, check_docx, docx_stats
from .jinja import make_environment
from .package import DEFAULT_EPOCH, normalize_docx, source_date_epoch
from .pdf import PdfError, SofficeNotFound, convert_documents, convert_to_pdf, find_soffice
from .publish import MANIFEST_NAME, PublishError, atomic_write_bytes, publish

__all__ = [
    "DEFAULT_EPOCH",
    "MANIFEST_NAME",
    "DocxStats",
    "PdfError",
    "PublishError",
    "RenderCheckError",
    "SofficeNotFound",
    "atomic_write_bytes",
    "check_docx",
    "convert_documents",
    "convert_to_pdf",
    "docx_stats",
    "find_soffice",
    "make_environment",
    "normalize_docx",
    "publish",
    "source_date_epoch",
]
