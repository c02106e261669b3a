"""Validators for identifiers that the programme's records carry."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

# ROR identifiers: a leading 0, six characters of Crockford base32 and a two-digit checksum
# (ISO 7064 Mod 97-10 of the base32 number), see https://ror.readme.io/docs/identifier.
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_ROR_RE = re.compile(r"^0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}$")
_ROR_PREFIXES = ("https://ror.org/", "http://ror.org/", "ror.org/")


def normalize_ror_id(value: str) -> str:
    """Return the bare, lower-case ROR id from an id or a ror.org URL."""
    value = (value or "").strip().lower()
    for prefix in _ROR_PREFIXES:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def validate_ror_id(value: str) -> None:
    ror = normalize_ror_id(value)
    if not _ROR_RE.match(ror):
        raise ValidationError(
            _(
                "“%(value)s” is not a ROR identifier: it must look like 01tmp8f25 "
                "(a 0, six letters or digits and two check digits)."
            ),
            code="invalid_ror",
            params={"value": value},
        )
    number = 0
    for char in ror[:7]:
        number = number * 32 + _CROCKFORD.index(char)
    if 98 - (number * 100) % 97 != int(ror[7:]):
        raise ValidationError(
            _("“%(value)s” is not a valid ROR identifier: its check digits do not match."),
            code="invalid_ror_checksum",
            params={"value": value},
        )


validate_web_url = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a full web address starting with https:// or http://."),
)
