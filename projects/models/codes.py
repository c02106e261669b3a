"""A project's code (CDMX-BCN-2026-0001): its pattern, its year, and the counter behind it."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

CODE_PREFIX = "CDMX-BCN"
project_code_validator = RegexValidator(
    r"^CDMX-BCN-\d{4}-\d{4}$",
    _("A project code looks like CDMX-BCN-2026-0001."),
)

# A project's code carries its start year in four digits (CDMX-BCN-2026-0001).
FIRST_YEAR, LAST_YEAR = 1000, 9999


def check_start_date(start_date: datetime.date | None) -> None:
    """Refuse a start whose year the project code cannot carry in four digits."""
    if start_date is not None:
        check_start_year(start_date.year)


def check_start_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                "start_date": _("The planned start must be in a year from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            },
            code="start_year",
        )


class ProjectCodeCounter(models.Model):
    """The last number given to a project code in one year."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("project code counter")
        verbose_name_plural = _("project code counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


def next_project_code(year: int) -> str:
    """Return the year's next code; one UPSERT, so two concurrent creations never collide."""
    # Every path that makes a project ends here: none may make a code its pattern refuses.
    check_start_year(year)
    table = ProjectCodeCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608 (table name from Meta)
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [year],
        )
        number = cursor.fetchone()[0]
    return f"{CODE_PREFIX}-{year}-{number:04d}"


def reserve_project_codes(codes: list[str]) -> None:
    """Move each year's counter past imported codes, so generated codes never collide."""
    highest: dict[int, int] = {}
    for code in codes:
        year, number = (int(part) for part in code.rsplit("-", 2)[1:])
        highest[year] = max(highest.get(year, 0), number)
    table = ProjectCodeCounter._meta.db_table
    with connection.cursor() as cursor:
        for year, number in highest.items():
            cursor.execute(
                f"INSERT INTO {table} (year, last) VALUES (%s, %s) "  # noqa: S608
                f"ON CONFLICT (year) DO UPDATE SET last = GREATEST({table}.last, EXCLUDED.last)",
                [year, number],
            )
