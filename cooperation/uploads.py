"""Checks of the PDF documents people send (stays' documents, practices' documents).

A name without a path, a PDF judged from its bytes rather than its name, that pypdf can read,
under the size limit of the kind of document. Both apps call these, so a disguised or broken
file gets the same answer wherever it is sent.
"""

from __future__ import annotations

import unicodedata
from typing import IO

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


def clean_pdf_name(name: str) -> str:
    """Return a safe display name for an upload; refuse names that carry a path."""
    name = name or ""
    if "/" in name or "\\" in name or ".." in name or name.startswith("."):
        raise ValidationError(
            _("The file name must not contain a folder path; rename the file and try again."),
            code="file_name_path",
        )
    normalised = unicodedata.normalize("NFKC", name)
    safe = "".join(c if (c.isalnum() or c in "._- ") else "_" for c in normalised).strip()
    if not safe.lower().endswith(".pdf"):
        raise ValidationError(_("Only PDF files are accepted."), code="not_pdf")
    return safe[-120:]


def validate_pdf(upload: IO[bytes], size: int, *, limit: int) -> None:
    """Accept only a PDF of at most ``limit`` bytes, judged from its content, not its name."""
    if size > limit:
        raise ValidationError(
            _("The file is too large: the limit is %(limit)s."),
            code="too_large",
            params={"limit": filesizeformat(limit)},
        )
    upload.seek(0)
    if upload.read(5) != b"%PDF-":
        upload.seek(0)
        raise ValidationError(
            _("This file is not a PDF document (its content is not PDF)."), code="not_pdf"
        )
    upload.seek(0)
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        pages = len(PdfReader(upload, strict=False).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        pages = 0
    finally:
        upload.seek(0)
    if pages < 1:
        raise ValidationError(
            _("This PDF document is damaged or empty and cannot be read."), code="bad_pdf"
        )
