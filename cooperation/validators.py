"""Validators for identifiers that the programme's records carry, and for their date ranges."""

from __future__ import annotations

import datetime
import operator
import re
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a text, or a lazy translation of one

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


@dataclass(frozen=True)
class DateRange:
    """Two date (or date and time) fields of a record, the end after the start: one rule.

    The rule's one statement, with its message: a model's ``CheckConstraint`` takes its
    ``condition``, its ``clean`` and a service call ``check`` (the error goes by the end's
    field), a form or a serializer calls ``check`` before the service does, and a page that
    lists problems asks ``ordered``. A missing date is not out of order: whether a date is
    required is its field's business.

    ``same_day``: whether the end may fall on the start (a project's planned dates) or must
    come after it (a stay's). ``optional``: the fields the table may leave empty, in the
    order the constraint names them.
    """

    start: str
    end: str
    message: StrOrPromise
    code: str = "end_before_start"
    same_day: bool = True
    optional: tuple[str, ...] = ()

    def ordered(self, start: datetime.date | None, end: datetime.date | None) -> bool:
        """Tell whether the end comes after the start, as the rule wants (True if one is None)."""
        if start is None or end is None:
            return True
        return end >= start if self.same_day else end > start

    def check(self, start: datetime.date | None, end: datetime.date | None) -> None:
        """Refuse an end before the start, by the end's field."""
        if not self.ordered(start, end):
            raise ValidationError({self.end: ValidationError(self.message, code=self.code)})

    @property
    def condition(self) -> Q:
        """The rule as a table's CHECK: a ``CheckConstraint``'s condition."""
        lookup = "gte" if self.same_day else "gt"
        clauses = [Q(**{f"{name}__isnull": True}) for name in self.optional]
        return reduce(operator.or_, [*clauses, Q(**{f"{self.end}__{lookup}": F(self.start)})])
