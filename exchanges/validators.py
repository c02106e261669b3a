"""Validators for what researchers send: ORCID iDs and their PDF documents."""

from __future__ import annotations

import re
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cooperation.uploads import clean_pdf_name, validate_pdf

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


def check_stay_document(upload: IO[bytes], name: str, size: int) -> str:
    """Check a stay's PDF document (name, content, size limit) and return its display name."""
    display_name = clean_pdf_name(name)
    validate_pdf(upload, size, limit=settings.STAY_ATTACHMENT_MAX_BYTES)
    return display_name
