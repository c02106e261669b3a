"""Validators for what researchers send: ORCID iDs, PDF files and their names."""

from __future__ import annotations

import re
import unicodedata
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

_ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
_ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


def normalize_orcid(value: str) -> str:
    """Return the bare ORCID iD (0000-0002-1825-0097) from an iD or an orcid.org URL."""
    value = (value or "").strip()
    for prefix in _ORCID_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    return value.upper()


def orcid_check_digit(base: str) -> str:
    """Return the ISO 7064 11,2 check character of the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def validate_orcid(value: str) -> None:
    orcid = normalize_orcid(value)
    if not _ORCID_RE.match(orcid):
        raise ValidationError(
            _("“%(value)s” is not an ORCID iD: it must look like 0000-0002-1825-0097."),
            code="invalid_orcid",
            params={"value": value},
        )
    digits = orcid.replace("-", "")
    if orcid_check_digit(digits[:15]) != digits[15]:
        raise ValidationError(
            _("“%(value)s” is not a valid ORCID iD: its check digit does not match."),
            code="invalid_orcid_checksum",
            params={"value": value},
        )


def clean_file_name(name: str) -> str:
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


def validate_pdf(upload: IO[bytes], size: int) -> None:
    """Accept only a PDF under the size limit, judged from its content, not its name."""
    limit = settings.STAY_ATTACHMENT_MAX_BYTES
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
